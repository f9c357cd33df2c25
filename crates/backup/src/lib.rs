//! `ripcord backup`: verified off-site PostgreSQL backups. (Seam only: issue 12 fills this crate.)

use serde::{Deserialize, Serialize};

/// The `[backup]` section of `ripcord.toml`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BackupConfig {}

/// Flags of `ripcord backup`.
#[derive(Debug, clap::Args)]
pub struct BackupArgs {}

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("`ripcord backup` is not built yet")]
    NotBuilt,
}

/// Runs `ripcord backup …` and returns the process exit code (see `ripcord_core::exit`).
pub async fn run(
    _args: BackupArgs,
    _config: &BackupConfig,
    _notify: &ripcord_notifier::NotifyConfig,
) -> Result<u8, BackupError> {
    Err(BackupError::NotBuilt)
}
