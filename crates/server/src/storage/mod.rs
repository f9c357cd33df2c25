//! Where the audit log and agent reports live. SQLite is the embedded default; a Postgres
//! implementation can sit beside it behind the same trait.

mod sqlite;

use async_trait::async_trait;
use ripcord_core::Event;
use ripcord_core::api::AgentRecord;

pub use sqlite::SqliteStorage;

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("cannot open the state database at {path}: {source}")]
    Open { path: String, source: sqlx::Error },
    #[error("state database error: {0}")]
    Database(#[from] sqlx::Error),
    /// Another writer appended this revision first; the caller reloads and retries.
    #[error("revision {0} was already written by another writer")]
    RevisionTaken(u64),
    #[error("the state database holds a row it cannot read ({what}): {detail}")]
    Corrupt { what: &'static str, detail: String },
}

#[async_trait]
pub trait Storage: Send + Sync + 'static {
    /// The identity of this audit log, created with it. Revisions are only comparable within
    /// one log: a client that cached revision 7 of another log (a wiped or replaced state)
    /// must start from a snapshot, not be replayed "revision 8" of this one.
    async fn log_id(&self) -> Result<String, StorageError>;

    /// The whole audit log, oldest first; read once at start-up to rebuild the board.
    async fn load_events(&self) -> Result<Vec<Event>, StorageError>;

    /// Appends the next event. Durable when this returns: only then is it announced.
    /// Fails with [`StorageError::RevisionTaken`] unless `event.revision` is exactly one
    /// more than the last stored revision, so the log can have neither gaps nor forks.
    async fn append(&self, event: &Event) -> Result<(), StorageError>;

    /// Events with a revision above `revision`, oldest first, at most `limit` of them.
    async fn events_after(&self, revision: u64, limit: u32) -> Result<Vec<Event>, StorageError>;

    async fn upsert_agent(&self, record: &AgentRecord) -> Result<(), StorageError>;

    async fn agents(&self) -> Result<Vec<AgentRecord>, StorageError>;

    /// Answers when the storage can serve requests (`/readyz`).
    async fn ping(&self) -> Result<(), StorageError>;
}
