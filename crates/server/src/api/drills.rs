//! The safety net's history: drills' records (`ripcord drill` sends its report when it
//! ends) and backups' (`ripcord backup` sends its run-log line), so `status` and the
//! console show the last of each wherever it ran.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Extension, State};
use axum::http::StatusCode;
use ripcord_core::api::{BackupRecord, DrillRecord};
use ripcord_core::auth::Permission;
use serde::Deserialize;

use super::{Body, Params, page_limit};
use crate::app::AppState;
use crate::auth::Caller;
use crate::error::ApiError;

/// The kinds of drill there are.
const KINDS: &[&str] = &["killswitch", "restore"];
const STATUSES: &[&str] = &["completed", "failed", "stopped"];
const VERDICTS: &[&str] = &["passed", "missed", "inconclusive"];
/// What a backup command may have been.
const BACKUP_KINDS: &[&str] = &["run", "verify", "verify-restore", "restore", "prune"];
/// The longest error or destination kept.
const MAX_TEXT: usize = 4096;
/// The longest id, environment or scope kept.
const MAX_NAME: usize = 200;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DrillsParams {
    limit: Option<i64>,
}

/// Records a drill: operators (who may halt) only, since a drill halts.
pub(crate) async fn record(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Body(mut drill): Body<DrillRecord>,
) -> Result<StatusCode, ApiError> {
    caller.require(&state.auth, Permission::Change)?;
    check(&drill)?;
    drill.recorded_by = caller.name().unwrap_or("local").to_owned();
    state.record_drill(&drill).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The newest drills first.
pub(crate) async fn list(
    State(state): State<Arc<AppState>>,
    Params(params): Params<DrillsParams>,
) -> Result<Json<Vec<DrillRecord>>, ApiError> {
    let limit = page_limit(params.limit)?;
    Ok(Json(state.hub.storage().drills(limit).await?))
}

/// Records what a backup command did: agents (hosts that run backups) and up.
pub(crate) async fn record_backup(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Body(mut backup): Body<BackupRecord>,
) -> Result<StatusCode, ApiError> {
    caller.require(&state.auth, Permission::RecordBackup)?;
    one_of("kind", &backup.kind, BACKUP_KINDS)?;
    printable("id", Some(&backup.id), MAX_NAME)?;
    printable("host", Some(&backup.host), MAX_NAME)?;
    printable("backup_id", backup.backup_id.as_deref(), MAX_NAME)?;
    printable("destination", Some(&backup.destination), MAX_TEXT)?;
    if backup
        .error
        .as_ref()
        .is_some_and(|error| error.len() > MAX_TEXT)
    {
        return Err(invalid("error", format!("at most {MAX_TEXT} bytes")));
    }
    backup.recorded_by = caller.name().unwrap_or("local").to_owned();
    state.hub.storage().record_backup(&backup).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The newest backup records first.
pub(crate) async fn backups(
    State(state): State<Arc<AppState>>,
    Params(params): Params<DrillsParams>,
) -> Result<Json<Vec<BackupRecord>>, ApiError> {
    let limit = page_limit(params.limit)?;
    Ok(Json(state.hub.storage().backups(limit).await?))
}

fn invalid(field: &'static str, message: String) -> ApiError {
    ApiError::Invalid { field, message }
}

fn one_of(field: &'static str, value: &str, allowed: &[&str]) -> Result<(), ApiError> {
    if allowed.contains(&value) {
        Ok(())
    } else {
        Err(invalid(
            field,
            format!("expected one of {}", allowed.join(", ")),
        ))
    }
}

/// Text from a client that is shown to people: present, bounded, one line.
fn printable(field: &'static str, value: Option<&str>, most: usize) -> Result<(), ApiError> {
    match value {
        Some(value)
            if value.is_empty() || value.len() > most || value.chars().any(char::is_control) =>
        {
            Err(invalid(
                field,
                format!("expected 1 to {most} bytes of printable text"),
            ))
        }
        _ => Ok(()),
    }
}

fn check(drill: &DrillRecord) -> Result<(), ApiError> {
    one_of("kind", &drill.kind, KINDS)?;
    one_of("status", &drill.status, STATUSES)?;
    one_of("verdict", &drill.verdict, VERDICTS)?;
    printable("id", Some(&drill.id), MAX_NAME)?;
    printable("environment", drill.environment.as_deref(), MAX_NAME)?;
    printable("scope", drill.scope.as_deref(), MAX_NAME)?;
    if drill.ended < drill.started {
        return Err(invalid("ended", "before `started`".into()));
    }
    if !drill.report.is_object() {
        return Err(invalid(
            "report",
            "expected the drill's report, an object".into(),
        ));
    }
    Ok(())
}
