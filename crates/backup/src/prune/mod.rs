//! Retention: which backups to keep. The policy here is pure: it takes the backups, the
//! policy and `now`, returns a plan; no I/O, so every rule is tested with fixed dates.
//! [`apply`] reads a destination, plans, and deletes (`backup prune`).
//!
//! Rules, applied to complete backups, newest first (as restic and borg do):
//! - `keep_last = N`: the N newest.
//! - `keep_daily = D`: the newest backup of each of the D most recent days that have one
//!   (UTC days); `keep_weekly` (ISO weeks) and `keep_monthly` likewise.
//! - The newest complete backup and the newest verified backup are always kept.
//! - `max_total_size`: billed bytes are live bytes plus soft-deleted bytes (GCS keeps deleted
//!   objects, billed, for the bucket's soft-delete window). While the kept backups plus the
//!   soft-deleted bytes exceed the cap, the oldest unprotected kept backup goes too.
//! - Folders without a manifest older than `incomplete_after_hours` are interrupted runs and go.
//!
//! With no `keep_*` rule set, every complete backup is kept (the size cap still applies).

mod apply;

use std::collections::HashSet;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

pub use apply::{PruneReport, apply, prune};

/// `[backup.retention]`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Retention {
    pub keep_last: Option<u32>,
    pub keep_daily: Option<u32>,
    pub keep_weekly: Option<u32>,
    pub keep_monthly: Option<u32>,
    /// Cap on billed bytes, e.g. `"4.5GB"`, `"4GiB"`, `"500MB"`.
    pub max_total_size: Option<String>,
    /// Age after which a folder without a manifest counts as an interrupted run.
    pub incomplete_after_hours: u32,
}

impl Default for Retention {
    fn default() -> Self {
        Self {
            keep_last: None,
            keep_daily: None,
            keep_weekly: None,
            keep_monthly: None,
            max_total_size: None,
            incomplete_after_hours: 24,
        }
    }
}

impl Retention {
    fn has_rules(&self) -> bool {
        self.keep_last.is_some()
            || self.keep_daily.is_some()
            || self.keep_weekly.is_some()
            || self.keep_monthly.is_some()
    }
}

/// A backup as prune sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub id: String,
    pub created: Timestamp,
    pub bytes: u64,
    pub complete: bool,
    pub verified: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Decision {
    pub id: String,
    pub bytes: u64,
    pub reasons: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Plan {
    /// Newest first.
    pub keep: Vec<Decision>,
    pub delete: Vec<Decision>,
    pub kept_bytes: u64,
    pub soft_deleted_bytes: u64,
    /// Bytes still over the cap once every unprotected backup is gone.
    pub over_cap_bytes: Option<u64>,
}

/// Parses `"4.5GB"`, `"4GiB"`, `"500 MB"`, `"1024"` into bytes.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let number: f64 = number
        .parse()
        .map_err(|_| format!("`{text}`: expected a size like 4.5GB, 4GiB or 500MB"))?;
    let factor: f64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "kb" | "k" => 1e3,
        "mb" | "m" => 1e6,
        "gb" | "g" => 1e9,
        "tb" | "t" => 1e12,
        "kib" => 1024.0,
        "mib" => 1024.0 * 1024.0,
        "gib" => 1024.0 * 1024.0 * 1024.0,
        "tib" => 1024.0 * 1024.0 * 1024.0 * 1024.0,
        other => return Err(format!("`{text}`: unknown unit `{other}`")),
    };
    Ok((number * factor).round() as u64)
}

