//! Halts carried across logs. A control plane that lost its state (a server restarted on
//! an empty data folder, a replaced database) starts a new log in which nothing is halted;
//! one restored from an older copy keeps its log id but forgets the last events. Either
//! way the client follows another history now. A client that was halted must not take
//! that as a resume: it keeps each halt it held, as *carried* from the old history, until
//! the new one records a resume of that scope or of `global` after the client adopted it.
//! Only a human's resume lifts a halt.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::switch::{Action, Board, Scope};

/// A halt a client holds from a log the server no longer has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CarriedHalt {
    /// The log the halt was recorded in.
    pub from_log: String,
    pub reason: String,
    pub actor: String,
    pub at: Option<Timestamp>,
    /// The log the client adopted, and its revision then: a resume in that log after this
    /// revision releases the halt.
    pub adopted_log: String,
    pub adopted_at: u64,
}

/// Carried halts by the scope they halt.
pub type CarriedHalts = BTreeMap<Scope, CarriedHalt>;

/// What a client knows of one log: its id and its board.
#[derive(Debug, Clone, Copy)]
pub struct LogView<'a> {
    pub log: Option<&'a str>,
    pub board: &'a Board,
}

/// The carried halts after a client that knew `previous` (with `carried` halts already)
/// takes in `next`. Moving to another log, or to another history of the same log
/// (`replaced`: the server could not continue from the client's position), carries every
/// halt of the old one; then any halt released by a resume in the new history, after the
/// adoption, is dropped.
pub fn carry(
    previous: Option<LogView<'_>>,
    carried: &CarriedHalts,
    next: LogView<'_>,
    replaced: bool,
) -> CarriedHalts {
    let mut carried = carried.clone();
    if let (Some(previous), Some(next_log)) = (previous, next.log)
        && (replaced || previous.log.is_some_and(|log| log != next_log))
    {
        let previous_log = previous.log.unwrap_or(next_log);
        // Halts carried already are carried on, into the log adopted now.
        for halt in carried.values_mut() {
            halt.adopted_log = next_log.to_owned();
            halt.adopted_at = next.board.revision;
        }
        for (scope, state) in &previous.board.switches {
            if !state.halted {
                continue;
            }
            let last = state.last.as_ref();
            carried.insert(
                scope.clone(),
                CarriedHalt {
                    from_log: previous_log.to_owned(),
                    reason: last.map(|e| e.reason.clone()).unwrap_or_default(),
                    actor: last.map(|e| e.actor.clone()).unwrap_or_default(),
                    at: last.map(|e| e.at),
                    adopted_log: next_log.to_owned(),
                    adopted_at: next.board.revision,
                },
            );
        }
    }
    carried.retain(|scope, halt| !released(scope, halt, next));
    carried
}

/// Whether `next` shows a resume of `scope` or of `global` recorded after the adoption.
/// A board shows only each switch's last event; a resume hidden by a later halt of the
/// same switch leaves that switch halted in the new log, which halts the scope anyway,
/// and the next resume releases the carried halt.
fn released(scope: &Scope, halt: &CarriedHalt, next: LogView<'_>) -> bool {
    if next.log != Some(halt.adopted_log.as_str()) {
        return false;
    }
    [scope.clone(), Scope::global()].iter().any(|name| {
        next.board
            .switches
            .get(name)
            .and_then(|state| state.last.as_ref())
            .is_some_and(|event| event.action == Action::Resume && event.revision > halt.adopted_at)
    })
}

