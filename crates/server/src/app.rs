//! The one path by which production and tests build and run the server.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use jiff::Timestamp;
use ripcord_core::{Board, ChangeRequest, Event, Printable};
use tokio::net::TcpListener;
use tokio::sync::{Mutex, Semaphore, watch};

use crate::auth::Auth;
use crate::config::ServerConfig;
use crate::contacts::Contacts;
use crate::error::ApiError;
use crate::fanout::{Delivery, Fanout, InProcessFanout, RedisFanout};
use crate::hub::Hub;
use crate::lock::DataDir;
use crate::storage::{PostgresStorage, PruneBefore, SqliteStorage, Storage, StorageError};

/// File descriptors kept free of streams for everything else: halts, the database, logs.
const FD_RESERVE: usize = 64;
/// How often exited agents and old idempotency keys are forgotten.
const PRUNE_EVERY: Duration = Duration::from_secs(3600);
/// How long a change may keep losing the race for the next revision to other replicas
/// before the caller is told to retry (503); nothing is recorded then.
const WRITE_DEADLINE: Duration = Duration::from_secs(5);
/// How long an idempotency key answers a retry with the change it recorded.
const KEY_LIFETIME: Duration = Duration::from_secs(24 * 3600);
/// How long refused requests stay listed (their counts are in the audit log for good).
const SECURITY_EVENT_RETENTION: Duration = Duration::from_secs(30 * 24 * 3600);
/// How long the outbox keeps notifications, sent or not (the sender gives up after a day).
const NOTIFICATION_RETENTION: Duration = Duration::from_secs(7 * 24 * 3600);
/// Refusal rows logged one by one per keep-alive; the rest are summed in one line.
const REFUSALS_LOGGED: usize = 10;

#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("cannot listen on {addr}: {error}")]
    Bind {
        addr: SocketAddr,
        error: std::io::Error,
    },
    #[error("cannot use the data folder {path}: {error}")]
    DataDir { path: String, error: std::io::Error },
    #[error(
        "another ripcord serve already uses the data folder {path} ({holder}); two servers on one \
         folder would split the audit log"
    )]
    Locked { path: String, holder: String },
    #[error(
        "refusing to serve {listen} without a token: anyone who reaches it could halt or \
         release production. Create one on this host first, `ripcord token create --role admin \
         --name NAME {store}`, or listen on loopback, or (for a network you trust) start with \
         --insecure-no-auth"
    )]
    NoTokens {
        listen: SocketAddr,
        /// The flag that points `token create` at this server's store.
        store: String,
    },
    #[error(
        "refusing to serve on Cloud Run (K_SERVICE is set) with its state in SQLite at {data_dir}: \
         Cloud Run replaces instances at will, and the audit log, the tokens and every halt on \
         the instance's disk would vanish with it. Set serve.database_url (or \
         RIPCORD_DATABASE_URL) to a PostgreSQL database"
    )]
    EphemeralState { data_dir: String },
    #[error(
        "refusing to serve on Cloud Run without a token (K_SERVICE is set): the service would \
         be a public kill switch. Create one on the store first with `ripcord token create`"
    )]
    NoTokensOnCloudRun,
    #[error(
        "no ripcord state at {store}: check the folder or the database URL (`ripcord token \
         create` or `ripcord serve` makes a new one)"
    )]
    NoStore { store: String },
    #[error(
        "serve.redis_url is set but serve.database_url is not: replicas share their state \
         through PostgreSQL and only announce changes through Redis; set RIPCORD_DATABASE_URL too"
    )]
    RedisWithoutDatabase,
    #[error(transparent)]
    Fanout(#[from] crate::fanout::FanoutError),
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error("server failed: {0}")]
    Serve(std::io::Error),
}

pub(crate) struct AppState {
    pub(crate) hub: Arc<Hub>,
    fanout: Arc<dyn Fanout>,
    /// Serialises decide-append-announce, so two halts never claim one revision.
    writing: Mutex<()>,
    pub(crate) config: ServerConfig,
    pub(crate) shutdown: watch::Receiver<bool>,
    /// One permit per open event stream or long-poll.
    pub(crate) streams: Arc<Semaphore>,
    pub(crate) contacts: Contacts,
    pub(crate) auth: Auth,
    /// Wakes the outbox's sender when this replica recorded something to announce.
    pub(crate) outbox: tokio::sync::Notify,
    /// Held for the server's lifetime: no second server on this data folder.
    _data_dir: Option<DataDir>,
}

