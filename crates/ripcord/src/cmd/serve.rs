use std::future::Future;
use std::net::SocketAddr;

use anyhow::Context;
use jiff::Timestamp;
use ripcord_backup::schedule::{Schedule, run_on_schedule};
use ripcord_backup::{Observer, Progress};
use ripcord_core::exit;
use ripcord_drill::{DrillReport, Planned};
use ripcord_server::{Application, History};
use tokio::sync::watch;

use super::backup::Records;
use crate::config::Config;

/// Who the history names for what `serve` ran itself.
const SERVE: &str = "ripcord serve";
/// How long `serve` waits, once it has stopped serving, for a scheduled job to wind down.
const WIND_DOWN: std::time::Duration = std::time::Duration::from_secs(30);

/// Serves the control plane and, when `[backup]` or `[[drill.schedule]]` has schedules,
/// runs them beside it until Ctrl-C or SIGTERM; what they did goes into the server's own
/// history, as `ripcord backup` and `ripcord drill` send theirs.
pub async fn run(mut config: Config) -> anyhow::Result<u8> {
    raise_open_file_limit();
    // Checked before anything listens: a bad entry is a configuration mistake.
    let drills = ripcord_drill::schedules(&config.drill).map_err(anyhow::Error::msg)?;
    check_drills_against_serve(&config, &drills)?;
    // Read once, before anything listens, and only when a kill-switch drill will use it.
    let drill_token = if drills
        .iter()
        .any(|(_, drill)| matches!(drill, Planned::Killswitch(_)))
    {
        config
            .client
            .resolve_token()
            .context("the token for scheduled kill-switch drills (client.token)")?
    } else {
        None
    };
    config.serve.notify = config.notify.clone();
    let store = ripcord_server::describe_store(&config.serve);
    let app = Application::build(config.serve.clone()).await?;
    let fanout = ripcord_server::describe_fanout(&config.serve);
    tracing::info!(addr = %app.local_addr(), %store, %fanout, "ripcord serve listening");
    let history = app.history();
    // Scheduled drills trip this server's switches, never those of `server =`.
    let api = super::token::api_with(
        &config,
        &loopback_url(app.local_addr()),
        drill_token.as_ref(),
    )?;
    // With a token the audit log names the token; without one, the scheduled drill.
    let anonymous = drill_token.is_none();

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
    // Scheduled jobs under way when the signal comes wind down first (a drill resumes what
    // it tripped, through this server, and both record what they did): the server stops
    // serving and closes its storage only after that.
    let (busy, mut idle) = watch::channel(0usize);
    let server = app.run_until({
        let stopped = stopped();
        async move {
            stopped.await;
            let _ = idle.wait_for(|jobs| *jobs == 0).await;
        }
    });
    let backups = scheduled_backups(&config, &history, &stopped, &busy);
    let drills = scheduled_drills(&config, &drills, &history, &api, anonymous, &stopped, &busy);
    // Each ends at once when nothing is scheduled; an error is a configuration mistake.
    let schedules = async { tokio::try_join!(backups, drills).map(drop) };
    tokio::pin!(server, schedules);
    tokio::select! {
        served = &mut server => {
            served?;
            if tokio::time::timeout(WIND_DOWN, &mut schedules).await.is_err() {
                tracing::warn!("a scheduled job did not wind down in time; it was cut off");
            }
        }
        scheduled = &mut schedules => {
            scheduled?;
            server.await?;
        }
    }
    Ok(exit::SUCCESS)
}

/// What a drill schedule asks of this server, checked at start rather than at each run:
/// its environment, production, its scope, and a destination for restores.
fn check_drills_against_serve(
    config: &Config,
    drills: &[(Schedule, Planned)],
) -> anyhow::Result<()> {
    let environment = config.serve.environment.as_deref();
    let production = environment.is_some_and(|env| env.eq_ignore_ascii_case("production"));
    for (index, (_, drill)) in drills.iter().enumerate() {
        let entry = index + 1;
        match drill {
            Planned::Killswitch(drill) => {
                if let Some(wanted) = &drill.environment {
                    anyhow::ensure!(
                        environment.is_some_and(|env| env.eq_ignore_ascii_case(wanted)),
                        "drill.schedule entry {entry}: environment = {wanted:?}, but \
                         serve.environment is {}",
                        environment.map_or("not set".to_owned(), |env| format!("{env:?}"))
                    );
                }
                anyhow::ensure!(
                    !production || drill.force_production,
                    "drill.schedule entry {entry}: this server is `production`; set \
                     force_production = true to drill it on a schedule"
                );
                anyhow::ensure!(
                    drill.scope.is_global() || config.serve.scopes.contains(&drill.scope),
                    "drill.schedule entry {entry}: scope {:?} is not `global` or one of \
                     serve.scopes",
                    drill.scope.as_str()
                );
            }
            Planned::Restore(_) => anyhow::ensure!(
                config.backup.to.is_some(),
                "drill.schedule entry {entry}: a restore drill needs backup.to"
            ),
        }
    }
    Ok(())
}

