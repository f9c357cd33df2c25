//! `ripcord agent -- CMD…`: runs any command under the switch.
//!
//! The command runs in a process group of its own, so a halt reaches its children and
//! grandchildren too: SIGTERM (and SIGCONT, for stopped ones) to the whole group, SIGKILL to
//! whatever of it is left after the grace period. The agent is a child subreaper, so
//! orphaned members of the group are reparented to it and reaped, during the run as well
//! as at the end.

use std::ffi::OsString;
use std::process::ExitStatus;
use std::time::Duration;

use nix::errno::Errno;
use nix::sys::signal::{Signal, killpg};
use nix::sys::wait::{Id, WaitPidFlag, WaitStatus, waitid, waitpid};
use nix::unistd::Pid;
use ripcord_core::{Printable, exit};
use tokio::process::{Child, Command};
use tokio::signal::unix::{Signal as SignalStream, SignalKind, signal};
use tokio::time::Instant;

use crate::switch::Switch;

/// How often a stopping agent checks whether the rest of the group has exited.
const GROUP_POLL: Duration = Duration::from_millis(20);

#[derive(Debug, thiserror::Error)]
pub enum AgentError {
    #[error("no command given: write it after `--`, e.g. `ripcord agent -- ./nightly-job.sh`")]
    NoCommand,
    #[error("cannot start `{command}`: {source}")]
    Spawn {
        command: String,
        source: std::io::Error,
    },
    #[error("cannot wait for `{command}`: {source}")]
    Wait {
        command: String,
        source: std::io::Error,
    },
    #[error("cannot install a signal handler: {0}")]
    Signals(std::io::Error),
}

/// How `ripcord agent` treats its command.
#[derive(Debug, Clone)]
pub struct AgentOptions {
    pub command: Vec<OsString>,
    /// Time between SIGTERM and SIGKILL.
    pub grace: Duration,
    /// Start the command again when the switch resumes, instead of exiting.
    pub restart_on_resume: bool,
    /// How long to wait for the server before deciding whether to start.
    pub connect_timeout: Duration,
}

/// The command as one line, for logs and reports.
pub fn command_line(command: &[OsString]) -> String {
    command
        .iter()
        .map(|part| part.to_string_lossy())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The signals that stop the agent itself; each is passed on to the command.
struct StopSignals {
    terminate: SignalStream,
    interrupt: SignalStream,
    hangup: SignalStream,
}

impl StopSignals {
    fn install() -> Result<Self, AgentError> {
        let install = |kind| signal(kind).map_err(AgentError::Signals);
        Ok(StopSignals {
            terminate: install(SignalKind::terminate())?,
            interrupt: install(SignalKind::interrupt())?,
            hangup: install(SignalKind::hangup())?,
        })
    }

    async fn recv(&mut self) -> Signal {
        tokio::select! {
            _ = self.terminate.recv() => Signal::SIGTERM,
            _ = self.interrupt.recv() => Signal::SIGINT,
            _ = self.hangup.recv() => Signal::SIGHUP,
        }
    }
}

/// Why one run of the command ended.
enum Ended {
    /// On its own, with this exit code.
    Exited(u8),
    /// Stopped by a halt.
    Halted,
    /// The agent itself was told to stop; exit with this code.
    Terminated(u8),
}

/// Runs the command under `switch` and returns the agent's exit code: the command's own
/// when no halt happened, [`exit::HALTED`] when a halt kept it from starting or stopped it.
pub async fn run(switch: Switch, options: AgentOptions) -> Result<u8, AgentError> {
    if options.command.is_empty() {
        return Err(AgentError::NoCommand);
    }
    let command_line = command_line(&options.command);
    // Orphaned grandchildren become ours to reap, instead of init's, so none is left behind.
    if let Err(error) = nix::sys::prctl::set_child_subreaper(true) {
        tracing::warn!(%error, "cannot become a child subreaper; orphans will be reaped by init");
    }
    let mut stop = StopSignals::install()?;
    let mut orphans = signal(SignalKind::child()).map_err(AgentError::Signals)?;

    // A signal while waiting for the server ends the agent before anything started.
    let state = tokio::select! {
        state = switch.settled(options.connect_timeout) => state,
        signal = stop.recv() => return Ok(128 + signal as u8),
    };
    if !state.settled {
        tracing::warn!("the ripcord server did not answer in time; deciding on the cached state");
    }
    let mut runs = 0u64;
    loop {
        if let Some(cause) = switch.state().cause {
            if !options.restart_on_resume {
                tracing::warn!(command = %Printable(&command_line), halted_by = %cause.scope, reason = %Printable(&cause.reason), "halted: not starting the command");
                return Ok(exit::HALTED);
            }
            tracing::info!(command = %Printable(&command_line), "halted: waiting for a resume to start the command again");
            tokio::select! {
                () = switch.resumed() => {}
                signal = stop.recv() => return Ok(128 + signal as u8),
            }
        }
        runs += 1;
        let mut child = spawn(&options.command, &command_line)?;
        let Some(group) = child
            .id()
            .and_then(|id| i32::try_from(id).ok())
            .map(Pid::from_raw)
        else {
            // Only a child that was already reaped has no id; nothing of it can be left.
            continue;
        };
        tracing::info!(command = %Printable(&command_line), pid = group.as_raw(), run = runs, "started");
        let ended = loop {
            tokio::select! {
                status = child.wait() => {
                    let status = status.map_err(|source| AgentError::Wait { command: command_line.clone(), source })?;
                    reap_group(group, WaitPidFlag::WNOHANG);
                    if group_alive(group) {
                        tracing::warn!(command = %Printable(&command_line), "the command exited but left processes in its group; stopping them");
                        stop_group(&mut child, group, Signal::SIGTERM, options.grace).await;
                    }
                    break Ended::Exited(exit_code(status));
                }
                cause = switch.halted() => {
                    tracing::warn!(command = %Printable(&command_line), halted_by = %cause.scope, reason = %Printable(&cause.reason), "halted: stopping the command");
                    stop_group(&mut child, group, Signal::SIGTERM, options.grace).await;
                    break Ended::Halted;
                }
                signal = stop.recv() => {
                    tracing::info!(?signal, "agent signalled: stopping the command");
                    let status = stop_group(&mut child, group, signal, options.grace).await;
                    // The command's own answer to the signal when it gave one in time.
                    let code = status.map_or(128 + signal as u8, exit_code);
                    break Ended::Terminated(code);
                }
                _ = orphans.recv() => reap_orphans(group),
            }
        };
        match ended {
            Ended::Exited(code) => {
                tracing::info!(command = %Printable(&command_line), code, "exited");
                return Ok(code);
            }
            Ended::Terminated(code) => return Ok(code),
            Ended::Halted if options.restart_on_resume => continue,
            Ended::Halted => return Ok(exit::HALTED),
        }
    }
}

fn spawn(command: &[OsString], command_line: &str) -> Result<Child, AgentError> {
    let (program, arguments) = command.split_first().ok_or(AgentError::NoCommand)?;
    Command::new(program)
        .args(arguments)
        // A group of its own: one signal reaches every process the command starts.
        .process_group(0)
        .kill_on_drop(false)
        .spawn()
        .map_err(|source| AgentError::Spawn {
            command: command_line.to_owned(),
            source,
        })
}

/// The conventional shell exit code: the code itself, or 128 + the signal that killed it.
fn exit_code(status: ExitStatus) -> u8 {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(code), _) => u8::try_from(code & 0xff).unwrap_or(exit::FAILURE),
        (None, Some(signal)) => 128u8.saturating_add(u8::try_from(signal).unwrap_or(0)),
        (None, None) => exit::FAILURE,
    }
}

