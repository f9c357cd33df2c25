//! Following the marker folder: inotify on exactly the events that change a marker, so an
//! idle agent sleeps; a check every second where inotify is not available.
//!
//! The watch asks only for creations, deletions, moves, finished writes and attribute
//! changes (ownership and mode decide whether a marker counts), and for the folder's own
//! removal. Reading the folder opens its files, so a watch on opens or reads would wake the
//! watcher with its own reads, forever.

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Duration;

use futures_util::StreamExt;
use inotify::{EventMask, Inotify, WatchDescriptor, WatchMask, Watches};
use ripcord_core::LocalHalts;
use serde::{Deserialize, Serialize};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::{MarkerFolder, Markers, Refused};

/// How the folder is followed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WatchMode {
    /// inotify, falling back to a check every second when no watch can be made (the
    /// kernel allows 128 inotify instances per user by default).
    #[default]
    Auto,
    /// A check every second: for file systems without inotify (NFS).
    Poll,
}

/// How often the folder is checked when it cannot be watched.
const POLL_EVERY: Duration = Duration::from_secs(1);

/// What changes a marker, or whether one counts.
fn folder_mask() -> WatchMask {
    WatchMask::CREATE
        | WatchMask::DELETE
        | WatchMask::MOVED_FROM
        | WatchMask::MOVED_TO
        | WatchMask::CLOSE_WRITE
        | WatchMask::ATTRIB
        | WatchMask::DELETE_SELF
        | WatchMask::MOVE_SELF
        | WatchMask::ONLYDIR
        | WatchMask::DONT_FOLLOW
        | WatchMask::EXCL_UNLINK
}

/// What announces the folder's creation in its parent.
fn parent_mask() -> WatchMask {
    WatchMask::CREATE | WatchMask::MOVED_TO | WatchMask::ONLYDIR | WatchMask::DONT_FOLLOW
}

/// The watching task; dropping this stops it.
#[derive(Debug)]
pub struct MarkerWatch {
    task: JoinHandle<()>,
}

impl Drop for MarkerWatch {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl MarkerWatch {
    /// Starts following `folder`, publishing the markers obeyed whenever they change. The
    /// first value is read before this returns. Must be called inside a tokio runtime.
    pub fn start(folder: MarkerFolder, mode: WatchMode) -> (Self, watch::Receiver<LocalHalts>) {
        let mut publisher = Publisher {
            folder,
            sender: watch::Sender::new(LocalHalts::new()),
            reported: BTreeSet::new(),
        };
        let receiver = publisher.sender.subscribe();
        let inotify = match mode {
            WatchMode::Auto => match Inotify::init() {
                Ok(inotify) => Some(inotify),
                Err(error) => {
                    tracing::warn!(%error, folder = %publisher.folder.path().display(), "cannot watch the local halt folder with inotify (raise fs.inotify.max_user_instances); checking it every second instead");
                    None
                }
            },
            WatchMode::Poll => None,
        };
        let task = match inotify {
            Some(inotify) => {
                // Armed before the first read, so a marker written in between is not missed.
                let armed = Armed::new(inotify, publisher.folder.path());
                publisher.publish();
                tokio::spawn(follow_events(publisher, armed))
            }
            None => {
                publisher.publish();
                tokio::spawn(poll(publisher))
            }
        };
        (MarkerWatch { task }, receiver)
    }
}

/// Reads the folder and publishes what changed; logs each refusal once.
struct Publisher {
    folder: MarkerFolder,
    sender: watch::Sender<LocalHalts>,
    /// Refusals and problems already logged, so a hostile file is reported once, not on
    /// every change of the folder.
    reported: BTreeSet<String>,
}

impl Publisher {
    fn publish(&mut self) {
        let Markers {
            halts,
            refused,
            problem,
        } = self.folder.read();
        let mut current = BTreeSet::new();
        for Refused { path, reason } in refused {
            let key = format!("{}: {reason}", path.display());
            if !self.reported.contains(&key) {
                tracing::warn!(marker = %path.display(), %reason, "ignoring a local halt marker");
            }
            current.insert(key);
        }
        if let Some(problem) = problem {
            if !self.reported.contains(&problem) {
                tracing::warn!("{problem}; local halts are not obeyed until it is fixed");
            }
            current.insert(problem);
        }
        self.reported = current;
        self.sender.send_if_modified(|published| {
            let changed = *published != halts;
            *published = halts;
            changed
        });
    }
}

async fn poll(mut publisher: Publisher) {
    let mut ticks = tokio::time::interval(POLL_EVERY);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        publisher.publish();
    }
}

/// An inotify instance and what it currently watches: the folder, or, while the folder
/// does not exist, its parent for the folder's creation.
struct Armed {
    events: Option<inotify::EventStream<Vec<u8>>>,
    watches: Option<Watches>,
    folder: Option<WatchDescriptor>,
    parent: Option<WatchDescriptor>,
    name: Option<OsString>,
    path: PathBuf,
}

