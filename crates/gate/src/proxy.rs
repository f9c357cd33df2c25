//! The proxy: one decision per request, then the request and its answer stream through.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use hyper::body::Incoming;
use hyper::header::HeaderValue;
use hyper::{HeaderMap, Method, Request, Response, StatusCode};
use ripcord_agent::Switch;
use ripcord_core::UnreachablePolicy;
use ripcord_core::text::error_chain;
use ripcord_server::http::Accepting;
use tokio::net::TcpListener;

use crate::body::{GateBody, IdleBody, cut_on_halt, pass};
use crate::config::{GateConfig, Upstream};
use crate::connection::{Affine, origin_form};
use crate::freshness::Freshness;
use crate::headers;
use crate::refusal::{self, Refusals, Refused};
use crate::upgrade;

/// A gate in front of one upstream; cheap to clone.
#[derive(Clone)]
pub struct Gate {
    inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) switch: Switch,
    pub(crate) upstream: Upstream,
    pub(crate) config: GateConfig,
    health_paths: Vec<String>,
    /// This gate's name in `Via`, unique to the process, to recognise its own requests.
    via: String,
    /// `None` without a server: local markers alone decide.
    freshness: Option<Freshness>,
    policy: UnreachablePolicy,
    pub(crate) refusals: Refusals,
}

impl Gate {
    /// A gate for `upstream` that obeys `switch`. `follows_server` says whether the switch
    /// has a server to confirm its view with; `policy` decides when it cannot.
    pub fn new(
        config: GateConfig,
        upstream: Upstream,
        switch: Switch,
        follows_server: bool,
        policy: UnreachablePolicy,
    ) -> Self {
        Gate {
            inner: Arc::new(Inner {
                freshness: follows_server
                    .then(|| Freshness::new(config.max_staleness, config.refresh_timeout)),
                health_paths: config.health_paths.clone(),
                via: format!("ripcord-gate-{:016x}", {
                    use std::hash::{BuildHasher, Hasher};
                    // std's randomly keyed hasher: a random number with no dependency.
                    std::collections::hash_map::RandomState::new()
                        .build_hasher()
                        .finish()
                }),
                refusals: Refusals::new(config.scope.clone(), config.retry_after),
                switch,
                upstream,
                policy,
                config,
            }),
        }
    }

    /// Answers one request: a probe of a health path always passes; anything else
    /// passes only while the scope runs.
    async fn handle(
        &self,
        request: Request<Incoming>,
        peer: SocketAddr,
        connection: &Affine,
    ) -> Response<GateBody> {
        let inner = &self.inner;
        if headers::came_through(request.headers(), &inner.via) {
            tracing::warn!(upstream = %inner.upstream, "a request came back to the gate: its upstream leads to itself");
            return inner.refusals.answer(Refused::Loop, request.headers());
        }
        let probe = inner.is_probe(&request);
        if !probe && let Some(refused) = inner.refusal().await {
            return inner.refusals.answer(refused, request.headers());
        }
        if headers::requested_upgrade(request.headers()).is_some() {
            return upgrade::forward(inner, request, peer).await;
        }
        inner.forward(request, peer, connection, !probe).await
    }
}

impl Inner {
    /// A platform's probe: `GET` or `HEAD` of a health path, not an upgrade. Only these
    /// pass while halted; anything else on those paths is a request like any other.
    fn is_probe(&self, request: &Request<Incoming>) -> bool {
        matches!(*request.method(), Method::GET | Method::HEAD)
            && headers::requested_upgrade(request.headers()).is_none()
            && self
                .health_paths
                .iter()
                .any(|path| path == request.uri().path())
    }

    /// Why this request may not pass, if it may not.
    async fn refusal(&self) -> Option<Refused> {
        if let Some(freshness) = &self.freshness
            && freshness.ensure(&self.switch).await.is_err()
            && self.policy == UnreachablePolicy::Closed
        {
            return Some(Refused::Unconfirmed);
        }
        self.switch.is_halted().then_some(Refused::Halted)
    }

    /// The headers a request takes to the upstream: hop-by-hop fields out (but the
    /// upgrade asked for), `X-Forwarded-*` and this gate's `Via` in.
    pub(crate) fn prepare(
        &self,
        fields: &mut HeaderMap,
        peer: SocketAddr,
        upgrade: Option<HeaderValue>,
    ) {
        headers::strip_hop_by_hop(fields, upgrade);
        headers::add_forwarded(fields, peer);
        headers::add_via(fields, &self.via);
    }

