//! The storage contract: what every backend does the same, run on SQLite and on
//! PostgreSQL (a fresh database of the shared throwaway cluster), whatever backend the
//! rest of the suite runs on. Then what only PostgreSQL has: a database shared by servers
//! that start together, outlive their container, and pass through poolers.

use std::sync::Arc;

use jiff::Timestamp;
use ripcord_core::api::{AgentRecord, AgentReport};
use ripcord_core::auth::Role;
use ripcord_core::chain::AuditEntry;
use ripcord_core::{Action, Event, Scope};
use ripcord_server::{PruneBefore, SecurityEvent, Settled, Storage, StorageError};

use crate::helpers::State;

/// Each contract test, once per backend: `storage::sqlite::NAME`, `storage::postgres::NAME`.
macro_rules! on_both_backends {
    ($($test:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test]
            async fn $test() {
                super::$test(crate::helpers::State::sqlite()).await;
            })*
        }
        mod postgres {
            $(#[tokio::test]
            async fn $test() {
                super::$test(crate::helpers::State::postgres()).await;
            })*
        }
    };
}

on_both_backends!(
    appends_only_the_next_revision,
    an_idempotency_key_finds_its_event_and_a_taken_revision_stores_no_key,
    prune_forgets_exited_and_silent_agents_old_keys_and_old_refusals,
    the_logs_refuse_updates_deletions_and_truncation,
    the_log_id_is_stable_across_reopens_and_differs_between_stores,
    stored_events_hash_to_the_golden_values,
    a_live_token_name_is_unique_and_revocation_frees_it,
    audit_entries_are_appended_in_order_without_gaps,
    refusals_of_one_minute_kind_token_and_peer_share_a_row,
    agents_are_paged_in_byte_order,
    a_migrated_store_has_nothing_pending,
    the_outbox_holds_each_change_and_drill_once_until_settled,
);

fn event(revision: u64) -> Event {
    Event {
        revision,
        scope: Scope::global(),
        action: Action::Halt,
        actor: "test".into(),
        reason: "why".into(),
        at: Timestamp::UNIX_EPOCH,
        hash: format!("hash-{revision}"),
        drill: false,
        source: None,
    }
}

fn report(exit_code: Option<i32>) -> AgentReport {
    serde_json::from_value(serde_json::json!({
        "scope": "cron", "halted": false, "revision": 0, "cause": null,
        "applied_at": "2026-01-01T00:00:00Z", "latency_ms": null,
        "host": "h", "pid": 1, "command": null, "exit_code": exit_code
    }))
    .expect("report")
}

fn agent(id: &str, exit_code: Option<i32>, at: Timestamp) -> AgentRecord {
    AgentRecord {
        id: id.into(),
        last_seen: at,
        last_contact: at,
        stale: false,
        witness_problem: None,
        report: report(exit_code),
    }
}

async fn revisions(storage: &dyn Storage) -> Vec<u64> {
    let events = storage.load_events().await.expect("load");
    events.iter().map(|event| event.revision).collect()
}

async fn appends_only_the_next_revision(state: State) {
    let storage = state.store().await;
    storage.append(&event(1), None).await.expect("first");
    for taken_or_gap in [1, 3] {
        let refused = storage.append(&event(taken_or_gap), None).await;
        assert!(
            matches!(refused, Err(StorageError::RevisionTaken(r)) if r == taken_or_gap),
            "{refused:?}"
        );
    }
    storage.append(&event(2), None).await.expect("second");
    assert_eq!(revisions(storage.as_ref()).await, [1, 2]);
    assert_eq!(
        storage.events_after(1, 10).await.expect("after"),
        [event(2)]
    );
}

async fn an_idempotency_key_finds_its_event_and_a_taken_revision_stores_no_key(state: State) {
    let storage = state.store().await;
    storage.append(&event(1), Some("k1")).await.expect("first");
    assert_eq!(
        storage.event_for_key("k1").await.expect("read"),
        Some(event(1))
    );
    assert!(storage.append(&event(1), Some("k2")).await.is_err());
    assert_eq!(storage.event_for_key("k2").await.expect("read"), None);
}

