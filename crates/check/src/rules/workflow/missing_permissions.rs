use super::{is_action, jobs, root};
use crate::parse::yaml::{YNode, YamlFile};
use crate::rules::{Cx, Rule, declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags workflows without a top-level `permissions:` block (unless every job sets its
    /// own), and `permissions: write-all` at either level.
    ///
    /// ## Why is this bad?
    /// Without `permissions:`, the `GITHUB_TOKEN` gets the repository's default, which for
    /// many repositories (and every one created before February 2023) is read and write on
    /// contents, packages, pull requests and more. Any compromised step, action or
    /// dependency can then push code or publish packages. Declare `contents: read` at the
    /// top and grant more per job.
    ///
    /// ## Example
    /// ```yaml
    /// on: push
    /// jobs:
    ///   test:
    ///     runs-on: ubuntu-latest
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// on: push
    /// permissions:
    ///   contents: read
    /// jobs:
    ///   test:
    ///     runs-on: ubuntu-latest
    /// ```
    ///
    /// ## References
    /// - Controlling permissions for GITHUB_TOKEN: <https://docs.github.com/en/actions/writing-workflows/choosing-what-your-workflow-does/controlling-permissions-for-github_token>
    /// - zizmor `excessive-permissions`: <https://docs.zizmor.sh/audits/#excessive-permissions>
    pub struct MissingTopLevelPermissions {
        code: "GH002",
        name: "missing-top-level-permissions",
        family: Workflow,
        severity: Error,
        summary: "workflow without top-level permissions",
        fix: "add `permissions: { contents: read }` at the top and grant more per job",
    }
}

fn write_all(node: &YNode) -> bool {
    node.as_str() == Some("write-all")
}

impl Rule for MissingTopLevelPermissions {
    rule_meta!();

    fn workflow(&self, file: &YamlFile, cx: &mut Cx<'_>) {
        let Some(root) = root(file).filter(|_| !is_action(file)) else {
            return;
        };
        match root.entry("permissions") {
            Some((_, value)) if write_all(value) => {
                cx.report(
                    value.loc(&file.src),
                    "`permissions: write-all` gives every job every scope",
                );
            }
            Some(_) => {}
            None => {
                let all_jobs_scoped = jobs(file).count() > 0
                    && jobs(file).all(|(_, j)| j.get("permissions").is_some());
                if !all_jobs_scoped {
                    let anchor = root
                        .entry("jobs")
                        .or_else(|| root.entry("on"))
                        .map(|(k, _)| k);
                    let loc = anchor.map_or_else(|| file.src.whole_line(1), |k| k.loc(&file.src));
                    cx.report(loc, "the workflow sets no top-level `permissions`, so jobs get the repository's default token scopes");
                }
            }
        }
        for (name, job) in jobs(file) {
            if let Some(p) = job.get("permissions").filter(|p| write_all(p)) {
                cx.report(
                    p.loc(&file.src),
                    format!("job `{name}` asks for `permissions: write-all`"),
                );
            }
        }
    }
}
