use crate::parse::terraform::{TfBlock, TfFile, TfVal};
use crate::rules::{Cx, Rule, declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags `google_sql_database_instance` resources that
    /// - have a public IPv4 address (`settings.ip_configuration.ipv4_enabled` is not
    ///   `false`; it is `true` when unset),
    /// - authorise `0.0.0.0/0` in `authorized_networks`, or
    /// - with a public address open to authorised networks, accept unencrypted
    ///   connections (`ssl_mode` is not `ENCRYPTED_ONLY` or
    ///   `TRUSTED_CLIENT_CERTIFICATE_REQUIRED`, and the older `require_ssl` is not
    ///   `true`). With no authorised network only the Cloud SQL connectors and Auth
    ///   Proxy reach the address, and they always use TLS.
    ///
    /// ## Why is this bad?
    /// A database on a public address is scanned and brute-forced from the moment it
    /// exists; one weak or leaked password is then enough. Authorising `0.0.0.0/0` removes
    /// the last filter. Without required TLS, credentials and data can cross the internet
    /// in clear text. The Cloud SQL Auth Proxy, the connectors and Cloud Run's Cloud SQL
    /// integration all work without a public IP (through private IP), or with one and no
    /// authorised networks (they use IAM, not the IP allow list).
    ///
    /// ## Example
    /// ```hcl
    /// resource "google_sql_database_instance" "main" {
    ///   database_version = "POSTGRES_16"
    ///   settings {
    ///     tier = "db-f1-micro"
    ///   }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```hcl
    /// resource "google_sql_database_instance" "main" {
    ///   database_version = "POSTGRES_16"
    ///   settings {
    ///     tier = "db-f1-micro"
    ///     ip_configuration {
    ///       ipv4_enabled    = false
    ///       private_network = google_compute_network.main.id
    ///       ssl_mode        = "ENCRYPTED_ONLY"
    ///     }
    ///   }
    /// }
    /// ```
    /// (Cloud SQL has no free tier: FT011. For the checklist's stack, Supabase's free
    /// Postgres is the database.)
    ///
    /// ## References
    /// - Cloud SQL IP configuration: <https://cloud.google.com/sql/docs/postgres/configure-ip>
    /// - checkov CKV_GCP_11, CKV_GCP_60, CKV2_GCP_13: <https://www.checkov.io/5.Policy%20Index/terraform.html>
    pub struct CloudSqlPublic {
        code: "ST006",
        name: "cloud-sql-public",
        family: State,
        severity: Error,
        summary: "Cloud SQL instance on a public IP, open to the internet or without required TLS",
        fix: "set `ipv4_enabled = false` with a `private_network`, or at least `ssl_mode = \"ENCRYPTED_ONLY\"` and no `0.0.0.0/0`",
    }
}

const ENCRYPTED_MODES: &[&str] = &["ENCRYPTED_ONLY", "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"];

fn open_to_all(block: &TfBlock) -> bool {
    block
        .body
        .attr("value")
        .is_some_and(|a| matches!(a.value.as_str(), Some("0.0.0.0/0")))
}

impl Rule for CloudSqlPublic {
    rule_meta!();

    fn terraform(&self, file: &TfFile, cx: &mut Cx<'_>) {
        for instance in file.resources_of(&["google_sql_database_instance"]) {
            let name = format!("google_sql_database_instance.{}", instance.label(1));
            let settings = instance.body.block("settings");
            // Built from variables: the caller's values decide.
            let dynamic = settings.is_some_and(|s| {
                s.body
                    .blocks("dynamic")
                    .any(|d| d.label(0) == "ip_configuration")
            });
            if dynamic {
                continue;
            }
            let ip = instance.body.path(&["settings", "ip_configuration"]);
            let ipv4 = ip.and_then(|ip| ip.body.attr("ipv4_enabled"));
            let public = match ipv4.map(|a| &a.value) {
                None => true,
                Some(TfVal::Expr(_)) => continue,
                Some(value) => value.as_bool() != Some(false),
            };
            if !public {
                continue;
            }
            let whole = instance.ident_span.start..instance.span.end;
            let span = ipv4.map_or(whole, |a| a.span.clone());
            cx.report_span(span.clone(), format!("`{name}` has a public IP address"));
            if let Some(ip) = ip {
                for network in ip
                    .body
                    .blocks("authorized_networks")
                    .filter(|b| open_to_all(b))
                {
                    cx.report_span(
                        network.ident_span.start..network.span.end,
                        format!("`{name}` accepts connections from any address (`0.0.0.0/0`)"),
                    );
                }
            }
            // With no authorised network, only the Cloud SQL connectors and Auth Proxy,
            // which always use TLS, can reach the public address.
            let authorised =
                ip.is_some_and(|ip| ip.body.blocks("authorized_networks").next().is_some());
            if !authorised {
                continue;
            }
            let ssl_mode = ip.and_then(|ip| ip.body.attr("ssl_mode"));
            let require_ssl = ip.and_then(|ip| ip.body.attr("require_ssl"));
            let encrypted = ssl_mode.is_some_and(|a| {
                matches!(a.value, TfVal::Expr(_))
                    || a.value
                        .as_str()
                        .is_some_and(|mode| ENCRYPTED_MODES.contains(&mode))
            }) || require_ssl.is_some_and(|a| {
                matches!(a.value, TfVal::Expr(_)) || a.value.as_bool() == Some(true)
            });
            if !encrypted {
                cx.report_span(
                    ssl_mode.map_or(span, |a| a.span.clone()),
                    format!(
                        "`{name}` accepts unencrypted connections from its authorised networks"
                    ),
                );
            }
        }
    }
}
