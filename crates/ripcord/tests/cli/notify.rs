//! Halts, resumes and drill results reach `[notify]` webhooks from the server's outbox: after
//! the change is answered, never holding it up, and again after a crash cut a send off.

use std::sync::Arc;

use ripcord_testkit::{Held, HoldingSink};
use serde_json::Value;

use crate::helpers::{DEADLINE, Host, Serve, eventually};

/// A webhook URL's path is its secret: it must never show in the server's log.
const SECRET_PATH: &str = "/services/T0/hook-secret-7f3a";

/// A `ripcord.toml` in the host's folder (the working folder of every command) that sends
/// notifications to `sink`, plus `extra`.
fn configure(host: &Host, sink: &HoldingSink, extra: &str) {
    let config = format!(
        "[[notify.webhooks]]\nurl = \"{}\"\nformat = \"json\"\n{extra}",
        sink.url(SECRET_PATH)
    );
    std::fs::write(host.path("ripcord.toml"), config).expect("config");
}

/// The next request the sink holds, waited for off the runtime's threads.
async fn next(sink: &Arc<HoldingSink>) -> Held {
    let sink = sink.clone();
    tokio::task::spawn_blocking(move || sink.next(DEADLINE))
        .await
        .expect("join")
        .expect("a notification arrived in time")
}

fn body(held: &Held) -> Value {
    serde_json::from_str(&held.request.body).expect("a JSON notification")
}

async fn change(host: &Host, serve: &Serve, action: &str, reason: &str) {
    change_scope(host, serve, action, "global", reason).await;
}

async fn change_scope(host: &Host, serve: &Serve, action: &str, scope: &str, reason: &str) {
    let (code, _, stderr) = host
        .run_with(
            &[("RIPCORD_SERVER", &serve.url())],
            &[action, "--scope", scope, "--reason", reason],
        )
        .await;
    assert_eq!(code, 0, "{action}: {stderr}");
}

/// Resumes, and takes the resume's notification (the next one) from the sink.
async fn resume_and_see_it_announced(host: &Host, serve: &Serve, sink: &Arc<HoldingSink>) {
    change(host, serve, "resume", "rotated").await;
    let resume = next(sink).await;
    assert_eq!(body(&resume)["kind"], "switch.resume");
    resume.answer(200);
}

#[tokio::test]
async fn a_halt_is_answered_while_the_receiver_holds_the_last_notification_open() {
    let host = Host::new();
    let sink = Arc::new(HoldingSink::start().expect("sink"));
    configure(&host, &sink, "");
    let serve = host
        .serve(
            &["--listen", "127.0.0.1:0"],
            &[("RIPCORD_SERVE__ENVIRONMENT", "staging")],
        )
        .await;

    change_scope(&host, &serve, "halt", "api", "payments double-charge").await;
    let first = next(&sink).await;
    let json = body(&first);
    assert_eq!(json["kind"], "switch.halt", "{json}");
    assert_eq!(json["text"], "payments double-charge");
    assert!(
        json["title"]
            .as_str()
            .is_some_and(|title| title.starts_with("api halted by ")),
        "{json}"
    );
    assert_eq!(json["data"]["revision"], 1);
    assert_eq!(json["data"]["scope"], "api");
    let id = json["id"].as_str().expect("an id to deduplicate by");
    assert!(id.ends_with(":1"), "{id}");
    let fields = json["fields"].as_array().expect("fields");
    assert!(
        fields.contains(&serde_json::json!(["environment", "staging"])),
        "{json}"
    );

    // The receiver still holds the first halt's notification: the next halt is answered
    // all the same, and its notification follows once the first is taken.
    change(&host, &serve, "halt", "leaked key").await;
    first.answer(200);
    let second = next(&sink).await;
    let json = body(&second);
    assert_eq!(json["kind"], "switch.halt", "{json}");
    assert_eq!(json["data"]["revision"], 2);
    second.answer(200);
    resume_and_see_it_announced(&host, &serve, &sink).await;
    serve.stop().await;
}

