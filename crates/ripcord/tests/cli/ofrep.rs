//! The stock OpenFeature SDKs with their OFREP providers — Python (`openfeature-sdk`,
//! `openfeature-provider-ofrep` from PyPI) and Node (`@openfeature/server-sdk`,
//! `@openfeature/ofrep-provider` from npm) — against a real `ripcord serve`. Each is
//! installed once per build folder; a test fails, never skips, when it cannot be.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, OnceLock};

use serde_json::Value;

use crate::helpers::Host;

/// The versions tested; the docs name the same.
const PYTHON_PACKAGES: &[&str] = &[
    "openfeature-sdk==0.10.0",
    "openfeature-provider-ofrep==0.3.0",
];
const NODE_PACKAGES: &[&str] = &[
    "@openfeature/server-sdk@1.23.0",
    "@openfeature/core@1.12.0",
    "@openfeature/ofrep-provider@0.1.3",
];

/// Evaluates each flag named on the command line, with `False` as the default, and
/// prints what the SDK returned, one JSON line per flag.
const PYTHON_CLIENT: &str = r#"
import json, os, sys
from openfeature import api
from openfeature.contrib.provider.ofrep import OFREPProvider

token = os.environ.get("TOKEN")
headers = (lambda: {"Authorization": f"Bearer {token}"}) if token else None
api.set_provider(OFREPProvider(os.environ["BASE_URL"], headers_factory=headers))
client = api.get_client()
for flag in sys.argv[1:]:
    d = client.get_boolean_details(flag, False)
    print(json.dumps({
        "value": d.value,
        "variant": d.variant,
        "reason": getattr(d.reason, "value", d.reason),
        "error": getattr(d.error_code, "value", d.error_code),
    }))
"#;

const NODE_CLIENT: &str = r#"
const { OpenFeature } = require('@openfeature/server-sdk');
const { OFREPProvider } = require('@openfeature/ofrep-provider');
(async () => {
  const token = process.env.TOKEN;
  const headers = token ? [['Authorization', `Bearer ${token}`]] : [];
  await OpenFeature.setProviderAndWait(new OFREPProvider({ baseUrl: process.env.BASE_URL, headers }));
  const client = OpenFeature.getClient();
  for (const flag of process.argv.slice(2)) {
    const d = await client.getBooleanDetails(flag, false);
    console.log(JSON.stringify({
      value: d.value, variant: d.variant ?? null, reason: d.reason ?? null, error: d.errorCode ?? null,
    }));
  }
  await OpenFeature.close();
})().catch((error) => { console.error(error); process.exit(1); });
"#;

