use crate::parse::terraform::{TfBlock, TfFile};
use crate::rules::{Cx, Rule, declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags `module` blocks whose code can change under you:
    /// - a registry module (`namespace/name/provider`) without `version`, or with a
    ///   range (`~> 5.0`, `>= 1.2`) instead of one exact version;
    /// - a git source (`git::…`, `github.com/…`, `git@…`, `bitbucket.org/…`) whose `ref`
    ///   is not a full commit SHA (a branch or a tag can be moved).
    ///
    /// Local paths (`./modules/x`) are part of the repository and are not flagged.
    ///
    /// ## Why is this bad?
    /// `terraform init` fetches whatever the source resolves to that day: a new release
    /// with a breaking default, or, if the module's repository or a maintainer's account is
    /// compromised, code that runs with your cloud credentials during `plan` and `apply`.
    /// The plan you reviewed and the apply CI runs can use different code. Lock files
    /// (`.terraform.lock.hcl`) pin providers, not modules.
    ///
    /// ## Example
    /// ```hcl
    /// module "network" {
    ///   source  = "terraform-google-modules/network/google"
    ///   version = "~> 9.0"
    /// }
    /// module "app" {
    ///   source = "git::https://github.com/acme/tf-modules.git//app?ref=v1.2.0"
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```hcl
    /// module "network" {
    ///   source  = "terraform-google-modules/network/google"
    ///   version = "9.3.0"
    /// }
    /// module "app" {
    ///   source = "git::https://github.com/acme/tf-modules.git//app?ref=4f1c9e0a7d2b8c3e5f6a1b2c3d4e5f6a7b8c9d0e" # v1.2.0
    /// }
    /// ```
    ///
    /// ## References
    /// - Module sources: <https://developer.hashicorp.com/terraform/language/modules/sources>
    /// - checkov CKV_TF_1, CKV_TF_2: <https://www.checkov.io/5.Policy%20Index/terraform.html>
    pub struct ModuleNotPinned {
        code: "ST004",
        name: "module-not-pinned",
        family: State,
        severity: Warning,
        summary: "Terraform module not pinned to an exact version or commit",
        fix: "give registry modules one exact `version`, and git sources `?ref=<full commit SHA>`",
    }
}

fn is_commit(reference: &str) -> bool {
    reference.len() == 40 && reference.chars().all(|c| c.is_ascii_hexdigit())
}

/// `ns/name/provider`, optionally behind a registry host, with an optional `//submodule`.
fn is_registry(source: &str) -> bool {
    let address = source.split("//").next().unwrap_or(source);
    let parts: Vec<&str> = address.split('/').collect();
    let plain = |part: &&str| {
        !part.is_empty()
            && part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
    };
    match parts.as_slice() {
        [_, _, _] => parts.iter().all(plain),
        [host, rest @ ..] if rest.len() == 3 => host.contains('.') && rest.iter().all(plain),
        _ => false,
    }
}

fn is_git(source: &str) -> bool {
    ["git::", "github.com/", "git@", "bitbucket.org/"]
        .iter()
        .any(|prefix| source.starts_with(prefix))
}

/// Why a module's source is not pinned, if it is not.
fn unpinned(module: &TfBlock) -> Option<(String, std::ops::Range<usize>)> {
    let source_attr = module.body.attr("source")?;
    let source = source_attr.value.as_str()?;
    if source.starts_with("./") || source.starts_with("../") {
        return None;
    }
    if is_git(source) {
        let reference = source
            .split_once("?")
            .and_then(|(_, query)| query.split('&').find_map(|pair| pair.strip_prefix("ref=")));
        return match reference {
            Some(reference) if is_commit(reference) => None,
            Some(reference) => Some((
                format!("`{source}` follows `{reference}`, which can be moved; pin a commit SHA"),
                source_attr.value_span.clone(),
            )),
            None => Some((
                format!("`{source}` follows the default branch; pin a commit SHA"),
                source_attr.value_span.clone(),
            )),
        };
    }
    if !is_registry(source) {
        return None;
    }
    match module.body.attr("version") {
        None => Some((
            format!("`{source}` has no `version`: each `init` takes the newest release"),
            source_attr.value_span.clone(),
        )),
        Some(version) => {
            let text = version.value.as_str()?;
            let exact = text.trim().trim_start_matches('=').trim();
            let ranged = exact.is_empty()
                || exact.contains([',', '>', '<', '~', '!', ' '])
                || !exact.chars().next().is_some_and(|c| c.is_ascii_digit());
            ranged.then(|| {
                (
                    format!(
                        "`{source}` takes any version matching `{text}`; pin one exact version"
                    ),
                    version.value_span.clone(),
                )
            })
        }
    }
}

impl Rule for ModuleNotPinned {
    rule_meta!();

    fn terraform(&self, file: &TfFile, cx: &mut Cx<'_>) {
        for module in file.body.blocks("module") {
            if let Some((message, span)) = unpinned(module) {
                cx.report_span(span, format!("module `{}`: {message}", module.label(0)));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_registry;

    #[test]
    fn registry_addresses() {
        assert!(is_registry("terraform-google-modules/network/google"));
        assert!(is_registry(
            "terraform-google-modules/network/google//modules/subnets"
        ));
        assert!(is_registry("app.terraform.io/acme/network/google"));
        assert!(!is_registry("./modules/network"));
        assert!(!is_registry("git::https://github.com/acme/x.git"));
        assert!(!is_registry("github.com/acme/x"));
    }
}
