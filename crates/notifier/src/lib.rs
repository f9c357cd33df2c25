//! Notifications for backups, halts and drills: generic JSON webhooks, Slack and Discord
//! incoming webhooks, and SMTP email, configured in the `[notify]` section of `ripcord.toml`.
//!
//! A caller builds an [`Event`] and calls [`send`]; every configured channel gets it, and a
//! channel that fails does not stop the others ([`NotifyError::Failed`] lists each failure).
//!
//! ```toml
//! [notify]
//! on_success = false              # failures are always sent
//! [[notify.webhooks]]
//! url = "https://hooks.slack.com/services/…"
//! format = "slack"                # json (default) | slack | discord
//! [notify.email]
//! host = "smtp.example.com"
//! port = 587
//! tls = "starttls"                # none | starttls | tls
//! username = "ripcord@example.com"
//! password = "…"                  # or RIPCORD_NOTIFY__EMAIL__PASSWORD
//! from = "ripcord <ripcord@example.com>"
//! to = ["oncall@example.com"]
//! ```

use std::time::Duration;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// How long one channel may take.
const TIMEOUT: Duration = Duration::from_secs(15);
/// Discord refuses messages over 2000 characters; Slack truncates long ones.
const CHAT_LIMIT: usize = 1900;

/// The `[notify]` section of `ripcord.toml`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct NotifyConfig {
    /// Also send successes (failures are always sent).
    pub on_success: bool,
    pub webhooks: Vec<WebhookConfig>,
    pub email: Option<EmailConfig>,
}

impl NotifyConfig {
    pub fn is_empty(&self) -> bool {
        self.webhooks.is_empty() && self.email.is_none()
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct WebhookConfig {
    pub url: String,
    #[serde(default)]
    pub format: WebhookFormat,
}

#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum WebhookFormat {
    /// The [`Event`] as JSON.
    #[default]
    Json,
    /// Slack incoming webhook: `{"text": …}`.
    Slack,
    /// Discord webhook: `{"content": …}`.
    Discord,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct EmailConfig {
    pub host: String,
    #[serde(default)]
    pub port: Option<u16>,
    #[serde(default)]
    pub tls: EmailTls,
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub password: Option<String>,
    pub from: String,
    pub to: Vec<String>,
}

#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum EmailTls {
    /// Plain SMTP (local relays and tests only). Default port 25.
    None,
    /// STARTTLS upgrade, required. Default port 587.
    #[default]
    Starttls,
    /// Implicit TLS. Default port 465.
    Tls,
}

/// Something worth telling a human about.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Event {
    /// `backup.run`, `backup.verify`, `halt`, `drill.restore`, …
    pub kind: String,
    pub ok: bool,
    /// One line: "Backup of app failed".
    pub title: String,
    /// A few lines of detail.
    pub text: String,
    /// Key facts (destination, backup id, size, duration…), in order.
    #[serde(default)]
    pub fields: Vec<(String, String)>,
    pub at: Timestamp,
}

impl Event {
    pub fn new(kind: &str, ok: bool, title: impl Into<String>, text: impl Into<String>) -> Self {
        Self {
            kind: kind.to_owned(),
            ok,
            title: title.into(),
            text: text.into(),
            fields: Vec::new(),
            at: Timestamp::now(),
        }
    }

    pub fn field(mut self, name: &str, value: impl ToString) -> Self {
        self.fields.push((name.to_owned(), value.to_string()));
        self
    }

    /// Plain-text rendering, for chat and email.
    pub fn render(&self) -> String {
        let mark = if self.ok { "OK" } else { "FAILED" };
        let mut out = format!("[ripcord] {} — {mark}\n", self.title);
        if !self.text.is_empty() {
            out.push_str(&self.text);
            out.push('\n');
        }
        for (name, value) in &self.fields {
            out.push_str(&format!("{name}: {value}\n"));
        }
        out.push_str(&format!("at: {}\n", self.at));
        out
    }
}

#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    #[error("{} of {total} notification channel(s) failed: {}", failures.len(), failures.join("; "))]
    Failed { total: usize, failures: Vec<String> },
}

/// Whether `config` wants this event at all (failures always; successes when `on_success`
/// or `force_success`).
pub fn wanted(config: &NotifyConfig, event: &Event, force_success: bool) -> bool {
    !config.is_empty() && (!event.ok || config.on_success || force_success)
}

/// Sends `event` to every configured channel, concurrently.
pub async fn send(config: &NotifyConfig, event: &Event) -> Result<(), NotifyError> {
    let http = reqwest::Client::builder()
        .timeout(TIMEOUT)
        .build()
        .map_err(|e| NotifyError::Failed {
            total: 1,
            failures: vec![format!("HTTP client: {e}")],
        })?;
    let mut tasks = Vec::new();
    for hook in &config.webhooks {
        let http = http.clone();
        let hook = hook.clone();
        let event = event.clone();
        tasks.push(tokio::spawn(async move {
            send_webhook(&http, &hook, &event)
                .await
                .map_err(|e| format!("webhook {}: {e}", redact_url(&hook.url)))
        }));
    }
    if let Some(email) = &config.email {
        let email = email.clone();
        let event = event.clone();
        tasks.push(tokio::spawn(async move {
            send_email(&email, &event)
                .await
                .map_err(|e| format!("email via {}: {e}", email.host))
        }));
    }
    let total = tasks.len();
    let mut failures = Vec::new();
    for task in tasks {
        match task.await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => failures.push(e),
            Err(e) => failures.push(format!("task: {e}")),
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(NotifyError::Failed { total, failures })
    }
}

