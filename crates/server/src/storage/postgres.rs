//! PostgreSQL: the control plane's state in the team's database, so it survives the
//! instance (Cloud Run replaces instances at will, and their disks with them). Everything
//! lives in a schema of its own, `ripcord`. The switch log and the audit log are
//! append-only in the database itself: UPDATE, DELETE and TRUNCATE are refused by
//! triggers (an owner can drop them; the hash chain is what shows that). Migrations are
//! versioned and run under an advisory lock, so replicas starting together do not race.

use std::time::Duration;

use async_trait::async_trait;
use jiff::Timestamp;
use ripcord_core::Event;
use ripcord_core::api::{AgentRecord, BackupRecord, DrillRecord};
use ripcord_core::auth::TokenInfo;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions, PgSslMode};
use sqlx::{ConnectOptions, Connection};

use super::{
    AgentsPage, AuditEntry, OUTBOX_LEASE, Outgoing, PruneBefore, SecurityEvent, Settled, Storage,
    StorageError, TokenRecord, lease_millis, millis, rows,
};

/// Connections per replica: Supabase's free plan allows few clients.
const POOL_SIZE: u32 = 3;
/// How long a request waits for a connection before it is answered 503: well inside a
/// client's request timeout (10 s), so a client hears "the database is down" rather than
/// "no answer", which would leave it unsure whether a halt was recorded.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(3);
/// Every session's limits: a statement may run 5 s, and wait 2 s for a lock.
const SESSION_TIMEOUTS: &str = "SET statement_timeout = '5s'; SET lock_timeout = '2s'";
/// The advisory lock migrations run under ("rpcd" in ASCII).
const MIGRATION_LOCK: i64 = 0x7270_6364;

/// Whether ripcord's schema is in the database: its migrations table exists.
const SCHEMA_EXISTS: &str = "SELECT to_regclass('ripcord.schema_migrations') IS NOT NULL";

/// The schema, one step per version, recorded in `ripcord.schema_migrations`.
pub const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE ripcord.meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE ripcord.events (
    revision BIGINT PRIMARY KEY,
    scope    TEXT NOT NULL,
    action   TEXT NOT NULL CHECK (action IN ('halt', 'resume')),
    actor    TEXT NOT NULL,
    reason   TEXT NOT NULL,
    at       TEXT NOT NULL,
    hash     TEXT
);
CREATE FUNCTION ripcord.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END
$$;
CREATE TRIGGER events_are_never_updated BEFORE UPDATE ON ripcord.events FOR EACH ROW
WHEN (OLD.hash IS NOT NULL
      OR NEW.revision IS DISTINCT FROM OLD.revision OR NEW.scope IS DISTINCT FROM OLD.scope
      OR NEW.action IS DISTINCT FROM OLD.action OR NEW.actor IS DISTINCT FROM OLD.actor
      OR NEW.reason IS DISTINCT FROM OLD.reason OR NEW.at IS DISTINCT FROM OLD.at)
