//! `ripcord drill killswitch`: steady state, trip (a halt marked `drill`), every agent's
//! acknowledgement, probes answering 503, resume, the steady state back; timed.

use std::time::{Duration, Instant};

use jiff::Timestamp;
use ripcord_agent::ApiClient;
use ripcord_core::api::{AgentRecord, ChangeBody};
use ripcord_core::{Action, Board, Scope};

use crate::report::{
    AgentResult, DrillKind, DrillReport, ProbeResult, Status, SteadyState, Step, Verdict,
};

/// How often the agents' reports are read while waiting for them.
const POLL: Duration = Duration::from_millis(50);
/// How long one probe request may take.
const PROBE_TIMEOUT: Duration = Duration::from_secs(5);
/// The environment a drill never touches unless told to.
const PRODUCTION: &str = "production";

/// Which agents the steady state requires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expectation {
    /// Every agent of the scope connected when the drill starts (at least one).
    Connected,
    /// At least this many connected agents of the scope.
    Count(usize),
    /// These agents by name.
    Named(Vec<String>),
}

/// A kill-switch drill to run.
#[derive(Debug, Clone)]
pub struct KillswitchDrill {
    pub scope: Scope,
    pub expect: Expectation,
    /// URLs that answer 2xx while running and 503 while halted.
    pub probes: Vec<String>,
    /// The longest an agent may take to apply the halt.
    pub slo: Duration,
    /// Run only against a server that reports this environment.
    pub environment: Option<String>,
    pub force_production: bool,
    /// How long to wait for every acknowledgement, and for the steady state to return.
    pub timeout: Duration,
}

