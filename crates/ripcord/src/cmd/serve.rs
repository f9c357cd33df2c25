use std::future::Future;
use std::net::SocketAddr;

use anyhow::Context;
use ripcord_backup::schedule::{Schedule, run_on_schedule};
use ripcord_backup::{Observer, Progress};
use ripcord_core::exit;
use ripcord_drill::{DrillReport, Planned};
use ripcord_server::{Application, History};
use tokio::sync::watch;

use crate::config::Config;

/// Who the history names for what `serve` ran itself.
const SERVE: &str = "ripcord serve";

/// Serves the control plane and, when `[backup]` or `[[drill.schedule]]` has schedules,
/// runs them beside it until Ctrl-C or SIGTERM; what they did goes into the server's own
/// history, as `ripcord backup` and `ripcord drill` send theirs.
pub async fn run(mut config: Config) -> anyhow::Result<u8> {
    raise_open_file_limit();
    // Checked before anything listens: a bad entry is a configuration mistake.
    let drills = ripcord_drill::schedules(&config.drill).map_err(anyhow::Error::msg)?;
    config.serve.notify = config.notify.clone();
    let store = ripcord_server::describe_store(&config.serve);
    let app = Application::build(config.serve.clone()).await?;
    let fanout = ripcord_server::describe_fanout(&config.serve);
    tracing::info!(addr = %app.local_addr(), %store, %fanout, "ripcord serve listening");
    let history = app.history();
    let own_url = loopback_url(app.local_addr());

    let (stopping, stop) = watch::channel(false);
    tokio::spawn(async move {
        super::shutdown_signal().await;
        let _ = stopping.send(true);
    });
    let stopped = move || {
        let mut stop = stop.clone();
        async move {
            let _ = stop.wait_for(|stopping| *stopping).await;
        }
    };
    // A kill-switch drill under way when the signal comes resumes what it tripped, through
    // this server: it stops serving only after that.
    let (drilling, mut drill_done) = watch::channel(false);
    let server = app.run_until({
        let stopped = stopped();
        async move {
            stopped.await;
            let _ = drill_done.wait_for(|drilling| !*drilling).await;
        }
    });
    let backups = scheduled_backups(&config, &history, &stopped);
    let drills = scheduled_drills(&config, &drills, &history, own_url, &stopped, &drilling);
    // Each ends at once when nothing is scheduled; an error is a configuration mistake.
    let schedules = async { tokio::try_join!(backups, drills).map(drop) };
    tokio::pin!(server);
    tokio::select! {
        served = &mut server => served?,
        scheduled = schedules => {
            scheduled?;
            server.await?;
        }
    }
    Ok(exit::SUCCESS)
}

/// `[backup]`'s schedules, each run-log line also kept in the server's history.
async fn scheduled_backups<S: Future<Output = ()>>(
    config: &Config,
    history: &History,
    shutdown: &impl Fn() -> S,
) -> anyhow::Result<()> {
    let (records, mut recorded) = tokio::sync::mpsc::unbounded_channel();
    let observer = Observer::new(move |progress| {
        if let Progress::Recorded(record) = progress {
            let _ = records.send(record.to_api(&ripcord_agent::hostname()));
        }
    });
    let run = async move {
        let ran =
            ripcord_backup::run_schedules(&config.backup, &config.notify, &observer, shutdown)
                .await;
        // Ends the keeper below once it has kept the last record.
        drop(observer);
        ran.context("backup schedules")
    };
    let keep = async {
        while let Some(mut record) = recorded.recv().await {
            record.recorded_by = SERVE.to_owned();
            if let Err(error) = history.record_backup(&record).await {
                tracing::warn!(%error, "cannot keep a scheduled backup's record in the history");
            }
        }
    };
    let (ran, ()) = tokio::join!(run, keep);
    ran
}

