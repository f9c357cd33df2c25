//! Drills' records: operators record them, anyone reads them, newest first, checked.

use ripcord_core::auth::Role;
use serde_json::{Value, json};

use crate::auth::{app_with_tokens, code_of};

fn drill(id: &str, kind: &str, verdict: &str) -> Value {
    json!({
        "id": id, "kind": kind,
        "started": "2026-12-01T03:00:00Z", "ended": "2026-12-01T03:00:01Z",
        "status": "completed", "verdict": verdict,
        "environment": "staging", "scope": "worker",
        "recorded_by": "someone else",
        "report": { "id": id, "steps": [] }
    })
}

#[tokio::test]
async fn operators_record_drills_and_anyone_reads_them_newest_first() {
    let (app, secrets, _state) = app_with_tokens(
        &[("viewer-1", Role::Viewer), ("alice", Role::Operator)],
        |_| {},
    )
    .await;
    let (viewer, operator) = (&secrets[0], &secrets[1]);
    let record = |token: &str, body: Value| {
        app.http
            .post(format!("{}/v1/drills", app.url))
            .bearer_auth(token)
            .json(&body)
            .send()
    };
    let refused = record(viewer, drill("d-0", "killswitch", "passed"))
        .await
        .expect("sent");
    assert_eq!(code_of(refused).await, (403, "forbidden".into()));
    for (id, kind, verdict) in [
        ("d-1", "killswitch", "passed"),
        ("d-2", "restore", "missed"),
        ("d-3", "killswitch", "missed"),
    ] {
        let recorded = record(operator, drill(id, kind, verdict))
            .await
            .expect("sent");
        assert_eq!(recorded.status(), 204, "{id}");
    }
    // A retry of the same drill is kept once.
    let again = record(operator, drill("d-1", "killswitch", "passed"))
        .await
        .expect("sent");
    assert_eq!(again.status(), 204);

    let listed = app.get_json_as("/v1/drills?limit=10", viewer).await;
    let listed = listed.as_array().expect("a list");
    let ids: Vec<&str> = listed
        .iter()
        .map(|d| d["id"].as_str().expect("id"))
        .collect();
    assert_eq!(ids, ["d-3", "d-2", "d-1"]);
    // Who recorded it is the caller, whatever the body claimed; the report comes back whole.
    assert_eq!(listed[2]["recorded_by"], "alice");
    assert_eq!(listed[2]["report"]["id"], "d-1");

    for (field, value) in [
        ("kind", json!("chaos")),
        ("verdict", json!("fine")),
        ("id", json!("")),
        ("ended", json!("2026-12-01T02:00:00Z")),
        ("report", json!("not an object")),
    ] {
        let mut body = drill("d-bad", "killswitch", "passed");
        body[field] = value;
        let refused = record(operator, body).await.expect("sent");
        assert_eq!(refused.status(), 422, "{field}");
        let error: Value = refused.json().await.expect("JSON");
        assert_eq!(error["error"]["field"], field, "{error}");
    }
}

#[tokio::test]
async fn hosts_record_backups_and_a_retry_is_kept_once() {
    let (app, secrets, _state) = app_with_tokens(
        &[("viewer-1", Role::Viewer), ("db-host", Role::Agent)],
        |_| {},
    )
    .await;
    let (viewer, agent) = (&secrets[0], &secrets[1]);
    let backup = |id: &str, kind: &str, ok: bool| {
        json!({
            "id": id, "kind": kind, "started_at": "2026-12-01T03:00:00Z", "duration_ms": 1200,
            "ok": ok, "destination": "gs://acme/prod", "backup_id": "20261201T030000Z",
            "bytes": 1048576, "error": if ok { Value::Null } else { json!("pg_dump failed") },
            "scheduled": false, "host": "db-host", "recorded_by": "forged"
        })
    };
    let record = |token: &str, body: Value| {
        app.http
            .post(format!("{}/v1/backups", app.url))
            .bearer_auth(token)
            .json(&body)
            .send()
    };
    let refused = record(viewer, backup("b-0", "run", true))
        .await
        .expect("sent");
    assert_eq!(code_of(refused).await, (403, "forbidden".into()));
    for (id, kind, ok) in [
        ("b-1", "run", true),
        ("b-2", "verify-restore", false),
        ("b-1", "run", true),
    ] {
        let recorded = record(agent, backup(id, kind, ok)).await.expect("sent");
        assert_eq!(recorded.status(), 204, "{id}");
    }
    let listed = app.get_json_as("/v1/backups", viewer).await;
    let listed = listed.as_array().expect("a list");
    assert_eq!(listed.len(), 2, "{listed:?}");
    assert_eq!(listed[0]["id"], "b-2");
    assert_eq!(listed[0]["ok"], false);
    assert_eq!(listed[0]["error"], "pg_dump failed");
    assert_eq!(listed[1]["bytes"], 1048576);
    assert_eq!(listed[1]["recorded_by"], "db-host");
    let mut unknown = backup("b-3", "snapshot", true);
    unknown["host"] = json!("db-host");
    let refused = record(agent, unknown).await.expect("sent");
    assert_eq!(refused.status(), 422);
}
