//! `ripcord demo`: the kill switch end to end on loopback, in a few seconds, with nothing
//! installed: a control plane on SQLite, wrapped processes, an HTTP app behind the 503
//! layer, a halt and a resume from the server, then a halt and resume from a local marker.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use axum::Router;
use axum::routing::get;
use ripcord_agent::{ApiClient, ClientConfig, HaltLayer, Identity, Switch, SwitchOptions};
use ripcord_core::api::{AgentRecord, ChangeBody};
use ripcord_core::{Action, Scope, Source, exit};
use tokio::process::{Child, Command};

use crate::config::Config;

/// How long the demo waits for any one step before it calls the step failed.
const STEP_LIMIT: Duration = Duration::from_secs(20);

#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// How many wrapped processes to start
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u16).range(1..=50))]
    pub agents: u16,
}

struct Agent {
    name: String,
    scope: Scope,
    child: Child,
}

pub async fn run(_config: Config, args: DemoArgs) -> anyhow::Result<u8> {
    let work = tempfile::tempdir().context("creating a scratch folder")?;
    let client_config = ClientConfig {
        local_dir: work.path().join("local"),
        cache_dir: work.path().join("cache"),
        ..ClientConfig::default()
    };

    let server = ripcord_server::spawn_local(work.path().join("data"), |_| {}).await?;
    let url = server.url();
    let api = ApiClient::new(&url, None)?;
    println!(
        "1. control plane listening on {url} (SQLite in a scratch folder, in-process fan-out)"
    );

    let mut agents = Vec::new();
    let scopes = ["worker", "cron", "api"];
    for index in 0..usize::from(args.agents) {
        let scope: Scope = scopes[index % scopes.len()].parse()?;
        let name = format!("demo-{scope}-{}", index + 1);
        let child = spawn_agent(&url, &name, &scope, work.path(), &client_config)?;
        agents.push(Agent { name, scope, child });
    }
    let app_switch = Switch::start(SwitchOptions {
        server: Some(url.clone()),
        scope: "api".parse()?,
        identity: Identity {
            id: "demo-http-app".parse()?,
            command: Some("in-process axum app".into()),
        },
        config: client_config.clone(),
    })?;
    let app_url = serve_app(app_switch.clone()).await?;
    let names: Vec<&str> = agents.iter().map(|agent| agent.name.as_str()).collect();
    wait_for(&api, &names, |record| !record.report.halted).await?;
    println!(
        "2. {} wrapped processes running under `ripcord agent` (each `sh -c` with a child loop), \
         and an HTTP app behind the 503 layer at {app_url}: {}",
        agents.len(),
        probe(&app_url).await
    );

    let actor = super::default_actor();
    let as_actor = |reason: &str| ChangeBody {
        reason: reason.into(),
        actor: Some(actor.clone()),
        drill: false,
        source: None,
    };
    let halt = api
        .change(
            &Scope::global(),
            Action::Halt,
            &as_actor("demo: stop everything"),
        )
        .await?;
    let halted = wait_for(&api, &names, |r| {
        r.report.halted && r.report.revision >= halt.revision
    })
    .await?;
    println!(
        "3. `ripcord halt` (global, revision {}): every process group got SIGTERM",
        halt.revision
    );
    print_latencies(&agents, &halted, |record| record.report.latency_ms);
    println!("   HTTP app: {}", probe(&app_url).await);

    let resume = api
        .change(
            &Scope::global(),
            Action::Resume,
            &as_actor("demo: all clear"),
        )
        .await?;
    let resumed = wait_for(&api, &names, |r| {
        !r.report.halted && r.report.revision >= resume.revision
    })
    .await?;
    println!(
        "4. `ripcord resume` (revision {}): agents started their commands again",
        resume.revision
    );
    print_latencies(&agents, &resumed, |record| record.report.latency_ms);
    println!("   HTTP app: {}", probe(&app_url).await);

    let markers = client_config.marker_folder()?;
    let marker = markers.halt(&Scope::global(), "demo: local trigger", &actor)?;
    let locally = wait_for(&api, &names, |r| {
        r.report.halted
            && r.report
                .cause
                .as_ref()
                .is_some_and(|cause| cause.source == Source::Local)
    })
    .await?;
    println!("5. `ripcord halt --local`: a marker file, no network; agents saw it through inotify");
    print_latencies(&agents, &locally, |record| {
        let age = record.report.applied_at.duration_since(marker.at);
        Some(age.as_secs_f64() * 1_000.0)
    });
    markers.resume(&Scope::global())?;
    wait_for(&api, &names, |r| !r.report.halted).await?;
    println!("6. `ripcord resume --local`: running again");

    for agent in &mut agents {
        stop_agent(agent).await?;
    }
    drop(app_switch);
    server.stop().await?;
    println!(
        "7. agents stopped, server shut down cleanly. Try it for real: README.md, \"Quick start\"."
    );
    Ok(exit::SUCCESS)
}

