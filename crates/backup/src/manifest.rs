//! What a destination holds, and how it is laid out:
//!
//! ```text
//! <prefix>/<id>/dump.pgc.zst[.age]     pg_dump custom format, zstd, optionally age-encrypted
//! <prefix>/<id>/manifest.json          written last: its presence means the backup is whole
//! <prefix>/<id>/verify/<time>.json     one record per verification (never rewrites the manifest)
//! <prefix>/_ripcord/deleted/<time>.json  bytes deleted by prune (GCS soft delete keeps them billed)
//! <prefix>/_ripcord/preflight.json     the last write test
//! ```
//!
//! A backup id is its start time in UTC, `YYYYMMDDTHHMMSSmmmZ`, so ids sort by age.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::BackupError;
use crate::contents::{ChecksumMode, ChecksumSource, Contents};
use crate::store::Store;

pub const FORMAT: &str = "ripcord-backup/1";
pub const MANIFEST: &str = "manifest.json";
pub const INTERNAL: &str = "_ripcord";

/// Everything needed to trust and restore one backup. Written once, after the dump object is
/// complete.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Manifest {
    pub format: String,
    pub id: String,
    /// Database name.
    pub database: String,
    /// `host:port/dbname` of the source (no credentials).
    pub source: String,
    pub server_version: String,
    pub pg_dump_version: String,
    pub ripcord_version: String,
    pub started_at: Timestamp,
    pub finished_at: Timestamp,
    /// The exported snapshot that pg_dump and the checksums both read.
    pub snapshot: String,
    pub dump: DumpObject,
    #[serde(default)]
    pub excluded_schemas: Vec<String>,
    pub checksum_mode: ChecksumMode,
    /// `dump` (table sums read from pg_dump's output) or `sql` (computed by queries in the
    /// snapshot; also what older manifests without the field mean).
    #[serde(default)]
    pub checksum_source: ChecksumSource,
    /// Output settings the restore side must reproduce to read the same COPY text.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub copy_settings: std::collections::BTreeMap<String, String>,
    #[serde(flatten)]
    pub contents: Contents,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct DumpObject {
    /// Key relative to the destination prefix.
    pub key: String,
    /// `pg_dump-custom`.
    pub format: String,
    /// `zstd`.
    pub compression: String,
    /// `age` when encrypted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encryption: Option<String>,
    /// Bytes pg_dump wrote.
    pub raw_bytes: u64,
    /// Bytes stored (compressed, encrypted).
    pub stored_bytes: u64,
    /// sha256 of the stored object, hex.
    pub sha256: String,
}

/// What a verification checked.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum VerifyKind {
    /// The sha256 and size of the stored object.
    Checksum,
    /// That, and a restore compared with the manifest.
    Restore,
}

impl VerifyKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Checksum => "checksum",
            Self::Restore => "restore",
        }
    }
}

/// The outcome of one `verify`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct VerifyRecord {
    pub backup_id: String,
    pub at: Timestamp,
    pub kind: VerifyKind,
    pub ok: bool,
    #[serde(default)]
    pub problems: Vec<String>,
    /// Time to restore (the recovery time objective measured), seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restore_seconds: Option<f64>,
    /// Age of the backup when verified (the recovery point), seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backup_age_seconds: Option<f64>,
    /// How many tables a restore compared with the manifest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tables_compared: Option<usize>,
}

/// A record of bytes that prune deleted.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Tombstone {
    pub deleted_at: Timestamp,
    pub bytes: u64,
    pub backup_ids: Vec<String>,
}

/// One backup folder at the destination.
#[derive(Debug, Clone, PartialEq)]
pub struct BackupInfo {
    pub id: String,
    pub created: Timestamp,
    /// `None`: no manifest (still running, interrupted, or failed) — never restorable.
    pub manifest: Option<Manifest>,
    /// Every object of the folder.
    pub stored_bytes: u64,
    pub keys: Vec<String>,
    pub verifications: Vec<VerifyRecord>,
}

impl BackupInfo {
    pub fn complete(&self) -> bool {
        self.manifest.is_some()
    }

    /// The manifest, or the error that says the backup at `url` is incomplete.
    pub fn complete_manifest(&self, url: &str) -> Result<&Manifest, BackupError> {
        self.manifest
            .as_ref()
            .ok_or_else(|| BackupError::Incomplete {
                id: self.id.clone(),
                url: url.to_owned(),
            })
    }

    /// The newest verification, if any.
    pub fn last_verification(&self) -> Option<&VerifyRecord> {
        self.verifications.iter().max_by_key(|v| v.at)
    }

    /// Passed its most recent verification, and no restore check has failed since the
    /// last one that passed: a later checksum-only verify cannot hide a failed restore.
    pub fn verified(&self) -> bool {
        let last_restore = self
            .verifications
            .iter()
            .filter(|v| v.kind == VerifyKind::Restore)
            .max_by_key(|v| v.at);
        self.last_verification().is_some_and(|v| v.ok) && last_restore.is_none_or(|v| v.ok)
    }
}

/// A new backup id for a start time.
pub fn new_id(at: Timestamp) -> String {
    let dt = jiff::tz::TimeZone::UTC.to_datetime(at);
    format!(
        "{}{:03}Z",
        dt.strftime("%Y%m%dT%H%M%S"),
        dt.subsec_nanosecond() / 1_000_000
    )
}

