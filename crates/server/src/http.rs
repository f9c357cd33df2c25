//! Accepting connections: HTTP/1.1 with a deadline for a request's headers, which also ends
//! idle keep-alive connections, so neither a slow sender nor an idle client holds a file
//! descriptor forever; accept errors (no file descriptors left) are logged, not hidden.

use std::future::Future;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tower::ServiceExt;

/// How long to wait before accepting again after the process ran out of file descriptors;
/// the kernel keeps the pending connections in the listen backlog meanwhile.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(50);
/// How often refused accepts are logged, at most.
const REFUSED_LOG_EVERY: Duration = Duration::from_secs(10);

/// Serves `router` on `listener` until `stopping` resolves, then lets open connections
/// finish for at most `drain`.
pub(crate) async fn serve(
    listener: TcpListener,
    router: Router,
    header_timeout: Duration,
    stopping: impl Future<Output = ()> + Send + 'static,
    drain: Duration,
) -> std::io::Result<()> {
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(header_timeout)
        .keep_alive(true);
    let graceful = GracefulShutdown::new();
    let mut refused = RefusedAccepts::default();
    tokio::pin!(stopping);
    loop {
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
        let _ = stream.set_nodelay(true);
        let router = router.clone();
        let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
            // The peer's address, for handlers that need it (loopback checks).
            request
                .extensions_mut()
                .insert(ConnectInfo::<SocketAddr>(peer));
            router.clone().oneshot(request.map(axum::body::Body::new))
        });
        let connection = builder.serve_connection(TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(%error, %peer, "connection ended with an error");
            }
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(drain) => {
            tracing::warn!(limit = ?drain, "connections still open after the shutdown timeout; closing them");
        }
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
                "; the process is out of file descriptors: raise its limit (LimitNOFILE) or lower serve.max_streams"
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