/// A built server, bound to its port but not yet serving.
pub struct Application {
    listener: TcpListener,
    state: Arc<AppState>,
    shutdown: watch::Sender<bool>,
}

impl Application {
    /// PostgreSQL at `database_url` when it is set (several servers may share it), else
    /// the embedded default, SQLite in `data_dir` (0700, locked against a second server);
    /// in-process fan-out.
    pub async fn build(config: ServerConfig) -> Result<Self, ServerError> {
        match &config.database_url {
            Some(url) => {
                let storage = PostgresStorage::connect(url.expose()).await?;
                Self::assemble(config, Arc::new(storage), None, None).await
            }
            None if config.cloud_run => Err(ServerError::EphemeralState {
                data_dir: config.data_dir.display().to_string(),
            }),
            None if config.redis_url.is_some() => Err(ServerError::RedisWithoutDatabase),
            None => {
                let data_dir = DataDir::lock(&config.data_dir)?;
                let storage = SqliteStorage::open(&data_dir.database()).await?;
                Self::assemble(config, Arc::new(storage), None, Some(data_dir)).await
            }
        }
    }

    /// A server over storage and fan-out the caller provides.
    pub async fn build_with(
        config: ServerConfig,
        storage: Arc<dyn Storage>,
        fanout: Arc<dyn Fanout>,
    ) -> Result<Self, ServerError> {
        Self::assemble(config, storage, Some(fanout), None).await
    }

