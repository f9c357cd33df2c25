//! Finding `pg_dump` / `pg_restore` and reading their versions.

use std::path::{Path, PathBuf};

use crate::BackupError;

/// A PostgreSQL client program and its version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tool {
    pub path: PathBuf,
    /// As printed: `15.14 (Debian 15.14-0+deb12u1)`.
    pub version: String,
    pub major: i32,
}

/// Finds `name` (pg_dump, pg_restore): in `bin_dir` when configured; otherwise the newest
/// `/usr/lib/postgresql/<major>/bin` whose major is at least `min_major`, else `PATH`.
pub fn find(name: &str, bin_dir: Option<&Path>, min_major: i32) -> Result<Tool, BackupError> {
    if let Some(dir) = bin_dir {
        return inspect(&dir.join(name));
    }
    if let Some((major, path)) = installed(name).last()
        && *major >= min_major
    {
        return inspect(path);
    }
    inspect(Path::new(name))
}

/// Every `/usr/lib/postgresql/<major>/bin/<name>` (Debian's layout), oldest first.
pub fn installed(name: &str) -> Vec<(i32, PathBuf)> {
    let mut found: Vec<(i32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let major = entry.file_name().to_str()?.parse::<i32>().ok()?;
            let path = entry.path().join("bin").join(name);
            path.is_file().then_some((major, path))
        })
        .collect();
    found.sort();
    found
}

/// Runs `<path> --version` and parses `pg_dump (PostgreSQL) 15.14 …`.
pub fn inspect(path: &Path) -> Result<Tool, BackupError> {
    let tool = path.display().to_string();
    let output = std::process::Command::new(path)
        .arg("--version")
        .output()
        .map_err(|e| BackupError::Tool {
            tool: tool.clone(),
            reason: format!(
                "cannot run it ({e}); install the PostgreSQL client (Debian: postgresql-client) \
                 or set backup.pg_bin_dir"
            ),
        })?;
    let text = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    let version = text
        .split_once(')')
        .map(|(_, v)| v.trim().to_owned())
        .unwrap_or_else(|| text.clone());
    let major = parse_major(&version).ok_or_else(|| BackupError::Tool {
        tool: tool.clone(),
        reason: format!("unexpected --version output {text:?}"),
    })?;
    Ok(Tool {
        path: path.to_path_buf(),
        version,
        major,
    })
}

/// `15.14 (Debian …)` → 15; `9.6.24` → 9.
pub fn parse_major(version: &str) -> Option<i32> {
    let digits: String = version
        .trim()
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn majors_parse() {
        assert_eq!(parse_major("15.14 (Debian 15.14-0+deb12u1)"), Some(15));
        assert_eq!(parse_major("17devel"), Some(17));
        assert_eq!(parse_major("garbage"), None);
    }
}
