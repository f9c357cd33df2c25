use serde_json::{Value, json};

use crate::helpers::spawn_app;

async fn error_of(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    (
        status,
        response.json::<Value>().await.expect("error body is JSON"),
    )
}

#[tokio::test]
async fn an_unknown_scope_is_a_404_naming_the_field_and_the_known_scopes() {
    let app = spawn_app().await;
    let (status, body) = error_of(
        app.post("/v1/switches/payments/halt", json!({ "reason": "x" }))
            .await,
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(body["error"]["code"], "unknown_scope");
    assert_eq!(body["error"]["field"], "scope");
    let message = body["error"]["message"].as_str().expect("message");
    assert!(
        message.contains("payments") && message.contains("api, cron, global, worker"),
        "{message}"
    );
}

#[tokio::test]
async fn an_invalid_scope_name_is_refused() {
    let app = spawn_app().await;
    let (status, body) = error_of(
        app.post(
            "/v1/switches/Not%20A%20Scope/halt",
            json!({ "reason": "x" }),
        )
        .await,
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(body["error"]["field"], "scope");
}

#[tokio::test]
async fn a_missing_reason_names_the_field() {
    let app = spawn_app().await;
    let (status, body) = error_of(
        app.post("/v1/switches/global/halt", json!({ "actor": "x" }))
            .await,
    )
    .await;
    assert_eq!(status, 422);
    assert!(
        body["error"]["message"]
            .as_str()
            .expect("message")
            .contains("reason"),
        "{body}"
    );
    let (status, body) = error_of(
        app.post("/v1/switches/global/halt", json!({ "reason": "   " }))
            .await,
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(body["error"]["field"], "reason");
}

#[tokio::test]
async fn unknown_fields_are_refused_not_ignored() {
    let app = spawn_app().await;
    let (status, body) = error_of(
        app.post(
            "/v1/switches/global/halt",
            json!({ "reason": "x", "scop": "api" }),
        )
        .await,
    )
    .await;
    assert_eq!(status, 422);
    assert!(
        body["error"]["message"]
            .as_str()
            .expect("message")
            .contains("scop"),
        "{body}"
    );
}

#[tokio::test]
async fn malformed_json_is_a_400() {
    let app = spawn_app().await;
    let response = app
        .http
        .post(format!("{}/v1/switches/global/halt", app.url))
        .header("content-type", "application/json")
        .body("{\"reason\": ")
        .send()
        .await
        .expect("sent");
    let (status, body) = error_of(response).await;
    assert_eq!(status, 400);
    assert_eq!(body["error"]["code"], "malformed_json");
}

#[tokio::test]
async fn a_body_without_json_content_type_is_a_415() {
    let app = spawn_app().await;
    let response = app
        .http
        .post(format!("{}/v1/switches/global/halt", app.url))
        .body("reason=x")
        .send()
        .await
        .expect("sent");
    assert_eq!(error_of(response).await.0, 415);
}

#[tokio::test]
async fn an_oversized_body_is_a_413_and_nothing_is_recorded() {
    let app = spawn_app().await;
    let huge = "x".repeat(64 * 1024);
    let (status, body) = error_of(
        app.post("/v1/switches/global/halt", json!({ "reason": huge }))
            .await,
    )
    .await;
    assert_eq!(status, 413);
    assert_eq!(body["error"]["code"], "body_too_large");
    let events: Value = app.get("/v1/events").await.json().await.expect("JSON");
    assert_eq!(events, json!([]));
}

#[tokio::test]
async fn a_reason_over_the_limit_is_refused_by_the_model() {
    let app = spawn_app().await;
    let (status, body) = error_of(
        app.post(
            "/v1/switches/global/halt",
            json!({ "reason": "y".repeat(1_001) }),
        )
        .await,
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(body["error"]["field"], "reason");
}

#[tokio::test]
async fn bad_query_parameters_and_headers_are_400s() {
    let app = spawn_app().await;
    assert_eq!(
        app.get("/v1/switches/wait?after=minus-one").await.status(),
        400
    );
    assert_eq!(app.get("/v1/events?after=1&bogus=2").await.status(), 400);
    let response = app
        .http
        .get(format!("{}/v1/stream", app.url))
        .header("last-event-id", "abc")
        .send()
        .await
        .expect("sent");
    let (status, body) = error_of(response).await;
    assert_eq!(status, 422);
    assert_eq!(body["error"]["field"], "Last-Event-ID");
}

#[tokio::test]
async fn unknown_paths_and_methods_get_the_json_error_body() {
    let app = spawn_app().await;
    let (status, body) = error_of(app.get("/v1/nothing-here").await).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("not_found"))
    );
    let (status, body) = error_of(app.get("/v1/switches/api/halt").await).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (405, Some("method_not_allowed"))
    );
}

#[tokio::test]
async fn a_path_that_is_not_utf8_gets_the_json_error_body() {
    let app = spawn_app().await;
    let response = app
        .post(
            "/v1/switches/%FF%FE/halt",
            serde_json::json!({ "reason": "x" }),
        )
        .await;
    let (status, body) = error_of(response).await;
    assert_eq!(status, 400);
    assert_eq!(body["error"]["code"], "invalid_path");
}

#[tokio::test]
async fn a_limit_outside_1_to_1000_names_the_field() {
    let app = spawn_app().await;
    for limit in ["0", "1001"] {
        let (status, body) = error_of(app.get(&format!("/v1/events?limit={limit}")).await).await;
        assert_eq!(status, 422);
        assert_eq!(body["error"]["field"], "limit");
    }
}

#[tokio::test]
async fn a_connection_that_never_finishes_its_headers_is_closed() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let state = crate::helpers::State::new();
    let app = crate::helpers::spawn_app_with(&state, |config| {
        config.header_timeout = std::time::Duration::from_millis(200);
    })
    .await;
    let mut socket = tokio::net::TcpStream::connect(app.url.trim_start_matches("http://"))
        .await
        .expect("connect");
    socket
        .write_all(b"GET /v1/switches HTTP/1.1\r\nHost: x\r\n")
        .await
        .expect("half a request");
    let mut rest = Vec::new();
    let closed = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        socket.read_to_end(&mut rest),
    )
    .await;
    assert!(
        matches!(closed, Ok(Ok(_)) | Ok(Err(_))),
        "the server held a half-sent request open"
    );
}

#[tokio::test]
async fn a_body_that_never_finishes_gets_a_408_and_the_connection_closes() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let state = crate::helpers::State::new();
    let app = crate::helpers::spawn_app_with(&state, |config| {
        config.header_timeout = std::time::Duration::from_millis(200);
    })
    .await;
    let mut socket = tokio::net::TcpStream::connect(app.url.trim_start_matches("http://"))
        .await
        .expect("connect");
    socket
        .write_all(
            b"POST /v1/switches/api/halt HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{",
        )
        .await
        .expect("a body's first byte");
    let mut answer = Vec::new();
    tokio::time::timeout(
        std::time::Duration::from_secs(10),
        socket.read_to_end(&mut answer),
    )
    .await
    .expect("the server closed the connection")
    .expect("read");
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("request_timeout"), "{answer}");
}
