//! `GET /v1/stream`: server-sent events, resumable with `Last-Event-ID`.
//!
//! A fresh connection gets a `snapshot` of the board and then every `change`. A connection
//! that names a revision gets every event after it from storage, then live changes, so a
//! client that reconnects (or a server that restarted) loses nothing. The backlog is read a
//! page at a time as the client drains it: a slow reader of a long log holds one page of
//! frames, not the whole log.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures_util::Stream;
use ripcord_core::Position;
use ripcord_core::api::stream::{READY, SNAPSHOT};
use tokio::sync::{OwnedSemaphorePermit, broadcast, watch};
use tokio::time::{Instant, Sleep};

use crate::app::AppState;
use crate::contacts::StreamContact;
use crate::hub::{Broadcast, Hub, render, render_unnumbered};
use crate::storage::StorageError;

const KEEP_ALIVE: Bytes = Bytes::from_static(b": keep-alive\n\n");
/// Events read from storage at a time for a backlog.
const BACKLOG_PAGE: u32 = 256;

/// What a stream holds while it is open: its place under `serve.max_streams`, the
/// contact of the agent it serves, and the token it was opened with.
pub(crate) struct StreamGuards {
    pub(crate) _permit: OwnedSemaphorePermit,
    pub(crate) _contact: Option<StreamContact>,
    pub(crate) lease: TokenLease,
}

/// The token a stream was opened with, checked each time the tokens are reloaded: a
/// revoked token's stream ends within one interval, and so does a stream opened without
/// a token once a token exists (it was let in only because none did).
pub(crate) struct TokenLease {
    pub(crate) state: Arc<AppState>,
    /// `None` for a stream opened without a token.
    pub(crate) hash: Option<String>,
    /// Changes each time the tokens are reloaded.
    pub(crate) reloads: watch::Receiver<u64>,
}

impl TokenLease {
    pub(crate) fn valid(&self) -> bool {
        match &self.hash {
            Some(hash) => self.state.auth.still_valid(hash),
            None => self.state.auth.without_tokens(),
        }
    }
}

struct Subscriber {
    hub: Arc<Hub>,
    live: broadcast::Receiver<Broadcast>,
    /// Frames to send before waiting for live ones.
    queued: VecDeque<Bytes>,
    /// The last revision sent; live frames at or below it are duplicates.
    sent: u64,
    /// The revision the backlog must reach before live frames take over; above `sent`
    /// while pages of it remain to be read.
    backlog_until: u64,
    /// Sent before the first live frame: `ready`, once the backlog is drained.
    ready_pending: bool,
    guards: StreamGuards,
    /// Fires every `keep_alive_every`, whether or not events were sent: re-arming a timer
    /// per event would cost a timer-wheel update per subscriber per event.
    keep_alive: Pin<Box<Sleep>>,
    keep_alive_every: Duration,
    /// Read (never awaited) before each wait, for streams opened after shutdown began.
    shutdown: watch::Receiver<bool>,
}

