use super::cloud_run_module::{Api, cloud_run_modules};
use super::{cloud_run_services, containers, quantity_bytes};
use crate::parse::terraform::{TfFile, TfVal};
use crate::rules::{Cx, Rule, declare_rule, rule_meta};

const LIMIT: f64 = 512.0 * 1024.0 * 1024.0;

declare_rule! {
    /// ## What it does
    /// Flags Cloud Run containers whose memory limit is above `512Mi`, or is not a literal,
    /// written as resources or given to the `GoogleCloudPlatform/cloud-run/google` module
    /// (`limits`, or `containers[].resources.limits` of its v2 submodule).
    ///
    /// ## Why is this bad?
    /// Cloud Run bills memory by the GiB-second. The always-free allowance is 360,000
    /// GiB-seconds a month (request-based billing): at 512 MiB that is 200 hours of busy
    /// instance time, at 2 GiB only 50. The free-tier checklist hard-codes `512Mi`.
    ///
    /// ## Example
    /// ```hcl
    /// containers {
    ///   resources {
    ///     limits = { memory = "2Gi", cpu = "1" }
    ///   }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```hcl
    /// containers {
    ///   resources {
    ///     limits = { memory = "512Mi", cpu = "1" }
    ///   }
    /// }
    /// ```
    ///
    /// ## References
    /// - Cloud Run pricing, free tier: <https://cloud.google.com/run/pricing> (as published, checked 2026-11)
    /// - Memory limits: <https://cloud.google.com/run/docs/configuring/services/memory-limits>
    pub struct CloudRunMemoryAbove512Mi {
        code: "FT002",
        name: "cloud-run-memory-above-512mi",
        family: FreeTier,
        severity: Error,
        summary: "Cloud Run container memory limit above 512Mi",
        fix: "set `limits = { memory = \"512Mi\" }` as a literal",
    }
}

impl Rule for CloudRunMemoryAbove512Mi {
    rule_meta!();

    fn terraform(&self, file: &TfFile, cx: &mut Cx<'_>) {
        for service in cloud_run_services(file) {
            for container in containers(service) {
                let Some(limits) = container
                    .body
                    .block("resources")
                    .and_then(|r| r.body.attr("limits"))
                else {
                    continue;
                };
                let Some((memory, span)) = limits.value.get("memory") else {
                    continue;
                };
                let what = format!("Cloud Run service `{}`", service.label(1));
                judge_memory(&what, memory, span.clone(), cx);
            }
        }
        for module in cloud_run_modules(file) {
            let what = format!("Cloud Run module `{}`", module.name());
            let limits: Vec<&TfVal> = match module.api {
                Api::V1 => module.v1_limits().into_iter().collect(),
                Api::V2 => module
                    .v2_resources()
                    .into_iter()
                    .filter_map(|(resources, _)| resources.get("limits").map(|(limits, _)| limits))
                    .collect(),
            };
            for limits in limits {
                if let Some((memory, span)) = limits.get("memory") {
                    judge_memory(&what, memory, span.clone(), cx);
                }
            }
        }
    }
}

/// Reports a memory limit above the free tier's, or one that is not a literal.
fn judge_memory(what: &str, memory: &TfVal, span: std::ops::Range<usize>, cx: &mut Cx<'_>) {
    match memory {
        TfVal::Str(q) => match quantity_bytes(q) {
            Some(bytes) if bytes <= LIMIT => {}
            _ => {
                cx.report_span(span, format!("{what} asks for `{q}` of memory"));
            }
        },
        other => {
            cx.report_span(
                span,
                format!(
                    "{what} takes its memory limit from `{}`, not a literal",
                    other.canonical()
                ),
            );
        }
    }
}
