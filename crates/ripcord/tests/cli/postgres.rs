//! The control plane on PostgreSQL through the command line: migrations, the first
//! token, a server, and the audit check, all on one database of the shared throwaway
//! cluster; Cloud Run's refusals; and settings that contradict each other.

use crate::helpers::{DEADLINE, Host};

/// A command line: its environment and its arguments.
type Invocation<'a> = (&'a [(&'a str, &'a str)], &'a [&'a str]);

/// A fresh database's URL with a password in it (the cluster trusts every local
/// connection, so any password works): nothing may print it.
fn database_with_password() -> String {
    let url = ripcord_testkit::Postgres::shared()
        .expect("the shared cluster")
        .fresh_database()
        .expect("a database");
    url.replacen("postgres@", "postgres:s3cret-pw@", 1)
}

#[tokio::test]
async fn the_control_plane_runs_on_postgres_from_migration_to_audit() {
    let host = Host::new();
    let url = database_with_password();
    let on_database = [("RIPCORD_DATABASE_URL", url.as_str())];

    let (code, out, err) = host.run_with(&on_database, &["migrate", "--dry-run"]).await;
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("would apply migration(s) 1"), "{out}");
    assert!(out.contains("PostgreSQL postgres://postgres:***@"), "{out}");
    let (code, out, err) = host.run_with(&on_database, &["migrate"]).await;
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("applied migration(s) 1"), "{out}");
    let (code, out, _) = host
        .run_with(&on_database, &["migrate", "--format", "json"])
        .await;
    assert_eq!(code, 0);
    let migration: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(migration["versions"], serde_json::json!([]), "{out}");

    let (code, admin, err) = host
        .run_with(
            &on_database,
            &["token", "create", "--role", "admin", "--name", "root"],
        )
        .await;
    assert_eq!(code, 0, "{err}");
    let admin = admin.trim().to_owned();

    // A token exists in the database: the server may face the network.
    let serve = host.serve(&["--listen", "0.0.0.0:0"], &on_database).await;
    let port = serve.addr.rsplit_once(':').expect("port").1.to_owned();
    let server = format!("http://127.0.0.1:{port}");
    let as_admin = [
        ("RIPCORD_TOKEN", admin.as_str()),
        ("RIPCORD_SERVER", server.as_str()),
    ];
    let (code, _, err) = host
        .run_with(
            &as_admin,
            &["halt", "--scope", "api", "--reason", "on postgres"],
        )
        .await;
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = host.run_with(&as_admin, &["audit", "verify"]).await;
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("switch log ok: 1 entries"), "{out}");
    let log = serve.stop().await;
    assert!(log.contains("postgres://postgres:***@"), "{log}");

    // The same database, the server gone: verified on the store.
    let (code, out, err) = host.run_with(&on_database, &["audit", "verify"]).await;
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("switch log ok: 1 entries"), "{out}");
    assert!(out.contains("audit log  ok: 1 entries"), "{out}");
    let (code, out, err) = host.run_with(&on_database, &["token", "list"]).await;
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("root"), "{out}");

    for printed in [&log, &out, &err] {
        assert!(
            !printed.contains("s3cret-pw"),
            "the password was printed: {printed}"
        );
    }
}

/// `ripcord serve` with this environment, expected to refuse at once; its stderr.
async fn refused_serve(host: &Host, env: &[(&str, &str)]) -> String {
    let serve = host.run_with(env, &["serve", "--listen", "127.0.0.1:0"]);
    let (code, _, stderr) = tokio::time::timeout(DEADLINE, serve)
        .await
        .expect("serve exits at once");
    assert_eq!(code, 2, "{stderr}");
    stderr
}

