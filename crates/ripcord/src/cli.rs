//! The command line: one `Command` enum and one `dispatch`.

use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use clap::{Args, Parser, Subcommand, ValueEnum};
use ripcord_agent::Transport;
use ripcord_core::Scope;

use crate::cmd::{self, OutputFormat};
use crate::config::{Config, Overrides};

#[derive(Debug, Parser)]
#[command(
    name = "ripcord",
    version,
    about = "A safety net for small production stacks: a global kill switch, verified backups, guardrails.",
    after_help = "Exit codes: 0 ok, 1 findings / failed verification / halted (status --exit-code), \
                  2 usage or I/O error, 75 `agent` did not run or stopped its command because of a halt.",
    propagate_version = true
)]
pub struct Cli {
    /// Configuration file [default: ./ripcord.toml when it exists]
    #[arg(
        long,
        global = true,
        env = "RIPCORD_CONFIG",
        hide_env_values = true,
        value_name = "FILE"
    )]
    pub config: Option<PathBuf>,

    /// URL of the ripcord control plane [env: RIPCORD_SERVER; default: http://127.0.0.1:7070]
    #[arg(long, global = true, value_name = "URL")]
    pub server: Option<String>,

    /// API token to present [env: RIPCORD_TOKEN; config: client.token or client.token_file].
    /// A flag is visible to every local user in `ps`: prefer the variable or a token file
    #[arg(long, global = true, value_name = "TOKEN", hide_env_values = true)]
    pub token: Option<String>,

    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// Flags that override the configuration file and environment.
    pub fn overrides(&self) -> Overrides {
        Overrides {
            server: self.server.clone(),
            token: self.token.clone(),
        }
    }
}

/// `--transport`: how an agent follows the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TransportArg {
    /// Server-sent events: lowest latency; the connection stays open.
    Stream,
    /// Long-poll: one request at a time, for hosts billed while a connection is open
    /// (Cloud Run's request-based billing).
    Poll,
}