EXECUTE FUNCTION ripcord.refuse_change();
CREATE TRIGGER events_are_never_deleted BEFORE DELETE ON ripcord.events
FOR EACH ROW EXECUTE FUNCTION ripcord.refuse_change();
CREATE TRIGGER events_are_never_truncated BEFORE TRUNCATE ON ripcord.events
FOR EACH STATEMENT EXECUTE FUNCTION ripcord.refuse_change();
CREATE TABLE ripcord.agents (
    id           TEXT PRIMARY KEY,
    last_seen    TEXT NOT NULL,
    last_contact TEXT,
    exited       BOOLEAN NOT NULL DEFAULT FALSE,
    report       TEXT NOT NULL
);
CREATE INDEX agents_exited ON ripcord.agents (exited, last_seen);
CREATE TABLE ripcord.idempotency_keys (
    key      TEXT PRIMARY KEY,
    revision BIGINT NOT NULL,
    created  TEXT NOT NULL
);
CREATE TABLE ripcord.tokens (
    hash      TEXT PRIMARY KEY,
    prefix    TEXT NOT NULL,
    name      TEXT NOT NULL,
    role      TEXT NOT NULL CHECK (role IN ('viewer', 'agent', 'operator', 'admin')),
    created   TEXT NOT NULL,
    expires   TEXT,
    last_used TEXT,
    revoked   TEXT
);
CREATE UNIQUE INDEX tokens_live_name ON ripcord.tokens (name) WHERE revoked IS NULL;
CREATE TABLE ripcord.security_events (
    id     BIGSERIAL PRIMARY KEY,
    minute TEXT NOT NULL,
    kind   TEXT NOT NULL,
    token  TEXT NOT NULL,
    peer   TEXT NOT NULL,
    count  BIGINT NOT NULL,
    detail TEXT NOT NULL,
    UNIQUE (minute, kind, token, peer)
);
CREATE TABLE ripcord.audit (
    seq    BIGINT PRIMARY KEY,
    at     TEXT NOT NULL,
    kind   TEXT NOT NULL,
    actor  TEXT NOT NULL,
    detail TEXT NOT NULL,
    hash   TEXT NOT NULL
);
CREATE TRIGGER audit_is_never_updated BEFORE UPDATE ON ripcord.audit
FOR EACH ROW EXECUTE FUNCTION ripcord.refuse_change();
CREATE TRIGGER audit_is_never_deleted BEFORE DELETE ON ripcord.audit
FOR EACH ROW EXECUTE FUNCTION ripcord.refuse_change();
CREATE TRIGGER audit_is_never_truncated BEFORE TRUNCATE ON ripcord.audit
FOR EACH STATEMENT EXECUTE FUNCTION ripcord.refuse_change();
"#,
    r#"
ALTER TABLE ripcord.events ADD COLUMN drill BOOLEAN NOT NULL DEFAULT FALSE,
                           ADD COLUMN source TEXT;
DROP TRIGGER events_are_never_updated ON ripcord.events;
CREATE TRIGGER events_are_never_updated BEFORE UPDATE ON ripcord.events FOR EACH ROW
WHEN (OLD.hash IS NOT NULL
      OR NEW.revision IS DISTINCT FROM OLD.revision OR NEW.scope IS DISTINCT FROM OLD.scope
      OR NEW.action IS DISTINCT FROM OLD.action OR NEW.actor IS DISTINCT FROM OLD.actor
      OR NEW.reason IS DISTINCT FROM OLD.reason OR NEW.at IS DISTINCT FROM OLD.at
      OR NEW.drill IS DISTINCT FROM OLD.drill OR NEW.source IS DISTINCT FROM OLD.source)
EXECUTE FUNCTION ripcord.refuse_change();
"#,
    r#"
CREATE TABLE ripcord.drills (
    seq         BIGSERIAL PRIMARY KEY,
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
);
"#,
    r#"
CREATE TABLE ripcord.backups (
    seq         BIGSERIAL PRIMARY KEY,
    id          TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    duration_ms BIGINT NOT NULL,
    ok          BOOLEAN NOT NULL,
    destination TEXT NOT NULL,
    backup_id   TEXT,
    bytes       BIGINT,
    error       TEXT,
    scheduled   BOOLEAN NOT NULL,
    host        TEXT NOT NULL,
    recorded_by TEXT NOT NULL
);
"#,
    r#"
CREATE TABLE ripcord.notifications (
    seq              BIGSERIAL PRIMARY KEY,
    id               TEXT NOT NULL UNIQUE,
    subject          TEXT NOT NULL,
    created_ms       BIGINT NOT NULL,
    due_ms           BIGINT NOT NULL,
    claimed_by       TEXT,
    claimed_until_ms BIGINT NOT NULL DEFAULT 0,
    attempts         BIGINT NOT NULL DEFAULT 0,
    delivered        TEXT NOT NULL DEFAULT '',
    last_error       TEXT,
    done             BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX notifications_pending ON ripcord.notifications (done, due_ms);
"#,
];

