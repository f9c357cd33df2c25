//! Keeping the gate's view current on the request path. A stream can be held up without
//! breaking (a proxy that stops passing bytes; Cloud Run throttling the CPU between
//! requests), so a gate whose view the server last confirmed more than `max_staleness` ago
//! reads the board before it forwards. One read at a time serves every waiting request,
//! and a failed read is not retried for `max_staleness`, so an outage costs each request
//! nothing more than the policy's decision.

use std::time::{Duration, Instant};

use ripcord_agent::Switch;
use tokio::sync::Mutex;

pub(crate) struct Freshness {
    max_staleness: Duration,
    timeout: Duration,
    /// When the last read failed, while reads fail; also the single-flight lock.
    failed_at: Mutex<Option<Instant>>,
}

/// The switch could not be confirmed.
pub(crate) struct Unconfirmed;

impl Freshness {
    pub(crate) fn new(max_staleness: Duration, timeout: Duration) -> Self {
        Freshness {
            max_staleness,
            timeout,
            failed_at: Mutex::new(None),
        }
    }

    fn is_fresh(&self, switch: &Switch) -> bool {
        switch
            .confirmed_ago()
            .is_some_and(|age| age <= self.max_staleness)
    }

    /// Makes sure `switch` was confirmed within `max_staleness`, reading the board if not.
    pub(crate) async fn ensure(&self, switch: &Switch) -> Result<(), Unconfirmed> {
        if self.is_fresh(switch) {
            return Ok(());
        }
        let mut failed_at = self.failed_at.lock().await;
        // Another request may have read it while this one waited.
        if self.is_fresh(switch) {
            return Ok(());
        }
        if failed_at.is_some_and(|at| at.elapsed() < self.max_staleness) {
            return Err(Unconfirmed);
        }
        match switch.refresh(self.timeout).await {
            Ok(_) => {
                if failed_at.take().is_some() {
                    tracing::info!("the ripcord server answers again");
                }
                Ok(())
            }
            Err(error) => {
                if failed_at.is_none() {
                    tracing::warn!(%error, "cannot confirm the switch before forwarding; the failure policy decides");
                }
                *failed_at = Some(Instant::now());
                Err(Unconfirmed)
            }
        }
    }
}
