//! The HTTP API: routes, and extractors whose rejections become the documented JSON errors.

mod agents;
mod switches;

use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use axum::routing::{get, post};
use axum::{Json, Router};

use crate::app::AppState;
use crate::error::ApiError;

/// The largest `limit` of a listing.
pub(crate) const MAX_PAGE: u32 = 1_000;
/// The longest agent id accepted.
pub(crate) const MAX_AGENT_ID_LEN: usize = 200;

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
        .fallback(|| async { ApiError::NotFound })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        .layer(DefaultBodyLimit::max(max_body))
        .with_state(state)
}

/// `Json` whose rejections become [`ApiError`]s with our error body.
pub(crate) struct Body<T>(pub T);

impl<T, S> FromRequest<S> for Body<T>
where
    Json<T>: FromRequest<S, Rejection = axum::extract::rejection::JsonRejection>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        Ok(Body(Json::<T>::from_request(request, state).await?.0))
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

/// A listing's `limit`: 1 to [`MAX_PAGE`], 100 when not given.
pub(crate) fn page_limit(limit: Option<u32>) -> Result<u32, ApiError> {
    match limit {
        None => Ok(100),
        Some(limit @ 1..=MAX_PAGE) => Ok(limit),
        Some(_) => Err(ApiError::Invalid {
            field: "limit",
            message: format!("expected 1 to {MAX_PAGE}"),
        }),
    }
}

/// An agent id from a path or header: printable, 1 to [`MAX_AGENT_ID_LEN`] bytes.
pub(crate) fn agent_id(id: &str, field: &'static str) -> Result<String, ApiError> {
    if id.is_empty() || id.len() > MAX_AGENT_ID_LEN || id.chars().any(char::is_control) {
        return Err(ApiError::Invalid {
            field,
            message: format!("expected 1 to {MAX_AGENT_ID_LEN} printable characters"),
        });
    }
    Ok(id.to_owned())
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
