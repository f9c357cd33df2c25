//! Drills: the proof that the safety net works, automatic, measured and reported.
//!
//! - [`killswitch::run`]: steady state, a halt marked `drill`, every agent's
//!   acknowledgement and latency, probes answering 503, resume, the steady state back.
//! - [`restore::run`]: the newest backup restored and compared, RTO and RPO against
//!   their targets.
//! - [`report`]: the report (JSON and Markdown), its verdict and exit code.
//!
//! Drills return reports and never print.

#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod killswitch;
pub mod report;
pub mod restore;

pub use killswitch::{Expectation, KillswitchDrill};
pub use report::{DrillKind, DrillReport, Status, Verdict};
pub use restore::RestoreDrill;
