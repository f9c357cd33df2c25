//! SQLite's own behaviour: its file and its schema history. What every backend shares is
//! in the storage contract suite (`tests/api/storage.rs`).

use super::*;

fn event(revision: u64) -> Event {
    Event {
        revision,
        scope: ripcord_core::Scope::global(),
        action: ripcord_core::Action::Halt,
        actor: "test".into(),
        reason: "why".into(),
        at: Timestamp::UNIX_EPOCH,
        hash: format!("hash-{revision}"),
        drill: false,
        source: None,
    }
}

async fn open() -> (tempfile::TempDir, SqliteStorage) {
    let dir = tempfile::tempdir().expect("temp dir");
    let storage = SqliteStorage::open(&dir.path().join("state.db"))
        .await
        .expect("open");
    (dir, storage)
}
#[tokio::test]
async fn events_survive_a_reopen_and_the_file_is_private() {
    let (dir, storage) = open().await;
    storage.append(&event(1), None).await.expect("append");
    drop(storage);
    let path = dir.path().join("state.db");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let reopened = SqliteStorage::open(&path).await.expect("reopen");
    assert_eq!(reopened.load_events().await.expect("load"), vec![event(1)]);
    let mode = std::fs::metadata(&path).expect("stat").permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[tokio::test]
async fn a_database_of_a_newer_ripcord_is_refused_and_a_dry_run_changes_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("state.db");
    let fresh = SqliteStorage::open_unmigrated(&path).await.expect("open");
    let known = u32::try_from(MIGRATIONS.len()).expect("few");
    assert_eq!(
        fresh.migrate(true).await.expect("dry run"),
        (1..=known).collect::<Vec<_>>()
    );
    assert_eq!(
        fresh.migrate(true).await.expect("again").len(),
        MIGRATIONS.len()
    );
    assert_eq!(
        fresh.migrate(false).await.expect("migrate"),
        (1..=known).collect::<Vec<_>>()
    );
    assert!(fresh.migrate(false).await.expect("up to date").is_empty());
    sqlx::raw_sql(&format!("PRAGMA user_version = {}", known + 1))
        .execute(&fresh.pool)
        .await
        .expect("from the future");
    fresh.close().await;
    let error = SqliteStorage::open(&path)
        .await
        .expect_err("newer schema")
        .to_string();
    assert!(error.contains("newer ripcord"), "{error}");
}

#[tokio::test]
async fn a_database_of_the_first_release_is_migrated_with_its_rows() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("old.db");
    {
        let pool = SqlitePool::connect_with(
            SqliteConnectOptions::new()
                .filename(&path)
                .create_if_missing(true),
        )
        .await
        .expect("old database");
        sqlx::raw_sql(MIGRATIONS[0])
            .execute(&pool)
            .await
            .expect("old schema");
        sqlx::query("INSERT INTO agents (id, last_seen, report) VALUES ('old', '2026-01-01T00:00:00Z', '{}')")
            .execute(&pool)
            .await
            .expect("old row");
        pool.close().await;
    }
    let storage = SqliteStorage::open(&path).await.expect("migrated");
    let page = storage.agents(None, 10).await.expect("agents");
    // The old row's report is not a report: skipped and named, not fatal.
    assert!(page.agents.is_empty());
    assert_eq!(page.skipped.len(), 1);
    assert_eq!(page.skipped[0].0, "old");
}

#[tokio::test]
async fn a_log_from_before_the_chain_is_chained_once_and_only_by_its_migration() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("unchained.db");
    {
        let pool = SqlitePool::connect_with(
            SqliteConnectOptions::new()
                .filename(&path)
                .create_if_missing(true),
        )
        .await
        .expect("old database");
        for step in &MIGRATIONS[..CHAIN_MIGRATION as usize - 1] {
            sqlx::raw_sql(step)
                .execute(&pool)
                .await
                .expect("old schema");
        }
        sqlx::raw_sql(&format!(
            "PRAGMA user_version = {}; \
             INSERT INTO events (revision, scope, action, actor, reason, at) VALUES \
             (1, 'api', 'halt', 'ops', 'old', '2026-01-01T00:00:00Z'), \
             (2, 'api', 'resume', 'ops', 'old', '2026-01-01T00:01:00Z');",
            CHAIN_MIGRATION - 1
        ))
        .execute(&pool)
        .await
        .expect("old events");
        pool.close().await;
    }
    let key = Some(&b"k"[..]);
    let storage = SqliteStorage::open(&path).await.expect("migrated");
    assert!(storage.legacy_unchained());
    let log = storage.log_id().await.expect("log");
    crate::audit::chain_legacy(&storage, key, &log)
        .await
        .expect("chained");
    assert!(!storage.legacy_unchained(), "once");
    let events = storage.load_events().await.expect("events");
    assert_eq!(ripcord_core::chain::verify(key, &log, &events), Ok(2));
    storage.close().await;

    // Later, a hash stripped by whoever can write the file is never filled again.
    let pool = SqlitePool::connect_with(SqliteConnectOptions::new().filename(&path))
        .await
        .expect("database");
    sqlx::raw_sql(
        "DROP TRIGGER events_are_never_updated; UPDATE events SET hash = NULL WHERE revision = 2;",
    )
    .execute(&pool)
    .await
    .expect("strip");
    pool.close().await;
    let reopened = SqliteStorage::open(&path).await.expect("reopen");
    assert!(!reopened.legacy_unchained());
    let events = reopened.load_events().await.expect("events");
    assert!(ripcord_core::chain::verify(key, &log, &events).is_err());
}
