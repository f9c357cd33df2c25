//! `ripcord drill killswitch`: steady state, trip (a halt marked `drill`), every agent's
//! acknowledgement, probes answering 503, resume, the steady state back; timed.

use std::future::Future;
use std::time::{Duration, Instant};

use jiff::Timestamp;
use ripcord_agent::{ApiClient, ApiClientError};
use ripcord_core::api::{AgentRecord, ChangeBody};
use ripcord_core::{Action, Board, Event, Printable, Scope};

use crate::report::{
    AgentResult, DrillKind, DrillReport, ProbeResult, Status, SteadyState, Step, SwitchLine,
    Verdict,
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
    /// Who the audit log names when the caller has no token (`$USER@host`).
    pub actor: Option<String>,
}

/// Runs the drill against the server `api` talks to, until `cancel` resolves (a signal):
/// then it resumes what it tripped and stops. Never fails: what went wrong is in the
/// report, and its exit code says how bad it is.
pub async fn run(
    api: &ApiClient,
    drill: &KillswitchDrill,
    cancel: impl Future<Output = ()>,
) -> DrillReport {
    tokio::pin!(cancel);
    let mut run = Run::new(drill.scope.as_str());

    let begun = run.begin();
    let probes = match reqwest::Client::builder()
        .timeout(PROBE_TIMEOUT)
        // A redirect to a page that answers 200 is not the app answering 200.
        .redirect(reqwest::redirect::Policy::none())
        .build()
    {
        Ok(client) => Probes {
            client,
            urls: &drill.probes,
            timeout: drill.timeout,
        },
        Err(error) => return run.not_run(begun, "prepare the probes", error.to_string()),
    };
    // The server, its environment, and a scope that runs.
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
    let environment = environment.unwrap_or_else(|| "not set (serve.environment)".into());
    run.step(begun, "check the environment", true, environment);

    // The steady state before.
    let begun = run.begin();
    let agents = match api.agents().await {
        Ok(list) => list.agents,
        Err(error) => return run.not_run(begun, "read the agents", error.to_string()),
    };
    let (expected, mut steady) = expected_agents(&agents, drill);
    let answers = probes.once("before", Expected::Success).await;
    steady
        .problems
        .extend(run.keep_probes(answers, "did not answer 2xx"));
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
        actor: drill.actor.clone(),
        drill: true,
        source: Some("drill".into()),
    };
    let event = match api.change(&drill.scope, Action::Halt, &halt).await {
        Ok(event) => event,
        // Refused or never sent: nothing was recorded.
        Err(
            error @ (ApiClientError::Unreachable { .. }
            | ApiClientError::Refused { .. }
            | ApiClientError::BadUrl { .. }
            | ApiClientError::BadToken),
        ) => return run.not_run(begun, "trip the switch", error.to_string()),
        // It may have been recorded: the board says.
        Err(error) => match drill_event(api, &drill.scope, &halt.reason).await {
            Some(event) => event,
            None => {
                run.step(begun, "trip the switch", false, error.to_string());
                run.report.findings.push(format!(
                    "the halt may or may not have been recorded ({error}); look at `ripcord status`"
                ));
                return run.stop(api, &drill.scope).await;
            }
        },
    };
    run.report.halt_revision = Some(event.revision);
    run.tripped = Some(begun.1);
    run.step(
        begun,
        "trip the switch",
        true,
        format!("revision {}", event.revision),
    );

    // While halted: every agent's acknowledgement, the probes answering 503.
    let interrupted = tokio::select! {
        () = observe_halt(&mut run, api, drill, &expected, &agents, &event, &probes) => false,
        () = &mut cancel => true,
    };
    if interrupted {
        run.miss("interrupted by a signal while halted; resuming".into());
    } else {
        for id in released_early(api, &run, event.revision).await {
            run.miss(format!(
                "agent `{}` applied the halt, then reported running while still halted",
                Printable(&id)
            ));
        }
    }

    // Resume what the drill tripped, and only that: a halt recorded since is someone's.
    let begun = run.begin();
    if let Ok((board, _)) = api.switches_in().await
        && let Some(last) = board
            .switches
            .get(&drill.scope)
            .and_then(|state| state.last.as_ref())
            .filter(|last| last.revision != event.revision)
    {
        run.step(begun, "resume", false, "not resumed".into());
        run.report.findings.push(format!(
            "`{}` changed during the drill (revision {}, {} by {}: {}); not resuming it",
            drill.scope,
            last.revision,
            last.action,
            last.actor,
            Printable(&last.reason)
        ));
        return run.stop(api, &drill.scope).await;
    }
    let resume = ChangeBody {
        reason: format!("drill {} done", run.report.id),
        ..halt
    };
    let resumed = match api.change(&drill.scope, Action::Resume, &resume).await {
        Ok(event) => event,
        Err(error) => {
            run.step(begun, "resume", false, error.to_string());
            run.report.findings.push(format!(
                "the resume failed ({error}); resume by hand: `ripcord resume --scope {}`",
                drill.scope
            ));
            return run.stop(api, &drill.scope).await;
        }
    };
    run.report.resume_revision = Some(resumed.revision);
    run.step(
        begun,
        "resume",
        true,
        format!("revision {}", resumed.revision),
    );
    if interrupted {
        return run.finish(Status::Completed);
    }

    // The steady state after.
    let begun = run.begin();
    let after = tokio::select! {
        after = steady_after(&mut run, api, &probes, resumed.revision) => Some(after),
        () = &mut cancel => None,
    };
    let Some(after) = after else {
        run.step(
            begun,
            "wait for the steady state",
            false,
            "interrupted".into(),
        );
        run.report
            .findings
            .push("interrupted by a signal before the steady state returned".into());
        return run.stop(api, &drill.scope).await;
    };
    let returned = after.ok;
    let problems = after.problems.clone();
    run.report.steady_state_after = Some(after);
    run.step(begun, "wait for the steady state", returned, String::new());
    if !returned {
        run.report.findings.extend(problems);
        return run.stop(api, &drill.scope).await;
    }
    run.finish(Status::Completed)
}

