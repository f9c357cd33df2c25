//! The notification outbox's sender: every halt, resume and drill result goes to the
//! `[notify]` channels (webhooks, Slack, Discord, email).
//!
//! Storage puts a row in the outbox in the same transaction as the switch change or drill
//! record, so nothing recorded goes unannounced. This task sends the rows after the change
//! is announced to agents, on its own: a slow or failing channel never holds a halt. A
//! channel that fails is retried with growing pauses and logged; one that took a row is not
//! sent it again. Delivery is at least once (a replica that dies mid-send sends again after
//! its restart, or another replica after the claim's lease); each notification carries an
//! `id` that is the same on every delivery, so receivers can drop repeats.

use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use ripcord_core::api::DrillRecord;
use ripcord_core::{Action, Event};
use ripcord_notifier::{Notification, NotificationKind, NotifyConfig};

use crate::app::AppState;
use crate::storage::{OUTBOX_LEASE, Outgoing, Settled};

/// Rows claimed at a time: one, so a claim's lease covers one send (every channel at
/// once, each within 15 s), never a queue of them.
const BATCH: u32 = 1;
/// A notification not delivered within this long is dropped (and logged): news of a halt a
/// day late misleads more than it helps.
const GIVE_UP_AFTER: Duration = Duration::from_secs(24 * 3600);
/// The first pause after a failure; it doubles per attempt, up to [`LONGEST_PAUSE`].
const FIRST_PAUSE: Duration = Duration::from_secs(5);
const LONGEST_PAUSE: Duration = Duration::from_secs(600);
/// The shortest wait between looks at the outbox, so two replicas racing for a row never
/// spin.
const SHORTEST_WAIT: Duration = Duration::from_millis(250);
/// The first pause after the outbox could not be read; it doubles up to a lease.
const FIRST_ERROR_PAUSE: Duration = Duration::from_secs(1);

/// Sends the outbox until the server stops (the task is aborted then; a row whose send was
/// cut off is sent again later). Woken by `state.outbox` when this replica records
/// something or hears of another's change; otherwise it looks only when a retry (or
/// another replica's lease) is due. With nothing pending it sleeps until woken.
pub(crate) async fn run(state: Arc<AppState>) {
    let storage = state.hub.storage().clone();
    let mut errors = 0u32;
    loop {
        let claimed = storage
            .claim_notifications(Timestamp::now(), OUTBOX_LEASE, BATCH)
            .await;
        let next = match claimed {
            Ok(claimed) if claimed.is_empty() => storage.next_notification_due().await,
            Ok(claimed) => {
                for outgoing in claimed {
                    send(&state, outgoing).await;
                }
                errors = 0;
                continue;
            }
            Err(error) => Err(error),
        };
        let wait = match next {
            Ok(due) => {
                errors = 0;
                due.map(|due| until(due).clamp(SHORTEST_WAIT, OUTBOX_LEASE))
            }
            Err(error) => {
                // A database that is down or read-only: look again less and less often.
                let pause = FIRST_ERROR_PAUSE
                    .saturating_mul(2u32.saturating_pow(errors.min(16)))
                    .min(OUTBOX_LEASE);
                errors = errors.saturating_add(1);
                tracing::warn!(%error, retry_in = ?pause, "cannot read the notification outbox");
                Some(pause)
            }
        };
        match wait {
            Some(wait) => {
                tokio::select! {
                    () = state.outbox.notified() => {}
                    () = tokio::time::sleep(wait) => {}
                }
            }
            None => state.outbox.notified().await,
        }
    }
}

