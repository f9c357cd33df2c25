//! Precision: a hardened repository is silent, and SHA-pinned actions are never flagged.

use crate::helpers::{check_dir, fixtures, listing};

#[test]
fn hardened_repository_has_no_findings() {
    let report = check_dir(&fixtures().join("clean-repo"), &[]);
    assert!(
        report.files >= 8,
        "expected the whole fixture repo to be discovered, got {}",
        report.files
    );
    assert!(report.findings.is_empty(), "{}", listing(&report.findings));
}

#[test]
fn sha_pinned_workflow_gets_no_pinning_finding() {
    let report = check_dir(&fixtures().join("pinned-workflow"), &[]);
    let pinning: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule == "GH001")
        .cloned()
        .collect();
    assert!(pinning.is_empty(), "{}", listing(&pinning));
}

#[test]
fn discovery_respects_gitignore_and_finds_every_kind() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let root = tmp.path();
    let write = |p: &str, t: &str| {
        let path = root.join(p);
        std::fs::create_dir_all(path.parent().unwrap_or(root)).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(path, t).unwrap_or_else(|e| panic!("{e}"));
    };
    write(".gitignore", "generated/\n");
    write("generated/Dockerfile", "FROM node:22\n");
    write("infra/main.tf", "");
    write("infra/prod.tfvars", "");
    write("web/Dockerfile", "");
    write("api.Dockerfile", "");
    write("compose.yaml", "");
    write("docker-compose.override.yml", "");
    write(".github/workflows/ci.yaml", "");
    write("k8s/overlays/prod/kustomization.yaml", "");
    write("charts/api/values-prod.yaml", "");
    write("notes/mkdocs.yml", "site_name: x\n");
    let files = ripcord_check::discover::discover(
        &[root.to_path_buf()],
        Some(root),
        &globset::GlobSet::empty(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let shown: Vec<&str> = files.iter().map(|f| f.display.as_str()).collect();
    assert_eq!(
        shown,
        vec![
            ".github/workflows/ci.yaml",
            "api.Dockerfile",
            "charts/api/values-prod.yaml",
            "compose.yaml",
            "docker-compose.override.yml",
            "infra/main.tf",
            "infra/prod.tfvars",
            "k8s/overlays/prod/kustomization.yaml",
            "web/Dockerfile",
        ]
    );
}

#[test]
fn test_and_example_folders_are_not_configuration_unless_named() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let root = tmp.path();
    let write = |p: &str| {
        let path = root.join(p);
        std::fs::create_dir_all(path.parent().unwrap_or(root)).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(path, "services: {}\n").unwrap_or_else(|e| panic!("{e}"));
    };
    for path in [
        "compose.yaml",
        "tests/resources/docker/docker-compose.yml",
        "examples/simple/Dockerfile",
        "pkg/testdata/.github/workflows/ci.yml",
        "web/__fixtures__/compose.yaml",
        // An environment named `test` is deployed configuration.
        "envs/test/compose.yaml",
    ] {
        write(path);
    }
    let found = |path: &std::path::Path| -> Vec<String> {
        ripcord_check::discover::discover(
            &[path.to_path_buf()],
            Some(root),
            &globset::GlobSet::empty(),
        )
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .map(|f| f.display)
        .collect()
    };
    assert_eq!(found(root), ["compose.yaml", "envs/test/compose.yaml"]);
    // A test-data folder given on the command line is checked.
    assert_eq!(
        found(&root.join("tests")),
        ["tests/resources/docker/docker-compose.yml"]
    );
}

#[test]
fn a_budget_made_by_project_factory_counts_for_ft012() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let module = |budget: &str| {
        format!(
            "resource \"google_storage_bucket\" \"b\" {{\n  name = \"b\"\n}}\n\n\
             module \"project\" {{\n  source  = \"terraform-google-modules/project-factory/google\"\n  \
             version = \"~> 18.0\"\n  name    = \"app\"\n{budget}}}\n"
        )
    };
    let ft012 = |text: String| {
        std::fs::write(tmp.path().join("main.tf"), text).unwrap_or_else(|e| panic!("{e}"));
        check_dir(tmp.path(), &["FT012"]).findings.len()
    };
    assert_eq!(ft012(module("  budget_amount = 5\n")), 0);
    assert_eq!(
        ft012(module("")),
        1,
        "project-factory without a budget_amount"
    );
}

#[test]
fn only_workflows_at_a_repository_root_are_workflows() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let root = tmp.path();
    for path in [
        ".github/workflows/ci.yml",
        "third_party/lib/.github/workflows/ci.yml",
        "sub/.github/workflows/release.yml",
    ] {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap_or(root)).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(path, "on: push\njobs: {}\n").unwrap_or_else(|e| panic!("{e}"));
    }
    // `sub` is a repository of its own (a submodule): its workflows run.
    std::fs::create_dir_all(root.join("sub/.git")).unwrap_or_else(|e| panic!("{e}"));
    let found: Vec<String> = ripcord_check::discover::discover(
        &[root.to_path_buf()],
        Some(root),
        &globset::GlobSet::empty(),
    )
    .unwrap_or_else(|e| panic!("{e}"))
    .into_iter()
    .map(|f| f.display)
    .collect();
    assert_eq!(
        found,
        [
            ".github/workflows/ci.yml",
            "sub/.github/workflows/release.yml"
        ]
    );
}

#[test]
fn repository_wide_rules_run_once_per_repository() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let root = tmp.path();
    let workflow = "on: push\npermissions: {}\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make test\n";
    let bucket = "resource \"google_storage_bucket\" \"b\" {\n  name = \"b\"\n}\n";
    for repository in ["api", "web"] {
        let dir = root.join(repository);
        std::fs::create_dir_all(dir.join(".git")).unwrap_or_else(|e| panic!("{e}"));
        std::fs::create_dir_all(dir.join(".github/workflows")).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(dir.join(".github/workflows/ci.yml"), workflow)
            .unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(dir.join("main.tf"), bucket).unwrap_or_else(|e| panic!("{e}"));
    }
    // One of the two has a budget: only the other is told it has none.
    std::fs::write(
        root.join("web/budget.tf"),
        "resource \"google_billing_budget\" \"b\" {\n  display_name = \"b\"\n}\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let report = check_dir(root, &["GH005", "FT012"]);
    let mut found: Vec<String> = report
        .findings
        .iter()
        .map(|f| format!("{} {}", f.rule, f.file))
        .collect();
    found.sort();
    assert_eq!(
        found,
        [
            "FT012 api/main.tf",
            "GH005 api/.github/workflows/ci.yml",
            "GH005 web/.github/workflows/ci.yml",
        ]
    );
}
