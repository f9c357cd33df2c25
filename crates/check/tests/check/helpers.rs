use std::path::{Path, PathBuf};

use ripcord_check::engine::{self, Report, Selection};
use ripcord_check::{Finding, parity};

/// The day the rules' fixtures and the corpus are checked as of: dated facts (end-of-life
/// images) must not change the tests' findings as the calendar moves.
pub const AS_OF: jiff::civil::Date = jiff::civil::date(2026, 12, 1);

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Checks a folder with only the given rules (all when empty); paths relative to it.
pub fn check_dir(dir: &Path, select: &[&str]) -> Report {
    let selection = Selection {
        select: select.iter().map(|s| s.to_string()).collect(),
        today: Some(AS_OF),
        ..Selection::default()
    };
    let exclude = globset::GlobSet::empty();
    engine::check(&[dir.to_path_buf()], Some(dir), &exclude, &selection)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
}

/// Runs parity over the sub-folders of `dir` (sorted), paths relative to `dir`.
pub fn parity_dir(dir: &Path) -> Vec<Finding> {
    let mut envs: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    envs.sort();
    let allow: Vec<String> = parity::DEFAULT_ALLOW
        .iter()
        .map(|s| s.to_string())
        .collect();
    parity::parity(&envs, &allow, Some(dir)).unwrap_or_else(|e| panic!("{e}"))
}

/// Findings as plain text for snapshots and assertion messages: where, what, the source
/// line with the span marked, and the help. (The user-facing formats are the binary's.)
pub fn listing(findings: &[Finding]) -> String {
    let mut out = String::new();
    for f in findings {
        out.push_str(&format!(
            "{}:{}:{} {} {} ({}): {}\n",
            f.file,
            f.line,
            f.column,
            f.rule,
            f.severity.as_str(),
            f.name,
            f.message
        ));
        if !f.source_line.is_empty() {
            let end = if f.end_line == f.line {
                f.end_column
            } else {
                f.source_line.chars().count() + 1
            };
            let width = end.saturating_sub(f.column).max(1);
            out.push_str(&format!("  | {}\n", f.source_line));
            out.push_str(&format!(
                "  | {}{}\n",
                " ".repeat(f.column - 1),
                "^".repeat(width)
            ));
        }
        for related in &f.related {
            out.push_str(&format!(
                "  = {}:{}: {}\n",
                related.file, related.line, related.message
            ));
        }
        if let Some(help) = &f.help {
            out.push_str(&format!("  = help: {help}\n"));
        }
    }
    out
}
