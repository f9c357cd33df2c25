use serde_json::{Value, json};

use crate::helpers::{State, spawn_app, spawn_app_on};

#[tokio::test]
async fn health_and_readiness_answer() {
    let app = spawn_app().await;
    assert_eq!(app.get("/healthz").await.status(), 200);
    assert_eq!(app.get("/readyz").await.status(), 200);
}

#[tokio::test]
async fn a_fresh_server_lists_global_and_the_default_scopes_running() {
    let app = spawn_app().await;
    let board: Value = app.get("/v1/switches").await.json().await.expect("JSON");
    assert_eq!(board["revision"], 0);
    let names: Vec<&str> = board["switches"]
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(names, ["api", "cron", "global", "worker"]);
    assert!(
        board["switches"]
            .as_object()
            .expect("object")
            .values()
            .all(|s| s["halted"] == false)
    );
}

#[tokio::test]
async fn halt_and_resume_record_events_with_actor_reason_and_revision() {
    let app = spawn_app().await;
    let halt = app.halt("worker", "queue poisoned").await;
    assert_eq!(halt["revision"], 1);
    assert_eq!(halt["action"], "halt");
    assert_eq!(halt["actor"], "test");
    assert_eq!(halt["reason"], "queue poisoned");
    let board: Value = app.get("/v1/switches").await.json().await.expect("JSON");
    assert_eq!(board["switches"]["worker"]["halted"], true);
    assert_eq!(board["switches"]["api"]["halted"], false);

    let resume = app.resume("worker").await;
    assert_eq!(resume["revision"], 2);
    assert_eq!(
        resume["actor"], "api",
        "an anonymous caller is recorded as `api`"
    );
    let events: Value = app
        .get("/v1/events?after=0")
        .await
        .json()
        .await
        .expect("JSON");
    let actions: Vec<&str> = events
        .as_array()
        .expect("array")
        .iter()
        .map(|e| e["action"].as_str().expect("str"))
        .collect();
    assert_eq!(actions, ["halt", "resume"]);
    let page: Value = app
        .get("/v1/events?after=1&limit=1")
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(page.as_array().expect("array").len(), 1);
    assert_eq!(page[0]["revision"], 2);
}

#[tokio::test]
async fn a_restarted_server_keeps_every_event() {
    let state = State::new();
    let app = spawn_app_on(&state).await;
    app.halt("global", "incident").await;
    app.resume("global").await;
    app.halt("cron", "bad deploy").await;
    app.stop().await;

    let restarted = spawn_app_on(&state).await;
    let board: Value = restarted
        .get("/v1/switches")
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(board["revision"], 3);
    assert_eq!(board["switches"]["cron"]["halted"], true);
    assert_eq!(board["switches"]["global"]["halted"], false);
    let next = restarted.halt("api", "after restart").await;
    assert_eq!(next["revision"], 4, "revisions continue where they stopped");
}

#[tokio::test]
async fn long_poll_answers_at_once_when_behind_and_on_change_when_current() {
    let app = spawn_app().await;
    app.halt("api", "one").await;
    let behind: Value = app
        .get("/v1/switches/wait?after=0&timeout=10s")
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(behind["revision"], 1);

    let waiting = {
        let http = app.http.clone();
        let url = format!("{}/v1/switches/wait?after=1&timeout=10s", app.url);
        tokio::spawn(async move {
            http.get(url)
                .send()
                .await
                .expect("sent")
                .json::<Value>()
                .await
                .expect("JSON")
        })
    };
    // The waiter may or may not be parked yet; either way it must answer with revision 2.
    app.resume("api").await;
    let answered = waiting.await.expect("waiter");
    assert_eq!(answered["revision"], 2);
}

#[tokio::test]
async fn long_poll_times_out_with_the_unchanged_board() {
    let app = spawn_app().await;
    let response = app.get("/v1/switches/wait?after=0&timeout=50ms").await;
    assert_eq!(response.status(), 200);
    let board: Value = response.json().await.expect("JSON");
    assert_eq!(board["revision"], 0);
}

#[tokio::test]
async fn agents_report_and_are_listed() {
    let app = spawn_app().await;
    let report = json!({
        "scope": "worker", "halted": true, "revision": 3, "cause": null,
        "applied_at": "2026-11-25T02:00:00Z", "latency_ms": 4.5,
        "host": "vm-1", "pid": 42, "command": "sh -c job"
    });
    let response = app.post("/v1/agents/vm-1%2Fjob%2F42/report", report).await;
    assert_eq!(response.status(), 204);
    let agents: Value = app.get("/v1/agents").await.json().await.expect("JSON");
    assert_eq!(agents[0]["id"], "vm-1/job/42");
    assert_eq!(agents[0]["latency_ms"], 4.5);
    assert_eq!(agents[0]["halted"], true);
}

#[tokio::test]
async fn a_drill_and_its_source_are_recorded_and_a_bad_source_names_the_field() {
    let app = spawn_app().await;
    let response = app
        .post(
            "/v1/switches/api/halt",
            json!({ "reason": "quarterly drill", "drill": true, "source": "drill" }),
        )
        .await;
    assert_eq!(response.status(), 200);
    let event: Value = response.json().await.expect("event");
    assert_eq!(
        (event["drill"].clone(), event["source"].clone()),
        (json!(true), json!("drill"))
    );
    let logged: Value = app.get("/v1/events").await.json().await.expect("events");
    assert_eq!(logged[0]["drill"], true, "{logged}");
    // A plain change carries neither field.
    let plain = app.resume("api").await;
    assert!(
        plain.get("drill").is_none() && plain.get("source").is_none(),
        "{plain}"
    );
    let bad = app
        .post(
            "/v1/switches/api/halt",
            json!({ "reason": "x", "source": "Not A Tool" }),
        )
        .await;
    assert_eq!(bad.status(), 422);
    let body: Value = bad.json().await.expect("JSON");
    assert_eq!(body["error"]["field"], "source", "{body}");
}
