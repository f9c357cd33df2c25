use super::known_modules::billed_modules;
use crate::parse::terraform::TfFile;
use crate::rules::{Cx, Rule, declare_rule, rule_meta};

/// Resource types with no always-free allowance, and what they are.
const PAID: &[(&str, &str)] = &[
    ("google_redis_instance", "Memorystore for Redis"),
    ("google_redis_cluster", "Memorystore for Redis Cluster"),
    ("google_memcache_instance", "Memorystore for Memcached"),
    ("google_sql_database_instance", "Cloud SQL"),
    ("google_alloydb_cluster", "AlloyDB"),
    ("google_alloydb_instance", "AlloyDB"),
    ("google_spanner_instance", "Cloud Spanner"),
    ("google_bigtable_instance", "Bigtable"),
    ("google_filestore_instance", "Filestore"),
    ("google_compute_router_nat", "Cloud NAT"),
    (
        "google_compute_forwarding_rule",
        "a load balancer forwarding rule",
    ),
    (
        "google_compute_global_forwarding_rule",
        "a global load balancer forwarding rule",
    ),
    ("google_compute_vpn_gateway", "Cloud VPN"),
    ("google_compute_ha_vpn_gateway", "Cloud VPN"),
    (
        "google_vpc_access_connector",
        "Serverless VPC Access (billed as VMs)",
    ),
    ("google_container_cluster", "GKE (node VMs are billed)"),
    ("google_container_node_pool", "GKE nodes"),
    ("google_composer_environment", "Cloud Composer"),
    ("google_dataproc_cluster", "Dataproc"),
    (
        "google_workstations_workstation_cluster",
        "Cloud Workstations",
    ),
];

declare_rule! {
    /// ## What it does
    /// Flags resources of services that have no always-free allowance: Memorystore
    /// (Redis, Memcached), Cloud SQL, AlloyDB, Spanner, Bigtable, Filestore, Cloud NAT,
    /// load balancer forwarding rules, Cloud VPN, Serverless VPC Access connectors, GKE
    /// clusters and node pools, Composer, Dataproc and Cloud Workstations; and calls of
    /// the terraform-google-modules modules that create them (`sql-db`, `memorystore`,
    /// `lb-http`, `vpn`, `cloud-nat`, `kubernetes-engine`, with their submodules that do).
    ///
    /// ## Why is this bad?
    /// Each of these is billed by the hour from the moment it exists, whether or not it
    /// serves traffic: a small Memorystore or Cloud SQL instance alone costs more a month
    /// than a whole free-tier stack. On the free tier, run Redis on the e2-micro VM, keep
    /// Postgres on Supabase's free plan, and let Cloud Run's own HTTPS endpoint replace a
    /// load balancer.
    ///
    /// ## Example
    /// ```hcl
    /// resource "google_redis_instance" "cache" {
    ///   name           = "cache"
    ///   memory_size_gb = 1
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Run Redis on the free e2-micro VM (or in Compose for local development), and use the
    /// `*.run.app` URL or a Cloud Run domain mapping instead of a load balancer.
    ///
    /// ## References
    /// - Google Cloud free features (the list of services with a free tier): <https://cloud.google.com/free/docs/free-cloud-features> (as published, checked 2026-11)
    /// - Memorystore pricing: <https://cloud.google.com/memorystore/docs/redis/pricing> (as published, checked 2026-11)
    /// - Cloud SQL pricing: <https://cloud.google.com/sql/pricing> (as published, checked 2026-11)
    /// - Cloud NAT pricing: <https://cloud.google.com/nat/pricing> (as published, checked 2026-11)
    /// - Load balancing pricing: <https://cloud.google.com/vpc/network-pricing#lb> (as published, checked 2026-11)
    pub struct ResourceWithoutFreeTier {
        code: "FT011",
        name: "resource-without-free-tier",
        family: FreeTier,
        severity: Error,
        summary: "resource of a service with no free tier",
        fix: "remove it, or replace it with a free-tier equivalent (Redis on the VM, Supabase Postgres, Cloud Run's own URL)",
    }
}

impl Rule for ResourceWithoutFreeTier {
    rule_meta!();

    fn terraform(&self, file: &TfFile, cx: &mut Cx<'_>) {
        for resource in file.resources() {
            if let Some((kind, what)) = PAID.iter().find(|(t, _)| *t == resource.label(0)) {
                cx.report_span(
                    resource.ident_span.start..resource.span.end,
                    format!(
                        "`{kind}.{}` is {what}, which has no free tier",
                        resource.label(1)
                    ),
                );
            }
        }
        for (module, what) in billed_modules(file) {
            cx.report_span(
                module.ident_span.start..module.span.end,
                format!(
                    "module `{}` creates {what}, which has no free tier",
                    module.label(0)
                ),
            );
        }
    }
}
