//! The HTTP API and the one path by which production and tests build and run the server.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{DefaultBodyLimit, FromRequest, FromRequestParts, Path, Query, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use futures_util::StreamExt;
use jiff::Timestamp;
use ripcord_core::api::{AgentRecord, AgentReport, ChangeBody, LOG_HEADER};
use ripcord_core::{Action, Board, ChangeRequest, Event, Scope};
use serde::Deserialize;
use tokio::net::TcpListener;
use tokio::sync::{Mutex, watch};

use crate::config::ServerConfig;
use crate::error::ApiError;
use crate::fanout::{Delivery, Fanout, InProcessFanout};
use crate::hub::Hub;
use crate::storage::{SqliteStorage, Storage, StorageError};
use crate::stream::{self, Position};

/// The longest agent id accepted.
const MAX_AGENT_ID_LEN: usize = 200;
/// Most events returned by one `GET /v1/events`.
const MAX_EVENTS_PAGE: u32 = 1_000;

#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("cannot create the data folder {path}: {source}")]
    DataDir {
        path: String,
        source: std::io::Error,
    },
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error("the audit log in storage does not replay: {0}")]
    Replay(#[from] ripcord_core::ModelError),
    #[error("server failed: {0}")]
    Serve(std::io::Error),
}

struct AppState {
    hub: Arc<Hub>,
    fanout: Arc<dyn Fanout>,
    /// Serialises decide-append-announce, so two halts never claim one revision.
    writing: Mutex<()>,
    config: ServerConfig,
    shutdown: watch::Receiver<bool>,
}

/// A built server, bound to its port but not yet serving.
pub struct Application {
    listener: TcpListener,
    router: Router,
    state: Arc<AppState>,
    shutdown: watch::Sender<bool>,
}

impl Application {
    /// The embedded default: SQLite in `data_dir`, in-process fan-out.
    pub async fn build(config: ServerConfig) -> Result<Self, ServerError> {
        std::fs::create_dir_all(&config.data_dir).map_err(|source| ServerError::DataDir {
            path: config.data_dir.display().to_string(),
            source,
        })?;
        let storage = SqliteStorage::open(&config.data_dir.join("ripcord.db")).await?;
        Self::build_with(
            config,
            Arc::new(storage),
            Arc::new(InProcessFanout::default()),
        )
        .await
    }

