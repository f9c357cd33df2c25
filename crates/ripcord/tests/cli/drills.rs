//! `ripcord drill` against real processes: a control plane, wrapped agents, a gate in front
//! of a real app as the probe, and real backups of a real PostgreSQL database.

use nix::sys::signal::Signal;
use nix::unistd::Pid;
use serde_json::Value;

use crate::gate::Upstream;
use crate::helpers::{Host, Serve, eventually};

/// Waits until the server lists `count` connected agents.
async fn connected(server: &str, count: usize) {
    let agents = format!("{server}/v1/agents");
    eventually(&format!("{count} agents to connect"), async || {
        let list: Value = reqwest::get(&agents).await.ok()?.json().await.ok()?;
        let running = list
            .as_array()?
            .iter()
            .filter(|agent| agent["stale"] == false && agent["exit_code"].is_null())
            .count();
        (running >= count).then_some(())
    })
    .await;
}

/// A control plane in `environment`, three agents of `worker` and a gate of `worker` in
/// front of an app.
async fn stage(
    host: &Host,
    environment: &str,
) -> (Serve, Vec<tokio::process::Child>, Serve, Upstream) {
    let serve = host
        .serve(
            &["--listen", "127.0.0.1:0"],
            &[("RIPCORD_SERVE__ENVIRONMENT", environment)],
        )
        .await;
    // Two restart their command on resume; the third exits on the halt, as `ripcord
    // agent` does by default (its service manager would start it again).
    let agents = [("drill-a", true), ("drill-b", true), ("drill-c", false)]
        .map(|(name, restarts)| {
            let mut flags = vec!["--scope", "worker", "--name", name];
            if restarts {
                flags.push("--restart-on-resume");
            }
            host.agent(Some(&serve.url()), &flags, "sleep 600")
        })
        .into();
    let upstream = Upstream::start().await;
    let gate = host
        .gate(
            Some(&serve.url()),
            &[
                "--listen",
                "127.0.0.1:0",
                "--upstream",
                &upstream.url,
                "--scope",
                "worker",
                "--name",
                "drill-gate",
            ],
            &[],
        )
        .await;
    connected(&serve.url(), 4).await;
    (serve, agents, gate, upstream)
}

/// `ripcord status --format json` against `server`.
async fn status_json(host: &Host, server: &str) -> Value {
    let (code, stdout, stderr) = host
        .run_with(
            &[("RIPCORD_SERVER", server)],
            &["status", "--format", "json"],
        )
        .await;
    assert_eq!(code, 0, "{stderr}");
    serde_json::from_str(&stdout).expect("JSON")
}

/// The board as `GET /v1/switches` shows it.
async fn board(server: &str) -> Value {
    reqwest::get(format!("{server}/v1/switches"))
        .await
        .expect("board")
        .json()
        .await
        .expect("JSON")
}

/// Sends `signal` to an agent process; returns its pid.
fn signal(agent: &tokio::process::Child, signal: Signal) -> Pid {
    let pid = Pid::from_raw(i32::try_from(agent.id().expect("pid")).expect("pid fits"));
    nix::sys::signal::kill(pid, signal).expect("signal");
    pid
}

async fn drill(host: &Host, server: &str, args: &[&str]) -> (i32, String, String) {
    let server = ("RIPCORD_SERVER", server);
    host.run_with(&[server], &[&["drill"][..], args].concat())
        .await
}

/// `ripcord drill killswitch ARGS --format json`: the exit code and the report.
async fn killswitch_json(host: &Host, server: &str, args: &[&str]) -> (i32, Value) {
    let args = [&["killswitch"][..], args, &["--format", "json"]].concat();
    let (code, stdout, stderr) = drill(host, server, &args).await;
    let report = serde_json::from_str(&stdout).unwrap_or_else(|_| panic!("{stdout}{stderr}"));
    (code, report)
}

