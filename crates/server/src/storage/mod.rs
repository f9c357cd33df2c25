//! Where the logs, tokens and agent reports live: SQLite, the embedded default, or
//! PostgreSQL, behind one trait whose errors name no backend.

mod postgres;
mod rows;
mod sqlite;

use async_trait::async_trait;
use jiff::Timestamp;
use ripcord_core::Event;
use ripcord_core::api::{AgentRecord, BackupRecord, DrillRecord};
use ripcord_core::auth::TokenInfo;
pub use ripcord_core::chain::AuditEntry;
use serde::{Deserialize, Serialize};

pub use postgres::PostgresStorage;
pub(crate) use postgres::redact;
pub use sqlite::SqliteStorage;

/// A failure of whichever storage backs the server.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    // The cause is in the message, and so not also a `source`: a chain printed by the
    // binary would say it twice.
    #[error("cannot open the state database at {path}: {error}")]
    Open {
        path: String,
        error: Box<dyn std::error::Error + Send + Sync>,
    },
    #[error("state database error: {0}")]
    Database(Box<dyn std::error::Error + Send + Sync>),
    #[error("{0}")]
    Config(String),
    /// Another writer appended this revision first; the caller reloads and retries.
    #[error("revision {0} was already written by another writer")]
    RevisionTaken(u64),
    /// Another writer recorded a change with this idempotency key first (a retry that
    /// reached another replica); the caller answers with that change.
    #[error("the idempotency key was used by another writer at the same moment")]
    KeyTaken,
    #[error("the state database holds a row it cannot read ({what}): {detail}")]
    Corrupt { what: &'static str, detail: String },
    #[error(
        "a token named `{0}` exists and is not revoked; revoke it first or choose another name"
    )]
    NameTaken(String),
}

/// One page of agents, ordered by id.
#[derive(Debug, Default)]
pub struct AgentsPage {
    pub agents: Vec<AgentRecord>,
    /// Rows that could not be read, by id, with why; skipped so one bad row does not hide
    /// every other agent.
    pub skipped: Vec<(String, String)>,
    /// Where the next page starts, when there may be one.
    pub next_after: Option<String>,
}

/// A token as stored: its SHA-256 (never the token) and what it may do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRecord {
    pub hash: String,
    pub info: TokenInfo,
}

/// What [`Storage::prune`] forgets: whatever is older than these.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PruneBefore {
    /// Agents that exited, or were last heard from, before it.
    pub agents: Timestamp,
    /// Idempotency keys created before it.
    pub keys: Timestamp,
    /// Security events of minutes before it.
    pub security_events: Timestamp,
    /// Outbox notifications recorded before it, delivered or not.
    pub notifications: Timestamp,
}

/// A notification waiting in the outbox: recorded in the same transaction as the switch
/// change or drill it announces, so a replica that dies before sending loses nothing.
#[derive(Debug, Clone, PartialEq)]
pub struct Outgoing {
    /// `switch/<revision>` or `drill/<id>`: one row per change or drill, never two.
    pub id: String,
    /// The switch event or the drill record, as JSON.
    pub subject: serde_json::Value,
    pub created: Timestamp,
    pub attempts: u32,
    /// The channels ([`ripcord_notifier::channel_keys`]) that took it already.
    pub delivered: Vec<String>,
}

/// What became of one attempt to send an [`Outgoing`].
#[derive(Debug, Clone, PartialEq)]
pub struct Settled {
    pub delivered: Vec<String>,
    /// Every channel took it, or the sender gave up on it: it is not claimed again.
    pub done: bool,
    /// When to try again, when not done; the claim is kept until then and a lease after.
    pub retry_at: Timestamp,
    pub error: Option<String>,
}

/// The outbox id of a switch change.
fn switch_notification_id(event: &Event) -> String {
    format!("switch/{}", event.revision)
}

/// The outbox id of a drill.
fn drill_notification_id(drill: &DrillRecord) -> String {
    format!("drill/{}", drill.id)
}

/// Milliseconds since the epoch: the outbox compares times in SQL, which text timestamps
/// of varying precision would order wrongly.
fn millis(at: Timestamp) -> i64 {
    at.as_millisecond()
}

/// How long a claim on an outbox row lasts: longer than one attempt at every channel
/// (each has 15 s), so a live replica's row is never sent twice by two replicas.
pub const OUTBOX_LEASE: std::time::Duration = std::time::Duration::from_secs(60);