async fn prune_forgets_exited_and_silent_agents_old_keys_and_old_refusals(state: State) {
    let storage = state.store().await;
    let at = |day: i64| Timestamp::from_second(1_767_225_600 + day * 86_400).expect("time");
    for (id, exit_code) in [("exited", Some(75)), ("running", None), ("silent", None)] {
        storage
            .upsert_agent(&agent(id, exit_code, at(0)))
            .await
            .expect("upsert");
    }
    storage
        .touch_agents(&["running".to_owned()], at(9))
        .await
        .expect("touch");
    storage
        .append(&event(1), Some("old-key"))
        .await
        .expect("append");
    let refusal = |minute: Timestamp| SecurityEvent {
        id: 0,
        minute,
        kind: "unauthenticated".into(),
        token: String::new(),
        peer: "10.0.0.1".into(),
        count: 1,
        detail: String::new(),
    };
    storage
        .record_security_events(&[refusal(at(0)), refusal(at(8))])
        .await
        .expect("record");
    let before = PruneBefore {
        agents: at(7),
        keys: Timestamp::now(),
        security_events: at(7),
        notifications: Timestamp::now(),
    };
    let forgotten = storage.prune(before).await.expect("prune");
    assert_eq!(forgotten, 2);
    let refusals = storage.security_events(0, 10).await.expect("refusals");
    assert_eq!(
        refusals.iter().map(|e| e.minute).collect::<Vec<_>>(),
        [at(8)]
    );
    let page = storage.agents(None, 10).await.expect("agents");
    let left: Vec<&str> = page.agents.iter().map(|agent| agent.id.as_str()).collect();
    assert_eq!(left, ["running"]);
    assert_eq!(page.agents[0].last_contact, at(9));
    assert_eq!(storage.event_for_key("old-key").await.expect("key"), None);
}

async fn the_logs_refuse_updates_deletions_and_truncation(state: State) {
    let storage = state.store().await;
    storage.append(&event(1), None).await.expect("append");
    let entry = audit_entry(1);
    storage.append_audit(&entry).await.expect("audit");
    storage.close().await;
    let mut statements = vec![
        "UPDATE events SET reason = 'rewritten'",
        "DELETE FROM events",
        "UPDATE audit SET detail = '{}'",
        "DELETE FROM audit",
    ];
    if state.database_url().is_some() {
        // SQLite has no TRUNCATE; its `DELETE` without `WHERE` is refused above.
        statements.extend([
            "TRUNCATE events",
            "TRUNCATE audit",
            "TRUNCATE events CASCADE",
        ]);
    }
    for sql in statements {
        let refused = state.sql(sql).await.expect_err(sql);
        assert!(refused.contains("append-only"), "{sql}: {refused}");
    }
    let storage = state.store().await;
    assert_eq!(storage.load_events().await.expect("load"), [event(1)]);
    assert_eq!(storage.audit_after(0, 10).await.expect("audit"), [entry]);
}

async fn the_log_id_is_stable_across_reopens_and_differs_between_stores(state: State) {
    let storage = state.store().await;
    let id = storage.log_id().await.expect("log id");
    assert_eq!(storage.log_id().await.expect("again"), id);
    storage.append(&event(1), None).await.expect("append");
    storage.close().await;
    let reopened = state.store().await;
    assert_eq!(reopened.log_id().await.expect("reopened"), id);
    assert_eq!(reopened.load_events().await.expect("load"), [event(1)]);
    let other_state = State::new();
    let other = other_state.store().await;
    assert_ne!(other.log_id().await.expect("other"), id);
}

/// The hashes of two events, pinned: computed independently (Python's `hmac` over the
/// documented encoding) for log `golden-log`, key `chain key`. The second is a drill
/// with a source, which add two fields after the previous hash.
const GOLDEN_HASHES: [&str; 2] = [
    "d435753bde0c1b93eb033cada7a4e2750045cc7876495e8f076ee8c859cd06f6",
    "c7b50ae9c11856aa39aeda476488079c20a1ce86e0cb560ba7ad745bc7d1773e",
];

