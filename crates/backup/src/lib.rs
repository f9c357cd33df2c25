//! `ripcord backup`: verified off-site PostgreSQL backups.
//!
//! `run` dumps a database with `pg_dump` (custom format) inside an exported snapshot, streams
//! it through zstd, optional age encryption and sha256 to a destination (`file://`, `s3://`,
//! `gs://`) with bounded memory and no temporary file, computes every table's row count and
//! content checksum in the same snapshot, and writes a manifest last. `verify` re-reads the
//! object; `verify --restore` restores it into a scratch database and compares every table
//! with the manifest. `prune` applies GFS retention and a size cap. See docs/backup.md.
//!
//! Code map, by stage: [`preflight`] checks before anything is written; [`dump`] the run
//! (pg_dump in an exported snapshot → [`pipeline`] → [`store`], manifest last); [`verify`]
//! re-reads a backup and, with a restore, compares it through [`contents`]; [`restore`]
//! streams a backup into pg_restore; [`scratch`] the private database or cluster a
//! verification restores into; [`listing`] and [`prune`] read and thin a destination.
//! Beside them: [`pg`] (connection URLs, TLS, server queries, content sums and read-back),
//! [`archive`] (row sums read from pg_dump's output as it streams), [`manifest`] (the layout
//! at the destination), [`outcome`] (the run log and notifications, recorded once per
//! command), [`state`] (the run log), [`schedule`] (cron under `ripcord serve`) and
//! [`progress`] (what a command reports while it works, for the binary to render).
//!
//! **Only the binary prints**: this crate returns values, reports progress through an
//! [`progress::Observer`], and never writes to stdout or stderr.

#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod archive;
mod child;
pub mod contents;
pub mod dump;
pub mod listing;
pub mod manifest;
pub mod outcome;
pub mod pg;
pub mod pipeline;
pub mod preflight;
pub mod progress;
pub mod prune;
pub mod restore;
pub mod schedule;
pub mod scratch;
pub mod state;
pub mod store;
pub mod tools;
pub mod verify;

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

pub use contents::{ChecksumMode, ChecksumSource};
pub use dump::{RunReport, RunRequest, run};
pub use listing::{Listing, list};
pub use pg::DatabaseUrl;
pub use progress::{Observer, Phase, Progress};
pub use prune::{PruneReport, Retention, prune};
pub use restore::{RestoreReport, RestoreRequest, restore};
pub use schedule::run_schedules;
pub use state::{BackupStatus, RunKind};
pub use store::{GcsConfig, S3Config};
pub use verify::{VerifyKind, VerifyRequest, verify};

/// The `[backup]` section of `ripcord.toml`: the one settings type of every command. The
/// binary merges its flags into a copy; the scheduler uses it as configured. Its `Debug`
/// shows no secret (the database URL's password, the S3 secret key).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BackupConfig {
    /// Database to back up: `postgres://user:password@host:port/dbname[?sslmode=require]`.
    pub database_url: Option<DatabaseUrl>,
    /// Destination: `gs://bucket/prefix`, `s3://bucket/prefix` or `file:///path`.
    pub to: Option<String>,
    /// Folder of pg_dump / pg_restore (default: the newest under /usr/lib/postgresql, or PATH).
    pub pg_bin_dir: Option<PathBuf>,
    /// Schemas left out of the dump (`pg_dump --exclude-schema`).
    pub exclude_schemas: Vec<String>,
    /// Leave out schemas the role cannot read instead of refusing to start.
    pub skip_unreadable_schemas: bool,
    pub checksums: ChecksumMode,
    /// zstd level (1–19; 3 is fast and good).
    pub compression_level: i32,
    /// zstd worker threads (0: compress on the reading thread).
    pub compression_threads: u32,
    /// age public keys (`age1…`); when set, backups are encrypted to them.
    pub age_recipients: Vec<String>,
    /// age identity file, for restore and verify --restore of encrypted backups.
    pub age_identity: Option<PathBuf>,
    pub retention: Retention,
    /// Cron expression for scheduled backups under `ripcord serve` (e.g. `"0 3 * * *"`).
    pub schedule: Option<String>,
    /// Cron expression for scheduled `verify --restore` of the newest backup.
    pub verify_schedule: Option<String>,
    /// Prune after each scheduled backup.
    pub prune_after_run: bool,
    /// Where the run log lives (default `$XDG_STATE_HOME/ripcord`).
    pub state_dir: Option<PathBuf>,
    pub s3: S3Config,
    pub gcs: GcsConfig,
}

impl Default for BackupConfig {
    fn default() -> Self {
        Self {
            database_url: None,
            to: None,
            pg_bin_dir: None,
            exclude_schemas: Vec::new(),
            skip_unreadable_schemas: false,
            checksums: ChecksumMode::Full,
            compression_level: 3,
            compression_threads: 1,
            age_recipients: Vec::new(),
            age_identity: None,
            retention: Retention::default(),
            schedule: None,
            verify_schedule: None,
            prune_after_run: false,
            state_dir: None,
            s3: S3Config::default(),
            gcs: GcsConfig::default(),
        }
    }
}

