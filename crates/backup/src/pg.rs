//! The PostgreSQL side: connecting (TLS like libpq's sslmode), versions, what the role can
//! read, and the per-table row counts and content checksums recorded in a manifest.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tokio_postgres::{Client, GenericClient, SimpleQueryMessage};

use crate::BackupError;

/// Session settings under which row text is computed, on the source and after a restore, so
/// that checksums do not depend on a server's or role's defaults.
const STABLE_OUTPUT: &str = "SET extra_float_digits = 1; SET DateStyle = 'ISO, YMD'; \
     SET IntervalStyle = 'postgres'; SET TimeZone = 'UTC'; SET bytea_output = 'hex'; \
     SET search_path = pg_catalog; SET statement_timeout = 0;";

/// How much of the data a manifest describes.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum ChecksumMode {
    /// Row counts and a content checksum of every table and of the large objects, read from
    /// pg_dump's own output as it streams (no extra work for the database).
    #[default]
    Full,
    /// Row counts only (from pg_dump's output).
    Counts,
    /// Row counts and checksums computed by SQL in the same snapshot (reads every row once
    /// more on the server); the fallback for pg_dump versions whose archive is not parsed.
    Sql,
    /// Nothing beyond the dump's own sha256.
    None,
}

impl ChecksumMode {
    pub fn with_checksums(self) -> bool {
        matches!(self, Self::Full | Self::Sql)
    }
}

/// A connection URL parsed once: what tokio-postgres gets, what pg_dump gets (password moved
/// to `PGPASSWORD` so it never shows in `ps`), and a form safe to print.
#[derive(Clone)]
pub struct DbUrl {
    config: tokio_postgres::Config,
    verify_certificates: bool,
    /// The URL without its password, for pg_dump / pg_restore / psql.
    pub for_tools: String,
    pub password: Option<String>,
    /// `host:port/dbname`, for messages and manifests.
    pub display: String,
    pub host: String,
    pub port: u16,
    pub dbname: String,
}

impl std::fmt::Debug for DbUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.display)
    }
}

impl DbUrl {
    pub fn parse(raw: &str) -> Result<Self, BackupError> {
        let bad = |reason: String| BackupError::DatabaseUrl {
            url: redact(raw),
            reason,
        };
        let mut url = url::Url::parse(raw).map_err(|e| bad(e.to_string()))?;
        if !matches!(url.scheme(), "postgres" | "postgresql") {
            return Err(bad(
                "expected postgres://user:password@host:port/dbname".into()
            ));
        }
        let password = url.password().map(percent_decode).filter(|p| !p.is_empty());
        let _ = url.set_password(None);
        let mut sslmode = String::from("prefer");
        let pairs: Vec<(String, String)> = url
            .query_pairs()
            .filter_map(|(k, v)| {
                if k == "sslmode" {
                    sslmode = v.into_owned();
                    None
                } else {
                    Some((k.into_owned(), v.into_owned()))
                }
            })
            .collect();
        let for_tools = {
            let mut tools = url.clone();
            tools.set_query(None);
            let mut query = tools.query_pairs_mut();
            for (k, v) in &pairs {
                query.append_pair(k, v);
            }
            query.append_pair("sslmode", &sslmode);
            drop(query);
            tools.to_string()
        };
        let mut parsing = url.clone();
        parsing.set_query(None);
        {
            let mut query = parsing.query_pairs_mut();
            for (k, v) in &pairs {
                query.append_pair(k, v);
            }
        }
        let mut config: tokio_postgres::Config = parsing
            .as_str()
            .trim_end_matches('?')
            .parse()
            .map_err(|e: tokio_postgres::Error| bad(e.to_string()))?;
        if let Some(password) = &password {
            config.password(password.as_bytes());
        }
        let (mode, verify) = match sslmode.as_str() {
            "disable" => (tokio_postgres::config::SslMode::Disable, false),
            "allow" | "prefer" => (tokio_postgres::config::SslMode::Prefer, false),
            "require" => (tokio_postgres::config::SslMode::Require, false),
            "verify-ca" | "verify-full" => (tokio_postgres::config::SslMode::Require, true),
            other => return Err(bad(format!("unknown sslmode `{other}`"))),
        };
        config.ssl_mode(mode);
        let host = url.host_str().unwrap_or("localhost").to_owned();
        let port = url.port().unwrap_or(5432);
        let dbname = config
            .get_dbname()
            .map(str::to_owned)
            .or_else(|| config.get_user().map(str::to_owned))
            .unwrap_or_else(|| "postgres".into());
        Ok(Self {
            config,
            verify_certificates: verify,
            for_tools,
            password,
            display: format!("{host}:{port}/{dbname}"),
            host,
            port,
            dbname,
        })
    }

