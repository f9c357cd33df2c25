//! `ripcord backup …`: the flags, their merging into `[backup]`, every rendering (human, JSON,
//! live progress) and the exit codes. The work is `ripcord_backup`'s; this module only turns
//! flags into settings and reports into text.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use clap::builder::PossibleValue;

use super::OutputFormat;
use jiff::Timestamp;
use ripcord_agent::ApiClient;
use ripcord_backup::listing::Listing;
use ripcord_backup::preflight::Preflight;
use ripcord_backup::state::RunRecord;
use ripcord_backup::{
    BackupConfig, ChecksumMode, ChecksumSource, DatabaseUrl, Observer, Phase, Progress,
    PruneReport, RestoreReport, RestoreRequest, RunReport, RunRequest, VerifyKind, VerifyRequest,
    human_bytes, human_duration,
};
use ripcord_core::exit;
use ripcord_notifier::NotifyConfig;
use serde::Serialize;

/// Flags of `ripcord backup`.
#[derive(Debug, clap::Args)]
pub struct BackupArgs {
    #[command(subcommand)]
    pub command: BackupCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum BackupCommand {
    /// Dump a database to a destination, with a manifest of every table's rows and checksum
    Run(RunArgs),
    /// List the backups at a destination, newest first
    List(ListArgs),
    /// Re-read a backup and check its sha256; with --restore, restore it and compare every table
    Verify(VerifyArgs),
    /// Restore a backup into a database (streams through pg_restore)
    Restore(RestoreArgs),
    /// Delete backups outside the retention policy
    Prune(PruneArgs),
}

#[derive(Debug, Clone, clap::Args)]
pub struct Common {
    /// Destination: gs://bucket/prefix, s3://bucket/prefix or file:///path [config: backup.to]
    #[arg(long = "to", visible_alias = "from", value_name = "URL")]
    pub to: Option<String>,
    /// Output format
    #[arg(long, value_parser = OutputFormat::people_or_machines(), default_value = "human")]
    pub format: OutputFormat,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ProgressMode {
    /// A live line when stderr is a terminal, nothing otherwise.
    #[default]
    Auto,
    /// Always the live line.
    Bar,
    /// One JSON object per line on stderr, twice a second.
    Json,
    /// Nothing.
    None,
}

/// `--checksums`: the library's modes, with the library's descriptions as help.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Checksums(pub ChecksumMode);

impl clap::ValueEnum for Checksums {
    fn value_variants<'a>() -> &'a [Self] {
        &[
            Self(ChecksumMode::Full),
            Self(ChecksumMode::Counts),
            Self(ChecksumMode::Sql),
            Self(ChecksumMode::None),
        ]
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.0.as_str()).help(self.0.description()))
    }
}

#[derive(Debug, Clone, clap::Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub common: Common,
    /// Database URL [config: backup.database_url; env: RIPCORD_BACKUP__DATABASE_URL]
    #[arg(long, value_name = "URL")]
    pub database_url: Option<DatabaseUrl>,
    /// Leave a schema out (repeatable)
    #[arg(long = "exclude-schema", value_name = "SCHEMA")]
    pub exclude_schemas: Vec<String>,
    /// Leave out schemas the role cannot read instead of refusing to start
    #[arg(long)]
    pub skip_unreadable_schemas: bool,
    /// What the manifest records about the data
    #[arg(long, value_enum)]
    pub checksums: Option<Checksums>,
    /// Encrypt to this age public key (repeatable) [config: backup.age_recipients]
    #[arg(long = "age-recipient", value_name = "AGE1…")]
    pub age_recipients: Vec<String>,
    /// Also notify on success
    #[arg(long)]
    pub notify_success: bool,
    #[arg(long, value_enum, default_value_t = ProgressMode::Auto)]
    pub progress: ProgressMode,
    /// Check everything (versions, permissions, destination) and stop before dumping
    #[arg(long)]
    pub preflight_only: bool,
}

#[derive(Debug, Clone, clap::Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub common: Common,
}

