//! `ripcord gate --upstream URL`: the switch in front of an HTTP app.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context;
use clap::Args;
use ripcord_agent::{Identity, Switch, SwitchOptions};
use ripcord_core::{Scope, exit};
use ripcord_gate::{Gate, Upstream};

use crate::cli::FollowArgs;
use crate::config::Config;

/// How long a stopping gate waits for the server to acknowledge its last report.
const FINAL_REPORT_LIMIT: Duration = Duration::from_secs(2);

#[derive(Debug, Args)]
#[command(
    after_help = "While the scope runs, requests and WebSockets pass to the upstream unchanged. \
                  While it is halted, requests get 503 with Retry-After, except the health \
                  paths, and open WebSockets and streaming bodies are cut. Settings live in \
                  [gate] (docs/any-language.md)."
)]
pub struct GateArgs {
    /// The app behind the gate, http://host:port [config: gate.upstream]
    #[arg(long, value_name = "URL")]
    pub upstream: Option<String>,
    /// Address to listen on [config: gate.listen; default 127.0.0.1:7080, or 0.0.0.0:$PORT]
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<SocketAddr>,
    /// The scope the app belongs to; a halt of it or of `global` closes the gate [config:
    /// gate.scope; default api]
    #[arg(long, short)]
    pub scope: Option<Scope>,
    /// A path that passes while halted, so probes do not restart the app; repeat for more
    /// [config: gate.health_paths; default /healthz and /readyz]
    #[arg(long = "health-path", value_name = "PATH")]
    pub health_paths: Vec<String>,
    /// Read the board before forwarding when the server last confirmed it longer ago than
    /// this [config: gate.max_staleness; default 2s]
    #[arg(long, value_name = "DURATION", value_parser = humantime::parse_duration)]
    pub max_staleness: Option<Duration>,
    /// Name in `ripcord status` [default: host/gate/pid]
    #[arg(long)]
    pub name: Option<String>,
    #[command(flatten)]
    pub follow: FollowArgs,
}

pub async fn run(config: Config, args: GateArgs) -> anyhow::Result<u8> {
    let mut settings = config.gate.clone();
    if let Some(listen) = args.listen {
        settings.listen = listen;
    }
    if let Some(scope) = args.scope {
        settings.scope = scope;
    }
    if !args.health_paths.is_empty() {
        settings.health_paths = args.health_paths;
    }
    if let Some(staleness) = args.max_staleness {
        settings.max_staleness = staleness;
    }
    settings.validate()?;
    let url = args.upstream.or(settings.upstream.clone()).context(
        "no upstream: give the app behind the gate with --upstream http://127.0.0.1:8000 (or gate.upstream)",
    )?;
    let upstream = Upstream::parse(&url)?;
    // Before following the switch, so a gate that cannot listen never shows as an agent.
    let listener = tokio::net::TcpListener::bind(settings.listen)
        .await
        .with_context(|| format!("cannot listen on {} (gate.listen)", settings.listen))?;
    let listening = listener.local_addr()?;
    upstream.check_not(listening)?;
    let client = args.follow.apply(config.client.clone());
    let policy = client.on_unreachable;
    let connect_timeout = client.connect_timeout;
    let mut identity = Identity::for_process("gate");
    if let Some(name) = args.name {
        identity.id = name
            .parse()
            .map_err(|error| anyhow::anyhow!("--name: {error}"))?;
    }
    identity.command = Some(format!("gate {listening} -> {upstream}"));
    let follows_server = !args.follow.no_server;
    let switch = Switch::start(SwitchOptions {
        server: follows_server.then(|| config.server_url()),
        scope: settings.scope.clone(),
        identity,
        config: client,
    })?;
    // Like an agent, decide on the server's board (or the cache and the policy) before
    // the first request, so a gate started during a halt never lets one through.
    if !switch.settled(connect_timeout).await.settled {
        tracing::warn!("the ripcord server did not answer in time; deciding on the cached state");
    }
    tracing::info!(
        addr = %listening,
        %upstream,
        scope = %settings.scope,
        halted = switch.is_halted(),
        "ripcord gate listening"
    );
    let gate = Gate::new(settings, upstream, switch.clone(), follows_server, policy);
    ripcord_gate::run(listener, gate, super::shutdown_signal()).await?;
    if follows_server && !switch.report_exit(exit::SUCCESS, FINAL_REPORT_LIMIT).await {
        tracing::debug!("the server did not acknowledge the last report before exit");
    }
    Ok(exit::SUCCESS)
}
