//! OFREP, the OpenFeature Remote Evaluation Protocol (0.3.0): every stock OpenFeature SDK
//! reads the switch as boolean flags, with no ripcord code in the application.
//!
//! - `ripcord.halted`: the global switch is halted (a halt that applies to everything);
//! - `ripcord.halted.<scope>`: that scope is halted, by its own switch or the global one.
//!
//! Evaluations read only the in-memory board (the token was checked against the cached
//! tokens): server SDKs ask once per evaluation, so a service that reads the flag on each
//! request sends a request per request. What real providers need, beyond the schema:
//! `reason` and `variant` always (the Python provider indexes both), a body without a
//! `context` or a `targetingKey` accepted (the providers send both; a kill switch has no
//! targeting), errors in the spec's shape, and a bulk `ETag` over the evaluated answer.

use std::sync::Arc;

use axum::Extension;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use ripcord_core::auth::Permission;
use ripcord_core::{Board, Scope};
use serde::Serialize;
use serde_json::{Value, json};

use super::Segment;
use crate::app::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::stream::TokenLease;

/// The global flag; scoped flags add `.<scope>`.
const FLAG: &str = "ripcord.halted";
/// Seconds of a browser's inactivity after which an SDK should close the stream.
const INACTIVITY_DELAY_SEC: u64 = 120;

/// One flag's evaluation.
#[derive(Debug, Serialize)]
struct Evaluation {
    key: String,
    value: bool,
    /// An OpenFeature reason: the value comes from the switch, with no targeting.
    reason: &'static str,
    variant: &'static str,
    metadata: serde_json::Map<String, Value>,
}

/// The flag `key` on `board`, or `None` when there is no such flag.
fn evaluate(board: &Board, log: &str, key: &str) -> Option<Evaluation> {
    let scope = match key.strip_prefix(FLAG)? {
        "" => Scope::global(),
        rest => rest.strip_prefix('.')?.parse().ok()?,
    };
    if !board.knows(&scope) {
        return None;
    }
    let cause = board.halt_cause(&scope);
    let mut metadata = serde_json::Map::new();
    metadata.insert("revision".into(), json!(board.revision));
    metadata.insert("log".into(), json!(log));
    metadata.insert("scope".into(), json!(scope.as_str()));
    if let Some(cause) = &cause {
        // Metadata values are strings, numbers or booleans: never null.
        metadata.insert("haltedBy".into(), json!(cause.scope.as_str()));
        metadata.insert("haltReason".into(), json!(cause.reason));
    }
    Some(Evaluation {
        key: key.to_owned(),
        value: cause.is_some(),
        reason: "STATIC",
        variant: if cause.is_some() { "halted" } else { "running" },
        metadata,
    })
}

/// Every flag of `board`, the global one first, then each scope's, by name.
fn evaluate_all(board: &Board, log: &str) -> Vec<Evaluation> {
    let scopes = board
        .switches
        .keys()
        .filter(|scope| **scope != Scope::global());
    std::iter::once(FLAG.to_owned())
        .chain(scopes.map(|scope| format!("{FLAG}.{scope}")))
        .filter_map(|key| evaluate(board, log, &key))
        .collect()
}

/// An OFREP error answer: `{"key", "errorCode", "errorDetails"}`.
fn failure(status: StatusCode, key: Option<&str>, code: &str, details: String) -> Response {
    let mut body = json!({ "errorCode": code, "errorDetails": details });
    if let Some(key) = key {
        body["key"] = json!(key);
    }
    (status, Json(body)).into_response()
}

/// A request body as OFREP SDKs send it: nothing, `{}`, or an object whose `context`, if
/// any, is an object (with or without a `targetingKey`). Read within
/// `serve.header_timeout`, whatever its content type: evaluations change nothing.
pub(crate) struct EvaluationBody(Result<(), String>);

impl FromRequest<Arc<AppState>> for EvaluationBody {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &Arc<AppState>) -> Result<Self, ApiError> {
        let limit = state.config.header_timeout;
        let bytes = tokio::time::timeout(limit, Bytes::from_request(request, state))
            .await
            .map_err(|_| ApiError::BodyTimeout(limit))?
            .map_err(|rejection| ApiError::Invalid {
                field: "body",
                message: rejection.body_text(),
            })?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(EvaluationBody(Ok(())));
        }
        let parsed = match serde_json::from_slice::<Value>(&bytes) {
            Ok(Value::Object(body)) => match body.get("context") {
                None | Some(Value::Object(_) | Value::Null) => Ok(()),
                Some(_) => Err("`context` must be an object".to_owned()),
            },
            Ok(_) => Err("the body must be a JSON object".to_owned()),
            Err(error) => Err(format!("the body is not JSON: {error}")),
        };
        Ok(EvaluationBody(parsed))
    }
}

/// `POST /ofrep/v1/evaluate/flags/{key}`.
pub(crate) async fn evaluate_flag(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Segment(key): Segment<String>,
    EvaluationBody(body): EvaluationBody,
) -> Result<Response, ApiError> {
    caller.require(&state.auth, Permission::Read)?;
    if let Err(details) = body {
        return Ok(failure(
            StatusCode::BAD_REQUEST,
            Some(&key),
            "PARSE_ERROR",
            details,
        ));
    }
    let board = state.hub.board();
    Ok(match evaluate(&board, state.hub.log_id(), &key) {
        Some(evaluation) => Json(evaluation).into_response(),
        None => failure(
            StatusCode::NOT_FOUND,
            Some(&key),
            "FLAG_NOT_FOUND",
            format!(
                "no flag `{key}`: ripcord serves `{FLAG}` and `{FLAG}.<scope>` for the scopes {}",
                board.scope_list()
            ),
        ),
    })
}

