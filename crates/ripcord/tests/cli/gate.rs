//! `ripcord gate` in front of a real app (Python's http.server, `tests/fixtures/
//! gate_upstream.py`), following a real `ripcord serve`: pass-through, 503 in order with
//! the halt's revision, health paths, unbuffered bodies both ways in little memory,
//! WebSockets, a held-up stream, and a control plane that is gone.

use std::net::SocketAddr;
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::process::{Child, Command};

use crate::helpers::{DEADLINE, Host, Serve, eventually};

const MIB: usize = 1 << 20;
const GATE: &str = "gate-under-test";

/// The app behind the gate.
pub(crate) struct Upstream {
    _process: Child,
    pub(crate) url: String,
}

impl Upstream {
    pub(crate) async fn start() -> Self {
        let script = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/gate_upstream.py"
        );
        let mut process = Command::new("python3")
            .arg(script)
            .stdout(Stdio::piped())
            .stdin(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("python3 runs the upstream");
        let mut lines = tokio::io::BufReader::new(process.stdout.take().expect("stdout")).lines();
        let line = tokio::time::timeout(DEADLINE, lines.next_line())
            .await
            .expect("the upstream starts in time")
            .expect("its output")
            .expect("a line");
        let port = line.strip_prefix("listening ").expect("`listening PORT`");
        Upstream {
            _process: process,
            url: format!("http://127.0.0.1:{port}"),
        }
    }
}

/// Halts or resumes `scope` on the server at `url`; returns the event's revision.
pub(crate) async fn change(url: &str, scope: &str, action: &str) -> u64 {
    let event: Value = reqwest::Client::new()
        .post(format!("{url}/v1/switches/{scope}/{action}"))
        .json(&json!({ "reason": format!("gate test {action}") }))
        .send()
        .await
        .expect("sent")
        .error_for_status()
        .expect("accepted")
        .json()
        .await
        .expect("the event");
    event["revision"].as_u64().expect("a revision")
}

/// Waits until the gate reported applying `revision` in the state `halted`.
async fn gate_reported(url: &str, revision: u64, halted: bool) {
    let agents = format!("{url}/v1/agents");
    eventually(
        &format!("the gate to report revision {revision}"),
        async || {
            let list: Value = reqwest::get(&agents).await.ok()?.json().await.ok()?;
            list.as_array()?
                .iter()
                .find(|agent| agent["id"] == GATE)
                .filter(|agent| agent["revision"] == revision && agent["halted"] == halted)
                .map(|_| ())
        },
    )
    .await;
}

/// `ripcord gate` named [`GATE`] for `upstream`, following `server`, with `extra` flags
/// and environment.
async fn start_gate_with(
    host: &Host,
    server: &str,
    upstream: &Upstream,
    extra: &[&str],
    env: &[(&str, &str)],
) -> Serve {
    let mut args = vec![
        "--listen",
        "127.0.0.1:0",
        "--upstream",
        &upstream.url,
        "--name",
        GATE,
    ];
    args.extend_from_slice(extra);
    host.gate(Some(server), &args, env).await
}

async fn start_gate(host: &Host, server: &str, upstream: &Upstream) -> Serve {
    start_gate_with(host, server, upstream, &[], &[]).await
}

/// A host with a control plane, an app, and a gate in front of the app following it.
async fn stage() -> (Host, Serve, Upstream, Serve) {
    stage_with(&[]).await
}

/// [`stage`] with the gate's environment set.
async fn stage_with(env: &[(&str, &str)]) -> (Host, Serve, Upstream, Serve) {
    let host = Host::new();
    let serve = host.serve(&["--listen", "127.0.0.1:0"], &[]).await;
    let upstream = Upstream::start().await;
    let gate = start_gate_with(&host, &serve.url(), &upstream, &[], env).await;
    (host, serve, upstream, gate)
}

