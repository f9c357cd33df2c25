//! The switch model: a global switch plus named scopes, changed only by events.
//!
//! Pure: every function takes `now` as an argument and does no I/O, so the whole model is
//! tested without clocks, sockets or sleeps. The server decides events with [`Board::decide`],
//! makes them durable, then applies them with [`Board::apply`]; clients replay the same
//! events and so always agree with the server on what a revision means.

use std::collections::BTreeMap;
use std::fmt;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::decision::{Cause, Source};

/// The longest reason accepted; an audit log is for sentences, not payloads.
pub const MAX_REASON_LEN: usize = 1_000;
/// The longest actor name accepted.
pub const MAX_ACTOR_LEN: usize = 200;

/// A switch name: `global`, or a scope such as `api`, `worker` or `cron`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Scope(String);

impl Scope {
    /// The switch that halts every scope.
    pub const GLOBAL: &'static str = "global";

    pub fn global() -> Self {
        Scope(Self::GLOBAL.to_owned())
    }

    pub fn is_global(&self) -> bool {
        self.0 == Self::GLOBAL
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Scope {
    type Error = ModelError;

    /// Scope names are short lowercase identifiers so they are safe as file names (local
    /// halt markers), URL path segments and metric labels.
    fn try_from(name: String) -> Result<Self, Self::Error> {
        let valid = !name.is_empty()
            && name.len() <= 63
            && name.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
        if valid {
            Ok(Scope(name))
        } else {
            Err(ModelError::InvalidScopeName(name))
        }
    }
}

impl std::str::FromStr for Scope {
    type Err = ModelError;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Scope::try_from(name.to_owned())
    }
}

impl From<Scope> for String {
    fn from(scope: Scope) -> Self {
        scope.0
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Halt,
    Resume,
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Action::Halt => "halt",
            Action::Resume => "resume",
        })
    }
}

/// What someone asks for: not yet an event, because it has no revision and is not validated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeRequest {
    pub scope: Scope,
    pub action: Action,
    pub actor: String,
    pub reason: String,
    /// Part of a drill: a rehearsal, not an incident.
    #[serde(default)]
    pub drill: bool,
    /// What asked, when not a person: `drill`, `cost-alarm`, `gate`… (see [`check_source`]).
    #[serde(default)]
    pub source: Option<String>,
}

/// The longest `source` accepted, in bytes.
pub const MAX_SOURCE_LEN: usize = 64;

/// A source names a tool, not a person: 1 to [`MAX_SOURCE_LEN`] of `a-z`, `0-9`, `-`,
/// `_`, `.`.
pub fn check_source(source: &str) -> Result<(), ModelError> {
    let valid = (1..=MAX_SOURCE_LEN).contains(&source.len())
        && source.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_' | b'.')
        });
    if valid {
        Ok(())
    } else {
        Err(ModelError::InvalidSource(source.to_owned()))
    }
}

fn is_false(value: &bool) -> bool {
    !value
}

/// One entry of the audit log. Revisions start at 1 and have no gaps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub revision: u64,
    pub scope: Scope,
    pub action: Action,
    pub actor: String,
    pub reason: String,
    pub at: Timestamp,
    /// Part of a drill: clients obey it like any halt; people and reports can tell.
    #[serde(default, skip_serializing_if = "is_false")]
    pub drill: bool,
    /// What recorded it, when not a person (`drill`, `cost-alarm`, `gate`…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The link of this event in the log's hash chain ([`crate::chain`]); empty until the
    /// server records it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub hash: String,
}

impl Event {
    /// The drill flag and the source, as hashed: two more fields (`1` or `0`, and the
    /// source or nothing) when either is set, none otherwise, so the events of logs
    /// written before they existed keep their hashes.
    pub fn marks(&self) -> Vec<&[u8]> {
        if !self.drill && self.source.is_none() {
            return Vec::new();
        }
        let drill: &[u8] = if self.drill { b"1" } else { b"0" };
        vec![drill, self.source.as_deref().unwrap_or("").as_bytes()]
    }