#[tokio::test]
async fn a_killswitch_drill_passes_with_three_agents_and_a_probe_behind_the_gate() {
    let host = Host::new();
    let (serve, _agents, gate, _upstream) = stage(&host, "staging").await;
    let report_file = host.path("drill.md");
    let (code, report) = killswitch_json(
        &host,
        &serve.url(),
        &[
            "--scope",
            "worker",
            "--probe",
            &gate.url(),
            "--env",
            "staging",
            "--report",
            report_file.to_str().expect("path"),
        ],
    )
    .await;
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["status"], "completed");
    assert_eq!(report["verdict"], "passed");
    assert_eq!(report["environment"], "staging");
    let agents = report["agents"].as_array().expect("agents");
    assert_eq!(agents.len(), 4, "{report:#}");
    for agent in agents {
        assert_eq!(agent["acknowledged"], true, "{agent}");
        let latency = agent["latency_ms"].as_f64().expect("a latency");
        assert!((0.0..2000.0).contains(&latency), "{agent}");
        // The drill's own bound holds the agent's figure.
        let bound = agent["seen_within_ms"].as_f64().expect("a bound");
        assert!(latency <= bound, "{agent}");
        if agent["id"] == "drill-c" {
            assert_eq!(agent["exited"], 75, "{agent}");
        } else {
            assert_eq!(agent["recovered"], true, "{agent}");
        }
    }
    let phases: Vec<(&str, bool)> = report["probes"]
        .as_array()
        .expect("probes")
        .iter()
        .map(|probe| (probe["phase"].as_str().expect("phase"), probe["ok"] == true))
        .collect();
    assert_eq!(
        phases,
        [("before", true), ("halted", true), ("after", true)]
    );
    // The halt was a drill, and the switch runs again.
    let events: Value = reqwest::get(format!("{}/v1/events", serve.url()))
        .await
        .expect("events")
        .json()
        .await
        .expect("JSON");
    let halt = events
        .as_array()
        .expect("events")
        .iter()
        .find(|event| event["revision"] == report["halt_revision"])
        .expect("the drill's halt");
    assert_eq!(halt["drill"], true, "{halt}");
    let board = board(&serve.url()).await;
    assert_eq!(board["switches"]["worker"]["halted"], false, "{board}");
    assert_eq!(board["revision"], report["resume_revision"], "{board}");
    // The control plane keeps it: `status` shows the last drill of each kind, and warns
    // about the kind never drilled.
    let status = status_json(&host, &serve.url()).await;
    let drills = status["server"]["drills"].as_array().expect("drills");
    assert_eq!(drills.len(), 1, "{status:#}");
    assert_eq!(drills[0]["id"], report["id"]);
    assert_eq!(drills[0]["verdict"], "passed");
    let warnings = status["server"]["drill_warnings"].to_string();
    assert!(warnings.contains("no restore drill passed"), "{warnings}");
    assert!(!warnings.contains("killswitch"), "{warnings}");
    let markdown = std::fs::read_to_string(&report_file).expect("the report file");
    assert!(
        markdown.contains("**Passed** (completed) in `staging`"),
        "{markdown}"
    );
    assert!(
        markdown.contains("| drill-gate | worker | yes |"),
        "{markdown}"
    );
}

#[tokio::test]
async fn a_frozen_agent_is_named_as_a_straggler_and_fails_the_drill() {
    let host = Host::new();
    let (serve, agents, _gate, _upstream) = stage(&host, "staging").await;
    // Frozen before the drill: its stream stays open, so the server still counts it
    // connected and the steady state holds; it cannot apply the halt.
    let frozen = signal(&agents[1], Signal::SIGSTOP);
    let (code, report) = killswitch_json(
        &host,
        &serve.url(),
        &["--scope", "worker", "--timeout", "3s"],
    )
    .await;
    nix::sys::signal::kill(frozen, Signal::SIGCONT).expect("continue");
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(
        report["stragglers"],
        serde_json::json!(["drill-b"]),
        "{report:#}"
    );
    // The straggler is a miss; the others came back, so the drill completed.
    assert_eq!(report["status"], "completed", "{report:#}");
    assert_eq!(report["verdict"], "missed", "{report:#}");
    assert!(
        report["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .any(|finding| finding
                .as_str()
                .expect("text")
                .contains("`drill-b` did not apply the halt")),
        "{report:#}"
    );
    // The drill resumed what it halted, even so.
    assert!(report["resume_revision"].is_u64(), "{report:#}");
}

