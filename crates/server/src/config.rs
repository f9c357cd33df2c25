use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use ripcord_core::Scope;

use ripcord_core::auth::Secret;

use crate::auth::RateLimits;
use serde::{Deserialize, Serialize};

/// The `[serve]` section of `ripcord.toml`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    /// Address to listen on. Cloud Run sets `PORT`; `ripcord serve` honours it.
    pub listen: SocketAddr,
    /// Folder for the embedded SQLite state database, used when `database_url` is not set.
    pub data_dir: PathBuf,
    /// A PostgreSQL URL for the state (`RIPCORD_DATABASE_URL`), so it outlives the host:
    /// needed on Cloud Run, whose instances and their disks come and go. TLS as its
    /// `sslmode` and `sslrootcert` say (`require` for a remote host that names none).
    pub database_url: Option<Secret>,
    /// A Redis URL (`RIPCORD_REDIS_URL`) through which replicas on one database announce
    /// changes to each other at once; without it (or while Redis is down) they still
    /// converge, by reading the database every `keep_alive`.
    pub redis_url: Option<Secret>,
    /// Scopes besides `global` that can be halted on their own.
    pub scopes: Vec<Scope>,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Longest a long-poll request is held open before answering with the unchanged board.
    #[serde(with = "humantime_serde")]
    pub long_poll_max: Duration,
    /// Interval of keep-alive comments on the event stream, so proxies keep it open.
    #[serde(with = "humantime_serde")]
    pub keep_alive: Duration,
    /// How long a graceful shutdown waits for open connections before closing them (a
    /// client that stopped reading its stream would otherwise hold shutdown forever).
    #[serde(with = "humantime_serde")]
    pub shutdown_timeout: Duration,
    /// Most event streams and long-polls open at once; beyond it they get 503, so file
    /// descriptors stay free for halts. Default: the open-file limit minus a reserve.
    pub max_streams: Option<usize>,
    /// How long agents that reported an exit stay listed (cron runs add one each).
    #[serde(with = "humantime_serde")]
    pub agent_retention: Duration,
    /// How long a client has to send a request's headers, and how long an idle
    /// keep-alive connection is kept.
    #[serde(with = "humantime_serde")]
    pub header_timeout: Duration,
    /// Answer every request without a token while none exists, whatever its origin
    /// (`--insecure-no-auth`). Announced in the log, in `/readyz` and by `status`.
    pub insecure_no_auth: bool,
    /// Per-token request limits.
    pub rate_limits: RateLimits,
    /// A key for the logs' hash chains (HMAC-SHA-256), so that someone who can write the
    /// database but does not hold the key cannot rebuild the chain after an edit. Set it
    /// before the first start; without it the chain is plain SHA-256.
    pub audit_key: Option<Secret>,
    /// What this control plane serves (`staging`, `production`…), in `GET /v1/switches`:
    /// `ripcord drill --env NAME` runs only against the environment it names, and never
    /// against `production` unless forced.
    pub environment: Option<String>,
    /// Running on Cloud Run (`K_SERVICE` is set): never without tokens.
    #[serde(skip)]
    pub cloud_run: bool,
    /// Where halts, resumes and drill results are announced: the top-level `[notify]`
    /// section, which backups share, set here by the binary.
    #[serde(skip)]
    pub notify: ripcord_notifier::NotifyConfig,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 7070)),
            data_dir: default_data_dir(),
            database_url: None,
            redis_url: None,
            scopes: ["api", "worker", "cron"]
                .into_iter()
                .filter_map(|name| name.parse().ok())
                .collect(),
            max_body_bytes: 16 * 1024,
            long_poll_max: Duration::from_secs(30),
            keep_alive: Duration::from_secs(15),
            shutdown_timeout: Duration::from_secs(10),
            max_streams: None,
            agent_retention: Duration::from_secs(7 * 24 * 3600),
            header_timeout: Duration::from_secs(10),
            insecure_no_auth: false,
            rate_limits: RateLimits::default(),
            audit_key: None,
            environment: None,
            cloud_run: false,
            notify: ripcord_notifier::NotifyConfig::default(),
        }
    }
}

/// `/var/lib/ripcord` for root (a systemd service has no `HOME`); otherwise
impl ServerConfig {
    /// The chain key's bytes, when one is set.
    pub fn audit_key(&self) -> Option<&[u8]> {
        self.audit_key.as_ref().map(|key| key.expose().as_bytes())
    }
}

/// `$XDG_DATA_HOME/ripcord`, else `~/.local/share/ripcord` with the home folder from `HOME`
/// or the user database, else `./ripcord-data`.
fn default_data_dir() -> PathBuf {
    if nix::unistd::Uid::effective().is_root() {
        return PathBuf::from("/var/lib/ripcord");
    }
    dirs::data_dir()
        .map(|base| base.join("ripcord"))
        .unwrap_or_else(|| PathBuf::from("ripcord-data"))
}