impl Armed {
    fn new(inotify: Inotify, path: &Path) -> Self {
        let events = inotify.into_event_stream(vec![0; 4096]);
        let (events, watches) = match events {
            Ok(events) => {
                let watches = events.watches();
                (Some(events), Some(watches))
            }
            Err(error) => {
                tracing::warn!(%error, "cannot read inotify events; checking the local halt folder every second");
                (None, None)
            }
        };
        let mut armed = Armed {
            events,
            watches,
            folder: None,
            parent: None,
            name: path.file_name().map(ToOwned::to_owned),
            path: path.to_owned(),
        };
        armed.arm();
        armed
    }

    /// Watches the folder if it exists, else its parent. `false` when neither can be
    /// watched (the folder cannot be read, no watch is left for this user), and the
    /// caller must check by itself.
    fn arm(&mut self) -> bool {
        let Some(watches) = self.watches.as_mut() else {
            return false;
        };
        for stale in [self.folder.take(), self.parent.take()]
            .into_iter()
            .flatten()
        {
            let _ = watches.remove(stale);
        }
        match watches.add(&self.path, folder_mask()) {
            Ok(descriptor) => {
                self.folder = Some(descriptor);
                return true;
            }
            // Only a missing folder is waited for in its parent; any other failure is
            // a reason to check by reading.
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(_) => return false,
        }
        let Some(parent) = self.path.parent() else {
            return false;
        };
        match watches.add(parent, parent_mask()) {
            Ok(descriptor) => {
                self.parent = Some(descriptor);
                // The folder may have appeared between the two calls.
                if let Ok(descriptor) = watches.add(&self.path, folder_mask()) {
                    self.folder = Some(descriptor);
                }
                true
            }
            Err(_) => false,
        }
    }
}

async fn follow_events(mut publisher: Publisher, mut armed: Armed) {
    let mut polling = tokio::time::interval(POLL_EVERY);
    polling.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut said_polling = false;
    loop {
        let watched = armed.folder.is_some() || armed.parent.is_some();
        if watched {
            said_polling = false;
        } else if !said_polling {
            tracing::warn!(folder = %armed.path.display(), "cannot watch the local halt folder (no inotify watch left for this user, or the folder cannot be read); checking it every second");
            said_polling = true;
        }
        let event = match armed.events.as_mut() {
            Some(events) if watched => events.next().await,
            // Nothing could be watched: read the folder every second, and try again to
            // watch it.
            _ => {
                polling.tick().await;
                armed.arm();
                publisher.publish();
                continue;
            }
        };
        let Some(Ok(event)) = event else {
            tracing::warn!(
                "the inotify watch of the local halt folder ended; checking it every second"
            );
            armed.events = None;
            armed.watches = None;
            continue;
        };
        let mask = event.mask;
        let on_folder = Some(&event.wd) == armed.folder.as_ref();
        let on_parent = Some(&event.wd) == armed.parent.as_ref();
        let folder_gone = on_folder
            && (mask.contains(EventMask::DELETE_SELF)
                || mask.contains(EventMask::MOVE_SELF)
                || mask.contains(EventMask::IGNORED));
        let folder_created = on_parent && event.name.as_deref() == armed.name.as_deref();
        let overflow = mask.contains(EventMask::Q_OVERFLOW);
        if folder_gone || folder_created || overflow {
            armed.arm();
        }
        if on_folder || folder_created || overflow {
            publisher.publish();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ripcord_core::Scope;

    const DEADLINE: Duration = Duration::from_secs(10);

    async fn sees(halts: &mut watch::Receiver<LocalHalts>, halted: bool) {
        let seen = tokio::time::timeout(
            DEADLINE,
            halts.wait_for(|h| h.contains_key(&Scope::global()) == halted),
        )
        .await;
        assert!(
            matches!(seen, Ok(Ok(_))),
            "the watcher did not report halted = {halted}"
        );
    }

    async fn follows_markers(mode: WatchMode) {
        let dir = tempfile::tempdir().expect("temp dir");
        let folder = MarkerFolder::new(&dir.path().join("local"), None).expect("folder");
        let (_watch, mut halts) = MarkerWatch::start(folder.clone(), mode);
        assert!(halts.borrow().is_empty());
        // The folder does not exist yet: its creation by the first halt is noticed.
        folder
            .halt(&Scope::global(), "drill", "test")
            .expect("halt");
        sees(&mut halts, true).await;
        folder.resume(&Scope::global()).expect("resume");
        sees(&mut halts, false).await;
        // The folder removed and made again: the watch follows it.
        std::fs::remove_dir(folder.path()).expect("remove the folder");
        folder
            .halt(&Scope::global(), "again", "test")
            .expect("halt");
        sees(&mut halts, true).await;
    }

    #[tokio::test]
    async fn inotify_follows_markers_and_the_folder_itself() {
        follows_markers(WatchMode::Auto).await;
    }

    #[tokio::test]
    async fn polling_follows_markers_and_the_folder_itself() {
        follows_markers(WatchMode::Poll).await;
    }
}
