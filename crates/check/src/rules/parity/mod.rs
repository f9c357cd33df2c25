//! Parity rules: reported by `ripcord check parity` (see [`crate::parity`]).

pub mod differs;
pub mod missing;