    /// A digest of every field, so two events with one revision can be told apart: a log
    /// restored from an older copy reuses revisions for other events. SHA-256 over each
    /// field's length (8 bytes, big-endian) and bytes, in a fixed order; the first 16
    /// bytes, in hex.
    pub fn digest(&self) -> String {
        use sha2::{Digest, Sha256};
        let mut hasher = Sha256::new();
        let at = self.at.to_string();
        let action = self.action.to_string();
        let revision = self.revision.to_be_bytes();
        let mut fields: Vec<&[u8]> = vec![
            &revision,
            self.scope.as_str().as_bytes(),
            action.as_bytes(),
            self.actor.as_bytes(),
            self.reason.as_bytes(),
            at.as_bytes(),
        ];
        fields.extend(self.marks());
        for field in fields {
            hasher.update((field.len() as u64).to_be_bytes());
            hasher.update(field);
        }
        hex::encode(&hasher.finalize()[..16])
    }
}

/// The state of one switch, and the event that last changed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SwitchState {
    pub halted: bool,
    /// The last event for this switch; `None` for a switch never touched.
    pub last: Option<Event>,
}

/// Every switch at one revision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Board {
    pub revision: u64,
    pub switches: BTreeMap<Scope, SwitchState>,
}

/// What a board does with an event it is offered ([`Board::offer`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Offer {
    /// It was the next revision, and is applied.
    Applied,
    /// It is at or below the board's revision: already applied, nothing to do.
    Known,
    /// Events between the board and it are missing: catch up (from storage, or by
    /// reconnecting from the board's revision) before it can be applied.
    Gap,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ModelError {
    #[error(
        "invalid scope name `{0}`: expected 1 to 63 characters of a-z, 0-9, `-` or `_`, starting with a letter or digit"
    )]
    InvalidScopeName(String),
    #[error("unknown scope `{scope}`; known scopes: {known}")]
    UnknownScope { scope: Scope, known: String },
    #[error("field `reason` must not be empty: say why, it goes into the audit log")]
    MissingReason,
    #[error("field `reason` is {0} bytes long; at most {MAX_REASON_LEN} are accepted")]
    ReasonTooLong(usize),
    #[error("field `actor` must be 1 to {MAX_ACTOR_LEN} bytes long")]
    InvalidActor,
    #[error(
        "invalid source `{0}`: 1 to {MAX_SOURCE_LEN} of a-z, 0-9, `-`, `_`, `.`, naming a tool"
    )]
    InvalidSource(String),
    #[error("event revision {got} does not follow board revision {expected_after}")]
    OutOfOrder { expected_after: u64, got: u64 },
}

impl ModelError {
    /// The request field the error is about, for API error bodies.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            ModelError::InvalidScopeName(_) | ModelError::UnknownScope { .. } => Some("scope"),
            ModelError::MissingReason | ModelError::ReasonTooLong(_) => Some("reason"),
            ModelError::InvalidActor => Some("actor"),
            ModelError::InvalidSource(_) => Some("source"),
            ModelError::OutOfOrder { .. } => None,
        }
    }
}

impl Board {
    /// A board at revision 0 with every switch running: `global` plus the declared scopes.
    pub fn new(scopes: impl IntoIterator<Item = Scope>) -> Self {
        let running = SwitchState {
            halted: false,
            last: None,
        };
        let switches = std::iter::once(Scope::global())
            .chain(scopes)
            .map(|scope| (scope, running.clone()))
            .collect();
        Board {
            revision: 0,
            switches,
        }
    }