/// The bulk answer without its event streams, and its ETag: computed over what was
/// evaluated (flagd computed its own over the flag configuration, and clients then kept
/// stale values), so a change of any flag's value or metadata changes it.
fn bulk(board: &Board, log: &str) -> (Value, String) {
    let answer = json!({
        "flags": evaluate_all(board, log),
        "metadata": { "revision": board.revision, "log": log },
    });
    let digest = ripcord_core::chain::link(None, &[answer.to_string().as_bytes()]);
    (answer, format!("\"{}\"", &digest[..32]))
}

/// Whether `If-None-Match` names this ETag (or `*`).
fn not_modified(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(|candidate| candidate.trim().trim_start_matches("W/"))
        .any(|candidate| candidate == etag || candidate == "*")
}

/// `POST /ofrep/v1/evaluate/flags`: every flag, an `ETag`, and where to hear of changes.
pub(crate) async fn evaluate_flags(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    EvaluationBody(body): EvaluationBody,
) -> Result<Response, ApiError> {
    caller.require(&state.auth, Permission::Read)?;
    if let Err(details) = body {
        return Ok(failure(
            StatusCode::BAD_REQUEST,
            None,
            "PARSE_ERROR",
            details,
        ));
    }
    let (mut answer, etag) = bulk(&state.hub.board(), state.hub.log_id());
    let etag_header =
        HeaderValue::from_str(&etag).map_err(|e| ApiError::Internal(e.to_string()))?;
    if not_modified(&headers, &etag) {
        return Ok((StatusCode::NOT_MODIFIED, [(header::ETAG, etag_header)]).into_response());
    }
    // A browser's EventSource cannot send a header: a short-lived ticket stands in for
    // the token, never the token itself.
    let request_uri = match caller.token_hash() {
        Some(hash) => format!(
            "/ofrep/v1/events?ticket={}",
            state.auth.tickets.issue(hash, Timestamp::now())
        ),
        None => "/ofrep/v1/events".to_owned(),
    };
    answer["eventStreams"] = json!([{
        "type": "sse",
        "endpoint": { "requestUri": request_uri },
        "inactivityDelaySec": INACTIVITY_DELAY_SEC,
    }]);
    Ok(([(header::ETAG, etag_header)], Json(answer)).into_response())
}

/// `GET /ofrep/v1/events`: a `refetchEvaluation` event, with the new ETag, on each change,
/// so a static-context SDK refetches instead of polling. Counted under
/// `serve.max_streams`; ends at shutdown, and when its token is revoked.
pub(crate) async fn events(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
) -> Result<Response, ApiError> {
    caller.require(&state.auth, Permission::Read)?;
    let permit = state
        .streams
        .clone()
        .try_acquire_owned()
        .map_err(|_| ApiError::TooManyStreams)?;
    let lease = TokenLease {
        state: state.clone(),
        hash: caller.token_hash().map(str::to_owned),
        reloads: state.auth.reloads(),
    };
    let frames = futures_util::stream::unfold(
        Notifier {
            board: state.hub.watch(),
            shutdown: state.shutdown.clone(),
            keep_alive: tokio::time::interval_at(
                tokio::time::Instant::now() + state.config.keep_alive,
                state.config.keep_alive,
            ),
            lease,
            log: state.hub.log_id().to_owned(),
            _permit: permit,
        },
        |mut notifier| async move {
            let frame = notifier.next().await?;
            Some((Ok::<_, std::convert::Infallible>(frame), notifier))
        },
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/event-stream"),
            (header::CACHE_CONTROL, "no-cache"),
            (header::HeaderName::from_static("x-accel-buffering"), "no"),
        ],
        axum::body::Body::from_stream(frames),
    )
        .into_response())
}

/// The state of one notification stream.
struct Notifier {
    board: tokio::sync::watch::Receiver<Arc<Board>>,
    shutdown: tokio::sync::watch::Receiver<bool>,
    keep_alive: tokio::time::Interval,
    lease: TokenLease,
    log: String,
    _permit: tokio::sync::OwnedSemaphorePermit,
}

impl Notifier {
    /// The next bytes to send, or `None` to end the stream.
    async fn next(&mut self) -> Option<Bytes> {
        loop {
            if *self.shutdown.borrow() {
                return None;
            }
            tokio::select! {
                changed = self.board.changed() => {
                    changed.ok()?;
                    let board = self.board.borrow_and_update().clone();
                    let (_, etag) = bulk(&board, &self.log);
                    let data = json!({ "type": "refetchEvaluation", "etag": etag });
                    return Some(Bytes::from(format!(
                        "id: {}.{}\nevent: message\ndata: {data}\n\n",
                        self.log, board.revision
                    )));
                }
                reloaded = self.lease.reloads.changed() => {
                    if reloaded.is_err() || !self.lease.valid() {
                        return None;
                    }
                }
                _ = self.shutdown.changed() => return None,
                _ = self.keep_alive.tick() => return Some(Bytes::from_static(b": keep-alive\n\n")),
            }
        }
    }
}
