//! [`Switch`]: a service's view of the kill switch. `is_halted()` is one atomic load; the
//! work of following the server, the local markers and the cache happens in background
//! tasks that end when the last handle is dropped.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use jiff::Timestamp;
use ripcord_core::api::{AgentId, AgentReport, Witness};
use ripcord_core::{
    Board, CarriedHalts, Cause, Knowledge, LocalHalts, Printable, Scope, carry, halt_cause,
};
use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::JoinHandle;

use crate::api::{ApiClient, ApiClientError};
use crate::cache::{self, KnownBoard};
use crate::config::{ClientConfig, Transport};
use crate::local::{LocalError, MarkerWatch};
use crate::remote::{self, Contact, RemoteUpdate};

#[derive(Debug, thiserror::Error)]
pub enum SwitchError {
    #[error(transparent)]
    Local(#[from] LocalError),
    #[error(transparent)]
    Token(#[from] crate::config::TokenSourceError),
    #[error(transparent)]
    Server(#[from] ApiClientError),
    #[error("the ripcord server did not answer within {0:?}")]
    Timeout(Duration),
    #[error("this client has no server to ask (it obeys local markers only)")]
    NoServer,
    #[error("this client has stopped")]
    Stopped,
}

/// Who this client is, for its reports.
#[derive(Debug, Clone)]
pub struct Identity {
    /// Unique per client; `status` lists agents by it.
    pub id: AgentId,
    pub command: Option<String>,
}

impl Identity {
    /// `host/name/pid`: unique on a host, readable in `status`.
    pub fn for_process(name: &str) -> Self {
        Identity {
            id: AgentId::for_process(&hostname(), name, std::process::id()),
            command: None,
        }
    }
}

/// This host's name, for agent ids, reports and the default actor.
pub fn hostname() -> String {
    nix::unistd::gethostname()
        .ok()
        .and_then(|name| name.into_string().ok())
        .unwrap_or_else(|| "localhost".into())
}

/// What a client knows at one moment.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientState {
    /// Why this scope must stop, or `None` while it may run.
    pub cause: Option<Cause>,
    /// The last server revision applied (0 before any).
    pub revision: u64,
    pub reachable: bool,
    /// Whether the first attempt to reach the server has finished (at once without a server).
    pub settled: bool,
}

impl ClientState {
    pub fn is_halted(&self) -> bool {
        self.cause.is_some()
    }
}

struct Shared {
    /// Set by the decider task; read by `is_halted` on every request.
    halted: Arc<AtomicBool>,
    state: watch::Receiver<ClientState>,
    /// The latest report (numbered), and the number of the latest one the server
    /// acknowledged.
    reports: Arc<watch::Sender<Option<Numbered>>>,
    delivered: watch::Receiver<u64>,
    /// An unpooled client of the server and a way to the decider, for
    /// [`Switch::refresh`]; `None` without a server.
    remote: Option<(ApiClient, mpsc::Sender<RemoteUpdate>)>,
    contact: Arc<Contact>,
    tasks: Vec<JoinHandle<()>>,
}

impl Drop for Shared {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

/// A cheap, cloneable handle on the switch for one scope.
#[derive(Clone)]
pub struct Switch {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for Switch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Switch")
            .field("state", &*self.shared.state.borrow())
            .finish()
    }
}

/// Everything [`Switch::start`] needs.
#[derive(Debug, Clone)]
pub struct SwitchOptions {
    /// The control plane; `None` obeys local markers only.
    pub server: Option<String>,
    pub scope: Scope,
    pub identity: Identity,
    pub config: ClientConfig,
}

impl Switch {
    /// Starts following the switch. Must be called inside a tokio runtime.
    pub fn start(options: SwitchOptions) -> Result<Self, SwitchError> {
        let folder = options.config.marker_folder()?;
        let (watcher, local) = MarkerWatch::start(folder, options.config.local_watch);
        let token = options.config.resolve_token()?;
        let api = options
            .server
            .as_deref()
            .map(|server| {
                ApiClient::new(server, token.as_ref())
                    .map(|api| api.with_timeout(options.config.request_timeout))
            })
            .transpose()?;
        let cache_dir = &options.config.cache_dir;
        if cache_dir.as_os_str().is_empty() {
            tracing::warn!(
                "no cache folder (client.cache_dir, or a home folder): a restarted agent learns a halt only from the server"
            );
        }
        let cache_path = options
            .server
            .as_deref()
            .filter(|_| !cache_dir.as_os_str().is_empty())
            .map(|server| cache::path_for(cache_dir, server));
        let cached = cache_path.as_deref().and_then(cache::load);
        // Replaced by the first decision below, before anyone can read it.
        let undecided = ClientState {
            cause: None,
            revision: 0,
            reachable: false,
            settled: false,
        };
        let (state_sender, state) = watch::channel(undecided);
        let (updates_sender, updates) = mpsc::channel(64);
        let reports = Arc::new(watch::Sender::new(None));
        let (delivered_sender, delivered) = watch::channel(0);

        let contact = Contact::new();
        // A refresh is for when a long-lived connection may be held up: it never reuses one.
        let remote = options
            .server
            .as_deref()
            .map(|server| ApiClient::unpooled(server, token.as_ref()))
            .transpose()?
            .map(|api| (api, updates_sender.clone()));
        let mut tasks = Vec::new();
        if let Some(api) = &api {
            let config = &options.config;
            tasks.push(match config.transport {
                Transport::Stream => tokio::spawn(remote::follow_stream(
                    api.clone(),
                    options.identity.id.clone(),
                    cached.clone(),
                    updates_sender,
                    config.clone(),
                    contact.clone(),
                )),
                Transport::Poll => tokio::spawn(remote::follow_polls(
                    api.clone(),
                    options.identity.id.clone(),
                    cached.clone(),
                    updates_sender,
                    config.clone(),
                    contact.clone(),
                )),
            });
            tasks.push(tokio::spawn(send_reports(
                api.clone(),
                options.identity.id.clone(),
                reports.subscribe(),
                delivered_sender,
                config.backoff_max,
            )));
        }
        let shared_halted = Arc::new(AtomicBool::new(false));
        let without_server = api.is_none();
        let mut decider = Decider {
            scope: options.scope,
            config: options.config,
            identity: options.identity,
            cache_path,
            known: cached,
            // With no server there is nothing to be unreachable, and nothing to wait for.
            reachable: without_server,
            settled: without_server,
            local,
            state: state_sender,
            reports: reports.clone(),
            halted: shared_halted.clone(),
            _watcher: watcher,
        };
        // Decided now, from the cache and the markers, so `is_halted` is right from the start.
        decider.decide(None);
        tasks.push(tokio::spawn(decider.run(updates)));
        Ok(Switch {
            shared: Arc::new(Shared {
                halted: shared_halted,
                state,
                reports,
                delivered,
                remote,
                contact,
                tasks,
            }),
        })
    }

    /// How long ago the server last confirmed this client's view (bytes on the stream,
    /// keep-alives included, a long-poll's answer or a [`Switch::refresh`]); `None` before
    /// the first time, and always without a server.
    pub fn confirmed_ago(&self) -> Option<Duration> {
        self.shared.contact.age()
    }

    /// Reads the whole board from the server (`GET /v1/switches`) within `limit` and
    /// returns once the decision on it is made, so `is_halted()` reflects it: for a
    /// client whose stream may be held up (a proxy, a throttled CPU) and that must be
    /// current before it acts. A failure leaves the state as it was.
    pub async fn refresh(&self, limit: Duration) -> Result<ClientState, SwitchError> {
        let (api, updates) = self.shared.remote.as_ref().ok_or(SwitchError::NoServer)?;
        let known = tokio::time::timeout(limit, api.known_board())
            .await
            .map_err(|_| SwitchError::Timeout(limit))??;
        self.shared.contact.touch();
        let (applied, decided) = oneshot::channel();
        updates
            .send(RemoteUpdate::Fetched { known, applied })
            .await
            .map_err(|_| SwitchError::Stopped)?;
        decided.await.map_err(|_| SwitchError::Stopped)?;
        Ok(self.state())
    }

    /// Whether this scope must stop now: one atomic load, cheap enough for every request.
    pub fn is_halted(&self) -> bool {
        self.shared.halted.load(Ordering::Acquire)
    }

    pub fn state(&self) -> ClientState {
        self.shared.state.borrow().clone()
    }

    pub fn subscribe(&self) -> watch::Receiver<ClientState> {
        self.shared.state.clone()
    }

    /// Resolves with the cause as soon as this scope is halted (at once if it is).
    pub async fn halted(&self) -> Cause {
        let mut state = self.subscribe();
        loop {
            if let Some(cause) = state.borrow_and_update().cause.clone() {
                return cause;
            }
            if state.changed().await.is_err() {
                return std::future::pending().await;
            }
        }
    }

    /// Resolves as soon as this scope may run (at once if it may).
    pub async fn resumed(&self) {
        let mut state = self.subscribe();
        if state.wait_for(|state| !state.is_halted()).await.is_err() {
            std::future::pending::<()>().await;
        }
    }

    /// Reports that this client exited with `code`, and waits up to `limit` for the server
    /// to acknowledge it, so `status` shows the agent as exited (and why) rather than
    /// running forever.
    pub async fn report_exit(&self, code: u8, limit: Duration) -> bool {
        self.shared.reports.send_modify(|latest| {
            if let Some(latest) = latest {
                latest.number += 1;
                latest.report.exit_code = Some(code);
                latest.report.applied_at = Timestamp::now();
            }
        });
        self.flush_reports(limit).await
    }

    /// Waits until the server has acknowledged the latest report, or `limit` passed.
    pub async fn flush_reports(&self, limit: Duration) -> bool {
        let latest = self
            .shared
            .reports
            .borrow()
            .as_ref()
            .map_or(0, |report| report.number);
        let mut delivered = self.shared.delivered.clone();
        matches!(
            tokio::time::timeout(limit, delivered.wait_for(|number| *number >= latest)).await,
            Ok(Ok(_))
        )
    }

    /// Waits until the first attempt to reach the server has finished, or `limit` passed:
    /// what a starting agent needs before it decides whether to run its command.
    pub async fn settled(&self, limit: Duration) -> ClientState {
        let mut state = self.subscribe();
        let _ = tokio::time::timeout(limit, state.wait_for(|state| state.settled)).await;
        self.state()
    }
}

/// The one task that combines the server, the cache and the local markers.
struct Decider {
    scope: Scope,
    config: ClientConfig,
    identity: Identity,
    cache_path: Option<std::path::PathBuf>,
    /// The last board from the server or the cache, with the log it belongs to.
    known: Option<KnownBoard>,
    reachable: bool,
    settled: bool,
    local: watch::Receiver<LocalHalts>,
    state: watch::Sender<ClientState>,
    reports: Arc<watch::Sender<Option<Numbered>>>,
    halted: Arc<AtomicBool>,
    _watcher: MarkerWatch,
}

impl Decider {
    async fn run(mut self, mut updates: mpsc::Receiver<RemoteUpdate>) {
        loop {
            let mut applied = None;
            let latency = tokio::select! {
                update = updates.recv(), if !updates.is_closed() => match update {
                    Some(RemoteUpdate::Fetched { known, applied: ack }) => {
                        applied = Some(ack);
                        self.fetched(known)
                    }
                    Some(update) => self.remote(update),
                    None => None,
                },
                changed = self.local.changed() => {
                    if changed.is_err() {
                        return;
                    }
                    None
                }
            };
            self.decide(latency);
            if let Some(applied) = applied {
                let _ = applied.send(());
            }
        }
    }

    /// Takes in a board read whole on request: complete, not live.
    fn fetched(&mut self, known: KnownBoard) -> Option<f64> {
        let replaced = self
            .known
            .as_ref()
            .is_some_and(|old| remote::replaced(old, &known));
        self.remote(RemoteUpdate::Board {
            known,
            complete: true,
            live: false,
            replaced,
        })
    }

    /// Takes in a remote update; returns the propagation latency of a new server event.
    fn remote(&mut self, update: RemoteUpdate) -> Option<f64> {
        let was_reachable = self.reachable;
        match update {
            RemoteUpdate::Connected => {
                self.reachable = true;
                self.settled = true;
            }
            RemoteUpdate::Unreachable(reason) => {
                if was_reachable {
                    tracing::warn!(%reason, "lost the ripcord server");
                } else if !self.settled {
                    tracing::warn!(%reason, policy = ?self.config.on_unreachable, "cannot reach the ripcord server; deciding on the cached state and the policy");
                }
                self.settled = true;
                self.reachable = false;
                return None;
            }
            // `run` keeps the acknowledgement; without it the board is taken all the same.
            RemoteUpdate::Fetched { known, .. } => return self.fetched(known),
            RemoteUpdate::Board {
                mut known,
                complete,
                live,
                replaced,
            } => {
                // Two sources (the follower and a refresh) may deliver out of order: an
                // older board of the same history must not undo a newer one.
                if !replaced
                    && self.known.as_ref().is_some_and(|old| {
                        old.log == known.log && old.board.revision > known.board.revision
                    })
                {
                    self.reachable = true;
                    self.settled |= complete;
                    return None;
                }
                let previous = self.known.as_ref();
                if replaced {
                    tracing::warn!(log = ?known.log, revision = known.board.revision, "the server's log is not the history this client followed (restored from an older copy?)");
                }
                known.carried = carry(
                    previous.map(KnownBoard::view),
                    previous.map_or(&CarriedHalts::new(), |p| &p.carried),
                    known.view(),
                    replaced,
                );
                known.witness = Witness::advance(
                    previous.and_then(|p| p.witness.as_ref()),
                    known.log.as_deref(),
                    &known.board,
                    replaced,
                );
                self.log_carried(previous, &known);
                let board = &known.board;
                self.reachable = true;
                self.settled |= complete;
                if complete && !board.knows(&self.scope) {
                    tracing::warn!(
                        scope = %self.scope,
                        known = %board.scope_list(),
                        "the server does not declare this scope: only a `global` halt reaches it"
                    );
                }
                let newer = self
                    .known
                    .as_ref()
                    .is_none_or(|old| old.board.revision < board.revision);
                // Only an event that arrived as it happened has a meaningful latency; a
                // snapshot or backlog after a restart would report the event's age.
                let latency = (newer && live).then(|| latest_event_age(board)).flatten();
                if let Some(path) = &self.cache_path
                    && let Err(error) = cache::store(path, &known)
                {
                    tracing::warn!(path = %path.display(), %error, "cannot cache the board");
                }
                self.known = Some(known);
                return latency;
            }
        }
        if !was_reachable {
            tracing::info!("connected to the ripcord server");
            // A server that restarted has to hear from us again.
            self.reports.send_modify(|_| {});
        }
        None
    }

    /// Says so when halts start or stop being carried from a lost log.
    fn log_carried(&self, previous: Option<&KnownBoard>, next: &KnownBoard) {
        let before = previous.map(|known| &known.carried);
        for (scope, halt) in &next.carried {
            if before.is_none_or(|before| !before.contains_key(scope)) {
                tracing::warn!(%scope, from_log = %halt.from_log, log = %halt.adopted_log, reason = %Printable(&halt.reason), "the server's log was replaced; keeping this halt until the new log resumes it");
            }
        }
        for scope in before.into_iter().flat_map(|before| before.keys()) {
            if !next.carried.contains_key(scope) {
                tracing::info!(%scope, "a carried halt was released by a resume in the new log");
            }
        }
    }

    fn decide(&mut self, latency_ms: Option<f64>) {
        let local = self.local.borrow().clone();
        let no_carried = CarriedHalts::new();
        let cause = halt_cause(
            &self.scope,
            Knowledge {
                board: self.known.as_ref().map(|known| &known.board),
                server_reachable: self.reachable,
                local: &local,
                carried: self
                    .known
                    .as_ref()
                    .map_or(&no_carried, |known| &known.carried),
                policy: self.config.on_unreachable,
            },
        );
        self.halted.store(cause.is_some(), Ordering::Release);
        let next = ClientState {
            cause,
            revision: self.known.as_ref().map_or(0, |known| known.board.revision),
            reachable: self.reachable,
            settled: self.settled,
        };
        let changed = self.state.send_if_modified(|state| {
            let changed = *state != next;
            *state = next.clone();
            changed
        });
        if !changed {
            return;
        }
        match &next.cause {
            Some(cause) => {
                tracing::warn!(scope = %self.scope, halted_by = %cause.scope, source = ?cause.source, reason = %Printable(&cause.reason), revision = next.revision, "halted")
            }
            None => tracing::info!(scope = %self.scope, revision = next.revision, "running"),
        }
        let report = AgentReport {
            scope: self.scope.clone(),
            halted: next.is_halted(),
            revision: next.revision,
            log: self.known.as_ref().and_then(|known| known.log.clone()),
            carried: self
                .known
                .as_ref()
                .map(|known| known.carried.clone())
                .unwrap_or_default(),
            witness: self.known.as_ref().and_then(|known| known.witness.clone()),
            cause: next.cause.clone(),
            applied_at: Timestamp::now(),
            latency_ms,
            host: hostname(),
            pid: std::process::id(),
            command: self.identity.command.clone(),
            exit_code: None,
            contact_every_ms: match self.config.transport {
                Transport::Stream => None,
                Transport::Poll => u64::try_from(
                    (self.config.poll_timeout + self.config.poll_interval).as_millis(),
                )
                .ok(),
            },
        };
        self.reports.send_modify(|latest| {
            let number = latest.as_ref().map_or(1, |previous| previous.number + 1);
            // An exit code, once reported, stays in every later report: a decision that
            // follows the exit must not replace the report that says how the run ended.
            let exit_code = latest
                .as_ref()
                .and_then(|previous| previous.report.exit_code);
            *latest = Some(Numbered {
                number,
                report: AgentReport {
                    exit_code,
                    ..report
                },
            });
        });
    }
}

/// Milliseconds from the newest event's time on the server until now.
fn latest_event_age(board: &Board) -> Option<f64> {
    let newest = board
        .switches
        .values()
        .filter_map(|state| state.last.as_ref())
        .find(|event| event.revision == board.revision)?;
    // A clock behind the server's would make it negative: that is skew, not latency.
    let age = Timestamp::now().duration_since(newest.at);
    Some((age.as_secs_f64() * 1_000.0).max(0.0))
}

/// A report and its place in the sequence of this client's reports.
#[derive(Debug, Clone)]
struct Numbered {
    number: u64,
    report: AgentReport,
}

/// Sends the latest report whenever it changes, retrying with backoff; an older report
/// still waiting is replaced, never queued. A report the server refuses outright (4xx) is
/// not retried: it would be refused again forever; the refusal is logged once.
async fn send_reports(
    api: ApiClient,
    id: AgentId,
    mut reports: watch::Receiver<Option<Numbered>>,
    delivered: watch::Sender<u64>,
    backoff_max: Duration,
) {
    let mut last_refusal = String::new();
    while reports.changed().await.is_ok() {
        let mut attempt = 0;
        loop {
            let Some(Numbered { number, report }) = reports.borrow_and_update().clone() else {
                break;
            };
            match api.report(&id, &report).await {
                Ok(()) => {
                    delivered.send_replace(number);
                    break;
                }
                // A report the server will never take is dropped; one refused for the
                // token's rate (429: a host of many agents on one token) is retried.
                Err(ApiClientError::Refused {
                    status, message, ..
                }) if status.is_client_error()
                    && status != reqwest::StatusCode::TOO_MANY_REQUESTS =>
                {
                    if message != last_refusal {
                        tracing::warn!(%status, %message, "the server refused this agent's report; not retrying it");
                        last_refusal = message;
                    }
                    delivered.send_replace(number);
                    break;
                }
                Err(error) => {
                    tracing::debug!(%error, "report not delivered; retrying");
                    tokio::select! {
                        () = tokio::time::sleep(remote::backoff(attempt, backoff_max)) => {}
                        changed = reports.changed() => if changed.is_err() { return },
                    }
                    attempt += 1;
                }
            }
        }
    }
}
