//! GitHub workflow rules: pinned, least-privilege, injection-free CI with the checks the
//! checklist asks for.

pub mod action_not_pinned;
pub mod checkout_persists_credentials;
pub mod deprecated_runtime;
pub mod missing_permissions;
pub mod no_pr_lint_test;
pub mod no_scheduled_scan;
pub mod privileged_trigger_secrets;
pub mod privileged_untrusted_input;
pub mod pull_request_target_checkout;
pub mod script_injection;
pub mod workflow_write_permissions;

use crate::parse::yaml::{YNode, YamlFile};

/// The workflow's root mapping (first document).
pub fn root(file: &YamlFile) -> Option<&YNode> {
    file.docs.first().filter(|d| d.as_map().is_some())
}

/// Events that trigger the workflow (`on: push`, `on: [push, pull_request]`, `on: {push: …}`).
pub fn events(file: &YamlFile) -> Vec<String> {
    let Some(on) = root(file).and_then(|r| r.get("on").or_else(|| r.get("true"))) else {
        return Vec::new();
    };
    if let Some(s) = on.as_str() {
        return vec![s.to_string()];
    }
    if on.as_seq().is_some() {
        return on
            .items()
            .filter_map(YNode::as_str)
            .map(str::to_string)
            .collect();
    }
    on.entries().map(|(k, _, _)| k.to_string()).collect()
}

/// `jobs:` entries: name and job node.
pub fn jobs(file: &YamlFile) -> impl Iterator<Item = (&str, &YNode)> {
    root(file)
        .and_then(|r| r.get("jobs"))
        .into_iter()
        .flat_map(|j| j.entries())
        .map(|(k, _, v)| (k, v))
}

/// Whether the file is an action's metadata (`action.yml`): `runs:` and no `jobs:`.
pub fn is_action(file: &YamlFile) -> bool {
    root(file).is_some_and(|r| r.get("runs").is_some() && r.get("jobs").is_none())
}

/// Every step of every job, and a composite action's steps.
pub fn steps(file: &YamlFile) -> impl Iterator<Item = &YNode> {
    jobs(file)
        .flat_map(|(_, job)| job_steps(job))
        .chain(composite_steps(file))
}

/// The steps of one job.
pub fn job_steps(job: &YNode) -> impl Iterator<Item = &YNode> {
    job.get("steps").into_iter().flat_map(|s| s.items())
}

/// The steps of each job, and a composite action's steps, one list each: the steps that
/// run one after the other in one workspace.
pub fn step_sequences(file: &YamlFile) -> Vec<Vec<&YNode>> {
    jobs(file)
        .map(|(_, job)| job_steps(job).collect())
        .chain(std::iter::once(composite_steps(file).collect::<Vec<_>>()))
        .filter(|sequence: &Vec<&YNode>| !sequence.is_empty())
        .collect()
}

/// A composite action's `runs.steps`.
fn composite_steps(file: &YamlFile) -> impl Iterator<Item = &YNode> {
    root(file)
        .filter(|_| is_action(file))
        .and_then(|r| r.path(&["runs", "steps"]))
        .into_iter()
        .flat_map(|s| s.items())
}

/// A step's `uses:` split into the action (`actions/checkout`, lower-cased) and the ref
/// after `@` (empty when there is none).
pub fn uses(step: &YNode) -> Option<(String, &str)> {
    let uses = step.get("uses")?.as_str()?.trim();
    let (action, reference) = uses.split_once('@').unwrap_or((uses, ""));
    Some((action.to_ascii_lowercase(), reference))
}

/// Events a stranger can cause (a pull request, a comment) that run with the base
/// repository's secrets and a write token: what an attacker can reach through them.
pub const PRIVILEGED_EVENTS: &[&str] = &["pull_request_target", "workflow_run", "issue_comment"];

/// The privileged events among the workflow's triggers.
pub fn privileged_events(file: &YamlFile) -> Vec<String> {
    events(file)
        .into_iter()
        .filter(|event| PRIVILEGED_EVENTS.contains(&event.as_str()))
        .collect()
}
