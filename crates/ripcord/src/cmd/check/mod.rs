//! `ripcord check`: flags, configuration merged with them, the output formats, and the
//! exit code. The checking itself is `ripcord_check`'s.

mod render;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Subcommand, ValueEnum};
use ripcord_check::{CheckConfig, CheckReport, CheckRequest, FailOn, docs, rules};
use ripcord_core::exit;

use super::OutputFormat;
use render::{Counted, Summary};

/// `--fail-on`: the lowest severity that makes the exit code 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOnArg {
    Info,
    Warning,
    Error,
    /// Always exit 0 when the check ran (report only).
    Never,
}

impl From<FailOnArg> for FailOn {
    fn from(arg: FailOnArg) -> Self {
        match arg {
            FailOnArg::Info => FailOn::Info,
            FailOnArg::Warning => FailOn::Warning,
            FailOnArg::Error => FailOn::Error,
            FailOnArg::Never => FailOn::Never,
        }
    }
}

/// Output flags shared by `ripcord check` and its subcommands.
#[derive(Debug, Clone, Args)]
pub struct OutputArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
    /// Exit 1 when a finding at or above this severity remains [default: warning, or `[check] fail_on`]
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<FailOnArg>,
    /// Write the report to FILE instead of standard output
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Never color human output (NO_COLOR is honoured too)
    #[arg(long)]
    pub no_color: bool,
}

/// Flags of `ripcord check`.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct CheckArgs {
    #[command(subcommand)]
    pub command: Option<CheckCommand>,

    /// Files or folders to check
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,

    #[command(flatten)]
    pub output: OutputArgs,

    /// Run only these rules (codes, prefixes like `DF`, or names; comma-separated)
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub select: Vec<String>,
    /// Do not run these rules (added to `[check] disable`)
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub ignore: Vec<String>,
    /// Do not report findings recorded in this baseline file
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record every current finding in FILE and exit 0
    #[arg(long, value_name = "FILE", conflicts_with = "baseline")]
    pub write_baseline: Option<PathBuf>,
    /// Print the documentation of a rule and exit
    #[arg(long, value_name = "CODE")]
    pub explain: Option<String>,
    /// Print every rule and exit
    #[arg(long)]
    pub list_rules: bool,
}

/// Subcommands of `ripcord check`.
#[derive(Debug, Subcommand)]
pub enum CheckCommand {
    /// Compare environments (Terraform folders, kustomize overlays, Helm values files)
    /// and report every difference that is not allowed
    Parity(ParityArgs),
}

/// Flags of `ripcord check parity`.
#[derive(Debug, Args)]
pub struct ParityArgs {
    /// Environment folders or files, baseline first [default: `[check.parity] envs`]
    pub envs: Vec<PathBuf>,
    /// Keys allowed to differ (glob; added to `[check.parity] allow`)
    #[arg(long, value_name = "KEY")]
    pub allow: Vec<String>,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Runs `ripcord check` and returns the process exit code.
pub fn run(args: CheckArgs, config: &CheckConfig) -> anyhow::Result<u8> {
    if let Some(code) = &args.explain {
        let rule = rules::find(code)
            .ok_or_else(|| ripcord_check::CheckError::UnknownRule(code.clone()))?;
        print(&docs::rule_page(rule.meta()));
        return Ok(exit::SUCCESS);
    }
    if args.list_rules {
        print(&docs::list());
        return Ok(exit::SUCCESS);
    }
    if let Some(CheckCommand::Parity(parity)) = args.command {
        let report = ripcord_check::check_parity(&parity.envs, &parity.allow, config)?;
        return finish(&parity.output, &report, config, Counted::Environments);
    }
    let request = CheckRequest {
        paths: args.paths,
        select: args.select,
        ignore: args.ignore,
        baseline: args.baseline,
        ignore_baseline: args.write_baseline.is_some(),
    };
    let report = ripcord_check::check(&request, config)?;
    if let Some(path) = &args.write_baseline {
        ripcord_check::write_baseline(path, &report.findings)?;
        eprintln!(
            "wrote {} finding(s) to {}",
            report.findings.len(),
            path.display()
        );
        return Ok(exit::SUCCESS);
    }
    finish(&args.output, &report, config, Counted::Files)
}

/// Writes the report and says whether it fails.
fn finish(
    output: &OutputArgs,
    report: &CheckReport,
    config: &CheckConfig,
    counted: Counted,
) -> anyhow::Result<u8> {
    let summary = Summary {
        counted,
        ..Summary::new(
            &report.findings,
            report.files,
            report.suppressed,
            report.baselined,
        )
    };
    match &output.output {
        Some(path) => {
            let text = render::render(output.format, &report.findings, &summary, false);
            std::fs::write(path, text)
                .with_context(|| format!("writing the report to {}", path.display()))?;
        }
        None => {
            let color = output.format == OutputFormat::Human
                && !output.no_color
                && std::env::var_os("NO_COLOR").is_none()
                && std::io::stdout().is_terminal();
            print(&render::render(
                output.format,
                &report.findings,
                &summary,
                color,
            ));
        }
    }
    let fail_on = output
        .fail_on
        .map(FailOn::from)
        .or(config.fail_on)
        .unwrap_or_default();
    Ok(if fail_on.fails(&report.findings) {
        exit::FAILURE
    } else {
        exit::SUCCESS
    })
}

/// Prints to stdout; a closed pipe (`| head`) is not an error.
fn print(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}
