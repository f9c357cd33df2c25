//! The HTTP API: routes, and extractors whose rejections become the documented JSON errors.

mod agents;
mod drills;
mod ofrep;
mod switches;
mod tokens;

use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use axum::routing::{delete, get, post};
use axum::{Json, Router};

use ripcord_core::api::{AgentId, MAX_AGENT_ID_LEN};

use crate::app::AppState;
use crate::error::ApiError;

/// The largest `limit` of a listing.
pub(crate) const MAX_PAGE: u32 = 1_000;

pub(crate) fn router(state: Arc<AppState>) -> Router {
    let max_body = state.config.max_body_bytes;
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(switches::readyz))
        .route("/v1/switches", get(switches::board))
        .route("/v1/switches/wait", get(switches::wait_for_change))
        .route("/v1/switches/{scope}/halt", post(switches::halt))
        .route("/v1/switches/{scope}/resume", post(switches::resume))
        .route("/v1/events", get(switches::events))
        .route("/v1/stream", get(switches::event_stream))
        .route("/v1/agents", get(agents::list))
        .route("/v1/agents/{id}/report", post(agents::report))
        .route("/v1/drills", get(drills::list).post(drills::record))
        .route(
            "/v1/backups",
            get(drills::backups).post(drills::record_backup),
        )
        .route("/v1/tokens", get(tokens::list).post(tokens::create))
        .route("/v1/tokens/{token}", delete(tokens::revoke))
        .route("/v1/security-events", get(tokens::security_events))
        .route("/v1/audit", get(tokens::audit_log))
        .route("/v1/audit/verify", get(tokens::verify))
        .route("/ofrep/v1/evaluate/flags", post(ofrep::evaluate_flags))
        .route("/ofrep/v1/evaluate/flags/{key}", post(ofrep::evaluate_flag))
        .route("/ofrep/v1/events", get(ofrep::events))
        .fallback(|| async { ApiError::NotFound })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::auth::authenticate,
        ))
        .layer(DefaultBodyLimit::max(max_body))
        .with_state(state)
}

/// `Json` whose rejections become [`ApiError`]s with our error body, read within
/// `serve.header_timeout`: a client that sends half a body does not hold its connection
/// (and a file descriptor a halt may need) for long.
pub(crate) struct Body<T>(pub T);

impl<T> FromRequest<Arc<AppState>> for Body<T>
where
    Json<T>: FromRequest<Arc<AppState>, Rejection = axum::extract::rejection::JsonRejection>,
{
    type Rejection = ApiError;

    async fn from_request(
        request: Request,
        state: &Arc<AppState>,
    ) -> Result<Self, Self::Rejection> {
        let limit = state.config.header_timeout;
        match tokio::time::timeout(limit, Json::<T>::from_request(request, state)).await {
            Ok(body) => Ok(Body(body?.0)),
            Err(_) => Err(ApiError::BodyTimeout(limit)),
        }
    }
}

/// `Query` whose rejections become [`ApiError`]s.
pub(crate) struct Params<T>(pub T);

impl<T, S> FromRequestParts<S> for Params<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Ok(Params(
            Query::<T>::from_request_parts(parts, state).await?.0,
        ))
    }
}

/// `Path` whose rejections (bad UTF-8, a missing segment) become [`ApiError`]s.
pub(crate) struct Segment<T>(pub T);

impl<T, S> FromRequestParts<S> for Segment<T>
where
    T: serde::de::DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Ok(Segment(
            Path::<T>::from_request_parts(parts, state).await?.0,
        ))
    }
}

/// A listing's `limit`: 1 to [`MAX_PAGE`], 100 when not given. Taken as any integer so
/// that a number out of range is a 422 naming the field, not a parse error.
pub(crate) fn page_limit(limit: Option<i64>) -> Result<u32, ApiError> {
    match limit {
        None => Ok(100),
        Some(limit) => u32::try_from(limit)
            .ok()
            .filter(|limit| (1..=MAX_PAGE).contains(limit))
            .ok_or_else(|| ApiError::Invalid {
                field: "limit",
                message: format!("expected 1 to {MAX_PAGE}"),
            }),
    }
}

/// An agent id from a path or a query: see [`AgentId`].
pub(crate) fn agent_id(id: String, field: &'static str) -> Result<AgentId, ApiError> {
    AgentId::try_from(id).map_err(|_| ApiError::Invalid {
        field,
        message: format!("expected 1 to {MAX_AGENT_ID_LEN} bytes of printable text"),
    })
}

/// The value of header `name` as text, if present; a value that is not text is an error
/// naming the header.
pub(crate) fn header_text<'a>(
    headers: &'a HeaderMap,
    name: &'static str,
) -> Result<Option<&'a str>, ApiError> {
    headers
        .get(name)
        .map(|value| {
            value.to_str().map_err(|_| ApiError::Invalid {
                field: name,
                message: "expected visible ASCII".into(),
            })
        })
        .transpose()
}
