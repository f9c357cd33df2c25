//! `run()` end to end: flags, exit codes, config, suppression, baseline, parity.

use std::path::Path;

use clap::Parser;
use ripcord_check::{CheckArgs, CheckConfig, CheckError, run};

use crate::helpers::fixtures;

#[derive(Parser)]
struct Cli {
    #[command(flatten)]
    args: CheckArgs,
}

fn args(argv: &[&str]) -> CheckArgs {
    let mut full = vec!["check"];
    full.extend_from_slice(argv);
    Cli::try_parse_from(full)
        .unwrap_or_else(|e| panic!("{e}"))
        .args
}

fn rule_dir(code: &str, kind: &str) -> String {
    fixtures()
        .join("rules")
        .join(code)
        .join(kind)
        .display()
        .to_string()
}

/// Runs with the report written to a temporary file; returns exit code and report.
fn run_to_string(argv: &[&str], config: &CheckConfig) -> (u8, String) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let out = dir.path().join("report");
    let out_s = out.display().to_string();
    let mut full: Vec<&str> = argv.to_vec();
    if !argv.contains(&"--explain") {
        full.extend(["--output", &out_s]);
    }
    let code = run(args(&full), config).unwrap_or_else(|e| panic!("{e}"));
    (code, std::fs::read_to_string(&out).unwrap_or_default())
}

#[test]
fn exit_codes_follow_fail_on() {
    let fail = rule_dir("DF003", "fail");
    let pass = rule_dir("DF003", "pass");
    let config = CheckConfig::default();
    assert_eq!(run_to_string(&[&fail, "--select", "DF003"], &config).0, 1);
    assert_eq!(run_to_string(&[&pass, "--select", "DF003"], &config).0, 0);
    assert_eq!(
        run_to_string(&[&fail, "--select", "DF003", "--fail-on", "never"], &config).0,
        0
    );
    // DF010 is info: it does not fail at the default threshold, it does with --fail-on info.
    let info = rule_dir("DF010", "fail");
    assert_eq!(run_to_string(&[&info, "--select", "DF010"], &config).0, 0);
    assert_eq!(
        run_to_string(&[&info, "--select", "DF010", "--fail-on", "info"], &config).0,
        1
    );
}

#[test]
fn usage_and_io_errors_are_errors() {
    let config = CheckConfig::default();
    let missing = run(args(&["/definitely/not/here"]), &config);
    assert!(matches!(missing, Err(CheckError::Io(..))));
    let unknown = run(args(&[".", "--select", "ZZ999"]), &config);
    assert!(matches!(unknown, Err(CheckError::UnknownRule(_))));
    let explain = run(args(&["--explain", "NOPE1"]), &config);
    assert!(matches!(explain, Err(CheckError::UnknownRule(_))));
    assert_eq!(run(args(&["--explain", "FT001"]), &config).ok(), Some(0));
}

#[test]
fn json_report_has_the_documented_shape() {
    let (code, text) = run_to_string(
        &[
            &rule_dir("CP004", "fail"),
            "--format",
            "json",
            "--select",
            "CP",
        ],
        &CheckConfig::default(),
    );
    assert_eq!(code, 1);
    let doc: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    let findings = doc["findings"]
        .as_array()
        .unwrap_or_else(|| panic!("{doc}"));
    assert!(
        findings
            .iter()
            .any(|f| f["rule"] == "CP004" && f["line"] == 5 && f["severity"] == "error")
    );
}

#[test]
fn config_disables_overrides_and_excludes() {
    let fail = rule_dir("DF003", "fail");
    let config: CheckConfig =
        toml::from_str("disable = [\"DF003\"]").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(run_to_string(&[&fail, "--select", "DF003"], &config).0, 0);
    let config: CheckConfig =
        toml::from_str("[severity]\nDF003 = \"info\"").unwrap_or_else(|e| panic!("{e}"));
    let (code, text) = run_to_string(&[&fail, "--select", "DF003", "--format", "json"], &config);
    assert_eq!(code, 0);
    assert!(text.contains("\"severity\": \"info\""));
    let config: CheckConfig =
        toml::from_str("exclude = [\"Dockerfile\"]").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(run_to_string(&[&fail, "--select", "DF003"], &config).0, 0);
    let config: CheckConfig = toml::from_str("fail_on = \"error\"\n[parity]\nallow = [\"x\"]")
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(config.parity.allow, vec!["x"]);
    assert!(toml::from_str::<CheckConfig>("typo = 1").is_err());
}

