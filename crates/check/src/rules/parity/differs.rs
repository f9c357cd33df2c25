use crate::rules::{Rule, declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Reported by `ripcord check parity ENV…` when the same key has different values in
    /// different environments: a module's `source` or `version`, a provider version
    /// constraint, a resource attribute, a `.tfvars` value, a field of a Kubernetes object
    /// in a kustomize overlay, or a Helm value. Keys listed in `[check.parity] allow` (glob
    /// patterns such as `tfvars.*_domain`) are not reported.
    ///
    /// ## Why is this bad?
    /// A different module version or image tag in staging means staging tests a different
    /// system. Differences that are meant to be there (names, domains, sizes) belong in an
    /// explicit allow-list, so every other difference is a finding.
    ///
    /// ## Example
    /// `envs/staging/main.tf` uses `module "db" { version = "1.3.0" }`, prod uses `"1.2.0"`.
    ///
    /// ## Use instead
    /// Promote the same version to every environment, or allow the key:
    /// ```toml
    /// [check.parity]
    /// allow = ["tfvars.domain", "tfvars.*_count"]
    /// ```
    ///
    /// ## References
    /// - The Twelve-Factor App, X. Dev/prod parity: <https://12factor.net/dev-prod-parity>
    /// - Terraform module versions: <https://developer.hashicorp.com/terraform/language/modules/syntax#version>
    pub struct ParityValueDiffers {
        code: "PA002",
        name: "parity-value-differs",
        family: Parity,
        severity: Error,
        summary: "value differs between environments",
        fix: "make the value the same in every environment, or add its key to `[check.parity] allow`",
    }
}

impl Rule for ParityValueDiffers {
    rule_meta!();
}
