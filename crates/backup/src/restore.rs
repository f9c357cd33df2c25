//! `backup restore`, and the restore step of `verify --restore`: the stored object streams
//! through age and zstd into `pg_restore`, and its sha256 is checked before pg_restore sees
//! the end of its input, so with `--single-transaction` a corrupt backup restores nothing.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::Ordering;
use std::time::Duration;

use bytes::Bytes;
use futures_util::StreamExt;
use secrecy::ExposeSecret;
use serde::Serialize;
use sha2::{Digest, Sha256};
use tokio::sync::{mpsc, oneshot};

use crate::child::{self, tool_error};
use crate::manifest::{self, Manifest};
use crate::outcome::Outcome;
use crate::pg::{DatabaseUrl, DbUrl};
use crate::pipeline::{self, CHANNEL_CAPACITY, Counters};
use crate::progress::{Observer, Phase};
use crate::state::RunKind;
use crate::store::Store;
use crate::tools::{self, Tool};
use crate::{BackupConfig, BackupError};

/// Decryption keys for an encrypted backup.
pub type Identities = Vec<Box<dyn age::Identity + Send + Sync>>;

/// What `restore` was asked besides the settings.
#[derive(Debug, Clone)]
pub struct RestoreRequest {
    /// Backup id, or `latest`.
    pub id: String,
    /// Database to restore into; it must hold no tables yet.
    pub into: DatabaseUrl,
    /// age identity file (else `backup.age_identity`).
    pub identity: Option<PathBuf>,
    /// Skip ownership and privileges.
    pub no_owner: bool,
}

/// What a restore did.
#[derive(Debug, Clone, Serialize)]
pub struct RestoreReport {
    pub id: String,
    /// `host:port/dbname` of the target.
    pub into: String,
    pub raw_bytes: u64,
    pub duration: Duration,
}

/// `ripcord backup restore`: streams a backup into an empty database and records it.
pub async fn restore(
    config: &BackupConfig,
    request: &RestoreRequest,
    observer: &Observer,
) -> Result<RestoreReport, BackupError> {
    let destination = config.destination()?;
    let store = config.open_store().await?;
    let (backups, _) = manifest::catalog(&store).await?;
    let backup = manifest::select(&backups, Some(&request.id), destination)?;
    let manifest = backup.complete_manifest(destination)?;
    let identities = load_identities(
        request
            .identity
            .as_deref()
            .or(config.age_identity.as_deref()),
        manifest,
    )?;
    let target = DbUrl::parse(request.into.expose())?;
    refuse_non_empty(&target).await?;
    let pg_restore = find_pg_restore(config.pg_bin_dir.as_deref(), manifest)?;
    let mut extra = vec!["--single-transaction"];
    if request.no_owner {
        extra.extend(["--no-owner", "--no-acl"]);
    }
    let mut outcome = Outcome::start(RunKind::Restore, destination, false);
    outcome.backup_id = Some(backup.id.clone());
    let result = restore_into(
        &store,
        manifest,
        &target,
        identities,
        &pg_restore,
        &extra,
        observer,
    )
    .await;
    match &result {
        Ok(bytes) => outcome.bytes = Some(*bytes),
        Err(error) => outcome = outcome.failed(error),
    }
    outcome.record(config, observer);
    Ok(RestoreReport {
        id: backup.id.clone(),
        into: target.display.clone(),
        raw_bytes: result?,
        duration: outcome.started.elapsed(),
    })
}

/// Refuses a target that holds tables: a restore never overwrites.
async fn refuse_non_empty(target: &DbUrl) -> Result<(), BackupError> {
    let client = target.connect().await?;
    let tables: i64 = client
        .query_one(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE c.relkind IN ('r', 'p', 'm') \
               AND n.nspname NOT IN ('pg_catalog', 'information_schema') \
               AND n.nspname NOT LIKE 'pg\\_toast%'",
            &[],
        )
        .await
        .map_err(|e| target.err("inspect the target", e))?
        .get(0);
    if tables > 0 {
        return Err(BackupError::Usage(format!(
            "{} already holds {tables} table(s): restore into an empty database \
             (CREATE DATABASE …) so nothing is overwritten",
            target.display
        )));
    }
    Ok(())
}

pub(crate) fn load_identities(
    path: Option<&Path>,
    manifest: &Manifest,
) -> Result<Option<Identities>, BackupError> {
    if manifest.dump.encryption.is_none() {
        return Ok(None);
    }
    let path = path.ok_or_else(|| {
        BackupError::Encryption(format!(
            "backup {} is encrypted: pass --identity FILE (an age identity file) or set \
             backup.age_identity",
            manifest.id
        ))
    })?;
    let bad = |e: &dyn std::fmt::Display| {
        BackupError::Encryption(format!("identity file {}: {e}", path.display()))
    };
    let file = age::IdentityFile::from_file(path.display().to_string()).map_err(|e| bad(&e))?;
    let identities = file.into_identities().map_err(|e| bad(&e))?;
    Ok(Some(identities))
}

