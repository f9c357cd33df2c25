//! Local halt markers: one file per halted scope in a host-wide folder, written by
//! `ripcord halt --local` and obeyed by every agent on the host with no network.
//!
//! A marker is a halt, so who may write one matters as much as the file's content. A folder
//! is used only when nobody but root, the reader itself or (with `client.local_group`)
//! that group's members can write to it, and a marker counts only when it is a small
//! regular file owned by root, by the reader, or by a member of that group. Anything else
//! is refused with a reason naming the file and its owner: another local user must not be
//! able to halt this user's agents, hang them with a FIFO or release a halt.

mod watch;

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use nix::fcntl::OFlag;
use nix::unistd::{Gid, Group, Uid, User};
use ripcord_core::{LocalHalts, LocalMarker, Scope};
use serde::Serialize;

pub use watch::{MarkerWatch, WatchMode};

/// The largest marker read; one holds a reason, an actor and a time.
pub const MAX_MARKER_BYTES: u64 = 4096;

#[derive(Debug, thiserror::Error)]
pub enum LocalError {
    #[error("cannot use the local halt folder {path}: {source}")]
    Folder {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "cannot create the local halt folder {path}: {source}. Local halts are host-wide: run as root \
         (`sudo ripcord halt --local`), or have root create the folder for a group \
         (`install -d -o root -g ripcord -m 2775 {path}`) and set client.local_group"
    )]
    Create {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("refusing the local halt folder {path}: {reason}")]
    Untrusted { path: PathBuf, reason: String },
    #[error("unknown group `{0}` in client.local_group")]
    UnknownGroup(String),
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
}

/// The group whose members may halt and resume this host's agents. Its members are
/// looked up at each read, so a member removed from the group stops counting at once.
#[derive(Debug, Clone)]
struct TrustedGroup {
    gid: Gid,
}

/// The host's marker folder, with the rules for who may write to it.
#[derive(Debug, Clone)]
pub struct MarkerFolder {
    path: PathBuf,
    group: Option<TrustedGroup>,
    reader: Uid,
}

/// A file in the folder that looked like a marker and was not obeyed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Refused {
    pub path: PathBuf,
    pub reason: String,
}

/// What the folder says, as this process reads it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Markers {
    /// The markers obeyed, by scope.
    pub halts: LocalHalts,
    /// Marker files that were not obeyed, and why.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub refused: Vec<Refused>,
    /// Why the whole folder was not read, when it was not (a missing folder is not a
    /// problem: nothing is halted locally).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

