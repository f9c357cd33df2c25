//! Secrets set in the configuration (the database password, the S3 secret key, the SMTP
//! password, a webhook's token) or used by a command (an age identity) never show in the
//! `Debug` of a settings type nor in a debug-level log of a backup and a verification.

use std::io::Write;
use std::sync::{Arc, Mutex};

use age::secrecy::ExposeSecret;
use ripcord_backup::pg::DbUrl;
use ripcord_backup::{RestoreRequest, RunRequest, VerifyRequest};
use ripcord_notifier::{EmailConfig, EmailTls, NotifyConfig, WebhookConfig, WebhookFormat};
use ripcord_testkit::{Moto, SmtpSink, WebhookSink};

use crate::helpers::{Case, observer};

/// Collects everything the tracing subscriber writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("lock").extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secrets_stay_out_of_debug_output_and_debug_logs() {
    let log = Captured::default();
    tracing_subscriber::fmt()
        .with_max_level(tracing_subscriber::filter::LevelFilter::DEBUG)
        .with_writer(log.clone())
        .with_ansi(false)
        .try_init()
        .expect("the only test that installs a subscriber");

    let db_password = "db-pass-Zq81";
    let s3_secret = "s3-secret-Kx42";
    let smtp_password = "smtp-pass-Vb73";
    let hook_token = "hook-token-Wm64";
    let identity = age::x25519::Identity::generate();
    let identity_secret = identity.to_string().expose_secret().to_owned();
    let secrets = [
        db_password,
        s3_secret,
        smtp_password,
        hook_token,
        &identity_secret,
    ];

    let case = Case::new();
    let moto = Moto::start().expect("moto");
    moto.create_bucket("secrets").expect("bucket");
    let hooks = WebhookSink::start().expect("webhook sink");
    let smtp = SmtpSink::start().expect("smtp sink");
    let key_file = case.dir.path().join("backup.key");
    std::fs::write(&key_file, &identity_secret).expect("identity file");

    let mut config = case.config.clone();
    // The test cluster trusts local connections: the password travels, unchecked.
    config.database_url = Some(
        case.src
            .url
            .replace("postgres@", &format!("postgres:{db_password}@"))
            .into(),
    );
    config.to = Some("s3://secrets/app".into());
    config.s3.endpoint = Some(moto.endpoint());
    config.s3.allow_http = true;
    config.s3.region = Some("us-east-1".into());
    config.s3.access_key_id = Some("testing".into());
    config.s3.secret_access_key = Some(s3_secret.into());
    config.age_recipients = vec![identity.to_public().to_string()];
    config.age_identity = Some(key_file.clone());
    let notify = NotifyConfig {
        on_success: true,
        webhooks: vec![WebhookConfig {
            url: hooks.url(&format!("/services/{hook_token}")),
            format: WebhookFormat::Slack,
        }],
        // The sink offers no AUTH: this channel fails, and its error is logged.
        email: Some(EmailConfig {
            host: "127.0.0.1".into(),
            port: Some(smtp.port()),
            tls: EmailTls::None,
            username: Some("ripcord".into()),
            password: Some(smtp_password.into()),
            from: "ripcord@example.test".into(),
            to: vec!["oncall@example.test".into()],
        }),
    };

    let watch = observer("json");
    let run = ripcord_backup::run(
        &config,
        &notify,
        RunRequest::default(),
        &watch,
        std::future::pending(),
    )
    .await
    .expect("backup");
    let manifest = run.manifest.clone().expect("a manifest");
    let verify_request = VerifyRequest {
        identity: Some(key_file.clone()),
        ..VerifyRequest::new("latest", true)
    };
    let record = ripcord_backup::verify(
        &config,
        &notify,
        &verify_request,
        &watch,
        std::future::pending(),
    )
    .await
    .expect("verify");
    assert!(record.ok, "{record:?}");
    assert!(hooks.next(std::time::Duration::from_secs(30)).is_some());
    // A failing connection, whose error is logged too.
    let mut refused = config.clone();
    refused.database_url =
        Some(format!("postgres://postgres:{db_password}@127.0.0.1:1/app").into());
    assert!(
        ripcord_backup::run(
            &refused,
            &notify,
            RunRequest::default(),
            &watch,
            std::future::pending()
        )
        .await
        .is_err()
    );

    let restore_request = RestoreRequest {
        id: manifest.id.clone(),
        into: config.database_url.clone().expect("url"),
        identity: Some(key_file),
        no_owner: false,
    };
    let db_url = DbUrl::parse(config.database_url.as_ref().expect("url").expose()).expect("url");
    let debug = [
        format!("{config:?}"),
        format!("{:?}", config.s3),
        format!("{:?}", config.database_url),
        format!("{notify:?}"),
        format!("{:?}", notify.email),
        format!("{:?}", notify.webhooks),
        format!("{db_url:?}"),
        format!("{:?}", db_url.password),
        format!("{verify_request:?}"),
        format!("{restore_request:?}"),
        format!("{run:?}"),
        format!("{record:?}"),
    ];
    let log = String::from_utf8(log.0.lock().expect("lock").clone()).expect("utf-8 log");
    assert!(log.contains("DEBUG") || log.contains("WARN"), "{log}");
    for secret in secrets {
        for shown in &debug {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
        assert!(!log.contains(secret), "{secret} in the log:\n{log}");
    }
    // The settings still show what is not secret.
    assert!(
        debug[0].contains("127.0.0.1") && debug[0].contains("secrets/app"),
        "{}",
        debug[0]
    );
}
