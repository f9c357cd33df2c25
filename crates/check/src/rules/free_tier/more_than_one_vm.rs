use std::collections::BTreeMap;
use std::path::Path;

use crate::parse::terraform::{TfBlock, TfFile};
use crate::rules::{Project, ProjectCx, Rule, declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags a Terraform folder (one root module or module) that declares more than one
    /// VM: several `google_compute_instance` resources, or one with `count` above 1 or a
    /// `for_each`.
    ///
    /// ## Why is this bad?
    /// The always-free tier covers one e2-micro VM a month (its hours, 30 GB of standard
    /// disk and 1 GB of egress). The allowance is counted in hours for the whole billing
    /// account, so a second VM running all month is billed in full.
    ///
    /// ## Example
    /// ```hcl
    /// resource "google_compute_instance" "worker" {
    ///   count        = 2
    ///   machine_type = "e2-micro"
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Run every VM-side job (Redis, backups, cron, agents) on the one e2-micro VM, and
    /// everything request-driven on Cloud Run.
    ///
    /// ## References
    /// - Google Cloud free features, Compute Engine: <https://cloud.google.com/free/docs/free-cloud-features#compute> (as published, checked 2026-11)
    pub struct MoreThanOneVm {
        code: "FT008",
        name: "more-than-one-vm",
        family: FreeTier,
        severity: Error,
        summary: "more than one VM in a Terraform folder",
        fix: "keep one e2-micro VM and run every VM-side job on it",
    }
}

impl Rule for MoreThanOneVm {
    rule_meta!();

    fn project(&self, project: &Project, cx: &mut ProjectCx<'_>) {
        let mut by_dir: BTreeMap<&Path, Vec<(&TfFile, &TfBlock)>> = BTreeMap::new();
        for file in &project.terraform {
            let dir = file.src.path.parent().unwrap_or(Path::new(""));
            for vm in file.resources_of(&["google_compute_instance"]) {
                by_dir.entry(dir).or_default().push((file, vm));
            }
        }
        for vms in by_dir.values() {
            let mut seen = 0.0;
            for (file, vm) in vms {
                let name = vm.label(1);
                if let Some(each) = vm.body.attr("for_each") {
                    let loc = file.src.loc(each.span.clone());
                    cx.report(
                        &file.src,
                        loc,
                        format!("VM `{name}` is created once per `for_each` item"),
                    );
                }
                let count = vm.body.attr("count");
                match count.and_then(|c| c.value.as_num()) {
                    Some(n) if n > 1.0 => {
                        let loc = file
                            .src
                            .loc(count.map(|c| c.span.clone()).unwrap_or_default());
                        cx.report(&file.src, loc, format!("VM `{name}` is created {n} times"));
                    }
                    _ if seen >= 1.0 => {
                        let loc = file.src.loc(vm.ident_span.start..vm.span.end);
                        cx.report(
                            &file.src,
                            loc,
                            format!("VM `{name}` is a second VM in this folder"),
                        );
                    }
                    _ => {}
                }
                seen += count.and_then(|c| c.value.as_num()).unwrap_or(1.0);
            }
        }
    }
}
