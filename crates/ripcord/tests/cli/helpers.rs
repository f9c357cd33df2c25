use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use ripcord_server::RunningServer;
use serde_json::{Value, json};
use tokio::process::{Child, Command};

/// How long any awaited condition may take before the test fails.
pub const DEADLINE: Duration = Duration::from_secs(20);

/// A scratch host: local marker folder, cache folder and working folder of its own.
pub struct Host {
    pub dir: tempfile::TempDir,
}

impl Host {
    pub fn new() -> Self {
        Host {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// `ripcord …` isolated from the developer's environment and configuration.
    pub fn ripcord(&self, server: Option<&str>) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_ripcord"));
        self.isolate(&mut command);
        if let Some(server) = server {
            command.env("RIPCORD_SERVER", server);
        }
        command
    }

    /// Runs `command` in this host's folder with its marker and cache folders, no
    /// `RIPCORD_*` of the developer's, and quick reconnects.
    fn isolate(&self, command: &mut Command) {
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("RIPCORD_") {
                command.env_remove(key);
            }
        }
        command
            .current_dir(self.dir.path())
            .env_remove("RUST_LOG")
            .env_remove("PORT")
            .env("RIPCORD_LOG__FORMAT", "text")
            .env("RIPCORD_CLIENT__LOCAL_DIR", self.path("local"))
            .env("RIPCORD_CLIENT__CACHE_DIR", self.path("cache"))
            .env("RIPCORD_CLIENT__CONNECT_TIMEOUT", "2s")
            .env("RIPCORD_CLIENT__BACKOFF_MAX", "200ms")
            .stdin(Stdio::null())
            .kill_on_drop(true);
    }

    /// Starts `ripcord serve` on this host's data folder with JSON logs, and waits until it
    /// logs the address it listens on. `shell` runs before it (`ulimit -n 256`, say).
    pub async fn serve(&self, args: &[&str], env: &[(&str, &str)]) -> Serve {
        self.serve_after("true", args, env).await
    }

    pub async fn serve_after(&self, shell: &str, args: &[&str], env: &[(&str, &str)]) -> Serve {
        // Through a shell so a test can set limits first; `exec` keeps the PID. The data
        // folder by variable, not flag, so a test can name a database instead.
        let mut script = format!("{shell}; exec \"$0\" serve");
        for index in 0..args.len() {
            script.push_str(&format!(" \"${}\"", index + 1));
        }
        let mut shell_command = Command::new("sh");
        self.isolate(&mut shell_command);
        shell_command
            .arg("-c")
            .arg(script)
            .arg(env!("CARGO_BIN_EXE_ripcord"))
            .args(args);
        shell_command
            .env("RIPCORD_SERVE__DATA_DIR", self.path("data"))
            .env("RIPCORD_LOG__FORMAT", "json")
            .envs(env.iter().copied())
            .stderr(Stdio::piped());
        listening(
            shell_command.spawn().expect("serve starts"),
            "ripcord serve listening",
        )
        .await
    }

    /// Starts `ripcord gate ARGS` following `server`, with JSON logs, and waits until it
    /// listens.
    pub async fn gate(&self, server: Option<&str>, args: &[&str], env: &[(&str, &str)]) -> Serve {
        let child = self
            .ripcord(server)
            .arg("gate")
            .args(args)
            .env("RIPCORD_LOG__FORMAT", "json")
            .envs(env.iter().copied())
            .stderr(Stdio::piped())
            .spawn()
            .expect("gate starts");
        listening(child, "ripcord gate listening").await
    }

