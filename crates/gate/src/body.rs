//! Bodies that pass through the gate: streamed frame by frame, never buffered, and cut
//! when a halt arrives while they are still flowing.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::BodyExt;
use http_body_util::combinators::UnsyncBoxBody;
use hyper::body::{Body, Frame, SizeHint};
use ripcord_agent::Switch;

pub(crate) type BoxError = Box<dyn std::error::Error + Send + Sync>;
/// Every body the gate sends or forwards.
pub type GateBody = UnsyncBoxBody<Bytes, BoxError>;

/// A small body of the gate's own.
pub(crate) fn full(bytes: impl Into<Bytes>) -> GateBody {
    http_body_util::Full::new(bytes.into())
        .map_err(|never| match never {})
        .boxed_unsync()
}

pub(crate) fn empty() -> GateBody {
    http_body_util::Empty::new()
        .map_err(|never| match never {})
        .boxed_unsync()
}

/// `body` as it is, boxed: for exchanges a halt must not cut (health probes, handshakes).
pub(crate) fn pass<B>(body: B) -> GateBody
where
    B: Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    body.map_err(Into::into).boxed_unsync()
}

/// A client's body that paused longer than `gate.body_timeout`.
#[derive(Debug, thiserror::Error)]
#[error("the client paused its request body longer than {0:?} (gate.body_timeout)")]
pub(crate) struct IdleBody(Duration);

/// `body`, ended with an error when no data arrives for `limit`: a client that dribbles a
/// body (or stops sending one) does not hold its connection, and the app's, forever.
pub(crate) fn idle_limit<B>(body: B, limit: Duration) -> GateBody
where
    B: Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    Guarded::wrap(body, |guarded| {
        guarded.idle = Some((limit, Box::pin(tokio::time::sleep(limit))));
    })
}

/// Why a body was cut.
#[derive(Debug, thiserror::Error)]
#[error("the kill switch halted this exchange")]
pub(crate) struct CutByHalt;

/// `body`, ended with an error as soon as `switch` halts: the peer sees the exchange break
/// off, as it would if the app had been stopped. A body with nothing to send is left as is.
pub(crate) fn cut_on_halt<B>(body: B, switch: &Switch) -> GateBody
where
    B: Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    let switch = switch.clone();
    Guarded::wrap(body, |guarded| {
        guarded.halted = Some(Box::pin(async move {
            switch.halted().await;
        }));
    })
}

/// A body passed through, ended early by a halt or by a pause, as configured.
struct Guarded {
    inner: GateBody,
    halted: Option<Pin<Box<dyn Future<Output = ()> + Send>>>,
    idle: Option<(Duration, Pin<Box<tokio::time::Sleep>>)>,
}

impl Guarded {
    /// `body` with the guards `configure` sets; a body with nothing to send needs none.
    fn wrap<B>(body: B, configure: impl FnOnce(&mut Guarded)) -> GateBody
    where
        B: Body<Data = Bytes> + Send + 'static,
        B::Error: Into<BoxError>,
    {
        let inner = pass(body);
        if inner.is_end_stream() {
            return inner;
        }
        let mut guarded = Guarded {
            inner,
            halted: None,
            idle: None,
        };
        configure(&mut guarded);
        guarded.boxed_unsync()
    }
}

impl Body for Guarded {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        if let Some(halted) = self.halted.as_mut()
            && halted.as_mut().poll(cx).is_ready()
        {
            return Poll::Ready(Some(Err(Box::new(CutByHalt))));
        }
        let polled = Pin::new(&mut self.inner).poll_frame(cx);
        let Some((limit, deadline)) = self.idle.as_mut() else {
            return polled;
        };
        match polled {
            Poll::Ready(frame) => {
                deadline
                    .as_mut()
                    .reset(tokio::time::Instant::now() + *limit);
                Poll::Ready(frame)
            }
            Poll::Pending => match deadline.as_mut().poll(cx) {
                Poll::Ready(()) => Poll::Ready(Some(Err(Box::new(IdleBody(*limit))))),
                Poll::Pending => Poll::Pending,
            },
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
