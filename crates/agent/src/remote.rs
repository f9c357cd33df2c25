//! Following the server: a resumable event stream, or long-polls, with reconnection by
//! exponential backoff and jitter.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use eventsource_stream::Eventsource;
use futures_util::StreamExt;
use ripcord_core::api::AgentId;
use ripcord_core::api::stream::{CHANGE, READY, SNAPSHOT};
use ripcord_core::{Board, CarriedHalts, Event, Offer, Position};
use tokio::sync::mpsc;

use crate::api::{ApiClient, ApiClientError};
use crate::cache::KnownBoard;
use crate::config::ClientConfig;

/// What the remote follower tells the decider.
#[derive(Debug)]
pub(crate) enum RemoteUpdate {
    /// The server answered and this client is current: after a stream's snapshot or
    /// backlog, or a long-poll with nothing new.
    Connected,
    /// A newer (or replacement) board. A `complete` one is the server's whole current state
    /// (a snapshot or a long-poll answer); a stream's backlog event is not. A `live` one
    /// arrived as it happened, so its age is a propagation latency. A `replaced` one is of
    /// another history than the board this client had, though of the same log: the
    /// server could not continue from the client's position (restored from an older copy).
    Board {
        known: KnownBoard,
        complete: bool,
        live: bool,
        replaced: bool,
    },
    /// A connection attempt failed.
    Unreachable(String),
    /// The whole board, read on request ([`crate::Switch::refresh`]); `applied` is told
    /// once the decision on it is made.
    Fetched {
        known: KnownBoard,
        applied: tokio::sync::oneshot::Sender<()>,
    },
}

/// When the server last confirmed this client's view: any bytes on the stream (events
/// and keep-alives alike), a long-poll's answer, or a fetched board.
#[derive(Debug)]
pub(crate) struct Contact {
    origin: Instant,
    /// Milliseconds after `origin` plus one; zero means never.
    at: AtomicU64,
}

impl Contact {
    pub(crate) fn new() -> Arc<Self> {
        Arc::new(Contact {
            origin: Instant::now(),
            at: AtomicU64::new(0),
        })
    }

    pub(crate) fn touch(&self) {
        let millis = u64::try_from(self.origin.elapsed().as_millis()).unwrap_or(u64::MAX - 1);
        self.at.store(millis + 1, Ordering::Release);
    }

    /// How long ago the last confirmation was; `None` before the first.
    pub(crate) fn age(&self) -> Option<Duration> {
        match self.at.load(Ordering::Acquire) {
            0 => None,
            at => Some(
                self.origin
                    .elapsed()
                    .saturating_sub(Duration::from_millis(at - 1)),
            ),
        }
    }
}

/// Exponential backoff from 100 ms up to `max`, with "equal jitter" (half fixed, half
/// random) so a fleet of agents does not reconnect in lockstep after a server restart.
pub(crate) fn backoff(attempt: u32, max: Duration) -> Duration {
    let exponential = Duration::from_millis(100).saturating_mul(1 << attempt.min(16));
    let cap = exponential.min(max).as_millis().max(2) as u64;
    Duration::from_millis(cap / 2 + fastrand::u64(0..=cap / 2))
}

/// How one stream connection ended.
enum StreamEnd {
    /// The connection attempt failed: the server is unreachable.
    Unreachable(String),
    /// The server answered but would not stream (too many streams, a proxy in the way).
    Refused(String),
    /// A stream that was up ended (a deploy, a proxy's timeout, a dead connection).
    Dropped(String),
    /// This client is shutting down.
    Closed,
}

