//! The switches: the board, long-poll, halt and resume, the audit log and the event stream.

use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::extract::{Extension, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use ripcord_core::api::{AgentId, ChangeBody, IDEMPOTENCY_HEADER, LOG_HEADER, REPLACED_HEADER};
use ripcord_core::auth::Permission;
use ripcord_core::{Action, Board, ChangeRequest, Event, Position, Printable, Scope};
use serde::{Deserialize, Serialize};

use super::{Body, Params, Segment, agent_id, header_text, page_limit};
use crate::app::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::stream::{self, StreamGuards, TokenLease};

/// The longest idempotency key accepted.
const MAX_KEY_LEN: usize = 200;

pub(crate) async fn readyz(State(state): State<Arc<AppState>>) -> Result<&'static str, ApiError> {
    state
        .hub
        .storage()
        .probe_write()
        .await
        .map_err(ApiError::NotWritable)?;
    Ok(if state.auth.insecure() {
        "ready (WITHOUT AUTHENTICATION: started with --insecure-no-auth)"
    } else {
        "ready"
    })
}

/// A board as the API shows it: with the server's environment when one is configured.
#[derive(Serialize)]
struct BoardView<'a> {
    #[serde(flatten)]
    board: &'a Board,
    #[serde(skip_serializing_if = "Option::is_none")]
    environment: Option<&'a str>,
}

/// A board with the header naming its log.
fn board_response(state: &AppState, board: &Board) -> Response {
    let view = BoardView {
        board,
        environment: state.config.environment.as_deref(),
    };
    ([(LOG_HEADER, state.hub.log_id().to_owned())], Json(view)).into_response()
}

