//! What a drill found, as data: the report's JSON shape, its verdict, its exit code and
//! its Markdown. Pure: no I/O, no clock (times are in the report).

use std::fmt::Write as _;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// Which drill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DrillKind {
    Killswitch,
    Restore,
}

impl DrillKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DrillKind::Killswitch => "killswitch",
            DrillKind::Restore => "restore",
        }
    }
}

/// How the run went, as fault-injection tools say it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Every step ran (the checks may still have missed).
    Completed,
    /// It could not run: nothing was tripped, or there was nothing to restore.
    Failed,
    /// It tripped the switch and could not bring the system back: a resume failed, or
    /// the steady state did not return. Someone must look now.
    Stopped,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Completed => "completed",
            Status::Failed => "failed",
            Status::Stopped => "stopped",
        }
    }
}

/// What the drill proved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Every check met.
    Passed,
    /// A check missed: an SLO, a straggler, a probe, RTO or RPO, a difference.
    Missed,
    /// Not run far enough to say.
    Inconclusive,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Passed => "passed",
            Verdict::Missed => "missed",
            Verdict::Inconclusive => "inconclusive",
        }
    }
}

/// One step, timed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Step {
    pub name: String,
    pub started: Timestamp,
    pub took_ms: f64,
    pub ok: bool,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub detail: String,
}

/// An agent's part in a kill-switch drill.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgentResult {
    pub id: String,
    pub scope: String,
    /// Whether it reported applying the drill's halt in time.
    pub acknowledged: bool,
    /// From the halt's event to the agent applying it, by the agent's report (so across
    /// the server's and the agent's clocks).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<f64>,
    /// From the drill's halt request to the read of the agents' reports that first showed
    /// it applied, by the drill's own clock: an upper bound (reports are read every 50 ms),
    /// free of clock skew. The latency above never exceeds it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seen_within_ms: Option<f64>,
    /// Its exit code, when it exited during the drill: 75 is `ripcord agent` stopping its
    /// command on the halt, as it does without `--restart-on-resume`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exited: Option<u8>,
    /// Whether it reported running again after the resume.
    pub recovered: bool,
}

/// One probe's answer in one phase.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProbeResult {
    pub url: String,
    /// `before`, `halted` or `after`.
    pub phase: String,
    /// What it had to answer: `2xx` or `503`.
    pub expected: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub ok: bool,
}

/// The steady state at one moment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SteadyState {
    pub ok: bool,
    /// The agents that had to be connected and running.
    pub agents: Vec<String>,
    /// What was wrong, one line each.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<String>,
}

/// A switch as the server showed it when a drill stopped.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SwitchLine {
    pub scope: String,
    pub halted: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// A restore drill's measures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RestoreResult {
    pub backup_id: String,
    pub destination: String,
    /// Time to restore, seconds (the recovery time measured).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rto_seconds: Option<f64>,
    pub max_rto_seconds: f64,
    /// Age of the backup, seconds (the recovery point measured).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rpo_seconds: Option<f64>,
    pub max_rpo_seconds: f64,
    /// How many tables the restore compared with the manifest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tables_compared: Option<usize>,
    /// What the restore found different from the manifest, or could not read back.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub differences: Vec<String>,
}

/// A drill's report: what `--format json` prints and `--report FILE` keeps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DrillReport {
    pub id: String,
    pub kind: DrillKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    pub started: Timestamp,
    pub ended: Timestamp,
    pub status: Status,
    pub verdict: Verdict,
    /// Every check that missed, and why the run failed or stopped, one line each.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub steady_state_before: Option<SteadyState>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub steady_state_after: Option<SteadyState>,
    pub steps: Vec<Step>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub agents: Vec<AgentResult>,
    /// The agents that did not acknowledge the halt in time.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stragglers: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub probes: Vec<ProbeResult>,
    /// The revisions of the drill's halt and resume.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub halt_revision: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resume_revision: Option<u64>,
    /// When it stopped: the drilled switch and `global`, as the server shows them now.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub switch_state: Vec<SwitchLine>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restore: Option<RestoreResult>,
}

/// `ripcord drill`'s exit codes.
pub mod exit {
    /// Completed, every check met.
    pub const PASSED: u8 = 0;
    /// A check missed, or the drill stopped (the system did not come back).
    pub const MISSED: u8 = 1;
    /// It could not run.
    pub const NOT_RUN: u8 = 2;
}

impl DrillReport {
    /// The exit code the report calls for.
    pub fn exit_code(&self) -> u8 {
        match (self.status, self.verdict) {
            (Status::Failed, _) => exit::NOT_RUN,
            (Status::Stopped, _) | (_, Verdict::Missed | Verdict::Inconclusive) => exit::MISSED,
            (Status::Completed, Verdict::Passed) => exit::PASSED,
        }
    }