/// Follows `/v1/stream` forever, resuming from the last applied revision.
pub(crate) async fn follow_stream(
    api: ApiClient,
    agent: AgentId,
    mut known: Option<KnownBoard>,
    updates: mpsc::Sender<RemoteUpdate>,
    config: ClientConfig,
    contact: Arc<Contact>,
) {
    let mut attempt = 0;
    loop {
        let once = stream_once(
            &api,
            &agent,
            &mut known,
            &updates,
            &config,
            &contact,
            &mut attempt,
        );
        match once.await {
            StreamEnd::Closed => return,
            // Only a failed attempt means "unreachable": a stream that ends is reconnected
            // first, so fail-closed clients do not stop their work at every server deploy.
            StreamEnd::Dropped(reason) => {
                tracing::debug!(%reason, "the stream ended; reconnecting")
            }
            StreamEnd::Unreachable(reason) => {
                if updates
                    .send(RemoteUpdate::Unreachable(reason))
                    .await
                    .is_err()
                {
                    return;
                }
            }
            // The server is there: learn its board without a stream (`GET /v1/switches`
            // has no cap), so a halt still arrives within one backoff while streams are
            // refused, and a client refused from the start decides on the real board.
            StreamEnd::Refused(reason) => {
                tracing::warn!(%reason, "the server refused the event stream; reading the board until it accepts one");
                let update = match api.known_board().await {
                    Ok(next) => {
                        contact.touch();
                        let replaced = known.as_ref().is_some_and(|known| replaced(known, &next));
                        known = Some(next.clone());
                        RemoteUpdate::Board {
                            known: next,
                            complete: true,
                            live: false,
                            replaced,
                        }
                    }
                    Err(error) => RemoteUpdate::Unreachable(error.to_string()),
                };
                if updates.send(update).await.is_err() {
                    return;
                }
            }
        }
        tokio::time::sleep(backoff(attempt, config.backoff_max)).await;
        attempt = attempt.saturating_add(1);
    }
}

async fn stream_once(
    api: &ApiClient,
    agent: &AgentId,
    known: &mut Option<KnownBoard>,
    updates: &mpsc::Sender<RemoteUpdate>,
    config: &ClientConfig,
    contact: &Contact,
    attempt: &mut u32,
) -> StreamEnd {
    let mut url = api.url("v1/stream");
    url.query_pairs_mut().append_pair("agent", agent.as_str());
    // With a position, the server continues from it only if its event there is ours.
    let resuming = known.as_ref().map(|known| {
        if let Some(head) = known.board.head() {
            url.query_pairs_mut().append_pair("head", &head.digest());
        }
        known.position().to_string()
    });
    let mut request = api.http().get(url).header("accept", "text/event-stream");
    if let Some(position) = &resuming {
        request = request.header("last-event-id", position);
    }
    let response = match request.send().await {
        Ok(response) if response.status().is_success() => response,
        Ok(response) => {
            return StreamEnd::Refused(format!("the stream answered {}", response.status()));
        }
        Err(error) => return StreamEnd::Unreachable(api.unreachable(&error).to_string()),
    };
    let mut events = response
        .bytes_stream()
        .inspect(|_| contact.touch())
        .eventsource();
    let mut live = false;
    loop {
        // The server sends a keep-alive at least every `serve.keep_alive`; silence for much
        // longer means a half-open connection that would never deliver a halt.
        let message = match tokio::time::timeout(config.stream_idle_timeout, events.next()).await {
            Err(_) => {
                return StreamEnd::Dropped(format!("no data for {:?}", config.stream_idle_timeout));
            }
            Ok(None) => return StreamEnd::Dropped("the server closed the stream".into()),
            Ok(Some(Err(error))) => {
                return StreamEnd::Dropped(format!("the stream broke: {error}"));
            }
            Ok(Some(Ok(message))) => message,
        };
        let update = match message.event.as_str() {
            READY => {
                live = true;
                // Reset only here: a server that accepts and drops at once still backs off.
                *attempt = 0;
                RemoteUpdate::Connected
            }
            SNAPSHOT => match serde_json::from_str::<Board>(&message.data) {
                Ok(board) => {
                    let snapshot = KnownBoard {
                        log: log_of(&message.id),
                        board,
                        carried: CarriedHalts::new(),
                        witness: None,
                    };
                    *known = Some(snapshot.clone());
                    RemoteUpdate::Board {
                        known: snapshot,
                        complete: true,
                        live: false,
                        // A snapshot instead of the backlog after a position: the server
                        // could not continue from it.
                        replaced: resuming.is_some(),
                    }
                }
                Err(error) => return StreamEnd::Dropped(format!("bad snapshot: {error}")),
            },
            CHANGE => {
                let event: Event = match serde_json::from_str(&message.data) {
                    Ok(event) => event,
                    Err(error) => return StreamEnd::Dropped(format!("bad change: {error}")),
                };
                // A change before any snapshot cannot be placed: reconnect for one.
                let Some(mut next) = known.as_ref().map(|k| k.board.clone()) else {
                    return StreamEnd::Dropped("a change before the snapshot".into());
                };
                match next.offer(&event) {
                    Offer::Applied => {}
                    Offer::Known => continue,
                    // Reconnect from our revision and the server fills the gap in.
                    Offer::Gap => {
                        return StreamEnd::Dropped(format!(
                            "missed events before revision {}",
                            event.revision
                        ));
                    }
                }
                let next = KnownBoard {
                    log: log_of(&message.id),
                    board: next,
                    carried: CarriedHalts::new(),
                    witness: None,
                };
                *known = Some(next.clone());
                RemoteUpdate::Board {
                    known: next,
                    complete: false,
                    live,
                    replaced: false,
                }
            }
            _ => continue,
        };
        if updates.send(update).await.is_err() {
            return StreamEnd::Closed;
        }
    }
}

