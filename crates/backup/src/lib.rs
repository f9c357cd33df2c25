//! `ripcord backup`: verified off-site PostgreSQL backups.
//!
//! `run` dumps a database with `pg_dump` (custom format) inside an exported snapshot, streams
//! it through zstd, optional age encryption and sha256 to a destination (`file://`, `s3://`,
//! `gs://`) with bounded memory and no temporary file, computes every table's row count and
//! content checksum in the same snapshot, and writes a manifest last. `verify` re-reads the
//! object; `verify --restore` restores it into a scratch database and compares every table
//! with the manifest. `prune` applies GFS retention and a size cap. See docs/backup.md.
//!
//! Code map: [`store`] destinations; [`pg`] connections, versions and checksums;
//! [`archive`] row sums read from pg_dump's output as it streams;
//! [`pipeline`] the byte pipelines (blocking threads); [`manifest`] the layout at the
//! destination; [`prune`] the pure retention policy; [`state`] the local run log;
//! [`progress`] terminal and JSON progress; [`ops`] the commands; [`schedule`] cron.

pub mod archive;
pub mod manifest;
pub mod ops;
pub mod pg;
pub mod pipeline;
pub mod progress;
pub mod prune;
pub mod schedule;
pub mod state;
pub mod store;
pub mod tools;

use std::path::PathBuf;

use ripcord_notifier::NotifyConfig;
use serde::{Deserialize, Serialize};

pub use pg::ChecksumMode;
pub use progress::ProgressMode;
pub use prune::Retention;
pub use schedule::run_schedules;
pub use state::BackupStatus;
pub use store::{GcsConfig, S3Config};

/// The `[backup]` section of `ripcord.toml`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct BackupConfig {
    /// Database to back up: `postgres://user:password@host:port/dbname[?sslmode=require]`.
    pub database_url: Option<String>,
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
}

/// Flags of `ripcord backup`.
#[derive(Debug, clap::Args)]
pub struct BackupArgs {
    #[command(subcommand)]
    pub command: BackupCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum BackupCommand {
    /// Dump a database to a destination, with a manifest of every table's rows and checksum
    Run(RunArgs),
    /// List the backups at a destination, newest first
    List(ListArgs),
    /// Re-read a backup and check its sha256; with --restore, restore it and compare every table
    Verify(VerifyArgs),
    /// Restore a backup into a database (streams through pg_restore)
    Restore(RestoreArgs),
    /// Delete backups outside the retention policy
    Prune(PruneArgs),
}

#[derive(Debug, Clone, clap::Args)]
pub struct Common {
    /// Destination: gs://bucket/prefix, s3://bucket/prefix or file:///path [config: backup.to]
    #[arg(long = "to", visible_alias = "from", value_name = "URL")]
    pub to: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

#[derive(Debug, Clone, clap::Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub common: Common,
    /// Database URL [config: backup.database_url; env: RIPCORD_BACKUP__DATABASE_URL]
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
    /// Leave a schema out (repeatable)
    #[arg(long = "exclude-schema", value_name = "SCHEMA")]
    pub exclude_schemas: Vec<String>,
    /// Leave out schemas the role cannot read instead of refusing to start
    #[arg(long)]
    pub skip_unreadable_schemas: bool,
    /// What the manifest records about the data
    #[arg(long, value_enum)]
    pub checksums: Option<ChecksumMode>,
    /// Encrypt to this age public key (repeatable) [config: backup.age_recipients]
    #[arg(long = "age-recipient", value_name = "AGE1…")]
    pub age_recipients: Vec<String>,
    /// Also notify on success
    #[arg(long)]
    pub notify_success: bool,
    #[arg(long, value_enum, default_value_t = ProgressMode::Auto)]
    pub progress: ProgressMode,
    /// Check everything (versions, permissions, destination) and stop before dumping
    #[arg(long)]
    pub preflight_only: bool,
}

#[derive(Debug, Clone, clap::Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub common: Common,
}

