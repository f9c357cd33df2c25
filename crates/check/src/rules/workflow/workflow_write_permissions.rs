use super::{jobs, root};
use crate::parse::yaml::YamlFile;
use crate::rules::{Cx, Rule, declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags write scopes (`contents: write`, `id-token: write`, …) in a workflow's
    /// top-level `permissions:` when the workflow has more than one job. (With one job the
    /// top level is that job's; `write-all` is GH002's.)
    ///
    /// ## Why is this bad?
    /// Top-level permissions are every job's default. A scope one job needs (to push a
    /// tag, publish a release, get an OIDC token) is then held by the lint job, the test
    /// job and every action they run, and by any job added later. A compromised step in
    /// any of them can push code, publish packages or reach your cloud account.
    ///
    /// ## Example
    /// ```yaml
    /// permissions:
    ///   contents: write
    /// jobs:
    ///   test: …
    ///   release: …
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// permissions:
    ///   contents: read
    /// jobs:
    ///   test: …
    ///   release:
    ///     permissions:
    ///       contents: write
    /// ```
    ///
    /// ## References
    /// - Assigning permissions to jobs: <https://docs.github.com/en/actions/writing-workflows/choosing-what-your-workflow-does/controlling-permissions-for-github_token>
    /// - zizmor `excessive-permissions`: <https://docs.zizmor.sh/audits/#excessive-permissions>
    pub struct WorkflowWritePermissions {
        code: "GH008",
        name: "write-permissions-at-workflow-level",
        family: Workflow,
        severity: Warning,
        summary: "write permissions granted to every job of a workflow",
        fix: "keep `contents: read` at the top and grant write scopes to the job that needs them",
    }
}

impl Rule for WorkflowWritePermissions {
    rule_meta!();

    fn workflow(&self, file: &YamlFile, cx: &mut Cx<'_>) {
        let count = jobs(file).count();
        if count < 2 {
            return;
        }
        let Some(permissions) = root(file).and_then(|r| r.get("permissions")) else {
            return;
        };
        // Jobs with permissions of their own do not inherit the top level's.
        let inheriting = jobs(file)
            .filter(|(_, job)| job.get("permissions").is_none())
            .count();
        if inheriting == 0 {
            return;
        }
        for (scope, key, value) in permissions.entries() {
            if value.as_str().map(str::trim) == Some("write") {
                cx.report(
                    key.loc(&file.src),
                    format!("`{scope}: write` is granted at the workflow level, so {inheriting} of its {count} jobs hold it"),
                );
            }
        }
    }
}
