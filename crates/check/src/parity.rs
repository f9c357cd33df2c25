//! `ripcord check parity ENV…`: flattens each environment (a Terraform folder, a
//! kustomize overlay, a folder of Helm values, or a single values/tfvars file) into
//! `key → value` entries and reports every key that is missing somewhere (PA001) or whose
//! value differs (PA002), except keys matched by the allow-list.
//!
//! Keys read like paths: `module.db.version`, `resource.google_cloud_run_v2_service.api.template.scaling.max_instance_count`,
//! `tfvars.region`, `k8s.Deployment/api.spec.replicas`, `kustomization.images[name=api].newTag`,
//! `values.resources.limits.memory`. Lists of named items are keyed by `[name=…]`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use globset::GlobSet;

use crate::CheckError;
use crate::diagnostic::{Finding, Related};
use crate::discover::display;
use crate::engine::{parse_finding, read_source};
use crate::parse::terraform::{TfBody, TfFile, TfVal};
use crate::parse::yaml::{YNode, YVal};
use crate::parse::{terraform, yaml};
use crate::rules::{Rule, RuleMeta};
use crate::source::{Loc, Source};

/// Keys allowed to differ when the configuration names none (patterns on the whole key).
pub const DEFAULT_ALLOW: &[&str] = &[
    "terraform.backend.*.prefix",
    "tfvars.project",
    "output.*",
    "kustomization.namespace",
    "kustomization.namePrefix",
    "kustomization.nameSuffix",
];

/// Names of what must differ between environments, allowed when the configuration names
/// no allow-list: what names an environment, its own address space, and prose. Judged on
/// the key's names, never hiding a security setting ([`SECURITY_NAMES`]).
fn differs_by_design(key: &str) -> bool {
    let names: Vec<&str> = key
        .split('.')
        .map(|name| name.trim_matches(|c| matches!(c, '(' | ')' | '"' | '[' | ']')))
        .collect();
    if names.iter().any(|name| SECURITY_NAMES.contains(name)) {
        return false;
    }
    let leaf = names.last().copied().unwrap_or("");
    let named = matches!(
        leaf,
        "env" | "environment" | "env_name" | "environment_name" | "project_id" | "description"
    ) || leaf.ends_with("_code")
        || leaf.ends_with("_ip")
        || leaf.ends_with("_ip_address")
        || leaf.contains("address");
    // An environment's own ranges: `ip_cidr_range`, `private_service_cidr`, and the maps of
    // subnet ranges keyed by region (`subnet_primary_ranges.(local.region)`).
    let address_space = names.iter().any(|name| {
        *name == "ip_cidr_range"
            || *name == "cidr"
            || name.ends_with("_cidr")
            || (name.starts_with("subnet") && name.contains("range"))
    });
    named || address_space
}

/// Names whose differences are security differences, never allowed by default: firewall
/// and access ranges, authorised networks.
const SECURITY_NAMES: &[&str] = &[
    "source_ranges",
    "destination_ranges",
    "source_ip_ranges",
    "src_ip_ranges",
    "dest_ip_ranges",
    "cidr_blocks",
    "authorized_networks",
    "master_authorized_networks_config",
    "allowed_ip_ranges",
    "ip_allowlist",
];

#[derive(Debug, Clone)]
struct Entry {
    value: String,
    file: String,
    loc: Loc,
    source_line: String,
}

#[derive(Debug, Default)]
struct Env {
    label: String,
    entries: BTreeMap<String, Entry>,
}

impl Env {
    fn put(&mut self, key: String, value: String, src: &Source, loc: Loc) {
        let entry = Entry {
            value,
            file: src.display.clone(),
            loc,
            source_line: src.line_text(loc.line).to_string(),
        };
        self.entries.insert(key, entry);
    }
}