#[tokio::test]
async fn the_gate_passes_while_running_and_answers_503_from_the_halts_revision_on() {
    let (_host, serve, _upstream, gate) = stage().await;
    let http = reqwest::Client::new();
    let through = |path: &str| format!("{}{path}", gate.url());

    let answer = http.get(through("/")).send().await.expect("through");
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.text().await.expect("body"), "upstream says hello\n");
    // The app closes its connection after an answer; the client's next request, on the
    // same connection to the gate, goes to the app on a new one.
    for path in ["/close", "/close", "/"] {
        let answer = http.get(through(path)).send().await.expect("through");
        assert_eq!(answer.status(), 200, "{path}");
    }

    let revision = change(&serve.url(), "api", "halt").await;
    gate_reported(&serve.url(), revision, true).await;
    // The first request after the gate reported the halt is refused: an ordering check.
    let refused = http.get(through("/")).send().await.expect("refused");
    assert_eq!(refused.status(), 503);
    assert_eq!(refused.headers()["retry-after"], "30");
    assert_eq!(refused.headers()["cache-control"], "no-store");
    let body: Value = refused.json().await.expect("JSON");
    assert_eq!(body["error"], "halted");
    let page = http
        .get(through("/"))
        .header("accept", "text/html,application/xhtml+xml")
        .send()
        .await
        .expect("refused");
    assert_eq!(page.status(), 503);
    assert!(
        page.text()
            .await
            .expect("page")
            .starts_with("<!doctype html>")
    );
    // The platform's probe still reaches the app, so it is not restarted while halted;
    // anything else on that path is a request like any other.
    let health = http.get(through("/healthz")).send().await.expect("health");
    assert_eq!(health.status(), 200);
    let posted = http.post(through("/healthz")).send().await.expect("post");
    assert_eq!(posted.status(), 503);
    // A WebSocket handshake is refused too, on a health path as well.
    for path in ["/ws", "/healthz"] {
        let mut socket = TcpStream::connect(&gate.addr).await.expect("connect");
        let (head, _) = websocket_handshake(&mut socket, path).await;
        assert!(head.starts_with("HTTP/1.1 503"), "{path}: {head}");
    }

    let revision = change(&serve.url(), "api", "resume").await;
    gate_reported(&serve.url(), revision, false).await;
    let again = http.get(through("/")).send().await.expect("through");
    assert_eq!(again.status(), 200);

    // A halt of another scope does not touch this gate's.
    let revision = change(&serve.url(), "worker", "halt").await;
    gate_reported(&serve.url(), revision, false).await;
    assert_eq!(
        http.get(through("/"))
            .send()
            .await
            .expect("through")
            .status(),
        200
    );
    gate.stop().await;
}

