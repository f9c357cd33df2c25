use serde_json::Value;

use crate::helpers::{Host, start_server};

/// `ripcord ARGS` against `server`; exit code, stdout, stderr.
pub async fn run(host: &Host, server: Option<&str>, args: &[&str]) -> (i32, String, String) {
    let env: Vec<(&str, &str)> = server
        .map(|url| ("RIPCORD_SERVER", url))
        .into_iter()
        .collect();
    host.run_with(&env, args).await
}

#[tokio::test]
async fn halt_resume_and_status_against_a_server() {
    let host = Host::new();
    let server = start_server(&host.path("data")).await;
    let url = Some(server.url.as_str());
    let (code, out, err) = run(
        &host,
        url,
        &["halt", "--scope", "cron", "--reason", "bad deploy"],
    )
    .await;
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("halted `cron` at revision 1"), "{out}");

    let (code, out, _) = run(&host, url, &["status", "--format", "json"]).await;
    assert_eq!(code, 0);
    let status: Value = serde_json::from_str(&out).expect("status JSON");
    assert_eq!(
        status["server"]["board"]["switches"]["cron"]["halted"],
        true
    );
    assert_eq!(
        status["server"]["board"]["switches"]["cron"]["last"]["reason"],
        "bad deploy"
    );

    let (code, out, _) = run(&host, url, &["status", "--exit-code"]).await;
    assert_eq!(code, 1, "halted switches give exit code 1 with --exit-code");
    assert!(
        out.contains("HALTED") && out.contains("bad deploy"),
        "{out}"
    );

    let (code, out, _) = run(
        &host,
        url,
        &[
            "resume",
            "--scope",
            "cron",
            "--reason",
            "rolled back",
            "--format",
            "json",
        ],
    )
    .await;
    assert_eq!(code, 0);
    let event: Value = serde_json::from_str(&out).expect("event JSON");
    assert_eq!(
        (event["revision"].as_u64(), event["action"].as_str()),
        (Some(2), Some("resume"))
    );
}

#[tokio::test]
async fn bad_flags_and_bad_input_get_clear_errors() {
    let host = Host::new();
    let server = start_server(&host.path("data")).await;
    let url = Some(server.url.as_str());

    let (code, _, err) = run(&host, url, &["halt"]).await;
    assert_eq!(code, 2);
    assert!(err.contains("--reason"), "{err}");

    let (code, _, err) = run(
        &host,
        url,
        &["halt", "--scope", "Bad Scope", "--reason", "x"],
    )
    .await;
    assert_eq!(code, 2);
    assert!(err.contains("invalid scope name"), "{err}");

    let (code, _, err) = run(
        &host,
        url,
        &["halt", "--scope", "payments", "--reason", "x"],
    )
    .await;
    assert_eq!(code, 2);
    assert!(err.contains("unknown scope `payments`"), "{err}");

    let (code, _, err) = run(
        &host,
        url,
        &[
            "agent", "--scope", "worker", "--grace", "soon", "--", "true",
        ],
    )
    .await;
    assert_eq!(code, 2);
    assert!(err.contains("--grace"), "{err}");

    let (code, _, err) = run(&host, url, &["agent", "--scope", "worker"]).await;
    assert_eq!(code, 2);
    assert!(err.to_lowercase().contains("usage"), "{err}");

    let (code, _, err) = run(&host, url, &["frobnicate"]).await;
    assert_eq!(code, 2);
    assert!(err.contains("frobnicate"), "{err}");
}

#[tokio::test]
async fn an_unreachable_server_is_a_clear_error_that_points_to_local() {
    let host = Host::new();
    let (code, _, err) = run(
        &host,
        Some("http://127.0.0.1:9"),
        &["halt", "--reason", "x"],
    )
    .await;
    assert_eq!(code, 2);
    assert!(
        err.contains("cannot reach the ripcord server at http://127.0.0.1:9"),
        "{err}"
    );
    assert!(err.contains("--local"), "{err}");

    let (code, out, _) = run(&host, Some("http://127.0.0.1:9"), &["status"]).await;
    assert_eq!(code, 2);
    assert!(
        out.contains("UNREACHABLE") && out.contains("local markers"),
        "{out}"
    );
}

#[tokio::test]
async fn configuration_errors_name_the_key_and_its_source() {
    let host = Host::new();
    std::fs::write(
        host.path("ripcord.toml"),
        "[client]\non_unreachable = \"sometimes\"\n",
    )
    .expect("write");
    let (code, _, err) = run(&host, None, &["status"]).await;
    assert_eq!(code, 2);
    assert!(
        err.contains("on_unreachable") && err.contains("ripcord.toml"),
        "{err}"
    );

    let output = host
        .ripcord(None)
        .env("RIPCORD_SERVE__LISTEN", "not-an-address")
        .args(["--config", "/dev/null", "status"])
        .output()
        .await
        .expect("runs");
    let err = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2));
    let lower = err.to_lowercase();
    assert!(
        lower.contains("serve.listen") && lower.contains("environment"),
        "{err}"
    );
}

#[tokio::test]
async fn the_demo_runs_end_to_end() {
    let host = Host::new();
    let (code, out, err) = run(&host, None, &["demo", "--agents", "2"]).await;
    assert_eq!(code, 0, "{out}\n{err}");
    for step in [
        "1. control plane",
        "3. `ripcord halt`",
        "503 Service Unavailable",
        "4. `ripcord resume`",
        "5. `ripcord halt --local`",
        "7. agents stopped",
    ] {
        assert!(out.contains(step), "missing {step:?} in:\n{out}");
    }
}

#[tokio::test]
async fn serve_listens_answers_and_stops_cleanly_on_sigterm() {
    let host = Host::new();
    let mut serve = host.serve(&["--listen", "127.0.0.1:0"], &[]).await;
    let url = format!("http://{}", serve.addr);
    let (code, out, _) = run(&host, Some(&url), &["halt", "--reason", "via a real serve"]).await;
    assert_eq!(code, 0);
    assert!(out.contains("revision 1"), "{out}");

    let pid = nix::unistd::Pid::from_raw(
        i32::try_from(serve.child.id().expect("pid")).expect("pid fits"),
    );
    nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM).expect("signal");
    let status = tokio::time::timeout(crate::helpers::DEADLINE, serve.child.wait())
        .await
        .expect("serve stops")
        .expect("status");
    assert_eq!(status.code(), Some(0));
}
