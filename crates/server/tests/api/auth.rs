//! Tokens, roles, refusals and the local-only mode of a server without tokens.

use std::time::Duration;

use ripcord_core::auth::Role;
use serde_json::{Value, json};

use crate::helpers::{State, TestApp, spawn_app, spawn_app_on, spawn_app_with};

/// Tokens made on the store, as an operator at the host would.
const BY: ripcord_server::Changer<'static> = ripcord_server::Changer {
    actor: "test",
    key: None,
};

/// A server whose store holds one token per `(name, role)`, created before it starts.
pub(crate) async fn app_with_tokens(
    tokens: &[(&str, Role)],
    adjust: impl FnOnce(&mut ripcord_server::ServerConfig),
) -> (TestApp, Vec<String>, State) {
    let state = State::new();
    let store = state.store().await;
    let mut secrets = Vec::new();
    for (name, role) in tokens {
        let (secret, _) = ripcord_server::create_token(store.as_ref(), name, *role, None, BY)
            .await
            .expect("token");
        secrets.push(secret.expose().to_owned());
    }
    store.close().await;
    let app = spawn_app_with(&state, adjust).await;
    (app, secrets, state)
}

async fn halt_with(app: &TestApp, token: Option<&str>, body: Value) -> reqwest::Response {
    let mut request = app
        .http
        .post(format!("{}/v1/switches/api/halt", app.url))
        .json(&body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.expect("sent")
}

pub(crate) async fn code_of(response: reqwest::Response) -> (u16, String) {
    let status = response.status().as_u16();
    let body: Value = response.json().await.unwrap_or_default();
    (
        status,
        body["error"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
    )
}

#[tokio::test]
async fn a_missing_wrong_expired_or_revoked_token_is_a_401() {
    let state = State::new();
    let store = state.store().await;
    let (live, _) = ripcord_server::create_token(store.as_ref(), "live", Role::Operator, None, BY)
        .await
        .expect("token");
    let (revoked, info) =
        ripcord_server::create_token(store.as_ref(), "gone", Role::Operator, None, BY)
            .await
            .expect("token");
    store
        .revoke_token(&info.prefix, jiff::Timestamp::now())
        .await
        .expect("revoke");
    // Expired a nanosecond after it was made.
    let (expired, _) = ripcord_server::create_token(
        store.as_ref(),
        "old",
        Role::Operator,
        Some(Duration::from_nanos(1)),
        BY,
    )
    .await
    .expect("token");
    store.close().await;
    let app = spawn_app_on(&state).await;
    let body = json!({ "reason": "test" });
    let forged = format!("rpc_{}", "0".repeat(64));
    for token in [
        None,
        Some("not-a-token"),
        Some(forged.as_str()),
        Some(revoked.expose()),
        Some(expired.expose()),
    ] {
        let response = halt_with(&app, token, body.clone()).await;
        assert_eq!(response.headers()["www-authenticate"], "Bearer");
        assert_eq!(
            code_of(response).await,
            (401, "unauthenticated".into()),
            "{token:?}"
        );
    }
    let ok = halt_with(&app, Some(live.expose()), body).await;
    assert_eq!(ok.status(), 200);
    // Reads need a token too, once one exists.
    let read = app
        .http
        .get(format!("{}/v1/events", app.url))
        .send()
        .await
        .expect("sent");
    assert_eq!(code_of(read).await, (401, "unauthenticated".into()));
}

#[tokio::test]
async fn roles_decide_and_the_audit_log_names_the_token() {
    let (app, secrets, _dir) = app_with_tokens(
        &[
            ("viewer-1", Role::Viewer),
            ("vm-1", Role::Agent),
            ("alice", Role::Operator),
        ],
        |_| {},
    )
    .await;
    let (viewer, agent, operator) = (&secrets[0], &secrets[1], &secrets[2]);
    let body = json!({ "reason": "incident 7" });
    assert_eq!(
        code_of(halt_with(&app, Some(viewer), body.clone()).await).await,
        (403, "forbidden".into())
    );
    let event: Value = halt_with(&app, Some(operator), body.clone())
        .await
        .json()
        .await
        .expect("event");
    assert_eq!(event["actor"], "alice");
    let claimed = halt_with(
        &app,
        Some(operator),
        json!({ "reason": "x", "actor": "bob" }),
    )
    .await;
    assert_eq!(claimed.status(), 422);
    let claimed: Value = claimed.json().await.expect("JSON");
    assert_eq!(claimed["error"]["field"], "actor");

    let report = json!({
        "scope": "worker", "halted": false, "revision": 0, "cause": null,
        "applied_at": jiff::Timestamp::now(), "latency_ms": 1.0,
        "host": "vm-1", "pid": 1, "command": null
    });
    let send = |id: &'static str| {
        app.http
            .post(format!("{}/v1/agents/{id}/report", app.url))
            .bearer_auth(agent)
            .json(&report)
            .send()
    };
    assert_eq!(send("vm-1%2Fjob%2F1").await.expect("sent").status(), 204);
    let forged = send("vm-2%2Fjob%2F1").await.expect("sent");
    assert_eq!(code_of(forged).await, (403, "forbidden".into()));
    let viewer_reads = app
        .http
        .get(format!("{}/v1/switches", app.url))
        .bearer_auth(viewer)
        .send()
        .await
        .expect("sent");
    assert_eq!(viewer_reads.status(), 200);
}

#[tokio::test]
async fn changes_beyond_the_rate_limit_get_a_429_with_retry_after() {
    let (app, secrets, _dir) = app_with_tokens(&[("ops", Role::Operator)], |config| {
        config.rate_limits.changes_per_minute = 2;
    })
    .await;
    let body = json!({ "reason": "flood" });
    for _ in 0..2 {
        assert_eq!(
            halt_with(&app, Some(&secrets[0]), body.clone())
                .await
                .status(),
            200
        );
    }
    let limited = halt_with(&app, Some(&secrets[0]), body).await;
    assert_eq!(limited.status(), 429);
    let retry: u64 = limited.headers()["retry-after"]
        .to_str()
        .expect("ASCII")
        .parse()
        .expect("seconds");
    assert!((1..=60).contains(&retry), "{retry}");
    // Reads have their own budget.
    let read = app
        .http
        .get(format!("{}/v1/switches", app.url))
        .bearer_auth(&secrets[0])
        .send()
        .await
        .expect("sent");
    assert_eq!(read.status(), 200);
}

#[tokio::test]
async fn tokens_are_managed_by_admins_and_refusals_are_listed_for_them() {
    let (app, secrets, _dir) = app_with_tokens(
        &[("root", Role::Admin), ("ops", Role::Operator)],
        |config| {
            config.keep_alive = Duration::from_millis(100);
        },
    )
    .await;
    let (admin, operator) = (&secrets[0], &secrets[1]);
    let create = |token: &str| {
        app.http
            .post(format!("{}/v1/tokens", app.url))
            .bearer_auth(token)
            .json(&json!({ "name": "ci", "role": "operator", "expires_in": "90d" }))
            .send()
    };
    assert_eq!(
        code_of(create(operator).await.expect("sent")).await,
        (403, "forbidden".into())
    );
    let created = create(admin).await.expect("sent");
    assert_eq!(created.status(), 201);
    let created: Value = created.json().await.expect("JSON");
    let ci = created["token"].as_str().expect("secret").to_owned();
    assert!(
        ci.starts_with("rpc_") && created["expires"].is_string(),
        "{created}"
    );
    let halted = halt_with(&app, Some(&ci), json!({ "reason": "from ci" })).await;
    assert_eq!(halted.status(), 200);
    for (expires_in, field) in [("0s", "expires_in"), ("1000000000d", "expires_in")] {
        let refused = app
            .http
            .post(format!("{}/v1/tokens", app.url))
            .bearer_auth(admin)
            .json(&json!({ "name": "later", "role": "viewer", "expires_in": expires_in }))
            .send()
            .await
            .expect("sent");
        assert_eq!(refused.status(), 422, "{expires_in}");
        let body: Value = refused.json().await.expect("JSON");
        assert_eq!(body["error"]["field"], field, "{body}");
    }

    let listed: Value = app
        .http
        .get(format!("{}/v1/tokens", app.url))
        .bearer_auth(admin)
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("JSON");
    let names: Vec<&str> = listed
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|token| token["name"].as_str())
        .collect();
    assert_eq!(names.len(), 3, "{listed}");
    assert!(
        !listed.to_string().contains(&ci[4..]),
        "a list never holds a secret"
    );

    let prefix = created["prefix"].as_str().expect("prefix");
    let revoked = app
        .http
        .delete(format!("{}/v1/tokens/{prefix}", app.url))
        .bearer_auth(admin)
        .send()
        .await
        .expect("sent");
    assert_eq!(revoked.status(), 200);
    let after = halt_with(&app, Some(&ci), json!({ "reason": "revoked" })).await;
    assert_eq!(after.status(), 401);

    // Refusals are written in batches each keep-alive; wait for them to appear.
    let started = std::time::Instant::now();
    loop {
        let events: Value = app
            .http
            .get(format!("{}/v1/security-events", app.url))
            .bearer_auth(admin)
            .send()
            .await
            .expect("sent")
            .json()
            .await
            .expect("JSON");
        let kinds: Vec<&str> = events
            .as_array()
            .expect("list")
            .iter()
            .filter_map(|event| event["kind"].as_str())
            .collect();
        if kinds.contains(&"forbidden") && kinds.contains(&"unauthenticated") {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "{events}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_streams_token_revoked_ends_the_stream_within_a_keep_alive() {
    let (app, secrets, _dir) = app_with_tokens(
        &[("root", Role::Admin), ("watch", Role::Viewer)],
        |config| {
            config.keep_alive = Duration::from_millis(100);
        },
    )
    .await;
    let mut stream = app
        .http
        .get(format!("{}/v1/stream", app.url))
        .bearer_auth(&secrets[1])
        .send()
        .await
        .expect("stream");
    assert_eq!(stream.status(), 200);
    let revoked = app
        .http
        .delete(format!("{}/v1/tokens/watch", app.url))
        .bearer_auth(&secrets[0])
        .send()
        .await
        .expect("sent");
    assert_eq!(revoked.status(), 200);
    let ended = tokio::time::timeout(Duration::from_secs(10), async {
        while let Ok(Some(_)) = stream.chunk().await {}
    })
    .await;
    assert!(ended.is_ok(), "the stream of a revoked token stayed open");
}

#[tokio::test]
async fn without_tokens_only_plainly_local_requests_get_in() {
    let app = spawn_app().await;
    let get = |headers: &[(&str, &str)]| {
        let mut request = app.http.get(format!("{}/v1/switches", app.url));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.send()
    };
    assert_eq!(get(&[]).await.expect("sent").status(), 200);
    for headers in [
        vec![("host", "evil.example")],
        vec![("x-forwarded-for", "203.0.113.9")],
        vec![("forwarded", "for=203.0.113.9")],
    ] {
        let refused = get(&headers).await.expect("sent");
        assert_eq!(
            code_of(refused).await,
            (401, "unauthenticated".into()),
            "{headers:?}"
        );
    }
    // Health and readiness answer everyone, for the platform's probes.
    let health = app
        .http
        .get(format!("{}/healthz", app.url))
        .header("host", "evil.example")
        .send()
        .await
        .expect("sent");
    assert_eq!(health.status(), 200);
}

#[tokio::test]
async fn without_tokens_no_request_can_make_one_and_local_streams_end_once_one_exists() {
    let state = State::new();
    let app = spawn_app_with(&state, |config| {
        config.keep_alive = Duration::from_millis(100);
        config.insecure_no_auth = true;
    })
    .await;
    // Any local user (or, insecure, anyone) would otherwise make themselves admin.
    let minted = app
        .post("/v1/tokens", json!({ "name": "mallory", "role": "admin" }))
        .await;
    let status = minted.status();
    let body: Value = minted.json().await.expect("JSON");
    assert_eq!(status, 403, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|message| message.contains("on the store")),
        "{body}"
    );

    let mut stream = app
        .http
        .get(format!("{}/v1/stream", app.url))
        .send()
        .await
        .expect("stream");
    assert_eq!(stream.status(), 200);
    // The operator makes the first token on the store; the stream, let in only because
    // no token existed, ends.
    let store = state.store().await;
    ripcord_server::create_token(store.as_ref(), "root", Role::Admin, None, BY)
        .await
        .expect("token");
    store.close().await;
    let ended = tokio::time::timeout(Duration::from_secs(10), async {
        while let Ok(Some(_)) = stream.chunk().await {}
    })
    .await;
    assert!(
        ended.is_ok(),
        "a token-less stream outlived the first token"
    );
}
