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
use ripcord_backup::DatabaseUrl;
use ripcord_backup::schedule::Schedule;
use ripcord_core::Scope;
use ripcord_core::api::DrillRecord;
use serde::{Deserialize, Serialize};

pub use killswitch::{Expectation, KillswitchDrill};
pub use report::{DrillKind, DrillReport, Status, Verdict};
pub use restore::RestoreDrill;

/// The `[drill]` section of `ripcord.toml`.
///
/// ```toml
/// [drill]
/// max_age = "92days"
///
/// [[drill.schedule]]             # run by `ripcord serve`, cron in UTC
/// kind = "killswitch"
/// cron = "0 10 * * 1"            # Mondays 10:00
/// scope = "worker"               # required
/// expect_agents = 2
/// probes = ["http://127.0.0.1:8080/healthz"]
/// environment = "staging"
///
/// [[drill.schedule]]
/// kind = "restore"
/// cron = "30 4 * * *"
/// max_rpo = "26h"
/// ```
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DrillConfig {
    /// `status` warns when no drill of a kind passed within this long (a quarter).
    #[serde(with = "humantime_serde")]
    pub max_age: Duration,
    /// Drills `ripcord serve` runs on a cron schedule.
    pub schedule: Vec<ScheduledDrill>,
}

impl Default for DrillConfig {
    fn default() -> Self {
        DrillConfig {
            max_age: Duration::from_secs(92 * 24 * 3600),
            schedule: Vec::new(),
        }
    }
}

