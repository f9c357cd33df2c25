//! `ripcord migrate [--dry-run]`: brings the state store's schema up to this version of
//! ripcord, or lists what that would apply. `serve` migrates at start too; running it
//! alone first lets a deploy fail on a migration before any replica is replaced.

use clap::Args;
use ripcord_core::exit;

use super::{OutputFormat, StoreArgs};
use crate::config::Config;

#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// List the migrations the store lacks; change nothing
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub store: StoreArgs,
    #[arg(long, value_parser = OutputFormat::people_or_machines(), default_value = "human")]
    pub format: OutputFormat,
}

pub async fn run(mut config: Config, args: MigrateArgs) -> anyhow::Result<u8> {
    args.store.apply(&mut config.serve)?;
    let migration = ripcord_server::migrate_store(&config.serve, args.dry_run).await?;
    match args.format {
        OutputFormat::Json => println!("{}", serde_json::to_string_pretty(&migration)?),
        _ => {
            let versions = migration
                .versions
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(", ");
            match (migration.versions.is_empty(), migration.dry_run) {
                (true, _) => println!("{}: up to date", migration.store),
                (false, true) => println!(
                    "{}: would apply migration(s) {versions} (dry run: nothing changed)",
                    migration.store
                ),
                (false, false) => println!("{}: applied migration(s) {versions}", migration.store),
            }
        }
    }
    Ok(exit::SUCCESS)
}
