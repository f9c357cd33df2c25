//! `backup run`: preflight, then pg_dump (custom format, uncompressed) in an exported
//! snapshot → zstd → age (optional) → sha256 → the destination, with the tables summed from
//! the dump stream (or by SQL in the same snapshot), and the manifest written last.

use std::future::Future;
use std::process::Command;
use std::time::Duration;

use bytes::Bytes;
use jiff::Timestamp;
use ripcord_notifier::{NotificationKind, NotifyConfig};
use secrecy::ExposeSecret;
use serde::Serialize;
use tokio::sync::mpsc;

use crate::archive::{self, ArchiveSums};
use crate::child::{self, tool_error};
use crate::contents::{
    ChecksumMode, ChecksumSource, Contents, LargeObjects, SequenceState, TableKind, TableSum,
};
use crate::manifest::{self, DumpObject, Manifest};
use crate::outcome::Outcome;
use crate::pg::{self, DbUrl};
use crate::pipeline::{self, CHANNEL_CAPACITY};
use crate::preflight::{self, Preflight};
use crate::progress::{Observer, Phase};
use crate::state::RunKind;
use crate::store::Store;
use crate::{BackupConfig, BackupError, human_bytes};

/// What `run` was asked besides the settings.
#[derive(Debug, Clone, Copy, Default)]
pub struct RunRequest {
    /// Check everything and stop before dumping (nothing is recorded or notified).
    pub preflight_only: bool,
    /// Notify a success too.
    pub notify_success: bool,
    /// Started by `ripcord serve`'s schedule (then `prune_after_run` applies).
    pub scheduled: bool,
}

/// What a run did.
#[derive(Debug, Clone, Serialize)]
pub struct RunReport {
    pub destination: String,
    pub duration: Duration,
    pub preflight: Preflight,
    /// The backup made; `None` with `preflight_only`.
    pub manifest: Option<Manifest>,
}

/// `ripcord backup run`: backs up `config.database_url` to `config.to`, records the run and
/// notifies. When `cancel` completes while the dump streams, the upload is aborted and
/// nothing is published.
pub async fn run(
    config: &BackupConfig,
    notify: &NotifyConfig,
    request: RunRequest,
    observer: &Observer,
    cancel: impl Future<Output = ()>,
) -> Result<RunReport, BackupError> {
    let destination = config.destination()?;
    let database_url = config.database_url.as_ref().ok_or_else(|| {
        BackupError::Usage(
            "no database: pass --database-url or set backup.database_url \
             (env RIPCORD_BACKUP__DATABASE_URL)"
                .into(),
        )
    })?;
    let mut outcome = Outcome::start(RunKind::Run, destination, request.scheduled);
    let result = async {
        let store = config.open_store().await?;
        let (manifest, preflight) = backup(
            database_url.expose(),
            &store,
            config,
            request.preflight_only,
            observer,
            cancel,
        )
        .await?;
        if request.scheduled && config.prune_after_run && manifest.is_some() {
            crate::prune::apply(&store, &config.retention, false).await?;
        }
        Ok::<_, BackupError>(RunReport {
            destination: destination.to_owned(),
            duration: outcome.started.elapsed(),
            preflight,
            manifest,
        })
    }
    .await;
    if request.preflight_only {
        return result;
    }
    let summary = match &result {
        Ok(RunReport {
            manifest: Some(m), ..
        }) => {
            outcome.backup_id = Some(m.id.clone());
            outcome.bytes = Some(m.dump.stored_bytes);
            (
                format!("Backup of {}", m.database),
                format!(
                    "{} tables, {} stored",
                    m.contents.tables.len(),
                    human_bytes(m.dump.stored_bytes)
                ),
            )
        }
        Ok(_) => ("Backup".to_owned(), String::new()),
        Err(error) => {
            outcome = outcome.failed(error);
            ("Backup".to_owned(), crate::report(error))
        }
    };
    outcome
        .conclude(
            config,
            notify,
            observer,
            NotificationKind::BackupRun,
            summary,
            request.notify_success,
        )
        .await;
    result
}