    /// The same server, another database.
    pub fn with_database(&self, dbname: &str) -> Result<Self, BackupError> {
        let mut url = url::Url::parse(&self.for_tools).map_err(|e| BackupError::DatabaseUrl {
            url: self.display.clone(),
            reason: e.to_string(),
        })?;
        url.set_path(&format!("/{}", urlencode(dbname)));
        if let Some(password) = &self.password {
            let _ = url.set_password(Some(&urlencode(password)));
        }
        Self::parse(url.as_str())
    }

    pub async fn connect(&self) -> Result<Client, BackupError> {
        let tls = tls_connector(self.verify_certificates)?;
        let (client, connection) =
            self.config
                .connect(tls)
                .await
                .map_err(|e| BackupError::Postgres {
                    target: self.display.clone(),
                    action: "connect".into(),
                    reason: pg_error_text(&e),
                })?;
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(%error, "postgres connection closed");
            }
        });
        client
            .batch_execute(STABLE_OUTPUT)
            .await
            .map_err(|e| self.err("configure session", &e))?;
        Ok(client)
    }

    pub fn err(&self, action: &str, e: &tokio_postgres::Error) -> BackupError {
        BackupError::Postgres {
            target: self.display.clone(),
            action: action.to_owned(),
            reason: pg_error_text(e),
        }
    }
}

/// The message of a server error, or the client's own text.
pub fn pg_error_text(e: &tokio_postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{}: {}", db.severity(), db.message()),
        None => {
            let mut text = e.to_string();
            let mut source = std::error::Error::source(e);
            while let Some(inner) = source {
                text.push_str(": ");
                text.push_str(&inner.to_string());
                source = inner.source();
            }
            text
        }
    }
}

/// `postgres://user:secret@host` → `postgres://user:***@host`.
pub fn redact(raw: &str) -> String {
    match url::Url::parse(raw) {
        Ok(mut url) if url.password().is_some() => {
            let _ = url.set_password(Some("***"));
            url.to_string()
        }
        Ok(url) => url.to_string(),
        Err(_) => "<unparsable URL>".into(),
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

fn tls_connector(verify: bool) -> Result<tokio_postgres_rustls::MakeRustlsConnect, BackupError> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| BackupError::Tls(e.to_string()))?;
    let config = if verify {
        let roots = rustls::RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        };
        builder.with_root_certificates(roots).with_no_client_auth()
    } else {
        // libpq's sslmode=require/prefer: encrypt, do not authenticate the server.
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(NoVerify(provider)))
            .with_no_client_auth()
    };
    Ok(tokio_postgres_rustls::MakeRustlsConnect::new(config))
}

#[derive(Debug)]
struct NoVerify(Arc<rustls::crypto::CryptoProvider>);

