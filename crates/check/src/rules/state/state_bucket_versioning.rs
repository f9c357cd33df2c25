use std::collections::BTreeSet;

use crate::rules::{Project, ProjectCx, Rule, declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags the Terraform state bucket when it is declared in the same repository without
    /// `versioning { enabled = true }`. The state bucket is a `google_storage_bucket` whose
    /// `name` is the `bucket` of a `gcs` backend, or whose name contains `tfstate`,
    /// `tf-state` or `terraform-state`.
    ///
    /// ## Why is this bad?
    /// Without object versioning, a corrupted or truncated state write, or a mistaken
    /// `terraform state rm`, cannot be undone: the previous state is gone and every
    /// resource has to be imported again by hand. Versioning costs only the bytes of the old
    /// versions (state files are small); pair it with a lifecycle rule that keeps the last
    /// few versions.
    ///
    /// ## Example
    /// ```hcl
    /// resource "google_storage_bucket" "tfstate" {
    ///   name     = "acme-tfstate"
    ///   location = "US-CENTRAL1"
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```hcl
    /// resource "google_storage_bucket" "tfstate" {
    ///   name     = "acme-tfstate"
    ///   location = "US-CENTRAL1"
    ///   versioning {
    ///     enabled = true
    ///   }
    /// }
    /// ```
    ///
    /// ## References
    /// - Store Terraform state in a Cloud Storage bucket: <https://cloud.google.com/docs/terraform/resource-management/store-state>
    /// - Object versioning: <https://cloud.google.com/storage/docs/object-versioning>
    pub struct StateBucketWithoutVersioning {
        code: "ST002",
        name: "state-bucket-without-versioning",
        family: State,
        severity: Error,
        summary: "Terraform state bucket without object versioning",
        fix: "add `versioning { enabled = true }` to the state bucket",
    }
}

impl Rule for StateBucketWithoutVersioning {
    rule_meta!();

    fn project(&self, project: &Project, cx: &mut ProjectCx<'_>) {
        let backend_buckets: BTreeSet<&str> = project
            .terraform
            .iter()
            .flat_map(|f| f.body.blocks("terraform"))
            .flat_map(|t| t.body.blocks("backend"))
            .filter(|b| b.label(0) == "gcs")
            .filter_map(|b| b.body.attr("bucket").and_then(|a| a.value.as_str()))
            .collect();
        for file in &project.terraform {
            for bucket in file.resources_of(&["google_storage_bucket"]) {
                let name = bucket
                    .body
                    .attr("name")
                    .and_then(|a| a.value.as_str())
                    .unwrap_or("");
                let lower = format!("{} {}", name, bucket.label(1)).to_ascii_lowercase();
                let is_state = backend_buckets.contains(name)
                    || [
                        "tfstate",
                        "tf-state",
                        "tf_state",
                        "terraform-state",
                        "terraform_state",
                    ]
                    .iter()
                    .any(|h| lower.contains(h));
                if !is_state {
                    continue;
                }
                let versioned = bucket
                    .body
                    .block("versioning")
                    .and_then(|v| v.body.attr("enabled"))
                    .is_some_and(|a| a.value.as_bool() == Some(true));
                if !versioned {
                    let loc = file.src.loc(bucket.ident_span.start..bucket.span.end);
                    cx.report(
                        &file.src,
                        loc,
                        format!(
                            "state bucket `{}` has no object versioning",
                            bucket.label(1)
                        ),
                    );
                }
            }
        }
    }
}
