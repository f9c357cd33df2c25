//! Shared fixtures: a database with every feature a backup must carry, an independent
//! table-by-table fingerprint, and a way to call the library as `ripcord backup …` would.

use std::collections::BTreeMap;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use ripcord_backup::{
    BackupConfig, BackupError, ChecksumMode, Observer, Progress, RestoreRequest, RunRequest,
    VerifyRequest,
};
use ripcord_notifier::NotifyConfig;
use ripcord_testkit::Postgres;
use ripcord_testkit::postgres::psql;

/// Several schemas, mixed-case names, an enum, a partitioned table, sequences (serial,
/// identity, standalone), a view and a materialized view, a trigger, extensions (pgcrypto,
/// hstore), large objects and non-ASCII data.
pub const FIXTURE: &str = r#"
CREATE EXTENSION pgcrypto;
CREATE EXTENSION hstore;
CREATE SCHEMA "Sales";
CREATE SCHEMA inventory;
CREATE TYPE "Sales".status AS ENUM ('new', 'paid', 'shipped', 'émis');
CREATE TABLE "Sales"."Customers" (
  id bigserial PRIMARY KEY,
  "Name" text NOT NULL,
  email text,
  tags hstore,
  secret bytea DEFAULT gen_random_bytes(8),
  created timestamptz DEFAULT '2026-01-01 12:00:00+00'
);
INSERT INTO "Sales"."Customers" ("Name", email, tags)
  SELECT 'Client ' || i || ' — Zoë 東京 🚀', 'c' || i || '@example.com', hstore('tier', (i % 3)::text)
  FROM generate_series(1, 500) i;
CREATE TABLE "Sales".orders (
  id int GENERATED ALWAYS AS IDENTITY,
  customer_id bigint REFERENCES "Sales"."Customers"(id),
  status "Sales".status,
  amount numeric(12, 2),
  placed date NOT NULL,
  note text,
  PRIMARY KEY (id, placed)
) PARTITION BY RANGE (placed);
CREATE TABLE "Sales".orders_2025 PARTITION OF "Sales".orders FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE "Sales".orders_2026 PARTITION OF "Sales".orders FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
CREATE TABLE inventory.audit (id serial PRIMARY KEY, at timestamptz DEFAULT '2026-01-01', what text);
CREATE FUNCTION inventory.log_order() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN INSERT INTO inventory.audit (what) VALUES ('order ' || NEW.id || ' ✓'); RETURN NEW; END $$;
CREATE TRIGGER "AuditOrders" AFTER INSERT ON "Sales".orders_2026
  FOR EACH ROW EXECUTE FUNCTION inventory.log_order();
INSERT INTO "Sales".orders (customer_id, status, amount, placed, note)
  SELECT 1 + i % 500, (ARRAY['new', 'paid', 'shipped', 'émis']::"Sales".status[])[1 + i % 4],
         i * 1.25, DATE '2025-01-01' + (i % 700), 'ñ' || repeat('x', i % 50)
  FROM generate_series(1, 3000) i;
CREATE SEQUENCE inventory."Ticket_seq" START 1000;
SELECT nextval('inventory."Ticket_seq"') FROM generate_series(1, 7);
CREATE VIEW "Sales".paid AS SELECT * FROM "Sales".orders WHERE status = 'paid';
CREATE MATERIALIZED VIEW "Sales"."Totals" AS
  SELECT customer_id, sum(amount) AS total, count(*) AS n FROM "Sales".orders GROUP BY customer_id;
CREATE TABLE inventory.items (sku text PRIMARY KEY, doc jsonb, price float8, dims int[], spot point);
INSERT INTO inventory.items
  SELECT 'SKU-' || i, jsonb_build_object('name', 'Ärmel ' || i, 'n', i), i / 3.0, ARRAY[i, i * 2], point(i, -i)
  FROM generate_series(1, 200) i;
