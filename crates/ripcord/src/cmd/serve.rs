use anyhow::Context;
use ripcord_core::exit;
use ripcord_server::Application;
use tokio::sync::watch;

use crate::config::Config;

/// Serves the control plane and, when `[backup]` has schedules, runs them beside it until
/// Ctrl-C or SIGTERM.
pub async fn run(config: Config) -> anyhow::Result<u8> {
    raise_open_file_limit();
    let store = ripcord_server::describe_store(&config.serve);
    let app = Application::build(config.serve.clone()).await?;
    let fanout = ripcord_server::describe_fanout(&config.serve);
    tracing::info!(addr = %app.local_addr(), %store, %fanout, "ripcord serve listening");

    let (stopping, stop) = watch::channel(false);
    tokio::spawn(async move {
        super::shutdown_signal().await;
        let _ = stopping.send(true);
    });
    let stopped = |mut stop: watch::Receiver<bool>| async move {
        let _ = stop.wait_for(|stopping| *stopping).await;
    };
    let server = app.run_until(stopped(stop.clone()));
    let schedules = ripcord_backup::run_schedules(&config.backup, &config.notify, stopped(stop));
    tokio::pin!(server);
    tokio::select! {
        served = &mut server => served?,
        scheduled = schedules => {
            // Ends at once when nothing is scheduled; an error is a configuration mistake.
            scheduled.context("backup schedules")?;
            server.await?;
        }
    }
    Ok(exit::SUCCESS)
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
