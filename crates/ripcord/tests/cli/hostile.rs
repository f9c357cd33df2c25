//! The switch on a host shared with others: idle cost, who may write local markers, and
//! what a restarted or duplicated control plane must not do.

use std::os::unix::fs::PermissionsExt;
use std::time::Duration;

use ripcord_core::exit::HALTED;

use crate::helpers::{
    Host, alive, cpu_time, eventually, finish, pids, start_server, start_server_at,
};

/// `nobody`: the user tests impersonate as "another local user".
fn other_user() -> nix::unistd::User {
    nix::unistd::User::from_name("nobody")
        .ok()
        .flatten()
        .expect("the host has a `nobody` user")
}

async fn idle_agent_costs_nothing_and_still_reacts(watch: &str) {
    let host = Host::new();
    let server = start_server(&host.path("data")).await;
    let pid_file = host.path("pids");
    let mut command = host.ripcord(Some(&server.url));
    command
        .env("RIPCORD_CLIENT__LOCAL_WATCH", watch)
        .args(["agent", "--scope", "worker", "--name", "idle", "--"])
        .args([
            "sh",
            "-c",
            &format!("echo $$ >> {}; exec sleep 1000", pid_file.display()),
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let agent = command.spawn().expect("agent starts");
    let agent_pid = agent.id().expect("pid");
    pids(&pid_file, 1).await;
    server
        .agent_reported("idle", |a| a["halted"] == false)
        .await;

    // A measurement window, not a synchronisation: the agent must sleep through it.
    let before = cpu_time(agent_pid);
    tokio::time::sleep(Duration::from_secs(2)).await;
    let used = cpu_time(agent_pid) - before;
    assert!(
        used <= Duration::from_millis(10),
        "an idle agent ({watch}) used {used:?} of CPU in two seconds"
    );

    let halt = host
        .ripcord(None)
        .args([
            "halt",
            "--local",
            "--scope",
            "worker",
            "--reason",
            "idle test",
        ])
        .output()
        .await
        .expect("halt");
    assert!(halt.status.success());
    let (code, stderr) = finish(agent).await;
    assert_eq!(code, i32::from(HALTED), "{stderr}");
}

#[tokio::test]
async fn an_idle_agent_uses_no_cpu_and_reacts_to_a_marker() {
    idle_agent_costs_nothing_and_still_reacts("auto").await;
}

#[tokio::test]
async fn the_polling_fallback_costs_little_and_reacts_to_a_marker() {
    idle_agent_costs_nothing_and_still_reacts("poll").await;
}

fn chown_to_other_user(path: &std::path::Path) {
    let nobody = other_user();
    nix::unistd::chown(path, Some(nobody.uid), Some(nobody.gid))
        .expect("chown (tests run as root)");
}

#[tokio::test]
async fn a_marker_owned_by_another_user_is_refused_and_named() {
    let host = Host::new();
    let folder = host.path("local");
    std::fs::create_dir(&folder).expect("folder");
    std::fs::write(
        folder.join("worker"),
        r#"{"reason":"evil","actor":"x","at":"2026-01-01T00:00:00Z"}"#,
    )
    .expect("marker");
    chown_to_other_user(&folder.join("worker"));

    let marker = host.path("ran");
    let agent = host.agent(
        None,
        &["--scope", "worker", "--no-server"],
        &format!("touch {}", marker.display()),
    );
    let (code, stderr) = finish(agent).await;
    assert_eq!(code, 0, "another user's marker must not halt: {stderr}");
    assert!(marker.exists());
    assert!(
        stderr.contains("ignoring a local halt marker") && stderr.contains("nobody"),
        "the refusal names the owner: {stderr}"
    );

    let status = host
        .ripcord(Some("http://127.0.0.1:9"))
        .args(["status"])
        .output()
        .await
        .expect("status");
    let text = String::from_utf8_lossy(&status.stdout);
    assert!(
        text.contains("IGNORED") && text.contains("worker") && text.contains("nobody"),
        "{text}"
    );
}

#[tokio::test]
async fn a_marker_folder_owned_by_another_user_is_refused() {
    let host = Host::new();
    let folder = host.path("local");
    std::fs::create_dir(&folder).expect("folder");
    std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    chown_to_other_user(&folder);

    let halt = host
        .ripcord(None)
        .args(["halt", "--local", "--reason", "planted folder"])
        .output()
        .await
        .expect("halt");
    let stderr = String::from_utf8_lossy(&halt.stderr);
    assert_eq!(halt.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&folder.display().to_string()) && stderr.contains("nobody"),
        "{stderr}"
    );

    // A marker the other user put in their folder does not halt this host's agents.
    std::fs::write(folder.join("global"), "{}").expect("marker");
    chown_to_other_user(&folder.join("global"));
    let agent = host.agent(None, &["--scope", "cron", "--no-server"], "exit 4");
    let (code, stderr) = finish(agent).await;
    assert_eq!(code, 4, "{stderr}");
    assert!(
        stderr.contains("refusing the local halt folder"),
        "{stderr}"
    );
}

#[tokio::test]
async fn a_fifo_in_the_marker_folder_hangs_nobody() {
    let host = Host::new();
    let folder = host.path("local");
    std::fs::create_dir(&folder).expect("folder");
    nix::unistd::mkfifo(
        &folder.join("global"),
        nix::sys::stat::Mode::from_bits_truncate(0o644),
    )
    .expect("fifo");
    let agent = host.agent(None, &["--scope", "cron", "--no-server"], "exit 6");
    let (code, stderr) = finish(agent).await;
    assert_eq!(code, 6, "{stderr}");
    let status = host
        .ripcord(Some("http://127.0.0.1:9"))
        .arg("status")
        .output();
    let status = tokio::time::timeout(crate::helpers::DEADLINE, status)
        .await
        .expect("status does not hang on a FIFO")
        .expect("status");
    assert!(String::from_utf8_lossy(&status.stdout).contains("not a regular file"));
}

#[tokio::test]
async fn a_server_that_lost_its_state_does_not_release_a_halt() {
    let host = Host::new();
    let server = start_server(&host.path("data")).await;
    let addr = server.addr();
    let runs = host.path("runs");
    let agent = host.agent(
        Some(&server.url),
        &[
            "--scope",
            "worker",
            "--name",
            "keeper",
            "--restart-on-resume",
        ],
        &format!("echo $$ >> {}; exec sleep 1000", runs.display()),
    );
    let first = pids(&runs, 1).await;
    server.change("worker", "halt").await;
    eventually("the first run to stop", async || {
        (!alive(first[0])).then_some(())
    })
    .await;
    server.stop().await;

    // The state is lost: the server comes back on the same address with an empty folder.
    let fresh = start_server_at(&host.path("data-lost"), addr).await;
    let report = fresh
        .agent_reported("keeper", |a| a["carried"]["worker"].is_object())
        .await;
    assert_eq!(report["halted"], true, "{report}");
    assert_eq!(report["cause"]["source"], "carried", "{report}");
    let started = std::fs::read_to_string(&runs)
        .expect("runs")
        .lines()
        .count();
    assert_eq!(started, 1, "the command started again on an empty log");
    let status = host
        .ripcord(Some(&fresh.url))
        .arg("status")
        .output()
        .await
        .expect("status");
    let text = String::from_utf8_lossy(&status.stdout);
    assert!(
        text.contains("keeper") && text.contains("carries a halt of `worker` from lost log"),
        "{text}"
    );

    let resume = fresh.change("worker", "resume").await;
    let both = pids(&runs, 2).await;
    assert!(
        alive(both[1]),
        "a resume on the new log starts the command again"
    );
    let report = fresh
        .agent_reported("keeper", |a| a["halted"] == false)
        .await;
    assert_eq!(report["revision"], resume["revision"]);
    assert!(report["carried"].is_null(), "{report}");
    crate::helpers::terminate(agent).await;
}

#[tokio::test]
async fn a_crafted_reason_cannot_rewrite_the_operators_terminal() {
    let host = Host::new();
    let server = start_server(&host.path("data")).await;
    let crafted = "ok\u{1b}[2J\u{1b}[1;1Hall clear\r\nfake line";
    let halt = host
        .ripcord(Some(&server.url))
        .args(["halt", "--scope", "api", "--reason", crafted])
        .output()
        .await
        .expect("halt");
    assert!(halt.status.success());
    let status = host
        .ripcord(Some(&server.url))
        .arg("status")
        .output()
        .await
        .expect("status");
    let text = String::from_utf8_lossy(&status.stdout);
    assert!(!text.contains('\u{1b}') && !text.contains('\r'), "{text:?}");
    assert!(text.contains("ok\\u{1b}[2J"), "{text}");
}

#[tokio::test]
async fn an_agent_whose_command_name_is_not_ascii_obeys_a_halt() {
    let host = Host::new();
    let server = start_server(&host.path("data")).await;
    server.change("global", "halt").await;
    let script = host.path("générer-rapport.sh");
    std::fs::write(
        &script,
        format!("#!/bin/sh\ntouch {}\n", host.path("ran").display()),
    )
    .expect("script");
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let agent = host
        .ripcord(Some(&server.url))
        .args(["agent", "--scope", "worker", "--"])
        .arg(&script)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("agent");
    let (code, stderr) = finish(agent).await;
    assert_eq!(code, i32::from(HALTED), "{stderr}");
    assert!(
        !host.path("ran").exists(),
        "the command ran during a global halt"
    );

    let long = "x".repeat(210);
    let refused = host
        .ripcord(Some(&server.url))
        .args(["agent", "--name", &long, "--", "true"])
        .output()
        .await
        .expect("agent");
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--name"));
}

#[tokio::test]
async fn an_agent_refused_a_stream_still_learns_the_board() {
    let host = Host::new();
    let server = crate::helpers::start_server_with(&host.path("data"), |config| {
        config.max_streams = Some(2);
    })
    .await;
    // Every stream slot taken, then a global halt.
    let mut held = Vec::new();
    for _ in 0..2 {
        held.push(
            reqwest::get(format!("{}/v1/stream", server.url))
                .await
                .expect("stream"),
        );
    }
    server.change("global", "halt").await;
    let ran = host.path("ran");
    let fresh = host.agent(
        Some(&server.url),
        &["--scope", "cron"],
        &format!("touch {}", ran.display()),
    );
    let (code, stderr) = finish(fresh).await;
    assert_eq!(code, i32::from(HALTED), "{stderr}");
    assert!(
        !ran.exists(),
        "a cron job ran during a global halt: {stderr}"
    );
    assert!(stderr.contains("refused the event stream"), "{stderr}");
    drop(held);
}

/// The data folder's files, copied while its server is stopped: what a backup restored
/// later brings back. SQLite may still be closing a connection a stopped task dropped: it
/// then checkpoints the WAL into the database and removes the WAL and shared-memory
/// files, so a listed file may be gone, and the database file is copied last, after
/// everything a checkpoint could fold into it.
fn copy_state(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).expect("copy folder");
    let mut files: Vec<_> = std::fs::read_dir(from)
        .expect("state folder")
        .map(|entry| entry.expect("entry").path())
        .collect();
    // `…-wal` and `…-shm` sort after the database's own name: copy them first.
    files.sort_by_key(|path| std::cmp::Reverse(path.to_string_lossy().len()));
    for path in files {
        let name = path.file_name().expect("a file name");
        match std::fs::copy(&path, to.join(name)) {
            Ok(_) => {}
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => panic!("copy {}: {error}", path.display()),
        }
    }
}

