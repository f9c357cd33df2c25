//! A failed backup notifies a local webhook receiver and a local SMTP server; a successful
//! one only when asked.

use std::time::Duration;

use ripcord_notifier::{EmailConfig, EmailTls, NotifyConfig, WebhookConfig, WebhookFormat};
use ripcord_testkit::{SmtpSink, WebhookSink};

use crate::helpers::Case;

const WAIT: Duration = Duration::from_secs(30);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_run_notifies_webhook_and_email_and_success_only_on_request() {
    let hooks = WebhookSink::start().expect("webhook sink");
    let smtp = SmtpSink::start().expect("smtp sink");
    let notify = NotifyConfig {
        on_success: false,
        webhooks: vec![WebhookConfig {
            url: hooks.url("/hook"),
            format: WebhookFormat::Json,
        }],
        email: Some(EmailConfig {
            host: "127.0.0.1".into(),
            port: Some(smtp.port()),
            tls: EmailTls::None,
            username: None,
            password: None,
            from: "ripcord@example.test".into(),
            to: vec!["oncall@example.test".into()],
        }),
    };
    let mut case = Case::new();
    case.notify = notify;

    // Nothing listens on this port: the run fails at connect.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = closed.local_addr().expect("addr").port();
    drop(closed);
    let url = format!("postgres://postgres:hunter2@127.0.0.1:{port}/app");
    assert_eq!(case.backup(&url, &[]).await, 2);

    let request = hooks.next(WAIT).expect("the webhook was called");
    let event: serde_json::Value = serde_json::from_str(&request.body).expect("JSON");
    assert_eq!(event["kind"], "backup.run");
    assert_eq!(event["ok"], false);
    assert!(
        event["text"].as_str().expect("text").contains("connect"),
        "{event}"
    );
    assert!(
        !request.body.contains("hunter2"),
        "no password in notifications"
    );
    let mail = smtp.next(WAIT).expect("an email was sent");
    assert!(mail.data.contains("FAILED"), "{}", mail.data);

    // Success: silent by default…
    assert_eq!(case.backup(&case.src.url, &[]).await, 0);
    let silent = case.catalog().await[0].id.clone();
    // …and sent with --notify-success. Notifications are sent before `run` returns, so had
    // the first success been sent, it would be the next request, ahead of this one.
    assert_eq!(case.backup(&case.src.url, &["--notify-success"]).await, 0);
    let asked = case.catalog().await[0].id.clone();
    assert_ne!(silent, asked);
    let request = hooks.next(WAIT).expect("the success webhook");
    let event: serde_json::Value = serde_json::from_str(&request.body).expect("JSON");
    assert_eq!(event["ok"], true, "{event}");
    assert_eq!(event["title"], "Backup of app");
    let backup = event["fields"]
        .as_array()
        .and_then(|fields| fields.iter().find(|f| f[0] == "backup"))
        .map(|f| f[1].clone());
    assert_eq!(
        backup,
        Some(serde_json::json!(asked)),
        "the first notified success is the one asked for, not {silent}: {event}"
    );
}
