use super::{privileged_events, steps, uses};
use crate::parse::yaml::{YNode, YamlFile};
use crate::rules::{Cx, Rule, declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// In workflows triggered by `pull_request_target`, `workflow_run` or `issue_comment`,
    /// flags
    /// - `run:` scripts that write to `$GITHUB_ENV` or `$GITHUB_PATH`, and
    /// - steps that download another run's artifacts (`actions/download-artifact` with a
    ///   `run-id`, `dawidd6/action-download-artifact`, `actions/github-script` calling
    ///   `downloadArtifact`): in a `workflow_run` workflow that is the pull request's
    ///   build output.
    ///
    /// ## Why is this bad?
    /// Both carry a stranger's pull request into a job that holds the base repository's
    /// token and secrets. A line written to `$GITHUB_ENV` becomes an environment variable
    /// of every later step: a value such as `LD_PRELOAD=…` or `NODE_OPTIONS=--require …`,
    /// or a newline that starts a variable of its own, runs the attacker's code there; a
    /// folder added to `$GITHUB_PATH` replaces the commands later steps call. An artifact
    /// of the pull request's build is whatever that build's (attacker-written) code wrote:
    /// unpacking it over the workspace, or running anything from it, runs their code with
    /// your secrets. A value written to `$GITHUB_OUTPUT` from untrusted text is GH004's.
    ///
    /// ## Example
    /// ```yaml
    /// on: workflow_run
    /// jobs:
    ///   comment:
    ///     steps:
    ///       - uses: actions/download-artifact@… # v4
    ///         with: { run-id: "${{ github.event.workflow_run.id }}", github-token: … }
    ///       - run: echo "PR=$(cat pr.txt)" >> "$GITHUB_ENV"
    /// ```
    ///
    /// ## Use instead
    /// Download into a folder of its own (`path: ${{ runner.temp }}/artifact`), treat the
    /// contents as data (validate a number with a pattern; never execute it), and pass
    /// values to later steps through `$GITHUB_OUTPUT` and `env:`, not `$GITHUB_ENV`.
    ///
    /// ## References
    /// - GitHub Security Lab, untrusted input in `workflow_run`: <https://securitylab.github.com/resources/github-actions-preventing-pwn-requests/>
    /// - zizmor `github-env`: <https://docs.zizmor.sh/audits/#github-env>
    pub struct PrivilegedUntrustedInput {
        code: "GH010",
        name: "privileged-run-reads-untrusted-input",
        family: Workflow,
        severity: Error,
        summary: "$GITHUB_ENV written or a pull request's artifact read in a privileged run",
        fix: "pass values through `$GITHUB_OUTPUT` and `env:`; treat downloaded artifacts as data in a folder of their own",
    }
}

/// Which of `$GITHUB_ENV` and `$GITHUB_PATH` a script redirects into.
fn writes_environment(script: &str) -> Option<&'static str> {
    script.lines().find_map(|line| {
        ["GITHUB_ENV", "GITHUB_PATH"].into_iter().find(|variable| {
            line.contains('>')
                && (line.contains(&format!("${variable}"))
                    || line.contains(&format!("${{{variable}}}")))
        })
    })
}

/// Whether a step downloads artifacts of another run.
fn downloads_other_run(step: &YNode) -> Option<&'static str> {
    let (action, _) = uses(step)?;
    match action.as_str() {
        "actions/download-artifact" if step.path(&["with", "run-id"]).is_some() => {
            Some("`actions/download-artifact` with a `run-id`")
        }
        "dawidd6/action-download-artifact" => Some("`dawidd6/action-download-artifact`"),
        "actions/github-script"
            if step
                .path(&["with", "script"])
                .and_then(YNode::as_str)
                .is_some_and(|script| script.contains("downloadArtifact")) =>
        {
            Some("`actions/github-script` calling `downloadArtifact`")
        }
        _ => None,
    }
}

impl Rule for PrivilegedUntrustedInput {
    rule_meta!();

    fn workflow(&self, file: &YamlFile, cx: &mut Cx<'_>) {
        let events = privileged_events(file);
        let Some(event) = events.first() else { return };
        for step in steps(file) {
            if let Some(run) = step.get("run")
                && let Some(script) = run.as_str()
                && let Some(variable) = writes_environment(script)
            {
                let loc = (run.line..=file.src.line_count())
                    .find(|&l| file.src.line_text(l).contains(variable))
                    .map_or_else(
                        || run.loc(&file.src),
                        |l| file.src.find_on_line(l, variable),
                    );
                cx.report(
                    loc,
                    format!("a step of this `{event}` run writes to `${variable}`, which every later step trusts"),
                );
            }
            if let Some(how) = downloads_other_run(step)
                && let Some(node) = step.get("uses")
            {
                cx.report(
                    node.loc(&file.src),
                    format!("{how} reads another run's artifacts in this `{event}` run"),
                );
            }
        }
    }
}
