//! The hash chains: every event and audit entry is linked, `GET /v1/audit/verify` checks
//! both logs from the start, and finds an edit, a deletion, a reordering and an insertion
//! made by someone who can write the database (with its triggers dropped, as an owner can).

use serde_json::{Value, json};

use crate::helpers::{State, TestApp, spawn_app_on, spawn_app_with};

async fn verify(app: &TestApp) -> Value {
    app.get("/v1/audit/verify")
        .await
        .json()
        .await
        .expect("JSON")
}

async fn app_with_events(count: usize) -> (TestApp, State) {
    let state = State::new();
    let app = spawn_app_on(&state).await;
    for index in 0..count {
        let action = if index % 2 == 0 { "halt" } else { "resume" };
        let response = app
            .post(
                &format!("/v1/switches/api/{action}"),
                json!({ "reason": format!("step {index}") }),
            )
            .await;
        assert_eq!(response.status(), 200);
    }
    (app, state)
}

#[tokio::test]
async fn every_event_is_linked_and_an_intact_log_verifies() {
    let (app, _dir) = app_with_events(3).await;
    let events: Value = app.get("/v1/events").await.json().await.expect("JSON");
    let hashes: Vec<&str> = events
        .as_array()
        .expect("events")
        .iter()
        .filter_map(|event| event["hash"].as_str())
        .collect();
    assert_eq!(hashes.len(), 3, "{events}");
    assert!(hashes.iter().all(|hash| hash.len() == 64));
    let report = verify(&app).await;
    assert_eq!(report["switch_log"]["entries"], 3, "{report}");
    assert!(report["switch_log"]["broken"].is_null(), "{report}");
}

/// Tampers with the events table as its owner could, then verifies on the store (a
/// server may not start on a log with a gap: it cannot replay it).
async fn tampered(sql: &str) -> Value {
    let (app, state) = app_with_events(5).await;
    app.stop().await;
    state.sql_as_owner(sql).await;
    let store = state.store().await;
    let report = ripcord_server::verify_logs(store.as_ref(), None)
        .await
        .expect("verify");
    serde_json::to_value(report).expect("JSON")
}

fn broken_at(report: &Value) -> u64 {
    report["switch_log"]["broken"]["at"]
        .as_u64()
        .unwrap_or_else(|| panic!("not broken: {report}"))
}

#[tokio::test]
async fn an_edited_row_is_found() {
    let report = tampered("UPDATE events SET reason = 'nothing happened' WHERE revision = 3").await;
    assert_eq!(broken_at(&report), 3, "{report}");
    assert_eq!(report["switch_log"]["entries"], 2);
}

#[tokio::test]
async fn a_deleted_row_is_found() {
    let report = tampered("DELETE FROM events WHERE revision = 3").await;
    assert_eq!(broken_at(&report), 4, "{report}");
    let reason = report["switch_log"]["broken"]["reason"]
        .as_str()
        .expect("reason");
    assert!(reason.contains("entry 3 is missing"), "{reason}");
}

#[tokio::test]
async fn a_reordering_is_found() {
    // Swap the contents of revisions 2 and 3, keeping their numbers.
    let report = tampered(
        "UPDATE events SET revision = -2 WHERE revision = 2;
         UPDATE events SET revision = 2 WHERE revision = 3;
         UPDATE events SET revision = 3 WHERE revision = -2;",
    )
    .await;
    assert_eq!(broken_at(&report), 2, "{report}");
}

#[tokio::test]
async fn an_inserted_row_is_found() {
    // Shift 3.. up by one and insert a forged revision 3 with a plausible hash.
    let report = tampered(
        "UPDATE events SET revision = revision + 100 WHERE revision >= 3;
         UPDATE events SET revision = revision - 99 WHERE revision >= 103;
         INSERT INTO events (revision, scope, action, actor, reason, at, hash)
             SELECT 3, scope, action, 'forger', 'forged', at, hash FROM events WHERE revision = 2;",
    )
    .await;
    assert_eq!(broken_at(&report), 3, "{report}");
}

/// A server with the chain's key, on `state`.
async fn keyed(state: &State, key: &str) -> TestApp {
    let key = key.to_owned();
    spawn_app_with(state, move |config| {
        config.audit_key = Some(ripcord_core::auth::Secret::new(key));
    })
    .await
}

