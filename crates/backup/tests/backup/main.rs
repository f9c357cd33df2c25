//! Integration tests against real servers: a private PostgreSQL cluster, real pg_dump and
//! pg_restore, moto for S3, fake-gcs-server for GCS, local webhook and SMTP receivers.
//! One binary (modules listed here), as in zero-to-production's tests/api.

mod helpers;
mod kill;
mod notify;
mod preflight;
mod prune;
mod roundtrip;
mod schedule;
mod scratch;
mod secrets;
mod tamper;
mod verify;
