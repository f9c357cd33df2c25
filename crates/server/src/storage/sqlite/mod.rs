use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use jiff::Timestamp;
use ripcord_core::Event;
use ripcord_core::api::{AgentRecord, BackupRecord, DrillRecord};
use sqlx::Row;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use ripcord_core::auth::TokenInfo;

use super::{
    AgentsPage, AuditEntry, Outgoing, PruneBefore, SecurityEvent, Settled, Storage, StorageError,
    TokenRecord, lease_millis, millis, rows,
};

/// The schema, one step per version (`PRAGMA user_version`), applied in order at open.
/// The triggers make the audit log append-only in the database itself, not just by
/// convention of this code. Version 1 is the first release's schema, written so that it
/// also applies to a database that release created.
const MIGRATIONS: &[&str] = &[
    r#"
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
"#,
    r#"
ALTER TABLE agents ADD COLUMN last_contact TEXT;
ALTER TABLE agents ADD COLUMN exited INTEGER NOT NULL DEFAULT 0;
UPDATE agents SET last_contact = last_seen;
CREATE INDEX agents_exited ON agents (exited, last_seen);
CREATE TABLE idempotency_keys (
    key      TEXT PRIMARY KEY,
    revision INTEGER NOT NULL,
    created  TEXT NOT NULL
) STRICT;
"#,
    r#"
CREATE TABLE tokens (
    hash      TEXT PRIMARY KEY,
    prefix    TEXT NOT NULL,
    name      TEXT NOT NULL,
    role      TEXT NOT NULL CHECK (role IN ('viewer', 'agent', 'operator', 'admin')),
    created   TEXT NOT NULL,
    expires   TEXT,
    last_used TEXT,
    revoked   TEXT
) STRICT;
CREATE UNIQUE INDEX tokens_live_name ON tokens (name) WHERE revoked IS NULL;
CREATE TABLE security_events (
    id     INTEGER PRIMARY KEY,
    minute TEXT NOT NULL,
    kind   TEXT NOT NULL,
    token  TEXT NOT NULL,
    peer   TEXT NOT NULL,
    count  INTEGER NOT NULL,
    detail TEXT NOT NULL,
    UNIQUE (minute, kind, token, peer)
) STRICT;
"#,
    r#"
ALTER TABLE events ADD COLUMN hash TEXT;
DROP TRIGGER events_are_never_updated;
CREATE TRIGGER events_are_never_updated BEFORE UPDATE ON events
WHEN OLD.hash IS NOT NULL
  OR NEW.revision IS NOT OLD.revision OR NEW.scope IS NOT OLD.scope
  OR NEW.action IS NOT OLD.action OR NEW.actor IS NOT OLD.actor
  OR NEW.reason IS NOT OLD.reason OR NEW.at IS NOT OLD.at
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TABLE audit (
    seq    INTEGER PRIMARY KEY,
    at     TEXT NOT NULL,
    kind   TEXT NOT NULL,
    actor  TEXT NOT NULL,
    detail TEXT NOT NULL,
    hash   TEXT NOT NULL
) STRICT;
CREATE TRIGGER audit_is_never_updated BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_is_never_deleted BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"#,
    r#"
ALTER TABLE events ADD COLUMN drill INTEGER NOT NULL DEFAULT 0 CHECK (drill IN (0, 1));
ALTER TABLE events ADD COLUMN source TEXT;
DROP TRIGGER events_are_never_updated;
CREATE TRIGGER events_are_never_updated BEFORE UPDATE ON events
WHEN OLD.hash IS NOT NULL
  OR NEW.revision IS NOT OLD.revision OR NEW.scope IS NOT OLD.scope
  OR NEW.action IS NOT OLD.action OR NEW.actor IS NOT OLD.actor
  OR NEW.reason IS NOT OLD.reason OR NEW.at IS NOT OLD.at
  OR NEW.drill IS NOT OLD.drill OR NEW.source IS NOT OLD.source
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"#,
    r#"
CREATE TABLE drills (
    seq         INTEGER PRIMARY KEY,
    id          TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL,
    started     TEXT NOT NULL,
    ended       TEXT NOT NULL,
    status      TEXT NOT NULL,
    verdict     TEXT NOT NULL,
    environment TEXT,
    scope       TEXT,
    recorded_by TEXT NOT NULL,
    report      TEXT NOT NULL
) STRICT;
"#,
    r#"
CREATE TABLE backups (
    seq         INTEGER PRIMARY KEY,
    id          TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    duration_ms INTEGER NOT NULL,
    ok          INTEGER NOT NULL CHECK (ok IN (0, 1)),
    destination TEXT NOT NULL,
    backup_id   TEXT,
    bytes       INTEGER,
    error       TEXT,
    scheduled   INTEGER NOT NULL CHECK (scheduled IN (0, 1)),
    host        TEXT NOT NULL,
    recorded_by TEXT NOT NULL
) STRICT;
"#,
    r#"
CREATE TABLE notifications (
    seq              INTEGER PRIMARY KEY,
    id               TEXT NOT NULL UNIQUE,
    subject          TEXT NOT NULL,
    created_ms       INTEGER NOT NULL,
    due_ms           INTEGER NOT NULL,
    claimed_by       TEXT,
    claimed_until_ms INTEGER NOT NULL DEFAULT 0,
    attempts         INTEGER NOT NULL DEFAULT 0,
    delivered        TEXT NOT NULL DEFAULT '',
    last_error       TEXT,
    done             INTEGER NOT NULL DEFAULT 0 CHECK (done IN (0, 1))
) STRICT;
CREATE INDEX notifications_pending ON notifications (done, due_ms);
"#,
];

