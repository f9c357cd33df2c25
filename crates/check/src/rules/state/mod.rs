//! State and network: where Terraform keeps its state, and that the network is code.

pub mod backend_not_gcs;
pub mod network_not_declared;
pub mod state_bucket_versioning;
