//! Notifications reach a real local webhook receiver and a real local SMTP server.

use std::time::Duration;

use ripcord_notifier::{
    EmailConfig, EmailTls, Notification, NotificationKind, NotifyConfig, WebhookConfig,
    WebhookFormat, send,
};
use ripcord_testkit::{SmtpSink, WebhookSink};

const WAIT: Duration = Duration::from_secs(20);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_notification_reaches_every_webhook_format_and_smtp() {
    let hooks = WebhookSink::start().expect("webhook sink");
    let smtp = SmtpSink::start().expect("smtp sink");
    let config = NotifyConfig {
        on_success: false,
        webhooks: vec![
            WebhookConfig {
                url: hooks.url("/json"),
                format: WebhookFormat::Json,
            },
            WebhookConfig {
                url: hooks.url("/slack"),
                format: WebhookFormat::Slack,
            },
            WebhookConfig {
                url: hooks.url("/discord"),
                format: WebhookFormat::Discord,
            },
        ],
        email: Some(EmailConfig {
            host: "127.0.0.1".into(),
            port: Some(smtp.port()),
            tls: EmailTls::None,
            username: None,
            password: None,
            from: "ripcord <ripcord@example.test>".into(),
            to: vec!["oncall@example.test".into()],
        }),
    };
    let event = Notification::new(
        NotificationKind::BackupRun,
        false,
        "Backup of app",
        "pg_dump: connection refused",
    )
    .field("destination", "gs://bucket/app");
    send(&config, &event).await.expect("every channel delivers");

    let mut paths = Vec::new();
    for _ in 0..3 {
        let request = hooks.next(WAIT).expect("a webhook request");
        assert_eq!(request.method, "POST");
        let body: serde_json::Value = serde_json::from_str(&request.body).expect("JSON body");
        match request.path.as_str() {
            "/json" => {
                assert_eq!(body["kind"], "backup.run");
                assert_eq!(body["ok"], false);
                assert_eq!(body["text"], "pg_dump: connection refused");
            }
            "/slack" => assert!(body["text"].as_str().expect("text").contains("FAILED")),
            "/discord" => assert!(
                body["content"]
                    .as_str()
                    .expect("content")
                    .contains("gs://bucket/app")
            ),
            other => panic!("unexpected path {other}"),
        }
        paths.push(request.path);
    }
    paths.sort();
    assert_eq!(paths, ["/discord", "/json", "/slack"]);

    let mail = smtp.next(WAIT).expect("an email");
    assert!(mail.from.contains("ripcord@example.test"), "{mail:?}");
    assert_eq!(mail.to, ["<oncall@example.test>"]);
    assert!(
        mail.data.contains("Subject: [ripcord] Backup of app"),
        "{}",
        mail.data
    );
    assert!(mail.data.contains("connection refused"), "{}", mail.data);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_channel_is_reported_and_does_not_stop_the_others() {
    let hooks = WebhookSink::start().expect("webhook sink");
    let dead = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let dead_port = dead.local_addr().expect("addr").port();
    drop(dead);
    let config = NotifyConfig {
        on_success: true,
        webhooks: vec![
            WebhookConfig {
                url: format!("http://127.0.0.1:{dead_port}/secret-token"),
                format: WebhookFormat::Json,
            },
            WebhookConfig {
                url: hooks.url("/ok"),
                format: WebhookFormat::Json,
            },
        ],
        email: None,
    };
    let error = send(
        &config,
        &Notification::new(NotificationKind::BackupRun, true, "Drill", ""),
    )
    .await
    .expect_err("one channel is down");
    let text = error.to_string();
    assert!(
        text.starts_with("1 of 2 notification channel(s) failed"),
        "{text}"
    );
    assert!(
        !text.contains("secret-token"),
        "webhook secrets stay out of errors: {text}"
    );
    assert_eq!(hooks.next(WAIT).expect("the live hook").path, "/ok");
}