CREATE TABLE public."MixedCase Table" ("Weird ""Col""" text, n int);
INSERT INTO public."MixedCase Table" VALUES ('ελληνικά', 1), ('עברית', 2), (NULL, 3);
SELECT lo_from_bytea(0, convert_to('large object ' || i || ' — ünïcødé', 'UTF8')) FROM generate_series(1, 5) i;
"#;

/// A cluster with the fixture loaded in database `app`.
pub struct Source {
    pub pg: Postgres,
    pub url: String,
}

pub fn source() -> Source {
    let pg = Postgres::start().expect("start a private PostgreSQL cluster");
    let url = pg.create_database("app").expect("create database");
    psql(&url, FIXTURE).expect("load the fixture");
    Source { pg, url }
}

/// An independent fingerprint (not ripcord's checksum): for every user table and
/// materialized view, its row count and the md5 of its rows sorted as text; every sequence's
/// state; the large objects' contents.
pub fn fingerprint(url: &str) -> BTreeMap<String, String> {
    let relations = psql(
        url,
        "SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c \
         JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE c.relkind IN ('r', 'm', 'S') AND n.nspname NOT IN ('pg_catalog', 'information_schema') \
           AND n.nspname NOT LIKE 'pg\\_toast%' ORDER BY 1",
    )
    .expect("list relations");
    let mut out = BTreeMap::new();
    for name in relations.lines().filter(|l| !l.is_empty()) {
        let is_sequence = psql(
            url,
            &format!(
                "SELECT relkind FROM pg_class WHERE oid = '{}'::regclass",
                name.replace('\'', "''")
            ),
        )
        .expect("relkind")
        .trim()
            == "S";
        let sql = if is_sequence {
            format!("SELECT last_value || '/' || is_called FROM {name}")
        } else {
            format!(
                "SELECT count(*) || ' ' || coalesce(md5(string_agg(t::text, E'\\n' ORDER BY t::text)), '-') FROM ONLY {name} t"
            )
        };
        let value = psql(url, &sql).expect("fingerprint a relation");
        out.insert(name.to_owned(), value.trim().to_owned());
    }
    let lo = psql(
        url,
        "SELECT count(*) || ' ' || coalesce(md5(string_agg(encode(lo_get(oid), 'hex'), ',' ORDER BY encode(lo_get(oid), 'hex'))), '-') FROM pg_largeobject_metadata",
    )
    .expect("large objects");
    out.insert("<large objects>".into(), lo.trim().to_owned());
    let extensions = psql(
        url,
        "SELECT string_agg(extname, ',' ORDER BY extname) FROM pg_extension",
    )
    .expect("extensions");
    out.insert("<extensions>".into(), extensions.trim().to_owned());
    let triggers = psql(
        url,
        "SELECT string_agg(tgname, ',' ORDER BY tgname) FROM pg_trigger WHERE NOT tgisinternal",
    )
    .expect("triggers");
    out.insert("<triggers>".into(), triggers.trim().to_owned());
    out
}

/// Asserts two fingerprints are equal, table by table, naming the first difference.
pub fn assert_same(expected: &BTreeMap<String, String>, actual: &BTreeMap<String, String>) {
    for (name, value) in expected {
        assert_eq!(
            actual.get(name),
            Some(value),
            "{name} differs after restore"
        );
    }
    assert_eq!(expected.len(), actual.len(), "relations differ: {actual:?}");
    assert!(
        expected.len() > 10,
        "the fixture has many relations: {expected:?}"
    );
}

/// Runs `ripcord backup <args…>` through the library, as the binary does (flags merged into
/// the settings the same way), and returns its exit code: 0 done, 1 a failed verification,
/// 2 an error (printed on stderr).
pub async fn ripcord(config: &BackupConfig, notify: &NotifyConfig, args: &[&str]) -> u8 {
    match command(config, notify, args).await {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {}", ripcord_backup::report(&error));
            2
        }
    }
}

/// `--flag value`, boolean `--flag`s and one positional id.
struct Flags<'a> {
    values: Vec<(&'a str, &'a str)>,
    switches: Vec<&'a str>,
    id: &'a str,
}

