//! One module per command family; each turns parsed flags and configuration into calls
//! to the library crates and prints the outcome.

pub mod agent;
pub mod demo;
pub mod serve;
pub mod switch;

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
