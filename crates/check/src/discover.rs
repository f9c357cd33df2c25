//! Finding the files to check: a `.gitignore`-aware walk (the `ignore` crate, as ripgrep
//! uses) that classifies each file by name, and by content for Kubernetes manifests.

use std::path::{Path, PathBuf};

use globset::GlobSet;

use crate::CheckError;

/// What a file is, which decides its parser and rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Terraform,
    TfVars,
    Dockerfile,
    Compose,
    Workflow,
    /// An action's metadata (`action.yml`): a composite action's steps are checked like a
    /// workflow's, and any action's runtime (`runs.using`).
    Action,
    /// Kustomizations, Helm values files and Kubernetes manifests.
    Kubernetes,
    /// A YAML file that is a Kubernetes manifest only if it has `apiVersion` and `kind`.
    MaybeKubernetes,
}

#[derive(Debug, Clone)]
pub struct Discovered {
    pub path: PathBuf,
    pub display: String,
    pub kind: Kind,
}

/// Files larger than this are skipped (generated or vendored, not configuration).
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

const K8S_DIRS: &[&str] = &[
    "k8s",
    "kubernetes",
    "kustomize",
    "manifests",
    "overlays",
    "base",
    "helm",
    "charts",
    "deploy",
];

/// Folders of test input, examples and demos: their Dockerfiles, Compose files and
/// workflows are data for a test or a reader, not configuration anyone deploys, so a walk
/// skips them (below the paths given; a path given is always checked).
///
/// `test` and `demo` are not among them: they name environments too (`envs/test`), whose
/// configuration is deployed.
pub const TEST_DATA_DIRS: &[&str] = &[
    "tests",
    "testdata",
    "test-data",
    "test_data",
    "__tests__",
    "fixtures",
    "__fixtures__",
    "examples",
    "example",
];

/// Whether a folder's name says it holds test input, examples or demos.
pub fn is_test_data_dir(name: &str) -> bool {
    TEST_DATA_DIRS
        .iter()
        .any(|dir| name.eq_ignore_ascii_case(dir))
}

/// Classifies a path by its name and folders.
pub fn classify(path: &Path) -> Option<Kind> {
    let name = path.file_name()?.to_str()?;
    let lower = name.to_ascii_lowercase();
    let yaml = lower.ends_with(".yml") || lower.ends_with(".yaml");
    let components: Vec<&str> = path
        .components()
        .filter_map(|c| c.as_os_str().to_str())
        .collect();
    let in_dir = |dir: &str| {
        components
            .iter()
            .rev()
            .skip(1)
            .any(|c| c.eq_ignore_ascii_case(dir))
    };
    if lower.ends_with(".tf") {
        return Some(Kind::Terraform);
    }
    if lower.ends_with(".tfvars") {
        return Some(Kind::TfVars);
    }
    if is_dockerfile_name(&lower, name) {
        return Some(Kind::Dockerfile);
    }
    if !yaml {
        return None;
    }
    let parent = components
        .len()
        .checked_sub(2)
        .and_then(|i| components.get(i))
        .copied()
        .unwrap_or("");
    let grandparent = components
        .len()
        .checked_sub(3)
        .and_then(|i| components.get(i))
        .copied()
        .unwrap_or("");
    if parent == "workflows" && grandparent == ".github" {
        return Some(Kind::Workflow);
    }
    if lower == "action.yml" || lower == "action.yaml" {
        return Some(Kind::Action);
    }
    if lower.starts_with("compose") || lower.starts_with("docker-compose") {
        return Some(Kind::Compose);
    }
    if lower.starts_with("kustomization.") || lower.starts_with("values") {
        return Some(Kind::Kubernetes);
    }
    if in_dir("templates") || in_dir(".github") {
        return None;
    }
    if K8S_DIRS.iter().any(|d| in_dir(d)) {
        return Some(Kind::MaybeKubernetes);
    }
    None
}

/// Walks the given paths. A file named explicitly is checked even if ignored; folders are
/// walked with `.gitignore`, `.ignore` and global git excludes applied, hidden folders
/// included (for `.github`), `.git`, test-data folders ([`TEST_DATA_DIRS`]) and `exclude`
/// globs skipped.
pub fn discover(
    paths: &[PathBuf],
    base: Option<&Path>,
    exclude: &GlobSet,
) -> Result<Vec<Discovered>, CheckError> {
    let mut out = Vec::new();
    for root in paths {
        let meta = std::fs::metadata(root).map_err(|e| CheckError::Io(root.clone(), e))?;
        if meta.is_file() {
            let kind = classify(root).or_else(|| sniff(root));
            if let Some(kind) = kind {
                out.push(Discovered {
                    path: root.clone(),
                    display: display(root, base),
                    kind,
                });
            }
            continue;
        }
        let walker = ignore::WalkBuilder::new(root)
            .hidden(false)
            .require_git(false)
            .filter_entry(|e| {
                let name = e.file_name();
                let test_data = e.depth() > 0
                    && e.file_type().is_some_and(|t| t.is_dir())
                    && name.to_str().is_some_and(is_test_data_dir);
                name != ".git" && name != ".terraform" && name != "node_modules" && !test_data
            })
            .build();
        for entry in walker {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => return Err(CheckError::Walk(e.to_string())),
            };
            if !entry.file_type().is_some_and(|t| t.is_file()) {
                continue;
            }
            let path = entry.path();
            let shown = display(path, base);
            let relative = path.strip_prefix(root).unwrap_or(path);
            if exclude.is_match(relative) || exclude.is_match(&shown) {
                continue;
            }
            if entry.metadata().is_ok_and(|m| m.len() > MAX_FILE_BYTES) {
                continue;
            }
            if let Some(kind) = classify(path)
                && (kind != Kind::Workflow || at_repository_root(path, root))
            {
                out.push(Discovered {
                    path: path.to_path_buf(),
                    display: shown,
                    kind,
                });
            }
        }
    }
    out.sort_by(|a, b| a.display.cmp(&b.display));
    out.dedup_by(|a, b| a.path == b.path);
    Ok(out)
}

