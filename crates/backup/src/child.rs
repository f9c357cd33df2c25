//! PostgreSQL client programs as child processes: started with their stderr collected (the
//! last 16 KiB) for error messages, and stopped when the side they feed fails.

use std::process::{Child, ChildStdout, Command, Stdio};
use std::thread::JoinHandle;

use crate::{BackupError, pipeline};

pub(crate) fn tool_error(tool: &str, reason: String) -> BackupError {
    BackupError::Tool {
        tool: tool.to_owned(),
        reason,
    }
}

/// Starts `command` with its stderr collected.
pub(crate) fn spawn(
    mut command: Command,
    name: &str,
) -> Result<(Child, Option<JoinHandle<String>>), BackupError> {
    let mut child = command.stderr(Stdio::piped()).spawn().map_err(|e| {
        tool_error(
            name,
            format!(
                "cannot start {}: {e}",
                command.get_program().to_string_lossy()
            ),
        )
    })?;
    let stderr = child
        .stderr
        .take()
        .map(|pipe| pipeline::tail_reader(pipe, 16 * 1024));
    Ok((child, stderr))
}

/// What the child wrote on stderr (the tail), once it has exited.
pub(crate) fn stderr_text(stderr: Option<JoinHandle<String>>) -> String {
    stderr.and_then(|h| h.join().ok()).unwrap_or_default()
}

/// Runs a child whose stdout feeds `consume`; kills it when `consume` fails; maps a failed
/// exit to an error carrying the tail of its stderr.
pub(crate) fn run_producer<T>(
    mut command: Command,
    name: &str,
    consume: impl FnOnce(ChildStdout) -> std::io::Result<T>,
) -> Result<T, BackupError> {
    command.stdin(Stdio::null()).stdout(Stdio::piped());
    let (mut child, stderr) = spawn(command, name)?;
    let Some(stdout) = child.stdout.take() else {
        let _ = child.kill();
        return Err(tool_error(name, "no stdout".into()));
    };
    let consumed = consume(stdout);
    if consumed.is_err() {
        let _ = child.kill();
    }
    let status = child.wait().map_err(|e| tool_error(name, e.to_string()))?;
    let stderr = stderr_text(stderr);
    match consumed {
        Ok(value) if status.success() => Ok(value),
        Ok(_) => Err(tool_error(name, format!("{status}: {stderr}"))),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            Err(tool_error(name, format!("stopped: {e}")))
        }
        Err(e) if !status.success() && !stderr.is_empty() => {
            Err(tool_error(name, format!("{status}: {stderr} ({e})")))
        }
        Err(e) => Err(tool_error(name, e.to_string())),
    }
}