impl MarkerFolder {
    /// The folder at `path`; `group` names the group whose members may write markers.
    pub fn new(path: &Path, group: Option<&str>) -> Result<Self, LocalError> {
        let group = group
            .map(|name| {
                let found = Group::from_name(name)
                    .ok()
                    .flatten()
                    .ok_or_else(|| LocalError::UnknownGroup(name.to_owned()))?;
                Ok(TrustedGroup { gid: found.gid })
            })
            .transpose()?;
        Ok(MarkerFolder {
            path: path.to_owned(),
            group,
            reader: Uid::effective(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn marker_path(&self, scope: &Scope) -> PathBuf {
        self.path.join(scope.as_str())
    }

    /// Why the folder must not be used, or `Ok(false)` when it does not exist. Its
    /// ancestors count too: whoever can rename a folder on the way can swap the whole
    /// marker folder for another.
    fn check_folder(&self) -> Result<bool, String> {
        self.check_ancestors()?;
        let metadata = match std::fs::symlink_metadata(&self.path) {
            Ok(metadata) => metadata,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(false),
            Err(error) => return Err(error.to_string()),
        };
        if metadata.file_type().is_symlink() {
            return Err("it is a symbolic link".into());
        }
        if !metadata.is_dir() {
            return Err("it is not a folder".into());
        }
        let owner = Uid::from_raw(metadata.uid());
        if !owner.is_root() && owner != self.reader {
            return Err(format!(
                "it is owned by {}, who may not halt this host's agents",
                describe_user(owner)
            ));
        }
        let mode = metadata.mode();
        if mode & 0o002 != 0 {
            return Err(format!(
                "every local user may write to it (mode {:o})",
                mode & 0o7777
            ));
        }
        if mode & 0o020 != 0 {
            let folder_group = Gid::from_raw(metadata.gid());
            let trusted = self
                .group
                .as_ref()
                .is_some_and(|group| group.gid == folder_group && owner.is_root());
            if !trusted {
                return Err(format!(
                    "group {} may write to it (mode {:o}); set client.local_group to that group \
                     (with the folder owned by root) to let its members halt, or remove the group's \
                     write permission",
                    describe_group(folder_group),
                    mode & 0o7777
                ));
            }
        }
        Ok(true)
    }

    /// Each folder above this one must be owned by root or this user and writable by no
    /// one else, unless it has the sticky bit (as `/tmp` does), where others cannot rename
    /// what is not theirs.
    fn check_ancestors(&self) -> Result<(), String> {
        let Ok(absolute) = std::path::absolute(&self.path) else {
            return Ok(());
        };
        for ancestor in absolute.ancestors().skip(1) {
            let Ok(metadata) = std::fs::metadata(ancestor) else {
                continue;
            };
            let owner = Uid::from_raw(metadata.uid());
            let mode = metadata.mode();
            let sticky = mode & 0o1000 != 0;
            if !owner.is_root() && owner != self.reader {
                return Err(format!(
                    "the folder above it, {}, is owned by {}, who could replace it",
                    ancestor.display(),
                    describe_user(owner)
                ));
            }
            if mode & 0o022 != 0 && !sticky {
                return Err(format!(
                    "the folder above it, {}, is writable by other users (mode {:o}), who could replace it",
                    ancestor.display(),
                    mode & 0o7777
                ));
            }
        }
        Ok(())
    }

    /// Whether `owner` may write markers this process obeys.
    fn may_write(&self, owner: Uid) -> bool {
        if owner.is_root() || owner == self.reader {
            return true;
        }
        let Some(group) = &self.group else {
            return false;
        };
        let members = Group::from_gid(group.gid)
            .ok()
            .flatten()
            .map(|group| group.mem)
            .unwrap_or_default();
        User::from_uid(owner)
            .ok()
            .flatten()
            .is_some_and(|user| user.gid == group.gid || members.contains(&user.name))
    }

    /// The markers in the folder. Only trusted files count; a trusted marker that cannot be
    /// parsed still halts its scope, because someone allowed to meant to halt it.
    pub fn read(&self) -> Markers {
        let mut markers = Markers::default();
        match self.check_folder() {
            Ok(true) => {}
            Ok(false) => return markers,
            Err(reason) => {
                markers.problem = Some(format!(
                    "refusing the local halt folder {}: {reason}",
                    self.path.display()
                ));
                return markers;
            }
        }
        let entries = match std::fs::read_dir(&self.path) {
            Ok(entries) => entries,
            Err(error) => {
                markers.problem = Some(format!(
                    "cannot read the local halt folder {}: {error}",
                    self.path.display()
                ));
                return markers;
            }
        };
        for entry in entries.filter_map(Result::ok) {
            // Temporary files of a marker being written start with a dot, and are not scopes.
            let Some(scope) = entry
                .file_name()
                .to_str()
                .and_then(|name| name.parse::<Scope>().ok())
            else {
                continue;
            };
            let path = entry.path();
            match self.read_marker(&path) {
                Ok(marker) => {
                    markers.halts.insert(scope, marker);
                }
                Err(reason) => markers.refused.push(Refused { path, reason }),
            }
        }
        markers
    }

    fn read_marker(&self, path: &Path) -> Result<LocalMarker, String> {
        // What it is and who owns it, from the entry itself (not followed); then the open
        // checks again (O_NOFOLLOW: a link swapped in meanwhile is not followed; O_NONBLOCK:
        // a FIFO does not hang the reader).
        let entry = std::fs::symlink_metadata(path).map_err(|error| error.to_string())?;
        if entry.file_type().is_symlink() {
            return Err("it is a symbolic link".into());
        }
        if !entry.is_file() {
            return Err("it is not a regular file".into());
        }
        let owner = Uid::from_raw(entry.uid());
        if !self.may_write(owner) {
            return Err(format!(
                "it is owned by {}, who may not halt this host's agents",
                describe_user(owner)
            ));
        }
        let flags = OFlag::O_NOFOLLOW | OFlag::O_NONBLOCK | OFlag::O_NOCTTY;
        let unreadable = |why: String| LocalMarker {
            reason: format!("unreadable marker file {} ({why})", path.display()),
            actor: describe_user(owner),
            at: Timestamp::now(),
        };
        let mut file = match OpenOptions::new()
            .read(true)
            .custom_flags(flags.bits())
            .open(path)
        {
            Ok(file) => file,
            // Someone allowed to halt meant to: a marker this reader cannot open halts.
            Err(error) => return Ok(unreadable(error.to_string())),
        };
        let metadata = file.metadata().map_err(|error| error.to_string())?;
        if !metadata.is_file() || metadata.uid() != entry.uid() {
            return Err("it changed while being read".into());
        }
        if metadata.len() > MAX_MARKER_BYTES {
            return Err(format!(
                "it is {} bytes long; a marker is at most {MAX_MARKER_BYTES}",
                metadata.len()
            ));
        }
        let mut text = String::new();
        let parsed = (&mut file)
            .take(MAX_MARKER_BYTES)
            .read_to_string(&mut text)
            .ok()
            .and_then(|_| serde_json::from_str(&text).ok());
        Ok(parsed.unwrap_or_else(|| unreadable("not a marker's JSON".into())))
    }

    /// Creates the folder when it is missing: root's is `root:<local_group>` with mode
    /// 2775 when a group is set, 0755 otherwise. Then checks it as a reader would.
    fn prepare(&self) -> Result<(), LocalError> {
        let exists = self
            .check_folder()
            .map_err(|reason| LocalError::Untrusted {
                path: self.path.clone(),
                reason,
            })?;
        if !exists {
            self.create()?;
            self.check_folder()
                .map_err(|reason| LocalError::Untrusted {
                    path: self.path.clone(),
                    reason,
                })?;
        }
        self.open_to_readers()
    }

    fn create(&self) -> Result<(), LocalError> {
        let create_error = |source| LocalError::Create {
            path: self.path.clone(),
            source,
        };
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true).mode(0o755);
        builder.create(&self.path).map_err(create_error)?;
        // Set explicitly: a restrictive umask (077) must not hide the folder from agents.
        let mode = match self.group.as_ref().filter(|_| self.reader.is_root()) {
            Some(group) => {
                nix::unistd::chown(&self.path, Some(Uid::from_raw(0)), Some(group.gid))
                    .map_err(|errno| create_error(errno.into()))?;
                0o2775
            }
            None => 0o755,
        };
        std::fs::set_permissions(&self.path, std::fs::Permissions::from_mode(mode))
            .map_err(create_error)
    }

    /// Makes an existing folder readable by every agent, when this user owns it and a
    /// restrictive umask left it closed.
    fn open_to_readers(&self) -> Result<(), LocalError> {
        let metadata = std::fs::metadata(&self.path).map_err(|source| LocalError::Folder {
            path: self.path.clone(),
            source,
        })?;
        let mode = metadata.mode() & 0o7777;
        if metadata.uid() == self.reader.as_raw() && mode & 0o055 != 0o055 {
            std::fs::set_permissions(&self.path, std::fs::Permissions::from_mode(mode | 0o055))
                .map_err(|source| LocalError::Folder {
                    path: self.path.clone(),
                    source,
                })?;
        }
        Ok(())
    }

    /// Writes the marker for `scope` atomically (a temporary file renamed into place, then
    /// the folder synced), so a watcher never reads half a marker and a crash loses none.
    pub fn halt(
        &self,
        scope: &Scope,
        reason: &str,
        actor: &str,
    ) -> Result<LocalMarker, LocalError> {
        self.prepare()?;
        let marker = LocalMarker {
            reason: reason.to_owned(),
            actor: actor.to_owned(),
            at: Timestamp::now(),
        };
        let path = self.marker_path(scope);
        let write_error = |source| LocalError::Write {
            path: path.clone(),
            source,
        };
        let json = serde_json::to_vec_pretty(&marker).map_err(|e| write_error(e.into()))?;
        let (temporary, mut file) = self.temporary_file().map_err(write_error)?;
        // Readable by every agent whatever the umask: a marker holds no secret.
        let written = file
            .set_permissions(std::fs::Permissions::from_mode(0o644))
            .and_then(|()| file.write_all(&json))
            .and_then(|()| file.sync_all())
            .and_then(|()| std::fs::rename(&temporary, &path))
            .and_then(|()| File::open(&self.path)?.sync_all());
        if let Err(error) = written {
            let _ = std::fs::remove_file(&temporary);
            return Err(write_error(error));
        }
        Ok(marker)
    }

    /// A hidden file in the folder, readable by every agent, that `read` ignores until it
    /// is renamed.
    fn temporary_file(&self) -> std::io::Result<(PathBuf, File)> {
        let path = self.path.join(format!(
            ".marker-{}-{}",
            std::process::id(),
            fastrand::u64(..)
        ));
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o644)
            .custom_flags(OFlag::O_NOFOLLOW.bits())
            .open(&path)?;
        Ok((path, file))
    }

    /// Removes the marker for `scope`; `Ok(false)` if there was none.
    pub fn resume(&self, scope: &Scope) -> Result<bool, LocalError> {
        self.check_folder()
            .map_err(|reason| LocalError::Untrusted {
                path: self.path.clone(),
                reason,
            })?;
        let path = self.marker_path(scope);
        match std::fs::remove_file(&path) {
            Ok(()) => Ok(true),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(source) => Err(LocalError::Remove { path, source }),
        }
    }
}

/// `name (uid N)`, or `uid N` for a user the host does not know.
fn describe_user(uid: Uid) -> String {
    match User::from_uid(uid).ok().flatten() {
        Some(user) => format!("{} (uid {uid})", user.name),
        None => format!("uid {uid}"),
    }
}

fn describe_group(gid: Gid) -> String {
    match Group::from_gid(gid).ok().flatten() {
        Some(group) => format!("{} (gid {gid})", group.name),
        None => format!("gid {gid}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope(name: &str) -> Scope {
        name.parse().expect("valid scope")
    }

    fn folder(dir: &Path) -> MarkerFolder {
        MarkerFolder::new(&dir.join("local"), None).expect("folder")
    }

    #[test]
    fn markers_round_trip_and_resume_removes_them() {
        let dir = tempfile::tempdir().expect("temp dir");
        let folder = folder(dir.path());
        folder
            .halt(&scope("worker"), "disk full", "root")
            .expect("halt");
        let markers = folder.read();
        assert_eq!(
            markers
                .halts
                .get(&scope("worker"))
                .map(|m| m.reason.as_str()),
            Some("disk full")
        );
        assert!(folder.resume(&scope("worker")).expect("resume"));
        assert!(!folder.resume(&scope("worker")).expect("second resume"));
        assert_eq!(folder.read(), Markers::default());
    }

    #[test]
    fn a_missing_folder_halts_nothing_and_is_no_problem() {
        let dir = tempfile::tempdir().expect("temp dir");
        assert_eq!(folder(dir.path()).read(), Markers::default());
    }

    #[test]
    fn stray_files_are_ignored_and_garbled_markers_still_halt() {
        let dir = tempfile::tempdir().expect("temp dir");
        let folder = folder(dir.path());
        std::fs::create_dir(folder.path()).expect("mkdir");
        std::fs::write(folder.path().join("README.txt"), "not a scope").expect("write");
        std::fs::write(folder.path().join(".marker-1-2"), "half").expect("write");
        std::fs::write(folder.path().join("global"), "{ not json").expect("write");
        let markers = folder.read();
        assert_eq!(markers.halts.keys().collect::<Vec<_>>(), [&Scope::global()]);
        assert!(markers.refused.is_empty());
    }

    #[test]
    fn symlinks_fifos_folders_and_huge_files_are_refused_not_followed() {
        let dir = tempfile::tempdir().expect("temp dir");
        let folder = folder(dir.path());
        std::fs::create_dir(folder.path()).expect("mkdir");
        std::os::unix::fs::symlink("/dev/zero", folder.path().join("api")).expect("symlink");
        nix::unistd::mkfifo(
            &folder.path().join("worker"),
            nix::sys::stat::Mode::from_bits_truncate(0o644),
        )
        .expect("fifo");
        std::fs::create_dir(folder.path().join("cron")).expect("folder");
        std::fs::write(
            folder.path().join("big"),
            vec![b' '; MAX_MARKER_BYTES as usize + 1],
        )
        .expect("big");
        let markers = folder.read();
        assert!(markers.halts.is_empty(), "{markers:?}");
        let mut reasons: Vec<(String, String)> = markers
            .refused
            .iter()
            .map(|refused| {
                let name = refused.path.file_name().expect("name");
                (name.to_string_lossy().into_owned(), refused.reason.clone())
            })
            .collect();
        reasons.sort();
        assert_eq!(
            reasons,
            [
                ("api".to_owned(), "it is a symbolic link".to_owned()),
                (
                    "big".to_owned(),
                    format!("it is 4097 bytes long; a marker is at most {MAX_MARKER_BYTES}")
                ),
                ("cron".to_owned(), "it is not a regular file".to_owned()),
                ("worker".to_owned(), "it is not a regular file".to_owned()),
            ]
        );
    }

    #[test]
    fn a_folder_every_user_can_write_is_refused_for_reading_and_writing() {
        let dir = tempfile::tempdir().expect("temp dir");
        let folder = folder(dir.path());
        std::fs::create_dir(folder.path()).expect("mkdir");
        std::fs::set_permissions(folder.path(), std::fs::Permissions::from_mode(0o1777))
            .expect("chmod");
        std::fs::write(folder.path().join("global"), "{}").expect("write");
        let markers = folder.read();
        assert!(markers.halts.is_empty());
        let problem = markers.problem.expect("a problem");
        assert!(problem.contains("every local user may write"), "{problem}");
        let error = folder
            .halt(&Scope::global(), "x", "y")
            .expect_err("refused");
        assert!(matches!(error, LocalError::Untrusted { .. }), "{error}");
    }

    #[test]
    fn a_group_writable_folder_needs_the_group_to_be_configured() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("local");
        std::fs::create_dir(&path).expect("mkdir");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o2775)).expect("chmod");
        let gid = std::fs::metadata(&path).expect("stat").gid();
        let group = Group::from_gid(Gid::from_raw(gid))
            .ok()
            .flatten()
            .expect("the folder's group exists");
        let without = MarkerFolder::new(&path, None).expect("folder");
        assert!(without.read().problem.is_some());
        let with = MarkerFolder::new(&path, Some(&group.name)).expect("folder");
        let trusted = Uid::effective().is_root();
        assert_eq!(with.read().problem.is_none(), trusted);
    }

    #[test]
    fn an_unknown_group_is_named() {
        let error = MarkerFolder::new(Path::new("/run/x"), Some("no-such-group-here"))
            .expect_err("unknown group");
        assert!(error.to_string().contains("no-such-group-here"));
    }
}
