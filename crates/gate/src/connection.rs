//! Connections to the app. Each client connection gets one of its own, opened on its first
//! request and reused for the next, so the app sees as many connections as it would
//! without the gate (a shared pool grows past that under load, and a thread-per-connection
//! app pays for each) and no lock is shared between clients. An upgrade gets a fresh one.

use std::time::Duration;

use hyper::body::Incoming;
use hyper::client::conn::http1::SendRequest;
use hyper::{Request, Response, Uri};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

use crate::body::GateBody;
use crate::config::Upstream;

/// Why the app could not be asked.
#[derive(Debug, thiserror::Error)]
pub(crate) enum UpstreamFailure {
    #[error("cannot connect to the upstream")]
    Connect(#[source] std::io::Error),
    #[error("cannot connect to the upstream within {0:?} (gate.upstream_connect_timeout)")]
    ConnectTimeout(Duration),
    #[error("the upstream refused the HTTP handshake")]
    Handshake(#[source] hyper::Error),
    #[error("the upstream did not answer")]
    Request(#[source] hyper::Error),
}

/// Opens a connection to the app; `upgrades` keeps it usable after `101`.
pub(crate) async fn connect(
    upstream: &Upstream,
    timeout: Duration,
    upgrades: bool,
) -> Result<SendRequest<GateBody>, UpstreamFailure> {
    let address = (upstream.host(), upstream.port());
    let stream = tokio::time::timeout(timeout, TcpStream::connect(address))
        .await
        .map_err(|_| UpstreamFailure::ConnectTimeout(timeout))?
        .map_err(UpstreamFailure::Connect)?;
    let _ = stream.set_nodelay(true);
    let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(UpstreamFailure::Handshake)?;
    tokio::spawn(async move {
        let ended = if upgrades {
            connection.with_upgrades().await
        } else {
            connection.await
        };
        if let Err(error) = ended {
            tracing::debug!(%error, "a connection to the upstream ended with an error");
        }
    });
    Ok(sender)
}

/// The app's connection of one client connection.
#[derive(Default)]
pub(crate) struct Affine {
    /// Requests on a client connection come one at a time, so this lock is never
    /// contended; it only lets the handler keep the connection between requests.
    sender: tokio::sync::Mutex<Option<SendRequest<GateBody>>>,
}

impl Affine {
    /// Sends `request` on this client's connection to the app, opening one when there is
    /// none or the app closed it (an idle timeout). A request the closing connection
    /// never sent is sent once more on a new one.
    pub(crate) async fn send(
        &self,
        upstream: &Upstream,
        timeout: Duration,
        request: Request<GateBody>,
    ) -> Result<Response<Incoming>, UpstreamFailure> {
        let mut slot = self.sender.lock().await;
        let kept = match slot.take() {
            Some(mut sender) => sender.ready().await.is_ok().then_some(sender),
            None => None,
        };
        let fresh = kept.is_none();
        let mut sender = match kept {
            Some(sender) => sender,
            None => connect(upstream, timeout, false).await?,
        };
        let answered = match sender.try_send_request(request).await {
            Err(mut failed) if !fresh => match failed.take_message() {
                Some(unsent) => {
                    sender = connect(upstream, timeout, false).await?;
                    sender.send_request(unsent).await
                }
                None => Err(failed.into_error()),
            },
            answered => answered.map_err(|failed| failed.into_error()),
        };
        if answered.is_ok() {
            *slot = Some(sender);
        }
        answered.map_err(UpstreamFailure::Request)
    }
}

/// The request target as a server expects it from a client: the path and query.
pub(crate) fn origin_form(uri: &Uri) -> Uri {
    uri.path_and_query()
        .map_or_else(|| Uri::from_static("/"), |path| Uri::from(path.clone()))
}