/// The carried halt that stops a client of `scope`: `global`'s first, then its own.
pub fn carried_cause<'a>(
    scope: &Scope,
    carried: &'a CarriedHalts,
) -> Option<(Scope, &'a CarriedHalt)> {
    [Scope::global(), scope.clone()]
        .into_iter()
        .find_map(|name| carried.get(&name).map(|halt| (name, halt)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::switch::ChangeRequest;

    fn scope(name: &str) -> Scope {
        name.parse().expect("valid scope")
    }

    fn step(board: &mut Board, name: &str, action: Action) {
        let request = ChangeRequest {
            scope: scope(name),
            action,
            actor: "ops".into(),
            reason: format!("{action} {name}"),
            drill: false,
            source: None,
        };
        let event = board.decide(request, Timestamp::UNIX_EPOCH).expect("valid");
        board.apply(&event).expect("in order");
    }

    fn view<'a>(log: &'a str, board: &'a Board) -> LogView<'a> {
        LogView {
            log: Some(log),
            board,
        }
    }

    fn fresh() -> Board {
        Board::new([scope("worker"), scope("api")])
    }

    #[test]
    fn a_new_log_carries_every_halt_of_the_old_one() {
        let mut old = fresh();
        step(&mut old, "worker", Action::Halt);
        let new = fresh();
        let carried = carry(
            Some(view("a", &old)),
            &CarriedHalts::new(),
            view("b", &new),
            false,
        );
        let (cause_scope, halt) = carried_cause(&scope("worker"), &carried).expect("carried");
        assert_eq!(cause_scope, scope("worker"));
        assert_eq!(
            (halt.from_log.as_str(), halt.reason.as_str()),
            ("a", "halt worker")
        );
        assert!(carried_cause(&scope("api"), &carried).is_none());
    }

    #[test]
    fn the_same_log_carries_nothing() {
        let mut old = fresh();
        step(&mut old, "worker", Action::Halt);
        let mut next = old.clone();
        step(&mut next, "worker", Action::Resume);
        let carried = carry(
            Some(view("a", &old)),
            &CarriedHalts::new(),
            view("a", &next),
            false,
        );
        assert!(carried.is_empty());
    }

    #[test]
    fn a_resume_of_the_scope_or_of_global_in_the_new_log_releases_it() {
        let mut old = fresh();
        step(&mut old, "worker", Action::Halt);
        step(&mut old, "api", Action::Halt);
        let mut new = fresh();
        let carried = carry(
            Some(view("a", &old)),
            &CarriedHalts::new(),
            view("b", &new),
            false,
        );
        assert_eq!(carried.len(), 2);

        step(&mut new, "worker", Action::Resume);
        let carried = carry(Some(view("b", &new)), &carried, view("b", &new), false);
        assert_eq!(carried.keys().collect::<Vec<_>>(), [&scope("api")]);

        step(&mut new, "global", Action::Resume);
        let carried = carry(Some(view("b", &new)), &carried, view("b", &new), false);
        assert!(carried.is_empty());
    }

    #[test]
    fn another_history_of_the_same_log_carries_like_another_log() {
        let mut old = fresh();
        step(&mut old, "api", Action::Halt);
        step(&mut old, "worker", Action::Halt);
        // Restored from a copy at revision 1: the worker halt is forgotten.
        let mut restored = fresh();
        step(&mut restored, "api", Action::Halt);
        let carried = carry(
            Some(view("a", &old)),
            &CarriedHalts::new(),
            view("a", &restored),
            true,
        );
        let (_, halt) = carried_cause(&scope("worker"), &carried).expect("carried");
        assert_eq!(halt.from_log, "a");
    }

    #[test]
    fn a_resume_recorded_before_the_adoption_releases_nothing() {
        let mut old = fresh();
        step(&mut old, "worker", Action::Halt);
        // The new log already holds a resume when the client first sees it.
        let mut new = fresh();
        step(&mut new, "worker", Action::Halt);
        step(&mut new, "worker", Action::Resume);
        let carried = carry(
            Some(view("a", &old)),
            &CarriedHalts::new(),
            view("b", &new),
            false,
        );
        assert!(carried_cause(&scope("worker"), &carried).is_some());
    }

    #[test]
    fn halts_carried_twice_keep_their_origin_and_follow_the_newest_log() {
        let mut old = fresh();
        step(&mut old, "worker", Action::Halt);
        let second = fresh();
        let carried = carry(
            Some(view("a", &old)),
            &CarriedHalts::new(),
            view("b", &second),
            false,
        );
        let third = fresh();
        let carried = carry(Some(view("b", &second)), &carried, view("c", &third), false);
        let (_, halt) = carried_cause(&scope("worker"), &carried).expect("still carried");
        assert_eq!(
            (halt.from_log.as_str(), halt.adopted_log.as_str()),
            ("a", "c")
        );
        let mut resumed = third.clone();
        step(&mut resumed, "worker", Action::Resume);
        let carried = carry(
            Some(view("c", &third)),
            &carried,
            view("c", &resumed),
            false,
        );
        assert!(carried.is_empty());
    }
}
