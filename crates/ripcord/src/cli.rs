//! The command line: one `Command` enum and one `dispatch`.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};

use crate::config::{Config, Overrides};

#[derive(Debug, Parser)]
#[command(name = "ripcord", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// Configuration file [default: ./ripcord.toml when it exists; env: RIPCORD_CONFIG]
    #[arg(long, global = true, env = "RIPCORD_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// URL of the ripcord control plane [env: RIPCORD_SERVER]
    #[arg(long, global = true, value_name = "URL")]
    pub server: Option<String>,

    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// Flags that override the configuration file and environment.
    pub fn overrides(&self) -> Overrides {
        Overrides { server: self.server.clone() }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check a repository's Terraform, Dockerfiles, Compose files and workflows
    Check(ripcord_check::CheckArgs),
    /// Verified off-site PostgreSQL backups
    Backup(ripcord_backup::BackupArgs),
}

pub fn dispatch(cli: Cli, config: Config) -> anyhow::Result<u8> {
    match cli.command {
        Command::Check(args) => Ok(ripcord_check::run(args, &config.check)?),
        Command::Backup(args) => runtime()?
            .block_on(ripcord_backup::run(args, &config.backup, &config.notify))
            .map_err(Into::into),
    }
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
}