async fn stored_events_hash_to_the_golden_values(state: State) {
    let key = Some(&b"chain key"[..]);
    let mut events = [
        Event {
            revision: 1,
            scope: "api".parse().expect("scope"),
            action: Action::Halt,
            actor: "ops@host".into(),
            reason: "déploiement raté — rollback".into(),
            at: "2026-11-30T23:00:00.123456Z".parse().expect("time"),
            drill: false,
            source: None,
            hash: String::new(),
        },
        Event {
            revision: 2,
            scope: "api".parse().expect("scope"),
            action: Action::Resume,
            actor: "ops@host".into(),
            reason: "drill over".into(),
            at: "2026-11-30T23:05:00.000001Z".parse().expect("time"),
            drill: true,
            source: Some("drill".into()),
            hash: String::new(),
        },
    ];
    let mut previous = String::new();
    for (event, golden) in events.iter_mut().zip(GOLDEN_HASHES) {
        event.hash = ripcord_core::chain::event_hash(key, "golden-log", &previous, event);
        assert_eq!(event.hash, golden);
        previous = event.hash.clone();
    }
    let storage = state.store().await;
    for event in &events {
        storage.append(event, None).await.expect("append");
    }
    storage.close().await;
    // Read back by a new connection: every hashed field survives the round trip.
    let stored = state.store().await.load_events().await.expect("load");
    assert_eq!(stored, events);
    assert_eq!(
        ripcord_core::chain::verify(key, "golden-log", &stored),
        Ok(2)
    );
}

async fn a_live_token_name_is_unique_and_revocation_frees_it(state: State) {
    let storage = state.store().await;
    let (_, first) =
        ripcord_server::new_token("ci", Role::Viewer, None, Timestamp::now()).expect("token");
    storage.create_token(&first).await.expect("create");
    let (_, again) =
        ripcord_server::new_token("ci", Role::Admin, None, Timestamp::now()).expect("token");
    assert!(matches!(
        storage.create_token(&again).await,
        Err(StorageError::NameTaken(name)) if name == "ci"
    ));
    let now = Timestamp::now();
    storage
        .touch_tokens(std::slice::from_ref(&first.hash), now)
        .await
        .expect("touch");
    let revoked = storage.revoke_token("ci", now).await.expect("revoke");
    assert_eq!(
        revoked.map(|info| info.prefix),
        Some(first.info.prefix.clone())
    );
    assert_eq!(storage.revoke_token("ci", now).await.expect("again"), None);
    storage
        .create_token(&again)
        .await
        .expect("the name is free");
    let tokens = storage.tokens().await.expect("tokens");
    assert_eq!(tokens.len(), 2);
    let old = tokens
        .iter()
        .find(|token| token.hash == first.hash)
        .expect("the revoked one is listed");
    assert_eq!(old.info.revoked, Some(now));
    assert_eq!(old.info.last_used, Some(now));
}

fn audit_entry(seq: u64) -> AuditEntry {
    AuditEntry {
        seq,
        at: "2026-11-30T23:00:00.5Z".parse().expect("time"),
        kind: "token.created".into(),
        actor: "root@host".into(),
        detail: format!("{{\"n\":{seq}}}"),
        hash: format!("h{seq}"),
    }
}

async fn audit_entries_are_appended_in_order_without_gaps(state: State) {
    let storage = state.store().await;
    assert_eq!(storage.audit_tail().await.expect("tail"), None);
    storage.append_audit(&audit_entry(1)).await.expect("first");
    for taken_or_gap in [1, 3] {
        assert!(matches!(
            storage.append_audit(&audit_entry(taken_or_gap)).await,
            Err(StorageError::RevisionTaken(_))
        ));
    }
    storage.append_audit(&audit_entry(2)).await.expect("second");
    assert_eq!(
        storage.audit_tail().await.expect("tail"),
        Some((2, "h2".to_owned()))
    );
    assert_eq!(
        storage.audit_after(1, 10).await.expect("after"),
        [audit_entry(2)]
    );
}

async fn refusals_of_one_minute_kind_token_and_peer_share_a_row(state: State) {
    let storage = state.store().await;
    let refusal = |peer: &str, count: u64| SecurityEvent {
        id: 0,
        minute: "2026-11-30T23:00:00Z".parse().expect("time"),
        kind: "unauthenticated".into(),
        token: String::new(),
        peer: peer.into(),
        count,
        detail: format!("{count} refused"),
    };
    storage
        .record_security_events(&[refusal("10.0.0.1", 3), refusal("10.0.0.2", 1)])
        .await
        .expect("record");
    storage
        .record_security_events(&[refusal("10.0.0.1", 4)])
        .await
        .expect("record");
    let events = storage.security_events(0, 10).await.expect("list");
    let counts: Vec<(&str, u64, &str)> = events
        .iter()
        .map(|event| (event.peer.as_str(), event.count, event.detail.as_str()))
        .collect();
    assert_eq!(
        counts,
        [("10.0.0.1", 7, "4 refused"), ("10.0.0.2", 1, "1 refused")]
    );
    let after_first = storage
        .security_events(events[0].id, 10)
        .await
        .expect("page");
    assert_eq!(after_first.len(), 1);
}