/// Signals the whole group, gives it `grace` to exit, SIGKILLs whatever is left, and reaps
/// every member that became ours. Returns the leader's status if it exited in time.
async fn stop_group(
    child: &mut Child,
    group: Pid,
    signal: Signal,
    grace: Duration,
) -> Option<ExitStatus> {
    let deadline = Instant::now() + grace;
    signal_group(group, signal);
    // A stopped process cannot act on SIGTERM until it runs again.
    signal_group(group, Signal::SIGCONT);
    let leader = tokio::time::timeout_at(deadline, child.wait())
        .await
        .ok()
        .and_then(Result::ok);
    if leader.is_some() {
        // The leader is reaped (by tokio), so reaping the rest of the group cannot take its
        // status away; wait for the rest up to the same deadline.
        while Instant::now() < deadline {
            reap_group(group, WaitPidFlag::WNOHANG);
            if !group_alive(group) {
                return leader;
            }
            tokio::time::sleep(GROUP_POLL).await;
        }
    }
    tracing::warn!(
        ?grace,
        "processes of the command outlived the grace period; sending SIGKILL"
    );
    signal_group(group, Signal::SIGKILL);
    let leader = match leader {
        Some(status) => Some(status),
        None => child.wait().await.ok(),
    };
    let _ = tokio::task::spawn_blocking(move || reap_group(group, WaitPidFlag::__WALL)).await;
    leader
}

fn signal_group(group: Pid, signal: Signal) {
    match killpg(group, signal) {
        Ok(()) | Err(Errno::ESRCH) => {}
        Err(error) => tracing::warn!(%error, ?signal, "cannot signal the command's process group"),
    }
}

/// Whether any process of the group exists (zombies included, so reap first).
fn group_alive(group: Pid) -> bool {
    killpg(group, None) != Err(Errno::ESRCH)
}

/// Reaps the members of the group that are our children (orphans included). With
/// `WNOHANG` only those already exited; otherwise waits until none is left.
fn reap_group(group: Pid, flags: WaitPidFlag) {
    let members = Pid::from_raw(-group.as_raw());
    loop {
        match waitpid(members, Some(flags)) {
            Ok(WaitStatus::StillAlive) | Err(Errno::ECHILD) => return,
            Ok(_) | Err(Errno::EINTR) => continue,
            Err(error) => {
                tracing::warn!(%error, "cannot reap the command's process group");
                return;
            }
        }
    }
}

/// Reaps exited orphans that were reparented to the agent while the command runs, so a
/// long run that double-forks does not pile up zombies. The leader is left to tokio, which
/// owns its status: a peek (`WNOWAIT`) that finds it stops the sweep.
fn reap_orphans(leader: Pid) {
    let peek = WaitPidFlag::WEXITED | WaitPidFlag::WNOHANG | WaitPidFlag::WNOWAIT;
    while let Ok(status) = waitid(Id::All, peek) {
        match status.pid() {
            Some(pid) if pid != leader => {
                let _ = waitpid(pid, Some(WaitPidFlag::WNOHANG));
            }
            _ => return,
        }
    }
}
