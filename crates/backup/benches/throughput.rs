//! Backup throughput and memory against plain `pg_dump -Fc > file`, on a pgbench database
//! of about 1 GB in a throwaway cluster. Not part of `cargo test`:
//!
//! ```text
//! cargo bench -p ripcord-backup --bench throughput -- [--scale 70] [--s3] [--runs 1]
//! ```
//!
//! Each contender runs as a child process and its peak RSS is read from
//! `/proc/<pid>/status` (VmHWM, sampled every 20 ms, also for ripcord's pg_dump child).
//! ripcord runs in a re-executed copy of this binary (`--child …`), through the same library
//! function as `ripcord backup run`.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use ripcord_backup::dump::backup;
use ripcord_backup::store::{GcsConfig, S3Config, Store};
use ripcord_backup::{BackupConfig, ChecksumMode, Observer};
use ripcord_testkit::postgres::{client_bin, psql};
use ripcord_testkit::{Moto, Postgres};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--child") {
        child(&args[2..]);
        return;
    }
    let flag = |name: &str| args.iter().position(|a| a == name);
    let value = |name: &str, default: u32| {
        flag(name)
            .and_then(|i| args.get(i + 1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let scale = value("--scale", 70);
    let runs = value("--runs", 1);
    let with_s3 = flag("--s3").is_some();

    let pg = Postgres::start_with(&["shared_buffers=256MB", "max_wal_size=4GB"])
        .expect("start a private cluster");
    let url = pg.create_database("bench").expect("create database");
    let t = Instant::now();
    let mut init = Command::new(client_bin("pgbench"));
    init.args(["-i", "-q", "-s", &scale.to_string(), &url]);
    let status = init.status().expect("run pgbench");
    assert!(status.success(), "pgbench -i failed");
    let size: u64 = psql(&url, "SELECT pg_database_size(current_database())")
        .expect("size")
        .trim()
        .parse()
        .expect("number");
    println!(
        "pgbench -i -s {scale}: {} in {:.0}s",
        human(size),
        t.elapsed().as_secs_f64()
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let exe = std::env::current_exe().expect("own path");
    let moto = with_s3.then(|| {
        let moto = Moto::start().expect("moto");
        moto.create_bucket("bench").expect("bucket");
        moto
    });

    let mut rows = Vec::new();
    for run in 0..runs {
        let out = dir.path().join(format!("plain-{run}.dump"));
        let mut cmd = Command::new(client_bin("pg_dump"));
        cmd.args(["-Fc", "-d", &url, "-f"]).arg(&out);
        let plain = measure(cmd);
        let plain_bytes = std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0);
        let _ = std::fs::remove_file(&out);
        rows.push(Row::new("pg_dump -Fc > file", &plain, plain_bytes, None));

        for (label, mode, dest) in [
            (
                "ripcord → file:// (checksums from the dump)",
                "full",
                format!("file://{}/full-{run}", dir.path().display()),
            ),
            (
                "ripcord → file:// (checksums by SQL)",
                "sql",
                format!("file://{}/sql-{run}", dir.path().display()),
            ),
        ] {
            let mut cmd = Command::new(&exe);
            cmd.args(["--child", &url, &dest, mode]);
            let m = measure(cmd);
            let stored = folder_size(Path::new(dest.trim_start_matches("file://")));
            rows.push(Row::new(label, &m, stored, Some(plain.seconds)));
        }
        if let Some(moto) = &moto {
            let mut cmd = Command::new(&exe);
            cmd.args(["--child", &url, &format!("s3://bench/run-{run}"), "full"])
                .env("RIPCORD_BENCH_S3", moto.endpoint());
            let m = measure(cmd);
            rows.push(Row::new(
                "ripcord → s3:// (moto, checksums from the dump)",
                &m,
                0,
                Some(plain.seconds),
            ));
        }
    }
    println!();
    println!("Medians over {runs} run(s) (ratio: pg_dump's time over this one's, same run):");
    println!("| contender | median seconds | median ratio | max peak RSS | max pg_dump RSS |");
    println!("|---|---:|---:|---:|---:|");
    let mut labels: Vec<&str> = Vec::new();
    for row in &rows {
        if !labels.contains(&row.label.as_str()) {
            labels.push(&row.label);
        }
    }
    for label in labels {
        let of: Vec<&Row> = rows.iter().filter(|r| r.label == label).collect();
        let median = |mut v: Vec<f64>| {
            v.sort_by(|a, b| a.total_cmp(b));
            v[v.len() / 2]
        };
        println!(
            "| {label} | {:.1} | {:.2} | {} | {} |",
            median(of.iter().map(|r| r.seconds).collect()),
            median(of.iter().map(|r| r.ratio.unwrap_or(1.0)).collect()),
            human(of.iter().map(|r| r.rss).max().unwrap_or(0)),
            of.iter()
                .filter_map(|r| r.child_rss)
                .max()
                .map(human)
                .unwrap_or_else(|| "-".into()),
        );
    }
    println!();
    println!("Every run:");
    println!(
        "| run | seconds | MB/s of database | ratio to pg_dump -Fc | peak RSS (process) | peak RSS (its pg_dump) | output |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for row in &rows {
        println!(
            "| {} | {:.1} | {:.1} | {} | {} | {} | {} |",
            row.label,
            row.seconds,
            size as f64 / 1e6 / row.seconds,
            row.ratio
                .map(|r| format!("{r:.2}"))
                .unwrap_or_else(|| "1.00".into()),
            human(row.rss),
            row.child_rss.map(human).unwrap_or_else(|| "-".into()),
            if row.bytes > 0 {
                human(row.bytes)
            } else {
                "-".into()
            },
        );
    }
}

struct Measured {
    seconds: f64,
    rss: u64,
    child_rss: u64,
}

struct Row {
    label: String,
    seconds: f64,
    ratio: Option<f64>,
    rss: u64,
    child_rss: Option<u64>,
    bytes: u64,
}

impl Row {
    fn new(label: &str, m: &Measured, bytes: u64, plain_seconds: Option<f64>) -> Self {
        Self {
            label: label.into(),
            seconds: m.seconds,
            ratio: plain_seconds.map(|p| p / m.seconds),
            rss: m.rss,
            child_rss: (m.child_rss > 0).then_some(m.child_rss),
            bytes,
        }
    }
}

/// Runs a command, sampling the peak RSS of it and of its direct children.
fn measure(mut cmd: Command) -> Measured {
    let started = Instant::now();
    let mut child: Child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .spawn()
        .expect("spawn");
    let pid = child.id();
    let done = Arc::new(AtomicBool::new(false));
    let peak = Arc::new(AtomicU64::new(0));
    let child_peak = Arc::new(AtomicU64::new(0));
    let sampler = {
        let (done, peak, child_peak) = (done.clone(), peak.clone(), child_peak.clone());
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                if let Some(hwm) = vm_hwm(pid) {
                    peak.fetch_max(hwm, Ordering::Relaxed);
                }
                // Children of any thread (ripcord starts pg_dump from a worker thread).
                let children: String = std::fs::read_dir(format!("/proc/{pid}/task"))
                    .into_iter()
                    .flatten()
                    .flatten()
                    .filter_map(|task| std::fs::read_to_string(task.path().join("children")).ok())
                    .collect::<Vec<_>>()
                    .join(" ");
                for c in children.split_whitespace().filter_map(|c| c.parse().ok()) {
                    if let Some(hwm) = vm_hwm(c) {
                        child_peak.fetch_max(hwm, Ordering::Relaxed);
                    }
                }
                // Sampling period of a measurement, not synchronisation.
                std::thread::sleep(Duration::from_millis(20));
            }
        })
    };
    let status = child.wait().expect("wait");
    let seconds = started.elapsed().as_secs_f64();
    done.store(true, Ordering::Relaxed);
    let _ = sampler.join();
    assert!(status.success(), "{cmd:?} failed: {status}");
    Measured {
        seconds,
        rss: peak.load(Ordering::Relaxed),
        child_rss: child_peak.load(Ordering::Relaxed),
    }
}