/// The drill's own halt on the board, when a request's outcome is unknown.
async fn drill_event(api: &ApiClient, scope: &Scope, reason: &str) -> Option<Event> {
    let (board, _) = api.switches_in().await.ok()?;
    board
        .switches
        .get(scope)?
        .last
        .clone()
        .filter(|event| event.action == Action::Halt && event.reason == reason)
}

/// Waits for every expected agent to apply the halt, then probes for 503.
async fn observe_halt(
    run: &mut Run,
    api: &ApiClient,
    drill: &KillswitchDrill,
    expected: &[String],
    agents: &[AgentRecord],
    event: &Event,
    probes: &Probes<'_>,
) {
    let begun = run.begin();
    let seen = wait_for(api, expected, drill.timeout, |agent| {
        agent.report.revision >= event.revision && agent.report.halted
    })
    .await;
    // The drill's own clock: from its halt request to the read that showed each report.
    let tripped = run.tripped.unwrap_or(begun.1);
    // Those that did not: exited, or silent.
    let latest = api
        .agents()
        .await
        .map(|list| list.agents)
        .unwrap_or_default();
    for id in expected {
        let found = seen.iter().find(|(agent, _)| &agent.id == id);
        let record = found.map(|(agent, _)| agent);
        let seen_within_ms = found.map(|(_, read)| millis(read.duration_since(tripped)));
        // The agent's figure crosses two clocks; past the drill's own bound it is skew.
        let latency_ms = record
            .map(|agent| latency(agent, event.revision, event.at))
            .map(|ms| seen_within_ms.map_or(ms, |bound| ms.min(bound)));
        let scope = agents
            .iter()
            .find(|agent| &agent.id == id)
            .map(|agent| agent.report.scope.to_string())
            .unwrap_or_default();
        let exited = record
            .or_else(|| latest.iter().find(|agent| &agent.id == id))
            .and_then(|agent| agent.report.exit_code);
        match (record, exited) {
            (None, Some(code)) => run.miss(format!(
                "agent `{}` exited (code {code}) before applying the halt",
                Printable(id)
            )),
            (None, None) => {
                run.report.stragglers.push(id.clone());
                run.miss(format!(
                    "agent `{}` did not apply the halt within {}",
                    Printable(id),
                    humantime::format_duration(drill.timeout)
                ));
            }
            (Some(_), _) => {
                if let Some(latency) = latency_ms.filter(|ms| *ms > millis(drill.slo)) {
                    run.miss(format!(
                        "agent `{}` applied the halt in {}, over the SLO of {}",
                        Printable(id),
                        crate::report::millis(latency),
                        humantime::format_duration(drill.slo)
                    ));
                }
            }
        }
        run.report.agents.push(AgentResult {
            id: id.clone(),
            scope,
            acknowledged: record.is_some(),
            latency_ms,
            seen_within_ms,
            exited,
            recovered: false,
        });
    }
    let applied = run
        .report
        .agents
        .iter()
        .filter(|agent| agent.acknowledged)
        .count();
    run.step(
        begun,
        "wait for every agent",
        applied == expected.len(),
        format!("{applied} of {} applied the halt", expected.len()),
    );
    if probes.urls.is_empty() {
        return;
    }
    let begun = run.begin();
    let answers = probes.until("halted", Expected::Unavailable).await;
    let failed = run.keep_probes(answers, "did not answer 503 while halted");
    run.step(
        begun,
        "probe while halted",
        failed.is_empty(),
        String::new(),
    );
    for failure in failed {
        run.miss(failure);
    }
}

