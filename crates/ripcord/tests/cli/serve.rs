//! `ripcord serve` as a process: one per data folder, its listen address, file descriptor
//! limits, readiness, memory under slow readers, and changes whose answer is lost.

use ripcord_core::{Action, Board, ChangeRequest};
use ripcord_server::{ServerConfig, SqliteStorage};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::helpers::{DEADLINE, Host};

#[tokio::test]
async fn a_second_serve_on_the_same_data_folder_exits_2_naming_the_first() {
    let host = Host::new();
    let first = host.serve(&["--listen", "127.0.0.1:0"], &[]).await;
    let second = host
        .ripcord(None)
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(host.path("data"))
        .output();
    let second = tokio::time::timeout(DEADLINE, second)
        .await
        .expect("the second server exits at once")
        .expect("output");
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert_eq!(second.status.code(), Some(2), "{stderr}");
    let holder = format!("pid {}", first.child.id().expect("pid"));
    assert!(
        stderr.contains("another ripcord serve") && stderr.contains(&holder),
        "{stderr}"
    );
}

#[tokio::test]
async fn an_explicit_listen_address_wins_over_port() {
    let host = Host::new();
    std::fs::write(
        host.path("ripcord.toml"),
        "[serve]\nlisten = \"127.0.0.1:0\"\n",
    )
    .expect("config");
    let serve = host.serve(&[], &[("PORT", "1")]).await;
    assert!(
        serve.addr.starts_with("127.0.0.1:"),
        "PORT overrode serve.listen: {}",
        serve.addr
    );
    let other = Host::new();
    let from_env = other
        .serve(
            &[],
            &[("PORT", "1"), ("RIPCORD_SERVE__LISTEN", "127.0.0.1:0")],
        )
        .await;
    assert!(from_env.addr.starts_with("127.0.0.1:"), "{}", from_env.addr);
}

#[tokio::test]
async fn port_alone_listens_on_every_interface() {
    let host = Host::new();
    // Every interface needs a token; the flag says this network is trusted.
    let serve = host.serve(&["--insecure-no-auth"], &[("PORT", "0")]).await;
    assert!(serve.addr.starts_with("0.0.0.0:"), "{}", serve.addr);
}

/// The soft and hard limits on open files of a process.
fn open_file_limits(pid: u32) -> (String, String) {
    let limits = std::fs::read_to_string(format!("/proc/{pid}/limits")).expect("limits");
    let line = limits
        .lines()
        .find(|line| line.starts_with("Max open files"))
        .expect("open files line");
    let fields: Vec<&str> = line.split_whitespace().collect();
    (fields[3].to_owned(), fields[4].to_owned())
}

#[tokio::test]
async fn serve_raises_its_soft_open_file_limit_to_the_hard_one() {
    let host = Host::new();
    let serve = host
        .serve_after("ulimit -S -n 256", &["--listen", "127.0.0.1:0"], &[])
        .await;
    let (soft, hard) = open_file_limits(serve.child.id().expect("pid"));
    assert_ne!(soft, "256");
    assert_eq!(soft, hard);
}

/// Opens an event stream and reads until its first frame: the server has accepted it.
async fn open_stream(addr: &str) -> Option<TcpStream> {
    let mut stream = TcpStream::connect(addr).await.ok()?;
    stream
        .write_all(
            b"GET /v1/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n",
        )
        .await
        .ok()?;
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).await.ok()?;
    (&head == b"HTTP/1.1 200").then_some(stream)
}

#[tokio::test]
async fn a_halt_gets_through_when_streams_take_every_slot() {
    let host = Host::new();
    let serve = host
        .serve_after("ulimit -n 256", &["--listen", "127.0.0.1:0"], &[])
        .await;
    let (soft, _) = open_file_limits(serve.child.id().expect("pid"));
    assert_eq!(soft, "256");
    let mut open = Vec::new();
    let mut refused = 0;
    for _ in 0..300 {
        match open_stream(&serve.addr).await {
            Some(stream) => open.push(stream),
            None => refused += 1,
        }
    }
    assert!(
        refused > 0,
        "all 300 streams were accepted under a limit of 256"
    );
    assert!(open.len() > 100, "only {} streams accepted", open.len());

    let (code, out, err) = crate::cli::run(
        &host,
        Some(&format!("http://{}", serve.addr)),
        &["halt", "--reason", "every slot taken"],
    )
    .await;
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("revision 1"), "{out}");
}

