//! The end of every command: one line in the run log and, when wanted, one notification.
//! Neither failing fails the command; each becomes a [`Progress::Warning`].

use std::time::Instant;

use jiff::Timestamp;
use ripcord_notifier::{Notification, NotificationKind, NotifyConfig};

use crate::progress::{Observer, Progress};
use crate::state::{self, RunKind, RunRecord};
use crate::{BackupConfig, BackupError, human_duration};

/// A command that ran: what the run log and the notification say about it.
pub(crate) struct Outcome<'a> {
    pub kind: RunKind,
    pub destination: &'a str,
    pub started_at: Timestamp,
    pub started: Instant,
    pub scheduled: bool,
    pub backup_id: Option<String>,
    pub bytes: Option<u64>,
    /// `None` when it succeeded; the error, or the problems found, otherwise.
    pub error: Option<String>,
}

impl<'a> Outcome<'a> {
    pub fn start(kind: RunKind, destination: &'a str, scheduled: bool) -> Self {
        Self {
            kind,
            destination,
            started_at: Timestamp::now(),
            started: Instant::now(),
            scheduled,
            backup_id: None,
            bytes: None,
            error: None,
        }
    }

    /// Records a command that failed with `error`.
    pub fn failed(mut self, error: &BackupError) -> Self {
        self.error = Some(crate::report(error));
        self
    }

    pub fn ok(&self) -> bool {
        self.error.is_none()
    }

    /// Appends the run log line.
    pub fn record(&self, config: &BackupConfig, observer: &Observer) {
        let record = RunRecord {
            ok: self.ok(),
            backup_id: self.backup_id.clone(),
            bytes: self.bytes,
            error: self.error.clone(),
            scheduled: self.scheduled,
            ..RunRecord::new(self.kind, self.destination, self.started_at, self.started)
        };
        if let Err(error) = state::append(&config.state_dir(), &record) {
            observer.warn(format!(
                "the run log was not written: {}",
                crate::report(&error)
            ));
        }
        observer.report(Progress::Recorded(Box::new(record)));
    }

    /// Records the outcome, then notifies: failures always, successes when `notify.on_success`
    /// or `notify_success`.
    pub async fn conclude(
        self,
        config: &BackupConfig,
        notify: &NotifyConfig,
        observer: &Observer,
        notification: NotificationKind,
        (title, text): (String, String),
        notify_success: bool,
    ) {
        self.record(config, observer);
        let title = if self.scheduled {
            let mut chars = title.chars();
            let first: String = chars
                .next()
                .map(|c| c.to_lowercase().collect())
                .unwrap_or_default();
            format!("Scheduled {first}{}", chars.as_str())
        } else {
            title
        };
        let mut message = Notification::new(notification, self.ok(), title, text);
        if let Some(id) = &self.backup_id {
            message = message.field("backup", id);
        }
        message = message
            .field("destination", self.destination)
            .field("duration", human_duration(self.started.elapsed()));
        if let Some(bytes) = self.bytes {
            message = message.field("size", crate::human_bytes(bytes));
        }
        if ripcord_notifier::wanted(notify, &message, notify_success)
            && let Err(error) = ripcord_notifier::send(notify, &message).await
        {
            observer.warn(crate::report(&error));
        }
    }
}
