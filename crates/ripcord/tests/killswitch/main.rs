//! End-to-end tests of the kill switch: a real server on a free port and real
//! `ripcord agent` processes wrapping real shell commands.

mod agents;
mod cli;
mod helpers;
mod hostile;
mod serve;
