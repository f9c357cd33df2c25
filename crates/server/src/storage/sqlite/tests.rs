use super::*;

fn event(revision: u64) -> Event {
    Event {
        revision,
        scope: Scope::global(),
        action: Action::Halt,
        actor: "test".into(),
        reason: "why".into(),
        at: Timestamp::UNIX_EPOCH,
        hash: format!("hash-{revision}"),
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
async fn appends_only_the_next_revision() {
    let (_dir, storage) = open().await;
    storage.append(&event(1), None).await.expect("first");
    assert!(matches!(
        storage.append(&event(1), None).await,
        Err(StorageError::RevisionTaken(1))
    ));
    assert!(matches!(
        storage.append(&event(3), None).await,
        Err(StorageError::RevisionTaken(3))
    ));
    storage.append(&event(2), None).await.expect("second");
    let revisions: Vec<u64> = storage
        .load_events()
        .await
        .expect("load")
        .iter()
        .map(|e| e.revision)
        .collect();
    assert_eq!(revisions, [1, 2]);
}

#[tokio::test]
async fn an_idempotency_key_finds_its_event_and_a_taken_revision_stores_no_key() {
    let (_dir, storage) = open().await;
    storage.append(&event(1), Some("k1")).await.expect("first");
    assert_eq!(
        storage.event_for_key("k1").await.expect("read"),
        Some(event(1))
    );
    assert!(storage.append(&event(1), Some("k2")).await.is_err());
    assert_eq!(storage.event_for_key("k2").await.expect("read"), None);
}

#[tokio::test]
async fn prune_forgets_exited_and_silent_agents_after_the_retention_and_old_keys() {
    let (_dir, storage) = open().await;
    let report = |exit_code| -> ripcord_core::api::AgentReport {
        serde_json::from_value(serde_json::json!({
            "scope": "cron", "halted": false, "revision": 0, "cause": null,
            "applied_at": "2026-01-01T00:00:00Z", "latency_ms": null,
            "host": "h", "pid": 1, "command": null, "exit_code": exit_code
        }))
        .expect("report")
    };
    let at = |day: i64| Timestamp::from_second(1_767_225_600 + day * 86_400).expect("time");
    for (id, exit_code) in [("exited", Some(75)), ("running", None), ("silent", None)] {
        let record = AgentRecord {
            id: id.into(),
            last_seen: at(0),
            last_contact: at(0),
            stale: false,
            witness_problem: None,
            report: report(exit_code),
        };
        storage.upsert_agent(&record).await.expect("upsert");
    }
    storage
        .touch_agents(&["running".to_owned()], at(9))
        .await
        .expect("touch");
    storage
        .append(&event(1), Some("old-key"))
        .await
        .expect("append");
    let forgotten = storage.prune(at(7), Timestamp::now()).await.expect("prune");
    assert_eq!(forgotten, 2);
    let left: Vec<String> = storage
        .agents(None, 10)
        .await
        .expect("agents")
        .agents
        .into_iter()
        .map(|agent| agent.id)
        .collect();
    assert_eq!(left, ["running"]);
    assert_eq!(storage.event_for_key("old-key").await.expect("key"), None);
}

#[tokio::test]
async fn the_audit_log_refuses_updates_and_deletes() {
    let (_dir, storage) = open().await;
    storage.append(&event(1), None).await.expect("append");
    let update = sqlx::query("UPDATE events SET reason = 'rewritten'")
        .execute(&storage.pool)
        .await;
    let delete = sqlx::query("DELETE FROM events")
        .execute(&storage.pool)
        .await;
    for result in [update, delete] {
        let message = result.expect_err("refused").to_string();
        assert!(message.contains("append-only"), "{message}");
    }
}

#[tokio::test]
async fn the_log_id_is_stable_across_reopens_and_differs_between_logs() {
    let (dir, storage) = open().await;
    let id = storage.log_id().await.expect("log id");
    assert_eq!(storage.log_id().await.expect("again"), id);
    drop(storage);
    let reopened = SqliteStorage::open(&dir.path().join("state.db"))
        .await
        .expect("reopen");
    assert_eq!(reopened.log_id().await.expect("reopened"), id);
    let (_other_dir, other) = open().await;
    assert_ne!(other.log_id().await.expect("other"), id);
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
