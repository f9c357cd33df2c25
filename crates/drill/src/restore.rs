//! `ripcord drill restore`: the newest backup restored into a scratch database through the
//! backup capability's verification (every table compared with the manifest), with the
//! time it took (RTO) and the backup's age (RPO) held against their targets.

use std::future::Future;
use std::path::PathBuf;
use std::time::Duration;

use ripcord_backup::{BackupConfig, DatabaseUrl, Observer, VerifyRequest};
use ripcord_notifier::NotifyConfig;

use crate::killswitch::Run;
use crate::report::{DrillKind, DrillReport, RestoreResult, Status};

/// A restore drill to run.
#[derive(Debug, Clone)]
pub struct RestoreDrill {
    /// The longest a restore may take.
    pub max_rto: Duration,
    /// The oldest the newest backup may be.
    pub max_rpo: Duration,
    /// A server to create the scratch database on (default: a private cluster).
    pub into: Option<DatabaseUrl>,
    /// The age identity for encrypted backups (else `backup.age_identity`).
    pub identity: Option<PathBuf>,
}

/// Runs the drill on the backups `config` names, until `cancel` resolves (a signal; the
/// scratch database is removed first). Never fails: what went wrong is in the report, and
/// its exit code says how bad it is.
pub async fn run(
    config: &BackupConfig,
    notify: &NotifyConfig,
    drill: &RestoreDrill,
    observer: &Observer,
    cancel: impl Future<Output = ()>,
) -> DrillReport {
    let mut run = Run::of(DrillKind::Restore);
    let begun = run.begin();
    let destination = match config.destination() {
        Ok(destination) => destination.to_owned(),
        Err(error) => return run.not_run(begun, "find the backups", error.to_string()),
    };
    let request = VerifyRequest {
        into: drill.into.clone(),
        identity: drill.identity.clone(),
        ..VerifyRequest::new("latest", true)
    };
    let verified = ripcord_backup::verify(config, notify, &request, observer, cancel).await;
    let record = match verified {
        Ok(record) => record,
        Err(error) => {
            return run.not_run(
                begun,
                "restore the newest backup",
                ripcord_backup::report(&error),
            );
        }
    };
    run.step(
        begun,
        "restore the newest backup",
        record.ok,
        format!("backup {}", record.backup_id),
    );
    // The verification measures the backup's age when it ends; the recovery point is its
    // age when the drill began, before the restore's own time is added.
    let verified_after = record.at.duration_since(run.report.started).as_secs_f64();
    let result = RestoreResult {
        backup_id: record.backup_id.clone(),
        destination,
        rto_seconds: record.restore_seconds,
        max_rto_seconds: drill.max_rto.as_secs_f64(),
        rpo_seconds: record
            .backup_age_seconds
            .map(|age| (age - verified_after).max(0.0)),
        max_rpo_seconds: drill.max_rpo.as_secs_f64(),
        tables_compared: record.tables_compared,
        differences: record.problems.clone(),
    };
    // A restore that compared nothing proved nothing.
    if record.ok && result.tables_compared.is_none_or(|count| count == 0) {
        run.miss("the restore compared no table with the manifest".into());
    }
    for problem in &record.problems {
        run.miss(format!("the restore differs: {problem}"));
    }
    if !record.ok && record.problems.is_empty() {
        run.miss("the verification failed".into());
    }
    for (name, measured, target) in [
        ("RTO", result.rto_seconds, result.max_rto_seconds),
        ("RPO", result.rpo_seconds, result.max_rpo_seconds),
    ] {
        match measured {
            Some(seconds) if seconds > target => run.miss(format!(
                "{name} {seconds:.0}s is over the target of {target:.0}s"
            )),
            Some(_) => {}
            None => run.miss(format!("{name} was not measured")),
        }
    }
    run.report.restore = Some(result);
    run.finish(Status::Completed)
}
