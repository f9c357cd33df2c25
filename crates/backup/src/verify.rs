//! `backup verify`: re-read the stored object and check its size and sha256 against the
//! manifest; with a restore, also restore it into a scratch database ([`crate::scratch`]) and
//! compare every table, sequence and large object with the manifest. A verification passes
//! only when everything the manifest recorded was found equal: anything not read back is a
//! problem.

use std::future::Future;
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::time::Instant;

use bytes::Bytes;
use futures_util::StreamExt;
use jiff::Timestamp;
use ripcord_notifier::{NotificationKind, NotifyConfig};
use sha2::{Digest, Sha256};

use crate::contents::{self, ChecksumSource};
use crate::manifest::{self, BackupInfo, Manifest};
use crate::outcome::Outcome;
use crate::pg::{self, DatabaseUrl, DbUrl};
use crate::progress::{Observer, Phase};
use crate::restore::{find_pg_restore, load_identities, restore_into};
use crate::scratch::Scratch;
use crate::state::RunKind;
use crate::store::Store;
use crate::{BackupConfig, BackupError};

pub use crate::manifest::{VerifyKind, VerifyRecord};

/// What `verify` was asked besides the settings.
#[derive(Debug, Clone)]
pub struct VerifyRequest {
    /// Backup id, or `latest`.
    pub id: String,
    /// Also restore and compare.
    pub restore: bool,
    /// Server to create the scratch database on (default: a private cluster).
    pub into: Option<DatabaseUrl>,
    /// age identity file (else `backup.age_identity`).
    pub identity: Option<PathBuf>,
    pub notify_success: bool,
    /// Started by `ripcord serve`'s schedule.
    pub scheduled: bool,
}

impl VerifyRequest {
    /// `verify [--restore]` of backup `id` with nothing else set.
    pub fn new(id: &str, restore: bool) -> Self {
        Self {
            id: id.to_owned(),
            restore,
            into: None,
            identity: None,
            notify_success: false,
            scheduled: false,
        }
    }
}

/// `ripcord backup verify`: verifies, leaves a record at the destination, records the run
/// and notifies. A failed verification is `Ok` with `ok: false`; an error means it could not
/// be carried out (or was cancelled: the scratch database is removed first).
pub async fn verify(
    config: &BackupConfig,
    notify: &NotifyConfig,
    request: &VerifyRequest,
    observer: &Observer,
    cancel: impl Future<Output = ()>,
) -> Result<VerifyRecord, BackupError> {
    let destination = config.destination()?;
    let kind = if request.restore {
        RunKind::VerifyRestore
    } else {
        RunKind::Verify
    };
    let mut outcome = Outcome::start(kind, destination, request.scheduled);
    let result = async {
        let store = config.open_store().await?;
        verify_at(&store, config, request, observer, cancel).await
    }
    .await;
    let summary = match &result {
        Ok(record) => {
            outcome.backup_id = Some(record.backup_id.clone());
            if !record.ok {
                outcome.error = Some(record.problems.join("; "));
            }
            (
                format!(
                    "Verify ({}) of backup {}",
                    record.kind.as_str(),
                    record.backup_id
                ),
                record.problems.join("\n"),
            )
        }
        Err(error) => {
            outcome = outcome.failed(error);
            ("Verify".to_owned(), crate::report(error))
        }
    };
    let notification = if request.scheduled {
        NotificationKind::BackupVerifyRestore
    } else {
        NotificationKind::BackupVerify
    };
    outcome
        .conclude(
            config,
            notify,
            observer,
            notification,
            summary,
            request.notify_success,
        )
        .await;
    result
}

/// Verifies a backup at `store` and writes the record there; records nothing locally.
pub async fn verify_at(
    store: &Store,
    config: &BackupConfig,
    request: &VerifyRequest,
    observer: &Observer,
    cancel: impl Future<Output = ()>,
) -> Result<VerifyRecord, BackupError> {
    let (backups, _) = manifest::catalog(store).await?;
    let backup = manifest::select(&backups, Some(&request.id), store.url())?;
    let manifest = backup.complete_manifest(store.url())?;
    let mut problems = verify_checksum(store, manifest, observer).await?;
    let mut record = VerifyRecord {
        backup_id: backup.id.clone(),
        at: Timestamp::now(),
        kind: if request.restore {
            VerifyKind::Restore
        } else {
            VerifyKind::Checksum
        },
        ok: false,
        problems: Vec::new(),
        restore_seconds: None,
        backup_age_seconds: Some(age_seconds(manifest)),
        tables_compared: None,
    };
    if request.restore && problems.is_empty() {
        let into = request
            .into
            .as_ref()
            .map(|url| DbUrl::parse(url.expose()))
            .transpose()?;
        let identity = request
            .identity
            .as_deref()
            .or(config.age_identity.as_deref());
        match verify_restore(
            store,
            backup,
            into.as_ref(),
            identity,
            config,
            observer,
            cancel,
        )
        .await
        {
            Ok(check) => {
                problems.extend(check.problems);
                record.restore_seconds = Some(check.restore_seconds);
                record.backup_age_seconds = Some(age_seconds(manifest));
                record.tables_compared = Some(manifest.contents.tables.len());
            }
            // Setup problems and cancellation are errors; anything else the restore hit is
            // a finding about this backup.
            Err(
                e @ (BackupError::Encryption(_)
                | BackupError::Usage(_)
                | BackupError::Preflight(_)
                | BackupError::Scratch(_)
                | BackupError::Interrupted(_)),
            ) => return Err(e),
            Err(e) => problems.push(format!("restore failed: {}", crate::report(&e))),
        }
    }
    record.ok = problems.is_empty();
    record.problems = problems;
    // A read-only credential can verify; it just cannot leave the record behind.
    if let Err(error) = write_verify_record(store, &record).await {
        observer.warn(format!(
            "the verify record was not written: {}",
            crate::report(&error)
        ));
    }
    Ok(record)
}