#[tokio::test]
async fn a_halt_recorded_during_the_drill_is_not_resumed_and_the_drill_stops() {
    let host = Host::new();
    let (serve, agents, _gate, _upstream) = stage(&host, "staging").await;
    // A frozen agent holds the drill in its wait, while someone halts the scope for real.
    let frozen = signal(&agents[0], Signal::SIGSTOP);
    let server = serve.url();
    let incident = async {
        let board = format!("{server}/v1/switches");
        eventually("the drill's halt", async || {
            let board: Value = reqwest::get(&board).await.ok()?.json().await.ok()?;
            (board["revision"] == 1).then_some(())
        })
        .await;
        crate::gate::change(&server, "worker", "halt").await
    };
    let drilled = killswitch_json(&host, &server, &["--scope", "worker", "--timeout", "3s"]);
    let ((code, report), incident) = tokio::join!(drilled, incident);
    nix::sys::signal::kill(frozen, Signal::SIGCONT).expect("continue");
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(report["status"], "stopped", "{report:#}");
    assert!(report["resume_revision"].is_null(), "{report:#}");
    let findings = report["findings"].to_string();
    assert!(findings.contains("changed during the drill"), "{findings}");
    // It says how the switch is now: halted, by the incident.
    assert_eq!(report["switch_state"][0]["scope"], "worker", "{report:#}");
    assert_eq!(report["switch_state"][0]["halted"], true, "{report:#}");
    assert_eq!(
        report["switch_state"][0]["revision"], incident,
        "{report:#}"
    );
    let board = board(&server).await;
    assert_eq!(board["switches"]["worker"]["halted"], true, "{board}");
}

#[tokio::test]
async fn production_is_refused_unless_forced_and_the_environment_must_match() {
    let host = Host::new();
    let serve = host
        .serve(
            &["--listen", "127.0.0.1:0"],
            &[("RIPCORD_SERVE__ENVIRONMENT", "production")],
        )
        .await;
    let (code, stdout, _) = drill(&host, &serve.url(), &["killswitch"]).await;
    assert_eq!(code, 2, "{stdout}");
    assert!(stdout.contains("--force-production"), "{stdout}");
    let (code, stdout, _) = drill(&host, &serve.url(), &["killswitch", "--env", "staging"]).await;
    assert_eq!(code, 2, "{stdout}");
    assert!(stdout.contains("--env staging"), "{stdout}");
    // Forced, it goes on to the steady state, which has no agent here: still exit 2, and
    // nothing was tripped.
    let (code, stdout, _) = drill(&host, &serve.url(), &["killswitch", "--force-production"]).await;
    assert_eq!(code, 2, "{stdout}");
    assert!(
        stdout.contains("no agent of `global` is connected"),
        "{stdout}"
    );
    let board = board(&serve.url()).await;
    assert_eq!(board["revision"], 0, "{board}");
    assert_eq!(board["environment"], "production");
}

/// A database with a table, and one backup of it at a file:// destination.
async fn backed_up(host: &Host) -> String {
    backed_up_to(host, None).await
}

/// [`backed_up`], recording the run on `server` when given.
async fn backed_up_to(host: &Host, server: Option<&str>) -> String {
    let pg = ripcord_testkit::Postgres::shared().expect("a PostgreSQL cluster");
    let url = pg.fresh_database().expect("a database");
    ripcord_testkit::postgres::psql(
        &url,
        "CREATE TABLE orders (id int PRIMARY KEY, total numeric);
         INSERT INTO orders SELECT g, g * 1.5 FROM generate_series(1, 500) g;",
    )
    .expect("the fixture");
    let destination = format!("file://{}", host.path("backups").display());
    let state = state_dir(host);
    let mut env = vec![("RIPCORD_BACKUP__STATE_DIR", state.as_str())];
    env.extend(server.map(|server| ("RIPCORD_SERVER", server)));
    let (code, _, stderr) = host
        .run_with(
            &env,
            &[
                "backup",
                "run",
                "--database-url",
                &url,
                "--to",
                &destination,
                "--progress",
                "none",
            ],
        )
        .await;
    assert_eq!(code, 0, "{stderr}");
    destination
}