/// Decides what to keep. `candidates` in any order.
pub fn plan(
    candidates: &[Candidate],
    policy: &Retention,
    soft_deleted_bytes: u64,
    now: Timestamp,
) -> Result<Plan, String> {
    let cap = policy
        .max_total_size
        .as_deref()
        .map(parse_size)
        .transpose()?;
    let mut sorted: Vec<&Candidate> = candidates.iter().collect();
    sorted.sort_by(|a, b| b.created.cmp(&a.created).then(b.id.cmp(&a.id)));
    let mut keep: Vec<Decision> = Vec::new();
    let mut delete: Vec<Decision> = Vec::new();
    let decision = |c: &Candidate, reasons: Vec<String>| Decision {
        id: c.id.clone(),
        bytes: c.bytes,
        reasons,
    };

    let complete: Vec<&Candidate> = sorted.iter().copied().filter(|c| c.complete).collect();
    let mut reasons: Vec<Vec<String>> = vec![Vec::new(); complete.len()];
    if !complete.is_empty() {
        reasons[0].push("newest".into());
    }
    if let Some(i) = complete.iter().position(|c| c.verified) {
        reasons[i].push("newest verified".into());
    }
    let protected: HashSet<usize> = reasons
        .iter()
        .enumerate()
        .filter(|(_, r)| !r.is_empty())
        .map(|(i, _)| i)
        .collect();
    if !policy.has_rules() {
        for r in &mut reasons {
            if r.is_empty() {
                r.push("no retention rule set".into());
            }
        }
    }
    if let Some(n) = policy.keep_last {
        for r in reasons.iter_mut().take(n as usize) {
            r.push(format!("last {n}"));
        }
    }
    let mut bucket_rule = |count: Option<u32>, label: &str, key: &dyn Fn(Timestamp) -> String| {
        let Some(count) = count else { return };
        let mut seen: Vec<String> = Vec::new();
        for (i, c) in complete.iter().enumerate() {
            let k = key(c.created);
            if seen.contains(&k) {
                continue;
            }
            if seen.len() as u32 >= count {
                break;
            }
            reasons[i].push(format!("{label} {k}"));
            seen.push(k);
        }
    };
    let utc = |t: Timestamp| jiff::tz::TimeZone::UTC.to_datetime(t);
    bucket_rule(policy.keep_daily, "daily", &|t| utc(t).date().to_string());
    bucket_rule(policy.keep_weekly, "weekly", &|t| {
        let week = utc(t).date().iso_week_date();
        format!("{}-W{:02}", week.year(), week.week())
    });
    bucket_rule(policy.keep_monthly, "monthly", &|t| {
        let d = utc(t).date();
        format!("{}-{:02}", d.year(), d.month())
    });

    let mut kept_idx: Vec<usize> = Vec::new();
    for (i, c) in complete.iter().enumerate() {
        if reasons[i].is_empty() {
            delete.push(decision(c, vec!["outside the retention policy".into()]));
        } else {
            kept_idx.push(i);
        }
    }

    // Interrupted runs.
    let stale = jiff::SignedDuration::from_hours(i64::from(policy.incomplete_after_hours));
    let mut in_progress: Vec<Decision> = Vec::new();
    for c in sorted.iter().filter(|c| !c.complete) {
        if now.duration_since(c.created) >= stale {
            delete.push(decision(c, vec!["interrupted run (no manifest)".into()]));
        } else {
            in_progress.push(decision(c, vec!["no manifest yet (recent)".into()]));
        }
    }

    let in_progress_bytes: u64 = in_progress.iter().map(|d| d.bytes).sum();
    let mut kept_bytes: u64 =
        kept_idx.iter().map(|&i| complete[i].bytes).sum::<u64>() + in_progress_bytes;
    let mut over_cap_bytes = None;
    if let Some(cap) = cap {
        // Oldest unprotected first.
        while kept_bytes + soft_deleted_bytes > cap {
            let Some(pos) = kept_idx.iter().rposition(|i| !protected.contains(i)) else {
                over_cap_bytes = Some(kept_bytes + soft_deleted_bytes - cap);
                break;
            };
            let i = kept_idx.remove(pos);
            kept_bytes -= complete[i].bytes;
            delete.push(decision(
                complete[i],
                vec![format!(
                    "size cap {} (soft-deleted bytes count: {soft_deleted_bytes})",
                    policy.max_total_size.as_deref().unwrap_or_default()
                )],
            ));
        }
    }
    for i in kept_idx {
        keep.push(decision(complete[i], reasons[i].clone()));
    }
    keep.extend(in_progress);
    keep.sort_by(|a, b| b.id.cmp(&a.id));
    delete.sort_by(|a, b| b.id.cmp(&a.id));
    Ok(Plan {
        keep,
        delete,
        kept_bytes,
        soft_deleted_bytes,
        over_cap_bytes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        s.parse().expect("timestamp")
    }

    fn backup(id: &str, when: &str, bytes: u64) -> Candidate {
        Candidate {
            id: id.into(),
            created: at(when),
            bytes,
            complete: true,
            verified: false,
        }
    }

    /// One backup a day at 03:00 UTC, from 2026-01-01 for `days` days, ids = dates.
    fn daily(days: u32) -> Vec<Candidate> {
        let start = at("2026-01-01T03:00:00Z");
        (0..days)
            .map(|d| {
                let t = start
                    .checked_add(jiff::SignedDuration::from_hours(24 * i64::from(d)))
                    .expect("time");
                let id = t
                    .to_zoned_datetime(jiff::tz::TimeZone::UTC)
                    .date()
                    .to_string();
                Candidate {
                    id,
                    created: t,
                    bytes: 100,
                    complete: true,
                    verified: false,
                }
            })
            .collect()
    }

    fn kept(plan: &Plan) -> Vec<&str> {
        plan.keep.iter().map(|d| d.id.as_str()).collect()
    }

    #[test]
    fn no_rules_keeps_everything_complete() {
        let backups = daily(5);
        let plan = plan(
            &backups,
            &Retention::default(),
            0,
            at("2026-02-01T00:00:00Z"),
        )
        .expect("plan");
        assert_eq!(plan.keep.len(), 5);
        assert!(plan.delete.is_empty());
    }

    #[test]
    fn keep_last_keeps_exactly_the_newest_n() {
        let backups = daily(10);
        let policy = Retention {
            keep_last: Some(3),
            ..Default::default()
        };
        let plan = plan(&backups, &policy, 0, at("2026-02-01T00:00:00Z")).expect("plan");
        assert_eq!(kept(&plan), ["2026-01-10", "2026-01-09", "2026-01-08"]);
        assert_eq!(plan.delete.len(), 7);
    }

    #[test]
    fn gfs_keeps_days_weeks_and_months() {
        // 2026-01-01 .. 2026-03-31 (90 days), plus a second backup on the last day.
        let mut backups = daily(90);
        backups.push(backup("2026-03-31-late", "2026-03-31T22:00:00Z", 100));
        let policy = Retention {
            keep_daily: Some(3),
            keep_weekly: Some(2),
            keep_monthly: Some(3),
            ..Default::default()
        };
        let plan = plan(&backups, &policy, 0, at("2026-04-01T00:00:00Z")).expect("plan");
        assert_eq!(
            kept(&plan),
            [
                // daily: 03-31 (the late one, newest of that day), 03-30, 03-29;
                // weekly: ISO week 2026-W14 (03-30..) → the late one; W13 → 03-29 (Sunday);
                // monthly: March → late one; February → 02-28; January → 01-31.
                "2026-03-31-late",
                "2026-03-30",
                "2026-03-29",
                "2026-02-28",
                "2026-01-31",
            ]
        );
        let late = &plan.keep[0];
        assert!(
            late.reasons.iter().any(|r| r == "daily 2026-03-31"),
            "{late:?}"
        );
        assert!(
            late.reasons.iter().any(|r| r == "weekly 2026-W14"),
            "{late:?}"
        );
        assert!(
            late.reasons.iter().any(|r| r == "monthly 2026-03"),
            "{late:?}"
        );
        assert!(
            plan.delete.iter().any(|d| d.id == "2026-03-31"),
            "the earlier backup of the same day goes"
        );
    }

    #[test]
    fn never_deletes_the_newest_verified_backup() {
        let mut backups = daily(10);
        backups[2].verified = true; // 2026-01-03
        let policy = Retention {
            keep_last: Some(2),
            ..Default::default()
        };
        let plan = plan(&backups, &policy, 0, at("2026-02-01T00:00:00Z")).expect("plan");
        assert_eq!(kept(&plan), ["2026-01-10", "2026-01-09", "2026-01-03"]);
        assert_eq!(plan.keep[2].reasons, ["newest verified"]);
    }

    #[test]
    fn size_cap_counts_soft_deleted_bytes_and_removes_oldest_first() {
        let backups = daily(10); // 100 bytes each
        let policy = Retention {
            keep_last: Some(10),
            max_total_size: Some("650B".into()),
            ..Default::default()
        };
        // 200 soft-deleted bytes: at most 450 live bytes → 4 backups.
        let plan = plan(&backups, &policy, 200, at("2026-02-01T00:00:00Z")).expect("plan");
        assert_eq!(
            kept(&plan),
            ["2026-01-10", "2026-01-09", "2026-01-08", "2026-01-07"]
        );
        assert_eq!(plan.kept_bytes, 400);
        assert_eq!(plan.over_cap_bytes, None);
        assert!(plan.delete.iter().all(|d| d.id.as_str() < "2026-01-07"));
    }

    #[test]
    fn size_cap_never_removes_protected_backups_and_reports_the_excess() {
        let mut backups = daily(3);
        backups[0].verified = true;
        let policy = Retention {
            max_total_size: Some("50B".into()),
            ..Default::default()
        };
        let plan = plan(&backups, &policy, 0, at("2026-02-01T00:00:00Z")).expect("plan");
        assert_eq!(kept(&plan), ["2026-01-03", "2026-01-01"]);
        assert_eq!(plan.over_cap_bytes, Some(150));
    }

    #[test]
    fn interrupted_runs_go_after_a_day_recent_ones_stay() {
        let mut backups = daily(2);
        let mut old = backup("old-incomplete", "2026-01-01T12:00:00Z", 7);
        old.complete = false;
        let mut fresh = backup("fresh-incomplete", "2026-01-02T23:00:00Z", 7);
        fresh.complete = false;
        backups.push(old);
        backups.push(fresh);
        let plan = plan(
            &backups,
            &Retention::default(),
            0,
            at("2026-01-03T00:00:00Z"),
        )
        .expect("plan");
        assert_eq!(
            plan.delete
                .iter()
                .map(|d| d.id.as_str())
                .collect::<Vec<_>>(),
            ["old-incomplete"]
        );
        assert!(kept(&plan).contains(&"fresh-incomplete"));
    }

    #[test]
    fn sizes_parse() {
        assert_eq!(parse_size("4.5GB"), Ok(4_500_000_000));
        assert_eq!(parse_size("4GiB"), Ok(4 * 1024 * 1024 * 1024));
        assert_eq!(parse_size("500 MB"), Ok(500_000_000));
        assert_eq!(parse_size("1024"), Ok(1024));
        assert!(parse_size("lots").is_err());
        assert!(parse_size("5 parsecs").is_err());
    }
}
