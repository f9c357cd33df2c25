//! A private `redis-server` on a free port of 127.0.0.1, with a password, nothing saved to
//! disk; stopped on drop. It can be stopped and started again on the same port, as an
//! outage and a recovery look to its clients.

use std::process::Command;

use crate::TestkitError;
use crate::process::{Service, spawn_ready};

/// The line `redis-server` prints once it accepts connections.
const READY: &str = "Ready to accept connections";

/// A running (or, between [`Redis::stop`] and [`Redis::start_again`], stopped) server.
#[derive(Debug)]
pub struct Redis {
    port: u16,
    password: String,
    service: Option<Service>,
}

impl Redis {
    pub fn start() -> Result<Self, TestkitError> {
        use std::hash::BuildHasher;
        // Randomly seeded: other local users cannot guess it.
        let password = format!(
            "pw{:016x}",
            std::collections::hash_map::RandomState::new().hash_one(std::process::id())
        );
        let mut last = None;
        for _ in 0..5 {
            let port = crate::free_port()?;
            let mut redis = Redis {
                port,
                password: password.clone(),
                service: None,
            };
            match redis.start_again() {
                Ok(()) => return Ok(redis),
                Err(error) => last = Some(error),
            }
        }
        Err(last.unwrap_or_else(|| TestkitError::NotReady {
            what: "redis-server".into(),
            log: String::new(),
        }))
    }

    /// A URL with the password, for clients.
    pub fn url(&self) -> String {
        format!("redis://:{}@127.0.0.1:{}/", self.password, self.port)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Kills the server (SIGKILL: an outage, not a shutdown); its port stays reserved for
    /// [`Redis::start_again`].
    pub fn stop(&mut self) {
        self.service = None;
    }

    /// Starts the server on its port again.
    pub fn start_again(&mut self) -> Result<(), TestkitError> {
        let binary = crate::which("redis-server").ok_or_else(|| TestkitError::NotInstalled {
            what: "redis-server".into(),
            hint: "install Debian's `redis-server` package (scripts/install-test-deps)".into(),
        })?;
        let mut command = Command::new(binary);
        command
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1"])
            .args(["--requirepass", &self.password])
            .args([
                "--save",
                "",
                "--appendonly",
                "no",
                "--protected-mode",
                "yes",
            ]);
        self.service = Some(spawn_ready("redis-server", command, READY)?);
        Ok(())
    }
}
