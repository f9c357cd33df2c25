//! The JSON shapes of the control plane's HTTP API, shared by the server and its clients.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::carry::CarriedHalts;
use crate::decision::Cause;
use crate::switch::{Board, Scope};

/// Body of `POST /v1/switches/{scope}/halt` and `…/resume`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangeBody {
    pub reason: String,
    /// Who is asking; defaults to the server's name for anonymous callers.
    #[serde(default)]
    pub actor: Option<String>,
}

/// What a client reports after applying a revision (`POST /v1/agents/{id}/report`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgentReport {
    pub scope: Scope,
    pub halted: bool,
    /// The server revision this client has applied (0 before it has seen any).
    pub revision: u64,
    /// The log that revision belongs to; a report of another log than the server's shows
    /// an agent that follows a server whose state was replaced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log: Option<String>,
    /// Halts this client keeps from a log the server no longer has.
    #[serde(default, skip_serializing_if = "CarriedHalts::is_empty")]
    pub carried: CarriedHalts,
    pub cause: Option<Cause>,
    /// When the client applied it.
    pub applied_at: Timestamp,
    /// From the event's time on the server to `applied_at`, for a server event; the
    /// propagation latency of that halt or resume as this client saw it.
    pub latency_ms: Option<f64>,
    pub host: String,
    pub pid: u32,
    /// The wrapped command, for `ripcord agent`.
    pub command: Option<String>,
    /// Set in the last report of an agent that exited: its exit code. Without it `status`
    /// could not tell a finished cron run from a running one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exit_code: Option<u8>,
    /// The longest this client goes without contacting the server while it runs, in
    /// milliseconds, when it follows by long-poll (a stream is contact for as long as it is
    /// open). The server marks an agent stale after three of these with no contact.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_every_ms: Option<u64>,
}

/// An agent as the server lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgentRecord {
    pub id: String,
    /// When its last report arrived.
    pub last_seen: Timestamp,
    /// When the server last heard from it: a report, a long-poll, or its stream being open.
    pub last_contact: Timestamp,
    /// Still running by its last report, but not heard from for three keep-alive or poll
    /// intervals: its host, network or process is gone, and it may not obey a halt.
    #[serde(default)]
    pub stale: bool,
    #[serde(flatten)]
    pub report: AgentReport,
}

/// The header a client following the switch names itself with (`GET /v1/stream` and
/// `/v1/switches/wait`), so the server can record its contact.
pub const AGENT_HEADER: &str = "x-ripcord-agent";

/// The header naming how many unreadable rows a listing skipped.
pub const SKIPPED_HEADER: &str = "x-ripcord-skipped";

/// The header carrying the `after` of a listing's next page, when there may be one.
pub const NEXT_HEADER: &str = "x-ripcord-next-after";

/// The header a change carries so it can be retried without being recorded twice.
pub const IDEMPOTENCY_HEADER: &str = "idempotency-key";

/// `GET /v1/switches`, and each long-poll answer.
pub type SwitchesBody = Board;

/// The body of every 4xx and 5xx answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorDetail {
    /// A stable machine-readable code, such as `unknown_scope`.
    pub code: String,
    pub message: String,
    /// The request field at fault, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// The response header that names the audit log a board belongs to (`GET /v1/switches`
/// and long-polls); stream ids carry it as `LOG.REVISION`.
pub const LOG_HEADER: &str = "x-ripcord-log";

/// Names of the server-sent events on `GET /v1/stream`.
pub mod stream {
    /// The whole board: sent first on a fresh connection, and when a client's revision is
    /// unknown to the server.
    pub const SNAPSHOT: &str = "snapshot";
    /// One audit-log event; its SSE id is its revision.
    pub const CHANGE: &str = "change";
    /// Sent once after the snapshot or the backlog: the client is now current, and what
    /// follows is live. Its data is `{"revision": N}`.
    pub const READY: &str = "ready";
}
