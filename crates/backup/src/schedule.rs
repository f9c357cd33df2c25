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
    check(config, &jobs)?;
    run_on_schedule(&jobs, &shutdown, |job, _, cancel| {
        run_job(job, config, notify, observer, cancel)
    })
    .await
}

/// Whether the configuration has what the scheduled jobs need.
pub fn check(config: &BackupConfig, jobs: &[(Job, Schedule)]) -> Result<(), BackupError> {
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
    Ok(())
}

/// Runs `run(job, slot, cancel)` each time a job's schedule comes due (`slot` is the
/// time it was due), one at a time, until a `shutdown()` future completes. Each job keeps
/// its own next time, so jobs due together all run, one after the other; a run that
/// outlasts later slots of its own job skips them. A job under way is given a `shutdown()`
/// future as `cancel` and awaited: it winds down its own way (a backup removes its
/// partial upload, a drill resumes what it tripped). Shared by `serve`'s backups and
/// drills.
pub async fn run_on_schedule<J, S, F>(
    jobs: &[(J, Schedule)],
    shutdown: &impl Fn() -> S,
    mut run: impl FnMut(J, Timestamp, S) -> F,
) -> Result<(), BackupError>
where
    J: Copy + std::fmt::Debug,
    S: Future<Output = ()>,
    F: Future<Output = ()>,
{
    let start = Timestamp::now();
    let mut due = jobs
        .iter()
        .map(|(_, schedule)| schedule.next_after(start))
        .collect::<Result<Vec<_>, _>>()?;
    let stopped = shutdown();
    tokio::pin!(stopped);
    loop {
        let Some((index, at)) = due.iter().copied().enumerate().min_by_key(|(_, at)| *at) else {
            return Ok(());
        };
        let (job, schedule) = &jobs[index];
        let wait = Timestamp::now().duration_until(at);
        tracing::info!(?job, at = %at, "next scheduled job");
        tokio::select! {
            // A stop and a due job together: the stop wins.
            biased;
            _ = &mut stopped => return Ok(()),
            _ = tokio::time::sleep(wait.try_into().unwrap_or_default()) => {}
        }
        run(*job, at, shutdown()).await;
        due[index] = schedule.next_after(at.max(Timestamp::now()))?;
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

    #[tokio::test(start_paused = true)]
    async fn jobs_due_together_all_run_once_per_slot() {
        // Two jobs on the same every-second schedule, and a stop after the third round.
        let every_second = Schedule::parse("* * * * * *").expect("cron");
        let jobs = [(1, every_second.clone()), (2, every_second)];
        let (stop, stopping) = tokio::sync::watch::channel(false);
        let shutdown = || {
            let mut stopping = stopping.clone();
            async move {
                let _ = stopping.wait_for(|stop| *stop).await;
            }
        };
        let ran = std::cell::RefCell::new(Vec::new());
        run_on_schedule(&jobs, &shutdown, |job, slot, _| {
            ran.borrow_mut().push((job, slot));
            if ran.borrow().len() == 6 {
                let _ = stop.send(true);
            }
            std::future::ready(())
        })
        .await
        .expect("schedules");
        let ran = ran.into_inner();
        assert_eq!(ran.len(), 6, "{ran:?}");
        for job in [1, 2] {
            let slots: Vec<Timestamp> = ran.iter().filter(|r| r.0 == job).map(|r| r.1).collect();
            assert_eq!(slots.len(), 3, "job {job} ran every slot: {ran:?}");
            assert!(
                slots.windows(2).all(|w| w[0] < w[1]),
                "never twice in one slot"
            );
        }
    }

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
