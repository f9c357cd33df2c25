//! GitHub workflow rules: pinned, least-privilege, injection-free CI with the checks the
//! checklist asks for.

pub mod action_not_pinned;
pub mod missing_permissions;
pub mod no_pr_lint_test;
pub mod no_scheduled_scan;
pub mod pull_request_target_checkout;
pub mod script_injection;

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

/// Every step of every job.
pub fn steps(file: &YamlFile) -> impl Iterator<Item = &YNode> {
    jobs(file).flat_map(|(_, job)| job.get("steps").into_iter().flat_map(|s| s.items()))
}