#[derive(Debug, Clone, clap::Args)]
pub struct VerifyArgs {
    #[command(flatten)]
    pub common: Common,
    /// Backup id, or `latest`
    #[arg(default_value = "latest")]
    pub id: String,
    /// Restore into a scratch database and compare every table with the manifest
    #[arg(long)]
    pub restore: bool,
    /// Server to create the scratch database on (default: a throwaway local cluster)
    #[arg(long, value_name = "URL", requires = "restore")]
    pub into: Option<DatabaseUrl>,
    /// age identity file for encrypted backups [config: backup.age_identity]
    #[arg(long, value_name = "FILE")]
    pub identity: Option<PathBuf>,
    /// Also notify on success
    #[arg(long)]
    pub notify_success: bool,
    #[arg(long, value_enum, default_value_t = ProgressMode::Auto)]
    pub progress: ProgressMode,
}

#[derive(Debug, Clone, clap::Args)]
pub struct RestoreArgs {
    #[command(flatten)]
    pub common: Common,
    /// Backup id, or `latest`
    #[arg(default_value = "latest")]
    pub id: String,
    /// Database to restore into; it must hold no tables yet
    #[arg(long, value_name = "URL")]
    pub into: DatabaseUrl,
    /// age identity file for encrypted backups [config: backup.age_identity]
    #[arg(long, value_name = "FILE")]
    pub identity: Option<PathBuf>,
    /// Skip ownership and privileges (restore as the connecting role)
    #[arg(long)]
    pub no_owner: bool,
    #[arg(long, value_enum, default_value_t = ProgressMode::Auto)]
    pub progress: ProgressMode,
}

#[derive(Debug, Clone, clap::Args)]
pub struct PruneArgs {
    #[command(flatten)]
    pub common: Common,
    /// Show what would be deleted, delete nothing
    #[arg(long)]
    pub dry_run: bool,
    #[arg(long, value_name = "N")]
    pub keep_last: Option<u32>,
    #[arg(long, value_name = "DAYS")]
    pub keep_daily: Option<u32>,
    #[arg(long, value_name = "WEEKS")]
    pub keep_weekly: Option<u32>,
    #[arg(long, value_name = "MONTHS")]
    pub keep_monthly: Option<u32>,
    /// Cap on billed bytes, soft-deleted included (e.g. 4.5GB)
    #[arg(long, value_name = "SIZE")]
    pub max_total_size: Option<String>,
}

/// Runs `ripcord backup …` and returns the exit code: 0 done, 1 a failed verification; an
/// error (exit 2) otherwise.
pub async fn run(
    args: BackupArgs,
    config: &BackupConfig,
    notify: &NotifyConfig,
    history: Option<ApiClient>,
) -> anyhow::Result<u8> {
    let records = Records::default();
    let outcome = command(args, config, notify, &records).await;
    if let Some(api) = history {
        send_records(&api, &records).await;
    }
    outcome
}

/// The run-log lines a command wrote, to send to the control plane.
pub(crate) type Records = Arc<Mutex<Vec<RunRecord>>>;

/// Sends each record to the control plane; one that does not arrive is a warning.
pub(crate) async fn send_records(api: &ApiClient, records: &Records) {
    let taken = records
        .lock()
        .map(|mut records| std::mem::take(&mut *records))
        .unwrap_or_default();
    let host = ripcord_agent::hostname();
    for record in taken {
        if let Err(error) = api.record_backup(&record.to_api(&host)).await {
            eprintln!(
                "warning: the {} was not recorded on the server: {error}",
                record.kind.as_str()
            );
        }
    }
}

