use std::path::PathBuf;

use std::time::Duration;

use futures_util::StreamExt;
use ripcord_server::{RunningServer, ServerConfig};
use serde_json::{Value, json};

/// A running server on a free port with a state folder of its own.
pub struct TestApp {
    pub url: String,
    pub http: reqwest::Client,
    server: RunningServer,
    _dir: Option<tempfile::TempDir>,
}

pub async fn spawn_app() -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut app = spawn_app_in(dir.path().to_owned()).await;
    app._dir = Some(dir);
    app
}

/// A server on an existing state folder: what a restart looks like.
pub async fn spawn_app_in(data_dir: PathBuf) -> TestApp {
    spawn_app_with(data_dir, |_| {}).await
}

/// A server on `data_dir` with its configuration adjusted by `adjust`.
pub async fn spawn_app_with(data_dir: PathBuf, adjust: impl FnOnce(&mut ServerConfig)) -> TestApp {
    let server = ripcord_server::spawn_local(data_dir, |config| {
        config.keep_alive = Duration::from_secs(60);
        adjust(config);
    })
    .await
    .expect("server builds");
    TestApp {
        url: server.url(),
        http: reqwest::Client::new(),
        server,
        _dir: None,
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
