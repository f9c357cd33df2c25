//! `ripcord audit verify`: both logs' hash chains, checked from the start, through the
//! server (any token) or on a state store (with `serve.audit_key`).

use clap::{Args, Subcommand};
use ripcord_core::{Printable, exit};
use ripcord_server::{ChainReport, Opening, Verification};

use super::{OutputFormat, StoreArgs};
use crate::config::Config;

#[derive(Debug, Args)]
pub struct AuditArgs {
    #[command(subcommand)]
    pub command: AuditCommand,
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check the switch log's and the audit log's hash chains; name the first broken link
    Verify {
        /// Check a state store (given here or configured) instead of asking the server
        #[command(flatten)]
        store: StoreArgs,
        #[arg(long, value_parser = OutputFormat::people_or_machines(), default_value = "human")]
        format: OutputFormat,
    },
}

pub async fn run(config: Config, args: AuditArgs) -> anyhow::Result<u8> {
    let AuditCommand::Verify { store, format } = args.command;
    let verification = match store.chosen(&config.serve)? {
        Some(serve) => {
            let store = ripcord_server::open_store(&serve, Opening::MustExist).await?;
            let verified =
                ripcord_server::verify_logs(store.as_ref(), config.serve.audit_key()).await;
            store.close().await;
            verified?
        }
        None => super::token::api(&config)?.verify_logs().await?,
    };
    match format {
        OutputFormat::Json => println!("{}", serde_json::to_string_pretty(&verification)?),
        _ => print(&verification),
    }
    Ok(if verification.ok() {
        exit::SUCCESS
    } else {
        exit::FAILURE
    })
}

fn print(verification: &Verification) {
    let how = if verification.keyed {
        "HMAC-SHA-256 with serve.audit_key"
    } else {
        "SHA-256, no key"
    };
    println!("log {} ({how})", verification.log);
    line("switch log", &verification.switch_log);
    line("audit log", &verification.audit_log);
}

fn line(name: &str, report: &ChainReport) {
    match &report.broken {
        None => println!(
            "  {name:<10} ok: {} entries, every link holds",
            report.entries
        ),
        Some(broken) => println!(
            "  {name:<10} BROKEN at entry {}: {} ({} entries hold before it)",
            broken.at,
            Printable(&broken.reason),
            report.entries
        ),
    }
}