/// Counts a scheduled job as under way until dropped.
struct Busy<'a>(&'a watch::Sender<usize>);

impl<'a> Busy<'a> {
    fn start(jobs: &'a watch::Sender<usize>) -> Self {
        jobs.send_modify(|jobs| *jobs += 1);
        Busy(jobs)
    }
}

impl Drop for Busy<'_> {
    fn drop(&mut self) {
        self.0.send_modify(|jobs| *jobs = jobs.saturating_sub(1));
    }
}

/// `[backup]`'s schedules, each run-log line also kept in the server's history. Replicas
/// sharing a database run each slot once.
async fn scheduled_backups<S: Future<Output = ()>>(
    config: &Config,
    history: &History,
    shutdown: &impl Fn() -> S,
    busy: &watch::Sender<usize>,
) -> anyhow::Result<()> {
    let jobs = ripcord_backup::schedule::schedules(&config.backup).context("backup schedules")?;
    if jobs.is_empty() {
        return Ok(());
    }
    ripcord_backup::schedule::check(&config.backup, &jobs).context("backup schedules")?;
    let run = |job, slot: Timestamp, cancel| async move {
        if !history.claim_slot(&format!("backup:{job:?}"), slot).await {
            return;
        }
        let _busy = Busy::start(busy);
        let records = Records::default();
        let kept = records.clone();
        let observer = Observer::new(move |progress| match progress {
            Progress::Warning(message) => tracing::warn!(%message, "scheduled backup"),
            Progress::Recorded(record) => {
                if let Ok(mut kept) = kept.lock() {
                    kept.push((**record).clone());
                }
            }
            _ => {}
        });
        ripcord_backup::schedule::run_job(job, &config.backup, &config.notify, &observer, cancel)
            .await;
        for record in records
            .lock()
            .map(|mut r| std::mem::take(&mut *r))
            .unwrap_or_default()
        {
            let mut record = record.to_api(&ripcord_agent::hostname());
            record.recorded_by = SERVE.to_owned();
            if let Err(error) = history.record_backup(&record).await {
                tracing::warn!(%error, "cannot keep a scheduled backup's record in the history");
            }
        }
    };
    run_on_schedule(&jobs, shutdown, run)
        .await
        .context("backup schedules")
}

/// `[[drill.schedule]]`: each drill run when due, its report logged, kept in the history
/// and announced like one `ripcord drill` sends. A kill-switch drill talks to this
/// server's API as `ripcord drill` would: with `client.token` (an operator's), or as a
/// local caller while no token exists. Replicas sharing a database run each slot once.
async fn scheduled_drills<S: Future<Output = ()>>(
    config: &Config,
    schedules: &[(Schedule, Planned)],
    history: &History,
    api: &ripcord_agent::ApiClient,
    anonymous: bool,
    shutdown: &impl Fn() -> S,
    busy: &watch::Sender<usize>,
) -> anyhow::Result<()> {
    if schedules.is_empty() {
        return Ok(());
    }
    let jobs: Vec<(usize, Schedule)> = schedules
        .iter()
        .enumerate()
        .map(|(index, (schedule, _))| (index, schedule.clone()))
        .collect();
    let run = |index: usize, slot: Timestamp, cancel: S| async move {
        let Some((schedule, drill)) = schedules.get(index) else {
            return;
        };
        let name = format!("drill:{index}:{}", schedule.expression);
        if !history.claim_slot(&name, slot).await {
            return;
        }
        let _busy = Busy::start(busy);
        let report = run_drill(config, api, drill, anonymous, cancel).await;
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
