//! Local halt markers: one file per halted scope in a folder on the host, written by
//! `ripcord halt --local` and obeyed by every agent on the host through inotify, with no
//! network and no polling.

use std::io::Write;
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use notify::{RecursiveMode, Watcher};
use ripcord_core::{LocalHalts, LocalMarker, Scope};
use tokio::sync::watch;

#[derive(Debug, thiserror::Error)]
pub enum LocalError {
    #[error("cannot use the local halt folder {path}: {source}")]
    Folder {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write the halt marker {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot remove the halt marker {path}: {source}")]
    Remove {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot watch the local halt folder {path}: {source}")]
    Watch {
        path: PathBuf,
        source: notify::Error,
    },
}

fn marker_path(dir: &Path, scope: &Scope) -> PathBuf {
    dir.join(scope.as_str())
}

fn ensure_dir(dir: &Path) -> Result<(), LocalError> {
    std::fs::create_dir_all(dir).map_err(|source| LocalError::Folder {
        path: dir.to_owned(),
        source,
    })
}

/// Writes the marker for `scope` atomically (a temporary file renamed into place), so a
/// watcher never reads half a marker.
pub fn halt(
    dir: &Path,
    scope: &Scope,
    reason: &str,
    actor: &str,
) -> Result<LocalMarker, LocalError> {
    ensure_dir(dir)?;
    let marker = LocalMarker {
        reason: reason.to_owned(),
        actor: actor.to_owned(),
        at: Timestamp::now(),
    };
    let path = marker_path(dir, scope);
    let write_error = |source| LocalError::Write {
        path: path.clone(),
        source,
    };
    let mut temporary = tempfile_in(dir).map_err(write_error)?;
    let json = serde_json::to_vec_pretty(&marker).unwrap_or_default();
    temporary
        .1
        .write_all(&json)
        .and_then(|()| temporary.1.sync_all())
        .map_err(write_error)?;
    std::fs::rename(&temporary.0, &path).map_err(write_error)?;
    Ok(marker)
}

/// A hidden file in `dir` that `read` ignores until it is renamed.
fn tempfile_in(dir: &Path) -> std::io::Result<(PathBuf, std::fs::File)> {
    let path = dir.join(format!(
        ".marker-{}-{}",
        std::process::id(),
        fastrand::u64(..)
    ));
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)?;
    Ok((path, file))
}

/// Removes the marker for `scope`; `Ok(false)` if there was none.
pub fn resume(dir: &Path, scope: &Scope) -> Result<bool, LocalError> {
    let path = marker_path(dir, scope);
    match std::fs::remove_file(&path) {
        Ok(()) => Ok(true),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(source) => Err(LocalError::Remove { path, source }),
    }
}

/// The markers in `dir`. Files that are not markers are ignored; a marker that cannot be
/// parsed still halts its scope, because someone meant to halt it.
pub fn read(dir: &Path) -> LocalHalts {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return LocalHalts::new();
    };
    entries
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let scope: Scope = entry.file_name().to_str()?.parse().ok()?;
            let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
            let marker = serde_json::from_str(&text).unwrap_or_else(|_| LocalMarker {
                reason: format!("unreadable marker file {}", entry.path().display()),
                actor: "unknown".into(),
                at: Timestamp::now(),
            });
            Some((scope, marker))
        })
        .collect()
}

/// Watches `dir` and publishes its markers whenever anything in it changes. Dropping the
/// returned watcher stops watching.
pub fn watch(
    dir: &Path,
) -> Result<(notify::RecommendedWatcher, watch::Receiver<LocalHalts>), LocalError> {
    ensure_dir(dir)?;
    let (sender, receiver) = watch::channel(LocalHalts::new());
    let folder = dir.to_owned();
    let publish = sender.clone();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if event.is_ok() {
            publish.send_if_modified(|current| {
                let now = read(&folder);
                let changed = *current != now;
                *current = now;
                changed
            });
        }
    })
    .map_err(|source| LocalError::Watch {
        path: dir.to_owned(),
        source,
    })?;
    watcher
        .watch(dir, RecursiveMode::NonRecursive)
        .map_err(|source| LocalError::Watch {
            path: dir.to_owned(),
            source,
        })?;
    // Read after the watch is in place, so a marker written in between is not missed.
    sender.send_modify(|halts| *halts = read(dir));
    Ok((watcher, receiver))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope(name: &str) -> Scope {
        name.parse().expect("valid scope")
    }

    #[test]
    fn markers_round_trip_and_resume_removes_them() {
        let dir = tempfile::tempdir().expect("temp dir");
        halt(dir.path(), &scope("worker"), "disk full", "root").expect("halt");
        let halts = read(dir.path());
        assert_eq!(
            halts.get(&scope("worker")).map(|m| m.reason.as_str()),
            Some("disk full")
        );
        assert!(resume(dir.path(), &scope("worker")).expect("resume"));
        assert!(!resume(dir.path(), &scope("worker")).expect("second resume"));
        assert!(read(dir.path()).is_empty());
    }

    #[test]
    fn stray_files_are_ignored_and_garbled_markers_still_halt() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("README.txt"), "not a scope").expect("write");
        std::fs::write(dir.path().join(".marker-1-2"), "half").expect("write");
        std::fs::write(dir.path().join("global"), "{ not json").expect("write");
        let halts = read(dir.path());
        assert_eq!(halts.keys().collect::<Vec<_>>(), [&Scope::global()]);
    }

    #[tokio::test]
    async fn the_watcher_sees_a_marker_without_polling() {
        let dir = tempfile::tempdir().expect("temp dir");
        let (_watcher, mut halts) = watch(dir.path()).expect("watch");
        assert!(halts.borrow().is_empty());
        halt(dir.path(), &Scope::global(), "drill", "test").expect("halt");
        // A deadline, not a sleep: the test fails instead of hanging if no event arrives.
        let deadline = std::time::Duration::from_secs(10);
        let seen = tokio::time::timeout(
            deadline,
            halts.wait_for(|h| h.contains_key(&Scope::global())),
        )
        .await
        .map(|seen| seen.is_ok());
        assert!(
            matches!(seen, Ok(true)),
            "the watcher did not report the marker"
        );
        resume(dir.path(), &Scope::global()).expect("resume");
        let cleared = tokio::time::timeout(deadline, halts.wait_for(LocalHalts::is_empty))
            .await
            .map(|cleared| cleared.is_ok());
        assert!(
            matches!(cleared, Ok(true)),
            "the watcher did not report the removal"
        );
    }
}
