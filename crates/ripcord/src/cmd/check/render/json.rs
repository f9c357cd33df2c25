//! `--format json`: one document, `{"tool", "version", "summary", "findings": [...]}`, keys
//! in a fixed, readable order (rule, name, severity, file, position, message, …).

use serde::Serialize;

use super::{Summary, rule_url};
use ripcord_check::diagnostic::Related;
use ripcord_check::{Finding, Severity};

#[derive(Serialize)]
struct Document<'a> {
    tool: &'static str,
    version: &'static str,
    summary: &'a Summary,
    findings: Vec<Item<'a>>,
}

#[derive(Serialize)]
struct Item<'a> {
    rule: &'static str,
    name: &'static str,
    severity: Severity,
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    message: &'a str,
    help: Option<&'a str>,
    fingerprint: String,
    url: String,
    related: &'a [Related],
}

pub fn render(findings: &[Finding], summary: &Summary) -> String {
    let doc = Document {
        tool: "ripcord",
        version: env!("CARGO_PKG_VERSION"),
        summary,
        findings: findings
            .iter()
            .map(|f| Item {
                rule: f.rule,
                name: f.name,
                severity: f.severity,
                file: &f.file,
                line: f.line,
                column: f.column,
                end_line: f.end_line,
                end_column: f.end_column,
                message: &f.message,
                help: f.help.as_deref(),
                fingerprint: f.fingerprint(),
                url: rule_url(f.rule),
                related: &f.related,
            })
            .collect(),
    };
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "{}".into());
    out.push('\n');
    out
}