    /// Rebuilds a board from its declared scopes and the audit log.
    pub fn replay<'a>(
        scopes: impl IntoIterator<Item = Scope>,
        events: impl IntoIterator<Item = &'a Event>,
    ) -> Result<Self, ModelError> {
        let mut board = Board::new(scopes);
        for event in events {
            board.apply(event)?;
        }
        Ok(board)
    }

    /// Rebuilds a board from a log that may have been changed outside ripcord, naming
    /// what is wrong with it instead of failing: a kill switch must come up even then. An
    /// event after a gap is applied (the board keeps every switch's latest recorded
    /// state), one at or below a revision already applied is skipped.
    pub fn replay_damaged<'a>(
        scopes: impl IntoIterator<Item = Scope>,
        events: impl IntoIterator<Item = &'a Event>,
    ) -> (Self, Vec<String>) {
        let mut board = Board::new(scopes);
        let mut problems = Vec::new();
        for event in events {
            if event.revision <= board.revision {
                problems.push(format!(
                    "revision {} comes after revision {}: skipped",
                    event.revision, board.revision
                ));
                continue;
            }
            if event.revision > board.revision + 1 {
                problems.push(format!(
                    "revisions {} to {} are missing",
                    board.revision + 1,
                    event.revision - 1
                ));
                board.revision = event.revision - 1;
            }
            board.offer(event);
        }
        (board, problems)
    }

    /// Validates a request against this board and turns it into the next event.
    pub fn decide(&self, request: ChangeRequest, now: Timestamp) -> Result<Event, ModelError> {
        if !self.switches.contains_key(&request.scope) {
            return Err(ModelError::UnknownScope {
                scope: request.scope,
                known: self.scope_list(),
            });
        }
        let reason = request.reason.trim();
        if reason.is_empty() {
            return Err(ModelError::MissingReason);
        }
        if reason.len() > MAX_REASON_LEN {
            return Err(ModelError::ReasonTooLong(reason.len()));
        }
        let actor = request.actor.trim();
        if actor.is_empty() || actor.len() > MAX_ACTOR_LEN {
            return Err(ModelError::InvalidActor);
        }
        if let Some(source) = &request.source {
            check_source(source)?;
        }
        Ok(Event {
            revision: self.revision + 1,
            scope: request.scope,
            action: request.action,
            actor: actor.to_owned(),
            reason: reason.to_owned(),
            // What the chain and every storage keep.
            at: crate::chain::to_micros(now),
            drill: request.drill,
            source: request.source,
            hash: String::new(),
        })
    }

    /// Applies the next event, and only the next. A scope that is no longer declared still
    /// replays, so an old audit log never becomes unreadable after a configuration change.
    pub fn apply(&mut self, event: &Event) -> Result<(), ModelError> {
        match self.offer(event) {
            Offer::Applied => Ok(()),
            Offer::Known | Offer::Gap => Err(ModelError::OutOfOrder {
                expected_after: self.revision,
                got: event.revision,
            }),
        }
    }

    /// Takes an event as it arrives from storage or a stream: the next revision is applied,
    /// one already applied is ignored, and one past a gap is left for the caller to catch
    /// up to. The server's hub and every client follow the log by this one rule.
    pub fn offer(&mut self, event: &Event) -> Offer {
        if event.revision <= self.revision {
            return Offer::Known;
        }
        if event.revision > self.revision + 1 {
            return Offer::Gap;
        }
        self.revision = event.revision;
        self.switches.insert(
            event.scope.clone(),
            SwitchState {
                halted: event.action == Action::Halt,
                last: Some(event.clone()),
            },
        );
        Offer::Applied
    }

    /// Whether a client of `scope` must stop: its own switch or the global one is halted.
    /// The global switch wins, so a client learns the widest reason first.
    pub fn halt_cause(&self, scope: &Scope) -> Option<Cause> {
        [Scope::global(), scope.clone()]
            .into_iter()
            .find_map(|name| {
                let state = self.switches.get(&name)?;
                state.halted.then(|| {
                    let last = state.last.as_ref();
                    Cause {
                        source: Source::Server,
                        scope: name,
                        reason: last.map(|e| e.reason.clone()).unwrap_or_default(),
                        actor: last.map(|e| e.actor.clone()).unwrap_or_default(),
                        at: last.map(|e| e.at),
                    }
                })
            })
    }

    pub fn is_halted(&self, scope: &Scope) -> bool {
        self.halt_cause(scope).is_some()
    }

    /// The hash of the event at this board's revision: what the next event links to.
    pub fn head_hash(&self) -> &str {
        self.head()
            .map_or(crate::chain::GENESIS, |event| event.hash.as_str())
    }

    /// The event at this board's revision (the last one applied), if any: it is the last
    /// event of the switch it changed.
    pub fn head(&self) -> Option<&Event> {
        self.switches
            .values()
            .filter_map(|state| state.last.as_ref())
            .find(|event| event.revision == self.revision)
    }

    /// Whether `scope` is a switch of this board.
    pub fn knows(&self, scope: &Scope) -> bool {
        self.switches.contains_key(scope)
    }

    pub fn scope_list(&self) -> String {
        let names: Vec<&str> = self.switches.keys().map(Scope::as_str).collect();
        names.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope(name: &str) -> Scope {
        name.parse().expect("valid scope")
    }

    fn board() -> Board {
        Board::new(["api", "worker", "cron"].map(scope))
    }

    fn request(name: &str, action: Action) -> ChangeRequest {
        ChangeRequest {
            scope: scope(name),
            action,
            actor: "alice".into(),
            reason: "incident 42".into(),
            drill: false,
            source: None,
        }
    }

    fn at(second: i64) -> Timestamp {
        Timestamp::from_second(1_700_000_000 + second).expect("valid time")
    }

    fn step(board: &mut Board, name: &str, action: Action, second: i64) -> Event {
        let event = board
            .decide(request(name, action), at(second))
            .expect("valid request");
        board.apply(&event).expect("in order");
        event
    }

    #[test]
    fn a_damaged_log_still_replays_to_every_switchs_latest_state() {
        let mut board = board();
        let events: Vec<Event> = [
            ("api", Action::Halt),
            ("cron", Action::Halt),
            ("api", Action::Resume),
            ("worker", Action::Halt),
        ]
        .into_iter()
        .enumerate()
        .map(|(second, (name, action))| step(&mut board, name, action, second as i64))
        .collect();
        let (intact, problems) = Board::replay_damaged(board.switches.keys().cloned(), &events);
        assert_eq!((intact.clone(), problems.len()), (board.clone(), 0));
        // Revision 2 deleted, revision 3 repeated after 4.
        let damaged = [&events[0], &events[2], &events[3], &events[2]];
        let (replayed, problems) = Board::replay_damaged(board.switches.keys().cloned(), damaged);
        assert_eq!(replayed.revision, 4);
        assert!(replayed.switches[&scope("worker")].halted);
        assert!(!replayed.switches[&scope("api")].halted);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(
            problems[0].contains("revisions 2 to 2 are missing"),
            "{problems:?}"
        );
    }

    #[test]
    fn a_drill_and_its_source_are_carried_and_a_source_must_name_a_tool() {
        let board = board();
        let drill = ChangeRequest {
            drill: true,
            source: Some("drill".into()),
            ..request("api", Action::Halt)
        };
        let event = board.decide(drill.clone(), at(0)).expect("valid");
        assert!(event.drill);
        assert_eq!(event.source.as_deref(), Some("drill"));
        for bad in [
            "",
            "Gate",
            "cost alarm",
            "x\u{202e}",
            &"a".repeat(MAX_SOURCE_LEN + 1),
        ] {
            let request = ChangeRequest {
                source: Some(bad.to_owned()),
                ..drill.clone()
            };
            let refused = board.decide(request, at(0)).expect_err(bad);
            assert_eq!(refused.field(), Some("source"), "{bad:?}");
        }
    }

    #[test]
    fn a_global_halt_halts_every_scope_and_a_resume_releases_them() {
        let mut board = board();
        step(&mut board, "global", Action::Halt, 0);
        for name in ["api", "worker", "cron", "global"] {
            let cause = board.halt_cause(&scope(name)).expect("halted");
            assert_eq!(cause.scope, Scope::global());
        }
        step(&mut board, "global", Action::Resume, 1);
        assert!(!board.is_halted(&scope("api")));
    }

    #[test]
    fn a_scope_halt_leaves_other_scopes_running() {
        let mut board = board();
        step(&mut board, "worker", Action::Halt, 0);
        assert!(board.is_halted(&scope("worker")));
        assert!(!board.is_halted(&scope("api")));
        assert!(!board.is_halted(&Scope::global()));
    }

    #[test]
    fn the_global_cause_wins_over_the_scope_cause() {
        let mut board = board();
        step(&mut board, "worker", Action::Halt, 0);
        step(&mut board, "global", Action::Halt, 1);
        assert_eq!(
            board.halt_cause(&scope("worker")).map(|c| c.scope),
            Some(Scope::global())
        );
        step(&mut board, "global", Action::Resume, 2);
        assert_eq!(
            board.halt_cause(&scope("worker")).map(|c| c.scope),
            Some(scope("worker"))
        );
    }

    #[test]
    fn revisions_are_monotonic_and_carry_actor_reason_and_time() {
        let mut board = board();
        let first = step(&mut board, "api", Action::Halt, 5);
        let second = step(&mut board, "api", Action::Resume, 6);
        assert_eq!((first.revision, second.revision), (1, 2));
        assert_eq!(first.actor, "alice");
        assert_eq!(first.reason, "incident 42");
        assert_eq!(first.at, at(5));
        assert_eq!(board.revision, 2);
    }

    #[test]
    fn replay_of_the_audit_log_rebuilds_the_same_board() {
        let mut live = board();
        let events = vec![
            step(&mut live, "api", Action::Halt, 0),
            step(&mut live, "global", Action::Halt, 1),
            step(&mut live, "api", Action::Resume, 2),
        ];
        let replayed =
            Board::replay(["api", "worker", "cron"].map(scope), &events).expect("replay");
        assert_eq!(replayed, live);
    }

    #[test]
    fn the_digest_tells_events_of_one_revision_apart_and_is_stable() {
        let mut board = board();
        let event = step(&mut board, "api", Action::Halt, 0);
        assert_eq!(board.head(), Some(&event));
        let other = Event {
            reason: "another reason".into(),
            ..event.clone()
        };
        assert_ne!(event.digest(), other.digest());
        assert_eq!(event.digest(), event.clone().digest());
        assert_eq!(event.digest().len(), 32);
        // Length prefixes: moving bytes from one field to the next changes the digest.
        let shifted = Event {
            actor: "alic".into(),
            reason: format!("e{}", event.reason),
            ..event.clone()
        };
        assert_ne!(event.digest(), shifted.digest());
    }

    #[test]
    fn an_offered_event_is_applied_ignored_or_a_gap() {
        let mut board = board();
        let first = step(&mut board.clone(), "api", Action::Halt, 0);
        let second = Event {
            revision: 2,
            ..first.clone()
        };
        assert_eq!(board.offer(&second), Offer::Gap);
        assert_eq!(board.revision, 0);
        assert_eq!(board.offer(&first), Offer::Applied);
        assert_eq!(board.offer(&first), Offer::Known);
        assert_eq!(board.offer(&second), Offer::Applied);
        assert_eq!(board.revision, 2);
    }

    #[test]
    fn out_of_order_events_are_refused() {
        let mut board = board();
        let event = board
            .decide(request("api", Action::Halt), at(0))
            .expect("valid");
        let skipped = Event {
            revision: 2,
            ..event
        };
        assert_eq!(
            board.apply(&skipped),
            Err(ModelError::OutOfOrder {
                expected_after: 0,
                got: 2
            })
        );
    }

    #[test]
    fn replay_keeps_scopes_that_are_no_longer_declared() {
        let mut old = Board::new([scope("legacy")]);
        let event = step(&mut old, "legacy", Action::Halt, 0);
        let board = Board::replay([scope("api")], [&event]).expect("replay");
        assert!(board.is_halted(&scope("legacy")));
    }

    #[test]
    fn bad_requests_name_the_field() {
        let board = board();
        let unknown = board
            .decide(request("payments", Action::Halt), at(0))
            .expect_err("unknown scope");
        assert_eq!(unknown.field(), Some("scope"));
        assert!(unknown.to_string().contains("payments"));
        assert!(unknown.to_string().contains("api, cron, global, worker"));

        let blank = ChangeRequest {
            reason: "  ".into(),
            ..request("api", Action::Halt)
        };
        assert_eq!(board.decide(blank, at(0)), Err(ModelError::MissingReason));

        let long = ChangeRequest {
            reason: "x".repeat(MAX_REASON_LEN + 1),
            ..request("api", Action::Halt)
        };
        assert_eq!(
            board.decide(long, at(0)),
            Err(ModelError::ReasonTooLong(MAX_REASON_LEN + 1))
        );

        let anonymous = ChangeRequest {
            actor: String::new(),
            ..request("api", Action::Halt)
        };
        assert_eq!(
            board.decide(anonymous, at(0)),
            Err(ModelError::InvalidActor)
        );
    }

    #[test]
    fn scope_names_are_validated_when_parsed() {
        for good in ["api", "worker-2", "cron_daily", "0day"] {
            assert!(good.parse::<Scope>().is_ok(), "{good}");
        }
        for bad in ["", "API", "-x", "a/b", "../etc", &"x".repeat(64)] {
            assert!(bad.parse::<Scope>().is_err(), "{bad}");
        }
        let json = serde_json::from_str::<Scope>("\"Bad Name\"");
        assert!(json.is_err());
    }
}
