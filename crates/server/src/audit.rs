//! The tamper-evident logs: the switch log's hash chain (filled in for events recorded
//! before chaining), the audit log of token changes and refused requests, and the
//! verification of both.

use ripcord_core::Event;
use ripcord_core::chain::{self, AuditEntry, Break};
use serde::{Deserialize, Serialize};

use crate::storage::{Storage, StorageError};

/// Audit entries read at a time when verifying.
const PAGE: u32 = 1_000;
/// Attempts to append an audit entry when another writer takes its number.
const APPEND_ATTEMPTS: u32 = 5;

/// Chains the events of a log recorded before the chain existed (an older database),
/// in order; returns the log with every hash set. Never changes a hash already stored.
pub(crate) async fn chain_unhashed(
    storage: &dyn Storage,
    key: Option<&[u8]>,
    log: &str,
    mut events: Vec<Event>,
) -> Result<Vec<Event>, StorageError> {
    let mut missing = Vec::new();
    let mut previous = chain::GENESIS.to_owned();
    for event in &mut events {
        if event.hash.is_empty() {
            event.hash = chain::event_hash(key, log, &previous, event);
            missing.push((event.revision, event.hash.clone()));
        }
        previous = event.hash.clone();
    }
    if !missing.is_empty() {
        storage.fill_hashes(&missing).await?;
        tracing::info!(
            events = missing.len(),
            "chained the events recorded before the log had a hash chain"
        );
    }
    Ok(events)
}

/// Appends an entry to the audit log, linked to the last one.
pub async fn record(
    storage: &dyn Storage,
    key: Option<&[u8]>,
    log: &str,
    kind: &str,
    actor: &str,
    detail: serde_json::Value,
) -> Result<AuditEntry, StorageError> {
    let mut attempt = 0;
    loop {
        let (last, previous) = storage
            .audit_tail()
            .await?
            .unwrap_or((0, chain::GENESIS.to_owned()));
        let mut entry = AuditEntry {
            seq: last + 1,
            at: chain::to_micros(jiff::Timestamp::now()),
            kind: kind.to_owned(),
            actor: actor.to_owned(),
            detail: detail.to_string(),
            hash: String::new(),
        };
        entry.hash = chain::audit_hash(key, log, &previous, &entry);
        match storage.append_audit(&entry).await {
            Ok(()) => return Ok(entry),
            Err(StorageError::RevisionTaken(_)) if attempt + 1 < APPEND_ATTEMPTS => attempt += 1,
            Err(error) => return Err(error),
        }
    }
}

/// What a verification found in one log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainReport {
    /// Entries that held, from the first.
    pub entries: u64,
    /// The first link that does not, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub broken: Option<Break>,
}

/// Both logs, verified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verification {
    pub log: String,
    /// Whether the chain was checked with `serve.audit_key` (HMAC) or as plain SHA-256.
    pub keyed: bool,
    pub switch_log: ChainReport,
    pub audit_log: ChainReport,
}

impl Verification {
    pub fn ok(&self) -> bool {
        self.switch_log.broken.is_none() && self.audit_log.broken.is_none()
    }
}

fn report(outcome: Result<u64, Break>, total: usize) -> ChainReport {
    match outcome {
        Ok(entries) => ChainReport {
            entries,
            broken: None,
        },
        Err(broken) => ChainReport {
            entries: broken.at.saturating_sub(1).min(total as u64),
            broken: Some(broken),
        },
    }
}

/// Walks both logs from the start, recomputing every link.
pub async fn verify(
    storage: &dyn Storage,
    key: Option<&[u8]>,
) -> Result<Verification, StorageError> {
    let log = storage.log_id().await?;
    let events = storage.load_events().await?;
    let mut entries = Vec::new();
    loop {
        let after = entries.last().map_or(0, |entry: &AuditEntry| entry.seq);
        let page = storage.audit_after(after, PAGE).await?;
        let done = page.len() < PAGE as usize;
        entries.extend(page);
        if done {
            break;
        }
    }
    Ok(Verification {
        switch_log: report(chain::verify(key, &log, &events), events.len()),
        audit_log: report(chain::verify_audit(key, &log, &entries), entries.len()),
        keyed: key.is_some(),
        log,
    })
}
