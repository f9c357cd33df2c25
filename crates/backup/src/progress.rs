//! What a command reports while it works. The library never draws a bar or prints a line:
//! it hands [`Progress`] to an [`Observer`], and the binary renders it (a live line on a
//! terminal, JSON lines for machines) or a test acts on it.

use std::path::PathBuf;
use std::sync::Arc;

use serde::Serialize;

pub use crate::pipeline::Counters;

/// A stage that moves bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    /// pg_dump → destination.
    Backup,
    /// Re-reading the stored object.
    Verify,
    /// Destination → pg_restore.
    Restore,
}

impl Phase {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Backup => "backup",
            Self::Verify => "verify",
            Self::Restore => "restore",
        }
    }
}

/// One report from a command at work.
#[derive(Debug, Clone)]
pub enum Progress {
    /// A phase started; `counters` advance until [`Progress::Finished`] (read them at any
    /// pace: they are atomics).
    Started {
        phase: Phase,
        counters: Arc<Counters>,
    },
    /// The phase ended (whether or not it succeeded).
    Finished { phase: Phase },
    /// `verify --restore` started its private cluster: it listens only on a unix socket in
    /// `socket_dir` (0700), and is removed when the verification ends.
    ScratchCluster { socket_dir: PathBuf, port: u16 },
    /// Something went wrong that does not fail the command (the run log could not be
    /// written, a notification channel failed): the binary shows it as a warning.
    Warning(String),
    /// The command ended and this is its run-log line: the binary sends it to the control
    /// plane, so `status` shows it wherever it ran.
    Recorded(Box<crate::state::RunRecord>),
}

/// A function that receives [`Progress`].
type Callback = dyn Fn(&Progress) + Send + Sync;

/// Receives [`Progress`]. Cheap to clone; [`Observer::none`] ignores everything.
#[derive(Clone, Default)]
pub struct Observer(Option<Arc<Callback>>);

impl std::fmt::Debug for Observer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "Observer"
        } else {
            "Observer(none)"
        })
    }
}

impl Observer {
    pub fn new(f: impl Fn(&Progress) + Send + Sync + 'static) -> Self {
        Self(Some(Arc::new(f)))
    }

    pub fn none() -> Self {
        Self(None)
    }

    pub fn report(&self, progress: Progress) {
        if let Some(f) = &self.0 {
            f(&progress);
        }
    }

    /// Reports a warning and logs it.
    pub fn warn(&self, message: String) {
        tracing::warn!(%message, "backup warning");
        self.report(Progress::Warning(message));
    }

    /// Starts a phase: the returned guard reports [`Progress::Finished`] when dropped, so a
    /// phase that fails or is cancelled still ends.
    pub fn phase(&self, phase: Phase) -> PhaseGuard {
        let counters = Arc::new(Counters::default());
        self.report(Progress::Started {
            phase,
            counters: counters.clone(),
        });
        PhaseGuard {
            observer: self.clone(),
            phase,
            counters,
        }
    }
}

/// A phase in progress (see [`Observer::phase`]).
pub struct PhaseGuard {
    observer: Observer,
    phase: Phase,
    counters: Arc<Counters>,
}

impl PhaseGuard {
    pub fn counters(&self) -> &Arc<Counters> {
        &self.counters
    }
}

impl Drop for PhaseGuard {
    fn drop(&mut self) {
        self.observer
            .report(Progress::Finished { phase: self.phase });
    }
}
