use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use ripcord_core::auth::Secret;
use ripcord_server::{RunningServer, ServerConfig, Storage};
use serde_json::{Value, json};

/// Where a test server keeps its state: a folder of its own, and, when the suites run on
/// PostgreSQL (`RIPCORD_TEST_BACKEND=postgres`), a fresh database of the shared
/// cluster. Servers started on one `State` one after another are restarts.
pub struct State {
    dir: tempfile::TempDir,
    database_url: Option<String>,
}

impl State {
    /// On the backend the suites run on.
    pub fn new() -> Self {
        Self::with(ripcord_testkit::state_database_url().expect("a state database"))
    }

    pub fn sqlite() -> Self {
        Self::with(None)
    }

    /// A fresh database of the shared cluster, whatever the suites run on.
    pub fn postgres() -> Self {
        let cluster = ripcord_testkit::Postgres::shared().expect("the shared cluster");
        Self::with(Some(cluster.fresh_database().expect("a database")))
    }

    fn with(database_url: Option<String>) -> Self {
        State {
            dir: tempfile::tempdir().expect("temp dir"),
            database_url,
        }
    }

    /// Points a server's configuration at this state.
    pub fn configure(&self, config: &mut ServerConfig) {
        config.data_dir = self.dir.path().to_owned();
        config.database_url = self.database_url.clone().map(Secret::new);
    }

    pub fn database_url(&self) -> Option<&str> {
        self.database_url.as_deref()
    }

    /// A server configuration on this state.
    pub fn config(&self) -> ServerConfig {
        let mut config = ServerConfig::default();
        self.configure(&mut config);
        config
    }

    /// Runs SQL on the state, the tables unqualified, with everything the database itself
    /// enforces in force; the database's error when it refuses.
    pub async fn sql(&self, sql: &str) -> Result<(), String> {
        match &self.database_url {
            Some(url) => {
                ripcord_testkit::postgres::psql(url, &format!("SET search_path = ripcord; {sql}"))
                    .map(drop)
                    .map_err(|error| error.to_string())
            }
            None => {
                let pool = self.sqlite_pool().await;
                let done = sqlx::raw_sql(sql).execute(&pool).await;
                pool.close().await;
                done.map(drop).map_err(|error| error.to_string())
            }
        }
    }

    async fn sqlite_pool(&self) -> sqlx::SqlitePool {
        let file = self.dir.path().join("ripcord.db");
        sqlx::SqlitePool::connect(&format!("sqlite://{}", file.display()))
            .await
            .expect("database")
    }

    /// Runs SQL on the state as the database's owner could, with the append-only
    /// triggers out of the way (dropped in SQLite, disabled for the session in
    /// PostgreSQL), the tables unqualified.
    pub async fn sql_as_owner(&self, sql: &str) {
        match &self.database_url {
            Some(url) => {
                let sql = format!(
                    "SET search_path = ripcord; SET session_replication_role = replica; {sql}"
                );
                ripcord_testkit::postgres::psql(url, &sql).expect("SQL as the owner");
            }
            None => {
                let pool = self.sqlite_pool().await;
                let triggers = [
                    "events_are_never_updated",
                    "events_are_never_deleted",
                    "audit_is_never_updated",
                    "audit_is_never_deleted",
                ]
                .map(|name| format!("DROP TRIGGER IF EXISTS {name};"))
                .concat();
                sqlx::raw_sql(&format!("{triggers} {sql}"))
                    .execute(&pool)
                    .await
                    .expect("SQL as the owner");
                pool.close().await;
            }
        }
    }

    /// The store, opened beside any server, as `ripcord token create` opens it.
    pub async fn store(&self) -> Arc<dyn Storage> {
        ripcord_server::open_store(&self.config(), ripcord_server::Opening::CreateIfMissing)
            .await
            .expect("store")
    }
}

/// A running server on a free port with a state of its own.
pub struct TestApp {
    pub url: String,
    pub http: reqwest::Client,
    server: RunningServer,
    _state: Option<State>,
}

pub async fn spawn_app() -> TestApp {
    let state = State::new();
    let mut app = spawn_app_on(&state).await;
    app._state = Some(state);
    app
}

/// A server on an existing state: what a restart looks like.
pub async fn spawn_app_on(state: &State) -> TestApp {
    spawn_app_with(state, |_| {}).await
}

