use crate::rules::{Project, ProjectCx, Rule, declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Warns when a repository's Terraform creates Google Cloud resources but no
    /// `google_billing_budget` anywhere, nor a `project-factory` module (or its `budget`
    /// submodule) given a `budget_amount`, which creates one. Each repository (the
    /// nearest folder holding `.git`, else each path given) is judged on its own.
    ///
    /// ## Why is this bad?
    /// Every rule in this family prevents a known way of leaving the free tier; a budget
    /// alert catches the unknown ones (a runaway log sink, egress, a console click). Budgets
    /// cost nothing, and a budget of a few dollars with e-mail or Pub/Sub notifications
    /// turns a surprise bill into a same-day alert. Budgets alert; they do not cap spend.
    ///
    /// ## Example
    /// A configuration with a `google_cloud_run_v2_service` and no budget.
    ///
    /// ## Use instead
    /// ```hcl
    /// resource "google_billing_budget" "free_tier" {
    ///   billing_account = var.billing_account
    ///   display_name    = "free tier"
    ///   amount {
    ///     specified_amount {
    ///       currency_code = "USD"
    ///       units         = "1"
    ///     }
    ///   }
    ///   threshold_rules {
    ///     threshold_percent = 0.5
    ///   }
    /// }
    /// ```
    ///
    /// ## References
    /// - Create, edit, or delete budgets and budget alerts: <https://cloud.google.com/billing/docs/how-to/budgets> (as published, checked 2026-11)
    /// - Terraform `google_billing_budget`: <https://registry.terraform.io/providers/hashicorp/google/latest/docs/resources/billing_budget>
    pub struct NoBudgetAlert {
        code: "FT012",
        name: "no-budget-alert",
        family: FreeTier,
        severity: Warning,
        summary: "Google Cloud resources without a billing budget alert",
        fix: "add a `google_billing_budget` with a small amount and threshold rules",
    }
}

/// A module that makes a budget from its inputs: terraform-google-modules'
/// `project-factory` (and its `budget` submodule) given a `budget_amount`.
fn creates_a_budget(module: &crate::parse::terraform::TfBlock) -> bool {
    let source = module
        .body
        .attr("source")
        .and_then(|attr| attr.value.as_str())
        .unwrap_or("");
    let budget_module = source.contains("project-factory") || source.contains("modules/budget");
    budget_module
        && module
            .body
            .attr("budget_amount")
            .is_some_and(|attr| attr.value != crate::parse::terraform::TfVal::Null)
}

impl Rule for NoBudgetAlert {
    rule_meta!();

    /// Once per repository: a budget in one repository does not cover another's project.
    fn project(&self, project: &Project, cx: &mut ProjectCx<'_>) {
        for files in project
            .by_repository(&project.terraform, |f| &f.src)
            .into_values()
        {
            let has_budget = files.iter().any(|f| {
                f.resources_of(&["google_billing_budget"]).next().is_some()
                    || f.body.blocks("module").any(creates_a_budget)
            });
            if has_budget {
                continue;
            }
            let first = files.iter().find_map(|f| {
                f.resources()
                    .find(|r| r.label(0).starts_with("google_"))
                    .map(|r| (*f, r))
            });
            if let Some((file, resource)) = first {
                let loc = file.src.loc(resource.ident_span.start..resource.span.end);
                cx.report(&file.src, loc, "Google Cloud resources are declared but no `google_billing_budget` alerts on spend");
            }
        }
    }
}
