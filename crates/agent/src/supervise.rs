//! `ripcord agent -- CMD…`: runs any command under the switch.
//!
//! The command runs in a process group of its own, so a halt reaches its children and
//! grandchildren too: SIGTERM to the whole group, SIGKILL after the grace period. The agent
//! is a child subreaper, so orphaned members of the group are reparented to it and reaped.

use std::ffi::OsString;
use std::process::ExitStatus;
use std::time::Duration;

use nix::errno::Errno;
use nix::sys::signal::{Signal, killpg};
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
use nix::unistd::Pid;
use ripcord_core::exit;
use tokio::process::{Child, Command};
use tokio::signal::unix::{SignalKind, signal};

use crate::switch::Switch;

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
    let command_line = options
        .command
        .iter()
        .map(|part| part.to_string_lossy())
        .collect::<Vec<_>>()
        .join(" ");
    if options.command.is_empty() {
        return Err(AgentError::NoCommand);
    }
    // Orphaned grandchildren become ours to reap, instead of init's, so none is left behind.
    if let Err(error) = nix::sys::prctl::set_child_subreaper(true) {
        tracing::warn!(%error, "cannot become a child subreaper; orphans will be reaped by init");
    }
    let mut terminate = signal(SignalKind::terminate()).map_err(AgentError::Signals)?;
    let mut interrupt = signal(SignalKind::interrupt()).map_err(AgentError::Signals)?;
    let mut hangup = signal(SignalKind::hangup()).map_err(AgentError::Signals)?;

    let state = switch.settled(options.connect_timeout).await;
    if !state.settled {
        tracing::warn!("the ripcord server did not answer in time; deciding on the cached state");
    }
    let mut runs = 0u64;
    loop {
        if let Some(cause) = switch.state().cause {
            if !options.restart_on_resume {
                tracing::warn!(command = %command_line, halted_by = %cause.scope, reason = %cause.reason, "halted: not starting the command");
                return Ok(exit::HALTED);
            }
            tracing::info!(command = %command_line, "halted: waiting for a resume to start the command again");
            tokio::select! {
                () = switch.resumed() => {}
                _ = terminate.recv() => return Ok(128 + Signal::SIGTERM as u8),
                _ = interrupt.recv() => return Ok(128 + Signal::SIGINT as u8),
                _ = hangup.recv() => return Ok(128 + Signal::SIGHUP as u8),
            }
        }
        runs += 1;
        let mut child = spawn(&options.command, &command_line)?;
        let group = child
            .id()
            .and_then(|id| i32::try_from(id).ok())
            .map(Pid::from_raw);
        tracing::info!(command = %command_line, pid = ?group, run = runs, "started");
        let ended = tokio::select! {
            status = child.wait() => {
                let status = status.map_err(|source| AgentError::Wait { command: command_line.clone(), source })?;
                Ended::Exited(exit_code(status))
            }
            cause = switch.halted() => {
                tracing::warn!(command = %command_line, halted_by = %cause.scope, reason = %cause.reason, "halted: stopping the command");
                stop_group(&mut child, group, Signal::SIGTERM, options.grace).await;
                Ended::Halted
            }
            _ = terminate.recv() => Ended::Terminated(forward(&mut child, group, Signal::SIGTERM, options.grace).await),
            _ = interrupt.recv() => Ended::Terminated(forward(&mut child, group, Signal::SIGINT, options.grace).await),
            _ = hangup.recv() => Ended::Terminated(forward(&mut child, group, Signal::SIGHUP, options.grace).await),
        };
        match ended {
            Ended::Exited(code) => {
                tracing::info!(command = %command_line, code, "exited");
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

/// Passes a signal sent to the agent on to the command, then stops the group like a halt.
async fn forward(child: &mut Child, group: Option<Pid>, signal: Signal, grace: Duration) -> u8 {
    tracing::info!(?signal, "agent signalled: stopping the command");
    stop_group(child, group, signal, grace).await;
    128 + signal as u8
}

/// Signals the whole group, waits up to `grace` for the command, SIGKILLs whatever of the
/// group is left, and reaps every member that became ours.
async fn stop_group(child: &mut Child, group: Option<Pid>, signal: Signal, grace: Duration) {
    let Some(group) = group else {
        // Already reaped: nothing of it can be signalled.
        return;
    };
    signal_group(group, signal);
    if tokio::time::timeout(grace, child.wait()).await.is_err() {
        tracing::warn!(
            ?grace,
            "the command outlived its grace period; sending SIGKILL"
        );
    }
    // Children the leader left behind may still run, even when the leader exited in time.
    signal_group(group, Signal::SIGKILL);
    let _ = child.wait().await;
    let _ = tokio::task::spawn_blocking(move || reap_group(group)).await;
}

fn signal_group(group: Pid, signal: Signal) {
    match killpg(group, signal) {
        Ok(()) | Err(Errno::ESRCH) => {}
        Err(error) => tracing::warn!(%error, ?signal, "cannot signal the command's process group"),
    }
}

/// Waits for every member of the (SIGKILLed) group that is our child, orphans included.
fn reap_group(group: Pid) {
    let members = Pid::from_raw(-group.as_raw());
    loop {
        match waitpid(members, Some(WaitPidFlag::__WALL)) {
            Ok(WaitStatus::StillAlive) | Err(Errno::ECHILD) => return,
            Ok(_) | Err(Errno::EINTR) => continue,
            Err(error) => {
                tracing::warn!(%error, "cannot reap the command's process group");
                return;
            }
        }
    }
}