/// The frames for one subscriber. Subscribing to live frames happens before the board or
/// backlog is read, so no event can fall between the two.
pub(crate) async fn subscribe(
    hub: Arc<Hub>,
    after: Option<Position>,
    head: Option<String>,
    keep_alive: Duration,
    shutdown: watch::Receiver<bool>,
    guards: StreamGuards,
) -> Result<impl Stream<Item = Result<Bytes, Infallible>>, StorageError> {
    let live = hub.frames();
    let board = hub.board();
    let mut subscriber = Subscriber {
        hub,
        live,
        queued: VecDeque::new(),
        sent: 0,
        backlog_until: 0,
        ready_pending: true,
        guards,
        keep_alive: Box::pin(tokio::time::sleep(keep_alive)),
        keep_alive_every: keep_alive,
        shutdown,
    };
    // A position this server can continue: of its log, not ahead of it, and at an event
    // the client has too (a log restored from an older copy reuses revisions for other
    // events). Anything else gets a snapshot, which tells the client it follows another
    // history now.
    let resume = match after {
        Some(after) if after.revision <= board.revision && after.is_in(subscriber.hub.log_id()) => {
            continues(&subscriber.hub, after.revision, head.as_deref())
                .await?
                .then_some(after)
        }
        _ => None,
    };
    match resume {
        Some(after) => {
            subscriber.sent = after.revision;
            subscriber.backlog_until = board.revision;
            subscriber.queue_backlog_page().await?;
        }
        None => {
            let position = Position::new(subscriber.hub.log_id(), board.revision);
            let snapshot = render(SNAPSHOT, &position, &*board);
            subscriber.queued.push_back(snapshot);
            subscriber.sent = board.revision;
            subscriber.backlog_until = board.revision;
        }
    }
    Ok(futures_util::stream::unfold(
        subscriber,
        |mut subscriber| async move {
            subscriber
                .next_frame()
                .await
                .map(|bytes| (Ok(bytes), subscriber))
        },
    ))
}

/// Whether the event at `revision` in storage is the one whose digest the client has
/// (`head`); a client that sent none, or a position before any event, is taken at its word.
pub async fn continues(hub: &Hub, revision: u64, head: Option<&str>) -> Result<bool, StorageError> {
    let Some(head) = head.filter(|_| revision > 0) else {
        return Ok(true);
    };
    let event = hub.storage().events_after(revision - 1, 1).await?;
    Ok(event
        .first()
        .is_some_and(|event| event.revision == revision && event.digest() == head))
}

impl Subscriber {
    /// Queues the next page of events up to `backlog_until`.
    async fn queue_backlog_page(&mut self) -> Result<(), StorageError> {
        let events = self
            .hub
            .storage()
            .events_after(self.sent, BACKLOG_PAGE)
            .await?;
        if events.is_empty() {
            // Nothing more in storage: whatever `backlog_until` said, the backlog is done.
            self.backlog_until = self.sent;
        }
        for event in events {
            self.queued.push_back(render(
                ripcord_core::api::stream::CHANGE,
                &Position::new(self.hub.log_id(), event.revision),
                &event,
            ));
            self.sent = event.revision;
        }
        Ok(())
    }

    /// The next bytes to send, or `None` when the server shuts down or storage fails.
    async fn next_frame(&mut self) -> Option<Bytes> {
        loop {
            if let Some(bytes) = self.queued.pop_front() {
                return Some(bytes);
            }
            if self.sent < self.backlog_until {
                if let Err(error) = self.queue_backlog_page().await {
                    tracing::warn!(%error, "ending a stream whose backlog cannot be read");
                    return None;
                }
                continue;
            }
            if self.ready_pending {
                self.ready_pending = false;
                let ready = serde_json::json!({ "revision": self.sent });
                return Some(render_unnumbered(READY, &ready));
            }
            if *self.shutdown.borrow() {
                return None;
            }
            tokio::select! {
                received = self.live.recv() => match received {
                    Ok(Broadcast::Frame(frame)) if frame.revision > self.sent => {
                        self.sent = frame.revision;
                        return Some(frame.bytes);
                    }
                    Ok(Broadcast::Frame(_)) => continue,
                    Ok(Broadcast::ShuttingDown) => return None,
                    // Too slow to keep up: read what was missed from storage, a page at a time.
                    Err(broadcast::error::RecvError::Lagged(_)) => {
                        self.backlog_until = self.hub.board().revision;
                    }
                    Err(broadcast::error::RecvError::Closed) => return None,
                },
                reloaded = self.guards.lease.reloads.changed() => {
                    if reloaded.is_err() || !self.guards.lease.valid() {
                        return None;
                    }
                }
                () = &mut self.keep_alive => {
                    let next = Instant::now() + self.keep_alive_every;
                    self.keep_alive.as_mut().reset(next);
                    return Some(KEEP_ALIVE);
                }
            }
        }
    }
}