#[test]
fn suppression_with_reason_hides_the_finding() {
    let dir = rule_dir("RC002", "pass");
    let (code, text) = run_to_string(&[&dir, "--select", "DF003,RC"], &CheckConfig::default());
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("1 suppressed"), "{text}");
    let dir = rule_dir("RC002", "fail");
    let (code, text) = run_to_string(&[&dir, "--select", "DF003,RC"], &CheckConfig::default());
    assert_eq!(code, 1);
    assert!(text.contains("RC002") && text.contains("DF003"), "{text}");
}

#[test]
fn baseline_hides_known_findings_only() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let repo = tmp.path().join("repo");
    std::fs::create_dir_all(&repo).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(repo.join("Dockerfile"), "FROM node:22\nUSER 1000\n")
        .unwrap_or_else(|e| panic!("{e}"));
    let repo_s = repo.display().to_string();
    let baseline = tmp.path().join("baseline.json").display().to_string();
    let config = CheckConfig::default();
    assert_eq!(
        run(args(&[&repo_s, "--write-baseline", &baseline]), &config).ok(),
        Some(0)
    );
    let (code, text) = run_to_string(&[&repo_s, "--baseline", &baseline], &config);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("in baseline"));
    // A new finding is still reported; a moved one (same line text) is still known.
    std::fs::write(
        repo.join("Dockerfile"),
        "# moved down\nFROM node:22\nUSER 1000\nADD https://x.example/a /a\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let (code, text) = run_to_string(
        &[&repo_s, "--baseline", &baseline, "--format", "json"],
        &config,
    );
    assert_eq!(code, 1);
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
    let rules: Vec<&str> = doc["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["rule"].as_str())
        .collect();
    assert_eq!(rules, vec!["DF006"]);
}

#[test]
fn parity_subcommand_and_config() {
    let dir = fixtures().join("rules/PA002/fail");
    let dev = dir.join("dev").display().to_string();
    let prod = dir.join("prod").display().to_string();
    let config = CheckConfig::default();
    let (code, text) = run_to_string(&["parity", &dev, &prod, "--format", "json"], &config);
    assert_eq!(code, 1);
    assert!(
        text.contains("module.db.version") && text.contains("tfvars.region"),
        "{text}"
    );
    assert!(
        !text.contains("tfvars.project_id"),
        "project_id is allowed by default: {text}"
    );
    let (code, _) = run_to_string(
        &[
            "parity",
            &dev,
            &prod,
            "--allow",
            "module.db.version",
            "--allow",
            "tfvars.region",
        ],
        &config,
    );
    assert_eq!(code, 0);
    // Configured environments run with a plain `ripcord check` too.
    let mut config = CheckConfig::default();
    config.parity.envs = vec![
        Path::new(&dev).to_path_buf(),
        Path::new(&prod).to_path_buf(),
    ];
    let (code, text) = run_to_string(&[&dev, "--select", "PA"], &config);
    assert_eq!(code, 1, "{text}");
    assert!(run(args(&["parity", &dev]), &CheckConfig::default()).is_err());
}

#[test]
fn kustomize_overlays_and_helm_values_are_compared() {
    let dir = fixtures().join("parity-k8s");
    let findings = crate::helpers::parity_dir(&dir.join("overlays"));
    let text = crate::helpers::human(&findings);
    insta::assert_snapshot!(text);
    let values = ripcord_check::parity::parity(
        &[
            dir.join("values-staging.yaml"),
            dir.join("values-prod.yaml"),
        ],
        &[],
        Some(&dir),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let keys: Vec<&str> = values.iter().map(|f| f.message.as_str()).collect();
    assert!(
        keys.iter()
            .any(|m| m.contains("values.resources.limits.memory")),
        "{keys:?}"
    );
    assert!(keys.iter().any(|m| m.contains("values.sentry")), "{keys:?}");
}