/// Runs `command`, failing the test with its output when it fails.
fn run(mut command: Command, what: &str) {
    let output = command
        .output()
        .unwrap_or_else(|error| panic!("{what}: cannot start: {error}"));
    assert!(
        output.status.success(),
        "{what} failed ({}): {}{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// `folder`, with the packages installed by `install` unless a marker naming them is
/// there: one install per build folder, however many test runs.
fn installed(folder: &Path, packages: &[&str], install: impl FnOnce(&Path)) -> PathBuf {
    static INSTALLING: Mutex<()> = Mutex::new(());
    let _one_at_a_time = INSTALLING.lock().unwrap_or_else(|e| e.into_inner());
    let marker = folder.join(format!(
        "installed {}",
        packages.join(" ").replace('/', "_")
    ));
    if !marker.exists() {
        let _ = std::fs::remove_dir_all(folder);
        std::fs::create_dir_all(folder).expect("install folder");
        install(folder);
        std::fs::write(&marker, "").expect("marker");
    }
    folder.to_owned()
}

fn python_sdk() -> PathBuf {
    static PYTHON: OnceLock<PathBuf> = OnceLock::new();
    PYTHON
        .get_or_init(|| {
            let folder = Path::new(env!("CARGO_TARGET_TMPDIR")).join("ofrep-python");
            installed(&folder, PYTHON_PACKAGES, |folder| {
                let mut venv = Command::new("python3");
                venv.args(["-m", "venv"]).arg(folder.join("venv"));
                run(venv, "python3 -m venv");
                let mut pip = Command::new(folder.join("venv/bin/pip"));
                pip.args(["install", "--quiet", "--disable-pip-version-check"])
                    .args(PYTHON_PACKAGES);
                run(pip, "pip install the OpenFeature Python SDK");
            });
            std::fs::write(folder.join("client.py"), PYTHON_CLIENT).expect("client");
            folder
        })
        .clone()
}

fn node_sdk() -> PathBuf {
    static NODE: OnceLock<PathBuf> = OnceLock::new();
    NODE.get_or_init(|| {
        let folder = Path::new(env!("CARGO_TARGET_TMPDIR")).join("ofrep-node");
        installed(&folder, NODE_PACKAGES, |folder| {
            std::fs::write(folder.join("package.json"), r#"{"private": true}"#)
                .expect("package.json");
            let mut npm = Command::new("npm");
            npm.current_dir(folder)
                .args(["install", "--silent", "--no-audit", "--no-fund"])
                .args(NODE_PACKAGES);
            run(npm, "npm install the OpenFeature Node SDK");
        });
        std::fs::write(folder.join("client.js"), NODE_CLIENT).expect("client");
        folder
    })
    .clone()
}

/// Which SDK evaluates.
#[derive(Clone, Copy)]
enum Sdk {
    Python,
    Node,
}

impl Sdk {
    /// What the SDK returned for each flag, evaluated with `False` as the default.
    async fn evaluate(self, base_url: &str, token: Option<&str>, flags: &[&str]) -> Vec<Value> {
        let mut command = match self {
            Sdk::Python => {
                let folder = python_sdk();
                let mut command = tokio::process::Command::new(folder.join("venv/bin/python"));
                command.arg(folder.join("client.py"));
                command
            }
            Sdk::Node => {
                let folder = node_sdk();
                let mut command = tokio::process::Command::new("node");
                command.current_dir(&folder).arg(folder.join("client.js"));
                command
            }
        };
        command
            .args(flags)
            .env("BASE_URL", base_url)
            .env_remove("TOKEN");
        if let Some(token) = token {
            command.env("TOKEN", token);
        }
        let output = command.output().await.expect("the SDK runs");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .map(|line| serde_json::from_str(line).expect("a JSON line"))
            .collect()
    }
}

/// The SDK reads the switch through a real `ripcord serve`: false before a halt, true
/// after, false after the resume; a scoped flag; an unknown flag and a wrong token give
/// the default (false), with the error code.
async fn the_sdk_reads_the_switch(sdk: Sdk) {
    let host = Host::new();
    let data = host.path("data").display().to_string();
    let mut tokens = Vec::new();
    for (role, name) in [("viewer", "api-service"), ("operator", "oncall")] {
        let (code, token, err) = host
            .run_with(
                &[],
                &[
                    "token",
                    "create",
                    "--role",
                    role,
                    "--name",
                    name,
                    "--data-dir",
                    &data,
                ],
            )
            .await;
        assert_eq!(code, 0, "{err}");
        tokens.push(token.trim().to_owned());
    }
    let (viewer, operator) = (tokens[0].as_str(), tokens[1].as_str());
    let serve = host.serve(&["--listen", "127.0.0.1:0"], &[]).await;
    let url = serve.url();
    let change = |action: &'static str, scope: &'static str| {
        let host = &host;
        let url = url.clone();
        async move {
            let env = [
                ("RIPCORD_SERVER", url.as_str()),
                ("RIPCORD_TOKEN", operator),
            ];
            let (code, _, err) = host
                .run_with(&env, &[action, "--scope", scope, "--reason", "sdk test"])
                .await;
            assert_eq!(code, 0, "{err}");
        }
    };
    let values = |answers: &[Value]| -> Vec<Value> {
        answers
            .iter()
            .map(|answer| answer["value"].clone())
            .collect()
    };

    let before = sdk.evaluate(&url, Some(viewer), &["ripcord.halted"]).await;
    assert_eq!(values(&before), [Value::Bool(false)], "{before:?}");
    assert_eq!(before[0]["variant"], "running", "{before:?}");
    assert!(before[0]["error"].is_null(), "{before:?}");

    change("halt", "global").await;
    let halted = sdk.evaluate(&url, Some(viewer), &["ripcord.halted"]).await;
    assert_eq!(values(&halted), [Value::Bool(true)], "{halted:?}");
    assert_eq!(
        (halted[0]["variant"].clone(), halted[0]["reason"].clone()),
        ("halted".into(), "STATIC".into())
    );

    change("resume", "global").await;
    change("halt", "worker").await;
    let scoped = sdk
        .evaluate(
            &url,
            Some(viewer),
            &[
                "ripcord.halted",
                "ripcord.halted.worker",
                "ripcord.halted.api",
            ],
        )
        .await;
    assert_eq!(
        values(&scoped),
        [false, true, false].map(Value::Bool),
        "{scoped:?}"
    );

    let unknown = sdk
        .evaluate(&url, Some(viewer), &["ripcord.halted.nope"])
        .await;
    assert_eq!(values(&unknown), [Value::Bool(false)], "the default");
    assert_eq!(unknown[0]["error"], "FLAG_NOT_FOUND", "{unknown:?}");

    let forged = format!("rpc_{}", "0".repeat(64));
    let refused = sdk
        .evaluate(&url, Some(&forged), &["ripcord.halted.worker"])
        .await;
    assert_eq!(
        values(&refused),
        [Value::Bool(false)],
        "the default, not the real value"
    );
    assert!(refused[0]["error"].is_string(), "{refused:?}");
    serve.stop().await;
}

#[tokio::test]
async fn the_python_sdk_reads_the_switch() {
    the_sdk_reads_the_switch(Sdk::Python).await;
}

#[tokio::test]
async fn the_node_sdk_reads_the_switch() {
    the_sdk_reads_the_switch(Sdk::Node).await;
}
