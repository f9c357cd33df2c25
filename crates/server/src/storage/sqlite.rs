use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use jiff::Timestamp;
use ripcord_core::api::AgentRecord;
use ripcord_core::{Action, Event, Scope};
use sqlx::Row;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use super::{Storage, StorageError};

/// The schema is created idempotently at open. The triggers make the audit log
/// append-only in the database itself, not just by convention of this code.
const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS events (
    revision INTEGER PRIMARY KEY,
    scope    TEXT NOT NULL,
    action   TEXT NOT NULL CHECK (action IN ('halt', 'resume')),
    actor    TEXT NOT NULL,
    reason   TEXT NOT NULL,
    at       TEXT NOT NULL
) STRICT;
CREATE TRIGGER IF NOT EXISTS events_are_never_updated BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS events_are_never_deleted BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS agents (
    id        TEXT PRIMARY KEY,
    last_seen TEXT NOT NULL,
    report    TEXT NOT NULL
) STRICT;
"#;

/// The embedded default: one SQLite file in the data folder, in WAL mode with full
/// synchronous commits, so an acknowledged halt survives a power cut.
#[derive(Debug, Clone)]
pub struct SqliteStorage {
    pool: SqlitePool,
}

impl SqliteStorage {
    pub async fn open(path: &Path) -> Result<Self, StorageError> {
        let open_error = |source| StorageError::Open {
            path: path.display().to_string(),
            source,
        };
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(5));
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await
            .map_err(open_error)?;
        sqlx::raw_sql(SCHEMA)
            .execute(&pool)
            .await
            .map_err(open_error)?;
        Ok(SqliteStorage { pool })
    }
}

fn event_from_row(row: &sqlx::sqlite::SqliteRow) -> Result<Event, StorageError> {
    let corrupt = |detail: String| StorageError::Corrupt {
        what: "event",
        detail,
    };
    let revision: i64 = row.try_get("revision")?;
    let scope: String = row.try_get("scope")?;
    let action: String = row.try_get("action")?;
    let at: String = row.try_get("at")?;
    Ok(Event {
        revision: u64::try_from(revision).map_err(|e| corrupt(e.to_string()))?,
        scope: Scope::from_str(&scope).map_err(|e| corrupt(e.to_string()))?,
        action: match action.as_str() {
            "halt" => Action::Halt,
            "resume" => Action::Resume,
            other => return Err(corrupt(format!("unknown action `{other}`"))),
        },
        actor: row.try_get("actor")?,
        reason: row.try_get("reason")?,
        at: at
            .parse()
            .map_err(|e: jiff::Error| corrupt(e.to_string()))?,
    })
}

/// SQLite integers are signed; revisions never come near `i64::MAX`.
fn sql_revision(revision: u64) -> i64 {
    i64::try_from(revision).unwrap_or(i64::MAX)
}

#[async_trait]
impl Storage for SqliteStorage {
    async fn log_id(&self) -> Result<String, StorageError> {
        let fresh = format!("{:016x}", fastrand::u64(..));
        // The first call creates it; every later one (and every restart) reads the same.
        sqlx::query("INSERT OR IGNORE INTO meta (key, value) VALUES ('log_id', ?1)")
            .bind(fresh)
            .execute(&self.pool)
            .await?;
        let row = sqlx::query("SELECT value FROM meta WHERE key = 'log_id'")
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get("value")?)
    }

    async fn load_events(&self) -> Result<Vec<Event>, StorageError> {
        self.events_after(0, u32::MAX).await
    }

    async fn append(&self, event: &Event) -> Result<(), StorageError> {
        // One statement: the insert happens only if it extends the log by exactly one.
        let inserted = sqlx::query(
            "INSERT INTO events (revision, scope, action, actor, reason, at)
             SELECT ?1, ?2, ?3, ?4, ?5, ?6
             WHERE (SELECT COALESCE(MAX(revision), 0) FROM events) = ?1 - 1",
        )
        .bind(sql_revision(event.revision))
        .bind(event.scope.as_str())
        .bind(event.action.to_string())
        .bind(&event.actor)
        .bind(&event.reason)
        .bind(event.at.to_string())
        .execute(&self.pool)
        .await;
        match inserted {
            Ok(result) if result.rows_affected() == 1 => Ok(()),
            Ok(_) => Err(StorageError::RevisionTaken(event.revision)),
            Err(sqlx::Error::Database(db)) if db.is_unique_violation() => {
                Err(StorageError::RevisionTaken(event.revision))
            }
            Err(error) => Err(error.into()),
        }
    }

    async fn events_after(&self, revision: u64, limit: u32) -> Result<Vec<Event>, StorageError> {
        let rows = sqlx::query(
            "SELECT revision, scope, action, actor, reason, at FROM events
             WHERE revision > ?1 ORDER BY revision LIMIT ?2",
        )
        .bind(sql_revision(revision))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(event_from_row).collect()
    }

    async fn upsert_agent(&self, record: &AgentRecord) -> Result<(), StorageError> {
        let report = serde_json::to_string(&record.report).map_err(|e| StorageError::Corrupt {
            what: "agent report",
            detail: e.to_string(),
        })?;
        sqlx::query(
            "INSERT INTO agents (id, last_seen, report) VALUES (?1, ?2, ?3)
             ON CONFLICT (id) DO UPDATE SET last_seen = excluded.last_seen, report = excluded.report",
        )
        .bind(&record.id)
        .bind(record.last_seen.to_string())
        .bind(report)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn agents(&self) -> Result<Vec<AgentRecord>, StorageError> {
        let rows = sqlx::query("SELECT id, last_seen, report FROM agents ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|row| {
                let corrupt = |detail: String| StorageError::Corrupt {
                    what: "agent",
                    detail,
                };
                let last_seen: String = row.try_get("last_seen")?;
                let report: String = row.try_get("report")?;
                Ok(AgentRecord {
                    id: row.try_get("id")?,
                    last_seen: last_seen
                        .parse::<Timestamp>()
                        .map_err(|e| corrupt(e.to_string()))?,
                    report: serde_json::from_str(&report).map_err(|e| corrupt(e.to_string()))?,
                })
            })
            .collect()
    }

    async fn ping(&self) -> Result<(), StorageError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(revision: u64) -> Event {
        Event {
            revision,
            scope: Scope::global(),
            action: Action::Halt,
            actor: "test".into(),
            reason: "why".into(),
            at: Timestamp::UNIX_EPOCH,
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
        storage.append(&event(1)).await.expect("first");
        assert!(matches!(
            storage.append(&event(1)).await,
            Err(StorageError::RevisionTaken(1))
        ));
        assert!(matches!(
            storage.append(&event(3)).await,
            Err(StorageError::RevisionTaken(3))
        ));
        storage.append(&event(2)).await.expect("second");
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
    async fn the_audit_log_refuses_updates_and_deletes() {
        let (_dir, storage) = open().await;
        storage.append(&event(1)).await.expect("append");
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
    async fn events_survive_a_reopen() {
        let (dir, storage) = open().await;
        storage.append(&event(1)).await.expect("append");
        drop(storage);
        let reopened = SqliteStorage::open(&dir.path().join("state.db"))
            .await
            .expect("reopen");
        assert_eq!(reopened.load_events().await.expect("load"), vec![event(1)]);
    }
}
