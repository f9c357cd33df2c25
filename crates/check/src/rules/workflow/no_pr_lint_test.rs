use super::{events, steps};
use crate::parse::yaml::YNode;
use crate::rules::{Project, ProjectCx, Rule, declare_rule, rule_meta};

const CHECKS: &[&str] = &[
    "test",
    "lint",
    "clippy",
    "ruff",
    "eslint",
    "pytest",
    "vitest",
    "jest",
    "mypy",
    "fmt",
    "cargo check",
    "flake8",
    "vet",
    "golangci",
    "biome",
    "prettier",
    "hadolint",
    "actionlint",
    "tox",
    "nox",
];

declare_rule! {
    /// ## What it does
    /// Warns when a repository has GitHub workflows but none runs on `pull_request` with a
    /// step that lints or tests (a `run:` or `uses:` mentioning test, lint, clippy, ruff,
    /// eslint, pytest, vitest, jest, mypy, fmt, check, …).
    ///
    /// ## Why is this bad?
    /// Without a check on every pull request, breakage is found after merge, on `main`,
    /// by whoever deploys next. The checklist asks for "Lint & Test" on every PR; make it a
    /// required status check in branch protection.
    ///
    /// ## Example
    /// Workflows triggered only by `push` to `main`.
    ///
    /// ## Use instead
    /// ```yaml
    /// name: lint and test
    /// on:
    ///   pull_request:
    /// permissions:
    ///   contents: read
    /// jobs:
    ///   test:
    ///     runs-on: ubuntu-latest
    ///     steps:
    ///       - uses: actions/checkout@<sha> # v4
    ///       - run: uv run ruff check && uv run pytest
    /// ```
    ///
    /// ## References
    /// - `on.pull_request`: <https://docs.github.com/en/actions/writing-workflows/choosing-when-your-workflow-runs/events-that-trigger-workflows#pull_request>
    /// - Required status checks: <https://docs.github.com/en/repositories/configuring-branches-and-merges-in-your-repository/managing-protected-branches/about-protected-branches#require-status-checks-before-merging>
    pub struct NoLintAndTestOnPullRequests {
        code: "GH006",
        name: "no-lint-and-test-on-pull-requests",
        family: Workflow,
        severity: Warning,
        summary: "no lint and test workflow on pull requests",
        fix: "add a workflow `on: pull_request` that lints and tests",
    }
}

impl Rule for NoLintAndTestOnPullRequests {
    rule_meta!();

    fn project(&self, project: &Project, cx: &mut ProjectCx<'_>) {
        let Some(first) = project.workflows.first() else {
            return;
        };
        let covered = project.workflows.iter().any(|w| {
            events(w).iter().any(|e| e == "pull_request")
                && steps(w).any(|s| {
                    let text = [s.get("run"), s.get("uses"), s.get("name")]
                        .into_iter()
                        .flatten()
                        .filter_map(YNode::as_str)
                        .collect::<Vec<_>>()
                        .join(" ")
                        .to_ascii_lowercase();
                    CHECKS.iter().any(|c| text.contains(c))
                })
        });
        if !covered {
            let loc = first.src.whole_line(1);
            cx.report(&first.src, loc, "no workflow lints or tests pull requests");
        }
    }
}
