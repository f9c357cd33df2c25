//! The check pipeline: discover, read and parse in parallel, run per-file rules in the
//! same pass, then project rules, then suppressions, rule selection and severities.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use globset::GlobSet;
use rayon::prelude::*;

use crate::CheckError;
use crate::diagnostic::{Finding, Severity};
use crate::discover::{self, Kind};
use crate::parse::terraform::TfFile;
use crate::parse::{self, ParseError};
use crate::rules::{self, Cx, Project, ProjectCx, RULES, Rule, Status};
use crate::source::{Loc, Source};
use crate::suppress::{self, Suppression};
use crate::variables;

/// Which rules run and how loud they are.
#[derive(Debug, Default, Clone)]
pub struct Selection {
    /// Codes or prefixes to run (`DF`, `GH001`); empty runs every rule.
    pub select: Vec<String>,
    /// Codes or prefixes never to run.
    pub ignore: Vec<String>,
    /// Severity per code.
    pub severity: HashMap<String, Severity>,
    /// The day rules built on dated facts (end-of-life images) compare against; `None`
    /// is today in UTC. Tests fix it so their findings do not change with the calendar.
    pub today: Option<jiff::civil::Date>,
}

fn matches(pattern: &str, rule: &rules::RuleMeta) -> bool {
    let p = pattern.trim();
    p.eq_ignore_ascii_case("all")
        || rule
            .code
            .to_ascii_uppercase()
            .starts_with(&p.to_ascii_uppercase())
        || rule.name == p
}

impl Selection {
    pub fn enabled(&self, rule: &rules::RuleMeta) -> bool {
        rule.status != Status::Removed
            && (self.select.is_empty() || self.select.iter().any(|p| matches(p, rule)))
            && !self.ignore.iter().any(|p| matches(p, rule))
    }

    /// Applies selection and severity overrides to findings of any origin.
    pub fn finish(&self, findings: &mut Vec<Finding>) {
        findings.retain(|f| rules::find(f.rule).is_none_or(|r| self.enabled(r.meta())));
        for f in findings.iter_mut() {
            if let Some(s) = self
                .severity
                .get(f.rule)
                .or_else(|| self.severity.get(f.name))
            {
                f.severity = *s;
            }
        }
        findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        findings.dedup();
    }
}

/// The outcome of a check run.
#[derive(Debug, Default)]
pub struct Report {
    pub findings: Vec<Finding>,
    pub files: usize,
    pub suppressed: usize,
}

enum Parsed {
    Terraform(parse::terraform::TfFile),
    TfVars(parse::terraform::TfFile),
    Dockerfile(parse::dockerfile::Dockerfile),
    Compose(parse::yaml::YamlFile),
    Workflow(parse::yaml::YamlFile),
    Kubernetes(parse::yaml::YamlFile),
    Nothing,
}

struct FileResult {
    parsed: Parsed,
    display: String,
    findings: Vec<Finding>,
    suppressions: Vec<Suppression>,
}

/// Reads a file as text (lossily: a stray Latin-1 byte in a comment must not hide a file).
pub fn read_source(path: &Path, display: &str) -> Result<Source, CheckError> {
    let bytes = std::fs::read(path).map_err(|e| CheckError::Io(path.to_path_buf(), e))?;
    let text = String::from_utf8(bytes)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    Ok(Source::new(path.to_path_buf(), display.to_string(), text))
}

/// A parse finding (RC001).
pub fn parse_finding(src: &Source, error: &ParseError) -> Finding {
    let meta = rules::meta::parse_error::ParseError.meta();
    let line = error.line.clamp(1, src.line_count());
    let loc = Loc::line_span(line, error.column.max(1), 1);
    Finding::new(
        meta,
        src,
        loc,
        format!("could not parse this file: {}", error.message),
    )
}

fn parse_file(src: Source, kind: Kind) -> (Parsed, Option<Finding>) {
    fn fail<T>(
        result: parse::ParseResult<T>,
        wrap: impl FnOnce(T) -> Parsed,
    ) -> (Parsed, Option<Finding>) {
        match result {
            Ok(v) => (wrap(v), None),
            Err(failed) => {
                let finding = parse_finding(&failed.0, &failed.1);
                (Parsed::Nothing, Some(finding))
            }
        }
    }
    match kind {
        Kind::Terraform => fail(parse::terraform::parse(src), Parsed::Terraform),
        Kind::TfVars => fail(parse::terraform::parse(src), Parsed::TfVars),
        Kind::Dockerfile => fail(parse::dockerfile::parse(src), Parsed::Dockerfile),
        Kind::Compose => fail(parse::yaml::parse(src), Parsed::Compose),
        Kind::Workflow | Kind::Action => fail(parse::yaml::parse(src), Parsed::Workflow),
        Kind::Kubernetes => fail(parse::yaml::parse(src), Parsed::Kubernetes),
        Kind::MaybeKubernetes => match parse::yaml::parse(src) {
            Ok(file)
                if file
                    .docs
                    .iter()
                    .any(|d| d.get("apiVersion").is_some() && d.get("kind").is_some()) =>
            {
                (Parsed::Kubernetes(file), None)
            }
            _ => (Parsed::Nothing, None),
        },
    }
}