/// Runs the drill against the server `api` talks to. Never fails: what went wrong is in
/// the report, and its exit code says how bad it is.
pub async fn run(api: &ApiClient, drill: &KillswitchDrill) -> DrillReport {
    let mut run = Run::new(drill.scope.as_str());
    let probe_client = reqwest::Client::builder()
        .timeout(PROBE_TIMEOUT)
        .build()
        .unwrap_or_default();

    // The server, its environment, and a scope that runs.
    let begun = run.begin();
    let (board, environment) = match api.switches_in().await {
        Ok(answer) => answer,
        Err(error) => return run.not_run(begun, "read the switch", error.to_string()),
    };
    run.report.environment = environment.clone();
    if let Some(refusal) = environment_refusal(drill, environment.as_deref()) {
        return run.not_run(begun, "check the environment", refusal);
    }
    if let Some(halted_by) = halted_by(&board, &drill.scope) {
        return run.not_run(
            begun,
            "check the switch",
            format!(
                "`{}` is halted already (by `{halted_by}`): a drill starts from a running system",
                drill.scope
            ),
        );
    }
    run.step(
        begun,
        "check the environment",
        true,
        environment.unwrap_or_default(),
    );

    // The steady state before.
    let begun = run.begin();
    let agents = match api.agents().await {
        Ok(list) => list.agents,
        Err(error) => return run.not_run(begun, "read the agents", error.to_string()),
    };
    let (expected, mut steady) = expected_agents(&agents, drill);
    for url in &drill.probes {
        let probe = probe(&probe_client, url, "before", Expected::Success).await;
        if !probe.ok {
            steady
                .problems
                .push(format!("probe {url} did not answer 2xx"));
        }
        run.report.probes.push(probe);
    }
    steady.ok = steady.problems.is_empty();
    let steady_ok = steady.ok;
    run.report.steady_state_before = Some(steady);
    if !steady_ok {
        return run.not_run(
            begun,
            "check the steady state",
            "the steady state does not hold before the trip".into(),
        );
    }
    run.step(
        begun,
        "check the steady state",
        true,
        format!("{} agents", expected.len()),
    );

    // Trip.
    let begun = run.begin();
    let halt = ChangeBody {
        reason: format!("drill {}", run.report.id),
        actor: None,
        drill: true,
        source: Some("drill".into()),
    };
    let event = match api.change(&drill.scope, Action::Halt, &halt).await {
        Ok(event) => event,
        Err(error) => return run.not_run(begun, "trip the switch", error.to_string()),
    };
    run.report.halt_revision = Some(event.revision);
    run.step(
        begun,
        "trip the switch",
        true,
        format!("revision {}", event.revision),
    );

    // Every agent's acknowledgement.
    let begun = run.begin();
    let acknowledged = wait_for(api, &expected, drill.timeout, |agent| {
        agent.report.revision >= event.revision && agent.report.halted
    })
    .await;
    for id in &expected {
        let record = acknowledged.iter().find(|agent| &agent.id == id);
        let latency_ms = record.map(|agent| latency(agent, event.revision, event.at));
        let scope = agents
            .iter()
            .find(|agent| &agent.id == id)
            .map(|agent| agent.report.scope.to_string())
            .unwrap_or_default();
        if record.is_none() {
            run.report.stragglers.push(id.clone());
            run.miss(format!(
                "agent `{id}` did not apply the halt within {}",
                humantime::format_duration(drill.timeout)
            ));
        } else if let Some(latency) = latency_ms.filter(|ms| *ms > millis(drill.slo)) {
            run.miss(format!(
                "agent `{id}` applied the halt in {}, over the SLO of {}",
                crate::report::millis(latency),
                humantime::format_duration(drill.slo)
            ));
        }
        run.report.agents.push(AgentResult {
            id: id.clone(),
            scope,
            acknowledged: record.is_some(),
            latency_ms,
            recovered: false,
        });
    }
    let stragglers = run.report.stragglers.len();
    run.step(
        begun,
        "wait for every agent",
        stragglers == 0,
        format!(
            "{} of {} applied the halt",
            expected.len() - stragglers,
            expected.len()
        ),
    );

    // The probes while halted.
    let begun = run.begin();
    let mut probes_ok = true;
    for url in &drill.probes {
        let probe = probe(&probe_client, url, "halted", Expected::Unavailable).await;
        if !probe.ok {
            probes_ok = false;
            run.miss(format!("probe {url} did not answer 503 while halted"));
        }
        run.report.probes.push(probe);
    }
    if !drill.probes.is_empty() {
        run.step(begun, "probe while halted", probes_ok, String::new());
    }

    // Resume, whatever happened.
    let begun = run.begin();
    let resume = ChangeBody {
        reason: format!("drill {} done", run.report.id),
        ..halt
    };
    let resumed = match api.change(&drill.scope, Action::Resume, &resume).await {
        Ok(event) => event,
        Err(error) => {
            run.step(begun, "resume", false, error.to_string());
            run.report.findings.push(format!(
                "the resume failed: `{}` is still halted; run `ripcord resume --scope {}`",
                drill.scope, drill.scope
            ));
            return run.finish(Status::Stopped);
        }
    };
    run.report.resume_revision = Some(resumed.revision);
    run.step(
        begun,
        "resume",
        true,
        format!("revision {}", resumed.revision),
    );

    // The steady state after.
    let begun = run.begin();
    let recovered = wait_for(api, &expected, drill.timeout, |agent| {
        agent.report.revision >= resumed.revision && !agent.report.halted
    })
    .await;
    let mut after = SteadyState {
        ok: true,
        agents: expected.clone(),
        problems: Vec::new(),
    };
    for agent in &mut run.report.agents {
        agent.recovered = recovered.iter().any(|record| record.id == agent.id);
        if !agent.recovered {
            after
                .problems
                .push(format!("agent `{}` did not report running again", agent.id));
        }
    }
    for url in &drill.probes {
        let probe = probe_until(&probe_client, url, drill.timeout).await;
        if !probe.ok {
            after
                .problems
                .push(format!("probe {url} did not answer 2xx again"));
        }
        run.report.probes.push(probe);
    }
    after.ok = after.problems.is_empty();
    let returned = after.ok;
    let problems = after.problems.clone();
    run.report.steady_state_after = Some(after);
    run.step(begun, "wait for the steady state", returned, String::new());
    if !returned {
        run.report.findings.extend(problems);
        return run.finish(Status::Stopped);
    }
    run.finish(Status::Completed)
}

/// Why the server's environment rules the drill out, if it does.
fn environment_refusal(drill: &KillswitchDrill, reported: Option<&str>) -> Option<String> {
    if let Some(wanted) = &drill.environment
        && reported != Some(wanted.as_str())
    {
        return Some(format!(
            "--env {wanted}: the server reports {} (serve.environment)",
            reported.map_or("no environment".into(), |name| format!("`{name}`"))
        ));
    }
    (reported == Some(PRODUCTION) && !drill.force_production).then(|| {
        "the server is `production`: drills belong in another environment (--force-production to run it anyway)".into()
    })
}

