//! Row counts and content checksums read from pg_dump's own output, as it streams.
//!
//! pg_dump's custom format (written with `--compress=0`) is a header, a table of contents,
//! then one block per table holding exactly the `COPY … TO stdout` text of its rows, and
//! blocks of large objects. Hashing each row line there costs the database nothing: the rows
//! are the ones pg_dump read in its snapshot, so they are the data that was dumped. After a
//! restore, `COPY … TO STDOUT` of each table (with the same column list, under the same
//! output settings) yields the same lines; [`LineSum`] makes the comparison independent of
//! row order.
//!
//! Supported: archive versions 1.12 to 1.16 (pg_dump 10 to 17), uncompressed. Anything else
//! is an error, and the caller falls back to checksums computed by SQL.

use std::io::{self, Read};

use xxhash_rust::xxh3::{Xxh3, xxh3_64};

const MAGIC: &[u8; 5] = b"PGDMP";
const BLK_DATA: u8 = 1;
const BLK_BLOBS: u8 = 3;
const MIN_VERSION: (u8, u8) = (1, 12);
const MAX_VERSION: (u8, u8) = (1, 16);

/// An order-independent sum over lines: count, and the wrapping sum of each line's xxh3-64.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LineSum {
    pub rows: i64,
    pub sum: u64,
}

impl LineSum {
    pub fn add_line(&mut self, line: &[u8]) {
        self.rows += 1;
        self.sum = self.sum.wrapping_add(xxh3_64(line));
    }

    /// The checksum as recorded in manifests.
    pub fn checksum(&self) -> String {
        format!("xxh3:{:016x}", self.sum)
    }
}

/// Splits a byte stream into `\n`-terminated lines (COPY text escapes embedded newlines)
/// across chunk boundaries, up to COPY's end-of-data marker `\.` (which pg_dump writes at
/// the end of each table's data, followed by blank lines; a row can never be `\.`).
#[derive(Debug, Default)]
pub struct LineSplitter {
    partial: Vec<u8>,
    ended: bool,
    pub total: LineSum,
}

impl LineSplitter {
    pub fn feed(&mut self, mut data: &[u8]) {
        while !self.ended
            && let Some(end) = memchr::memchr(b'\n', data)
        {
            if self.partial.is_empty() {
                self.line(&data[..end]);
            } else {
                self.partial.extend_from_slice(&data[..end]);
                let line = std::mem::take(&mut self.partial);
                self.line(&line);
            }
            data = &data[end + 1..];
        }
        if !self.ended {
            self.partial.extend_from_slice(data);
        }
    }

    fn line(&mut self, line: &[u8]) {
        if line == b"\\." {
            self.ended = true;
        } else {
            self.total.add_line(line);
        }
    }

    /// The sum; a last line without a newline counts too.
    pub fn finish(mut self) -> LineSum {
        if !self.partial.is_empty() && !self.ended {
            let line = std::mem::take(&mut self.partial);
            self.line(&line);
        }
        self.total
    }
}

/// One table's data in the archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableData {
    pub schema: String,
    pub name: String,
    /// pg_dump's `COPY schema.table (columns) FROM stdin;`, which names the exact columns.
    pub copy: String,
    pub sum: LineSum,
}

/// What the archive holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ArchiveSums {
    /// `major.minor` of the archive format.
    pub version: String,
    pub tables: Vec<TableData>,
    /// Each sequence as pg_dump recorded it (its `SEQUENCE SET` entry): sequences are not
    /// transactional, so only pg_dump's own reading is what a restore will reproduce.
    pub sequences: Vec<SequenceSet>,
    /// Number of large objects and the wrapping sum of their contents' xxh3-64.
    pub large_objects: LineSum,
}

/// A `SEQUENCE SET` entry: `SELECT pg_catalog.setval('…', VALUE, IS_CALLED);`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SequenceSet {
    pub schema: String,
    pub name: String,
    pub last_value: i64,
    pub is_called: bool,
}

impl SequenceSet {
    fn parse(schema: String, name: String, defn: &str) -> Option<Self> {
        let arguments = defn
            .trim()
            .trim_end_matches(';')
            .trim_end()
            .strip_suffix(')')?;
        let mut tail = arguments.rsplitn(3, ',');
        let is_called = match tail.next()?.trim() {
            "true" => true,
            "false" => false,
            _ => return None,
        };
        let last_value = tail.next()?.trim().parse().ok()?;
        Some(SequenceSet {
            schema,
            name,
            last_value,
            is_called,
        })
    }
}

/// No string or data chunk of a real archive comes near this; a larger length means a
/// damaged stream, and allocating it could abort the process.
const MAX_LENGTH: usize = 256 * 1024 * 1024;

fn checked_length(len: i64) -> io::Result<usize> {
    usize::try_from(len)
        .ok()
        .filter(|len| *len <= MAX_LENGTH)
        .ok_or_else(|| bad(format!("implausible length {len} in the archive")))
}

