//! Notifications (webhook, Slack, Discord, SMTP) for backups, halts and drills.
//! (Seam only: issue 12 fills this crate.)

use serde::{Deserialize, Serialize};

/// The `[notify]` section of `ripcord.toml`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NotifyConfig {}
