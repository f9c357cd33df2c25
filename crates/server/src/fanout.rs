//! How an instance learns that another one recorded an event. In-process is the embedded
//! default; Redis pub/sub connects the replicas of one control plane.
//!
//! The broker is a doorbell, not a source of truth: a Redis message carries only a
//! revision, and a replica that hears of one it lacks reads the events from storage. So
//! whoever can write to Redis can make replicas look at storage early, never apply an
//! event that is not in it, and a lost message only delays a change until the replica's
//! next look at storage (every keep-alive interval).

use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use futures_util::{Stream, StreamExt};
use ripcord_core::Event;
use tokio::sync::{Mutex, broadcast, mpsc};
use tokio_stream::wrappers::errors::BroadcastStreamRecvError;
use tokio_stream::wrappers::{BroadcastStream, ReceiverStream};

/// What a subscriber receives.
#[derive(Debug, Clone)]
pub enum Delivery {
    /// An event this process recorded and announced itself.
    Event(Arc<Event>),
    /// Another instance recorded this revision: read storage up to it.
    Announced(u64),
    /// Some announcements may have been lost: read storage.
    Missed,
}

pub type Subscription = Pin<Box<dyn Stream<Item = Delivery> + Send>>;

/// Why an announcement did not go out. Never fatal: the event is durable, and the other
/// instances find it in storage within a keep-alive interval.
#[derive(Debug, thiserror::Error)]
#[error("cannot announce revision {revision} through {broker}: {detail}")]
pub struct FanoutError {
    pub revision: u64,
    pub broker: String,
    pub detail: String,
}

#[async_trait]
pub trait Fanout: Send + Sync + 'static {
    /// Announces a durable event to every instance (including this one).
    async fn publish(&self, event: &Event) -> Result<(), FanoutError>;
    fn subscribe(&self) -> Subscription;
}

/// One process, one channel: what `ripcord serve` uses without `serve.redis_url`.
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

#[async_trait]
impl Fanout for InProcessFanout {
    async fn publish(&self, event: &Event) -> Result<(), FanoutError> {
        // No receivers is not an error: nobody is listening yet.
        let _ = self.sender.send(Arc::new(event.clone()));
        Ok(())
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

/// How long connecting to Redis, or one command, may take: a halt is answered after its
/// announcement, so a hung broker must not hold it.
const REDIS_TIMEOUT: Duration = Duration::from_secs(2);
/// The longest wait between attempts to subscribe again after Redis went away.
const RESUBSCRIBE_MAX: Duration = Duration::from_secs(10);

/// Redis pub/sub on one channel per log (`ripcord:<log id>:revisions`), so two control
/// planes sharing a Redis never hear each other.
pub struct RedisFanout {
    client: redis::Client,
    channel: String,
    /// The URL without its password, for logs and errors.
    shown: String,
    publisher: Mutex<Option<redis::aio::MultiplexedConnection>>,
}

impl std::fmt::Debug for RedisFanout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisFanout")
            .field("broker", &self.shown)
            .field("channel", &self.channel)
            .finish()
    }
}

impl RedisFanout {
    /// Checks the URL; connects only when first used, so a replica starts (and serves,
    /// alone) while Redis is down.
    pub fn new(url: &str, log_id: &str) -> Result<Self, FanoutError> {
        let shown = crate::storage::redact(url);
        let client = redis::Client::open(url).map_err(|error| FanoutError {
            revision: 0,
            broker: shown.clone(),
            detail: format!("invalid Redis URL: {error}"),
        })?;
        Ok(RedisFanout {
            client,
            channel: format!("ripcord:{log_id}:revisions"),
            shown,
            publisher: Mutex::new(None),
        })
    }

    async fn connection(&self) -> Result<redis::aio::MultiplexedConnection, String> {
        let mut publisher = self.publisher.lock().await;
        if let Some(connection) = publisher.as_ref() {
            return Ok(connection.clone());
        }
        let config = redis::AsyncConnectionConfig::new()
            .set_connection_timeout(Some(REDIS_TIMEOUT))
            .set_response_timeout(Some(REDIS_TIMEOUT));
        let connection = self
            .client
            .get_multiplexed_async_connection_with_config(&config)
            .await
            .map_err(|error| error.to_string())?;
        *publisher = Some(connection.clone());
        Ok(connection)
    }
}

#[async_trait]
impl Fanout for RedisFanout {
    async fn publish(&self, event: &Event) -> Result<(), FanoutError> {
        let failed = |detail: String| FanoutError {
            revision: event.revision,
            broker: self.shown.clone(),
            detail,
        };
        let mut connection = self.connection().await.map_err(failed)?;
        let published: Result<i64, _> = redis::cmd("PUBLISH")
            .arg(&self.channel)
            .arg(event.revision)
            .query_async(&mut connection)
            .await;
        if let Err(error) = published {
            // Connect afresh next time: this one may be dead.
            *self.publisher.lock().await = None;
            return Err(failed(error.to_string()));
        }
        Ok(())
    }

    fn subscribe(&self) -> Subscription {
        let (sender, receiver) = mpsc::channel(64);
        tokio::spawn(follow_channel(
            self.client.clone(),
            self.channel.clone(),
            self.shown.clone(),
            sender,
        ));
        Box::pin(ReceiverStream::new(receiver))
    }
}

/// Subscribes, passes revisions on, and subscribes again (with backoff) whenever Redis
/// goes away, saying `Missed` each time it is back: what was published meanwhile is lost.
/// Ends when the subscription is dropped.
async fn follow_channel(
    client: redis::Client,
    channel: String,
    shown: String,
    deliveries: mpsc::Sender<Delivery>,
) {
    let mut attempt = 0u32;
    loop {
        let subscribed = async {
            let mut pubsub = tokio::time::timeout(REDIS_TIMEOUT, client.get_async_pubsub())
                .await
                .map_err(|_| "timed out connecting".to_owned())?
                .map_err(|error| error.to_string())?;
            pubsub
                .subscribe(&channel)
                .await
                .map_err(|error| error.to_string())?;
            Ok::<_, String>(pubsub)
        }
        .await;
        match subscribed {
            Ok(pubsub) => {
                if attempt > 0 {
                    tracing::info!(broker = %shown, "subscribed to Redis again");
                }
                attempt = 0;
                if deliveries.send(Delivery::Missed).await.is_err() {
                    return;
                }
                let mut messages = pubsub.into_on_message();
                while let Some(message) = messages.next().await {
                    let delivery = match message.get_payload::<u64>() {
                        Ok(revision) => Delivery::Announced(revision),
                        Err(_) => {
                            tracing::warn!(broker = %shown, "ignoring a message on the revisions channel that is not a revision");
                            continue;
                        }
                    };
                    if deliveries.send(delivery).await.is_err() {
                        return;
                    }
                }
                tracing::warn!(broker = %shown, "lost the Redis subscription; replicas still converge through storage");
            }
            Err(error) => {
                if attempt == 0 {
                    tracing::warn!(broker = %shown, %error, "cannot subscribe to Redis; replicas still converge through storage");
                }
            }
        }
        if deliveries.is_closed() {
            return;
        }
        tokio::time::sleep(backoff(attempt)).await;
        attempt = attempt.saturating_add(1);
    }
}

/// 100 ms doubling to [`RESUBSCRIBE_MAX`].
fn backoff(attempt: u32) -> Duration {
    Duration::from_millis(100)
        .saturating_mul(2u32.saturating_pow(attempt.min(10)))
        .min(RESUBSCRIBE_MAX)
}
