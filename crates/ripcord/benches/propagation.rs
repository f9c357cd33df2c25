//! Propagation benchmark: how long from the start of a halt request until the LAST of N
//! stream subscribers has it, in one run, for a bare axum SSE broadcast (the floor of this
//! machine), single-node ripcord (SQLite), and two ripcord replicas on one PostgreSQL and
//! one Redis with the subscribers split between them (the changes go to the first). It
//! also times each change's request: the durable write of a halt on SQLite and on
//! PostgreSQL (both syncing every commit).
//!
//! `cargo bench -p ripcord --bench propagation -- [--subscribers 10,100,1000,10000]
//! [--changes 100] [--kinds baseline,ripcord,replicas] [--json FILE] [--svg FILE]`
//!
//! Each server runs in a process of its own (fresh for every N, so its peak RSS is that
//! N's); the subscribers and the timer share this process, on the same two cores, as the
//! issue describes. Every server gets the same client: raw HTTP/1.1 connections that look
//! for `id: <revision>` in the stream.

mod common;

use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::{Notify, Semaphore};

const BASELINE_FLAG: &str = "--baseline-server";

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(position) = args.iter().position(|arg| arg == BASELINE_FLAG) {
        let addr: SocketAddr = args[position + 1].parse().expect("baseline address");
        baseline::serve(addr);
        return;
    }
    let options = Options::parse(&args);
    common::raise_fd_limit();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let mut rows = Vec::new();
    for &subscribers in &options.subscribers {
        for &kind in &options.kinds {
            let row = runtime.block_on(measure(kind, subscribers, options.changes));
            eprintln!(
                "{:<8} N={:<6} p50 {:>8.2} ms  p99 {:>8.2} ms  max {:>8.2} ms  write p50 {:>6.2} ms  server RSS {:>6.1} MiB",
                kind.name(),
                subscribers,
                row.p50,
                row.p99,
                row.max,
                row.write_p50,
                row.rss_mib
            );
            rows.push(row);
        }
    }
    print_table(&rows);
    if let Some(path) = &options.json {
        std::fs::write(
            path,
            serde_json::to_string_pretty(&rows_json(&rows)).expect("json"),
        )
        .expect("write json");
    }
    if let Some(path) = &options.svg {
        std::fs::write(path, chart::svg(&rows)).expect("write svg");
    }
}

struct Options {
    subscribers: Vec<usize>,
    changes: usize,
    kinds: Vec<Kind>,
    json: Option<String>,
    svg: Option<String>,
}

impl Options {
    fn parse(args: &[String]) -> Self {
        let mut options = Options {
            subscribers: vec![10, 100, 1000, 10000],
            changes: 100,
            kinds: vec![Kind::Baseline, Kind::Ripcord, Kind::Replicas],
            json: None,
            svg: None,
        };
        let mut iter = args.iter().skip(1);
        while let Some(arg) = iter.next() {
            match arg.as_str() {
                "--subscribers" => {
                    let list = iter
                        .next()
                        .expect("--subscribers takes a list such as 10,100");
                    options.subscribers = list
                        .split(',')
                        .map(|n| n.parse().expect("a number"))
                        .collect();
                }
                "--changes" => {
                    options.changes = iter
                        .next()
                        .and_then(|n| n.parse().ok())
                        .expect("--changes N")
                }
                "--kinds" => {
                    let list = iter
                        .next()
                        .expect("--kinds takes a list such as ripcord,replicas");
                    options.kinds = list
                        .split(',')
                        .map(|name| Kind::parse(name).expect("baseline, ripcord or replicas"))
                        .collect();
                }
                "--json" => options.json = iter.next().cloned(),
                "--svg" => options.svg = iter.next().cloned(),
                // cargo bench passes --bench; anything else is a mistake worth hearing about.
                "--bench" => {}
                other => panic!("unknown argument {other}"),
            }
        }
        options
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Baseline,
    /// One `ripcord serve` on SQLite.
    Ripcord,
    /// Two `ripcord serve` on one PostgreSQL and one Redis.
    Replicas,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Baseline => "baseline",
            Kind::Ripcord => "ripcord",
            Kind::Replicas => "replicas",
        }
    }

    fn parse(name: &str) -> Option<Kind> {
        [Kind::Baseline, Kind::Ripcord, Kind::Replicas]
            .into_iter()
            .find(|kind| kind.name() == name)
    }
}