/// The agents that applied the halt and no longer hold it, though the switch is still
/// halted: a halt that did not hold.
async fn released_early(api: &ApiClient, run: &Run, halt: u64) -> Vec<String> {
    let Ok(list) = api.agents().await else {
        return Vec::new();
    };
    run.report
        .agents
        .iter()
        .filter(|agent| agent.acknowledged && agent.exited.is_none())
        .filter(|agent| {
            list.agents.iter().any(|record| {
                record.id == agent.id
                    && record.report.exit_code.is_none()
                    && !(record.report.halted && record.report.revision >= halt)
            })
        })
        .map(|agent| agent.id.clone())
        .collect()
}

/// Waits for the agents to report running again (those that exited on the halt, as
/// `ripcord agent` without `--restart-on-resume` does, are done), and the probes to answer
/// 2xx again.
async fn steady_after(
    run: &mut Run,
    api: &ApiClient,
    probes: &Probes<'_>,
    resumed: u64,
) -> SteadyState {
    let returning: Vec<String> = run
        .report
        .agents
        .iter()
        .filter(|agent| agent.acknowledged && agent.exited.is_none())
        .map(|agent| agent.id.clone())
        .collect();
    // Running again, or ended: an agent's report of its exit may come after its report of
    // the halt.
    let ended: Vec<AgentRecord> = wait_for(api, &returning, probes.timeout, |agent| {
        agent.report.exit_code.is_some()
            || (agent.report.revision >= resumed && !agent.report.halted)
    })
    .await
    .into_iter()
    .map(|(agent, _)| agent)
    .collect();
    let mut after = SteadyState {
        ok: true,
        agents: Vec::new(),
        problems: Vec::new(),
    };
    for agent in &mut run.report.agents {
        if !returning.contains(&agent.id) {
            continue;
        }
        let record = ended.iter().find(|record| record.id == agent.id);
        agent.exited = record.and_then(|record| record.report.exit_code);
        agent.recovered = record.is_some() && agent.exited.is_none();
        match agent.exited {
            // `ripcord agent` stopping its command on the halt, by design.
            Some(ripcord_core::exit::HALTED) => {}
            Some(code) => after.problems.push(format!(
                "agent `{}` exited (code {code}) during the drill",
                Printable(&agent.id)
            )),
            None if agent.recovered => after.agents.push(agent.id.clone()),
            None => after.problems.push(format!(
                "agent `{}` did not report running again",
                Printable(&agent.id)
            )),
        }
    }
    let answers = probes.until("after", Expected::Success).await;
    after
        .problems
        .extend(run.keep_probes(answers, "did not answer 2xx again"));
    after.ok = after.problems.is_empty();
    after
}

