//! `ripcord check`: guardrails for Terraform, Dockerfiles, Compose files, Kubernetes
//! overlays and GitHub workflows, that keep a small stack on the free tier, pinned,
//! hardened, reproducible and the same in every environment.
//!
//! Code map: [`discover`] finds files; [`parse`] turns them into models with positions;
//! [`rules`] holds one file per rule and the registry; [`engine`] runs them in parallel
//! and applies suppressions ([`suppress`]) and selection; [`baseline`] filters known
//! findings; [`parity`] compares environments; [`docs`] renders rule pages. Only
//! `discover`, `engine`, `parity`, `baseline` and [`check`] touch the file system. The
//! library returns findings and counts; the `ripcord` binary renders them (human, json,
//! sarif, github) and turns them into an exit code.

#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod baseline;
pub mod diagnostic;
pub mod discover;
pub mod docs;
pub mod engine;
pub mod parity;
pub mod parse;
pub mod rules;
pub mod source;
pub mod suppress;
pub mod variables;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::{Deserialize, Serialize};

pub use diagnostic::{Finding, Severity};

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

/// The lowest severity that fails a check (`--fail-on`, `[check] fail_on`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FailOn {
    Info,
    #[default]
    Warning,
    Error,
    /// Never fail when the check ran (report only).
    Never,
}

impl FailOn {
    /// Whether any finding is at or above this severity.
    pub fn fails(self, findings: &[Finding]) -> bool {
        let threshold = match self {
            FailOn::Info => Severity::Info,
            FailOn::Warning => Severity::Warning,
            FailOn::Error => Severity::Error,
            FailOn::Never => return false,
        };
        findings.iter().any(|f| f.severity >= threshold)
    }
}

/// What to check, beyond the `[check]` configuration.
#[derive(Debug, Clone, Default)]
pub struct CheckRequest {
    /// Files or folders.
    pub paths: Vec<PathBuf>,
    /// Only these rules (codes, prefixes or names), replacing `[check] select` when given.
    pub select: Vec<String>,
    /// Also skip these rules (added to `[check] disable`).
    pub ignore: Vec<String>,
    /// Findings in this baseline are not reported (else `[check] baseline`).
    pub baseline: Option<PathBuf>,
    /// Report every finding, baseline or not (for writing a baseline).
    pub ignore_baseline: bool,
}

/// What a check found, and what it counted.
#[derive(Debug, Clone, Default)]
pub struct CheckReport {
    pub findings: Vec<Finding>,
    /// Files read (for parity: environments compared).
    pub files: usize,
    /// Findings hidden by a `ripcord:ignore` comment with a reason.
    pub suppressed: usize,
    /// Findings hidden because the baseline knows them.
    pub baselined: usize,
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

/// Checks files and folders: the rules, the configured parity environments, then the
/// baseline.
pub fn check(request: &CheckRequest, config: &CheckConfig) -> Result<CheckReport, CheckError> {
    let selection = selection(&request.select, &request.ignore, config)?;
    let exclude = globs(&config.exclude, "exclude")?;
    let found = engine::check(&request.paths, None, &exclude, &selection)?;
    let mut report = CheckReport {
        findings: found.findings,
        files: found.files,
        suppressed: found.suppressed,
        baselined: 0,
    };
    if config.parity.envs.len() >= 2 {
        let mut found = parity::parity(&config.parity.envs, &config.parity.allow, None)?;
        selection.finish(&mut found);
        report.findings.extend(found);
        selection.finish(&mut report.findings);
    }
    let baseline = request.baseline.as_ref().or(config.baseline.as_ref());
    if let Some(path) = baseline.filter(|_| !request.ignore_baseline) {
        let known = baseline::read(path)?;
        report.baselined = baseline::apply(&known, &mut report.findings);
    }
    Ok(report)
}

/// Compares environments (`envs`, else `[check.parity] envs`), allowing the configured
/// keys and `allow`.
pub fn check_parity(
    envs: &[PathBuf],
    allow: &[String],
    config: &CheckConfig,
) -> Result<CheckReport, CheckError> {
    let envs = if envs.is_empty() {
        config.parity.envs.as_slice()
    } else {
        envs
    };
    let mut allowed = config.parity.allow.clone();
    allowed.extend_from_slice(allow);
    let mut findings = parity::parity(envs, &allowed, None)?;
    selection(&[], &[], config)?.finish(&mut findings);
    Ok(CheckReport {
        findings,
        files: envs.len(),
        suppressed: 0,
        baselined: 0,
    })
}

/// Records `findings` in a baseline file.
pub fn write_baseline(path: &Path, findings: &[Finding]) -> Result<(), CheckError> {
    baseline::write(path, findings)
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
        today: None,
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
