//! `ripcord check`: guardrails for Terraform, Dockerfiles, Compose files, Kubernetes
//! manifests and GitHub workflows. (Seam only: issue 13 fills this crate.)

use serde::{Deserialize, Serialize};

/// The `[check]` section of `ripcord.toml`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CheckConfig {}

/// Flags of `ripcord check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Files or folders to check.
    #[arg(default_value = ".")]
    pub paths: Vec<std::path::PathBuf>,
}

#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    #[error("`ripcord check` is not built yet")]
    NotBuilt,
}

/// Runs `ripcord check` and returns the process exit code (see `ripcord_core::exit`).
pub fn run(_args: CheckArgs, _config: &CheckConfig) -> Result<u8, CheckError> {
    Err(CheckError::NotBuilt)
}
