//! Where the control plane's state lives: PostgreSQL when `serve.database_url` is set,
//! else SQLite in the data folder. Tools that work on the state beside (or before) a
//! server, such as `ripcord token create` and `ripcord migrate`, open it here.

use std::sync::Arc;

use serde::Serialize;

use crate::app::ServerError;
use crate::config::ServerConfig;
use crate::lock;
use crate::storage::{PostgresStorage, SqliteStorage, Storage, redact};

/// Whether opening a store may create it. Making the first token comes before the first
/// server start, so it may; listing, revoking and verifying need a store that exists, so
/// a mistyped folder or database is an error rather than a new, empty store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opening {
    CreateIfMissing,
    MustExist,
}

/// The state store `config` names, migrated, without the server's lock on a data folder.
pub async fn open_store(
    config: &ServerConfig,
    opening: Opening,
) -> Result<Arc<dyn Storage>, ServerError> {
    let missing = || ServerError::NoStore {
        store: describe(config),
    };
    Ok(match &config.database_url {
        Some(url) => {
            let storage = PostgresStorage::connect_only(url.expose()).await?;
            if opening == Opening::MustExist && !storage.has_schema().await? {
                storage.close().await;
                return Err(missing());
            }
            storage.migrate(false).await?;
            Arc::new(storage)
        }
        None => {
            let file = lock::database_file(&config.data_dir);
            // Checked before `prepare`, which would create the folder (or tighten one a
            // mistyped path or a planted link points at).
            if opening == Opening::MustExist && !file.is_file() {
                return Err(missing());
            }
            lock::prepare(&config.data_dir)?;
            let storage = SqliteStorage::open(&file).await?;
            chain_legacy(&storage, config).await?;
            Arc::new(storage)
        }
    })
}

/// Chains an older log once a migration brought it to the hash chain, with the key.
async fn chain_legacy(storage: &dyn Storage, config: &ServerConfig) -> Result<(), ServerError> {
    let log = storage.log_id().await?;
    crate::audit::chain_legacy(storage, config.audit_key(), &log).await?;
    Ok(())
}

/// What `ripcord migrate` did, or with `dry_run` would do.
#[derive(Debug, Clone, Serialize)]
pub struct Migration {
    /// The store, its password hidden.
    pub store: String,
    /// The versions applied, or pending on a dry run; empty when it was up to date.
    pub versions: Vec<u32>,
    pub dry_run: bool,
}

/// Applies the state store's pending migrations, or lists them with `dry_run`.
pub async fn migrate_store(config: &ServerConfig, dry_run: bool) -> Result<Migration, ServerError> {
    let versions = match &config.database_url {
        Some(url) => {
            let storage = PostgresStorage::connect_only(url.expose()).await?;
            let versions = storage.migrate(dry_run).await;
            storage.close().await;
            versions?
        }
        // A dry run creates nothing, not even the folder or the file.
        None if dry_run && !lock::database_file(&config.data_dir).is_file() => {
            SqliteStorage::all_migrations()
        }
        None => {
            lock::prepare(&config.data_dir)?;
            let storage =
                SqliteStorage::open_unmigrated(&lock::database_file(&config.data_dir)).await?;
            let versions = match storage.migrate(dry_run).await {
                Ok(versions) => chain_legacy(&storage, config).await.map(|()| versions),
                Err(error) => Err(error.into()),
            };
            storage.close().await;
            versions?
        }
    };
    Ok(Migration {
        store: describe(config),
        versions,
        dry_run,
    })
}

/// The state store for people: the backend and where, never a password.
pub fn describe(config: &ServerConfig) -> String {
    match &config.database_url {
        Some(url) => format!("PostgreSQL {}", redact(url.expose())),
        None => format!("SQLite {}", lock::database_file(&config.data_dir).display()),
    }
}

/// How replicas hear of each other's changes, for people: Redis (without its password),
/// or only this process.
pub fn describe_fanout(config: &ServerConfig) -> String {
    match &config.redis_url {
        Some(url) => format!("Redis {}", redact(url.expose())),
        None => "in-process".to_owned(),
    }
}
