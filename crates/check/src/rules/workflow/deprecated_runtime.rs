use super::{root, steps, uses};
use crate::parse::yaml::YamlFile;
use crate::rules::{Cx, Rule, declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags actions at a major version that runs on a runtime GitHub Actions has
    /// deprecated, or that calls a service GitHub has shut down, from a table built into
    /// ripcord (as of **2026-12-01**); and local actions whose `runs.using` is `node12` or
    /// `node16`. A version pinned by SHA is read from its `# vN` comment.
    ///
    /// | action | deprecated majors | why |
    /// |---|---|---|
    /// | `actions/checkout`, `actions/setup-node`, `actions/setup-java`, `actions/setup-dotnet` | v1–v3 | Node 12 (v1–v2), Node 16 (v3) |
    /// | `actions/setup-python`, `actions/setup-go` | v1–v4 | Node 12, Node 16 (v3–v4) |
    /// | `actions/cache` | v1–v2 | Node 12; their cache service was shut down on 2025-02-01 |
    /// | `actions/upload-artifact`, `actions/download-artifact` | v1–v3 | stopped working on 2025-01-30 |
    /// | `actions/github-script` | v1–v6 | Node 12, Node 16 (v6) |
    /// | `actions/labeler` | v1–v4 | Node 12 or Node 16 |
    /// | `actions/stale` | v1–v8 | Node 12 or Node 16 |
    /// | `docker/login-action`, `docker/setup-buildx-action`, `docker/setup-qemu-action` | v1–v2 | Node 12 (v1), Node 16 (v2) |
    /// | `docker/build-push-action`, `docker/metadata-action` | v1–v4 | Node 12, Node 16 (v3–v4) |
    /// | `hashicorp/setup-terraform` | v1–v2 | Node 12 (v1), Node 16 (v2) |
    /// | `google-github-actions/auth`, `google-github-actions/setup-gcloud` | v0–v1 | Node 16 |
    ///
    /// ## Why is this bad?
    /// GitHub removed Node 12 and Node 16 from its runners and runs such actions on a
    /// newer Node they were never tested with; each run prints a deprecation warning, and
    /// an action that breaks there breaks the build on a day you did not choose. Old
    /// majors also miss security fixes. The artifact and cache actions above fail
    /// outright.
    ///
    /// ## Example
    /// ```yaml
    /// - uses: actions/upload-artifact@v3
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// - uses: actions/upload-artifact@ea165f8d65b6e75b540449e92b4886f43607fa02 # v4.6.2
    /// ```
    ///
    /// ## References
    /// - Transitioning from Node 16 to Node 20: <https://github.blog/changelog/2023-09-22-github-actions-transitioning-from-node-16-to-node-20/>
    /// - Deprecation of v3 of the artifact actions: <https://github.blog/changelog/2024-04-16-deprecation-notice-v3-of-the-artifact-actions/>
    /// - Deprecation of actions/cache v1–v2: <https://github.com/actions/cache/discussions/1510>
    pub struct DeprecatedActionRuntime {
        code: "GH011",
        name: "deprecated-action-runtime",
        family: Workflow,
        severity: Warning,
        summary: "action on a deprecated runtime or a shut-down service",
        fix: "move to the action's current major version, pinned by SHA",
    }
}

const NODE12: &str = "runs on Node 12, which GitHub Actions no longer ships";
const NODE16: &str = "runs on Node 16, which GitHub Actions no longer ships";
const ARTIFACTS: &str = "stopped working on 2025-01-30";

/// An action and its deprecated majors: up to each major, why.
const DEPRECATED: &[(&str, &[(u32, &str)])] = &[
    ("actions/checkout", &[(2, NODE12), (3, NODE16)]),
    ("actions/setup-node", &[(2, NODE12), (3, NODE16)]),
    ("actions/setup-java", &[(2, NODE12), (3, NODE16)]),
    ("actions/setup-dotnet", &[(2, NODE12), (3, NODE16)]),
    ("actions/setup-python", &[(2, NODE12), (4, NODE16)]),
    ("actions/setup-go", &[(2, NODE12), (4, NODE16)]),
    (
        "actions/cache",
        &[(
            2,
            "runs on Node 12 and calls a cache service shut down on 2025-02-01",
        )],
    ),
    ("actions/upload-artifact", &[(3, ARTIFACTS)]),
    ("actions/download-artifact", &[(3, ARTIFACTS)]),
    ("actions/github-script", &[(5, NODE12), (6, NODE16)]),
    (
        "actions/labeler",
        &[(
            4,
            "runs on Node 12 or Node 16, which GitHub Actions no longer ships",
        )],
    ),
    (
        "actions/stale",
        &[(
            8,
            "runs on Node 12 or Node 16, which GitHub Actions no longer ships",
        )],
    ),
    ("docker/login-action", &[(1, NODE12), (2, NODE16)]),
    ("docker/setup-buildx-action", &[(1, NODE12), (2, NODE16)]),
    ("docker/setup-qemu-action", &[(1, NODE12), (2, NODE16)]),
    ("docker/build-push-action", &[(2, NODE12), (4, NODE16)]),
    ("docker/metadata-action", &[(2, NODE12), (4, NODE16)]),
    ("hashicorp/setup-terraform", &[(1, NODE12), (2, NODE16)]),
    ("google-github-actions/auth", &[(1, NODE16)]),
    ("google-github-actions/setup-gcloud", &[(1, NODE16)]),
];

/// The major version of `vN…`, or of a SHA pin's `# vN…` comment on its line.
fn major(reference: &str, line: &str) -> Option<u32> {
    let version = if reference.len() == 40 && reference.chars().all(|c| c.is_ascii_hexdigit()) {
        line.split_once('#')?.1.trim()
    } else {
        reference
    };
    let digits: String = version
        .strip_prefix('v')?
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

impl Rule for DeprecatedActionRuntime {
    rule_meta!();

    fn workflow(&self, file: &YamlFile, cx: &mut Cx<'_>) {
        if let Some(using) = root(file).and_then(|r| r.path(&["runs", "using"]))
            && let Some(runtime @ ("node12" | "node16")) = using.as_str()
        {
            cx.report(
                using.loc(&file.src),
                format!("this action runs on `{runtime}`, which GitHub Actions no longer ships"),
            );
        }
        for step in steps(file) {
            let Some((action, reference)) = uses(step) else {
                continue;
            };
            let Some(node) = step.get("uses") else {
                continue;
            };
            let Some((_, majors)) = DEPRECATED.iter().find(|(name, _)| *name == action) else {
                continue;
            };
            let Some(major) = major(reference, file.src.line_text(node.line)) else {
                continue;
            };
            if let Some((_, why)) = majors.iter().find(|(last, _)| major <= *last) {
                cx.report(node.loc(&file.src), format!("`{action}` v{major} {why}"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::major;

    #[test]
    fn majors_come_from_the_tag_or_the_pin_comment() {
        assert_eq!(major("v3", ""), Some(3));
        assert_eq!(major("v4.1.7", ""), Some(4));
        let sha = "11bd71901bbe5b1630ceea73d27597364c9af683";
        assert_eq!(
            major(sha, &format!("uses: actions/checkout@{sha} # v3.6.0")),
            Some(3)
        );
        assert_eq!(major(sha, &format!("uses: actions/checkout@{sha}")), None);
        assert_eq!(major("main", ""), None);
    }
}