/// Dumps `database_url` to `store` and writes the manifest last. Returns the manifest (none
/// with `preflight_only`) and the preflight findings; records nothing.
pub async fn backup(
    database_url: &str,
    store: &Store,
    config: &BackupConfig,
    preflight_only: bool,
    observer: &Observer,
    cancel: impl Future<Output = ()>,
) -> Result<(Option<Manifest>, Preflight), BackupError> {
    let started_at = Timestamp::now();
    let db = DbUrl::parse(database_url)?;
    preflight::check_supabase(&db)?;
    let recipients = parse_recipients(&config.age_recipients)?;
    let mut client = db.connect().await?;
    let id = manifest::new_id(started_at);
    let checked = preflight::check(config, &db, &client, store, &id, started_at).await?;
    if preflight_only {
        return Ok((None, checked.preflight));
    }
    let excluded = checked.preflight.excluded_schemas.clone();

    // One snapshot for pg_dump and the checksums.
    let txn = client
        .build_transaction()
        .isolation_level(tokio_postgres::IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()
        .await
        .map_err(|e| db.err("begin snapshot transaction", e))?;
    let snapshot: String = txn
        .query_one("SELECT pg_export_snapshot()", &[])
        .await
        .map_err(|e| db.err("export snapshot", e))?
        .get(0);
    let copy_settings = pg::copy_settings(&db, &txn).await?;
    // Table sums come from pg_dump's own output when its archive format is one we read.
    let from_stream = matches!(config.checksums, ChecksumMode::Full | ChecksumMode::Counts)
        && (10..=17).contains(&checked.pg_dump.major);

    let dump_key = format!(
        "{id}/dump.pgc.zst{}",
        if recipients.is_some() { ".age" } else { "" }
    );
    let mut upload = store.upload(&dump_key).await?;
    let phase = observer.phase(Phase::Backup);
    let (tx, mut rx) = mpsc::channel::<Bytes>(CHANNEL_CAPACITY);
    let command = pg_dump_command(&checked.pg_dump.path, &db, &snapshot, &excluded);
    let level = config.compression_level;
    let workers = config.compression_threads;
    let counters = phase.counters().clone();
    let (tee, scanner) = if from_stream {
        let (tee, raw) = mpsc::channel::<Bytes>(CHANNEL_CAPACITY);
        let scanner = std::thread::spawn(move || archive::scan(pipeline::ChannelReader::new(raw)));
        (Some(tee), Some(scanner))
    } else {
        (None, None)
    };
    let dump = tokio::task::spawn_blocking(move || {
        child::run_producer(command, "pg_dump", move |stdout| {
            pipeline::encode(
                stdout,
                level,
                workers,
                recipients.as_ref(),
                tx,
                tee,
                counters,
            )
        })
    });
    let uploading = async {
        let mut result = Ok(());
        while let Some(chunk) = rx.recv().await {
            if let Err(e) = upload.write(chunk).await {
                result = Err(e);
                break;
            }
        }
        drop(rx);
        result
    };
    let sums = pg::sums::contents(&db, &txn, config.checksums, &excluded, !from_stream);
    // On cancel the futures drop: the channel closes, the dump thread kills pg_dump, the
    // snapshot transaction rolls back, and the upload is aborted below.
    let joined = tokio::select! {
        joined = async { tokio::join!(dump, uploading, sums) } => Some(joined),
        () = cancel => None,
    };
    drop(phase);
    let Some((dumped, uploaded, contents)) = joined else {
        upload.abort().await;
        return Err(BackupError::Interrupted(
            "the upload was aborted and no manifest was written",
        ));
    };
    let dumped =
        dumped.unwrap_or_else(|e| Err(tool_error("pg_dump", format!("pipeline thread: {e}"))));
    let (encoded, mut contents) = match (dumped, uploaded, contents) {
        (Ok(encoded), Ok(()), Ok(contents)) => (encoded, contents),
        (dumped, uploaded, contents) => {
            upload.abort().await;
            // The upload's own error explains a broken pipe in the dump.
            let first = [uploaded.err(), dumped.err(), contents.err()]
                .into_iter()
                .flatten()
                .next();
            return Err(first.unwrap_or_else(|| BackupError::Internal {
                what: "backup".into(),
                reason: "a stage failed without an error".into(),
            }));
        }
    };
    upload.finish().await?;
    txn.commit()
        .await
        .map_err(|e| db.err("end snapshot transaction", e))?;

    if let Some(scanner) = scanner {
        // A backup whose tables were not summed cannot be verified by a restore: it must not
        // get a manifest, so it is never listed as good.
        let scanned = scanner
            .join()
            .map_err(|_| {
                tool_error(
                    "pg_dump",
                    "the thread summing its output failed; no manifest was written".into(),
                )
            })?
            .map_err(|e| {
                tool_error(
                    "pg_dump",
                    format!(
                        "its output could not be read to sum the tables ({e}); no manifest was written"
                    ),
                )
            })?;
        use_scanned_sums(&mut contents, scanned, config.checksums.with_checksums());
    }
    let server = checked.server;
    let manifest = Manifest {
        format: manifest::FORMAT.into(),
        id: id.clone(),
        database: server.database.clone(),
        source: db.display.clone(),
        server_version: server.version.clone(),
        pg_dump_version: checked.pg_dump.version.clone(),
        ripcord_version: env!("CARGO_PKG_VERSION").into(),
        started_at,
        finished_at: Timestamp::now(),
        snapshot,
        dump: DumpObject {
            key: dump_key,
            format: "pg_dump-custom".into(),
            compression: "zstd".into(),
            encryption: (!config.age_recipients.is_empty()).then(|| "age".into()),
            raw_bytes: encoded.raw_bytes,
            stored_bytes: encoded.stored_bytes,
            sha256: encoded.sha256,
        },
        excluded_schemas: excluded,
        checksum_mode: if from_stream || config.checksums != ChecksumMode::Full {
            config.checksums
        } else {
            ChecksumMode::Sql
        },
        checksum_source: if from_stream {
            ChecksumSource::Dump
        } else {
            ChecksumSource::Sql
        },
        copy_settings,
        contents,
    };
    let location = format!("{}/{id}/{}", store.url(), manifest::MANIFEST);
    let body = serde_json::to_vec_pretty(&manifest)
        .map_err(|e| BackupError::json(format!("rendering manifest {location}"), e))?;
    // Written last: its presence is what makes the backup exist.
    store
        .put(&format!("{id}/{}", manifest::MANIFEST), Bytes::from(body))
        .await?;
    Ok((Some(manifest), checked.preflight))
}

fn pg_dump_command(
    program: &std::path::Path,
    db: &DbUrl,
    snapshot: &str,
    excluded: &[String],
) -> Command {
    let mut command = Command::new(program);
    command
        .args([
            "--format=custom",
            "--compress=0",
            "--no-password",
            "--encoding=UTF8",
        ])
        .arg(format!("--snapshot={snapshot}"))
        .arg(format!("--dbname={}", db.for_tools))
        // Fixed so that the restore side can read back the same COPY text.
        .env("PGTZ", "UTC");
    for schema in excluded {
        command.arg(format!("--exclude-schema={schema}"));
    }
    if let Some(password) = &db.password {
        command.env("PGPASSWORD", password.expose_secret());
    }
    command
}

/// pg_dump's own readings replace what SQL would have said: its tables, its large objects,
/// and its sequences (one read by SQL beside it may have moved).
fn use_scanned_sums(contents: &mut Contents, scanned: ArchiveSums, checksums: bool) {
    contents.tables = scanned
        .tables
        .into_iter()
        .map(|t| TableSum {
            schema: t.schema,
            name: t.name,
            kind: TableKind::Table,
            rows: t.sum.rows,
            checksum: checksums.then(|| t.sum.checksum()),
            copy: Some(t.copy),
        })
        .collect();
    contents.large_objects = Some(LargeObjects {
        count: scanned.large_objects.rows,
        checksum: checksums.then(|| scanned.large_objects.checksum()),
    });
    contents.sequences = scanned
        .sequences
        .into_iter()
        .map(|s| SequenceState {
            schema: s.schema,
            name: s.name,
            last_value: s.last_value,
            is_called: s.is_called,
        })
        .collect();
}

fn parse_recipients(keys: &[String]) -> Result<Option<pipeline::Recipients>, BackupError> {
    if keys.is_empty() {
        return Ok(None);
    }
    let mut out: pipeline::Recipients = Vec::new();
    for key in keys {
        let recipient: age::x25519::Recipient = key.trim().parse().map_err(|e| {
            BackupError::Encryption(format!(
                "age recipient {key:?}: {e} (expected a public key starting with age1)"
            ))
        })?;
        out.push(Box::new(recipient));
    }
    Ok(Some(out))
}
