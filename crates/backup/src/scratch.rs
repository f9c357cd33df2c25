//! Where `verify --restore` restores: a fresh database on a server the user names
//! (`--into`), or a private cluster started from the installed server binaries.
//!
//! The private cluster holds decrypted production data, so nobody else on the host may reach
//! it: it listens on no TCP address (`listen_addresses = ''`), only on a unix socket in a
//! folder of mode 0700 owned by the user the server runs as, and asks for a random password
//! (SCRAM) that only this process knows. `initdb` and `postgres` refuse to run as root, so
//! when ripcord is root the server runs as the `postgres` system user, who then owns the
//! folder (root reaches it anyway). The cluster and its folder are removed when the
//! verification ends, whichever way it ends: [`Scratch::remove`] on every path the command
//! controls (cancellation by SIGINT or SIGTERM included), and `Drop` as the last resort.

use std::io::Read;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use secrecy::{ExposeSecret, SecretString};

use crate::BackupError;
use crate::pg::{self, DbUrl};
use crate::progress::{Observer, Progress};
use crate::tools;

/// The superuser of the private cluster.
const SUPERUSER: &str = "postgres";
/// The socket's port number (no TCP port is opened; the number only names the socket file).
const PORT: u16 = 5432;
/// The system user the server runs as when ripcord is root.
const SERVER_USER: &str = "postgres";

/// Server settings: durability off (the data is thrown away) and no TCP at all.
const SERVER_OPTIONS: &[&str] = &[
    "listen_addresses=''",
    "unix_socket_permissions=0700",
    "fsync=off",
    "synchronous_commit=off",
    "full_page_writes=off",
    "max_connections=20",
];

/// A database to restore into, removed by [`Scratch::remove`].
pub(crate) enum Scratch {
    /// `ripcord_verify_<id>` on the server of `--into`.
    Server { admin: Box<DbUrl>, name: String },
    /// A private cluster (the database is created in it).
    Cluster(Box<Cluster>),
}

impl Scratch {
    /// Creates the scratch database for backup `id`; returns it and its URL.
    pub async fn create(
        into: Option<&DbUrl>,
        id: &str,
        pg_bin_dir: Option<&Path>,
        observer: &Observer,
    ) -> Result<(Self, DbUrl), BackupError> {
        let name = format!("ripcord_verify_{}", id.to_ascii_lowercase());
        let quoted = pg::quote_ident(&name);
        let (scratch, admin) = match into {
            Some(admin) => {
                let client = admin.connect().await?;
                let _ = client
                    .batch_execute(&format!("DROP DATABASE IF EXISTS {quoted}"))
                    .await;
                let scratch = Self::Server {
                    admin: Box::new(admin.clone()),
                    name: name.clone(),
                };
                (scratch, admin.clone())
            }
            None => {
                let bin_dir = pg_bin_dir.map(Path::to_path_buf);
                let cluster =
                    tokio::task::spawn_blocking(move || Cluster::start(bin_dir.as_deref()))
                        .await
                        .map_err(|e| BackupError::Scratch(format!("starting it: {e}")))??;
                observer.report(Progress::ScratchCluster {
                    socket_dir: cluster.socket_dir().to_path_buf(),
                    port: PORT,
                });
                let admin = cluster.url("postgres")?;
                (Self::Cluster(Box::new(cluster)), admin)
            }
        };
        let created = async {
            admin
                .connect()
                .await?
                .batch_execute(&format!(
                    "CREATE DATABASE {quoted} TEMPLATE template0 ENCODING 'UTF8'"
                ))
                .await
                .map_err(|e| admin.err("create the scratch database", e))?;
            admin.with_database(&name)
        }
        .await;
        match created {
            Ok(target) => Ok((scratch, target)),
            Err(error) => {
                scratch.remove().await;
                Err(error)
            }
        }
    }

    /// Drops the database, or stops the cluster and removes its folder.
    pub async fn remove(self) {
        match self {
            Self::Server { admin, name } => {
                if let Ok(client) = admin.connect().await {
                    let _ = client
                        .batch_execute(&format!(
                            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                            pg::quote_ident(&name)
                        ))
                        .await;
                }
            }
            Self::Cluster(cluster) => {
                let stopped = tokio::task::spawn_blocking(move || cluster.stop()).await;
                if let Ok(Err(error)) = stopped {
                    tracing::warn!(error = %crate::report(&error), "scratch cluster");
                }
            }
        }
    }
}

