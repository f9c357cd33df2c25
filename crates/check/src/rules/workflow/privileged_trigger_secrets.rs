use super::{jobs, privileged_events, root};
use crate::parse::yaml::{YNode, YVal, YamlFile};
use crate::rules::{Cx, Rule, declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags jobs of workflows triggered by `pull_request_target`, `workflow_run` or
    /// `issue_comment` that hold secrets (`secrets.*` other than `GITHUB_TOKEN`, `secrets: inherit`) or can
    /// mint an OIDC token (`id-token: write`, from the job or the workflow's top level),
    /// whether or not they check out the pull request's code (GH003 is that case).
    ///
    /// ## Why is this bad?
    /// These triggers run in the base repository's context for events a stranger can
    /// cause with a pull request or a comment. Everything the job reads from them (a
    /// title, a branch name, a comment, files, the artifacts a pull request's build
    /// uploaded, the cache it warmed) is
    /// attacker data, and one mistake in handling it hands over whatever the job holds: a
    /// publish token, a deploy key, or an identity in your cloud account. A job that holds
    /// nothing loses nothing.
    ///
    /// ## Example
    /// ```yaml
    /// on: pull_request_target
    /// jobs:
    ///   label:
    ///     steps:
    ///       - run: ./label.sh
    ///         env:
    ///           NPM_TOKEN: ${{ secrets.NPM_TOKEN }}
    /// ```
    ///
    /// ## Use instead
    /// Run what needs the pull request's data on `pull_request` (no secrets), and keep
    /// secrets in jobs that only act on trusted events (`push` to the default branch,
    /// `release`, `workflow_dispatch`), behind an environment with required reviewers.
    ///
    /// ## References
    /// - Keeping your GitHub Actions and workflows secure: preventing pwn requests: <https://securitylab.github.com/resources/github-actions-preventing-pwn-requests/>
    /// - zizmor `dangerous-triggers`: <https://docs.zizmor.sh/audits/#dangerous-triggers>
    pub struct PrivilegedTriggerHoldsSecrets {
        code: "GH009",
        name: "privileged-trigger-holds-secrets",
        family: Workflow,
        severity: Warning,
        summary: "job of a privileged trigger (pull_request_target, workflow_run, issue_comment) holds secrets or OIDC",
        fix: "move the secret to a job on a trusted event, or split the work with `pull_request`",
    }
}

/// The secrets named in a node's text: `secrets.NAME` and `secrets['NAME']`.
fn secrets_in(node: &YNode, out: &mut Vec<String>) {
    match &node.val {
        YVal::Scalar(text, _) => {
            for (at, _) in text.match_indices("secrets.") {
                let before = text[..at].chars().next_back();
                if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.') {
                    continue;
                }
                let name: String = text[at + "secrets.".len()..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
                    .collect();
                if !name.is_empty() && !name.eq_ignore_ascii_case("GITHUB_TOKEN") {
                    out.push(name);
                }
            }
        }
        YVal::Seq(items) => items.iter().for_each(|item| secrets_in(item, out)),
        YVal::Map(entries) => {
            for (key, value) in entries {
                if key.as_str() == Some("secrets") && value.as_str() == Some("inherit") {
                    out.push("inherit".into());
                }
                secrets_in(value, out);
            }
        }
    }
}

fn mints_oidc(permissions: Option<&YNode>) -> bool {
    permissions.is_some_and(|p| {
        p.as_str() == Some("write-all")
            || p.get("id-token").and_then(YNode::as_str) == Some("write")
    })
}

impl Rule for PrivilegedTriggerHoldsSecrets {
    rule_meta!();

    fn workflow(&self, file: &YamlFile, cx: &mut Cx<'_>) {
        let events = privileged_events(file);
        let Some(event) = events.first() else { return };
        let top_level = root(file).and_then(|r| r.get("permissions"));
        let Some(jobs_node) = root(file).and_then(|r| r.get("jobs")) else {
            return;
        };
        for (name, job) in jobs(file) {
            let mut held = Vec::new();
            secrets_in(job, &mut held);
            held.sort();
            held.dedup();
            let mut what: Vec<String> = held
                .iter()
                .map(|secret| match secret.as_str() {
                    "inherit" => "`secrets: inherit`".to_string(),
                    secret => format!("`secrets.{secret}`"),
                })
                .collect();
            if mints_oidc(job.get("permissions").or(top_level)) {
                what.push("an OIDC token (`id-token: write`)".into());
            }
            if what.is_empty() {
                continue;
            }
            let Some((key, _)) = jobs_node.entry(name) else {
                continue;
            };
            cx.report(
                key.loc(&file.src),
                format!(
                    "job `{name}` runs on `{event}` and holds {}",
                    what.join(", ")
                ),
            );
        }
    }
}