#[derive(Debug, Clone, clap::Args)]
pub struct VerifyArgs {
    #[command(flatten)]
    pub common: Common,
    /// Backup id, or `latest`
    #[arg(default_value = "latest")]
    pub id: String,
    /// Restore into a scratch database and compare every table with the manifest
    #[arg(long)]
    pub restore: bool,
    /// Server to create the scratch database on (default: a throwaway local cluster)
    #[arg(long, value_name = "URL", requires = "restore")]
    pub into: Option<String>,
    /// age identity file for encrypted backups [config: backup.age_identity]
    #[arg(long, value_name = "FILE")]
    pub identity: Option<PathBuf>,
    /// Also notify on success
    #[arg(long)]
    pub notify_success: bool,
    #[arg(long, value_enum, default_value_t = ProgressMode::Auto)]
    pub progress: ProgressMode,
}

#[derive(Debug, Clone, clap::Args)]
pub struct RestoreArgs {
    #[command(flatten)]
    pub common: Common,
    /// Backup id, or `latest`
    #[arg(default_value = "latest")]
    pub id: String,
    /// Database to restore into; it must hold no tables yet
    #[arg(long, value_name = "URL")]
    pub into: String,
    /// age identity file for encrypted backups [config: backup.age_identity]
    #[arg(long, value_name = "FILE")]
    pub identity: Option<PathBuf>,
    /// Skip ownership and privileges (restore as the connecting role)
    #[arg(long)]
    pub no_owner: bool,
    #[arg(long, value_enum, default_value_t = ProgressMode::Auto)]
    pub progress: ProgressMode,
}

#[derive(Debug, Clone, clap::Args)]
pub struct PruneArgs {
    #[command(flatten)]
    pub common: Common,
    /// Show what would be deleted, delete nothing
    #[arg(long)]
    pub dry_run: bool,
    #[arg(long, value_name = "N")]
    pub keep_last: Option<u32>,
    #[arg(long, value_name = "DAYS")]
    pub keep_daily: Option<u32>,
    #[arg(long, value_name = "WEEKS")]
    pub keep_weekly: Option<u32>,
    #[arg(long, value_name = "MONTHS")]
    pub keep_monthly: Option<u32>,
    /// Cap on billed bytes, soft-deleted included (e.g. 4.5GB)
    #[arg(long, value_name = "SIZE")]
    pub max_total_size: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
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
    #[error("PostgreSQL {target}: {action}: {reason}")]
    Postgres {
        target: String,
        action: String,
        reason: String,
    },
    #[error("TLS setup: {0}")]
    Tls(String),
    #[error("preflight: {0}")]
    Preflight(String),
    #[error("{tool}: {reason}")]
    Tool { tool: String, reason: String },
    #[error("manifest {location}: {reason}")]
    Manifest { location: String, reason: String },
    #[error("no backup {id:?} at {url}")]
    NotFound { id: String, url: String },
    #[error("backup {id} at {url} has no manifest: it was interrupted or is still running")]
    Incomplete { id: String, url: String },
    #[error("{path}: {reason}")]
    Io { path: PathBuf, reason: String },
    #[error("encryption: {0}")]
    Encryption(String),
    #[error("schedule {expression:?}: {reason}")]
    Schedule { expression: String, reason: String },
    #[error("interrupted: the upload was aborted and no manifest was written")]
    Interrupted,
    #[error("notification: {0}")]
    Notify(#[from] ripcord_notifier::NotifyError),
}

/// Runs `ripcord backup …` and returns the process exit code (see `ripcord_core::exit`).
pub async fn run(
    args: BackupArgs,
    config: &BackupConfig,
    notify: &NotifyConfig,
) -> Result<u8, BackupError> {
    match args.command {
        BackupCommand::Run(a) => ops::run_cmd(a, config, notify).await,
        BackupCommand::List(a) => ops::list_cmd(a, config).await,
        BackupCommand::Verify(a) => ops::verify_cmd(a, config, notify).await,
        BackupCommand::Restore(a) => ops::restore_cmd(a, config).await,
        BackupCommand::Prune(a) => ops::prune_cmd(a, config).await,
    }
}

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
