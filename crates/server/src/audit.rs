//! The tamper-evident logs: the switch log's hash chain (filled in once for events an
//! older database recorded before chaining), the audit log of token changes and refused
//! requests, the check that writers use the log's key, and the verification of both.

use ripcord_core::chain::{self, AuditEntry, Break};
use serde::{Deserialize, Serialize};

use crate::storage::{Storage, StorageError};

/// Audit entries read at a time when verifying.
const PAGE: u32 = 1_000;
/// Attempts to append an audit entry when another writer takes its number.
const APPEND_ATTEMPTS: u32 = 5;

/// Chains the events of a log that a migration just brought to the hash chain (an older
/// SQLite database), in order, once. Nothing else is ever signed after the fact.
pub(crate) async fn chain_legacy(
    storage: &dyn Storage,
    key: Option<&[u8]>,
    log: &str,
) -> Result<(), StorageError> {
    if !storage.legacy_unchained() {
        return Ok(());
    }
    let mut filled = Vec::new();
    let mut previous = chain::GENESIS.to_owned();
    for mut event in storage.load_events().await? {
        if event.hash.is_empty() {
            event.hash = chain::event_hash(key, log, &previous, &event);
            filled.push((event.revision, event.hash.clone()));
        }
        previous = event.hash;
    }
    storage.fill_hashes(&filled).await?;
    tracing::info!(
        events = filled.len(),
        "chained the events recorded before the log had a hash chain"
    );
    Ok(())
}

/// What a log's chain is keyed with, as kept in its `chain` setting: `sha256`, or
/// `hmac-sha256:` and a short check value of the key (which tells keys apart and gives
/// nothing away about them).
fn chain_kind(key: Option<&[u8]>) -> String {
    match key {
        None => "sha256".to_owned(),
        Some(_) => format!(
            "hmac-sha256:{}",
            &chain::link(key, &[b"ripcord chain key check"])[..16]
        ),
    }
}

/// Refuses to write to a log chained with another key (or with a key, without one): every
/// entry written so would break the chain for good. The first writer of a log decides.
pub async fn check_key(storage: &dyn Storage, key: Option<&[u8]>) -> Result<(), StorageError> {
    let mine = chain_kind(key);
    let theirs = storage.meta_or_insert("chain", &mine).await?;
    if theirs == mine {
        return Ok(());
    }
    Err(StorageError::Config(
        match (theirs.starts_with("hmac"), key.is_some()) {
            (true, false) => "this log is chained with serve.audit_key: set the same key \
                          (RIPCORD_SERVE__AUDIT_KEY) to write to it"
                .into(),
            (false, true) => "this log is chained without serve.audit_key: unset it to write to \
                          this log (a key takes effect with a new log)"
                .into(),
            _ => "serve.audit_key is not the key this log is chained with".into(),
        },
    ))
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
    check_key(storage, key).await?;
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

/// `numbers`: the revisions (or sequence numbers) of the log's entries, in order; the
/// entries that held are those before the break.
fn report(outcome: Result<u64, Break>, numbers: impl Iterator<Item = u64>) -> ChainReport {
    match outcome {
        Ok(entries) => ChainReport {
            entries,
            broken: None,
        },
        Err(broken) => ChainReport {
            entries: numbers.take_while(|number| *number < broken.at).count() as u64,
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
        switch_log: report(
            chain::verify(key, &log, &events),
            events.iter().map(|event| event.revision),
        ),
        audit_log: report(
            chain::verify_audit(key, &log, &entries),
            entries.iter().map(|entry| entry.seq),
        ),
        keyed: key.is_some(),
        log,
    })
}
