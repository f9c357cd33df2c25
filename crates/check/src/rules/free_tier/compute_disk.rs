use crate::parse::terraform::{TfBody, TfFile};
use crate::rules::{Cx, Rule, declare_rule, rule_meta};

const FREE_GB: f64 = 30.0;

declare_rule! {
    /// ## What it does
    /// Flags persistent disks larger than 30 GB or of a type other than `pd-standard`: the
    /// boot disk of a `google_compute_instance` (`boot_disk.initialize_params`) and
    /// `google_compute_disk` resources.
    ///
    /// ## Why is this bad?
    /// The always-free tier includes 30 GB-months of standard persistent disk in
    /// us-west1, us-central1 and us-east1. Balanced (`pd-balanced`) and SSD (`pd-ssd`)
    /// disks are billed from the first GB, and so is every GB over 30 (the allowance is
    /// for all disks together).
    ///
    /// ## Example
    /// ```hcl
    /// boot_disk {
    ///   initialize_params {
    ///     size = 50
    ///     type = "pd-balanced"
    ///   }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```hcl
    /// boot_disk {
    ///   initialize_params {
    ///     size = 30
    ///     type = "pd-standard"
    ///   }
    /// }
    /// ```
    ///
    /// ## References
    /// - Google Cloud free features, Compute Engine: <https://cloud.google.com/free/docs/free-cloud-features#compute> (as published, checked 2026-11)
    pub struct ComputeDiskOverFreeTier {
        code: "FT007",
        name: "compute-disk-over-free-tier",
        family: FreeTier,
        severity: Error,
        summary: "persistent disk over 30 GB or not pd-standard",
        fix: "use `type = \"pd-standard\"` and at most 30 GB for all disks together",
    }
}

impl Rule for ComputeDiskOverFreeTier {
    rule_meta!();

    fn terraform(&self, file: &TfFile, cx: &mut Cx<'_>) {
        for resource in file.resources_of(&["google_compute_instance", "google_compute_disk"]) {
            let name = format!("{}.{}", resource.label(0), resource.label(1));
            if resource.label(0) == "google_compute_disk" {
                check(&resource.body, &name, cx);
            } else if let Some(params) = resource.body.path(&["boot_disk", "initialize_params"]) {
                check(&params.body, &name, cx);
            }
        }
    }
}

fn check(body: &TfBody, name: &str, cx: &mut Cx<'_>) {
    if let Some(size) = body.attr("size")
        && let Some(gb) = size.value.as_num().filter(|gb| *gb > FREE_GB)
    {
        cx.report_span(
            size.span.clone(),
            format!("`{name}` asks for a {gb} GB disk; 30 GB are free"),
        );
    }
    if let Some(kind) = body.attr("type")
        && let Some(t) = kind
            .value
            .as_str()
            .filter(|t| *t != "pd-standard" && !t.ends_with("/pd-standard"))
    {
        cx.report_span(
            kind.span.clone(),
            format!("`{name}` uses disk type `{t}`; only pd-standard is free"),
        );
    }
}
