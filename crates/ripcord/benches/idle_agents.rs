//! What agents cost a host, and how fast a halt empties it.
//!
//! `cargo bench -p ripcord --bench idle_agents -- [--agents 1000] [--window 10]
//! [--trees 100]`
//!
//! 1. Idle: starts `ripcord serve` and N `ripcord agent -- sleep` processes following it
//!    by event stream, waits until every one has reported, then measures over a window the
//!    CPU time all agents used together (utime + stime from /proc) and their memory (RSS,
//!    and PSS, which splits shared pages such as the binary's between the processes).
//! 2. Halt: starts T agents, each wrapping a small process tree (a shell, a background
//!    child and an orphaned grandchild), and measures from the start of `ripcord halt`
//!    until the last process of every tree is gone (checked in /proc every millisecond).
//!
//! The kernel allows 128 inotify instances per user by default; agents beyond that check
//! their marker folder every second instead. The host's limits are printed with the
//! results, so a run states what it ran under.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const RIPCORD: &str = env!("CARGO_BIN_EXE_ripcord");

struct Options {
    agents: usize,
    window: Duration,
    trees: usize,
}

impl Options {
    fn parse() -> Self {
        let mut options = Options {
            agents: 1000,
            window: Duration::from_secs(10),
            trees: 100,
        };
        let args: Vec<String> = std::env::args().collect();
        let value = |flag: &str| {
            args.iter()
                .position(|arg| arg == flag)
                .and_then(|at| args.get(at + 1))
                .map(|value| value.parse::<u64>().expect("a whole number"))
        };
        if let Some(agents) = value("--agents") {
            options.agents = usize::try_from(agents).expect("agents");
        }
        if let Some(seconds) = value("--window") {
            options.window = Duration::from_secs(seconds);
        }
        if let Some(trees) = value("--trees") {
            options.trees = usize::try_from(trees).expect("trees");
        }
        options
    }
}

/// A scratch host: one data, marker and cache folder for the server and its agents.
struct Scratch {
    dir: tempfile::TempDir,
}

