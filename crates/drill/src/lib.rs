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

use std::time::Duration;

use jiff::Timestamp;
use ripcord_core::api::DrillRecord;
use serde::{Deserialize, Serialize};

pub use killswitch::{Expectation, KillswitchDrill};
pub use report::{DrillKind, DrillReport, Status, Verdict};
pub use restore::RestoreDrill;

/// The `[drill]` section of `ripcord.toml`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DrillConfig {
    /// `status` warns when no drill of a kind passed within this long (a quarter).
    #[serde(with = "humantime_serde")]
    pub max_age: Duration,
}

impl Default for DrillConfig {
    fn default() -> Self {
        DrillConfig {
            max_age: Duration::from_secs(92 * 24 * 3600),
        }
    }
}

/// The drill kinds `status` expects to see passing.
pub const KINDS: [DrillKind; 2] = [DrillKind::Killswitch, DrillKind::Restore];

/// The newest record of each kind among `drills` (newest first), and a warning for each
/// kind with no drill passed within `max_age` of `now`.
pub fn last_of_each_kind(
    drills: &[DrillRecord],
    max_age: Duration,
    now: Timestamp,
) -> (Vec<DrillRecord>, Vec<String>) {
    let mut last = Vec::new();
    let mut warnings = Vec::new();
    for kind in KINDS {
        let of_kind = || {
            drills
                .iter()
                .filter(move |drill| drill.kind == kind.as_str())
        };
        if let Some(newest) = of_kind().next() {
            last.push(newest.clone());
        }
        let passed_recently = of_kind().any(|drill| {
            drill.passed() && now.duration_since(drill.ended).as_secs_f64() <= max_age.as_secs_f64()
        });
        if !passed_recently {
            warnings.push(format!(
                "no {} drill passed in the last {} (drill.max_age)",
                kind.as_str(),
                in_days(max_age)
            ));
        }
    }
    (last, warnings)
}

/// `92 days`: ages of drills read best in days (humantime would say `3months 16h…`).
fn in_days(age: Duration) -> String {
    const DAY: u64 = 24 * 3600;
    match age.as_secs() {
        seconds if seconds % DAY == 0 => format!("{} days", seconds / DAY),
        _ => humantime::format_duration(age).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(kind: &str, verdict: &str, ended: &str) -> DrillRecord {
        let ended: Timestamp = ended.parse().expect("time");
        DrillRecord {
            id: format!("{kind}-{ended}"),
            kind: kind.into(),
            started: ended,
            ended,
            status: "completed".into(),
            verdict: verdict.into(),
            environment: None,
            scope: None,
            recorded_by: "tests".into(),
            report: serde_json::json!({}),
        }
    }

    #[test]
    fn a_kind_with_no_recent_pass_is_warned_about() {
        let now: Timestamp = "2026-12-01T00:00:00Z".parse().expect("time");
        let quarter = Duration::from_secs(92 * 24 * 3600);
        let drills = [
            record("killswitch", "missed", "2026-11-30T00:00:00Z"),
            record("killswitch", "passed", "2026-11-01T00:00:00Z"),
            record("restore", "passed", "2026-05-01T00:00:00Z"),
        ];
        let (last, warnings) = last_of_each_kind(&drills, quarter, now);
        assert_eq!(last.len(), 2);
        assert_eq!(last[0].verdict, "missed", "the newest killswitch drill");
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0].starts_with("no restore drill passed"),
            "{warnings:?}"
        );
        let (_, warnings) = last_of_each_kind(&[], quarter, now);
        assert_eq!(warnings.len(), 2);
    }
}
