use super::{cloud_run_services, containers, quantity_bytes};
use crate::parse::terraform::{TfFile, TfVal};
use crate::rules::{Cx, Rule, declare_rule, rule_meta};

const LIMIT: f64 = 512.0 * 1024.0 * 1024.0;

declare_rule! {
    /// ## What it does
    /// Flags Cloud Run containers whose memory limit is above `512Mi`, or is not a literal.
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
                let name = service.label(1);
                match memory {
                    TfVal::Str(q) => match quantity_bytes(q) {
                        Some(bytes) if bytes <= LIMIT => {}
                        _ => {
                            cx.report_span(
                                span.clone(),
                                format!("Cloud Run service `{name}` asks for `{q}` of memory"),
                            );
                        }
                    },
                    other => {
                        cx.report_span(
                            span.clone(),
                            format!("Cloud Run service `{name}` takes its memory limit from `{}`, not a literal", other.canonical()),
                        );
                    }
                }
            }
        }
    }
}
