//! `run_schedules` runs a backup on its cron expression, records it, notifies, and stops on
//! shutdown; `status` then shows the run.

use std::time::Duration;

use ripcord_backup::run_schedules;
use ripcord_notifier::{NotifyConfig, WebhookConfig, WebhookFormat};
use ripcord_testkit::WebhookSink;

use crate::helpers::{config, file_url, source};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scheduled_backup_runs_is_recorded_and_shows_in_status() {
    let src = source();
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config = config(&dir.path().join("state"));
    config.database_url = Some(src.url.as_str().into());
    config.to = Some(file_url(&dir.path().join("backups")));
    config.schedule = Some("* * * * * *".into()); // every second
    let hooks = WebhookSink::start().expect("webhook sink");
    let notify = NotifyConfig {
        on_success: true,
        webhooks: vec![WebhookConfig {
            url: hooks.url("/"),
            format: WebhookFormat::Json,
        }],
        email: None,
    };
    let hooks = std::sync::Arc::new(hooks);
    let waiter = hooks.clone();
    // Shut down once the first scheduled run has notified (it notifies when it has ended).
    let (notified, stop) = tokio::sync::watch::channel(false);
    let waiting = tokio::task::spawn_blocking(move || {
        let request = waiter.next(Duration::from_secs(60));
        let _ = notified.send(true);
        request
    });
    let shutdown = || {
        let mut stop = stop.clone();
        async move {
            let _ = stop.wait_for(|stopping| *stopping).await;
        }
    };
    run_schedules(
        &config,
        &notify,
        &ripcord_backup::Observer::none(),
        shutdown,
    )
    .await
    .expect("schedules");
    let request = waiting.await.expect("join");
    assert!(request.is_some(), "no scheduled run within a minute");

    let status = ripcord_backup::status(&config).await.expect("status");
    let run = status.last_run.as_ref().expect("a run");
    assert!(run.ok && run.scheduled, "{status}");
    assert!(run.bytes.is_some_and(|b| b > 0));
    assert!(!status.failing());
    let json = serde_json::to_value(&status).expect("status is serializable");
    assert_eq!(json["last_run"]["kind"], "run");
}

#[tokio::test]
async fn bad_or_missing_schedules() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config = config(dir.path());
    // Nothing scheduled: returns at once.
    run_schedules(
        &config,
        &NotifyConfig::default(),
        &ripcord_backup::Observer::none(),
        std::future::pending,
    )
    .await
    .expect("no-op");
    config.schedule = Some("every night".into());
    config.to = Some("file:///tmp/x".into());
    config.database_url = Some("postgres://localhost/app".into());
    let error = run_schedules(
        &config,
        &NotifyConfig::default(),
        &ripcord_backup::Observer::none(),
        std::future::pending,
    )
    .await
    .expect_err("bad cron");
    assert!(error.to_string().contains("every night"), "{error}");
}
