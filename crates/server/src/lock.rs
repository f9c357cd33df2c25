//! The data folder: private to the server's user, and used by one server at a time.
//!
//! Two servers on one SQLite file would each keep their own board and split the log's
//! readers silently, so `serve` holds an exclusive `flock` on the data folder itself for
//! its lifetime (a file in it could be deleted under the lock; never the database file,
//! where SQLite's own locks live) and writes who holds it in `<data_dir>/serve.lock`.
//! The folder must be the server user's own: another user who owns it could swap the
//! database or plant symbolic links where the server writes.

use std::fs::File;
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use nix::fcntl::{Flock, FlockArg, OFlag};

use crate::app::ServerError;

/// Says who holds the folder's lock, for the error a second server prints.
const HOLDER_FILE: &str = "serve.lock";
const DATABASE_FILE: &str = "ripcord.db";

/// Creates the data folder 0700 (or takes group and other permissions off one this user
/// owns), refusing a folder another user owns; returns it open.
pub(crate) fn prepare(path: &Path) -> Result<File, ServerError> {
    let folder_error = |error| ServerError::DataDir {
        path: path.display().to_string(),
        error,
    };
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(path)
        .map_err(folder_error)?;
    // A link to the folder is followed (an operator's choice of disk); what counts is
    // that the folder is this user's, so nobody else can put anything in it.
    let folder = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(OFlag::O_DIRECTORY.bits())
        .open(path)
        .map_err(folder_error)?;
    let metadata = folder.metadata().map_err(folder_error)?;
    let me = nix::unistd::Uid::effective();
    if metadata.uid() != me.as_raw() {
        return Err(folder_error(std::io::Error::other(format!(
            "it is owned by uid {}, not by the user running the server (uid {me}); \
                 another user could replace the database in it",
            metadata.uid()
        ))));
    }
    let mode = metadata.mode() & 0o7777;
    if mode & 0o077 != 0 {
        tracing::warn!(path = %path.display(), mode = format!("{mode:o}"), "the data folder was open to other users; making it 0700");
        folder
            .set_permissions(std::fs::Permissions::from_mode(0o700))
            .map_err(folder_error)?;
    }
    Ok(folder)
}

/// The state database's file in a data folder.
pub(crate) fn database_file(data_dir: &Path) -> PathBuf {
    data_dir.join(DATABASE_FILE)
}

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
        let folder = prepare(path)?;
        let folder_error = |error| ServerError::DataDir {
            path: path.display().to_string(),
            error,
        };
        let lock = match Flock::lock(folder, FlockArg::LockExclusiveNonblock) {
            Ok(lock) => lock,
            Err((_, nix::errno::Errno::EWOULDBLOCK)) => {
                let holder = std::fs::read_to_string(path.join(HOLDER_FILE)).unwrap_or_default();
                let holder = holder.trim();
                return Err(ServerError::Locked {
                    path: path.display().to_string(),
                    holder: if holder.is_empty() {
                        "its holder did not say who it is".into()
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
        let holder_path = path.join(HOLDER_FILE);
        let written = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .custom_flags(OFlag::O_NOFOLLOW.bits())
            .open(&holder_path)
            .and_then(|mut file| file.write_all(holder.as_bytes()));
        if let Err(error) = written {
            tracing::warn!(%error, "cannot write the lock holder into {}", holder_path.display());
        }
        Ok(DataDir {
            path: path.to_owned(),
            _lock: lock,
        })
    }

    pub(crate) fn database(&self) -> PathBuf {
        database_file(&self.path)
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
    fn deleting_the_holder_file_does_not_free_the_lock() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("data");
        let _first = DataDir::lock(&path).expect("first");
        std::fs::remove_file(path.join(HOLDER_FILE)).expect("delete");
        assert!(DataDir::lock(&path).is_err());
    }

    #[test]
    fn a_folder_of_another_user_is_refused() {
        let dir = tempfile::tempdir().expect("temp dir");
        let real = dir.path().join("real");
        std::fs::create_dir(&real).expect("mkdir");
        // Tests run as root, which may give the folder away.
        nix::unistd::chown(&real, Some(nix::unistd::Uid::from_raw(65534)), None).expect("chown");
        let error = DataDir::lock(&real).expect_err("another user's");
        assert!(error.to_string().contains("owned by uid 65534"), "{error}");
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
