//! `ripcord agent -- CMD…`

use std::path::Path;
use std::time::Duration;

use ripcord_agent::supervise::{self, AgentOptions};
use ripcord_agent::{Identity, Switch, SwitchOptions};
use ripcord_core::exit;

use crate::cli::AgentArgs;
use crate::config::Config;

/// How long an exiting agent waits for the server to acknowledge its last report.
const FINAL_REPORT_LIMIT: Duration = Duration::from_secs(2);

pub async fn run(config: Config, args: AgentArgs) -> anyhow::Result<u8> {
    let client = args.follow.apply(config.client.clone());
    let command_line = supervise::command_line(&args.command);
    let program = args
        .command
        .first()
        .and_then(|program| Path::new(program).file_name())
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| "agent".into());
    let mut identity = Identity::for_process(&program);
    if let Some(name) = args.name {
        identity.id = name
            .parse()
            .map_err(|error| anyhow::anyhow!("--name: {error}"))?;
    }
    identity.command = Some(command_line);
    let connect_timeout = client.connect_timeout;
    let tree = client.process_tree;
    let switch = Switch::start(SwitchOptions {
        server: (!args.follow.no_server).then(|| config.server_url()),
        scope: args.scope,
        identity,
        config: client,
    })?;
    let options = AgentOptions {
        command: args.command,
        grace: args.grace,
        tree,
        restart_on_resume: args.restart_on_resume,
        connect_timeout,
    };
    let outcome = supervise::run(switch.clone(), options).await;
    // A run that could not stop its command is reported too, as the error's exit code.
    let code = outcome.as_ref().map_or(exit::USAGE_OR_IO, |code| *code);
    if !args.follow.no_server && !switch.report_exit(code, FINAL_REPORT_LIMIT).await {
        tracing::debug!("the server did not acknowledge the last report before exit");
    }
    Ok(outcome?)
}
