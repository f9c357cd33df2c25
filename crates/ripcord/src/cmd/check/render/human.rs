//! rustc-style text: a header, the location, the source line with a caret, the fix.
//!
//! ```text
//! error[DF003]: base image `node:22` is not pinned by digest
//!  --> web/Dockerfile:1:6
//!   |
//! 1 | FROM node:22 AS build
//!   |      ^^^^^^^ base-image-not-pinned
//!   |
//!   = help: pin the image by digest: …
//! ```

use std::fmt::Write;

use super::Summary;
use ripcord_check::{Finding, Severity};

struct Paint {
    on: bool,
}

impl Paint {
    fn wrap(&self, code: &str, text: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
}

fn severity_color(s: Severity) -> &'static str {
    match s {
        Severity::Error => "1;31",
        Severity::Warning => "1;33",
        Severity::Info => "1;36",
    }
}

/// Renders every finding; empty output for no findings.
pub fn render(findings: &[Finding], color: bool) -> String {
    let paint = Paint { on: color };
    let mut out = String::new();
    for f in findings {
        let width = f.line.to_string().len();
        let pad = " ".repeat(width);
        let bar = paint.wrap("1;34", "|");
        let header = format!("{}[{}]", f.severity.as_str(), f.rule);
        let _ = writeln!(
            out,
            "{}: {}",
            paint.wrap(severity_color(f.severity), &header),
            paint.wrap("1", &f.message)
        );
        let _ = writeln!(
            out,
            "{pad}{} {}:{}:{}",
            paint.wrap("1;34", "-->"),
            f.file,
            f.line,
            f.column
        );
        let _ = writeln!(out, "{pad} {bar}");
        let line = f.source_line.replace('\t', "    ");
        let _ = writeln!(
            out,
            "{} {bar} {}",
            paint.wrap("1;34", &f.line.to_string()),
            line.trim_end()
        );
        // Columns count characters of the original line; tabs were widened to 4.
        let prefix: String = f
            .source_line
            .chars()
            .take(f.column.saturating_sub(1))
            .map(|c| {
                if c == '\t' {
                    "    ".to_string()
                } else {
                    " ".to_string()
                }
            })
            .collect();
        let line_chars = f.source_line.chars().count();
        let end = if f.end_line == f.line {
            f.end_column
        } else {
            line_chars + 1
        };
        let carets = end
            .saturating_sub(f.column)
            .max(1)
            .min(line_chars.saturating_sub(f.column.saturating_sub(1)).max(1));
        let marker = format!("{} {}", "^".repeat(carets), f.name);
        let _ = writeln!(
            out,
            "{pad} {bar} {prefix}{}",
            paint.wrap(severity_color(f.severity), &marker)
        );
        for r in &f.related {
            let _ = writeln!(
                out,
                "{pad} {} {}: {}:{}:{}: {}",
                paint.wrap("1;34", "="),
                paint.wrap("1", "note"),
                r.file,
                r.line,
                r.column,
                r.message
            );
        }
        if let Some(help) = &f.help {
            let _ = writeln!(out, "{pad} {bar}");
            let _ = writeln!(
                out,
                "{pad} {} {}: {help}",
                paint.wrap("1;34", "="),
                paint.wrap("1", "help")
            );
        }
        out.push('\n');
    }
    out
}

/// The closing line of a human report.
pub fn summary(s: &Summary) -> String {
    let mut extra = Vec::new();
    if s.suppressed > 0 {
        extra.push(format!("{} suppressed", s.suppressed));
    }
    if s.baselined > 0 {
        extra.push(format!("{} in baseline", s.baselined));
    }
    let extra = if extra.is_empty() {
        String::new()
    } else {
        format!("; {}", extra.join(", "))
    };
    let noun = match s.counted {
        super::Counted::Files => "file",
        super::Counted::Environments => "environment",
    };
    let files = if s.files == 1 {
        format!("1 {noun}")
    } else {
        format!("{} {noun}s", s.files)
    };
    if s.findings == 0 {
        return format!("No findings in {files}{extra}.\n");
    }
    format!(
        "Found {} finding{} in {files} ({} error{}, {} warning{}, {} info){extra}.\n",
        s.findings,
        if s.findings == 1 { "" } else { "s" },
        s.errors,
        if s.errors == 1 { "" } else { "s" },
        s.warnings,
        if s.warnings == 1 { "" } else { "s" },
        s.info,
    )
}