struct Reader<R> {
    inner: R,
    int_size: usize,
    off_size: usize,
}

impl<R: Read> Reader<R> {
    fn byte(&mut self) -> io::Result<u8> {
        let mut b = [0u8; 1];
        self.inner.read_exact(&mut b)?;
        Ok(b[0])
    }

    /// pg_dump's integers: a sign byte, then `int_size` bytes, least significant first.
    fn int(&mut self) -> io::Result<i64> {
        let negative = self.byte()? != 0;
        let mut value: i64 = 0;
        for i in 0..self.int_size {
            let b = i64::from(self.byte()?);
            if i < 8 {
                value |= b << (8 * i);
            }
        }
        Ok(if negative { -value } else { value })
    }

    fn string(&mut self) -> io::Result<Option<String>> {
        let len = self.int()?;
        if len < 0 {
            return Ok(None);
        }
        let mut buf = vec![0u8; checked_length(len)?];
        self.inner.read_exact(&mut buf)?;
        Ok(Some(String::from_utf8_lossy(&buf).into_owned()))
    }

    fn skip(&mut self, n: usize) -> io::Result<()> {
        io::copy(&mut (&mut self.inner).take(n as u64), &mut io::sink()).map(drop)
    }

    /// Data chunks (`len`, bytes) until a zero length, each handed to `f`.
    fn chunks(&mut self, mut f: impl FnMut(&[u8])) -> io::Result<()> {
        let mut buf = Vec::new();
        loop {
            let len = self.int()?;
            if len <= 0 {
                return Ok(());
            }
            buf.resize(checked_length(len)?, 0);
            self.inner.read_exact(&mut buf)?;
            f(&buf);
        }
    }
}

fn bad(what: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what.into())
}

/// Reads a whole custom-format archive and sums every table's rows and the large objects.
pub fn scan(input: impl Read) -> io::Result<ArchiveSums> {
    let mut r = Reader {
        inner: io::BufReader::with_capacity(256 * 1024, input),
        int_size: 4,
        off_size: 8,
    };
    let mut magic = [0u8; 5];
    r.inner.read_exact(&mut magic)?;
    if &magic != MAGIC {
        return Err(bad("not a pg_dump custom-format archive"));
    }
    let (major, minor, _rev) = (r.byte()?, r.byte()?, r.byte()?);
    if (major, minor) < MIN_VERSION || (major, minor) > MAX_VERSION {
        return Err(bad(format!(
            "archive version {major}.{minor} is not supported"
        )));
    }
    r.int_size = usize::from(r.byte()?);
    r.off_size = usize::from(r.byte()?);
    if r.int_size == 0 || r.int_size > 8 {
        return Err(bad(format!("integer size {}", r.int_size)));
    }
    let _format = r.byte()?;
    let compressed = if (major, minor) >= (1, 15) {
        r.byte()? != 0
    } else {
        r.int()? != 0
    };
    if compressed {
        return Err(bad(
            "the archive is compressed (expected pg_dump --compress=0)",
        ));
    }
    for _ in 0..7 {
        r.int()?; // creation time
    }
    for _ in 0..3 {
        r.string()?; // database name, server version, pg_dump version
    }

    // Table of contents: remember what each data block will be.
    let count = r.int()?;
    let mut sequences = Vec::new();
    let mut entries: std::collections::HashMap<i64, (String, String, String, Option<String>)> =
        std::collections::HashMap::new();
    for _ in 0..count {
        let dump_id = r.int()?;
        let _had_dumper = r.int()?;
        let _tableoid = r.string()?;
        let _oid = r.string()?;
        let tag = r.string()?.unwrap_or_default();
        let desc = r.string()?.unwrap_or_default();
        let _section = r.int()?;
        let defn = r.string()?;
        let _drop = r.string()?;
        let copy = r.string()?;
        let namespace = r.string()?.unwrap_or_default();
        let _tablespace = r.string()?;
        if (major, minor) >= (1, 14) {
            let _tableam = r.string()?;
        }
        if (major, minor) >= (1, 16) {
            let _relkind = r.int()?;
        }
        let _owner = r.string()?;
        let _with_oids = r.string()?;
        while r.string()?.is_some() {} // dependencies
        // Custom format's data pointer: a flag byte and an offset.
        r.byte()?;
        r.skip(r.off_size)?;
        if desc == "SEQUENCE SET" {
            let parsed = defn
                .as_deref()
                .and_then(|defn| SequenceSet::parse(namespace.clone(), tag.clone(), defn));
            sequences.push(parsed.ok_or_else(|| {
                bad(format!(
                    "unreadable SEQUENCE SET entry for {namespace}.{tag}"
                ))
            })?);
        }
        entries.insert(dump_id, (desc, namespace, tag, copy));
    }

    let mut sums = ArchiveSums {
        version: format!("{major}.{minor}"),
        sequences,
        ..Default::default()
    };
    loop {
        let mut kind = [0u8; 1];
        if r.inner.read(&mut kind)? == 0 {
            break;
        }
        let dump_id = r.int()?;
        match kind[0] {
            BLK_DATA => {
                let mut lines = LineSplitter::default();
                r.chunks(|data| lines.feed(data))?;
                let Some((desc, schema, name, copy)) = entries.get(&dump_id) else {
                    return Err(bad(format!("data block for unknown entry {dump_id}")));
                };
                if desc == "TABLE DATA" {
                    sums.tables.push(TableData {
                        schema: schema.clone(),
                        name: name.clone(),
                        copy: copy.clone().unwrap_or_default(),
                        sum: lines.finish(),
                    });
                }
            }
            BLK_BLOBS => loop {
                let oid = r.int()?;
                if oid == 0 {
                    break;
                }
                let mut hasher = Xxh3::new();
                r.chunks(|data| hasher.update(data))?;
                sums.large_objects.rows += 1;
                sums.large_objects.sum = sums.large_objects.sum.wrapping_add(hasher.digest());
            },
            other => return Err(bad(format!("unknown block type {other}"))),
        }
    }
    Ok(sums)
}

