//! What a client of one scope must do, from everything it knows: the server's board (live
//! or cached), whether the server answers, and the local halt markers on its host.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::carry::{CarriedHalts, carried_cause};
use crate::switch::{Board, Scope};

/// What a client does while it cannot reach the server.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum UnreachablePolicy {
    /// Keep obeying the last known state (from memory or the on-disk cache). A server outage
    /// does not become an outage of every service.
    #[default]
    Open,
    /// Treat an unreachable server as a halt: for jobs where running unsupervised is worse
    /// than not running.
    Closed,
}

/// A halt marker written on the host by `ripcord halt --local`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalMarker {
    pub reason: String,
    pub actor: String,
    pub at: Timestamp,
}

/// The local markers present on the host, by scope.
pub type LocalHalts = BTreeMap<Scope, LocalMarker>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Source {
    /// A switch on the control plane.
    Server,
    /// A marker on this host.
    Local,
    /// A halt of a log the server no longer has, kept until the new log resumes it.
    Carried,
    /// The server could not be reached and the policy is fail-closed.
    Unreachable,
}

/// Why a scope must stop, and who says so.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cause {
    pub source: Source,
    pub scope: Scope,
    pub reason: String,
    pub actor: String,
    pub at: Option<Timestamp>,
}

/// Everything a client knows at one moment.
#[derive(Debug, Clone, Copy)]
pub struct Knowledge<'a> {
    /// The last board received from the server or read from the cache; `None` if neither.
    pub board: Option<&'a Board>,
    pub server_reachable: bool,
    pub local: &'a LocalHalts,
    /// Halts carried from a log the server lost.
    pub carried: &'a CarriedHalts,
    pub policy: UnreachablePolicy,
}

