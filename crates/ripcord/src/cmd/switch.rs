//! `halt`, `resume` and `status`.

use anyhow::Context;
use jiff::Timestamp;
use ripcord_agent::local::Markers;
use ripcord_agent::{AgentList, ApiClient, ApiClientError};
use ripcord_core::api::{AgentRecord, BackupRecord, ChangeBody, DrillRecord};
use ripcord_core::{Action, Board, Printable, exit};
use serde::Serialize;

use super::OutputFormat;
use crate::cli::{ChangeArgs, StatusArgs};
use crate::config::Config;

pub async fn change(config: Config, args: ChangeArgs, action: Action) -> anyhow::Result<u8> {
    let actor = super::default_actor();
    if args.local {
        // The server validates remote changes; a local one gets the same rules.
        if args.reason.trim().is_empty() {
            anyhow::bail!(
                "--reason must not be empty: say why, it is recorded with the marker and in the logs"
            );
        }
        return change_locally(&config, &args, action, &actor);
    }
    let server = config.server_url();
    let token = config.client.resolve_token()?;
    let api = ApiClient::new(&server, token.as_ref())?.with_timeout(config.client.request_timeout);
    // With a token the server names it in the audit log; without one, this user and host.
    let body = ChangeBody {
        reason: args.reason.clone(),
        actor: token.is_none().then_some(actor),
        drill: args.drill,
        source: None,
    };
    let event = api.change(&args.scope, action, &body).await.map_err(|error| match error {
        ApiClientError::Unreachable { .. } => anyhow::Error::new(error).context(format!(
            "no {action} was recorded; with no network, `ripcord {action} --local` acts on the agents of this host"
        )),
        ApiClientError::OutcomeUnknown { .. } => anyhow::Error::new(error).context(format!(
            "outcome unknown: the server may have recorded the {action}; `ripcord status` shows whether it did"
        )),
        other => other.into(),
    })?;
    match args.format {
        OutputFormat::Json => println!("{}", serde_json::to_string_pretty(&event)?),
        OutputFormat::Human | OutputFormat::Sarif | OutputFormat::Github => println!(
            "{} `{}` at revision {} ({}): {}",
            past_tense(action),
            event.scope,
            event.revision,
            server,
            described_reason(&event)
        ),
    }
    Ok(exit::SUCCESS)
}

/// The reason, labelled when the change was a drill or came from a tool.
fn described_reason(event: &ripcord_core::Event) -> String {
    let mut labels = Vec::new();
    if event.drill {
        labels.push("[drill]".to_owned());
    }
    if let Some(source) = &event.source {
        labels.push(format!("[{}]", shown(source)));
    }
    labels.push(shown(&event.reason));
    labels.join(" ")
}

fn past_tense(action: Action) -> &'static str {
    match action {
        Action::Halt => "halted",
        Action::Resume => "resumed",
    }
}

fn change_locally(
    config: &Config,
    args: &ChangeArgs,
    action: Action,
    actor: &str,
) -> anyhow::Result<u8> {
    let dir = &config.client.local_dir;
    let markers = config.client.marker_folder()?;
    let outcome = match action {
        Action::Halt => {
            let marker = markers.halt(&args.scope, &args.reason, actor)?;
            serde_json::json!({ "scope": args.scope, "action": action, "local_dir": dir, "marker": marker })
        }
        Action::Resume => {
            let removed = markers.resume(&args.scope)?;
            tracing::info!(scope = %args.scope, actor = %Printable(actor), reason = %Printable(&args.reason), removed, "local resume");
            serde_json::json!({ "scope": args.scope, "action": action, "local_dir": dir, "removed": removed })
        }
    };
    match args.format {
        OutputFormat::Json => println!("{}", serde_json::to_string_pretty(&outcome)?),
        OutputFormat::Human | OutputFormat::Sarif | OutputFormat::Github => match action {
            Action::Halt => println!(
                "halted `{}` on this host (marker in {}): {}",
                args.scope,
                dir.display(),
                shown(&args.reason)
            ),
            Action::Resume if outcome["removed"] == true => {
                println!(
                    "removed the local halt marker of `{}` in {}",
                    args.scope,
                    dir.display()
                );
            }
            Action::Resume => println!(
                "`{}` had no local halt marker in {}",
                args.scope,
                dir.display()
            ),
        },
    }
    Ok(exit::SUCCESS)
}

