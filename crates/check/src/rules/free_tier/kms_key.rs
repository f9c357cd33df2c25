use super::known_modules::{KMS_MODULE, module_source};
use crate::parse::terraform::{TfBody, TfFile};
use crate::rules::{Cx, Rule, declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags Cloud KMS keys (`google_kms_key_ring`, `google_kms_crypto_key`,
    /// `google_kms_crypto_key_version`) and customer-managed encryption keys referenced
    /// from other resources (`kms_key_name`, `default_kms_key_name`), and calls of the
    /// `terraform-google-modules/kms/google` module.
    ///
    /// ## Why is this bad?
    /// Cloud KMS has no free tier: every active key version is billed monthly and every
    /// cryptographic operation is billed too (customer-managed keys on a bucket cost an
    /// operation per object write and read). Google already encrypts data at rest with
    /// Google-managed keys at no charge; the free-tier checklist keeps the Terraform state
    /// bucket without KMS and secures it with IAM.
    ///
    /// ## Example
    /// ```hcl
    /// resource "google_kms_crypto_key" "state" {
    ///   name     = "tf-state"
    ///   key_ring = google_kms_key_ring.ring.id
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Rely on Google-managed encryption at rest and restrict access with IAM
    /// (`uniform_bucket_level_access = true`).
    ///
    /// ## References
    /// - Cloud KMS pricing: <https://cloud.google.com/kms/pricing> (as published, checked 2026-11)
    /// - Default encryption at rest: <https://cloud.google.com/docs/security/encryption/default-encryption>
    pub struct KmsKey {
        code: "FT010",
        name: "kms-key",
        family: FreeTier,
        severity: Warning,
        summary: "Cloud KMS key (no free tier)",
        fix: "use Google-managed encryption and IAM instead of a customer-managed KMS key",
    }
}

const KMS: &[&str] = &[
    "google_kms_key_ring",
    "google_kms_crypto_key",
    "google_kms_crypto_key_version",
];

impl Rule for KmsKey {
    rule_meta!();

    fn terraform(&self, file: &TfFile, cx: &mut Cx<'_>) {
        for resource in file.resources() {
            let name = format!("{}.{}", resource.label(0), resource.label(1));
            if KMS.contains(&resource.label(0)) {
                cx.report_span(
                    resource.ident_span.start..resource.span.end,
                    format!("`{name}` is a Cloud KMS resource, which has no free tier"),
                );
            } else {
                key_refs(&resource.body, &name, cx);
            }
        }
        for module in file.body.blocks("module") {
            if module_source(module).is_some_and(|(address, _)| address == KMS_MODULE) {
                cx.report_span(
                    module.ident_span.start..module.span.end,
                    format!(
                        "module `{}` creates Cloud KMS keys, which have no free tier",
                        module.label(0)
                    ),
                );
            }
        }
    }
}

fn key_refs(body: &TfBody, name: &str, cx: &mut Cx<'_>) {
    for attr in &body.attrs {
        if matches!(
            attr.key.as_str(),
            "kms_key_name" | "default_kms_key_name" | "kms_key_self_link" | "encryption_key_name"
        ) {
            cx.report_span(
                attr.span.clone(),
                format!("`{name}` uses a customer-managed KMS key"),
            );
        }
    }
    for block in &body.blocks {
        key_refs(&block.body, name, cx);
    }
}