/// One attempt at one row, recorded whatever it did.
async fn send(state: &AppState, outgoing: Outgoing) {
    let config = &state.config.notify;
    let now = Timestamp::now();
    let settled = if now.duration_since(outgoing.created).as_secs_f64()
        > GIVE_UP_AFTER.as_secs_f64()
    {
        tracing::warn!(id = %outgoing.id, attempts = outgoing.attempts, "gave up on a notification nobody took within a day");
        give_up(&outgoing, "not delivered within a day".into())
    } else {
        match notification(
            &outgoing,
            state.hub.log_id(),
            state.config.environment.as_deref(),
        ) {
            Ok(notification) => attempt(config, &outgoing, &notification, now).await,
            Err(reason) => {
                tracing::error!(id = %outgoing.id, %reason, "an outbox row cannot be read; it is dropped");
                give_up(&outgoing, reason)
            }
        }
    };
    match state
        .hub
        .storage()
        .settle_notification(&outgoing.id, &settled, OUTBOX_LEASE)
        .await
    {
        Ok(true) => {}
        Ok(false) => {
            tracing::warn!(id = %outgoing.id, "a notification's claim ran out before it was settled; another replica may send it again")
        }
        Err(error) => {
            tracing::warn!(id = %outgoing.id, %error, "cannot record a notification's delivery; it may be sent again")
        }
    }
}

async fn attempt(
    config: &NotifyConfig,
    outgoing: &Outgoing,
    notification: &Notification,
    now: Timestamp,
) -> Settled {
    let mut delivered = outgoing.delivered.clone();
    let failures = match ripcord_notifier::deliver(config, notification, &delivered).await {
        Ok(delivery) => {
            delivered.extend(delivery.delivered);
            delivery.failures
        }
        Err(error) => vec![error.to_string()],
    };
    let done = ripcord_notifier::channel_keys(config)
        .iter()
        .all(|key| delivered.contains(key));
    let pause = pause_after(outgoing.attempts);
    if failures.is_empty() {
        tracing::info!(id = %outgoing.id, "notification sent");
    } else {
        tracing::warn!(
            id = %outgoing.id,
            attempt = outgoing.attempts + 1,
            retry_in = ?pause,
            failures = %failures.join("; "),
            "a notification channel failed; it will be retried"
        );
    }
    Settled {
        delivered,
        done,
        retry_at: now
            .checked_add(jiff::SignedDuration::try_from(pause).unwrap_or_default())
            .unwrap_or(now),
        error: (!failures.is_empty()).then(|| failures.join("; ")),
    }
}

fn give_up(outgoing: &Outgoing, reason: String) -> Settled {
    Settled {
        delivered: outgoing.delivered.clone(),
        done: true,
        retry_at: Timestamp::now(),
        error: Some(reason),
    }
}

/// 5 s, 10 s, 20 s … up to 10 minutes.
fn pause_after(attempts: u32) -> Duration {
    FIRST_PAUSE
        .saturating_mul(2u32.saturating_pow(attempts.min(16)))
        .min(LONGEST_PAUSE)
}

fn until(at: Timestamp) -> Duration {
    Timestamp::now()
        .duration_until(at)
        .try_into()
        .unwrap_or(Duration::ZERO)
}

/// What an outbox row says, as people and machines read it. `log_id` makes switch ids
/// unique across logs (a wiped state starts its revisions again).
pub(crate) fn notification(
    outgoing: &Outgoing,
    log_id: &str,
    environment: Option<&str>,
) -> Result<Notification, String> {
    let unreadable = |error: serde_json::Error| format!("{}: {error}", outgoing.id);
    let mut notification = if outgoing.id.starts_with("switch/") {
        let event: Event = serde_json::from_value(outgoing.subject.clone()).map_err(unreadable)?;
        switch_change(&event, log_id)
    } else if outgoing.id.starts_with("drill/") {
        let drill: DrillRecord =
            serde_json::from_value(outgoing.subject.clone()).map_err(unreadable)?;
        drill_result(&drill)
    } else {
        return Err(format!("{}: not a switch change or a drill", outgoing.id));
    };
    if let Some(environment) = environment {
        notification = notification.field("environment", environment);
    }
    notification.data = Some(outgoing.subject.clone());
    Ok(notification)
}

