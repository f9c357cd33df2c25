//! Tokens end to end: the bootstrap on the store, tokens made through the server, the
//! refusals of a server that has none, and secrets that never reach the disk or the log.

use crate::cli::run;
use crate::helpers::{DEADLINE, Host};

#[tokio::test]
async fn a_server_without_tokens_refuses_to_face_a_network() {
    let host = Host::new();
    let data = host.path("data").display().to_string();
    let args = ["serve", "--data-dir", &data, "--listen", "0.0.0.0:0"];
    let serve = host.run_with(&[], &args);
    let (code, _, stderr) = tokio::time::timeout(DEADLINE, serve)
        .await
        .expect("serve exits at once");
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("ripcord token create"), "{stderr}");
    // Cloud Run is refused too, with or without tokens and a database: `postgres.rs`.
}

#[tokio::test]
async fn an_insecure_server_says_so_everywhere() {
    let host = Host::new();
    let serve = host
        .serve(&["--listen", "0.0.0.0:0", "--insecure-no-auth"], &[])
        .await;
    let port = serve.addr.rsplit_once(':').expect("port").1.to_owned();
    let url = format!("http://127.0.0.1:{port}");
    let ready = reqwest::get(format!("{url}/readyz")).await.expect("readyz");
    assert!(
        ready
            .text()
            .await
            .expect("body")
            .contains("WITHOUT AUTHENTICATION")
    );
    let (code, out, _) = run(&host, Some(&url), &["status"]).await;
    assert_eq!(code, 0);
    assert!(out.contains("WITHOUT AUTHENTICATION"), "{out}");
    let log = serve.stop().await;
    assert!(log.contains("WITHOUT AUTHENTICATION"), "{log}");
}

#[tokio::test]
async fn tokens_from_the_store_and_from_the_server_work_and_no_secret_is_kept() {
    let host = Host::new();
    let data = host.path("data").display().to_string();
    let (code, admin, stderr) = run(
        &host,
        None,
        &[
            "token",
            "create",
            "--role",
            "admin",
            "--name",
            "root",
            "--data-dir",
            &data,
        ],
    )
    .await;
    assert_eq!(code, 0, "{stderr}");
    let admin = admin.trim().to_owned();
    assert!(
        admin.starts_with("rpc_") && stderr.contains("only time"),
        "{admin} {stderr}"
    );

    let serve = host
        .serve(
            &["--listen", "127.0.0.1:0"],
            &[("RIPCORD_LOG__LEVEL", "debug")],
        )
        .await;
    let url = serve.url();
    // A token exists: even a local request needs one now.
    let (code, _, stderr) = run(&host, Some(&url), &["halt", "--reason", "anonymous"]).await;
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("401") || stderr.contains("Bearer"),
        "{stderr}"
    );

    let as_admin = [
        ("RIPCORD_TOKEN", admin.as_str()),
        ("RIPCORD_SERVER", url.as_str()),
    ];
    let (code, operator, stderr) = host
        .run_with(
            &as_admin,
            &[
                "token",
                "create",
                "--role",
                "operator",
                "--name",
                "ops",
                "--expires",
                "90d",
            ],
        )
        .await;
    assert_eq!(code, 0, "{stderr}");
    let operator = operator.trim().to_owned();
    let as_operator = [
        ("RIPCORD_TOKEN", operator.as_str()),
        ("RIPCORD_SERVER", url.as_str()),
    ];
    let (code, out, stderr) = host
        .run_with(
            &as_operator,
            &["halt", "--reason", "with a token", "--format", "json"],
        )
        .await;
    assert_eq!(code, 0, "{stderr}");
    let event: serde_json::Value = serde_json::from_str(&out).expect("event");
    assert_eq!(event["actor"], "ops");

    let (code, listed, _) = host.run_with(&as_admin, &["token", "list"]).await;
    assert_eq!(code, 0);
    assert!(
        listed.contains("root") && listed.contains("ops") && listed.contains("expires"),
        "{listed}"
    );
    let (code, _, stderr) = host.run_with(&as_admin, &["token", "revoke", "ops"]).await;
    assert_eq!(code, 0, "{stderr}");
    let (code, _, stderr) = host
        .run_with(&as_operator, &["resume", "--reason", "revoked"])
        .await;
    assert_eq!(code, 2, "a revoked token still works: {stderr}");

    let log = serve.stop().await;
    for secret in [&admin, &operator] {
        let body = &secret[4..];
        assert!(!log.contains(body), "a token reached the log");
        for entry in std::fs::read_dir(host.path("data")).expect("data") {
            let path = entry.expect("entry").path();
            let bytes = std::fs::read(&path).expect("read");
            let found = bytes
                .windows(body.len())
                .any(|window| window == body.as_bytes());
            assert!(!found, "a token is stored in {}", path.display());
        }
    }
}
