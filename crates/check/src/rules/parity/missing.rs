use crate::rules::{Rule, declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Reported by `ripcord check parity ENV…` (or the `[check.parity]` section of
    /// `ripcord.toml`) when something exists in some environments but not in others:
    /// a Terraform module, resource, data source, variable, output, provider or attribute,
    /// a `.tfvars` key, a Kubernetes object or field of a kustomize overlay, or a key of a
    /// Helm values file. Keys listed in `[check.parity] allow` are not reported.
    ///
    /// ## Why is this bad?
    /// Staging exists to predict production. A cache, alert, module or setting that only
    /// one environment has means a test in staging proves nothing about prod, and the first
    /// time the difference matters is during an incident.
    ///
    /// ## Example
    /// `envs/prod/main.tf` declares `module "cdn"`, `envs/staging/main.tf` does not.
    ///
    /// ## Use instead
    /// Declare the same modules and resources in every environment and vary only sizes and
    /// names through variables, or allow the key explicitly:
    /// ```toml
    /// [check.parity]
    /// allow = ["module.cdn"]
    /// ```
    ///
    /// ## References
    /// - The Twelve-Factor App, X. Dev/prod parity: <https://12factor.net/dev-prod-parity>
    /// - Kustomize overlays: <https://kubectl.docs.kubernetes.io/references/kustomize/glossary/#overlay>
    pub struct ParityMissing {
        code: "PA001",
        name: "parity-missing",
        family: Parity,
        severity: Error,
        summary: "present in some environments, missing in others",
        fix: "declare it in every environment, or add its key to `[check.parity] allow`",
    }
}

impl Rule for ParityMissing {
    rule_meta!();
}
