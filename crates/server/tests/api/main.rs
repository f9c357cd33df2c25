//! API tests: one binary, one module per area, all through `helpers::spawn_app`.

mod agents;
mod auth;
mod chain;
mod drills;
mod errors;
mod helpers;
mod ofrep;
mod storage;
mod stream;
mod switches;
