use crate::parse::terraform::{TfFile, TfVal};
use crate::rules::{Cx, Rule, declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags ways into a VM that bypass Google's identity checks:
    /// - `google_compute_instance` (and instance templates) with an external IP (an
    ///   `access_config` block in a `network_interface`);
    /// - SSH keys in project metadata (`google_compute_project_metadata` or `_item` with
    ///   `ssh-keys`) while OS Login is not enabled there (`enable-oslogin = "TRUE"`);
    /// - an instance that turns OS Login off (`enable-oslogin = "FALSE"` in its metadata).
    ///
    /// ## Why is this bad?
    /// A VM with an external address is on the internet: every open port is scanned
    /// within minutes, and a Redis or a debug server bound to all interfaces is found.
    /// Project-wide SSH keys open every VM of the project to whoever holds any one of
    /// them, forever: they are not tied to a person, are not removed when someone leaves,
    /// and leave no audit trail. OS Login ties SSH to IAM identities (with 2-step
    /// verification), and IAP TCP forwarding reaches a VM with no external IP at all.
    ///
    /// On the free tier the e2-micro's external IP is also its only free way out to
    /// the internet (Cloud NAT is billed): a VM that must fetch packages keeps it, behind
    /// firewall rules that admit nothing but IAP (`35.235.240.0/20`), and says so with a
    /// `ripcord:ignore ST007 <reason>`.
    ///
    /// ## Example
    /// ```hcl
    /// resource "google_compute_project_metadata_item" "keys" {
    ///   key   = "ssh-keys"
    ///   value = "alice:ssh-ed25519 AAAA…"
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```hcl
    /// resource "google_compute_project_metadata_item" "oslogin" {
    ///   key   = "enable-oslogin"
    ///   value = "TRUE"
    /// }
    /// ```
    /// and grant `roles/compute.osAdminLogin` to the people who need it.
    ///
    /// ## References
    /// - OS Login: <https://cloud.google.com/compute/docs/oslogin>
    /// - IAP TCP forwarding: <https://cloud.google.com/iap/docs/using-tcp-forwarding>
    /// - checkov CKV_GCP_32, CKV_GCP_34, CKV_GCP_40: <https://www.checkov.io/5.Policy%20Index/terraform.html>
    pub struct VmExposed {
        code: "ST007",
        name: "vm-exposed",
        family: State,
        severity: Warning,
        summary: "VM with an external IP, or SSH keys without OS Login",
        fix: "drop `access_config` and reach the VM through IAP; enable OS Login instead of SSH keys in metadata",
    }
}

const INSTANCES: &[&str] = &[
    "google_compute_instance",
    "google_compute_instance_template",
    "google_compute_region_instance_template",
];

/// A metadata map's value for `key`, as text.
fn metadata_value<'a>(metadata: &'a TfVal, key: &str) -> Option<&'a str> {
    metadata.get(key).and_then(|(value, _)| value.as_str())
}

fn enabled(value: Option<&str>) -> bool {
    value.is_some_and(|v| v.eq_ignore_ascii_case("true"))
}

impl Rule for VmExposed {
    rule_meta!();

    fn terraform(&self, file: &TfFile, cx: &mut Cx<'_>) {
        for vm in file.resources_of(INSTANCES) {
            let name = format!("{}.{}", vm.label(0), vm.label(1));
            for interface in vm.body.blocks("network_interface") {
                if let Some(access) = interface.body.block("access_config") {
                    cx.report_span(
                        access.ident_span.start..access.span.end,
                        format!("`{name}` has an external IP: it is reachable from the internet"),
                    );
                }
            }
            if let Some(metadata) = vm.body.attr("metadata")
                && let Some((value, span)) = metadata.value.get("enable-oslogin")
                && value
                    .as_str()
                    .is_some_and(|v| v.eq_ignore_ascii_case("false"))
            {
                cx.report_span(span.clone(), format!("`{name}` turns OS Login off"));
            }
        }
        let project_oslogin = file
            .resources_of(&["google_compute_project_metadata_item"])
            .any(|item| {
                item.body.attr("key").and_then(|k| k.value.as_str()) == Some("enable-oslogin")
                    && enabled(item.body.attr("value").and_then(|v| v.value.as_str()))
            })
            || file
                .resources_of(&["google_compute_project_metadata"])
                .any(|m| {
                    m.body.attr("metadata").is_some_and(|metadata| {
                        enabled(metadata_value(&metadata.value, "enable-oslogin"))
                    })
                });
        if project_oslogin {
            return;
        }
        for item in file.resources_of(&["google_compute_project_metadata_item"]) {
            if let Some(key) = item.body.attr("key")
                && matches!(key.value.as_str(), Some("ssh-keys" | "sshKeys"))
            {
                cx.report_span(
                    item.ident_span.start..item.span.end,
                    "SSH keys in project metadata open every VM of the project, and OS Login is not enabled",
                );
            }
        }
        for project in file.resources_of(&["google_compute_project_metadata"]) {
            if let Some(metadata) = project.body.attr("metadata")
                && let Some((_, span)) = metadata
                    .value
                    .get("ssh-keys")
                    .or_else(|| metadata.value.get("sshKeys"))
            {
                cx.report_span(
                    span.clone(),
                    "SSH keys in project metadata open every VM of the project, and OS Login is not enabled",
                );
            }
        }
    }
}
