//! The run log: one JSON line per run, verify, restore or prune, in
//! `<state_dir>/backup-runs.jsonl`. `ripcord status` summarises it.

use std::io::Write;
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::BackupError;

pub const FILE: &str = "backup-runs.jsonl";

/// What a run log line records; serialised as the names the log has always used.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum RunKind {
    Run,
    Verify,
    VerifyRestore,
    Restore,
    Prune,
}

impl RunKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Run => "run",
            Self::Verify => "verify",
            Self::VerifyRestore => "verify-restore",
            Self::Restore => "restore",
            Self::Prune => "prune",
        }
    }

    fn is_verify(self) -> bool {
        matches!(self, Self::Verify | Self::VerifyRestore)
    }
}

impl std::fmt::Display for RunKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RunRecord {
    pub kind: RunKind,
    pub started_at: Timestamp,
    pub duration_ms: u64,
    pub ok: bool,
    pub destination: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backup_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bytes: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Scheduled by `ripcord serve` rather than run by hand.
    #[serde(default)]
    pub scheduled: bool,
}

impl RunRecord {
    /// The record as the control plane keeps it, from `host`. Its id is the host, the
    /// kind and the start to the millisecond: the same run sent twice is kept once.
    pub fn to_api(&self, host: &str) -> ripcord_core::api::BackupRecord {
        ripcord_core::api::BackupRecord {
            id: format!(
                "{host}/{}/{}",
                self.kind.as_str(),
                self.started_at.as_millisecond()
            ),
            kind: self.kind.as_str().to_owned(),
            started_at: self.started_at,
            duration_ms: self.duration_ms,
            ok: self.ok,
            destination: self.destination.clone(),
            backup_id: self.backup_id.clone(),
            bytes: self.bytes,
            error: self.error.clone(),
            scheduled: self.scheduled,
            host: host.to_owned(),
            recorded_by: String::new(),
        }
    }

    /// A successful, unscheduled record of `kind` that started at `started_at` (wall clock)
    /// and `started` (monotonic); set the outcome with struct update syntax.
    pub fn new(
        kind: RunKind,
        destination: &str,
        started_at: Timestamp,
        started: std::time::Instant,
    ) -> Self {
        Self {
            kind,
            started_at,
            duration_ms: started.elapsed().as_millis() as u64,
            ok: true,
            destination: destination.to_owned(),
            backup_id: None,
            bytes: None,
            error: None,
            scheduled: false,
        }
    }
}

/// The default state folder: `$XDG_STATE_HOME/ripcord`, `~/.local/state/ripcord`, else
/// `./.ripcord`.
pub fn default_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("XDG_STATE_HOME").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir).join("ripcord");
    }
    if let Some(home) = std::env::var_os("HOME").filter(|d| !d.is_empty()) {
        return PathBuf::from(home).join(".local/state/ripcord");
    }
    PathBuf::from(".ripcord")
}

pub fn append(dir: &Path, record: &RunRecord) -> Result<(), BackupError> {
    let path = dir.join(FILE);
    let mut line = serde_json::to_vec(record)
        .map_err(|e| BackupError::json(format!("rendering a record of {}", path.display()), e))?;
    line.push(b'\n');
    std::fs::create_dir_all(dir)
        .map_err(|e| BackupError::io(dir, "creating the state folder", e))?;
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .map_err(|e| BackupError::io(&path, "opening the run log", e))?;
    // One write of a whole line: concurrent appenders do not interleave within it.
    file.write_all(&line)
        .map_err(|e| BackupError::io(&path, "appending to the run log", e))
}

/// Every record, oldest first; unreadable lines are skipped.
pub fn read(dir: &Path) -> Result<Vec<RunRecord>, BackupError> {
    let path = dir.join(FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => Ok(text
            .lines()
            .filter_map(|line| serde_json::from_str(line).ok())
            .collect()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(BackupError::io(path, "reading the run log", e)),
    }
}

/// What `ripcord status` shows about backups.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct BackupStatus {
    pub state_file: PathBuf,
    pub last_run: Option<RunRecord>,
    pub last_successful_run: Option<RunRecord>,
    pub last_failed_run: Option<RunRecord>,
    pub last_verify: Option<RunRecord>,
    /// Runs and verifies in the log.
    pub total_runs: usize,
}

impl BackupStatus {
    pub fn from_records(state_file: PathBuf, records: &[RunRecord]) -> Self {
        let last =
            |pred: &dyn Fn(&RunRecord) -> bool| records.iter().rev().find(|r| pred(r)).cloned();
        Self {
            state_file,
            last_run: last(&|r| r.kind == RunKind::Run),
            last_successful_run: last(&|r| r.kind == RunKind::Run && r.ok),
            last_failed_run: last(&|r| !r.ok && (r.kind == RunKind::Run || r.kind.is_verify())),
            last_verify: last(&|r| r.kind.is_verify()),
            total_runs: records.iter().filter(|r| r.kind == RunKind::Run).count(),
        }
    }

    /// The last run or verify failed, and nothing succeeded since.
    pub fn failing(&self) -> bool {
        match (&self.last_failed_run, &self.last_successful_run) {
            (Some(failed), Some(ok)) => failed.started_at > ok.started_at,
            (Some(_), None) => true,
            _ => false,
        }
    }
}

impl std::fmt::Display for BackupStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let line = |r: &RunRecord| {
            format!(
                "{} {} ({}, {}{}){}",
                r.started_at.strftime("%Y-%m-%d %H:%M:%SZ"),
                r.backup_id.as_deref().unwrap_or("-"),
                if r.ok { "ok" } else { "FAILED" },
                crate::human_duration(std::time::Duration::from_millis(r.duration_ms)),
                r.bytes
                    .map(|b| format!(", {}", crate::human_bytes(b)))
                    .unwrap_or_default(),
                r.error
                    .as_deref()
                    .map(|e| format!(": {e}"))
                    .unwrap_or_default()
            )
        };
        writeln!(
            f,
            "backups ({} runs logged in {})",
            self.total_runs,
            self.state_file.display()
        )?;
        match &self.last_run {
            Some(r) => writeln!(f, "  last run:        {}", line(r))?,
            None => writeln!(f, "  last run:        never")?,
        }
        if let Some(r) = &self.last_failed_run {
            writeln!(f, "  last failure:    {} {}", r.kind, line(r))?;
        }
        match &self.last_verify {
            Some(r) => writeln!(f, "  last verify:     {} {}", r.kind, line(r))?,
            None => writeln!(f, "  last verify:     never")?,
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_keep_the_names_the_log_already_holds() {
        for kind in [
            RunKind::Run,
            RunKind::Verify,
            RunKind::VerifyRestore,
            RunKind::Restore,
            RunKind::Prune,
        ] {
            let json = serde_json::to_value(kind).expect("json");
            assert_eq!(json, kind.as_str());
            assert_eq!(serde_json::from_value::<RunKind>(json).expect("back"), kind);
        }
    }
}