fn lease_millis(lease: std::time::Duration) -> i64 {
    i64::try_from(lease.as_millis()).unwrap_or(i64::MAX / 2)
}

/// A random name for this opening of the storage: outbox rows it claims carry it.
fn replica_name() -> String {
    format!("{:016x}", fastrand::u64(..))
}

/// Refused requests, counted per minute, kind, token and peer, so a flood of them costs
/// one row a minute, not one a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityEvent {
    /// Assigned by storage; listings page by it.
    #[serde(default)]
    pub id: i64,
    /// The start of the minute the refusals fell in.
    pub minute: Timestamp,
    /// `unauthenticated` (401), `forbidden` (403) or `rate_limited` (429).
    pub kind: String,
    /// The shown prefix of the token presented, or empty when there was none.
    pub token: String,
    /// The peer's address.
    pub peer: String,
    pub count: u64,
    /// What the last of them asked for, and why it was refused.
    pub detail: String,
}

/// The versions (from 1) of the `known` migrations that are not among `applied`. A
/// database with a version this build does not know was written by a newer ripcord:
/// running on it could misread what that version changed, so it is refused.
fn pending_migrations(known: usize, applied: &[i64]) -> Result<Vec<u32>, StorageError> {
    let known = u32::try_from(known).unwrap_or(u32::MAX);
    if let Some(newest) = applied.iter().copied().max()
        && newest > i64::from(known)
    {
        return Err(StorageError::Config(format!(
            "the state database is at schema version {newest}, written by a newer ripcord; \
             this one knows versions up to {known}: upgrade ripcord"
        )));
    }
    Ok((1..=known)
        .filter(|version| !applied.contains(&i64::from(*version)))
        .collect())
}

impl From<sqlx::Error> for StorageError {
    fn from(error: sqlx::Error) -> Self {
        StorageError::Database(Box::new(error))
    }
}

