use std::path::Path;

use crate::parse::terraform::{TfBlock, TfFile, TfVal};
use crate::rules::{Project, ProjectCx, Rule, declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags `google_compute_instance` and `google_compute_instance_template` resources
    /// whose `machine_type` is not `e2-micro`. A machine type taken from a variable passes
    /// only when that variable (in the same folder) defaults to `e2-micro` and has a
    /// `validation` block that mentions `e2-micro`.
    ///
    /// ## Why is this bad?
    /// The Compute Engine always-free tier is one non-preemptible `e2-micro` VM a month in
    /// us-west1, us-central1 or us-east1, with 30 GB of standard persistent disk. Any other
    /// machine type is billed from the first second.
    ///
    /// ## Example
    /// ```hcl
    /// resource "google_compute_instance" "vm" {
    ///   machine_type = "e2-small"
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```hcl
    /// variable "machine_type" {
    ///   type    = string
    ///   default = "e2-micro"
    ///   validation {
    ///     condition     = var.machine_type == "e2-micro"
    ///     error_message = "Only e2-micro is in the free tier."
    ///   }
    /// }
    ///
    /// resource "google_compute_instance" "vm" {
    ///   machine_type = var.machine_type
    /// }
    /// ```
    ///
    /// ## References
    /// - Google Cloud free features, Compute Engine: <https://cloud.google.com/free/docs/free-cloud-features#compute> (as published, checked 2026-11)
    pub struct ComputeMachineTypeNotE2Micro {
        code: "FT005",
        name: "compute-machine-type-not-e2-micro",
        family: FreeTier,
        severity: Error,
        summary: "VM machine type is not e2-micro",
        fix: "use `machine_type = \"e2-micro\"`, or a variable whose validation allows only e2-micro",
    }
}

const TYPES: &[&str] = &[
    "google_compute_instance",
    "google_compute_instance_template",
];

impl Rule for ComputeMachineTypeNotE2Micro {
    rule_meta!();

    fn project(&self, project: &Project, cx: &mut ProjectCx<'_>) {
        for file in &project.terraform {
            for vm in file.resources_of(TYPES) {
                let Some(attr) = vm.body.attr("machine_type") else {
                    continue;
                };
                let name = vm.label(1);
                match &attr.value {
                    TfVal::Str(t) if t == "e2-micro" || t.ends_with("/e2-micro") => {}
                    TfVal::Str(t) => {
                        let loc = file.src.loc(attr.value_span.clone());
                        cx.report(
                            &file.src,
                            loc,
                            format!("VM `{name}` uses machine type `{t}`, not e2-micro"),
                        );
                    }
                    other => {
                        let expr = other.canonical();
                        let var = expr.strip_prefix("var.").unwrap_or("");
                        let dir = file.src.path.parent().unwrap_or(Path::new(""));
                        if !var.is_empty() && variable_is_validated(project, dir, var) {
                            continue;
                        }
                        let loc = file.src.loc(attr.value_span.clone());
                        cx.report(
                            &file.src,
                            loc,
                            format!("VM `{name}` takes its machine type from `{expr}`, which no validation pins to e2-micro"),
                        );
                    }
                }
            }
        }
    }
}

fn variable_is_validated(project: &Project, dir: &Path, var: &str) -> bool {
    let in_dir = |f: &&TfFile| f.src.path.parent().unwrap_or(Path::new("")) == dir;
    project.terraform.iter().filter(in_dir).any(|f| {
        f.body
            .blocks("variable")
            .filter(|b| b.label(0) == var)
            .any(|b: &TfBlock| {
                let default_ok = b
                    .body
                    .attr("default")
                    .is_none_or(|a| a.value.as_str() == Some("e2-micro"));
                let validated = b.body.blocks("validation").any(|v| {
                    v.body
                        .attr("condition")
                        .is_some_and(|c| c.value.canonical().contains("e2-micro"))
                });
                default_ok && validated
            })
    })
}
