use std::collections::BTreeMap;
use std::path::Path;

use crate::parse::terraform::TfFile;
use crate::rules::{Project, ProjectCx, Rule, declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags a `terraform { backend "…" }` other than `gcs` (and `cloud {}` blocks), and a
    /// root module (a folder with a `provider` block) that declares no backend at all, so
    /// its state lives in a local `terraform.tfstate`. A bootstrap that creates the state
    /// bucket itself (a `google_storage_bucket`, or a module input, named for `tfstate` or
    /// a `state_bucket`) is left alone: its first apply cannot use a bucket that does not
    /// exist yet. So is a reusable module in the Terraform registry's layout (a folder
    /// whose `examples/*/` call it with `source = "../.."`), even one that configures
    /// providers: its callers keep the state.
    ///
    /// ## Why is this bad?
    /// Local state is lost with the laptop it lives on, cannot be shared, and has no
    /// locking; other backends add an account or a bill to a GCP-only stack. A GCS bucket
    /// keeps the state inside the free tier (5 GB-months of Standard storage), locks it,
    /// and, with object versioning, keeps every previous version.
    ///
    /// ## Example
    /// ```hcl
    /// terraform {
    ///   backend "local" {}
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```hcl
    /// terraform {
    ///   backend "gcs" {
    ///     bucket = "acme-tfstate"
    ///     prefix = "prod"
    ///   }
    /// }
    /// ```
    ///
    /// ## References
    /// - Terraform `gcs` backend: <https://developer.hashicorp.com/terraform/language/backend/gcs>
    /// - Store Terraform state in a Cloud Storage bucket: <https://cloud.google.com/docs/terraform/resource-management/store-state>
    pub struct BackendNotGcs {
        code: "ST001",
        name: "backend-not-gcs",
        family: State,
        severity: Error,
        summary: "Terraform state not in a GCS backend",
        fix: "declare `terraform { backend \"gcs\" { bucket = \"…\", prefix = \"…\" } }`",
    }
}

/// Per folder: has a backend, and its first `provider` block (file and span).
/// What a folder of Terraform says about its state: whether it declares a backend, its
/// first provider block, and whether it creates the bucket its own state is meant for.
#[derive(Default)]
struct RootState<'a> {
    has_backend: bool,
    provider: Option<(&'a TfFile, std::ops::Range<usize>)>,
    creates_state_bucket: bool,
}

/// Whether a file creates a Terraform state bucket: a `google_storage_bucket` named for
/// one (`tfstate`, `state_bucket`), or a bootstrap module (`…/bootstrap/…`) given one. Such a bootstrap must start on local
/// state, since its backend's bucket does not exist before its first apply.
fn creates_state_bucket(file: &TfFile) -> bool {
    let stateful = |name: &str| {
        let name = name.to_ascii_lowercase();
        name.contains("tfstate") || name.contains("state_bucket")
    };
    file.resources_of(&["google_storage_bucket"])
        .any(|bucket| stateful(bucket.label(1)))
        || file.body.blocks("module").any(|module| {
            let source = module
                .body
                .attr("source")
                .and_then(|attr| attr.value.as_str())
                .unwrap_or("");
            source.contains("bootstrap") && module.body.attrs.iter().any(|attr| stateful(&attr.key))
        })
}

impl Rule for BackendNotGcs {
    rule_meta!();

    fn project(&self, project: &Project, cx: &mut ProjectCx<'_>) {
        // folder → (has a backend, first provider block)
        let mut roots: BTreeMap<&Path, RootState<'_>> = BTreeMap::new();
        for file in project
            .terraform
            .iter()
            .filter(|f| f.src.display.ends_with(".tf"))
        {
            let dir = file.src.path.parent().unwrap_or(Path::new(""));
            let entry = roots.entry(dir).or_default();
            entry.creates_state_bucket |= creates_state_bucket(file);
            for terraform in file.body.blocks("terraform") {
                for backend in terraform.body.blocks("backend") {
                    entry.has_backend = true;
                    if backend.label(0) != "gcs" {
                        let loc = file.src.loc(backend.ident_span.start..backend.span.end);
                        cx.report(
                            &file.src,
                            loc,
                            format!(
                                "state is kept in a `{}` backend, not `gcs`",
                                backend.label(0)
                            ),
                        );
                    }
                }
                for cloud in terraform.body.blocks("cloud") {
                    entry.has_backend = true;
                    let loc = file.src.loc(cloud.ident_span.start..cloud.span.end);
                    cx.report(
                        &file.src,
                        loc,
                        "state is kept in HCP Terraform (`cloud {}`), not a `gcs` backend",
                    );
                }
            }
            if entry.provider.is_none()
                && let Some(provider) = file.body.blocks("provider").next()
            {
                entry.provider = Some((file, provider.ident_span.start..provider.span.end));
            }
        }
        for (folder, root) in roots {
            if root.has_backend
                || root.creates_state_bucket
                || project.reusable_modules.contains(folder)
            {
                continue;
            }
            if let Some((file, span)) = root.provider {
                let loc = file.src.loc(span);
                cx.report(
                    &file.src,
                    loc,
                    "this root module declares no backend, so its state is a local file",
                );
            }
        }
    }
}
