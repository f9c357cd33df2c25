//! Corruption is caught: a flipped byte by `verify`, data that differs from its manifest by
//! `verify --restore`; a corrupt backup is never restored.

use ripcord_backup::manifest::{Manifest, catalog};
use ripcord_backup::store::Store;
use ripcord_notifier::NotifyConfig;

use crate::helpers::{config, file_url, ripcord, source};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_catches_a_flipped_byte_and_restore_refuses_it() {
    let src = source();
    let dir = tempfile::tempdir().expect("tempdir");
    let config = config(&dir.path().join("state"));
    let folder = dir.path().join("backups");
    let dest = file_url(&folder);
    let notify = NotifyConfig::default();
    let run = [
        "run",
        "--database-url",
        &src.url,
        "--to",
        &dest,
        "--progress",
        "none",
    ];
    assert_eq!(ripcord(&config, &notify, &run).await, 0);
    assert_eq!(
        ripcord(&config, &notify, &["verify", "--to", &dest]).await,
        0
    );

    let store = Store::open(&dest, &config.s3, &config.gcs)
        .await
        .expect("store");
    let (backups, _) = catalog(&store).await.expect("catalog");
    let manifest = backups[0].manifest.clone().expect("manifest");
    let dump = folder.join(&manifest.dump.key);
    let mut bytes = std::fs::read(&dump).expect("read dump");
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    std::fs::write(&dump, &bytes).expect("write dump");

    assert_eq!(
        ripcord(&config, &notify, &["verify", "--to", &dest]).await,
        1,
        "verify fails"
    );
    let (backups, _) = catalog(&store).await.expect("catalog");
    let last = backups[0].last_verification().expect("a record");
    assert!(!last.ok);
    assert!(
        last.problems.iter().any(|p| p.contains("sha256")),
        "{:?}",
        last.problems
    );
    assert!(!backups[0].verified());

    // restore reads the whole object before pg_restore may commit: nothing lands.
    let into = src.pg.create_database("target").expect("create target");
    let restore = [
        "restore",
        "--to",
        &dest,
        "--into",
        &into,
        "--progress",
        "none",
    ];
    assert_eq!(
        ripcord(&config, &notify, &restore).await,
        2,
        "restore refuses"
    );
    let tables = src
        .pg
        .psql("target", "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")
        .expect("count");
    assert_eq!(tables.trim(), "0", "a corrupt backup left tables behind");

    let status = ripcord_backup::status(&config).await.expect("status");
    assert!(status.failing(), "{status}");
    assert!(status.to_string().contains("FAILED"), "{status}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_restore_catches_data_that_differs_from_the_manifest() {
    let src = source();
    let dir = tempfile::tempdir().expect("tempdir");
    let config = config(&dir.path().join("state"));
    let folder = dir.path().join("backups");
    let dest = file_url(&folder);
    let notify = NotifyConfig::default();
    let run = [
        "run",
        "--database-url",
        &src.url,
        "--to",
        &dest,
        "--progress",
        "none",
    ];
    assert_eq!(ripcord(&config, &notify, &run).await, 0);

    // The manifest claims other contents than the dump holds: one row more in one table,
    // another checksum in a second.
    let store = Store::open(&dest, &config.s3, &config.gcs)
        .await
        .expect("store");
    let (backups, _) = catalog(&store).await.expect("catalog");
    let id = backups[0].id.clone();
    let path = folder.join(&id).join("manifest.json");
    let mut manifest: Manifest =
        serde_json::from_slice(&std::fs::read(&path).expect("read manifest")).expect("parse");
    for table in &mut manifest.contents.tables {
        match (table.schema.as_str(), table.name.as_str()) {
            ("Sales", "Customers") => table.rows += 1,
            ("inventory", "items") => table.checksum = Some("12345".into()),
            _ => {}
        }
    }
    std::fs::write(&path, serde_json::to_vec(&manifest).expect("json")).expect("write manifest");

    // The stored object itself is intact…
    assert_eq!(
        ripcord(&config, &notify, &["verify", "--to", &dest]).await,
        0
    );
    // …but restoring it shows the data is not what the manifest says.
    let verify = ["verify", "--restore", "--to", &dest, "--progress", "none"];
    assert_eq!(ripcord(&config, &notify, &verify).await, 1);
    let (backups, _) = catalog(&store).await.expect("catalog");
    let record = backups[0].last_verification().expect("record");
    assert_eq!(record.kind, "restore");
    assert!(!record.ok);
    let problems = record.problems.join("\n");
    assert!(
        problems.contains(r#""Sales"."Customers": 501 rows in the manifest, 500 restored"#),
        "{problems}"
    );
    assert!(
        problems.contains(r#""inventory"."items": content checksum differs"#),
        "{problems}"
    );
    assert_eq!(record.problems.len(), 2, "{problems}");
}
