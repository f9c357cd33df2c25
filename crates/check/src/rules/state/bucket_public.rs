use crate::parse::terraform::{TfFile, TfVal};
use crate::rules::{Cx, Project, ProjectCx, Rule, declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags Cloud Storage buckets that are, or can be made, readable by anyone:
    /// - IAM bindings that give a bucket's role to `allUsers` or `allAuthenticatedUsers`
    ///   (`google_storage_bucket_iam_member`, `_iam_binding`, `_iam_policy` data, and
    ///   `google_storage_bucket_access_control`/`_default_object_access_control`);
    /// - `google_storage_bucket` without `public_access_prevention = "enforced"`, unless
    ///   the same repository sets the organisation policy that enforces it for every
    ///   bucket (`storage.publicAccessPrevention`, as a constraint or a policy name).
    ///
    /// ## Why is this bad?
    /// A public bucket is readable by every crawler on the internet, and bucket names are
    /// guessable: backups, exports and user uploads leak this way every week. Every
    /// download is also egress you pay for beyond the free 1 GB. Public access
    /// prevention makes "public" impossible whatever IAM or ACLs say later, so a mistaken
    /// `allUsers` grant does nothing.
    ///
    /// ## Example
    /// ```hcl
    /// resource "google_storage_bucket" "backups" {
    ///   name     = "acme-backups"
    ///   location = "US-EAST1"
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```hcl
    /// resource "google_storage_bucket" "backups" {
    ///   name                        = "acme-backups"
    ///   location                    = "US-EAST1"
    ///   uniform_bucket_level_access = true
    ///   public_access_prevention    = "enforced"
    /// }
    /// ```
    /// A bucket that must be public (a static site) keeps its `allUsers` grant with a
    /// `ripcord:ignore ST005 <reason>` comment, and holds nothing else.
    ///
    /// ## References
    /// - Public access prevention: <https://cloud.google.com/storage/docs/public-access-prevention>
    /// - checkov CKV_GCP_28, CKV_GCP_114: <https://www.checkov.io/5.Policy%20Index/terraform.html>
    pub struct BucketPublic {
        code: "ST005",
        name: "bucket-public",
        family: State,
        severity: Error,
        summary: "storage bucket readable by anyone, or without public access prevention",
        fix: "set `public_access_prevention = \"enforced\"` and grant roles to named principals, never `allUsers`",
    }
}

const PUBLIC: &[&str] = &["allUsers", "allAuthenticatedUsers"];

/// The organisation policy constraint that enforces public access prevention, as
/// `constraints/…` and in policy names (`…/policies/storage.publicAccessPrevention`).
const ORG_POLICY: &str = "storage.publicAccessPrevention";

const BUCKET_GRANTS: &[&str] = &[
    "google_storage_bucket_iam_member",
    "google_storage_bucket_iam_binding",
    "google_storage_bucket_access_control",
    "google_storage_default_object_access_control",
    "google_storage_object_access_control",
];

/// The public principal a value names, if any.
fn public_principal(value: &TfVal) -> Option<&'static str> {
    match value {
        TfVal::Str(text) => PUBLIC.iter().copied().find(|p| text == p),
        TfVal::Array(items) => items.iter().find_map(public_principal),
        _ => None,
    }
}

impl Rule for BucketPublic {
    rule_meta!();

    fn terraform(&self, file: &TfFile, cx: &mut Cx<'_>) {
        for grant in file.resources_of(BUCKET_GRANTS) {
            for key in ["member", "members", "entity"] {
                if let Some(attr) = grant.body.attr(key)
                    && let Some(principal) = public_principal(&attr.value)
                {
                    cx.report_span(
                        attr.value_span.clone(),
                        format!(
                            "`{}.{}` gives the bucket's objects to `{principal}`: anyone on the internet can read them",
                            grant.label(0),
                            grant.label(1)
                        ),
                    );
                }
            }
        }
    }

    /// Buckets without public access prevention, per repository: an organisation policy
    /// that enforces it (`constraints/storage.publicAccessPrevention`, set anywhere in
    /// the same repository) covers every bucket already.
    fn project(&self, project: &Project, cx: &mut ProjectCx<'_>) {
        for files in project
            .by_repository(&project.terraform, |f| &f.src)
            .into_values()
        {
            let by_policy = files.iter().any(|file| file.src.text.contains(ORG_POLICY));
            if by_policy {
                continue;
            }
            for file in files {
                for bucket in file.resources_of(&["google_storage_bucket"]) {
                    // A value computed from a variable is the caller's to judge.
                    let prevented = bucket
                        .body
                        .attr("public_access_prevention")
                        .is_some_and(|a| {
                            matches!(&a.value, TfVal::Expr(_))
                                || a.value.as_str() == Some("enforced")
                        });
                    if !prevented {
                        let span = bucket.ident_span.start..bucket.span.end;
                        cx.report(
                            &file.src,
                            file.src.loc(span),
                            format!(
                                "`google_storage_bucket.{}` has no `public_access_prevention = \"enforced\"`: one IAM grant or ACL makes it public",
                                bucket.label(1)
                            ),
                        );
                    }
                }
            }
        }
    }
}
