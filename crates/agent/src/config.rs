use std::path::PathBuf;
use std::time::Duration;

use ripcord_core::UnreachablePolicy;
use serde::{Deserialize, Serialize};

/// How a client learns of changes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
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
    /// Folder of local halt markers, shared by every agent on the host.
    pub local_dir: PathBuf,
    /// Folder where the last known board is cached, so a restarted agent comes up halted.
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
    /// How long a starting agent waits for the server before deciding on what it has.
    #[serde(with = "humantime_serde")]
    pub connect_timeout: Duration,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            local_dir: default_local_dir(),
            cache_dir: default_cache_dir(),
            on_unreachable: UnreachablePolicy::Open,
            transport: Transport::Stream,
            poll_timeout: Duration::from_secs(25),
            poll_interval: Duration::ZERO,
            stream_idle_timeout: Duration::from_secs(45),
            backoff_max: Duration::from_secs(10),
            connect_timeout: Duration::from_secs(3),
        }
    }
}

/// `/run/ripcord` for root (tmpfs, root-only, gone at reboot like the processes it halts);
/// for anyone else `$TMPDIR/ripcord`, which every user of the host can see.
pub fn default_local_dir() -> PathBuf {
    if nix::unistd::geteuid().is_root() {
        PathBuf::from("/run/ripcord")
    } else {
        std::env::temp_dir().join("ripcord")
    }
}

/// `$XDG_CACHE_HOME/ripcord`, else `~/.cache/ripcord`, else `$TMPDIR/ripcord-cache`.
fn default_cache_dir() -> PathBuf {
    let xdg = std::env::var_os("XDG_CACHE_HOME").map(PathBuf::from);
    let home = || std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache"));
    xdg.or_else(home)
        .map(|base| base.join("ripcord"))
        .unwrap_or_else(|| std::env::temp_dir().join("ripcord-cache"))
}
