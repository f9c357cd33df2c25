//! Checks before anything is written: the Supabase transaction pooler, pg_dump's version
//! against the server's, what the role cannot read, and whether the destination takes a
//! write.

use bytes::Bytes;
use jiff::Timestamp;
use serde::Serialize;
use tokio_postgres::Client;

use crate::pg::{self, DbUrl, ServerInfo};
use crate::store::Store;
use crate::tools::{self, Tool};
use crate::{BackupConfig, BackupError, manifest};

/// What preflight found, before anything was written.
#[derive(Debug, Clone, Serialize)]
pub struct Preflight {
    pub server_version: String,
    pub pg_dump: String,
    pub pg_dump_version: String,
    pub excluded_schemas: Vec<String>,
    /// Unreadable schemas left out because of `skip_unreadable_schemas`.
    pub skipped_schemas: Vec<String>,
}

/// What the dump stage needs from preflight.
pub(crate) struct Checked {
    pub preflight: Preflight,
    pub server: ServerInfo,
    pub pg_dump: Tool,
}

/// Refuses the Supabase transaction pooler, which breaks pg_dump.
pub fn check_supabase(db: &DbUrl) -> Result<(), BackupError> {
    let supabase = db.host.ends_with(".pooler.supabase.com") || db.host.ends_with(".supabase.co");
    if supabase && db.port == 6543 {
        return Err(BackupError::Preflight(format!(
            "{} is Supabase's transaction pooler (port 6543), which does not keep a session and \
             breaks pg_dump (prepared statements, SET, snapshots); use the session pooler: the \
             same host on port 5432 ({}:5432)",
            db.display, db.host
        )));
    }
    Ok(())
}

/// Versions, permissions, destination — before anything is written. `id` names the backup
/// the probe object is written for.
pub(crate) async fn check(
    config: &BackupConfig,
    db: &DbUrl,
    client: &Client,
    store: &Store,
    id: &str,
    started_at: Timestamp,
) -> Result<Checked, BackupError> {
    let server = pg::server_info(db, client).await?;
    let pg_dump = tools::find("pg_dump", config.pg_bin_dir.as_deref(), server.major())?;
    if pg_dump.major < server.major() {
        return Err(BackupError::Preflight(format!(
            "{} is version {} but the server {} runs PostgreSQL {}: pg_dump must be at least the \
             server's major version ({}); install postgresql-client-{} or set backup.pg_bin_dir",
            pg_dump.path.display(),
            pg_dump.version,
            db.display,
            server.version,
            server.major(),
            server.major()
        )));
    }
    let mut excluded = config.exclude_schemas.clone();
    let unreadable = pg::unreadable(db, client, &excluded).await?;
    let mut skipped = Vec::new();
    if !unreadable.schemas.is_empty() {
        if config.skip_unreadable_schemas {
            skipped = unreadable.schemas.clone();
            excluded.extend(unreadable.schemas.iter().cloned());
        } else {
            return Err(BackupError::Preflight(format!(
                "role {} cannot read schema(s) {}: pg_dump would fail on them; exclude them \
                 (--exclude-schema, or --skip-unreadable-schemas) or grant USAGE",
                server.user,
                unreadable.schemas.join(", ")
            )));
        }
    }
    if !unreadable.relations.is_empty() {
        return Err(BackupError::Preflight(format!(
            "role {} cannot read {}: grant SELECT or exclude their schema",
            server.user,
            unreadable.relations.join(", ")
        )));
    }
    if unreadable.large_objects > 0 {
        return Err(BackupError::Preflight(format!(
            "role {} cannot read {} large object(s): pg_dump would fail on the first one; \
             GRANT SELECT ON LARGE OBJECT … or back up as their owner",
            server.user, unreadable.large_objects
        )));
    }
    let probe = serde_json::json!({"at": started_at, "id": id, "source": db.display});
    store
        .put(
            &format!("{}/preflight.json", manifest::INTERNAL),
            Bytes::from(probe.to_string()),
        )
        .await
        .map_err(|e| {
            BackupError::Preflight(format!(
                "the destination is not writable: {}",
                crate::report(&e)
            ))
        })?;
    Ok(Checked {
        preflight: Preflight {
            server_version: server.version.clone(),
            pg_dump: pg_dump.path.display().to_string(),
            pg_dump_version: pg_dump.version.clone(),
            excluded_schemas: excluded,
            skipped_schemas: skipped,
        },
        server,
        pg_dump,
    })
}
