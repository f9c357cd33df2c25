use ripcord_core::exit::HALTED;

use crate::helpers::{Host, alive, finish, pids, start_server};

/// A command with background children and a grandchild, all writing their PIDs.
fn tree_script(pid_file: &std::path::Path) -> String {
    let file = pid_file.display();
    format!(
        "sleep 1000 & echo $! >> {file}; \
         sh -c 'sleep 1000 & echo $! >> {file}; wait' & echo $! >> {file}; \
         echo $$ >> {file}; wait"
    )
}

#[tokio::test]
async fn a_halt_stops_the_whole_process_tree_and_is_reported() {
    let host = Host::new();
    let server = start_server(&host.path("data")).await;
    let pid_file = host.path("pids");
    let agent = host.agent(
        Some(&server.url),
        &["--scope", "worker", "--name", "tree", "--grace", "5s"],
        &tree_script(&pid_file),
    );
    let tree = pids(&pid_file, 4).await;
    assert!(
        tree.iter().all(|pid| alive(*pid)),
        "the whole tree runs first"
    );
    server
        .agent_reported("tree", |a| a["halted"] == false)
        .await;

    let halt = server.change("global", "halt").await;
    let (code, stderr) = finish(agent).await;
    assert_eq!(code, i32::from(HALTED), "{stderr}");
    let survivors: Vec<i32> = tree.iter().copied().filter(|pid| alive(*pid)).collect();
    assert!(
        survivors.is_empty(),
        "processes survived the halt: {survivors:?}"
    );

    let report = server
        .agent_reported("tree", |a| a["exit_code"] == HALTED)
        .await;
    assert_eq!(report["halted"], true);
    assert_eq!(report["revision"], halt["revision"]);
    assert_eq!(report["cause"]["scope"], "global");
    assert!(
        report["latency_ms"].as_f64().is_some_and(|ms| ms >= 0.0),
        "{report}"
    );
}

#[tokio::test]
async fn a_command_that_ignores_sigterm_is_killed_after_the_grace_period() {
    let host = Host::new();
    let server = start_server(&host.path("data")).await;
    let pid_file = host.path("pids");
    let script = format!(
        "trap '' TERM; echo $$ >> {}; while :; do sleep 0.05; done",
        pid_file.display()
    );
    let agent = host.agent(
        Some(&server.url),
        &["--scope", "cron", "--grace", "200ms"],
        &script,
    );
    let stubborn = pids(&pid_file, 1).await;
    server.change("cron", "halt").await;
    let (code, stderr) = finish(agent).await;
    assert_eq!(code, i32::from(HALTED), "{stderr}");
    assert!(
        stderr.contains("SIGKILL"),
        "the escalation is logged: {stderr}"
    );
    assert!(!alive(stubborn[0]));
}

#[tokio::test]
async fn a_halted_scope_refuses_to_start_and_others_pass_the_exit_code_through() {
    let host = Host::new();
    let server = start_server(&host.path("data")).await;
    server.change("worker", "halt").await;

    let marker = host.path("ran");
    let refused = host.agent(
        Some(&server.url),
        &["--scope", "worker"],
        &format!("touch {}", marker.display()),
    );
    let (code, stderr) = finish(refused).await;
    assert_eq!(code, i32::from(HALTED), "{stderr}");
    assert!(stderr.contains("not starting"), "{stderr}");
    assert!(!marker.exists(), "the command must not run while halted");

    let other = host.agent(Some(&server.url), &["--scope", "api"], "exit 7");
    assert_eq!(finish(other).await.0, 7);
}

#[tokio::test]
async fn resume_restarts_the_command_when_asked() {
    let host = Host::new();
    let server = start_server(&host.path("data")).await;
    let runs = host.path("runs");
    let script = format!("echo $$ >> {}; exec sleep 1000", runs.display());
    let agent = host.agent(
        Some(&server.url),
        &["--scope", "worker", "--name", "loop", "--restart-on-resume"],
        &script,
    );
    let first = pids(&runs, 1).await;
    server.change("worker", "halt").await;
    server.agent_reported("loop", |a| a["halted"] == true).await;
    crate::helpers::eventually("the first run to stop", async || {
        (!alive(first[0])).then_some(())
    })
    .await;

    let resume = server.change("worker", "resume").await;
    let both = pids(&runs, 2).await;
    assert!(alive(both[1]), "a second run started after the resume");
    let report = server
        .agent_reported("loop", |a| a["halted"] == false)
        .await;
    assert_eq!(report["revision"], resume["revision"]);

    // SIGTERM to the agent is passed on to its command.
    let pid =
        nix::unistd::Pid::from_raw(i32::try_from(agent.id().expect("pid")).expect("pid fits"));
    nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM).expect("signal");
    let (code, _) = finish(agent).await;
    assert_eq!(code, 128 + 15);
    assert!(!alive(both[1]));
}

