use super::cloud_run_module::{Api, Input, V1_DEFAULT_MAX_SCALE, cloud_run_modules};
use super::{CLOUD_RUN_V1, cloud_run_services, v1_template_annotation};
use crate::parse::terraform::{TfFile, TfVal};
use crate::rules::{Cx, Rule, declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags Cloud Run services (`google_cloud_run_service`, `google_cloud_run_v2_service`)
    /// whose maximum instance count is above 1, is not set, or is not a hard-coded literal;
    /// and the same for services made by the `GoogleCloudPlatform/cloud-run/google` module
    /// (`template_annotations` of the v1 root module, whose default maxScale is 2;
    /// `template_scaling` of its `//modules/v2` submodule).
    ///
    /// ## Why is this bad?
    /// Cloud Run scales to 100 instances by default. One traffic spike, crawler or retry
    /// loop multiplies the vCPU-seconds and GiB-seconds billed, and the always-free
    /// allowance (180,000 vCPU-seconds, 360,000 GiB-seconds and 2 million requests a
    /// month, request-based billing) is gone in hours. A cap that comes from a variable can
    /// be lifted by any `.tfvars` file, so the checklist asks for a literal `1`.
    ///
    /// ## Example
    /// ```hcl
    /// resource "google_cloud_run_v2_service" "api" {
    ///   template {
    ///     scaling {
    ///       max_instance_count = 10
    ///     }
    ///   }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```hcl
    /// resource "google_cloud_run_v2_service" "api" {
    ///   template {
    ///     scaling {
    ///       max_instance_count = 1
    ///     }
    ///   }
    /// }
    /// ```
    /// For `google_cloud_run_service` (v1), set the revision template annotation
    /// `"autoscaling.knative.dev/maxScale" = "1"`.
    ///
    /// ## References
    /// - Cloud Run pricing, free tier: <https://cloud.google.com/run/pricing> (as published, checked 2026-11)
    /// - Google Cloud free features: <https://cloud.google.com/free/docs/free-cloud-features#cloud-run> (as published, checked 2026-11)
    /// - Maximum instances: <https://cloud.google.com/run/docs/configuring/max-instances>
    pub struct CloudRunMaxInstancesAboveOne {
        code: "FT001",
        name: "cloud-run-max-instances-above-one",
        family: FreeTier,
        severity: Error,
        summary: "Cloud Run service can scale above one instance",
        fix: "hard-code the maximum to 1: `max_instance_count = 1` (v2) or the `autoscaling.knative.dev/maxScale = \"1\"` template annotation (v1)",
    }
}

impl Rule for CloudRunMaxInstancesAboveOne {
    rule_meta!();

    fn terraform(&self, file: &TfFile, cx: &mut Cx<'_>) {
        for service in cloud_run_services(file) {
            let name = service.label(1);
            let found = if service.label(0) == CLOUD_RUN_V1 {
                // Annotations given as a whole from a variable or a local: the maximum is
                // in there (a variable's default, say), just not readable here.
                let computed = service
                    .body
                    .path(&["template", "metadata"])
                    .and_then(|metadata| metadata.body.attr("annotations"))
                    .filter(|attr| matches!(attr.value, TfVal::Expr(_)));
                if let Some(attr) = computed {
                    Some((&attr.value, attr.value_span.clone()))
                } else {
                    v1_template_annotation(service, "autoscaling.knative.dev/maxScale")
                        .map(|(v, s)| (v, s.clone()))
                }
            } else {
                let template = service.body.path(&["template", "scaling"]);
                let service_level = service.body.block("scaling");
                [template, service_level]
                    .into_iter()
                    .flatten()
                    .find_map(|b| b.body.attr("max_instance_count"))
                    .map(|a| (&a.value, a.span.clone()))
            };
            match found {
                None => {
                    cx.report_span(
                        service.ident_span.start..service.span.end,
                        format!("Cloud Run service `{name}` sets no maximum instance count (the default is 100)"),
                    );
                }
                Some((value, span)) => {
                    judge_max(&format!("Cloud Run service `{name}`"), value, span, cx)
                }
            }
        }
        for module in cloud_run_modules(file) {
            let what = format!("Cloud Run module `{}`", module.name());
            let found = match module.api {
                Api::V1 => match module.v1_annotation("autoscaling.knative.dev/maxScale") {
                    Input::Given(value, span) => Some((value, span)),
                    Input::Default => {
                        cx.report_span(
                            module.whole(),
                            format!(
                                "{what} keeps the module's default maxScale of \
                                 {V1_DEFAULT_MAX_SCALE} instances (`template_annotations` is not set)"
                            ),
                        );
                        continue;
                    }
                    Input::Absent => None,
                },
                Api::V2 => module.field("template_scaling", "max_instance_count"),
            };
            match found {
                None => {
                    cx.report_span(
                        module.whole(),
                        format!("{what} sets no maximum instance count (the default is 100)"),
                    );
                }
                Some((value, span)) => judge_max(&what, value, span, cx),
            }
        }
    }
}

/// Reports a maximum instance count other than a literal 1.
fn judge_max(what: &str, value: &TfVal, span: std::ops::Range<usize>, cx: &mut Cx<'_>) {
    match value.as_num() {
        Some(1.0) => {}
        // 0 is not "none": the v2 API reads it as unset (the default of 100), and
        // knative's maxScale "0" means unbounded.
        Some(0.0) => {
            cx.report_span(
                span,
                format!("{what} sets a maximum of 0 instances, which means no limit"),
            );
        }
        Some(n) => {
            cx.report_span(span, format!("{what} can scale to {n} instances"));
        }
        None => {
            let shown = match value {
                TfVal::Expr(e) => e.clone(),
                other => other.canonical(),
            };
            cx.report_span(
                span,
                format!("{what} takes its maximum instance count from `{shown}`, not a literal 1"),
            );
        }
    }
}