/// A pg_restore that can read archives of the pg_dump that made `manifest`'s backup.
pub(crate) fn find_pg_restore(
    bin_dir: Option<&Path>,
    manifest: &Manifest,
) -> Result<Tool, BackupError> {
    let needed =
        tools::parse_major(&manifest.pg_dump_version).ok_or_else(|| BackupError::Manifest {
            location: manifest.id.clone(),
            reason: format!(
                "pg_dump_version {:?} has no major version",
                manifest.pg_dump_version
            ),
        })?;
    let tool = tools::find("pg_restore", bin_dir, needed)?;
    if tool.major < needed {
        return Err(BackupError::Preflight(format!(
            "{} is version {}, which cannot read archives of pg_dump {} (backup {}); install \
             postgresql-client-{needed} or set backup.pg_bin_dir",
            tool.path.display(),
            tool.version,
            manifest.pg_dump_version,
            manifest.id
        )));
    }
    Ok(tool)
}

/// Streams a backup through pg_restore into `target`; returns the bytes pg_restore read.
pub async fn restore_into(
    store: &Store,
    manifest: &Manifest,
    target: &DbUrl,
    identities: Option<Identities>,
    pg_restore: &Tool,
    extra_args: &[&str],
    observer: &Observer,
) -> Result<u64, BackupError> {
    let mut command = Command::new(&pg_restore.path);
    command
        .args(["--exit-on-error", "--no-password"])
        .args(extra_args)
        .arg(format!("--dbname={}", target.for_tools));
    if let Some(password) = &target.password {
        command.env("PGPASSWORD", password.expose_secret());
    }
    let phase = observer.phase(Phase::Restore);
    let counters = phase.counters().clone();
    let (tx, rx) = mpsc::channel::<Bytes>(CHANNEL_CAPACITY);
    let (verdict_tx, verdict_rx) = oneshot::channel::<Result<(), String>>();
    let thread_counters = counters.clone();
    let restoring = tokio::task::spawn_blocking(move || {
        run_consumer(command, identities, rx, verdict_rx, &thread_counters)
    });
    let mut stream = store.get(&manifest.dump.key).await?;
    let mut hasher = Sha256::new();
    let mut read_error = None;
    while let Some(chunk) = stream.next().await {
        match chunk {
            Ok(chunk) => {
                hasher.update(&chunk);
                counters
                    .stored
                    .fetch_add(chunk.len() as u64, Ordering::Relaxed);
                if tx.send(chunk).await.is_err() {
                    break; // pg_restore side failed; its error is reported below
                }
            }
            Err(e) => {
                read_error = Some(e);
                break;
            }
        }
    }
    drop(tx);
    let sha = hex::encode(hasher.finalize());
    let verdict = match &read_error {
        Some(e) => Err(crate::report(e)),
        None if sha != manifest.dump.sha256 => Err(format!(
            "sha256 of {} is {sha}, the manifest says {}: not restored",
            manifest.dump.key, manifest.dump.sha256
        )),
        None => Ok(()),
    };
    let _ = verdict_tx.send(verdict.clone());
    let restored = restoring
        .await
        .unwrap_or_else(|e| Err(tool_error("pg_restore", format!("pipeline thread: {e}"))));
    drop(phase);
    if let Err(reason) = verdict {
        return Err(tool_error("pg_restore", reason));
    }
    restored
}

/// Bytes of the decoded archive withheld from pg_restore until the object's sha256 is
/// checked: more than the archive's trailer, so pg_restore is still waiting for input.
const RESTORE_HOLD_BACK: usize = 1024 * 1024;

fn run_consumer(
    mut command: Command,
    identities: Option<Identities>,
    rx: mpsc::Receiver<Bytes>,
    verdict: oneshot::Receiver<Result<(), String>>,
    counters: &Counters,
) -> Result<u64, BackupError> {
    command.stdin(Stdio::piped()).stdout(Stdio::null());
    let (mut child, stderr) = child::spawn(command, "pg_restore")?;
    let Some(mut stdin) = child.stdin.take() else {
        let _ = child.kill();
        return Err(tool_error("pg_restore", "no stdin".into()));
    };
    // pg_restore never sees the end of the archive before the sha256 verdict, so a backup
    // damaged anywhere, even in its last bytes, cannot be committed.
    let mut held = pipeline::HoldBack::new(&mut stdin, RESTORE_HOLD_BACK);
    let decoded = pipeline::decode(
        pipeline::ChannelReader::new(rx),
        identities.as_deref(),
        &mut held,
        counters,
    );
    let outcome = match decoded {
        Ok(bytes) => match verdict.blocking_recv() {
            Ok(Ok(())) => held
                .release()
                .map(|_| bytes)
                .map_err(|e| format!("writing to pg_restore: {e}")),
            Ok(Err(reason)) => Err(reason),
            Err(_) => Err("the download stopped".into()),
        },
        Err(e) => Err(format!("decoding the backup: {e}")),
    };
    match outcome {
        Ok(bytes) => {
            drop(stdin);
            let status = child
                .wait()
                .map_err(|e| tool_error("pg_restore", e.to_string()))?;
            let stderr = child::stderr_text(stderr);
            if status.success() {
                Ok(bytes)
            } else {
                Err(tool_error("pg_restore", format!("{status}: {stderr}")))
            }
        }
        Err(reason) => {
            let _ = child.kill();
            let _ = child.wait();
            drop(stdin);
            let stderr = child::stderr_text(stderr);
            Err(tool_error(
                "pg_restore",
                if stderr.is_empty() {
                    reason
                } else {
                    format!("{reason}; pg_restore said: {stderr}")
                },
            ))
        }
    }
}