/// The start time encoded in an id.
pub fn parse_id(id: &str) -> Option<Timestamp> {
    if id.len() != 19 || !id.is_ascii() || !id.ends_with('Z') {
        return None;
    }
    let dt = jiff::civil::DateTime::strptime("%Y%m%dT%H%M%S", &id[..15]).ok()?;
    let millis: i64 = id[15..18].parse().ok()?;
    let ts = jiff::tz::TimeZone::UTC.to_timestamp(dt).ok()?;
    ts.checked_add(jiff::SignedDuration::from_millis(millis))
        .ok()
}

/// Reads the destination: every backup folder, newest first, plus prune's tombstones.
pub async fn catalog(store: &Store) -> Result<(Vec<BackupInfo>, Vec<Tombstone>), BackupError> {
    let entries = store.list().await?;
    let mut backups: Vec<BackupInfo> = Vec::new();
    let mut tombstones = Vec::new();
    for entry in entries {
        let Some((head, rest)) = entry.key.split_once('/') else {
            continue;
        };
        if head == INTERNAL {
            if rest.starts_with("deleted/") {
                let bytes = store.get_bytes(&entry.key).await?;
                match serde_json::from_slice::<Tombstone>(&bytes) {
                    Ok(t) => tombstones.push(t),
                    Err(e) => tracing::warn!(key = %entry.key, error = %e, "unreadable tombstone"),
                }
            }
            continue;
        }
        let Some(created) = parse_id(head) else {
            continue;
        };
        if backups.last().is_none_or(|b| b.id != head) {
            backups.push(BackupInfo {
                id: head.to_owned(),
                created,
                manifest: None,
                stored_bytes: 0,
                keys: Vec::new(),
                verifications: Vec::new(),
            });
        }
        let Some(backup) = backups.last_mut() else {
            continue;
        };
        backup.stored_bytes += entry.size;
        backup.keys.push(entry.key.clone());
        if rest == MANIFEST {
            let bytes = store.get_bytes(&entry.key).await?;
            let manifest: Manifest = serde_json::from_slice(&bytes).map_err(|e| {
                BackupError::json(format!("manifest {}/{}", store.url(), entry.key), e)
            })?;
            backup.manifest = Some(manifest);
        } else if rest.starts_with("verify/") {
            let bytes = store.get_bytes(&entry.key).await?;
            match serde_json::from_slice::<VerifyRecord>(&bytes) {
                Ok(record) => backup.verifications.push(record),
                Err(e) => tracing::warn!(key = %entry.key, error = %e, "unreadable verify record"),
            }
        }
    }
    backups.sort_by(|a, b| b.id.cmp(&a.id));
    Ok((backups, tombstones))
}

/// Finds `id` (or the newest complete backup for `latest` / none given).
pub fn select<'a>(
    backups: &'a [BackupInfo],
    id: Option<&str>,
    url: &str,
) -> Result<&'a BackupInfo, BackupError> {
    let found = match id {
        None | Some("latest") => backups.iter().find(|b| b.complete()),
        Some(id) => backups.iter().find(|b| b.id == id),
    };
    match found {
        Some(backup) if backup.complete() => Ok(backup),
        Some(backup) => Err(BackupError::Incomplete {
            id: backup.id.clone(),
            url: url.to_owned(),
        }),
        None => Err(BackupError::NotFound {
            id: id.unwrap_or("latest").to_owned(),
            url: url.to_owned(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_sort_by_time_and_parse_back() {
        let at: Timestamp = "2026-11-25T02:45:12.345Z".parse().expect("timestamp");
        let id = new_id(at);
        assert_eq!(id, "20261125T024512345Z");
        assert_eq!(parse_id(&id), Some(at));
        let later = new_id("2026-11-25T02:45:13Z".parse().expect("timestamp"));
        assert!(later > id);
        assert_eq!(parse_id("_ripcord"), None);
        // 19 bytes, ends in Z, but not ASCII: must not panic on a char boundary.
        assert_eq!(parse_id("20260101T00000\u{e9}12Z"), None);
    }

    fn check(kind: &str, ok: bool, second: i64) -> VerifyRecord {
        VerifyRecord {
            backup_id: "b".into(),
            at: Timestamp::from_second(1_800_000_000 + second).expect("time"),
            kind: serde_json::from_value(serde_json::json!(kind)).expect("a verify kind"),
            ok,
            problems: Vec::new(),
            restore_seconds: None,
            backup_age_seconds: None,
            tables_compared: None,
        }
    }

    fn info(verifications: Vec<VerifyRecord>) -> BackupInfo {
        BackupInfo {
            id: "b".into(),
            created: Timestamp::UNIX_EPOCH,
            manifest: None,
            stored_bytes: 0,
            keys: Vec::new(),
            verifications,
        }
    }

    #[test]
    fn a_failed_restore_check_is_not_hidden_by_a_later_checksum_check() {
        assert!(info(vec![check("checksum", true, 0)]).verified());
        assert!(!info(vec![check("restore", false, 0), check("checksum", true, 1)]).verified());
        assert!(
            info(vec![
                check("restore", false, 0),
                check("restore", true, 1),
                check("checksum", true, 2)
            ])
            .verified()
        );
        assert!(!info(vec![check("restore", true, 0), check("checksum", false, 1)]).verified());
        assert!(!info(Vec::new()).verified());
    }
}
