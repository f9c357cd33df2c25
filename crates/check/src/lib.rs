//! `ripcord check`: guardrails for Terraform, Dockerfiles, Compose files, Kubernetes
//! overlays and GitHub workflows, that keep a small stack on the free tier, pinned,
//! hardened, reproducible and the same in every environment.
//!
//! Code map: [`discover`] finds files; [`parse`] turns them into models with positions;
//! [`rules`] holds one file per rule and the registry; [`engine`] runs them in parallel
//! and applies suppressions ([`suppress`]) and selection; [`baseline`] filters known
//! findings; [`parity`] compares environments; [`render`] prints human, json, sarif and
//! github output; [`docs`] renders rule pages. Only `discover`, `engine`, `parity`,
//! `baseline` and [`run`] touch the file system.

pub mod baseline;
pub mod diagnostic;
pub mod discover;
pub mod docs;
pub mod engine;
pub mod parity;
pub mod parse;
pub mod render;
pub mod rules;
pub mod source;
pub mod suppress;

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use globset::{Glob, GlobSet, GlobSetBuilder};
use ripcord_core::exit;
use serde::{Deserialize, Serialize};

pub use diagnostic::{Finding, Severity};
pub use render::Format;

/// The `[check]` section of `ripcord.toml`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct CheckConfig {
    /// Rule codes, prefixes (`FT`) or names never to run.
    pub disable: Vec<String>,
    /// If not empty, only these codes or prefixes run.
    pub select: Vec<String>,
    /// Severity per rule code: `{ DF010 = "warning" }`.
    pub severity: BTreeMap<String, Severity>,
    /// Glob patterns of paths to skip (relative to the checked folder): `["vendor/**"]`.
    pub exclude: Vec<String>,
    /// Lowest severity that fails the run [default: warning].
    pub fail_on: Option<FailOn>,
    /// Baseline file applied when `--baseline` is not given.
    pub baseline: Option<PathBuf>,
    pub parity: ParityConfig,
}

/// `[check.parity]`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct ParityConfig {
    /// Environments compared by `ripcord check parity` without arguments, and by every
    /// `ripcord check` run: `["envs/dev", "envs/staging", "envs/prod"]`.
    pub envs: Vec<PathBuf>,
    /// Keys allowed to differ (glob patterns; an allowed key allows everything below it).
    pub allow: Vec<String>,
}

impl Default for ParityConfig {
    fn default() -> Self {
        ParityConfig {
            envs: Vec::new(),
            allow: parity::DEFAULT_ALLOW
                .iter()
                .map(|s| s.to_string())
                .collect(),
        }
    }
}

/// `--fail-on`: the lowest severity that makes the exit code 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum FailOn {
    Info,
    Warning,
    Error,
    /// Always exit 0 when the check ran (report only).
    Never,
}

impl FailOn {
    fn fails(self, findings: &[Finding]) -> bool {
        let threshold = match self {
            FailOn::Info => Severity::Info,
            FailOn::Warning => Severity::Warning,
            FailOn::Error => Severity::Error,
            FailOn::Never => return false,
        };
        findings.iter().any(|f| f.severity >= threshold)
    }
}

/// Output flags shared by `ripcord check` and its subcommands.
#[derive(Debug, Clone, clap::Args)]
pub struct OutputArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Exit 1 when a finding at or above this severity remains [default: warning, or `[check] fail_on`]
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<FailOn>,
    /// Write the report to FILE instead of standard output
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Never color human output (NO_COLOR is honoured too)
    #[arg(long)]
    pub no_color: bool,
}

/// Flags of `ripcord check`.
#[derive(Debug, clap::Args)]
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
#[derive(Debug, clap::Subcommand)]
pub enum CheckCommand {
    /// Compare environments (Terraform folders, kustomize overlays, Helm values files)
    /// and report every difference that is not allowed
    Parity(ParityArgs),
}

/// Flags of `ripcord check parity`.
#[derive(Debug, clap::Args)]
pub struct ParityArgs {
    /// Environment folders or files, baseline first [default: `[check.parity] envs`]
    pub envs: Vec<PathBuf>,
    /// Keys allowed to differ (glob; added to `[check.parity] allow`)
    #[arg(long, value_name = "KEY")]
    pub allow: Vec<String>,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    #[error("{}: {}", .0.display(), .1)]
    Io(PathBuf, std::io::Error),
    #[error("walking files: {0}")]
    Walk(String),
    #[error("baseline {}: {}", .0.display(), .1)]
    Baseline(PathBuf, String),
    #[error("unknown rule `{0}` (see `ripcord check --list-rules`)")]
    UnknownRule(String),
    #[error("{0}")]
    Usage(String),
}

