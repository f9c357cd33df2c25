//! Starting a server process and waiting for the line that says it is ready.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crate::TestkitError;

/// How long a server may take to print its readiness line.
const READY_TIMEOUT: Duration = Duration::from_secs(60);

/// A running server process; killed and reaped on drop.
#[derive(Debug)]
pub struct Service {
    name: String,
    child: Child,
}

impl Service {
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The process id (for tests that kill it on purpose).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Spawns `command` with stdout and stderr piped and returns once a line of either contains
/// `marker`. Fails with the collected output when the process exits first or the deadline
/// passes. Output after the marker is drained in the background so the pipes never fill up.
pub fn spawn_ready(
    name: &str,
    mut command: Command,
    marker: &str,
) -> Result<Service, TestkitError> {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command
        .spawn()
        .map_err(|e| TestkitError::io(format!("starting {name} ({command:?})"), e))?;
    let (tx, rx) = mpsc::channel::<String>();
    let pipes: Vec<Box<dyn Read + Send>> = vec![
        Box::new(child.stdout.take().expect("stdout is piped")),
        Box::new(child.stderr.take().expect("stderr is piped")),
    ];
    for pipe in pipes {
        let tx = tx.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines() {
                let Ok(line) = line else { break };
                // The receiver is gone once the server is ready: keep draining regardless.
                let _ = tx.send(line);
            }
        });
    }
    drop(tx);
    let deadline = std::time::Instant::now() + READY_TIMEOUT;
    let mut log = String::new();
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        match rx.recv_timeout(left) {
            Ok(line) => {
                let ready = line.contains(marker);
                log.push_str(&line);
                log.push('\n');
                if ready {
                    return Ok(Service {
                        name: name.to_owned(),
                        child,
                    });
                }
            }
            Err(_) => {
                let _ = child.kill();
                let status = child.wait().map(|s| s.to_string()).unwrap_or_default();
                return Err(TestkitError::NotReady {
                    what: name.to_owned(),
                    log: format!("{status}\n{log}"),
                });
            }
        }
    }
}

/// Runs a command to completion and returns its stdout, or an error with both outputs.
pub fn run(mut command: Command) -> Result<String, TestkitError> {
    let shown = format!("{command:?}");
    let output = command
        .stdin(Stdio::null())
        .output()
        .map_err(|e| TestkitError::io(format!("running {shown}"), e))?;
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    } else {
        Err(TestkitError::Command {
            command: shown,
            status: output.status.to_string(),
            output: format!(
                "{}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            ),
        })
    }
}

/// CPU time (user + system) a process has used so far, from `/proc/<pid>/stat`.
pub fn cpu_time(pid: u32) -> std::time::Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("process stat");
    // The fields after the command name, which is in parentheses and may hold spaces;
    // utime and stime are the 12th and 13th of them.
    let (_, fields) = stat.rsplit_once(')').expect("stat format");
    let fields: Vec<&str> = fields.split_whitespace().collect();
    let ticks: u64 =
        fields[11].parse::<u64>().expect("utime") + fields[12].parse::<u64>().expect("stime");
    let per_second = nix::unistd::sysconf(nix::unistd::SysconfVar::CLK_TCK)
        .ok()
        .flatten()
        .and_then(|value| u64::try_from(value).ok())
        .expect("clock ticks per second");
    std::time::Duration::from_millis(ticks * 1000 / per_second)
}
