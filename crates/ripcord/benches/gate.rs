//! Gate benchmark, in one run on loopback: with `wrk` straight to an app and through
//! `ripcord gate` (following a real `ripcord serve`), requests per second with 32
//! connections, the gate's CPU per request, and the latency of one connection at a time;
//! for a bare axum app (the worst case: the app costs nothing, so the gate's cost shows
//! whole) and Python's http.server (an app that does some work). Then the time from the
//! start of a halt request until the first 503 through the gate, under load.
//!
//! `cargo bench -p ripcord --bench gate -- [--seconds 10] [--connections 32]
//! [--halts 50]` (needs `wrk`: `apt-get install wrk`, and `python3`).

mod common;

use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use common::{Killed, Wrk};
use tokio::sync::Notify;

const APP_FLAG: &str = "--app-server";
/// wrk's threads: one per core of the 2-core machine this is written for.
const WRK_THREADS: u32 = 2;
/// Where the app and wrk run, and where the gate runs, in the pinned measurement.
const APP_CPU: &str = "0";
const GATE_CPU: &str = "1";
/// Requests in flight through the gate while halts are timed.
const LOADERS: usize = 4;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(position) = args.iter().position(|arg| arg == APP_FLAG) {
        let app = axum::Router::new().route(
            "/",
            axum::routing::get(|| async { "upstream says hello\n" }),
        );
        common::serve_floor(args[position + 1].parse().expect("app address"), app);
        return;
    }
    let options = Options::parse(&args);
    common::require_wrk();
    common::raise_fd_limit();
    let scratch = tempfile::tempdir().expect("temp dir");
    let control = ControlPlane::start(scratch.path());

    // Saturated (32 connections): throughput, and the gate's CPU per request. One
    // connection at a time: the latency a request gains, without queueing for the cores
    // that wrk, the app and the gate share.
    println!(
        "| app | path | requests/s ({} connections) | p50 (1 connection) | p99 (1 connection) |",
        options.connections
    );
    println!("|---|---|---:|---:|---:|");
    let mut summaries = Vec::new();
    for app in [App::axum(None), App::python(scratch.path(), None)] {
        let gate = control.gate(&app.url, scratch.path(), None);
        let direct = options
            .wrk(options.connections, None)
            .run(&app.url, scratch.path());
        let cpu_before = ripcord_testkit::cpu_time(gate.process.0.id());
        let through = options
            .wrk(options.connections, None)
            .run(&gate.url, scratch.path());
        let gate_cpu = ripcord_testkit::cpu_time(gate.process.0.id()) - cpu_before;
        let direct_alone = options.wrk(1, None).run(&app.url, scratch.path());
        let through_alone = options.wrk(1, None).run(&gate.url, scratch.path());
        for (path, load, alone) in [
            ("direct", &direct, &direct_alone),
            ("through the gate", &through, &through_alone),
        ] {
            println!(
                "| {} | {path} | {:.0} | {:.3} ms | {:.3} ms |",
                app.name, load.per_second, alone.p50_ms, alone.p99_ms
            );
        }
        let requests = through.per_second * f64::from(options.seconds);
        summaries.push(format!(
            "{}: throughput {:.2} of direct; added p50 {:+.3} ms, added p99 {:+.3} ms; \
             the gate used {:.1} µs of CPU per request",
            app.name,
            through.per_second / direct.per_second,
            through_alone.p50_ms - direct_alone.p50_ms,
            through_alone.p99_ms - direct_alone.p99_ms,
            gate_cpu.as_secs_f64() * 1e6 / requests
        ));
    }
    // As in a multi-container Cloud Run service, where the gate's container has CPU of its
    // own: the app and wrk on CPU 0 both ways, the gate on CPU 1.
    println!(
        "\nwith the gate on a CPU of its own (taskset: the app and wrk on CPU 0, the gate on CPU 1):\n"
    );
    println!("| app | direct, requests/s | through the gate, requests/s | ratio |");
    println!("|---|---:|---:|---:|");
    for app in [
        App::axum(Some(APP_CPU)),
        App::python(scratch.path(), Some(APP_CPU)),
    ] {
        let gate = control.gate(&app.url, scratch.path(), Some(GATE_CPU));
        let load = options.wrk(options.connections, Some(APP_CPU));
        let direct = load.run(&app.url, scratch.path());
        let through = load.run(&gate.url, scratch.path());
        println!(
            "| {} | {:.0} | {:.0} | {:.2} |",
            app.name,
            direct.per_second,
            through.per_second,
            through.per_second / direct.per_second
        );
    }
    println!();
    for summary in summaries {
        println!("{summary}");
    }

    let app = App::axum(None);
    let gate = control.gate(&app.url, scratch.path(), None);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let mut times = runtime.block_on(halt_to_first_503(&control.url, &gate.url, options.halts));
    times.sort_by(f64::total_cmp);
    let percentile = |p: f64| times[((times.len() - 1) as f64 * p).round() as usize];
    println!(
        "\nhalt request start to the first 503 through the gate, {} halts under load from {LOADERS} connections: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        times.len(),
        percentile(0.5),
        percentile(0.99),
        times[times.len() - 1]
    );
    println!(
        "wrk {} connections, {WRK_THREADS} threads, {} s each; {}",
        options.connections,
        options.seconds,
        common::cpu()
    );
}

