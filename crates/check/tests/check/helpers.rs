use std::path::{Path, PathBuf};

use ripcord_check::engine::{self, Report, Selection};
use ripcord_check::{Finding, parity};

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Checks a folder with only the given rules (all when empty); paths relative to it.
pub fn check_dir(dir: &Path, select: &[&str]) -> Report {
    let selection = Selection {
        select: select.iter().map(|s| s.to_string()).collect(),
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

pub fn human(findings: &[Finding]) -> String {
    ripcord_check::render::human::render(findings, false)
}
