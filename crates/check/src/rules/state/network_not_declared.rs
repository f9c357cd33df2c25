use crate::rules::{Project, ProjectCx, Rule, declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags VMs (`google_compute_instance`, `google_compute_instance_template`) and
    /// firewall rules when the repository's Terraform declares no `google_compute_network`
    /// (neither a `resource` nor a `data` source).
    ///
    /// ## Why is this bad?
    /// A VM that silently lands on the project's auto-created `default` network inherits
    /// whatever firewall rules someone once clicked together (the default network ships
    /// with rules that open SSH and RDP to the internet). Declaring the network in code,
    /// even if it is the default VPC, makes its subnets and firewall rules reviewable and
    /// lets `terraform plan` show drift.
    ///
    /// ## Example
    /// ```hcl
    /// resource "google_compute_instance" "vm" {
    ///   network_interface {
    ///     network = "default"
    ///   }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```hcl
    /// resource "google_compute_network" "default" {
    ///   name                    = "default"
    ///   auto_create_subnetworks = true
    /// }
    ///
    /// resource "google_compute_instance" "vm" {
    ///   network_interface {
    ///     network = google_compute_network.default.id
    ///   }
    /// }
    /// ```
    ///
    /// ## References
    /// - Default network and its firewall rules: <https://cloud.google.com/vpc/docs/vpc#default-network>
    /// - Terraform `google_compute_network`: <https://registry.terraform.io/providers/hashicorp/google/latest/docs/resources/compute_network>
    pub struct NetworkNotDeclared {
        code: "ST003",
        name: "network-not-declared",
        family: State,
        severity: Warning,
        summary: "VMs or firewall rules without a network declared in code",
        fix: "declare the network (`resource \"google_compute_network\"`, or a `data` source) and reference it",
    }
}

const USERS: &[&str] = &[
    "google_compute_instance",
    "google_compute_instance_template",
    "google_compute_firewall",
];

impl Rule for NetworkNotDeclared {
    rule_meta!();

    fn project(&self, project: &Project, cx: &mut ProjectCx<'_>) {
        let declared = project.terraform.iter().any(|f| {
            f.resources_of(&["google_compute_network"]).next().is_some()
                || f.body
                    .blocks("data")
                    .any(|d| d.label(0) == "google_compute_network")
        });
        if declared {
            return;
        }
        for file in &project.terraform {
            for user in file.resources_of(USERS) {
                let span = user
                    .body
                    .block("network_interface")
                    .and_then(|n| n.body.attr("network"))
                    .map_or(user.ident_span.start..user.span.end, |a| a.span.clone());
                let loc = file.src.loc(span);
                cx.report(
                    &file.src,
                    loc,
                    format!(
                        "`{}.{}` uses a network that is not declared in code",
                        user.label(0),
                        user.label(1)
                    ),
                );
            }
        }
    }
}