#[tokio::test]
async fn rows_stripped_of_their_hash_are_a_break_never_signed_by_the_key_holder() {
    let state = State::new();
    let app = keyed(&state, "k1").await;
    for action in ["halt", "resume", "halt"] {
        let response = app
            .post(
                &format!("/v1/switches/api/{action}"),
                json!({ "reason": "real" }),
            )
            .await;
        assert_eq!(response.status(), 200);
    }
    app.stop().await;
    // A database writer without the key rewrites revision 2 and leaves it for the key
    // holder to sign at the next start.
    state
        .sql_as_owner("UPDATE events SET reason = 'routine', hash = NULL WHERE revision = 2")
        .await;
    let restarted = keyed(&state, "k1").await;
    let report = restarted
        .http
        .get(format!("{}/v1/audit/verify", restarted.url))
        .send()
        .await
        .expect("sent")
        .json::<Value>()
        .await
        .expect("JSON");
    assert_eq!(broken_at(&report), 2, "{report}");
    assert_eq!(report["switch_log"]["entries"], 1, "{report}");
}

#[tokio::test]
async fn an_event_written_into_storage_behind_a_running_server_is_not_applied() {
    let state = State::new();
    let app = keyed(&state, "k1").await;
    let halted = app
        .post("/v1/switches/global/halt", json!({ "reason": "incident" }))
        .await;
    assert_eq!(halted.status(), 200);
    // Revision 2, a resume, written straight into the database without the key.
    state
        .sql(
            "INSERT INTO events (revision, scope, action, actor, reason, at, hash) \
             VALUES (2, 'global', 'resume', 'mallory', 'all clear', '2026-11-30T23:00:00Z', 'forged')",
        )
        .await
        .expect("an INSERT is all it takes");
    // The next change finds revision 2 taken, reads storage, and refuses the forged row:
    // nothing is recorded on top of it and the halt stands.
    let next = app
        .post("/v1/switches/api/halt", json!({ "reason": "more" }))
        .await;
    assert_eq!(next.status(), 503);
    let board: Value = app.get("/v1/switches").await.json().await.expect("board");
    assert_eq!(board["revision"], 1, "{board}");
    assert_eq!(board["switches"]["global"]["halted"], true, "{board}");
}

#[tokio::test]
async fn a_writer_with_another_key_or_none_is_refused() {
    let state = State::new();
    keyed(&state, "k1").await.stop().await;
    for key in [None, Some("k2")] {
        let mut config = state.config();
        config.listen = ([127, 0, 0, 1], 0).into();
        config.audit_key = key.map(ripcord_core::auth::Secret::new);
        let refused = ripcord_server::Application::build(config)
            .await
            .err()
            .expect("another key is refused")
            .to_string();
        assert!(refused.contains("audit_key"), "{refused}");
        let store = state.store().await;
        let by = ripcord_server::Changer {
            actor: "root@host",
            key: key.map(str::as_bytes),
        };
        let token = ripcord_server::create_token(
            store.as_ref(),
            "late",
            ripcord_core::auth::Role::Viewer,
            None,
            by,
        )
        .await;
        store.close().await;
        assert!(token.is_err(), "a token change would break the audit chain");
    }
}

#[tokio::test]
async fn token_changes_are_in_the_chained_audit_log() {
    let state = State::new();
    let store = state.store().await;
    let by = ripcord_server::Changer {
        actor: "root@host",
        key: Some(b"chain key"),
    };
    let (admin, _) = ripcord_server::create_token(
        store.as_ref(),
        "root",
        ripcord_core::auth::Role::Admin,
        None,
        by,
    )
    .await
    .expect("token");
    store.close().await;
    let app = spawn_app_with(&state, |config| {
        config.audit_key = Some(ripcord_core::auth::Secret::new("chain key"));
    })
    .await;
    let created = app
        .http
        .post(format!("{}/v1/tokens", app.url))
        .bearer_auth(admin.expose())
        .json(&json!({ "name": "ci", "role": "viewer" }))
        .send()
        .await
        .expect("sent");
    assert_eq!(created.status(), 201);
    let entries: Value = app
        .http
        .get(format!("{}/v1/audit", app.url))
        .bearer_auth(admin.expose())
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("JSON");
    let kinds: Vec<(&str, &str)> = entries
        .as_array()
        .expect("entries")
        .iter()
        .map(|entry| {
            (
                entry["kind"].as_str().unwrap_or_default(),
                entry["actor"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [("token.created", "root@host"), ("token.created", "root")]
    );
    let report: Value = app
        .http
        .get(format!("{}/v1/audit/verify", app.url))
        .bearer_auth(admin.expose())
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("JSON");
    assert_eq!(report["keyed"], true);
    assert_eq!(report["audit_log"]["entries"], 2, "{report}");
    assert!(report["audit_log"]["broken"].is_null(), "{report}");
}
