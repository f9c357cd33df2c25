//! The last board seen, on disk, so an agent restarted while the server is down still
//! knows it is halted.

use std::fs::OpenOptions;
use std::io::{Read, Write};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use nix::fcntl::OFlag;
use nix::unistd::Uid;

use ripcord_core::api::Witness;
use ripcord_core::{Board, CarriedHalts, LogView, Position};
use serde::{Deserialize, Serialize};

/// A board and the audit log it belongs to (its revisions mean nothing in another log),
/// with the halts carried from logs the server no longer has.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KnownBoard {
    pub log: Option<String>,
    pub board: Board,
    #[serde(default, skip_serializing_if = "CarriedHalts::is_empty")]
    pub carried: CarriedHalts,
    /// The furthest event of the server's log applied so far (see [`Witness`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub witness: Option<Witness>,
}

impl KnownBoard {
    pub fn view(&self) -> LogView<'_> {
        LogView {
            log: self.log.as_deref(),
            board: &self.board,
        }
    }

    /// Where this board stands in its log: the `Last-Event-ID` that resumes from it.
    pub fn position(&self) -> Position {
        Position {
            log: self.log.clone(),
            revision: self.board.revision,
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

/// The cached board, if there is a trustworthy one. A damaged cache, or one that another
/// user could have written (a cache that says "running" would release a halt), is ignored
/// with a warning: the server's answer replaces it anyway.
pub fn load(path: &Path) -> Option<KnownBoard> {
    let dir = path.parent()?;
    if let Err(reason) = private_folder(dir) {
        tracing::warn!(folder = %dir.display(), %reason, "ignoring the board cache");
        return None;
    }
    let mut file = match OpenOptions::new()
        .read(true)
        .custom_flags(OFlag::O_NOFOLLOW.bits() | OFlag::O_NONBLOCK.bits())
        .open(path)
    {
        Ok(file) => file,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return None,
        Err(error) => {
            tracing::warn!(path = %path.display(), %error, "ignoring an unreadable cache");
            return None;
        }
    };
    let trusted = file.metadata().map_err(|e| e.to_string()).and_then(|m| {
        if !m.is_file() {
            Err("it is not a regular file".to_owned())
        } else if m.uid() != Uid::effective().as_raw() {
            Err(format!("it is owned by uid {}, not by this user", m.uid()))
        } else if m.mode() & 0o022 != 0 {
            Err(format!(
                "others may write to it (mode {:o})",
                m.mode() & 0o777
            ))
        } else if m.len() > MAX_CACHE_BYTES {
            Err(format!("it is {} bytes long", m.len()))
        } else {
            Ok(())
        }
    });
    if let Err(reason) = trusted {
        tracing::warn!(path = %path.display(), %reason, "ignoring the board cache");
        return None;
    }
    let mut text = String::new();
    if let Err(error) = file.read_to_string(&mut text) {
        tracing::warn!(path = %path.display(), %error, "ignoring an unreadable cache");
        return None;
    }
    match serde_json::from_str(&text) {
        Ok(known) => Some(known),
        Err(error) => {
            tracing::warn!(path = %path.display(), %error, "ignoring an unreadable cache");
            None
        }
    }
}

/// A board with many scopes and long reasons is a few hundred KiB; anything larger is not ours.
const MAX_CACHE_BYTES: u64 = 16 * 1024 * 1024;

/// Whether `dir` is this user's alone: owned by it, and nobody else may write into it.
fn private_folder(dir: &Path) -> Result<(), String> {
    let metadata = std::fs::symlink_metadata(dir).map_err(|e| e.to_string())?;
    if !metadata.is_dir() {
        return Err("it is not a folder".into());
    }
    if metadata.uid() != Uid::effective().as_raw() {
        return Err(format!(
            "it is owned by uid {}, not by this user",
            metadata.uid()
        ));
    }
    if metadata.mode() & 0o022 != 0 {
        return Err(format!(
            "others may write to it (mode {:o})",
            metadata.mode() & 0o7777
        ));
    }
    Ok(())
}

/// Writes the board atomically, 0600 in a 0700 folder; several agents of one user share
/// the file.
pub fn store(path: &Path, known: &KnownBoard) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)?;
    private_folder(dir).map_err(std::io::Error::other)?;
    let temporary = dir.join(format!(
        ".board-{}-{}.tmp",
        std::process::id(),
        fastrand::u64(..)
    ));
    let written = (|| {
        let mut file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .custom_flags(OFlag::O_NOFOLLOW.bits())
            .open(&temporary)?;
        file.write_all(&serde_json::to_vec(known).map_err(std::io::Error::other)?)?;
        file.sync_all()?;
        std::fs::rename(&temporary, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_board_loads_back_and_garbage_is_ignored() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = path_for(dir.path(), "http://127.0.0.1:7070/");
        assert_eq!(load(&path), None);
        let known = KnownBoard {
            log: Some("abc".into()),
            board: Board::new(["api".parse().expect("scope")]),
            carried: CarriedHalts::new(),
            witness: None,
        };
        store(&path, &known).expect("store");
        assert_eq!(load(&path), Some(known));
        std::fs::write(&path, "{").expect("write");
        assert_eq!(load(&path), None);
    }

    #[test]
    fn a_cache_others_could_write_is_ignored() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("temp dir");
        let path = path_for(dir.path(), "http://127.0.0.1:7070/");
        let known = KnownBoard {
            log: Some("abc".into()),
            board: Board::new([]),
            carried: CarriedHalts::new(),
            witness: None,
        };
        store(&path, &known).expect("store");
        let mode = std::fs::metadata(&path).expect("stat").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o666)).expect("chmod");
        assert_eq!(load(&path), None);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777))
            .expect("chmod");
        assert_eq!(load(&path), None);
    }

    #[test]
    fn servers_get_separate_files() {
        let dir = Path::new("/cache");
        assert_ne!(path_for(dir, "http://a:1"), path_for(dir, "http://a:2"));
    }
}