#[tokio::test]
async fn bodies_stream_through_both_ways_without_buffering_in_little_memory() {
    let (_host, _serve, upstream, gate) = stage().await;
    let pid = gate.child.id().expect("the gate's pid");
    let http = reqwest::Client::new();

    // Download: the upstream sends 1 MiB and waits until the test has read it through
    // the gate; a gate that buffered the answer would never pass the first MiB on.
    let mut download = http
        .get(format!("{}/download?mib=20", gate.url()))
        .send()
        .await
        .expect("download");
    assert_eq!(download.status(), 200);
    let expected = download.headers()["x-sha256"]
        .to_str()
        .expect("digest")
        .to_owned();
    let mut digest = Sha256::new();
    let mut received = 0;
    while received < MIB {
        let chunk = tokio::time::timeout(DEADLINE, download.chunk())
            .await
            .expect("the first MiB arrives while the upstream waits")
            .expect("chunk")
            .expect("more");
        received += chunk.len();
        digest.update(&chunk);
    }
    http.post(format!("{}/release", upstream.url))
        .send()
        .await
        .expect("released");
    while let Some(chunk) = download.chunk().await.expect("chunk") {
        received += chunk.len();
        digest.update(&chunk);
    }
    assert_eq!(received, 20 * MIB);
    assert_eq!(hex::encode(digest.finalize()), expected);

    // Upload: 1 MiB, then nothing until the upstream has read it through the gate.
    let data: Arc<Vec<u8>> = Arc::new((0..20 * MIB).map(|i| (i * 7 % 251) as u8).collect());
    let (sender, chunks) = tokio::sync::mpsc::channel::<Result<bytes::Bytes, std::io::Error>>(4);
    let upload = tokio::spawn({
        let http = http.clone();
        let url = format!("{}/upload", gate.url());
        async move {
            let body =
                reqwest::Body::wrap_stream(tokio_stream::wrappers::ReceiverStream::new(chunks));
            http.post(url)
                .header("content-length", 20 * MIB)
                .body(body)
                .send()
                .await
                .expect("upload")
                .text()
                .await
                .expect("digest")
        }
    });
    let send = async |range: std::ops::Range<usize>| {
        for start in range.step_by(64 * 1024) {
            let chunk = bytes::Bytes::copy_from_slice(&data[start..start + 64 * 1024]);
            sender.send(Ok(chunk)).await.expect("sent");
        }
    };
    send(0..MIB).await;
    let progress = format!("{}/upload-progress", upstream.url);
    eventually("the upstream to read the first MiB", async || {
        let read: usize = reqwest::get(&progress)
            .await
            .ok()?
            .text()
            .await
            .ok()?
            .parse()
            .ok()?;
        (read >= MIB).then_some(())
    })
    .await;
    send(MIB..20 * MIB).await;
    drop(sender);
    let answered = tokio::time::timeout(DEADLINE, upload)
        .await
        .expect("the upload ends")
        .expect("task");
    assert_eq!(answered, hex::encode(Sha256::digest(&data[..])));

    // The binary's own pages are file-backed and shared (a debug build maps 100 MB of
    // them); what a transfer costs is the rest.
    let (peak, binary) = (status_kib(pid, "VmHWM"), status_kib(pid, "RssFile"));
    assert!(
        peak - binary < 30 * 1024,
        "the gate's peak RSS was {peak} KiB, {binary} KiB of them its binary's pages"
    );
    gate.stop().await;
}

#[tokio::test]
async fn a_websocket_passes_while_running_and_a_halt_closes_it() {
    let (_host, serve, _upstream, gate) = stage().await;
    let mut socket = TcpStream::connect(&gate.addr).await.expect("connect");
    let (head, rest) = websocket_handshake(&mut socket, "/ws").await;
    assert!(head.starts_with("HTTP/1.1 101"), "{head}");
    assert!(rest.is_empty());
    for message in ["hello", "through the gate"] {
        socket
            .write_all(&masked_text_frame(message))
            .await
            .expect("send");
        let mut echo = vec![0u8; 2 + message.len()];
        tokio::time::timeout(DEADLINE, socket.read_exact(&mut echo))
            .await
            .expect("the echo in time")
            .expect("echo");
        assert_eq!(echo[0], 0x81);
        assert_eq!(&echo[2..], message.as_bytes());
    }
    change(&serve.url(), "global", "halt").await;
    let mut rest = Vec::new();
    let closed = tokio::time::timeout(DEADLINE, socket.read_to_end(&mut rest))
        .await
        .expect("the halt closes the WebSocket");
    // An end of stream or a reset: either way, closed.
    assert!(closed.is_err() || rest.is_empty(), "{rest:?}");
    gate.stop().await;
}

