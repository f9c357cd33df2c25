//! End-to-end tests of the `ripcord` command: the kill switch (a real server on a free
//! port and real `ripcord agent` processes wrapping real shell commands) and `check`.
//! One test binary, so one link on a 2-core machine.

mod agents;
mod check;
mod cli;
mod drills;
mod gate;
mod helpers;
mod hostile;
mod notify;
mod ofrep;
mod postgres;
mod serve;
mod tokens;