impl rustls::client::danger::ServerCertVerifier for NoVerify {
    fn verify_server_cert(
        &self,
        _: &rustls::pki_types::CertificateDer<'_>,
        _: &[rustls::pki_types::CertificateDer<'_>],
        _: &rustls::pki_types::ServerName<'_>,
        _: &[u8],
        _: rustls::pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        Ok(rustls::client::danger::ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// What `SHOW server_version` and friends say.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ServerInfo {
    pub version: String,
    pub version_num: i32,
    pub user: String,
    pub database: String,
}

impl ServerInfo {
    pub fn major(&self) -> i32 {
        self.version_num / 10000
    }
}

pub async fn server_info(
    db: &DbUrl,
    client: &impl GenericClient,
) -> Result<ServerInfo, BackupError> {
    let row = client
        .query_one(
            "SELECT current_setting('server_version'), current_setting('server_version_num')::int4, \
             current_user::text, current_database()::text",
            &[],
        )
        .await
        .map_err(|e| db.err("read server version", &e))?;
    Ok(ServerInfo {
        version: row.get(0),
        version_num: row.get(1),
        user: row.get(2),
        database: row.get(3),
    })
}

/// Schemas the role cannot use, and tables or sequences (in usable schemas) it cannot read.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Unreadable {
    pub schemas: Vec<String>,
    pub relations: Vec<String>,
    /// Large objects the role may not read (pg_dump fails on the first one).
    pub large_objects: i64,
}

pub async fn unreadable(
    db: &DbUrl,
    client: &impl GenericClient,
    excluded: &[String],
) -> Result<Unreadable, BackupError> {
    let schemas = client
        .query(
            "SELECT n.nspname::text FROM pg_namespace n \
             WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') \
               AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%' \
               AND NOT has_schema_privilege(n.oid, 'USAGE') AND n.nspname <> ALL($1) \
             ORDER BY 1",
            &[&excluded],
        )
        .await
        .map_err(|e| db.err("list unreadable schemas", &e))?
        .iter()
        .map(|r| r.get::<_, String>(0))
        .collect::<Vec<_>>();
    let relations = client
        .query(
            "SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c \
             JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE c.relkind IN ('r', 'p', 'm', 'S') \
               AND n.nspname NOT IN ('pg_catalog', 'information_schema') \
               AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%' \
               AND n.nspname <> ALL($1) AND has_schema_privilege(n.oid, 'USAGE') \
               AND NOT has_table_privilege(c.oid, 'SELECT') \
               AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass \
                               AND d.objid = c.oid AND d.deptype = 'e') \
             ORDER BY 1",
            &[&excluded],
        )
        .await
        .map_err(|e| db.err("list unreadable tables", &e))?
        .iter()
        .map(|r| r.get::<_, String>(0))
        .collect();
    let large_objects: i64 = client
        .query_one(
            "SELECT CASE WHEN current_setting('lo_compat_privileges')::bool \
                          OR (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN 0 \
                     ELSE (SELECT count(*) FROM pg_largeobject_metadata m \
                           WHERE NOT pg_has_role(m.lomowner, 'USAGE') \
                             AND NOT EXISTS (SELECT 1 FROM aclexplode(coalesce(m.lomacl, \
                                             acldefault('L', m.lomowner))) a \
                                             WHERE a.privilege_type = 'SELECT' \
                                               AND (a.grantee = 0 OR pg_has_role(a.grantee, 'USAGE')))) \
                     END",
            &[],
        )
        .await
        .map_err(|e| db.err("check large object privileges", &e))?
        .get(0);
    Ok(Unreadable {
        schemas,
        relations,
        large_objects,
    })
}

/// Row count and content checksum of one table or materialized view.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct TableSum {
    pub schema: String,
    pub name: String,
    /// `table` or `materialized-view`.
    pub kind: String,
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

/// Settings that shape COPY's text output and that pg_dump inherits from the role and
/// database defaults (it sets DateStyle, IntervalStyle and extra_float_digits itself; ripcord
/// runs it with TimeZone UTC and client encoding UTF8).
pub const COPY_SETTINGS: &[&str] = &["bytea_output", "lc_monetary", "xmlbinary", "xmloption"];

/// The values pg_dump's session starts with for [`COPY_SETTINGS`].
pub async fn copy_settings(
    db: &DbUrl,
    client: &impl GenericClient,
) -> Result<std::collections::BTreeMap<String, String>, BackupError> {
    let rows = client
        .query(
            "SELECT name::text, reset_val::text FROM pg_settings WHERE name = ANY($1)",
            &[&COPY_SETTINGS],
        )
        .await
        .map_err(|e| db.err("read output settings", &e))?;
    Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
}

/// Reads tables back with pg_dump's COPY statements and large objects with lo_get, summed as
/// [`crate::archive::scan`] sums the dump: the restore side of stream checksums.
pub async fn contents_by_copy(
    db: &DbUrl,
    client: &Client,
    expected: &Contents,
    settings: &std::collections::BTreeMap<String, String>,
) -> Result<Contents, BackupError> {
    use futures_util::StreamExt;

    client
        .batch_execute(
            "SET DateStyle = ISO; SET IntervalStyle = postgres; SET extra_float_digits = 3; \
             SET TimeZone = 'UTC';",
        )
        .await
        .map_err(|e| db.err("configure COPY output", &e))?;
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
        let Some(statement) = table
            .copy
            .as_deref()
            .and_then(crate::archive::copy_out_statement)
        else {
            continue;
        };
        let stream = match client.copy_out(statement.as_str()).await {
            Ok(stream) => stream,
            Err(e) => {
                tracing::warn!(table = %table.name, error = %pg_error_text(&e), "cannot read back");
                continue; // reported as missing by compare()
            }
        };
        let mut lines = crate::archive::LineSplitter::default();
        let mut stream = std::pin::pin!(stream);
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| db.err(&format!("read back {}", table.name), &e))?;
            lines.feed(&chunk);
        }
        let sum = lines.finish();
        out.tables.push(TableSum {
            schema: table.schema.clone(),
            name: table.name.clone(),
            kind: table.kind.clone(),
            rows: sum.rows,
            checksum: table.checksum.is_some().then(|| sum.checksum()),
            copy: table.copy.clone(),
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
            .map_err(|e| db.err("read large objects", &e))?;
        let mut rows = std::pin::pin!(rows);
        let mut sum = crate::archive::LineSum::default();
        while let Some(row) = rows.next().await {
            let row = row.map_err(|e| db.err("read large objects", &e))?;
            let data: &[u8] = row.get(0);
            sum.rows += 1;
            sum.sum = sum.sum.wrapping_add(crate::archive::blob_hash(data));
        }
        out.large_objects = Some(LargeObjects {
            count: sum.rows,
            checksum: expected_lo.checksum.is_some().then(|| sum.checksum()),
        });
    }
    Ok(out)
}

pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Order-independent content checksum: the sum of a 64-bit hash of every row's text.
/// `hashtextextended` is the function hash partitioning relies on, so it is stable across
/// servers and upgrades (PostgreSQL 11+), and much cheaper than md5.
const ROW_HASH: &str = "coalesce(sum(hashtextextended(t::text, 0)::numeric), 0)::text";

/// Counts and checksums every user table, materialized view, sequence and large object, in
/// the client's current transaction (the exported snapshot, during a backup).
///
/// With `tables_from_sql` false only sequences are read: tables and large objects then come
/// from the dump stream ([`crate::archive`]).
pub async fn contents(
    db: &DbUrl,
    client: &mut tokio_postgres::Transaction<'_>,
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
        .map_err(|e| db.err("list tables", &e))?;
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
                .map_err(|e| db.err(&format!("read sequence {qualified}"), &e))?;
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
        let sql = match mode {
            ChecksumMode::Full | ChecksumMode::Sql => {
                format!("SELECT count(*)::text, {ROW_HASH} FROM ONLY {qualified} AS t")
            }
            _ => format!("SELECT count(*)::text, NULL::text FROM ONLY {qualified} AS t"),
        };
        let (rows, checksum) = simple_pair(client, &sql)
            .await
            .map_err(|e| db.err(&format!("checksum {qualified}"), &e))?;
        out.tables.push(TableSum {
            schema,
            name,
            kind: if relkind == "m" {
                "materialized-view".into()
            } else {
                "table".into()
            },
            rows: rows.and_then(|r| r.parse().ok()).unwrap_or(0),
            checksum,
            copy: None,
        });
    }
    if !tables_from_sql {
        return Ok(out);
    }
    // Large objects may be unreadable to this role: try inside a savepoint.
    let lo_sql = match mode {
        ChecksumMode::Full | ChecksumMode::Sql => {
            "SELECT count(*)::text, coalesce(sum(('x' || left(md5(lo_get(oid)), 16))\
             ::bit(64)::int8::numeric), 0)::text FROM pg_largeobject_metadata"
                .to_owned()
        }
        _ => "SELECT count(*)::text, NULL::text FROM pg_largeobject_metadata".to_owned(),
    };
    let savepoint = client
        .savepoint("ripcord_lo")
        .await
        .map_err(|e| db.err("savepoint", &e))?;
    match simple_pair(&savepoint, &lo_sql).await {
        Ok((count, checksum)) => {
            savepoint
                .commit()
                .await
                .map_err(|e| db.err("release savepoint", &e))?;
            out.large_objects = Some(LargeObjects {
                count: count.and_then(|c| c.parse().ok()).unwrap_or(0),
                checksum,
            });
        }
        Err(error) => {
            tracing::warn!(error = %pg_error_text(&error), "large objects not checksummed");
            savepoint
                .rollback()
                .await
                .map_err(|e| db.err("rollback savepoint", &e))?;
        }
    }
    Ok(out)
}

