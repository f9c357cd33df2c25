//! The client library against a real server: the switch, the 503 layer, reconnection.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::routing::get;
use http::{Request, StatusCode};
use jiff::Timestamp;
use ripcord_agent::{ClientConfig, HaltLayer, Identity, Switch, SwitchOptions, Transport};
use ripcord_core::auth::Secret;
use ripcord_core::{Action, Board, ChangeRequest, Source, UnreachablePolicy};
use ripcord_server::{RunningServer, ServerConfig};
use tower::ServiceExt;

const DEADLINE: Duration = Duration::from_secs(10);

struct Server {
    running: RunningServer,
}

/// A server's state: a folder, and, when the suites run on PostgreSQL
/// (`RIPCORD_TEST_BACKEND=postgres`), a fresh database of the shared cluster.
struct State {
    config: ServerConfig,
}

impl State {
    fn new(data_dir: PathBuf) -> Self {
        let database_url = ripcord_testkit::state_database_url().expect("a state database");
        State {
            config: ServerConfig {
                data_dir,
                database_url: database_url.map(Secret::new),
                ..ServerConfig::default()
            },
        }
    }
}

async fn start_server(state: &State, listen: SocketAddr) -> Server {
    let running = ripcord_server::spawn_local(&state.config.data_dir, |config| {
        config.listen = listen;
        config.database_url = state.config.database_url.clone();
    })
    .await
    .expect("server builds");
    Server { running }
}

impl Server {
    fn url(&self) -> String {
        self.running.url()
    }

    async fn change(&self, scope: &str, action: &str) {
        let response = reqwest::Client::new()
            .post(format!("{}/v1/switches/{scope}/{action}", self.url()))
            .json(&serde_json::json!({ "reason": "test" }))
            .send()
            .await
            .expect("sent");
        assert!(response.status().is_success());
    }

    async fn stop(self) {
        self.running.stop().await.expect("clean shutdown");
    }
}

fn client(dir: &Path, transport: Transport) -> ClientConfig {
    ClientConfig {
        local_dir: dir.join("local"),
        cache_dir: dir.join("cache"),
        transport,
        backoff_max: Duration::from_millis(100),
        ..ClientConfig::default()
    }
}

fn start_switch(server: Option<String>, scope: &str, config: ClientConfig) -> Switch {
    Switch::start(SwitchOptions {
        server,
        scope: scope.parse().expect("scope"),
        identity: Identity::for_process("test"),
        config,
    })
    .expect("switch starts")
}

async fn within<T>(what: &str, future: impl Future<Output = T>) -> T {
    tokio::time::timeout(DEADLINE, future)
        .await
        .unwrap_or_else(|_| panic!("timed out: {what}"))
}

async fn get_status(app: &Router) -> (StatusCode, Option<String>) {
    let response = app
        .clone()
        .oneshot(Request::get("/").body(Body::empty()).expect("request"))
        .await
        .expect("response");
    let retry = response
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().expect("ascii").to_owned());
    (response.status(), retry)
}

#[tokio::test]
async fn the_switch_and_the_503_layer_follow_halts_and_resumes() {
    for transport in [Transport::Stream, Transport::Poll] {
        let dir = tempfile::tempdir().expect("temp dir");
        let data = State::new(dir.path().join("data"));
        let server = start_server(&data, ([127, 0, 0, 1], 0).into()).await;
        let switch = start_switch(Some(server.url()), "api", client(dir.path(), transport));
        let app = Router::new()
            .route("/", get(|| async { "hello" }))
            .layer(HaltLayer::new(switch.clone(), Duration::from_secs(30)));
        let state = switch.settled(DEADLINE).await;
        assert!(state.settled && state.reachable, "{transport:?}: {state:?}");
        assert!(!switch.is_halted());
        assert_eq!(get_status(&app).await, (StatusCode::OK, None));

        server.change("global", "halt").await;
        let cause = within("the halt", switch.halted()).await;
        assert_eq!(
            (cause.source, cause.scope.as_str()),
            (Source::Server, "global")
        );
        assert!(switch.is_halted());
        assert_eq!(
            get_status(&app).await,
            (StatusCode::SERVICE_UNAVAILABLE, Some("30".into()))
        );

        server.change("global", "resume").await;
        within("the resume", switch.resumed()).await;
        assert!(!switch.is_halted());
        assert_eq!(switch.state().revision, 2);
        assert_eq!(get_status(&app).await, (StatusCode::OK, None));
        server.stop().await;
    }
}