async fn command(
    args: BackupArgs,
    config: &BackupConfig,
    notify: &NotifyConfig,
    records: &Records,
) -> anyhow::Result<u8> {
    let mut config = config.clone();
    let observer = |mode| observer(mode, records);
    match args.command {
        BackupCommand::Run(args) => {
            merge_run(&mut config, &args);
            let request = RunRequest {
                preflight_only: args.preflight_only,
                notify_success: args.notify_success,
                scheduled: false,
            };
            let observer = observer(args.progress);
            let report = ripcord_backup::run(
                &config,
                notify,
                request,
                &observer,
                super::shutdown_signal(),
            )
            .await?;
            print_run(&report, args.common.format)?;
            Ok(exit::SUCCESS)
        }
        BackupCommand::List(args) => {
            merge_common(&mut config, &args.common);
            let listing = ripcord_backup::list(&config).await?;
            print_list(&listing, args.common.format)?;
            Ok(exit::SUCCESS)
        }
        BackupCommand::Verify(args) => {
            merge_common(&mut config, &args.common);
            let request = VerifyRequest {
                id: args.id.clone(),
                restore: args.restore,
                into: args.into.clone(),
                identity: args.identity.clone(),
                notify_success: args.notify_success,
                scheduled: false,
            };
            let observer = observer(args.progress);
            let record = ripcord_backup::verify(
                &config,
                notify,
                &request,
                &observer,
                super::shutdown_signal(),
            )
            .await?;
            print_verify(&record, args.common.format)?;
            Ok(if record.ok {
                exit::SUCCESS
            } else {
                exit::FAILURE
            })
        }
        BackupCommand::Restore(args) => {
            merge_common(&mut config, &args.common);
            let request = RestoreRequest {
                id: args.id.clone(),
                into: args.into.clone(),
                identity: args.identity.clone(),
                no_owner: args.no_owner,
            };
            let report =
                ripcord_backup::restore(&config, &request, &observer(args.progress)).await?;
            print_restore(&report, args.common.format)?;
            Ok(exit::SUCCESS)
        }
        BackupCommand::Prune(args) => {
            merge_prune(&mut config, &args);
            let report =
                ripcord_backup::prune(&config, args.dry_run, &observer(ProgressMode::None)).await?;
            print_prune(&report, args.common.format)?;
            Ok(exit::SUCCESS)
        }
    }
}

// ---------------------------------------------------------------------------------------
// flags → settings: a flag wins over `[backup]`; lists given by flag add to (schemas) or
// replace (recipients) the configured ones, as documented.

pub(crate) fn merge_common(config: &mut BackupConfig, common: &Common) {
    if let Some(to) = &common.to {
        config.to = Some(to.clone());
    }
}

fn merge_run(config: &mut BackupConfig, args: &RunArgs) {
    merge_common(config, &args.common);
    if let Some(url) = &args.database_url {
        config.database_url = Some(url.clone());
    }
    config
        .exclude_schemas
        .extend(args.exclude_schemas.iter().cloned());
    config.skip_unreadable_schemas |= args.skip_unreadable_schemas;
    if let Some(Checksums(mode)) = args.checksums {
        config.checksums = mode;
    }
    if !args.age_recipients.is_empty() {
        config.age_recipients = args.age_recipients.clone();
    }
}

fn merge_prune(config: &mut BackupConfig, args: &PruneArgs) {
    merge_common(config, &args.common);
    let policy = &mut config.retention;
    policy.keep_last = args.keep_last.or(policy.keep_last);
    policy.keep_daily = args.keep_daily.or(policy.keep_daily);
    policy.keep_weekly = args.keep_weekly.or(policy.keep_weekly);
    policy.keep_monthly = args.keep_monthly.or(policy.keep_monthly);
    policy.max_total_size = args.max_total_size.clone().or(policy.max_total_size.take());
}

// ---------------------------------------------------------------------------------------
// progress: a live line on a terminal, or JSON lines on stderr; warnings always.

/// An observer that renders progress in `mode`, prints warnings on stderr, and keeps the
/// run-log lines in `records`.
pub(crate) fn observer(mode: ProgressMode, records: &Records) -> Observer {
    let records = records.clone();
    let mode = match mode {
        ProgressMode::Auto if std::io::stderr().is_terminal() => ProgressMode::Bar,
        ProgressMode::Auto => ProgressMode::None,
        other => other,
    };
    let ticker: Mutex<Option<Ticker>> = Mutex::new(None);
    Observer::new(move |progress| match progress {
        Progress::Started { phase, counters } if mode != ProgressMode::None => {
            if let Ok(mut slot) = ticker.lock() {
                *slot = Some(Ticker::start(mode, *phase, counters.clone()));
            }
        }
        Progress::Finished { .. } => {
            if let Some(ticker) = ticker.lock().ok().and_then(|mut slot| slot.take()) {
                ticker.finish();
            }
        }
        Progress::Warning(message) => eprintln!("warning: {message}"),
        Progress::Recorded(record) => {
            if let Ok(mut records) = records.lock() {
                records.push((**record).clone());
            }
        }
        _ => {}
    })
}