struct Row {
    kind: Kind,
    subscribers: usize,
    p50: f64,
    p99: f64,
    max: f64,
    /// The median time of a change's request: its durable write (and the answer).
    write_p50: f64,
    /// The largest peak RSS of the deployment's server processes.
    rss_mib: f64,
}

struct ServerProcess {
    child: Child,
    addr: SocketAddr,
    _data: tempfile::TempDir,
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The servers of one measurement, and what they run on.
struct Deployment {
    servers: Vec<ServerProcess>,
    _redis: Option<ripcord_testkit::Redis>,
    _postgres: Option<ripcord_testkit::Postgres>,
}

fn start(kind: Kind) -> Deployment {
    match kind {
        Kind::Baseline => {
            let mut command = Command::new(std::env::current_exe().expect("bench executable"));
            let addr = common::free_addr();
            command.args([BASELINE_FLAG, &addr.to_string()]);
            Deployment {
                servers: vec![spawn_server(
                    kind,
                    command,
                    addr,
                    tempfile::tempdir().expect("dir"),
                )],
                _redis: None,
                _postgres: None,
            }
        }
        Kind::Ripcord => Deployment {
            servers: vec![serve(&[])],
            _redis: None,
            _postgres: None,
        },
        Kind::Replicas => {
            // Every commit synced, as SQLite's are: the durable writes compare fairly.
            let postgres = ripcord_testkit::Postgres::start_with(&[
                "fsync=on",
                "synchronous_commit=on",
                "full_page_writes=on",
            ])
            .expect("PostgreSQL");
            let database = postgres.create_database("bench").expect("database");
            let redis = ripcord_testkit::Redis::start().expect("Redis");
            let redis_url = redis.url();
            let env = [
                ("RIPCORD_DATABASE_URL", database.as_str()),
                ("RIPCORD_REDIS_URL", redis_url.as_str()),
            ];
            Deployment {
                servers: vec![serve(&env), serve(&env)],
                _redis: Some(redis),
                _postgres: Some(postgres),
            }
        }
    }
}

/// `ripcord serve` on a free port, with a data folder of its own and `env`.
fn serve(env: &[(&str, &str)]) -> ServerProcess {
    let addr = common::free_addr();
    let data = tempfile::tempdir().expect("temp dir");
    let mut command = Command::new(env!("CARGO_BIN_EXE_ripcord"));
    command
        .args(["serve", "--listen", &addr.to_string()])
        .current_dir(data.path())
        .env("RIPCORD_SERVE__DATA_DIR", data.path())
        .env("RIPCORD_LOG__LEVEL", "warn")
        .envs(env.iter().copied());
    spawn_server(Kind::Ripcord, command, addr, data)
}

fn spawn_server(
    kind: Kind,
    mut command: Command,
    addr: SocketAddr,
    data: tempfile::TempDir,
) -> ServerProcess {
    let child = command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .spawn()
        .expect("server starts");
    let server = ServerProcess {
        child,
        addr,
        _data: data,
    };
    let started = Instant::now();
    while std::net::TcpStream::connect(addr).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{} did not start",
            kind.name()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    server
}

fn peak_rss_mib(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let kib: f64 = status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0.0);
    kib / 1024.0
}

/// What every subscriber updates when it sees the revision being measured.
struct Round {
    target: AtomicU64,
    seen: AtomicUsize,
    subscribed: AtomicUsize,
    /// Nanoseconds since `origin` at which the latest subscriber saw the target.
    latest: AtomicU64,
    origin: Instant,
    everyone: Notify,
    total: usize,
}