/// Long-polls `/v1/switches/wait` forever: one short request at a time.
pub(crate) async fn follow_polls(
    api: ApiClient,
    agent: AgentId,
    mut known: Option<KnownBoard>,
    updates: mpsc::Sender<RemoteUpdate>,
    config: ClientConfig,
    contact: Arc<Contact>,
) {
    let mut attempt = 0;
    // The first request asks for an answer at once, so a client with a cached board
    // settles at once instead of waiting out a long-poll when nothing changed.
    let mut current = false;
    loop {
        let answer = match known.as_ref() {
            Some(known) => {
                let wait = if current {
                    config.poll_timeout
                } else {
                    Duration::ZERO
                };
                match api.wait_for_change(known, wait, &agent).await {
                    // Long-polls may be refused (too many open); the board is not capped.
                    Err(ApiClientError::Refused { .. }) => api
                        .known_board()
                        .await
                        .map(|next| (replaced(known, &next), next)),
                    answer => answer,
                }
            }
            None => api.known_board().await.map(|next| (false, next)),
        };
        if answer.is_ok() {
            contact.touch();
        }
        let update = match answer {
            // A new revision, the same number in another log, or another history.
            Ok((replaced, next))
                if replaced
                    || known.as_ref().is_none_or(|k| {
                        (&k.log, k.board.revision) != (&next.log, next.board.revision)
                    }) =>
            {
                known = Some(next.clone());
                RemoteUpdate::Board {
                    known: next,
                    complete: true,
                    live: current,
                    replaced,
                }
            }
            Ok(_) => RemoteUpdate::Connected,
            Err(error) => RemoteUpdate::Unreachable(error.to_string()),
        };
        let failed = matches!(update, RemoteUpdate::Unreachable(_));
        if updates.send(update).await.is_err() {
            return;
        }
        if failed {
            current = false;
            tokio::time::sleep(backoff(attempt, config.backoff_max)).await;
            attempt = attempt.saturating_add(1);
        } else {
            current = true;
            attempt = 0;
            if !config.poll_interval.is_zero() {
                tokio::time::sleep(config.poll_interval).await;
            }
        }
    }
}

/// Whether `next`, read whole from the server, is another history of the log `known`
/// follows: behind it, or with another event at its revision when `next` still shows that
/// event. (A board shows only each switch's last event, so an event since superseded
/// cannot be compared here; the long-poll's `head` check covers that case.) Another log
/// altogether is not "replaced": the log id says so already.
pub(crate) fn replaced(known: &KnownBoard, next: &KnownBoard) -> bool {
    if known.log != next.log {
        return false;
    }
    if next.board.revision < known.board.revision {
        return true;
    }
    let Some(head) = known.board.head() else {
        return false;
    };
    next.board
        .switches
        .values()
        .filter_map(|state| state.last.as_ref())
        .find(|event| event.revision == head.revision)
        .is_some_and(|event| event.digest() != head.digest())
}

/// The log named by a stream id (a [`Position`]).
fn log_of(id: &str) -> Option<String> {
    id.parse::<Position>()
        .ok()
        .and_then(|position| position.log)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_to_its_cap_with_jitter() {
        let max = Duration::from_secs(10);
        for attempt in 0..40 {
            let wait = backoff(attempt, max);
            let cap = Duration::from_millis(100)
                .saturating_mul(1 << attempt.min(16))
                .min(max);
            assert!(
                wait >= cap / 2 && wait <= cap,
                "attempt {attempt}: {wait:?} outside {cap:?}"
            );
        }
    }
}