#[tokio::test]
async fn the_long_poll_transport_halts_too() {
    let host = Host::new();
    let server = start_server(&host.path("data")).await;
    let pid_file = host.path("pids");
    let script = format!("echo $$ >> {}; exec sleep 1000", pid_file.display());
    let agent = host.agent(
        Some(&server.url),
        &["--scope", "api", "--name", "poller", "--transport", "poll"],
        &script,
    );
    pids(&pid_file, 1).await;
    server
        .agent_reported("poller", |a| a["halted"] == false)
        .await;
    server.change("api", "halt").await;
    assert_eq!(finish(agent).await.0, i32::from(HALTED));
}

#[tokio::test]
async fn a_local_halt_stops_agents_while_the_server_is_down() {
    let host = Host::new();
    let nowhere = "http://127.0.0.1:9";
    let pid_file = host.path("pids");
    let script = format!("echo $$ >> {}; exec sleep 1000", pid_file.display());
    let agent = host.agent(Some(nowhere), &["--scope", "cron"], &script);
    let running = pids(&pid_file, 1).await;

    let halt = host
        .ripcord(None)
        .args(["halt", "--local", "--reason", "network is down"])
        .output()
        .await
        .expect("halt");
    assert!(
        halt.status.success(),
        "{}",
        String::from_utf8_lossy(&halt.stderr)
    );
    let (code, stderr) = finish(agent).await;
    assert_eq!(code, i32::from(HALTED), "{stderr}");
    assert!(!alive(running[0]));

    let resume = host
        .ripcord(None)
        .args(["resume", "--local", "--reason", "fixed"])
        .output()
        .await
        .expect("resume");
    assert!(resume.status.success());
    assert!(!host.path("local/global").exists());
}

#[tokio::test]
async fn an_agent_restarted_while_halted_comes_up_halted_from_its_cache() {
    let host = Host::new();
    let server = start_server(&host.path("data")).await;
    let url = server.url.clone();
    let first = host.agent(Some(&url), &["--scope", "worker"], "exec sleep 1000");
    server.change("worker", "halt").await;
    assert_eq!(finish(first).await.0, i32::from(HALTED));
    server.stop().await;

    let marker = host.path("ran");
    let restarted = host.agent(
        Some(&url),
        &["--scope", "worker"],
        &format!("touch {}", marker.display()),
    );
    let (code, stderr) = finish(restarted).await;
    assert_eq!(code, i32::from(HALTED), "{stderr}");
    assert!(!marker.exists());
}

#[tokio::test]
async fn fail_closed_refuses_to_start_without_a_server_and_fail_open_runs() {
    let host = Host::new();
    let nowhere = "http://127.0.0.1:9";
    let closed = host.agent(
        Some(nowhere),
        &["--scope", "cron", "--fail-closed"],
        "exit 0",
    );
    assert_eq!(finish(closed).await.0, i32::from(HALTED));
    let open = host.agent(Some(nowhere), &["--scope", "cron"], "exit 3");
    assert_eq!(finish(open).await.0, 3);
}

#[tokio::test]
async fn background_children_do_not_outlive_a_command_that_exits() {
    let host = Host::new();
    let server = start_server(&host.path("data")).await;
    let pid_file = host.path("pids");
    let script = format!("sleep 1000 & echo $! >> {}; exit 3", pid_file.display());
    let agent = host.agent(
        Some(&server.url),
        &["--scope", "worker", "--grace", "2s"],
        &script,
    );
    let (code, stderr) = finish(agent).await;
    assert_eq!(code, 3, "the command's exit code passes through: {stderr}");
    let left = pids(&pid_file, 1).await;
    assert!(
        !alive(left[0]),
        "the background child was stopped and reaped"
    );
    assert!(stderr.contains("left processes behind"), "{stderr}");
}

#[tokio::test]
async fn orphaned_grandchildren_are_stopped_and_reaped_on_halt() {
    let host = Host::new();
    let server = start_server(&host.path("data")).await;
    let pid_file = host.path("pids");
    let file = pid_file.display();
    // The subshell starts a sleep and exits at once: the sleep is orphaned, reparented to
    // the agent (a subreaper), and still in the command's process group.
    let script = format!("(sleep 1000 & echo $! >> {file}); echo $$ >> {file}; exec sleep 1000");
    let agent = host.agent(
        Some(&server.url),
        &["--scope", "worker", "--name", "orphans"],
        &script,
    );
    let tree = pids(&pid_file, 2).await;
    server
        .agent_reported("orphans", |a| a["halted"] == false)
        .await;
    server.change("worker", "halt").await;
    let (code, stderr) = finish(agent).await;
    assert_eq!(code, i32::from(HALTED), "{stderr}");
    let left: Vec<i32> = tree.iter().copied().filter(|pid| alive(*pid)).collect();
    assert!(left.is_empty(), "processes or zombies left: {left:?}");
}

#[tokio::test]
async fn an_agent_without_a_server_obeys_a_marker_present_at_start() {
    let host = Host::new();
    let halt = host
        .ripcord(None)
        .args([
            "halt",
            "--local",
            "--scope",
            "cron",
            "--reason",
            "maintenance",
        ])
        .output()
        .await
        .expect("halt");
    assert!(halt.status.success());
    let marker = host.path("ran");
    let agent = host.agent(
        None,
        &["--scope", "cron", "--no-server"],
        &format!("touch {}", marker.display()),
    );
    let (code, stderr) = finish(agent).await;
    assert_eq!(code, i32::from(HALTED), "{stderr}");
    assert!(
        !marker.exists(),
        "the command must not run under a local marker"
    );
}