/// A running private cluster; stopped and removed on drop.
#[derive(Debug)]
pub struct Cluster {
    /// Socket, data and log; 0700, owned by the server's user.
    dir: Option<tempfile::TempDir>,
    bin: PathBuf,
    /// The system user the server runs as (when ripcord is root).
    run_as: Option<&'static str>,
    password: SecretString,
    running: bool,
}

impl Cluster {
    /// `initdb` and `pg_ctl start` (blocking): from `bin_dir` when it holds the server
    /// binaries, else the newest installed.
    pub fn start(bin_dir: Option<&Path>) -> Result<Self, BackupError> {
        let bin = server_bin_dir(bin_dir)?;
        let run_as = running_as_root().then_some(SERVER_USER);
        let dir = tempfile::Builder::new()
            .prefix("ripcord-verify-")
            .tempdir()
            .map_err(|e| BackupError::io(std::env::temp_dir(), "creating a private folder", e))?;
        let io = |what: &str, e| BackupError::io(dir.path(), what, e);
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700))
            .map_err(|e| io("chmod 0700", e))?;
        let password = SecretString::from(random_hex(32)?);
        let pwfile = dir.path().join("pwfile");
        std::fs::write(&pwfile, password.expose_secret()).map_err(|e| io("writing", e))?;
        std::fs::set_permissions(&pwfile, std::fs::Permissions::from_mode(0o600))
            .map_err(|e| io("chmod 0600", e))?;
        if let Some(user) = run_as {
            let (uid, gid) = user_ids(user)?;
            for path in [dir.path(), pwfile.as_path()] {
                std::os::unix::fs::chown(path, Some(uid), Some(gid))
                    .map_err(|e| io(&format!("chown to {user}"), e))?;
            }
        }
        let mut cluster = Self {
            dir: Some(dir),
            bin,
            run_as,
            password,
            running: false,
        };
        let data = cluster.socket_dir().join("data");
        let mut initdb = cluster.command("initdb");
        initdb
            .arg("-D")
            .arg(&data)
            .args(["-U", SUPERUSER, "--auth=scram-sha-256", "-E", "UTF8"])
            .args(["--no-locale", "--no-sync"])
            .arg(format!("--pwfile={}", pwfile.display()));
        let initialised = cluster.run("initdb", initdb);
        let _ = std::fs::remove_file(&pwfile);
        initialised?;
        let mut options = format!("-p {PORT} -k '{}'", cluster.socket_dir().display());
        for setting in SERVER_OPTIONS {
            options.push_str(" -c ");
            options.push_str(setting);
        }
        let mut pg_ctl = cluster.command("pg_ctl");
        pg_ctl
            .arg("-D")
            .arg(&data)
            .arg("-l")
            .arg(cluster.socket_dir().join("server.log"))
            .args(["-o", &options, "-w", "-t", "60", "start"]);
        cluster.running = true;
        cluster.run("pg_ctl start", pg_ctl).map_err(|e| {
            let log = std::fs::read_to_string(cluster.socket_dir().join("server.log"));
            match (e, log) {
                (BackupError::Scratch(reason), Ok(log)) => {
                    BackupError::Scratch(format!("{reason}; server log: {log}"))
                }
                (e, _) => e,
            }
        })?;
        Ok(cluster)
    }

    /// The folder of the server's socket (and of its data).
    pub fn socket_dir(&self) -> &Path {
        self.dir
            .as_ref()
            .map_or(Path::new("/nonexistent"), |d| d.path())
    }

    /// The superuser's URL for `database`, over the socket.
    pub fn url(&self, database: &str) -> Result<DbUrl, BackupError> {
        DbUrl::unix_socket(
            self.socket_dir(),
            PORT,
            SUPERUSER,
            self.password.clone(),
            database,
        )
    }

    /// Stops the server now and removes the folder, reporting a failure to stop.
    pub fn stop(mut self) -> Result<(), BackupError> {
        self.stop_and_remove()
    }

    fn stop_and_remove(&mut self) -> Result<(), BackupError> {
        let stopped = if self.running {
            self.running = false;
            let mut pg_ctl = self.command("pg_ctl");
            pg_ctl.arg("-D").arg(self.socket_dir().join("data")).args([
                "-m",
                "immediate",
                "-w",
                "stop",
            ]);
            self.run("pg_ctl stop", pg_ctl)
        } else {
            Ok(())
        };
        if let Some(dir) = self.dir.take() {
            let path = dir.path().to_path_buf();
            dir.close()
                .map_err(|e| BackupError::io(path, "removing the scratch cluster", e))?;
        }
        stopped
    }

    fn command(&self, program: &str) -> Command {
        let path = self.bin.join(program);
        match self.run_as {
            Some(user) => {
                let mut command = Command::new("runuser");
                command.args(["-u", user, "--"]).arg(path);
                command
            }
            None => Command::new(path),
        }
    }

    fn run(&self, what: &str, mut command: Command) -> Result<(), BackupError> {
        let output = command
            .stdin(Stdio::null())
            .output()
            .map_err(|e| BackupError::Scratch(format!("cannot run {what}: {e}")))?;
        if output.status.success() {
            return Ok(());
        }
        let said = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        let hint = match self.run_as {
            Some(user) if said.contains("Permission denied") => format!(
                " (it runs as the `{user}` user, who must be able to reach {}; set TMPDIR to \
                 a folder it can)",
                self.socket_dir().display()
            ),
            _ => String::new(),
        };
        Err(BackupError::Scratch(format!(
            "{what} failed ({}){hint}: {said}",
            output.status
        )))
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        if let Err(error) = self.stop_and_remove() {
            tracing::warn!(error = %crate::report(&error), "scratch cluster");
        }
    }
}

