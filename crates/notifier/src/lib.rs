//! Notifications for backups, halts and drills: generic JSON webhooks, Slack and Discord
//! incoming webhooks, and SMTP email, configured in the `[notify]` section of `ripcord.toml`.
//!
//! A caller builds a [`Notification`] and calls [`send`]; every configured channel gets it,
//! and a channel that fails does not stop the others ([`NotifyError::Failed`] lists each
//! failure).
//!
//! Secrets (webhook URLs, whose path is their token, and the SMTP password) never show in
//! `Debug`, errors or logs.
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
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

/// How long one channel may take.
const TIMEOUT: Duration = Duration::from_secs(15);
/// Discord refuses messages over 2000 characters; Slack truncates long ones.
const CHAT_LIMIT: usize = 1900;

/// The `[notify]` section of `ripcord.toml`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
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

#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookConfig {
    /// The hook's URL; its path is its secret, so `Debug` shows only scheme and host.
    pub url: String,
    #[serde(default)]
    pub format: WebhookFormat,
}

impl std::fmt::Debug for WebhookConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookConfig")
            .field("url", &redact_url(&self.url))
            .field("format", &self.format)
            .finish()
    }
}

#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum WebhookFormat {
    /// The [`Notification`] as JSON.
    #[default]
    Json,
    /// Slack incoming webhook: `{"text": …}`.
    Slack,
    /// Discord webhook: `{"content": …}`.
    Discord,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmailConfig {
    pub host: String,
    #[serde(default)]
    pub port: Option<u16>,
    #[serde(default)]
    pub tls: EmailTls,
    #[serde(default)]
    pub username: Option<String>,
    /// Shown as `[REDACTED]` by `Debug`.
    #[serde(default, serialize_with = "serialize_secret")]
    pub password: Option<SecretString>,
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

/// Writes a secret as its plain value: configuration must round-trip through serde (the
/// binary layers its defaults that way). `Debug` is what must never show it.
pub fn serialize_secret<S: serde::Serializer>(
    secret: &Option<SecretString>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    secret
        .as_ref()
        .map(|s| s.expose_secret())
        .serialize(serializer)
}

/// What a notification is about; serialised as the dotted names receivers already match on.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub enum NotificationKind {
    /// A backup run (by hand or scheduled).
    #[serde(rename = "backup.run")]
    BackupRun,
    /// `ripcord backup verify` by hand, with or without `--restore`.
    #[serde(rename = "backup.verify")]
    BackupVerify,
    /// A scheduled `verify --restore`.
    #[serde(rename = "backup.verify-restore")]
    BackupVerifyRestore,
    /// A switch was halted (`ripcord halt`, the API, a drill).
    #[serde(rename = "switch.halt")]
    Halt,
    /// A switch was resumed.
    #[serde(rename = "switch.resume")]
    Resume,
    /// A drill ended, whatever its verdict.
    #[serde(rename = "drill")]
    Drill,
}

impl NotificationKind {
    /// Whether the notification is sent whatever its outcome: a halt, a resume and a drill
    /// result are news in themselves, where a backup that worked is news only on request.
    fn always_sent(self) -> bool {
        matches!(self, Self::Halt | Self::Resume | Self::Drill)
    }
}

/// Something worth telling a human about.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Notification {
    pub kind: NotificationKind,
    pub ok: bool,
    /// One line: "Backup of app failed".
    pub title: String,
    /// A few lines of detail.
    pub text: String,
    /// Key facts (destination, backup id, size, duration…), in order.
    #[serde(default)]
    pub fields: Vec<(String, String)>,
    pub at: Timestamp,
    /// The same for every delivery of one notification (`<log id>:<revision>` for a switch
    /// change, `drill:<id>` for a drill): a receiver that sees it twice drops the second,
    /// since delivery is at least once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The whole record for machines: the switch event, or the drill's record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<serde_json::Value>,
}

