use crate::helpers::{State, spawn_app, spawn_app_on};

#[tokio::test]
async fn a_fresh_stream_starts_with_a_snapshot_then_sends_changes() {
    let app = spawn_app().await;
    app.halt("api", "before subscribing").await;
    let mut stream = app.stream(None).await;
    let snapshot = stream.next().await;
    assert_eq!((snapshot.name.as_str(), snapshot.id), ("snapshot", 1));
    assert_eq!(snapshot.data["switches"]["api"]["halted"], true);

    app.halt("global", "live").await;
    let change = stream.next().await;
    assert_eq!((change.name.as_str(), change.id), ("change", 2));
    assert_eq!(change.data["scope"], "global");
    assert_eq!(change.data["reason"], "live");
}

#[tokio::test]
async fn last_event_id_replays_what_was_missed_then_goes_live() {
    let app = spawn_app().await;
    for reason in ["one", "two", "three"] {
        app.halt("worker", reason).await;
    }
    let mut stream = app.stream(Some("1")).await;
    let replayed: Vec<u64> = vec![stream.next().await.id, stream.next().await.id];
    assert_eq!(replayed, [2, 3]);
    app.resume("worker").await;
    let live = stream.next().await;
    assert_eq!((live.name.as_str(), live.id), ("change", 4));
}

#[tokio::test]
async fn a_client_resumes_across_a_server_restart_without_losing_events() {
    let state = State::new();
    let app = spawn_app_on(&state).await;
    let mut stream = app.stream(None).await;
    assert_eq!(stream.next().await.name, "snapshot");
    app.halt("global", "first").await;
    let seen = stream.next().await;
    app.stop().await;
    assert!(
        stream.next_or_end().await.is_none(),
        "shutdown ends open streams"
    );

    // Events written while this client is away: another server on the same state.
    let restarted = spawn_app_on(&state).await;
    restarted.resume("global").await;
    restarted.halt("cron", "while away").await;
    // Resumes with the id exactly as the stream gave it: LOG.REVISION.
    let position = format!("{}.{}", seen.log, seen.id);
    let mut resumed = restarted.stream(Some(&position)).await;
    let first = resumed.next().await;
    assert_eq!(
        (first.name.as_str(), first.log.as_str()),
        ("change", seen.log.as_str()),
        "the same log"
    );
    assert_eq!(
        [first.id, resumed.next().await.id],
        [seen.id + 1, seen.id + 2]
    );
}

#[tokio::test]
async fn a_revision_the_server_never_had_gets_a_snapshot() {
    let app = spawn_app().await;
    app.halt("api", "only event").await;
    let mut stream = app.stream(Some("99")).await;
    let first = stream.next().await;
    assert_eq!((first.name.as_str(), first.id), ("snapshot", 1));
}

#[tokio::test]
async fn many_subscribers_each_receive_every_change_once() {
    let app = spawn_app().await;
    let mut streams = Vec::new();
    for _ in 0..20 {
        let mut stream = app.stream(None).await;
        assert_eq!(stream.next().await.name, "snapshot");
        streams.push(stream);
    }
    app.halt("global", "a").await;
    app.resume("global").await;
    for stream in &mut streams {
        assert_eq!([stream.next().await.id, stream.next().await.id], [1, 2]);
    }
}

#[tokio::test]
async fn a_position_in_another_log_gets_a_snapshot_not_a_replay() {
    // Two servers with separate state: the second's revision 1 is not the first's.
    let first = spawn_app().await;
    first.halt("api", "in the first log").await;
    let mut stream = first.stream(None).await;
    let snapshot = stream.next().await;

    let second = spawn_app().await;
    second.halt("worker", "one").await;
    second.halt("cron", "two").await;
    let foreign = format!("{}.1", snapshot.log);
    let mut resumed = second.stream(Some(&foreign)).await;
    let answer = resumed.next().await;
    assert_eq!((answer.name.as_str(), answer.id), ("snapshot", 2));
    assert_ne!(answer.log, snapshot.log);
    assert_eq!(answer.data["switches"]["api"]["halted"], false);
}

#[tokio::test]
async fn a_long_poll_from_another_log_answers_at_once() {
    let app = spawn_app().await;
    app.halt("api", "one").await;
    // Held, it would last 30 s (long_poll_max); answered at once it fits the deadline.
    let request = app.get("/v1/switches/wait?after=5&log=someotherlog&timeout=60s");
    let response = tokio::time::timeout(std::time::Duration::from_secs(10), request)
        .await
        .expect("answered at once, not held");
    assert_eq!(response.status(), 200);
    let log = response.headers()[ripcord_core::api::LOG_HEADER]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert_ne!(log, "someotherlog");
    let board: serde_json::Value = response.json().await.expect("JSON");
    assert_eq!(board["revision"], 1);
}
