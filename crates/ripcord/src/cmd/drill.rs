//! `ripcord drill killswitch|restore`: runs a drill, prints its report (Markdown for
//! people, JSON for machines), keeps it in `--report FILE`, and exits by its verdict.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use clap::{Args, Subcommand};
use ripcord_backup::DatabaseUrl;
use ripcord_core::Scope;
use ripcord_drill::{DrillReport, Expectation, KillswitchDrill, RestoreDrill};

use super::OutputFormat;
use super::backup::{Common, ProgressMode};
use crate::config::Config;

#[derive(Debug, Args)]
#[command(
    after_help = "Exit codes: 0 completed with every check met; 1 a check missed (SLO, straggler, \
                  probe, RTO, RPO, a difference) or the drill stopped (the system did not come \
                  back); 2 it could not run (server unreachable, steady state bad before the \
                  trip, no backup). docs/drills.md has a sample report."
)]
pub struct DrillArgs {
    #[command(subcommand)]
    pub command: DrillCommand,
}

#[derive(Debug, Subcommand)]
pub enum DrillCommand {
    /// Trip the switch in a rehearsal: every agent must apply it, probes must answer 503,
    /// and everything must come back after the resume
    Killswitch(KillswitchArgs),
    /// Restore the newest backup into a scratch database and compare it; RTO and RPO
    /// against their targets
    Restore(RestoreArgs),
}

/// Where the report goes.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// `human` prints Markdown, `json` the report as JSON
    #[arg(long, value_parser = OutputFormat::people_or_machines(), default_value = "human")]
    pub format: OutputFormat,
    /// Also write the report to FILE: JSON when FILE ends in `.json`, else Markdown
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct KillswitchArgs {
    /// The switch to trip: a scope, or `global`
    #[arg(long, short, default_value = Scope::GLOBAL)]
    pub scope: Scope,
    /// The steady state needs at least N connected agents of the scope [default: every
    /// agent connected when the drill starts, at least one]
    #[arg(
        long,
        value_name = "N",
        conflicts_with = "expect",
        value_parser = clap::value_parser!(u32).range(1..)
    )]
    pub expect_agents: Option<u32>,
    /// The steady state needs this agent (its id in `ripcord status`); repeat for more
    #[arg(long, value_name = "NAME")]
    pub expect: Vec<String>,
    /// A URL that answers 2xx while running and 503 while halted; repeat for more
    #[arg(long, value_name = "URL")]
    pub probe: Vec<String>,
    /// The longest an agent may take to apply the halt
    #[arg(long, default_value = "2s", value_parser = humantime::parse_duration)]
    pub slo: Duration,
    /// How long to wait for every agent, and for the steady state to return
    #[arg(long, default_value = "30s", value_parser = humantime::parse_duration)]
    pub timeout: Duration,
    /// Run only against a server whose `serve.environment` is NAME
    #[arg(long = "env", value_name = "NAME")]
    pub environment: Option<String>,
    /// Run even against a server marked `production`
    #[arg(long)]
    pub force_production: bool,
    #[command(flatten)]
    pub output: ReportArgs,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// Where the backups are: gs://…, s3://… or file:///… [config: backup.to]
    #[arg(long = "to", visible_alias = "from", value_name = "URL")]
    pub to: Option<String>,
    /// The longest the restore may take
    #[arg(long, default_value = "10m", value_parser = humantime::parse_duration)]
    pub max_rto: Duration,
    /// The oldest the newest backup may be
    #[arg(long, default_value = "26h", value_parser = humantime::parse_duration)]
    pub max_rpo: Duration,
    /// Server to create the scratch database on (default: a throwaway local cluster)
    #[arg(long, value_name = "URL")]
    pub into: Option<DatabaseUrl>,
    /// age identity file for encrypted backups [config: backup.age_identity]
    #[arg(long, value_name = "FILE")]
    pub identity: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = ProgressMode::Auto)]
    pub progress: ProgressMode,
    #[command(flatten)]
    pub output: ReportArgs,
}

pub async fn run(config: Config, args: DrillArgs) -> anyhow::Result<u8> {
    let api = super::token::api(&config)?;
    // Without a token the audit log names this user and host.
    let anonymous = config.client.resolve_token()?.is_none();
    // A kill-switch drill has a server; a restore drill records where one is configured.
    let records = super::backup::Records::default();
    let (report, output, record) = match args.command {
        DrillCommand::Killswitch(args) => {
            let expect = match (args.expect_agents, args.expect.is_empty()) {
                (Some(count), _) => Expectation::Count(count as usize),
                (None, false) => Expectation::Named(args.expect),
                (None, true) => Expectation::Connected,
            };
            let drill = KillswitchDrill {
                scope: args.scope,
                expect,
                probes: args.probe,
                slo: args.slo,
                environment: args.environment,
                force_production: args.force_production,
                timeout: args.timeout,
                actor: anonymous.then(super::default_actor),
            };
            let report =
                ripcord_drill::killswitch::run(&api, &drill, super::shutdown_signal()).await;
            (report, args.output, true)
        }
        DrillCommand::Restore(args) => {
            let mut backup = config.backup.clone();
            super::backup::merge_common(
                &mut backup,
                &Common {
                    to: args.to,
                    format: args.output.format,
                },
            );
            let drill = RestoreDrill {
                max_rto: args.max_rto,
                max_rpo: args.max_rpo,
                into: args.into,
                identity: args.identity,
            };
            let observer = super::backup::observer(args.progress, &records);
            let report = ripcord_drill::restore::run(
                &backup,
                &config.notify,
                &drill,
                &observer,
                super::shutdown_signal(),
            )
            .await;
            (report, args.output, config.server.is_some())
        }
    };
    // Printed first: a report file that cannot be written must not lose the report.
    match output.format {
        OutputFormat::Json => println!("{}", serde_json::to_string_pretty(&report)?),
        _ => print!("{}", report.to_markdown()),
    }
    if let Some(path) = &output.report
        && let Err(error) = write_report(&report, path)
    {
        eprintln!("warning: {error:#}");
    }
    // Kept by the control plane for `status` and the console; the exit code stands either way.
    if record {
        if let Err(error) = api.record_drill(&report.to_record()).await {
            eprintln!("warning: the drill was not recorded on the server: {error}");
        }
        // The restore's verification is a backup record too.
        super::backup::send_records(&api, &records).await;
    }
    Ok(report.exit_code())
}

/// Writes the report whole or not at all: to a temporary file beside it, then renamed.
fn write_report(report: &DrillReport, path: &std::path::Path) -> anyhow::Result<()> {
    let text = if path
        .extension()
        .is_some_and(|extension| extension == "json")
    {
        serde_json::to_string_pretty(report)? + "\n"
    } else {
        report.to_markdown()
    };
    let name = path.file_name().map_or_else(
        || "report".into(),
        |name| name.to_string_lossy().into_owned(),
    );
    let partial = path.with_file_name(format!(".{name}.{}.partial", std::process::id()));
    let written = std::fs::write(&partial, text).and_then(|()| std::fs::rename(&partial, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    written.with_context(|| format!("cannot write the report to {}", path.display()))
}