    pub async fn build_with(
        config: ServerConfig,
        storage: Arc<dyn Storage>,
        fanout: Arc<dyn Fanout>,
    ) -> Result<Self, ServerError> {
        let log_id = storage.log_id().await?;
        let events = storage.load_events().await?;
        let board = Board::replay(config.scopes.iter().cloned(), &events)?;
        tracing::info!(
            revision = board.revision,
            events = events.len(),
            "state loaded"
        );
        let listener =
            TcpListener::bind(config.listen)
                .await
                .map_err(|source| ServerError::Bind {
                    addr: config.listen,
                    source,
                })?;
        let (shutdown, shutdown_rx) = watch::channel(false);
        let state = Arc::new(AppState {
            hub: Arc::new(Hub::new(log_id, board, storage, 4096)),
            fanout,
            writing: Mutex::new(()),
            config,
            shutdown: shutdown_rx,
        });
        let router = router(state.clone());
        Ok(Application {
            listener,
            router,
            state,
            shutdown,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .unwrap_or(self.state.config.listen)
    }

    /// Serves in a task of the current runtime until [`RunningServer::stop`]: what the
    /// demo, the tests and services that embed the control plane use.
    pub fn spawn(self) -> RunningServer {
        let addr = self.local_addr();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(self.run_until(async {
            let _ = stopped.await;
        }));
        RunningServer { addr, stop, task }
    }

    /// Serves until `signal` resolves, then ends streams and long-polls and lets in-flight
    /// requests finish.
    pub async fn run_until(
        self,
        signal: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), ServerError> {
        let fanout_listener = tokio::spawn(follow_fanout(self.state.clone()));
        let shutdown = self.shutdown;
        let mut stopping = shutdown.subscribe();
        let hub = self.state.hub.clone();
        let graceful = async move {
            signal.await;
            tracing::info!("shutting down");
            // The flag first: a stream opened from here on sees it before it waits.
            let _ = shutdown.send(true);
            hub.end_streams();
        };
        let served = axum::serve(self.listener, self.router).with_graceful_shutdown(graceful);
        let limit = self.state.config.shutdown_timeout;
        let deadline = async move {
            let _ = stopping.wait_for(|stopping| *stopping).await;
            tokio::time::sleep(limit).await;
        };
        let outcome = tokio::select! {
            served = served => served.map_err(ServerError::Serve),
            () = deadline => {
                tracing::warn!(?limit, "connections still open after the shutdown timeout; closing them");
                Ok(())
            }
        };
        fanout_listener.abort();
        outcome
    }
}

/// A server serving in a background task.
pub struct RunningServer {
    addr: SocketAddr,
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<Result<(), ServerError>>,
}

impl RunningServer {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Shuts down gracefully and waits until the server has stopped.
    pub async fn stop(self) -> Result<(), ServerError> {
        let _ = self.stop.send(());
        self.task
            .await
            .map_err(|error| ServerError::Serve(std::io::Error::other(error)))?
    }
}

/// Applies events announced by other instances (or dropped by a lagging channel).
async fn follow_fanout(state: Arc<AppState>) {
    let mut deliveries = state.fanout.subscribe();
    while let Some(delivery) = deliveries.next().await {
        let applied = match delivery {
            Delivery::Event(event) => state.hub.accept(&event).await,
            Delivery::Missed => state.hub.catch_up().await,
        };
        if let Err(error) = applied {
            tracing::warn!(%error, "cannot apply an announced event; the next one will retry");
        }
    }
}

fn router(state: Arc<AppState>) -> Router {
    let max_body = state.config.max_body_bytes;
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/v1/switches", get(switches))
        .route("/v1/switches/wait", get(wait_for_change))
        .route("/v1/switches/{scope}/halt", post(halt))
        .route("/v1/switches/{scope}/resume", post(resume))
        .route("/v1/events", get(events))
        .route("/v1/stream", get(event_stream))
        .route("/v1/agents", get(agents))
        .route("/v1/agents/{id}/report", post(report))
        .layer(DefaultBodyLimit::max(max_body))
        .with_state(state)
}

/// `Json` whose rejections become [`ApiError`]s with our error body.
struct Body<T>(T);

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
struct Params<T>(T);

impl<T, S> FromRequestParts<S> for Params<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        Ok(Params(
            Query::<T>::from_request_parts(parts, state).await?.0,
        ))
    }
}

async fn readyz(State(state): State<Arc<AppState>>) -> Result<&'static str, ApiError> {
    state.hub.storage().ping().await?;
    Ok("ready")
}

/// A board with the header naming its log.
fn board_response(state: &AppState, board: &Board) -> Response {
    ([(LOG_HEADER, state.hub.log_id().to_owned())], Json(board)).into_response()
}

