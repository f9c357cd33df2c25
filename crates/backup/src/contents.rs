//! What a manifest records about the data (per-table row counts and checksums, sequences,
//! large objects), the modes that decide how much of it, and [`compare`], which turns a
//! recorded and a restored description into the problems a verification reports.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::pg::quote_ident;

/// How much of the data a manifest describes.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum ChecksumMode {
    #[default]
    Full,
    Counts,
    Sql,
    None,
}

impl ChecksumMode {
    pub const ALL: [Self; 4] = [Self::Full, Self::Counts, Self::Sql, Self::None];

    pub fn with_checksums(self) -> bool {
        matches!(self, Self::Full | Self::Sql)
    }

    /// The name in configuration, flags and manifests.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Full => "full",
            Self::Counts => "counts",
            Self::Sql => "sql",
            Self::None => "none",
        }
    }

    /// What the mode records, for help texts.
    pub fn description(self) -> &'static str {
        match self {
            Self::Full => {
                "Row counts and a content checksum of every table and of the large objects, \
                 read from pg_dump's own output as it streams (no extra work for the database)"
            }
            Self::Counts => "Row counts only (from pg_dump's output)",
            Self::Sql => {
                "Row counts and checksums computed by SQL in the same snapshot (reads every row \
                 once more on the server); the fallback for pg_dump versions whose archive is \
                 not parsed"
            }
            Self::None => "Nothing beyond the dump's own sha256",
        }
    }
}

/// Where a manifest's table sums came from.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ChecksumSource {
    /// Read from pg_dump's output as it streamed ([`crate::archive`]).
    Dump,
    /// Computed by queries in the exported snapshot; manifests from before the field say
    /// nothing and were made this way.
    #[default]
    Sql,
}

/// What kind of relation a [`TableSum`] describes.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum TableKind {
    Table,
    MaterializedView,
}

/// Row count and content checksum of one table or materialized view.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct TableSum {
    pub schema: String,
    pub name: String,
    pub kind: TableKind,
    pub rows: i64,
    /// Order-independent content checksum: `xxh3:<hex>` (sum of xxh3-64 over the COPY lines,
    /// from the dump stream) or a decimal (sum of `hashtextextended(row::text)`, by SQL).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checksum: Option<String>,
    /// pg_dump's COPY statement for the table, when the sums come from the dump stream: the
    /// restore side reads the same columns back with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copy: Option<String>,
}

impl TableSum {
    /// `"schema"."name"`, as messages show it.
    pub fn qualified(&self) -> String {
        format!("{}.{}", quote_ident(&self.schema), quote_ident(&self.name))
    }
}

/// A sequence's state, which pg_dump restores with setval().
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SequenceState {
    pub schema: String,
    pub name: String,
    pub last_value: i64,
    pub is_called: bool,
}

/// Large objects: how many, and a checksum of their contents.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct LargeObjects {
    pub count: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checksum: Option<String>,
}

/// Everything a manifest records about the data.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Contents {
    pub tables: Vec<TableSum>,
    pub sequences: Vec<SequenceState>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub large_objects: Option<LargeObjects>,
}

/// The differences between what a manifest recorded and what a database holds now. Whatever
/// the manifest recorded must be found: a table, a sequence or the large objects missing
/// from `actual` (not restored, or not read back) is a problem, never a pass.
pub fn compare(expected: &Contents, actual: &Contents) -> Vec<String> {
    let mut problems = Vec::new();
    let key = |t: &TableSum| (t.schema.clone(), t.name.clone());
    let actual_tables: BTreeMap<_, _> = actual.tables.iter().map(|t| (key(t), t)).collect();
    for table in &expected.tables {
        let name = table.qualified();
        match actual_tables.get(&key(table)) {
            None => problems.push(format!("{name}: missing after restore")),
            Some(found) if found.rows != table.rows => problems.push(format!(
                "{name}: {} rows in the manifest, {} restored",
                table.rows, found.rows
            )),
            Some(found) if table.checksum.is_some() && found.checksum != table.checksum => problems
                .push(format!(
                    "{name}: content checksum differs (manifest {}, restored {})",
                    table.checksum.as_deref().unwrap_or("-"),
                    found.checksum.as_deref().unwrap_or("-")
                )),
            Some(_) => {}
        }
    }
    let actual_sequences: BTreeMap<_, _> = actual
        .sequences
        .iter()
        .map(|s| ((s.schema.clone(), s.name.clone()), s))
        .collect();
    for seq in &expected.sequences {
        let name = format!("{}.{}", quote_ident(&seq.schema), quote_ident(&seq.name));
        match actual_sequences.get(&(seq.schema.clone(), seq.name.clone())) {
            None => problems.push(format!("sequence {name}: missing after restore")),
            Some(found) if found.last_value != seq.last_value || found.is_called != seq.is_called => {
                problems.push(format!(
                    "sequence {name}: last_value {} (called {}) in the manifest, {} (called {}) restored",
                    seq.last_value, seq.is_called, found.last_value, found.is_called
                ))
            }
            Some(_) => {}
        }
    }
    match (&expected.large_objects, &actual.large_objects) {
        (Some(lo), None) => problems.push(format!(
            "large objects: {} in the manifest, none read back after restore",
            lo.count
        )),
        (Some(lo), Some(found)) if lo.count != found.count => problems.push(format!(
            "large objects: {} in the manifest, {} restored",
            lo.count, found.count
        )),
        (Some(lo), Some(found)) if lo.checksum.is_some() && lo.checksum != found.checksum => {
            problems.push("large objects: content checksum differs".into());
        }
        _ => {}
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lo(count: i64) -> Option<LargeObjects> {
        Some(LargeObjects {
            count,
            checksum: Some("xxh3:1".into()),
        })
    }

    #[test]
    fn large_objects_that_were_not_read_back_fail_the_comparison() {
        let expected = Contents {
            large_objects: lo(5),
            ..Contents::default()
        };
        let problems = compare(&expected, &Contents::default());
        assert_eq!(
            problems,
            ["large objects: 5 in the manifest, none read back after restore"]
        );
        let same = Contents {
            large_objects: lo(5),
            ..Contents::default()
        };
        assert!(compare(&expected, &same).is_empty());
    }

    #[test]
    fn names_keep_their_serialised_form() {
        assert_eq!(
            serde_json::to_value(TableKind::MaterializedView).expect("json"),
            "materialized-view"
        );
        assert_eq!(
            serde_json::to_value(ChecksumSource::Dump).expect("json"),
            "dump"
        );
        for mode in ChecksumMode::ALL {
            assert_eq!(serde_json::to_value(mode).expect("json"), mode.as_str());
        }
    }
}
