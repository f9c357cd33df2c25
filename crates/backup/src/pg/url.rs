//! Connection URLs, parsed once into what tokio-postgres gets, what pg_dump / pg_restore get
//! (no password: it goes in `PGPASSWORD`, so it never shows in `ps`), and a form safe to
//! print. The password is a [`SecretString`]: no `Debug` shows it.

use std::path::Path;
use std::str::FromStr;

use percent_encoding::percent_decode_str;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use tokio_postgres::Client;
use tokio_postgres::config::{Host, SslMode};

use super::{PgError, STABLE_OUTPUT, tls};
use crate::BackupError;

/// A database URL as configured or given by flag. It carries the password, so it is a
/// secret: `Debug` shows it with the password replaced by `***`.
#[derive(Clone)]
pub struct DatabaseUrl(SecretString);

impl DatabaseUrl {
    /// The URL as given, password included: for [`DbUrl::parse`] only.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

impl From<String> for DatabaseUrl {
    fn from(url: String) -> Self {
        Self(url.into())
    }
}

impl From<&str> for DatabaseUrl {
    fn from(url: &str) -> Self {
        Self(url.into())
    }
}

impl FromStr for DatabaseUrl {
    type Err = std::convert::Infallible;

    fn from_str(url: &str) -> Result<Self, Self::Err> {
        Ok(Self(url.into()))
    }
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", redact(self.expose()))
    }
}

impl Serialize for DatabaseUrl {
    // Configuration round-trips through serde (the binary layers its defaults that way).
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.expose())
    }
}

impl<'de> Deserialize<'de> for DatabaseUrl {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self::from)
    }
}

/// A parsed connection URL.
#[derive(Clone)]
pub struct DbUrl {
    /// The URL without its password (sslmode included).
    url: url::Url,
    config: tokio_postgres::Config,
    verify_certificates: bool,
    /// The URL without its password, for pg_dump / pg_restore / psql.
    pub for_tools: String,
    pub password: Option<SecretString>,
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
        let mut password = match url.password() {
            Some(encoded) => Some(
                percent_decode_str(encoded)
                    .decode_utf8()
                    .map_err(|e| bad(format!("the password is not UTF-8 once decoded: {e}")))?
                    .into_owned(),
            ),
            None => None,
        };
        let _ = url.set_password(None);
        // libpq also takes the password as a query parameter: it moves out the same way.
        let mut pairs = Vec::new();
        for (key, value) in url.query_pairs() {
            if key == "password" {
                password = Some(value.into_owned());
            } else {
                pairs.push((key.into_owned(), value.into_owned()));
            }
        }
        set_query(&mut url, &pairs);
        let password = password.filter(|p| !p.is_empty()).map(SecretString::from);
        Self::from_parts(url, password).map_err(bad)
    }

    /// A server listening on a unix socket in `dir` (see [`crate::scratch`]).
    pub fn unix_socket(
        dir: &Path,
        port: u16,
        user: &str,
        password: SecretString,
        dbname: &str,
    ) -> Result<Self, BackupError> {
        let bad = |reason: String| BackupError::DatabaseUrl {
            url: format!("{}:{port}/{dbname}", dir.display()),
            reason,
        };
        let mut url = url::Url::parse("postgres:///").map_err(|e| bad(e.to_string()))?;
        url.set_path(&format!("/{}", urlencode(dbname)));
        let host = dir
            .to_str()
            .ok_or_else(|| bad("the socket folder is not UTF-8".into()))?;
        let pairs = [
            ("host".to_owned(), host.to_owned()),
            ("port".to_owned(), port.to_string()),
            ("user".to_owned(), user.to_owned()),
            ("sslmode".to_owned(), "disable".to_owned()),
        ];
        set_query(&mut url, &pairs);
        Self::from_parts(url, Some(password)).map_err(bad)
    }

    fn from_parts(url: url::Url, password: Option<SecretString>) -> Result<Self, String> {
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
        let mut parsing = url.clone();
        set_query(&mut parsing, &pairs);
        let mut with_mode = parsing.clone();
        let mut all = pairs.clone();
        all.push(("sslmode".to_owned(), sslmode.clone()));
        set_query(&mut with_mode, &all);
        let for_tools = with_mode.to_string();
        let mut config: tokio_postgres::Config = parsing
            .as_str()
            .parse()
            .map_err(|e: tokio_postgres::Error| e.to_string())?;
        if let Some(password) = &password {
            config.password(password.expose_secret().as_bytes());
        }
        let (mode, verify) = match sslmode.as_str() {
            "disable" => (SslMode::Disable, false),
            "allow" | "prefer" => (SslMode::Prefer, false),
            "require" => (SslMode::Require, false),
            "verify-ca" | "verify-full" => (SslMode::Require, true),
            other => return Err(format!("unknown sslmode `{other}`")),
        };
        config.ssl_mode(mode);
        let host = match config.get_hosts().first() {
            Some(Host::Tcp(host)) => host.clone(),
            Some(Host::Unix(dir)) => dir.display().to_string(),
            None => "localhost".into(),
        };
        let port = config.get_ports().first().copied().unwrap_or(5432);
        let dbname = config
            .get_dbname()
            .map(str::to_owned)
            .or_else(|| config.get_user().map(str::to_owned))
            .unwrap_or_else(|| "postgres".into());
        Ok(Self {
            url,
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
        let mut url = self.url.clone();
        url.set_path(&format!("/{}", urlencode(dbname)));
        Self::from_parts(url, self.password.clone()).map_err(|reason| BackupError::DatabaseUrl {
            url: self.display.clone(),
            reason,
        })
    }

    pub async fn connect(&self) -> Result<Client, BackupError> {
        let tls = tls::connector(self.verify_certificates)?;
        let (client, connection) = self
            .config
            .connect(tls)
            .await
            .map_err(|e| self.err("connect", e))?;
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(%error, "postgres connection closed");
            }
        });
        client
            .batch_execute(STABLE_OUTPUT)
            .await
            .map_err(|e| self.err("configure session", e))?;
        Ok(client)
    }

    pub fn err(&self, action: &str, e: tokio_postgres::Error) -> BackupError {
        BackupError::Postgres {
            target: self.display.clone(),
            action: action.to_owned(),
            source: PgError(e),
        }
    }

    /// A value the server sent that is not what the query promises (an unparsable count).
    pub fn bad_data(&self, action: &str, reason: String) -> BackupError {
        BackupError::Data {
            target: self.display.clone(),
            action: action.to_owned(),
            reason,
        }
    }
}