/// A thread that renders one phase's counters until told to finish.
struct Ticker {
    stop: mpsc::Sender<()>,
    thread: std::thread::JoinHandle<()>,
}

impl Ticker {
    fn start(
        mode: ProgressMode,
        phase: Phase,
        counters: Arc<ripcord_backup::progress::Counters>,
    ) -> Self {
        let (stop, stopped) = mpsc::channel::<()>();
        let thread = std::thread::spawn(move || {
            let started = Instant::now();
            let period = if mode == ProgressMode::Bar {
                Duration::from_millis(200)
            } else {
                Duration::from_millis(500)
            };
            let spinner = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
            for tick in 0usize.. {
                let done = !matches!(
                    stopped.recv_timeout(period),
                    Err(mpsc::RecvTimeoutError::Timeout)
                );
                let raw = counters.raw.load(Ordering::Relaxed);
                let stored = counters.stored.load(Ordering::Relaxed);
                let elapsed = started.elapsed();
                let rate = raw as f64 / elapsed.as_secs_f64().max(0.001);
                let mut stderr = std::io::stderr().lock();
                if mode == ProgressMode::Bar {
                    let _ = if done {
                        write!(stderr, "\r\x1b[2K")
                    } else {
                        write!(
                            stderr,
                            "\r\x1b[2K{} {}: {} read, {} stored, {}/s, {}",
                            spinner[tick % spinner.len()],
                            phase.as_str(),
                            human_bytes(raw),
                            human_bytes(stored),
                            human_bytes(rate as u64),
                            human_duration(elapsed)
                        )
                    };
                } else {
                    let line = serde_json::json!({
                        "event": "progress",
                        "phase": phase,
                        "raw_bytes": raw,
                        "stored_bytes": stored,
                        "elapsed_ms": elapsed.as_millis() as u64,
                        "bytes_per_second": rate as u64,
                        "done": done,
                    });
                    let _ = writeln!(stderr, "{line}");
                }
                let _ = stderr.flush();
                if done {
                    break;
                }
            }
        });
        Self { stop, thread }
    }

    /// Renders the last state and waits for the thread, so what follows prints after it.
    fn finish(self) {
        let _ = self.stop.send(());
        let _ = self.thread.join();
    }
}

// ---------------------------------------------------------------------------------------
// reports → text or JSON

fn print_json(value: &impl Serialize) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

fn print_run(report: &RunReport, format: OutputFormat) -> anyhow::Result<()> {
    let preflight = &report.preflight;
    let Some(manifest) = &report.manifest else {
        return match format {
            OutputFormat::Json => print_json(preflight),
            OutputFormat::Human | OutputFormat::Sarif | OutputFormat::Github => {
                print_preflight(preflight);
                Ok(())
            }
        };
    };
    let duration = report.duration;
    if format == OutputFormat::Json {
        return print_json(&serde_json::json!({
            "ok": true,
            "id": manifest.id,
            "destination": report.destination,
            "duration_ms": duration.as_millis() as u64,
            "preflight": preflight,
            "manifest": manifest,
        }));
    }
    println!(
        "backup {} of {} ({}) → {}",
        manifest.id, manifest.database, manifest.source, report.destination
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
            .map_or(0, |l| l.count),
        manifest.checksum_mode.as_str(),
        match manifest.checksum_source {
            ChecksumSource::Dump => "read from the dump stream",
            ChecksumSource::Sql => "computed by SQL in the snapshot",
        },
        human_bytes((manifest.dump.raw_bytes as f64 / duration.as_secs_f64().max(0.001)) as u64)
            + "/s",
        human_duration(duration)
    );
    if !preflight.skipped_schemas.is_empty() {
        println!(
            "  skipped unreadable schemas: {}",
            preflight.skipped_schemas.join(", ")
        );
    }
    Ok(())
}

