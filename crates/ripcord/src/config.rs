//! Configuration layers, lowest first: built-in defaults, `ripcord.toml`, `RIPCORD_*`
//! environment variables (`__` separates nested keys: `RIPCORD_SERVE__LISTEN`), then flags.

use std::path::Path;

use anyhow::Context;
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

/// The file read when `--config` is not given, if it exists.
const DEFAULT_FILE: &str = "ripcord.toml";

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// URL of the control plane that `halt`, `resume`, `status` and agents talk to.
    pub server: Option<String>,
    pub check: ripcord_check::CheckConfig,
    pub backup: ripcord_backup::BackupConfig,
    pub notify: ripcord_notifier::NotifyConfig,
}

/// Values given as flags; `None` leaves the lower layers' value alone.
#[derive(Debug, Default)]
pub struct Overrides {
    pub server: Option<String>,
}

impl Config {
    pub fn load(file: Option<&Path>, overrides: &Overrides) -> anyhow::Result<Self> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        match file {
            Some(path) => {
                anyhow::ensure!(path.exists(), "config file {} does not exist", path.display());
                figment = figment.merge(Toml::file_exact(path));
            }
            None => figment = figment.merge(Toml::file_exact(DEFAULT_FILE)),
        }
        // RIPCORD_CONFIG names the file; it is not itself a setting.
        figment = figment.merge(Env::prefixed("RIPCORD_").ignore(&["config"]).split("__"));
        let mut config: Config = figment.extract().context("invalid configuration")?;
        if let Some(server) = &overrides.server {
            config.server = Some(server.clone());
        }
        Ok(config)
    }
}