/// Runs a query returning one row of two text columns through the simple protocol.
async fn simple_pair(
    client: &impl GenericClient,
    sql: &str,
) -> Result<(Option<String>, Option<String>), tokio_postgres::Error> {
    let messages = client.client().simple_query(sql).await?;
    for message in messages {
        if let SimpleQueryMessage::Row(row) = message {
            return Ok((row.get(0).map(str::to_owned), row.get(1).map(str::to_owned)));
        }
    }
    Ok((None, None))
}

/// The differences between what a manifest recorded and what a database holds now.
pub fn compare(expected: &Contents, actual: &Contents) -> Vec<String> {
    let mut problems = Vec::new();
    let key = |t: &TableSum| (t.schema.clone(), t.name.clone());
    let actual_tables: std::collections::BTreeMap<_, _> =
        actual.tables.iter().map(|t| (key(t), t)).collect();
    for table in &expected.tables {
        let name = format!(
            "{}.{}",
            quote_ident(&table.schema),
            quote_ident(&table.name)
        );
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
    let actual_sequences: std::collections::BTreeMap<_, _> = actual
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
    if let (Some(lo), Some(found)) = (&expected.large_objects, &actual.large_objects) {
        if lo.count != found.count {
            problems.push(format!(
                "large objects: {} in the manifest, {} restored",
                lo.count, found.count
            ));
        } else if lo.checksum.is_some() && lo.checksum != found.checksum {
            problems.push("large objects: content checksum differs".into());
        }
    }
    problems
}