/// Replaces the query with `pairs` (none: no `?` at all), percent-encoded as libpq and
/// tokio-postgres decode them (a form encoder's `+` for a space would stay a `+`).
fn set_query(url: &mut url::Url, pairs: &[(String, String)]) {
    let query: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v)))
        .collect();
    url.set_query((!query.is_empty()).then(|| query.join("&")).as_deref());
}

/// `postgres://user:secret@host` → `postgres://user:***@host`; a `password` query parameter
/// is masked the same way.
pub fn redact(raw: &str) -> String {
    match url::Url::parse(raw) {
        Ok(mut url) => {
            if url.password().is_some() {
                let _ = url.set_password(Some("***"));
            }
            if url.query_pairs().any(|(k, _)| k == "password") {
                let pairs: Vec<(String, String)> = url
                    .query_pairs()
                    .map(|(k, v)| {
                        let v = if k == "password" { "***".into() } else { v };
                        (k.into_owned(), v.into_owned())
                    })
                    .collect();
                set_query(&mut url, &pairs);
            }
            url.to_string()
        }
        Err(_) => "<unparsable URL>".into(),
    }
}

/// Everything but RFC 3986's unreserved characters is percent-encoded.
const COMPONENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

fn urlencode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, COMPONENT).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_decoded_moved_out_and_never_shown() {
        let url = DbUrl::parse("postgres://app:p%40ss%20w0rd@db.example:6432/shop?sslmode=require")
            .expect("url");
        assert_eq!(
            url.password.as_ref().map(|p| p.expose_secret().to_owned()),
            Some("p@ss w0rd".to_owned())
        );
        assert_eq!(url.display, "db.example:6432/shop");
        assert!(!url.for_tools.contains("w0rd"), "{}", url.for_tools);
        assert!(
            url.for_tools.ends_with("sslmode=require"),
            "{}",
            url.for_tools
        );
        let other = url.with_database("Other Db").expect("other");
        assert_eq!(other.dbname, "Other Db");
        assert!(other.password.is_some());

        let query =
            DbUrl::parse("postgres://app@db.example/shop?password=q-secret&application_name=x")
                .expect("url");
        assert_eq!(
            query
                .password
                .as_ref()
                .map(|p| p.expose_secret().to_owned()),
            Some("q-secret".to_owned())
        );
        assert!(!query.for_tools.contains("q-secret"), "{}", query.for_tools);
        let shown = format!(
            "{:?}",
            DatabaseUrl::from("postgres://app:p%40ss@db/shop?password=q-secret".to_owned())
        );
        assert!(
            !shown.contains("p%40ss") && !shown.contains("q-secret"),
            "{shown}"
        );
    }

    #[test]
    fn unix_socket_urls_reach_tools_and_the_client_alike() {
        let url = DbUrl::unix_socket(
            Path::new("/tmp/ripcord scratch"),
            5432,
            "postgres",
            SecretString::from("pw"),
            "ripcord_verify_1",
        )
        .expect("url");
        assert_eq!(url.host, "/tmp/ripcord scratch");
        assert_eq!(url.dbname, "ripcord_verify_1");
        assert!(
            url.for_tools
                .starts_with("postgres:///ripcord_verify_1?host=%2Ftmp"),
            "{}",
            url.for_tools
        );
        assert!(!url.for_tools.contains("pw"), "{}", url.for_tools);
        let other = url.with_database("postgres").expect("other");
        assert_eq!(other.host, "/tmp/ripcord scratch");
    }
}
