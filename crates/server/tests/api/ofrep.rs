//! OFREP over HTTP: single and bulk evaluations, the spec's errors, `X-API-Key`, the bulk
//! ETag and 304, and the change notifications a ticket opens. The stock SDKs run against
//! a real `ripcord serve` in `crates/ripcord/tests/cli/ofrep.rs`.

use std::time::Duration;

use ripcord_core::auth::Role;
use serde_json::{Value, json};

use crate::helpers::{State, TestApp, spawn_app, spawn_app_on};

/// A server whose store holds a viewer and an operator token.
async fn app_with_viewer() -> (TestApp, String, String, State) {
    let state = State::new();
    let store = state.store().await;
    let by = ripcord_server::Changer {
        actor: "test",
        key: None,
    };
    let mut secrets = Vec::new();
    for (name, role) in [("dash", Role::Viewer), ("ops", Role::Operator)] {
        let (secret, _) = ripcord_server::create_token(store.as_ref(), name, role, None, by)
            .await
            .expect("token");
        secrets.push(secret.expose().to_owned());
    }
    store.close().await;
    let app = spawn_app_on(&state).await;
    let operator = secrets.pop().expect("operator");
    let viewer = secrets.pop().expect("viewer");
    (app, viewer, operator, state)
}

async fn evaluate(app: &TestApp, key: &str, token: Option<&str>, body: &str) -> reqwest::Response {
    let mut request = app
        .http
        .post(format!("{}/ofrep/v1/evaluate/flags/{key}", app.url))
        .header("content-type", "application/json")
        .body(body.to_owned());
    if let Some(token) = token {
        request = request.header("x-api-key", token);
    }
    request.send().await.expect("sent")
}