    /// Waits for the upstream to start its answer: at most `gate.upstream_timeout`, and,
    /// when `cut`, only while the scope runs, so a halt does not wait for a slow app.
    pub(crate) async fn answer<E: std::error::Error + 'static>(
        &self,
        answered: impl Future<Output = Result<Response<Incoming>, E>>,
        cut: bool,
    ) -> Result<Response<Incoming>, Refused> {
        let halted = async {
            if cut {
                self.switch.halted().await;
            } else {
                std::future::pending::<()>().await;
            }
        };
        let answered = tokio::select! {
            biased;
            () = halted => return Err(Refused::Halted),
            answered = tokio::time::timeout(self.config.upstream_timeout, answered) => answered,
        };
        match answered {
            Err(_) => {
                tracing::warn!(upstream = %self.upstream, limit = ?self.config.upstream_timeout, "the upstream did not answer in time (gate.upstream_timeout)");
                Err(Refused::GatewayTimeout)
            }
            // The client's fault, not the app's.
            Ok(Err(error)) if caused_by::<IdleBody>(&error) => Err(Refused::RequestTimeout),
            Ok(Err(error)) => {
                tracing::warn!(upstream = %self.upstream, error = %error_chain(&error), "the upstream did not answer");
                Err(Refused::BadGateway)
            }
            // An answer that came with the halt is not sent.
            Ok(Ok(_)) if cut && self.switch.is_halted() => Err(Refused::Halted),
            Ok(Ok(response)) => Ok(response),
        }
    }

    /// The body of an exchange: cut by a halt, or passed as it is.
    pub(crate) fn body<B>(&self, body: B, cut: bool) -> GateBody
    where
        B: hyper::body::Body<Data = bytes::Bytes> + Send + 'static,
        B::Error: Into<crate::body::BoxError>,
    {
        if cut {
            cut_on_halt(body, &self.switch)
        } else {
            pass(body)
        }
    }

    /// Sends the request to the upstream and streams its answer back. `cut` ends both
    /// bodies when a halt arrives while they flow.
    async fn forward(
        &self,
        request: Request<Incoming>,
        peer: SocketAddr,
        connection: &Affine,
        cut: bool,
    ) -> Response<GateBody> {
        let (mut parts, body) = request.into_parts();
        let asked = refusal::negotiation(&parts.headers);
        self.prepare(&mut parts.headers, peer, None);
        let body = crate::body::idle_limit(body, self.config.body_timeout);
        let mut upstream_request = Request::new(self.body(body, cut));
        *upstream_request.method_mut() = parts.method;
        *upstream_request.uri_mut() = origin_form(&parts.uri);
        *upstream_request.headers_mut() = parts.headers;
        let timeout = self.config.upstream_connect_timeout;
        let sent = connection.send(&self.upstream, timeout, upstream_request);
        let response = match self.answer(sent, cut).await {
            Ok(response) => response,
            Err(refused) => return self.refusals.answer(refused, &asked),
        };
        if response.status() == StatusCode::SWITCHING_PROTOCOLS {
            tracing::warn!(upstream = %self.upstream, "the upstream switched protocols unasked");
            return self.refusals.answer(Refused::BadGateway, &asked);
        }
        let (mut parts, body) = response.into_parts();
        headers::strip_hop_by_hop(&mut parts.headers, None);
        Response::from_parts(parts, self.body(body, cut))
    }
}

/// Whether `error`, or any of its causes, is a `T`.
fn caused_by<T: std::error::Error + 'static>(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut next = Some(error);
    while let Some(error) = next {
        if error.is::<T>() {
            return true;
        }
        next = error.source();
    }
    false
}

/// Serves `gate` on `listener` until `stopping` resolves, then lets requests in flight
/// finish for at most `gate.drain`.
pub async fn run(
    listener: TcpListener,
    gate: Gate,
    stopping: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let accepting = Accepting {
        header_timeout: gate.inner.config.header_timeout,
        drain: gate.inner.config.drain,
        max_connections: Some(gate.inner.config.max_connections),
    };
    ripcord_server::http::serve_with(
        listener,
        move |peer| {
            let gate = gate.clone();
            let connection = Arc::new(Affine::default());
            move |request| {
                let (gate, connection) = (gate.clone(), connection.clone());
                async move { Ok::<_, Infallible>(gate.handle(request, peer, &connection).await) }
            }
        },
        accepting,
        stopping,
    )
    .await
}