#[tokio::test]
async fn a_held_up_stream_is_caught_by_reading_the_board_before_forwarding() {
    let host = Host::new();
    let serve = host.serve(&["--listen", "127.0.0.1:0"], &[]).await;
    let relay = Relay::start(serve.addr.parse().expect("addr")).await;
    let upstream = Upstream::start().await;
    let staleness = Duration::from_millis(500);
    // The stream would take a minute to be called dead; only the refresh can notice.
    let gate = start_gate_with(
        &host,
        &format!("http://{}", relay.addr),
        &upstream,
        &["--max-staleness", "500ms"],
        &[("RIPCORD_CLIENT__STREAM_IDLE_TIMEOUT", "60s")],
    )
    .await;
    let http = reqwest::Client::new();
    gate_reported(&serve.url(), 0, false).await;
    assert_eq!(
        http.get(gate.url()).send().await.expect("through").status(),
        200
    );
    // From here the stream (and every connection the gate has) passes nothing.
    relay.hold_up_open_connections();
    let held_up = Instant::now();
    change(&serve.url(), "api", "halt").await;
    // The gate's last confirmation came before the hold-up, so once `max_staleness` has
    // passed since, the next request must read the board first.
    tokio::time::sleep_until((held_up + staleness).into()).await;
    let refused = http.get(gate.url()).send().await.expect("answer");
    assert_eq!(refused.status(), 503);
    gate.stop().await;
}

#[tokio::test]
async fn the_gate_keeps_its_state_without_the_control_plane_and_obeys_local_markers() {
    let host = Host::new();
    let serve = host.serve(&["--listen", "127.0.0.1:0"], &[]).await;
    let server = serve.url();
    let upstream = Upstream::start().await;
    let gate = start_gate(&host, &server, &upstream).await;
    let http = reqwest::Client::new();
    let revision = change(&server, "api", "halt").await;
    gate_reported(&server, revision, true).await;
    serve.stop().await;
    // The control plane is gone: the halt stands (the failure policy is `open`: the last
    // known board decides), for every request, without waiting on the dead server.
    for _ in 0..3 {
        let answer = http.get(gate.url()).send().await.expect("answer");
        assert_eq!(answer.status(), 503);
    }
    gate.stop().await;

    // With no server at all, a local marker halts the gate and its removal resumes it.
    let gate = host
        .gate(
            None,
            &[
                "--listen",
                "127.0.0.1:0",
                "--upstream",
                &upstream.url,
                "--no-server",
            ],
            &[],
        )
        .await;
    assert_eq!(
        http.get(gate.url()).send().await.expect("pass").status(),
        200
    );
    for (action, status) in [("halt", 503), ("resume", 200)] {
        let args = [
            action,
            "--local",
            "--scope",
            "api",
            "--reason",
            "on the host",
        ];
        let (code, _, stderr) = host.run_with(&[], &args).await;
        assert_eq!(code, 0, "{stderr}");
        eventually(
            &format!("a local {action} to answer {status}"),
            async || {
                let answer = http.get(gate.url()).send().await.ok()?;
                (answer.status() == status).then_some(())
            },
        )
        .await;
    }
    gate.stop().await;
}

#[tokio::test]
async fn a_gate_without_an_upstream_or_with_a_bad_one_says_which() {
    let host = Host::new();
    let (code, _, stderr) = host.run_with(&[], &["gate", "--no-server"]).await;
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("--upstream"), "{stderr}");
    let (code, _, stderr) = host
        .run_with(
            &[],
            &["gate", "--no-server", "--upstream", "https://app:8443"],
        )
        .await;
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("plain http"), "{stderr}");
    let (code, _, stderr) = host
        .run_with(
            &[],
            &[
                "gate",
                "--no-server",
                "--upstream",
                "http://app",
                "--health-path",
                "healthz",
            ],
        )
        .await;
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("must start with `/`"), "{stderr}");
}

/// Sends a WebSocket handshake for `path`; returns the answer's head and any bytes after it.
async fn websocket_handshake(socket: &mut TcpStream, path: &str) -> (String, Vec<u8>) {
    let handshake = format!(
        "GET {path} HTTP/1.1\r\nHost: gate\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    );
    socket
        .write_all(handshake.as_bytes())
        .await
        .expect("handshake");
    let mut received = Vec::new();
    let mut buffer = [0u8; 1024];
    loop {
        if let Some(end) = received.windows(4).position(|window| window == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&received[..end]).into_owned();
            return (head, received[end + 4..].to_vec());
        }
        let read = tokio::time::timeout(DEADLINE, socket.read(&mut buffer))
            .await
            .expect("an answer in time")
            .expect("read");
        assert!(read > 0, "the gate closed before answering");
        received.extend_from_slice(&buffer[..read]);
    }
}