/// A server on `state` with its configuration adjusted by `adjust`.
pub async fn spawn_app_with(state: &State, adjust: impl FnOnce(&mut ServerConfig)) -> TestApp {
    let server = ripcord_server::spawn_local(state.dir.path(), |config| {
        config.keep_alive = Duration::from_secs(60);
        state.configure(config);
        adjust(config);
    })
    .await
    .expect("server builds");
    TestApp {
        url: server.url(),
        http: reqwest::Client::new(),
        server,
        _state: None,
    }
}

impl TestApp {
    pub async fn post(&self, path: &str, body: Value) -> reqwest::Response {
        self.http
            .post(format!("{}{path}", self.url))
            .json(&body)
            .send()
            .await
            .expect("request sent")
    }

    /// `GET path` with `token`, read as JSON.
    pub async fn get_json_as(&self, path: &str, token: &str) -> Value {
        self.http
            .get(format!("{}{path}", self.url))
            .bearer_auth(token)
            .send()
            .await
            .expect("request sent")
            .json()
            .await
            .expect("JSON")
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http
            .get(format!("{}{path}", self.url))
            .send()
            .await
            .expect("request sent")
    }

    pub async fn halt(&self, scope: &str, reason: &str) -> Value {
        let response = self
            .post(
                &format!("/v1/switches/{scope}/halt"),
                json!({ "reason": reason, "actor": "test" }),
            )
            .await;
        assert_eq!(response.status(), 200);
        response.json().await.expect("event JSON")
    }

    pub async fn resume(&self, scope: &str) -> Value {
        let response = self
            .post(
                &format!("/v1/switches/{scope}/resume"),
                json!({ "reason": "all clear" }),
            )
            .await;
        assert_eq!(response.status(), 200);
        response.json().await.expect("event JSON")
    }

    /// Stops the server gracefully and waits until it has; open streams end.
    pub async fn stop(self) {
        self.server.stop().await.expect("server ran cleanly");
    }

    /// Opens the event stream, resuming after a position (`LOG.REVISION` or a revision).
    pub async fn stream(&self, last_event_id: Option<&str>) -> SseReader {
        let mut request = self.http.get(format!("{}/v1/stream", self.url));
        if let Some(id) = last_event_id {
            request = request.header("last-event-id", id);
        }
        let response = request.send().await.expect("stream opens");
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-type"], "text/event-stream");
        SseReader {
            body: Box::pin(response.bytes_stream()),
            buffer: String::new(),
        }
    }
}

/// Reads server-sent events off a response body, one at a time.
pub struct SseReader {
    body: std::pin::Pin<Box<dyn futures_util::Stream<Item = reqwest::Result<bytes::Bytes>> + Send>>,
    buffer: String,
}

#[derive(Debug)]
pub struct SseEvent {
    /// The audit log's identity, from the `LOG.REVISION` id.
    pub log: String,
    pub id: u64,
    pub name: String,
    pub data: Value,
}

impl SseReader {
    /// The next event; fails the test after a deadline rather than hanging.
    pub async fn next(&mut self) -> SseEvent {
        tokio::time::timeout(Duration::from_secs(10), self.next_inner())
            .await
            .expect("an event within 10 s")
    }

    /// `None` when the server ended the stream.
    pub async fn next_or_end(&mut self) -> Option<SseEvent> {
        tokio::time::timeout(Duration::from_secs(10), async {
            loop {
                if let Some(event) = self.take_buffered() {
                    return Some(event);
                }
                match self.body.next().await {
                    Some(chunk) => self
                        .buffer
                        .push_str(&String::from_utf8_lossy(&chunk.expect("chunk"))),
                    None => return None,
                }
            }
        })
        .await
        .expect("an event or the end within 10 s")
    }

    async fn next_inner(&mut self) -> SseEvent {
        self.next_or_end().await.expect("the stream is still open")
    }

    fn take_buffered(&mut self) -> Option<SseEvent> {
        loop {
            let end = self.buffer.find("\n\n")?;
            let block: String = self.buffer.drain(..end + 2).collect();
            let mut id = None;
            let mut name = None;
            let mut data = None;
            for line in block.lines() {
                if let Some(value) = line.strip_prefix("id: ") {
                    id = value
                        .parse::<ripcord_core::Position>()
                        .ok()
                        .and_then(|position| Some((position.log?, position.revision)));
                } else if let Some(value) = line.strip_prefix("event: ") {
                    name = Some(value.to_owned());
                } else if let Some(value) = line.strip_prefix("data: ") {
                    data = serde_json::from_str(value).ok();
                }
            }
            // Comments (keep-alives) have none of these.
            if let (Some((log, id)), Some(name), Some(data)) = (id, name, data) {
                return Some(SseEvent {
                    log,
                    id,
                    name,
                    data,
                });
            }
        }
    }
}
