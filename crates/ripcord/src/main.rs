//! The `ripcord` binary: parse flags, load configuration, dispatch to a capability crate,
//! turn the outcome into an exit code. The work itself lives in the library crates.

mod cli;
mod cmd;
mod config;
mod logging;

use std::process::ExitCode;

use clap::Parser;
use ripcord_core::exit;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let config::Loaded {
        mut config,
        warnings,
    } = match config::Config::load(cli.config.as_deref(), &cli.overrides()) {
        Ok(loaded) => loaded,
        Err(error) => {
            eprintln!("error: {error:#}");
            return ExitCode::from(exit::USAGE_OR_IO);
        }
    };
    if matches!(cli.command, cli::Command::Demo(_)) {
        // The demo prints its own story; only errors should interrupt it.
        config.log.level = "error".into();
    }
    logging::init(&config.log);
    for warning in warnings {
        tracing::warn!("{warning}");
    }
    match cli::dispatch(cli, config) {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(exit::USAGE_OR_IO)
        }
    }
}