/// A client's text frame: FIN, opcode 1, masked as clients must.
fn masked_text_frame(text: &str) -> Vec<u8> {
    let mask = [0x37, 0xfa, 0x21, 0x3d];
    let mut frame = vec![0x81, 0x80 | u8::try_from(text.len()).expect("short")];
    frame.extend_from_slice(&mask);
    frame.extend(text.bytes().enumerate().map(|(i, b)| b ^ mask[i % 4]));
    frame
}

/// A field of `/proc/<pid>/status` in KiB: `VmHWM` (the peak resident memory), `RssFile`.
fn status_kib(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("status");
    status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or_else(|| panic!("no {field} in the status of {pid}"))
}

/// A TCP relay that can hold up the connections open at a moment, passing nothing more
/// on them without closing them (a middlebox gone quiet), while new ones pass.
struct Relay {
    addr: SocketAddr,
    generation: Arc<AtomicU64>,
    _task: tokio::task::JoinHandle<()>,
}

impl Relay {
    async fn start(target: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let generation = Arc::new(AtomicU64::new(0));
        let current = generation.clone();
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let Ok(server) = TcpStream::connect(target).await else {
                    continue;
                };
                let born = current.load(Ordering::SeqCst);
                let (client_read, client_write) = client.into_split();
                let (server_read, server_write) = server.into_split();
                for (from, to) in [(client_read, server_write), (server_read, client_write)] {
                    let current = current.clone();
                    tokio::spawn(pass(from, to, born, current));
                }
            }
        });
        Relay {
            addr,
            generation,
            _task: task,
        }
    }

    fn hold_up_open_connections(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }
}

/// Copies `from` to `to` until either ends, or forever holds what it read once the relay
/// moved past the connection's generation.
async fn pass(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    born: u64,
    current: Arc<AtomicU64>,
) {
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        let Ok(read) = from.read(&mut buffer).await else {
            return;
        };
        if read == 0 {
            return;
        }
        if current.load(Ordering::SeqCst) != born {
            // Held up: keep both halves open, pass nothing.
            std::future::pending::<()>().await;
        }
        if to.write_all(&buffer[..read]).await.is_err() {
            return;
        }
    }
}

#[tokio::test]
async fn on_cloud_run_the_gate_listens_on_port_on_every_interface() {
    let host = Host::new();
    let gate = host
        .gate(
            None,
            &["--no-server", "--upstream", "http://127.0.0.1:9"],
            &[("PORT", "0")],
        )
        .await;
    assert!(gate.addr.starts_with("0.0.0.0:"), "{}", gate.addr);
    gate.stop().await;
}

#[tokio::test]
async fn a_halt_cuts_an_answer_still_streaming() {
    let (_host, serve, _upstream, gate) = stage().await;
    let mut download = reqwest::get(format!("{}/download?mib=4", gate.url()))
        .await
        .expect("download");
    assert_eq!(download.status(), 200);
    let mut received = 0;
    while received < MIB {
        received += download.chunk().await.expect("chunk").expect("more").len();
    }
    // The app waits to send the rest; the halt ends the exchange meanwhile.
    change(&serve.url(), "api", "halt").await;
    let ended = tokio::time::timeout(DEADLINE, async {
        loop {
            match download.chunk().await {
                Ok(Some(chunk)) => received += chunk.len(),
                Ok(None) => return Ok(()),
                Err(error) => return Err(error),
            }
        }
    })
    .await
    .expect("the halt ends the download");
    assert!(
        ended.is_err(),
        "the answer ended cleanly after {received} bytes"
    );
    assert!(received < 4 * MIB);
    gate.stop().await;
}

