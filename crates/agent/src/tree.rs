//! Every process a command starts, whatever it does to escape: a process group is left with
//! `setsid`, `setpgid` or the cron idiom `sh -c 'timeout 3600 job'` (timeout makes a group
//! of its own). Where the host allows it the command runs in a cgroup of its own, which
//! `setsid` and friends do not leave and which the kernel kills at once (`cgroup.kill`).
//! The tree is also found by walking `/proc`, which finds every descendant because the
//! agent is a child subreaper (orphans are reparented to it, not to init): that is the
//! whole method where no cgroup can be made, and it catches a process of the same user
//! that moved itself out of the cgroup (it may: it can write where the agent wrote).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use nix::errno::Errno;
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use serde::{Deserialize, Serialize};

/// The name of an agent's cgroup starts with this, then its PID.
const CGROUP_PREFIX: &str = "ripcord-agent-";

/// How the agent finds the processes of its command.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TreeMode {
    /// A cgroup where the host lets this user make one (cgroup v2, root or a delegated
    /// subtree), else the `/proc` walk.
    #[default]
    Auto,
    /// A cgroup, or refuse to start.
    Cgroup,
    /// The `/proc` walk, even where a cgroup could be made.
    Proc,
}

#[derive(Debug, thiserror::Error)]
pub enum TreeError {
    #[error(
        "cannot make a cgroup for the command ({0}); use client.process_tree = \"auto\" or \"proc\""
    )]
    NoCgroup(String),
    #[error("cannot move the agent between cgroups ({path}): {source}")]
    Move {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Where a command's processes are tracked.
#[derive(Debug)]
pub(crate) struct Tree {
    cgroup: Option<Cgroup>,
}

impl Tree {
    pub(crate) fn new(mode: TreeMode) -> Result<Self, TreeError> {
        let cgroup = match mode {
            TreeMode::Proc => None,
            TreeMode::Cgroup => Some(Cgroup::create().map_err(TreeError::NoCgroup)?),
            TreeMode::Auto => match Cgroup::create() {
                Ok(cgroup) => Some(cgroup),
                Err(reason) => {
                    tracing::debug!(%reason, "no cgroup for the command; finding its processes through /proc");
                    None
                }
            },
        };
        if let Some(cgroup) = &cgroup {
            tracing::debug!(cgroup = %cgroup.path.display(), "the command runs in a cgroup of its own");
        }
        Ok(Tree { cgroup })
    }

    /// How the tree is tracked, for logs.
    pub(crate) fn kind(&self) -> &'static str {
        if self.cgroup.is_some() {
            "cgroup"
        } else {
            "/proc walk"
        }
    }

    /// Runs `spawn` so that the process it starts, and everything that process starts,
    /// belongs to the tree. With a cgroup the agent steps into it for the spawn, so the
    /// child is born inside and no fork can happen before it is tracked, then steps back.
    pub(crate) fn spawn<T, E>(
        &self,
        spawn: impl FnOnce() -> Result<T, E>,
    ) -> Result<Result<T, E>, TreeError> {
        let Some(cgroup) = &self.cgroup else {
            return Ok(spawn());
        };
        cgroup.enter(&cgroup.path)?;
        let spawned = spawn();
        if let Err(error) = cgroup.enter(&cgroup.parent) {
            // The agent is still inside: killing the command's cgroup would kill it too,
            // and a command it cannot stop must not run. Stop the command now.
            for pid in cgroup.members() {
                if pid != Pid::this() {
                    let _ = kill(pid, Signal::SIGKILL);
                }
            }
            return Err(error);
        }
        Ok(spawned)
    }

    /// The processes of the tree now, zombies included: the cgroup's members and the
    /// agent's descendants.
    pub(crate) fn members(&self) -> Vec<Pid> {
        let mut members = descendants(Pid::this());
        if let Some(cgroup) = &self.cgroup {
            for pid in cgroup.members() {
                if !members.contains(&pid) {
                    members.push(pid);
                }
            }
        }
        members
    }

    /// Sends `signal` to every process of the tree.
    pub(crate) fn signal(&self, signal: Signal) {
        for pid in self.members() {
            match kill(pid, signal) {
                Ok(()) | Err(Errno::ESRCH) => {}
                Err(error) => {
                    tracing::warn!(pid = pid.as_raw(), %error, ?signal, "cannot signal a process of the command");
                }
            }
        }
    }

    /// Kills every process of the tree: `cgroup.kill` where there is one (atomic: nothing
    /// forks in between), and SIGKILL to each process found, for any that left it.
    pub(crate) fn kill(&self) {
        if let Some(cgroup) = &self.cgroup {
            let _ = cgroup.kill();
        }
        self.signal(Signal::SIGKILL);
    }
}

/// A cgroup v2 of the agent's own, below the one it runs in.
#[derive(Debug)]
struct Cgroup {
    path: PathBuf,
    parent: PathBuf,
}