fn vm_hwm(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

fn folder_size(dir: &Path) -> u64 {
    let mut total = 0;
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        total += if path.is_dir() {
            folder_size(&path)
        } else {
            entry.metadata().map(|m| m.len()).unwrap_or(0)
        };
    }
    total
}

fn human(bytes: u64) -> String {
    ripcord_backup::human_bytes(bytes)
}

/// The ripcord side: one backup through the library, as `ripcord backup run` does it.
fn child(args: &[String]) {
    let (url, dest, mode) = (&args[0], &args[1], &args[2]);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let mut s3 = S3Config::default();
        if let Ok(endpoint) = std::env::var("RIPCORD_BENCH_S3") {
            s3 = S3Config {
                endpoint: Some(endpoint),
                region: Some("us-east-1".into()),
                access_key_id: Some("bench".into()),
                secret_access_key: Some("bench".into()),
                allow_http: true,
            };
        }
        let store = Store::open(dest, &s3, &GcsConfig::default())
            .await
            .expect("store");
        let config = BackupConfig {
            checksums: match mode.as_str() {
                "sql" => ChecksumMode::Sql,
                "counts" => ChecksumMode::Counts,
                _ => ChecksumMode::Full,
            },
            ..BackupConfig::default()
        };
        let observer = Observer::none();
        let (manifest, _) = backup(
            url,
            &store,
            &config,
            false,
            &observer,
            std::future::pending(),
        )
        .await
        .expect("backup");
        let manifest = manifest.expect("a manifest");
        eprintln!(
            "  {}: {} dumped, {} stored",
            dest,
            human(manifest.dump.raw_bytes),
            human(manifest.dump.stored_bytes)
        );
    });
}
