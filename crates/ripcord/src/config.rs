//! Configuration layers, lowest first: built-in defaults, `ripcord.toml`, `RIPCORD_*`
//! environment variables (`__` separates nested keys: `RIPCORD_SERVE__LISTEN`), then flags.
//!
//! A misspelt key in a file is an error naming the file and the key. An environment
//! variable that names no setting is only a warning: the environment is shared, and
//! Kubernetes gives every pod `RIPCORD_SERVICE_HOST`, `RIPCORD_PORT`, … when a Service
//! named `ripcord` exists in its namespace.

use std::path::Path;

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
    pub serve: ripcord_server::ServerConfig,
    pub client: ripcord_agent::ClientConfig,
    pub log: crate::logging::LogConfig,
    pub check: ripcord_check::CheckConfig,
    pub backup: ripcord_backup::BackupConfig,
    pub notify: ripcord_notifier::NotifyConfig,
    pub gate: ripcord_gate::GateConfig,
    pub drill: ripcord_drill::DrillConfig,
}

/// A loaded configuration, and what the operator should hear about it once logging runs.
#[derive(Debug)]
pub struct Loaded {
    pub config: Config,
    pub warnings: Vec<String>,
}

/// Values given as flags; `None` leaves the lower layers' value alone.
#[derive(Debug, Default)]
pub struct Overrides {
    pub server: Option<String>,
    pub token: Option<String>,
}

/// Short variables for the settings people set most, each a documented alias of a
/// setting: `RIPCORD_TOKEN` of `client.token`, `RIPCORD_DATABASE_URL` of
/// `serve.database_url`, `RIPCORD_REDIS_URL` of `serve.redis_url`. Setting both an alias and its setting (in the file or as
/// `RIPCORD_<SECTION>__<KEY>`) is an error: which one wins would be a guess.
const ALIASES: &[(&str, &str)] = &[
    ("RIPCORD_TOKEN", "client.token"),
    ("RIPCORD_DATABASE_URL", "serve.database_url"),
    ("RIPCORD_REDIS_URL", "serve.redis_url"),
];

impl Config {
    pub fn load(file: Option<&Path>, overrides: &Overrides) -> anyhow::Result<Loaded> {
        let defaults = Figment::from(Serialized::defaults(Config::default()));
        let (environment, mut warnings) = environment(&defaults);
        // The file and environment layers alone, to tell what was set explicitly.
        let mut explicit = Figment::new();
        match file {
            Some(path) => {
                anyhow::ensure!(
                    path.exists(),
                    "config file {} does not exist",
                    path.display()
                );
                explicit = explicit.merge(Toml::file_exact(path));
            }
            None if Path::new(DEFAULT_FILE).exists() => {
                explicit = explicit.merge(Toml::file_exact(DEFAULT_FILE))
            }
            None => {}
        }
        explicit = explicit.merge(environment);
        for (variable, key) in ALIASES {
            let Ok(value) = std::env::var(variable) else {
                continue;
            };
            if explicit.find_value(key).is_ok() {
                let long = format!("RIPCORD_{}", key.to_ascii_uppercase().replace('.', "__"));
                anyhow::bail!(
                    "both {variable} and {key} (in the configuration file or {long}) are set; set one"
                );
            }
            explicit = explicit.merge(Serialized::default(key, value));
        }
        let mut figment = defaults;
        // Cloud Run tells a container its port in PORT; a listen address set in the file
        // or the environment (or by flag, later) wins over it.
        // The gate is the ingress container of a multi-container service: PORT is its.
        if let Ok(port) = std::env::var("PORT") {
            // Read by every command; a bad value must not stop `halt --local`.
            match port.trim().parse::<u16>() {
                Ok(port) => {
                    for key in ["serve.listen", "gate.listen"] {
                        if explicit.find_value(key).is_err() {
                            figment =
                                figment.merge(Serialized::default(key, format!("0.0.0.0:{port}")));
                        }
                    }
                }
                Err(_) => warnings.push(format!(
                    "ignoring PORT={port:?}: not a port number (0 to 65535)"
                )),
            }
        }
        let figment = figment.merge(explicit);
        let mut config: Config = figment.extract().map_err(describe)?;
        if let Some(server) = &overrides.server {
            config.server = Some(server.clone());
        }
        if let Some(token) = &overrides.token {
            config.client.token = Some(ripcord_core::auth::Secret::new(token.clone()));
        }
        Ok(Loaded { config, warnings })
    }
}

