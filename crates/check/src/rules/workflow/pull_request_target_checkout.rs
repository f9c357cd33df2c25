use super::{events, steps};
use crate::parse::yaml::{YNode, YamlFile};
use crate::rules::{Cx, Rule, declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags workflows triggered by `pull_request_target` (or `workflow_run`) that check out
    /// the pull request's head: `actions/checkout` with a `ref` naming
    /// `github.event.pull_request.head.*`, `github.head_ref`, `refs/pull/…` or the
    /// `workflow_run` head.
    ///
    /// ## Why is this bad?
    /// `pull_request_target` runs in the context of the base repository, with its secrets
    /// and a write token, for pull requests from any fork. Checking out the fork's code and
    /// then building or testing it runs the attacker's code with those privileges: a "pwn
    /// request".
    ///
    /// ## Example
    /// ```yaml
    /// on: pull_request_target
    /// jobs:
    ///   test:
    ///     steps:
    ///       - uses: actions/checkout@<sha>
    ///         with:
    ///           ref: ${{ github.event.pull_request.head.sha }}
    ///       - run: make test
    /// ```
    ///
    /// ## Use instead
    /// Use `on: pull_request` for anything that runs the PR's code; keep
    /// `pull_request_target` for jobs that only label or comment, without checking out the head.
    ///
    /// ## References
    /// - Preventing pwn requests: <https://securitylab.github.com/resources/github-actions-preventing-pwn-requests/>
    /// - zizmor `dangerous-triggers`: <https://docs.zizmor.sh/audits/#dangerous-triggers>
    pub struct PullRequestTargetCheckout {
        code: "GH003",
        name: "pull-request-target-checkout",
        family: Workflow,
        severity: Error,
        summary: "pull_request_target checks out the pull request's code",
        fix: "use `on: pull_request` to build or test PR code; never check out the head under pull_request_target",
    }
}

const HEAD_REFS: &[&str] = &[
    "github.event.pull_request.head",
    "github.head_ref",
    "refs/pull/",
    "github.event.workflow_run.head",
    "github.event.number",
];

impl Rule for PullRequestTargetCheckout {
    rule_meta!();

    fn workflow(&self, file: &YamlFile, cx: &mut Cx<'_>) {
        let events = events(file);
        if !events
            .iter()
            .any(|e| e == "pull_request_target" || e == "workflow_run")
        {
            return;
        }
        for step in steps(file) {
            let uses = step.get("uses").and_then(YNode::as_str).unwrap_or("");
            if !uses.starts_with("actions/checkout@") {
                continue;
            }
            let Some(reference) = step.path(&["with", "ref"]) else {
                continue;
            };
            let text = reference.as_str().unwrap_or("");
            if HEAD_REFS.iter().any(|h| text.contains(h)) {
                cx.report(
                    reference.loc(&file.src),
                    format!("a privileged trigger checks out untrusted code: `ref: {text}`"),
                );
            }
        }
    }
}
