use super::{jobs, steps};
use crate::parse::yaml::{YNode, YamlFile};
use crate::rules::{Cx, Rule, declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags `uses:` references (steps and reusable workflows) that are not pinned to a
    /// full 40-character commit SHA, and `docker://` actions without a digest. Local
    /// actions (`./…`) are exempt.
    ///
    /// ## Why is this bad?
    /// Tags and branches are mutable: whoever controls the action's repository (or steals a
    /// maintainer's token, as in the tj-actions/changed-files compromise of March 2025) can
    /// point `@v4` at new code that then runs in your workflow with your secrets. A full SHA
    /// cannot be moved; keep the version in a comment so Dependabot and Renovate can update it.
    ///
    /// ## Example
    /// ```yaml
    /// - uses: actions/checkout@v4
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
    /// ```
    ///
    /// ## References
    /// - Using third-party actions (pin to a full-length commit SHA): <https://docs.github.com/en/actions/security-for-github-actions/security-guides/security-hardening-for-github-actions#using-third-party-actions>
    /// - zizmor `unpinned-uses`: <https://docs.zizmor.sh/audits/#unpinned-uses>
    pub struct ActionNotPinnedToSha {
        code: "GH001",
        name: "action-not-pinned-to-sha",
        family: Workflow,
        severity: Error,
        summary: "action not pinned to a full commit SHA",
        fix: "pin to the full commit SHA and keep the tag in a comment: `uses: owner/repo@<40-hex sha> # v1.2.3`",
    }
}

pub fn is_full_sha(reference: &str) -> bool {
    reference.len() == 40 && reference.chars().all(|c| c.is_ascii_hexdigit())
}

fn check(node: &YNode, file: &YamlFile, cx: &mut Cx<'_>) {
    let Some(uses) = node.as_str() else { return };
    // `./…` is a path in the checked-out workspace and `$/…` the workflow's own
    // repository at the running commit: both are as pinned as the workflow itself.
    if uses.starts_with("./") || uses.starts_with("$/") || uses.contains("${{") {
        return;
    }
    if let Some(image) = uses.strip_prefix("docker://") {
        if !image.contains("@sha256:") {
            cx.report(
                node.loc(&file.src),
                format!("`{uses}` is not pinned by digest"),
            );
        }
        return;
    }
    match uses.rsplit_once('@') {
        Some((_, reference)) if is_full_sha(reference) => {}
        Some((action, reference)) => {
            cx.report(
                node.loc(&file.src),
                format!("`{action}` is pinned to `{reference}`, not a full commit SHA"),
            );
        }
        None => {
            cx.report(
                node.loc(&file.src),
                format!("`{uses}` has no version at all"),
            );
        }
    }
}

impl Rule for ActionNotPinnedToSha {
    rule_meta!();

    fn workflow(&self, file: &YamlFile, cx: &mut Cx<'_>) {
        for (_, job) in jobs(file) {
            if let Some(uses) = job.get("uses") {
                check(uses, file, cx);
            }
        }
        for step in steps(file) {
            if let Some(uses) = step.get("uses") {
                check(uses, file, cx);
            }
        }
    }
}