fn switch_change(event: &Event, log_id: &str) -> Notification {
    let (kind, verb) = match event.action {
        Action::Halt => (NotificationKind::Halt, "halted"),
        Action::Resume => (NotificationKind::Resume, "resumed"),
    };
    let rehearsal = if event.drill { "Drill: " } else { "" };
    let mut notification = Notification::new(
        kind,
        true,
        format!("{rehearsal}{} {verb} by {}", event.scope, event.actor),
        event.reason.clone(),
    )
    .field("scope", &event.scope)
    .field("revision", event.revision)
    .field("actor", &event.actor);
    if event.drill {
        notification = notification.field("drill", "yes");
    }
    if let Some(source) = &event.source {
        notification = notification.field("source", source);
    }
    notification.at = event.at;
    notification.id = Some(format!("{log_id}:{}", event.revision));
    notification
}

fn drill_result(drill: &DrillRecord) -> Notification {
    let findings = drill.report["findings"]
        .as_array()
        .map(|findings| {
            findings
                .iter()
                .filter_map(|finding| finding.as_str())
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default();
    let mut notification = Notification::new(
        NotificationKind::Drill,
        drill.passed(),
        format!("{} drill {}", drill.kind, drill.verdict),
        findings,
    )
    .field("drill", &drill.id)
    .field("status", &drill.status);
    if let Some(scope) = &drill.scope {
        notification = notification.field("scope", scope);
    }
    notification = notification
        .field("started", drill.started)
        .field("ended", drill.ended)
        .field("recorded by", &drill.recorded_by);
    notification.at = drill.ended;
    notification.id = Some(format!("drill:{}", drill.id));
    notification
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outgoing(id: &str, subject: serde_json::Value) -> Outgoing {
        Outgoing {
            id: id.into(),
            subject,
            created: Timestamp::now(),
            attempts: 0,
            delivered: Vec::new(),
        }
    }

    #[test]
    fn a_halt_names_scope_actor_reason_and_a_stable_id() {
        let event = serde_json::json!({
            "revision": 7, "scope": "global", "action": "halt", "actor": "alice",
            "reason": "bad deploy", "at": "2026-12-01T10:00:00Z", "drill": false,
        });
        let row = outgoing("switch/7", event);
        let notification = notification(&row, "log1", Some("staging")).expect("notification");
        assert_eq!(notification.kind, NotificationKind::Halt);
        assert_eq!(notification.id.as_deref(), Some("log1:7"));
        assert_eq!(notification.title, "global halted by alice");
        assert_eq!(notification.text, "bad deploy");
        assert!(
            notification
                .fields
                .contains(&("environment".into(), "staging".into()))
        );
        assert_eq!(notification.at.to_string(), "2026-12-01T10:00:00Z");
        assert_eq!(notification.data.expect("data")["revision"], 7);
    }

    #[test]
    fn a_drill_result_carries_its_verdict_and_findings() {
        let drill = serde_json::json!({
            "id": "d1", "kind": "killswitch", "started": "2026-12-01T10:00:00Z",
            "ended": "2026-12-01T10:01:00Z", "status": "completed", "verdict": "missed",
            "recorded_by": "ops", "report": {"findings": ["agent w1 took 3 s (SLO 2 s)"]},
        });
        let notification =
            notification(&outgoing("drill/d1", drill), "log1", None).expect("notification");
        assert!(!notification.ok);
        assert_eq!(notification.title, "killswitch drill missed");
        assert!(notification.text.contains("w1 took 3 s"));
        assert_eq!(notification.id.as_deref(), Some("drill:d1"));
    }

    #[test]
    fn an_unreadable_row_is_an_error_not_a_panic() {
        let row = outgoing("switch/1", serde_json::json!({"revision": "x"}));
        assert!(notification(&row, "log", None).is_err());
        assert!(notification(&outgoing("other/1", serde_json::json!({})), "log", None).is_err());
    }

    #[test]
    fn pauses_double_up_to_ten_minutes() {
        assert_eq!(pause_after(0), Duration::from_secs(5));
        assert_eq!(pause_after(1), Duration::from_secs(10));
        assert_eq!(pause_after(40), LONGEST_PAUSE);
    }
}
