//! One module per command family; each turns parsed flags and configuration into calls
//! to the library crates and prints the outcome.

pub mod agent;
pub mod audit;
pub mod backup;
pub mod check;
pub mod demo;
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