    /// What the control plane keeps of the drill: its summary and the whole report.
    pub fn to_record(&self) -> ripcord_core::api::DrillRecord {
        ripcord_core::api::DrillRecord {
            id: self.id.clone(),
            kind: self.kind.as_str().to_owned(),
            started: self.started,
            ended: self.ended,
            status: self.status.as_str().to_owned(),
            verdict: self.verdict.as_str().to_owned(),
            environment: self.environment.clone(),
            scope: self.scope.clone(),
            recorded_by: String::new(),
            report: serde_json::to_value(self).unwrap_or_default(),
        }
    }

    /// The report for people, in Markdown.
    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        let title = match self.kind {
            DrillKind::Killswitch => "Kill-switch drill",
            DrillKind::Restore => "Restore drill",
        };
        let _ = writeln!(out, "# {title} {}\n", self.id);
        let _ = writeln!(
            out,
            "**{}** ({}){}{}, {} to {} ({}).\n",
            verdict_word(self.verdict, self.status),
            self.status.as_str(),
            self.environment
                .as_deref()
                .map(|environment| format!(" in `{environment}`"))
                .unwrap_or_default(),
            self.scope
                .as_deref()
                .map(|scope| format!(", scope `{scope}`"))
                .unwrap_or_default(),
            self.started,
            self.ended,
            millis((self.ended.as_millisecond() - self.started.as_millisecond()) as f64),
        );
        if !self.switch_state.is_empty() {
            let _ = writeln!(out, "## The switch now\n");
            let _ = writeln!(out, "| switch | state | revision | by | reason |");
            let _ = writeln!(out, "|---|---|---:|---|---|");
            for line in &self.switch_state {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} | {} |",
                    cell(&line.scope),
                    if line.halted { "**HALTED**" } else { "running" },
                    line.revision
                        .map_or("-".into(), |revision| revision.to_string()),
                    cell(line.by.as_deref().unwrap_or("-")),
                    cell(line.reason.as_deref().unwrap_or("-"))
                );
            }
            out.push('\n');
        }
        if !self.findings.is_empty() {
            let _ = writeln!(out, "## Findings\n");
            for finding in &self.findings {
                let _ = writeln!(out, "- {}", cell(finding));
            }
            out.push('\n');
        }
        for (name, steady) in [
            ("Steady state before", &self.steady_state_before),
            ("Steady state after", &self.steady_state_after),
        ] {
            let Some(steady) = steady else { continue };
            let _ = writeln!(
                out,
                "## {name}: {}\n",
                if steady.ok { "ok" } else { "not met" }
            );
            let _ = writeln!(out, "Agents: {}.", list(&steady.agents));
            for problem in &steady.problems {
                let _ = writeln!(out, "- {}", cell(problem));
            }
            out.push('\n');
        }
        if !self.agents.is_empty() {
            let _ = writeln!(out, "## Agents\n");
            let _ = writeln!(
                out,
                "| agent | scope | halt applied | latency | seen within | running again |"
            );
            let _ = writeln!(out, "|---|---|---|---:|---:|---|");
            for agent in &self.agents {
                let again = match agent.exited {
                    Some(ripcord_core::exit::HALTED) => "exited on the halt".to_owned(),
                    Some(code) => format!("**exited ({code})**"),
                    None => yes_no(agent.recovered).to_owned(),
                };
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} | {} | {again} |",
                    cell(&agent.id),
                    cell(&agent.scope),
                    yes_no(agent.acknowledged),
                    agent.latency_ms.map(millis).unwrap_or_else(|| "-".into()),
                    agent
                        .seen_within_ms
                        .map(millis)
                        .unwrap_or_else(|| "-".into()),
                );
            }
            out.push('\n');
        }
        if !self.probes.is_empty() {
            let _ = writeln!(out, "## Probes\n");
            let _ = writeln!(out, "| probe | phase | expected | answer | ok |");
            let _ = writeln!(out, "|---|---|---|---|---|");
            for probe in &self.probes {
                let answer = match (&probe.status, &probe.error) {
                    (Some(status), _) => status.to_string(),
                    (None, Some(error)) => error.clone(),
                    (None, None) => "-".into(),
                };
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} | {} |",
                    cell(&probe.url),
                    probe.phase,
                    probe.expected,
                    cell(&answer),
                    yes_no(probe.ok)
                );
            }
            out.push('\n');
        }
        if let Some(restore) = &self.restore {
            let _ = writeln!(out, "## Restore\n");
            let _ = writeln!(
                out,
                "Backup `{}` from {}; {} tables compared with its manifest.\n",
                restore.backup_id,
                restore.destination,
                restore
                    .tables_compared
                    .map_or("no".into(), |count| count.to_string())
            );
            let _ = writeln!(out, "| measure | measured | target |");
            let _ = writeln!(out, "|---|---:|---:|");
            let seconds = |value: Option<f64>| value.map(duration).unwrap_or_else(|| "-".into());
            let _ = writeln!(
                out,
                "| RTO (time to restore) | {} | {} |",
                seconds(restore.rto_seconds),
                duration(restore.max_rto_seconds)
            );
            let _ = writeln!(
                out,
                "| RPO (age of the backup) | {} | {} |",
                seconds(restore.rpo_seconds),
                duration(restore.max_rpo_seconds)
            );
            for difference in &restore.differences {
                let _ = writeln!(out, "- {}", cell(difference));
            }
            out.push('\n');
        }
        let _ = writeln!(out, "## Steps\n");
        let _ = writeln!(out, "| step | took | ok | detail |");
        let _ = writeln!(out, "|---|---:|---|---|");
        for step in &self.steps {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                step.name,
                millis(step.took_ms),
                yes_no(step.ok),
                cell(&step.detail)
            );
        }
        out
    }
}