/// Why `scope` must stop, or `None` if it may run. A local marker wins over the server,
/// because it is the override of the person at the host; a halt carried from a lost log
/// comes after the server's own halts.
pub fn halt_cause(scope: &Scope, knowledge: Knowledge<'_>) -> Option<Cause> {
    let local = [Scope::global(), scope.clone()]
        .into_iter()
        .find_map(|name| {
            knowledge.local.get(&name).map(|marker| Cause {
                source: Source::Local,
                scope: name,
                reason: marker.reason.clone(),
                actor: marker.actor.clone(),
                at: Some(marker.at),
            })
        });
    let server = || knowledge.board.and_then(|board| board.halt_cause(scope));
    let carried = || {
        carried_cause(scope, knowledge.carried).map(|(name, halt)| Cause {
            source: Source::Carried,
            scope: name,
            reason: halt.reason.clone(),
            actor: halt.actor.clone(),
            at: halt.at,
        })
    };
    let unreachable = || {
        (!knowledge.server_reachable && knowledge.policy == UnreachablePolicy::Closed).then(|| {
            Cause {
                source: Source::Unreachable,
                scope: scope.clone(),
                reason: "control plane unreachable and the policy is fail-closed".into(),
                actor: "ripcord".into(),
                at: None,
            }
        })
    };
    local.or_else(server).or_else(carried).or_else(unreachable)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::switch::{Action, ChangeRequest};

    fn scope(name: &str) -> Scope {
        name.parse().expect("valid scope")
    }

    fn halted_board(name: &str) -> Board {
        let mut board = Board::new([scope("api"), scope("worker")]);
        let request = ChangeRequest {
            scope: scope(name),
            action: Action::Halt,
            actor: "ops".into(),
            reason: "drill".into(),
            drill: false,
            source: None,
        };
        let event = board.decide(request, Timestamp::UNIX_EPOCH).expect("valid");
        board.apply(&event).expect("in order");
        board
    }

    fn marker() -> LocalMarker {
        LocalMarker {
            reason: "on the host".into(),
            actor: "root".into(),
            at: Timestamp::UNIX_EPOCH,
        }
    }

    fn knowledge<'a>(
        board: Option<&'a Board>,
        reachable: bool,
        local: &'a LocalHalts,
    ) -> Knowledge<'a> {
        Knowledge {
            board,
            server_reachable: reachable,
            local,
            carried: &NOTHING_CARRIED,
            policy: UnreachablePolicy::Open,
        }
    }

    static NOTHING_CARRIED: CarriedHalts = CarriedHalts::new();

    #[test]
    fn a_carried_halt_stops_the_scope_after_the_servers_own_halts() {
        let running = Board::new([scope("api"), scope("worker")]);
        let carried = CarriedHalts::from([(
            scope("worker"),
            crate::carry::CarriedHalt {
                from_log: "old".into(),
                reason: "incident".into(),
                actor: "ops".into(),
                at: None,
                adopted_log: "new".into(),
                adopted_at: 0,
            },
        )]);
        let local = LocalHalts::new();
        let with_carried = |board| Knowledge {
            carried: &carried,
            ..knowledge(Some(board), true, &local)
        };
        let cause = halt_cause(&scope("worker"), with_carried(&running)).expect("halted");
        assert_eq!(
            (cause.source, cause.reason.as_str()),
            (Source::Carried, "incident")
        );
        assert_eq!(halt_cause(&scope("api"), with_carried(&running)), None);
        let halted = halted_board("global");
        let cause = halt_cause(&scope("worker"), with_carried(&halted)).expect("halted");
        assert_eq!(cause.source, Source::Server);
    }

    #[test]
    fn a_running_board_and_no_markers_mean_run() {
        let board = Board::new([scope("api")]);
        let local = LocalHalts::new();
        assert_eq!(
            halt_cause(&scope("api"), knowledge(Some(&board), true, &local)),
            None
        );
    }

    #[test]
    fn a_server_halt_of_the_scope_stops_it() {
        let board = halted_board("worker");
        let local = LocalHalts::new();
        let cause =
            halt_cause(&scope("worker"), knowledge(Some(&board), true, &local)).expect("halted");
        assert_eq!(
            (cause.source, cause.scope),
            (Source::Server, scope("worker"))
        );
        assert_eq!(
            halt_cause(&scope("api"), knowledge(Some(&board), true, &local)),
            None
        );
    }

    #[test]
    fn a_local_global_marker_stops_every_scope_without_a_server() {
        let local = LocalHalts::from([(Scope::global(), marker())]);
        for name in ["api", "worker"] {
            let cause = halt_cause(&scope(name), knowledge(None, false, &local)).expect("halted");
            assert_eq!(cause.source, Source::Local);
        }
    }

    #[test]
    fn a_local_marker_wins_over_the_server() {
        let board = halted_board("global");
        let local = LocalHalts::from([(scope("api"), marker())]);
        let cause =
            halt_cause(&scope("api"), knowledge(Some(&board), true, &local)).expect("halted");
        assert_eq!(cause.source, Source::Local);
    }

    #[test]
    fn fail_open_keeps_the_cached_state_while_unreachable() {
        let halted = halted_board("global");
        let running = Board::new([scope("api")]);
        let local = LocalHalts::new();
        assert!(halt_cause(&scope("api"), knowledge(Some(&halted), false, &local)).is_some());
        assert!(halt_cause(&scope("api"), knowledge(Some(&running), false, &local)).is_none());
        assert!(halt_cause(&scope("api"), knowledge(None, false, &local)).is_none());
    }

    #[test]
    fn fail_closed_halts_while_unreachable_and_runs_again_when_reachable() {
        let running = Board::new([scope("api")]);
        let local = LocalHalts::new();
        let closed = |reachable| Knowledge {
            policy: UnreachablePolicy::Closed,
            ..knowledge(Some(&running), reachable, &local)
        };
        let cause = halt_cause(&scope("api"), closed(false)).expect("halted");
        assert_eq!(cause.source, Source::Unreachable);
        assert_eq!(halt_cause(&scope("api"), closed(true)), None);
    }
}