async fn measure(kind: Kind, subscribers: usize, changes: usize) -> Row {
    let deployment = start(kind);
    let round = Arc::new(Round {
        target: AtomicU64::new(u64::MAX),
        seen: AtomicUsize::new(0),
        subscribed: AtomicUsize::new(0),
        latest: AtomicU64::new(0),
        origin: Instant::now(),
        everyone: Notify::new(),
        total: subscribers,
    });
    let path = match kind {
        Kind::Ripcord | Kind::Replicas => "/v1/stream",
        Kind::Baseline => "/stream",
    };
    // Connect in bounded batches so the listen backlog never overflows.
    let gate = Arc::new(Semaphore::new(256));
    // Split between the replicas, one each in turn.
    for index in 0..subscribers {
        let permit = gate.clone().acquire_owned().await.expect("semaphore");
        let round = round.clone();
        let addr = deployment.servers[index % deployment.servers.len()].addr;
        tokio::spawn(async move { subscribe(addr, path, round, permit).await });
    }
    let deadline = Instant::now() + Duration::from_secs(120);
    while round.subscribed.load(Ordering::Acquire) < subscribers {
        assert!(Instant::now() < deadline, "subscribers did not all connect");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }

    let mut control = Control::connect(deployment.servers[0].addr).await;
    let mut latencies = Vec::with_capacity(changes);
    let mut writes = Vec::with_capacity(changes);
    // Two unmeasured changes warm up allocators and connection buffers.
    for index in 0..changes + 2 {
        let revision = (index + 1) as u64;
        round.seen.store(0, Ordering::Release);
        round.latest.store(0, Ordering::Release);
        round.target.store(revision, Ordering::Release);
        let everyone = round.everyone.notified();
        let started = round.origin.elapsed();
        control.change(kind, index).await;
        let written = round.origin.elapsed();
        tokio::time::timeout(Duration::from_secs(60), everyone)
            .await
            .expect("every subscriber got the change");
        let last = Duration::from_nanos(round.latest.load(Ordering::Acquire));
        if index >= 2 {
            latencies.push((last.saturating_sub(started)).as_secs_f64() * 1_000.0);
            writes.push((written.saturating_sub(started)).as_secs_f64() * 1_000.0);
        }
    }
    latencies.sort_by(f64::total_cmp);
    writes.sort_by(f64::total_cmp);
    let percentile =
        |values: &[f64], p: f64| values[((values.len() as f64 - 1.0) * p).round() as usize];
    Row {
        kind,
        subscribers,
        p50: percentile(&latencies, 0.50),
        p99: percentile(&latencies, 0.99),
        max: latencies.last().copied().unwrap_or(0.0),
        write_p50: percentile(&writes, 0.50),
        rss_mib: deployment
            .servers
            .iter()
            .map(|server| peak_rss_mib(server.child.id()))
            .fold(0.0, f64::max),
    }
}

async fn subscribe(
    addr: SocketAddr,
    path: &str,
    round: Arc<Round>,
    permit: tokio::sync::OwnedSemaphorePermit,
) {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    let request =
        format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n");
    stream.write_all(request.as_bytes()).await.expect("request");
    let mut buffer = vec![0u8; 16 * 1024];
    let mut carry = Vec::new();
    let mut subscribed = false;
    let mut permit = Some(permit);
    loop {
        let read = match stream.read(&mut buffer).await {
            Ok(0) | Err(_) => return,
            Ok(read) => read,
        };
        if !subscribed {
            subscribed = true;
            drop(permit.take());
            round.subscribed.fetch_add(1, Ordering::AcqRel);
        }
        carry.extend_from_slice(&buffer[..read]);
        let target = round.target.load(Ordering::Acquire);
        for id in ids(&carry) {
            if id == target {
                let now = round.origin.elapsed().as_nanos() as u64;
                round.latest.fetch_max(now, Ordering::AcqRel);
                if round.seen.fetch_add(1, Ordering::AcqRel) + 1 == round.total {
                    round.everyone.notify_one();
                }
            }
        }
        // Keep a partial line for the next read.
        let keep = carry.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        carry.drain(..keep);
    }
}

/// Revisions in the `id:` lines of complete lines in `bytes`: `id: N` (the baseline) or
/// `id: LOG.N` (ripcord).
fn ids(bytes: &[u8]) -> impl Iterator<Item = u64> + '_ {
    bytes.split(|&b| b == b'\n').filter_map(|line| {
        let id = std::str::from_utf8(line.strip_prefix(b"id: ")?).ok()?;
        id.parse::<ripcord_core::Position>()
            .ok()
            .map(|position| position.revision)
    })
}

/// One keep-alive connection for the halts and resumes (or the baseline's bumps).
struct Control {
    stream: TcpStream,
    addr: SocketAddr,
}

impl Control {
    async fn connect(addr: SocketAddr) -> Self {
        Control {
            stream: TcpStream::connect(addr).await.expect("control connection"),
            addr,
        }
    }

