//! The PostgreSQL side: [`url`] (connection URLs, connecting), [`tls`] (libpq's sslmode),
//! the server queries of preflight (versions, what the role can read, COPY's settings) here,
//! [`sums`] (row counts and checksums by SQL) and [`readback`] (a restored database read
//! back the way the dump stream was summed).

pub mod readback;
pub mod sums;
pub mod tls;
pub mod url;

use tokio_postgres::GenericClient;

use crate::BackupError;

pub use url::{DatabaseUrl, DbUrl, redact};

/// Session settings under which row text is computed, on the source and after a restore, so
/// that checksums do not depend on a server's or role's defaults.
pub(crate) const STABLE_OUTPUT: &str = "SET extra_float_digits = 1; SET DateStyle = 'ISO, YMD'; \
     SET IntervalStyle = 'postgres'; SET TimeZone = 'UTC'; SET bytea_output = 'hex'; \
     SET search_path = pg_catalog; SET statement_timeout = 0;";

/// A server or client error, shown as the server's own words (`ERROR: permission denied …`)
/// or the client's error with its causes. The original error is kept ([`PgError::inner`]).
#[derive(Debug)]
pub struct PgError(pub tokio_postgres::Error);

impl PgError {
    pub fn inner(&self) -> &tokio_postgres::Error {
        &self.0
    }
}

impl std::fmt::Display for PgError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&pg_error_text(&self.0))
    }
}

// The text above already holds every cause: no source, so a chain is not printed twice.
impl std::error::Error for PgError {}

/// What `SHOW server_version` and friends say.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, PartialEq, Eq)]
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
        .map_err(|e| db.err("read server version", e))?;
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
        .map_err(|e| db.err("list unreadable schemas", e))?
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
        .map_err(|e| db.err("list unreadable tables", e))?
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
        .map_err(|e| db.err("check large object privileges", e))?
        .get(0);
    Ok(Unreadable {
        schemas,
        relations,
        large_objects,
    })
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
        .map_err(|e| db.err("read output settings", e))?;
    Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
}

pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The message of a server error, or the client's own text with its causes.
pub fn pg_error_text(e: &tokio_postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{}: {}", db.severity(), db.message()),
        None => crate::report(e),
    }
}
