//! A private PostgreSQL cluster: `initdb` in a temporary folder, `pg_ctl start -w` on a free
//! port of 127.0.0.1 with the socket in that folder, `pg_ctl stop` on drop.
//!
//! Suites with many tests share one cluster per test process ([`Postgres::shared`]) and
//! give each test a database of its own ([`Postgres::fresh_database`]): starting a
//! cluster takes a second or two, creating a database a small fraction of that.
//!
//! `initdb` and `postgres` refuse to run as root: when the caller is root, every server-side
//! command runs as the `postgres` system user (`runuser -u postgres --`), which owns the folder.

use std::os::unix::fs::MetadataExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{ChildStdin, Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

use crate::TestkitError;
use crate::process::run;

/// Settings for a throwaway cluster: durability off, since the data is thrown away.
const SERVER_OPTIONS: &[&str] = &[
    "fsync=off",
    "synchronous_commit=off",
    "full_page_writes=off",
    "max_connections=40",
];

/// A running private PostgreSQL cluster. Superuser `postgres`, trust authentication on
/// 127.0.0.1 only.
#[derive(Debug)]
pub struct Postgres {
    dir: tempfile::TempDir,
    bin: PathBuf,
    port: u16,
    run_as: Option<String>,
    /// The `-c` settings it was started with, to start it again the same way.
    settings: Vec<String>,
    stopped: bool,
}

impl Postgres {
    /// Starts a cluster from the newest installed server binaries.
    pub fn start() -> Result<Self, TestkitError> {
        Self::start_with(&[])
    }

    /// Starts a cluster with extra `-c name=value` server settings.
    pub fn start_with(settings: &[&str]) -> Result<Self, TestkitError> {
        Self::start_inner(settings, false)
    }

    /// Starts a cluster that also speaks TLS, with a certificate for `localhost` (not
    /// for `127.0.0.1`, so a test can see a name checked) signed by a throwaway authority: [`Postgres::ca_file`] names it.
    pub fn start_with_tls() -> Result<Self, TestkitError> {
        Self::start_inner(&[], true)
    }

    /// The certificate authority a TLS cluster's certificate is signed by.
    pub fn ca_file(&self) -> PathBuf {
        self.dir.path().join("tls").join("ca.crt")
    }

    fn start_inner(settings: &[&str], tls: bool) -> Result<Self, TestkitError> {
        let bin = server_bin_dir()?;
        let run_as = running_as_root().then(|| "postgres".to_owned());
        let dir = tempfile::Builder::new()
            .prefix("ripcord-pg-")
            .tempdir()
            .map_err(|e| TestkitError::io("creating a folder for the cluster", e))?;
        if let Some(user) = &run_as {
            chown_to(dir.path(), user)?;
        }
        let data = dir.path().join("data");
        let mut initdb = command_as(run_as.as_deref(), &bin.join("initdb"));
        initdb
            .arg("-D")
            .arg(&data)
            .args([
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-locale",
            ])
            .arg("--no-sync");
        run(initdb)?;
        let mut settings: Vec<String> = settings.iter().map(|s| (*s).to_owned()).collect();
        if tls {
            let tls = certificates(dir.path(), run_as.as_deref())?;
            settings.push("ssl=on".into());
            settings.push(format!(
                "ssl_cert_file={}",
                tls.join("server.crt").display()
            ));
            settings.push(format!("ssl_key_file={}", tls.join("server.key").display()));
        }
        let mut cluster = Self {
            dir,
            bin,
            port: 0,
            run_as,
            settings,
            stopped: true,
        };
        // A free port can be taken between the probe and the bind: try a few.
        let mut last = None;
        for _ in 0..5 {
            cluster.port = crate::free_port()?;
            match cluster.pg_ctl_start() {
                Ok(()) => {
                    cluster.stopped = false;
                    return Ok(cluster);
                }
                Err(error) => last = Some(error),
            }
        }
        Err(last.unwrap_or_else(|| TestkitError::NotReady {
            what: "postgres".into(),
            log: String::new(),
        }))
    }

    fn pg_ctl_start(&self) -> Result<(), TestkitError> {
        let mut options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1",
            self.port,
            self.dir.path().display()
        );
        let settings = self.settings.iter().map(String::as_str);
        for setting in SERVER_OPTIONS.iter().copied().chain(settings) {
            options.push_str(" -c ");
            options.push_str(setting);
        }
        let mut pg_ctl = command_as(self.run_as.as_deref(), &self.bin.join("pg_ctl"));
        pg_ctl
            .arg("-D")
            .arg(self.dir.path().join("data"))
            .arg("-l")
            .arg(self.dir.path().join("server.log"))
            .args(["-o", &options, "-w", "-t", "60", "start"]);
        run(pg_ctl).map(drop).map_err(|error| match error {
            TestkitError::Command {
                command, status, ..
            } => TestkitError::Command {
                command,
                status,
                output: std::fs::read_to_string(self.dir.path().join("server.log"))
                    .unwrap_or_default(),
            },
            other => other,
        })
    }

    /// One cluster for every test of this process, started on first use. It outlives the
    /// tests, since statics are never dropped: a watchdog process stops it and removes its
    /// folder when this process exits, however it exits, because the watchdog waits on a
    /// pipe whose writing end only this process holds.
    pub fn shared() -> Result<&'static Postgres, TestkitError> {
        static SHARED: OnceLock<Result<(Postgres, ChildStdin), String>> = OnceLock::new();
        SHARED
            .get_or_init(|| {
                let cluster =
                    Self::start_with(&["max_connections=300"]).map_err(|e| e.to_string())?;
                let watchdog = cluster.watchdog().map_err(|e| e.to_string())?;
                Ok((cluster, watchdog))
            })
            .as_ref()
            .map(|(cluster, _)| cluster)
            .map_err(|error| TestkitError::NotReady {
                what: "the shared PostgreSQL cluster".into(),
                log: error.clone(),
            })
    }

    /// Starts the process that stops this cluster and removes its folder once the pipe
    /// it reads from closes, and returns that pipe's writing end.
    fn watchdog(&self) -> Result<ChildStdin, TestkitError> {
        let mut stop = command_as(self.run_as.as_deref(), &self.bin.join("pg_ctl"));
        stop.arg("-D")
            .arg(self.dir.path().join("data"))
            .args(["-m", "immediate", "-w", "stop"]);
        let mut watchdog = Command::new("sh");
        watchdog
            .arg("-c")
            .arg(r#"read _; "$@" >/dev/null 2>&1; rm -rf "$RIPCORD_TESTKIT_CLUSTER""#)
            .arg("ripcord-testkit-watchdog")
            .arg(stop.get_program())
            .args(stop.get_args())
            .env("RIPCORD_TESTKIT_CLUSTER", self.dir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            // Out of the terminal's process group: a Ctrl-C that kills the tests must
            // not kill the watchdog before it has cleaned up.
            .process_group(0);
        let mut child = watchdog
            .spawn()
            .map_err(|e| TestkitError::io("starting the cluster's watchdog", e))?;
        child.stdin.take().ok_or_else(|| {
            TestkitError::io("the watchdog's pipe", std::io::Error::other("missing"))
        })
    }

    /// Creates a database with a name of its own in this cluster and returns its URL.
    pub fn fresh_database(&self) -> Result<String, TestkitError> {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let name = format!(
            "test_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        self.create_database(&name)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The folder of the server binaries in use (`initdb`, `pg_ctl`, `postgres`).
    pub fn bin_dir(&self) -> &Path {
        &self.bin
    }

    /// A connection URL for `database` as the superuser.
    pub fn url(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }

    /// Creates a database and returns its URL.
    pub fn create_database(&self, name: &str) -> Result<String, TestkitError> {
        let quoted = format!("\"{}\"", name.replace('"', "\"\""));
        self.psql("postgres", &format!("CREATE DATABASE {quoted}"))?;
        Ok(self.url(name))
    }

    /// Runs SQL through `psql` (stop on the first error, unaligned tuples only) and returns
    /// what it printed.
    pub fn psql(&self, database: &str, sql: &str) -> Result<String, TestkitError> {
        psql(&self.url(database), sql)
    }

    /// Stops the server, keeping its data, as an outage looks to its clients: every
    /// connection is cut. [`Postgres::start_again`] brings it back on the same port.
    pub fn pause(&mut self) -> Result<(), TestkitError> {
        // Fast, not immediate: with `synchronous_commit=off` an immediate stop could lose
        // the last commits, which a real server's outage does not.
        self.stop_with("fast")
    }

    /// Starts a paused server again, on its port, with its settings.
    pub fn start_again(&mut self) -> Result<(), TestkitError> {
        self.pg_ctl_start()?;
        self.stopped = false;
        Ok(())
    }

    /// Stops the server now (fast shutdown), reporting failure, instead of on drop.
    pub fn stop(mut self) -> Result<(), TestkitError> {
        self.stop_inner()
    }

    fn stop_inner(&mut self) -> Result<(), TestkitError> {
        self.stop_with("immediate")
    }

    fn stop_with(&mut self, mode: &str) -> Result<(), TestkitError> {
        if self.stopped {
            return Ok(());
        }
        self.stopped = true;
        let mut pg_ctl = command_as(self.run_as.as_deref(), &self.bin.join("pg_ctl"));
        pg_ctl
            .arg("-D")
            .arg(self.dir.path().join("data"))
            .args(["-m", mode, "-w", "stop"]);
        run(pg_ctl).map(drop)
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let _ = self.stop_inner();
    }
}

/// Makes a throwaway certificate authority and a server certificate for `localhost` in `<dir>/tls`, readable by the server's user; returns the folder.
fn certificates(dir: &Path, run_as: Option<&str>) -> Result<PathBuf, TestkitError> {
    let tls = dir.join("tls");
    std::fs::create_dir(&tls).map_err(|e| TestkitError::io("creating the TLS folder", e))?;
    std::fs::write(tls.join("server.ext"), "subjectAltName=DNS:localhost\n")
        .map_err(|e| TestkitError::io("writing the certificate extensions", e))?;
    let key = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
    ];
    let steps: [&[&str]; 3] = [
        &[
            "req",
            "-x509",
            "-days",
            "2",
            "-subj",
            "/CN=ripcord test CA",
            "-keyout",
            "ca.key",
            "-out",
            "ca.crt",
        ],
        &[
            "req",
            "-subj",
            "/CN=localhost",
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
        ],
        &[
            "x509",
            "-req",
            "-days",
            "2",
            "-in",
            "server.csr",
            "-CA",
            "ca.crt",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-extfile",
            "server.ext",
            "-out",
            "server.crt",
        ],
    ];
    for (index, step) in steps.iter().enumerate() {
        let mut openssl = Command::new("openssl");
        openssl.current_dir(&tls).args(*step);
        if index < 2 {
            openssl.args(key);
        }
        run(openssl)?;
    }
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(
        tls.join("server.key"),
        std::fs::Permissions::from_mode(0o600),
    )
    .map_err(|e| TestkitError::io("making the server key private", e))?;
    if let Some(user) = run_as {
        for file in ["server.crt", "server.key", "ca.crt"] {
            chown_to(&tls.join(file), user)?;
        }
        chown_to(&tls, user)?;
    }
    Ok(tls)
}

/// Runs SQL through `psql` against a URL (see [`Postgres::psql`]).
pub fn psql(url: &str, sql: &str) -> Result<String, TestkitError> {
    let mut command = Command::new(client_bin("psql"));
    command
        .args([
            "-X",
            "-q",
            "-A",
            "-t",
            "-v",
            "ON_ERROR_STOP=1",
            "-d",
            url,
            "-c",
            sql,
        ])
        .env("PGCONNECT_TIMEOUT", "10");
    run(command)
}

/// The newest `/usr/lib/postgresql/<major>/bin`, else the folder of `initdb` on `PATH`.
pub fn server_bin_dir() -> Result<PathBuf, TestkitError> {
    let mut majors: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let major = entry.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").is_file().then_some((major, bin))
        })
        .collect();
    majors.sort();
    if let Some((_, bin)) = majors.pop() {
        return Ok(bin);
    }
    crate::which("initdb")
        .and_then(|initdb| Some(std::fs::canonicalize(initdb).ok()?.parent()?.to_path_buf()))
        .ok_or_else(|| TestkitError::NotInstalled {
            what: "PostgreSQL server binaries (initdb, pg_ctl)".into(),
            hint: "install Debian's `postgresql` package (scripts/install-test-deps)".into(),
        })
}

