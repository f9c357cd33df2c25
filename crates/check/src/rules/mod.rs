//! The rules: one module per family, one file per rule, one registry table ([`RULES`]).
//!
//! A rule is a unit struct declared with [`declare_rule!`], whose doc comment (under the
//! headings What it does / Why is this bad? / Example / Use instead / References) is the
//! rule's page: `ripcord check --explain CODE` prints it and `docs/rules/CODE.md` is
//! generated from it. A rule implements [`Rule`], overriding only the hooks it needs.
//! Codes are never reused: a removed rule keeps its row with [`Status::Removed`].

use crate::diagnostic::{Finding, Severity};
use crate::parse::dockerfile::Dockerfile;
use crate::parse::terraform::TfFile;
use crate::parse::yaml::YamlFile;
use crate::source::{Loc, Source};

pub mod compose;
pub mod dockerfile;
pub mod free_tier;
pub mod meta;
pub mod parity;
pub mod state;
pub mod workflow;

/// Rule families, as shown in docs and SARIF tags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    FreeTier,
    State,
    Dockerfile,
    Compose,
    Workflow,
    Parity,
    Meta,
}

impl Family {
    pub fn as_str(self) -> &'static str {
        match self {
            Family::FreeTier => "free-tier",
            Family::State => "state-and-network",
            Family::Dockerfile => "dockerfile",
            Family::Compose => "compose",
            Family::Workflow => "github-workflows",
            Family::Parity => "parity",
            Family::Meta => "ripcord",
        }
    }
}

/// Lifecycle of a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Stable,
    Preview,
    Deprecated,
    /// Kept so the code is never reused; the rule no longer runs.
    Removed,
}

/// What the registry knows about a rule.
#[derive(Debug)]
pub struct RuleMeta {
    pub code: &'static str,
    pub name: &'static str,
    pub family: Family,
    pub severity: Severity,
    pub status: Status,
    /// One line: what the rule finds.
    pub summary: &'static str,
    /// One line: how to fix a finding (the `help` of each finding).
    pub fix: &'static str,
    /// The rule's page in Markdown (its doc comment).
    pub doc: &'static str,
}

impl RuleMeta {
    /// The doc comment with the one leading space of each `///` line removed.
    pub fn doc_text(&self) -> String {
        let mut out = String::new();
        for line in self.doc.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out.trim().to_string() + "\n"
    }
}

/// Declares a rule: its doc comment becomes [`RuleMeta::doc`].
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        pub struct $name:ident {
            code: $code:literal,
            name: $rname:literal,
            family: $family:ident,
            severity: $severity:ident,
            summary: $summary:literal,
            fix: $fix:literal $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        pub struct $name;

        impl $name {
            pub const META: $crate::rules::RuleMeta = $crate::rules::RuleMeta {
                code: $code,
                name: $rname,
                family: $crate::rules::Family::$family,
                severity: $crate::diagnostic::Severity::$severity,
                status: $crate::rules::Status::Stable,
                summary: $summary,
                fix: $fix,
                doc: concat!($($doc, "\n"),*),
            };
        }
    };
}
pub(crate) use declare_rule;

/// Where a rule reports findings for one file.
pub struct Cx<'a> {
    pub meta: &'static RuleMeta,
    pub src: &'a Source,
    /// The day dated facts are compared against ([`crate::engine::Selection::today`]).
    pub today: jiff::civil::Date,
    pub out: &'a mut Vec<Finding>,
}

impl Cx<'_> {
    pub fn report(&mut self, loc: Loc, message: impl Into<String>) -> &mut Finding {
        self.out
            .push(Finding::new(self.meta, self.src, loc, message));
        let last = self.out.len() - 1;
        &mut self.out[last]
    }

    pub fn report_span(
        &mut self,
        span: std::ops::Range<usize>,
        message: impl Into<String>,
    ) -> &mut Finding {
        let loc = self.src.loc(span);
        self.report(loc, message)
    }
}

