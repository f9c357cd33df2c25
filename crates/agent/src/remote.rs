//! Following the server: a resumable event stream, or long-polls, with reconnection by
//! exponential backoff and jitter.

use std::time::Duration;

use eventsource_stream::Eventsource;
use futures_util::StreamExt;
use ripcord_core::api::AGENT_HEADER;
use ripcord_core::api::stream::{CHANGE, READY, SNAPSHOT};
use ripcord_core::{Board, CarriedHalts, Event, Offer, Position};
use tokio::sync::mpsc;

use crate::api::ApiClient;
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
    /// arrived as it happened, so its age is a propagation latency.
    Board {
        known: KnownBoard,
        complete: bool,
        live: bool,
    },
    /// A connection attempt failed.
    Unreachable(String),
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
    Refused(String),
    /// A stream that was up ended (a deploy, a proxy's timeout, a dead connection).
    Dropped(String),
    /// This client is shutting down.
    Closed,
}

/// Follows `/v1/stream` forever, resuming from the last applied revision.
pub(crate) async fn follow_stream(
    api: ApiClient,
    agent: String,
    mut known: Option<KnownBoard>,
    updates: mpsc::Sender<RemoteUpdate>,
    config: ClientConfig,
) {
    let mut attempt = 0;
    loop {
        match stream_once(&api, &agent, &mut known, &updates, &config, &mut attempt).await {
            StreamEnd::Closed => return,
            // Only a failed attempt means "unreachable": a stream that ends is reconnected
            // first, so fail-closed clients do not stop their work at every server deploy.
            StreamEnd::Dropped(reason) => {
                tracing::debug!(%reason, "the stream ended; reconnecting")
            }
            StreamEnd::Refused(reason) => {
                if updates
                    .send(RemoteUpdate::Unreachable(reason))
                    .await
                    .is_err()
                {
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
    agent: &str,
    known: &mut Option<KnownBoard>,
    updates: &mpsc::Sender<RemoteUpdate>,
    config: &ClientConfig,
    attempt: &mut u32,
) -> StreamEnd {
    let mut request = api
        .http()
        .get(api.url("v1/stream"))
        .header("accept", "text/event-stream")
        .header(AGENT_HEADER, agent);
    if let Some(known) = known.as_ref() {
        request = request.header("last-event-id", known.position().to_string());
    }
    let response = match request.send().await {
        Ok(response) if response.status().is_success() => response,
        Ok(response) => {
            return StreamEnd::Refused(format!("the stream answered {}", response.status()));
        }
        Err(error) => return StreamEnd::Refused(api.unreachable(&error).to_string()),
    };
    let mut events = response.bytes_stream().eventsource();
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
                    };
                    *known = Some(snapshot.clone());
                    RemoteUpdate::Board {
                        known: snapshot,
                        complete: true,
                        live: false,
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
                };
                *known = Some(next.clone());
                RemoteUpdate::Board {
                    known: next,
                    complete: false,
                    live,
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
    agent: String,
    mut known: Option<KnownBoard>,
    updates: mpsc::Sender<RemoteUpdate>,
    config: ClientConfig,
) {
    let mut attempt = 0;
    // The first request asks for the board as it is, so a client with a cached board
    // settles at once instead of waiting out a long-poll when nothing changed.
    let mut current = false;
    loop {
        let answer = match known.as_ref() {
            Some(known) if current => {
                api.wait_for_change(known, config.poll_timeout, &agent)
                    .await
            }
            _ => api.known_board().await,
        };
        let update = match answer {
            // A new revision, or the same number in another log.
            Ok(next)
                if known.as_ref().is_none_or(|k| {
                    (&k.log, k.board.revision) != (&next.log, next.board.revision)
                }) =>
            {
                known = Some(next.clone());
                RemoteUpdate::Board {
                    known: next,
                    complete: true,
                    live: current,
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

/// The log named by a stream id (a [`Position`]).
fn log_of(id: &str) -> Option<String> {
    id.parse::<Position>().ok().and_then(|position| position.log)
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
