use super::{events, jobs, steps};
use crate::parse::yaml::{YNode, YamlFile};
use crate::rules::{Project, ProjectCx, Rule, declare_rule, rule_meta};

/// Words that name a security scanner in a workflow.
pub const SCANNERS: &[&str] = &[
    "trivy",
    "snyk",
    "grype",
    "codeql",
    "zizmor",
    "osv-scanner",
    "checkov",
    "ripcord check",
    "semgrep",
    "dependency-check",
    "pip-audit",
    "cargo audit",
    "cargo-deny",
    "npm audit",
    "scorecard",
];

declare_rule! {
    /// ## What it does
    /// Warns when a repository has GitHub workflows but none runs on a `schedule` with a
    /// security scanner (Trivy, Snyk, Grype, CodeQL, zizmor, OSV-Scanner, Checkov,
    /// Semgrep, pip-audit, cargo audit/deny, npm audit, OpenSSF Scorecard or
    /// `ripcord check`) in a step's `uses:` or `run:` (a job's name is not a scan). Each
    /// repository (the nearest folder holding `.git`, else each path given) is judged on
    /// its own.
    ///
    /// ## Why is this bad?
    /// New CVEs are published against code that has not changed. A scan that runs only on
    /// pull requests stays silent for a repository nobody is touching, which is exactly the
    /// repository whose base images and lockfiles are going stale. The checklist asks for
    /// a scheduled Trivy (or Snyk) scan.
    ///
    /// ## Example
    /// Workflows triggered only by `push` and `pull_request`.
    ///
    /// ## Use instead
    /// ```yaml
    /// name: security scan
    /// on:
    ///   schedule:
    ///     - cron: "17 4 * * 1"
    /// permissions:
    ///   contents: read
    /// jobs:
    ///   trivy:
    ///     runs-on: ubuntu-latest
    ///     steps:
    ///       - uses: actions/checkout@<sha> # v4
    ///       - uses: aquasecurity/trivy-action@<sha> # 0.28.0
    ///         with:
    ///           scan-type: fs
    /// ```
    ///
    /// ## References
    /// - `on.schedule`: <https://docs.github.com/en/actions/writing-workflows/choosing-when-your-workflow-runs/events-that-trigger-workflows#schedule>
    /// - Trivy action: <https://github.com/aquasecurity/trivy-action>
    pub struct NoScheduledSecurityScan {
        code: "GH005",
        name: "no-scheduled-security-scan",
        family: Workflow,
        severity: Warning,
        summary: "no scheduled security scan workflow",
        fix: "add a workflow `on: schedule` that runs a scanner such as Trivy",
    }
}

/// What a workflow runs, lower-cased: its steps' and jobs' `uses:` and its `run:`
/// scripts. Names and comments are left out: a job called "CodeQL" that runs none is
/// no scan.
fn what_runs(file: &YamlFile) -> String {
    let text = |node: Option<&YNode>| node.and_then(YNode::as_str).unwrap_or("").to_owned();
    let from_steps = steps(file).flat_map(|step| [text(step.get("uses")), text(step.get("run"))]);
    let from_jobs = jobs(file).map(|(_, job)| text(job.get("uses")));
    from_steps
        .chain(from_jobs)
        .collect::<Vec<_>>()
        .join("\n")
        .to_ascii_lowercase()
}

impl Rule for NoScheduledSecurityScan {
    rule_meta!();

    /// Once per repository: each has its own workflows.
    fn project(&self, project: &Project, cx: &mut ProjectCx<'_>) {
        for workflows in project
            .by_repository(&project.workflows, |w| &w.src)
            .into_values()
        {
            let Some(first) = workflows.first() else {
                continue;
            };
            let scheduled_scan = workflows.iter().any(|w| {
                let commands = what_runs(w);
                events(w).iter().any(|e| e == "schedule")
                    && SCANNERS.iter().any(|s| commands.contains(s))
            });
            if !scheduled_scan {
                let loc = first.src.whole_line(1);
                cx.report(
                    &first.src,
                    loc,
                    "no workflow runs a security scanner on a schedule",
                );
            }
        }
    }
}