/// Everything discovered under the checked paths, parsed.
#[derive(Debug, Default)]
pub struct Project {
    pub terraform: Vec<TfFile>,
    pub dockerfiles: Vec<Dockerfile>,
    pub compose: Vec<YamlFile>,
    pub workflows: Vec<YamlFile>,
    /// Actions' metadata (`action.yml`): what a workflow's `uses: ./path` runs.
    pub actions: Vec<YamlFile>,
    /// Kubernetes manifests, kustomizations and Helm values (parity reads them).
    pub kubernetes: Vec<YamlFile>,
    /// `.tfvars` files.
    pub tfvars: Vec<TfFile>,
    /// Folders of Terraform that hold an `examples/` folder: reusable modules in the
    /// Terraform registry's layout, whose callers (the examples, other repositories) are
    /// the root modules. Read from disk by the engine; empty for sources in memory.
    pub reusable_modules: std::collections::BTreeSet<std::path::PathBuf>,
    /// The paths the check was given (none for sources in memory).
    pub walked: Vec<std::path::PathBuf>,
}

impl Project {
    /// The repository a file belongs to, for rules about what a whole repository lacks:
    /// the nearest folder holding `.git` within the path given, else the path given that
    /// holds it (one repository for sources in memory).
    pub fn repository_of(&self, src: &crate::source::Source) -> std::path::PathBuf {
        for folder in src.path.ancestors().skip(1) {
            let given = self.walked.iter().any(|walked| walked == folder);
            if folder.join(".git").exists() || given {
                return folder.to_path_buf();
            }
            if self.walked.iter().all(|walked| !folder.starts_with(walked)) {
                break;
            }
        }
        std::path::PathBuf::new()
    }

    /// Files of one kind grouped by [`Project::repository_of`], in a stable order.
    pub fn by_repository<'a, T>(
        &self,
        files: &'a [T],
        src: impl Fn(&T) -> &crate::source::Source,
    ) -> std::collections::BTreeMap<std::path::PathBuf, Vec<&'a T>> {
        let mut groups: std::collections::BTreeMap<std::path::PathBuf, Vec<&'a T>> =
            std::collections::BTreeMap::new();
        for file in files {
            groups
                .entry(self.repository_of(src(file)))
                .or_default()
                .push(file);
        }
        groups
    }
}

/// Where a rule reports findings about a whole project.
pub struct ProjectCx<'a> {
    pub meta: &'static RuleMeta,
    pub out: &'a mut Vec<Finding>,
}

impl ProjectCx<'_> {
    pub fn report(&mut self, src: &Source, loc: Loc, message: impl Into<String>) -> &mut Finding {
        self.out.push(Finding::new(self.meta, src, loc, message));
        let last = self.out.len() - 1;
        &mut self.out[last]
    }
}