fn verdict_word(verdict: Verdict, status: Status) -> &'static str {
    match (status, verdict) {
        (Status::Failed, _) => "Could not run",
        (Status::Stopped, _) => "STOPPED: the system did not come back",
        (_, Verdict::Passed) => "Passed",
        (_, Verdict::Missed) => "Missed",
        (_, Verdict::Inconclusive) => "Inconclusive",
    }
}

/// Text from elsewhere (agent ids, reasons, errors) made safe for a Markdown table cell:
/// one line, no cell breaks, no raw HTML.
fn cell(text: &str) -> String {
    text.replace(['\n', '\r'], " ")
        .replace('|', "\\|")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn yes_no(value: bool) -> &'static str {
    if value { "yes" } else { "**no**" }
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        "none".into()
    } else {
        items
            .iter()
            .map(|item| format!("`{item}`"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// `12.3 ms`, or `1.25 s` from a second up.
pub fn millis(ms: f64) -> String {
    if ms < 1000.0 {
        format!("{ms:.1} ms")
    } else {
        format!("{:.2} s", ms / 1000.0)
    }
}

/// `26h`, `10m`, `3.2s`: a duration as people write targets.
fn duration(seconds: f64) -> String {
    if seconds < 60.0 {
        return format!("{seconds:.1}s");
    }
    let whole = std::time::Duration::from_secs(seconds.round() as u64);
    humantime::format_duration(whole).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(status: Status, verdict: Verdict) -> DrillReport {
        let at: Timestamp = "2026-12-01T03:00:00Z".parse().expect("time");
        DrillReport {
            id: "drill-1".into(),
            kind: DrillKind::Killswitch,
            environment: Some("staging".into()),
            scope: Some("worker".into()),
            started: at,
            ended: at,
            status,
            verdict,
            findings: vec!["agent `host/job/1` did not apply the halt within 3s".into()],
            steady_state_before: None,
            steady_state_after: None,
            steps: vec![],
            agents: vec![AgentResult {
                id: "host/job/1".into(),
                scope: "worker".into(),
                acknowledged: false,
                latency_ms: None,
                seen_within_ms: None,
                exited: None,
                recovered: false,
            }],
            stragglers: vec!["host/job/1".into()],
            probes: vec![],
            halt_revision: Some(4),
            resume_revision: Some(5),
            switch_state: Vec::new(),
            restore: None,
        }
    }

    #[test]
    fn exit_codes_follow_status_then_verdict() {
        assert_eq!(report(Status::Completed, Verdict::Passed).exit_code(), 0);
        assert_eq!(report(Status::Completed, Verdict::Missed).exit_code(), 1);
        assert_eq!(report(Status::Stopped, Verdict::Passed).exit_code(), 1);
        assert_eq!(report(Status::Failed, Verdict::Inconclusive).exit_code(), 2);
    }

    #[test]
    fn the_markdown_names_the_straggler_and_the_verdict() {
        let text = report(Status::Completed, Verdict::Missed).to_markdown();
        assert!(text.starts_with("# Kill-switch drill drill-1"), "{text}");
        assert!(
            text.contains("**Missed** (completed) in `staging`"),
            "{text}"
        );
        assert!(
            text.contains("| host/job/1 | worker | **no** | - | - | **no** |"),
            "{text}"
        );
        assert!(text.contains("did not apply the halt"), "{text}");
    }

    #[test]
    fn text_from_elsewhere_cannot_break_a_table() {
        assert_eq!(cell("a|b\n<script>"), "a\\|b &lt;script&gt;");
    }

    #[test]
    fn durations_read_as_targets_are_written() {
        assert_eq!(duration(3.25), "3.2s");
        assert_eq!(duration(26.0 * 3600.0), "1day 2h");
        assert_eq!(millis(12.34), "12.3 ms");
        assert_eq!(millis(1250.0), "1.25 s");
    }
}