#[tokio::test]
async fn ready_answers_503_naming_the_error_when_the_disk_is_full() {
    let host = Host::new();
    let data = host.path("data");
    std::fs::create_dir(&data).expect("mount point");
    let _tmpfs = Tmpfs::mount(&data, "1m");
    let mut serve = host.serve(&["--listen", "127.0.0.1:0"], &[]).await;
    let url = format!("http://{}", serve.addr);
    let ready = reqwest::get(format!("{url}/readyz")).await.expect("readyz");
    assert_eq!(ready.status(), 200);

    // Fill the file system to the last byte.
    let mut filler = std::fs::File::create(data.join("filler")).expect("filler");
    let block = vec![0u8; 64 * 1024];
    loop {
        use std::io::Write;
        if filler
            .write_all(&block)
            .and_then(|()| filler.flush())
            .is_err()
        {
            break;
        }
    }
    loop {
        use std::io::Write;
        if filler.write_all(&[0]).is_err() {
            break;
        }
    }
    let not_ready = reqwest::get(format!("{url}/readyz")).await.expect("readyz");
    assert_eq!(not_ready.status(), 503);
    let body: Value = not_ready.json().await.expect("JSON error");
    let message = body["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("full"), "{body}");

    serve.child.kill().await.expect("stop serve");
}

/// A tmpfs of a given size, unmounted when dropped (also when the test fails).
struct Tmpfs(std::path::PathBuf);

impl Tmpfs {
    fn mount(path: &std::path::Path, size: &str) -> Self {
        let mounted = std::process::Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={size},mode=0700"),
                "tmpfs",
            ])
            .arg(path)
            .status()
            .expect("mount");
        assert!(mounted.success(), "mounting a tmpfs (tests run as root)");
        Tmpfs(path.to_owned())
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg("--lazy")
            .arg(&self.0)
            .status();
    }
}

/// Peak resident memory of a process, in KiB.
fn peak_rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("status");
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.split_whitespace().next())
        .and_then(|kib| kib.parse().ok())
        .expect("VmHWM")
}

#[tokio::test]
async fn slow_readers_of_a_long_log_do_not_hold_it_in_memory() {
    let host = Host::new();
    std::fs::create_dir(host.path("data")).expect("data folder");
    let database = host.path("data").join("ripcord.db");
    drop(SqliteStorage::open(&database).await.expect("schema"));
    // One transaction: 50,000 durable appends one by one would take a minute of fsyncs.
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", database.display()))
        .await
        .expect("database");
    let mut transaction = pool.begin().await.expect("transaction");
    let mut board = Board::new(ServerConfig::default().scopes);
    let reason = "a reason of a realistic length, written by someone in the middle of an incident";
    for index in 0..50_000u32 {
        let request = ChangeRequest {
            scope: "worker".parse().expect("scope"),
            action: if index % 2 == 0 {
                Action::Halt
            } else {
                Action::Resume
            },
            actor: "load".into(),
            reason: reason.into(),
            drill: false,
            source: None,
        };
        let event = board
            .decide(request, jiff::Timestamp::now())
            .expect("valid");
        board.apply(&event).expect("in order");
        sqlx::query("INSERT INTO events (revision, scope, action, actor, reason, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
            .bind(i64::try_from(event.revision).expect("revision"))
            .bind(event.scope.as_str())
            .bind(event.action.to_string())
            .bind(&event.actor)
            .bind(&event.reason)
            .bind(event.at.to_string())
            .execute(&mut *transaction)
            .await
            .expect("insert");
    }
    transaction.commit().await.expect("commit");
    pool.close().await;

    let serve = host.serve(&["--listen", "127.0.0.1:0"], &[]).await;
    let pid = serve.child.id().expect("pid");
    let before = peak_rss_kib(pid);
    let mut readers = Vec::new();
    for _ in 0..10 {
        let mut stream = TcpStream::connect(&serve.addr).await.expect("connect");
        stream
            .write_all(b"GET /v1/stream?after=0 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            .await
            .expect("request");
        // The first bytes of the backlog: the server has subscribed this reader. Then it
        // stops reading, as a slow client does.
        let mut first = [0u8; 512];
        stream.read_exact(&mut first).await.expect("first frames");
        readers.push(stream);
    }
    let grown = peak_rss_kib(pid).saturating_sub(before);
    assert!(
        grown < 64 * 1024,
        "ten slow readers of a 50,000-event log raised the peak RSS by {grown} KiB"
    );
}

/// A proxy that forwards the first connection's request but never delivers the answer,
/// and passes every later connection through.
async fn proxy_losing_the_first_answer(upstream: String) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("proxy");
    let addr = listener.local_addr().expect("addr").to_string();
    tokio::spawn(async move {
        let mut first = true;
        while let Ok((mut client, _)) = listener.accept().await {
            let mut server = TcpStream::connect(&upstream).await.expect("upstream");
            if std::mem::take(&mut first) {
                tokio::spawn(async move {
                    let (mut client_read, _client_write) = client.split();
                    let (mut server_read, mut server_write) = server.split();
                    let forward = tokio::io::copy(&mut client_read, &mut server_write);
                    let mut answer = [0u8; 1];
                    // Once the server starts answering the change is recorded; the
                    // answer is dropped with the connection.
                    tokio::select! {
                        _ = forward => {}
                        _ = server_read.read_exact(&mut answer) => {}
                    }
                });
            } else {
                tokio::spawn(async move {
                    let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                });
            }
        }
    });
    addr
}

#[tokio::test]
async fn a_change_whose_answer_is_lost_is_retried_and_recorded_once() {
    let host = Host::new();
    let serve = host.serve(&["--listen", "127.0.0.1:0"], &[]).await;
    let proxy = proxy_losing_the_first_answer(serve.addr.clone()).await;
    let (code, out, err) = crate::cli::run(
        &host,
        Some(&format!("http://{proxy}")),
        &["halt", "--reason", "answer lost once"],
    )
    .await;
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("revision 1"), "{out}");
    let events: Vec<Value> = reqwest::get(format!("http://{}/v1/events", serve.addr))
        .await
        .expect("events")
        .json()
        .await
        .expect("JSON");
    assert_eq!(events.len(), 1, "recorded once: {events:?}");
}

