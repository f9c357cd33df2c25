//! Integration tests, built into one binary (one link on a 2-core machine).

mod cli;
mod docs;
mod fuzz;
mod helpers;
mod precision;
mod render;
mod rules;
mod sarif_schema;