    /// `ripcord ARGS` with extra environment; exit code, stdout, stderr.
    pub async fn run_with(&self, env: &[(&str, &str)], args: &[&str]) -> (i32, String, String) {
        let output = self
            .ripcord(None)
            .envs(env.iter().copied())
            .args(args)
            .output()
            .await
            .expect("ripcord runs");
        (
            output.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    }

    /// Starts `ripcord agent [flags] -- sh -c script` with stdout and stderr captured.
    pub fn agent(&self, server: Option<&str>, flags: &[&str], script: &str) -> Child {
        self.ripcord(server)
            .arg("agent")
            .args(flags)
            .args(["--", "sh", "-c", script])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("agent starts")
    }
}

/// Reads the JSON log of `child` until it logs `message` with the address it listens on,
/// then keeps reading it (so it never blocks on a full pipe) for the test to inspect.
async fn listening(mut child: Child, message: &str) -> Serve {
    use tokio::io::AsyncBufReadExt;
    let mut lines = tokio::io::BufReader::new(child.stderr.take().expect("stderr")).lines();
    let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let addr = tokio::time::timeout(DEADLINE, async {
        while let Some(line) = lines.next_line().await.expect("log line") {
            log.lock().expect("log").push(line.clone());
            let entry: Value = serde_json::from_str(&line)
                .unwrap_or_else(|error| panic!("a log line that is not JSON ({error}): {line}"));
            assert!(
                entry["severity"].is_string() && entry["time"].is_string(),
                "{entry}"
            );
            if entry["message"] == message {
                return entry["addr"].as_str().expect("addr").to_owned();
            }
        }
        panic!("the process ended before `{message}`");
    })
    .await
    .unwrap_or_else(|_| panic!("no `{message}` in time"));
    let kept = log.clone();
    tokio::spawn(async move {
        while let Ok(Some(line)) = lines.next_line().await {
            kept.lock().expect("log").push(line);
        }
    });
    Serve { child, addr, log }
}

/// A `ripcord serve` (or `gate`) process, the address it listens on, and its log so far.
pub struct Serve {
    pub child: Child,
    pub addr: String,
    log: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl Serve {
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops it (SIGTERM), waits, and returns everything it logged.
    pub async fn stop(mut self) -> String {
        let pid = nix::unistd::Pid::from_raw(
            i32::try_from(self.child.id().expect("pid")).expect("pid fits"),
        );
        nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM).expect("signal");
        tokio::time::timeout(DEADLINE, self.child.wait())
            .await
            .expect("serve stops")
            .expect("status");
        self.log.lock().expect("log").join("\n")
    }
}

/// Waits for a process with a deadline and returns its exit code and stderr.
pub async fn finish(child: Child) -> (i32, String) {
    let output = tokio::time::timeout(DEADLINE, child.wait_with_output())
        .await
        .expect("the process ended within the deadline")
        .expect("output");
    let code = output.status.code().unwrap_or(-1);
    (code, String::from_utf8_lossy(&output.stderr).into_owned())
}

/// Stops an agent as a service manager would (SIGTERM) and waits for it, so its command
/// is stopped too; a SIGKILL would leave the command running.
pub async fn terminate(child: Child) -> (i32, String) {
    let pid =
        nix::unistd::Pid::from_raw(i32::try_from(child.id().expect("pid")).expect("pid fits"));
    nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM).expect("signal");
    finish(child).await
}

/// Checks `condition` until it holds, failing the test after [`DEADLINE`]. Used for
/// effects in other processes, which have no channel to wait on.
pub async fn eventually<T>(what: &str, mut condition: impl AsyncFnMut() -> Option<T>) -> T {
    let started = Instant::now();
    loop {
        if let Some(value) = condition().await {
            return value;
        }
        assert!(started.elapsed() < DEADLINE, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// The PIDs a test script wrote, one per line, once it wrote `count` of them.
pub async fn pids(file: &Path, count: usize) -> Vec<i32> {
    eventually("the script to write its PIDs", async || {
        let text = std::fs::read_to_string(file).ok()?;
        let pids: Vec<i32> = text
            .lines()
            .filter_map(|line| line.trim().parse().ok())
            .collect();
        (pids.len() >= count).then_some(pids)
    })
    .await
}

/// Whether a process exists. A zombie counts: it is a process nobody reaped, and the
/// agent promises to reap every member of its command's group.
pub fn alive(pid: i32) -> bool {
    std::path::Path::new(&format!("/proc/{pid}")).exists()
}

pub struct Server {
    pub url: String,
    http: reqwest::Client,
    server: RunningServer,
}

pub async fn start_server(data_dir: &Path) -> Server {
    start_server_at(data_dir, ([127, 0, 0, 1], 0).into()).await
}

/// A server on a given address: a restart keeps its URL.
pub async fn start_server_at(data_dir: &Path, listen: std::net::SocketAddr) -> Server {
    start_server_with(data_dir, |config| config.listen = listen).await
}

/// A server with its configuration adjusted.
pub async fn start_server_with(
    data_dir: &Path,
    adjust: impl FnOnce(&mut ripcord_server::ServerConfig),
) -> Server {
    let server = ripcord_server::spawn_local(data_dir, adjust)
        .await
        .expect("server builds");
    Server {
        url: server.url(),
        http: reqwest::Client::new(),
        server,
    }
}

impl Server {
    pub fn addr(&self) -> std::net::SocketAddr {
        self.server.addr()
    }

    pub async fn change(&self, scope: &str, action: &str) -> Value {
        let response = self
            .http
            .post(format!("{}/v1/switches/{scope}/{action}", self.url))
            .json(&json!({ "reason": format!("test {action}"), "actor": "tests" }))
            .send()
            .await
            .expect("sent");
        assert!(
            response.status().is_success(),
            "{action} failed: {}",
            response.status()
        );
        response.json().await.expect("event")
    }

    pub async fn agent(&self, id: &str) -> Option<Value> {
        let agents: Value = self
            .http
            .get(format!("{}/v1/agents", self.url))
            .send()
            .await
            .ok()?
            .json()
            .await
            .ok()?;
        agents
            .as_array()?
            .iter()
            .find(|agent| agent["id"] == id)
            .cloned()
    }

    /// Waits until the agent `id` reported a state that satisfies `check`.
    pub async fn agent_reported(&self, id: &str, check: impl Fn(&Value) -> bool) -> Value {
        eventually(&format!("agent {id} to report"), async || {
            self.agent(id).await.filter(|a| check(a))
        })
        .await
    }

    pub async fn stop(self) {
        self.server.stop().await.expect("server ran cleanly");
    }
}

pub use ripcord_testkit::cpu_time;