async fn agents_are_paged_in_byte_order(state: State) {
    let storage = state.store().await;
    let now = Timestamp::now();
    // Byte order, not a locale's: upper case before lower case before non-ASCII.
    for id in ["b/2", "ä/1", "B/1", "a/1"] {
        storage
            .upsert_agent(&agent(id, None, now))
            .await
            .expect("upsert");
    }
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = storage.agents(after.as_deref(), 2).await.expect("page");
        seen.extend(page.agents.into_iter().map(|agent| agent.id));
        match page.next_after {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    assert_eq!(seen, ["B/1", "a/1", "b/2", "ä/1"]);
}

async fn a_migrated_store_has_nothing_pending(state: State) {
    let config = state.config();
    let fresh = ripcord_server::migrate_store(&config, true)
        .await
        .expect("dry run");
    assert!(!fresh.versions.is_empty());
    assert!(fresh.dry_run);
    // A dry run changed nothing: the same migrations are still pending.
    let again = ripcord_server::migrate_store(&config, true)
        .await
        .expect("dry run");
    assert_eq!(again.versions, fresh.versions);
    let applied = ripcord_server::migrate_store(&config, false)
        .await
        .expect("migrate");
    assert_eq!(applied.versions, fresh.versions);
    let store: Arc<dyn Storage> = state.store().await;
    store.close().await;
    let after = ripcord_server::migrate_store(&config, false)
        .await
        .expect("migrate");
    assert!(after.versions.is_empty(), "{after:?}");
}

/// A server on `state` with its own data folder: a container of its own.
async fn server_in_a_fresh_container(
    state: &State,
) -> (ripcord_server::RunningServer, tempfile::TempDir) {
    let container = tempfile::tempdir().expect("temp dir");
    let config = state.config();
    let server = ripcord_server::spawn_local(container.path(), |fresh| {
        fresh.database_url = config.database_url;
    })
    .await
    .expect("server builds");
    (server, container)
}

#[tokio::test]
async fn postgres_two_servers_starting_at_once_on_an_empty_database_both_come_up() {
    let state = State::postgres();
    let ((first, _a), (second, _b)) = tokio::join!(
        server_in_a_fresh_container(&state),
        server_in_a_fresh_container(&state)
    );
    let client = reqwest::Client::new();
    let log_of = |server: &ripcord_server::RunningServer| {
        let request = client.get(format!("{}/v1/switches", server.url())).send();
        async move {
            let response = request.await.expect("sent");
            assert_eq!(response.status(), 200);
            response.headers()["x-ripcord-log"]
                .to_str()
                .expect("log id")
                .to_owned()
        }
    };
    assert_eq!(
        log_of(&first).await,
        log_of(&second).await,
        "one log, one schema"
    );
    let store = state.store().await;
    assert!(
        ripcord_server::migrate_store(&state.config(), true)
            .await
            .expect("dry run")
            .versions
            .is_empty()
    );
    store.close().await;
    first.stop().await.expect("stops");
    second.stop().await.expect("stops");
}

#[tokio::test]
async fn postgres_a_server_in_a_fresh_container_keeps_the_log_and_its_halts() {
    let state = State::postgres();
    let (first, first_container) = server_in_a_fresh_container(&state).await;
    let client = reqwest::Client::new();
    let halted = client
        .post(format!("{}/v1/switches/api/halt", first.url()))
        .json(&serde_json::json!({ "reason": "bad deploy" }))
        .send()
        .await
        .expect("sent");
    assert_eq!(halted.status(), 200);
    first.stop().await.expect("stops");
    // Cloud Run replaced the instance: its disk is gone.
    drop(first_container);
    let (second, _container) = server_in_a_fresh_container(&state).await;
    let board: serde_json::Value = client
        .get(format!("{}/v1/switches", second.url()))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("JSON");
    assert_eq!(board["revision"], 1, "{board}");
    assert_eq!(board["switches"]["api"]["halted"], true, "{board}");
    assert_eq!(
        board["switches"]["api"]["last"]["reason"], "bad deploy",
        "{board}"
    );
    second.stop().await.expect("stops");
}

#[tokio::test]
async fn postgres_the_transaction_pooler_is_refused_and_passwords_never_show() {
    let refused =
        ripcord_server::PostgresStorage::connect("postgres://app:hunter2@127.0.0.1:6543/postgres")
            .await
            .expect_err("transaction pooler")
            .to_string();
    assert!(refused.contains("session pooler"), "{refused}");
    assert!(!refused.contains("hunter2"), "{refused}");
    // Nothing listens on this port: the error names the server, not the password.
    let port = ripcord_testkit::free_port().expect("port");
    let unreachable = ripcord_server::PostgresStorage::connect(&format!(
        "postgres://app:hunter2@127.0.0.1:{port}/db"
    ))
    .await
    .expect_err("nothing listens")
    .to_string();
    assert!(
        unreachable.contains(&format!("127.0.0.1:{port}")),
        "{unreachable}"
    );
    assert!(!unreachable.contains("hunter2"), "{unreachable}");
    for bad in ["mysql://127.0.0.1/db", "not a url"] {
        let error = ripcord_server::PostgresStorage::connect(bad)
            .await
            .expect_err(bad)
            .to_string();
        assert!(error.contains("invalid database URL"), "{error}");
    }
}

#[tokio::test]
async fn postgres_a_database_of_a_newer_ripcord_is_refused() {
    let state = State::postgres();
    state.store().await.close().await;
    state
        .sql("INSERT INTO schema_migrations (version, applied) VALUES (999, 'the future')")
        .await
        .expect("from the future");
    let error = ripcord_server::open_store(&state.config(), ripcord_server::Opening::MustExist)
        .await
        .err()
        .expect("newer schema")
        .to_string();
    assert!(error.contains("newer ripcord"), "{error}");
}

#[tokio::test]
async fn postgres_tls_verifies_the_server_against_sslrootcert() {
    let cluster = ripcord_testkit::Postgres::start_with_tls().expect("a TLS cluster");
    let ca = cluster.ca_file();
    let base = format!("postgres://postgres@localhost:{}/postgres", cluster.port());
    let connects = |query: String| {
        let url = format!("{base}?{query}");
        async move {
            match ripcord_server::PostgresStorage::connect(&url).await {
                Ok(storage) => {
                    storage.close().await;
                    Ok(())
                }
                Err(error) => Err(error.to_string()),
            }
        }
    };
    connects(format!("sslmode=verify-full&sslrootcert={}", ca.display()))
        .await
        .expect("verified against the given authority");
    connects("sslmode=require".into())
        .await
        .expect("encrypted without verification");
    // The throwaway authority is in no trust store: verification fails without it.
    let unverified = connects("sslmode=verify-full".into())
        .await
        .expect_err("an unknown authority");
    assert!(unverified.contains("certificate"), "{unverified}");
    // A certificate for `localhost` does not pass for another name of the same server,
    // though it is signed by the right authority.
    let by_address = format!(
        "postgres://postgres@127.0.0.1:{}/postgres?sslrootcert={}&sslmode=verify-full",
        cluster.port(),
        ca.display()
    );
    let mismatch = ripcord_server::PostgresStorage::connect(&by_address)
        .await
        .expect_err("another name");
    assert!(mismatch.to_string().contains("certificate"), "{mismatch}");
}

/// The database name at the end of a URL.
fn database_name(url: &str) -> &str {
    url.rsplit('/').next().expect("a database")
}

#[tokio::test]
async fn postgres_a_server_runs_as_a_role_that_cannot_rewrite_the_log_and_an_auditor_reads() {
    let state = State::postgres();
    let owner = state.database_url().expect("a database").to_owned();
    ripcord_server::migrate_store(&state.config(), false)
        .await
        .expect("the owner migrates");
    let database = database_name(&owner);
    let (app, auditor) = (format!("app_{database}"), format!("audit_{database}"));
    ripcord_testkit::postgres::psql(
        &owner,
        &format!(
            "CREATE ROLE {app} LOGIN; CREATE ROLE {auditor} LOGIN;
             GRANT USAGE ON SCHEMA ripcord TO {app}, {auditor};
             GRANT SELECT ON ALL TABLES IN SCHEMA ripcord TO {app}, {auditor};
             GRANT INSERT ON ALL TABLES IN SCHEMA ripcord TO {app};
             GRANT UPDATE, DELETE ON ripcord.agents, ripcord.idempotency_keys,
                 ripcord.security_events TO {app};
             GRANT UPDATE ON ripcord.tokens, ripcord.meta TO {app};
             GRANT USAGE ON ALL SEQUENCES IN SCHEMA ripcord TO {app};"
        ),
    )
    .expect("roles");
    let as_role = |role: &str| owner.replacen("postgres@", &format!("{role}@"), 1);
    let container = tempfile::tempdir().expect("temp dir");
    let app_url = as_role(&app);
    let server = ripcord_server::spawn_local(container.path(), |config| {
        config.database_url = Some(ripcord_core::auth::Secret::new(app_url.clone()));
    })
    .await
    .expect("a server as the app role");
    let halted = reqwest::Client::new()
        .post(format!("{}/v1/switches/api/halt", server.url()))
        .json(&serde_json::json!({ "reason": "least privilege" }))
        .send()
        .await
        .expect("sent");
    assert_eq!(halted.status(), 200);
    let ready = reqwest::get(format!("{}/readyz", server.url()))
        .await
        .expect("sent");
    assert_eq!(ready.status(), 200);
    // The role the server runs as cannot turn the triggers off, nor change the log.
    for (sql, why) in [
        ("ALTER TABLE ripcord.events DISABLE TRIGGER USER", "owner"),
        (
            "UPDATE ripcord.events SET reason = 'x'",
            "permission denied",
        ),
        ("TRUNCATE ripcord.events", "permission denied"),
    ] {
        let refused = ripcord_testkit::postgres::psql(&app_url, sql).expect_err(sql);
        assert!(refused.to_string().contains(why), "{sql}: {refused}");
    }
    server.stop().await.expect("stops");
    // An auditor who may only read verifies the chain.
    let mut config = state.config();
    config.database_url = Some(ripcord_core::auth::Secret::new(as_role(&auditor)));
    let store = ripcord_server::open_store(&config, ripcord_server::Opening::MustExist)
        .await
        .expect("a read-only role opens the store");
    let verified = ripcord_server::verify_logs(store.as_ref(), None)
        .await
        .expect("verify");
    assert!(verified.ok());
    assert_eq!(verified.switch_log.entries, 1);
}

#[tokio::test]
async fn postgres_a_locked_log_is_a_prompt_503_and_readyz_says_so() {
    let state = State::postgres();
    let url = state.database_url().expect("a database").to_owned();
    let container = tempfile::tempdir().expect("temp dir");
    let server = ripcord_server::spawn_local(container.path(), |config| {
        config.database_url = Some(ripcord_core::auth::Secret::new(url.clone()));
    })
    .await
    .expect("server");
    // Someone holds the switch log locked.
    let mut locker = std::process::Command::new(ripcord_testkit::postgres::client_bin("psql"))
        .args(["-X", "-q", "-d", &url, "-c"])
        .arg(
            "BEGIN; LOCK TABLE ripcord.events IN EXCLUSIVE MODE; \
             SELECT pg_sleep(60); COMMIT;",
        )
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("psql");
    let started = std::time::Instant::now();
    loop {
        let held = ripcord_testkit::postgres::psql(
            &url,
            "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation \
             WHERE c.relname = 'events' AND l.mode = 'ExclusiveLock' AND l.granted",
        )
        .expect("pg_locks");
        if held.trim() == "1" {
            break;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "no lock"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let client = reqwest::Client::new();
    let asked = std::time::Instant::now();
    let halt = client
        .post(format!("{}/v1/switches/api/halt", server.url()))
        .json(&serde_json::json!({ "reason": "while locked" }))
        .send()
        .await
        .expect("sent");
    assert_eq!(halt.status(), 503);
    assert!(
        asked.elapsed() < std::time::Duration::from_secs(9),
        "answered within a client's 10 s timeout: {:?}",
        asked.elapsed()
    );
    let ready = client
        .get(format!("{}/readyz", server.url()))
        .send()
        .await
        .expect("sent");
    assert_eq!(ready.status(), 503);
    // Its session ends (killing psql alone would leave the server's backend sleeping).
    ripcord_testkit::postgres::psql(
        &url,
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE query LIKE '%pg_sleep(60)%' AND pid <> pg_backend_pid()",
    )
    .expect("terminate");
    let _ = locker.wait();
    let halt = client
        .post(format!("{}/v1/switches/api/halt", server.url()))
        .json(&serde_json::json!({ "reason": "unlocked" }))
        .send()
        .await
        .expect("sent");
    assert_eq!(halt.status(), 200);
    server.stop().await.expect("stops");
}

async fn the_outbox_holds_each_change_and_drill_once_until_settled(state: State) {
    let storage = state.store().await;
    let lease = std::time::Duration::from_secs(60);
    storage.append(&event(1), None).await.expect("append");
    let drill: ripcord_core::api::DrillRecord = serde_json::from_value(serde_json::json!({
        "id": "d1", "kind": "restore", "started": "2026-12-01T00:00:00Z",
        "ended": "2026-12-01T00:01:00Z", "status": "completed", "verdict": "passed",
        "recorded_by": "ops", "report": {},
    }))
    .expect("drill");
    storage.record_drill(&drill).await.expect("drill");
    storage
        .record_drill(&drill)
        .await
        .expect("a retry is ignored");

    let now = Timestamp::now();
    let claimed = storage
        .claim_notifications(now, lease, 10)
        .await
        .expect("claim");
    let ids: Vec<&str> = claimed.iter().map(|row| row.id.as_str()).collect();
    assert_eq!(
        ids,
        ["switch/1", "drill/d1"],
        "in the order recorded, once each"
    );
    assert_eq!(claimed[0].subject["revision"], 1);

    // Another replica (another opening of the store) must not send what this one holds;
    // SQLite has one server at a time, so a new opening there is the next run.
    let other = state.store().await;
    let taken = other
        .claim_notifications(now, lease, 10)
        .await
        .expect("claim");
    let expected = if state.database_url().is_some() { 0 } else { 2 };
    assert_eq!(taken.len(), expected);

    let later = |seconds: i64| now + jiff::SignedDuration::from_secs(seconds);
    let retry = Settled {
        delivered: vec!["webhook:a".into()],
        done: false,
        retry_at: later(30),
        error: Some("webhook b answered 503".into()),
    };
    assert!(
        storage
            .settle_notification("switch/1", &retry, lease)
            .await
            .expect("settle")
    );
    let done = Settled {
        delivered: vec!["webhook:a".into()],
        done: true,
        retry_at: now,
        error: None,
    };
    storage
        .settle_notification("drill/d1", &done, lease)
        .await
        .expect("settle");
    assert!(
        storage
            .claim_notifications(later(10), lease, 10)
            .await
            .expect("claim")
            .is_empty(),
        "nothing is due before the retry"
    );
    assert_eq!(
        storage.next_notification_due().await.expect("due"),
        Some(Timestamp::from_millisecond(later(30).as_millisecond()).expect("ms"))
    );
    let again = storage
        .claim_notifications(later(31), lease, 10)
        .await
        .expect("claim");
    assert_eq!(
        again.len(),
        1,
        "the pending change, not the delivered drill"
    );
    assert_eq!(again[0].attempts, 1);
    assert_eq!(again[0].delivered, ["webhook:a"]);

    // A replica whose claim ran out (it hung) loses the row to another; what it then
    // says about the row is not recorded. SQLite has one server at a time.
    let taken_over = other
        .claim_notifications(later(92), lease, 10)
        .await
        .expect("claim");
    assert_eq!(taken_over.len(), 1, "the lease ended at +91 s");
    let late = storage
        .settle_notification("switch/1", &done, lease)
        .await
        .expect("settle");
    assert_eq!(
        late,
        state.database_url().is_none(),
        "a lost claim settles nothing"
    );

    let before = PruneBefore {
        agents: Timestamp::UNIX_EPOCH,
        keys: Timestamp::UNIX_EPOCH,
        security_events: Timestamp::UNIX_EPOCH,
        notifications: later(1),
    };
    storage.prune(before).await.expect("prune");
    assert_eq!(storage.next_notification_due().await.expect("due"), None);
}
