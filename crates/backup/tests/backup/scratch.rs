//! The cluster `verify --restore` starts without `--into` is private: no TCP listener, a
//! unix socket in a 0700 folder another local user cannot enter, and nothing left behind.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

use ripcord_backup::{Observer, Progress, VerifyRequest};

use crate::helpers::Case;

/// What was seen while the scratch cluster ran.
#[derive(Debug, Default)]
struct Seen {
    socket_dir: Option<PathBuf>,
    mode: u32,
    owner: u32,
    tcp_listeners: Vec<String>,
    /// `psql` run as nobody: exit status and output.
    nobody_psql: Option<(bool, String)>,
    /// `ls` of the folder run as nobody.
    nobody_ls: Option<(bool, String)>,
}

fn as_nobody(program: &str, args: &[&str]) -> (bool, String) {
    let output = Command::new("setpriv")
        .args([
            "--reuid=nobody",
            "--regid=nogroup",
            "--clear-groups",
            program,
        ])
        .args(args)
        .env("PGCONNECT_TIMEOUT", "5")
        .output()
        .expect("run setpriv");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

/// The TCP sockets the postmaster of `data` listens on (from its open files and
/// /proc/net/tcp{,6}).
fn tcp_listeners(data: &Path) -> Vec<String> {
    let pid = std::fs::read_to_string(data.join("postmaster.pid")).expect("postmaster.pid");
    let pid = pid.lines().next().expect("a pid").trim().to_owned();
    let inodes: Vec<String> = std::fs::read_dir(format!("/proc/{pid}/fd"))
        .expect("the postmaster's files")
        .flatten()
        .filter_map(|fd| std::fs::read_link(fd.path()).ok())
        .filter_map(|target| {
            let target = target.to_string_lossy().into_owned();
            Some(
                target
                    .strip_prefix("socket:[")?
                    .strip_suffix(']')?
                    .to_owned(),
            )
        })
        .collect();
    assert!(!inodes.is_empty(), "the postmaster has no socket at all");
    let mut listening = Vec::new();
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let text = std::fs::read_to_string(table).unwrap_or_default();
        for line in text.lines().skip(1) {
            let fields: Vec<&str> = line.split_whitespace().collect();
            // local_address is field 1, st field 3 (0A: LISTEN), inode field 9.
            if fields.get(3) == Some(&"0A")
                && fields.get(9).is_some_and(|i| inodes.iter().any(|n| n == i))
            {
                listening.push(line.to_owned());
            }
        }
    }
    listening
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_local_user_cannot_reach_the_scratch_cluster() {
    if std::fs::metadata("/proc/self").map(|m| m.uid()).ok() != Some(0) {
        eprintln!("skipped: acting as `nobody` (setpriv) needs root");
        return;
    }
    let case = Case::new();
    assert_eq!(case.backup(&case.src.url, &[]).await, 0);

    let seen = Arc::new(Mutex::new(Seen::default()));
    let record = seen.clone();
    // Runs while the verification waits: the cluster is up, nothing is restored yet.
    let observer = Observer::new(move |progress| {
        let Progress::ScratchCluster { socket_dir, port } = progress else {
            return;
        };
        let meta = std::fs::metadata(socket_dir).expect("the socket folder");
        let dir = socket_dir.to_str().expect("utf-8");
        let port = port.to_string();
        let mut seen = record.lock().expect("lock");
        seen.socket_dir = Some(socket_dir.clone());
        seen.mode = meta.mode() & 0o7777;
        seen.owner = meta.uid();
        seen.tcp_listeners = tcp_listeners(&socket_dir.join("data"));
        let psql = ripcord_testkit::postgres::client_bin("psql");
        let psql = psql.to_str().expect("utf-8");
        seen.nobody_psql = Some(as_nobody(
            psql,
            &[
                "-X", "-h", dir, "-p", &port, "-U", "postgres", "-d", "postgres", "-c", "SELECT 1",
            ],
        ));
        seen.nobody_ls = Some(as_nobody("ls", &[dir]));
    });
    let mut config = case.config.clone();
    config.to = Some(case.dest.clone());
    let verified = ripcord_backup::verify(
        &config,
        &case.notify,
        &VerifyRequest::new("latest", true),
        &observer,
        std::future::pending(),
    )
    .await
    .expect("the verification ran");
    // The owner reached the cluster through that socket: restored and compared everything.
    assert!(verified.ok, "{verified:?}");

    let seen = seen.lock().expect("lock");
    let dir = seen
        .socket_dir
        .clone()
        .expect("the scratch cluster was reported");
    assert_eq!(seen.mode, 0o700, "{seen:?}");
    let postgres_uid = Command::new("id")
        .args(["-u", "postgres"])
        .output()
        .expect("id");
    let postgres_uid: u32 = String::from_utf8_lossy(&postgres_uid.stdout)
        .trim()
        .parse()
        .expect("the postgres user");
    assert_eq!(
        seen.owner, postgres_uid,
        "the server's user owns the folder"
    );
    assert!(
        seen.tcp_listeners.is_empty(),
        "listens on TCP: {:?}",
        seen.tcp_listeners
    );
    let (connected, said) = seen.nobody_psql.clone().expect("psql as nobody ran");
    assert!(
        !connected,
        "nobody connected to the scratch cluster: {said}"
    );
    assert!(said.contains("Permission denied"), "{said}");
    let (listed, said) = seen.nobody_ls.clone().expect("ls as nobody ran");
    assert!(!listed && said.contains("Permission denied"), "{said}");
    assert!(!dir.exists(), "the scratch cluster's folder was removed");
}

/// A verification cancelled while its cluster runs (what SIGINT or SIGTERM does to
/// `ripcord backup verify`) stops the cluster and removes its folder before it returns.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_verification_removes_the_scratch_cluster() {
    let case = Case::new();
    assert_eq!(case.backup(&case.src.url, &[]).await, 0);
    let (started, mut reported) = tokio::sync::watch::channel(None::<PathBuf>);
    let observer = Observer::new(move |progress| {
        if let Progress::ScratchCluster { socket_dir, .. } = progress {
            let _ = started.send(Some(socket_dir.clone()));
        }
    });
    let mut waiting = reported.clone();
    let cancel = async move {
        let _ = waiting.wait_for(Option::is_some).await;
    };
    let mut config = case.config.clone();
    config.to = Some(case.dest.clone());
    let error = ripcord_backup::verify(
        &config,
        &case.notify,
        &VerifyRequest::new("latest", true),
        &observer,
        cancel,
    )
    .await
    .expect_err("cancelled");
    assert!(
        matches!(error, ripcord_backup::BackupError::Interrupted(_)),
        "{error}"
    );
    let dir = reported
        .borrow_and_update()
        .clone()
        .expect("the cluster was reported");
    assert!(!dir.exists(), "{} is left behind", dir.display());
}
