//! Tokens and security events: admins only.

use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::extract::{Extension, State};
use axum::http::StatusCode;
use ripcord_core::Printable;
use ripcord_core::auth::{Permission, Role, TokenInfo};
use serde::{Deserialize, Serialize};

use super::{Body, Params, Segment, page_limit};
use crate::app::AppState;
use crate::audit::Verification;
use crate::auth::{Caller, Changer, TokenError, create_token, revoke_token};
use crate::error::ApiError;
use crate::storage::{AuditEntry, SecurityEvent};

/// Body of `POST /v1/tokens`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CreateBody {
    name: String,
    role: Role,
    /// How long it is valid, e.g. `90d`; forever when absent.
    #[serde(default, with = "humantime_serde")]
    expires_in: Option<Duration>,
}

/// The answer to `POST /v1/tokens`: the secret, shown this once.
#[derive(Debug, Serialize)]
pub(crate) struct Created {
    token: String,
    #[serde(flatten)]
    info: TokenInfo,
}

pub(crate) async fn create(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Body(body): Body<CreateBody>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    caller.require(&state.auth, Permission::Administer)?;
    let storage = state.hub.storage();
    let by = Changer {
        actor: caller.name().unwrap_or("local"),
        key: state.config.audit_key(),
    };
    let (secret, info) = create_token(storage.as_ref(), &body.name, body.role, body.expires_in, by)
        .await
        .map_err(api_error)?;
    state.auth.reload(storage.as_ref()).await?;
    tracing::info!(token = %info.prefix, name = %Printable(&info.name), role = %info.role, by = caller.name().unwrap_or("local"), "token created");
    Ok((
        StatusCode::CREATED,
        Json(Created {
            token: secret.expose().to_owned(),
            info,
        }),
    ))
}

pub(crate) async fn list(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
) -> Result<Json<Vec<TokenInfo>>, ApiError> {
    caller.require(&state.auth, Permission::Administer)?;
    let tokens = state.hub.storage().tokens().await?;
    Ok(Json(tokens.into_iter().map(|token| token.info).collect()))
}

pub(crate) async fn revoke(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Segment(token): Segment<String>,
) -> Result<Json<TokenInfo>, ApiError> {
    caller.require(&state.auth, Permission::Administer)?;
    let storage = state.hub.storage();
    let by = Changer {
        actor: caller.name().unwrap_or("local"),
        key: state.config.audit_key(),
    };
    let revoked = revoke_token(storage.as_ref(), &token, by)
        .await
        .map_err(api_error)?
        .ok_or_else(|| {
            ApiError::NoSuchToken(ripcord_core::auth::token_reference(&token).into_owned())
        })?;
    state.auth.reload(storage.as_ref()).await?;
    tracing::info!(token = %revoked.prefix, name = %Printable(&revoked.name), by = caller.name().unwrap_or("local"), "token revoked");
    Ok(Json(revoked))
}

fn api_error(error: TokenError) -> ApiError {
    match error {
        TokenError::Invalid(message) => ApiError::Invalid {
            field: "name",
            message,
        },
        TokenError::InvalidExpiry(message) => ApiError::Invalid {
            field: "expires_in",
            message,
        },
        TokenError::Storage(error) => ApiError::Storage(error),
        TokenError::Random(message) => ApiError::Internal(message),
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct EventsParams {
    #[serde(default)]
    after: i64,
    limit: Option<i64>,
}

/// Refused requests, counted per minute, kind, token and peer, oldest first.
pub(crate) async fn security_events(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Params(params): Params<EventsParams>,
) -> Result<Json<Vec<SecurityEvent>>, ApiError> {
    caller.require(&state.auth, Permission::Administer)?;
    let limit = page_limit(params.limit)?;
    Ok(Json(
        state
            .hub
            .storage()
            .security_events(params.after, limit)
            .await?,
    ))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AuditParams {
    #[serde(default)]
    after: u64,
    limit: Option<i64>,
}

/// The audit log (token changes, refused requests), oldest first: admins only.
pub(crate) async fn audit_log(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Params(params): Params<AuditParams>,
) -> Result<Json<Vec<AuditEntry>>, ApiError> {
    caller.require(&state.auth, Permission::Administer)?;
    let limit = page_limit(params.limit)?;
    Ok(Json(
        state.hub.storage().audit_after(params.after, limit).await?,
    ))
}

/// Both logs' hash chains, checked from the start: any token may ask.
pub(crate) async fn verify(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
) -> Result<Json<Verification>, ApiError> {
    caller.require(&state.auth, Permission::Read)?;
    Ok(Json(
        crate::audit::verify(state.hub.storage().as_ref(), state.config.audit_key()).await?,
    ))
}
