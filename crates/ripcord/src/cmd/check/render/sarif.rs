//! `--format sarif`: SARIF 2.1.0 as GitHub code scanning reads it. Every rule is listed in
//! `tool.driver.rules` with its docs; results carry a relative URI under `%SRCROOT%`, a
//! region, and a line-independent fingerprint.

use serde_json::{Value, json};

use super::rule_url;
use ripcord_check::rules::{RULES, Status};
use ripcord_check::{Finding, Severity};

pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// GitHub sorts alerts by `security-severity` (0–10) for rules tagged `security`.
fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "7.5",
        Severity::Warning => "5.0",
        Severity::Info => "2.0",
    }
}

fn rules() -> Vec<Value> {
    RULES
        .iter()
        .map(|r| r.meta())
        .filter(|m| m.status != Status::Removed)
        .map(|m| {
            json!({
                "id": m.code,
                "name": m.name,
                "shortDescription": { "text": m.summary },
                "fullDescription": { "text": m.summary },
                "helpUri": rule_url(m.code),
                "help": { "text": m.fix, "markdown": m.doc_text() },
                "defaultConfiguration": { "level": level(m.severity) },
                "properties": {
                    "tags": [m.family.as_str(), "security"],
                    "security-severity": security_severity(m.severity),
                },
            })
        })
        .collect()
}

/// Relative paths resolve against %SRCROOT%; absolute ones become file:// URIs.
fn artifact_location(file: &str) -> Value {
    if file.starts_with('/') {
        json!({ "uri": format!("file://{file}") })
    } else {
        json!({ "uri": file, "uriBaseId": "%SRCROOT%" })
    }
}

fn result(f: &Finding, index: Option<usize>) -> Value {
    let mut message = f.message.clone();
    if let Some(help) = &f.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let artifact = artifact_location(&f.file);
    let mut value = json!({
        "ruleId": f.rule,
        "level": level(f.severity),
        "message": { "text": message },
        "locations": [{
            "physicalLocation": {
                "artifactLocation": artifact,
                "region": {
                    "startLine": f.line,
                    "startColumn": f.column,
                    "endLine": f.end_line.max(f.line),
                    "endColumn": f.end_column.max(f.column + 1),
                },
            },
        }],
        "partialFingerprints": { "ripcordFingerprint/v1": f.fingerprint() },
    });
    if let Some(obj) = value.as_object_mut() {
        if let Some(i) = index {
            obj.insert("ruleIndex".into(), json!(i));
        }
        if !f.related.is_empty() {
            let related: Vec<Value> = f
                .related
                .iter()
                .enumerate()
                .map(|(id, r)| {
                    json!({
                        "id": id,
                        "message": { "text": r.message },
                        "physicalLocation": {
                            "artifactLocation": artifact_location(&r.file),
                            "region": {
                                "startLine": r.line,
                                "startColumn": r.column,
                                "endColumn": r.end_column.max(r.column + 1),
                            },
                        },
                    })
                })
                .collect();
            obj.insert("relatedLocations".into(), json!(related));
        }
    }
    value
}

pub fn render(findings: &[Finding]) -> String {
    let codes: Vec<&str> = RULES
        .iter()
        .map(|r| r.meta())
        .filter(|m| m.status != Status::Removed)
        .map(|m| m.code)
        .collect();
    let results: Vec<Value> = findings
        .iter()
        .map(|f| result(f, codes.iter().position(|c| *c == f.rule)))
        .collect();
    let doc = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "ripcord",
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "informationUri": "https://github.com/ripcord-dev/ripcord",
                    "rules": rules(),
                },
            },
            "originalUriBaseIds": { "%SRCROOT%": { "description": { "text": "The checked repository's root" } } },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "{}".into());
    out.push('\n');
    out
}
