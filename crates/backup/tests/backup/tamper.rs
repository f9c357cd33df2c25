//! Corruption is caught: a flipped byte by `verify`, data that differs from its manifest by
//! `verify --restore`; a corrupt backup is never restored.

use ripcord_backup::manifest::{Manifest, VerifyKind};

use crate::helpers::Case;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_catches_a_flipped_byte_and_restore_refuses_it() {
    let case = Case::new();
    assert_eq!(case.backup(&case.src.url, &[]).await, 0);
    assert_eq!(case.ripcord(&["verify", "--to", &case.dest]).await, 0);

    let manifest = case.catalog().await[0].manifest.clone().expect("manifest");
    let dump = case.folder().join(&manifest.dump.key);
    let mut bytes = std::fs::read(&dump).expect("read dump");
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    std::fs::write(&dump, &bytes).expect("write dump");

    assert_eq!(
        case.ripcord(&["verify", "--to", &case.dest]).await,
        1,
        "verify fails"
    );
    let backups = case.catalog().await;
    let last = backups[0].last_verification().expect("a record");
    assert!(!last.ok);
    assert!(
        last.problems.iter().any(|p| p.contains("sha256")),
        "{:?}",
        last.problems
    );
    assert!(!backups[0].verified());

    // restore reads the whole object before pg_restore may commit: nothing lands.
    assert_restore_refused(&case).await;

    let status = ripcord_backup::status(&case.config).await.expect("status");
    assert!(status.failing(), "{status}");
    assert!(status.to_string().contains("FAILED"), "{status}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_restore_catches_data_that_differs_from_the_manifest() {
    let case = Case::new();
    assert_eq!(case.backup(&case.src.url, &[]).await, 0);

    // The manifest claims other contents than the dump holds: one row more in one table,
    // another checksum in a second.
    let id = case.catalog().await[0].id.clone();
    let path = case.folder().join(&id).join("manifest.json");
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
    assert_eq!(case.ripcord(&["verify", "--to", &case.dest]).await, 0);
    // …but restoring it shows the data is not what the manifest says.
    let verify = [
        "verify",
        "--restore",
        "--to",
        &case.dest,
        "--progress",
        "none",
    ];
    assert_eq!(case.ripcord(&verify).await, 1);
    let backups = case.catalog().await;
    let record = backups[0].last_verification().expect("record");
    assert_eq!(record.kind, VerifyKind::Restore);
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

/// The last bytes of the object are zstd's frame checksum: damage there is found only after
/// everything else was decoded, which must still be before pg_restore can commit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_refuses_a_backup_damaged_in_its_last_byte() {
    let case = Case::new();
    assert_eq!(case.backup(&case.src.url, &[]).await, 0);
    let manifest = case.catalog().await[0].manifest.clone().expect("manifest");
    let dump = case.folder().join(&manifest.dump.key);
    let mut bytes = std::fs::read(&dump).expect("read dump");
    let last = bytes.len() - 1;
    bytes[last] ^= 0x01;
    std::fs::write(&dump, &bytes).expect("write dump");
    assert_restore_refused(&case).await;
}

/// `restore` into a fresh database fails, and the database stays empty.
async fn assert_restore_refused(case: &Case) {
    let into = case
        .src
        .pg
        .create_database("target")
        .expect("create target");
    let restore = [
        "restore",
        "--to",
        &case.dest,
        "--into",
        &into,
        "--progress",
        "none",
    ];
    assert_eq!(case.ripcord(&restore).await, 2, "restore refuses");
    let tables = case
        .src
        .pg
        .psql(
            "target",
            "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')",
        )
        .expect("count");
    assert_eq!(tables.trim(), "0", "a corrupt backup left tables behind");
}