/// The large-object hash used by [`scan`], for the restore side.
pub fn blob_hash(data: &[u8]) -> u64 {
    xxh3_64(data)
}

/// `COPY "s"."t" (a, b) FROM stdin;` → `COPY "s"."t" (a, b) TO STDOUT`.
pub fn copy_out_statement(copy: &str) -> Option<String> {
    let body = copy.trim().strip_suffix(';')?.trim_end();
    let body = body.strip_suffix("FROM stdin")?.trim_end();
    body.starts_with("COPY ")
        .then(|| format!("{body} TO STDOUT"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequence_set_entries_parse_and_garbage_does_not() {
        let parsed = SequenceSet::parse(
            "Sales".into(),
            "Orders_id_seq".into(),
            "SELECT pg_catalog.setval('\"Sales\".\"Orders_id_seq\"', 42, true);\n",
        );
        assert_eq!(
            parsed,
            Some(SequenceSet {
                schema: "Sales".into(),
                name: "Orders_id_seq".into(),
                last_value: 42,
                is_called: true
            })
        );
        let fresh = SequenceSet::parse(
            "s".into(),
            "n".into(),
            "SELECT pg_catalog.setval('s.n', 1, false);",
        );
        assert_eq!(fresh.map(|s| (s.last_value, s.is_called)), Some((1, false)));
        assert_eq!(
            SequenceSet::parse("s".into(), "n".into(), "SELECT 1;"),
            None
        );
    }

    #[test]
    fn implausible_lengths_are_errors_not_allocations() {
        assert!(checked_length(-1).is_err());
        assert!(checked_length(i64::MAX).is_err());
        assert_eq!(checked_length(4096).ok(), Some(4096));
    }

    #[test]
    fn lines_split_the_same_across_chunk_boundaries() {
        let data = b"1\talpha\n2\tbeta\n3\tgamma\n";
        let mut whole = LineSplitter::default();
        whole.feed(data);
        let whole = whole.finish();
        for cut in 0..data.len() {
            let mut split = LineSplitter::default();
            split.feed(&data[..cut]);
            split.feed(&data[cut..]);
            assert_eq!(split.finish(), whole, "cut at {cut}");
        }
        assert_eq!(whole.rows, 3);
        let mut reordered = LineSplitter::default();
        reordered.feed(b"3\tgamma\n1\talpha\n2\tbeta\n");
        assert_eq!(reordered.finish(), whole, "order does not matter");
        let mut terminated = LineSplitter::default();
        terminated.feed(b"1\talpha\n2\tbeta\n3\tgamma\n\\.\n\n\n");
        assert_eq!(
            terminated.finish(),
            whole,
            "pg_dump's end marker and blank lines"
        );
        let mut changed = LineSplitter::default();
        changed.feed(b"1\talpha\n2\tBeta\n3\tgamma\n");
        assert_ne!(changed.finish(), whole);
    }

    #[test]
    fn copy_statements_turn_around() {
        assert_eq!(
            copy_out_statement("COPY \"Sales\".\"Customers\" (id, \"Name\") FROM stdin;\n")
                .as_deref(),
            Some("COPY \"Sales\".\"Customers\" (id, \"Name\") TO STDOUT")
        );
        assert_eq!(copy_out_statement("SELECT 1;"), None);
    }

    #[test]
    fn garbage_is_refused() {
        assert!(scan(&b"PGDMX........"[..]).is_err());
        assert!(scan(&b"PGDMP\x01\x09\x00"[..]).is_err(), "too old");
    }
}