/// The embedded default: one SQLite file in the data folder, in WAL mode with full
/// synchronous commits, so an acknowledged halt survives a power cut. The file is the
/// server user's alone (0600): it is the audit log and the agents' reports.
#[derive(Debug, Clone)]
pub struct SqliteStorage {
    pool: SqlitePool,
    /// Set when this open applied the migration that added the hash chain to a log that
    /// already had events: they are chained once, by whoever holds the key
    /// ([`Storage::legacy_unchained`]), and never again.
    legacy: Arc<AtomicBool>,
}

/// The migration that added the events' hash column.
const CHAIN_MIGRATION: u32 = 4;

impl SqliteStorage {
    /// The migrations a new database gets, by version.
    pub fn all_migrations() -> Vec<u32> {
        (1..=u32::try_from(MIGRATIONS.len()).unwrap_or(u32::MAX)).collect()
    }

    /// Opens (creating it 0600 when missing) and applies pending migrations.
    pub async fn open(path: &Path) -> Result<Self, StorageError> {
        let storage = Self::open_unmigrated(path).await?;
        storage.migrate(false).await.map_err(|error| match error {
            StorageError::Database(error) => StorageError::Open {
                path: path.display().to_string(),
                error,
            },
            other => other,
        })?;
        Ok(storage)
    }

    /// Opens without migrating: for `ripcord migrate --dry-run`.
    pub async fn open_unmigrated(path: &Path) -> Result<Self, StorageError> {
        let open_error = |error: sqlx::Error| StorageError::Open {
            path: path.display().to_string(),
            error: Box::new(error),
        };
        private_file(path).map_err(|error| open_error(sqlx::Error::Io(error)))?;
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
        Ok(SqliteStorage {
            pool,
            legacy: Arc::new(AtomicBool::new(false)),
        })
    }