fn age_seconds(manifest: &Manifest) -> f64 {
    Timestamp::now()
        .duration_since(manifest.started_at)
        .as_secs_f64()
}

/// Re-reads the stored object and compares its sha256 and size with the manifest.
pub async fn verify_checksum(
    store: &Store,
    manifest: &Manifest,
    observer: &Observer,
) -> Result<Vec<String>, BackupError> {
    let phase = observer.phase(Phase::Verify);
    let mut stream = store.get(&manifest.dump.key).await?;
    let mut hasher = Sha256::new();
    let mut bytes = 0u64;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk?;
        hasher.update(&chunk);
        bytes += chunk.len() as u64;
        phase
            .counters()
            .stored
            .fetch_add(chunk.len() as u64, Ordering::Relaxed);
    }
    drop(phase);
    let sha = hex::encode(hasher.finalize());
    let mut problems = Vec::new();
    if bytes != manifest.dump.stored_bytes {
        problems.push(format!(
            "{}: {} bytes stored, the manifest says {}",
            manifest.dump.key, bytes, manifest.dump.stored_bytes
        ));
    }
    if sha != manifest.dump.sha256 {
        problems.push(format!(
            "{}: sha256 {sha}, the manifest says {}",
            manifest.dump.key, manifest.dump.sha256
        ));
    }
    Ok(problems)
}

/// The result of a restore check.
#[derive(Debug, Clone)]
pub struct RestoreCheck {
    pub problems: Vec<String>,
    pub restore_seconds: f64,
}

/// Restores a backup into a scratch database, compares it with the manifest, and removes the
/// scratch database on every path (an error, a cancellation, success).
async fn verify_restore(
    store: &Store,
    backup: &BackupInfo,
    into: Option<&DbUrl>,
    identity: Option<&std::path::Path>,
    config: &BackupConfig,
    observer: &Observer,
    cancel: impl Future<Output = ()>,
) -> Result<RestoreCheck, BackupError> {
    let manifest = backup.complete_manifest(store.url())?;
    let identities = load_identities(identity, manifest)?;
    let pg_restore = find_pg_restore(config.pg_bin_dir.as_deref(), manifest)?;
    let (scratch, target) =
        Scratch::create(into, &backup.id, config.pg_bin_dir.as_deref(), observer).await?;
    let started = Instant::now();
    let checked = async {
        restore_into(
            store,
            manifest,
            &target,
            identities,
            &pg_restore,
            &["--no-owner", "--no-acl", "--single-transaction"],
            observer,
        )
        .await?;
        let restore_seconds = started.elapsed().as_secs_f64();
        let problems = match check_restored(&target, manifest).await {
            Ok(problems) => problems,
            Err(e) => vec![format!(
                "the restored database could not be read back: {}",
                crate::report(&e)
            )],
        };
        Ok::<_, BackupError>(RestoreCheck {
            problems,
            restore_seconds,
        })
    };
    let result = tokio::select! {
        result = checked => result,
        () = cancel => Err(BackupError::Interrupted("the scratch database was removed")),
    };
    scratch.remove().await;
    result
}

/// Reads a restored database back as the manifest's sums were taken and returns the
/// differences. Anything that cannot be read back is an error or a problem, never a pass.
pub async fn check_restored(
    target: &DbUrl,
    manifest: &Manifest,
) -> Result<Vec<String>, BackupError> {
    let mut client = target.connect().await?;
    let from_dump = manifest.checksum_source == ChecksumSource::Dump;
    let txn = client
        .build_transaction()
        .isolation_level(tokio_postgres::IsolationLevel::RepeatableRead)
        .start()
        .await
        .map_err(|e| target.err("begin", e))?;
    let mut actual = pg::sums::contents(
        target,
        &txn,
        manifest.checksum_mode,
        &manifest.excluded_schemas,
        !from_dump,
    )
    .await?;
    txn.rollback()
        .await
        .map_err(|e| target.err("end the read-back transaction", e))?;
    if from_dump {
        let read_back = pg::readback::contents_by_copy(
            target,
            &client,
            &manifest.contents,
            &manifest.copy_settings,
        )
        .await?;
        actual.tables = read_back.tables;
        actual.large_objects = read_back.large_objects;
    }
    Ok(contents::compare(&manifest.contents, &actual))
}

async fn write_verify_record(store: &Store, record: &VerifyRecord) -> Result<(), BackupError> {
    let key = format!(
        "{}/verify/{}-{}.json",
        record.backup_id,
        manifest::new_id(record.at),
        record.kind.as_str()
    );
    let body = serde_json::to_vec_pretty(record)
        .map_err(|e| BackupError::json(format!("rendering the verify record {key}"), e))?;
    store.put(&key, Bytes::from(body)).await
}