#[tokio::test]
async fn a_slow_app_gets_504_and_a_halt_does_not_wait_for_it() {
    let (host, serve, upstream, gate) =
        stage_with(&[("RIPCORD_GATE__UPSTREAM_TIMEOUT", "300ms")]).await;
    let stall = format!("{}/stall", gate.url());
    assert_eq!(reqwest::get(&stall).await.expect("answer").status(), 504);
    // An app that never switched protocols on request does not get to.
    let unasked = reqwest::get(format!("{}/unasked-101", gate.url()))
        .await
        .expect("answer");
    assert_eq!(unasked.status(), 502);
    gate.stop().await;

    let gate = start_gate(&host, &serve.url(), &upstream).await;
    let waiting = tokio::spawn(reqwest::get(format!("{}/stall", gate.url())));
    // The request is with the app (it never answers); the halt answers it.
    let revision = change(&serve.url(), "api", "halt").await;
    gate_reported(&serve.url(), revision, true).await;
    let answer = tokio::time::timeout(DEADLINE, waiting)
        .await
        .expect("the halt answers the waiting request")
        .expect("task")
        .expect("answer");
    assert_eq!(answer.status(), 503);
    gate.stop().await;
}

#[tokio::test]
async fn a_request_that_comes_back_to_its_gate_is_refused_as_a_loop() {
    let host = Host::new();
    let port = ripcord_testkit::free_port().expect("a free port");
    let listen = format!("127.0.0.1:{port}");
    // `localhost` is not recognised as the gate's own address before it starts; `Via` is.
    let upstream = format!("http://localhost:{port}");
    let gate = host
        .gate(
            None,
            &["--no-server", "--listen", &listen, "--upstream", &upstream],
            &[],
        )
        .await;
    let answer = reqwest::get(gate.url()).await.expect("answer");
    assert_eq!(answer.status(), 508);
    gate.stop().await;
    let (code, _, stderr) = host
        .run_with(
            &[],
            &[
                "gate",
                "--no-server",
                "--listen",
                &listen,
                "--upstream",
                &format!("http://{listen}"),
            ],
        )
        .await;
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("would loop"), "{stderr}");
}

#[tokio::test]
async fn a_client_that_stops_sending_its_body_gets_408_and_lets_go() {
    let (_host, _serve, _upstream, gate) =
        stage_with(&[("RIPCORD_GATE__BODY_TIMEOUT", "300ms")]).await;
    let mut socket = TcpStream::connect(&gate.addr).await.expect("connect");
    // A megabyte announced, a kilobyte sent, then nothing.
    socket
        .write_all(b"POST /upload HTTP/1.1\r\nHost: gate\r\nContent-Length: 1048576\r\n\r\n")
        .await
        .expect("headers");
    socket.write_all(&[7u8; 1024]).await.expect("a little body");
    let mut answer = Vec::new();
    let mut buffer = [0u8; 1024];
    while !answer.windows(4).any(|window| window == b"\r\n\r\n") {
        let read = tokio::time::timeout(DEADLINE, socket.read(&mut buffer))
            .await
            .expect("an answer in time")
            .expect("read");
        assert!(read > 0, "closed without an answer");
        answer.extend_from_slice(&buffer[..read]);
    }
    let head = String::from_utf8_lossy(&answer);
    assert!(head.starts_with("HTTP/1.1 408"), "{head}");
    gate.stop().await;
}

#[tokio::test]
async fn an_idle_gate_costs_no_cpu_and_then_answers() {
    let (_host, serve, _upstream, gate) = stage().await;
    let pid = gate.child.id().expect("the gate's pid");
    gate_reported(&serve.url(), 0, false).await;
    // A measurement window, not a synchronisation: the gate must sleep through it.
    let before = crate::helpers::cpu_time(pid);
    tokio::time::sleep(Duration::from_secs(2)).await;
    let used = crate::helpers::cpu_time(pid) - before;
    assert!(
        used <= Duration::from_millis(10),
        "an idle gate used {used:?} of CPU in two seconds"
    );
    let answer = reqwest::get(gate.url()).await.expect("through");
    assert_eq!(answer.status(), 200);
    gate.stop().await;
}