impl Cgroup {
    fn create() -> Result<Self, String> {
        let mount = cgroup2_mount().ok_or("no cgroup v2 hierarchy is mounted")?;
        let own = std::fs::read_to_string("/proc/self/cgroup")
            .map_err(|e| format!("cannot read /proc/self/cgroup: {e}"))?;
        let relative = own
            .lines()
            .find_map(|line| line.strip_prefix("0::"))
            .ok_or("this process is in no cgroup v2")?;
        let parent = mount.join(relative.trim_start_matches('/'));
        remove_abandoned(&parent);
        let path = parent.join(format!(
            "{CGROUP_PREFIX}{}-{:08x}",
            std::process::id(),
            fastrand::u32(..)
        ));
        std::fs::create_dir(&path).map_err(|e| format!("cannot create {}: {e}", path.display()))?;
        let cgroup = Cgroup { path, parent };
        // Proves both moves work before the command depends on them.
        let round_trip = cgroup
            .enter(&cgroup.path)
            .and_then(|()| cgroup.enter(&cgroup.parent));
        if let Err(error) = round_trip {
            // Dropping the cgroup removes the folder.
            return Err(error.to_string());
        }
        Ok(cgroup)
    }

    /// Moves the whole agent process (every thread) into the cgroup at `path`.
    fn enter(&self, path: &Path) -> Result<(), TreeError> {
        std::fs::write(path.join("cgroup.procs"), std::process::id().to_string()).map_err(
            |source| TreeError::Move {
                path: path.to_owned(),
                source,
            },
        )
    }

    fn members(&self) -> Vec<Pid> {
        std::fs::read_to_string(self.path.join("cgroup.procs"))
            .unwrap_or_default()
            .lines()
            .filter_map(|line| line.trim().parse().ok())
            .map(Pid::from_raw)
            .collect()
    }

    fn kill(&self) -> std::io::Result<()> {
        std::fs::write(self.path.join("cgroup.kill"), "1")
    }
}

impl Drop for Cgroup {
    fn drop(&mut self) {
        // Only an empty cgroup can be removed; a member left behind keeps it, and the
        // agent has already said so.
        if let Err(error) = std::fs::remove_dir(&self.path) {
            tracing::debug!(cgroup = %self.path.display(), %error, "cannot remove the command's cgroup");
        }
    }
}

/// Removes the empty cgroups of agents that are gone (killed with SIGKILL, which leaves
/// no chance to clean up). A cgroup that still holds processes is left alone.
fn remove_abandoned(parent: &Path) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name();
        let Some(owner) = name
            .to_str()
            .and_then(|name| name.strip_prefix(CGROUP_PREFIX))
            .and_then(|rest| rest.split('-').next())
            .and_then(|pid| pid.parse::<i32>().ok())
        else {
            continue;
        };
        if kill(Pid::from_raw(owner), None) == Err(Errno::ESRCH) {
            // Fails harmlessly (EBUSY) when processes are still in it.
            let _ = std::fs::remove_dir(entry.path());
        }
    }
}

/// Where the cgroup v2 hierarchy is mounted, from `/proc/self/mountinfo`.
fn cgroup2_mount() -> Option<PathBuf> {
    let mountinfo = std::fs::read_to_string("/proc/self/mountinfo").ok()?;
    mountinfo.lines().find_map(|line| {
        let (mount, filesystem) = line.split_once(" - ")?;
        filesystem
            .starts_with("cgroup2 ")
            .then(|| mount.split(' ').nth(4).map(PathBuf::from))
            .flatten()
    })
}

/// Every descendant of `root` (not `root` itself), from the parent links in `/proc`.
fn descendants(root: Pid) -> Vec<Pid> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    let mut children: HashMap<i32, Vec<i32>> = HashMap::new();
    for entry in entries.filter_map(Result::ok) {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<i32>().ok())
        else {
            continue;
        };
        if let Some(parent) = parent_of(pid) {
            children.entry(parent).or_default().push(pid);
        }
    }
    let mut found = Vec::new();
    let mut pending = vec![root.as_raw()];
    while let Some(pid) = pending.pop() {
        for &child in children.get(&pid).map(Vec::as_slice).unwrap_or_default() {
            found.push(Pid::from_raw(child));
            pending.push(child);
        }
    }
    found
}

/// The parent of `pid`: the field after the state in `/proc/<pid>/stat`, read after the
/// command name's closing parenthesis (a name may hold spaces and parentheses).
fn parent_of(pid: i32) -> Option<i32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let (_, rest) = stat.rsplit_once(')')?;
    rest.split_whitespace().nth(1)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_proc_walk_finds_a_child_and_its_grandchild() {
        let mut child = std::process::Command::new("sh")
            .args(["-c", "sleep 30 & wait"])
            .spawn()
            .expect("spawn");
        let child_pid = Pid::from_raw(i32::try_from(child.id()).expect("pid"));
        let mut found = Vec::new();
        // The grandchild appears once the shell has forked; a deadline, not a sleep.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while found.len() < 2 && std::time::Instant::now() < deadline {
            found = descendants(Pid::this())
                .into_iter()
                .filter(|pid| {
                    *pid == child_pid || parent_of(pid.as_raw()) == Some(child_pid.as_raw())
                })
                .collect();
            std::thread::yield_now();
        }
        assert_eq!(found.len(), 2, "{found:?}");
        for pid in &found {
            let _ = kill(*pid, Signal::SIGKILL);
        }
        let _ = child.wait();
    }

    #[test]
    fn the_parent_of_this_process_is_read_from_proc() {
        assert_eq!(
            parent_of(std::process::id() as i32),
            Some(nix::unistd::getppid().as_raw())
        );
    }
}
