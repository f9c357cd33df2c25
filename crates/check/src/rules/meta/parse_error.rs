use crate::rules::{Rule, declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Reports a file that ripcord found (by its name) but could not parse: invalid HCL,
    /// invalid YAML, a Dockerfile with an unknown instruction or an unterminated heredoc,
    /// or input nested deeper than 200 levels. The finding points at the line and column
    /// where parsing stopped.
    ///
    /// ## Why is this bad?
    /// A file that cannot be parsed cannot be checked, so every other rule is silent about
    /// it; Terraform, Compose, BuildKit and GitHub will reject it too.
    ///
    /// ## Example
    /// ```hcl
    /// resource "google_storage_bucket" "b" {
    ///   name =
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```hcl
    /// resource "google_storage_bucket" "b" {
    ///   name = "acme-backups"
    /// }
    /// ```
    ///
    /// ## References
    /// - HCL native syntax: <https://github.com/hashicorp/hcl/blob/main/hclsyntax/spec.md>
    /// - YAML 1.2: <https://yaml.org/spec/1.2.2/>
    /// - Dockerfile reference: <https://docs.docker.com/reference/dockerfile/>
    pub struct ParseError {
        code: "RC001",
        name: "parse-error",
        family: Meta,
        severity: Error,
        summary: "file could not be parsed",
        fix: "fix the syntax error (the file is also rejected by its own tool)",
    }
}

impl Rule for ParseError {
    rule_meta!();
}
