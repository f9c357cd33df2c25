//! Preflight refuses before anything is written: an old pg_dump, unreadable schemas, the
//! Supabase transaction pooler, an unwritable destination.

use std::os::unix::fs::PermissionsExt;

use ripcord_backup::pg::DbUrl;
use ripcord_backup::preflight::check_supabase;

use crate::helpers::{Case, file_url};

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
    let mut case = Case::new();
    let bin = case.dir.path().join("bin");
    std::fs::create_dir_all(&bin).expect("mkdir");
    let fake = bin.join("pg_dump");
    std::fs::write(&fake, "#!/bin/sh\necho 'pg_dump (PostgreSQL) 9.6.24'\n").expect("write");
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    case.config.pg_bin_dir = Some(bin);
    assert_eq!(case.backup(&case.src.url, &[]).await, 2);
    let error = case.last_error();
    assert!(
        error.contains("9.6.24") && error.contains("must be at least"),
        "{error}"
    );
    let written = std::fs::read_dir(case.folder())
        .map(|d| d.count())
        .unwrap_or(0);
    assert_eq!(written, 0, "nothing written before preflight passed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreadable_schemas_are_listed_before_the_dump_and_can_be_skipped() {
    let case = Case::new();
    case.src
        .pg
        .psql(
            "app",
            "CREATE ROLE backup_role LOGIN; \
             GRANT USAGE ON SCHEMA \"Sales\", public TO backup_role; \
             GRANT SELECT ON ALL TABLES IN SCHEMA \"Sales\", public TO backup_role; \
             GRANT SELECT ON ALL SEQUENCES IN SCHEMA \"Sales\", public TO backup_role;",
        )
        .expect("create a limited role");
    let limited = case.src.url.replace("postgres@", "backup_role@");
    assert_eq!(case.backup(&limited, &[]).await, 2);
    let error = case.last_error();
    assert!(error.contains("cannot read schema(s) inventory"), "{error}");

    let preflight = ["--preflight-only", "--skip-unreadable-schemas"];
    assert_eq!(
        case.backup(&limited, &preflight).await,
        2,
        "large objects are not readable yet"
    );
    case.src
        .pg
        .psql(
            "app",
            "DO $$ DECLARE o oid; BEGIN FOR o IN SELECT oid FROM pg_largeobject_metadata LOOP \
               EXECUTE format('GRANT SELECT ON LARGE OBJECT %s TO backup_role', o); END LOOP; END $$;",
        )
        .expect("grant large objects");
    assert_eq!(case.backup(&limited, &preflight).await, 0);

    assert_eq!(
        case.backup(&limited, &["--skip-unreadable-schemas"]).await,
        0
    );
    let backups = case.catalog().await;
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
    let mut case = Case::new();
    // A path under a regular file cannot be created.
    let blocker = case.dir.path().join("file");
    std::fs::write(&blocker, "x").expect("write");
    case.dest = file_url(&blocker.join("backups"));
    assert_eq!(case.backup(&case.src.url, &[]).await, 2);
    let error = case.last_error();
    assert!(error.contains("destination"), "{error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_older_pg_restore_than_the_backup_is_refused_before_restoring() {
    let mut case = Case::new();
    assert_eq!(case.backup(&case.src.url, &[]).await, 0);
    let bin = case.dir.path().join("bin");
    std::fs::create_dir_all(&bin).expect("mkdir");
    let fake = bin.join("pg_restore");
    std::fs::write(&fake, "#!/bin/sh\necho 'pg_restore (PostgreSQL) 9.6.24'\n").expect("write");
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    case.config.pg_bin_dir = Some(bin);
    let verify = [
        "verify",
        "--restore",
        "--to",
        &case.dest,
        "--progress",
        "none",
    ];
    assert_eq!(
        case.ripcord(&verify).await,
        2,
        "a setup problem, not a failed verification"
    );
    let error = case.last_error();
    assert!(
        error.contains("9.6.24") && error.contains("cannot read archives"),
        "{error}"
    );
}