impl Notification {
    pub fn new(
        kind: NotificationKind,
        ok: bool,
        title: impl Into<String>,
        text: impl Into<String>,
    ) -> Self {
        Self {
            kind,
            ok,
            title: title.into(),
            text: text.into(),
            fields: Vec::new(),
            at: Timestamp::now(),
            id: None,
            data: None,
        }
    }

    pub fn field(mut self, name: &str, value: impl ToString) -> Self {
        self.fields.push((name.to_owned(), value.to_string()));
        self
    }

    /// The word after the title: what happened to a switch, else how the job went.
    fn mark(&self) -> &'static str {
        match self.kind {
            NotificationKind::Halt => "HALTED",
            NotificationKind::Resume => "RESUMED",
            _ if self.ok => "OK",
            _ => "FAILED",
        }
    }

    /// Plain-text rendering, for chat and email.
    pub fn render(&self) -> String {
        let mut out = format!("[ripcord] {} — {}\n", self.title, self.mark());
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
    #[error("rendering the notification as JSON")]
    Render(#[source] serde_json::Error),
}

/// Whether `config` wants this notification at all: halts, resumes, drills and failures
/// always; other successes when `on_success` or `force_success`.
pub fn wanted(config: &NotifyConfig, event: &Notification, force_success: bool) -> bool {
    !config.is_empty()
        && (event.kind.always_sent() || !event.ok || config.on_success || force_success)
}

/// A stable name for each configured channel, so a sender that retries can skip the
/// channels that already took a notification: a hash of the channel's settings (a webhook's
/// URL is its secret, so it never appears).
pub fn channel_keys(config: &NotifyConfig) -> Vec<String> {
    let hooks = config.webhooks.iter().map(|hook| {
        let format = format!("{:?}", hook.format);
        channel_key("webhook", &[&hook.url, &format])
    });
    let email = config.email.iter().map(|email| {
        let mut parts = vec![email.host.as_str(), email.from.as_str()];
        parts.extend(email.to.iter().map(String::as_str));
        channel_key("email", &parts)
    });
    hooks.chain(email).collect()
}

fn channel_key(kind: &str, parts: &[&str]) -> String {
    use sha2::Digest;
    let mut hash = sha2::Sha256::new();
    for part in parts {
        hash.update(part.as_bytes());
        hash.update([0]);
    }
    format!("{kind}:{}", &hex::encode(hash.finalize())[..16])
}

/// What one attempt to deliver a notification did, channel by channel.
#[derive(Debug, Default)]
pub struct Delivery {
    /// The keys ([`channel_keys`]) of the channels that took it.
    pub delivered: Vec<String>,
    /// One line per channel that did not, naming the channel but not its secret.
    pub failures: Vec<String>,
}

/// Sends `event` to every configured channel, concurrently.
pub async fn send(config: &NotifyConfig, event: &Notification) -> Result<(), NotifyError> {
    let delivery = deliver(config, event, &[]).await?;
    if delivery.failures.is_empty() {
        Ok(())
    } else {
        Err(NotifyError::Failed {
            total: delivery.delivered.len() + delivery.failures.len(),
            failures: delivery.failures,
        })
    }
}

/// Sends `event` to every configured channel whose key is not in `skip`, concurrently,
/// and says which took it.
pub async fn deliver(
    config: &NotifyConfig,
    event: &Notification,
    skip: &[String],
) -> Result<Delivery, NotifyError> {
    // Rendered once, before any channel: a notification that cannot be rendered is an error,
    // never an empty message.
    let bodies = Bodies::render(event)?;
    let http = reqwest::Client::builder()
        .timeout(TIMEOUT)
        .build()
        .map_err(|e| NotifyError::Failed {
            total: 1,
            failures: vec![format!("HTTP client: {e}")],
        })?;
    let mut keys = channel_keys(config).into_iter();
    let mut tasks = Vec::new();
    for hook in &config.webhooks {
        let key = keys.next().unwrap_or_default();
        if skip.contains(&key) {
            continue;
        }
        let http = http.clone();
        let hook = hook.clone();
        let body = bodies.for_format(hook.format).clone();
        tasks.push((
            key,
            tokio::spawn(async move {
                send_webhook(&http, &hook, &body)
                    .await
                    .map_err(|e| format!("webhook {}: {e}", redact_url(&hook.url)))
            }),
        ));
    }
    if let Some(email) = &config.email {
        let key = keys.next().unwrap_or_default();
        if !skip.contains(&key) {
            let email = email.clone();
            let event = event.clone();
            tasks.push((
                key,
                tokio::spawn(async move {
                    send_email(&email, &event)
                        .await
                        .map_err(|e| format!("email via {}: {e}", email.host))
                }),
            ));
        }
    }
    let mut delivery = Delivery::default();
    for (key, task) in tasks {
        match task.await {
            Ok(Ok(())) => delivery.delivered.push(key),
            Ok(Err(e)) => delivery.failures.push(e),
            Err(e) => delivery.failures.push(format!("task: {e}")),
        }
    }
    Ok(delivery)
}

/// Webhook URLs carry their secret in the path: show only scheme and host.
fn redact_url(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(u) => format!("{}://{}/…", u.scheme(), u.host_str().unwrap_or("?")),
        Err(_) => "<invalid URL>".into(),
    }
}