const SWITCHES: &[&str] = &[
    "--restore",
    "--notify-success",
    "--preflight-only",
    "--skip-unreadable-schemas",
    "--dry-run",
    "--no-owner",
];

impl<'a> Flags<'a> {
    fn parse(args: &[&'a str]) -> Self {
        let mut flags = Self {
            values: Vec::new(),
            switches: Vec::new(),
            id: "latest",
        };
        let mut args = args.iter().copied();
        while let Some(arg) = args.next() {
            if SWITCHES.contains(&arg) {
                flags.switches.push(arg);
            } else if arg.starts_with("--") {
                let value = args.next().unwrap_or_else(|| panic!("{arg} needs a value"));
                flags.values.push((arg, value));
            } else {
                flags.id = arg;
            }
        }
        flags
    }

    fn value(&self, name: &str) -> Option<&'a str> {
        self.values
            .iter()
            .rev()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| *v)
    }

    fn all(&self, name: &str) -> Vec<String> {
        self.values
            .iter()
            .filter(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
            .collect()
    }

    fn switch(&self, name: &str) -> bool {
        self.switches.contains(&name)
    }

    fn number(&self, name: &str) -> Option<u32> {
        self.value(name).map(|v| v.parse().expect("a number"))
    }
}

async fn command(
    config: &BackupConfig,
    notify: &NotifyConfig,
    args: &[&str],
) -> Result<u8, BackupError> {
    let (command, rest) = args.split_first().expect("a subcommand");
    let flags = Flags::parse(rest);
    let mut config = config.clone();
    if let Some(to) = flags.value("--to") {
        config.to = Some(to.to_owned());
    }
    let observer = observer(flags.value("--progress").unwrap_or("none"));
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    match *command {
        "run" => {
            if let Some(url) = flags.value("--database-url") {
                config.database_url = Some(url.to_owned().into());
            }
            config.exclude_schemas.extend(flags.all("--exclude-schema"));
            config.skip_unreadable_schemas |= flags.switch("--skip-unreadable-schemas");
            if let Some(mode) = flags.value("--checksums") {
                config.checksums = ChecksumMode::ALL
                    .into_iter()
                    .find(|m| m.as_str() == mode)
                    .expect("a checksum mode");
            }
            let recipients = flags.all("--age-recipient");
            if !recipients.is_empty() {
                config.age_recipients = recipients;
            }
            let request = RunRequest {
                preflight_only: flags.switch("--preflight-only"),
                notify_success: flags.switch("--notify-success"),
                scheduled: false,
            };
            ripcord_backup::run(&config, notify, request, &observer, ctrl_c).await?;
            Ok(0)
        }
        "list" => ripcord_backup::list(&config).await.map(|_| 0),
        "verify" => {
            let request = VerifyRequest {
                into: flags.value("--into").map(|u| u.to_owned().into()),
                identity: flags.value("--identity").map(Into::into),
                notify_success: flags.switch("--notify-success"),
                ..VerifyRequest::new(flags.id, flags.switch("--restore"))
            };
            let record =
                ripcord_backup::verify(&config, notify, &request, &observer, ctrl_c).await?;
            Ok(if record.ok { 0 } else { 1 })
        }
        "restore" => {
            let request = RestoreRequest {
                id: flags.id.to_owned(),
                into: flags.value("--into").expect("--into").to_owned().into(),
                identity: flags.value("--identity").map(Into::into),
                no_owner: flags.switch("--no-owner"),
            };
            ripcord_backup::restore(&config, &request, &observer).await?;
            Ok(0)
        }
        "prune" => {
            let policy = &mut config.retention;
            policy.keep_last = flags.number("--keep-last").or(policy.keep_last);
            policy.keep_daily = flags.number("--keep-daily").or(policy.keep_daily);
            policy.keep_weekly = flags.number("--keep-weekly").or(policy.keep_weekly);
            policy.keep_monthly = flags.number("--keep-monthly").or(policy.keep_monthly);
            if let Some(size) = flags.value("--max-total-size") {
                policy.max_total_size = Some(size.to_owned());
            }
            ripcord_backup::prune(&config, flags.switch("--dry-run"), &observer).await?;
            Ok(0)
        }
        other => panic!("unknown subcommand {other}"),
    }
}

