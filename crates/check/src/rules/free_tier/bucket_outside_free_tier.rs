use super::FREE_REGIONS;
use crate::parse::terraform::TfFile;
use crate::rules::{Cx, Rule, declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags `google_storage_bucket` resources whose `location` is not us-west1,
    /// us-central1 or us-east1, or whose `storage_class` is not `STANDARD` (or `REGIONAL`,
    /// the legacy name of single-region Standard storage, billed as Standard).
    ///
    /// ## Why is this bad?
    /// Cloud Storage's always-free allowance is 5 GB-months of Standard storage in
    /// us-west1, us-central1 and us-east1 (with 5,000 Class A and 50,000 Class B operations
    /// a month). Multi-region (`US`, `EU`), dual-region and other regional buckets, and
    /// Nearline, Coldline and Archive classes, are billed from the first byte; the colder
    /// classes also add retrieval fees and minimum storage durations. Remember that soft
    /// delete keeps deleted objects (7 days by default) and they count as stored bytes.
    ///
    /// ## Example
    /// ```hcl
    /// resource "google_storage_bucket" "backups" {
    ///   name          = "acme-backups"
    ///   location      = "US"
    ///   storage_class = "NEARLINE"
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```hcl
    /// resource "google_storage_bucket" "backups" {
    ///   name          = "acme-backups"
    ///   location      = "US-CENTRAL1"
    ///   storage_class = "STANDARD"
    /// }
    /// ```
    ///
    /// ## References
    /// - Google Cloud free features, Cloud Storage: <https://cloud.google.com/free/docs/free-cloud-features#storage> (as published, checked 2026-11)
    /// - Cloud Storage pricing: <https://cloud.google.com/storage/pricing> (as published, checked 2026-11)
    pub struct BucketOutsideFreeTier {
        code: "FT009",
        name: "bucket-outside-free-tier",
        family: FreeTier,
        severity: Error,
        summary: "storage bucket outside the free-tier regions or class",
        fix: "use `location = \"US-CENTRAL1\"` (or US-WEST1, US-EAST1) and `storage_class = \"STANDARD\"`",
    }
}

impl Rule for BucketOutsideFreeTier {
    rule_meta!();

    fn terraform(&self, file: &TfFile, cx: &mut Cx<'_>) {
        for bucket in file.resources_of(&["google_storage_bucket"]) {
            let name = bucket.label(1);
            if let Some(attr) = bucket.body.attr("location")
                && let Some(location) = attr.value.as_str()
                && !FREE_REGIONS.contains(&location.to_ascii_lowercase().as_str())
            {
                cx.report_span(
                    attr.value_span.clone(),
                    format!("bucket `{name}` is in `{location}`, outside the free-tier regions"),
                );
            }
            if let Some(attr) = bucket.body.attr("storage_class")
                && let Some(class) = attr
                    .value
                    .as_str()
                    // `REGIONAL` is the legacy name of Standard storage in one region, and
                    // is billed as Standard (the location check above covers the region).
                    .filter(|c| {
                        !c.eq_ignore_ascii_case("STANDARD") && !c.eq_ignore_ascii_case("REGIONAL")
                    })
            {
                cx.report_span(
                    attr.value_span.clone(),
                    format!("bucket `{name}` uses storage class `{class}`; only STANDARD is free"),
                );
            }
        }
    }
}