/// The request body of each webhook format, rendered once per notification.
struct Bodies {
    json: serde_json::Value,
    slack: serde_json::Value,
    discord: serde_json::Value,
}

impl Bodies {
    fn render(event: &Notification) -> Result<Self, NotifyError> {
        Ok(Self {
            json: webhook_body(WebhookFormat::Json, event)?,
            slack: webhook_body(WebhookFormat::Slack, event)?,
            discord: webhook_body(WebhookFormat::Discord, event)?,
        })
    }

    fn for_format(&self, format: WebhookFormat) -> &serde_json::Value {
        match format {
            WebhookFormat::Json => &self.json,
            WebhookFormat::Slack => &self.slack,
            WebhookFormat::Discord => &self.discord,
        }
    }
}

/// The request body for a webhook format.
pub fn webhook_body(
    format: WebhookFormat,
    event: &Notification,
) -> Result<serde_json::Value, NotifyError> {
    let mut text = event.render();
    if text.len() > CHAT_LIMIT {
        let mut cut = CHAT_LIMIT;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
        text.push('…');
    }
    // Reasons, actors and agent names are callers' text: they must not ping a channel
    // (`<!channel>`, `@everyone`) or format links.
    Ok(match format {
        WebhookFormat::Json => serde_json::to_value(event).map_err(NotifyError::Render)?,
        WebhookFormat::Slack => serde_json::json!({ "text": slack_escape(&text) }),
        WebhookFormat::Discord => serde_json::json!({
            "content": text,
            "allowed_mentions": { "parse": [] },
        }),
    })
}

/// Slack's three control characters, escaped as its docs ask.
fn slack_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