/// The control plane's state in PostgreSQL.
#[derive(Debug, Clone)]
pub struct PostgresStorage {
    pool: PgPool,
    /// This replica's name on the outbox rows it claims.
    replica: String,
}

/// Supabase's transaction pooler (port 6543) hands each statement to any server
/// connection: session state such as advisory locks and prepared statements does not
/// survive, so migrations and appends cannot rely on it. Checked on the port the
/// connection will use, wherever it was given (URL, `?port=`, `PGPORT`).
fn refuse_transaction_pooler(options: &PgConnectOptions) -> Result<(), StorageError> {
    if options.get_port() == 6543 {
        return Err(StorageError::Config(
            "port 6543 is Supabase's transaction pooler, which keeps no session state (advisory \
             locks, prepared statements) between statements; use the session pooler on port \
             5432 (from Cloud Run and other IPv4 hosts: the direct host is IPv6-only)"
                .into(),
        ));
    }
    Ok(())
}

/// Whether the server the connection will reach is on this machine — a Unix socket or a
/// loopback address — wherever the host was given (URL, `?host=`, `?hostaddr=`,
/// `PGHOST`): nobody in between can read or alter the traffic.
fn is_local(options: &PgConnectOptions) -> bool {
    if options.get_socket().is_some() {
        return true;
    }
    let host = options.get_host();
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    host.starts_with('/')
        || host == "localhost"
        || bare
            .parse::<std::net::IpAddr>()
            .is_ok_and(|address| address.is_loopback())
}

