//! How events reach every server instance. In-process is the embedded default; a Redis
//! pub/sub implementation can sit beside it for several instances.

use std::pin::Pin;
use std::sync::Arc;

use futures_util::{Stream, StreamExt};
use ripcord_core::Event;
use tokio::sync::broadcast;
use tokio_stream::wrappers::BroadcastStream;
use tokio_stream::wrappers::errors::BroadcastStreamRecvError;

/// What a subscriber receives: the next event, or notice that it missed some (and must
/// catch up from storage).
#[derive(Debug, Clone)]
pub enum Delivery {
    Event(Arc<Event>),
    Missed,
}

pub type Subscription = Pin<Box<dyn Stream<Item = Delivery> + Send>>;

pub trait Fanout: Send + Sync + 'static {
    /// Announces a durable event to every instance (including this one).
    fn publish(&self, event: Arc<Event>);
    fn subscribe(&self) -> Subscription;
}

/// One process, one channel: what `ripcord serve` uses unless told otherwise.
#[derive(Debug)]
pub struct InProcessFanout {
    sender: broadcast::Sender<Arc<Event>>,
}

impl InProcessFanout {
    pub fn new(capacity: usize) -> Self {
        InProcessFanout {
            sender: broadcast::channel(capacity).0,
        }
    }
}

impl Default for InProcessFanout {
    fn default() -> Self {
        InProcessFanout::new(1024)
    }
}

impl Fanout for InProcessFanout {
    fn publish(&self, event: Arc<Event>) {
        // No receivers is not an error: nobody is listening yet.
        let _ = self.sender.send(event);
    }

    fn subscribe(&self) -> Subscription {
        Box::pin(
            BroadcastStream::new(self.sender.subscribe()).map(|item| match item {
                Ok(event) => Delivery::Event(event),
                Err(BroadcastStreamRecvError::Lagged(_)) => Delivery::Missed,
            }),
        )
    }
}