impl From<TransportArg> for Transport {
    fn from(arg: TransportArg) -> Self {
        match arg {
            TransportArg::Stream => Transport::Stream,
            TransportArg::Poll => Transport::Poll,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the control plane: HTTP API, event stream, long-poll, audit log
    Serve(ServeArgs),
    /// Trip a switch: every client of the scope stops
    Halt(ChangeArgs),
    /// Release a switch
    Resume(ChangeArgs),
    /// Show switches, local markers and agents
    Status(StatusArgs),
    /// Run a command under the switch (cron-safe: refuses to start while halted)
    Agent(AgentArgs),
    /// Put the switch in front of an HTTP app: a reverse proxy that answers 503 while halted
    Gate(cmd::gate::GateArgs),
    /// See the kill switch work on this machine: a server, wrapped processes, a halt, latencies
    Demo(cmd::demo::DemoArgs),
    /// Create, list and revoke API tokens
    Token(cmd::token::TokenArgs),
    /// Verify the logs' hash chains
    Audit(cmd::audit::AuditArgs),
    /// Bring the state store's schema up to date (`serve` also does at start)
    Migrate(cmd::migrate::MigrateArgs),
    /// Check a repository's Terraform, Dockerfiles, Compose files and workflows
    Check(cmd::check::CheckArgs),
    /// Verified off-site PostgreSQL backups
    Backup(cmd::backup::BackupArgs),
    /// Rehearse: trip the switch, or restore the newest backup; timed and reported
    Drill(cmd::drill::DrillArgs),
}

impl Command {
    /// Whether the command prints a report and ends (not a server, an agent or the demo).
    pub fn prints_a_report(&self) -> bool {
        !matches!(
            self,
            Command::Serve(_) | Command::Agent(_) | Command::Gate(_) | Command::Demo(_)
        )
    }
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on [config: serve.listen; default 127.0.0.1:7070, or 0.0.0.0:$PORT]
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<std::net::SocketAddr>,
    #[command(flatten)]
    pub store: cmd::StoreArgs,
    /// Redis through which replicas on one database announce changes at once [env:
    /// RIPCORD_REDIS_URL; config: serve.redis_url]. Visible in `ps`: prefer the variable
    #[arg(long, value_name = "URL")]
    pub redis_url: Option<String>,
    /// Answer every request without a token while none exists, from any address. Only on
    /// a network you trust; announced in the log, in /readyz and by `status`
    #[arg(long)]
    pub insecure_no_auth: bool,
}

#[derive(Debug, Args)]
pub struct ChangeArgs {
    /// The switch: `global` (every scope) or a scope such as `api`, `worker`, `cron`
    #[arg(long, short, default_value = Scope::GLOBAL)]
    pub scope: Scope,
    /// Why; recorded in the audit log (which names the token; with no token, $USER@host)
    #[arg(long, short)]
    pub reason: String,
    /// Write (or remove) a halt marker on this host instead of asking the server; needs no
    /// network, and every agent on the host obeys it at once
    #[arg(long)]
    pub local: bool,
    /// Mark it as a drill: obeyed like any change, labelled as a rehearsal in the log and
    /// in `status`
    #[arg(long, conflicts_with = "local")]
    pub drill: bool,
    #[arg(long, value_parser = OutputFormat::people_or_machines(), default_value = "human")]
    pub format: OutputFormat,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    #[arg(long, value_parser = OutputFormat::people_or_machines(), default_value = "human")]
    pub format: OutputFormat,
    /// Exit with 1 when any switch or local marker is halted, or the last backup failed
    #[arg(long)]
    pub exit_code: bool,
}

/// How a client of the switch (an agent, a gate) follows it.
#[derive(Debug, Args)]
pub struct FollowArgs {
    /// How to follow the server [config: client.transport]
    #[arg(long, value_enum)]
    pub transport: Option<TransportArg>,
    /// Treat an unreachable server as a halt [config: client.on_unreachable = "closed"]
    #[arg(long)]
    pub fail_closed: bool,
    /// Obey local markers only; do not contact a server
    #[arg(long)]
    pub no_server: bool,
}

impl FollowArgs {
    /// The `[client]` configuration with these flags applied.
    pub fn apply(&self, mut client: ripcord_agent::ClientConfig) -> ripcord_agent::ClientConfig {
        if let Some(transport) = self.transport {
            client.transport = transport.into();
        }
        if self.fail_closed {
            client.on_unreachable = ripcord_core::UnreachablePolicy::Closed;
        }
        client
    }
}

#[derive(Debug, Args)]
#[command(arg_required_else_help = true)]
pub struct AgentArgs {
    /// The scope this command belongs to; a halt of it or of `global` stops the command
    #[arg(long, short, default_value = "worker")]
    pub scope: Scope,
    /// Time between SIGTERM and SIGKILL when stopping the command, e.g. `10s`, `500ms`
    /// (at most 1h)
    #[arg(long, default_value = "10s", value_parser = parse_grace)]
    pub grace: Duration,
    /// Name in `ripcord status` [default: host/command/pid]
    #[arg(long)]
    pub name: Option<String>,
    /// After a halt stopped the command, start it again on resume instead of exiting
    #[arg(long)]
    pub restart_on_resume: bool,
    #[command(flatten)]
    pub follow: FollowArgs,
    /// The command and its arguments
    #[arg(last = true, required = true, value_name = "CMD")]
    pub command: Vec<OsString>,
}

/// A grace period: a halt must end in bounded time, so anything above
/// [`ripcord_agent::supervise::MAX_GRACE`] is refused.
fn parse_grace(text: &str) -> Result<Duration, String> {
    let grace = humantime::parse_duration(text).map_err(|error| error.to_string())?;
    let max = ripcord_agent::supervise::MAX_GRACE;
    if grace > max {
        return Err(format!(
            "at most {} is allowed: a halt must stop the command in bounded time",
            humantime::format_duration(max)
        ));
    }
    Ok(grace)
}

pub fn dispatch(cli: Cli, mut config: Config) -> anyhow::Result<u8> {
    match cli.command {
        Command::Check(args) => cmd::check::run(args, &config.check),
        Command::Backup(args) => {
            let history = cmd::history_client(&config)?;
            runtime()?.block_on(cmd::backup::run(
                args,
                &config.backup,
                &config.notify,
                history,
            ))
        }
        Command::Token(args) => runtime()?.block_on(cmd::token::run(config, args)),
        Command::Audit(args) => runtime()?.block_on(cmd::audit::run(config, args)),
        Command::Migrate(args) => runtime()?.block_on(cmd::migrate::run(config, args)),
        Command::Drill(args) => runtime()?.block_on(cmd::drill::run(config, args)),
        Command::Serve(args) => {
            if let Some(listen) = args.listen {
                config.serve.listen = listen;
            }
            args.store.apply(&mut config.serve)?;
            if let Some(url) = args.redis_url {
                config.serve.redis_url = Some(ripcord_core::auth::Secret::new(url));
            }
            config.serve.insecure_no_auth |= args.insecure_no_auth;
            // Cloud Run names its service in K_SERVICE: there, never serve without tokens
            // or with the state on the instance's disk.
            config.serve.cloud_run = std::env::var_os("K_SERVICE").is_some();
            runtime()?.block_on(cmd::serve::run(config))
        }
        Command::Halt(args) => runtime()?.block_on(cmd::switch::change(
            config,
            args,
            ripcord_core::Action::Halt,
        )),
        Command::Resume(args) => runtime()?.block_on(cmd::switch::change(
            config,
            args,
            ripcord_core::Action::Resume,
        )),
        Command::Status(args) => runtime()?.block_on(cmd::switch::status(config, args)),
        // One thread: an agent waits on one stream, one folder and one child, and a
        // thousand of them on a host should cost a thousand threads, not thousands.
        Command::Agent(args) => single_thread_runtime()?.block_on(cmd::agent::run(config, args)),
        // One thread too: a proxy waits on sockets; measured, it spends less CPU per
        // request on one thread (no wake-ups across threads) and still passes ~40,000
        // requests a second (docs/any-language.md).
        Command::Gate(args) => single_thread_runtime()?.block_on(cmd::gate::run(config, args)),
        Command::Demo(args) => runtime()?.block_on(cmd::demo::run(config, args)),
    }
}

fn single_thread_runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
}
