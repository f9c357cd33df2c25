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
    /// A rehearsal, not an incident: recorded and obeyed like any change.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub drill: bool,
    /// The tool that asks, when not a person (`drill`, `cost-alarm`, `gate`…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
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
    /// The furthest event of the server's log this client has applied: if the log later
    /// lacks it, the log was rolled back or rewritten, which no hash chain shows alone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub witness: Option<Witness>,
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

/// The furthest event of one log a client applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Witness {
    pub log: String,
    pub revision: u64,
    pub hash: String,
    /// The server replaced the history this event belongs to: the witness stays here, as
    /// evidence, however far the log grows again.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub lost: bool,
}

impl Witness {
    /// The witness after a client that held `previous` takes in a board of `log`
    /// (`replaced`: the server said this is not the history the client followed). It
    /// moves forward with the log, never back, and not at all once the log lost it: a log
    /// rolled back and grown again past the witness must not erase it.
    pub fn advance(
        previous: Option<&Witness>,
        log: Option<&str>,
        board: &Board,
        replaced: bool,
    ) -> Option<Witness> {
        let (Some(log), Some(head)) = (log, board.head()) else {
            return previous.cloned();
        };
        match previous {
            Some(previous) if previous.log == log && (previous.lost || replaced) => Some(Witness {
                lost: true,
                ..previous.clone()
            }),
            Some(previous) if previous.log == log && previous.revision >= head.revision => {
                Some(previous.clone())
            }
            _ if head.hash.is_empty() => previous.cloned(),
            _ => Some(Witness {
                log: log.to_owned(),
                revision: head.revision,
                hash: head.hash.clone(),
                lost: false,
            }),
        }
    }
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
    /// Set when the server's log no longer holds the event this agent witnessed: the log
    /// was rolled back, truncated or rewritten.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub witness_problem: Option<String>,
    #[serde(flatten)]
    pub report: AgentReport,
}

/// The longest agent id accepted, in bytes.
pub const MAX_AGENT_ID_LEN: usize = 200;

/// How a client names itself in reports and in `status`: 1 to 200 bytes of printable text
/// (any script: a command's name is often not ASCII). It travels in URL paths and query
/// strings, percent-encoded, never in a header.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AgentId(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("an agent id is 1 to {MAX_AGENT_ID_LEN} bytes of printable text, got {0:?}")]
pub struct AgentIdError(pub String);

impl AgentId {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `host/program/pid`, with the program's name shortened (at a character boundary)
    /// when the whole would be too long, and control characters replaced.
    pub fn for_process(host: &str, program: &str, pid: u32) -> Self {
        let clean = |text: &str| -> String {
            text.chars()
                .map(|c| if c.is_control() { '?' } else { c })
                .collect()
        };
        let (host, program) = (clean(host), clean(program));
        let suffix = format!("/{pid}");
        let mut id = String::new();
        for c in host.chars().chain(['/']).chain(program.chars()) {
            if id.len() + c.len_utf8() + suffix.len() > MAX_AGENT_ID_LEN {
                break;
            }
            id.push(c);
        }
        id.push_str(&suffix);
        AgentId(id)
    }
}

impl TryFrom<String> for AgentId {
    type Error = AgentIdError;

    fn try_from(id: String) -> Result<Self, Self::Error> {
        if id.is_empty() || id.len() > MAX_AGENT_ID_LEN || id.chars().any(char::is_control) {
            return Err(AgentIdError(id));
        }
        Ok(AgentId(id))
    }
}

impl std::str::FromStr for AgentId {
    type Err = AgentIdError;

    fn from_str(id: &str) -> Result<Self, Self::Err> {
        AgentId::try_from(id.to_owned())
    }
}

impl From<AgentId> for String {
    fn from(id: AgentId) -> Self {
        id.0
    }
}

impl std::fmt::Display for AgentId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The header naming how many unreadable rows a listing skipped.
pub const SKIPPED_HEADER: &str = "x-ripcord-skipped";

/// Set on a long-poll answer when the server's log is not the history the client followed
/// (its event at the client's revision differs, or it has not reached that revision): a
/// log restored from an older copy. The client carries its halts, as for another log.
pub const REPLACED_HEADER: &str = "x-ripcord-replaced";