/// The run log's folder, the host's own.
fn state_dir(host: &Host) -> String {
    host.path("state").display().to_string()
}

async fn restore_drill(host: &Host, destination: &str, extra: &[&str]) -> (i32, Value) {
    restore_drill_on(host, destination, None, extra).await
}

/// [`restore_drill`], recorded on `server` when given.
async fn restore_drill_on(
    host: &Host,
    destination: &str,
    server: Option<&str>,
    extra: &[&str],
) -> (i32, Value) {
    let state = state_dir(host);
    let mut env = vec![("RIPCORD_BACKUP__STATE_DIR", state.as_str())];
    env.extend(server.map(|server| ("RIPCORD_SERVER", server)));
    let mut args = vec![
        "drill",
        "restore",
        "--to",
        destination,
        "--format",
        "json",
        "--progress",
        "none",
    ];
    args.extend_from_slice(extra);
    let (code, stdout, stderr) = host.run_with(&env, &args).await;
    let report = serde_json::from_str(&stdout).unwrap_or_else(|_| panic!("{stdout}{stderr}"));
    (code, report)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restore_drill_passes_and_an_old_backup_misses_its_rpo() {
    let host = Host::new();
    let destination = backed_up(&host).await;
    let (code, report) = restore_drill(&host, &destination, &[]).await;
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["verdict"], "passed");
    let restore = &report["restore"];
    assert!(
        restore["rto_seconds"].as_f64().expect("RTO") > 0.0,
        "{report:#}"
    );
    assert!(restore["rpo_seconds"].as_f64().is_some(), "{report:#}");
    assert_eq!(restore["max_rpo_seconds"], 26.0 * 3600.0);
    assert_eq!(restore["tables_compared"], 1, "{report:#}");

    // Any backup is older than a millisecond by the time it is restored.
    let (code, report) = restore_drill(&host, &destination, &["--max-rpo", "1ms"]).await;
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(report["verdict"], "missed");
    let findings = report["findings"].to_string();
    assert!(findings.contains("RPO"), "{findings}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restore_drill_of_a_corrupted_backup_fails_and_says_why() {
    let host = Host::new();
    let destination = backed_up(&host).await;
    // The largest object is the dump: flip a byte in its middle.
    let dump = walk(&host.path("backups"))
        .into_iter()
        .max_by_key(|path| std::fs::metadata(path).map_or(0, |meta| meta.len()))
        .expect("a stored object");
    let mut bytes = std::fs::read(&dump).expect("read");
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    std::fs::write(&dump, bytes).expect("write");
    let (code, report) = restore_drill(&host, &destination, &[]).await;
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(report["verdict"], "missed");
    let differences = report["restore"]["differences"].to_string();
    assert!(
        differences.contains("sha256") || differences.contains("checksum"),
        "{report:#}"
    );
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backups_and_restore_drills_are_kept_by_the_server_and_shown_by_status() {
    let host = Host::new();
    let serve = host.serve(&["--listen", "127.0.0.1:0"], &[]).await;
    let destination = backed_up_to(&host, Some(&serve.url())).await;
    let (code, report) = restore_drill_on(&host, &destination, Some(&serve.url()), &[]).await;
    assert_eq!(code, 0, "{report:#}");
    let status = status_json(&host, &serve.url()).await;
    let drills = status["server"]["drills"].as_array().expect("drills");
    assert_eq!(drills.len(), 1, "{status:#}");
    assert_eq!(drills[0]["kind"], "restore");
    assert_eq!(drills[0]["id"], report["id"]);
    let backups = status["server"]["backups"].as_array().expect("backups");
    let kinds: Vec<(&str, bool)> = backups
        .iter()
        .map(|backup| (backup["kind"].as_str().expect("kind"), backup["ok"] == true))
        .collect();
    assert_eq!(
        kinds,
        [("run", true), ("verify-restore", true)],
        "{status:#}"
    );
    assert_eq!(backups[1]["backup_id"], report["restore"]["backup_id"]);
}
