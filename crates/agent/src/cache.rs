//! The last board seen, on disk, so an agent restarted while the server is down still
//! knows it is halted.

use std::io::Write;
use std::path::{Path, PathBuf};

use ripcord_core::Board;
use serde::{Deserialize, Serialize};

/// A board and the audit log it belongs to (its revisions mean nothing in another log).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Known {
    pub log: Option<String>,
    pub board: Board,
}

impl Known {
    /// The `Last-Event-ID` that resumes from this board: `LOG.REVISION`.
    pub fn position(&self) -> String {
        match &self.log {
            Some(log) => format!("{log}.{}", self.board.revision),
            None => self.board.revision.to_string(),
        }
    }
}

/// The cache file for one server: several servers on one host do not share a cache.
pub fn path_for(cache_dir: &Path, server: &str) -> PathBuf {
    let name: String = server
        .trim_start_matches("http://")
        .trim_start_matches("https://")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    cache_dir.join(format!("board-{name}.json"))
}

/// The cached board, if there is a readable one. A damaged cache is ignored with a
/// warning: the server's answer replaces it anyway.
pub fn load(path: &Path) -> Option<Known> {
    let text = std::fs::read_to_string(path).ok()?;
    match serde_json::from_str(&text) {
        Ok(known) => Some(known),
        Err(error) => {
            tracing::warn!(path = %path.display(), %error, "ignoring an unreadable cache");
            None
        }
    }
}

/// Writes the board atomically; several agents of one host may share the file.
pub fn store(path: &Path, known: &Known) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let temporary = dir.join(format!(
        ".board-{}-{}.tmp",
        std::process::id(),
        fastrand::u64(..)
    ));
    let mut file = std::fs::File::create(&temporary)?;
    file.write_all(&serde_json::to_vec(known).map_err(std::io::Error::other)?)?;
    file.sync_all()?;
    std::fs::rename(&temporary, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_board_loads_back_and_garbage_is_ignored() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = path_for(dir.path(), "http://127.0.0.1:7070/");
        assert_eq!(load(&path), None);
        let known = Known {
            log: Some("abc".into()),
            board: Board::new(["api".parse().expect("scope")]),
        };
        store(&path, &known).expect("store");
        assert_eq!(load(&path), Some(known));
        std::fs::write(&path, "{").expect("write");
        assert_eq!(load(&path), None);
    }

    #[test]
    fn servers_get_separate_files() {
        let dir = Path::new("/cache");
        assert_ne!(path_for(dir, "http://a:1"), path_for(dir, "http://a:2"));
    }
}