/// Compares environments. `base` makes displayed paths relative to it.
pub fn parity(
    envs: &[PathBuf],
    allow: &[String],
    base: Option<&Path>,
) -> Result<Vec<Finding>, CheckError> {
    if envs.len() < 2 {
        return Err(CheckError::Usage(
            "parity needs at least two environments".into(),
        ));
    }
    // A configuration that replaced the default allow-list decides alone what may differ.
    let defaults = DEFAULT_ALLOW
        .iter()
        .all(|pattern| allow.iter().any(|given| given == pattern));
    let allow = allow_set(allow)?;
    let mut findings = Vec::new();
    let mut loaded = Vec::new();
    for path in envs {
        let mut env = Env {
            label: display(path, base),
            ..Env::default()
        };
        load(path, base, &mut env, &mut findings)?;
        loaded.push(env);
    }
    compare(&loaded, &allow, defaults, &mut findings);
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    Ok(findings)
}

fn allow_set(patterns: &[String]) -> Result<GlobSet, CheckError> {
    crate::globs(patterns, "parity allow")
}

/// Is the key, or any ancestor of it, allowed?
fn allowed(allow: &GlobSet, key: &str) -> bool {
    let mut prefix = String::new();
    for (i, part) in key.split('.').enumerate() {
        if i > 0 {
            prefix.push('.');
        }
        prefix.push_str(part);
        if allow.is_match(&prefix) {
            return true;
        }
    }
    false
}

fn load(
    path: &Path,
    base: Option<&Path>,
    env: &mut Env,
    findings: &mut Vec<Finding>,
) -> Result<(), CheckError> {
    let meta = std::fs::metadata(path).map_err(|e| CheckError::Io(path.to_path_buf(), e))?;
    let files: Vec<PathBuf> = if meta.is_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(|e| CheckError::Io(path.to_path_buf(), e))?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.is_file())
            .collect();
        files.sort();
        files
    } else {
        vec![path.to_path_buf()]
    };
    for file in files {
        let name = file
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        let is_yaml = name.ends_with(".yaml") || name.ends_with(".yml");
        if !(name.ends_with(".tf") || name.ends_with(".tfvars") || is_yaml) {
            continue;
        }
        let src = read_source(&file, &display(&file, base))?;
        if is_yaml {
            match yaml::parse(src) {
                Ok(parsed) => load_yaml(&name, &parsed.src, &parsed.docs, env),
                Err(failed) => findings.push(parse_finding(&failed.0, &failed.1)),
            }
        } else {
            match terraform::parse(src) {
                Ok(parsed) if name.ends_with(".tfvars") => {
                    flatten_tf_body(&parsed, &parsed.body, "tfvars", env)
                }
                Ok(parsed) => load_tf(&parsed, env),
                Err(failed) => findings.push(parse_finding(&failed.0, &failed.1)),
            }
        }
    }
    Ok(())
}

fn load_tf(file: &TfFile, env: &mut Env) {
    for block in &file.body.blocks {
        let mut key = block.ident.clone();
        for label in &block.labels {
            key.push('.');
            key.push_str(label);
        }
        if block.ident == "locals" {
            key = "locals".into();
        }
        let loc = file.src.loc(block.ident_span.start..block.span.end);
        env.put(key.clone(), "{block}".into(), &file.src, loc);
        flatten_tf_body(file, &block.body, &key, env);
    }
}

fn flatten_tf_body(file: &TfFile, body: &TfBody, prefix: &str, env: &mut Env) {
    for attr in &body.attrs {
        let key = format!("{prefix}.{}", attr.key);
        flatten_tf_val(file, &attr.value, &key, attr.span.clone(), env);
    }
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for block in &body.blocks {
        let n = counts.entry(&block.ident).or_default();
        let mut key = format!("{prefix}.{}", block.ident);
        for label in &block.labels {
            key.push('.');
            key.push_str(label);
        }
        if *n > 0 {
            key.push_str(&format!("[{n}]"));
        }
        *n += 1;
        let loc = file.src.loc(block.ident_span.start..block.span.end);
        env.put(key.clone(), "{block}".into(), &file.src, loc);
        flatten_tf_body(file, &block.body, &key, env);
    }
}

