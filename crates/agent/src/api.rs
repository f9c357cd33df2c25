//! A typed client of the control plane's HTTP API, used by the CLI and by agents.

use std::time::Duration;

use reqwest::{Client, StatusCode};
use ripcord_core::api::{
    AgentId, AgentRecord, AgentReport, BackupRecord, ChangeBody, DrillRecord, ErrorBody,
    IDEMPOTENCY_HEADER, LOG_HEADER, NEXT_HEADER, REPLACED_HEADER, SKIPPED_HEADER,
};
use ripcord_core::auth::{Role, Secret, TokenInfo};
// reqwest's Display hides the cause ("error sending request"); the chain says why.
use ripcord_core::text::error_chain;
use ripcord_core::{Action, Board, CarriedHalts, Event, Printable, Scope};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::cache::KnownBoard;

#[derive(Debug, thiserror::Error)]
pub enum ApiClientError {
    #[error("invalid server URL `{url}`: {reason}")]
    BadUrl { url: String, reason: String },
    #[error("cannot reach the ripcord server at {url}: {reason}")]
    Unreachable { url: String, reason: String },
    #[error("the server at {url} refused the request ({status}): {message}")]
    Refused {
        url: String,
        status: StatusCode,
        code: String,
        field: Option<String>,
        message: String,
    },
    #[error("the server at {url} answered with something that is not ripcord's API: {reason}")]
    Unexpected { url: String, reason: String },
    #[error("the token holds characters no HTTP header can carry")]
    BadToken,
    /// The request may have reached the server, and retrying it did not tell: it may or
    /// may not have been recorded.
    #[error("no answer from {url} after the request was sent, twice: {reason}")]
    OutcomeUnknown { url: String, reason: String },
}

/// A token just created: the secret, shown once, and what the server keeps of it.
#[derive(Debug, Deserialize)]
pub struct CreatedToken {
    pub token: Secret,
    #[serde(flatten)]
    pub info: TokenInfo,
}

/// Every agent the server lists, and how many unreadable rows it skipped.
#[derive(Debug, Default)]
pub struct AgentList {
    pub agents: Vec<AgentRecord>,
    pub skipped: usize,
}

/// The server's base URL and a connection pool.
#[derive(Debug, Clone)]
pub struct ApiClient {
    base: reqwest::Url,
    http: Client,
    request_timeout: Duration,
}

/// Longest wait for an answer to one request, unless [`ApiClient::with_timeout`] says.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

impl ApiClient {
    /// A client of `server`, sending `token` (when given) as `Authorization: Bearer` on
    /// every request; the header is marked sensitive, so it is never logged.
    pub fn new(server: &str, token: Option<&Secret>) -> Result<Self, ApiClientError> {
        Self::build(server, token, true)
    }

    /// Like [`ApiClient::new`], but every request opens a connection of its own: for
    /// checks that must not ride on a pooled connection that a middlebox may be holding up.
    pub fn unpooled(server: &str, token: Option<&Secret>) -> Result<Self, ApiClientError> {
        Self::build(server, token, false)
    }

    fn build(server: &str, token: Option<&Secret>, pooled: bool) -> Result<Self, ApiClientError> {
        let bad = |reason: String| ApiClientError::BadUrl {
            url: server.to_owned(),
            reason,
        };
        let mut base = reqwest::Url::parse(server).map_err(|e| bad(e.to_string()))?;
        if !matches!(base.scheme(), "http" | "https") {
            return Err(bad("expected an http:// or https:// URL".into()));
        }
        if !base.path().ends_with('/') {
            let path = format!("{}/", base.path());
            base.set_path(&path);
        }
        let mut headers = reqwest::header::HeaderMap::new();
        if let Some(token) = token {
            let mut value =
                reqwest::header::HeaderValue::from_str(&format!("Bearer {}", token.expose()))
                    .map_err(|_| ApiClientError::BadToken)?;
            value.set_sensitive(true);
            headers.insert(reqwest::header::AUTHORIZATION, value);
        }
        let mut builder = Client::builder();
        if !pooled {
            builder = builder.pool_max_idle_per_host(0);
        }
        let http = builder
            .connect_timeout(Duration::from_secs(3))
            .user_agent(concat!("ripcord/", env!("CARGO_PKG_VERSION")))
            .default_headers(headers)
            .build()
            .map_err(|e| bad(e.to_string()))?;
        Ok(ApiClient {
            base,
            http,
            request_timeout: DEFAULT_TIMEOUT,
        })
    }

