use std::path::PathBuf;
use std::time::Duration;

use ripcord_core::UnreachablePolicy;
use ripcord_core::auth::Secret;

use crate::local::{LocalError, MarkerFolder, WatchMode};
use crate::tree::TreeMode;
use serde::{Deserialize, Serialize};

/// Why the configured token cannot be used. An empty one is an error rather than "no
/// token": an empty `RIPCORD_TOKEN` would otherwise hide the token file silently.
#[derive(Debug, thiserror::Error)]
pub enum TokenSourceError {
    #[error("cannot read the token file {path} (client.token_file): {error}")]
    Unreadable {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("the token file {path} (client.token_file) is empty")]
    EmptyFile { path: PathBuf },
    #[error("the token given by --token, RIPCORD_TOKEN or client.token is empty")]
    Empty,
}

/// How a client learns of changes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Transport {
    /// Server-sent events: lowest latency; the connection stays open.
    #[default]
    Stream,
    /// Long-poll: one request at a time, for hosts billed while a connection is open
    /// (Cloud Run's request-based billing).
    Poll,
}

/// The `[client]` section of `ripcord.toml`: how agents and client libraries behave.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ClientConfig {
    /// Folder of local halt markers, one for the whole host: every agent on it, whichever
    /// user runs it, obeys the markers of root and of its own user there.
    pub local_dir: PathBuf,
    /// A group whose members may also write local markers: the folder is then
    /// `root:<group>` with mode 2775 (`ripcord halt --local` creates it so when run as root).
    pub local_group: Option<String>,
    /// How agents follow the marker folder: `auto` (inotify, or a check every second when
    /// the kernel refuses another watch) or `poll` (a check every second).
    pub local_watch: WatchMode,
    /// Folder where the last known board is cached, so a restarted agent comes up halted.
    /// Private to the user (0700); never a shared temporary folder.
    pub cache_dir: PathBuf,
    /// What to do while the server cannot be reached.
    pub on_unreachable: UnreachablePolicy,
    pub transport: Transport,
    /// How long one long-poll request waits for a change.
    #[serde(with = "humantime_serde")]
    pub poll_timeout: Duration,
    /// Pause between long-polls. Zero keeps a request open almost all the time (fastest);
    /// a pause longer than `poll_timeout` lets a request-billed server scale to zero
    /// between polls, at the price of up to this much extra halt latency.
    #[serde(with = "humantime_serde")]
    pub poll_interval: Duration,
    /// A stream silent for this long is treated as dead and reconnected; keep it a few
    /// times the server's `serve.keep_alive`.
    #[serde(with = "humantime_serde")]
    pub stream_idle_timeout: Duration,
    /// Longest wait between reconnection attempts (the backoff doubles up to this).
    #[serde(with = "humantime_serde")]
    pub backoff_max: Duration,
    /// The API token clients present (`RIPCORD_TOKEN` sets it too). Prefer `token_file`
    /// or the variable: a flag is visible to every user in `ps`.
    pub token: Option<Secret>,
    /// A file holding the token (its first line), read when `token` is not set.
    pub token_file: Option<PathBuf>,
    /// How long the CLI and reports wait for the server's answer to one request.
    #[serde(with = "humantime_serde")]
    pub request_timeout: Duration,
    /// How long a starting agent waits for the server before deciding on what it has.
    #[serde(with = "humantime_serde")]
    pub connect_timeout: Duration,
    /// How `ripcord agent` finds every process of its command: `auto` (a cgroup where the
    /// host allows one, else a walk of /proc), `cgroup` or `proc`.
    pub process_tree: TreeMode,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            local_dir: default_local_dir(),
            local_group: None,
            local_watch: WatchMode::Auto,
            cache_dir: default_cache_dir(),
            on_unreachable: UnreachablePolicy::Open,
            transport: Transport::Stream,
            poll_timeout: Duration::from_secs(25),
            poll_interval: Duration::ZERO,
            stream_idle_timeout: Duration::from_secs(45),
            backoff_max: Duration::from_secs(10),
            token: None,
            token_file: None,
            request_timeout: Duration::from_secs(10),
            connect_timeout: Duration::from_secs(3),
            process_tree: TreeMode::Auto,
        }
    }
}

impl ClientConfig {
    /// The token to present: `token`, else the first line of `token_file`.
    pub fn resolve_token(&self) -> Result<Option<Secret>, TokenSourceError> {
        if let Some(token) = &self.token {
            let trimmed = token.expose().trim();
            if trimmed.is_empty() {
                return Err(TokenSourceError::Empty);
            }
            return Ok(Some(Secret::new(trimmed)));
        }
        let Some(path) = &self.token_file else {
            return Ok(None);
        };
        let text = std::fs::read_to_string(path).map_err(|error| TokenSourceError::Unreadable {
            path: path.clone(),
            error,
        })?;
        text.lines()
            .next()
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .map(|line| Some(Secret::new(line)))
            .ok_or_else(|| TokenSourceError::EmptyFile { path: path.clone() })
    }

    /// The host's marker folder with the configured group.
    pub fn marker_folder(&self) -> Result<MarkerFolder, LocalError> {
        MarkerFolder::new(&self.local_dir, self.local_group.as_deref())
    }
}

/// `/run/ripcord`, for every user: one folder per host, so `sudo ripcord halt --local`
/// reaches every user's agents. It lives on tmpfs and is gone at a reboot; a systemd
/// `tmpfiles.d` line recreates it with its group (docs/killswitch.md).
pub fn default_local_dir() -> PathBuf {
    PathBuf::from("/run/ripcord")
}

/// `/var/cache/ripcord` for root; otherwise `$XDG_CACHE_HOME/ripcord`, else
/// `~/.cache/ripcord`, with the home folder from `HOME` or the user database. Never a
/// shared temporary folder, where another user could plant a board that releases a halt.
fn default_cache_dir() -> PathBuf {
    if nix::unistd::Uid::effective().is_root() {
        return PathBuf::from("/var/cache/ripcord");
    }
    // A user with no home folder at all: the cache is then off (see `Switch::start`).
    dirs::cache_dir()
        .map(|base| base.join("ripcord"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(token: Option<&str>, file: Option<PathBuf>) -> ClientConfig {
        ClientConfig {
            token: token.map(Secret::new),
            token_file: file,
            ..ClientConfig::default()
        }
    }

    #[test]
    fn a_token_comes_trimmed_and_an_empty_one_is_an_error_not_none() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("token");
        std::fs::write(&file, "rpc_from_file\n").expect("write");
        let resolved = |config: ClientConfig| {
            config
                .resolve_token()
                .map(|token| token.map(|token| token.expose().to_owned()))
        };
        assert_eq!(
            resolved(with(Some("rpc_flag\n"), Some(file.clone()))).expect("token"),
            Some("rpc_flag".into())
        );
        assert_eq!(
            resolved(with(None, Some(file.clone()))).expect("file"),
            Some("rpc_from_file".into())
        );
        assert_eq!(resolved(with(None, None)).expect("none"), None);
        assert!(matches!(
            resolved(with(Some(" "), Some(file.clone()))),
            Err(TokenSourceError::Empty)
        ));
        std::fs::write(&file, "\n").expect("write");
        assert!(matches!(
            resolved(with(None, Some(file.clone()))),
            Err(TokenSourceError::EmptyFile { .. })
        ));
        let missing = resolved(with(None, Some(dir.path().join("missing"))))
            .expect_err("missing")
            .to_string();
        assert_eq!(missing.matches("os error").count(), 1, "{missing}");
    }
}