impl PostgresStorage {
    /// Marks an outbox row that cannot be read as done, with why.
    async fn give_up_unreadable(
        &self,
        row: &sqlx::postgres::PgRow,
        error: &StorageError,
    ) -> Result<(), StorageError> {
        let seq: i64 = sqlx::Row::try_get(row, "seq")?;
        tracing::error!(seq, %error, "an outbox row cannot be read; it is dropped");
        sqlx::query("UPDATE ripcord.notifications SET done = TRUE, last_error = $2 WHERE seq = $1")
            .bind(seq)
            .bind(error.to_string())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Puts a notification in the outbox, due now and claimed by this replica, in the
    /// caller's transaction. A row with this id already there is left alone: the outbox
    /// never makes a write fail.
    async fn enqueue(
        &self,
        transaction: &mut sqlx::Transaction<'_, sqlx::Postgres>,
        id: &str,
        subject: &str,
    ) -> Result<(), StorageError> {
        let now = millis(Timestamp::now());
        sqlx::query(
            "INSERT INTO ripcord.notifications (id, subject, created_ms, due_ms, claimed_by, claimed_until_ms)
             VALUES ($1, $2, $3, $3, $4, $5)
             ON CONFLICT (id) DO NOTHING",
        )
        .bind(id)
        .bind(subject)
        .bind(now)
        .bind(&self.replica)
        .bind(now + lease_millis(OUTBOX_LEASE))
        .execute(&mut **transaction)
        .await?;
        Ok(())
    }

    /// Connects and applies pending migrations.
    pub async fn connect(url: &str) -> Result<Self, StorageError> {
        let storage = Self::connect_only(url).await?;
        storage.migrate(false).await?;
        Ok(storage)
    }

    /// Connects without migrating: for `ripcord migrate --dry-run`. TLS is as the URL's
    /// `sslmode` and `sslrootcert` say; a remote server with no `sslmode` gets `require`
    /// rather than libpq's `prefer`, which falls back to plain text when the path between
    /// strips TLS.
    pub async fn connect_only(url: &str) -> Result<Self, StorageError> {
        let invalid = |detail: String| {
            StorageError::Config(format!("invalid database URL {}: {detail}", redact(url)))
        };
        let parsed = url::Url::parse(url).map_err(|error| invalid(error.to_string()))?;
        if !matches!(parsed.scheme(), "postgres" | "postgresql") {
            return Err(invalid(
                "it must start with postgres:// or postgresql://".into(),
            ));
        }
        let mut options: PgConnectOptions = url
            .parse::<PgConnectOptions>()
            .map_err(|error| invalid(error.to_string()))?
            .application_name("ripcord")
            .disable_statement_logging();
        refuse_transaction_pooler(&options)?;
        let names_ssl_mode = parsed.query_pairs().any(|(key, _)| key == "sslmode")
            || std::env::var_os("PGSSLMODE").is_some();
        if !names_ssl_mode && !is_local(&options) {
            options = options.ssl_mode(PgSslMode::Require);
        }
        let pool = PgPoolOptions::new()
            .max_connections(POOL_SIZE)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            // A table locked by someone else, or a statement stuck behind one, must end in
            // a 503 the client hears, not hold a halt past the client's timeout.
            .after_connect(|connection, _| {
                Box::pin(async move {
                    sqlx::Executor::execute(&mut *connection, SESSION_TIMEOUTS).await?;
                    Ok(())
                })
            })
            .connect_with(options)
            .await
            .map_err(|error| StorageError::Open {
                path: redact(url),
                error: Box::new(error),
            })?;
        Ok(PostgresStorage {
            pool,
            replica: super::replica_name(),
        })
    }

    /// Whether ripcord's schema is in this database (a migration ran here).
    pub async fn has_schema(&self) -> Result<bool, StorageError> {
        Ok(sqlx::query_scalar(SCHEMA_EXISTS)
            .fetch_one(&self.pool)
            .await?)
    }

    /// Applies (or, with `dry_run`, only lists) the migrations not yet applied, each in
    /// a transaction of its own, under an advisory lock: replicas that start together
    /// wait for the first instead of racing it. Returns their versions.
    pub async fn migrate(&self, dry_run: bool) -> Result<Vec<u32>, StorageError> {
        let mut connection = self.pool.acquire().await?;
        // Waiting for another replica's migration, or running one, may take longer than a
        // request's statement may; the session's limits come back below.
        sqlx::raw_sql("SET statement_timeout = 0; SET lock_timeout = 0")
            .execute(&mut *connection)
            .await?;
        // The lock first: even `CREATE … IF NOT EXISTS` fails when two sessions race it.
        sqlx::query("SELECT pg_advisory_lock($1)")
            .bind(MIGRATION_LOCK)
            .execute(&mut *connection)
            .await?;
        let outcome = async {
            let exists: bool = sqlx::query_scalar(SCHEMA_EXISTS)
                .fetch_one(&mut *connection)
                .await?;
            let applied: Vec<i64> = if exists {
                sqlx::query_scalar("SELECT version FROM ripcord.schema_migrations")
                    .fetch_all(&mut *connection)
                    .await?
            } else {
                Vec::new()
            };
            let pending = super::pending_migrations(MIGRATIONS.len(), &applied)?;
            // Nothing to do, nothing created: a dry run, or a server whose role may only
            // read and write the tables an owner migrated.
            if dry_run || pending.is_empty() {
                return Ok(pending);
            }
            sqlx::raw_sql(
                "CREATE SCHEMA IF NOT EXISTS ripcord;
                 CREATE TABLE IF NOT EXISTS ripcord.schema_migrations (
                     version BIGINT PRIMARY KEY, applied TEXT NOT NULL)",
            )
            .execute(&mut *connection)
            .await?;
            for &version in &pending {
                let mut transaction = connection.begin().await?;
                sqlx::raw_sql(MIGRATIONS[version as usize - 1])
                    .execute(&mut *transaction)
                    .await?;
                sqlx::query(
                    "INSERT INTO ripcord.schema_migrations (version, applied) VALUES ($1, $2)",
                )
                .bind(i64::from(version))
                .bind(Timestamp::now().to_string())
                .execute(&mut *transaction)
                .await?;
                transaction.commit().await?;
                tracing::info!(version, "state database migrated");
            }
            Ok::<_, StorageError>(pending)
        }
        .await;
        sqlx::query("SELECT pg_advisory_unlock($1)")
            .bind(MIGRATION_LOCK)
            .execute(&mut *connection)
            .await?;
        sqlx::raw_sql(SESSION_TIMEOUTS)
            .execute(&mut *connection)
            .await?;
        outcome.map_err(|error| match error {
            StorageError::Database(source) if insufficient_privilege(source.as_ref()) => {
                StorageError::Config(format!(
                    "this database role may not change ripcord's schema ({source}): run \
                     `ripcord migrate` as the schema's owner first"
                ))
            }
            other => other,
        })
    }
}

/// Query parameters that carry a secret.
const SECRET_PARAMETERS: &[&str] = &["password", "sslpassword"];

/// A database or broker URL without its passwords (in the user part and in the query),
/// for errors and logs.
pub(crate) fn redact(url: &str) -> String {
    let Ok(mut parsed) = url::Url::parse(url) else {
        return "(an unparsable URL)".into();
    };
    if parsed.password().is_some() {
        let _ = parsed.set_password(Some("***"));
    }
    if parsed
        .query_pairs()
        .any(|(key, _)| SECRET_PARAMETERS.contains(&key.as_ref()))
    {
        let pairs: Vec<(String, String)> = parsed
            .query_pairs()
            .map(|(key, value)| {
                let value = if SECRET_PARAMETERS.contains(&key.as_ref()) {
                    "***".to_owned()
                } else {
                    value.into_owned()
                };
                (key.into_owned(), value)
            })
            .collect();
        parsed.query_pairs_mut().clear().extend_pairs(pairs);
    }
    parsed.to_string()
}

/// SQLSTATE 42501: the role lacks a privilege.
fn insufficient_privilege(error: &(dyn std::error::Error + 'static)) -> bool {
    error
        .downcast_ref::<sqlx::Error>()
        .and_then(|error| error.as_database_error())
        .is_some_and(|db| db.code().as_deref() == Some("42501"))
}

fn unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(db) if db.is_unique_violation())
}

