//! Agents: reports that no honest client sends are refused, the list pages, one bad row
//! does not hide the rest, and an agent that stopped calling in is stale.

use std::time::Duration;

use jiff::Timestamp;
use serde_json::{Value, json};

use crate::helpers::{State, spawn_app, spawn_app_on, spawn_app_with};

fn report(applied_at: Timestamp, latency: Value) -> Value {
    json!({
        "scope": "worker", "halted": false, "revision": 0, "cause": null,
        "applied_at": applied_at, "latency_ms": latency,
        "host": "vm-1", "pid": 42, "command": "job"
    })
}

async fn field_of_422(response: reqwest::Response) -> String {
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.expect("JSON error");
    body["error"]["field"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn reports_with_negative_latency_or_a_future_time_are_refused() {
    let app = spawn_app().await;
    let negative = app
        .post(
            "/v1/agents/a/report",
            report(Timestamp::now(), json!(-5000.0)),
        )
        .await;
    assert_eq!(field_of_422(negative).await, "latency_ms");
    // JSON has no infinity; a number beyond f64 is how a client could send one.
    let text = report(Timestamp::now(), json!(1.0))
        .to_string()
        .replace("\"latency_ms\":1.0", "\"latency_ms\":1e400");
    let huge = app
        .http
        .post(format!("{}/v1/agents/a/report", app.url))
        .header("content-type", "application/json")
        .body(text)
        .send()
        .await
        .expect("sent");
    assert_eq!(
        huge.status(),
        400,
        "a number beyond f64 is not JSON serde accepts"
    );
    let future = Timestamp::now()
        .checked_add(jiff::SignedDuration::from_hours(24))
        .expect("tomorrow");
    let ahead = app
        .post("/v1/agents/a/report", report(future, json!(1.0)))
        .await;
    assert_eq!(field_of_422(ahead).await, "applied_at");
    let agents: Value = app.get("/v1/agents").await.json().await.expect("JSON");
    assert_eq!(agents, json!([]), "nothing refused was stored");
}

#[tokio::test]
async fn a_revision_of_another_log_is_stored_for_status_to_show() {
    let app = spawn_app().await;
    let mut body = report(Timestamp::now(), json!(1.0));
    body["revision"] = json!(99);
    body["log"] = json!("someotherlog");
    let stored = app.post("/v1/agents/a/report", body).await;
    assert_eq!(stored.status(), 204);
    let agents: Value = app.get("/v1/agents").await.json().await.expect("JSON");
    assert_eq!(agents[0]["revision"], 99);
    assert_eq!(agents[0]["log"], "someotherlog");
}

#[tokio::test]
async fn the_agent_list_pages_by_id() {
    let app = spawn_app().await;
    for id in ["a", "b", "c"] {
        let response = app
            .post(
                &format!("/v1/agents/{id}/report"),
                report(Timestamp::now(), json!(1.0)),
            )
            .await;
        assert_eq!(response.status(), 204);
    }
    let first = app.get("/v1/agents?limit=2").await;
    assert_eq!(first.headers()["x-ripcord-next-after"], "b");
    let first: Value = first.json().await.expect("JSON");
    assert_eq!(first.as_array().map(Vec::len), Some(2));
    let second = app.get("/v1/agents?limit=2&after=b").await;
    assert!(second.headers().get("x-ripcord-next-after").is_none());
    let second: Value = second.json().await.expect("JSON");
    assert_eq!(second[0]["id"], "c");
    for bad in ["0", "1001"] {
        let response = app.get(&format!("/v1/agents?limit={bad}")).await;
        assert_eq!(field_of_422(response).await, "limit");
    }
}

#[tokio::test]
async fn an_unreadable_agent_row_is_skipped_and_counted() {
    let state = State::new();
    let app = spawn_app_on(&state).await;
    for id in ["good", "broken"] {
        app.post(
            &format!("/v1/agents/{id}/report"),
            report(Timestamp::now(), json!(1.0)),
        )
        .await;
    }
    state
        .sql_as_owner("UPDATE agents SET report = '{not a report' WHERE id = 'broken'")
        .await;
    let response = app.get("/v1/agents").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["x-ripcord-skipped"], "1");
    let agents: Value = response.json().await.expect("JSON");
    assert_eq!(agents.as_array().map(Vec::len), Some(1));
    assert_eq!(agents[0]["id"], "good");
}

#[tokio::test]
async fn an_agent_is_stale_after_three_intervals_without_contact_unless_its_stream_is_open() {
    let state = State::new();
    let app = spawn_app_with(&state, |config| {
        config.keep_alive = Duration::from_millis(100);
    })
    .await;
    for id in ["silent", "streaming"] {
        app.post(
            &format!("/v1/agents/{id}/report"),
            report(Timestamp::now(), json!(1.0)),
        )
        .await;
    }
    let _stream = app
        .http
        .get(format!("{}/v1/stream?agent=streaming", app.url))
        .send()
        .await
        .expect("stream opens");
    let started = std::time::Instant::now();
    loop {
        let agents: Value = app.get("/v1/agents").await.json().await.expect("JSON");
        let stale = |id: &str| {
            agents
                .as_array()
                .and_then(|agents| agents.iter().find(|a| a["id"] == id))
                .map(|agent| agent["stale"] == true)
        };
        if stale("silent") == Some(true) {
            assert_eq!(stale("streaming"), Some(false), "{agents}");
            let streaming = agents
                .as_array()
                .and_then(|agents| agents.iter().find(|a| a["id"] == "streaming"))
                .expect("listed");
            assert!(
                streaming["last_contact"].as_str() > streaming["last_seen"].as_str(),
                "{streaming}"
            );
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "never stale: {agents}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_retried_change_with_the_same_key_is_recorded_once_and_a_reused_key_is_refused() {
    let app = spawn_app().await;
    let change = |key: &'static str, scope: &'static str| {
        app.http
            .post(format!("{}/v1/switches/{scope}/halt", app.url))
            .header("idempotency-key", key)
            .json(&json!({ "reason": "once" }))
            .send()
    };
    let first: Value = change("k-1", "api")
        .await
        .expect("sent")
        .json()
        .await
        .expect("event");
    let again: Value = change("k-1", "api")
        .await
        .expect("sent")
        .json()
        .await
        .expect("event");
    assert_eq!(first, again);
    let events: Value = app.get("/v1/events").await.json().await.expect("JSON");
    assert_eq!(events.as_array().map(Vec::len), Some(1));
    let reused = change("k-1", "worker").await.expect("sent");
    assert_eq!(field_of_422(reused).await, "Idempotency-Key");
}

#[tokio::test]
async fn a_page_that_ends_on_a_non_ascii_id_names_the_next_one() {
    let app = spawn_app().await;
    for id in ["a", "é", "ü"] {
        let path = format!("/v1/agents/{}/report", utf8_percent(id));
        let response = app.post(&path, report(Timestamp::now(), json!(1.0))).await;
        assert_eq!(response.status(), 204);
    }
    let first = app.get("/v1/agents?limit=2").await;
    let next = first.headers()["x-ripcord-next-after"]
        .to_str()
        .expect("ASCII")
        .to_owned();
    assert_eq!(next, "%C3%A9");
    let second: Value = app
        .get(&format!("/v1/agents?limit=2&after={next}"))
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(second[0]["id"], "ü");
}

fn utf8_percent(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
