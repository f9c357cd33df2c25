//! Rule pages: `ripcord check --explain CODE`, `--list-rules`, and `docs/rules/CODE.md`
//! are all rendered here from the rules' doc comments.

use std::fmt::Write;

use crate::rules::{RULES, RuleMeta};

/// A rule's page in Markdown.
pub fn rule_page(meta: &RuleMeta) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {} ({})", meta.name, meta.code);
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "Family: {} · Default severity: {} · Status: {:?}",
        meta.family.as_str(),
        meta.severity.as_str(),
        meta.status
    );
    let _ = writeln!(out);
    let _ = writeln!(out, "{}.", capitalize(meta.summary));
    let _ = writeln!(out);
    out.push_str(&meta.doc_text());
    let _ = writeln!(out);
    let _ = writeln!(out, "## How to fix");
    let _ = writeln!(out, "{}.", capitalize(meta.fix));
    let _ = writeln!(out);
    let _ = writeln!(out, "## Suppressing");
    let _ = writeln!(
        out,
        "`# ripcord:ignore {} <reason>` on the line before the finding, or `[check] disable = [\"{}\"]` in `ripcord.toml`.",
        meta.code, meta.code
    );
    out.push_str("\n<!-- generated from crates/check/src/rules by `UPDATE_DOCS=1 cargo test -p ripcord-check --test check docs`; do not edit -->\n");
    out
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

/// The index page `docs/rules/README.md`: one table of every code.
pub fn index_page() -> String {
    let mut out = String::from(
        "# ripcord check rules\n\n| code | name | family | severity | status | what it finds |\n|---|---|---|---|---|---|\n",
    );
    for rule in RULES {
        let m = rule.meta();
        let _ = writeln!(
            out,
            "| [{}]({}.md) | {} | {} | {} | {:?} | {} |",
            m.code,
            m.code,
            m.name,
            m.family.as_str(),
            m.severity.as_str(),
            m.status,
            m.summary
        );
    }
    out.push_str("\n<!-- generated from crates/check/src/rules by `UPDATE_DOCS=1 cargo test -p ripcord-check --test check docs`; do not edit -->\n");
    out
}

/// `--list-rules`: one line per rule.
pub fn list() -> String {
    let mut out = String::new();
    for rule in RULES {
        let m = rule.meta();
        let _ = writeln!(
            out,
            "{:<6} {:<8} {:<36} {}",
            m.code,
            m.severity.as_str(),
            m.name,
            m.summary
        );
    }
    out
}