/// A client program (`psql`, `pg_dump`, …): from the server folder when present, else `PATH`.
pub fn client_bin(name: &str) -> PathBuf {
    server_bin_dir()
        .map(|dir| dir.join(name))
        .ok()
        .filter(|path| path.is_file())
        .unwrap_or_else(|| PathBuf::from(name))
}

fn running_as_root() -> bool {
    // The owner of /proc/self is the effective uid of this process.
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

fn command_as(user: Option<&str>, program: &Path) -> Command {
    match user {
        Some(user) => {
            let mut command = Command::new("runuser");
            command.args(["-u", user, "--"]).arg(program);
            command
        }
        None => Command::new(program),
    }
}

fn chown_to(path: &Path, user: &str) -> Result<(), TestkitError> {
    let id = |flag: &str| -> Result<u32, TestkitError> {
        let mut command = Command::new("id");
        command.args([flag, user]);
        let out = run(command)?;
        out.trim().parse().map_err(|_| TestkitError::NotInstalled {
            what: format!("the `{user}` system user"),
            hint: format!("`id {flag} {user}` printed {out:?}"),
        })
    };
    std::os::unix::fs::chown(path, Some(id("-u")?), Some(id("-g")?))
        .map_err(|e| TestkitError::io(format!("chown {} to {user}", path.display()), e))
}