#[async_trait]
impl Storage for PostgresStorage {
    async fn meta_or_insert(&self, key: &str, value: &str) -> Result<String, StorageError> {
        // Read first: a role that may only read (an auditor's) gets what is there.
        let stored: Option<String> =
            sqlx::query_scalar("SELECT value FROM ripcord.meta WHERE key = $1")
                .bind(key)
                .fetch_optional(&self.pool)
                .await?;
        if let Some(stored) = stored {
            return Ok(stored);
        }
        sqlx::query(
            "INSERT INTO ripcord.meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
        )
        .bind(key)
        .bind(value)
        .execute(&self.pool)
        .await?;
        Ok(
            sqlx::query_scalar("SELECT value FROM ripcord.meta WHERE key = $1")
                .bind(key)
                .fetch_one(&self.pool)
                .await?,
        )
    }

    async fn load_events(&self) -> Result<Vec<Event>, StorageError> {
        self.events_after(0, u32::MAX).await
    }

    async fn append(&self, event: &Event, key: Option<&str>) -> Result<(), StorageError> {
        let mut transaction = self.pool.begin().await?;
        let inserted = sqlx::query(
            "INSERT INTO ripcord.events
                 (revision, scope, action, actor, reason, at, hash, drill, source)
             SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9
             WHERE (SELECT COALESCE(MAX(revision), 0) FROM ripcord.events) = $1 - 1",
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
            Err(error) if unique_violation(&error) => {
                return Err(StorageError::RevisionTaken(event.revision));
            }
            Err(error) => return Err(error.into()),
        }
        if let Some(key) = key {
            sqlx::query(
                "INSERT INTO ripcord.idempotency_keys (key, revision, created) VALUES ($1, $2, $3)",
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
        // Claimed by this replica, which announces the change: another sends it only when
        // this one dies before its lease ends.
        self.enqueue(
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
             FROM ripcord.idempotency_keys k JOIN ripcord.events e ON e.revision = k.revision
             WHERE k.key = $1",
        )
        .bind(key)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(rows::event).transpose()
    }

    async fn events_after(&self, revision: u64, limit: u32) -> Result<Vec<Event>, StorageError> {
        let rows = sqlx::query(
            "SELECT revision, scope, action, actor, reason, at, hash, drill, source FROM ripcord.events
             WHERE revision > $1 ORDER BY revision LIMIT $2",
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
            "INSERT INTO ripcord.agents (id, last_seen, last_contact, report, exited)
             VALUES ($1, $2, $2, $3, $4)
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
        sqlx::query("UPDATE ripcord.agents SET last_contact = $1 WHERE id = ANY($2)")
            .bind(at.to_string())
            .bind(ids)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn agents(&self, after: Option<&str>, limit: u32) -> Result<AgentsPage, StorageError> {
        // Byte order, as SQLite sorts: paging must not depend on the database's collation.
        let rows = sqlx::query(
            "SELECT id, last_seen, last_contact, report FROM ripcord.agents
             WHERE $1::text IS NULL OR id COLLATE \"C\" > $1 COLLATE \"C\"
             ORDER BY id COLLATE \"C\" LIMIT $2",
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
                    let id: String = sqlx::Row::try_get(row, "id").unwrap_or_default();
                    page.skipped.push((id, error.to_string()));
                }
            }
        }
        if rows.len() == usize::try_from(limit).unwrap_or(usize::MAX) {
            page.next_after = rows
                .last()
                .and_then(|row| sqlx::Row::try_get(row, "id").ok());
        }
        Ok(page)
    }

    async fn prune(&self, before: PruneBefore) -> Result<u64, StorageError> {
        let agents = sqlx::query(
            "DELETE FROM ripcord.agents
             WHERE (exited AND last_seen < $1) OR COALESCE(last_contact, last_seen) < $1",
        )
        .bind(before.agents.to_string())
        .execute(&self.pool)
        .await?;
        sqlx::query("DELETE FROM ripcord.idempotency_keys WHERE created < $1")
            .bind(before.keys.to_string())
            .execute(&self.pool)
            .await?;
        sqlx::query("DELETE FROM ripcord.security_events WHERE minute < $1")
            .bind(before.security_events.to_string())
            .execute(&self.pool)
            .await?;
        sqlx::query("DELETE FROM ripcord.notifications WHERE created_ms < $1")
            .bind(millis(before.notifications))
            .execute(&self.pool)
            .await?;
        Ok(agents.rows_affected())
    }

    async fn create_token(&self, token: &TokenRecord) -> Result<(), StorageError> {
        let info = &token.info;
        let inserted = sqlx::query(
            "INSERT INTO ripcord.tokens (hash, prefix, name, role, created, expires)
             VALUES ($1, $2, $3, $4, $5, $6)",
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
            Err(error) if unique_violation(&error) => {
                Err(StorageError::NameTaken(info.name.clone()))
            }
            Err(error) => Err(error.into()),
        }
    }

    async fn tokens(&self) -> Result<Vec<TokenRecord>, StorageError> {
        let rows = sqlx::query(
            "SELECT hash, prefix, name, role, created, expires, last_used, revoked
             FROM ripcord.tokens ORDER BY created, name",
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
            "UPDATE ripcord.tokens SET revoked = $2
             WHERE revoked IS NULL AND (prefix = $1 OR name = $1)
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
        sqlx::query("UPDATE ripcord.tokens SET last_used = $1 WHERE hash = ANY($2)")
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
                "INSERT INTO ripcord.security_events (minute, kind, token, peer, count, detail)
                 VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (minute, kind, token, peer)
                 DO UPDATE SET count = ripcord.security_events.count + excluded.count,
                     detail = excluded.detail",
            )
            .bind(event.minute.to_string())
            .bind(&event.kind)
            .bind(&event.token)
            .bind(&event.peer)
            .bind(rows::signed(event.count))
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
            "SELECT id, minute, kind, token, peer, count, detail FROM ripcord.security_events
             WHERE id > $1 ORDER BY id LIMIT $2",
        )
        .bind(after)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(rows::security_event).collect()
    }

    /// PostgreSQL logs are chained from their first event: there is nothing to fill, and
    /// a row without a hash is a break, never something to sign.
    async fn fill_hashes(&self, _hashes: &[(u64, String)]) -> Result<(), StorageError> {
        Err(StorageError::Config(
            "PostgreSQL logs are chained from their first event; nothing may be filled in".into(),
        ))
    }

    async fn append_audit(&self, entry: &AuditEntry) -> Result<(), StorageError> {
        let inserted = sqlx::query(
            "INSERT INTO ripcord.audit (seq, at, kind, actor, detail, hash)
             SELECT $1, $2, $3, $4, $5, $6
             WHERE (SELECT COALESCE(MAX(seq), 0) FROM ripcord.audit) = $1 - 1",
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
            Err(error) if unique_violation(&error) => Err(StorageError::RevisionTaken(entry.seq)),
            Err(error) => Err(error.into()),
        }
    }

    async fn audit_tail(&self) -> Result<Option<(u64, String)>, StorageError> {
        let row = sqlx::query("SELECT seq, hash FROM ripcord.audit ORDER BY seq DESC LIMIT 1")
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(rows::audit_tail).transpose()
    }

    async fn audit_after(&self, seq: u64, limit: u32) -> Result<Vec<AuditEntry>, StorageError> {
        let rows = sqlx::query(
            "SELECT seq, at, kind, actor, detail, hash FROM ripcord.audit
             WHERE seq > $1 ORDER BY seq LIMIT $2",
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

    /// Writes, and checks that nobody holds a lock on the switch log that would make the
    /// next halt wait.
    async fn record_drill(&self, drill: &DrillRecord) -> Result<(), StorageError> {
        let mut transaction = self.pool.begin().await?;
        let inserted = sqlx::query(
            "INSERT INTO ripcord.drills (id, kind, started, ended, status, verdict, environment, scope, recorded_by, report)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
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
            self.enqueue(
                &mut transaction,
                &super::drill_notification_id(drill),
                &rows::json(drill)?,
            )
            .await?;
        }
        transaction.commit().await?;
        Ok(())
    }

    async fn claim_notifications(
        &self,
        now: Timestamp,
        lease: Duration,
        limit: u32,
    ) -> Result<Vec<Outgoing>, StorageError> {
        let mut rows = sqlx::query(
            "UPDATE ripcord.notifications SET claimed_by = $1, claimed_until_ms = $2
             WHERE seq IN (SELECT seq FROM ripcord.notifications
                           WHERE NOT done AND due_ms <= $3
                             AND (claimed_by IS NULL OR claimed_by = $1 OR claimed_until_ms < $3)
                           ORDER BY seq LIMIT $4 FOR UPDATE SKIP LOCKED)
             RETURNING seq, id, subject, created_ms, attempts, delivered",
        )
        .bind(&self.replica)
        .bind(millis(now) + lease_millis(lease))
        .bind(millis(now))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.sort_by_key(|row| sqlx::Row::try_get::<i64, _>(row, "seq").unwrap_or_default());
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
            "UPDATE ripcord.notifications SET delivered = $2, done = $3, due_ms = $4,
                 claimed_until_ms = $5, last_error = $6, attempts = attempts + 1
             WHERE id = $1 AND claimed_by = $7",
        )
        .bind(id)
        .bind(settled.delivered.join(" "))
        .bind(settled.done)
        .bind(millis(settled.retry_at))
        .bind(millis(settled.retry_at) + lease_millis(lease))
        .bind(&settled.error)
        .bind(&self.replica)
        .execute(&self.pool)
        .await?;
        Ok(settled_now.rows_affected() == 1)
    }

    async fn next_notification_due(&self) -> Result<Option<Timestamp>, StorageError> {
        // Another replica's row is claimable once its lease ends.
        let due: Option<i64> = sqlx::query_scalar(
            "SELECT MIN(GREATEST(due_ms, CASE WHEN claimed_by IS NULL OR claimed_by = $1
                                              THEN 0 ELSE claimed_until_ms END))
             FROM ripcord.notifications WHERE NOT done",
        )
        .bind(&self.replica)
        .fetch_one(&self.pool)
        .await?;
        Ok(due.and_then(|due| Timestamp::from_millisecond(due).ok()))
    }

