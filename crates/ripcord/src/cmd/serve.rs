use ripcord_core::exit;
use ripcord_server::Application;

use crate::config::Config;

pub async fn run(config: Config) -> anyhow::Result<u8> {
    let data_dir = config.serve.data_dir.clone();
    let app = Application::build(config.serve).await?;
    tracing::info!(addr = %app.local_addr(), data_dir = %data_dir.display(), "ripcord serve listening");
    app.run_until(super::shutdown_signal()).await?;
    Ok(exit::SUCCESS)
}
