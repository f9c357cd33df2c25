//! `backup list`: the backups at a destination, newest first.

use jiff::Timestamp;
use serde::Serialize;

use crate::manifest::{self, VerifyRecord};
use crate::{BackupConfig, BackupError};

/// One backup as `list` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct ListRow {
    pub id: String,
    pub created: Timestamp,
    pub complete: bool,
    pub database: Option<String>,
    pub stored_bytes: u64,
    pub encrypted: bool,
    pub verified: Option<VerifyRecord>,
}

/// What `list` found.
#[derive(Debug, Clone, Serialize)]
pub struct Listing {
    pub destination: String,
    pub rows: Vec<ListRow>,
}

pub async fn list(config: &BackupConfig) -> Result<Listing, BackupError> {
    let destination = config.destination()?;
    let store = config.open_store().await?;
    let (backups, _) = manifest::catalog(&store).await?;
    let rows = backups
        .iter()
        .map(|b| ListRow {
            id: b.id.clone(),
            created: b.created,
            complete: b.complete(),
            database: b.manifest.as_ref().map(|m| m.database.clone()),
            stored_bytes: b.stored_bytes,
            encrypted: b
                .manifest
                .as_ref()
                .is_some_and(|m| m.dump.encryption.is_some()),
            verified: b.last_verification().cloned(),
        })
        .collect();
    Ok(Listing {
        destination: destination.to_owned(),
        rows,
    })
}