/// Whether a workflow's `.github` folder is at a repository's root (the path walked, or a
/// folder holding `.git`): GitHub runs only those, so a `.github/workflows` deeper down
/// (a vendored project, an example) is not configuration anyone runs.
fn at_repository_root(workflow: &Path, walked: &Path) -> bool {
    let Some(repository) = workflow
        .parent()
        .and_then(Path::parent)
        .and_then(Path::parent)
    else {
        return false;
    };
    repository == walked || repository.join(".git").exists()
}

/// A file named on the command line with an unknown name: YAML is sniffed by its keys.
fn sniff(path: &Path) -> Option<Kind> {
    let lower = path.to_str()?.to_ascii_lowercase();
    if !(lower.ends_with(".yml") || lower.ends_with(".yaml")) {
        return None;
    }
    let text = std::fs::read_to_string(path).ok()?;
    let has_key = |k: &str| text.lines().any(|l| l.starts_with(k));
    if has_key("jobs:") && (has_key("on:") || has_key("\"on\":")) {
        Some(Kind::Workflow)
    } else if has_key("services:") {
        Some(Kind::Compose)
    } else {
        Some(Kind::MaybeKubernetes)
    }
}

/// A path as shown in findings: relative to `base` when given, `/`-separated, no `./`.
pub fn display(path: &Path, base: Option<&Path>) -> String {
    let relative = base.and_then(|b| path.strip_prefix(b).ok()).unwrap_or(path);
    let text = relative.to_string_lossy().replace('\\', "/");
    let text = text.trim_start_matches("./").to_string();
    if text.is_empty() {
        path.file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
    } else {
        text
    }
}

/// `Dockerfile`, `Dockerfile.<variant>`, `Dockerfile-<variant>`, `<name>.Dockerfile`,
/// `Containerfile`. A variant
/// is written with the capital D Docker uses, so source files such as `dockerfile.rs` are
/// not taken for one; `Dockerfile.dockerignore` is BuildKit's per-file ignore list, and
/// documentation about a Dockerfile is not one either.
fn is_dockerfile_name(lower: &str, name: &str) -> bool {
    const NOT_DOCKERFILES: [&str; 4] = [".dockerignore", ".md", ".txt", ".orig"];
    if NOT_DOCKERFILES.iter().any(|suffix| lower.ends_with(suffix)) {
        return false;
    }
    lower == "dockerfile"
        || lower == "containerfile"
        || name.starts_with("Dockerfile.")
        || name.starts_with("Dockerfile-")
        || name.starts_with("Containerfile.")
        || lower.ends_with(".dockerfile")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_by_name() {
        let k = |p: &str| classify(Path::new(p));
        assert_eq!(k("infra/main.tf"), Some(Kind::Terraform));
        assert_eq!(k("envs/prod/prod.tfvars"), Some(Kind::TfVars));
        assert_eq!(k("Dockerfile"), Some(Kind::Dockerfile));
        assert_eq!(k("web/Dockerfile.prod"), Some(Kind::Dockerfile));
        assert_eq!(k("api.Dockerfile"), Some(Kind::Dockerfile));
        assert_eq!(k("dockerfile"), Some(Kind::Dockerfile));
        assert_eq!(k("src/parse/dockerfile.rs"), None);
        assert_eq!(k("web/Dockerfile.dockerignore"), None);
        assert_eq!(k("web/Dockerfile-dev"), Some(Kind::Dockerfile));
        assert_eq!(k(".github/actions/setup/action.yml"), Some(Kind::Action));
        assert_eq!(k("action.yaml"), Some(Kind::Action));
        assert_eq!(k("docs/Dockerfile.md"), None);
        assert_eq!(k("compose.yaml"), Some(Kind::Compose));
        assert_eq!(k("docker-compose.dev.yml"), Some(Kind::Compose));
        assert_eq!(k(".github/workflows/ci.yml"), Some(Kind::Workflow));
        assert_eq!(
            k("k8s/overlays/prod/kustomization.yaml"),
            Some(Kind::Kubernetes)
        );
        assert_eq!(k("charts/api/values-prod.yaml"), Some(Kind::Kubernetes));
        assert_eq!(k("charts/api/templates/deploy.yaml"), None);
        assert_eq!(k("k8s/base/deployment.yaml"), Some(Kind::MaybeKubernetes));
        assert_eq!(k("mkdocs.yml"), None);
        assert_eq!(k("README.md"), None);
    }
}
