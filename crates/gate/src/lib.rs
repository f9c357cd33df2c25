//! `ripcord gate`: a reverse proxy that puts the kill switch in front of an app that
//! cannot be changed (a vendor binary, a legacy service, any language).
//!
//! While the scope runs, requests, responses and WebSockets pass through unchanged and
//! unbuffered. While it is halted, every request gets `503` with `Retry-After` (JSON or
//! HTML by `Accept`) except the health paths, which pass so the platform does not restart
//! the halted app; a halt also cuts the exchanges in flight (bodies still streaming,
//! open WebSockets). The gate follows the switch with a [`ripcord_agent::Switch`]: stream
//! or long-poll, cache, local markers, failure policy, reports. When the server last
//! confirmed its view more than `gate.max_staleness` ago (a stream held up by a proxy, a
//! CPU throttled between requests on Cloud Run), it reads the board on the request path
//! before forwarding.

#![deny(clippy::print_stdout, clippy::print_stderr)]

mod body;
mod config;
mod connection;
mod freshness;
mod headers;
mod proxy;
mod refusal;
mod upgrade;

pub use config::{GateConfig, GateConfigError, Upstream, UpstreamError};
pub use proxy::{Gate, run};
