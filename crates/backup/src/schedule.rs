//! Scheduled backups and verifies for `ripcord serve`: cron expressions (UTC) from
//! `backup.schedule` and `backup.verify_schedule`. Each run goes to the run log and, when it
//! fails, to the notifier.

use std::future::Future;
use std::str::FromStr;

use jiff::Timestamp;
use ripcord_notifier::NotifyConfig;

use crate::dump::{RunRequest, run};
use crate::progress::Observer;
use crate::verify::{VerifyRequest, verify};
use crate::{BackupConfig, BackupError};

/// What a schedule does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    Backup,
    VerifyRestore,
}

/// A parsed cron expression (5 fields, or 6 with seconds), evaluated in UTC.
#[derive(Debug, Clone)]
pub struct Schedule {
    pub expression: String,
    cron: croner::Cron,
}

impl Schedule {
    pub fn parse(expression: &str) -> Result<Self, BackupError> {
        let cron = croner::Cron::from_str(expression).map_err(|e| BackupError::Schedule {
            expression: expression.to_owned(),
            reason: e.to_string(),
        })?;
        Ok(Self {
            expression: expression.to_owned(),
            cron,
        })
    }

    /// The first time strictly after `after`.
    pub fn next_after(&self, after: Timestamp) -> Result<Timestamp, BackupError> {
        let err = |reason: String| BackupError::Schedule {
            expression: self.expression.clone(),
            reason,
        };
        let start =
            chrono::DateTime::from_timestamp(after.as_second(), after.subsec_nanosecond() as u32)
                .ok_or_else(|| err("time out of range".into()))?;
        let next = self
            .cron
            .find_next_occurrence(&start, false)
            .map_err(|e| err(e.to_string()))?;
        Timestamp::new(next.timestamp(), next.timestamp_subsec_nanos() as i32)
            .map_err(|e| err(e.to_string()))
    }
}

/// The configured schedules.
pub fn schedules(config: &BackupConfig) -> Result<Vec<(Job, Schedule)>, BackupError> {
    let mut out = Vec::new();
    if let Some(expr) = &config.schedule {
        out.push((Job::Backup, Schedule::parse(expr)?));
    }
    if let Some(expr) = &config.verify_schedule {
        out.push((Job::VerifyRestore, Schedule::parse(expr)?));
    }
    Ok(out)
}

/// Runs backups and verifies on their cron expressions until a `shutdown()` future
/// completes (one cancels a job under way, as Ctrl-C cancels `ripcord backup`), telling
/// `observer` of each (its run-log lines included). Returns at once when nothing is
/// scheduled; fails only on a bad expression or configuration.
pub async fn run_schedules<S: Future<Output = ()>>(
    config: &BackupConfig,
    notify: &NotifyConfig,
    observer: &Observer,
    shutdown: impl Fn() -> S,
) -> Result<(), BackupError> {
    let jobs = schedules(config)?;
    if jobs.is_empty() {
        return Ok(());
    }
    if config.to.is_none() {
        return Err(BackupError::Usage(
            "backup.schedule is set but backup.to is not".into(),
        ));
    }
    if jobs.iter().any(|(job, _)| *job == Job::Backup) && config.database_url.is_none() {
        return Err(BackupError::Usage(
            "backup.schedule is set but backup.database_url is not".into(),
        ));
    }
    run_on_schedule(&jobs, &shutdown, |job, cancel| {
        run_job(job, config, notify, observer, cancel)
    })
    .await
}

/// Runs `run(job, cancel)` each time a job's schedule comes due, one at a time, until a
/// `shutdown()` future completes. A job under way is given one as `cancel` and awaited:
/// it winds down its own way (a backup removes its partial upload, a drill resumes what it
/// tripped). Shared by `serve`'s backups and drills.
pub async fn run_on_schedule<J, S, F>(
    jobs: &[(J, Schedule)],
    shutdown: &impl Fn() -> S,
    mut run: impl FnMut(J, S) -> F,
) -> Result<(), BackupError>
where
    J: Copy + std::fmt::Debug,
    S: Future<Output = ()>,
    F: Future<Output = ()>,
{
    let stopped = shutdown();
    tokio::pin!(stopped);
    loop {
        let now = Timestamp::now();
        let mut next: Option<(Timestamp, J)> = None;
        for (job, schedule) in jobs {
            let at = schedule.next_after(now)?;
            if next.is_none_or(|(t, _)| at < t) {
                next = Some((at, *job));
            }
        }
        let Some((at, job)) = next else {
            return Ok(());
        };
        let wait = now.duration_until(at).unsigned_abs();
        tracing::info!(?job, at = %at, "next scheduled job");
        tokio::select! {
            _ = &mut stopped => return Ok(()),
            _ = tokio::time::sleep(wait) => {}
        }
        run(job, shutdown()).await;
    }
}

/// Runs one scheduled job now. It is recorded and notified like a command run by hand (with
/// `scheduled` set); its outcome is in the run log, so nothing is returned.
pub async fn run_job(
    job: Job,
    config: &BackupConfig,
    notify: &NotifyConfig,
    observer: &Observer,
    cancel: impl Future<Output = ()>,
) {
    let outcome = match job {
        Job::Backup => {
            let request = RunRequest {
                scheduled: true,
                ..RunRequest::default()
            };
            run(config, notify, request, observer, cancel)
                .await
                .map(drop)
        }
        Job::VerifyRestore => {
            let request = VerifyRequest {
                scheduled: true,
                ..VerifyRequest::new("latest", true)
            };
            verify(config, notify, &request, observer, cancel)
                .await
                .map(drop)
        }
    };
    if let Err(error) = outcome {
        tracing::warn!(?job, error = %crate::report(&error), "scheduled backup job failed");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_occurrences_are_in_utc() {
        let daily = Schedule::parse("0 3 * * *").expect("cron");
        let at: Timestamp = "2026-11-25T02:59:59Z".parse().expect("ts");
        assert_eq!(
            daily.next_after(at).expect("next").to_string(),
            "2026-11-25T03:00:00Z"
        );
        let at: Timestamp = "2026-11-25T03:00:00Z".parse().expect("ts");
        assert_eq!(
            daily.next_after(at).expect("next").to_string(),
            "2026-11-26T03:00:00Z"
        );
        assert!(Schedule::parse("every day").is_err());
    }
}