fn print_preflight(preflight: &Preflight) {
    println!(
        "preflight passed: server {}, {} {}, excluded schemas [{}], skipped unreadable [{}]",
        preflight.server_version,
        preflight.pg_dump,
        preflight.pg_dump_version,
        preflight.excluded_schemas.join(", "),
        preflight.skipped_schemas.join(", ")
    );
}

fn print_list(listing: &Listing, format: OutputFormat) -> anyhow::Result<()> {
    if format == OutputFormat::Json {
        return print_json(&listing.rows);
    }
    if listing.rows.is_empty() {
        println!("no backups at {}", listing.destination);
    } else {
        println!(
            "{:<20} {:>10} {:>9}  {:<12} {:<10} VERIFIED",
            "ID", "SIZE", "AGE", "DATABASE", "STATE"
        );
    }
    let now = Timestamp::now();
    for row in &listing.rows {
        let age = now.duration_since(row.created).unsigned_abs();
        let verified = match &row.verified {
            Some(v) => format!(
                "{} {} ({} ago)",
                v.kind.as_str(),
                if v.ok { "ok" } else { "FAILED" },
                human_duration(now.duration_since(v.at).unsigned_abs())
            ),
            None => "never".into(),
        };
        let state = match (row.complete, row.encrypted) {
            (false, _) => "INCOMPLETE",
            (true, true) => "encrypted",
            (true, false) => "complete",
        };
        println!(
            "{:<20} {:>10} {:>9}  {:<12} {:<10} {}",
            row.id,
            human_bytes(row.stored_bytes),
            human_duration(age),
            row.database.as_deref().unwrap_or("-"),
            state,
            if row.complete { verified.as_str() } else { "-" }
        );
    }
    Ok(())
}

fn print_verify(
    record: &ripcord_backup::verify::VerifyRecord,
    format: OutputFormat,
) -> anyhow::Result<()> {
    if format == OutputFormat::Json {
        return print_json(record);
    }
    println!(
        "{} {} of backup {}: {}",
        if record.ok { "ok" } else { "FAILED" },
        record.kind.as_str(),
        record.backup_id,
        match (record.ok, record.kind) {
            (true, VerifyKind::Restore) => {
                "sha256, and every table, sequence and large object, match the manifest"
            }
            (true, VerifyKind::Checksum) => "sha256 matches the manifest",
            (false, _) => "see below",
        }
    );
    if let Some(seconds) = record.restore_seconds {
        println!(
            "  restored and compared with the manifest in {} (RTO)",
            human_duration(Duration::from_secs_f64(seconds))
        );
    }
    if let Some(age) = record.backup_age_seconds {
        println!(
            "  backup age {} (RPO)",
            human_duration(Duration::from_secs_f64(age.max(0.0)))
        );
    }
    for problem in &record.problems {
        println!("  - {problem}");
    }
    Ok(())
}

fn print_restore(report: &RestoreReport, format: OutputFormat) -> anyhow::Result<()> {
    match format {
        OutputFormat::Json => print_json(&serde_json::json!({
            "ok": true, "id": report.id, "into": report.into,
            "raw_bytes": report.raw_bytes, "seconds": report.duration.as_secs_f64(),
        })),
        OutputFormat::Human | OutputFormat::Sarif | OutputFormat::Github => {
            println!(
                "restored backup {} into {} ({} in {})",
                report.id,
                report.into,
                human_bytes(report.raw_bytes),
                human_duration(report.duration)
            );
            Ok(())
        }
    }
}

fn print_prune(report: &PruneReport, format: OutputFormat) -> anyhow::Result<()> {
    let plan = &report.plan;
    if format == OutputFormat::Json {
        return print_json(&serde_json::json!({"dry_run": report.dry_run, "plan": plan}));
    }
    let verb = if report.dry_run {
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
    Ok(())
}
