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
    if cli.command.prints_a_report() {
        die_quietly_on_a_closed_pipe();
    }
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

/// `ripcord status | head` closes the pipe early; Rust ignores SIGPIPE, so the next
/// `println!` would panic. A command that prints a report ends quietly instead, as
/// other command-line tools do. Servers and agents keep ignoring it: a closed socket
/// is an error they handle, not a reason to die.
fn die_quietly_on_a_closed_pipe() {
    use nix::sys::signal::{SigHandler, Signal, signal};
    // SAFETY: restores the default disposition of one signal, before any other thread
    // exists; no handler runs Rust code.
    #[allow(unsafe_code)]
    let restored = unsafe { signal(Signal::SIGPIPE, SigHandler::SigDfl) };
    if let Err(error) = restored {
        eprintln!("warning: cannot restore SIGPIPE: {error}");
    }
}