/// `bin_dir` when it holds `initdb`; else the newest `/usr/lib/postgresql/<major>/bin`; else
/// the folder of `initdb` on `PATH`.
fn server_bin_dir(bin_dir: Option<&Path>) -> Result<PathBuf, BackupError> {
    let newest = tools::installed("initdb").pop().map(|(_, initdb)| initdb);
    let on_path = || {
        std::env::var_os("PATH")
            .iter()
            .flat_map(std::env::split_paths)
            .map(|dir| dir.join("initdb"))
            .find(|initdb| initdb.is_file())
    };
    bin_dir
        .map(|dir| dir.join("initdb"))
        .filter(|initdb| initdb.is_file())
        .or(newest)
        .or_else(on_path)
        .and_then(|initdb| initdb.parent().map(Path::to_path_buf))
        .ok_or_else(|| {
            BackupError::Scratch(
                "no PostgreSQL server binaries (initdb, pg_ctl): install the server (Debian: \
                 postgresql) or pass --into postgres://…/postgres"
                    .into(),
            )
        })
}

fn running_as_root() -> bool {
    // The owner of /proc/self is the effective uid of this process.
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// The uid and gid of a system user.
fn user_ids(user: &str) -> Result<(u32, u32), BackupError> {
    let id = |flag: &str| -> Result<u32, BackupError> {
        let output = Command::new("id")
            .args([flag, user])
            .output()
            .map_err(|e| BackupError::Scratch(format!("cannot run id: {e}")))?;
        let text = String::from_utf8_lossy(&output.stdout);
        text.trim().parse().map_err(|_| {
            BackupError::Scratch(format!(
                "running as root, the cluster runs as the `{user}` system user, which does \
                 not exist (`id {flag} {user}`: {})",
                String::from_utf8_lossy(&output.stderr).trim()
            ))
        })
    };
    Ok((id("-u")?, id("-g")?))
}

/// `bytes` random bytes from the kernel, as hex.
fn random_hex(bytes: usize) -> Result<String, BackupError> {
    let mut buf = vec![0u8; bytes];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut buf))
        .map_err(|e| BackupError::io("/dev/urandom", "reading random bytes", e))?;
    Ok(hex::encode(buf))
}
