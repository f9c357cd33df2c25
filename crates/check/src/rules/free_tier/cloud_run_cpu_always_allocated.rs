use super::cloud_run_module::{Api, Input, cloud_run_modules};
use super::{CLOUD_RUN_V1, cloud_run_services, containers, v1_template_annotation};
use crate::parse::terraform::TfFile;
use crate::rules::{Cx, Rule, declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags Cloud Run services with CPU always allocated: `cpu_idle = false` on a v2
    /// container, a v2 `resources` block without `cpu_idle = true` (once `resources` is set,
    /// the provider's default is CPU always allocated), or the
    /// `run.googleapis.com/cpu-throttling = "false"` annotation on a v1 revision template;
    /// the same inputs given to the `GoogleCloudPlatform/cloud-run/google` module.
    ///
    /// ## Why is this bad?
    /// With CPU always allocated, Cloud Run switches to instance-based billing: the whole
    /// lifetime of every instance is billed, not just the time spent serving requests, and
    /// the request-based free allowance (180,000 vCPU-seconds, 360,000 GiB-seconds and
    /// 2 million requests a month) no longer covers it. A stream or background loop held
    /// open keeps the instance billed; agents should poll or long-poll instead.
    ///
    /// ## Example
    /// ```hcl
    /// containers {
    ///   resources {
    ///     cpu_idle = false
    ///   }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```hcl
    /// containers {
    ///   resources {
    ///     cpu_idle = true
    ///   }
    /// }
    /// ```
    ///
    /// ## References
    /// - Cloud Run pricing, billing settings and free tier: <https://cloud.google.com/run/pricing> (as published, checked 2026-11)
    /// - CPU allocation: <https://cloud.google.com/run/docs/configuring/billing-settings>
    /// - `cpu_idle` in the Terraform provider ("if resources is set, this field must be explicitly set to true"): <https://registry.terraform.io/providers/hashicorp/google/latest/docs/resources/cloud_run_v2_service> (as published, checked 2026-11)
    pub struct CloudRunCpuAlwaysAllocated {
        code: "FT003",
        name: "cloud-run-cpu-always-allocated",
        family: FreeTier,
        severity: Error,
        summary: "Cloud Run CPU always allocated (instance-based billing)",
        fix: "use request-based billing: `cpu_idle = true` (v2) or drop the `run.googleapis.com/cpu-throttling = \"false\"` annotation (v1)",
    }
}

impl Rule for CloudRunCpuAlwaysAllocated {
    rule_meta!();

    fn terraform(&self, file: &TfFile, cx: &mut Cx<'_>) {
        for service in cloud_run_services(file) {
            let name = service.label(1);
            if service.label(0) == CLOUD_RUN_V1 {
                if let Some((value, span)) =
                    v1_template_annotation(service, "run.googleapis.com/cpu-throttling")
                    && value.as_bool() == Some(false)
                {
                    cx.report_span(
                        span.clone(),
                        format!("Cloud Run service `{name}` disables CPU throttling"),
                    );
                }
                continue;
            }
            for container in containers(service) {
                let Some(resources) = container.body.block("resources") else {
                    continue;
                };
                match resources.body.attr("cpu_idle") {
                    Some(attr) if attr.value.as_bool() == Some(false) => {
                        cx.report_span(
                            attr.span.clone(),
                            format!("Cloud Run service `{name}` keeps CPU allocated when idle"),
                        );
                    }
                    Some(_) => {}
                    // "True by default if the parent resources field is not set. However, if
                    // resources is set, this field must be explicitly set to true."
                    None => {
                        cx.report_span(
                            resources.ident_span.clone(),
                            format!(
                                "Cloud Run service `{name}` sets `resources` without `cpu_idle = true`, \
                                 so CPU stays allocated when idle"
                            ),
                        );
                    }
                }
            }
        }
        // The module's v2 containers default `cpu_idle` to true; v1 throttles unless told.
        for module in cloud_run_modules(file) {
            let name = module.name();
            let disabled = match module.api {
                Api::V1 => match module.v1_annotation("run.googleapis.com/cpu-throttling") {
                    Input::Given(value, span) if value.as_bool() == Some(false) => Some(span),
                    _ => None,
                },
                Api::V2 => module
                    .v2_resources()
                    .into_iter()
                    .find_map(|(resources, _)| {
                        resources
                            .get("cpu_idle")
                            .filter(|(value, _)| value.as_bool() == Some(false))
                            .map(|(_, span)| span.clone())
                    }),
            };
            if let Some(span) = disabled {
                cx.report_span(
                    span,
                    format!("Cloud Run module `{name}` keeps CPU allocated when idle"),
                );
            }
        }
    }
}
