//! `backup prune`: plan retention at a destination and, unless it is a dry run, delete what
//! the plan says (manifest first) and remember the deleted bytes where they stay billed.

use bytes::Bytes;
use jiff::Timestamp;
use serde::Serialize;

use super::{Candidate, Plan, Retention, plan};
use crate::manifest::{self, Tombstone};
use crate::outcome::Outcome;
use crate::progress::Observer;
use crate::state::RunKind;
use crate::store::Store;
use crate::{BackupConfig, BackupError};

/// What a prune did (or, for a dry run, would do).
#[derive(Debug, Clone, Serialize)]
pub struct PruneReport {
    pub dry_run: bool,
    pub plan: Plan,
}

/// `ripcord backup prune` with `config.retention`; a real run is recorded in the run log.
pub async fn prune(
    config: &BackupConfig,
    dry_run: bool,
    observer: &Observer,
) -> Result<PruneReport, BackupError> {
    let destination = config.destination()?;
    let store = config.open_store().await?;
    let mut outcome = Outcome::start(RunKind::Prune, destination, false);
    let result = apply(&store, &config.retention, dry_run).await;
    if !dry_run {
        match &result {
            Ok(plan) => outcome.bytes = Some(plan.delete.iter().map(|d| d.bytes).sum()),
            Err(error) => outcome = outcome.failed(error),
        }
        outcome.record(config, observer);
    }
    Ok(PruneReport {
        dry_run,
        plan: result?,
    })
}

/// Plans (and unless `dry_run`, applies) retention at a destination.
pub async fn apply(store: &Store, policy: &Retention, dry_run: bool) -> Result<Plan, BackupError> {
    let (backups, tombstones) = manifest::catalog(store).await?;
    let now = Timestamp::now();
    let window = jiff::SignedDuration::from_hours(24 * i64::from(store.soft_delete_days()));
    let soft_deleted: u64 = tombstones
        .iter()
        .filter(|t| now.duration_since(t.deleted_at) < window)
        .map(|t| t.bytes)
        .sum();
    let candidates: Vec<Candidate> = backups
        .iter()
        .map(|b| Candidate {
            id: b.id.clone(),
            created: b.created,
            bytes: b.stored_bytes,
            complete: b.complete(),
            verified: b.verified(),
        })
        .collect();
    let plan = plan(&candidates, policy, soft_deleted, now).map_err(|reason| {
        BackupError::Usage(format!("backup.retention.max_total_size {reason}"))
    })?;
    if dry_run || plan.delete.is_empty() {
        return Ok(plan);
    }
    let mut deleted_ids = Vec::new();
    let mut deleted_bytes = 0;
    for decision in &plan.delete {
        let Some(backup) = backups.iter().find(|b| b.id == decision.id) else {
            continue;
        };
        // Manifest first: a half-deleted backup must never look complete.
        let mut keys = backup.keys.clone();
        keys.sort_by_key(|k| !k.ends_with(manifest::MANIFEST));
        for key in keys {
            store.delete(&key).await?;
        }
        deleted_ids.push(backup.id.clone());
        deleted_bytes += backup.stored_bytes;
    }
    if store.soft_delete_days() > 0 {
        let tombstone = Tombstone {
            deleted_at: now,
            bytes: deleted_bytes,
            backup_ids: deleted_ids,
        };
        let key = format!(
            "{}/deleted/{}.json",
            manifest::INTERNAL,
            manifest::new_id(now)
        );
        let body = serde_json::to_vec(&tombstone)
            .map_err(|e| BackupError::json(format!("rendering {key}"), e))?;
        store.put(&key, Bytes::from(body)).await?;
    }
    Ok(plan)
}