    async fn change(&mut self, kind: Kind, index: usize) {
        let (path, body) = match kind {
            Kind::Ripcord | Kind::Replicas => {
                let action = if index.is_multiple_of(2) {
                    "halt"
                } else {
                    "resume"
                };
                (
                    format!("/v1/switches/global/{action}"),
                    r#"{"reason":"benchmark","actor":"bench"}"#,
                )
            }
            Kind::Baseline => ("/bump".to_owned(), "{}"),
        };
        let request = format!(
            "POST {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            self.addr,
            body.len()
        );
        self.stream
            .write_all(request.as_bytes())
            .await
            .expect("change request");
        // Read the whole response (headers and a short body) before the next request.
        let mut response = Vec::new();
        let mut buffer = [0u8; 4096];
        loop {
            let read = self
                .stream
                .read(&mut buffer)
                .await
                .expect("change response");
            assert!(read > 0, "the server closed the control connection");
            response.extend_from_slice(&buffer[..read]);
            if let Some(end) = find(&response, b"\r\n\r\n") {
                let headers = String::from_utf8_lossy(&response[..end]).to_lowercase();
                assert!(
                    headers.starts_with("http/1.1 200"),
                    "change failed: {headers}"
                );
                let length: usize = headers
                    .lines()
                    .find_map(|line| line.strip_prefix("content-length:"))
                    .and_then(|value| value.trim().parse().ok())
                    .unwrap_or(0);
                if response.len() >= end + 4 + length {
                    return;
                }
            }
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

fn print_table(rows: &[Row]) {
    let of = |kind: Kind, n: usize| {
        rows.iter()
            .find(|row| row.kind == kind && row.subscribers == n)
    };
    let mut ns: Vec<usize> = rows.iter().map(|row| row.subscribers).collect();
    ns.dedup();
    let cell = |row: Option<&Row>, value: fn(&Row) -> f64| {
        row.map_or("-".to_owned(), |row| format!("{:.2} ms", value(row)))
    };
    let ratio = |a: Option<&Row>, b: Option<&Row>, value: fn(&Row) -> f64| match (a, b) {
        (Some(a), Some(b)) => format!("{:.2}", value(a) / value(b)),
        _ => "-".to_owned(),
    };
    println!();
    println!(
        "| N | baseline p50 | baseline p99 | ripcord p50 | ripcord p99 | replicas p50 | replicas p99 | ripcord/baseline p99 | replicas/ripcord p99 | halt write p50, SQLite | halt write p50, PostgreSQL | ripcord RSS | replica RSS |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for n in ns {
        let (base, single, replicas) = (
            of(Kind::Baseline, n),
            of(Kind::Ripcord, n),
            of(Kind::Replicas, n),
        );
        let rss =
            |row: Option<&Row>| row.map_or("-".to_owned(), |row| format!("{:.1} MiB", row.rss_mib));
        println!(
            "| {n} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            cell(base, |r| r.p50),
            cell(base, |r| r.p99),
            cell(single, |r| r.p50),
            cell(single, |r| r.p99),
            cell(replicas, |r| r.p50),
            cell(replicas, |r| r.p99),
            ratio(single, base, |r| r.p99),
            ratio(replicas, single, |r| r.p99),
            cell(single, |r| r.write_p50),
            cell(replicas, |r| r.write_p50),
            rss(single),
            rss(replicas),
        );
    }
}

fn rows_json(rows: &[Row]) -> serde_json::Value {
    rows.iter()
        .map(|row| {
            serde_json::json!({
                "server": row.kind.name(), "subscribers": row.subscribers,
                "p50_ms": row.p50, "p99_ms": row.p99, "max_ms": row.max,
                "write_p50_ms": row.write_p50, "peak_rss_mib": row.rss_mib,
            })
        })
        .collect()
}

/// The floor: a bare axum SSE broadcast of a counter. No storage, no auth, no JSON.
mod baseline {
    use std::convert::Infallible;
    use std::net::SocketAddr;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, Ordering};

    use axum::Router;
    use axum::extract::State;
    use axum::response::sse::{Event, KeepAlive, Sse};
    use axum::routing::{get, post};
    use futures_util::{Stream, StreamExt};
    use tokio::sync::broadcast;
    use tokio_stream::wrappers::BroadcastStream;

    #[derive(Clone)]
    struct Counter {
        value: Arc<AtomicU64>,
        sender: broadcast::Sender<u64>,
    }

    pub fn serve(addr: SocketAddr) {
        let counter = Counter {
            value: Arc::new(AtomicU64::new(0)),
            sender: broadcast::channel(1024).0,
        };
        let app = Router::new()
            .route("/stream", get(stream))
            .route("/bump", post(bump))
            .with_state(counter);
        crate::common::serve_floor(addr, app);
    }

    async fn bump(State(counter): State<Counter>) -> String {
        let value = counter.value.fetch_add(1, Ordering::AcqRel) + 1;
        let _ = counter.sender.send(value);
        value.to_string()
    }

    async fn stream(
        State(counter): State<Counter>,
    ) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
        let hello =
            futures_util::stream::once(async { Ok(Event::default().comment("subscribed")) });
        let values = BroadcastStream::new(counter.sender.subscribe())
            .filter_map(|value| async move { value.ok() })
            .map(|value| {
                Ok(Event::default()
                    .id(value.to_string())
                    .data(value.to_string()))
            });
        Sse::new(hello.chain(values)).keep_alive(KeepAlive::default())
    }
}

/// A small SVG line chart of p50 and p99 against N (log scale), for the docs.
mod chart {
    use super::{Kind, Row};