#[tokio::test]
async fn a_server_restored_from_an_older_copy_releases_no_halt() {
    let host = Host::new();
    let data = host.path("data");
    let first = start_server(&data).await;
    let addr = first.addr();
    first.stop().await;
    copy_state(&data, &host.path("copy-at-0"));

    let server = start_server_at(&data, addr).await;
    let runs = host.path("runs");
    let agent = host.agent(
        Some(&server.url),
        &[
            "--scope",
            "worker",
            "--name",
            "restored",
            "--restart-on-resume",
        ],
        &format!("echo $$ >> {}; exec sleep 1000", runs.display()),
    );
    let first_run = pids(&runs, 1).await;
    server.change("worker", "halt").await;
    eventually("the run to stop", async || {
        (!alive(first_run[0])).then_some(())
    })
    .await;
    server.stop().await;

    // The same log id, an older history: nothing is halted in it.
    std::fs::remove_dir_all(&data).expect("remove");
    copy_state(&host.path("copy-at-0"), &data);
    let restored = start_server_at(&data, addr).await;
    let report = restored
        .agent_reported("restored", |a| a["cause"]["source"] == "carried")
        .await;
    assert_eq!(report["halted"], true, "{report}");
    let started = std::fs::read_to_string(&runs)
        .expect("runs")
        .lines()
        .count();
    assert_eq!(started, 1, "the command started again on a restored log");
    crate::helpers::terminate(agent).await;
}