/// Why the server's environment rules the drill out, if it does.
fn environment_refusal(drill: &KillswitchDrill, reported: Option<&str>) -> Option<String> {
    let reported = reported.map(str::trim);
    if let Some(wanted) = &drill.environment
        && !reported.is_some_and(|name| name.eq_ignore_ascii_case(wanted.trim()))
    {
        return Some(format!(
            "--env {wanted}: the server reports {} (serve.environment)",
            reported.map_or("no environment".into(), |name| format!("`{name}`"))
        ));
    }
    let production = reported.is_some_and(|name| name.eq_ignore_ascii_case(PRODUCTION));
    (production && !drill.force_production).then(|| {
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
            let mut names = names.clone();
            names.sort();
            names.dedup();
            for name in &names {
                match agents.iter().find(|agent| &agent.id == name) {
                    None => problems.push(format!("agent `{name}` is not known to the server")),
                    Some(agent)
                        if !drill.scope.is_global() && agent.report.scope != drill.scope =>
                    {
                        problems.push(format!(
                            "agent `{name}` follows `{}`, which a halt of `{}` does not reach",
                            agent.report.scope, drill.scope
                        ))
                    }
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
            names
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
        // Not expected, but what a drill is for: an agent that may not obey a halt.
        for agent in agents.iter().filter(in_scope).filter(|agent| agent.stale) {
            problems.push(format!(
                "agent `{}` is stale: the server has not heard from it",
                agent.id
            ));
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
/// that did, as first read so, with when that read came back.
async fn wait_for(
    api: &ApiClient,
    ids: &[String],
    timeout: Duration,
    done: impl Fn(&AgentRecord) -> bool,
) -> Vec<(AgentRecord, Instant)> {
    let deadline = Instant::now() + timeout;
    let mut finished: Vec<(AgentRecord, Instant)> = Vec::new();
    loop {
        if let Ok(list) = api.agents().await {
            let read = Instant::now();
            for agent in list.agents {
                if ids.contains(&agent.id)
                    && done(&agent)
                    && !finished.iter().any(|(seen, _)| seen.id == agent.id)
                {
                    finished.push((agent, read));
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

#[derive(Clone, Copy, PartialEq, Eq)]
enum Expected {
    Success,
    Unavailable,
}

/// The drill's probes.
struct Probes<'a> {
    client: reqwest::Client,
    urls: &'a [String],
    /// How long `until` keeps asking.
    timeout: Duration,
}

impl Probes<'_> {
    /// Each probe, asked once.
    async fn once(&self, phase: &str, expected: Expected) -> Vec<ProbeResult> {
        let mut results = Vec::new();
        for url in self.urls {
            results.push(self.ask(url, phase, expected).await);
        }
        results
    }

    /// Each probe, asked until it answers as expected or `timeout`: a 503 layer that is
    /// not an expected agent, or an app coming back, may take a moment.
    async fn until(&self, phase: &str, expected: Expected) -> Vec<ProbeResult> {
        let deadline = Instant::now() + self.timeout;
        let mut results = Vec::new();
        for url in self.urls {
            loop {
                let result = self.ask(url, phase, expected).await;
                if result.ok || Instant::now() >= deadline {
                    results.push(result);
                    break;
                }
                tokio::time::sleep(POLL).await;
            }
        }
        results
    }

    async fn ask(&self, url: &str, phase: &str, expected: Expected) -> ProbeResult {
        let (status, error) = match self.client.get(url).send().await {
            Ok(response) => (Some(response.status()), None),
            // The URL is in the result already, shown without its secrets.
            Err(error) => (
                None,
                Some(ripcord_core::text::error_chain(&error.without_url())),
            ),
        };
        let ok = status.is_some_and(|status| match expected {
            Expected::Success => status.is_success(),
            Expected::Unavailable => status == reqwest::StatusCode::SERVICE_UNAVAILABLE,
        });
        ProbeResult {
            url: shown_url(url),
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
}

/// A probe URL as the report shows it: a password and a query (where tokens hide) are
/// replaced by `***` and a fragment dropped, since reports are shared, kept by the server
/// and sent to chat.
fn shown_url(url: &str) -> String {
    let Ok(mut parsed) = reqwest::Url::parse(url) else {
        return url.to_owned();
    };
    if parsed.password().is_some() {
        let _ = parsed.set_password(Some("***"));
    }
    if parsed.query().is_some() {
        parsed.set_query(Some("***"));
    }
    parsed.set_fragment(None);
    parsed.to_string()
}

/// A report being written, step by step.
pub(crate) struct Run {
    pub(crate) report: DrillReport,
    /// When the halt request was sent, by the drill's monotonic clock.
    tripped: Option<Instant>,
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
            tripped: None,
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
                switch_state: Vec::new(),
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

    /// Keeps the probes' answers in the report; returns a line for each that failed.
    fn keep_probes(&mut self, answers: Vec<ProbeResult>, failed: &str) -> Vec<String> {
        let lines = answers
            .iter()
            .filter(|probe| !probe.ok)
            .map(|probe| format!("probe {} {failed}", probe.url))
            .collect();
        self.report.probes.extend(answers);
        lines
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

    /// Ends a drill that could not bring the system back, with the switch as it is now.
    async fn stop(mut self, api: &ApiClient, scope: &Scope) -> DrillReport {
        if let Ok((board, _)) = api.switches_in().await {
            for switch in [scope.clone(), Scope::global()] {
                let state = board.switches.get(&switch);
                let last = state.and_then(|state| state.last.as_ref());
                if self
                    .report
                    .switch_state
                    .iter()
                    .any(|line| line.scope == switch.as_str())
                {
                    continue;
                }
                self.report.switch_state.push(SwitchLine {
                    scope: switch.to_string(),
                    halted: state.is_some_and(|state| state.halted),
                    revision: last.map(|event| event.revision),
                    by: last.map(|event| event.actor.clone()),
                    reason: last.map(|event| event.reason.clone()),
                });
            }
        }
        self.finish(Status::Stopped)
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
            actor: None,
        }
    }

    #[test]
    fn probe_urls_are_reported_without_their_secrets() {
        assert_eq!(
            shown_url("https://ops:hunter2@app.example/healthz?token=abc"),
            "https://ops:***@app.example/healthz?***"
        );
        assert_eq!(
            shown_url("http://127.0.0.1:8080/healthz"),
            "http://127.0.0.1:8080/healthz"
        );
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
