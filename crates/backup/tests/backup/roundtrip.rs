//! Round trips through each destination: back up the fixture, list, verify, verify --restore,
//! restore into a fresh database and prove equality table by table.

use ripcord_backup::contents::TableKind;
use ripcord_backup::manifest::catalog;
use ripcord_backup::store::Store;
use ripcord_backup::verify::VerifyKind;
use ripcord_backup::{BackupConfig, ChecksumSource};
use ripcord_notifier::NotifyConfig;
use ripcord_testkit::postgres::psql;
use ripcord_testkit::{FakeGcs, Moto};

use crate::helpers::{assert_same, config, file_url, fingerprint, ripcord, source};

/// Incompressible data big enough that the upload spans several parts (`PART_SIZE`), so
/// the S3 multipart and GCS resumable-chunk paths run, not just a single final request.
const BULK_MIB: usize = 3 * ripcord_backup::store::PART_SIZE / (1024 * 1024);

async fn round_trip(
    config: &BackupConfig,
    dest: &str,
    extra_run: &[&str],
    identity: Option<&str>,
    bulk_mib: usize,
) {
    let src = source();
    if bulk_mib > 0 {
        // Random bytes stay random through zstd; the hex COPY text doubles them again.
        let bulk = format!(
            "CREATE TABLE bulk (id int PRIMARY KEY, payload bytea NOT NULL); \
             INSERT INTO bulk SELECT g, gen_random_bytes(1024) FROM generate_series(1, {}) AS g;",
            bulk_mib * 1024
        );
        psql(&src.url, &bulk).expect("load bulk data");
    }
    let expected = fingerprint(&src.url);
    let notify = NotifyConfig::default();

    let mut run = vec![
        "run",
        "--database-url",
        &src.url,
        "--to",
        dest,
        "--progress",
        "none",
    ];
    run.extend_from_slice(extra_run);
    assert_eq!(ripcord(config, &notify, &run).await, 0, "backup run");
    assert_eq!(ripcord(config, &notify, &["list", "--to", dest]).await, 0);

    let store = Store::open(dest, &config.s3, &config.gcs)
        .await
        .expect("open store");
    let (backups, _) = catalog(&store).await.expect("catalog");
    assert_eq!(backups.len(), 1, "{backups:?}");
    let manifest = backups[0].manifest.as_ref().expect("a manifest");
    if bulk_mib > 0 {
        let parts = manifest.dump.stored_bytes / ripcord_backup::store::PART_SIZE as u64;
        assert!(
            parts >= 2,
            "the upload must span several parts: {} bytes",
            manifest.dump.stored_bytes
        );
    }
    let customers = manifest
        .contents
        .tables
        .iter()
        .find(|t| t.schema == "Sales" && t.name == "Customers")
        .expect("Sales.Customers in the manifest");
    assert_eq!(customers.rows, 500);
    assert!(customers.checksum.is_some());
    assert!(
        manifest
            .contents
            .tables
            .iter()
            .any(|t| t.name == "orders_2025" && t.rows > 0)
    );
    assert_eq!(manifest.checksum_source, ChecksumSource::Dump);
    assert!(
        customers
            .checksum
            .as_deref()
            .is_some_and(|c| c.starts_with("xxh3:"))
    );
    assert!(
        manifest
            .contents
            .sequences
            .iter()
            .any(|s| s.name == "Ticket_seq" && s.last_value == 1006)
    );
    assert_eq!(
        manifest.contents.large_objects.as_ref().map(|l| l.count),
        Some(5)
    );
    assert!(manifest.server_version.starts_with(char::is_numeric));

    assert_eq!(
        ripcord(
            config,
            &notify,
            &["verify", "--to", dest, "--progress", "none"]
        )
        .await,
        0
    );
    let mut verify_restore = vec!["verify", "--restore", "--to", dest, "--progress", "none"];
    if let Some(identity) = identity {
        verify_restore.extend(["--identity", identity]);
    }
    assert_eq!(
        ripcord(config, &notify, &verify_restore).await,
        0,
        "verify --restore"
    );

    let into = src.pg.create_database("restored").expect("create target");
    let mut restore = vec![
        "restore",
        "--to",
        dest,
        "--into",
        &into,
        "--progress",
        "none",
    ];
    if let Some(identity) = identity {
        restore.extend(["--identity", identity]);
    }
    assert_eq!(ripcord(config, &notify, &restore).await, 0, "restore");
    assert_same(&expected, &fingerprint(&into));

    // Restoring over a database that has tables is refused.
    assert_eq!(
        ripcord(config, &notify, &restore).await,
        2,
        "restore into a non-empty database"
    );

    let (backups, _) = catalog(&store).await.expect("catalog");
    let kinds: Vec<_> = backups[0]
        .verifications
        .iter()
        .map(|v| (v.kind, v.ok))
        .collect();
    assert!(
        kinds.contains(&(VerifyKind::Checksum, true))
            && kinds.contains(&(VerifyKind::Restore, true)),
        "{kinds:?}"
    );
    assert!(backups[0].verified());
    let restore_record = backups[0]
        .verifications
        .iter()
        .find(|v| v.kind == VerifyKind::Restore)
        .expect("record");
    assert!(restore_record.restore_seconds.is_some_and(|s| s > 0.0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn round_trip_through_a_local_folder() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = config(&dir.path().join("state"));
    let dest = file_url(&dir.path().join("backups"));
    round_trip(&config, &dest, &[], None, 0).await;
    // verify --restore --into a server: a scratch database is created there, then dropped.
    let server = ripcord_testkit::Postgres::start().expect("another cluster");
    let admin = server.url("postgres");
    let verify = [
        "verify",
        "--restore",
        "--into",
        &admin,
        "--to",
        &dest,
        "--progress",
        "none",
    ];
    assert_eq!(ripcord(&config, &NotifyConfig::default(), &verify).await, 0);
    let left = server
        .psql(
            "postgres",
            "SELECT count(*) FROM pg_database WHERE datname LIKE 'ripcord_verify_%'",
        )
        .expect("list databases");
    assert_eq!(left.trim(), "0", "the scratch database was dropped");
    let status = ripcord_backup::status(&config).await.expect("status");
    assert!(status.last_successful_run.is_some());
    assert!(!status.failing());
    assert!(status.to_string().contains("last verify:     verify"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn round_trip_encrypted_with_age() {
    use age::secrecy::ExposeSecret;
    let dir = tempfile::tempdir().expect("tempdir");
    let identity = age::x25519::Identity::generate();
    let key_file = dir.path().join("backup.key");
    std::fs::write(&key_file, identity.to_string().expose_secret()).expect("write identity");
    let recipient = identity.to_public().to_string();
    let config = config(&dir.path().join("state"));
    let dest = file_url(&dir.path().join("backups"));
    round_trip(
        &config,
        &dest,
        &["--age-recipient", &recipient],
        Some(key_file.to_str().expect("utf-8 path")),
        0,
    )
    .await;
    // The stored object is not a zstd stream in the clear.
    let store = Store::open(&dest, &config.s3, &config.gcs)
        .await
        .expect("store");
    let (backups, _) = catalog(&store).await.expect("catalog");
    let manifest = backups[0].manifest.as_ref().expect("manifest");
    assert_eq!(manifest.dump.encryption.as_deref(), Some("age"));
    let stored = store.get_bytes(&manifest.dump.key).await.expect("read");
    assert!(stored.starts_with(b"age-encryption.org/v1"));
    // Without the identity, restore refuses with a clear message.
    let notify = NotifyConfig::default();
    assert_eq!(
        ripcord(
            &config,
            &notify,
            &["verify", "--restore", "--to", &dest, "--progress", "none"]
        )
        .await,
        2
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn round_trip_through_s3() {
    let moto = Moto::start().expect("start moto_server");
    moto.create_bucket("backups").expect("create bucket");
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config = config(dir.path());
    config.s3.endpoint = Some(moto.endpoint());
    config.s3.allow_http = true;
    config.s3.region = Some("us-east-1".into());
    config.s3.access_key_id = Some("testing".into());
    config.s3.secret_access_key = Some("testing".into());
    round_trip(&config, "s3://backups/prod/app", &[], None, BULK_MIB).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn round_trip_through_gcs() {
    let gcs = FakeGcs::start().expect("start fake-gcs-server");
    gcs.create_bucket("backups").expect("create bucket");
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config = config(dir.path());
    config.gcs.endpoint = Some(gcs.endpoint());
    round_trip(&config, "gs://backups/prod/app", &[], None, BULK_MIB).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sql_checksums_round_trip_and_catch_a_changed_row() {
    let case = crate::helpers::Case::new();
    assert_eq!(case.backup(&case.src.url, &["--checksums", "sql"]).await, 0);
    let backups = case.catalog().await;
    let manifest = backups[0].manifest.as_ref().expect("manifest");
    assert_eq!(manifest.checksum_source, ChecksumSource::Sql);
    assert!(
        manifest
            .contents
            .tables
            .iter()
            .any(|t| t.kind == TableKind::MaterializedView)
    );
    let verify = [
        "verify",
        "--restore",
        "--to",
        &case.dest,
        "--progress",
        "none",
    ];
    assert_eq!(case.ripcord(&verify).await, 0);

    // Same rows, one value changed: the count matches, the checksum does not.
    let id = backups[0].id.clone();
    let path = case.folder().join(&id).join("manifest.json");
    let text = std::fs::read_to_string(&path).expect("manifest");
    let mut manifest: ripcord_backup::manifest::Manifest =
        serde_json::from_str(&text).expect("parse");
    let items = manifest
        .contents
        .tables
        .iter_mut()
        .find(|t| t.name == "items")
        .expect("items");
    let sum: i128 = items
        .checksum
        .as_deref()
        .expect("sum")
        .parse()
        .expect("decimal");
    items.checksum = Some((sum + 1).to_string());
    std::fs::write(&path, serde_json::to_vec(&manifest).expect("json")).expect("write");
    assert_eq!(case.ripcord(&verify).await, 1);
}