/// The switch that halts `scope` now, if one does.
fn halted_by(board: &Board, scope: &Scope) -> Option<Scope> {
    [Scope::global(), scope.clone()]
        .into_iter()
        .find(|switch| board.switches.get(switch).is_some_and(|state| state.halted))
}

/// The agents the drill follows, and what is wrong with them before the trip.
fn expected_agents(agents: &[AgentRecord], drill: &KillswitchDrill) -> (Vec<String>, SteadyState) {
    let in_scope = |agent: &&AgentRecord| {
        agent.report.exit_code.is_none()
            && (drill.scope.is_global() || agent.report.scope == drill.scope)
    };
    let connected: Vec<&AgentRecord> = agents
        .iter()
        .filter(in_scope)
        .filter(|agent| !agent.stale)
        .collect();
    let mut problems = Vec::new();
    let ids: Vec<String> = match &drill.expect {
        Expectation::Named(names) => {
            for name in names {
                match agents.iter().find(|agent| &agent.id == name) {
                    None => problems.push(format!("agent `{name}` is not known to the server")),
                    Some(agent) if agent.report.exit_code.is_some() => {
                        problems.push(format!("agent `{name}` has exited"))
                    }
                    Some(agent) if agent.stale => {
                        problems.push(format!("agent `{name}` is stale (not heard from)"))
                    }
                    Some(agent) if agent.report.halted => {
                        problems.push(format!("agent `{name}` is halted"))
                    }
                    Some(_) => {}
                }
            }
            names.clone()
        }
        Expectation::Count(count) => {
            if connected.len() < *count {
                problems.push(format!(
                    "{} agents of `{}` are connected, {count} expected",
                    connected.len(),
                    drill.scope
                ));
            }
            connected.iter().map(|agent| agent.id.clone()).collect()
        }
        Expectation::Connected => {
            if connected.is_empty() {
                problems.push(format!(
                    "no agent of `{}` is connected: nothing would show the halt working",
                    drill.scope
                ));
            }
            connected.iter().map(|agent| agent.id.clone()).collect()
        }
    };
    if !matches!(drill.expect, Expectation::Named(_)) {
        for agent in connected.iter().filter(|agent| agent.report.halted) {
            problems.push(format!("agent `{}` is halted", agent.id));
        }
    }
    let steady = SteadyState {
        ok: problems.is_empty(),
        agents: ids.clone(),
        problems,
    };
    (ids, steady)
}

/// Reads the agents until each of `ids` satisfies `done`, or `timeout`; returns those
/// that did, as last read.
async fn wait_for(
    api: &ApiClient,
    ids: &[String],
    timeout: Duration,
    done: impl Fn(&AgentRecord) -> bool,
) -> Vec<AgentRecord> {
    let deadline = Instant::now() + timeout;
    let mut finished: Vec<AgentRecord> = Vec::new();
    loop {
        if let Ok(list) = api.agents().await {
            for agent in list.agents {
                if ids.contains(&agent.id)
                    && done(&agent)
                    && !finished.iter().any(|seen| seen.id == agent.id)
                {
                    finished.push(agent);
                }
            }
        }
        if finished.len() == ids.len() || Instant::now() >= deadline {
            return finished;
        }
        tokio::time::sleep(POLL).await;
    }
}

/// From the halt's event to the agent applying it: its own measurement when it reports
/// this very revision, else its report's time.
fn latency(agent: &AgentRecord, revision: u64, event_at: Timestamp) -> f64 {
    match agent.report.latency_ms {
        Some(ms) if agent.report.revision == revision => ms,
        _ => (agent.report.applied_at.as_millisecond() - event_at.as_millisecond()).max(0) as f64,
    }
}

fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

#[derive(Clone, Copy)]
enum Expected {
    Success,
    Unavailable,
}

async fn probe(
    client: &reqwest::Client,
    url: &str,
    phase: &str,
    expected: Expected,
) -> ProbeResult {
    let answer = client.get(url).send().await;
    let (status, error) = match answer {
        Ok(response) => (Some(response.status()), None),
        Err(error) => (None, Some(ripcord_core::text::error_chain(&error))),
    };
    let ok = status.is_some_and(|status| match expected {
        Expected::Success => status.is_success(),
        Expected::Unavailable => status == reqwest::StatusCode::SERVICE_UNAVAILABLE,
    });
    ProbeResult {
        url: url.to_owned(),
        phase: phase.to_owned(),
        expected: match expected {
            Expected::Success => "2xx".into(),
            Expected::Unavailable => "503".into(),
        },
        status: status.map(|status| status.as_u16()),
        error,
        ok,
    }
}