impl Scratch {
    fn new() -> Self {
        Scratch {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn ripcord(&self) -> Command {
        let mut command = Command::new(RIPCORD);
        command
            .env("RIPCORD_LOG__LEVEL", "warn")
            .env("RIPCORD_CLIENT__LOCAL_DIR", self.path("local"))
            .env("RIPCORD_CLIENT__CACHE_DIR", self.path("cache"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        command
    }
}

fn main() {
    let options = Options::parse();
    print_host();
    let scratch = Scratch::new();
    let port = common::free_addr().port();
    let url = format!("http://127.0.0.1:{port}");
    let mut server = scratch
        .ripcord()
        .args([
            "serve",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--data-dir",
        ])
        .arg(scratch.path("data"))
        .spawn()
        .expect("serve");
    wait_until("the server answers", Duration::from_secs(30), || {
        agents_reported(&url).is_some()
    });

    idle(&scratch, &url, &options);
    halt_trees(&scratch, &url, &options);

    let _ = server.kill();
    let _ = server.wait();
}

fn idle(scratch: &Scratch, url: &str, options: &Options) {
    let mut agents: Vec<Child> = (0..options.agents)
        .map(|index| {
            scratch
                .ripcord()
                .env("RIPCORD_SERVER", url)
                .args([
                    "agent",
                    "--scope",
                    "api",
                    "--name",
                    &format!("idle-{index}"),
                ])
                .args(["--", "sleep", "100000"])
                .spawn()
                .expect("agent")
        })
        .collect();
    wait_until("every agent to report", Duration::from_secs(300), || {
        agents_reported(url).is_some_and(|count| count >= options.agents)
    });
    let pids: Vec<u32> = agents.iter().map(Child::id).collect();
    let before = total_cpu(&pids);
    let started = Instant::now();
    std::thread::sleep(options.window);
    let used = total_cpu(&pids) - before;
    let elapsed = started.elapsed().as_secs_f64();
    let (rss, pss) = total_memory(&pids);
    println!();
    println!(
        "| idle agents | window | CPU, all agents | per agent | RSS, all agents | PSS, all agents | PSS per agent |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|");
    println!(
        "| {} | {:.0} s | {:.2} ms/s | {:.4} ms/s | {:.0} MiB | {:.0} MiB | {:.2} MiB |",
        options.agents,
        elapsed,
        used.as_secs_f64() * 1000.0 / elapsed,
        used.as_secs_f64() * 1000.0 / elapsed / options.agents as f64,
        rss as f64 / 1024.0,
        pss as f64 / 1024.0,
        pss as f64 / 1024.0 / options.agents as f64,
    );
    for agent in &mut agents {
        terminate(agent);
    }
}

fn halt_trees(scratch: &Scratch, url: &str, options: &Options) {
    let pid_files: Vec<PathBuf> = (0..options.trees)
        .map(|index| scratch.path(&format!("tree-{index}.pids")))
        .collect();
    let mut agents: Vec<Child> = pid_files
        .iter()
        .enumerate()
        .map(|(index, file)| {
            let file = file.display();
            let script = format!(
                "sleep 100000 & echo $! >> {file}; \
                 (sleep 100000 & echo $! >> {file}); echo $$ >> {file}; wait"
            );
            scratch
                .ripcord()
                .env("RIPCORD_SERVER", url)
                .args([
                    "agent",
                    "--scope",
                    "worker",
                    "--name",
                    &format!("tree-{index}"),
                ])
                .args(["--", "sh", "-c", &script])
                .spawn()
                .expect("agent")
        })
        .collect();
    let mut tree_pids = Vec::new();
    wait_until("every tree to start", Duration::from_secs(120), || {
        tree_pids = pid_files.iter().flat_map(|file| read_pids(file)).collect();
        tree_pids.len() >= options.trees * 3
    });
    wait_until(
        "every tree's agent to report",
        Duration::from_secs(120),
        || agents_reported(url).is_some_and(|count| count >= options.agents + options.trees),
    );
    let started = Instant::now();
    let halted = scratch
        .ripcord()
        .env("RIPCORD_SERVER", url)
        .args(["halt", "--scope", "worker", "--reason", "benchmark"])
        .status()
        .expect("halt");
    assert!(halted.success(), "the halt failed");
    let acknowledged = started.elapsed();
    while tree_pids
        .iter()
        .any(|pid| Path::new(&format!("/proc/{pid}")).exists())
    {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "trees survived the halt"
        );
        std::thread::sleep(Duration::from_millis(1));
    }
    let gone = started.elapsed();
    println!();
    println!("| wrapped trees | processes | `ripcord halt` returned | last process gone |");
    println!("|---:|---:|---:|---:|");
    println!(
        "| {} | {} | {:.1} ms | {:.1} ms |",
        options.trees,
        tree_pids.len(),
        acknowledged.as_secs_f64() * 1000.0,
        gone.as_secs_f64() * 1000.0
    );
    for agent in &mut agents {
        let _ = agent.wait();
    }
}

/// How many agents the server lists, or `None` when it does not answer.
fn agents_reported(url: &str) -> Option<usize> {
    let output = Command::new(RIPCORD)
        .env("RIPCORD_SERVER", url)
        .env("RIPCORD_LOG__LEVEL", "error")
        .args(["status", "--format", "json"])
        .stderr(Stdio::null())
        .output()
        .ok()?;
    let status: serde_json::Value = serde_json::from_slice(&output.stdout).ok()?;
    if status["server"]["reachable"] != true {
        return None;
    }
    status["server"]["agents"].as_array().map(Vec::len)
}

fn wait_until(what: &str, limit: Duration, mut condition: impl FnMut() -> bool) {
    let started = Instant::now();
    while !condition() {
        assert!(started.elapsed() < limit, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn read_pids(file: &Path) -> Vec<u32> {
    std::fs::read_to_string(file)
        .unwrap_or_default()
        .lines()
        .filter_map(|line| line.trim().parse().ok())
        .collect()
}

/// CPU time (user + system) used by these processes so far.
fn total_cpu(pids: &[u32]) -> Duration {
    let ticks_per_second = 100.0; // CONFIG_HZ-independent: /proc reports USER_HZ, 100 on Linux.
    let ticks: u64 = pids
        .iter()
        .filter_map(|pid| std::fs::read_to_string(format!("/proc/{pid}/stat")).ok())
        .filter_map(|stat| {
            let (_, rest) = stat.rsplit_once(')')?;
            let fields: Vec<&str> = rest.split_whitespace().collect();
            Some(fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?)
        })
        .sum();
    Duration::from_secs_f64(ticks as f64 / ticks_per_second)
}

/// Total RSS and PSS of these processes, in KiB.
fn total_memory(pids: &[u32]) -> (u64, u64) {
    let field = |text: &str, name: &str| -> u64 {
        text.lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|value| value.split_whitespace().next())
            .and_then(|kib| kib.parse().ok())
            .unwrap_or(0)
    };
    pids.iter().fold((0, 0), |(rss, pss), pid| {
        let rollup =
            std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).unwrap_or_default();
        (rss + field(&rollup, "Rss:"), pss + field(&rollup, "Pss:"))
    })
}

/// Stops an agent with SIGTERM, as a service manager would, so its command stops too.
fn terminate(agent: &mut Child) {
    if let Ok(pid) = i32::try_from(agent.id()) {
        let _ = nix::sys::signal::kill(
            nix::unistd::Pid::from_raw(pid),
            nix::sys::signal::Signal::SIGTERM,
        );
    }
    let _ = agent.wait();
}

fn print_host() {
    let read = |path: &str| {
        std::fs::read_to_string(path)
            .map(|text| text.trim().to_owned())
            .unwrap_or_else(|_| "?".into())
    };
    println!(
        "host: {}, kernel {}",
        common::cpu(),
        read("/proc/sys/kernel/osrelease")
    );
    println!(
        "fs.inotify.max_user_instances = {}, fs.inotify.max_user_watches = {}, kernel.pid_max = {}",
        read("/proc/sys/fs/inotify/max_user_instances"),
        read("/proc/sys/fs/inotify/max_user_watches"),
        read("/proc/sys/kernel/pid_max")
    );
}
