//! Reading rows back into the model, the same for every backend: each stores text,
//! integers and flags in the same columns, so only how a column is fetched differs.

use std::str::FromStr;

use jiff::Timestamp;
use ripcord_core::api::{AgentRecord, BackupRecord, DrillRecord};
use ripcord_core::auth::TokenInfo;
use ripcord_core::chain::AuditEntry;
use ripcord_core::{Action, Event, Scope};
use sqlx::Row;

use super::{Outgoing, SecurityEvent, StorageError, TokenRecord};

/// A row's columns as text and integers.
pub(super) trait Columns {
    fn text(&self, column: &str) -> Result<Option<String>, sqlx::Error>;
    fn int(&self, column: &str) -> Result<Option<i64>, sqlx::Error>;
    fn flag(&self, column: &str) -> Result<bool, sqlx::Error>;
}

macro_rules! columns_for {
    ($($row:ty),*) => {$(
        impl Columns for $row {
            fn text(&self, column: &str) -> Result<Option<String>, sqlx::Error> {
                self.try_get(column)
            }

            fn int(&self, column: &str) -> Result<Option<i64>, sqlx::Error> {
                self.try_get(column)
            }

            fn flag(&self, column: &str) -> Result<bool, sqlx::Error> {
                self.try_get(column)
            }
        }
    )*};
}

columns_for!(sqlx::sqlite::SqliteRow, sqlx::postgres::PgRow);

/// A row that does not read back as what it should hold.
struct Reader<'a, R: Columns> {
    row: &'a R,
    what: &'static str,
}

impl<'a, R: Columns> Reader<'a, R> {
    fn new(row: &'a R, what: &'static str) -> Self {
        Reader { row, what }
    }

    fn corrupt(&self, detail: String) -> StorageError {
        StorageError::Corrupt {
            what: self.what,
            detail,
        }
    }

    fn optional(&self, column: &str) -> Result<Option<String>, StorageError> {
        Ok(self.row.text(column)?)
    }

    fn text(&self, column: &str) -> Result<String, StorageError> {
        self.optional(column)?
            .ok_or_else(|| self.corrupt(format!("{column} is empty")))
    }

    fn number(&self, column: &str) -> Result<u64, StorageError> {
        let value = self
            .row
            .int(column)?
            .ok_or_else(|| self.corrupt(format!("{column} is empty")))?;
        u64::try_from(value).map_err(|e| self.corrupt(format!("{column}: {e}")))
    }

    fn time(&self, column: &str) -> Result<Option<Timestamp>, StorageError> {
        self.optional(column)?
            .map(|text| {
                text.parse::<Timestamp>()
                    .map_err(|e| self.corrupt(format!("{column}: {e}")))
            })
            .transpose()
    }

    fn required_time(&self, column: &str) -> Result<Timestamp, StorageError> {
        self.time(column)?
            .ok_or_else(|| self.corrupt(format!("{column} is empty")))
    }
}

pub(super) fn event(row: &impl Columns) -> Result<Event, StorageError> {
    let read = Reader::new(row, "event");
    let scope = read.text("scope")?;
    Ok(Event {
        revision: read.number("revision")?,
        scope: Scope::from_str(&scope).map_err(|e| read.corrupt(e.to_string()))?,
        action: match read.text("action")?.as_str() {
            "halt" => Action::Halt,
            "resume" => Action::Resume,
            other => return Err(read.corrupt(format!("unknown action `{other}`"))),
        },
        actor: read.text("actor")?,
        reason: read.text("reason")?,
        at: read.required_time("at")?,
        hash: read.optional("hash")?.unwrap_or_default(),
        drill: row.flag("drill")?,
        source: read.optional("source")?,
    })
}

pub(super) fn agent(row: &impl Columns) -> Result<AgentRecord, StorageError> {
    let read = Reader::new(row, "agent");
    let report = read.text("report")?;
    let last_seen = read.required_time("last_seen")?;
    Ok(AgentRecord {
        id: read.text("id")?,
        last_seen,
        last_contact: read.time("last_contact")?.unwrap_or(last_seen),
        stale: false,
        witness_problem: None,
        report: serde_json::from_str(&report).map_err(|e| read.corrupt(e.to_string()))?,
    })
}