/// An observer that, for `--progress json`, prints the binary's JSON progress lines on
/// stderr (every 100 ms while a phase runs); warnings always go to stderr.
pub fn observer(progress: &str) -> Observer {
    let json = progress == "json";
    let running: Mutex<Option<(mpsc::Sender<()>, std::thread::JoinHandle<()>)>> = Mutex::new(None);
    Observer::new(move |event| match event {
        Progress::Started { phase, counters } if json => {
            let (stop, stopped) = mpsc::channel::<()>();
            let (phase, counters) = (*phase, Arc::clone(counters));
            let thread = std::thread::spawn(move || {
                loop {
                    let done = stopped.recv_timeout(Duration::from_millis(100)).is_ok();
                    let line = serde_json::json!({
                        "event": "progress",
                        "phase": phase,
                        "raw_bytes": counters.raw.load(Ordering::Relaxed),
                        "stored_bytes": counters.stored.load(Ordering::Relaxed),
                        "done": done,
                    });
                    eprintln!("{line}");
                    if done {
                        break;
                    }
                }
            });
            *running.lock().expect("lock") = Some((stop, thread));
        }
        Progress::Finished { .. } => {
            if let Some((stop, thread)) = running.lock().expect("lock").take() {
                let _ = stop.send(());
                let _ = thread.join();
            }
        }
        Progress::Warning(message) => eprintln!("warning: {message}"),
        _ => {}
    })
}

/// A configuration whose run log lives in `state`.
pub fn config(state: &std::path::Path) -> BackupConfig {
    BackupConfig {
        state_dir: Some(state.to_path_buf()),
        ..Default::default()
    }
}

pub fn file_url(dir: &std::path::Path) -> String {
    format!("file://{}", dir.display())
}

/// One test's world: the fixture database, a temporary folder holding the run log and a
/// `file://` destination, and (empty unless set) notification settings.
pub struct Case {
    pub src: Source,
    pub dir: tempfile::TempDir,
    pub config: BackupConfig,
    pub dest: String,
    pub notify: NotifyConfig,
}

impl Case {
    pub fn new() -> Self {
        let src = source();
        let dir = tempfile::tempdir().expect("tempdir");
        let config = config(&dir.path().join("state"));
        let dest = file_url(&dir.path().join("backups"));
        Self {
            src,
            dir,
            config,
            dest,
            notify: NotifyConfig::default(),
        }
    }

    /// The destination folder.
    pub fn folder(&self) -> std::path::PathBuf {
        self.dir.path().join("backups")
    }

    pub async fn ripcord(&self, args: &[&str]) -> u8 {
        ripcord(&self.config, &self.notify, args).await
    }

    /// `backup run` of the fixture database to the destination, with extra flags.
    pub async fn backup(&self, url: &str, extra: &[&str]) -> u8 {
        let mut args = vec![
            "run",
            "--database-url",
            url,
            "--to",
            &self.dest,
            "--progress",
            "none",
        ];
        args.extend_from_slice(extra);
        self.ripcord(&args).await
    }

    pub async fn catalog(&self) -> Vec<ripcord_backup::manifest::BackupInfo> {
        let store =
            ripcord_backup::store::Store::open(&self.dest, &self.config.s3, &self.config.gcs)
                .await
                .expect("open the destination");
        ripcord_backup::manifest::catalog(&store)
            .await
            .expect("catalog")
            .0
    }

    /// The error of the last run in the run log.
    pub fn last_error(&self) -> String {
        let records = ripcord_backup::state::read(&self.dir.path().join("state")).expect("run log");
        records
            .last()
            .and_then(|r| r.error.clone())
            .expect("an error in the run log")
    }
}
