//! Integration tests, built into one binary (one link on a 2-core machine).

mod api;
mod corpus;
mod docs;
mod fuzz;
mod helpers;
mod precision;
mod recall;
mod rules;
