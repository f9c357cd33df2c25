//! Every failure of a request becomes a status and an [`ErrorBody`] naming what was wrong.

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use ripcord_core::ModelError;
use ripcord_core::api::{ErrorBody, ErrorDetail};

use crate::storage::StorageError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error(transparent)]
    Model(#[from] ModelError),
    #[error(transparent)]
    Json(#[from] JsonRejection),
    #[error(transparent)]
    Query(#[from] QueryRejection),
    #[error(transparent)]
    Path(#[from] PathRejection),
    #[error("invalid `{field}`: {message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// `/readyz`: the storage cannot take a write, so no halt could be recorded.
    #[error("the state database cannot be written: {0}")]
    NotWritable(StorageError),
    #[error("too many event streams and long-polls are open; retry later")]
    TooManyStreams,
    #[error("the request body did not arrive within {0:?}")]
    BodyTimeout(std::time::Duration),
    #[error("{0}")]
    Unauthenticated(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("too many requests with this token; retry in {0} s")]
    RateLimited(u64),
    #[error("no such endpoint; see docs/killswitch.md for the API")]
    NotFound,
    #[error("no live token has the prefix or name `{0}`")]
    NoSuchToken(String),
    #[error("this endpoint does not take that method")]
    MethodNotAllowed,
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    fn parts(&self) -> (StatusCode, &'static str) {
        match self {
            ApiError::Model(ModelError::UnknownScope { .. }) => {
                (StatusCode::NOT_FOUND, "unknown_scope")
            }
            ApiError::Model(_) | ApiError::Invalid { .. } => {
                (StatusCode::UNPROCESSABLE_ENTITY, "invalid_request")
            }
            ApiError::Json(JsonRejection::JsonSyntaxError(_)) => {
                (StatusCode::BAD_REQUEST, "malformed_json")
            }
            ApiError::Json(JsonRejection::JsonDataError(_)) => {
                (StatusCode::UNPROCESSABLE_ENTITY, "invalid_body")
            }
            ApiError::Json(JsonRejection::MissingJsonContentType(_)) => {
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, "expected_json")
            }
            ApiError::Json(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                (StatusCode::PAYLOAD_TOO_LARGE, "body_too_large")
            }
            ApiError::Json(rejection) => (rejection.status(), "unreadable_body"),
            ApiError::Query(_) => (StatusCode::BAD_REQUEST, "invalid_query"),
            ApiError::Path(_) => (StatusCode::BAD_REQUEST, "invalid_path"),
            // Replicas kept taking the next revision until the write deadline: nothing was
            // recorded, and an operator should retry, not resolve a conflict.
            ApiError::Storage(StorageError::RevisionTaken(_)) => {
                (StatusCode::SERVICE_UNAVAILABLE, "contended")
            }
            ApiError::Storage(StorageError::NameTaken(_)) => (StatusCode::CONFLICT, "name_taken"),
            ApiError::Storage(_) => (StatusCode::SERVICE_UNAVAILABLE, "storage_unavailable"),
            ApiError::NotWritable(_) => (StatusCode::SERVICE_UNAVAILABLE, "not_ready"),
            ApiError::TooManyStreams => (StatusCode::SERVICE_UNAVAILABLE, "too_many_streams"),
            ApiError::BodyTimeout(_) => (StatusCode::REQUEST_TIMEOUT, "request_timeout"),
            ApiError::Unauthenticated(_) => (StatusCode::UNAUTHORIZED, "unauthenticated"),
            ApiError::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
            ApiError::RateLimited(_) => (StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
            ApiError::NotFound => (StatusCode::NOT_FOUND, "not_found"),
            ApiError::NoSuchToken(_) => (StatusCode::NOT_FOUND, "no_such_token"),
            ApiError::MethodNotAllowed => (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
            ApiError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }

    /// The request field at fault, when one is.
    fn field(&self) -> Option<String> {
        match self {
            ApiError::Model(error) => error.field().map(str::to_owned),
            ApiError::Invalid { field, .. } => Some((*field).to_owned()),
            // serde says "missing field `reason`" or "unknown field `scop`, expected …".
            ApiError::Json(JsonRejection::JsonDataError(error)) => {
                let text = error.body_text();
                let (_, rest) = text.split_once("field `")?;
                rest.split_once('`').map(|(name, _)| name.to_owned())
            }
            _ => None,
        }
    }

    fn message(&self) -> String {
        match self {
            // axum's rejection text names the field serde choked on ("missing field `reason`").
            ApiError::Json(rejection) => rejection.body_text(),
            ApiError::Query(rejection) => rejection.body_text(),
            ApiError::Path(rejection) => rejection.body_text(),
            ApiError::Storage(StorageError::RevisionTaken(_)) => {
                "other changes kept being written at the same moment; nothing was recorded: retry"
                    .to_owned()
            }
            ApiError::Storage(error @ StorageError::NameTaken(_)) => error.to_string(),
            // Storage details go to the log, not to callers.
            ApiError::Storage(_) => "the state database is unavailable".to_owned(),
            other => other.to_string(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.parts();
        let field = self.field();
        match &self {
            ApiError::TooManyStreams => {
                tracing::warn!("refused a stream or long-poll: serve.max_streams are open");
            }
            _ if status.is_server_error() => tracing::error!(error = %self, "request failed"),
            _ => {}
        }
        let body = ErrorBody {
            error: ErrorDetail {
                code: code.to_owned(),
                message: self.message(),
                field,
            },
        };
        let mut response = (status, Json(body)).into_response();
        if matches!(self, ApiError::TooManyStreams | ApiError::BodyTimeout(_)) {
            // Close the connection: its file descriptor is what a halt needs.
            response
                .headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
        }
        match self {
            ApiError::TooManyStreams => {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
            }
            ApiError::RateLimited(seconds) => {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
            }
            ApiError::Unauthenticated(_) => {
                response
                    .headers_mut()
                    .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            _ => {}
        }
        response
    }
}
