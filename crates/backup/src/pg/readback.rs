//! The restore side of stream checksums: a restored database read back with pg_dump's own
//! COPY statements (and its large objects with `lo_get`), summed exactly as
//! [`crate::archive::scan`] summed the dump.

use std::collections::BTreeMap;

use futures_util::StreamExt;
use tokio_postgres::Client;

use super::{DbUrl, pg_error_text, quote_ident};
use crate::BackupError;
use crate::archive::{self, LineSplitter, LineSum};
use crate::contents::{Contents, LargeObjects, TableSum};

/// Reads back every table `expected` lists (a table that cannot be read is left out, so
/// [`crate::contents::compare`] reports it missing) and the large objects when `expected`
/// has them (a failure there is an error: they cannot be reported one by one).
pub async fn contents_by_copy(
    db: &DbUrl,
    client: &Client,
    expected: &Contents,
    settings: &BTreeMap<String, String>,
) -> Result<Contents, BackupError> {
    client
        .batch_execute(
            "SET DateStyle = ISO; SET IntervalStyle = postgres; SET extra_float_digits = 3; \
             SET TimeZone = 'UTC';",
        )
        .await
        .map_err(|e| db.err("configure COPY output", e))?;
    for (name, value) in settings {
        let set = format!(
            "SET {} = '{}'",
            quote_ident(name),
            value.replace('\'', "''")
        );
        if let Err(e) = client.batch_execute(&set).await {
            tracing::warn!(setting = %name, error = %pg_error_text(&e), "cannot reproduce setting");
        }
    }
    let mut out = Contents::default();
    for table in &expected.tables {
        let Some(statement) = table.copy.as_deref().and_then(archive::copy_out_statement) else {
            continue;
        };
        let stream = match client.copy_out(statement.as_str()).await {
            Ok(stream) => stream,
            Err(e) => {
                tracing::warn!(table = %table.name, error = %pg_error_text(&e), "cannot read back");
                continue; // reported as missing by compare()
            }
        };
        let mut lines = LineSplitter::default();
        let mut stream = std::pin::pin!(stream);
        while let Some(chunk) = stream.next().await {
            let chunk =
                chunk.map_err(|e| db.err(&format!("read back {}", table.qualified()), e))?;
            lines.feed(&chunk);
        }
        let sum = lines.finish();
        out.tables.push(TableSum {
            rows: sum.rows,
            checksum: table.checksum.is_some().then(|| sum.checksum()),
            ..table.clone()
        });
    }
    if let Some(expected_lo) = &expected.large_objects {
        // One object in memory at a time.
        let rows = client
            .query_raw(
                "SELECT lo_get(oid) FROM pg_largeobject_metadata",
                std::iter::empty::<i32>(),
            )
            .await
            .map_err(|e| db.err("read large objects", e))?;
        let mut rows = std::pin::pin!(rows);
        let mut sum = LineSum::default();
        while let Some(row) = rows.next().await {
            let row = row.map_err(|e| db.err("read large objects", e))?;
            let data: &[u8] = row.get(0);
            sum.rows += 1;
            sum.sum = sum.sum.wrapping_add(archive::blob_hash(data));
        }
        out.large_objects = Some(LargeObjects {
            count: sum.rows,
            checksum: expected_lo.checksum.is_some().then(|| sum.checksum()),
        });
    }
    Ok(out)
}
