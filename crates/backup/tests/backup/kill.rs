//! Killing `ripcord backup run` midway (SIGKILL, no chance to clean up) leaves no manifest,
//! so the interrupted backup can never be listed as good or restored.
//!
//! The run to kill is this test binary itself, re-executed to run only
//! `child_backup_for_the_kill_test` with the spec in an environment variable; it prints JSON
//! progress lines on stderr and is killed once the upload has started.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use ripcord_notifier::NotifyConfig;

use crate::helpers::{Case, config, ripcord};

const CHILD_ENV: &str = "RIPCORD_TEST_KILL_CHILD";

/// Does nothing unless started by `killing_the_upload_midway_leaves_no_manifest`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn child_backup_for_the_kill_test() {
    let Ok(spec) = std::env::var(CHILD_ENV) else {
        return;
    };
    let mut parts = spec.split('\n');
    let (Some(url), Some(dest), Some(state)) = (parts.next(), parts.next(), parts.next()) else {
        panic!("bad spec {spec:?}");
    };
    let mut config = config(std::path::Path::new(state));
    // Slow compression keeps the dump running long enough to be killed midway.
    config.compression_level = 19;
    config.compression_threads = 0;
    let run = [
        "run",
        "--database-url",
        url,
        "--to",
        dest,
        "--progress",
        "json",
    ];
    let code = ripcord(&config, &NotifyConfig::default(), &run).await;
    eprintln!("ripcord-exit={code}");
}

fn files_named(dir: &std::path::Path, name: &str) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files_named(&path, name));
        } else if path.file_name().is_some_and(|n| n == name) {
            found.push(path);
        }
    }
    found
}

/// Starts the child backup of a database large enough to still be dumping when the first
/// upload progress arrives, sends it `signal` (`KILL` or `INT`) then, and returns what the
/// child printed and its exit line, if any.
async fn interrupt_midway(case: &Case, signal: &str) -> (String, Option<String>) {
    case.src
        .pg
        .psql(
            "app",
            "CREATE TABLE public.bulk AS SELECT i, md5(i::text) || md5((i * 7)::text) AS a \
             FROM generate_series(1, 600000) i",
        )
        .expect("bulk data");
    let state = case.dir.path().join("state");
    let spec = format!("{}\n{}\n{}", case.src.url, case.dest, state.display());

    let mut child = Command::new(std::env::current_exe().expect("test binary"))
        .args([
            "--exact",
            "kill::child_backup_for_the_kill_test",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, spec)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the child");
    let stderr = child.stderr.take().expect("stderr");
    let mut seen = String::new();
    let mut signalled = false;
    let mut exit_line = None;
    for line in BufReader::new(stderr).lines() {
        let line = line.expect("read child stderr");
        seen.push_str(&line);
        seen.push('\n');
        if line.starts_with("ripcord-exit=") {
            exit_line = Some(line.clone());
        }
        let Ok(event) = serde_json::from_str::<serde_json::Value>(&line) else {
            continue;
        };
        if !signalled
            && event["event"] == "progress"
            && event["stored_bytes"].as_u64() > Some(0)
            && event["done"] == false
        {
            let status = Command::new("kill")
                .args([&format!("-{signal}"), &child.id().to_string()])
                .status()
                .expect("send the signal");
            assert!(status.success());
            signalled = true;
            if signal == "KILL" {
                break;
            }
        }
    }
    child.wait().expect("reap the child");
    assert!(
        signalled,
        "the backup ended before any upload progress:\n{seen}"
    );
    (seen, exit_line)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killing_the_upload_midway_leaves_no_manifest() {
    let case = Case::new();
    interrupt_midway(&case, "KILL").await;

    assert!(
        files_named(&case.folder(), "manifest.json").is_empty(),
        "a killed run left a manifest"
    );
    let backups = case.catalog().await;
    assert!(backups.iter().all(|b| !b.complete()), "{backups:?}");
    let verify = ["verify", "--to", &case.dest];
    assert_eq!(case.ripcord(&verify).await, 2, "nothing to verify");

    // The next run is unaffected, and is the only complete backup.
    assert_eq!(case.backup(&case.src.url, &[]).await, 0);
    let backups = case.catalog().await;
    assert_eq!(backups.iter().filter(|b| b.complete()).count(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_midway_aborts_the_upload_and_leaves_nothing() {
    let case = Case::new();
    let (seen, exit_line) = interrupt_midway(&case, "INT").await;
    assert_eq!(exit_line.as_deref(), Some("ripcord-exit=2"), "{seen}");
    assert!(seen.contains("interrupted"), "{seen}");
    assert!(files_named(&case.folder(), "manifest.json").is_empty());
    // The aborted upload left no object either: only the preflight probe remains.
    let entries: Vec<_> = case
        .catalog()
        .await
        .into_iter()
        .flat_map(|b| b.keys)
        .collect();
    assert!(entries.is_empty(), "{entries:?}");
    let log = ripcord_backup::state::read(&case.dir.path().join("state")).expect("run log");
    let last = log.last().expect("the interrupted run is logged");
    assert!(
        !last.ok
            && last
                .error
                .as_deref()
                .is_some_and(|e| e.contains("interrupted"))
    );
}