/// The `RIPCORD_*` variables that name a setting, and a warning for each that does not.
/// `RIPCORD_CONFIG` names the file; it is not itself a setting.
fn environment(defaults: &Figment) -> (Env, Vec<String>) {
    let mut warnings = Vec::new();
    for (name, _) in std::env::vars_os() {
        let Some(name) = name.to_str() else { continue };
        let Some(key) = name.strip_prefix("RIPCORD_") else {
            continue;
        };
        let alias =
            name == "RIPCORD_CONFIG" || ALIASES.iter().any(|(variable, _)| *variable == name);
        if !alias && !names_a_setting(defaults, &setting_key(key)) {
            warnings.push(format!(
                "ignoring the environment variable {name}: it names no setting (settings are RIPCORD_<SECTION>__<KEY>, e.g. RIPCORD_SERVE__LISTEN)"
            ));
        }
    }
    warnings.sort();
    let defaults = defaults.clone();
    let environment = Env::prefixed("RIPCORD_")
        .ignore(&["config", "token", "database_url", "redis_url"])
        .split("__")
        .filter(move |key| names_a_setting(&defaults, key.as_str()));
    (environment, warnings)
}

/// `SERVE__LISTEN` as figment reads it: `serve.listen`.
fn setting_key(variable: &str) -> String {
    variable.to_ascii_lowercase().replace("__", ".")
}

/// Whether `key` is a setting: a key of the defaults, or a key inside a map setting
/// (such as `check.severity.DF010`, whose default is an empty table) or inside an
/// optional section that is off by default (such as `notify.email.password`: the
/// section's fields are checked when it is read).
fn names_a_setting(defaults: &Figment, key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    let key = key.as_str();
    if defaults.find_value(key).is_ok() {
        return true;
    }
    let mut parent = key;
    while let Some((head, _)) = parent.rsplit_once('.') {
        match defaults.find_value(head) {
            Ok(figment::value::Value::Dict(_, entries)) => return entries.is_empty(),
            Ok(figment::value::Value::Empty(..)) => return true,
            Ok(_) => return false,
            Err(_) => {}
        }
        parent = head;
    }
    false
}

/// Figment's error names the key and where its value came from (file and key, or the
/// environment variable); every error of a bad file is listed, not just the first.
fn describe(error: figment::Error) -> anyhow::Error {
    let lines: Vec<String> = error.into_iter().map(|error| error.to_string()).collect();
    anyhow::anyhow!("invalid configuration:\n  {}", lines.join("\n  "))
}

impl Config {
    /// The control plane's URL: the configured one, else the local default of `serve`.
    pub fn server_url(&self) -> String {
        self.server
            .clone()
            .unwrap_or_else(|| format!("http://{}", ripcord_server::ServerConfig::default().listen))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_key_in_the_file_is_named() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("ripcord.toml");
        std::fs::write(&path, "[serve]\nlisten = \"127.0.0.1:9\"\nscopez = []\n").expect("write");
        let error = Config::load(Some(&path), &Overrides::default())
            .expect_err("unknown key")
            .to_string();
        assert!(error.contains("scopez"), "{error}");
    }

    #[test]
    fn flags_override_the_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("ripcord.toml");
        std::fs::write(
            &path,
            "server = \"http://from-file:1\"\n[serve]\nscopes = [\"api\"]\n",
        )
        .expect("write");
        let from_file = Config::load(Some(&path), &Overrides::default())
            .expect("load")
            .config;
        assert_eq!(from_file.server.as_deref(), Some("http://from-file:1"));
        assert_eq!(from_file.serve.scopes.len(), 1);
        let overridden = Config::load(
            Some(&path),
            &Overrides {
                server: Some("http://flag:2".into()),
                ..Overrides::default()
            },
        )
        .expect("load")
        .config;
        assert_eq!(overridden.server.as_deref(), Some("http://flag:2"));
    }

    #[test]
    fn every_setting_is_known_and_other_names_are_not() {
        let defaults = Figment::from(Serialized::defaults(Config::default()));
        for known in [
            "server",
            "serve.listen",
            "serve.max_streams",
            "client.local_group",
            "log.level",
            "check.severity.df010",
            "backup.to",
            "notify.email.password",
        ] {
            assert!(names_a_setting(&defaults, known), "{known}");
        }
        for unknown in [
            "port",
            "service_host",
            "service_port_http",
            "serve.listn",
            "serve.listen.x",
        ] {
            assert!(!names_a_setting(&defaults, unknown), "{unknown}");
        }
        assert_eq!(setting_key("SERVE__LISTEN"), "serve.listen");
    }

    #[test]
    fn a_missing_explicit_file_is_an_error() {
        let error = Config::load(
            Some(Path::new("/nonexistent/ripcord.toml")),
            &Overrides::default(),
        );
        assert!(
            error
                .expect_err("missing")
                .to_string()
                .contains("/nonexistent/ripcord.toml")
        );
    }
}
