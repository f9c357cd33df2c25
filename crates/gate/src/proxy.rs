//! The proxy: one decision per request, then the request and its answer stream through.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use hyper::body::Incoming;
use hyper::{Request, Response};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use ripcord_agent::Switch;
use ripcord_core::UnreachablePolicy;
use ripcord_core::text::error_chain;
use ripcord_server::http::Accepting;
use tokio::net::TcpListener;

use crate::body::{GateBody, cut_on_halt, pass};
use crate::config::{GateConfig, Upstream};
use crate::freshness::Freshness;
use crate::headers;
use crate::refusal::{Refusals, Refused};
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
    client: Client<HttpConnector, GateBody>,
    health_paths: Vec<String>,
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
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        connector.set_connect_timeout(Some(config.upstream_connect_timeout));
        let client = Client::builder(TokioExecutor::new()).build(connector);
        Gate {
            inner: Arc::new(Inner {
                freshness: follows_server
                    .then(|| Freshness::new(config.max_staleness, config.refresh_timeout)),
                health_paths: config.health_paths.clone(),
                refusals: Refusals::new(config.scope.clone(), config.retry_after),
                switch,
                upstream,
                client,
                policy,
                config,
            }),
        }
    }

    /// Answers one request: the health paths always pass; anything else passes only
    /// while the scope runs.
    pub async fn handle(&self, request: Request<Incoming>, peer: SocketAddr) -> Response<GateBody> {
        let inner = &self.inner;
        let health = inner
            .health_paths
            .iter()
            .any(|path| path == request.uri().path());
        if !health && let Some(refused) = inner.refusal().await {
            return inner.refusals.answer(refused, request.headers());
        }
        inner.forward(request, peer, !health).await
    }
}

impl Inner {
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

    /// Sends the request to the upstream and streams its answer back. `cut` ends both
    /// bodies when a halt arrives while they flow.
    async fn forward(
        &self,
        request: Request<Incoming>,
        peer: SocketAddr,
        cut: bool,
    ) -> Response<GateBody> {
        let upgrade = headers::requested_upgrade(request.headers());
        if upgrade.is_some() {
            return upgrade::forward(self, request, peer).await;
        }
        let (mut parts, body) = request.into_parts();
        let asked = parts.headers.clone();
        headers::strip_hop_by_hop(&mut parts.headers, None);
        headers::add_forwarded(&mut parts.headers, peer);
        let mut upstream_request = Request::new(if cut {
            cut_on_halt(body, &self.switch)
        } else {
            pass(body)
        });
        *upstream_request.method_mut() = parts.method;
        *upstream_request.uri_mut() = self.upstream.uri(parts.uri.path_and_query());
        *upstream_request.headers_mut() = parts.headers;
        match self.client.request(upstream_request).await {
            Ok(response) => {
                let (mut parts, body) = response.into_parts();
                headers::strip_hop_by_hop(&mut parts.headers, None);
                let body = if cut {
                    cut_on_halt(body, &self.switch)
                } else {
                    pass(body)
                };
                Response::from_parts(parts, body)
            }
            Err(error) => {
                tracing::warn!(upstream = %self.upstream, error = %error_chain(&error), "the upstream did not answer");
                self.refusals.answer(Refused::BadGateway, &asked)
            }
        }
    }
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
    };
    ripcord_server::http::serve_with(
        listener,
        move |request, peer| {
            let gate = gate.clone();
            async move { Ok::<_, Infallible>(gate.handle(request, peer).await) }
        },
        accepting,
        stopping,
    )
    .await
}