fn run_file_rules(
    parsed: &Parsed,
    rules: &[&'static dyn Rule],
    today: jiff::civil::Date,
    out: &mut Vec<Finding>,
) {
    for rule in rules {
        let meta = rule.meta();
        match parsed {
            Parsed::Terraform(f) => rule.terraform(
                f,
                &mut Cx {
                    meta,
                    src: &f.src,
                    today,
                    out,
                },
            ),
            Parsed::Dockerfile(f) => rule.dockerfile(
                f,
                &mut Cx {
                    meta,
                    src: &f.src,
                    today,
                    out,
                },
            ),
            Parsed::Compose(f) => rule.compose(
                f,
                &mut Cx {
                    meta,
                    src: &f.src,
                    today,
                    out,
                },
            ),
            Parsed::Workflow(f) => rule.workflow(
                f,
                &mut Cx {
                    meta,
                    src: &f.src,
                    today,
                    out,
                },
            ),
            Parsed::TfVars(_) | Parsed::Kubernetes(_) | Parsed::Nothing => {}
        }
    }
}

/// Checks files and folders. `base` makes displayed paths relative to it.
pub fn check(
    paths: &[PathBuf],
    base: Option<&Path>,
    exclude: &GlobSet,
    selection: &Selection,
) -> Result<Report, CheckError> {
    let files = discover::discover(paths, base, exclude)?;
    let sources = files
        .par_iter()
        .map(|f| read_source(&f.path, &f.display).map(|src| (src, f.kind)))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(check_walked(sources, selection, paths))
}

/// Whether `folder/examples/*/` holds Terraform that calls `folder` (`source = "../.."`):
/// the Terraform registry's layout of a reusable module.
fn called_by_its_examples(folder: &Path) -> bool {
    let Ok(examples) = std::fs::read_dir(folder.join("examples")) else {
        return false;
    };
    examples.filter_map(Result::ok).any(|example| {
        std::fs::read_dir(example.path()).is_ok_and(|files| {
            files.filter_map(Result::ok).any(|file| {
                let path = file.path();
                path.extension().is_some_and(|extension| extension == "tf")
                    && std::fs::read_to_string(&path).is_ok_and(|text| {
                        text.lines().any(|line| {
                            let line = line.trim();
                            line.starts_with("source") && line.contains("\"../..")
                        })
                    })
            })
        })
    })
}

/// Checks sources already in memory (also the entry point of the fuzz tests), as one
/// repository.
pub fn check_sources(sources: Vec<(Source, Kind)>, selection: &Selection) -> Report {
    check_walked(sources, selection, &[])
}

/// Gives Terraform variables the values their modules get ([`variables`]): a module's
/// values depend on its callers, so every file is parsed before any rule runs.
fn resolve_variables(results: &mut [FileResult]) {
    let mut files: Vec<&mut TfFile> = results
        .iter_mut()
        .filter_map(|result| match &mut result.parsed {
            Parsed::Terraform(file) => Some(file),
            _ => None,
        })
        .collect();
    variables::resolve(&mut files);
}

/// Checks sources read from under `walked`: each path given is a repository (or holds
/// some, in folders with `.git`) for the rules that look at a whole repository.
fn check_walked(sources: Vec<(Source, Kind)>, selection: &Selection, walked: &[PathBuf]) -> Report {
    let enabled: Vec<&'static dyn Rule> = RULES
        .iter()
        .copied()
        .filter(|r| selection.enabled(r.meta()))
        .collect();
    let files = sources.len();
    let today = selection.today.unwrap_or_else(|| {
        jiff::tz::TimeZone::UTC
            .to_datetime(jiff::Timestamp::now())
            .date()
    });
    let mut results: Vec<FileResult> = sources
        .into_par_iter()
        .map(|(src, kind)| {
            let mut findings = Vec::new();
            let suppressions = suppress::scan(&src, &mut findings);
            let display = src.display.clone();
            let (parsed, error) = parse_file(src, kind);
            findings.extend(error);
            FileResult {
                parsed,
                display,
                findings,
                suppressions,
            }
        })
        .collect();
    resolve_variables(&mut results);
    results.par_iter_mut().for_each(|result| {
        run_file_rules(&result.parsed, &enabled, today, &mut result.findings);
    });
    let mut report = Report {
        files,
        ..Report::default()
    };
    let mut project = Project::default();
    let mut suppressions: HashMap<String, Vec<Suppression>> = HashMap::new();
    for result in results {
        report.findings.extend(result.findings);
        if !result.suppressions.is_empty() {
            suppressions.insert(result.display, result.suppressions);
        }
        match result.parsed {
            Parsed::Terraform(f) => project.terraform.push(f),
            Parsed::TfVars(f) => project.tfvars.push(f),
            Parsed::Dockerfile(f) => project.dockerfiles.push(f),
            Parsed::Compose(f) => project.compose.push(f),
            // The rules about a repository's workflows (GH005, GH006) look at
            // workflows alone.
            Parsed::Workflow(f) if rules::workflow::is_action(&f) => project.actions.push(f),
            Parsed::Workflow(f) => project.workflows.push(f),
            Parsed::Kubernetes(f) => project.kubernetes.push(f),
            Parsed::Nothing => {}
        }
    }
    project.walked = walked.to_vec();
    // Each folder once: its examples are read from disk.
    let folders: std::collections::BTreeSet<&Path> = project
        .terraform
        .iter()
        .filter_map(|file| file.src.path.parent())
        .collect();
    project.reusable_modules = folders
        .into_iter()
        .filter(|folder| called_by_its_examples(folder))
        .map(Path::to_path_buf)
        .collect();
    let project_findings: Vec<Vec<Finding>> = enabled
        .par_iter()
        .map(|rule| {
            let mut out = Vec::new();
            rule.project(
                &project,
                &mut ProjectCx {
                    meta: rule.meta(),
                    out: &mut out,
                },
            );
            out
        })
        .collect();
    report
        .findings
        .extend(project_findings.into_iter().flatten());
    let before = report.findings.len();
    report.findings.retain(|f| {
        !suppressions
            .get(&f.file)
            .is_some_and(|list| list.iter().any(|s| s.matches(f)))
    });
    report.suppressed = before - report.findings.len();
    selection.finish(&mut report.findings);
    report
}