#[tokio::test]
async fn a_halt_recorded_at_a_reused_revision_is_not_missed() {
    for transport in ["stream", "poll"] {
        let host = Host::new();
        let data = host.path("data");
        let first = start_server(&data).await;
        let addr = first.addr();
        first.stop().await;
        copy_state(&data, &host.path("copy-at-0"));

        let server = start_server_at(&data, addr).await;
        let name = format!("reuse-{transport}");
        let agent = host.agent(
            Some(&server.url),
            &[
                "--scope",
                "worker",
                "--name",
                &name,
                "--transport",
                transport,
            ],
            "exec sleep 1000",
        );
        // The agent applies revision 1 (a halt of another scope).
        let api_halt = server.change("api", "halt").await;
        server
            .agent_reported(&name, |a| a["revision"] == api_halt["revision"])
            .await;
        server.stop().await;

        // Restored to revision 0, then revision 1 is another event: a halt of `worker`.
        std::fs::remove_dir_all(&data).expect("remove");
        copy_state(&host.path("copy-at-0"), &data);
        let restored = start_server_at(&data, addr).await;
        let worker_halt = restored.change("worker", "halt").await;
        assert_eq!(worker_halt["revision"], api_halt["revision"]);
        let (code, stderr) = finish(agent).await;
        assert_eq!(code, i32::from(HALTED), "{transport}: {stderr}");
        restored.stop().await;
    }
}