struct Options {
    seconds: u32,
    connections: u32,
    halts: usize,
}

impl Options {
    fn parse(args: &[String]) -> Self {
        let (mut seconds, mut connections, mut halts) = (10, 32, 50);
        common::parse_numbers(
            args,
            &mut [
                ("--seconds", &mut seconds),
                ("--connections", &mut connections),
                ("--halts", &mut halts),
            ],
        );
        Options {
            seconds,
            connections,
            halts: halts as usize,
        }
    }

    fn wrk(&self, connections: u32, cpus: Option<&'static str>) -> Wrk<'static> {
        Wrk {
            threads: WRK_THREADS.min(connections),
            connections,
            seconds: self.seconds,
            json_body: None,
            headers: &[],
            cpus,
        }
    }
}

/// An app to put behind the gate.
struct App {
    name: &'static str,
    url: String,
    _process: Killed,
}

impl App {
    fn axum(cpus: Option<&str>) -> Self {
        let addr = common::free_addr();
        let process = Killed(
            common::pinned(std::env::current_exe().expect("bench executable"), cpus)
                .args([APP_FLAG, &addr.to_string()])
                .stdin(Stdio::null())
                .spawn()
                .expect("app"),
        );
        common::wait_for(addr);
        App {
            name: "bare axum",
            url: format!("http://{addr}/"),
            _process: process,
        }
    }

    /// The tests' app: `ThreadingHTTPServer`, a thread per connection.
    fn python(scratch: &std::path::Path, cpus: Option<&str>) -> Self {
        let output = scratch.join("python-app.out");
        let process = Killed(
            common::pinned("python3", cpus)
                .arg(concat!(
                    env!("CARGO_MANIFEST_DIR"),
                    "/tests/fixtures/gate_upstream.py"
                ))
                .stdout(std::fs::File::create(&output).expect("output file"))
                .stdin(Stdio::null())
                .spawn()
                .expect("python3"),
        );
        let started = Instant::now();
        let port = loop {
            let text = std::fs::read_to_string(&output).unwrap_or_default();
            if let Some(port) = text.strip_prefix("listening ") {
                break port.trim().to_owned();
            }
            assert!(started.elapsed() < Duration::from_secs(30), "no Python app");
            std::thread::sleep(Duration::from_millis(20));
        };
        App {
            name: "Python http.server",
            url: format!("http://127.0.0.1:{port}/"),
            _process: process,
        }
    }
}

/// `ripcord ARGS` in `scratch`, quiet, with its folders there; ready once `addr` listens.
fn ripcord(
    scratch: &std::path::Path,
    args: &[&str],
    addr: std::net::SocketAddr,
    cpus: Option<&str>,
) -> Killed {
    let process = Killed(
        common::pinned(env!("CARGO_BIN_EXE_ripcord"), cpus)
            .args(args)
            .current_dir(scratch)
            // Each timed halt would log a warning.
            .env("RIPCORD_LOG__LEVEL", "error")
            .env("RIPCORD_SERVE__DATA_DIR", scratch.join("state"))
            .env("RIPCORD_CLIENT__CACHE_DIR", scratch.join("cache"))
            .env("RIPCORD_CLIENT__LOCAL_DIR", scratch.join("local"))
            .stdin(Stdio::null())
            .spawn()
            .expect("ripcord starts"),
    );
    common::wait_for(addr);
    process
}

/// `ripcord serve` on SQLite, with no token (loopback only).
struct ControlPlane {
    url: String,
    _process: Killed,
}

impl ControlPlane {
    fn start(scratch: &std::path::Path) -> Self {
        let addr = common::free_addr();
        ControlPlane {
            url: format!("http://{addr}"),
            _process: ripcord(
                scratch,
                &["serve", "--listen", &addr.to_string()],
                addr,
                None,
            ),
        }
    }