/// `[[drill.schedule]]`: each drill run when due, its report logged, kept in the history
/// and announced like one `ripcord drill` sends. A kill-switch drill talks to this server's
/// API as `ripcord drill` would: with `client.token` (an operator's), or as a local caller
/// while no token exists.
async fn scheduled_drills<S: Future<Output = ()>>(
    config: &Config,
    schedules: &[(Schedule, Planned)],
    history: &History,
    own_url: String,
    shutdown: &impl Fn() -> S,
    drilling: &watch::Sender<bool>,
) -> anyhow::Result<()> {
    if schedules.is_empty() {
        return Ok(());
    }
    let mut client = config.clone();
    client.server.get_or_insert(own_url);
    let api = super::token::api(&client).context("the client for scheduled drills")?;
    // With a token the audit log names the token; without one, the scheduled drill.
    let anonymous = client.client.resolve_token()?.is_none();
    let jobs: Vec<(usize, Schedule)> = schedules
        .iter()
        .enumerate()
        .map(|(index, (schedule, _))| (index, schedule.clone()))
        .collect();
    let run = |index: usize, cancel: S| {
        let api = &api;
        async move {
            let Some((_, drill)) = schedules.get(index) else {
                return;
            };
            drilling.send_replace(true);
            let report = run_drill(config, api, drill, anonymous, cancel).await;
            drilling.send_replace(false);
            tracing::info!(
                id = %report.id,
                kind = report.kind.as_str(),
                status = ?report.status,
                verdict = ?report.verdict,
                findings = %report.findings.join("; "),
                "scheduled drill ended"
            );
            let mut record = report.to_record();
            record.recorded_by = SERVE.to_owned();
            if let Err(error) = history.record_drill(&record).await {
                tracing::warn!(%error, "cannot keep a scheduled drill's report in the history");
            }
        }
    };
    run_on_schedule(&jobs, shutdown, run)
        .await
        .context("drill schedules")
}

/// Runs one drill; `cancel` stops it the way Ctrl-C stops `ripcord drill`.
async fn run_drill(
    config: &Config,
    api: &ripcord_agent::ApiClient,
    drill: &Planned,
    anonymous: bool,
    cancel: impl Future<Output = ()>,
) -> DrillReport {
    match drill {
        Planned::Killswitch(drill) => {
            let drill = ripcord_drill::KillswitchDrill {
                actor: anonymous.then(|| SERVE.to_owned()),
                ..drill.clone()
            };
            ripcord_drill::killswitch::run(api, &drill, cancel).await
        }
        Planned::Restore(drill) => {
            ripcord_drill::restore::run(
                &config.backup,
                &config.notify,
                drill,
                &Observer::none(),
                cancel,
            )
            .await
        }
    }
}

/// The server's own address as a client reaches it: a wildcard address is reached on
/// loopback.
fn loopback_url(addr: SocketAddr) -> String {
    let host = match addr.ip() {
        ip if ip.is_unspecified() && ip.is_ipv4() => "127.0.0.1".to_owned(),
        ip if ip.is_unspecified() => "[::1]".to_owned(),
        std::net::IpAddr::V6(ip) => format!("[{ip}]"),
        std::net::IpAddr::V4(ip) => ip.to_string(),
    };
    format!("http://{host}:{}", addr.port())
}

/// Raises the soft limit on open files to the hard one: every event stream is a file
/// descriptor, and systemd's default soft limit (1,024) would cap a server at about a
/// thousand agents. `serve.max_streams` defaults to what this leaves, minus a reserve.
fn raise_open_file_limit() {
    use nix::sys::resource::{Resource, getrlimit, setrlimit};
    match getrlimit(Resource::RLIMIT_NOFILE) {
        Ok((soft, hard)) if soft < hard => match setrlimit(Resource::RLIMIT_NOFILE, hard, hard) {
            Ok(()) => tracing::debug!(from = soft, to = hard, "raised the open-file limit"),
            Err(error) => {
                tracing::warn!(%error, soft, hard, "cannot raise the open-file limit")
            }
        },
        Ok(_) => {}
        Err(error) => tracing::warn!(%error, "cannot read the open-file limit"),
    }
}