#[tokio::test]
async fn a_command_that_moves_itself_out_of_its_cgroup_is_still_stopped() {
    let host = Host::new();
    let server = start_server(&host.path("data")).await;
    let own = std::fs::read_to_string("/proc/self/cgroup").expect("cgroup");
    let relative = own
        .lines()
        .find_map(|line| line.strip_prefix("0::"))
        .expect("cgroup v2");
    let mountinfo = std::fs::read_to_string("/proc/self/mountinfo").expect("mountinfo");
    let mount = mountinfo
        .lines()
        .find_map(|line| {
            let (mount, filesystem) = line.split_once(" - ")?;
            filesystem
                .starts_with("cgroup2 ")
                .then(|| mount.split(' ').nth(4))?
        })
        .expect("cgroup2 mounted");
    let parent = format!("{mount}{}", relative.trim_end_matches('/'));
    let pid_file = host.path("pids");
    let script = format!(
        "setsid sh -c 'echo $$ > {parent}/cgroup.procs; echo $$ >> {file}; exec sleep 300' & \
         echo $$ >> {file}; wait",
        file = pid_file.display()
    );
    let mut agent = host.ripcord(Some(&server.url));
    agent
        .env("RIPCORD_CLIENT__PROCESS_TREE", "cgroup")
        .args([
            "agent", "--scope", "worker", "--name", "escaper", "--grace", "1s",
        ])
        .args(["--", "sh", "-c", &script])
        .stderr(std::process::Stdio::piped());
    let agent = agent.spawn().expect("agent");
    let tree = pids(&pid_file, 2).await;
    server
        .agent_reported("escaper", |a| a["halted"] == false)
        .await;
    server.change("worker", "halt").await;
    let (code, stderr) = finish(agent).await;
    assert_eq!(code, i32::from(HALTED), "{stderr}");
    let left: Vec<i32> = tree.iter().copied().filter(|pid| alive(*pid)).collect();
    assert!(left.is_empty(), "escaped the cgroup and the halt: {left:?}");
}

