//! Row counts and content checksums computed by SQL in the client's current transaction:
//! every table and materialized view with `--checksums sql` (or a pg_dump whose archive is
//! not parsed), and always the sequences. On the source this runs in the exported snapshot;
//! after a restore, in the scratch database.

use tokio_postgres::{GenericClient, SimpleQueryMessage};

use super::{DbUrl, quote_ident};
use crate::BackupError;
use crate::contents::{ChecksumMode, Contents, LargeObjects, SequenceState, TableKind, TableSum};

/// Order-independent content checksum: the sum of a 64-bit hash of every row's text.
/// `hashtextextended` is the function hash partitioning relies on, so it is stable across
/// servers and upgrades (PostgreSQL 11+), and much cheaper than md5.
const ROW_HASH: &str = "coalesce(sum(hashtextextended(t::text, 0)::numeric), 0)::text";

/// Counts and checksums every user table, materialized view, sequence and large object.
///
/// With `tables_from_sql` false only sequences are read: tables and large objects then come
/// from the dump stream ([`crate::archive`]). Anything that cannot be read or parsed is an
/// error: a description with a gap in it would let a verification pass unchecked.
pub async fn contents(
    db: &DbUrl,
    client: &impl GenericClient,
    mode: ChecksumMode,
    excluded: &[String],
    tables_from_sql: bool,
) -> Result<Contents, BackupError> {
    if mode == ChecksumMode::None {
        return Ok(Contents::default());
    }
    let relations = client
        .query(
            "SELECT n.nspname::text, c.relname::text, c.relkind::text, \
                    (c.relkind <> 'm' OR c.relispopulated) \
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE c.relkind IN ('r', 'm', 'S') AND c.relpersistence <> 't' \
               AND n.nspname NOT IN ('pg_catalog', 'information_schema') \
               AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%' \
               AND n.nspname <> ALL($1) \
               AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass \
                               AND d.objid = c.oid AND d.deptype = 'e') \
             ORDER BY 1, 2",
            &[&excluded],
        )
        .await
        .map_err(|e| db.err("list tables", e))?;
    let with_checksums = mode.with_checksums();
    let mut out = Contents::default();
    for row in relations {
        let schema: String = row.get(0);
        let name: String = row.get(1);
        let relkind: String = row.get(2);
        let populated: bool = row.get(3);
        let qualified = format!("{}.{}", quote_ident(&schema), quote_ident(&name));
        if relkind == "S" {
            let sql = format!("SELECT last_value, is_called FROM {qualified}");
            let row = client
                .query_one(&sql, &[])
                .await
                .map_err(|e| db.err(&format!("read sequence {qualified}"), e))?;
            out.sequences.push(SequenceState {
                schema,
                name,
                last_value: row.get(0),
                is_called: row.get(1),
            });
            continue;
        }
        if !populated || !tables_from_sql {
            continue;
        }
        let sum = if with_checksums {
            ROW_HASH
        } else {
            "NULL::text"
        };
        let sql = format!("SELECT count(*)::text, {sum} FROM ONLY {qualified} AS t");
        let action = format!("checksum {qualified}");
        let (rows, checksum) = count_and_sum(db, client, &sql, &action).await?;
        out.tables.push(TableSum {
            schema,
            name,
            kind: if relkind == "m" {
                TableKind::MaterializedView
            } else {
                TableKind::Table
            },
            rows,
            checksum,
            copy: None,
        });
    }
    if !tables_from_sql {
        return Ok(out);
    }
    let sum = if with_checksums {
        "coalesce(sum(('x' || left(md5(lo_get(oid)), 16))::bit(64)::int8::numeric), 0)::text"
    } else {
        "NULL::text"
    };
    let sql = format!("SELECT count(*)::text, {sum} FROM pg_largeobject_metadata");
    let (count, checksum) = count_and_sum(db, client, &sql, "read large objects").await?;
    out.large_objects = Some(LargeObjects { count, checksum });
    Ok(out)
}

/// Runs a query returning one row of a count and an optional checksum (both as text, through
/// the simple protocol, so numerics keep every digit). A missing row or a count that is not
/// a number is an error, never zero.
async fn count_and_sum(
    db: &DbUrl,
    client: &impl GenericClient,
    sql: &str,
    action: &str,
) -> Result<(i64, Option<String>), BackupError> {
    let messages = client
        .client()
        .simple_query(sql)
        .await
        .map_err(|e| db.err(action, e))?;
    let row = messages.iter().find_map(|m| match m {
        SimpleQueryMessage::Row(row) => Some(row),
        _ => None,
    });
    let Some(row) = row else {
        return Err(db.bad_data(action, "the query returned no row".into()));
    };
    let count = parse_count(row.get(0)).map_err(|reason| db.bad_data(action, reason))?;
    Ok((count, row.get(1).map(str::to_owned)))
}

/// A row count as the server printed it.
pub fn parse_count(text: Option<&str>) -> Result<i64, String> {
    let text = text.ok_or("the row count is NULL")?;
    text.parse()
        .map_err(|e| format!("the row count {text:?} is not a number ({e})"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unparsable_count_is_an_error_not_zero() {
        assert_eq!(parse_count(Some("42")), Ok(42));
        assert!(parse_count(Some("4.2e1")).is_err());
        assert!(parse_count(Some("")).is_err());
        assert!(parse_count(None).is_err());
    }
}
