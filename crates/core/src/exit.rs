//! Process exit codes, documented in one place (docs/exit-codes.md mirrors this table).
//!
//! Every command maps its outcome onto these, so scripts and cron jobs can rely on them.

/// The command did what was asked and found nothing wrong.
pub const SUCCESS: u8 = 0;
/// The command ran, and the answer is "no": findings at or above `--fail-on`,
/// a failed verification, or a switch that is halted (`ripcord status --exit-code`).
pub const FAILURE: u8 = 1;
/// Bad usage, bad configuration, or an I/O error (unreachable server, unreadable file).
pub const USAGE_OR_IO: u8 = 2;
/// `ripcord agent` did not run its command, or stopped it, because the switch is halted.
/// 75 is `EX_TEMPFAIL` from sysexits.h: "try again later", which is what a halted cron job means.
pub const HALTED: u8 = 75;
