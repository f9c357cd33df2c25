use std::net::SocketAddr;
use std::time::Duration;

use hyper::Uri;
use ripcord_core::Scope;
use serde::{Deserialize, Serialize};

/// The `[gate]` section of `ripcord.toml`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GateConfig {
    /// Address to listen on (Cloud Run's `PORT` sets `0.0.0.0:$PORT`).
    pub listen: SocketAddr,
    /// The app behind the gate, `http://host:port`.
    pub upstream: Option<String>,
    /// The scope the app belongs to; a halt of it or of `global` closes the gate.
    pub scope: Scope,
    /// Paths that pass while halted, so the platform's probes do not restart the app.
    pub health_paths: Vec<String>,
    /// When the server last confirmed the board longer ago than this, a request first
    /// reads the board (`GET /v1/switches`) before it is forwarded.
    #[serde(with = "humantime_serde")]
    pub max_staleness: Duration,
    /// How long that read may take before the failure policy decides.
    #[serde(with = "humantime_serde")]
    pub refresh_timeout: Duration,
    /// What `Retry-After` tells clients while halted.
    #[serde(with = "humantime_serde")]
    pub retry_after: Duration,
    /// How long to wait for a connection to the upstream before answering 502.
    #[serde(with = "humantime_serde")]
    pub upstream_connect_timeout: Duration,
    /// How long the upstream may take to start its answer (its headers) before the gate
    /// answers 504; a body may then stream for as long as it flows.
    #[serde(with = "humantime_serde")]
    pub upstream_timeout: Duration,
    /// The longest wait for a request's headers (and between keep-alive requests).
    #[serde(with = "humantime_serde")]
    pub header_timeout: Duration,
    /// The longest a client may pause while sending a request's body, so a client that
    /// dribbles a body does not hold a connection to the app forever.
    #[serde(with = "humantime_serde")]
    pub body_timeout: Duration,
    /// Most client connections open at once; more wait in the listen backlog.
    pub max_connections: usize,
    /// How long requests in flight may finish after SIGTERM (Cloud Run kills a container
    /// 10 s after it; the gate also spends up to 2 s on its last report).
    #[serde(with = "humantime_serde")]
    pub drain: Duration,
}

impl Default for GateConfig {
    fn default() -> Self {
        GateConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 7080)),
            upstream: None,
            scope: "api".parse().unwrap_or_else(|_| Scope::global()),
            health_paths: vec!["/healthz".into(), "/readyz".into()],
            max_staleness: Duration::from_secs(2),
            refresh_timeout: Duration::from_secs(1),
            retry_after: Duration::from_secs(30),
            upstream_connect_timeout: Duration::from_secs(5),
            upstream_timeout: Duration::from_secs(60),
            header_timeout: Duration::from_secs(30),
            body_timeout: Duration::from_secs(30),
            max_connections: 1024,
            drain: Duration::from_secs(7),
        }
    }
}

/// A setting of `[gate]` that cannot work.
#[derive(Debug, thiserror::Error)]
pub enum GateConfigError {
    #[error("gate.{field} must be longer than zero")]
    ZeroDuration { field: &'static str },
    #[error("the health path `{path}` (gate.health_paths) must start with `/`")]
    HealthPath { path: String },
    #[error("gate.max_connections must be at least 1")]
    NoConnections,
}

impl GateConfig {
    /// Refuses settings that would make every request fail or hang.
    pub fn validate(&self) -> Result<(), GateConfigError> {
        for (field, value) in [
            ("refresh_timeout", self.refresh_timeout),
            ("retry_after", self.retry_after),
            ("upstream_connect_timeout", self.upstream_connect_timeout),
            ("upstream_timeout", self.upstream_timeout),
            ("header_timeout", self.header_timeout),
            ("body_timeout", self.body_timeout),
        ] {
            if value.is_zero() {
                return Err(GateConfigError::ZeroDuration { field });
            }
        }
        if let Some(path) = self.health_paths.iter().find(|path| !path.starts_with('/')) {
            return Err(GateConfigError::HealthPath { path: path.clone() });
        }
        if self.max_connections == 0 {
            return Err(GateConfigError::NoConnections);
        }
        Ok(())
    }
}

/// Why an upstream URL cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum UpstreamError {
    #[error("the upstream `{url}` is not a URL: {reason}")]
    NotAUrl { url: String, reason: String },
    #[error(
        "the upstream `{url}` must be plain http (the app beside the gate); put TLS in front of the gate"
    )]
    NotHttp { url: String },
    #[error("the upstream `{url}` has no host")]
    NoHost { url: String },
    #[error(
        "the upstream `{url}` has a path or query; give only http://host:port (requests keep their own path)"
    )]
    HasPath { url: String },
    #[error(
        "the upstream URL has a user or password: they would show in logs and `ripcord status`; the gate passes each request's own credentials"
    )]
    HasCredentials,
    #[error("the upstream `{url}` has a port that is not a port number (1 to 65535)")]
    BadPort { url: String },
    #[error("the upstream {upstream} is the gate's own address: every request would loop")]
    Itself { upstream: String },
}

