//! The commands: run, list, verify, restore, prune. Each `*_cmd` resolves flags against the
//! configuration, does the work through a library function that tests and the scheduler call
//! too, records the outcome in the run log, notifies, and returns the exit code.

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use futures_util::StreamExt;
use jiff::Timestamp;
use ripcord_core::exit;
use ripcord_notifier::{Event, NotifyConfig};
use serde::Serialize;
use sha2::{Digest, Sha256};
use tokio::sync::{mpsc, oneshot};

use crate::archive;
use crate::manifest::{self, BackupInfo, DumpObject, Manifest, Tombstone, VerifyRecord};
use crate::pg::{self, ChecksumMode, DbUrl};
use crate::pipeline::{self, CHANNEL_CAPACITY, Counters};
use crate::progress::{ProgressMode, Reporter};
use crate::state::{self, RunRecord};
use crate::store::Store;
use crate::tools::{self, Tool};
use crate::{
    BackupConfig, BackupError, Common, Format, ListArgs, PruneArgs, RestoreArgs, RunArgs,
    VerifyArgs, human_bytes, human_duration, prune,
};

fn destination(common: &Common, config: &BackupConfig) -> Result<String, BackupError> {
    common
        .to
        .clone()
        .or_else(|| config.to.clone())
        .ok_or_else(|| {
            BackupError::Usage(
                "no destination: pass --to gs://bucket/prefix (or s3://…, file:///…) or set \
                 backup.to in ripcord.toml"
                    .into(),
            )
        })
}

pub async fn open_store(url: &str, config: &BackupConfig) -> Result<Store, BackupError> {
    Store::open(url, &config.s3, &config.gcs).await
}

fn print_json(value: &impl Serialize) {
    match serde_json::to_string_pretty(value) {
        Ok(text) => println!("{text}"),
        Err(e) => eprintln!("error: rendering JSON: {e}"),
    }
}

fn record(config: &BackupConfig, record: RunRecord) {
    if let Err(error) = state::append(&config.state_dir(), &record) {
        tracing::warn!(%error, "could not append to the run log");
        eprintln!("warning: {error}");
    }
}

async fn notify_event(notify: &NotifyConfig, event: Event, force_success: bool) {
    if ripcord_notifier::wanted(notify, &event, force_success)
        && let Err(error) = ripcord_notifier::send(notify, &event).await
    {
        eprintln!("warning: {error}");
    }
}

// ---------------------------------------------------------------------------------------
// run

/// Everything `backup` needs besides the database and the destination.
#[derive(Debug, Clone)]
pub struct RunOptions {
    pub exclude_schemas: Vec<String>,
    pub skip_unreadable_schemas: bool,
    pub checksums: ChecksumMode,
    pub compression_level: i32,
    pub compression_threads: u32,
    pub age_recipients: Vec<String>,
    pub pg_bin_dir: Option<std::path::PathBuf>,
    pub progress: ProgressMode,
    pub preflight_only: bool,
}

impl RunOptions {
    pub fn from_config(config: &BackupConfig) -> Self {
        Self {
            exclude_schemas: config.exclude_schemas.clone(),
            skip_unreadable_schemas: config.skip_unreadable_schemas,
            checksums: config.checksums,
            compression_level: config.compression_level,
            compression_threads: config.compression_threads,
            age_recipients: config.age_recipients.clone(),
            pg_bin_dir: config.pg_bin_dir.clone(),
            progress: ProgressMode::None,
            preflight_only: false,
        }
    }
}

/// What preflight found, before anything was written.
#[derive(Debug, Clone, Serialize)]
pub struct Preflight {
    pub server_version: String,
    pub pg_dump: String,
    pub pg_dump_version: String,
    pub excluded_schemas: Vec<String>,
    /// Unreadable schemas left out because of `skip_unreadable_schemas`.
    pub skipped_schemas: Vec<String>,
}

