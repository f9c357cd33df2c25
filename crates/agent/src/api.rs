//! A typed client of the control plane's HTTP API, used by the CLI and by agents.

use std::time::Duration;

use reqwest::{Client, StatusCode};
use ripcord_core::api::{
    AGENT_HEADER, AgentRecord, AgentReport, ChangeBody, ErrorBody, LOG_HEADER,
};
use ripcord_core::{Action, Board, CarriedHalts, Event, Scope};
use serde::de::DeserializeOwned;

use crate::cache::Known;

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
}

/// The server's base URL and a connection pool.
#[derive(Debug, Clone)]
pub struct ApiClient {
    base: reqwest::Url,
    http: Client,
}

impl ApiClient {
    pub fn new(server: &str) -> Result<Self, ApiClientError> {
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
        let http = Client::builder()
            .connect_timeout(Duration::from_secs(3))
            .user_agent(concat!("ripcord/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| bad(e.to_string()))?;
        Ok(ApiClient { base, http })
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

    pub async fn change(
        &self,
        scope: &Scope,
        action: Action,
        reason: &str,
        actor: &str,
    ) -> Result<Event, ApiClientError> {
        let body = ChangeBody {
            reason: reason.to_owned(),
            actor: Some(actor.to_owned()),
        };
        let request = self
            .http
            .post(self.url(&format!("v1/switches/{scope}/{action}")))
            .json(&body);
        self.send(request, Duration::from_secs(10)).await
    }

    pub async fn switches(&self) -> Result<Board, ApiClientError> {
        self.send(
            self.http.get(self.url("v1/switches")),
            Duration::from_secs(10),
        )
        .await
    }

    /// The board with the log it belongs to: what a client following the switch keeps.
    pub(crate) async fn known_board(&self) -> Result<Known, ApiClientError> {
        self.send_known(
            self.http.get(self.url("v1/switches")),
            Duration::from_secs(10),
        )
        .await
    }

    /// Waits up to `timeout` for a revision above the known one; answers with the board
    /// either way, at once if the known board is of another log.
    pub(crate) async fn wait_for_change(
        &self,
        known: &Known,
        timeout: Duration,
        agent: &str,
    ) -> Result<Known, ApiClientError> {
        let mut url = self.url("v1/switches/wait");
        url.query_pairs_mut()
            .append_pair("after", &known.board.revision.to_string())
            .append_pair("timeout", &format!("{}ms", timeout.as_millis()));
        if let Some(log) = &known.log {
            url.query_pairs_mut().append_pair("log", log);
        }
        let request = self.http.get(url).header(AGENT_HEADER, agent);
        self.send_known(request, timeout + Duration::from_secs(10))
            .await
    }

    async fn send_known(
        &self,
        request: reqwest::RequestBuilder,
        timeout: Duration,
    ) -> Result<Known, ApiClientError> {
        let response = self.respond(request, timeout).await?;
        let log = response
            .headers()
            .get(LOG_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let board = response
            .json()
            .await
            .map_err(|e| self.unexpected(&e.to_string()))?;
        Ok(Known {
            log,
            board,
            carried: CarriedHalts::new(),
        })
    }

    pub async fn events(&self, after: u64, limit: u32) -> Result<Vec<Event>, ApiClientError> {
        let url = self.url(&format!("v1/events?after={after}&limit={limit}"));
        self.send(self.http.get(url), Duration::from_secs(10)).await
    }

    pub async fn agents(&self) -> Result<Vec<AgentRecord>, ApiClientError> {
        self.send(
            self.http.get(self.url("v1/agents")),
            Duration::from_secs(10),
        )
        .await
    }

    pub async fn report(&self, id: &str, report: &AgentReport) -> Result<(), ApiClientError> {
        let mut url = self.url("v1/agents/");
        url.path_segments_mut()
            .map_err(|()| self.unexpected("URL cannot have a path"))?
            .pop_if_empty()
            .push(id)
            .push("report");
        let request = self.http.post(url).json(report);
        self.respond(request, Duration::from_secs(10))
            .await
            .map(drop)
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
            Ok(body) => ApiClientError::Refused {
                url: self.base.to_string(),
                status,
                code: body.error.code,
                field: body.error.field,
                message: body.error.message,
            },
            Err(_) => self.unexpected(&format!(
                "{status}: {}",
                text.chars().take(200).collect::<String>()
            )),
        })
    }

    pub(crate) fn unreachable(&self, error: &reqwest::Error) -> ApiClientError {
        // reqwest's Display hides the cause ("error sending request"); the chain says why.
        let mut reason = error.to_string();
        let mut source = std::error::Error::source(error);
        while let Some(cause) = source {
            reason = format!("{reason}: {cause}");
            source = cause.source();
        }
        ApiClientError::Unreachable {
            url: self.base.to_string(),
            reason,
        }
    }

    pub(crate) fn unexpected(&self, reason: &str) -> ApiClientError {
        ApiClientError::Unexpected {
            url: self.base.to_string(),
            reason: reason.to_owned(),
        }
    }
}