async fn send_webhook(
    http: &reqwest::Client,
    hook: &WebhookConfig,
    body: &serde_json::Value,
) -> Result<(), String> {
    let response = http
        .post(&hook.url)
        .json(body)
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

async fn send_email(config: &EmailConfig, event: &Notification) -> Result<(), String> {
    use lettre::transport::smtp::authentication::Credentials;
    use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

    let from = config
        .from
        .parse()
        .map_err(|e| format!("from address {:?}: {e}", config.from))?;
    let mut builder = Message::builder().from(from).subject(format!(
        "[ripcord] {} — {}",
        event.title,
        event.mark()
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
        transport = transport.credentials(Credentials::new(
            user.clone(),
            password.expose_secret().to_owned(),
        ));
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
        let event = Notification::new(
            NotificationKind::BackupRun,
            false,
            "Backup of app",
            "pg_dump failed",
        )
        .field("destination", "gs://b/p");
        let slack = webhook_body(WebhookFormat::Slack, &event).expect("slack");
        let text = slack["text"].as_str().expect("text");
        assert!(text.contains("Backup of app — FAILED"), "{text}");
        assert!(text.contains("destination: gs://b/p"), "{text}");
        let discord = webhook_body(WebhookFormat::Discord, &event).expect("discord");
        assert!(discord["content"].as_str().is_some());
        let json = webhook_body(WebhookFormat::Json, &event).expect("json");
        assert_eq!(json["kind"], "backup.run");
        assert_eq!(json["ok"], false);
    }

    #[test]
    fn callers_text_cannot_ping_a_channel() {
        let event = Notification::new(NotificationKind::Halt, true, "t", "<!channel> @everyone");
        let slack = webhook_body(WebhookFormat::Slack, &event).expect("slack");
        let text = slack["text"].as_str().expect("text");
        assert!(text.contains("&lt;!channel&gt;"), "{text}");
        let discord = webhook_body(WebhookFormat::Discord, &event).expect("discord");
        assert_eq!(discord["allowed_mentions"]["parse"], serde_json::json!([]));
    }

    #[test]
    fn long_chat_messages_are_cut_on_a_char_boundary() {
        let event = Notification::new(NotificationKind::BackupRun, true, "é".repeat(2000), "");
        let body = webhook_body(WebhookFormat::Discord, &event).expect("discord");
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
        let ok = Notification::new(NotificationKind::BackupRun, true, "t", "");
        let failed = Notification::new(NotificationKind::BackupRun, false, "t", "");
        assert!(!wanted(&config, &ok, false));
        assert!(wanted(&config, &ok, true));
        assert!(wanted(&config, &failed, false));
        assert!(!wanted(&NotifyConfig::default(), &failed, false));
        let halt = Notification::new(NotificationKind::Halt, true, "t", "");
        assert!(wanted(&config, &halt, false), "halts are always news");
    }

    #[test]
    fn channel_keys_are_stable_distinct_and_keep_secrets_out() {
        let hook = |url: &str| WebhookConfig {
            url: url.into(),
            format: WebhookFormat::Json,
        };
        let config = NotifyConfig {
            webhooks: vec![
                hook("https://hooks.example/services/secret-a"),
                hook("https://hooks.example/services/secret-b"),
            ],
            ..Default::default()
        };
        let keys = channel_keys(&config);
        assert_eq!(keys, channel_keys(&config.clone()));
        assert_eq!(keys.len(), 2);
        assert_ne!(keys[0], keys[1]);
        assert!(keys.iter().all(|key| key.starts_with("webhook:")));
        assert!(!keys.concat().contains("secret"));
    }

    #[test]
    fn switch_changes_render_what_happened() {
        let halt = Notification::new(NotificationKind::Halt, true, "global halted", "");
        assert!(
            halt.render()
                .starts_with("[ripcord] global halted — HALTED")
        );
    }

    #[test]
    fn kinds_serialise_as_their_dotted_names() {
        for (kind, name) in [
            (NotificationKind::BackupRun, "backup.run"),
            (NotificationKind::BackupVerify, "backup.verify"),
            (
                NotificationKind::BackupVerifyRestore,
                "backup.verify-restore",
            ),
            (NotificationKind::Halt, "switch.halt"),
            (NotificationKind::Resume, "switch.resume"),
            (NotificationKind::Drill, "drill"),
        ] {
            assert_eq!(serde_json::to_value(kind).expect("json"), name);
        }
    }

    #[test]
    fn secrets_stay_out_of_debug_and_round_trip_through_serde() {
        let config: NotifyConfig = serde_json::from_value(serde_json::json!({
            "webhooks": [{"url": "https://hooks.example/services/T0/B0/hook-token-1"}],
            "email": {"host": "smtp.example", "username": "u", "password": "smtp-pass-2",
                      "from": "a@example", "to": ["b@example"]},
        }))
        .expect("config");
        let debug = format!("{config:?}");
        for secret in ["hook-token-1", "smtp-pass-2"] {
            assert!(!debug.contains(secret), "{secret} in {debug}");
        }
        assert!(debug.contains("smtp.example"), "{debug}");
        let back = serde_json::to_value(&config).expect("serialise");
        assert_eq!(back["email"]["password"], "smtp-pass-2");
    }
}
