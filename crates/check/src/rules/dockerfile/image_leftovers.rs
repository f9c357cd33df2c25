use super::runtime::{chain, not_a_runtime, shipped_stage};
use super::{commands, strip_prefixes};
use crate::parse::dockerfile::{Dockerfile, Instr};
use crate::rules::{Cx, Rule, declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// In the stages the image ships (the shipped stage and those it builds on), flags
    /// `RUN` instructions that leave package-manager leftovers in the layer:
    /// - `apt-get install` without `--no-install-recommends`;
    /// - `apt-get update`/`install` without `rm -rf /var/lib/apt/lists/*` in the same `RUN`;
    /// - `apk add` without `--no-cache`;
    /// - `pip install` without `--no-cache-dir` (unless `PIP_NO_CACHE_DIR` is set);
    /// - `yum`/`dnf`/`microdnf install` without `clean all` in the same `RUN`.
    ///
    /// A `RUN --mount=type=cache` keeps its caches out of the layer and is left alone, and
    /// so is a `RUN` that only acts in debug or test builds (`if [ "$DEBUG" = true ]`);
    /// builder stages that do not ship are not checked, and neither are the images DF001
    /// and DF002 leave alone: dev containers and `Dockerfile.dev`, CI-only stages, Cloud
    /// Build and Cloud Workstations images, and bases chosen at build time.
    ///
    /// ## Why is this bad?
    /// Package lists, download caches and recommended packages are tens to hundreds of
    /// megabytes nobody runs. They slow every pull and cold start (Cloud Run pulls the
    /// image when it scales from zero) and eat the free 0.5 GB of Artifact Registry
    /// storage: a few tagged versions of a bloated image use it all. Deleting them in a
    /// later `RUN` does not help, since the earlier layer keeps them.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y curl
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN apt-get update \
    ///  && apt-get install -y --no-install-recommends curl \
    ///  && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// ## References
    /// - hadolint DL3009, DL3015, DL3019, DL3042, DL3032: <https://github.com/hadolint/hadolint#rules>
    /// - Artifact Registry free tier (0.5 GB): <https://cloud.google.com/artifact-registry/pricing>
    pub struct ImageLeftovers {
        code: "DF014",
        name: "package-manager-leftovers",
        family: Dockerfile,
        severity: Warning,
        summary: "package lists, caches or recommended packages left in the image",
        fix: "clean up in the same RUN (`--no-install-recommends`, `rm -rf /var/lib/apt/lists/*`, `--no-cache`, `--no-cache-dir`)",
    }
}

/// Build arguments that turn on debug or test builds: what a `RUN` installs only when
/// one is set is not in a release image.
const DEBUG_SWITCHES: &[&str] = &["DEBUG", "TESTING"];

/// Whether the whole `RUN` is `if <a debug or test switch>; then …; fi`.
fn debug_only(script: &str) -> bool {
    let script = script.trim_start();
    script.starts_with("if ")
        && script.split_once("then").is_some_and(|(condition, _)| {
            DEBUG_SWITCHES
                .iter()
                .any(|switch| condition.contains(switch))
        })
}

/// What one `RUN` leaves behind, and the word to point at.
fn leftovers(instr: &Instr, pip_cache_off: bool) -> Vec<(&'static str, &'static str)> {
    let script = &instr.args;
    let mut out = Vec::new();
    if debug_only(script) {
        return out;
    }
    for words in commands(script) {
        let words = strip_prefixes(&words);
        // The verb is the first word after the program that is not an option
        // (`apt-get -y install`).
        let verb = words.iter().skip(1).find(|word| !word.starts_with('-'));
        let (Some(program), Some(verb)) = (words.first(), verb) else {
            continue;
        };
        let program = program.rsplit('/').next().unwrap_or(program);
        let has = |flag: &str| words.iter().any(|w| w.starts_with(flag));
        match (program, *verb) {
            ("apt-get" | "apt", "install") => {
                if !has("--no-install-recommends") && !script.contains("APT::Install-Recommends") {
                    out.push(("recommended packages (no `--no-install-recommends`)", "apt"));
                }
                if !script.contains("/var/lib/apt/lists") {
                    out.push((
                        "apt's package lists (no `rm -rf /var/lib/apt/lists/*`)",
                        "apt",
                    ));
                }
            }
            ("apk", "add") if !has("--no-cache") && !script.contains("/var/cache/apk") => {
                out.push(("apk's package index (no `--no-cache`)", "apk"));
            }
            ("pip" | "pip3", "install") if !has("--no-cache-dir") && !pip_cache_off => {
                out.push(("pip's download cache (no `--no-cache-dir`)", "pip"));
            }
            ("yum" | "dnf" | "microdnf", "install") if !script.contains("clean all") => {
                out.push(("the package manager's cache (no `clean all`)", "install"));
            }
            _ => {}
        }
    }
    out.dedup();
    out
}

impl Rule for ImageLeftovers {
    rule_meta!();

    fn dockerfile(&self, df: &Dockerfile, cx: &mut Cx<'_>) {
        // A developer's image, a CI stage, a builder or workstation image, or one whose
        // base is chosen at build time (and may already clean up): not the service image
        // a cold start pulls.
        if not_a_runtime(df).is_some() {
            return;
        }
        let Some(shipped) = shipped_stage(df) else {
            return;
        };
        for stage in chain(df, shipped) {
            let mut pip_cache_off = false;
            for instr in df.stage_instrs(stage) {
                match instr.keyword.as_str() {
                    "ENV" | "ARG" if instr.args.contains("PIP_NO_CACHE_DIR") => {
                        pip_cache_off = true
                    }
                    "RUN"
                        if !instr.flags.iter().any(|(name, value)| {
                            name == "mount" && value.contains("type=cache")
                        }) =>
                    {
                        let left = leftovers(instr, pip_cache_off);
                        if let Some((_, needle)) = left.first() {
                            let what: Vec<&str> = left.iter().map(|(what, _)| *what).collect();
                            cx.report(
                                df.loc(instr, needle),
                                format!("this RUN leaves {} in the image", what.join(" and ")),
                            );
                        }
                    }
                    _ => {}
                }
            }
        }
    }
}
