//! The pure core of ripcord: the switch model, the client's halt decision, the API's JSON
//! shapes and the exit codes. No I/O, no async runtime: callers pass `now` in.

#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod api;
pub mod auth;
pub mod carry;
pub mod chain;
pub mod decision;
pub mod exit;
pub mod position;
pub mod switch;
pub mod text;

pub use carry::{CarriedHalt, CarriedHalts, LogView, carry};
pub use decision::{
    Cause, Knowledge, LocalHalts, LocalMarker, Source, UnreachablePolicy, halt_cause,
};
pub use position::{Position, PositionError};
pub use switch::{Action, Board, ChangeRequest, Event, ModelError, Offer, Scope, SwitchState};
pub use text::Printable;
