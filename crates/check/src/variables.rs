//! The values Terraform variables take inside a module, so rules judge `memory =
//! var.memory` by what the module gets rather than skipping it as unknown.
//!
//! A folder of `.tf` files is a module. When local `module` blocks (`source =
//! "./modules/run"`) call it, a variable's value is what every call gives it: the literal
//! a call passes, or the variable's literal `default` when a call passes nothing; if the
//! calls disagree, or one passes a computed value, it stays unknown. A folder nobody
//! calls in the checked tree is left as it is: a root module's variables can be set from
//! `.tfvars`, `-var` or `TF_VAR_*`, so a default there is not what it gets (FT005 asks
//! for a `validation` instead).
//!
//! Only attributes written as exactly `var.NAME` are replaced; the span stays the
//! attribute's, so a finding points at the line that uses the variable.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use crate::parse::terraform::{TfBody, TfFile, TfVal};

/// A folder's variables: name and literal default (`None`: no default, or computed).
type Defaults = BTreeMap<String, Option<TfVal>>;

/// Replaces `var.NAME` in the Terraform `files` of locally called modules with the value
/// the variable takes.
pub fn resolve(files: &mut [&mut TfFile]) {
    let mut defaults: BTreeMap<PathBuf, Defaults> = BTreeMap::new();
    for file in files.iter() {
        let folder = folder_of(file);
        for variable in file.body.blocks("variable") {
            let default = variable
                .body
                .attr("default")
                .map(|a| &a.value)
                .filter(|value| is_literal(value))
                .cloned();
            defaults
                .entry(folder.clone())
                .or_default()
                .insert(variable.label(0).to_string(), default);
        }
    }
    let calls = local_calls(files);
    let mut values: BTreeMap<PathBuf, BTreeMap<String, TfVal>> = BTreeMap::new();
    for (folder, variables) in &defaults {
        for (name, default) in variables {
            let Some(callers) = calls.get(folder) else {
                continue;
            };
            if let Some(value) = agreed(callers, name, default.as_ref()) {
                values
                    .entry(folder.clone())
                    .or_default()
                    .insert(name.clone(), value);
            }
        }
    }
    for file in files.iter_mut() {
        if let Some(known) = values.get(&folder_of(file)) {
            for block in file
                .body
                .blocks
                .iter_mut()
                .filter(|b| b.ident == "resource")
            {
                substitute_body(&mut block.body, known);
            }
        }
    }
}

/// The inputs each local module call gives, by the folder it calls.
fn local_calls(files: &[&mut TfFile]) -> BTreeMap<PathBuf, Vec<BTreeMap<String, TfVal>>> {
    let mut calls: BTreeMap<PathBuf, Vec<BTreeMap<String, TfVal>>> = BTreeMap::new();
    for file in files {
        for module in file.body.blocks("module") {
            let Some(source) = module.body.attr("source").and_then(|a| a.value.as_str()) else {
                continue;
            };
            if !(source.starts_with("./") || source.starts_with("../")) {
                continue;
            }
            let target = normalize(&folder_of(file).join(source));
            let inputs = module
                .body
                .attrs
                .iter()
                .filter(|attr| {
                    !matches!(
                        attr.key.as_str(),
                        "source" | "version" | "providers" | "count" | "for_each" | "depends_on"
                    )
                })
                .map(|attr| (attr.key.clone(), attr.value.clone()))
                .collect();
            calls.entry(target).or_default().push(inputs);
        }
    }
    calls
}

/// The value every call gives a variable, if they agree and it is known.
fn agreed(
    callers: &[BTreeMap<String, TfVal>],
    name: &str,
    default: Option<&TfVal>,
) -> Option<TfVal> {
    let mut agreed: Option<&TfVal> = None;
    for inputs in callers {
        let value = match inputs.get(name) {
            Some(given) if is_literal(given) => given,
            Some(_) => return None,
            None => default?,
        };
        match agreed {
            Some(earlier) if earlier != value => return None,
            _ => agreed = Some(value),
        }
    }
    agreed.cloned()
}

fn substitute_body(body: &mut TfBody, values: &BTreeMap<String, TfVal>) {
    for attr in &mut body.attrs {
        substitute(&mut attr.value, values);
    }
    for block in &mut body.blocks {
        substitute_body(&mut block.body, values);
    }
}

fn substitute(value: &mut TfVal, values: &BTreeMap<String, TfVal>) {
    match value {
        TfVal::Expr(text) => {
            if let Some(known) = text.strip_prefix("var.").and_then(|name| values.get(name)) {
                *value = known.clone();
            }
        }
        TfVal::Array(items) => items.iter_mut().for_each(|item| substitute(item, values)),
        TfVal::Object(entries) => {
            for (_, item, _) in entries {
                substitute(item, values);
            }
        }
        TfVal::Null | TfVal::Bool(_) | TfVal::Num(_) | TfVal::Str(_) => {}
    }
}

/// A value with nothing computed in it.
fn is_literal(value: &TfVal) -> bool {
    match value {
        TfVal::Expr(_) => false,
        TfVal::Array(items) => items.iter().all(is_literal),
        TfVal::Object(entries) => entries.iter().all(|(_, item, _)| is_literal(item)),
        TfVal::Null | TfVal::Bool(_) | TfVal::Num(_) | TfVal::Str(_) => true,
    }
}

fn folder_of(file: &TfFile) -> PathBuf {
    normalize(file.src.path.parent().unwrap_or(Path::new("")))
}

/// `a/b/../c` as `a/c`, without touching the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir if out.file_name().is_some() => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}
