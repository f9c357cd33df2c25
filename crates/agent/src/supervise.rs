//! `ripcord agent -- CMD…`: runs any command under the switch.
//!
//! The command runs in a process group of its own and, where the host allows, a cgroup of
//! its own ([`crate::tree`]), so a halt reaches every process it started, whichever group
//! or session that process moved to: SIGTERM (and SIGCONT, for stopped ones) to all of
//! them, SIGKILL to whatever is left after the grace period. The agent is a child
//! subreaper, so orphans are reparented to it and reaped, during the run as well as at the
//! end, and it never reports a command stopped while one of its processes lives.

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
use crate::tree::{Tree, TreeError, TreeMode};

/// How often a stopping agent checks whether the rest of the tree has exited.
const TREE_POLL: Duration = Duration::from_millis(20);
/// How many times a tree that survived SIGKILL is killed again (a process forking as it
/// dies) before the agent gives up and says which processes live: 5 s in all.
const KILL_ROUNDS: u32 = 250;
/// The longest grace period accepted: a halt must end in bounded time.
pub const MAX_GRACE: Duration = Duration::from_secs(3600);

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
    #[error(transparent)]
    Tree(#[from] TreeError),
    #[error(
        "processes of `{command}` survived SIGKILL: {pids:?}; they may be in uninterruptible sleep \
         or run as another user"
    )]
    Survivors { command: String, pids: Vec<i32> },
}

/// How `ripcord agent` treats its command.
#[derive(Debug, Clone)]
pub struct AgentOptions {
    pub command: Vec<OsString>,
    /// Time between SIGTERM and SIGKILL (at most [`MAX_GRACE`]).
    pub grace: Duration,
    /// How the command's processes are tracked.
    pub tree: TreeMode,
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
    let tree = Tree::new(options.tree)?;
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
        let mut child = tree.spawn(|| spawn(&options.command, &command_line))??;
        let Some(group) = child
            .id()
            .and_then(|id| i32::try_from(id).ok())
            .map(Pid::from_raw)
        else {
            // Only a child that was already reaped has no id; nothing of it can be left.
            continue;
        };
        tracing::info!(command = %Printable(&command_line), pid = group.as_raw(), run = runs, tracking = tree.kind(), "started");
        let mut stopping = Stopping {
            child: &mut child,
            group,
            tree: &tree,
            grace: options.grace,
            command: &command_line,
        };
        let ended = loop {
            tokio::select! {
                status = stopping.child.wait() => {
                    let status = status.map_err(|source| AgentError::Wait { command: command_line.clone(), source })?;
                    if !stopping.settled() {
                        tracing::warn!(command = %Printable(&command_line), "the command exited but left processes behind; stopping them");
                        stopping.stop(Signal::SIGTERM).await?;
                    }
                    break Ended::Exited(exit_code(status));
                }
                cause = switch.halted() => {
                    tracing::warn!(command = %Printable(&command_line), halted_by = %cause.scope, reason = %Printable(&cause.reason), "halted: stopping the command");
                    stopping.stop(Signal::SIGTERM).await?;
                    break Ended::Halted;
                }
                signal = stop.recv() => {
                    tracing::info!(?signal, "agent signalled: stopping the command");
                    let status = stopping.stop(signal).await?;
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
        // The agent's token is the agent's: the command (a third-party job, say) does not
        // get to halt, report or read with it.
        .env_remove("RIPCORD_TOKEN")
        .env_remove("RIPCORD_CLIENT__TOKEN")
        // A group of its own: one signal reaches every process that stays in it.
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

/// One run of the command, and how to stop all of it.
struct Stopping<'a> {
    child: &'a mut Child,
    group: Pid,
    tree: &'a Tree,
    grace: Duration,
    command: &'a str,
}

impl Stopping<'_> {
    /// Signals every process of the command, gives them the grace period to exit, kills
    /// whatever is left, and reaps every process that became ours. Returns the leader's
    /// status if it exited in time; fails only when a process outlives SIGKILL.
    async fn stop(&mut self, signal: Signal) -> Result<Option<ExitStatus>, AgentError> {
        // A grace too long to add to the clock ends at once: fail closed, never never.
        let deadline = Instant::now().checked_add(self.grace);
        self.send(signal);
        // A stopped process cannot act on SIGTERM until it runs again.
        self.send(Signal::SIGCONT);
        let leader = match deadline {
            Some(deadline) => tokio::time::timeout_at(deadline, self.child.wait())
                .await
                .ok()
                .and_then(Result::ok),
            None => None,
        };
        if let (Some(_), Some(deadline)) = (leader, deadline) {
            // The leader is reaped (by tokio), so reaping any child cannot take its status
            // away; wait for the rest up to the same deadline.
            while Instant::now() < deadline {
                if self.settled() {
                    return Ok(leader);
                }
                tokio::time::sleep(TREE_POLL).await;
            }
        }
        tracing::warn!(
            grace = ?self.grace,
            "processes of the command outlived the grace period; sending SIGKILL"
        );
        self.kill();
        let leader = match leader {
            Some(status) => Some(status),
            None => self.child.wait().await.ok(),
        };
        for _ in 0..KILL_ROUNDS {
            if self.settled() {
                return Ok(leader);
            }
            self.kill();
            tokio::time::sleep(TREE_POLL).await;
        }
        let pids: Vec<i32> = self.tree.members().iter().map(|pid| pid.as_raw()).collect();
        Err(AgentError::Survivors {
            command: self.command.to_owned(),
            pids,
        })
    }

    /// Whether nothing of the command is left: no process in the tree, and no child of the
    /// agent unreaped. A cgroup stops listing a process as it exits, a moment before it
    /// becomes a zombie to reap, so the tree alone is not enough. Only called once tokio
    /// has reaped the leader.
    fn settled(&self) -> bool {
        reap_children();
        let no_children = matches!(
            waitid(
                Id::All,
                WaitPidFlag::WEXITED | WaitPidFlag::WNOHANG | WaitPidFlag::WNOWAIT
            ),
            Err(Errno::ECHILD)
        );
        no_children && self.tree.members().is_empty()
    }

    fn send(&self, signal: Signal) {
        signal_group(self.group, signal);
        self.tree.signal(signal);
    }

    fn kill(&self) {
        signal_group(self.group, Signal::SIGKILL);
        self.tree.kill();
    }
}

fn signal_group(group: Pid, signal: Signal) {
    match killpg(group, signal) {
        Ok(()) | Err(Errno::ESRCH) => {}
        Err(error) => tracing::warn!(%error, ?signal, "cannot signal the command's process group"),
    }
}

/// Reaps every child that has exited: orphans reparented to the agent, and the command's
/// processes once they died. Only called once tokio has reaped the leader, whose status is
/// tokio's to take.
fn reap_children() {
    loop {
        match waitpid(
            Pid::from_raw(-1),
            Some(WaitPidFlag::WNOHANG | WaitPidFlag::__WALL),
        ) {
            Ok(WaitStatus::StillAlive) | Err(Errno::ECHILD) => return,
            Ok(_) | Err(Errno::EINTR) => continue,
            Err(error) => {
                tracing::warn!(%error, "cannot reap the command's processes");
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