    /// Applies (or, with `dry_run`, only lists) the migrations this database lacks, in
    /// order; returns their versions. A database written by a newer ripcord is refused.
    pub async fn migrate(&self, dry_run: bool) -> Result<Vec<u32>, StorageError> {
        let mut connection = self.pool.acquire().await?;
        let current: i64 = sqlx::query_scalar("PRAGMA user_version")
            .fetch_one(&mut *connection)
            .await?;
        let applied: Vec<i64> = (1..=current).collect();
        let pending = super::pending_migrations(MIGRATIONS.len(), &applied)?;
        if dry_run {
            return Ok(pending);
        }
        for &version in &pending {
            // BEGIN IMMEDIATE: a second process opening the same file waits instead of racing.
            sqlx::raw_sql("BEGIN IMMEDIATE")
                .execute(&mut *connection)
                .await?;
            let applied = async {
                let now: i64 = sqlx::query_scalar("PRAGMA user_version")
                    .fetch_one(&mut *connection)
                    .await?;
                if now < i64::from(version) {
                    sqlx::raw_sql(MIGRATIONS[version as usize - 1])
                        .execute(&mut *connection)
                        .await?;
                    sqlx::raw_sql(&format!("PRAGMA user_version = {version}"))
                        .execute(&mut *connection)
                        .await?;
                }
                Ok::<_, sqlx::Error>(())
            }
            .await;
            let end = if applied.is_ok() {
                "COMMIT"
            } else {
                "ROLLBACK"
            };
            sqlx::raw_sql(end).execute(&mut *connection).await?;
            applied?;
            if version == CHAIN_MIGRATION {
                let events: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM events")
                    .fetch_one(&mut *connection)
                    .await?;
                self.legacy.store(events > 0, Ordering::Release);
            }
            tracing::info!(version, "state database migrated");
        }
        Ok(pending)
    }
}