#[tokio::test]
async fn a_change_with_no_answer_twice_says_the_outcome_is_unknown() {
    let host = Host::new();
    // Accepts and reads, never answers.
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("listener");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    let mut command = host.ripcord(Some(&format!("http://{addr}")));
    command
        .env("RIPCORD_CLIENT__REQUEST_TIMEOUT", "300ms")
        .args(["halt", "--reason", "black hole"]);
    let output = tokio::time::timeout(DEADLINE, command.output())
        .await
        .expect("gives up")
        .expect("output");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("outcome unknown"), "{stderr}");
    assert!(!stderr.contains("no halt was recorded"), "{stderr}");
}

#[tokio::test]
async fn serve_starts_beside_a_kubernetes_service_named_ripcord() {
    let host = Host::new();
    // What Kubernetes injects into every pod of a namespace with a Service `ripcord`.
    let injected = [
        ("RIPCORD_PORT", "tcp://10.0.0.1:7070"),
        ("RIPCORD_SERVICE_HOST", "10.0.0.1"),
        ("RIPCORD_SERVICE_PORT", "7070"),
        ("RIPCORD_PORT_7070_TCP_ADDR", "10.0.0.1"),
    ];
    let serve = host.serve(&["--listen", "127.0.0.1:0"], &injected).await;
    let ready = reqwest::get(format!("http://{}/readyz", serve.addr))
        .await
        .expect("readyz");
    assert_eq!(ready.status(), 200);
}

#[tokio::test]
async fn an_unknown_environment_variable_is_a_warning_naming_it_and_a_bad_file_key_an_error() {
    let host = Host::new();
    let mut command = host.ripcord(Some("http://127.0.0.1:9"));
    command
        .env("RIPCORD_LOG__FORMAT", "text")
        .env("RIPCORD_SEVRE__LISTEN", "typo")
        .args(["halt", "--local", "--reason", "env check"]);
    let output = command.output().await.expect("halt");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains("RIPCORD_SEVRE__LISTEN"), "{stderr}");

    std::fs::write(host.path("ripcord.toml"), "[serve]\nlistn = \"x\"\n").expect("config");
    let output = host
        .ripcord(None)
        .args(["status"])
        .output()
        .await
        .expect("status");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("listn") && stderr.contains("ripcord.toml"),
        "{stderr}"
    );
}

#[tokio::test]
async fn a_bad_port_variable_is_a_warning_and_local_halts_still_work() {
    let host = Host::new();
    let output = host
        .ripcord(None)
        .env("PORT", "")
        .args([
            "halt",
            "--local",
            "--scope",
            "worker",
            "--reason",
            "emergency",
        ])
        .output()
        .await
        .expect("halt");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains("ignoring PORT"), "{stderr}");
    assert!(host.path("local/worker").exists());
}

/// A proxy that forwards the first request and answers it 504 itself, then passes
/// everything through: a gateway that gave up waiting after the server recorded.
async fn proxy_timing_out_the_first_answer(upstream: String) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("proxy");
    let addr = listener.local_addr().expect("addr").to_string();
    tokio::spawn(async move {
        let mut first = true;
        while let Ok((mut client, _)) = listener.accept().await {
            let mut server = TcpStream::connect(&upstream).await.expect("upstream");
            if std::mem::take(&mut first) {
                tokio::spawn(async move {
                    let mut request = vec![0u8; 4096];
                    let read = client.read(&mut request).await.expect("request");
                    server.write_all(&request[..read]).await.expect("forward");
                    let mut answer = [0u8; 1];
                    server
                        .read_exact(&mut answer)
                        .await
                        .expect("the server answered");
                    let _ = client
                        .write_all(b"HTTP/1.1 504 Gateway Timeout\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                        .await;
                });
            } else {
                tokio::spawn(async move {
                    let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                });
            }
        }
    });
    addr
}

#[tokio::test]
async fn a_change_a_gateway_timed_out_is_retried_and_recorded_once() {
    let host = Host::new();
    let serve = host.serve(&["--listen", "127.0.0.1:0"], &[]).await;
    let proxy = proxy_timing_out_the_first_answer(serve.addr.clone()).await;
    let (code, out, err) = crate::cli::run(
        &host,
        Some(&format!("http://{proxy}")),
        &["halt", "--reason", "gateway timeout once"],
    )
    .await;
    assert_eq!(code, 0, "{out}{err}");
    let events: Vec<Value> = reqwest::get(format!("http://{}/v1/events", serve.addr))
        .await
        .expect("events")
        .json()
        .await
        .expect("JSON");
    assert_eq!(events.len(), 1, "recorded once: {events:?}");
}
