use super::cloud_run_module::{Api, Input, V1_DEFAULT_MIN_SCALE, cloud_run_modules};
use super::{CLOUD_RUN_V1, cloud_run_services, v1_service_annotation, v1_template_annotation};
use crate::parse::terraform::TfFile;
use crate::rules::{Cx, Rule, declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags Cloud Run services with a minimum instance count of 1 or more, written as
    /// resources or made by the `GoogleCloudPlatform/cloud-run/google` module (whose v1
    /// default `template_annotations` keep one instance warm).
    ///
    /// ## Why is this bad?
    /// Minimum instances are kept warm, and idle instances are billed for as long as they
    /// exist, around the clock. One always-on instance uses far more than the always-free
    /// 180,000 vCPU-seconds and 360,000 GiB-seconds a month. Scale to zero and accept the
    /// cold start.
    ///
    /// ## Example
    /// ```hcl
    /// template {
    ///   scaling {
    ///     min_instance_count = 1
    ///   }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```hcl
    /// template {
    ///   scaling {
    ///     min_instance_count = 0
    ///   }
    /// }
    /// ```
    ///
    /// ## References
    /// - Cloud Run pricing, free tier: <https://cloud.google.com/run/pricing> (as published, checked 2026-11)
    /// - Minimum instances: <https://cloud.google.com/run/docs/configuring/min-instances>
    pub struct CloudRunMinInstances {
        code: "FT004",
        name: "cloud-run-min-instances",
        family: FreeTier,
        severity: Error,
        summary: "Cloud Run keeps one or more instances warm",
        fix: "set `min_instance_count = 0` (v2) or drop the `autoscaling.knative.dev/minScale` annotation (v1)",
    }
}

impl Rule for CloudRunMinInstances {
    rule_meta!();

    fn terraform(&self, file: &TfFile, cx: &mut Cx<'_>) {
        for service in cloud_run_services(file) {
            let name = service.label(1);
            let mut found = Vec::new();
            if service.label(0) == CLOUD_RUN_V1 {
                found.extend(
                    v1_template_annotation(service, "autoscaling.knative.dev/minScale")
                        .map(|(v, s)| (v, s.clone())),
                );
                found.extend(
                    v1_service_annotation(service, "run.googleapis.com/minScale")
                        .map(|(v, s)| (v, s.clone())),
                );
            } else {
                for block in [
                    service.body.path(&["template", "scaling"]),
                    service.body.block("scaling"),
                ]
                .into_iter()
                .flatten()
                {
                    found.extend(
                        block
                            .body
                            .attr("min_instance_count")
                            .map(|a| (&a.value, a.span.clone())),
                    );
                }
            }
            for (value, span) in found {
                if let Some(n) = value.as_num().filter(|n| *n >= 1.0) {
                    cx.report_span(
                        span,
                        format!(
                            "Cloud Run service `{name}` keeps {n} instance(s) running at all times"
                        ),
                    );
                }
            }
        }
        for module in cloud_run_modules(file) {
            let name = module.name();
            let mut found = Vec::new();
            match module.api {
                Api::V1 => match module.v1_annotation("autoscaling.knative.dev/minScale") {
                    Input::Given(value, span) => found.push((value, span)),
                    Input::Default => {
                        cx.report_span(
                            module.whole(),
                            format!(
                                "Cloud Run module `{name}` keeps the module's default minScale of \
                                 {V1_DEFAULT_MIN_SCALE} instance running at all times \
                                 (`template_annotations` is not set)"
                            ),
                        );
                    }
                    Input::Absent => {}
                },
                Api::V2 => {
                    found.extend(module.field("template_scaling", "min_instance_count"));
                    found.extend(module.field("service_scaling", "min_instance_count"));
                }
            }
            for (value, span) in found {
                if let Some(n) = value.as_num().filter(|n| *n >= 1.0) {
                    cx.report_span(
                        span,
                        format!(
                            "Cloud Run module `{name}` keeps {n} instance(s) running at all times"
                        ),
                    );
                }
            }
        }
    }
}
