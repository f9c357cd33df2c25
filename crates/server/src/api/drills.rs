//! Drills' records (`ripcord drill` sends its report when it ends), so `status` and the
//! console show the last drill of each kind wherever it ran.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Extension, State};
use axum::http::StatusCode;
use ripcord_core::api::DrillRecord;
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
    state.hub.storage().record_drill(&drill).await?;
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

fn check(drill: &DrillRecord) -> Result<(), ApiError> {
    let invalid = |field: &'static str, message: String| ApiError::Invalid { field, message };
    let one_of = |field: &'static str, value: &str, allowed: &[&str]| {
        if allowed.contains(&value) {
            Ok(())
        } else {
            Err(invalid(
                field,
                format!("expected one of {}", allowed.join(", ")),
            ))
        }
    };
    one_of("kind", &drill.kind, KINDS)?;
    one_of("status", &drill.status, STATUSES)?;
    one_of("verdict", &drill.verdict, VERDICTS)?;
    for (field, value) in [
        ("id", Some(drill.id.as_str())),
        ("environment", drill.environment.as_deref()),
        ("scope", drill.scope.as_deref()),
    ] {
        if let Some(value) = value
            && (value.is_empty() || value.len() > MAX_NAME || value.chars().any(char::is_control))
        {
            return Err(invalid(
                field,
                format!("expected 1 to {MAX_NAME} bytes of printable text"),
            ));
        }
    }
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