#[tokio::test]
async fn a_client_reconnects_after_a_server_restart_and_resumes_from_its_revision() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = State::new(dir.path().join("data"));
    let server = start_server(&data, ([127, 0, 0, 1], 0).into()).await;
    let addr = server.running.addr();
    let switch = start_switch(
        Some(server.url()),
        "worker",
        client(dir.path(), Transport::Stream),
    );
    switch.settled(DEADLINE).await;
    server.change("worker", "halt").await;
    within("the halt", switch.halted()).await;
    server.stop().await;

    let mut state = switch.subscribe();
    within("noticing the outage", state.wait_for(|s| !s.reachable))
        .await
        .expect("open");
    assert!(switch.is_halted(), "fail-open keeps the last known state");

    // While the server is down, the log grows (another instance, or an operator's tool).
    write_event_while_down(&data, "worker", Action::Resume).await;
    // The same state and port: the client reconnects with Last-Event-ID = 1 and is
    // replayed revision 2 from storage.
    let restarted = start_server(&data, addr).await;
    within(
        "the resume written while the server was down",
        switch.resumed(),
    )
    .await;
    assert_eq!(switch.state().revision, 2);
    restarted.stop().await;
}

async fn write_event_while_down(state: &State, scope: &str, action: Action) {
    let storage =
        ripcord_server::open_store(&state.config, ripcord_server::Opening::CreateIfMissing)
            .await
            .expect("open storage");
    let events = storage.load_events().await.expect("events");
    let board = Board::replay(ServerConfig::default().scopes, &events).expect("replay");
    let request = ChangeRequest {
        scope: scope.parse().expect("scope"),
        action,
        actor: "offline tool".into(),
        reason: "written while the server was down".into(),
        drill: false,
        source: None,
    };
    let event = board.decide(request, Timestamp::now()).expect("valid");
    storage.append(&event, None).await.expect("append");
    storage.close().await;
}

#[tokio::test]
async fn fail_closed_halts_while_unreachable() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = ClientConfig {
        on_unreachable: UnreachablePolicy::Closed,
        ..client(dir.path(), Transport::Stream)
    };
    let switch = start_switch(Some("http://127.0.0.1:9".into()), "cron", config);
    let cause = within("the fail-closed halt", switch.halted()).await;
    assert_eq!(cause.source, Source::Unreachable);
}

#[tokio::test]
async fn a_local_marker_halts_a_client_without_a_server() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = client(dir.path(), Transport::Stream);
    let switch = start_switch(None, "worker", config.clone());
    assert!(!switch.settled(DEADLINE).await.is_halted());
    let markers = config.marker_folder().expect("marker folder");
    markers
        .halt(&"worker".parse().expect("scope"), "disk", "ops")
        .expect("halt");
    let cause = within("the local halt", switch.halted()).await;
    assert_eq!(cause.source, Source::Local);
    markers
        .resume(&"worker".parse().expect("scope"))
        .expect("resume");
    within("the local resume", switch.resumed()).await;
}

#[tokio::test]
async fn a_server_with_replaced_state_gets_a_snapshot_and_keeps_the_halt_until_resumed() {
    for transport in [Transport::Stream, Transport::Poll] {
        let dir = tempfile::tempdir().expect("temp dir");
        let first = start_server(
            &State::new(dir.path().join("first")),
            ([127, 0, 0, 1], 0).into(),
        )
        .await;
        let addr = first.running.addr();
        let switch = start_switch(Some(first.url()), "worker", client(dir.path(), transport));
        switch.settled(DEADLINE).await;
        first.change("worker", "halt").await;
        within("the halt", switch.halted()).await;
        first.stop().await;

        // Another state on the same address (a wiped data folder): its revisions 1 and 2
        // are other events. Replayed from "revision 1", the client would take this log's
        // events for its own; from a snapshot it sees this log's board. Nothing halts
        // `worker` in this log, yet the halt it held is kept, carried from the lost log,
        // until this log resumes `worker`: a lost database releases nothing.
        // Written before it serves, so the client's first answer from it is at revision 2.
        let second = State::new(dir.path().join("second"));
        write_event_while_down(&second, "cron", Action::Halt).await;
        write_event_while_down(&second, "api", Action::Halt).await;
        let replaced = start_server(&second, addr).await;
        let mut state = switch.subscribe();
        let carried = state.wait_for(|s| {
            s.revision == 2
                && s.cause
                    .as_ref()
                    .is_some_and(|c| c.source == Source::Carried)
        });
        within("the replaced state, worker still halted", carried)
            .await
            .expect("open");
        replaced.change("worker", "resume").await;
        within("the resume in the new log", switch.resumed()).await;
        replaced.stop().await;
    }
}

mod replicas;
