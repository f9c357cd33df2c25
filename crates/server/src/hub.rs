//! The server's view of the switches: one board, kept current from durable events, and the
//! pre-rendered stream frames every subscriber shares.

use std::sync::Arc;

use bytes::Bytes;
use ripcord_core::api::stream;
use ripcord_core::{Board, Event, Offer, Position};
use serde::Serialize;
use tokio::sync::{Mutex, broadcast, watch};

use crate::storage::{Storage, StorageError};

/// One server-sent event, rendered once and shared by every subscriber, so an event costs
/// one serialisation however many clients listen.
#[derive(Debug, Clone)]
pub struct Frame {
    pub revision: u64,
    pub bytes: Bytes,
}

/// What goes to every stream subscriber.
#[derive(Debug, Clone)]
pub enum Broadcast {
    Frame(Frame),
    /// The server is shutting down: end the stream so graceful shutdown can finish.
    ShuttingDown,
}

pub struct Hub {
    /// The audit log's identity; stream ids are `LOG.REVISION`.
    log_id: String,
    board: watch::Sender<Arc<Board>>,
    frames: broadcast::Sender<Broadcast>,
    storage: Arc<dyn Storage>,
    /// The chain's key: events read from storage must link to the board's head.
    key: Option<Vec<u8>>,
    /// Serialises `accept`, so events are applied in order even when the writer and the
    /// fan-out deliver the same event at once.
    applying: Mutex<()>,
}

impl Hub {
    pub fn new(
        log_id: String,
        board: Board,
        storage: Arc<dyn Storage>,
        key: Option<&[u8]>,
        capacity: usize,
    ) -> Self {
        Hub {
            log_id,
            board: watch::Sender::new(Arc::new(board)),
            frames: broadcast::channel(capacity).0,
            storage,
            key: key.map(<[u8]>::to_vec),
            applying: Mutex::new(()),
        }
    }

    pub fn log_id(&self) -> &str {
        &self.log_id
    }

    pub fn board(&self) -> Arc<Board> {
        self.board.borrow().clone()
    }

    pub fn watch(&self) -> watch::Receiver<Arc<Board>> {
        self.board.subscribe()
    }

    pub fn frames(&self) -> broadcast::Receiver<Broadcast> {
        self.frames.subscribe()
    }

    /// Ends every open stream. Carried by the same channel as the frames, so a subscriber
    /// waits on one thing per event instead of also on a shutdown signal, which would add a
    /// shared waiter-list lock per subscriber per event.
    pub fn end_streams(&self) {
        let _ = self.frames.send(Broadcast::ShuttingDown);
    }

    pub fn storage(&self) -> &Arc<dyn Storage> {
        &self.storage
    }

    /// Applies a durable event. An event already applied is ignored; an event past a gap
    /// (a fan-out that dropped messages) makes the hub catch up from storage first.
    pub async fn accept(&self, event: &Event) -> Result<(), StorageError> {
        let _applying = self.applying.lock().await;
        let mut board = Board::clone(&self.board.borrow());
        match board.offer(event) {
            Offer::Applied => self.publish(board, event),
            Offer::Known => {}
            Offer::Gap => self.apply_from_storage(board).await?,
        }
        Ok(())
    }

    /// Applies whatever storage holds beyond the board: after a fan-out reported lost
    /// messages, or when another instance wrote.
    pub async fn catch_up(&self) -> Result<(), StorageError> {
        let _applying = self.applying.lock().await;
        let board = Board::clone(&self.board.borrow());
        self.apply_from_storage(board).await
    }

    /// Applies what storage holds beyond the board, each event only if it links to the
    /// board's head: a row written into the database by someone else than a replica (with
    /// no key, or a forged hash) stops here, logged, and changes no switch.
    async fn apply_from_storage(&self, mut board: Board) -> Result<(), StorageError> {
        for event in self.storage.events_after(board.revision, u32::MAX).await? {
            let link = ripcord_core::chain::event_hash(
                self.key.as_deref(),
                &self.log_id,
                board.head_hash(),
                &event,
            );
            if event.hash != link {
                tracing::error!(
                    revision = event.revision,
                    "an event in storage does not link to the log: it was written outside ripcord; \
                     not applied (run `ripcord audit verify`)"
                );
                break;
            }
            match board.offer(&event) {
                Offer::Applied => self.publish(board.clone(), &event),
                // Unreachable while `applying` is held and storage returns revisions in
                // order; logged rather than panicking so one bad row cannot take the
                // server down.
                Offer::Known | Offer::Gap => {
                    tracing::error!(
                        revision = event.revision,
                        board = board.revision,
                        "storage returned an event out of order"
                    );
                    break;
                }
            }
        }
        Ok(())
    }

    /// Makes `board`, which has just applied `event`, the current one and sends the event
    /// to every stream.
    fn publish(&self, board: Board, event: &Event) {
        self.board.send_replace(Arc::new(board));
        let frame = Frame {
            revision: event.revision,
            bytes: render(
                stream::CHANGE,
                &Position::new(self.log_id.as_str(), event.revision),
                event,
            ),
        };
        // No subscribers is fine: nobody is streaming right now.
        let _ = self.frames.send(Broadcast::Frame(frame));
    }
}

/// Renders one server-sent event whose id is its position (`LOG.REVISION`), so
/// `Last-Event-ID` resumes it, in this log only.
pub fn render(name: &str, position: &Position, data: &impl Serialize) -> Bytes {
    Bytes::from(format!(
        "id: {position}\nevent: {name}\ndata: {}\n\n",
        to_json(data)
    ))
}

/// Renders a server-sent event without an id: it does not move the client's resume point.
pub fn render_unnumbered(name: &str, data: &impl Serialize) -> Bytes {
    Bytes::from(format!("event: {name}\ndata: {}\n\n", to_json(data)))
}

/// JSON has no raw newlines, so one `data:` line carries it.
fn to_json(data: &impl Serialize) -> String {
    serde_json::to_string(data).unwrap_or_else(|error| {
        tracing::error!(%error, "cannot serialise a stream frame");
        "null".to_owned()
    })
}