    async fn drills(&self, limit: u32) -> Result<Vec<DrillRecord>, StorageError> {
        let rows = sqlx::query(
            "SELECT id, kind, started, ended, status, verdict, environment, scope, recorded_by, report
             FROM ripcord.drills ORDER BY seq DESC LIMIT $1",
        )
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(rows::drill).collect()
    }

    async fn record_backup(&self, backup: &BackupRecord) -> Result<(), StorageError> {
        sqlx::query(
            "INSERT INTO ripcord.backups (id, kind, started_at, duration_ms, ok, destination, backup_id,
                 bytes, error, scheduled, host, recorded_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
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
             FROM ripcord.backups ORDER BY seq DESC LIMIT $1",
        )
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(rows::backup).collect()
    }

    async fn probe_write(&self) -> Result<(), StorageError> {
        let mut transaction = self.pool.begin().await?;
        sqlx::query("LOCK TABLE ripcord.events IN ROW EXCLUSIVE MODE NOWAIT")
            .execute(&mut *transaction)
            .await?;
        sqlx::query(
            "INSERT INTO ripcord.meta (key, value) VALUES ('write_probe', $1)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(Timestamp::now().to_string())
        .execute(&mut *transaction)
        .await?;
        transaction.commit().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(url: &str) -> PgConnectOptions {
        url.parse().expect(url)
    }

    #[test]
    fn only_this_machine_counts_as_local_wherever_the_host_is_given() {
        for local in [
            "postgres://u@localhost/db",
            "postgres://u@127.0.0.1:5432/db",
            "postgres://u@127.8.0.1/db",
            "postgres://u@[::1]:5432/db",
            "postgres:///db?host=/var/run/postgresql",
        ] {
            assert!(is_local(&options(local)), "{local}");
        }
        for remote in [
            "postgres://u@db.example.com/db",
            "postgres://u@10.0.0.5/db",
            "postgres://u@[2001:db8::1]/db",
            "postgres://u@localhost.example.com/db",
            // The URL's host is not the one connected to.
            "postgres://u@localhost:5432/db?host=192.0.2.2",
            "postgres://u@127.0.0.1:5432/db?hostaddr=192.0.2.2",
            "postgres:///db?host=192.0.2.2&port=5432",
            "postgres://u@localhost/db?host=fd00::2",
        ] {
            assert!(!is_local(&options(remote)), "{remote}");
        }
    }

    #[test]
    fn the_transaction_pooler_is_refused_wherever_its_port_is_given() {
        for url in [
            "postgres://u@db.example:6543/db",
            "postgres://u@db.example/db?port=6543",
        ] {
            assert!(refuse_transaction_pooler(&options(url)).is_err(), "{url}");
        }
        // A 6543 anywhere else (a password, a path) is not the port.
        for url in [
            "postgres://u:6543@db.example:5432/db",
            "postgres://u@db.example:5432/6543",
        ] {
            assert!(refuse_transaction_pooler(&options(url)).is_ok(), "{url}");
        }
    }

    #[test]
    fn a_redacted_url_keeps_everything_but_the_password() {
        assert_eq!(
            redact("postgres://app:hunter2@db.example:5432/app?sslmode=require"),
            "postgres://app:***@db.example:5432/app?sslmode=require"
        );
        assert_eq!(redact("postgres://app@db/app"), "postgres://app@db/app");
        assert_eq!(
            redact("postgres://app@db/app?password=hunter2&sslmode=require"),
            "postgres://app@db/app?password=***&sslmode=require"
        );
        assert_eq!(
            redact("redis://:hunter2@10.0.0.2:6379/"),
            "redis://:***@10.0.0.2:6379/"
        );
        assert_eq!(redact("not a url"), "(an unparsable URL)");
    }
}
