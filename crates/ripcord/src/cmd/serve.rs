use anyhow::Context;
use ripcord_core::exit;
use ripcord_server::Application;
use tokio::sync::watch;

use crate::config::Config;

/// Serves the control plane and, when `[backup]` has schedules, runs them beside it until
/// Ctrl-C or SIGTERM.
pub async fn run(config: Config) -> anyhow::Result<u8> {
    let data_dir = config.serve.data_dir.clone();
    let app = Application::build(config.serve.clone()).await?;
    tracing::info!(addr = %app.local_addr(), data_dir = %data_dir.display(), "ripcord serve listening");

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
