//! Agents: their reports, and the list `status` shows, with who is stale.

use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::extract::{Extension, State};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use jiff::{SignedDuration, Timestamp};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use ripcord_core::api::{AgentRecord, AgentReport, NEXT_HEADER, SKIPPED_HEADER};
use ripcord_core::auth::Permission;
use serde::Deserialize;

use super::{Body, Params, Segment, agent_id, page_limit};
use crate::app::AppState;
use crate::auth::Caller;
use crate::error::ApiError;

/// How far ahead of the server's clock a report's time may be: clocks drift, but a report
/// from the future is a broken or forged client.
const MAX_CLOCK_SKEW: SignedDuration = SignedDuration::from_mins(5);
/// Missed contact intervals after which a running agent is stale.
const STALE_AFTER_INTERVALS: u32 = 3;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AgentsParams {
    /// List agents whose id sorts after this one: the `x-ripcord-next-after` of the
    /// previous page.
    after: Option<String>,
    limit: Option<i64>,
}

/// Agents by id, a page at a time. Rows that cannot be read are skipped, logged, and
/// counted in the `x-ripcord-skipped` header.
pub(crate) async fn list(
    State(state): State<Arc<AppState>>,
    Params(params): Params<AgentsParams>,
) -> Result<Response, ApiError> {
    let limit = page_limit(params.limit)?;
    let mut page = state
        .hub
        .storage()
        .agents(params.after.as_deref(), limit)
        .await?;
    for (id, error) in &page.skipped {
        tracing::warn!(agent = %ripcord_core::Printable(id), %error, "skipping an unreadable agent row");
    }
    let now = Timestamp::now();
    for agent in &mut page.agents {
        agent.stale = is_stale(&state, agent, now);
        agent.witness_problem = witness_problem(&state, agent).await?;
    }
    let mut response = Json(page.agents).into_response();
    let headers = response.headers_mut();
    if !page.skipped.is_empty() {
        headers.insert(
            HeaderName::from_static(SKIPPED_HEADER),
            HeaderValue::from(page.skipped.len()),
        );
    }
    // Percent-encoded: an id may be any printable text, a header value only ASCII.
    if let Some(next) = page.next_after.and_then(|next| {
        HeaderValue::from_str(&utf8_percent_encode(&next, NON_ALPHANUMERIC).to_string()).ok()
    }) {
        headers.insert(HeaderName::from_static(NEXT_HEADER), next);
    }
    Ok(response)
}

/// Running by its last report, with no stream open here and no contact for three of its
/// intervals (the keep-alive for streams, its long-poll cycle for pollers).
fn is_stale(state: &AppState, agent: &AgentRecord, now: Timestamp) -> bool {
    if agent.report.exit_code.is_some() || state.contacts.is_open(&agent.id) {
        return false;
    }
    let interval = agent
        .report
        .contact_every_ms
        .map(Duration::from_millis)
        .unwrap_or_default()
        .max(state.config.keep_alive);
    let allowed = SignedDuration::try_from(interval.saturating_mul(STALE_AFTER_INTERVALS))
        .unwrap_or(SignedDuration::MAX);
    now.duration_since(agent.last_contact) > allowed
}

/// Whether this log still holds the event the agent witnessed (its log's only).
async fn witness_problem(
    state: &AppState,
    agent: &AgentRecord,
) -> Result<Option<String>, ApiError> {
    let Some(witness) = &agent.report.witness else {
        return Ok(None);
    };
    if witness.log != state.hub.log_id() {
        return Ok(None);
    }
    let head = state.hub.board().revision;
    if witness.revision > head {
        return Ok(Some(format!(
            "this agent applied revision {} of this log, which now ends at revision {head}: \
             the log was rolled back or truncated",
            witness.revision
        )));
    }
    let stored = state
        .hub
        .storage()
        .events_after(witness.revision.saturating_sub(1), 1)
        .await?;
    let same = stored
        .first()
        .is_some_and(|event| event.revision == witness.revision && event.hash == witness.hash);
    Ok((!same).then(|| {
        format!(
            "this log's revision {} is not the event this agent applied: the log was rewritten",
            witness.revision
        )
    }))
}

pub(crate) async fn report(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Segment(id): Segment<String>,
    Body(report): Body<AgentReport>,
) -> Result<StatusCode, ApiError> {
    let id = agent_id(id, "id")?;
    caller.require(&state.auth, Permission::Report { agent: id.as_str() })?;
    let now = Timestamp::now();
    check_report(&report, now)?;
    let record = AgentRecord {
        id: id.into(),
        last_seen: now,
        last_contact: now,
        stale: false,
        witness_problem: None,
        report,
    };
    state.hub.storage().upsert_agent(&record).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Refuses what no honest client sends. A revision above the head or of another log is
/// kept: `status` shows it as a mismatch, which is what an operator needs to see.
fn check_report(report: &AgentReport, now: Timestamp) -> Result<(), ApiError> {
    if let Some(latency) = report.latency_ms
        && !(latency.is_finite() && latency >= 0.0)
    {
        return Err(ApiError::Invalid {
            field: "latency_ms",
            message: "expected a finite number of milliseconds, zero or more".into(),
        });
    }
    if report.applied_at.duration_since(now) > MAX_CLOCK_SKEW {
        return Err(ApiError::Invalid {
            field: "applied_at",
            message: format!(
                "{} is more than {} ahead of the server's clock ({now})",
                report.applied_at,
                jiff::fmt::friendly::SpanPrinter::new().duration_to_string(&MAX_CLOCK_SKEW)
            ),
        });
    }
    Ok(())
}