    /// `fanout`, else Redis on `serve.redis_url` (one channel per log, so it is made once
    /// the log id is known), else in-process.
    async fn assemble(
        config: ServerConfig,
        storage: Arc<dyn Storage>,
        fanout: Option<Arc<dyn Fanout>>,
        data_dir: Option<DataDir>,
    ) -> Result<Self, ServerError> {
        // Shared by the replicas of one log, so a ticket one issues, another redeems.
        let mut random = [0u8; 32];
        getrandom::fill(&mut random).map_err(|error| {
            ServerError::Serve(std::io::Error::other(format!(
                "cannot draw random bytes from the operating system: {error}"
            )))
        })?;
        let ticket_key = storage
            .meta_or_insert("ticket_key", &hex::encode(random))
            .await?;
        let auth = Auth::new(
            config.rate_limits,
            config.insecure_no_auth && !config.cloud_run,
            ticket_key.as_bytes(),
        );
        auth.reload(storage.as_ref()).await?;
        if auth.without_tokens() {
            if config.cloud_run {
                return Err(ServerError::NoTokensOnCloudRun);
            }
            if !config.listen.ip().is_loopback() && !config.insecure_no_auth {
                let store = match &config.database_url {
                    Some(_) => "with the same RIPCORD_DATABASE_URL".to_owned(),
                    None => format!("--data-dir {}", config.data_dir.display()),
                };
                return Err(ServerError::NoTokens {
                    listen: config.listen,
                    store,
                });
            }
            if config.insecure_no_auth {
                tracing::warn!(listen = %config.listen, "serving WITHOUT AUTHENTICATION (--insecure-no-auth): anyone who reaches this address can halt and release");
            } else {
                tracing::info!("no token exists yet: answering local requests only");
            }
        } else if config.insecure_no_auth {
            tracing::warn!(
                "--insecure-no-auth has no effect: tokens exist, and every request needs one"
            );
        }
        let log_id = storage.log_id().await?;
        crate::audit::check_key(storage.as_ref(), config.audit_key()).await?;
        crate::audit::chain_legacy(storage.as_ref(), config.audit_key(), &log_id).await?;
        let fanout: Arc<dyn Fanout> = match (fanout, &config.redis_url) {
            (Some(fanout), _) => fanout,
            (None, Some(url)) => Arc::new(RedisFanout::new(url.expose(), &log_id)?),
            (None, None) => Arc::new(InProcessFanout::default()),
        };
        let events = storage.load_events().await?;
        // A broken chain is reported, not fatal: the kill switch must keep working.
        if let Err(broken) = ripcord_core::chain::verify(config.audit_key(), &log_id, &events) {
            tracing::error!(entry = broken.at, reason = %broken.reason, "the switch log's hash chain is broken: it was changed outside ripcord (run `ripcord audit verify`)");
        }
        let (board, problems) = Board::replay_damaged(config.scopes.iter().cloned(), &events);
        for problem in &problems {
            tracing::error!(%problem, "the switch log was changed outside ripcord (run `ripcord audit verify`); serving its latest state");
        }
        tracing::info!(
            revision = board.revision,
            events = events.len(),
            "state loaded"
        );
        let listener =
            TcpListener::bind(config.listen)
                .await
                .map_err(|error| ServerError::Bind {
                    addr: config.listen,
                    error,
                })?;
        let max_streams = config.max_streams.unwrap_or_else(default_max_streams);
        tracing::debug!(max_streams, "stream limit");
        let (shutdown, shutdown_rx) = watch::channel(false);
        let state = Arc::new(AppState {
            hub: Arc::new(Hub::new(
                log_id,
                board,
                storage.clone(),
                config.audit_key(),
                4096,
            )),
            fanout,
            writing: Mutex::new(()),
            streams: Arc::new(Semaphore::new(max_streams)),
            contacts: Contacts::default(),
            auth,
            outbox: tokio::sync::Notify::new(),
            config,
            shutdown: shutdown_rx,
            _data_dir: data_dir,
        });
        Ok(Application {
            listener,
            state,
            shutdown,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .unwrap_or(self.state.config.listen)
    }

    /// Where `serve`'s own scheduled backups and drills are kept, as `POST /v1/backups`
    /// and `POST /v1/drills` keep those of other hosts.
    pub fn history(&self) -> History {
        History {
            state: self.state.clone(),
            claimant: format!("{:016x}", fastrand::u64(..)),
        }
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
    /// requests finish, for at most `serve.shutdown_timeout`.
    pub async fn run_until(
        self,
        signal: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), ServerError> {
        let state = self.state;
        let mut background = vec![
            tokio::spawn(follow_fanout(state.clone())),
            tokio::spawn(maintain(state.clone())),
        ];
        // Without channels the outbox still fills (and is pruned after a week): a channel
        // configured later hears of what happened in the last day, which the sender does
        // not give up on.
        if !state.config.notify.is_empty() {
            background.push(tokio::spawn(crate::outbox::run(state.clone())));
        }
        let shutdown = self.shutdown;
        let hub = state.hub.clone();
        let stopping = async move {
            signal.await;
            tracing::info!("shutting down");
            // The flag first: a stream opened from here on sees it before it waits.
            let _ = shutdown.send(true);
            hub.end_streams();
        };
        let router = crate::api::router(state.clone());
        // Streams are capped by `serve.max_streams`; other requests are short.
        let accepting = crate::http::Accepting {
            header_timeout: state.config.header_timeout,
            drain: state.config.shutdown_timeout,
            max_connections: None,
        };
        let served = crate::http::serve(self.listener, router, accepting, stopping).await;
        for task in background {
            task.abort();
            let _ = task.await;
        }
        state.hub.storage().close().await;
        served.map_err(ServerError::Serve)
    }
}

/// Builds and spawns a server on loopback with a free port and its state in `data_dir`,
/// after `adjust` had its say on the configuration: the one way the demo and every test
/// suite start a control plane in their own process.
pub async fn spawn_local(
    data_dir: impl Into<std::path::PathBuf>,
    adjust: impl FnOnce(&mut ServerConfig),
) -> Result<RunningServer, ServerError> {
    let mut config = ServerConfig {
        listen: ([127, 0, 0, 1], 0).into(),
        data_dir: data_dir.into(),
        ..ServerConfig::default()
    };
    adjust(&mut config);
    Ok(Application::build(config).await?.spawn())
}

/// The open-file limit minus [`FD_RESERVE`]: `ripcord serve` raises its soft limit to the
/// hard one at start, so this is what the host allows.
fn default_max_streams() -> usize {
    let soft = nix::sys::resource::getrlimit(nix::sys::resource::Resource::RLIMIT_NOFILE)
        .map(|(soft, _)| soft)
        .unwrap_or(1024);
    usize::try_from(soft)
        .unwrap_or(usize::MAX)
        .saturating_sub(FD_RESERVE)
        .max(1)
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

/// Applies events announced by this or other instances, reading storage for those another
/// instance announced or a lagging channel dropped.
async fn follow_fanout(state: Arc<AppState>) {
    let mut deliveries = state.fanout.subscribe();
    while let Some(delivery) = deliveries.next().await {
        let applied = match delivery {
            Delivery::Event(event) => state.hub.accept(&event).await,
            Delivery::Announced(revision) if revision <= state.hub.board().revision => Ok(()),
            Delivery::Announced(_) | Delivery::Missed => state.hub.catch_up().await,
        };
        // Another replica's change: its notification is that replica's to send, unless it
        // dies first; the outbox looks again when that replica's claim would run out.
        state.outbox.notify_one();
        if let Err(error) = applied {
            tracing::warn!(%error, "cannot apply an announced event; the next one will retry");
        }
    }
}

/// Every keep-alive interval: reads what other replicas wrote, and records agents'
/// contact in one write. Every hour: forgets exited agents and old idempotency keys.
async fn maintain(state: Arc<AppState>) {
    let mut contacts = tokio::time::interval(state.config.keep_alive);
    contacts.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut prune = tokio::time::interval(PRUNE_EVERY);
    prune.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = contacts.tick() => {
                let storage = state.hub.storage();
                // Another replica's change whose announcement was lost (Redis down or
                // restarting) arrives here, within one interval.
                if let Err(error) = state.hub.catch_up().await {
                    tracing::warn!(%error, "cannot read the log's head from storage");
                }
                let now = Timestamp::now();
                let ids = state.contacts.take_recent();
                if let Err(error) = storage.touch_agents(&ids, now).await {
                    tracing::warn!(%error, agents = ids.len(), "cannot record agents' contact");
                }
                let (refused, used) = state.auth.take_pending();
                log_refusals(&refused);
                if !refused.is_empty() {
                    let detail = serde_json::to_value(&refused).unwrap_or_default();
                    if let Err(error) = state.audit("requests.refused", "ripcord", detail).await {
                        tracing::warn!(%error, "cannot record refused requests in the audit log");
                    }
                }
                if let Err(error) = storage.record_security_events(&refused).await {
                    tracing::warn!(%error, "cannot record security events");
                }
                if let Err(error) = storage.touch_tokens(&used, now).await {
                    tracing::warn!(%error, "cannot record tokens' last use");
                }
                // Tokens created or revoked by another process count within one interval.
                if let Err(error) = state.auth.reload(storage.as_ref()).await {
                    tracing::warn!(%error, "cannot reload the tokens");
                }
            }
            _ = prune.tick() => {
                let now = Timestamp::now();
                let before = PruneBefore {
                    agents: ago(now, state.config.agent_retention),
                    keys: ago(now, KEY_LIFETIME),
                    security_events: ago(now, SECURITY_EVENT_RETENTION),
                    notifications: ago(now, NOTIFICATION_RETENTION),
                };
                match state.hub.storage().prune(before).await {
                    Ok(0) => {}
                    Ok(forgotten) => tracing::info!(forgotten, retention = ?state.config.agent_retention, "forgot agents that exited before the retention period"),
                    Err(error) => tracing::warn!(%error, "cannot prune exited agents"),
                }
            }
        }
    }
}

/// `now` minus `duration`, or the beginning of time.
fn ago(now: Timestamp, duration: Duration) -> Timestamp {
    jiff::SignedDuration::try_from(duration)
        .ok()
        .and_then(|duration| now.checked_sub(duration).ok())
        .unwrap_or(Timestamp::MIN)
}

/// Logs a batch of refusals: a few rows, then one line for the rest, so a flood cannot
/// flood the log. Details hold what clients sent, so control characters are escaped.
fn log_refusals(refused: &[crate::storage::SecurityEvent]) {
    for event in refused.iter().take(REFUSALS_LOGGED) {
        tracing::warn!(kind = %event.kind, token = %event.token, peer = %event.peer, count = event.count, detail = %Printable(&event.detail), "refused requests");
    }
    if let Some(rest) = refused
        .get(REFUSALS_LOGGED..)
        .filter(|rest| !rest.is_empty())
    {
        let count: u64 = rest.iter().map(|event| event.count).sum();
        tracing::warn!(
            rows = rest.len(),
            count,
            "more refused requests (GET /v1/security-events lists them)"
        );
    }
}

/// The history of backups and drills of one server, for work the server process runs
/// itself (a record sent again is ignored, as through the API).
#[derive(Clone)]
pub struct History {
    state: Arc<AppState>,
    /// This process's mark on the schedule slots it claims.
    claimant: String,
}

impl History {
    /// Whether this process runs the job `name` due at `slot`: the first of the replicas
    /// sharing the database to ask gets it, so each slot runs once. A storage error is a
    /// no (logged): a job that cannot be coordinated is not run twice.
    pub async fn claim_slot(&self, name: &str, slot: Timestamp) -> bool {
        let key = format!("slot:{name}:{}", slot.as_millisecond());
        match self
            .state
            .hub
            .storage()
            .meta_or_insert(&key, &self.claimant)
            .await
        {
            Ok(holder) if holder == self.claimant => true,
            Ok(_) => {
                tracing::info!(job = name, %slot, "another replica runs this scheduled job");
                false
            }
            Err(error) => {
                tracing::warn!(job = name, %slot, %error, "cannot claim a scheduled job's slot; it is skipped");
                false
            }
        }
    }

    /// Keeps a drill's record and announces its result.
    pub async fn record_drill(
        &self,
        drill: &ripcord_core::api::DrillRecord,
    ) -> Result<(), StorageError> {
        self.state.record_drill(drill).await
    }

    pub async fn record_backup(
        &self,
        backup: &ripcord_core::api::BackupRecord,
    ) -> Result<(), StorageError> {
        self.state.hub.storage().record_backup(backup).await
    }
}

impl AppState {
    /// Keeps a drill's record, and wakes the outbox to announce it.
    pub(crate) async fn record_drill(
        &self,
        drill: &ripcord_core::api::DrillRecord,
    ) -> Result<(), StorageError> {
        self.hub.storage().record_drill(drill).await?;
        self.outbox.notify_one();
        Ok(())
    }

    /// Appends an entry to the audit log.
    pub(crate) async fn audit(
        &self,
        kind: &str,
        actor: &str,
        detail: serde_json::Value,
    ) -> Result<ripcord_core::chain::AuditEntry, StorageError> {
        crate::audit::record(
            self.hub.storage().as_ref(),
            self.config.audit_key(),
            self.hub.log_id(),
            kind,
            actor,
            detail,
        )
        .await
    }

    /// Decides, stores, applies and announces one change. A retried request (the same
    /// idempotency key) gets the event its first attempt recorded. Another replica may
    /// take the revision first (shared storage); then the board catches up and the change
    /// is decided again on top of it, until [`WRITE_DEADLINE`]. The announcement goes out
    /// after the write lock is released, so a slow broker never holds other writes.
    pub(crate) async fn record(
        &self,
        request: ChangeRequest,
        key: Option<String>,
    ) -> Result<Event, ApiError> {
        let (event, fresh) = self.store_change(request, key).await?;
        if fresh {
            if let Err(error) = self.fanout.publish(&event).await {
                tracing::warn!(%error, "the change is recorded; other replicas will read it from storage within a keep-alive");
            }
            // After the announcement: people hear of a halt once agents could have.
            self.outbox.notify_one();
        }
        Ok(event)
    }

    /// Stores the change, or finds the one its key recorded; `true` when stored now.
    async fn store_change(
        &self,
        request: ChangeRequest,
        key: Option<String>,
    ) -> Result<(Event, bool), ApiError> {
        let _writing = self.writing.lock().await;
        if let Some(recorded) = self.recorded_for_key(&request, key.as_deref()).await? {
            return Ok((recorded, false));
        }
        let deadline = tokio::time::Instant::now() + WRITE_DEADLINE;
        loop {
            let board = self.hub.board();
            let mut event = board.decide(request.clone(), Timestamp::now())?;
            event.hash = ripcord_core::chain::event_hash(
                self.config.audit_key(),
                self.hub.log_id(),
                board.head_hash(),
                &event,
            );
            match self.hub.storage().append(&event, key.as_deref()).await {
                Ok(()) => {
                    self.hub.accept(&event).await?;
                    return Ok((event, true));
                }
                Err(StorageError::RevisionTaken(_)) if tokio::time::Instant::now() < deadline => {
                    self.hub.catch_up().await?;
                }
                // A retry of this request reached another replica and was recorded there.
                Err(StorageError::KeyTaken) => {
                    self.hub.catch_up().await?;
                    if let Some(recorded) = self.recorded_for_key(&request, key.as_deref()).await? {
                        return Ok((recorded, false));
                    }
                }
                Err(error) => return Err(error.into()),
            }
        }
    }

    /// The change an idempotency key recorded, if it did: the same change is answered with
    /// it, another one is refused.
    async fn recorded_for_key(
        &self,
        request: &ChangeRequest,
        key: Option<&str>,
    ) -> Result<Option<Event>, ApiError> {
        let Some(key) = key else { return Ok(None) };
        let Some(event) = self.hub.storage().event_for_key(key).await? else {
            return Ok(None);
        };
        let same = event.scope == request.scope
            && event.action == request.action
            && event.reason == request.reason.trim();
        if same {
            Ok(Some(event))
        } else {
            Err(ApiError::Invalid {
                field: "Idempotency-Key",
                message: format!(
                    "this key was used for another change (revision {}); use a new key per change",
                    event.revision
                ),
            })
        }
    }
}