/// A rule: hooks with empty defaults, so each rule overrides only what it reads.
pub trait Rule: Sync + Send {
    fn meta(&self) -> &'static RuleMeta;
    /// Each `.tf` file (not `.tfvars`).
    fn terraform(&self, _file: &TfFile, _cx: &mut Cx<'_>) {}
    fn dockerfile(&self, _file: &Dockerfile, _cx: &mut Cx<'_>) {}
    fn compose(&self, _file: &YamlFile, _cx: &mut Cx<'_>) {}
    fn workflow(&self, _file: &YamlFile, _cx: &mut Cx<'_>) {}
    /// Once per run, after every file was parsed: for rules about what is missing.
    fn project(&self, _project: &Project, _cx: &mut ProjectCx<'_>) {}
}

macro_rules! registry {
    ($($path:path),* $(,)?) => {
        /// Every rule, in code order. One line per rule; codes are never reused.
        pub static RULES: &[&dyn Rule] = &[$(&$path),*];
    };
}

registry![
    // free tier (GCP)
    free_tier::cloud_run_max_instances::CloudRunMaxInstancesAboveOne,
    free_tier::cloud_run_memory::CloudRunMemoryAbove512Mi,
    free_tier::cloud_run_cpu_always_allocated::CloudRunCpuAlwaysAllocated,
    free_tier::cloud_run_min_instances::CloudRunMinInstances,
    free_tier::compute_machine_type::ComputeMachineTypeNotE2Micro,
    free_tier::compute_region::ComputeOutsideFreeRegion,
    free_tier::compute_disk::ComputeDiskOverFreeTier,
    free_tier::more_than_one_vm::MoreThanOneVm,
    free_tier::bucket_outside_free_tier::BucketOutsideFreeTier,
    free_tier::kms_key::KmsKey,
    free_tier::no_free_tier_resource::ResourceWithoutFreeTier,
    free_tier::no_budget_alert::NoBudgetAlert,
    // state and network
    state::backend_not_gcs::BackendNotGcs,
    state::state_bucket_versioning::StateBucketWithoutVersioning,
    state::network_not_declared::NetworkNotDeclared,
    state::module_not_pinned::ModuleNotPinned,
    state::bucket_public::BucketPublic,
    state::cloud_sql_public::CloudSqlPublic,
    state::vm_exposed::VmExposed,
    // Dockerfile
    dockerfile::final_stage_not_distroless::FinalStageNotDistroless,
    dockerfile::runs_as_root::RunsAsRoot,
    dockerfile::base_image_not_pinned::BaseImageNotPinned,
    dockerfile::copy_from_image_not_pinned::CopyFromImageNotPinned,
    dockerfile::no_multi_stage::NoMultiStageForCompiled,
    dockerfile::add_from_url::AddFromUrl,
    dockerfile::curl_pipe_shell::CurlPipeShell,
    dockerfile::secret_in_env::SecretInEnvOrArg,
    dockerfile::install_ignores_lockfile::InstallIgnoresLockfile,
    dockerfile::no_source_date_epoch::NoSourceDateEpoch,
    dockerfile::pipe_without_pipefail::PipeWithoutPipefail,
    dockerfile::secret_copied::SecretCopiedIntoImage,
    dockerfile::end_of_life_base::EndOfLifeBaseImage,
    dockerfile::image_leftovers::ImageLeftovers,
    // Compose
    compose::no_healthcheck::ServiceWithoutHealthcheck,
    compose::image_not_tagged::ImageLatestOrUntagged,
    compose::docker_socket::DockerSocketMounted,
    compose::database_port_public::DatabasePortOnAllInterfaces,
    compose::literal_secret::LiteralSecretInEnvironment,
    // GitHub workflows
    workflow::action_not_pinned::ActionNotPinnedToSha,
    workflow::missing_permissions::MissingTopLevelPermissions,
    workflow::pull_request_target_checkout::PullRequestTargetCheckout,
    workflow::script_injection::ScriptInjection,
    workflow::no_scheduled_scan::NoScheduledSecurityScan,
    workflow::no_pr_lint_test::NoLintAndTestOnPullRequests,
    workflow::checkout_persists_credentials::CheckoutPersistsCredentials,
    workflow::workflow_write_permissions::WorkflowWritePermissions,
    workflow::privileged_trigger_secrets::PrivilegedTriggerHoldsSecrets,
    workflow::privileged_untrusted_input::PrivilegedUntrustedInput,
    workflow::deprecated_runtime::DeprecatedActionRuntime,
    // parity
    parity::missing::ParityMissing,
    parity::differs::ParityValueDiffers,
    // ripcord itself
    meta::parse_error::ParseError,
    meta::suppression_without_reason::SuppressionWithoutReason,
    meta::unknown_rule::UnknownRuleInSuppression,
];

/// Looks a rule up by code (case-insensitive) or name.
pub fn find(code: &str) -> Option<&'static dyn Rule> {
    RULES
        .iter()
        .copied()
        .find(|r| r.meta().code.eq_ignore_ascii_case(code) || r.meta().name == code)
}

/// Implements [`Rule::meta`] for a rule declared with [`declare_rule!`].
macro_rules! rule_meta {
    () => {
        fn meta(&self) -> &'static $crate::rules::RuleMeta {
            &Self::META
        }
    };
}
pub(crate) use rule_meta;

// Small helpers shared by rules.

/// Lower-cased words that name a secret in a variable name.
pub fn looks_like_secret_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    let hints = [
        "PASSWORD",
        "PASSWD",
        "SECRET",
        "TOKEN",
        "API_KEY",
        "APIKEY",
        "PRIVATE_KEY",
        "ACCESS_KEY",
        "CREDENTIAL",
        "AUTH_KEY",
    ];
    let harmless = [
        "_FILE",
        "_PATH",
        "_ID",
        "_URL_FILE",
        "_LENGTH",
        "_TTL",
        "_EXPIRY",
    ];
    hints.iter().any(|h| upper.contains(h))
        && !harmless.iter().any(|h| upper.ends_with(h))
        && !upper.contains("PUBLIC")
}