pub(crate) async fn board(State(state): State<Arc<AppState>>) -> Response {
    board_response(&state, &state.hub.board())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct WaitParams {
    /// Answer once the board's revision is above this.
    after: u64,
    /// How long to hold the request, e.g. `25s`; capped by `serve.long_poll_max`.
    #[serde(default, with = "humantime_serde")]
    timeout: Option<Duration>,
    /// The log `after` belongs to; another log's revision is answered at once.
    log: Option<String>,
    /// The agent polling, so its contact is recorded.
    agent: Option<String>,
    /// The digest of the client's event at `after`; when this log has another event there
    /// (restored from an older copy), the answer comes at once, marked replaced.
    head: Option<String>,
}

/// The agent a stream or long-poll belongs to, if it named itself (`?agent=`).
fn following_agent(agent: Option<String>) -> Result<Option<AgentId>, ApiError> {
    agent.map(|id| agent_id(id, "agent")).transpose()
}

/// Long-poll: for clients that must not hold a stream open (Cloud Run bills an instance
/// for as long as a request is open, so polling at an interval is cheaper there).
pub(crate) async fn wait_for_change(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Params(params): Params<WaitParams>,
) -> Result<Response, ApiError> {
    // Naming an agent speaks for it: only a caller that may report for it keeps it alive.
    if let Some(id) = following_agent(params.agent)?
        && caller.may(Permission::Report { agent: id.as_str() })
    {
        state.contacts.seen(id.into());
    }
    if params
        .log
        .as_deref()
        .is_some_and(|log| log != state.hub.log_id())
    {
        return Ok(board_response(&state, &state.hub.board()));
    }
    let board = state.hub.board();
    let continued = params.after <= board.revision
        && stream::continues(&state.hub, params.after, params.head.as_deref()).await?;
    if !continued {
        let mut response = board_response(&state, &board);
        response.headers_mut().insert(
            REPLACED_HEADER,
            axum::http::HeaderValue::from_static("true"),
        );
        return Ok(response);
    }
    let _permit = state
        .streams
        .clone()
        .try_acquire_owned()
        .map_err(|_| ApiError::TooManyStreams)?;
    let limit = params
        .timeout
        .unwrap_or(state.config.long_poll_max)
        .min(state.config.long_poll_max);
    let mut board = state.hub.watch();
    let mut shutdown = state.shutdown.clone();
    tokio::select! {
        _ = tokio::time::timeout(limit, board.wait_for(|board| board.revision > params.after)) => {}
        _ = shutdown.wait_for(|stopping| *stopping) => {}
    }
    let current = board.borrow().clone();
    Ok(board_response(&state, &current))
}

pub(crate) async fn halt(
    state: State<Arc<AppState>>,
    caller: Extension<Caller>,
    scope: Segment<String>,
    headers: HeaderMap,
    body: Body<ChangeBody>,
) -> Result<Json<Event>, ApiError> {
    change(state, caller, scope, headers, body, Action::Halt).await
}

pub(crate) async fn resume(
    state: State<Arc<AppState>>,
    caller: Extension<Caller>,
    scope: Segment<String>,
    headers: HeaderMap,
    body: Body<ChangeBody>,
) -> Result<Json<Event>, ApiError> {
    change(state, caller, scope, headers, body, Action::Resume).await
}

async fn change(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Segment(scope): Segment<String>,
    headers: HeaderMap,
    Body(body): Body<ChangeBody>,
    action: Action,
) -> Result<Json<Event>, ApiError> {
    caller.require(&state.auth, Permission::Change)?;
    // The audit log names the token; a body cannot say otherwise.
    let actor = match (caller.name(), body.actor) {
        (Some(_), Some(_)) => {
            return Err(ApiError::Invalid {
                field: "actor",
                message:
                    "the actor of an authenticated request is its token's name; leave `actor` out"
                        .into(),
            });
        }
        (Some(name), None) => name.to_owned(),
        (None, actor) => actor.unwrap_or_else(|| "api".to_owned()),
    };
    let scope: Scope = scope.parse()?;
    let key = header_text(&headers, IDEMPOTENCY_HEADER)?
        .map(|key| {
            let valid = !key.is_empty() && key.len() <= MAX_KEY_LEN;
            valid.then(|| key.to_owned()).ok_or(ApiError::Invalid {
                field: "Idempotency-Key",
                message: format!("expected 1 to {MAX_KEY_LEN} visible characters"),
            })
        })
        .transpose()?;
    let request = ChangeRequest {
        scope,
        action,
        actor,
        reason: body.reason,
        drill: body.drill,
        source: body.source,
    };
    // A task of its own: if the client hangs up mid-write, the handler is dropped but the
    // event that reached storage is still applied and announced.
    let writer = state.clone();
    let event = tokio::spawn(async move { writer.record(request, key).await })
        .await
        .map_err(|error| ApiError::Internal(error.to_string()))??;
    tracing::info!(
        revision = event.revision,
        scope = %event.scope,
        action = %event.action,
        actor = %Printable(&event.actor),
        reason = %Printable(&event.reason),
        "switch changed"
    );
    Ok(Json(event))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct EventsParams {
    #[serde(default)]
    after: u64,
    limit: Option<i64>,
}

/// The audit log, oldest first, a page at a time.
pub(crate) async fn events(
    State(state): State<Arc<AppState>>,
    Params(params): Params<EventsParams>,
) -> Result<Json<Vec<Event>>, ApiError> {
    let limit = page_limit(params.limit)?;
    Ok(Json(
        state
            .hub
            .storage()
            .events_after(params.after, limit)
            .await?,
    ))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StreamParams {
    /// The same as a `Last-Event-ID` header (`LOG.REVISION` or a revision), for clients
    /// that cannot set headers.
    after: Option<String>,
    /// The agent following, so its contact is recorded.
    agent: Option<String>,
    /// The digest of the client's event at its position, so a log that has another event
    /// there is not continued as if it were the same history.
    head: Option<String>,
}

pub(crate) async fn event_stream(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    Params(params): Params<StreamParams>,
) -> Result<Response, ApiError> {
    let invalid = |field| ApiError::Invalid {
        field,
        message: "expected a position: LOG.REVISION as the stream's ids are, or a revision".into(),
    };
    let after = match (header_text(&headers, "last-event-id")?, params.after) {
        (Some(value), _) => Some(
            value
                .parse::<Position>()
                .map_err(|_| invalid("Last-Event-ID"))?,
        ),
        (None, Some(text)) => Some(text.parse::<Position>().map_err(|_| invalid("after"))?),
        (None, None) => None,
    };
    let agent = following_agent(params.agent)?;
    let agent = agent.filter(|id| caller.may(Permission::Report { agent: id.as_str() }));
    let permit = state
        .streams
        .clone()
        .try_acquire_owned()
        .map_err(|_| ApiError::TooManyStreams)?;
    let contact = agent.map(|id| state.contacts.stream(id.into()));
    // A stream of a token that is revoked ends when the tokens are next reloaded.
    let lease = TokenLease {
        state: state.clone(),
        hash: caller.token_hash().map(str::to_owned),
        reloads: state.auth.reloads(),
    };
    let frames = stream::subscribe(
        state.hub.clone(),
        after,
        params.head,
        state.config.keep_alive,
        state.shutdown.clone(),
        StreamGuards {
            _permit: permit,
            _contact: contact,
            lease,
        },
    )
    .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/event-stream"),
            (header::CACHE_CONTROL, "no-cache"),
            // Tells nginx-style proxies not to buffer the stream.
            (header::HeaderName::from_static("x-accel-buffering"), "no"),
        ],
        axum::body::Body::from_stream(frames),
    )
        .into_response())
}