async fn change(app: &TestApp, operator: &str, scope: &str, action: &str) {
    let response = app
        .http
        .post(format!("{}/v1/switches/{scope}/{action}", app.url))
        .bearer_auth(operator)
        .json(&json!({ "reason": "ofrep test" }))
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn flags_follow_the_switches_with_the_fields_providers_index() {
    let (app, viewer, operator, _state) = app_with_viewer().await;
    // Bodies the providers send: none, empty, a context without a targeting key.
    for body in [
        "",
        "{}",
        r#"{"context":{}}"#,
        r#"{"context":{"targetingKey":"u1","plan":"x"}}"#,
    ] {
        let answer: Value = evaluate(&app, "ripcord.halted", Some(&viewer), body)
            .await
            .json()
            .await
            .expect("JSON");
        assert_eq!(
            (
                answer["key"].clone(),
                answer["value"].clone(),
                answer["reason"].clone(),
                answer["variant"].clone()
            ),
            (
                json!("ripcord.halted"),
                json!(false),
                json!("STATIC"),
                json!("running")
            ),
            "{body}: {answer}"
        );
    }
    change(&app, &operator, "worker", "halt").await;
    let scoped: Value = evaluate(&app, "ripcord.halted.worker", Some(&viewer), "{}")
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(
        (scoped["value"].clone(), scoped["variant"].clone()),
        (json!(true), json!("halted"))
    );
    assert_eq!(scoped["metadata"]["haltReason"], "ofrep test", "{scoped}");
    assert_eq!(scoped["metadata"]["revision"], 1, "{scoped}");
    let global: Value = evaluate(&app, "ripcord.halted", Some(&viewer), "{}")
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(global["value"], false, "a scope's halt is not everything's");
    change(&app, &operator, "global", "halt").await;
    for key in ["ripcord.halted", "ripcord.halted.api"] {
        let answer: Value = evaluate(&app, key, Some(&viewer), "{}")
            .await
            .json()
            .await
            .expect("JSON");
        assert_eq!(answer["value"], true, "{key}: {answer}");
        assert_eq!(answer["metadata"]["haltedBy"], "global", "{answer}");
    }
}

#[tokio::test]
async fn errors_come_in_the_specs_shape() {
    let (app, viewer, _operator, _state) = app_with_viewer().await;
    for key in [
        "ripcord.halted.nope",
        "other.flag",
        "ripcord.haltedx",
        "ripcord.halted.",
    ] {
        let response = evaluate(&app, key, Some(&viewer), "{}").await;
        assert_eq!(response.status(), 404, "{key}");
        let body: Value = response.json().await.expect("JSON");
        assert_eq!(
            (body["key"].clone(), body["errorCode"].clone()),
            (json!(key), json!("FLAG_NOT_FOUND"))
        );
        assert!(body["errorDetails"].is_string());
    }
    for body in ["{", "[]", r#"{"context": 3}"#] {
        let response = evaluate(&app, "ripcord.halted", Some(&viewer), body).await;
        assert_eq!(response.status(), 400, "{body}");
        let answer: Value = response.json().await.expect("JSON");
        assert_eq!(answer["errorCode"], "PARSE_ERROR", "{body}: {answer}");
        assert!(answer["errorDetails"].is_string());
    }
    for token in [
        None,
        Some("rpc_nope"),
        Some(&format!("rpc_{}", "0".repeat(64))[..]),
    ] {
        let response = evaluate(&app, "ripcord.halted", token, "{}").await;
        assert_eq!(response.status(), 401, "{token:?}");
    }
}

#[tokio::test]
async fn bulk_has_an_etag_over_the_answer_a_304_and_a_refetch_event_on_a_change() {
    let (app, viewer, operator, _state) = app_with_viewer().await;
    let bulk = |if_none_match: Option<String>| {
        let mut request = app
            .http
            .post(format!("{}/ofrep/v1/evaluate/flags", app.url))
            .bearer_auth(&viewer)
            .json(&json!({ "context": { "targetingKey": "svc" } }));
        if let Some(etag) = if_none_match {
            request = request.header("if-none-match", etag);
        }
        request.send()
    };
    let first = bulk(None).await.expect("sent");
    assert_eq!(first.status(), 200);
    let etag = first.headers()["etag"].to_str().expect("etag").to_owned();
    let answer: Value = first.json().await.expect("JSON");
    let keys: Vec<&str> = answer["flags"]
        .as_array()
        .expect("flags")
        .iter()
        .filter_map(|flag| flag["key"].as_str())
        .collect();
    assert_eq!(
        keys,
        [
            "ripcord.halted",
            "ripcord.halted.api",
            "ripcord.halted.cron",
            "ripcord.halted.worker"
        ]
    );
    let unchanged = bulk(Some(etag.clone())).await.expect("sent");
    assert_eq!(unchanged.status(), 304);
    assert_eq!(unchanged.headers()["etag"], etag.as_str());

    // The event stream, opened as a browser would: the ticket, no header.
    let request_uri = answer["eventStreams"][0]["endpoint"]["requestUri"]
        .as_str()
        .expect("an event stream");
    assert!(request_uri.contains("ticket="), "{request_uri}");
    assert!(
        !request_uri.contains(&viewer[4..]),
        "the token itself is never in a URL"
    );
    let mut events = reqwest::Client::new()
        .get(format!("{}{request_uri}", app.url))
        .send()
        .await
        .expect("stream");
    assert_eq!(events.status(), 200);
    change(&app, &operator, "cron", "halt").await;
    let refetch = tokio::time::timeout(Duration::from_secs(10), async {
        let mut text = String::new();
        loop {
            let chunk = events.chunk().await.expect("chunk").expect("open");
            text.push_str(&String::from_utf8_lossy(&chunk));
            if let Some(data) = text.lines().find_map(|line| line.strip_prefix("data: ")) {
                return serde_json::from_str::<Value>(data).expect("JSON");
            }
        }
    })
    .await
    .expect("a refetch event");
    assert_eq!(refetch["type"], "refetchEvaluation");
    let changed = bulk(Some(etag.clone())).await.expect("sent");
    assert_eq!(changed.status(), 200, "the ETag changed with the answer");
    let new_etag = changed.headers()["etag"].to_str().expect("etag").to_owned();
    assert_ne!(new_etag, etag);
    assert_eq!(
        refetch["etag"],
        new_etag.as_str(),
        "the event carries the new ETag"
    );

    let forged = request_uri.replace("ticket=v1.", "ticket=v1.0");
    let refused = reqwest::get(format!("{}{forged}", app.url))
        .await
        .expect("sent");
    assert_eq!(refused.status(), 401);
}

#[tokio::test]
async fn without_tokens_local_callers_evaluate_and_stream_without_a_ticket() {
    let app = spawn_app().await;
    let answer: Value = app
        .post("/ofrep/v1/evaluate/flags", json!({}))
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(
        answer["eventStreams"][0]["endpoint"]["requestUri"],
        "/ofrep/v1/events"
    );
}
