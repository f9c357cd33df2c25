//! One module per command family; each turns parsed flags and configuration into calls
//! to the library crates and prints the outcome.

pub mod agent;
pub mod audit;
pub mod backup;
pub mod check;
pub mod demo;
pub mod drill;
pub mod gate;
pub mod migrate;
pub mod serve;
pub mod switch;
pub mod token;

/// How a command prints its result: for people or for machines. One type for every
/// command; `check` alone also writes SARIF and GitHub annotations.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    clap::ValueEnum,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum OutputFormat {
    /// For people (also accepted as `text`); for `check`, rustc-style diagnostics with a
    /// code frame.
    #[default]
    #[value(alias = "text")]
    Human,
    /// One JSON document, for machines.
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF consumers (`check` only).
    Sarif,
    /// GitHub Actions workflow commands, annotations on the pull request (`check` only).
    Github,
}

impl OutputFormat {
    /// The formats of every command but `check`: `human` (or `text`) and `json`.
    pub fn people_or_machines() -> impl clap::builder::TypedValueParser<Value = Self> {
        use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
        PossibleValuesParser::new([
            PossibleValue::new("human")
                .alias("text")
                .help("For people (also accepted as `text`)"),
            PossibleValue::new("json").help("One JSON document, for machines"),
        ])
        .map(|value| match value.as_str() {
            "json" => OutputFormat::Json,
            _ => OutputFormat::Human,
        })
    }
}

/// Which state store a command works on directly, instead of through the server: the
/// SQLite store in a folder, or PostgreSQL.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct StoreArgs {
    /// The SQLite state store in this folder [config: serve.data_dir]
    #[arg(long, value_name = "DIR", conflicts_with = "database_url")]
    pub data_dir: Option<std::path::PathBuf>,
    /// The PostgreSQL state store at this URL [env: RIPCORD_DATABASE_URL; config:
    /// serve.database_url]. A flag is visible to every local user in `ps`: prefer the
    /// variable
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
}

impl StoreArgs {
    /// The server configuration with these flags applied over the file and environment.
    /// A folder and a database URL together are refused: which one holds the state
    /// would be a guess.
    pub fn apply(&self, serve: &mut ripcord_server::ServerConfig) -> anyhow::Result<()> {
        if let Some(url) = &self.database_url {
            serve.database_url = Some(ripcord_core::auth::Secret::new(url.clone()));
        }
        if let Some(dir) = &self.data_dir {
            anyhow::ensure!(
                serve.database_url.is_none(),
                "--data-dir names a SQLite store, but a PostgreSQL one is configured \
                 (RIPCORD_DATABASE_URL or serve.database_url); use one"
            );
            serve.data_dir = dir.clone();
        }
        Ok(())
    }

    /// The store a command that can also go through the server works on, or `None` to
    /// go through the server: a folder or a database URL, given or configured.
    pub fn chosen(
        &self,
        serve: &ripcord_server::ServerConfig,
    ) -> anyhow::Result<Option<ripcord_server::ServerConfig>> {
        let mut serve = serve.clone();
        self.apply(&mut serve)?;
        Ok((self.data_dir.is_some() || serve.database_url.is_some()).then_some(serve))
    }
}

/// Resolves on Ctrl-C or SIGTERM (what Cloud Run, systemd and Docker send to stop).
pub async fn shutdown_signal() {
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        () = terminate => {}
    }
}

/// `$USER@host`, the default actor in the audit log.
pub fn default_actor() -> String {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| "unknown".into());
    format!("{user}@{}", ripcord_agent::hostname())
}

/// A client of the control plane for the history of backups and drills: only when a server
/// is configured (`--server`, `RIPCORD_SERVER` or `server =`), since a backup or restore
/// drill needs no server to run.
pub fn history_client(
    config: &crate::config::Config,
) -> anyhow::Result<Option<ripcord_agent::ApiClient>> {
    config
        .server
        .as_ref()
        .map(|_| token::api(config))
        .transpose()
}