fn flatten_tf_val(
    file: &TfFile,
    value: &TfVal,
    key: &str,
    span: std::ops::Range<usize>,
    env: &mut Env,
) {
    if let TfVal::Object(items) = value {
        env.put(
            key.to_string(),
            "{object}".into(),
            &file.src,
            file.src.loc(span),
        );
        for (k, v, s) in items {
            flatten_tf_val(file, v, &format!("{key}.{k}"), s.clone(), env);
        }
    } else {
        env.put(
            key.to_string(),
            value.canonical(),
            &file.src,
            file.src.loc(span),
        );
    }
}

fn load_yaml(name: &str, src: &Source, docs: &[YNode], env: &mut Env) {
    for doc in docs {
        let kind = doc.get("kind").and_then(YNode::as_str);
        let object = doc.path(&["metadata", "name"]).and_then(YNode::as_str);
        let prefix = if name.starts_with("kustomization.") {
            "kustomization".to_string()
        } else if let (Some(kind), Some(object)) = (kind, object) {
            format!("k8s.{kind}/{object}")
        } else {
            "values".to_string()
        };
        flatten_yaml(src, doc, &prefix, env);
    }
}

fn flatten_yaml(src: &Source, node: &YNode, key: &str, env: &mut Env) {
    let loc = node.loc(src);
    match &node.val {
        YVal::Scalar(s, _) => env.put(key.to_string(), s.clone(), src, loc),
        YVal::Map(items) => {
            env.put(key.to_string(), "{map}".into(), src, loc);
            for (k, v) in items {
                let name = k.as_str().unwrap_or("?");
                flatten_yaml(src, v, &format!("{key}.{name}"), env);
            }
        }
        YVal::Seq(items) => {
            env.put(key.to_string(), "{list}".into(), src, loc);
            for (i, item) in items.iter().enumerate() {
                let id = item
                    .get("name")
                    .and_then(YNode::as_str)
                    .map_or_else(|| i.to_string(), |n| format!("name={n}"));
                flatten_yaml(src, item, &format!("{key}[{id}]"), env);
            }
        }
    }
}

fn finding(meta: &'static RuleMeta, entry: &Entry, message: String) -> Finding {
    Finding {
        rule: meta.code,
        name: meta.name,
        severity: meta.severity,
        file: entry.file.clone(),
        line: entry.loc.line,
        column: entry.loc.column,
        end_line: entry.loc.end_line,
        end_column: entry.loc.end_column,
        message,
        help: Some(meta.fix.to_string()),
        source_line: entry.source_line.clone(),
        related: Vec::new(),
    }
}

fn related(entry: &Entry, message: String) -> Related {
    Related {
        file: entry.file.clone(),
        line: entry.loc.line,
        column: entry.loc.column,
        end_column: entry.loc.end_column,
        message,
    }
}

/// The parent of a key: `a.b[x].c` → `a.b[x]`, `a.b[x]` → `a.b`.
fn parent(key: &str) -> Option<&str> {
    let cut = key.rfind(['.', '['])?;
    Some(&key[..cut])
}

/// Why a difference in `key` matters, by what the key's last names say it sets.
fn why_it_matters(key: &str) -> &'static str {
    let key = key.to_ascii_lowercase();
    let has = |words: &[&str]| words.iter().any(|word| key.contains(word));
    if has(&[
        "iam", "role", "member", "public", "ssl", "tls", "auth", "policy", "firewall", "ingress",
        "allow", "password", "secret", "encrypt", "kms",
    ]) {
        "security: a gap in one environment is not tested in the others"
    } else if has(&[
        "memory",
        "cpu",
        "instance",
        "replica",
        "machine_type",
        "tier",
        "disk",
        "size",
        "scaling",
        "concurrency",
        "limit",
        "quota",
    ]) {
        "capacity and cost: what one environment proves about load and spend does not hold in the others"
    } else if has(&["version", "image", "tag", "source", "runtime", "engine"]) {
        "versions: one environment runs what the others did not test"
    } else {
        "behaviour: one environment is configured unlike the others it should mirror"
    }
}