#[tokio::test]
async fn a_notification_cut_off_by_a_crash_is_sent_again_with_the_same_id() {
    let host = Host::new();
    let sink = Arc::new(HoldingSink::start().expect("sink"));
    configure(&host, &sink, "");
    let mut serve = host.serve(&["--listen", "127.0.0.1:0"], &[]).await;
    change(&host, &serve, "halt", "leaked key").await;
    let cut_off = next(&sink).await;
    // The server dies mid-send: recorded, sent, never acknowledged.
    serve.child.kill().await.expect("SIGKILL");
    let first = body(&cut_off);
    drop(cut_off);

    let serve = host.serve(&["--listen", "127.0.0.1:0"], &[]).await;
    let again = next(&sink).await;
    let second = body(&again);
    assert_eq!(
        second["id"], first["id"],
        "the same id, so receivers drop repeats"
    );
    assert_eq!(second["data"], first["data"]);
    again.answer(200);

    // Delivered now: the next notification is the resume's, not the halt's again.
    resume_and_see_it_announced(&host, &serve, &sink).await;
    serve.stop().await;
}

#[tokio::test]
async fn serve_runs_a_scheduled_drill_keeps_it_announces_it_and_resumes_before_stopping() {
    let host = Host::new();
    let sink = Arc::new(HoldingSink::start().expect("sink"));
    // Every second: the first runs may find no agent yet and fail; one that passes follows.
    configure(
        &host,
        &sink,
        "[[drill.schedule]]\nkind = \"killswitch\"\ncron = \"* * * * * *\"\nscope = \"worker\"\n\
         expect_agents = 1\n",
    );
    let serve = host.serve(&["--listen", "127.0.0.1:0"], &[]).await;
    let _agent = host.agent(
        Some(&serve.url()),
        &["--scope", "worker", "--restart-on-resume"],
        "sleep 600",
    );
    let passed = tokio::time::timeout(DEADLINE * 2, async {
        let mut drill_halted = false;
        loop {
            let held = next(&sink).await;
            let json = body(&held);
            held.answer(200);
            match json["kind"].as_str() {
                Some("switch.halt") => {
                    assert_eq!(
                        json["data"]["drill"], true,
                        "a drill's halt is marked: {json}"
                    );
                    drill_halted = true;
                }
                Some("drill") if json["data"]["verdict"] == "passed" => {
                    assert!(
                        drill_halted,
                        "the drill's halt was announced before its result"
                    );
                    break json;
                }
                Some("drill" | "switch.resume") => {}
                other => panic!("unexpected notification {other:?}: {json}"),
            }
        }
    })
    .await
    .expect("a scheduled drill passed in time");
    assert_eq!(passed["ok"], true);
    assert_eq!(passed["data"]["recorded_by"], "ripcord serve");
    assert_eq!(passed["data"]["scope"], "worker");
    let drill_id = passed["data"]["id"].as_str().expect("id").to_owned();
    let drills = format!("{}/v1/drills", serve.url());
    eventually("the drill in the history", async || {
        let list: Value = reqwest::get(&drills).await.ok()?.json().await.ok()?;
        list.as_array()?
            .iter()
            .any(|drill| drill["id"] == drill_id.as_str())
            .then_some(())
    })
    .await;

    // Stop while a drill has the switch tripped (its halt's notification is held): the
    // drill resumes what it tripped before the server stops.
    let tripped = loop {
        let held = next(&sink).await;
        if body(&held)["kind"] == "switch.halt" {
            break held;
        }
        held.answer(200);
    };
    serve.stop().await;
    drop(tripped);
    configure(&host, &sink, "");
    let serve = host.serve(&["--listen", "127.0.0.1:0"], &[]).await;
    let board: Value = reqwest::get(format!("{}/v1/switches", serve.url()))
        .await
        .expect("board")
        .json()
        .await
        .expect("JSON");
    assert_eq!(board["switches"]["worker"]["halted"], false, "{board}");
    serve.stop().await;
}

#[tokio::test]
async fn a_failing_receiver_is_retried_with_the_same_id_and_logged_without_its_url() {
    let host = Host::new();
    let sink = Arc::new(HoldingSink::start().expect("sink"));
    configure(&host, &sink, "");
    let serve = host.serve(&["--listen", "127.0.0.1:0"], &[]).await;
    change(&host, &serve, "halt", "disk full").await;
    let refused = next(&sink).await;
    let first = body(&refused);
    refused.answer(500);
    let again = next(&sink).await;
    assert_eq!(body(&again)["id"], first["id"]);
    assert_eq!(again.request.path, SECRET_PATH);
    again.answer(200);
    let log = serve.stop().await;
    assert!(
        log.contains("a notification channel failed; it will be retried"),
        "{log}"
    );
    assert!(
        !log.contains("hook-secret"),
        "the webhook's secret path was logged: {log}"
    );
}
