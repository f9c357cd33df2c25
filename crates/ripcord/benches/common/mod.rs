//! What the benchmarks share: free ports, the descriptor limit, the host's description,
//! a floor server, and `wrk`. Each benchmark uses a part of it.
#![allow(dead_code)]

use std::net::{SocketAddr, TcpListener};
use std::path::Path;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

/// A loopback address with a port free a moment ago.
pub fn free_addr() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr")
}

/// Thousands of subscribers and connections need as many descriptors; the hard limit here
/// is 20,000.
pub fn raise_fd_limit() {
    use nix::sys::resource::{Resource, getrlimit, setrlimit};
    if let Ok((_, hard)) = getrlimit(Resource::RLIMIT_NOFILE) {
        let _ = setrlimit(Resource::RLIMIT_NOFILE, hard, hard);
    }
}

/// `2 × AMD EPYC …`: the cores and model the figures were measured on.
pub fn cpu() -> String {
    let info = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = info
        .lines()
        .find_map(|line| line.strip_prefix("model name"))
        .map(|rest| rest.trim_start_matches([' ', '\t', ':']).to_owned())
        .unwrap_or_else(|| "an unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!("{cores} × {model}")
}

/// Serves `app` on `addr` until the process is killed: the floor a benchmark compares
/// ripcord with, run as a process of its own so it does not share ripcord's runtime.
pub fn serve_floor(addr: SocketAddr, app: axum::Router) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr).await.expect("bind");
        axum::serve(listener, app).await.expect("serve");
    });
}

/// `program`, on the CPUs `cpus` names (`taskset -c`, e.g. `"0"`) when given.
pub fn pinned(program: impl AsRef<std::ffi::OsStr>, cpus: Option<&str>) -> Command {
    match cpus {
        Some(cpus) => {
            let mut command = Command::new("taskset");
            command.args(["-c", cpus]).arg(program);
            command
        }
        None => Command::new(program),
    }
}

/// A child process, killed on drop.
pub struct Killed(pub Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Waits until something listens on `addr`.
pub fn wait_for(addr: SocketAddr) {
    let started = Instant::now();
    while std::net::TcpStream::connect(addr).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{addr} did not start"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Reads `--flag N` pairs from a benchmark's arguments into the named slots; cargo's
/// own `--bench` is ignored, anything else is an error.
pub fn parse_numbers(args: &[String], slots: &mut [(&str, &mut u32)]) {
    let mut iter = args.iter().skip(1);
    while let Some(arg) = iter.next() {
        if arg == "--bench" {
            continue;
        }
        let Some((_, slot)) = slots.iter_mut().find(|(name, _)| name == arg) else {
            panic!("unknown argument {arg}");
        };
        **slot = iter
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("{arg} takes a number"));
    }
}

/// Fails early, with the package to install, when `wrk` is missing.
pub fn require_wrk() {
    if Command::new("wrk").arg("--version").output().is_err() {
        eprintln!("this benchmark drives load with wrk: apt-get install wrk");
        std::process::exit(2);
    }
}

/// What `wrk` measured.
pub struct Load {
    pub per_second: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
}

/// How `wrk` loads a URL.
pub struct Wrk<'a> {
    pub threads: u32,
    pub connections: u32,
    pub seconds: u32,
    /// `POST` with this JSON body; `GET` without one.
    pub json_body: Option<&'a str>,
    pub headers: &'a [(&'a str, &'a str)],
    /// The CPUs wrk may use (`taskset -c`); all when `None`.
    pub cpus: Option<&'a str>,
}

impl Wrk<'_> {
    /// Runs wrk against `url` and reads its rate and latency percentiles; any non-2xx
    /// answer fails the benchmark.
    pub fn run(&self, url: &str, scratch: &Path) -> Load {
        let mut script = String::new();
        if let Some(body) = self.json_body {
            script.push_str(&format!(
                "wrk.method = \"POST\"\nwrk.body = {body:?}\nwrk.headers[\"Content-Type\"] = \"application/json\"\n"
            ));
        }
        for (name, value) in self.headers {
            script.push_str(&format!("wrk.headers[{name:?}] = {value:?}\n"));
        }
        let path = scratch.join("wrk.lua");
        std::fs::write(&path, script).expect("wrk script");
        let output = pinned("wrk", self.cpus)
            .args(["-t", &self.threads.to_string()])
            .args(["-c", &self.connections.to_string()])
            .args(["-d", &format!("{}s", self.seconds), "--latency", "-s"])
            .arg(&path)
            .arg(url)
            .output()
            .expect("wrk runs");
        let text = String::from_utf8_lossy(&output.stdout);
        eprintln!("{text}");
        assert!(!text.contains("Non-2xx"), "errors under load:\n{text}");
        let field = |prefix: &str| -> &str {
            text.lines()
                .find_map(|line| line.trim().strip_prefix(prefix))
                .unwrap_or_else(|| panic!("wrk printed no `{prefix}`:\n{text}"))
                .trim()
        };
        Load {
            per_second: field("Requests/sec:").parse().expect("a rate"),
            p50_ms: millis(field("50%")),
            p99_ms: millis(field("99%")),
        }
    }
}

/// wrk's `123.45us`, `1.23ms` or `1.02s`, in milliseconds.
fn millis(text: &str) -> f64 {
    let (number, factor) = if let Some(us) = text.strip_suffix("us") {
        (us, 0.001)
    } else if let Some(ms) = text.strip_suffix("ms") {
        (ms, 1.0)
    } else if let Some(s) = text.strip_suffix('s') {
        (s, 1000.0)
    } else {
        panic!("a duration: {text}")
    };
    number.parse::<f64>().expect("a number") * factor
}