#[derive(Debug, Serialize)]
struct Status {
    server: ServerStatus,
    local: LocalStatus,
    backup: BackupSummary,
}

#[derive(Debug, Serialize)]
struct BackupSummary {
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<ripcord_backup::BackupStatus>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

#[derive(Debug, Serialize)]
struct ServerStatus {
    url: String,
    reachable: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    /// The log the board belongs to; agents of another log follow a replaced state.
    #[serde(skip_serializing_if = "Option::is_none")]
    log: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    board: Option<Board>,
    agents: Vec<AgentRecord>,
    /// Agent rows the server could not read and skipped (its log names them).
    #[serde(skip_serializing_if = "is_zero")]
    skipped_agents: usize,
    /// The server answers without authentication (`--insecure-no-auth`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    unauthenticated: bool,
    /// The last drill of each kind the server recorded.
    drills: Vec<DrillRecord>,
    /// Each kind with no drill passed within `drill.max_age`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    drill_warnings: Vec<String>,
    /// The last backup run and the last verification the server recorded, from any host.
    backups: Vec<BackupRecord>,
}

fn is_zero(count: &usize) -> bool {
    *count == 0
}

#[derive(Debug, Serialize)]
struct LocalStatus {
    dir: std::path::PathBuf,
    #[serde(flatten)]
    markers: Markers,
}

pub async fn status(config: Config, args: StatusArgs) -> anyhow::Result<u8> {
    let url = config.server_url();
    let token = config.client.resolve_token()?;
    let api = ApiClient::new(&url, token.as_ref())?.with_timeout(config.client.request_timeout);
    let fetched = async { anyhow::Ok((api.known_board().await?, api.agents().await?)) }.await;
    let (known, agents, error) = match fetched {
        Ok((known, agents)) => (Some(known), agents, None),
        Err(error) => (None, AgentList::default(), Some(format!("{error:#}"))),
    };
    let unauthenticated = api
        .readiness()
        .await
        .is_ok_and(|text| text.contains("WITHOUT AUTHENTICATION"));
    // A server of an older release has no drills to list: that is not an error here.
    let (drills, drill_warnings) = match api.drills(MAX_DRILLS).await {
        Ok(drills) if error.is_none() => {
            ripcord_drill::last_of_each_kind(&drills, config.drill.max_age, jiff::Timestamp::now())
        }
        _ => (Vec::new(), Vec::new()),
    };
    let backups = match api.backups(MAX_DRILLS).await {
        Ok(records) if error.is_none() => last_backups(records),
        _ => Vec::new(),
    };
    let status = Status {
        server: ServerStatus {
            url,
            reachable: error.is_none(),
            error,
            log: known.as_ref().and_then(|known| known.log.clone()),
            board: known.map(|known| known.board),
            agents: agents.agents,
            skipped_agents: agents.skipped,
            unauthenticated,
            drills,
            drill_warnings,
            backups,
        },
        local: LocalStatus {
            dir: config.client.local_dir.clone(),
            markers: config.client.marker_folder()?.read(),
        },
        backup: match ripcord_backup::status(&config.backup).await {
            Ok(status) => BackupSummary {
                status: Some(status),
                error: None,
            },
            Err(error) => BackupSummary {
                status: None,
                error: Some(error.to_string()),
            },
        },
    };
    match args.format {
        OutputFormat::Json => println!(
            "{}",
            serde_json::to_string_pretty(&status).context("rendering JSON")?
        ),
        OutputFormat::Human | OutputFormat::Sarif | OutputFormat::Github => print_status(&status),
    }
    let halted = !status.local.markers.halts.is_empty()
        || status
            .server
            .board
            .as_ref()
            .is_some_and(|board| board.switches.values().any(|s| s.halted));
    let backups_failing = status
        .backup
        .status
        .as_ref()
        .is_some_and(ripcord_backup::BackupStatus::failing);
    Ok(if !status.server.reachable {
        exit::USAGE_OR_IO
    } else if args.exit_code && (halted || backups_failing) {
        exit::FAILURE
    } else {
        exit::SUCCESS
    })
}

fn ago(at: Timestamp) -> String {
    let seconds = Timestamp::now().duration_since(at).as_secs().max(0);
    match seconds {
        0..60 => format!("{seconds}s ago"),
        60..3600 => format!("{}m ago", seconds / 60),
        3600..86400 => format!("{}h ago", seconds / 3600),
        _ => format!("{}d ago", seconds / 86400),
    }
}

/// Text written by others, with control characters escaped: a crafted reason must not
/// rewrite the operator's terminal.
fn shown(text: &str) -> String {
    Printable(text).to_string()
}

fn print_status(status: &Status) {
    print_switches(status);
    print_drills(&status.server);
    match (&status.backup.status, &status.backup.error) {
        (Some(backup), _) => print!("{backup}"),
        (None, Some(error)) => println!("backups: cannot read the run log: {error}"),
        (None, None) => {}
    }
}

/// How many recent drills `status` reads to find the last of each kind.
const MAX_DRILLS: u32 = 200;

fn print_drills(server: &ServerStatus) {
    if !server.reachable {
        return;
    }
    println!("drills:");
    for kind in ripcord_drill::KINDS {
        match server
            .drills
            .iter()
            .find(|drill| drill.kind == kind.as_str())
        {
            Some(drill) => println!(
                "  {:<11} {:<12} {}{}  {}",
                kind.as_str(),
                if drill.passed() {
                    "passed"
                } else {
                    drill.verdict.as_str()
                },
                drill.ended.strftime("%Y-%m-%d %H:%M UTC"),
                drill
                    .environment
                    .as_deref()
                    .map(|environment| format!(" in {}", Printable(environment)))
                    .unwrap_or_default(),
                Printable(&drill.id)
            ),
            None => println!("  {:<11} never", kind.as_str()),
        }
    }
    for warning in &server.drill_warnings {
        println!("  warning: {warning}");
    }
    if server.backups.is_empty() {
        return;
    }
    println!("backups recorded on the server:");
    for backup in &server.backups {
        println!(
            "  {:<15} {:<7} {}  {} on {}{}",
            backup.kind,
            if backup.ok { "ok" } else { "FAILED" },
            backup.started_at.strftime("%Y-%m-%d %H:%M UTC"),
            backup
                .backup_id
                .as_deref()
                .map(Printable)
                .map_or_else(String::new, |id| id.to_string()),
            Printable(&backup.host),
            backup
                .error
                .as_deref()
                .map(|error| format!(": {}", Printable(error)))
                .unwrap_or_default()
        );
    }
}

/// The newest backup run and the newest verification among `records` (newest first).
fn last_backups(records: Vec<BackupRecord>) -> Vec<BackupRecord> {
    let run = records.iter().find(|record| record.kind == "run").cloned();
    let verify = records
        .iter()
        .find(|record| record.kind.starts_with("verify"))
        .cloned();
    run.into_iter().chain(verify).collect()
}

fn print_switches(status: &Status) {
    let server = &status.server;
    match (&server.board, &server.error) {
        (Some(board), _) => {
            println!("server {} (revision {})", server.url, board.revision);
            if server.unauthenticated {
                println!(
                    "  WARNING the server answers WITHOUT AUTHENTICATION (--insecure-no-auth): anyone who reaches it can halt and release"
                );
            }
            println!(
                "  {:<12} {:<8} {:<10} {:<20} REASON",
                "SWITCH", "STATE", "SINCE", "BY"
            );
            for (scope, state) in &board.switches {
                let last = state.last.as_ref();
                println!(
                    "  {:<12} {:<8} {:<10} {:<20} {}",
                    scope.as_str(),
                    if state.halted { "HALTED" } else { "running" },
                    last.map(|e| ago(e.at)).unwrap_or_else(|| "-".into()),
                    last.map(|e| shown(&e.actor)).unwrap_or_else(|| "-".into()),
                    last.map(described_reason).unwrap_or_default(),
                );
            }
        }
        (None, error) => println!(
            "server {} UNREACHABLE: {}",
            server.url,
            shown(error.as_deref().unwrap_or(""))
        ),
    }
    let markers = &status.local.markers;
    if markers.halts.is_empty() {
        println!("local markers in {}: none", status.local.dir.display());
    } else {
        println!("local markers in {}:", status.local.dir.display());
        for (scope, marker) in &markers.halts {
            println!(
                "  {:<12} HALTED   {:<10} {:<20} {}",
                scope.as_str(),
                ago(marker.at),
                shown(&marker.actor),
                shown(&marker.reason)
            );
        }
    }
    if let Some(problem) = &markers.problem {
        println!("  WARNING {}", shown(problem));
    }
    for refused in &markers.refused {
        println!(
            "  IGNORED {}: {}",
            shown(&refused.path.to_string_lossy()),
            shown(&refused.reason)
        );
    }
    if !server.agents.is_empty() {
        print_agents(server);
    }
    if server.skipped_agents > 0 {
        println!(
            "  WARNING {} agent rows could not be read and were skipped; the server's log names them",
            server.skipped_agents
        );
    }
}

fn print_agents(server: &ServerStatus) {
    println!("agents:");
    println!(
        "  {:<36} {:<8} {:<9} {:>8} {:>10} {:<10} COMMAND",
        "ID", "SCOPE", "STATE", "REVISION", "LATENCY", "CONTACT"
    );
    let head = server.board.as_ref().map(|board| board.revision);
    for agent in &server.agents {
        let report = &agent.report;
        let state = match (report.exit_code, report.halted) {
            (Some(code), _) => format!("exit {code}"),
            (None, _) if agent.stale => "STALE".to_owned(),
            (None, true) => "HALTED".to_owned(),
            (None, false) => "running".to_owned(),
        };
        // A revision this log never had, or one of another log: the agent follows a
        // server whose state was replaced or rolled back.
        let other_log = report.log.is_some() && server.log.is_some() && report.log != server.log;
        let revision = if other_log {
            format!("{}?log", report.revision)
        } else if head.is_some_and(|head| report.revision > head) {
            format!("{}?head", report.revision)
        } else {
            report.revision.to_string()
        };
        println!(
            "  {:<36} {:<8} {:<9} {:>8} {:>10} {:<10} {}",
            shown(&agent.id),
            report.scope.as_str(),
            state,
            revision,
            report
                .latency_ms
                .map(|ms| format!("{ms:.1} ms"))
                .unwrap_or_else(|| "-".into()),
            ago(agent.last_contact),
            shown(report.command.as_deref().unwrap_or("")),
        );
        for (scope, carried) in &report.carried {
            println!(
                "    carries a halt of `{scope}` from lost log {} ({}: {}) until this log resumes it",
                shown(&carried.from_log),
                shown(&carried.actor),
                shown(&carried.reason)
            );
        }
        if let Some(problem) = &agent.witness_problem {
            println!("    WARNING {}", shown(problem));
        }
        if other_log {
            println!(
                "    reports revision {} of log {}, not of this server's log {}: its state was replaced",
                report.revision,
                shown(report.log.as_deref().unwrap_or("")),
                shown(server.log.as_deref().unwrap_or(""))
            );
        } else if let Some(head) =
            head.filter(|head| report.revision > *head && agent.witness_problem.is_none())
        {
            println!(
                "    has applied revision {}, beyond this log's head {head}: the log was rolled back",
                report.revision
            );
        }
    }
}