/// Refuses the Supabase transaction pooler, which breaks pg_dump.
pub fn check_supabase(db: &DbUrl) -> Result<(), BackupError> {
    let supabase = db.host.ends_with(".pooler.supabase.com") || db.host.ends_with(".supabase.co");
    if supabase && db.port == 6543 {
        return Err(BackupError::Preflight(format!(
            "{} is Supabase's transaction pooler (port 6543), which does not keep a session and \
             breaks pg_dump (prepared statements, SET, snapshots); use the session pooler: the \
             same host on port 5432 ({}:5432)",
            db.display, db.host
        )));
    }
    Ok(())
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

/// Dumps `database_url` to `store` and writes the manifest last. Returns the manifest (none
/// with `preflight_only`) and the preflight findings. When `cancel` completes while the dump
/// streams, the upload is aborted and nothing is published.
pub async fn backup(
    database_url: &str,
    store: &Store,
    opts: &RunOptions,
    cancel: impl std::future::Future<Output = ()>,
) -> Result<(Option<Manifest>, Preflight), BackupError> {
    let started_at = Timestamp::now();
    let db = DbUrl::parse(database_url)?;
    check_supabase(&db)?;
    let recipients = parse_recipients(&opts.age_recipients)?;

    // Preflight: versions, permissions, destination — before anything is written.
    let mut client = db.connect().await?;
    let server = pg::server_info(&db, &client).await?;
    let pg_dump = tools::find("pg_dump", opts.pg_bin_dir.as_deref(), server.major())?;
    if pg_dump.major < server.major() {
        return Err(BackupError::Preflight(format!(
            "{} is version {} but the server {} runs PostgreSQL {}: pg_dump must be at least the \
             server's major version ({}); install postgresql-client-{} or set backup.pg_bin_dir",
            pg_dump.path.display(),
            pg_dump.version,
            db.display,
            server.version,
            server.major(),
            server.major()
        )));
    }
    let mut excluded = opts.exclude_schemas.clone();
    let unreadable = pg::unreadable(&db, &client, &excluded).await?;
    let mut skipped = Vec::new();
    if !unreadable.schemas.is_empty() {
        if opts.skip_unreadable_schemas {
            skipped = unreadable.schemas.clone();
            excluded.extend(unreadable.schemas.iter().cloned());
        } else {
            return Err(BackupError::Preflight(format!(
                "role {} cannot read schema(s) {}: pg_dump would fail on them; exclude them \
                 (--exclude-schema, or --skip-unreadable-schemas) or grant USAGE",
                server.user,
                unreadable.schemas.join(", ")
            )));
        }
    }
    if !unreadable.relations.is_empty() {
        return Err(BackupError::Preflight(format!(
            "role {} cannot read {}: grant SELECT or exclude their schema",
            server.user,
            unreadable.relations.join(", ")
        )));
    }
    if unreadable.large_objects > 0 {
        return Err(BackupError::Preflight(format!(
            "role {} cannot read {} large object(s): pg_dump would fail on the first one; \
             GRANT SELECT ON LARGE OBJECT … or back up as their owner",
            server.user, unreadable.large_objects
        )));
    }
    let id = manifest::new_id(started_at);
    let probe = serde_json::json!({"at": started_at, "id": id, "source": db.display});
    store
        .put(
            &format!("{}/preflight.json", manifest::INTERNAL),
            Bytes::from(probe.to_string()),
        )
        .await
        .map_err(|e| BackupError::Preflight(format!("the destination is not writable: {e}")))?;
    let preflight = Preflight {
        server_version: server.version.clone(),
        pg_dump: pg_dump.path.display().to_string(),
        pg_dump_version: pg_dump.version.clone(),
        excluded_schemas: excluded.clone(),
        skipped_schemas: skipped,
    };
    if opts.preflight_only {
        return Ok((None, preflight));
    }

    // One snapshot for pg_dump and the checksums.
    let mut txn = client
        .build_transaction()
        .isolation_level(tokio_postgres::IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()
        .await
        .map_err(|e| db.err("begin snapshot transaction", &e))?;
    let snapshot: String = txn
        .query_one("SELECT pg_export_snapshot()", &[])
        .await
        .map_err(|e| db.err("export snapshot", &e))?
        .get(0);
    let copy_settings = pg::copy_settings(&db, &txn).await?;
    // Table sums come from pg_dump's own output when its archive format is one we read.
    let from_stream = matches!(opts.checksums, ChecksumMode::Full | ChecksumMode::Counts)
        && (10..=17).contains(&pg_dump.major);

    let dump_key = format!(
        "{id}/dump.pgc.zst{}",
        if recipients.is_some() { ".age" } else { "" }
    );
    let mut upload = store.upload(&dump_key).await?;
    let counters = Arc::new(Counters::default());
    let reporter = Reporter::start(opts.progress, "backup", counters.clone());
    let (tx, mut rx) = mpsc::channel::<Bytes>(CHANNEL_CAPACITY);

    let mut command = Command::new(&pg_dump.path);
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
    for schema in &excluded {
        command.arg(format!("--exclude-schema={schema}"));
    }
    if let Some(password) = &db.password {
        command.env("PGPASSWORD", password);
    }
    let level = opts.compression_level;
    let workers = opts.compression_threads;
    let pipe_counters = counters.clone();
    let (tee, scanner) = if from_stream {
        let (tee, raw) = mpsc::channel::<Bytes>(CHANNEL_CAPACITY);
        let scanner = std::thread::spawn(move || archive::scan(pipeline::ChannelReader::new(raw)));
        (Some(tee), Some(scanner))
    } else {
        (None, None)
    };
    let dump = tokio::task::spawn_blocking(move || {
        run_producer(command, "pg_dump", move |stdout| {
            pipeline::encode(
                stdout,
                level,
                workers,
                recipients.as_ref(),
                tx,
                tee,
                pipe_counters,
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
    let checksums = pg::contents(&db, &mut txn, opts.checksums, &excluded, !from_stream);
    // On cancel the futures drop: the channel closes, the dump thread kills pg_dump, the
    // snapshot transaction rolls back, and the upload is aborted below.
    let joined = tokio::select! {
        joined = async { tokio::join!(dump, uploading, checksums) } => Some(joined),
        () = cancel => None,
    };
    let Some((dumped, uploaded, contents)) = joined else {
        reporter.finish().await;
        upload.abort().await;
        return Err(BackupError::Interrupted);
    };
    reporter.finish().await;
    let dumped = dumped.unwrap_or_else(|e| {
        Err(BackupError::Tool {
            tool: "pg_dump".into(),
            reason: format!("pipeline thread: {e}"),
        })
    });
    let (encoded, contents) = match (dumped, uploaded, contents) {
        (Ok(encoded), Ok(()), Ok(contents)) => (encoded, contents),
        (dumped, uploaded, contents) => {
            upload.abort().await;
            // The upload's own error explains a broken pipe in the dump.
            return Err(uploaded
                .err()
                .or(dumped.err())
                .or(contents.err())
                .unwrap_or_else(|| BackupError::Usage("backup failed".into())));
        }
    };
    upload.finish().await?;
    txn.commit()
        .await
        .map_err(|e| db.err("end snapshot transaction", &e))?;

    let mut contents = contents;
    if let Some(scanner) = scanner {
        match scanner.join() {
            Ok(Ok(scanned)) => {
                let checksums = opts.checksums.with_checksums();
                contents.tables = scanned
                    .tables
                    .into_iter()
                    .map(|t| pg::TableSum {
                        schema: t.schema,
                        name: t.name,
                        kind: "table".into(),
                        rows: t.sum.rows,
                        checksum: checksums.then(|| t.sum.checksum()),
                        copy: Some(t.copy),
                    })
                    .collect();
                contents.large_objects = Some(pg::LargeObjects {
                    count: scanned.large_objects.rows,
                    checksum: checksums.then(|| scanned.large_objects.checksum()),
                });
                // pg_dump's own readings: a sequence read by SQL beside it may have moved.
                contents.sequences = scanned
                    .sequences
                    .into_iter()
                    .map(|s| pg::SequenceState {
                        schema: s.schema,
                        name: s.name,
                        last_value: s.last_value,
                        is_called: s.is_called,
                    })
                    .collect();
            }
            // A backup whose tables were not summed cannot be verified by a restore: it must
            // not get a manifest, so it is never listed as good.
            Ok(Err(e)) => {
                return Err(BackupError::Tool {
                    tool: "pg_dump".into(),
                    reason: format!(
                        "its output could not be read to sum the tables ({e}); no manifest was written"
                    ),
                });
            }
            Err(_) => {
                return Err(BackupError::Tool {
                    tool: "pg_dump".into(),
                    reason: "the thread summing its output failed; no manifest was written".into(),
                });
            }
        }
    }
    let manifest = Manifest {
        format: manifest::FORMAT.into(),
        id: id.clone(),
        database: server.database.clone(),
        source: db.display.clone(),
        server_version: server.version.clone(),
        pg_dump_version: pg_dump.version.clone(),
        ripcord_version: env!("CARGO_PKG_VERSION").into(),
        started_at,
        finished_at: Timestamp::now(),
        snapshot,
        dump: DumpObject {
            key: dump_key,
            format: "pg_dump-custom".into(),
            compression: "zstd".into(),
            encryption: (!opts.age_recipients.is_empty()).then(|| "age".into()),
            raw_bytes: encoded.raw_bytes,
            stored_bytes: encoded.stored_bytes,
            sha256: encoded.sha256,
        },
        excluded_schemas: excluded,
        checksum_mode: if from_stream || opts.checksums != ChecksumMode::Full {
            opts.checksums
        } else {
            ChecksumMode::Sql
        },
        checksum_source: if from_stream { "dump" } else { "sql" }.into(),
        copy_settings,
        contents,
    };
    let body = serde_json::to_vec_pretty(&manifest).map_err(|e| BackupError::Manifest {
        location: format!("{}/{id}/{}", store.url(), manifest::MANIFEST),
        reason: e.to_string(),
    })?;
    // Written last: its presence is what makes the backup exist.
    store
        .put(&format!("{id}/{}", manifest::MANIFEST), Bytes::from(body))
        .await?;
    Ok((Some(manifest), preflight))
}

/// Starts a PostgreSQL tool with its stderr collected (the last 16 KiB) for error messages.
fn spawn_tool(
    mut command: Command,
    name: &str,
) -> Result<(std::process::Child, Option<std::thread::JoinHandle<String>>), BackupError> {
    let mut child = command
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| BackupError::Tool {
            tool: name.to_owned(),
            reason: format!(
                "cannot start {}: {e}",
                command.get_program().to_string_lossy()
            ),
        })?;
    let stderr = child
        .stderr
        .take()
        .map(|pipe| pipeline::tail_reader(pipe, 16 * 1024));
    Ok((child, stderr))
}

/// Runs a child whose stdout feeds `consume`; kills it when `consume` fails; maps a failed
/// exit to an error carrying the tail of its stderr.
fn run_producer<T>(
    mut command: Command,
    name: &str,
    consume: impl FnOnce(std::process::ChildStdout) -> std::io::Result<T>,
) -> Result<T, BackupError> {
    let tool_err = |reason: String| BackupError::Tool {
        tool: name.to_owned(),
        reason,
    };
    command.stdin(Stdio::null()).stdout(Stdio::piped());
    let (mut child, stderr) = spawn_tool(command, name)?;
    let Some(stdout) = child.stdout.take() else {
        let _ = child.kill();
        return Err(tool_err("no stdout".into()));
    };
    let consumed = consume(stdout);
    if consumed.is_err() {
        let _ = child.kill();
    }
    let status = child.wait().map_err(|e| tool_err(e.to_string()))?;
    let stderr = stderr.and_then(|h| h.join().ok()).unwrap_or_default();
    match consumed {
        Ok(value) if status.success() => Ok(value),
        Ok(_) => Err(tool_err(format!("{status}: {stderr}"))),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            Err(tool_err(format!("stopped: {e}")))
        }
        Err(e) if !status.success() && !stderr.is_empty() => {
            Err(tool_err(format!("{status}: {stderr} ({e})")))
        }
        Err(e) => Err(tool_err(e.to_string())),
    }
}

pub async fn run_cmd(
    args: RunArgs,
    config: &BackupConfig,
    notify: &NotifyConfig,
) -> Result<u8, BackupError> {
    let dest = destination(&args.common, config)?;
    let database_url = args
        .database_url
        .clone()
        .or_else(|| config.database_url.clone())
        .ok_or_else(|| {
            BackupError::Usage(
                "no database: pass --database-url or set backup.database_url \
                 (env RIPCORD_BACKUP__DATABASE_URL)"
                    .into(),
            )
        })?;
    let mut opts = RunOptions::from_config(config);
    opts.exclude_schemas
        .extend(args.exclude_schemas.iter().cloned());
    opts.skip_unreadable_schemas |= args.skip_unreadable_schemas;
    if let Some(mode) = args.checksums {
        opts.checksums = mode;
    }
    if !args.age_recipients.is_empty() {
        opts.age_recipients = args.age_recipients.clone();
    }
    opts.progress = args.progress;
    opts.preflight_only = args.preflight_only;
    let started = Instant::now();
    let started_at = Timestamp::now();
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    let result = async {
        let store = open_store(&dest, config).await?;
        backup(&database_url, &store, &opts, ctrl_c).await
    }
    .await;
    if args.preflight_only {
        let (_, preflight) = result?;
        match args.common.format {
            Format::Json => print_json(&preflight),
            Format::Text => println!(
                "preflight passed: server {}, {} {}, excluded schemas [{}], skipped unreadable [{}]",
                preflight.server_version,
                preflight.pg_dump,
                preflight.pg_dump_version,
                preflight.excluded_schemas.join(", "),
                preflight.skipped_schemas.join(", ")
            ),
        }
        return Ok(exit::SUCCESS);
    }
    let result = result.and_then(|(manifest, preflight)| {
        manifest
            .map(|m| (m, preflight))
            .ok_or_else(|| BackupError::Usage("no manifest".into()))
    });
    let duration = started.elapsed();
    let (ok, id, bytes, error) = match &result {
        Ok((m, _)) => (true, Some(m.id.clone()), Some(m.dump.stored_bytes), None),
        Err(e) => (false, None, None, Some(e.to_string())),
    };
    record(
        config,
        RunRecord {
            ok,
            backup_id: id,
            bytes,
            error,
            ..RunRecord::new("run", &dest, started_at, started)
        },
    );
    let event = match &result {
        Ok((m, _)) => Event::new(
            "backup.run",
            true,
            format!("Backup of {}", m.database),
            format!(
                "{} tables, {} stored",
                m.contents.tables.len(),
                human_bytes(m.dump.stored_bytes)
            ),
        )
        .field("backup", &m.id),
        Err(e) => Event::new("backup.run", false, "Backup", e.to_string()),
    }
    .field("destination", &dest)
    .field("duration", human_duration(duration));
    notify_event(notify, event, args.notify_success).await;
    let (manifest, preflight) = result?;
    match args.common.format {
        Format::Json => print_json(&serde_json::json!({
            "ok": true,
            "id": manifest.id,
            "destination": dest,
            "duration_ms": duration.as_millis() as u64,
            "preflight": preflight,
            "manifest": manifest,
        })),
        Format::Text => {
            println!(
                "backup {} of {} ({}) → {}",
                manifest.id, manifest.database, manifest.source, dest
            );
            println!(
                "  {} dumped, {} stored ({}), sha256 {}",
                human_bytes(manifest.dump.raw_bytes),
                human_bytes(manifest.dump.stored_bytes),
                manifest
                    .dump
                    .encryption
                    .as_deref()
                    .unwrap_or("not encrypted"),
                manifest.dump.sha256
            );
            println!(
                "  {} tables, {} sequences, {} large objects; sums: {} ({}); {} in {}",
                manifest.contents.tables.len(),
                manifest.contents.sequences.len(),
                manifest
                    .contents
                    .large_objects
                    .as_ref()
                    .map(|l| l.count)
                    .unwrap_or(0),
                serde_json::to_value(manifest.checksum_mode)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default(),
                if manifest.checksum_source == "dump" {
                    "read from the dump stream"
                } else {
                    "computed by SQL in the snapshot"
                },
                human_bytes(
                    (manifest.dump.raw_bytes as f64 / duration.as_secs_f64().max(0.001)) as u64
                ) + "/s",
                human_duration(duration)
            );
            if !preflight.skipped_schemas.is_empty() {
                println!(
                    "  skipped unreadable schemas: {}",
                    preflight.skipped_schemas.join(", ")
                );
            }
        }
    }
    Ok(exit::SUCCESS)
}

// ---------------------------------------------------------------------------------------
// list

#[derive(Debug, Serialize)]
struct ListRow<'a> {
    id: &'a str,
    created: Timestamp,
    complete: bool,
    database: Option<&'a str>,
    stored_bytes: u64,
    encrypted: bool,
    verified: Option<&'a VerifyRecord>,
}

pub async fn list_cmd(args: ListArgs, config: &BackupConfig) -> Result<u8, BackupError> {
    let dest = destination(&args.common, config)?;
    let store = open_store(&dest, config).await?;
    let (backups, _) = manifest::catalog(&store).await?;
    let rows: Vec<ListRow> = backups
        .iter()
        .map(|b| ListRow {
            id: &b.id,
            created: b.created,
            complete: b.complete(),
            database: b.manifest.as_ref().map(|m| m.database.as_str()),
            stored_bytes: b.stored_bytes,
            encrypted: b
                .manifest
                .as_ref()
                .is_some_and(|m| m.dump.encryption.is_some()),
            verified: b.last_verification(),
        })
        .collect();
    match args.common.format {
        Format::Json => print_json(&rows),
        Format::Text => {
            if rows.is_empty() {
                println!("no backups at {dest}");
            } else {
                println!(
                    "{:<20} {:>10} {:>9}  {:<12} {:<10} VERIFIED",
                    "ID", "SIZE", "AGE", "DATABASE", "STATE"
                );
            }
            let now = Timestamp::now();
            for row in rows {
                let age = now.duration_since(row.created).unsigned_abs();
                let verified = match row.verified {
                    Some(v) => format!(
                        "{} {} ({} ago)",
                        v.kind,
                        if v.ok { "ok" } else { "FAILED" },
                        human_duration(now.duration_since(v.at).unsigned_abs())
                    ),
                    None => "never".into(),
                };
                println!(
                    "{:<20} {:>10} {:>9}  {:<12} {:<10} {}",
                    row.id,
                    human_bytes(row.stored_bytes),
                    human_duration(age),
                    row.database.unwrap_or("-"),
                    if row.complete {
                        if row.encrypted {
                            "encrypted"
                        } else {
                            "complete"
                        }
                    } else {
                        "INCOMPLETE"
                    },
                    if row.complete { verified.as_str() } else { "-" }
                );
            }
        }
    }
    Ok(exit::SUCCESS)
}

// ---------------------------------------------------------------------------------------
// verify and restore

/// Re-reads the stored object and compares its sha256 and size with the manifest.
pub async fn verify_checksum(
    store: &Store,
    backup: &BackupInfo,
    progress: ProgressMode,
) -> Result<Vec<String>, BackupError> {
    let Some(manifest) = &backup.manifest else {
        return Err(BackupError::Incomplete {
            id: backup.id.clone(),
            url: store.url().into(),
        });
    };
    let counters = Arc::new(Counters::default());
    let reporter = Reporter::start(progress, "verify", counters.clone());
    let mut stream = store.get(&manifest.dump.key).await?;
    let mut hasher = Sha256::new();
    let mut bytes = 0u64;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk?;
        hasher.update(&chunk);
        bytes += chunk.len() as u64;
        counters
            .stored
            .fetch_add(chunk.len() as u64, std::sync::atomic::Ordering::Relaxed);
    }
    reporter.finish().await;
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

fn load_identities(
    path: Option<&Path>,
    manifest: &Manifest,
) -> Result<Option<Vec<Box<dyn age::Identity + Send + Sync>>>, BackupError> {
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
    let file = age::IdentityFile::from_file(path.display().to_string())
        .map_err(|e| BackupError::Encryption(format!("identity file {}: {e}", path.display())))?;
    let identities = file
        .into_identities()
        .map_err(|e| BackupError::Encryption(format!("identity file {}: {e}", path.display())))?;
    Ok(Some(identities))
}

/// A pg_restore that can read archives of the pg_dump that made `manifest`'s backup.
fn find_pg_restore(bin_dir: Option<&Path>, manifest: &Manifest) -> Result<Tool, BackupError> {
    let needed = tools::parse_major(&manifest.pg_dump_version).unwrap_or(0);
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

/// Streams a backup through pg_restore into `target`. The object's sha256 is checked before
/// pg_restore sees the end of its input: with `--single-transaction`, a corrupt backup
/// restores nothing.
pub async fn restore_into(
    store: &Store,
    manifest: &Manifest,
    target: &DbUrl,
    identities: Option<Vec<Box<dyn age::Identity + Send + Sync>>>,
    pg_restore: &Tool,
    extra_args: &[&str],
    progress: ProgressMode,
) -> Result<u64, BackupError> {
    let mut command = Command::new(&pg_restore.path);
    command
        .args(["--exit-on-error", "--no-password"])
        .args(extra_args)
        .arg(format!("--dbname={}", target.for_tools));
    if let Some(password) = &target.password {
        command.env("PGPASSWORD", password);
    }
    let counters = Arc::new(Counters::default());
    let reporter = Reporter::start(progress, "restore", counters.clone());
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
                    .fetch_add(chunk.len() as u64, std::sync::atomic::Ordering::Relaxed);
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
        Some(e) => Err(e.to_string()),
        None if sha != manifest.dump.sha256 => Err(format!(
            "sha256 of {} is {sha}, the manifest says {}: not restored",
            manifest.dump.key, manifest.dump.sha256
        )),
        None => Ok(()),
    };
    let _ = verdict_tx.send(verdict.clone());
    let restored = restoring.await.unwrap_or_else(|e| {
        Err(BackupError::Tool {
            tool: "pg_restore".into(),
            reason: format!("pipeline thread: {e}"),
        })
    });
    reporter.finish().await;
    if let Err(reason) = verdict {
        return Err(BackupError::Tool {
            tool: "pg_restore".into(),
            reason,
        });
    }
    restored
}

/// Bytes of the decoded archive withheld from pg_restore until the object's sha256 is
/// checked: more than the archive's trailer, so pg_restore is still waiting for input.
const RESTORE_HOLD_BACK: usize = 1024 * 1024;

fn run_consumer(
    mut command: Command,
    identities: Option<Vec<Box<dyn age::Identity + Send + Sync>>>,
    rx: mpsc::Receiver<Bytes>,
    verdict: oneshot::Receiver<Result<(), String>>,
    counters: &Counters,
) -> Result<u64, BackupError> {
    let tool_err = |reason: String| BackupError::Tool {
        tool: "pg_restore".into(),
        reason,
    };
    command.stdin(Stdio::piped()).stdout(Stdio::null());
    let (mut child, stderr) = spawn_tool(command, "pg_restore")?;
    let Some(mut stdin) = child.stdin.take() else {
        let _ = child.kill();
        return Err(tool_err("no stdin".into()));
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
            let status = child.wait().map_err(|e| tool_err(e.to_string()))?;
            let stderr = stderr.and_then(|h| h.join().ok()).unwrap_or_default();
            if status.success() {
                Ok(bytes)
            } else {
                Err(tool_err(format!("{status}: {stderr}")))
            }
        }
        Err(reason) => {
            let _ = child.kill();
            let _ = child.wait();
            drop(stdin);
            let stderr = stderr.and_then(|h| h.join().ok()).unwrap_or_default();
            Err(tool_err(if stderr.is_empty() {
                reason
            } else {
                format!("{reason}; pg_restore said: {stderr}")
            }))
        }
    }
}

/// The result of `verify --restore`.
#[derive(Debug, Clone, Serialize)]
pub struct RestoreCheck {
    pub problems: Vec<String>,
    pub restore_seconds: f64,
    pub backup_age_seconds: f64,
    pub tables_compared: usize,
}

/// Where `verify --restore` restores: a fresh database on a given server, or a throwaway
/// cluster. Dropped (database and cluster) when done.
enum Scratch {
    Server { admin: Box<DbUrl>, name: String },
    Cluster(Box<ripcord_testkit::Postgres>),
}

impl Scratch {
    async fn create(into: Option<&str>, id: &str) -> Result<(Self, DbUrl), BackupError> {
        let name = format!("ripcord_verify_{}", id.to_ascii_lowercase());
        match into {
            Some(url) => {
                let admin = DbUrl::parse(url)?;
                let client = admin.connect().await?;
                let quoted = pg::quote_ident(&name);
                let _ = client
                    .batch_execute(&format!("DROP DATABASE IF EXISTS {quoted}"))
                    .await;
                client
                    .batch_execute(&format!(
                        "CREATE DATABASE {quoted} TEMPLATE template0 ENCODING 'UTF8'"
                    ))
                    .await
                    .map_err(|e| admin.err("create the scratch database", &e))?;
                let target = admin.with_database(&name)?;
                Ok((
                    Self::Server {
                        admin: Box::new(admin),
                        name,
                    },
                    target,
                ))
            }
            None => {
                let cluster = tokio::task::spawn_blocking(ripcord_testkit::Postgres::start)
                    .await
                    .map_err(|e| BackupError::Tool {
                        tool: "initdb".into(),
                        reason: e.to_string(),
                    })?
                    .map_err(|e| BackupError::Tool {
                        tool: "scratch PostgreSQL cluster".into(),
                        reason: e.to_string(),
                    })?;
                let admin = DbUrl::parse(&cluster.url("postgres"))?;
                let client = admin.connect().await?;
                client
                    .batch_execute(&format!(
                        "CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8'",
                        pg::quote_ident(&name)
                    ))
                    .await
                    .map_err(|e| admin.err("create the scratch database", &e))?;
                let target = admin.with_database(&name)?;
                Ok((Self::Cluster(Box::new(cluster)), target))
            }
        }
    }

    async fn drop_now(self) {
        match self {
            Self::Server { admin, name } => {
                if let Ok(client) = admin.connect().await {
                    let _ = client
                        .batch_execute(&format!(
                            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                            pg::quote_ident(&name)
                        ))
                        .await;
                }
            }
            Self::Cluster(cluster) => {
                let _ = tokio::task::spawn_blocking(move || cluster.stop()).await;
            }
        }
    }
}

/// Restores a backup into a scratch database and compares every table, sequence and large
/// object with the manifest.
pub async fn verify_restore(
    store: &Store,
    backup: &BackupInfo,
    into: Option<&str>,
    identity: Option<&Path>,
    pg_bin_dir: Option<&Path>,
    progress: ProgressMode,
) -> Result<RestoreCheck, BackupError> {
    let Some(manifest) = &backup.manifest else {
        return Err(BackupError::Incomplete {
            id: backup.id.clone(),
            url: store.url().into(),
        });
    };
    let identities = load_identities(identity, manifest)?;
    let pg_restore = find_pg_restore(pg_bin_dir, manifest)?;
    let (scratch, target) = Scratch::create(into, &backup.id).await?;
    let started = Instant::now();
    let result = async {
        restore_into(
            store,
            manifest,
            &target,
            identities,
            &pg_restore,
            &["--no-owner", "--no-acl", "--single-transaction"],
            progress,
        )
        .await?;
        let restore_seconds = started.elapsed().as_secs_f64();
        let mut client = target.connect().await?;
        let mut txn = client
            .build_transaction()
            .isolation_level(tokio_postgres::IsolationLevel::RepeatableRead)
            .start()
            .await
            .map_err(|e| target.err("begin", &e))?;
        let from_dump = manifest.checksum_source == "dump";
        let mut actual = pg::contents(
            &target,
            &mut txn,
            manifest.checksum_mode,
            &manifest.excluded_schemas,
            !from_dump,
        )
        .await?;
        let _ = txn.rollback().await;
        if from_dump {
            let read_back = pg::contents_by_copy(
                &target,
                &client,
                &manifest.contents,
                &manifest.copy_settings,
            )
            .await?;
            actual.tables = read_back.tables;
            actual.large_objects = read_back.large_objects;
        }
        let problems = pg::compare(&manifest.contents, &actual);
        Ok::<_, BackupError>(RestoreCheck {
            problems,
            restore_seconds,
            backup_age_seconds: Timestamp::now()
                .duration_since(manifest.started_at)
                .as_secs_f64(),
            tables_compared: manifest.contents.tables.len(),
        })
    }
    .await;
    scratch.drop_now().await;
    result
}

async fn write_verify_record(store: &Store, record: &VerifyRecord) -> Result<(), BackupError> {
    let key = format!(
        "{}/verify/{}-{}.json",
        record.backup_id,
        manifest::new_id(record.at),
        record.kind
    );
    let body = serde_json::to_vec_pretty(record).map_err(|e| BackupError::Manifest {
        location: key.clone(),
        reason: e.to_string(),
    })?;
    store.put(&key, Bytes::from(body)).await
}

/// `verify` without a terminal: used by the scheduler. Returns the record written.
pub async fn verify(
    store: &Store,
    id: &str,
    restore: bool,
    into: Option<&str>,
    config: &BackupConfig,
    identity: Option<&Path>,
    progress: ProgressMode,
) -> Result<VerifyRecord, BackupError> {
    let (backups, _) = manifest::catalog(store).await?;
    let backup = manifest::select(&backups, Some(id), store.url())?;
    let mut problems = verify_checksum(store, backup, progress).await?;
    let mut record = VerifyRecord {
        backup_id: backup.id.clone(),
        at: Timestamp::now(),
        kind: if restore { "restore" } else { "checksum" }.into(),
        ok: false,
        problems: Vec::new(),
        restore_seconds: None,
        backup_age_seconds: backup
            .manifest
            .as_ref()
            .map(|m| Timestamp::now().duration_since(m.started_at).as_secs_f64()),
    };
    if restore && problems.is_empty() {
        match verify_restore(
            store,
            backup,
            into,
            identity.or(config.age_identity.as_deref()),
            config.pg_bin_dir.as_deref(),
            progress,
        )
        .await
        {
            Ok(check) => {
                problems.extend(check.problems);
                record.restore_seconds = Some(check.restore_seconds);
                record.backup_age_seconds = Some(check.backup_age_seconds);
            }
            Err(
                e
                @ (BackupError::Encryption(_) | BackupError::Usage(_) | BackupError::Preflight(_)),
            ) => return Err(e),
            Err(e) => problems.push(format!("restore failed: {e}")),
        }
    }
    record.ok = problems.is_empty();
    record.problems = problems;
    // A read-only credential can verify; it just cannot leave the record behind.
    if let Err(error) = write_verify_record(store, &record).await {
        tracing::warn!(%error, "verify record not written");
        eprintln!("warning: the verify record was not written: {error}");
    }
    Ok(record)
}

pub async fn verify_cmd(
    args: VerifyArgs,
    config: &BackupConfig,
    notify: &NotifyConfig,
) -> Result<u8, BackupError> {
    let dest = destination(&args.common, config)?;
    let started = Instant::now();
    let started_at = Timestamp::now();
    let result = async {
        let store = open_store(&dest, config).await?;
        verify(
            &store,
            &args.id,
            args.restore,
            args.into.as_deref(),
            config,
            args.identity.as_deref(),
            args.progress,
        )
        .await
    }
    .await;
    let kind = if args.restore {
        "verify-restore"
    } else {
        "verify"
    };
    record(
        config,
        RunRecord {
            ok: result.as_ref().is_ok_and(|r| r.ok),
            backup_id: result.as_ref().ok().map(|r| r.backup_id.clone()),
            bytes: None,
            error: match &result {
                Ok(r) if !r.ok => Some(r.problems.join("; ")),
                Ok(_) => None,
                Err(e) => Some(e.to_string()),
            },
            ..RunRecord::new(kind, &dest, started_at, started)
        },
    );
    let event = match &result {
        Ok(r) => Event::new(
            "backup.verify",
            r.ok,
            format!("Verify ({}) of backup {}", r.kind, r.backup_id),
            r.problems.join("\n"),
        ),
        Err(e) => Event::new("backup.verify", false, "Verify", e.to_string()),
    }
    .field("destination", &dest);
    notify_event(notify, event, args.notify_success).await;
    let record = result?;
    match args.common.format {
        Format::Json => print_json(&record),
        Format::Text => {
            println!(
                "{} {} of backup {}: {}",
                if record.ok { "ok" } else { "FAILED" },
                record.kind,
                record.backup_id,
                match (record.ok, record.kind.as_str()) {
                    (true, "restore") => {
                        "sha256, and every table, sequence and large object, match the manifest"
                    }
                    (true, _) => "sha256 matches the manifest",
                    (false, _) => "see below",
                }
            );
            if let Some(seconds) = record.restore_seconds {
                println!(
                    "  restored and compared with the manifest in {} (RTO)",
                    human_duration(std::time::Duration::from_secs_f64(seconds))
                );
            }
            if let Some(age) = record.backup_age_seconds {
                println!(
                    "  backup age {} (RPO)",
                    human_duration(std::time::Duration::from_secs_f64(age.max(0.0)))
                );
            }
            for problem in &record.problems {
                println!("  - {problem}");
            }
        }
    }
    Ok(if record.ok {
        exit::SUCCESS
    } else {
        exit::FAILURE
    })
}

pub async fn restore_cmd(args: RestoreArgs, config: &BackupConfig) -> Result<u8, BackupError> {
    let dest = destination(&args.common, config)?;
    let store = open_store(&dest, config).await?;
    let (backups, _) = manifest::catalog(&store).await?;
    let backup = manifest::select(&backups, Some(&args.id), &dest)?;
    let Some(manifest) = &backup.manifest else {
        return Err(BackupError::Incomplete {
            id: backup.id.clone(),
            url: dest,
        });
    };
    let identities = load_identities(
        args.identity.as_deref().or(config.age_identity.as_deref()),
        manifest,
    )?;
    let target = DbUrl::parse(&args.into)?;
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
        .map_err(|e| target.err("inspect the target", &e))?
        .get(0);
    drop(client);
    if tables > 0 {
        return Err(BackupError::Usage(format!(
            "{} already holds {tables} table(s): restore into an empty database \
             (CREATE DATABASE …) so nothing is overwritten",
            target.display
        )));
    }
    let pg_restore = find_pg_restore(config.pg_bin_dir.as_deref(), manifest)?;
    let mut extra = vec!["--single-transaction"];
    if args.no_owner {
        extra.extend(["--no-owner", "--no-acl"]);
    }
    let started = Instant::now();
    let started_at = Timestamp::now();
    let result = restore_into(
        &store,
        manifest,
        &target,
        identities,
        &pg_restore,
        &extra,
        args.progress,
    )
    .await;
    record(
        config,
        RunRecord {
            ok: result.is_ok(),
            backup_id: Some(backup.id.clone()),
            bytes: result.as_ref().ok().copied(),
            error: result.as_ref().err().map(|e| e.to_string()),
            ..RunRecord::new("restore", &dest, started_at, started)
        },
    );
    let bytes = result?;
    match args.common.format {
        Format::Json => print_json(&serde_json::json!({
            "ok": true, "id": backup.id, "into": target.display,
            "raw_bytes": bytes, "seconds": started.elapsed().as_secs_f64(),
        })),
        Format::Text => println!(
            "restored backup {} into {} ({} in {})",
            backup.id,
            target.display,
            human_bytes(bytes),
            human_duration(started.elapsed())
        ),
    }
    Ok(exit::SUCCESS)
}

// ---------------------------------------------------------------------------------------
// prune

/// Plans (and unless `dry_run`, applies) retention at a destination.
pub async fn prune(
    store: &Store,
    policy: &prune::Retention,
    dry_run: bool,
) -> Result<prune::Plan, BackupError> {
    let (backups, tombstones) = manifest::catalog(store).await?;
    let now = Timestamp::now();
    let window = jiff::SignedDuration::from_hours(24 * i64::from(store.soft_delete_days()));
    let soft_deleted: u64 = tombstones
        .iter()
        .filter(|t| now.duration_since(t.deleted_at) < window)
        .map(|t| t.bytes)
        .sum();
    let candidates: Vec<prune::Candidate> = backups
        .iter()
        .map(|b| prune::Candidate {
            id: b.id.clone(),
            created: b.created,
            bytes: b.stored_bytes,
            complete: b.complete(),
            verified: b.verified(),
        })
        .collect();
    let plan = prune::plan(&candidates, policy, soft_deleted, now).map_err(|reason| {
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
        let body = serde_json::to_vec(&tombstone).unwrap_or_default();
        store
            .put(
                &format!(
                    "{}/deleted/{}.json",
                    manifest::INTERNAL,
                    manifest::new_id(now)
                ),
                Bytes::from(body),
            )
            .await?;
    }
    Ok(plan)
}

pub async fn prune_cmd(args: PruneArgs, config: &BackupConfig) -> Result<u8, BackupError> {
    let dest = destination(&args.common, config)?;
    let mut policy = config.retention.clone();
    policy.keep_last = args.keep_last.or(policy.keep_last);
    policy.keep_daily = args.keep_daily.or(policy.keep_daily);
    policy.keep_weekly = args.keep_weekly.or(policy.keep_weekly);
    policy.keep_monthly = args.keep_monthly.or(policy.keep_monthly);
    policy.max_total_size = args.max_total_size.clone().or(policy.max_total_size);
    let store = open_store(&dest, config).await?;
    let started = Instant::now();
    let started_at = Timestamp::now();
    let result = prune(&store, &policy, args.dry_run).await;
    if !args.dry_run {
        record(
            config,
            RunRecord {
                ok: result.is_ok(),
                backup_id: None,
                bytes: result
                    .as_ref()
                    .ok()
                    .map(|p| p.delete.iter().map(|d| d.bytes).sum()),
                error: result.as_ref().err().map(|e| e.to_string()),
                ..RunRecord::new("prune", &dest, started_at, started)
            },
        );
    }
    let plan = result?;
    match args.common.format {
        Format::Json => print_json(&serde_json::json!({"dry_run": args.dry_run, "plan": plan})),
        Format::Text => {
            let verb = if args.dry_run {
                "would delete"
            } else {
                "deleted"
            };
            for d in &plan.keep {
                println!(
                    "keep   {} {:>10}  {}",
                    d.id,
                    human_bytes(d.bytes),
                    d.reasons.join(", ")
                );
            }
            for d in &plan.delete {
                println!(
                    "{verb:<6} {} {:>10}  {}",
                    d.id,
                    human_bytes(d.bytes),
                    d.reasons.join(", ")
                );
            }
            println!(
                "{} kept, {} {verb}; kept {}, soft-deleted {}",
                plan.keep.len(),
                plan.delete.len(),
                human_bytes(plan.kept_bytes),
                human_bytes(plan.soft_deleted_bytes)
            );
            if let Some(over) = plan.over_cap_bytes {
                println!(
                    "warning: still {} over max_total_size (protected backups and soft-deleted \
                     bytes); it shrinks as soft-deleted objects expire",
                    human_bytes(over)
                );
            }
        }
    }
    Ok(exit::SUCCESS)
}