/// Runs `ripcord check` and returns the process exit code (see `ripcord_core::exit`).
pub fn run(args: CheckArgs, config: &CheckConfig) -> Result<u8, CheckError> {
    if let Some(code) = &args.explain {
        let rule = rules::find(code).ok_or_else(|| CheckError::UnknownRule(code.clone()))?;
        print(&docs::rule_page(rule.meta()));
        return Ok(exit::SUCCESS);
    }
    if args.list_rules {
        print(&docs::list());
        return Ok(exit::SUCCESS);
    }
    if let Some(CheckCommand::Parity(parity_args)) = args.command {
        return run_parity(parity_args, config);
    }
    let selection = selection(&args.select, &args.ignore, config)?;
    let exclude = globs(&config.exclude, "exclude")?;
    let mut report = engine::check(&args.paths, None, &exclude, &selection)?;
    if config.parity.envs.len() >= 2 {
        let mut found = parity::parity(&config.parity.envs, &config.parity.allow, None)?;
        selection.finish(&mut found);
        report.findings.extend(found);
        selection.finish(&mut report.findings);
    }
    if let Some(path) = &args.write_baseline {
        baseline::write(path, &report.findings)?;
        eprintln!(
            "wrote {} finding(s) to {}",
            report.findings.len(),
            path.display()
        );
        return Ok(exit::SUCCESS);
    }
    let mut baselined = 0;
    if let Some(path) = args.baseline.as_ref().or(config.baseline.as_ref()) {
        let known = baseline::read(path)?;
        baselined = baseline::apply(&known, &mut report.findings);
    }
    let summary =
        render::Summary::new(&report.findings, report.files, report.suppressed, baselined);
    emit(&args.output, &report.findings, &summary)?;
    let fail_on = args
        .output
        .fail_on
        .or(config.fail_on)
        .unwrap_or(FailOn::Warning);
    Ok(if fail_on.fails(&report.findings) {
        exit::FAILURE
    } else {
        exit::SUCCESS
    })
}

fn run_parity(args: ParityArgs, config: &CheckConfig) -> Result<u8, CheckError> {
    let envs = if args.envs.is_empty() {
        config.parity.envs.clone()
    } else {
        args.envs
    };
    let mut allow = config.parity.allow.clone();
    allow.extend(args.allow);
    let mut findings = parity::parity(&envs, &allow, None)?;
    let selection = selection(&[], &[], config)?;
    selection.finish(&mut findings);
    let summary = render::Summary::new(&findings, envs.len(), 0, 0);
    emit(&args.output, &findings, &summary)?;
    let fail_on = args
        .output
        .fail_on
        .or(config.fail_on)
        .unwrap_or(FailOn::Warning);
    Ok(if fail_on.fails(&findings) {
        exit::FAILURE
    } else {
        exit::SUCCESS
    })
}

/// Builds the rule selection from flags and configuration; unknown codes are errors.
pub fn selection(
    select: &[String],
    ignore: &[String],
    config: &CheckConfig,
) -> Result<engine::Selection, CheckError> {
    let known = |p: &String| {
        p.eq_ignore_ascii_case("all")
            || rules::RULES.iter().any(|r| {
                let m = r.meta();
                m.code
                    .to_ascii_uppercase()
                    .starts_with(&p.to_ascii_uppercase())
                    || m.name == p
            })
    };
    let mut select_all: Vec<String> = select.to_vec();
    if select_all.is_empty() {
        select_all = config.select.clone();
    }
    let ignore_all: Vec<String> = config.disable.iter().chain(ignore).cloned().collect();
    if let Some(bad) = select_all.iter().chain(&ignore_all).find(|p| !known(p)) {
        return Err(CheckError::UnknownRule(bad.clone()));
    }
    let mut severity = std::collections::HashMap::new();
    for (code, s) in &config.severity {
        let rule = rules::find(code).ok_or_else(|| CheckError::UnknownRule(code.clone()))?;
        severity.insert(rule.meta().code.to_string(), *s);
    }
    Ok(engine::Selection {
        select: select_all,
        ignore: ignore_all,
        severity,
    })
}

/// Compiles glob patterns; `what` names them in the error (`exclude`, `parity allow`).
pub(crate) fn globs(patterns: &[String], what: &str) -> Result<GlobSet, CheckError> {
    let mut builder = GlobSetBuilder::new();
    for p in patterns {
        let glob = Glob::new(p)
            .map_err(|e| CheckError::Usage(format!("invalid {what} pattern `{p}`: {e}")))?;
        builder.add(glob);
    }
    builder
        .build()
        .map_err(|e| CheckError::Usage(e.to_string()))
}

fn emit(
    output: &OutputArgs,
    findings: &[Finding],
    summary: &render::Summary,
) -> Result<(), CheckError> {
    match &output.output {
        Some(path) => {
            let text = render::render(output.format, findings, summary, false);
            std::fs::write(path, text).map_err(|e| CheckError::Io(path.clone(), e))
        }
        None => {
            let color = output.format == Format::Human
                && !output.no_color
                && std::env::var_os("NO_COLOR").is_none()
                && std::io::stdout().is_terminal();
            print(&render::render(output.format, findings, summary, color));
            Ok(())
        }
    }
}

/// Prints to stdout; a closed pipe (`| head`) is not an error.
fn print(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}
