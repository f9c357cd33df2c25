//! State and network: where Terraform keeps its state, and that the network is code.

pub mod backend_not_gcs;
pub mod bucket_public;
pub mod cloud_sql_public;
pub mod module_not_pinned;
pub mod network_not_declared;
pub mod state_bucket_versioning;
pub mod vm_exposed;
