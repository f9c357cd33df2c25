//! The ripcord control plane: the switches' HTTP API, the event stream and long-poll, the
//! audit log, and agent reports.
//!
//! Storage and fan-out are traits ([`Storage`], [`Fanout`]) with embedded defaults (SQLite,
//! in-process); PostgreSQL stores the state of servers that must outlive their host, and
//! Redis tells replicas on one database of each other's changes.

#![deny(clippy::print_stdout, clippy::print_stderr)]

mod api;
mod app;
mod audit;
mod auth;
mod config;
mod contacts;
mod error;
mod fanout;
pub mod http;
mod hub;
mod lock;
mod outbox;
mod state;
mod storage;
mod stream;
mod ticket;

pub use app::{Application, History, RunningServer, ServerError, spawn_local};
pub use audit::{ChainReport, Verification, record as record_audit, verify as verify_logs};
pub use auth::{Changer, RateLimits, TokenError, create_token, new_token, revoke_token};
pub use config::ServerConfig;
pub use error::ApiError;
pub use fanout::{Delivery, Fanout, FanoutError, InProcessFanout, RedisFanout, Subscription};
pub use state::{
    Migration, Opening, describe as describe_store, describe_fanout, migrate_store, open_store,
};
pub use storage::{
    AgentsPage, AuditEntry, OUTBOX_LEASE, Outgoing, PostgresStorage, PruneBefore, SecurityEvent,
    Settled, SqliteStorage, Storage, StorageError, TokenRecord,
};
