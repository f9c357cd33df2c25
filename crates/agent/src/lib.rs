//! The ripcord client: what services and wrapped processes use to obey the kill switch.
//!
//! - [`Switch`]: `is_halted()` is one atomic load; `halted().await` resolves on a halt.
//!   It follows the server (event stream or long-poll, reconnecting with backoff and
//!   jitter), obeys trusted local halt markers on the host through inotify, caches the last known
//!   board on disk, and reports each applied revision with its latency.
//! - [`HaltLayer`]: a tower layer answering 503 with `Retry-After` while halted.
//! - [`supervise`]: `ripcord agent -- CMD…`, process-group supervision of any command.
//! - [`ApiClient`]: the typed HTTP client the CLI uses.

#![deny(clippy::print_stdout, clippy::print_stderr)]

mod api;
mod cache;
mod config;
mod layer;
pub mod local;
mod remote;
pub mod supervise;
mod switch;
mod tree;

pub use api::{AgentList, ApiClient, ApiClientError, CreatedToken};
pub use cache::KnownBoard;
pub use config::{ClientConfig, Transport, default_local_dir};
pub use layer::{HaltLayer, HaltService};
pub use switch::{ClientState, Identity, Switch, SwitchError, SwitchOptions, hostname};
pub use tree::TreeMode;
