use super::{step_sequences, uses};
use crate::parse::yaml::{YNode, YamlFile};
use crate::rules::{Cx, Rule, declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags `actions/checkout` steps without `persist-credentials: false`, in workflows
    /// and composite actions. A job whose later steps push (`git push` in a script, or an
    /// action that pushes, such as `stefanzweifel/git-auto-commit-action` or
    /// `getsentry/craft`) is left alone: it uses the credentials it keeps; so is a
    /// checkout marked `# zizmor: ignore[artipacked]`, a decision already taken.
    ///
    /// ## Why is this bad?
    /// By default `actions/checkout` writes the job's token into `.git/config` and leaves
    /// it there for every later step. Any step that uploads the workspace (an artifact, a
    /// cache, a Docker build context) publishes the token with it, and any tool the job
    /// runs afterwards (a linter, a test, a dependency's install script) can read it and
    /// act with the job's permissions until the job ends.
    ///
    /// ## Example
    /// ```yaml
    /// - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
    ///   with:
    ///     persist-credentials: false
    /// ```
    /// A job that must push gives the token to that one command instead.
    ///
    /// ## References
    /// - `actions/checkout` `persist-credentials`: <https://github.com/actions/checkout#usage>
    /// - zizmor `artipacked`: <https://docs.zizmor.sh/audits/#artipacked>
    pub struct CheckoutPersistsCredentials {
        code: "GH007",
        name: "checkout-persists-credentials",
        family: Workflow,
        severity: Warning,
        summary: "actions/checkout leaves the token in .git/config",
        fix: "add `with: { persist-credentials: false }` to the checkout step",
    }
}

fn persists(step: &YNode) -> bool {
    uses(step).is_some_and(|(action, _)| action == "actions/checkout")
        && step
            .path(&["with", "persist-credentials"])
            .and_then(YNode::as_str)
            .is_none_or(|value| value.trim() != "false")
}

/// Actions that push with the credentials a checkout keeps.
const PUSHING_ACTIONS: &[&str] = &[
    "getsentry/craft",
    "getsentry/action-fast-revert",
    "stefanzweifel/git-auto-commit-action",
    "endbug/add-and-commit",
    "ad-m/github-push-action",
];

/// Whether a step pushes with git: it needs the credentials the checkout kept.
fn pushes(step: &YNode) -> bool {
    let scripted = step
        .get("run")
        .and_then(YNode::as_str)
        .is_some_and(|script| script.contains("git push"));
    scripted || uses(step).is_some_and(|(action, _)| PUSHING_ACTIONS.contains(&action.as_str()))
}

/// Whether the team already decided, in zizmor's words, that this checkout keeps its
/// credentials (`# zizmor: ignore[artipacked]` on or inside the step): a push that
/// ripcord cannot see, such as a script that runs `git push`.
fn kept_on_purpose(step: &YNode, file: &YamlFile) -> bool {
    let last = step
        .as_map()
        .and_then(|entries| entries.last())
        .map_or(step.line, |(_, value)| value.line);
    (step.line..=last.min(file.src.line_count())).any(|line| {
        file.src
            .line_text(line)
            .contains("zizmor: ignore[artipacked]")
    })
}

fn report(step: &YNode, file: &YamlFile, cx: &mut Cx<'_>) {
    if let Some(node) = step.get("uses") {
        cx.report(
            node.loc(&file.src),
            "`actions/checkout` keeps the job's token in `.git/config` for every later step",
        );
    }
}

impl Rule for CheckoutPersistsCredentials {
    rule_meta!();

    fn workflow(&self, file: &YamlFile, cx: &mut Cx<'_>) {
        for sequence in step_sequences(file) {
            for (at, step) in sequence.iter().enumerate() {
                if persists(step)
                    && !kept_on_purpose(step, file)
                    && !sequence[at + 1..].iter().any(|later| pushes(later))
                {
                    report(step, file, cx);
                }
            }
        }
    }
}
