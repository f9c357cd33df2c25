//! The library's entry points end to end: selection, configuration, suppression, baseline,
//! parity, and what fails at which threshold. (Flags, output files and exit codes are the
//! binary's, tested there.)

use std::path::{Path, PathBuf};

use ripcord_check::{
    CheckConfig, CheckError, CheckReport, CheckRequest, FailOn, check, check_parity, write_baseline,
};

use crate::helpers::{fixtures, listing};

fn rule_dir(code: &str, kind: &str) -> PathBuf {
    fixtures().join("rules").join(code).join(kind)
}

/// Checks `path` with only the rules in `select`.
fn run(path: &Path, select: &[&str], config: &CheckConfig) -> CheckReport {
    let request = CheckRequest {
        paths: vec![path.to_path_buf()],
        select: select.iter().map(|s| s.to_string()).collect(),
        ..CheckRequest::default()
    };
    check(&request, config).unwrap_or_else(|e| panic!("{e}"))
}

fn rules_of(report: &CheckReport) -> Vec<&str> {
    report.findings.iter().map(|f| f.rule).collect()
}

#[test]
fn the_threshold_decides_what_fails() {
    let config = CheckConfig::default();
    let fail = run(&rule_dir("DF003", "fail"), &["DF003"], &config);
    let pass = run(&rule_dir("DF003", "pass"), &["DF003"], &config);
    assert!(FailOn::Warning.fails(&fail.findings));
    assert!(!FailOn::Warning.fails(&pass.findings));
    assert!(!FailOn::Never.fails(&fail.findings));
    // DF010 is info: it does not fail at the default threshold, it does with `info`.
    let info = run(&rule_dir("DF010", "fail"), &["DF010"], &config);
    assert!(!FailOn::default().fails(&info.findings));
    assert!(FailOn::Info.fails(&info.findings));
}

#[test]
fn a_missing_path_and_an_unknown_rule_are_errors() {
    let config = CheckConfig::default();
    let missing = check(
        &CheckRequest {
            paths: vec!["/definitely/not/here".into()],
            ..CheckRequest::default()
        },
        &config,
    );
    assert!(matches!(missing, Err(CheckError::Io(..))), "{missing:?}");
    let unknown = check(
        &CheckRequest {
            paths: vec![".".into()],
            select: vec!["ZZ999".into()],
            ..CheckRequest::default()
        },
        &config,
    );
    assert!(
        matches!(unknown, Err(CheckError::UnknownRule(_))),
        "{unknown:?}"
    );
}

#[test]
fn config_disables_overrides_and_excludes() {
    let fail = rule_dir("DF003", "fail");
    let config: CheckConfig =
        toml::from_str("disable = [\"DF003\"]").unwrap_or_else(|e| panic!("{e}"));
    assert!(run(&fail, &["DF003"], &config).findings.is_empty());
    let config: CheckConfig =
        toml::from_str("[severity]\nDF003 = \"info\"").unwrap_or_else(|e| panic!("{e}"));
    let report = run(&fail, &["DF003"], &config);
    assert!(!report.findings.is_empty());
    assert!(
        report
            .findings
            .iter()
            .all(|f| f.severity == ripcord_check::Severity::Info)
    );
    let config: CheckConfig =
        toml::from_str("exclude = [\"**/Dockerfile\"]").unwrap_or_else(|e| panic!("{e}"));
    assert!(run(&fail, &["DF003"], &config).findings.is_empty());
    let config: CheckConfig = toml::from_str("fail_on = \"error\"\n[parity]\nallow = [\"x\"]")
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(config.parity.allow, vec!["x"]);
    assert_eq!(config.fail_on, Some(FailOn::Error));
    assert!(toml::from_str::<CheckConfig>("typo = 1").is_err());
}

#[test]
fn a_suppression_with_a_reason_hides_the_finding_and_is_counted() {
    let config = CheckConfig::default();
    let report = run(&rule_dir("RC002", "pass"), &["DF003", "RC"], &config);
    assert_eq!(listing(&report.findings), "");
    assert_eq!(report.suppressed, 1);
    let report = run(&rule_dir("RC002", "fail"), &["DF003", "RC"], &config);
    assert_eq!(
        rules_of(&report),
        ["RC002", "DF003"],
        "{}",
        listing(&report.findings)
    );
}

#[test]
fn a_baseline_hides_known_findings_only() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let repo = tmp.path().join("repo");
    std::fs::create_dir_all(&repo).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(repo.join("Dockerfile"), "FROM node:22\nUSER 1000\n")
        .unwrap_or_else(|e| panic!("{e}"));
    let baseline = tmp.path().join("baseline.json");
    let config = CheckConfig::default();
    let everything = run(&repo, &[], &config);
    assert!(!everything.findings.is_empty());
    write_baseline(&baseline, &everything.findings).unwrap_or_else(|e| panic!("{e}"));
    let with_baseline = |config: &CheckConfig| {
        check(
            &CheckRequest {
                paths: vec![repo.clone()],
                baseline: Some(baseline.clone()),
                ..CheckRequest::default()
            },
            config,
        )
        .unwrap_or_else(|e| panic!("{e}"))
    };
    let known = with_baseline(&config);
    assert_eq!(listing(&known.findings), "");
    assert_eq!(known.baselined, everything.findings.len());
    // A new finding is still reported; a moved one (same line text) is still known.
    std::fs::write(
        repo.join("Dockerfile"),
        "# moved down\nFROM node:22\nUSER 1000\nADD https://x.example/a /a\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(rules_of(&with_baseline(&config)), ["DF006"]);
}

#[test]
fn parity_compares_the_given_or_the_configured_environments() {
    let dir = rule_dir("PA002", "fail");
    let (dev, prod) = (dir.join("dev"), dir.join("prod"));
    let config = CheckConfig::default();
    let report =
        check_parity(&[dev.clone(), prod.clone()], &[], &config).unwrap_or_else(|e| panic!("{e}"));
    let text = listing(&report.findings);
    assert!(
        text.contains("module.db.version") && text.contains("tfvars.region"),
        "{text}"
    );
    assert!(
        !text.contains("tfvars.project_id"),
        "project_id is allowed by default: {text}"
    );
    let allowed = check_parity(
        &[dev.clone(), prod.clone()],
        &[
            "module.db.version".into(),
            "tfvars.region".into(),
            "locals.max_instances".into(),
        ],
        &config,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(listing(&allowed.findings), "");
    // Configured environments run with a plain check too.
    let mut configured = CheckConfig::default();
    configured.parity.envs = vec![dev.clone(), prod];
    let report = run(&dev, &["PA"], &configured);
    assert!(!report.findings.is_empty());
    assert!(check_parity(&[dev], &[], &CheckConfig::default()).is_err());
}

#[test]
fn kustomize_overlays_and_helm_values_are_compared() {
    let dir = fixtures().join("parity-k8s");
    let findings = crate::helpers::parity_dir(&dir.join("overlays"));
    insta::assert_snapshot!(listing(&findings));
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