async fn switches(State(state): State<Arc<AppState>>) -> Response {
    board_response(&state, &state.hub.board())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WaitParams {
    /// Answer once the board's revision is above this.
    after: u64,
    /// How long to hold the request, e.g. `25s`; capped by `serve.long_poll_max`.
    #[serde(default, with = "humantime_serde")]
    timeout: Option<Duration>,
    /// The log `after` belongs to; another log's revision is answered at once.
    log: Option<String>,
}

/// Long-poll: for clients that must not hold a stream open (Cloud Run bills an instance
/// for as long as a request is open, so polling at an interval is cheaper there).
async fn wait_for_change(
    State(state): State<Arc<AppState>>,
    Params(params): Params<WaitParams>,
) -> Response {
    if params
        .log
        .as_deref()
        .is_some_and(|log| log != state.hub.log_id())
    {
        return board_response(&state, &state.hub.board());
    }
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
    board_response(&state, &current)
}

async fn halt(
    state: State<Arc<AppState>>,
    scope: Path<String>,
    body: Body<ChangeBody>,
) -> Result<Json<Event>, ApiError> {
    change(state, scope, body, Action::Halt).await
}

async fn resume(
    state: State<Arc<AppState>>,
    scope: Path<String>,
    body: Body<ChangeBody>,
) -> Result<Json<Event>, ApiError> {
    change(state, scope, body, Action::Resume).await
}

async fn change(
    State(state): State<Arc<AppState>>,
    Path(scope): Path<String>,
    Body(body): Body<ChangeBody>,
    action: Action,
) -> Result<Json<Event>, ApiError> {
    let scope: Scope = scope.parse()?;
    let request = ChangeRequest {
        scope,
        action,
        actor: body.actor.unwrap_or_else(|| "api".to_owned()),
        reason: body.reason,
    };
    // A task of its own: if the client hangs up mid-write, the handler is dropped but the
    // event that reached storage is still applied and announced.
    let writer = state.clone();
    let event = tokio::spawn(async move { writer.record(request).await })
        .await
        .map_err(|error| ApiError::Internal(error.to_string()))??;
    tracing::info!(
        revision = event.revision,
        scope = %event.scope,
        action = %event.action,
        actor = %event.actor,
        reason = %event.reason,
        "switch changed"
    );
    Ok(Json(event))
}

impl AppState {
    /// Decides, stores, applies and announces one change. Another instance may take the
    /// revision first (shared storage); then the board catches up and the change is
    /// decided again on top of it, once.
    async fn record(&self, request: ChangeRequest) -> Result<Event, ApiError> {
        let _writing = self.writing.lock().await;
        let mut retried = false;
        loop {
            let event = self.hub.board().decide(request.clone(), Timestamp::now())?;
            match self.hub.storage().append(&event).await {
                Ok(()) => {
                    self.hub.accept(&event).await?;
                    self.fanout.publish(Arc::new(event.clone()));
                    return Ok(event);
                }
                Err(StorageError::RevisionTaken(_)) if !retried => {
                    retried = true;
                    self.hub.catch_up().await?;
                }
                Err(error) => return Err(error.into()),
            }
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EventsParams {
    #[serde(default)]
    after: u64,
    limit: Option<u32>,
}

/// The audit log, oldest first, a page at a time.
async fn events(
    State(state): State<Arc<AppState>>,
    Params(params): Params<EventsParams>,
) -> Result<Json<Vec<Event>>, ApiError> {
    let limit = params.limit.unwrap_or(100).clamp(1, MAX_EVENTS_PAGE);
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
struct StreamParams {
    /// The same as a `Last-Event-ID` header (`LOG.REVISION` or a revision), for clients
    /// that cannot set headers.
    after: Option<String>,
}

async fn event_stream(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Params(params): Params<StreamParams>,
) -> Result<Response, ApiError> {
    let invalid = |field| ApiError::Invalid {
        field,
        message: "expected a position: LOG.REVISION as the stream's ids are, or a revision".into(),
    };
    let after = match (headers.get("last-event-id"), params.after) {
        (Some(value), _) => Some(
            value
                .to_str()
                .ok()
                .and_then(|text| text.parse::<Position>().ok())
                .ok_or_else(|| invalid("Last-Event-ID"))?,
        ),
        (None, Some(text)) => Some(text.parse::<Position>().map_err(|_| invalid("after"))?),
        (None, None) => None,
    };
    let frames = stream::subscribe(
        state.hub.clone(),
        after,
        state.config.keep_alive,
        state.shutdown.clone(),
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

async fn agents(State(state): State<Arc<AppState>>) -> Result<Json<Vec<AgentRecord>>, ApiError> {
    Ok(Json(state.hub.storage().agents().await?))
}

async fn report(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    Body(report): Body<AgentReport>,
) -> Result<StatusCode, ApiError> {
    if id.is_empty() || id.len() > MAX_AGENT_ID_LEN || id.chars().any(char::is_control) {
        return Err(ApiError::Invalid {
            field: "id",
            message: format!("expected 1 to {MAX_AGENT_ID_LEN} printable characters"),
        });
    }
    let record = AgentRecord {
        id,
        last_seen: Timestamp::now(),
        report,
    };
    state.hub.storage().upsert_agent(&record).await?;
    Ok(StatusCode::NO_CONTENT)
}