/// Creates the database file 0600, or takes group and other permissions off an existing
/// one. SQLite gives its `-wal` and `-shm` files the database file's permissions.
fn private_file(path: &Path) -> std::io::Result<()> {
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .custom_flags(nix::fcntl::OFlag::O_NOFOLLOW.bits())
        .open(path)?;
    let mode = file.metadata()?.permissions().mode();
    if mode & 0o077 != 0 {
        tracing::warn!(path = %path.display(), mode = format!("{:o}", mode & 0o777), "the state database was readable by others; making it 0600");
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(())
}

#[async_trait]
impl Storage for SqliteStorage {
    async fn meta_or_insert(&self, key: &str, value: &str) -> Result<String, StorageError> {
        sqlx::query("INSERT OR IGNORE INTO meta (key, value) VALUES (?1, ?2)")
            .bind(key)
            .bind(value)
            .execute(&self.pool)
            .await?;
        let row = sqlx::query("SELECT value FROM meta WHERE key = ?1")
            .bind(key)
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get("value")?)
    }

    fn legacy_unchained(&self) -> bool {
        self.legacy.load(Ordering::Acquire)
    }

    async fn load_events(&self) -> Result<Vec<Event>, StorageError> {
        self.events_after(0, u32::MAX).await
    }

    async fn append(&self, event: &Event, key: Option<&str>) -> Result<(), StorageError> {
        let mut transaction = self.pool.begin().await?;
        // One statement: the insert happens only if it extends the log by exactly one.
        let inserted = sqlx::query(
            "INSERT INTO events (revision, scope, action, actor, reason, at, hash, drill, source)
             SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9
             WHERE (SELECT COALESCE(MAX(revision), 0) FROM events) = ?1 - 1",
        )
        .bind(rows::signed(event.revision))
        .bind(event.scope.as_str())
        .bind(event.action.to_string())
        .bind(&event.actor)
        .bind(&event.reason)
        .bind(event.at.to_string())
        .bind(&event.hash)
        .bind(event.drill)
        .bind(&event.source)
        .execute(&mut *transaction)
        .await;
        match inserted {
            Ok(result) if result.rows_affected() == 1 => {}
            Ok(_) => return Err(StorageError::RevisionTaken(event.revision)),
            Err(sqlx::Error::Database(db)) if db.is_unique_violation() => {
                return Err(StorageError::RevisionTaken(event.revision));
            }
            Err(error) => return Err(error.into()),
        }
        if let Some(key) = key {
            sqlx::query(
                "INSERT INTO idempotency_keys (key, revision, created) VALUES (?1, ?2, ?3)",
            )
            .bind(key)
            .bind(rows::signed(event.revision))
            .bind(Timestamp::now().to_string())
            .execute(&mut *transaction)
            .await
            .map_err(|error| match &error {
                sqlx::Error::Database(db) if db.is_unique_violation() => StorageError::KeyTaken,
                _ => error.into(),
            })?;
        }
        enqueue(
            &mut transaction,
            &super::switch_notification_id(event),
            &rows::json(event)?,
        )
        .await?;
        transaction.commit().await?;
        Ok(())
    }

    async fn event_for_key(&self, key: &str) -> Result<Option<Event>, StorageError> {
        let row = sqlx::query(
            "SELECT e.revision, e.scope, e.action, e.actor, e.reason, e.at, e.hash, e.drill, e.source
             FROM idempotency_keys k JOIN events e ON e.revision = k.revision
             WHERE k.key = ?1",
        )
        .bind(key)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(rows::event).transpose()
    }

    async fn events_after(&self, revision: u64, limit: u32) -> Result<Vec<Event>, StorageError> {
        let rows = sqlx::query(
            "SELECT revision, scope, action, actor, reason, at, hash, drill, source FROM events
             WHERE revision > ?1 ORDER BY revision LIMIT ?2",
        )
        .bind(rows::signed(revision))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(rows::event).collect()
    }

    async fn upsert_agent(&self, record: &AgentRecord) -> Result<(), StorageError> {
        let report = serde_json::to_string(&record.report).map_err(|e| StorageError::Corrupt {
            what: "agent report",
            detail: e.to_string(),
        })?;
        sqlx::query(
            "INSERT INTO agents (id, last_seen, last_contact, report, exited) VALUES (?1, ?2, ?2, ?3, ?4)
             ON CONFLICT (id) DO UPDATE SET last_seen = excluded.last_seen,
                 last_contact = excluded.last_contact, report = excluded.report,
                 exited = excluded.exited",
        )
        .bind(&record.id)
        .bind(record.last_seen.to_string())
        .bind(report)
        .bind(record.report.exit_code.is_some())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn touch_agents(&self, ids: &[String], at: Timestamp) -> Result<(), StorageError> {
        if ids.is_empty() {
            return Ok(());
        }
        let ids = serde_json::to_string(ids).map_err(|e| StorageError::Corrupt {
            what: "agent ids",
            detail: e.to_string(),
        })?;
        sqlx::query(
            "UPDATE agents SET last_contact = ?1 WHERE id IN (SELECT value FROM json_each(?2))",
        )
        .bind(at.to_string())
        .bind(ids)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn agents(&self, after: Option<&str>, limit: u32) -> Result<AgentsPage, StorageError> {
        let rows = sqlx::query(
            "SELECT id, last_seen, last_contact, report FROM agents
             WHERE ?1 IS NULL OR id > ?1 ORDER BY id LIMIT ?2",
        )
        .bind(after)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        let mut page = AgentsPage::default();
        for row in &rows {
            match rows::agent(row) {
                Ok(record) => page.agents.push(record),
                Err(error) => {
                    let id: String = row.try_get("id").unwrap_or_default();
                    page.skipped.push((id, error.to_string()));
                }
            }
        }
        if rows.len() == usize::try_from(limit).unwrap_or(usize::MAX) {
            page.next_after = rows.last().and_then(|row| row.try_get("id").ok());
        }
        Ok(page)
    }

    async fn prune(&self, before: PruneBefore) -> Result<u64, StorageError> {
        let agents = sqlx::query(
            "DELETE FROM agents WHERE (exited = 1 AND last_seen < ?1) OR last_contact < ?1",
        )
        .bind(before.agents.to_string())
        .execute(&self.pool)
        .await?;
        sqlx::query("DELETE FROM idempotency_keys WHERE created < ?1")
            .bind(before.keys.to_string())
            .execute(&self.pool)
            .await?;
        sqlx::query("DELETE FROM security_events WHERE minute < ?1")
            .bind(before.security_events.to_string())
            .execute(&self.pool)
            .await?;
        sqlx::query("DELETE FROM notifications WHERE created_ms < ?1")
            .bind(millis(before.notifications))
            .execute(&self.pool)
            .await?;
        Ok(agents.rows_affected())
    }

    async fn create_token(&self, token: &TokenRecord) -> Result<(), StorageError> {
        let info = &token.info;
        let inserted = sqlx::query(
            "INSERT INTO tokens (hash, prefix, name, role, created, expires) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )
        .bind(&token.hash)
        .bind(&info.prefix)
        .bind(&info.name)
        .bind(info.role.as_str())
        .bind(info.created.to_string())
        .bind(info.expires.map(|at| at.to_string()))
        .execute(&self.pool)
        .await;
        match inserted {
            Ok(_) => Ok(()),
            Err(sqlx::Error::Database(db)) if db.is_unique_violation() => {
                Err(StorageError::NameTaken(info.name.clone()))
            }
            Err(error) => Err(error.into()),
        }
    }

    async fn tokens(&self) -> Result<Vec<TokenRecord>, StorageError> {
        let rows = sqlx::query(
            "SELECT hash, prefix, name, role, created, expires, last_used, revoked FROM tokens ORDER BY created, name",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(rows::token).collect()
    }

    async fn revoke_token(
        &self,
        prefix_or_name: &str,
        at: Timestamp,
    ) -> Result<Option<TokenInfo>, StorageError> {
        let row = sqlx::query(
            "UPDATE tokens SET revoked = ?2 WHERE revoked IS NULL AND (prefix = ?1 OR name = ?1)
             RETURNING hash, prefix, name, role, created, expires, last_used, revoked",
        )
        .bind(prefix_or_name)
        .bind(at.to_string())
        .fetch_optional(&self.pool)
        .await?;
        Ok(row
            .as_ref()
            .map(rows::token)
            .transpose()?
            .map(|token| token.info))
    }

    async fn touch_tokens(&self, hashes: &[String], at: Timestamp) -> Result<(), StorageError> {
        if hashes.is_empty() {
            return Ok(());
        }
        let hashes = serde_json::to_string(hashes).map_err(|e| StorageError::Corrupt {
            what: "token hashes",
            detail: e.to_string(),
        })?;
        sqlx::query(
            "UPDATE tokens SET last_used = ?1 WHERE hash IN (SELECT value FROM json_each(?2))",
        )
        .bind(at.to_string())
        .bind(hashes)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn record_security_events(&self, events: &[SecurityEvent]) -> Result<(), StorageError> {
        let mut transaction = self.pool.begin().await?;
        for event in events {
            sqlx::query(
                "INSERT INTO security_events (minute, kind, token, peer, count, detail)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (minute, kind, token, peer)
                 DO UPDATE SET count = count + excluded.count, detail = excluded.detail",
            )
            .bind(event.minute.to_string())
            .bind(&event.kind)
            .bind(&event.token)
            .bind(&event.peer)
            .bind(i64::try_from(event.count).unwrap_or(i64::MAX))
            .bind(&event.detail)
            .execute(&mut *transaction)
            .await?;
        }
        transaction.commit().await?;
        Ok(())
    }

    async fn security_events(
        &self,
        after: i64,
        limit: u32,
    ) -> Result<Vec<SecurityEvent>, StorageError> {
        let rows = sqlx::query(
            "SELECT id, minute, kind, token, peer, count, detail FROM security_events
             WHERE id > ?1 ORDER BY id LIMIT ?2",
        )
        .bind(after)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(rows::security_event).collect()
    }

    async fn fill_hashes(&self, hashes: &[(u64, String)]) -> Result<(), StorageError> {
        let mut transaction = self.pool.begin().await?;
        for (revision, hash) in hashes {
            sqlx::query("UPDATE events SET hash = ?2 WHERE revision = ?1 AND hash IS NULL")
                .bind(rows::signed(*revision))
                .bind(hash)
                .execute(&mut *transaction)
                .await?;
        }
        transaction.commit().await?;
        self.legacy.store(false, Ordering::Release);
        Ok(())
    }

    async fn append_audit(&self, entry: &AuditEntry) -> Result<(), StorageError> {
        let inserted = sqlx::query(
            "INSERT INTO audit (seq, at, kind, actor, detail, hash)
             SELECT ?1, ?2, ?3, ?4, ?5, ?6
             WHERE (SELECT COALESCE(MAX(seq), 0) FROM audit) = ?1 - 1",
        )
        .bind(rows::signed(entry.seq))
        .bind(entry.at.to_string())
        .bind(&entry.kind)
        .bind(&entry.actor)
        .bind(&entry.detail)
        .bind(&entry.hash)
        .execute(&self.pool)
        .await;
        match inserted {
            Ok(result) if result.rows_affected() == 1 => Ok(()),
            Ok(_) => Err(StorageError::RevisionTaken(entry.seq)),
            Err(sqlx::Error::Database(db)) if db.is_unique_violation() => {
                Err(StorageError::RevisionTaken(entry.seq))
            }
            Err(error) => Err(error.into()),
        }
    }

    async fn audit_tail(&self) -> Result<Option<(u64, String)>, StorageError> {
        let row = sqlx::query("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1")
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(rows::audit_tail).transpose()
    }

    async fn audit_after(&self, seq: u64, limit: u32) -> Result<Vec<AuditEntry>, StorageError> {
        let rows = sqlx::query(
            "SELECT seq, at, kind, actor, detail, hash FROM audit WHERE seq > ?1 ORDER BY seq LIMIT ?2",
        )
        .bind(rows::signed(seq))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(rows::audit_entry).collect()
    }

    async fn close(&self) {
        self.pool.close().await;
    }

    async fn record_drill(&self, drill: &DrillRecord) -> Result<(), StorageError> {
        let mut transaction = self.pool.begin().await?;
        let inserted = sqlx::query(
            "INSERT INTO drills (id, kind, started, ended, status, verdict, environment, scope, recorded_by, report)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
                 ON CONFLICT (id) DO NOTHING",
        )
        .bind(&drill.id)
        .bind(&drill.kind)
        .bind(drill.started.to_string())
        .bind(drill.ended.to_string())
        .bind(&drill.status)
        .bind(&drill.verdict)
        .bind(&drill.environment)
        .bind(&drill.scope)
        .bind(&drill.recorded_by)
        .bind(drill.report.to_string())
        .execute(&mut *transaction)
        .await?;
        // A record sent again is not announced again.
        if inserted.rows_affected() == 1 {
            enqueue(
                &mut transaction,
                &super::drill_notification_id(drill),
                &rows::json(drill)?,
            )
            .await?;
        }
        transaction.commit().await?;
        Ok(())
    }

    async fn drills(&self, limit: u32) -> Result<Vec<DrillRecord>, StorageError> {
        let rows = sqlx::query(
            "SELECT id, kind, started, ended, status, verdict, environment, scope, recorded_by, report
             FROM drills ORDER BY seq DESC LIMIT ?1",
        )
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(rows::drill).collect()
    }

    async fn record_backup(&self, backup: &BackupRecord) -> Result<(), StorageError> {
        sqlx::query(
            "INSERT INTO backups (id, kind, started_at, duration_ms, ok, destination, backup_id,
                 bytes, error, scheduled, host, recorded_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
             ON CONFLICT (id) DO NOTHING",
        )
        .bind(&backup.id)
        .bind(&backup.kind)
        .bind(backup.started_at.to_string())
        .bind(rows::signed(backup.duration_ms))
        .bind(backup.ok)
        .bind(&backup.destination)
        .bind(&backup.backup_id)
        .bind(backup.bytes.map(rows::signed))
        .bind(&backup.error)
        .bind(backup.scheduled)
        .bind(&backup.host)
        .bind(&backup.recorded_by)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn backups(&self, limit: u32) -> Result<Vec<BackupRecord>, StorageError> {
        let rows = sqlx::query(
            "SELECT id, kind, started_at, duration_ms, ok, destination, backup_id, bytes, error,
                 scheduled, host, recorded_by
             FROM backups ORDER BY seq DESC LIMIT ?1",
        )
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(rows::backup).collect()
    }

    async fn claim_notifications(
        &self,
        now: Timestamp,
        lease: Duration,
        limit: u32,
    ) -> Result<Vec<Outgoing>, StorageError> {
        // Whoever claimed a row before was an earlier run of this server: the data folder's
        // lock lets one run at a time, so its claims end with it.
        let mut rows = sqlx::query(
            "UPDATE notifications SET claimed_until_ms = ?1
             WHERE seq IN (SELECT seq FROM notifications WHERE done = 0 AND due_ms <= ?2
                           ORDER BY seq LIMIT ?3)
             RETURNING seq, id, subject, created_ms, attempts, delivered",
        )
        .bind(millis(now) + lease_millis(lease))
        .bind(millis(now))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.sort_by_key(|row| row.try_get::<i64, _>("seq").unwrap_or_default());
        let mut claimed = Vec::new();
        for row in &rows {
            match rows::outgoing(row) {
                Ok(outgoing) => claimed.push(outgoing),
                Err(error) => self.give_up_unreadable(row, &error).await?,
            }
        }
        Ok(claimed)
    }

    async fn settle_notification(
        &self,
        id: &str,
        settled: &Settled,
        lease: Duration,
    ) -> Result<bool, StorageError> {
        let settled_now = sqlx::query(
            "UPDATE notifications SET delivered = ?2, done = ?3, due_ms = ?4,
                 claimed_until_ms = ?5, last_error = ?6, attempts = attempts + 1
             WHERE id = ?1",
        )
        .bind(id)
        .bind(settled.delivered.join(" "))
        .bind(settled.done)
        .bind(millis(settled.retry_at))
        .bind(millis(settled.retry_at) + lease_millis(lease))
        .bind(&settled.error)
        .execute(&self.pool)
        .await?;
        Ok(settled_now.rows_affected() == 1)
    }

    async fn next_notification_due(&self) -> Result<Option<Timestamp>, StorageError> {
        let due: Option<i64> =
            sqlx::query_scalar("SELECT MIN(due_ms) FROM notifications WHERE done = 0")
                .fetch_one(&self.pool)
                .await?;
        Ok(due.and_then(|due| Timestamp::from_millisecond(due).ok()))
    }

    async fn probe_write(&self) -> Result<(), StorageError> {
        sqlx::query(
            "INSERT INTO meta (key, value) VALUES ('write_probe', ?1)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(Timestamp::now().to_string())
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}

impl SqliteStorage {
    /// Marks an outbox row that cannot be read as done, with why.
    async fn give_up_unreadable(
        &self,
        row: &sqlx::sqlite::SqliteRow,
        error: &StorageError,
    ) -> Result<(), StorageError> {
        let seq: i64 = row.try_get("seq")?;
        tracing::error!(seq, %error, "an outbox row cannot be read; it is dropped");
        sqlx::query("UPDATE notifications SET done = 1, last_error = ?2 WHERE seq = ?1")
            .bind(seq)
            .bind(error.to_string())
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

/// Puts a notification in the outbox, due now, in the caller's transaction. A row with
/// this id already there is left alone: the outbox never makes a write fail.
async fn enqueue(
    transaction: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    id: &str,
    subject: &str,
) -> Result<(), StorageError> {
    let now = millis(Timestamp::now());
    sqlx::query(
        "INSERT INTO notifications (id, subject, created_ms, due_ms) VALUES (?1, ?2, ?3, ?3)
         ON CONFLICT (id) DO NOTHING",
    )
    .bind(id)
    .bind(subject)
    .bind(now)
    .execute(&mut **transaction)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests;