/// The header carrying the `after` of a listing's next page, when there may be one,
/// percent-encoded.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_witness_moves_forward_with_its_log_and_never_back() {
        use crate::switch::{Action, ChangeRequest};
        let mut board = Board::new([]);
        let step = |board: &mut Board| {
            let request = ChangeRequest {
                scope: Scope::global(),
                action: Action::Halt,
                actor: "ops".into(),
                reason: "r".into(),
                drill: false,
                source: None,
            };
            let mut event = board
                .decide(request, jiff::Timestamp::UNIX_EPOCH)
                .expect("valid");
            event.hash = format!("h{}", event.revision);
            board.apply(&event).expect("in order");
        };
        assert_eq!(Witness::advance(None, Some("a"), &board, false), None);
        step(&mut board);
        step(&mut board);
        let at_two = Witness::advance(None, Some("a"), &board, false).expect("witness");
        assert_eq!((at_two.revision, at_two.hash.as_str()), (2, "h2"));
        let mut rolled_back = Board::new([]);
        step(&mut rolled_back);
        let kept = Witness::advance(Some(&at_two), Some("a"), &rolled_back, true).expect("kept");
        assert_eq!(
            (kept.revision, kept.lost),
            (2, true),
            "a log that went back keeps it"
        );
        // The log grows again past the witness: it stays, as evidence.
        for _ in 0..3 {
            step(&mut rolled_back);
        }
        let still = Witness::advance(Some(&kept), Some("a"), &rolled_back, false).expect("kept");
        assert_eq!(still, kept, "growing again does not erase the evidence");
        let other_log =
            Witness::advance(Some(&at_two), Some("b"), &rolled_back, false).expect("new");
        assert_eq!((other_log.log.as_str(), other_log.revision), ("b", 4));
    }

    #[test]
    fn agent_ids_take_any_script_and_refuse_control_characters_and_length() {
        assert!("vm-1/générer-rapport.sh/42".parse::<AgentId>().is_ok());
        assert!("".parse::<AgentId>().is_err());
        assert!("a\u{1b}b".parse::<AgentId>().is_err());
        assert!("x".repeat(MAX_AGENT_ID_LEN + 1).parse::<AgentId>().is_err());
    }

    #[test]
    fn a_process_id_is_shortened_to_fit_at_a_character_boundary() {
        let long = "é".repeat(300);
        let id = AgentId::for_process("host", &long, 12345);
        assert!(
            id.as_str().len() <= MAX_AGENT_ID_LEN,
            "{}",
            id.as_str().len()
        );
        assert!(id.as_str().starts_with("host/é") && id.as_str().ends_with("/12345"));
        assert!(AgentId::try_from(String::from(id)).is_ok());
        let plain = AgentId::for_process("vm", "job\n", 7);
        assert_eq!(plain.as_str(), "vm/job?/7");
    }
}

/// A drill as the control plane keeps it (`POST /v1/drills`, `GET /v1/drills`): what
/// `status` and the console show, and the whole report as the drill wrote it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DrillRecord {
    pub id: String,
    /// `killswitch` or `restore`.
    pub kind: String,
    pub started: Timestamp,
    pub ended: Timestamp,
    /// `completed`, `failed` or `stopped`.
    pub status: String,
    /// `passed`, `missed` or `inconclusive`.
    pub verdict: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// Who recorded it: set by the server from the caller, whatever the body says.
    #[serde(default)]
    pub recorded_by: String,
    pub report: serde_json::Value,
}

impl DrillRecord {
    /// Whether every check of the drill was met.
    pub fn passed(&self) -> bool {
        self.status == "completed" && self.verdict == "passed"
    }
}

/// What a backup command did, as the control plane keeps it (`POST /v1/backups`,
/// `GET /v1/backups`): the line of the host's run log, so `status` shows the last backup
/// and verification wherever they ran.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BackupRecord {
    /// Chosen by the sender, so a retry is kept once.
    pub id: String,
    /// `run`, `verify`, `verify-restore`, `restore` or `prune`.
    pub kind: String,
    pub started_at: Timestamp,
    pub duration_ms: u64,
    pub ok: bool,
    pub destination: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backup_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bytes: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(default)]
    pub scheduled: bool,
    /// The host that ran it.
    pub host: String,
    /// Who recorded it: set by the server from the caller, whatever the body says.
    #[serde(default)]
    pub recorded_by: String,
}