#[async_trait]
pub trait Storage: Send + Sync + 'static {
    /// The identity of this audit log, created with it. Revisions are only comparable within
    /// one log: a client that cached revision 7 of another log (a wiped or replaced state)
    /// must start from a snapshot, not be replayed "revision 8" of this one.
    async fn log_id(&self) -> Result<String, StorageError> {
        let fresh = format!("{:016x}", fastrand::u64(..));
        // The first call creates it; every later one (and every restart) reads the same.
        self.meta_or_insert("log_id", &fresh).await
    }

    /// The value stored under `key`, storing `value` there first when there is none.
    async fn meta_or_insert(&self, key: &str, value: &str) -> Result<String, StorageError>;

    /// Whether this open migrated a log recorded before the hash chain existed, whose
    /// events still need their hashes ([`Storage::fill_hashes`]). Only that one migration
    /// says so: a row found without a hash at any other time is a break in the chain,
    /// never something to sign, or whoever can write the database could have the key
    /// holder sign a forged row.
    fn legacy_unchained(&self) -> bool {
        false
    }

    /// The whole audit log, oldest first; read once at start-up to rebuild the board.
    async fn load_events(&self) -> Result<Vec<Event>, StorageError>;

    /// Appends the next event, with the idempotency key of the request that asked for it.
    /// Durable when this returns: only then is it announced. Fails with
    /// [`StorageError::RevisionTaken`] unless `event.revision` is exactly one more than the
    /// last stored revision, so the log can have neither gaps nor forks, and with
    /// [`StorageError::KeyTaken`] when the key was recorded meanwhile; then nothing is
    /// stored.
    async fn append(&self, event: &Event, key: Option<&str>) -> Result<(), StorageError>;

    /// The event recorded for an idempotency key, if one was.
    async fn event_for_key(&self, key: &str) -> Result<Option<Event>, StorageError>;

    /// Events with a revision above `revision`, oldest first, at most `limit` of them.
    async fn events_after(&self, revision: u64, limit: u32) -> Result<Vec<Event>, StorageError>;

    /// Stores an agent's report; its last contact is now.
    async fn upsert_agent(&self, record: &AgentRecord) -> Result<(), StorageError>;

    /// Records contact with agents that have reported before (streams open, long-polls).
    async fn touch_agents(&self, ids: &[String], at: Timestamp) -> Result<(), StorageError>;

    /// Agents with an id after `after`, at most `limit` of them.
    async fn agents(&self, after: Option<&str>, limit: u32) -> Result<AgentsPage, StorageError>;

    /// Forgets agents that reported an exit before `before.agents` or have not been heard
    /// from since then (a host that died without a last report), idempotency keys and
    /// security events older than theirs; returns how many agents went.
    async fn prune(&self, before: PruneBefore) -> Result<u64, StorageError>;

    /// Stores a new token. Fails with [`StorageError::NameTaken`] while a token of that
    /// name is not revoked.
    async fn create_token(&self, token: &TokenRecord) -> Result<(), StorageError>;

    /// Every token, revoked and expired ones included.
    async fn tokens(&self) -> Result<Vec<TokenRecord>, StorageError>;

    /// Revokes the token with this shown prefix or name, not yet revoked; `None` when
    /// there is none.
    async fn revoke_token(
        &self,
        prefix_or_name: &str,
        at: Timestamp,
    ) -> Result<Option<TokenInfo>, StorageError>;

    /// Records that these tokens (by hash) were used.
    async fn touch_tokens(&self, hashes: &[String], at: Timestamp) -> Result<(), StorageError>;

    /// Adds counts of refused requests, merging with those of the same minute, kind,
    /// token and peer.
    async fn record_security_events(&self, events: &[SecurityEvent]) -> Result<(), StorageError>;

    /// Security events with an id above `after`, oldest first.
    async fn security_events(
        &self,
        after: i64,
        limit: u32,
    ) -> Result<Vec<SecurityEvent>, StorageError>;

    /// Sets the hash of events recorded before the log was chained (never overwrites one),
    /// once: after it, [`Storage::legacy_unchained`] is false.
    async fn fill_hashes(&self, hashes: &[(u64, String)]) -> Result<(), StorageError>;

    /// Appends the next audit entry: `seq` must be one more than the last, as revisions.
    async fn append_audit(&self, entry: &AuditEntry) -> Result<(), StorageError>;

    /// The last audit entry's number and hash, if any.
    async fn audit_tail(&self) -> Result<Option<(u64, String)>, StorageError>;

    /// Audit entries with `seq` above `seq`, oldest first.
    async fn audit_after(&self, seq: u64, limit: u32) -> Result<Vec<AuditEntry>, StorageError>;

    /// Closes the storage when the server stops: files are complete on disk when `stop`
    /// returns (SQLite checkpoints its write-ahead log into the database).
    async fn close(&self) {}

    /// Writes to the storage (`/readyz`): a server that can read but not write (a full
    /// disk, a read-only file system) cannot record a halt, so it is not ready.
    async fn probe_write(&self) -> Result<(), StorageError>;

    /// Keeps a drill's record. Ids are unique: a record sent again (a retry) is ignored.
    async fn record_drill(&self, drill: &DrillRecord) -> Result<(), StorageError>;

    /// The newest `limit` drills, newest first.
    async fn drills(&self, limit: u32) -> Result<Vec<DrillRecord>, StorageError>;

    /// Keeps a backup command's record; an id sent again (a retry) is ignored.
    async fn record_backup(&self, backup: &BackupRecord) -> Result<(), StorageError>;

    /// The newest `limit` backup records, newest first.
    async fn backups(&self, limit: u32) -> Result<Vec<BackupRecord>, StorageError>;

    /// Claims up to `limit` outbox notifications that are due at `now` and not held by
    /// another live replica, oldest first, for `lease`; a replica that dies holding them
    /// frees them when the lease ends. (SQLite has one server at a time, so there a claim
    /// never blocks the next start.) A row that cannot be read is given up on (done, with
    /// the reason) and left out, so it never blocks the others.
    async fn claim_notifications(
        &self,
        now: Timestamp,
        lease: std::time::Duration,
        limit: u32,
    ) -> Result<Vec<Outgoing>, StorageError>;

    /// Records what an attempt did. A row still pending stays claimed until `retry_at`
    /// plus `lease`. `false` when this replica no longer held the claim (its lease ran
    /// out and another replica took the row): nothing is recorded then.
    async fn settle_notification(
        &self,
        id: &str,
        settled: &Settled,
        lease: std::time::Duration,
    ) -> Result<bool, StorageError>;

    /// The earliest time a pending notification could be claimed by this replica.
    async fn next_notification_due(&self) -> Result<Option<Timestamp>, StorageError>;
}
