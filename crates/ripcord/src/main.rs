//! The `ripcord` binary: parse flags, load configuration, dispatch to a capability crate,
//! turn the outcome into an exit code. The work itself lives in the library crates.

mod cli;
mod config;

use std::process::ExitCode;

use clap::Parser;
use ripcord_core::exit;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let config = match config::Config::load(cli.config.as_deref(), &cli.overrides()) {
        Ok(config) => config,
        Err(error) => {
            eprintln!("error: {error:#}");
            return ExitCode::from(exit::USAGE_OR_IO);
        }
    };
    match cli::dispatch(cli, config) {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(exit::USAGE_OR_IO)
        }
    }
}
