//! Replicas: two control planes on one PostgreSQL, announcing changes through one Redis,
//! each with agents of its own; then Redis and PostgreSQL taken away and brought back.

use std::time::Duration;

use ripcord_core::auth::Secret;
use ripcord_server::RunningServer;
use ripcord_testkit::{Postgres, Redis};
use serde_json::{Value, json};

use super::{DEADLINE, client, start_switch, within};

/// A replica of the control plane on `database`, announcing through `redis`, with its own
/// data folder (as its own container).
async fn replica(
    database: &str,
    redis: &Redis,
    keep_alive: Duration,
) -> (RunningServer, tempfile::TempDir) {
    let container = tempfile::tempdir().expect("temp dir");
    let server = ripcord_server::spawn_local(container.path(), |config| {
        config.database_url = Some(Secret::new(database));
        config.redis_url = Some(Secret::new(redis.url()));
        config.keep_alive = keep_alive;
    })
    .await
    .expect("replica builds");
    (server, container)
}

async fn change(
    server: &RunningServer,
    scope: &str,
    action: &str,
    reason: &str,
) -> reqwest::Response {
    reqwest::Client::new()
        .post(format!("{}/v1/switches/{scope}/{action}", server.url()))
        .json(&json!({ "reason": reason }))
        .send()
        .await
        .expect("sent")
}

async fn get(server: &RunningServer, path: &str) -> reqwest::Response {
    reqwest::get(format!("{}{path}", server.url()))
        .await
        .expect("sent")
}

fn fresh_database() -> String {
    Postgres::shared()
        .expect("the shared cluster")
        .fresh_database()
        .expect("a database")
}

#[tokio::test]
async fn a_halt_sent_to_one_replica_stops_an_agent_of_the_other_through_redis() {
    let redis = Redis::start().expect("redis");
    let database = fresh_database();
    // A minute between looks at storage: only Redis can carry the halt in time.
    let (a, _a) = replica(&database, &redis, Duration::from_secs(60)).await;
    let (b, _b) = replica(&database, &redis, Duration::from_secs(60)).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let switch = start_switch(
        Some(b.url()),
        "worker",
        client(dir.path(), ripcord_agent::Transport::Stream),
    );
    switch.settled(DEADLINE).await;
    assert_eq!(change(&a, "global", "halt", "from A").await.status(), 200);
    let cause = within("the halt from the other replica", switch.halted()).await;
    assert_eq!(cause.scope.as_str(), "global");
    a.stop().await.expect("stops");
    b.stop().await.expect("stops");
}

#[tokio::test]
async fn simultaneous_halts_on_two_replicas_are_all_recorded_in_order() {
    let redis = Redis::start().expect("redis");
    let database = fresh_database();
    let (a, _a) = replica(&database, &redis, Duration::from_secs(60)).await;
    let (b, _b) = replica(&database, &redis, Duration::from_secs(60)).await;
    let changes = (0..20).map(|index| {
        let (server, action) = if index % 2 == 0 {
            (&a, "halt")
        } else {
            (&b, "resume")
        };
        async move { change(server, "api", action, &format!("change {index}")).await }
    });
    let answers = futures_util::future::join_all(changes).await;
    let mut revisions = Vec::new();
    for answer in answers {
        assert_eq!(answer.status(), 200, "never a conflict for an operator");
        let event: Value = answer.json().await.expect("event");
        revisions.push(event["revision"].as_u64().expect("revision"));
    }
    revisions.sort_unstable();
    assert_eq!(revisions, (1..=20).collect::<Vec<_>>());
    let logged: Value = get(&a, "/v1/events?limit=100")
        .await
        .json()
        .await
        .expect("events");
    assert_eq!(logged.as_array().map(Vec::len), Some(20));
    a.stop().await.expect("stops");
    b.stop().await.expect("stops");
}

#[tokio::test]
async fn with_redis_down_changes_still_arrive_within_a_keep_alive_and_nobody_goes_stale() {
    let mut redis = Redis::start().expect("redis");
    let database = fresh_database();
    let keep_alive = Duration::from_millis(300);
    let (a, _a) = replica(&database, &redis, keep_alive).await;
    let (b, _b) = replica(&database, &redis, keep_alive).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let switch = start_switch(
        Some(b.url()),
        "worker",
        client(dir.path(), ripcord_agent::Transport::Stream),
    );
    switch.settled(DEADLINE).await;

    redis.stop();
    assert_eq!(
        change(&a, "worker", "halt", "Redis is down").await.status(),
        200
    );
    within("the halt, read from storage by B", switch.halted()).await;

    redis.start_again().expect("redis is back");
    assert_eq!(
        change(&a, "worker", "resume", "Redis is back")
            .await
            .status(),
        200
    );
    within("the resume", switch.resumed()).await;
    // The agent kept its stream to B all along: after several intervals it is not stale.
    tokio::time::sleep(keep_alive * 4).await;
    let agents: Value = get(&b, "/v1/agents").await.json().await.expect("agents");
    let agents = agents.as_array().expect("agents");
    assert!(!agents.is_empty(), "the agent reported");
    assert!(
        agents.iter().all(|agent| agent["stale"] == false),
        "{agents:?}"
    );
    a.stop().await.expect("stops");
    b.stop().await.expect("stops");
}

#[tokio::test]
async fn with_postgres_down_writes_get_503_reads_answer_and_writes_resume_after() {
    let mut cluster = Postgres::start().expect("a cluster of its own, to stop");
    let database = cluster.create_database("replicas").expect("database");
    let redis = Redis::start().expect("redis");
    let (a, _a) = replica(&database, &redis, Duration::from_millis(300)).await;
    assert_eq!(change(&a, "cron", "halt", "before").await.status(), 200);

    cluster.pause().expect("PostgreSQL stops");
    let refused = change(&a, "api", "halt", "during").await;
    assert_eq!(refused.status(), 503);
    let body: Value = refused.json().await.expect("JSON");
    assert_eq!(body["error"]["code"], "storage_unavailable", "{body}");
    let board: Value = get(&a, "/v1/switches").await.json().await.expect("board");
    assert_eq!(
        board["switches"]["cron"]["halted"], true,
        "reads keep the last board"
    );
    assert_eq!(get(&a, "/readyz").await.status(), 503);

    cluster.start_again().expect("PostgreSQL is back");
    let after = change(&a, "api", "halt", "after").await;
    let status = after.status();
    if status != 200 {
        panic!(
            "writes resume: {status} {}",
            after.text().await.unwrap_or_default()
        );
    }
    let event: Value = after.json().await.expect("event");
    assert_eq!(
        event["revision"], 2,
        "nothing of the refused halt was written"
    );
    assert_eq!(get(&a, "/readyz").await.status(), 200);
    a.stop().await.expect("stops");
}