/// Where requests go: scheme and authority only; each request keeps its path and query.
#[derive(Debug, Clone)]
pub struct Upstream {
    authority: hyper::http::uri::Authority,
    host: String,
    port: u16,
}

impl Upstream {
    pub fn parse(url: &str) -> Result<Self, UpstreamError> {
        // Checked before anything that would echo the URL back.
        let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
        let authority = after_scheme
            .split(['/', '?', '#'])
            .next()
            .unwrap_or_default();
        if authority.contains('@') {
            return Err(UpstreamError::HasCredentials);
        }
        let uri: Uri =
            url.parse().map_err(
                |error: hyper::http::uri::InvalidUri| UpstreamError::NotAUrl {
                    url: url.into(),
                    reason: error.to_string(),
                },
            )?;
        if uri.scheme_str() != Some("http") {
            return Err(UpstreamError::NotHttp { url: url.into() });
        }
        let authority = uri
            .authority()
            .filter(|authority| !authority.host().is_empty())
            .cloned()
            .ok_or_else(|| UpstreamError::NoHost { url: url.into() })?;
        let path = uri.path_and_query().map_or("/", |path| path.as_str());
        if path != "/" {
            return Err(UpstreamError::HasPath { url: url.into() });
        }
        // `Authority::port` hides a port out of range (`:99999`) as no port at all.
        let port_text = authority
            .as_str()
            .rsplit_once(':')
            .map(|(_, port)| port)
            .filter(|port| !port.contains(']'));
        let port = match port_text {
            None => 80,
            Some(port) => port
                .parse::<u16>()
                .ok()
                .filter(|port| *port != 0)
                .ok_or_else(|| UpstreamError::BadPort { url: url.into() })?,
        };
        Ok(Upstream {
            host: authority
                .host()
                .trim_start_matches('[')
                .trim_end_matches(']')
                .to_owned(),
            port,
            authority,
        })
    }

    /// Refuses an upstream that is the gate's own listening address (or, for a gate on
    /// every interface, a loopback address on its port).
    pub fn check_not(&self, listen: SocketAddr) -> Result<(), UpstreamError> {
        let Ok(ip) = self.host.parse::<std::net::IpAddr>() else {
            return Ok(());
        };
        let same_host = ip == listen.ip() || (listen.ip().is_unspecified() && ip.is_loopback());
        if same_host && self.port == listen.port() {
            return Err(UpstreamError::Itself {
                upstream: self.to_string(),
            });
        }
        Ok(())
    }

    pub(crate) fn host(&self) -> &str {
        &self.host
    }

    pub(crate) fn port(&self) -> u16 {
        self.port
    }
}

impl std::fmt::Display for Upstream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "http://{}", self.authority)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_upstream_is_plain_http_with_a_host_and_no_path() {
        let upstream = Upstream::parse("http://127.0.0.1:8000").expect("valid");
        assert_eq!((upstream.host(), upstream.port()), ("127.0.0.1", 8000));
        assert_eq!(Upstream::parse("http://[::1]/").expect("v6").host(), "::1");
        assert_eq!(Upstream::parse("http://app").expect("name").port(), 80);
        for (url, expected) in [
            ("https://app:8443", "plain http"),
            ("http://app:8000/api", "has a path"),
            ("http://app:8000/?x=1", "has a path"),
            ("app:8000", "plain http"),
            ("http://", "not a URL"),
            ("http://user:secret@app:8000", "user or password"),
            ("http://app:99999", "not a port number"),
            ("http://app:0", "not a port number"),
        ] {
            let error = Upstream::parse(url).expect_err(url).to_string();
            assert!(error.contains(expected), "{url}: {error}");
            assert!(!error.contains("secret"), "{error}");
        }
    }

    #[test]
    fn an_upstream_that_is_the_gate_itself_is_refused() {
        let upstream = Upstream::parse("http://127.0.0.1:7080").expect("valid");
        let listen = |addr: &str| addr.parse().expect("addr");
        assert!(upstream.check_not(listen("127.0.0.1:7080")).is_err());
        assert!(upstream.check_not(listen("0.0.0.0:7080")).is_err());
        assert!(upstream.check_not(listen("127.0.0.1:7081")).is_ok());
    }

    #[test]
    fn settings_that_cannot_work_are_refused_by_name() {
        let zero = GateConfig {
            refresh_timeout: Duration::ZERO,
            ..GateConfig::default()
        };
        let error = zero.validate().expect_err("zero").to_string();
        assert!(error.contains("gate.refresh_timeout"), "{error}");
        let relative = GateConfig {
            health_paths: vec!["healthz".into()],
            ..GateConfig::default()
        };
        assert!(relative.validate().is_err());
        assert!(GateConfig::default().validate().is_ok());
    }
}
