//! `ripcord check` as a command: flags, output files, exit codes and usage errors.

use std::path::PathBuf;

use crate::helpers::Host;

fn fixture(code: &str, kind: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../check/tests/fixtures/rules")
        .join(code)
        .join(kind)
        .display()
        .to_string()
}

async fn check(host: &Host, args: &[&str]) -> (i32, String, String) {
    let mut full = vec!["check"];
    full.extend_from_slice(args);
    crate::cli::run(host, None, &full).await
}

#[tokio::test]
async fn exit_codes_follow_fail_on() {
    let host = Host::new();
    let fail = fixture("DF003", "fail");
    let pass = fixture("DF003", "pass");
    assert_eq!(check(&host, &[&fail, "--select", "DF003"]).await.0, 1);
    assert_eq!(check(&host, &[&pass, "--select", "DF003"]).await.0, 0);
    let never = check(&host, &[&fail, "--select", "DF003", "--fail-on", "never"]).await;
    assert_eq!(never.0, 0);
    let info = fixture("DF010", "fail");
    assert_eq!(check(&host, &[&info, "--select", "DF010"]).await.0, 0);
    let strict = check(&host, &[&info, "--select", "DF010", "--fail-on", "info"]).await;
    assert_eq!(strict.0, 1);
}

#[tokio::test]
async fn usage_and_io_errors_exit_2_naming_what_is_wrong() {
    let host = Host::new();
    let (code, _, stderr) = check(&host, &["/definitely/not/here"]).await;
    assert_eq!(code, 2);
    assert!(stderr.contains("/definitely/not/here"), "{stderr}");
    let (code, _, stderr) = check(&host, &[".", "--select", "ZZ999"]).await;
    assert_eq!(code, 2);
    assert!(stderr.contains("ZZ999"), "{stderr}");
    let (code, _, stderr) = check(&host, &["--explain", "NOPE1"]).await;
    assert_eq!(code, 2);
    assert!(stderr.contains("NOPE1"), "{stderr}");
    let (code, _, stderr) = check(&host, &[".", "--fail-on", "sometimes"]).await;
    assert_eq!(code, 2);
    assert!(stderr.contains("--fail-on"), "{stderr}");
}

#[tokio::test]
async fn explain_and_list_rules_print_the_rules() {
    let host = Host::new();
    let (code, out, _) = check(&host, &["--explain", "FT001"]).await;
    assert_eq!(code, 0);
    assert!(
        out.starts_with("# cloud-run-max-instances-above-one (FT001)"),
        "{out}"
    );
    let (code, out, _) = check(&host, &["--list-rules"]).await;
    assert_eq!(code, 0);
    assert!(out.lines().count() >= 41 && out.contains("DF003"), "{out}");
}

#[tokio::test]
async fn a_json_report_written_to_a_file_has_the_documented_shape() {
    let host = Host::new();
    let report = host.path("report.json");
    let report_arg = report.display().to_string();
    let (code, out, _) = check(
        &host,
        &[
            &fixture("CP004", "fail"),
            "--format",
            "json",
            "--select",
            "CP",
            "--output",
            &report_arg,
        ],
    )
    .await;
    assert_eq!(code, 1);
    assert_eq!(out, "", "the report went to the file");
    let text = std::fs::read_to_string(&report).expect("report");
    let doc: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let findings = doc["findings"].as_array().expect("findings");
    assert!(
        findings
            .iter()
            .any(|f| f["rule"] == "CP004" && f["line"] == 5 && f["severity"] == "error"),
        "{doc}"
    );
}

#[tokio::test]
async fn write_baseline_then_baseline_hides_what_was_known() {
    let host = Host::new();
    let repo = host.path("repo");
    std::fs::create_dir(&repo).expect("repo");
    std::fs::write(repo.join("Dockerfile"), "FROM node:22\nUSER 1000\n").expect("Dockerfile");
    let repo = repo.display().to_string();
    let baseline = host.path("baseline.json").display().to_string();
    let (code, _, stderr) = check(&host, &[&repo, "--write-baseline", &baseline]).await;
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("wrote"), "{stderr}");
    let (code, out, _) = check(&host, &[&repo, "--baseline", &baseline]).await;
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("in baseline"), "{out}");
}

#[tokio::test]
async fn parity_runs_as_a_subcommand_with_config() {
    let host = Host::new();
    let dir = PathBuf::from(fixture("PA002", "fail"));
    let dev = dir.join("dev").display().to_string();
    let prod = dir.join("prod").display().to_string();
    let (code, out, _) = check(&host, &["parity", &dev, &prod, "--format", "json"]).await;
    assert_eq!(code, 1);
    assert!(out.contains("module.db.version"), "{out}");
    std::fs::write(
        host.path("ripcord.toml"),
        "[check.parity]\nallow = [\"module.db.version\", \"tfvars.region\", \"tfvars.project_id\", \"locals.max_instances\"]\n",
    )
    .expect("config");
    let (code, out, _) = check(&host, &["parity", &dev, &prod]).await;
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("in 2 environments"),
        "parity counts environments: {out}"
    );
}
