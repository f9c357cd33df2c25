//! The data folder: private to the server's user, and used by one server at a time.
//!
//! Two servers on one SQLite file would each keep their own board and split the log's
//! readers silently, so `serve` holds an exclusive `flock` on `<data_dir>/serve.lock` for
//! its lifetime (never on the database file itself: SQLite's own locks live there).

use std::fs::File;
use std::io::{Read, Seek, Write};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use nix::fcntl::{Flock, FlockArg};

use crate::app::ServerError;

const LOCK_FILE: &str = "serve.lock";
const DATABASE_FILE: &str = "ripcord.db";

/// The locked data folder; dropping it releases the lock.
#[derive(Debug)]
pub(crate) struct DataDir {
    path: PathBuf,
    _lock: Flock<File>,
}

impl DataDir {
    /// Creates the folder 0700 (or takes group and other permissions off one this user
    /// owns) and takes the lock, or names the server that holds it.
    pub(crate) fn lock(path: &Path) -> Result<Self, ServerError> {
        let folder_error = |source| ServerError::DataDir {
            path: path.display().to_string(),
            source,
        };
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(path)
            .map_err(folder_error)?;
        let metadata = std::fs::metadata(path).map_err(folder_error)?;
        let mode = metadata.mode() & 0o7777;
        if mode & 0o077 != 0 && metadata.uid() == nix::unistd::Uid::effective().as_raw() {
            tracing::warn!(path = %path.display(), mode = format!("{mode:o}"), "the data folder was open to other users; making it 0700");
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o700))
                .map_err(folder_error)?;
        }
        let lock_path = path.join(LOCK_FILE);
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            .open(&lock_path)
            .map_err(folder_error)?;
        let mut lock = match Flock::lock(file, FlockArg::LockExclusiveNonblock) {
            Ok(lock) => lock,
            Err((mut file, nix::errno::Errno::EWOULDBLOCK)) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let holder = holder.trim();
                return Err(ServerError::Locked {
                    path: path.display().to_string(),
                    holder: if holder.is_empty() {
                        format!("{} is locked", lock_path.display())
                    } else {
                        holder.to_owned()
                    },
                });
            }
            Err((_, errno)) => return Err(folder_error(errno.into())),
        };
        let holder = format!(
            "pid {} on {}, since {}",
            std::process::id(),
            nix::unistd::gethostname()
                .ok()
                .and_then(|name| name.into_string().ok())
                .unwrap_or_else(|| "this host".into()),
            Timestamp::now()
                .round(jiff::Unit::Second)
                .unwrap_or(Timestamp::now())
        );
        let written = lock
            .set_len(0)
            .and_then(|()| lock.rewind())
            .and_then(|()| lock.write_all(holder.as_bytes()));
        if let Err(error) = written {
            tracing::warn!(%error, "cannot write the lock holder into {}", lock_path.display());
        }
        Ok(DataDir {
            path: path.to_owned(),
            _lock: lock,
        })
    }

    pub(crate) fn database(&self) -> PathBuf {
        self.path.join(DATABASE_FILE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_names_the_first_holder_and_is_free_once_dropped() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("data");
        let first = DataDir::lock(&path).expect("first");
        let error = DataDir::lock(&path).expect_err("second");
        let message = error.to_string();
        assert!(
            message.contains(&format!("pid {}", std::process::id())),
            "{message}"
        );
        drop(first);
        DataDir::lock(&path).expect("free again");
    }

    #[test]
    fn the_folder_is_private() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("data");
        std::fs::create_dir(&path).expect("mkdir");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        let _lock = DataDir::lock(&path).expect("lock");
        let mode = std::fs::metadata(&path).expect("stat").mode() & 0o777;
        assert_eq!(mode, 0o700);
    }
}
