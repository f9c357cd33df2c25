//! One renderer per output format, all reading the same [`Finding`]s.

pub mod github;
pub mod human;
pub mod json;
pub mod sarif;

#[cfg(test)]
mod tests;

use ripcord_check::{Finding, Severity};

use crate::cmd::OutputFormat;

/// Counts shown in summaries.
#[derive(Debug, Default, Clone, Copy, serde::Serialize)]
pub struct Summary {
    /// What `files` counts: files checked, or environments compared (`check parity`).
    #[serde(skip)]
    pub counted: Counted,
    pub files: usize,
    pub findings: usize,
    pub errors: usize,
    pub warnings: usize,
    pub info: usize,
    pub suppressed: usize,
    pub baselined: usize,
}

/// What a summary's count is of.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum Counted {
    #[default]
    Files,
    Environments,
}

impl Summary {
    pub fn new(findings: &[Finding], files: usize, suppressed: usize, baselined: usize) -> Self {
        let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
        Summary {
            counted: Counted::Files,
            files,
            findings: findings.len(),
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            info: count(Severity::Info),
            suppressed,
            baselined,
        }
    }
}

/// The page of a rule in the repository's docs.
pub fn rule_url(code: &str) -> String {
    format!("https://github.com/ripcord-dev/ripcord/blob/main/docs/rules/{code}.md")
}

/// Renders findings in a format. `color` only affects `Human`.
pub fn render(
    format: OutputFormat,
    findings: &[Finding],
    summary: &Summary,
    color: bool,
) -> String {
    match format {
        OutputFormat::Human => {
            let mut out = human::render(findings, color);
            out.push_str(&human::summary(summary));
            out
        }
        OutputFormat::Json => json::render(findings, summary),
        OutputFormat::Sarif => sarif::render(findings),
        OutputFormat::Github => github::render(findings),
    }
}
