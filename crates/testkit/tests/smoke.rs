//! Each throwaway server starts, answers, and is gone after drop.

use ripcord_testkit::{FakeGcs, Moto, Postgres, http};

#[test]
fn postgres_starts_answers_and_stops() {
    let pg = Postgres::start().expect("start postgres");
    let url = pg
        .create_database("Smoke Ünïcode")
        .expect("create database");
    assert!(url.ends_with("/Smoke Ünïcode"));
    let out = pg.psql("postgres", "SELECT 40 + 2").expect("psql");
    assert_eq!(out.trim(), "42");
    let port = pg.port();
    drop(pg);
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_err());
}

#[test]
fn fake_gcs_creates_buckets() {
    let gcs = FakeGcs::start().expect("start fake-gcs-server");
    gcs.create_bucket("smoke").expect("create bucket");
    let body = http::expect_ok(
        gcs.port(),
        "GET",
        "/storage/v1/b/smoke",
        "application/json",
        b"",
    )
    .expect("get bucket");
    assert!(body.contains("\"smoke\""), "{body}");
}

#[test]
fn moto_creates_buckets() {
    let s3 = Moto::start().expect("start moto");
    s3.create_bucket("smoke").expect("create bucket");
    let (status, _) = http::request(s3.port(), "HEAD", "/smoke", "text/plain", b"").expect("head");
    assert_eq!(status, 200);
}
