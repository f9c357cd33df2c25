//! `--format json`: one document, `{"version", "summary", "findings": [...]}`.

use serde_json::{Value, json};

use super::{Summary, rule_url};
use crate::diagnostic::Finding;

pub fn finding_value(f: &Finding) -> Value {
    json!({
        "rule": f.rule,
        "name": f.name,
        "severity": f.severity,
        "file": f.file,
        "line": f.line,
        "column": f.column,
        "end_line": f.end_line,
        "end_column": f.end_column,
        "message": f.message,
        "help": f.help,
        "fingerprint": f.fingerprint(),
        "url": rule_url(f.rule),
        "related": f.related,
    })
}

pub fn render(findings: &[Finding], summary: &Summary) -> String {
    let doc = json!({
        "tool": "ripcord",
        "version": env!("CARGO_PKG_VERSION"),
        "summary": summary,
        "findings": findings.iter().map(finding_value).collect::<Vec<_>>(),
    });
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "{}".into());
    out.push('\n');
    out
}