    pub fn svg(rows: &[Row]) -> String {
        let (width, height, margin) = (640.0, 360.0, 56.0);
        let ns: Vec<f64> = rows
            .iter()
            .map(|r| (r.subscribers as f64).log10())
            .collect();
        let (x_min, x_max) = (
            ns.iter().copied().fold(f64::MAX, f64::min),
            ns.iter().copied().fold(f64::MIN, f64::max),
        );
        // Latency spans three orders of magnitude: a log scale keeps small N readable.
        let low = rows
            .iter()
            .map(|r| r.p50)
            .fold(f64::MAX, f64::min)
            .max(0.01)
            .log10()
            .floor();
        let high = rows
            .iter()
            .map(|r| r.p99)
            .fold(0.01, f64::max)
            .log10()
            .ceil()
            .max(low + 1.0);
        let x = |n: usize| {
            margin
                + ((n as f64).log10() - x_min) / (x_max - x_min).max(1e-9) * (width - 2.0 * margin)
        };
        let y = |ms: f64| {
            height - margin - (ms.max(0.01).log10() - low) / (high - low) * (height - 2.0 * margin)
        };
        let mut out = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"12\">\n\
             <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n\
             <text x=\"{}\" y=\"20\" text-anchor=\"middle\" font-size=\"14\">Halt propagation to the last of N subscribers</text>\n\
             <line x1=\"{margin}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"black\"/>\n\
             <line x1=\"{margin}\" y1=\"{margin}\" x2=\"{margin}\" y2=\"{}\" stroke=\"black\"/>\n\
             <text x=\"{}\" y=\"{}\" text-anchor=\"middle\">subscribers (log scale)</text>\n\
             <text x=\"14\" y=\"{}\" transform=\"rotate(-90 14 {})\" text-anchor=\"middle\">ms (log scale)</text>\n",
            width / 2.0,
            height - margin,
            width - margin,
            height - margin,
            height - margin,
            width / 2.0,
            height - 16.0,
            height / 2.0,
            height / 2.0
        );
        let mut ns: Vec<usize> = rows.iter().map(|r| r.subscribers).collect();
        ns.dedup();
        for n in ns {
            out += &format!(
                "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">{n}</text>\n",
                x(n),
                height - margin + 16.0,
            );
        }
        let mut exponent = low;
        while exponent <= high {
            let ms = 10f64.powf(exponent);
            out += &format!(
                "<text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{ms}</text>\n",
                margin - 6.0,
                y(ms) + 4.0
            );
            exponent += 1.0;
        }
        let series = [
            (Kind::Baseline, "p50", "#999999", "4 3"),
            (Kind::Baseline, "p99", "#999999", ""),
            (Kind::Ripcord, "p50", "#d9480f", "4 3"),
            (Kind::Ripcord, "p99", "#d9480f", ""),
            (Kind::Replicas, "p50", "#1c7ed6", "4 3"),
            (Kind::Replicas, "p99", "#1c7ed6", ""),
        ];
        for (index, (kind, stat, colour, dash)) in series.iter().enumerate() {
            let points: Vec<String> = rows
                .iter()
                .filter(|r| r.kind == *kind)
                .map(|r| {
                    format!(
                        "{:.1},{:.1}",
                        x(r.subscribers),
                        y(if *stat == "p50" { r.p50 } else { r.p99 })
                    )
                })
                .collect();
            out += &format!(
                "<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" stroke-dasharray=\"{dash}\" points=\"{}\"/>\n",
                points.join(" ")
            );
            let legend_y = margin + 16.0 * index as f64;
            out += &format!(
                "<line x1=\"{0}\" y1=\"{legend_y}\" x2=\"{1}\" y2=\"{legend_y}\" stroke=\"{colour}\" stroke-width=\"2\" stroke-dasharray=\"{dash}\"/>\
                 <text x=\"{2}\" y=\"{3}\">{4} {stat}</text>\n",
                margin + 12.0,
                margin + 36.0,
                margin + 42.0,
                legend_y + 4.0,
                kind.name()
            );
        }
        out + "</svg>\n"
    }
}