fn spawn_agent(
    url: &str,
    name: &str,
    scope: &Scope,
    work: &Path,
    client: &ClientConfig,
) -> anyhow::Result<Child> {
    let exe = std::env::current_exe().context("finding the ripcord executable")?;
    Command::new(exe)
        .args([
            "agent",
            "--server",
            url,
            "--scope",
            scope.as_str(),
            "--name",
            name,
        ])
        .args(["--restart-on-resume", "--grace", "2s", "--"])
        .args(["sh", "-c", "sleep 3600 & while :; do sleep 0.2; done"])
        // The demo must not pick up the user's ripcord.toml or log settings.
        .current_dir(work)
        .env_remove("RIPCORD_CONFIG")
        .env_remove("RUST_LOG")
        .env("RIPCORD_LOG__LEVEL", "error")
        .env("RIPCORD_CLIENT__LOCAL_DIR", &client.local_dir)
        .env("RIPCORD_CLIENT__CACHE_DIR", &client.cache_dir)
        .stdin(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .context("starting `ripcord agent`")
}

async fn stop_agent(agent: &mut Agent) -> anyhow::Result<()> {
    if let Some(pid) = agent.child.id().and_then(|id| i32::try_from(id).ok()) {
        let _ = nix::sys::signal::kill(
            nix::unistd::Pid::from_raw(pid),
            nix::sys::signal::Signal::SIGTERM,
        );
    }
    tokio::time::timeout(STEP_LIMIT, agent.child.wait())
        .await
        .with_context(|| format!("agent {} did not stop", agent.name))??;
    Ok(())
}

/// A tiny HTTP app whose every route is behind the 503 layer.
async fn serve_app(switch: Switch) -> anyhow::Result<String> {
    let app = Router::new()
        .route("/", get(|| async { "hello" }))
        .layer(HaltLayer::new(switch, Duration::from_secs(30)));
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
    let url = format!("http://{}/", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(url)
}

async fn probe(url: &str) -> String {
    match reqwest::get(url).await {
        Ok(response) => {
            let retry = response
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            match retry {
                Some(seconds) => format!("GET / -> {} (Retry-After: {seconds})", response.status()),
                None => format!("GET / -> {}", response.status()),
            }
        }
        Err(error) => format!("GET / failed: {error}"),
    }
}

/// Polls the agent list until every named agent's record satisfies `done`. The demo shows
/// the server's view, so it reads what a person would read with `ripcord status`.
async fn wait_for(
    api: &ApiClient,
    names: &[&str],
    done: impl Fn(&AgentRecord) -> bool,
) -> anyhow::Result<BTreeMap<String, AgentRecord>> {
    let started = Instant::now();
    loop {
        let records: BTreeMap<String, AgentRecord> = api
            .agents()
            .await?
            .agents
            .into_iter()
            .map(|record| (record.id.clone(), record))
            .collect();
        if names
            .iter()
            .all(|name| records.get(*name).is_some_and(&done))
        {
            return Ok(records);
        }
        if started.elapsed() > STEP_LIMIT {
            bail!(
                "agents did not all report within {STEP_LIMIT:?}: {:?}",
                records.keys().collect::<Vec<_>>()
            );
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn print_latencies(
    agents: &[Agent],
    records: &BTreeMap<String, AgentRecord>,
    latency: impl Fn(&AgentRecord) -> Option<f64>,
) {
    for agent in agents {
        let shown = records
            .get(&agent.name)
            .and_then(&latency)
            .map(|ms| format!("{ms:.1} ms"))
            .unwrap_or_else(|| "-".into());
        println!(
            "   {:<18} scope {:<7} applied after {shown}",
            agent.name,
            agent.scope.as_str()
        );
    }
}