pub(super) fn token(row: &impl Columns) -> Result<TokenRecord, StorageError> {
    let read = Reader::new(row, "token");
    Ok(TokenRecord {
        hash: read.text("hash")?,
        info: TokenInfo {
            prefix: read.text("prefix")?,
            name: read.text("name")?,
            role: read.text("role")?.parse().map_err(|e| read.corrupt(e))?,
            created: read.required_time("created")?,
            expires: read.time("expires")?,
            last_used: read.time("last_used")?,
            revoked: read.time("revoked")?,
        },
    })
}

pub(super) fn security_event(row: &impl Columns) -> Result<SecurityEvent, StorageError> {
    let read = Reader::new(row, "security event");
    Ok(SecurityEvent {
        id: i64::try_from(read.number("id")?).map_err(|e| read.corrupt(e.to_string()))?,
        minute: read.required_time("minute")?,
        kind: read.text("kind")?,
        token: read.text("token")?,
        peer: read.text("peer")?,
        count: read.number("count")?,
        detail: read.text("detail")?,
    })
}

pub(super) fn audit_entry(row: &impl Columns) -> Result<AuditEntry, StorageError> {
    let read = Reader::new(row, "audit entry");
    Ok(AuditEntry {
        seq: read.number("seq")?,
        at: read.required_time("at")?,
        kind: read.text("kind")?,
        actor: read.text("actor")?,
        detail: read.text("detail")?,
        hash: read.text("hash")?,
    })
}

pub(super) fn drill(row: &impl Columns) -> Result<DrillRecord, StorageError> {
    let read = Reader::new(row, "drill");
    Ok(DrillRecord {
        id: read.text("id")?,
        kind: read.text("kind")?,
        started: read.required_time("started")?,
        ended: read.required_time("ended")?,
        status: read.text("status")?,
        verdict: read.text("verdict")?,
        environment: read.optional("environment")?,
        scope: read.optional("scope")?,
        recorded_by: read.text("recorded_by")?,
        report: serde_json::from_str(&read.text("report")?)
            .map_err(|error| read.corrupt(error.to_string()))?,
    })
}

pub(super) fn backup(row: &impl Columns) -> Result<BackupRecord, StorageError> {
    let read = Reader::new(row, "backup record");
    Ok(BackupRecord {
        id: read.text("id")?,
        kind: read.text("kind")?,
        started_at: read.required_time("started_at")?,
        duration_ms: read.number("duration_ms")?,
        ok: read
            .row
            .flag("ok")
            .map_err(|error| read.corrupt(error.to_string()))?,
        destination: read.text("destination")?,
        backup_id: read.optional("backup_id")?,
        bytes: read
            .row
            .int("bytes")
            .map_err(|error| read.corrupt(error.to_string()))?
            .map(|bytes| u64::try_from(bytes).map_err(|error| read.corrupt(error.to_string())))
            .transpose()?,
        error: read.optional("error")?,
        scheduled: read
            .row
            .flag("scheduled")
            .map_err(|error| read.corrupt(error.to_string()))?,
        host: read.text("host")?,
        recorded_by: read.text("recorded_by")?,
    })
}

/// The number and hash of the last audit entry.
pub(super) fn audit_tail(row: &impl Columns) -> Result<(u64, String), StorageError> {
    let read = Reader::new(row, "audit entry");
    Ok((read.number("seq")?, read.text("hash")?))
}

pub(super) fn outgoing(row: &impl Columns) -> Result<Outgoing, StorageError> {
    let read = Reader::new(row, "notification");
    let created = read.number("created_ms")?;
    Ok(Outgoing {
        id: read.text("id")?,
        subject: serde_json::from_str(&read.text("subject")?)
            .map_err(|error| read.corrupt(format!("subject: {error}")))?,
        created: Timestamp::from_millisecond(signed(created))
            .map_err(|error| read.corrupt(format!("created_ms: {error}")))?,
        attempts: u32::try_from(read.number("attempts")?).unwrap_or(u32::MAX),
        delivered: read
            .text("delivered")?
            .split_whitespace()
            .map(str::to_owned)
            .collect(),
    })
}

/// A record as the JSON text a column keeps.
pub(super) fn json(value: &impl serde::Serialize) -> Result<String, StorageError> {
    serde_json::to_string(value).map_err(|error| StorageError::Database(Box::new(error)))
}

/// Integers are signed in both databases; revisions never come near `i64::MAX`.
pub(super) fn signed(number: u64) -> i64 {
    i64::try_from(number).unwrap_or(i64::MAX)
}