#[tokio::test]
async fn a_local_halt_under_a_restrictive_umask_reaches_other_users_agents() {
    let host = Host::new();
    // Other users must reach the host's folder, as they reach /run.
    std::fs::set_permissions(host.dir.path(), std::fs::Permissions::from_mode(0o755))
        .expect("chmod");
    let folder = host.path("local");
    let nobody = other_user();
    let template = host.ripcord(None);
    let program = template.as_std().get_program().to_owned();
    let mut as_nobody = tokio::process::Command::new("setpriv");
    as_nobody
        .args([
            &format!("--reuid={}", nobody.uid),
            &format!("--regid={}", nobody.gid),
            "--clear-groups",
        ])
        .arg(program)
        .args([
            "agent",
            "--no-server",
            "--scope",
            "worker",
            "--",
            "sleep",
            "1000",
        ]);
    for (key, value) in template.as_std().get_envs() {
        if let Some(value) = value {
            as_nobody.env(key, value);
        }
    }
    as_nobody
        .env("RIPCORD_CLIENT__CACHE_DIR", "/nonexistent")
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true);
    let nobody_agent = as_nobody.spawn().expect("agent as nobody");

    let halt = tokio::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "umask 077; exec {} halt --local --scope worker --reason tight-umask",
            env!("CARGO_BIN_EXE_ripcord")
        ))
        .env("RIPCORD_CLIENT__LOCAL_DIR", &folder)
        .output()
        .await
        .expect("halt");
    assert!(
        halt.status.success(),
        "{}",
        String::from_utf8_lossy(&halt.stderr)
    );
    let (code, stderr) = finish(nobody_agent).await;
    assert_eq!(code, i32::from(HALTED), "{stderr}");
}

#[tokio::test]
async fn status_shows_a_log_truncated_behind_an_agents_back() {
    let host = Host::new();
    let data = host.path("data");
    let server = start_server(&data).await;
    let addr = server.addr();
    let agent = host.agent(
        Some(&server.url),
        &["--scope", "worker", "--name", "witness"],
        "exec sleep 1000",
    );
    server
        .agent_reported("witness", |a| a["halted"] == false)
        .await;
    for (scope, action) in [("api", "halt"), ("api", "resume"), ("cron", "halt")] {
        server.change(scope, action).await;
    }
    server
        .agent_reported("witness", |a| a["witness"]["revision"] == 3)
        .await;
    server.stop().await;

    // The last event deleted as the database's owner could: a shorter, valid chain.
    let pool =
        sqlx::SqlitePool::connect(&format!("sqlite://{}", data.join("ripcord.db").display()))
            .await
            .expect("database");
    sqlx::raw_sql("DROP TRIGGER events_are_never_deleted; DELETE FROM events WHERE revision = 3;")
        .execute(&pool)
        .await
        .expect("truncate");
    pool.close().await;

    let truncated = start_server_at(&data, addr).await;
    truncated
        .agent_reported("witness", |a| a["witness_problem"].is_string())
        .await;
    let status = host
        .ripcord(Some(&truncated.url))
        .arg("status")
        .output()
        .await
        .expect("status");
    let text = String::from_utf8_lossy(&status.stdout);
    assert!(text.contains("rolled back or truncated"), "{text}");
    // Whoever truncated writes past the witness: the agent keeps it, and the warning
    // stays.
    for (scope, action) in [("api", "halt"), ("api", "resume")] {
        truncated.change(scope, action).await;
    }
    truncated
        .agent_reported("witness", |a| {
            a["revision"] == 4 && a["witness"]["revision"] == 3 && a["witness_problem"].is_string()
        })
        .await;
    crate::helpers::terminate(agent).await;
}