impl BackupConfig {
    pub fn state_dir(&self) -> PathBuf {
        self.state_dir.clone().unwrap_or_else(state::default_dir)
    }

    /// The destination, or the error that says how to give one.
    pub fn destination(&self) -> Result<&str, BackupError> {
        self.to.as_deref().ok_or_else(|| {
            BackupError::Usage(
                "no destination: pass --to gs://bucket/prefix (or s3://…, file:///…) or set \
                 backup.to in ripcord.toml"
                    .into(),
            )
        })
    }

    /// Opens the destination with this configuration's credentials.
    pub async fn open_store(&self) -> Result<store::Store, BackupError> {
        store::Store::open(self.destination()?, &self.s3, &self.gcs).await
    }
}

/// Why a command could not do its work. A failed verification is not an error: it is a
/// [`verify::VerifyRecord`] whose `ok` is false.
///
/// Where a lower-level error caused it, that error is the [`std::error::Error::source`] and
/// is not repeated in this one's message: render the chain with [`report`].
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// A missing or contradictory setting the user must fix.
    #[error("{0}")]
    Usage(String),
    #[error("destination {url}: {reason}")]
    Destination { url: String, reason: String },
    #[error("{url} (object {key:?}): {reason}")]
    Store {
        url: String,
        key: String,
        reason: String,
    },
    #[error("database URL {url}: {reason}")]
    DatabaseUrl { url: String, reason: String },
    #[error("PostgreSQL {target}: {action}")]
    Postgres {
        target: String,
        action: String,
        #[source]
        source: pg::PgError,
    },
    #[error("PostgreSQL {target}: {action}: {reason}")]
    Data {
        target: String,
        action: String,
        reason: String,
    },
    #[error("TLS setup")]
    Tls(#[source] rustls::Error),
    #[error("preflight: {0}")]
    Preflight(String),
    #[error("{tool}: {reason}")]
    Tool { tool: String, reason: String },
    #[error("{what}")]
    Json {
        what: String,
        #[source]
        source: serde_json::Error,
    },
    #[error("manifest {location}: {reason}")]
    Manifest { location: String, reason: String },
    #[error("no backup {id:?} at {url}")]
    NotFound { id: String, url: String },
    #[error("backup {id} at {url} has no manifest: it was interrupted or is still running")]
    Incomplete { id: String, url: String },
    #[error("{}: {what}", path.display())]
    Io {
        path: PathBuf,
        what: String,
        #[source]
        source: std::io::Error,
    },
    #[error("encryption: {0}")]
    Encryption(String),
    #[error("schedule {expression:?}: {reason}")]
    Schedule { expression: String, reason: String },
    #[error("scratch PostgreSQL cluster: {0}")]
    Scratch(String),
    #[error("interrupted: {0}")]
    Interrupted(&'static str),
    #[error("{what}: {reason}")]
    Internal { what: String, reason: String },
}

impl BackupError {
    pub(crate) fn io(path: impl Into<PathBuf>, what: &str, source: std::io::Error) -> Self {
        Self::Io {
            path: path.into(),
            what: what.to_owned(),
            source,
        }
    }

    pub(crate) fn json(what: impl Into<String>, source: serde_json::Error) -> Self {
        Self::Json {
            what: what.into(),
            source,
        }
    }
}

/// An error and its sources on one line, for the run log, notifications and messages.
pub use ripcord_core::text::error_chain as report;

/// Summary of the run log for `ripcord status`.
pub async fn status(config: &BackupConfig) -> Result<BackupStatus, BackupError> {
    let dir = config.state_dir();
    let records = state::read(&dir)?;
    Ok(BackupStatus::from_records(dir.join(state::FILE), &records))
}

/// `1536` → `1.5 KiB`.
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// `95s` → `1m35s`.
pub fn human_duration(d: std::time::Duration) -> String {
    let secs = d.as_secs();
    match secs {
        0..60 => format!("{:.1}s", d.as_secs_f64()),
        60..3600 => format!("{}m{:02}s", secs / 60, secs % 60),
        3600..86400 => format!("{}h{:02}m", secs / 3600, (secs % 3600) / 60),
        _ => format!("{}d{:02}h", secs / 86400, (secs % 86400) / 3600),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_units() {
        assert_eq!(human_bytes(512), "512 B");
        assert_eq!(human_bytes(1536), "1.5 KiB");
        assert_eq!(human_duration(std::time::Duration::from_secs(95)), "1m35s");
    }

    #[test]
    fn config_parses_from_toml_shape() {
        let config: BackupConfig = serde_json::from_value(serde_json::json!({
            "to": "gs://bucket/db",
            "retention": {"keep_daily": 7, "max_total_size": "4.5GB"},
            "gcs": {"soft_delete_days": 7},
        }))
        .expect("config");
        assert_eq!(config.retention.keep_daily, Some(7));
        assert_eq!(config.compression_level, 3);
        let unknown = serde_json::from_value::<BackupConfig>(serde_json::json!({"tu": "x"}));
        assert!(unknown.is_err());
    }
}
