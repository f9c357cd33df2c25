use super::{FREE_REGIONS, zone_region};
use crate::parse::terraform::TfFile;
use crate::rules::{Cx, Rule, declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags `google_compute_instance` and `google_compute_disk` resources whose `zone` is
    /// outside us-west1, us-central1 and us-east1.
    ///
    /// ## Why is this bad?
    /// The always-free e2-micro VM and its 30 GB of standard persistent disk are free only
    /// in us-west1 (Oregon), us-central1 (Iowa) and us-east1 (South Carolina). The same VM
    /// in any other region is billed in full.
    ///
    /// ## Example
    /// ```hcl
    /// resource "google_compute_instance" "vm" {
    ///   machine_type = "e2-micro"
    ///   zone         = "europe-west1-b"
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```hcl
    /// resource "google_compute_instance" "vm" {
    ///   machine_type = "e2-micro"
    ///   zone         = "us-central1-a"
    /// }
    /// ```
    ///
    /// ## References
    /// - Google Cloud free features, Compute Engine: <https://cloud.google.com/free/docs/free-cloud-features#compute> (as published, checked 2026-11)
    pub struct ComputeOutsideFreeRegion {
        code: "FT006",
        name: "compute-outside-free-region",
        family: FreeTier,
        severity: Error,
        summary: "VM or disk outside the free-tier regions",
        fix: "use a zone in us-west1, us-central1 or us-east1 (for example `us-central1-a`)",
    }
}

impl Rule for ComputeOutsideFreeRegion {
    rule_meta!();

    fn terraform(&self, file: &TfFile, cx: &mut Cx<'_>) {
        for resource in file.resources_of(&["google_compute_instance", "google_compute_disk"]) {
            let Some(attr) = resource.body.attr("zone") else {
                continue;
            };
            let Some(zone) = attr.value.as_str() else {
                continue;
            };
            let region = zone_region(zone);
            if !FREE_REGIONS.contains(&region) {
                cx.report_span(
                    attr.value_span.clone(),
                    format!(
                        "`{}.{}` is in {region}, outside the free-tier regions",
                        resource.label(0),
                        resource.label(1)
                    ),
                );
            }
        }
    }
}
