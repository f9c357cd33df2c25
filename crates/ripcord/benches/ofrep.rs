//! OFREP benchmark: single-flag evaluations per second and their p99, measured with `wrk`
//! on loopback with a viewer token while 1,000 event streams stay open, for `ripcord
//! serve` and, in the same run, for a bare axum handler that answers the same JSON (the
//! floor of this machine).
//!
//! `cargo bench -p ripcord --bench ofrep -- [--seconds 10] [--connections 64]
//! [--streams 1000]` (needs `wrk`: `apt-get install wrk`).

mod common;

use std::process::{Command, Stdio};

use common::{Killed, Load, Wrk};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const FLOOR_FLAG: &str = "--floor-server";
/// What the floor answers: an evaluation as ripcord sends it.
const ANSWER: &str = r#"{"key":"ripcord.halted.api","value":false,"reason":"STATIC","variant":"running","metadata":{"log":"0000000000000000","revision":0,"scope":"api"}}"#;
const FLAG_PATH: &str = "/ofrep/v1/evaluate/flags/ripcord.halted.api";
/// What the Python provider sends without a context.
const BODY: &str = "{}";
/// wrk's threads: one per core of the 2-core machine this is written for.
const WRK_THREADS: u32 = 2;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(position) = args.iter().position(|arg| arg == FLOOR_FLAG) {
        let app = axum::Router::new().route(
            "/ofrep/v1/evaluate/flags/{key}",
            axum::routing::post(|| async { ([("content-type", "application/json")], ANSWER) }),
        );
        common::serve_floor(args[position + 1].parse().expect("floor address"), app);
        return;
    }
    let options = Options::parse(&args);
    common::require_wrk();
    common::raise_fd_limit();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let ripcord = runtime.block_on(measure_ripcord(&options));
    let floor = measure_floor(&options);
    println!();
    println!("| server | evaluations/s | p50 | p99 | open streams |");
    println!("|---|---:|---:|---:|---:|");
    for (name, result, streams) in [
        ("floor (bare axum)", &floor, 0),
        ("ripcord", &ripcord, options.streams),
    ] {
        println!(
            "| {name} | {:.0} | {:.2} ms | {:.2} ms | {streams} |",
            result.per_second, result.p50_ms, result.p99_ms
        );
    }
    println!(
        "\nripcord / floor: {:.2} of the throughput; wrk {} connections, {} threads, {} s; {}",
        ripcord.per_second / floor.per_second,
        options.connections,
        WRK_THREADS,
        options.seconds,
        common::cpu()
    );
}

struct Options {
    seconds: u32,
    connections: u32,
    streams: usize,
}

impl Options {
    fn parse(args: &[String]) -> Self {
        let (mut seconds, mut connections, mut streams) = (10, 64, 1000);
        common::parse_numbers(
            args,
            &mut [
                ("--seconds", &mut seconds),
                ("--connections", &mut connections),
                ("--streams", &mut streams),
            ],
        );
        Options {
            seconds,
            connections,
            streams: streams as usize,
        }
    }

    fn wrk<'a>(&self, headers: &'a [(&'a str, &'a str)]) -> Wrk<'a> {
        Wrk {
            threads: WRK_THREADS,
            connections: self.connections,
            seconds: self.seconds,
            json_body: Some(BODY),
            headers,
            cpus: None,
        }
    }
}

async fn measure_ripcord(options: &Options) -> Load {
    let data = tempfile::tempdir().expect("temp dir");
    let ripcord = env!("CARGO_BIN_EXE_ripcord");
    let created = Command::new(ripcord)
        .args(["token", "create", "--role", "viewer", "--name", "bench"])
        .arg("--data-dir")
        .arg(data.path().join("state"))
        .current_dir(data.path())
        .output()
        .expect("token create");
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    let token = String::from_utf8_lossy(&created.stdout).trim().to_owned();
    let addr = common::free_addr();
    let _server = Killed(
        Command::new(ripcord)
            .args(["serve", "--listen", &addr.to_string(), "--data-dir"])
            .arg(data.path().join("state"))
            .current_dir(data.path())
            .env("RIPCORD_LOG__LEVEL", "warn")
            .stdin(Stdio::null())
            .spawn()
            .expect("serve"),
    );
    common::wait_for(addr);
    let mut streams = Vec::with_capacity(options.streams);
    for _ in 0..options.streams {
        let mut stream = tokio::net::TcpStream::connect(addr).await.expect("stream");
        let request = format!(
            "GET /v1/stream HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\r\n"
        );
        stream.write_all(request.as_bytes()).await.expect("request");
        let mut first = [0u8; 12];
        stream.read_exact(&mut first).await.expect("stream answers");
        assert_eq!(&first, b"HTTP/1.1 200", "a stream is refused");
        streams.push(stream);
    }
    let authorization = format!("Bearer {token}");
    let result = options
        .wrk(&[("Authorization", &authorization)])
        .run(&format!("http://{addr}{FLAG_PATH}"), data.path());
    drop(streams);
    result
}

fn measure_floor(options: &Options) -> Load {
    let addr = common::free_addr();
    let _server = Killed(
        Command::new(std::env::current_exe().expect("bench executable"))
            .args([FLOOR_FLAG, &addr.to_string()])
            .stdin(Stdio::null())
            .spawn()
            .expect("floor"),
    );
    common::wait_for(addr);
    let scratch = tempfile::tempdir().expect("temp dir");
    options
        .wrk(&[])
        .run(&format!("http://{addr}{FLAG_PATH}"), scratch.path())
}