/// `defaults`: no allow-list was configured, so what differs by design is allowed too.
fn compare(envs: &[Env], allow: &GlobSet, defaults: bool, findings: &mut Vec<Finding>) {
    let missing_meta = crate::rules::parity::missing::ParityMissing.meta();
    let differs_meta = crate::rules::parity::differs::ParityValueDiffers.meta();
    let keys: BTreeSet<&String> = envs.iter().flat_map(|e| e.entries.keys()).collect();
    for key in keys {
        if allowed(allow, key) || (defaults && differs_by_design(key)) {
            continue;
        }
        let present: Vec<&Env> = envs
            .iter()
            .filter(|e| e.entries.contains_key(key))
            .collect();
        if present.len() < envs.len() {
            // Report only the topmost missing key: its parent exists everywhere, or nowhere
            // (a top-level key such as `module.cdn`, whose parent `module` is no entry).
            let parent_everywhere = parent(key).is_none_or(|p| {
                let with_parent = envs.iter().filter(|e| e.entries.contains_key(p)).count();
                with_parent == 0 || with_parent == envs.len()
            });
            if parent_everywhere {
                let absent: Vec<&str> = envs
                    .iter()
                    .filter(|e| !e.entries.contains_key(key))
                    .map(|e| e.label.as_str())
                    .collect();
                let have: Vec<&str> = present.iter().map(|e| e.label.as_str()).collect();
                let entry = &present[0].entries[key];
                let message = format!(
                    "`{key}` is in {} but not in {}",
                    have.join(", "),
                    absent.join(", ")
                );
                let mut f = finding(missing_meta, entry, message);
                for env in present.iter().skip(1) {
                    f.related
                        .push(related(&env.entries[key], format!("also in {}", env.label)));
                }
                findings.push(f);
            }
            continue;
        }
        let first = &envs[0].entries[key];
        if let Some(other) = envs
            .iter()
            .skip(1)
            .find(|e| e.entries[key].value != first.value)
        {
            let values: Vec<String> = envs
                .iter()
                .map(|e| format!("{} = {}", e.label, e.entries[key].value))
                .collect();
            let message = format!(
                "`{key}` differs: {}; {}",
                values.join("; "),
                why_it_matters(key)
            );
            let mut f = finding(differs_meta, &other.entries[key], message);
            for env in envs.iter().filter(|e| !std::ptr::eq(*e, other)) {
                let e = &env.entries[key];
                f.related
                    .push(related(e, format!("{} = {}", env.label, e.value)));
            }
            findings.push(f);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_differs_by_design_never_hides_security_ranges() {
        for key in [
            "locals.env",
            "module.env.environment_code",
            "locals.private_service_cidr",
            "locals.subnet_primary_ranges.(local.default_region1)",
            "module.base_env.private_service_connect_ip",
            "tfvars.project_id",
            "variable.target_name_server_addresses",
        ] {
            assert!(differs_by_design(key), "{key}");
        }
        for key in [
            "resource.google_compute_firewall.ssh.source_ranges",
            "resource.google_container_cluster.gke.master_authorized_networks_config.cidr_blocks.cidr_block",
            "values.env.DEBUG",
            "resource.google_cloudfunctions_function.f.environment_variables.DEBUG",
            "resource.google_storage_bucket.source_code.public_access_prevention",
        ] {
            assert!(!differs_by_design(key), "{key}");
        }
    }

    #[test]
    fn each_difference_says_why_it_matters() {
        assert!(why_it_matters("module.db.version").starts_with("versions"));
        assert!(
            why_it_matters(
                "resource.google_cloud_run_v2_service.api.template.scaling.max_instance_count"
            )
            .starts_with("capacity")
        );
        assert!(
            why_it_matters("resource.google_project_iam_member.x.role").starts_with("security")
        );
        assert!(why_it_matters("tfvars.region").starts_with("behaviour"));
    }

    #[test]
    fn parents_and_allow() {
        assert_eq!(parent("a.b[name=x].c"), Some("a.b[name=x]"));
        assert_eq!(parent("a.b[name=x]"), Some("a.b"));
        assert_eq!(parent("a"), None);
        let set = allow_set(&["tfvars.*_domain".into(), "module.cdn".into()])
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(allowed(&set, "tfvars.api_domain"));
        assert!(allowed(&set, "module.cdn.source"));
        assert!(!allowed(&set, "module.db.source"));
    }
}
