//! Bodies that pass through the gate: streamed frame by frame, never buffered, and cut
//! when a halt arrives while they are still flowing.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

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
    let body = pass(body);
    if body.is_end_stream() {
        return body;
    }
    let switch = switch.clone();
    Cut {
        inner: body,
        halted: Box::pin(async move {
            switch.halted().await;
        }),
    }
    .boxed_unsync()
}

struct Cut {
    inner: GateBody,
    halted: Pin<Box<dyn Future<Output = ()> + Send>>,
}

impl Body for Cut {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        if self.halted.as_mut().poll(cx).is_ready() {
            return Poll::Ready(Some(Err(Box::new(CutByHalt))));
        }
        Pin::new(&mut self.inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