    /// How long to wait for the answer to one request.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = timeout;
        self
    }

    pub fn base(&self) -> &reqwest::Url {
        &self.base
    }

    pub(crate) fn http(&self) -> &Client {
        &self.http
    }

    pub(crate) fn url(&self, path: &str) -> reqwest::Url {
        // `path` is one of ours and always relative, so joining cannot fail.
        self.base.join(path).unwrap_or_else(|_| self.base.clone())
    }

    /// Asks for a halt or resume. A request that may have been sent but got no answer is
    /// sent once more with the same idempotency key, so the server records it at most
    /// once; when that fails too, the outcome is unknown and the error says so.
    /// `body.actor` names who asks when the client has no token; with one, the server
    /// records the token's name and refuses an actor in the body.
    pub async fn change(
        &self,
        scope: &Scope,
        action: Action,
        body: &ChangeBody,
    ) -> Result<Event, ApiClientError> {
        let key = format!("{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..));
        let attempt = || async {
            let sent = self
                .http
                .post(self.url(&format!("v1/switches/{scope}/{action}")))
                .header(IDEMPOTENCY_HEADER, &key)
                .json(body)
                .timeout(self.request_timeout)
                .send()
                .await;
            match sent {
                // A proxy's 502 or 504 says nothing of whether the server recorded it.
                Ok(response)
                    if matches!(
                        response.status(),
                        StatusCode::BAD_GATEWAY | StatusCode::GATEWAY_TIMEOUT
                    ) =>
                {
                    Err((true, format!("a proxy answered {}", response.status())))
                }
                Ok(response) => Ok(response),
                Err(error) => Err((!error.is_connect(), error_chain(&error))),
            }
        };
        let response = match attempt().await {
            Ok(response) => response,
            Err((first_sent, first)) => {
                tracing::debug!(error = %first, "no answer to the change; retrying with the same idempotency key");
                match attempt().await {
                    Ok(response) => response,
                    // Neither attempt reached the server: nothing was recorded.
                    Err((false, reason)) if !first_sent => {
                        return Err(ApiClientError::Unreachable {
                            url: self.base.to_string(),
                            reason,
                        });
                    }
                    Err((_, reason)) => {
                        return Err(ApiClientError::OutcomeUnknown {
                            url: self.base.to_string(),
                            reason,
                        });
                    }
                }
            }
        };
        self.check(response)
            .await?
            .json()
            .await
            .map_err(|e| self.unexpected(&e.to_string()))
    }

    pub async fn switches(&self) -> Result<Board, ApiClientError> {
        self.send(self.http.get(self.url("v1/switches")), self.request_timeout)
            .await
    }

    /// The board and the environment the server says it serves (`serve.environment`).
    pub async fn switches_in(&self) -> Result<(Board, Option<String>), ApiClientError> {
        #[derive(Deserialize)]
        struct WithEnvironment {
            #[serde(flatten)]
            board: Board,
            environment: Option<String>,
        }
        let view: WithEnvironment = self
            .send(self.http.get(self.url("v1/switches")), self.request_timeout)
            .await?;
        Ok((view.board, view.environment))
    }

    /// The board with the log it belongs to: what a client following the switch keeps.
    pub async fn known_board(&self) -> Result<KnownBoard, ApiClientError> {
        self.send_known(self.http.get(self.url("v1/switches")), self.request_timeout)
            .await
    }

    /// Waits up to `timeout` for a revision above the known one; answers with the board
    /// either way, at once if the known board is of another log or another history (then
    /// with `true`: the server's log was restored from an older copy).
    pub(crate) async fn wait_for_change(
        &self,
        known: &KnownBoard,
        timeout: Duration,
        agent: &AgentId,
    ) -> Result<(bool, KnownBoard), ApiClientError> {
        let mut url = self.url("v1/switches/wait");
        url.query_pairs_mut()
            .append_pair("after", &known.board.revision.to_string())
            .append_pair("timeout", &format!("{}ms", timeout.as_millis()))
            .append_pair("agent", agent.as_str());
        if let Some(log) = &known.log {
            url.query_pairs_mut().append_pair("log", log);
        }
        if let Some(head) = known.board.head() {
            url.query_pairs_mut().append_pair("head", &head.digest());
        }
        let response = self
            .respond(self.http.get(url), timeout + self.request_timeout)
            .await?;
        let replaced = response.headers().contains_key(REPLACED_HEADER);
        Ok((replaced, self.read_known(response).await?))
    }

    async fn send_known(
        &self,
        request: reqwest::RequestBuilder,
        timeout: Duration,
    ) -> Result<KnownBoard, ApiClientError> {
        let response = self.respond(request, timeout).await?;
        self.read_known(response).await
    }

    /// A board answer, with the log its `x-ripcord-log` header names.
    async fn read_known(&self, response: reqwest::Response) -> Result<KnownBoard, ApiClientError> {
        let log = response
            .headers()
            .get(LOG_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let board = response
            .json()
            .await
            .map_err(|e| self.unexpected(&e.to_string()))?;
        Ok(KnownBoard {
            log,
            board,
            carried: CarriedHalts::new(),
            witness: None,
        })
    }

    /// Records a drill's report on the control plane (an operator token).
    pub async fn record_drill(&self, drill: &DrillRecord) -> Result<(), ApiClientError> {
        let request = self.http.post(self.url("v1/drills")).json(drill);
        self.respond(request, self.request_timeout).await.map(drop)
    }

    /// Records what a backup command did (an agent token and up).
    pub async fn record_backup(&self, backup: &BackupRecord) -> Result<(), ApiClientError> {
        let request = self.http.post(self.url("v1/backups")).json(backup);
        self.respond(request, self.request_timeout).await.map(drop)
    }

    /// The newest `limit` backup records, newest first.
    pub async fn backups(&self, limit: u32) -> Result<Vec<BackupRecord>, ApiClientError> {
        let url = self.url(&format!("v1/backups?limit={limit}"));
        self.send(self.http.get(url), self.request_timeout).await
    }

    /// The newest `limit` drills, newest first.
    pub async fn drills(&self, limit: u32) -> Result<Vec<DrillRecord>, ApiClientError> {
        let url = self.url(&format!("v1/drills?limit={limit}"));
        self.send(self.http.get(url), self.request_timeout).await
    }

    pub async fn events(&self, after: u64, limit: u32) -> Result<Vec<Event>, ApiClientError> {
        let url = self.url(&format!("v1/events?after={after}&limit={limit}"));
        self.send(self.http.get(url), self.request_timeout).await
    }

    /// Every agent, page by page.
    pub async fn agents(&self) -> Result<AgentList, ApiClientError> {
        let mut list = AgentList::default();
        let mut after: Option<String> = None;
        loop {
            let mut url = self.url("v1/agents");
            url.query_pairs_mut().append_pair("limit", "1000");
            if let Some(after) = &after {
                url.query_pairs_mut().append_pair("after", after);
            }
            let response = self
                .respond(self.http.get(url), self.request_timeout)
                .await?;
            let header = |name| {
                response
                    .headers()
                    .get(name)
                    .and_then(|value| value.to_str().ok())
                    .map(str::to_owned)
            };
            let next = header(NEXT_HEADER).map(|next| {
                percent_encoding::percent_decode_str(&next)
                    .decode_utf8_lossy()
                    .into_owned()
            });
            list.skipped += header(SKIPPED_HEADER)
                .and_then(|count| count.parse::<usize>().ok())
                .unwrap_or(0);
            let page: Vec<AgentRecord> = response
                .json()
                .await
                .map_err(|e| self.unexpected(&e.to_string()))?;
            list.agents.extend(page);
            match next {
                Some(next) if after.as_deref() != Some(next.as_str()) => after = Some(next),
                _ => return Ok(list),
            }
        }
    }

    /// What `/readyz` says: `ready`, or why not, and whether the server runs without
    /// authentication.
    pub async fn readiness(&self) -> Result<String, ApiClientError> {
        let response = self
            .respond(self.http.get(self.url("readyz")), self.request_timeout)
            .await?;
        response
            .text()
            .await
            .map_err(|e| self.unexpected(&e.to_string()))
    }

    /// Both logs' hash chains, as the server verifies them (`GET /v1/audit/verify`).
    pub async fn verify_logs<T: DeserializeOwned>(&self) -> Result<T, ApiClientError> {
        let url = self.url("v1/audit/verify");
        // Walking a long log takes a while: a generous deadline.
        self.send(self.http.get(url), self.request_timeout * 6)
            .await
    }

    /// Creates a token (an admin token is needed); the answer holds the secret, once.
    pub async fn create_token(
        &self,
        name: &str,
        role: Role,
        expires_in: Option<Duration>,
    ) -> Result<CreatedToken, ApiClientError> {
        let mut body = serde_json::json!({ "name": name, "role": role });
        if let Some(expires_in) = expires_in {
            body["expires_in"] = format!("{}s", expires_in.as_secs()).into();
        }
        let request = self.http.post(self.url("v1/tokens")).json(&body);
        self.send(request, self.request_timeout).await
    }

    pub async fn tokens(&self) -> Result<Vec<TokenInfo>, ApiClientError> {
        self.send(self.http.get(self.url("v1/tokens")), self.request_timeout)
            .await
    }

    pub async fn revoke_token(&self, prefix_or_name: &str) -> Result<TokenInfo, ApiClientError> {
        let mut url = self.url("v1/tokens/");
        url.path_segments_mut()
            .map_err(|()| self.unexpected("URL cannot have a path"))?
            .pop_if_empty()
            .push(prefix_or_name);
        self.send(self.http.delete(url), self.request_timeout).await
    }

    pub async fn report(&self, id: &AgentId, report: &AgentReport) -> Result<(), ApiClientError> {
        let mut url = self.url("v1/agents/");
        url.path_segments_mut()
            .map_err(|()| self.unexpected("URL cannot have a path"))?
            .pop_if_empty()
            .push(id.as_str())
            .push("report");
        let request = self.http.post(url).json(report);
        self.respond(request, self.request_timeout).await.map(drop)
    }

    /// Sends a request and turns transport failures and non-2xx answers into errors.
    async fn respond(
        &self,
        request: reqwest::RequestBuilder,
        timeout: Duration,
    ) -> Result<reqwest::Response, ApiClientError> {
        let response = request
            .timeout(timeout)
            .send()
            .await
            .map_err(|e| self.unreachable(&e))?;
        self.check(response).await
    }

    async fn send<T: DeserializeOwned>(
        &self,
        request: reqwest::RequestBuilder,
        timeout: Duration,
    ) -> Result<T, ApiClientError> {
        let response = self.respond(request, timeout).await?;
        response
            .json()
            .await
            .map_err(|e| self.unexpected(&e.to_string()))
    }

    /// Turns a non-2xx answer into [`ApiClientError::Refused`] with the server's own message.
    async fn check(
        &self,
        response: reqwest::Response,
    ) -> Result<reqwest::Response, ApiClientError> {
        let status = response.status();
        if status.is_success() {
            return Ok(response);
        }
        let text = response.text().await.unwrap_or_default();
        Err(match serde_json::from_str::<ErrorBody>(&text) {
            // The server's words reach a terminal: control characters escaped.
            Ok(body) => ApiClientError::Refused {
                url: self.base.to_string(),
                status,
                code: Printable(&body.error.code).to_string(),
                field: body.error.field.map(|field| Printable(&field).to_string()),
                message: Printable(&body.error.message).to_string(),
            },
            Err(_) => self.unexpected(&format!(
                "{status}: {}",
                Printable(&text.chars().take(200).collect::<String>())
            )),
        })
    }

    pub(crate) fn unreachable(&self, error: &reqwest::Error) -> ApiClientError {
        ApiClientError::Unreachable {
            url: self.base.to_string(),
            reason: error_chain(error),
        }
    }

    pub(crate) fn unexpected(&self, reason: &str) -> ApiClientError {
        ApiClientError::Unexpected {
            url: self.base.to_string(),
            reason: reason.to_owned(),
        }
    }
}
