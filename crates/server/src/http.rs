//! Accepting connections: HTTP/1.1 with a deadline for a request's headers, which also ends
//! idle keep-alive connections, so neither a slow sender nor an idle client holds a file
//! descriptor forever; accept errors (no file descriptors left) are logged, not hidden.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::{Body, Incoming};
use hyper::{Request, Response};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;
use tower::ServiceExt;

/// How long to wait before accepting again after the process ran out of file descriptors;
/// the kernel keeps the pending connections in the listen backlog meanwhile.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(50);
/// How often refused accepts are logged, at most.
const REFUSED_LOG_EVERY: Duration = Duration::from_secs(10);

/// How connections are accepted and ended.
#[derive(Debug, Clone, Copy)]
pub struct Accepting {
    /// The longest wait for a request's headers (and between keep-alive requests).
    pub header_timeout: Duration,
    /// How long open connections may finish once stopping.
    pub drain: Duration,
    /// Most connections open at once; more wait in the kernel's listen backlog. An
    /// upgraded connection (a WebSocket) no longer counts once upgraded.
    pub max_connections: Option<usize>,
}

/// Serves `router` on `listener` until `stopping` resolves, then lets open connections
/// finish for at most `accepting.drain`.
pub(crate) async fn serve(
    listener: TcpListener,
    router: Router,
    accepting: Accepting,
    stopping: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with(
        listener,
        move |peer: SocketAddr| {
            let router = router.clone();
            move |mut request: Request<Incoming>| {
                // The peer's address, for handlers that need it (loopback checks).
                request
                    .extensions_mut()
                    .insert(ConnectInfo::<SocketAddr>(peer));
                router.clone().oneshot(request.map(axum::body::Body::new))
            }
        },
        accepting,
        stopping,
    )
    .await
}

/// Serves HTTP/1.1 on `listener` until `stopping` resolves, then lets open connections
/// finish for at most `accepting.drain`. `connection` makes the handler of each accepted
/// connection, given its peer's address (so a handler may keep state per connection);
/// the handler answers that connection's requests, one at a time. Connections may be
/// upgraded (WebSockets); an upgraded connection is the handler's to end.
pub async fn serve_with<C, H, F, B>(
    listener: TcpListener,
    connection: C,
    accepting: Accepting,
    stopping: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()>
where
    C: Fn(SocketAddr) -> H,
    H: Fn(Request<Incoming>) -> F + Send + Sync + 'static,
    F: Future<Output = Result<Response<B>, Infallible>> + Send + 'static,
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(accepting.header_timeout)
        .keep_alive(true);
    let (stop_connections, stopped) = watch::channel(false);
    let mut connections = JoinSet::new();
    let mut refused = RefusedAccepts::default();
    let limit = accepting
        .max_connections
        .map(|most| Arc::new(Semaphore::new(most)));
    let mut full_since_log: Option<Instant> = None;
    tokio::pin!(stopping);
    loop {
        let permit = match &limit {
            Some(limit) => {
                if limit.available_permits() == 0
                    && full_since_log.is_none_or(|at| at.elapsed() >= REFUSED_LOG_EVERY)
                {
                    tracing::warn!(
                        most = accepting.max_connections,
                        "at the connection limit; new connections wait"
                    );
                    full_since_log = Some(Instant::now());
                }
                tokio::select! {
                    permit = limit.clone().acquire_owned() => permit.ok(),
                    () = &mut stopping => break,
                }
            }
            None => None,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    refused.record(&error);
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                    continue;
                }
            },
            () = &mut stopping => break,
        };
        // Finished connections leave their results here until collected.
        while connections.try_join_next().is_some() {}
        let _ = stream.set_nodelay(true);
        let service = hyper::service::service_fn(connection(peer));
        let connection = builder
            .serve_connection(TokioIo::new(stream), service)
            .with_upgrades();
        let mut stopped = stopped.clone();
        connections.spawn(async move {
            let _permit = permit;
            tokio::pin!(connection);
            let ended = tokio::select! {
                ended = connection.as_mut() => ended,
                // Sent once, when stopping.
                _ = stopped.changed() => {
                    // Finish the request in progress, then close.
                    connection.as_mut().graceful_shutdown();
                    connection.await
                }
            };
            if let Err(error) = ended {
                tracing::debug!(%error, %peer, "connection ended with an error");
            }
        });
    }
    drop(listener);
    let _ = stop_connections.send(true);
    let drained = tokio::time::timeout(accepting.drain, async {
        while connections.join_next().await.is_some() {}
    });
    if drained.await.is_err() {
        tracing::warn!(limit = ?accepting.drain, "connections still open after the shutdown timeout; closing them");
    }
    Ok(())
}

/// Counts failed accepts and logs them at most every [`REFUSED_LOG_EVERY`].
#[derive(Default)]
struct RefusedAccepts {
    since_log: u64,
    logged_at: Option<Instant>,
}

impl RefusedAccepts {
    fn record(&mut self, error: &std::io::Error) {
        self.since_log += 1;
        if self
            .logged_at
            .is_some_and(|at| at.elapsed() < REFUSED_LOG_EVERY)
        {
            return;
        }
        let hint = match error.raw_os_error() {
            Some(code) if code == nix::errno::Errno::EMFILE as i32 => {
                "; the process is out of file descriptors: raise its limit (LimitNOFILE; for `serve`, or lower serve.max_streams)"
            }
            Some(code) if code == nix::errno::Errno::ENFILE as i32 => {
                "; the host is out of file descriptors"
            }
            _ => "",
        };
        tracing::warn!(%error, refused = self.since_log, "cannot accept connections{hint}");
        self.since_log = 0;
        self.logged_at = Some(Instant::now());
    }
}