#[tokio::test]
async fn a_polling_agent_with_a_cache_settles_at_once_on_restart() {
    let host = Host::new();
    let server = start_server(&host.path("data")).await;
    let flags = ["--scope", "api", "--transport", "poll", "--fail-closed"];
    let first = host.agent(Some(&server.url), &flags, "exit 0");
    assert_eq!(finish(first).await.0, 0);
    // Nothing changed since: a long-poll from the cached revision would hang past the
    // connect timeout and, fail-closed, refuse to start.
    let second = host.agent(Some(&server.url), &flags, "exit 5");
    let (code, stderr) = finish(second).await;
    assert_eq!(code, 5, "{stderr}");
}

/// A command whose processes leave its process group in every usual way: `setsid`,
/// `setpgid`, and GNU timeout (which makes a group of its own, as in the cron idiom
/// `sh -c 'timeout 3600 job'`). Every PID is written to `pid_file`.
fn escaping_script(pid_file: &std::path::Path) -> String {
    let file = pid_file.display();
    format!(
        "echo $$ >> {file}; \
         setsid sleep 1000 & echo $! >> {file}; \
         perl -e 'setpgrp(0, 0); exec \"sleep\", \"1000\"' & echo $! >> {file}; \
         timeout 3600 sh -c 'echo $$ >> {file}; exec sleep 1000' & echo $! >> {file}; \
         wait"
    )
}

async fn processes_that_leave_the_group_are_stopped(tracking: &str) {
    let host = Host::new();
    let server = start_server(&host.path("data")).await;
    let pid_file = host.path("pids");
    let name = format!("escape-{tracking}");
    let mut agent = host.ripcord(Some(&server.url));
    agent
        .env("RIPCORD_CLIENT__PROCESS_TREE", tracking)
        .args([
            "agent", "--scope", "worker", "--name", &name, "--grace", "1s",
        ])
        .args(["--", "sh", "-c", &escaping_script(&pid_file)])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let agent = agent.spawn().expect("agent starts");
    let tree = pids(&pid_file, 5).await;
    server.agent_reported(&name, |a| a["halted"] == false).await;
    server.change("worker", "halt").await;
    let (code, stderr) = finish(agent).await;
    assert_eq!(code, i32::from(HALTED), "{stderr}");
    let survivors: Vec<i32> = tree.iter().copied().filter(|pid| alive(*pid)).collect();
    assert!(
        survivors.is_empty(),
        "processes that left the group survived the halt ({tracking}): {survivors:?}\n{stderr}"
    );
}

#[tokio::test]
async fn processes_that_leave_the_group_are_stopped_through_a_cgroup() {
    processes_that_leave_the_group_are_stopped("cgroup").await;
}

#[tokio::test]
async fn processes_that_leave_the_group_are_stopped_through_the_proc_walk() {
    processes_that_leave_the_group_are_stopped("proc").await;
}

#[tokio::test]
async fn a_grace_period_beyond_an_hour_is_refused() {
    let host = Host::new();
    let output = host
        .ripcord(None)
        .args([
            "agent",
            "--no-server",
            "--grace",
            "1000000000y",
            "--",
            "true",
        ])
        .output()
        .await
        .expect("agent");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("--grace") && stderr.contains("at most 1h"),
        "{stderr}"
    );
}

#[tokio::test]
async fn every_refused_cron_run_reports_its_exit_code() {
    let host = Host::new();
    let server = start_server(&host.path("data")).await;
    server.change("cron", "halt").await;
    // One run after another, as cron starts them: from the second on, each decides at
    // once from the cache, before its stream has said anything.
    for run in 0..11 {
        let refused = host.agent(
            Some(&server.url),
            &["--scope", "cron", "--name", &format!("cron-run-{run}")],
            "exit 0",
        );
        assert_eq!(finish(refused).await.0, i32::from(HALTED));
    }
    for run in 0..11 {
        let id = format!("cron-run-{run}");
        let agent = server.agent(&id).await.expect("listed");
        assert_eq!(agent["exit_code"], HALTED, "{id}: {agent}");
    }
}

#[tokio::test]
async fn the_wrapped_command_does_not_get_the_agents_token() {
    let host = Host::new();
    let token = format!("rpc_{}", "ab".repeat(32));
    for variable in ["RIPCORD_TOKEN", "RIPCORD_CLIENT__TOKEN"] {
        let (code, out, err) = host
            .run_with(
                &[(variable, &token)],
                &["agent", "--no-server", "--", "sh", "-c", "env; echo done"],
            )
            .await;
        assert_eq!(code, 0, "{err}");
        assert!(out.contains("done"), "{out}");
        assert!(
            !out.contains(&token),
            "{variable} reached the command: {out}"
        );
    }
}