/// Probes `url` until it answers 2xx, or `timeout`: the app may take a moment to return.
async fn probe_until(client: &reqwest::Client, url: &str, timeout: Duration) -> ProbeResult {
    let deadline = Instant::now() + timeout;
    loop {
        let result = probe(client, url, "after", Expected::Success).await;
        if result.ok || Instant::now() >= deadline {
            return result;
        }
        tokio::time::sleep(POLL).await;
    }
}

/// A report being written, step by step.
pub(crate) struct Run {
    pub(crate) report: DrillReport,
}

impl Run {
    fn new(scope: &str) -> Self {
        let mut run = Run::of(DrillKind::Killswitch);
        run.report.scope = Some(scope.to_owned());
        run
    }

    pub(crate) fn of(kind: DrillKind) -> Self {
        let started = Timestamp::now();
        let id = format!(
            "{}-{}-{:04x}",
            kind.as_str(),
            started.strftime("%Y%m%dT%H%M%SZ"),
            fastrand::u16(..)
        );
        Run {
            report: DrillReport {
                id,
                kind,
                environment: None,
                scope: None,
                started,
                ended: started,
                status: Status::Completed,
                verdict: Verdict::Passed,
                findings: Vec::new(),
                steady_state_before: None,
                steady_state_after: None,
                steps: Vec::new(),
                agents: Vec::new(),
                stragglers: Vec::new(),
                probes: Vec::new(),
                halt_revision: None,
                resume_revision: None,
                restore: None,
            },
        }
    }

    pub(crate) fn begin(&self) -> (Timestamp, Instant) {
        (Timestamp::now(), Instant::now())
    }

    pub(crate) fn step(
        &mut self,
        begun: (Timestamp, Instant),
        name: &str,
        ok: bool,
        detail: String,
    ) {
        self.report.steps.push(Step {
            name: name.to_owned(),
            started: begun.0,
            took_ms: begun.1.elapsed().as_secs_f64() * 1000.0,
            ok,
            detail,
        });
    }

    pub(crate) fn miss(&mut self, finding: String) {
        self.report.verdict = Verdict::Missed;
        self.report.findings.push(finding);
    }

    /// Ends a drill that could not run: the failing step and why.
    pub(crate) fn not_run(
        mut self,
        begun: (Timestamp, Instant),
        step: &str,
        why: String,
    ) -> DrillReport {
        self.step(begun, step, false, why.clone());
        self.report.findings.push(why);
        self.report.verdict = Verdict::Inconclusive;
        self.finish(Status::Failed)
    }

    pub(crate) fn finish(mut self, status: Status) -> DrillReport {
        self.report.status = status;
        if status == Status::Stopped && self.report.verdict == Verdict::Passed {
            self.report.verdict = Verdict::Missed;
        }
        self.report.ended = Timestamp::now();
        self.report
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drill(environment: Option<&str>, force: bool) -> KillswitchDrill {
        KillswitchDrill {
            scope: "worker".parse().expect("scope"),
            expect: Expectation::Connected,
            probes: Vec::new(),
            slo: Duration::from_secs(2),
            environment: environment.map(str::to_owned),
            force_production: force,
            timeout: Duration::from_secs(30),
        }
    }

    #[test]
    fn production_and_the_wrong_environment_are_refused() {
        assert!(environment_refusal(&drill(None, false), Some("staging")).is_none());
        assert!(environment_refusal(&drill(None, false), None).is_none());
        let production = environment_refusal(&drill(None, false), Some("production"));
        assert!(production.expect("refused").contains("--force-production"));
        assert!(environment_refusal(&drill(None, true), Some("production")).is_none());
        let wrong = environment_refusal(&drill(Some("staging"), false), Some("production"));
        assert!(wrong.expect("refused").contains("--env staging"));
        let missing = environment_refusal(&drill(Some("staging"), false), None);
        assert!(missing.expect("refused").contains("no environment"));
    }
}