    /// A gate in front of the app at `app`, following this control plane.
    fn gate(&self, app: &str, scratch: &std::path::Path, cpus: Option<&str>) -> Gate {
        let addr = common::free_addr();
        let args = [
            "--server",
            &self.url,
            "gate",
            "--listen",
            &addr.to_string(),
            "--upstream",
            app.trim_end_matches('/'),
        ];
        Gate {
            url: format!("http://{addr}/"),
            process: ripcord(scratch, &args, addr, cpus),
        }
    }
}

struct Gate {
    url: String,
    process: Killed,
}

/// Times `halts` halts: from the start of the halt request to the first 503 that any
/// loader sees for a request it sent after that start; each round ends with a resume and
/// the first 200 for a request sent after it.
async fn halt_to_first_503(control: &str, gate: &str, halts: usize) -> Vec<f64> {
    let clock = Instant::now();
    let nanos = move || u64::try_from(clock.elapsed().as_nanos()).unwrap_or(u64::MAX);
    // When the current change started: answers to requests sent before it do not count.
    let since = Arc::new(AtomicU64::new(0));
    let refused = Arc::new(AtomicBool::new(false));
    let passed = Arc::new(AtomicBool::new(false));
    let changed = Arc::new(Notify::new());
    let http = reqwest::Client::new();
    for _ in 0..LOADERS {
        let (since, refused, passed) = (since.clone(), refused.clone(), passed.clone());
        let (changed, http, gate) = (changed.clone(), http.clone(), gate.to_owned());
        tokio::spawn(async move {
            loop {
                let sent = nanos();
                let Ok(answer) = http.get(&gate).send().await else {
                    continue;
                };
                let flag = if answer.status() == 503 {
                    &refused
                } else {
                    &passed
                };
                let _ = answer.bytes().await;
                if sent >= since.load(Ordering::Acquire) && !flag.swap(true, Ordering::AcqRel) {
                    changed.notify_waiters();
                }
            }
        });
    }
    let change = async |action: &str| {
        http.post(format!("{control}/v1/switches/api/{action}"))
            .json(&serde_json::json!({ "reason": "gate benchmark" }))
            .send()
            .await
            .expect("change sent")
            .error_for_status()
            .expect("change accepted");
    };
    let wait_for = async |flag: &AtomicBool| {
        loop {
            let notified = changed.notified();
            if flag.load(Ordering::Acquire) {
                return;
            }
            tokio::time::timeout(Duration::from_secs(10), notified)
                .await
                .expect("the gate changed within 10 s");
        }
    };
    let mut times = Vec::with_capacity(halts);
    for _ in 0..halts {
        refused.store(false, Ordering::Release);
        since.store(nanos(), Ordering::Release);
        let started = Instant::now();
        change("halt").await;
        wait_for(&refused).await;
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        passed.store(false, Ordering::Release);
        since.store(nanos(), Ordering::Release);
        change("resume").await;
        wait_for(&passed).await;
    }
    times
}