#[tokio::test]
async fn on_cloud_run_serve_needs_a_database_and_a_token() {
    let host = Host::new();
    let data = host.path("data").display().to_string();
    let on_cloud_run = ("K_SERVICE", "ripcord");
    // Its state would vanish with the instance.
    for insecure in ["false", "true"] {
        let stderr = refused_serve(
            &host,
            &[
                on_cloud_run,
                ("RIPCORD_SERVE__DATA_DIR", &data),
                ("RIPCORD_SERVE__INSECURE_NO_AUTH", insecure),
            ],
        )
        .await;
        assert!(stderr.contains("Cloud Run"), "{stderr}");
        assert!(stderr.contains("RIPCORD_DATABASE_URL"), "{stderr}");
    }
    // A database, but no token: it would be a public kill switch.
    let url = database_with_password();
    let stderr = refused_serve(
        &host,
        &[
            on_cloud_run,
            ("RIPCORD_DATABASE_URL", &url),
            ("RIPCORD_SERVE__INSECURE_NO_AUTH", "true"),
        ],
    )
    .await;
    assert!(stderr.contains("without a token"), "{stderr}");
    assert!(!stderr.contains("s3cret-pw"), "{stderr}");
}

#[tokio::test]
async fn contradicting_or_unusable_database_settings_are_refused_with_why() {
    let host = Host::new();
    let data = host.path("data").display().to_string();
    let url = "postgres://app:pw@127.0.0.1:5432/app";
    let cases: [(Invocation, &str); 4] = [
        (
            (
                &[
                    ("RIPCORD_DATABASE_URL", url),
                    ("RIPCORD_SERVE__DATABASE_URL", url),
                ],
                &["migrate"],
            ),
            "set one",
        ),
        (
            (
                &[("RIPCORD_DATABASE_URL", url)],
                &["token", "list", "--data-dir", &data],
            ),
            "--data-dir names a SQLite store",
        ),
        (
            (
                &[],
                &["migrate", "--data-dir", &data, "--database-url", url],
            ),
            "cannot be used with",
        ),
        (
            (
                &[],
                &[
                    "migrate",
                    "--database-url",
                    "postgres://app:pw@db.example:6543/app",
                ],
            ),
            "session pooler",
        ),
    ];
    for ((env, args), expected) in cases {
        let (code, _, stderr) = host.run_with(env, args).await;
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert!(!stderr.contains(":pw@"), "{args:?}: {stderr}");
    }
}

#[tokio::test]
async fn migrate_on_the_sqlite_default_reports_and_applies() {
    let host = Host::new();
    let data = host.path("data").display().to_string();
    let (code, out, err) = host
        .run_with(&[], &["migrate", "--dry-run", "--data-dir", &data])
        .await;
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("SQLite") && out.contains("would apply"),
        "{out}"
    );
    assert!(!host.path("data").exists(), "a dry run created the store");
    let (code, out, err) = host.run_with(&[], &["migrate", "--data-dir", &data]).await;
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("applied migration(s) 1, 2"), "{out}");
    let (code, out, _) = host.run_with(&[], &["migrate", "--data-dir", &data]).await;
    assert_eq!(code, 0);
    assert!(out.contains("up to date"), "{out}");
}

#[tokio::test]
async fn reading_a_store_that_does_not_exist_is_an_error_and_creates_nothing() {
    let host = Host::new();
    let typo = host.path("typo");
    let typo_arg = typo.display().to_string();
    let url = database_with_password();
    let runs: [Invocation; 4] = [
        (&[], &["token", "list", "--data-dir", &typo_arg]),
        (&[], &["token", "revoke", "ci", "--data-dir", &typo_arg]),
        (&[], &["audit", "verify", "--data-dir", &typo_arg]),
        (&[("RIPCORD_DATABASE_URL", &url)], &["token", "list"]),
    ];
    for (env, args) in runs {
        let (code, _, stderr) = host.run_with(env, args).await;
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stderr.contains("no ripcord state"), "{args:?}: {stderr}");
    }
    assert!(!typo.exists(), "a mistyped folder was created");
    let (code, _, stderr) = host
        .run_with(&[("RIPCORD_DATABASE_URL", &url)], &["migrate", "--dry-run"])
        .await;
    assert_eq!(code, 0, "{stderr}");
    let schema = ripcord_testkit::postgres::psql(
        &url,
        "SELECT count(*) FROM information_schema.schemata WHERE schema_name = 'ripcord'",
    )
    .expect("psql");
    assert_eq!(
        schema.trim(),
        "0",
        "reading the database created the schema"
    );
}
