//! Following the server: a resumable event stream, or long-polls, with reconnection by
//! exponential backoff and jitter.

use std::time::Duration;

use eventsource_stream::Eventsource;
use futures_util::StreamExt;
use ripcord_core::api::stream::{CHANGE, READY, SNAPSHOT};
use ripcord_core::{Board, Event};
use tokio::sync::mpsc;

use crate::api::ApiClient;
use crate::config::ClientConfig;

/// What the remote follower tells the decider.
#[derive(Debug)]
pub(crate) enum RemoteUpdate {
    /// The server answered and this client is current: after a stream's snapshot or
    /// backlog, or a long-poll with nothing new.
    Connected,
    /// A newer (or replacement) board. A `complete` one is the server's whole current state
    /// (a snapshot or a long-poll answer); a stream's backlog event is not.
    Board { board: Board, complete: bool },
    /// The server could not be reached or the connection dropped.
    Unreachable(String),
}

/// Exponential backoff from 100 ms up to `max`, with "equal jitter" (half fixed, half
/// random) so a fleet of agents does not reconnect in lockstep after a server restart.
pub(crate) fn backoff(attempt: u32, max: Duration) -> Duration {
    let exponential = Duration::from_millis(100).saturating_mul(1 << attempt.min(16));
    let cap = exponential.min(max).as_millis().max(2) as u64;
    Duration::from_millis(cap / 2 + fastrand::u64(0..=cap / 2))
}

/// Follows `/v1/stream` forever, resuming from the last applied revision.
pub(crate) async fn follow_stream(
    api: ApiClient,
    mut board: Option<Board>,
    updates: mpsc::Sender<RemoteUpdate>,
    backoff_max: Duration,
) {
    let mut attempt = 0;
    loop {
        let reason = match stream_once(&api, &mut board, &updates, &mut attempt).await {
            Ok(()) => "the server closed the stream".to_owned(),
            Err(reason) => reason,
        };
        if updates
            .send(RemoteUpdate::Unreachable(reason))
            .await
            .is_err()
        {
            return;
        }
        tokio::time::sleep(backoff(attempt, backoff_max)).await;
        attempt = attempt.saturating_add(1);
    }
}

async fn stream_once(
    api: &ApiClient,
    board: &mut Option<Board>,
    updates: &mpsc::Sender<RemoteUpdate>,
    attempt: &mut u32,
) -> Result<(), String> {
    let mut request = api
        .http()
        .get(api.url("v1/stream"))
        .header("accept", "text/event-stream");
    if let Some(board) = board.as_ref() {
        request = request.header("last-event-id", board.revision);
    }
    let response = request
        .send()
        .await
        .map_err(|e| api.unreachable(&e).to_string())?;
    if !response.status().is_success() {
        return Err(format!("the stream answered {}", response.status()));
    }
    *attempt = 0;
    let mut events = response.bytes_stream().eventsource();
    while let Some(item) = events.next().await {
        let message = item.map_err(|e| format!("the stream broke: {e}"))?;
        let update = match message.event.as_str() {
            READY => RemoteUpdate::Connected,
            SNAPSHOT => {
                let snapshot: Board = serde_json::from_str(&message.data)
                    .map_err(|e| format!("bad snapshot: {e}"))?;
                *board = Some(snapshot.clone());
                RemoteUpdate::Board {
                    board: snapshot,
                    complete: true,
                }
            }
            CHANGE => {
                let event: Event =
                    serde_json::from_str(&message.data).map_err(|e| format!("bad change: {e}"))?;
                let next = match board.as_ref() {
                    Some(current) if event.revision <= current.revision => continue,
                    Some(current) if event.revision == current.revision + 1 => {
                        let mut next = current.clone();
                        next.apply(&event).map_err(|e| e.to_string())?;
                        next
                    }
                    // A gap: reconnect from our revision and the server fills it in.
                    _ => return Err(format!("missed events before revision {}", event.revision)),
                };
                *board = Some(next.clone());
                RemoteUpdate::Board {
                    board: next,
                    complete: false,
                }
            }
            _ => continue,
        };
        updates
            .send(update)
            .await
            .map_err(|_| "shutting down".to_owned())?;
    }
    Ok(())
}

/// Long-polls `/v1/switches/wait` forever: one short request at a time.
pub(crate) async fn follow_polls(
    api: ApiClient,
    mut board: Option<Board>,
    updates: mpsc::Sender<RemoteUpdate>,
    config: ClientConfig,
) {
    let mut attempt = 0;
    loop {
        let answer = match board.as_ref() {
            Some(current) => {
                api.wait_for_change(current.revision, config.poll_timeout)
                    .await
            }
            None => api.switches().await,
        };
        let update = match answer {
            Ok(next) if board.as_ref().map(|b| b.revision) != Some(next.revision) => {
                attempt = 0;
                board = Some(next.clone());
                RemoteUpdate::Board {
                    board: next,
                    complete: true,
                }
            }
            Ok(_) => {
                attempt = 0;
                RemoteUpdate::Connected
            }
            Err(error) => RemoteUpdate::Unreachable(error.to_string()),
        };
        let failed = matches!(update, RemoteUpdate::Unreachable(_));
        if updates.send(update).await.is_err() {
            return;
        }
        if failed {
            tokio::time::sleep(backoff(attempt, config.backoff_max)).await;
            attempt = attempt.saturating_add(1);
        } else if !config.poll_interval.is_zero() {
            tokio::time::sleep(config.poll_interval).await;
        }
    }
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
