//! Preflight refuses before anything is written: an old pg_dump, unreadable schemas, the
//! Supabase transaction pooler, an unwritable destination.

use std::os::unix::fs::PermissionsExt;

use ripcord_backup::manifest::catalog;
use ripcord_backup::ops::check_supabase;
use ripcord_backup::pg::DbUrl;
use ripcord_backup::store::Store;
use ripcord_notifier::NotifyConfig;

use crate::helpers::{config, file_url, ripcord, source};

#[test]
fn the_supabase_transaction_pooler_is_refused_with_the_session_pooler_named() {
    let pooler = "postgres://postgres.abc:pw@aws-0-eu-west-1.pooler.supabase.com:6543/postgres";
    let error = check_supabase(&DbUrl::parse(pooler).expect("url")).expect_err("refused");
    let text = error.to_string();
    assert!(text.contains("transaction pooler (port 6543)"), "{text}");
    assert!(
        text.contains("aws-0-eu-west-1.pooler.supabase.com:5432"),
        "{text}"
    );
    assert!(!text.contains("pw@"), "no password in messages: {text}");
    let session = "postgres://postgres.abc:pw@aws-0-eu-west-1.pooler.supabase.com:5432/postgres";
    assert!(check_supabase(&DbUrl::parse(session).expect("url")).is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_older_pg_dump_than_the_server_is_refused_naming_both() {
    let src = source();
    let dir = tempfile::tempdir().expect("tempdir");
    let bin = dir.path().join("bin");
    std::fs::create_dir_all(&bin).expect("mkdir");
    let fake = bin.join("pg_dump");
    std::fs::write(&fake, "#!/bin/sh\necho 'pg_dump (PostgreSQL) 9.6.24'\n").expect("write");
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let mut config = config(&dir.path().join("state"));
    config.pg_bin_dir = Some(bin);
    let dest = file_url(&dir.path().join("backups"));
    let run = [
        "run",
        "--database-url",
        &src.url,
        "--to",
        &dest,
        "--progress",
        "none",
    ];
    assert_eq!(ripcord(&config, &NotifyConfig::default(), &run).await, 2);
    let records = ripcord_backup::state::read(&dir.path().join("state")).expect("log");
    let error = records
        .last()
        .and_then(|r| r.error.clone())
        .expect("an error recorded");
    assert!(
        error.contains("9.6.24") && error.contains("must be at least"),
        "{error}"
    );
    let written = std::fs::read_dir(dir.path().join("backups"))
        .map(|d| d.count())
        .unwrap_or(0);
    assert_eq!(written, 0, "nothing written before preflight passed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreadable_schemas_are_listed_before_the_dump_and_can_be_skipped() {
    let src = source();
    src.pg
        .psql(
            "app",
            "CREATE ROLE backup_role LOGIN; \
             GRANT USAGE ON SCHEMA \"Sales\", public TO backup_role; \
             GRANT SELECT ON ALL TABLES IN SCHEMA \"Sales\", public TO backup_role; \
             GRANT SELECT ON ALL SEQUENCES IN SCHEMA \"Sales\", public TO backup_role;",
        )
        .expect("create a limited role");
    let limited = src.url.replace("postgres@", "backup_role@");
    let dir = tempfile::tempdir().expect("tempdir");
    let config = config(&dir.path().join("state"));
    let dest = file_url(&dir.path().join("backups"));
    let notify = NotifyConfig::default();

    let run = [
        "run",
        "--database-url",
        &limited,
        "--to",
        &dest,
        "--progress",
        "none",
    ];
    assert_eq!(ripcord(&config, &notify, &run).await, 2);
    let records = ripcord_backup::state::read(&dir.path().join("state")).expect("log");
    let error = records.last().and_then(|r| r.error.clone()).expect("error");
    assert!(error.contains("cannot read schema(s) inventory"), "{error}");

    let preflight = [
        "run",
        "--database-url",
        &limited,
        "--to",
        &dest,
        "--preflight-only",
        "--skip-unreadable-schemas",
    ];
    assert_eq!(
        ripcord(&config, &notify, &preflight).await,
        2,
        "large objects are not readable yet"
    );
    src.pg
        .psql(
            "app",
            "DO $$ DECLARE o oid; BEGIN FOR o IN SELECT oid FROM pg_largeobject_metadata LOOP \
               EXECUTE format('GRANT SELECT ON LARGE OBJECT %s TO backup_role', o); END LOOP; END $$;",
        )
        .expect("grant large objects");
    assert_eq!(ripcord(&config, &notify, &preflight).await, 0);

    let skip = [
        "run",
        "--database-url",
        &limited,
        "--to",
        &dest,
        "--progress",
        "none",
        "--skip-unreadable-schemas",
    ];
    assert_eq!(ripcord(&config, &notify, &skip).await, 0);
    let store = Store::open(&dest, &config.s3, &config.gcs)
        .await
        .expect("store");
    let (backups, _) = catalog(&store).await.expect("catalog");
    let manifest = backups[0].manifest.as_ref().expect("manifest");
    assert_eq!(manifest.excluded_schemas, ["inventory"]);
    assert!(
        manifest
            .contents
            .tables
            .iter()
            .all(|t| t.schema != "inventory")
    );
    assert!(
        manifest
            .contents
            .tables
            .iter()
            .any(|t| t.name == "Customers")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unwritable_destination_fails_before_dumping() {
    let src = source();
    let dir = tempfile::tempdir().expect("tempdir");
    let config = config(&dir.path().join("state"));
    // A path under a regular file cannot be created.
    let blocker = dir.path().join("file");
    std::fs::write(&blocker, "x").expect("write");
    let dest = file_url(&blocker.join("backups"));
    let run = [
        "run",
        "--database-url",
        &src.url,
        "--to",
        &dest,
        "--progress",
        "none",
    ];
    assert_eq!(ripcord(&config, &NotifyConfig::default(), &run).await, 2);
    let records = ripcord_backup::state::read(&dir.path().join("state")).expect("log");
    let error = records.last().and_then(|r| r.error.clone()).expect("error");
    assert!(error.contains("destination"), "{error}");
}