/// Webhook URLs carry their secret in the path: show only scheme and host.
fn redact_url(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(u) => format!("{}://{}/…", u.scheme(), u.host_str().unwrap_or("?")),
        Err(_) => "<invalid URL>".into(),
    }
}

/// The request body for a webhook format.
pub fn webhook_body(format: WebhookFormat, event: &Event) -> serde_json::Value {
    let mut text = event.render();
    if text.len() > CHAT_LIMIT {
        let mut cut = CHAT_LIMIT;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
        text.push('…');
    }
    match format {
        WebhookFormat::Json => serde_json::to_value(event).unwrap_or_default(),
        WebhookFormat::Slack => serde_json::json!({ "text": text }),
        WebhookFormat::Discord => serde_json::json!({ "content": text }),
    }
}

async fn send_webhook(
    http: &reqwest::Client,
    hook: &WebhookConfig,
    event: &Event,
) -> Result<(), String> {
    let response = http
        .post(&hook.url)
        .json(&webhook_body(hook.format, event))
        .send()
        .await
        .map_err(|e| e.without_url().to_string())?;
    let status = response.status();
    if status.is_success() {
        Ok(())
    } else {
        let body = response.text().await.unwrap_or_default();
        Err(format!(
            "answered {status}: {}",
            body.chars().take(200).collect::<String>()
        ))
    }
}

async fn send_email(config: &EmailConfig, event: &Event) -> Result<(), String> {
    use lettre::transport::smtp::authentication::Credentials;
    use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

    let from = config
        .from
        .parse()
        .map_err(|e| format!("from address {:?}: {e}", config.from))?;
    let mut builder = Message::builder().from(from).subject(format!(
        "[ripcord] {} — {}",
        event.title,
        if event.ok { "OK" } else { "FAILED" }
    ));
    if config.to.is_empty() {
        return Err("no recipient (notify.email.to is empty)".into());
    }
    for to in &config.to {
        builder = builder.to(to.parse().map_err(|e| format!("to address {to:?}: {e}"))?);
    }
    let message = builder
        .body(event.render())
        .map_err(|e| format!("building the message: {e}"))?;
    let transport = match config.tls {
        EmailTls::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&config.host)
            .port(config.port.unwrap_or(25)),
        EmailTls::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&config.host)
            .map_err(|e| e.to_string())?
            .port(config.port.unwrap_or(587)),
        EmailTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&config.host)
            .map_err(|e| e.to_string())?
            .port(config.port.unwrap_or(465)),
    };
    let mut transport = transport.timeout(Some(TIMEOUT));
    if let (Some(user), Some(password)) = (&config.username, &config.password) {
        transport = transport.credentials(Credentials::new(user.clone(), password.clone()));
    }
    transport
        .build()
        .send(message)
        .await
        .map(drop)
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chat_formats_carry_the_rendered_text() {
        let event = Event::new("backup.run", false, "Backup of app", "pg_dump failed")
            .field("destination", "gs://b/p");
        let slack = webhook_body(WebhookFormat::Slack, &event);
        let text = slack["text"].as_str().expect("text");
        assert!(text.contains("Backup of app — FAILED"), "{text}");
        assert!(text.contains("destination: gs://b/p"), "{text}");
        let discord = webhook_body(WebhookFormat::Discord, &event);
        assert!(discord["content"].as_str().is_some());
        let json = webhook_body(WebhookFormat::Json, &event);
        assert_eq!(json["kind"], "backup.run");
        assert_eq!(json["ok"], false);
    }

    #[test]
    fn long_chat_messages_are_cut_on_a_char_boundary() {
        let event = Event::new("x", true, "é".repeat(2000), "");
        let body = webhook_body(WebhookFormat::Discord, &event);
        let text = body["content"].as_str().expect("content");
        assert!(text.len() <= CHAT_LIMIT + '…'.len_utf8());
    }

    #[test]
    fn successes_are_sent_only_when_asked() {
        let config = NotifyConfig {
            webhooks: vec![WebhookConfig {
                url: "http://127.0.0.1:1/".into(),
                format: WebhookFormat::Json,
            }],
            ..Default::default()
        };
        let ok = Event::new("x", true, "t", "");
        let failed = Event::new("x", false, "t", "");
        assert!(!wanted(&config, &ok, false));
        assert!(wanted(&config, &ok, true));
        assert!(wanted(&config, &failed, false));
        assert!(!wanted(&NotifyConfig::default(), &failed, false));
    }
}