/// One `[[drill.schedule]]` entry: what `ripcord drill killswitch|restore` would be given
/// as flags, and when.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum ScheduledDrill {
    Killswitch(ScheduledKillswitch),
    Restore(ScheduledRestore),
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduledKillswitch {
    /// A cron expression, in UTC.
    pub cron: String,
    /// The switch to trip: required, so a forgotten line never halts everything on a cron.
    pub scope: Scope,
    /// At least this many connected agents (default: every agent connected at the start).
    #[serde(default)]
    pub expect_agents: Option<usize>,
    /// These agents by id.
    #[serde(default)]
    pub expect: Vec<String>,
    #[serde(default)]
    pub probes: Vec<String>,
    #[serde(default = "default_slo", with = "humantime_serde")]
    pub slo: Duration,
    #[serde(default = "default_timeout", with = "humantime_serde")]
    pub timeout: Duration,
    /// Run only while the server is this environment (`serve.environment`).
    #[serde(default)]
    pub environment: Option<String>,
    #[serde(default)]
    pub force_production: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduledRestore {
    /// A cron expression, in UTC.
    pub cron: String,
    #[serde(default = "default_max_rto", with = "humantime_serde")]
    pub max_rto: Duration,
    #[serde(default = "default_max_rpo", with = "humantime_serde")]
    pub max_rpo: Duration,
    /// A server to create the scratch database on (default: a private cluster).
    #[serde(default)]
    pub into: Option<DatabaseUrl>,
}

fn default_slo() -> Duration {
    Duration::from_secs(2)
}

fn default_timeout() -> Duration {
    Duration::from_secs(30)
}

fn default_max_rto() -> Duration {
    Duration::from_secs(600)
}

fn default_max_rpo() -> Duration {
    Duration::from_secs(26 * 3600)
}

impl ScheduledDrill {
    fn cron(&self) -> &str {
        match self {
            Self::Killswitch(drill) => &drill.cron,
            Self::Restore(drill) => &drill.cron,
        }
    }

    /// A kill-switch drill's settings, checked as the command line checks its flags.
    fn killswitch(&self) -> Option<Result<KillswitchDrill, String>> {
        let Self::Killswitch(drill) = self else {
            return None;
        };
        let expect = match (drill.expect_agents, drill.expect.is_empty()) {
            (Some(_), false) => {
                return Some(Err("set `expect_agents` or `expect`, not both".to_owned()));
            }
            (Some(0), _) => return Some(Err("`expect_agents` must be at least 1".to_owned())),
            (Some(count), true) => Expectation::Count(count),
            (None, false) => Expectation::Named(drill.expect.clone()),
            (None, true) => Expectation::Connected,
        };
        Some(Ok(KillswitchDrill {
            scope: drill.scope.clone(),
            expect,
            probes: drill.probes.clone(),
            slo: drill.slo,
            environment: drill.environment.clone(),
            force_production: drill.force_production,
            timeout: drill.timeout,
            // Set by whoever runs it: only a caller without a token may name itself.
            actor: None,
        }))
    }

    fn restore(&self) -> Option<RestoreDrill> {
        let Self::Restore(drill) = self else {
            return None;
        };
        Some(RestoreDrill {
            max_rto: drill.max_rto,
            max_rpo: drill.max_rpo,
            into: drill.into.clone(),
            identity: None,
        })
    }
}

/// A drill ready to run, from one `[[drill.schedule]]` entry.
#[derive(Debug, Clone)]
pub enum Planned {
    Killswitch(KillswitchDrill),
    Restore(RestoreDrill),
}

/// The drill schedules, parsed and checked, in the order configured: an error names the
/// entry (from 1) and what is wrong with it.
pub fn schedules(config: &DrillConfig) -> Result<Vec<(Schedule, Planned)>, String> {
    config
        .schedule
        .iter()
        .enumerate()
        .map(|(index, drill)| {
            let entry = |reason: String| format!("drill.schedule entry {}: {reason}", index + 1);
            let planned = match (drill.killswitch(), drill.restore()) {
                (Some(killswitch), _) => Planned::Killswitch(killswitch.map_err(entry)?),
                (None, Some(restore)) => Planned::Restore(restore),
                (None, None) => return Err(entry("no kind".into())),
            };
            let schedule = Schedule::parse(drill.cron())
                .map_err(|error| entry(ripcord_backup::report(&error)))?;
            // A cron that parses but never comes (`0 0 30 2 *`) is a mistake too.
            schedule
                .next_after(Timestamp::now())
                .map_err(|error| entry(ripcord_backup::report(&error)))?;
            Ok((schedule, planned))
        })
        .collect()
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
    fn schedules_are_read_and_bad_entries_named() {
        let config: DrillConfig = serde_json::from_value(serde_json::json!({
            "schedule": [
                {"kind": "killswitch", "cron": "0 10 * * 1", "scope": "worker", "expect_agents": 2},
                {"kind": "restore", "cron": "30 4 * * *", "max_rpo": "2h"},
            ],
        }))
        .expect("config");
        let parsed = schedules(&config).expect("schedules");
        assert_eq!(parsed.len(), 2);
        let no_scope = serde_json::from_value::<DrillConfig>(serde_json::json!({
            "schedule": [{"kind": "killswitch", "cron": "0 10 * * 1"}],
        }));
        assert!(
            no_scope
                .expect_err("scope is required")
                .to_string()
                .contains("scope")
        );
        let Planned::Killswitch(drill) = &parsed[0].1 else {
            panic!("a kill-switch drill first: {parsed:?}");
        };
        assert_eq!(drill.scope.as_str(), "worker");
        assert!(matches!(drill.expect, Expectation::Count(2)));
        let Planned::Restore(restore) = &parsed[1].1 else {
            panic!("a restore drill second: {parsed:?}");
        };
        assert_eq!(restore.max_rpo, Duration::from_secs(7200));

        let typo = serde_json::from_value::<DrillConfig>(serde_json::json!({
            "schedule": [{"kind": "killswitch", "cron": "0 10 * * 1", "probe": ["x"]}],
        }));
        assert!(
            typo.expect_err("unknown field")
                .to_string()
                .contains("probe")
        );
        let bad_cron: DrillConfig = serde_json::from_value(serde_json::json!({
            "schedule": [{"kind": "restore", "cron": "0 4 * * *"},
                         {"kind": "restore", "cron": "every night"}],
        }))
        .expect("config");
        let error = schedules(&bad_cron).expect_err("bad cron");
        assert!(error.starts_with("drill.schedule entry 2:"), "{error}");
        let never: DrillConfig = serde_json::from_value(serde_json::json!({
            "schedule": [{"kind": "restore", "cron": "0 0 30 2 *"}],
        }))
        .expect("config");
        assert!(schedules(&never).is_err(), "February 30th never comes");
        let both: DrillConfig = serde_json::from_value(serde_json::json!({
            "schedule": [{"kind": "killswitch", "cron": "0 4 * * *", "scope": "api",
                          "expect_agents": 1, "expect": ["a"]}],
        }))
        .expect("config");
        assert!(schedules(&both).expect_err("both").contains("not both"));
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
