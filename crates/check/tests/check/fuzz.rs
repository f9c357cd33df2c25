//! Property tests in the spirit of cargo-fuzz: arbitrary bytes and mutated fixtures go
//! through every parser entry point and every rule; nothing may panic, and a file that
//! does not parse yields a parse finding with a valid line.
//! `FUZZ_CASES=100000 cargo test -p ripcord-check --release --test check fuzz` runs longer.

use std::path::PathBuf;

use proptest::prelude::*;
use ripcord_check::discover::{Kind, classify};
use ripcord_check::engine::{Selection, check_sources};
use ripcord_check::source::Source;

const KINDS: &[(Kind, &str)] = &[
    (Kind::Terraform, "main.tf"),
    (Kind::TfVars, "x.tfvars"),
    (Kind::Dockerfile, "Dockerfile"),
    (Kind::Compose, "compose.yaml"),
    (Kind::Workflow, ".github/workflows/ci.yml"),
    (Kind::Kubernetes, "kustomization.yaml"),
    (Kind::MaybeKubernetes, "k8s/x.yaml"),
];

fn cases() -> u32 {
    std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(256)
}

fn check_all_kinds(text: &str) {
    let sources: Vec<(Source, Kind)> = KINDS
        .iter()
        .map(|(k, name)| (Source::in_memory(name, text), *k))
        .collect();
    let lines = text.split('\n').count();
    let report = check_sources(sources, &Selection::default());
    for f in &report.findings {
        assert!(f.line >= 1 && f.line <= lines.max(1), "{f:?} for {text:?}");
        assert!(f.column >= 1, "{f:?}");
    }
}

fn fixture_files() -> Vec<(Kind, String)> {
    let mut out = Vec::new();
    let mut todo = vec![crate::helpers::fixtures()];
    while let Some(dir) = todo.pop() {
        for entry in std::fs::read_dir(&dir)
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
        {
            let path: PathBuf = entry.path();
            if path.is_dir() {
                todo.push(path);
            } else if let (Some(kind), Ok(text)) = (classify(&path), std::fs::read_to_string(&path))
            {
                out.push((kind, text));
            }
        }
    }
    out.sort_by(|a, b| a.1.cmp(&b.1));
    out
}

/// Tokens that parsers treat specially, to steer mutations toward interesting input.
const TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    "(",
    ")",
    "\"",
    "'",
    "\\\n",
    "\n",
    "<<EOF\n",
    "EOF\n",
    "${",
    "}}",
    "${{",
    "&",
    "*",
    ":",
    "- ",
    "#",
    "//",
    "/*",
    "=",
    "\t",
    "---\n",
    "FROM ",
    "RUN ",
    "resource ",
    "\u{feff}",
    "é",
    "\r\n",
    "ripcord:ignore ",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..1024)) {
        check_all_kinds(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn token_soup_never_panics(tokens in proptest::collection::vec(proptest::sample::select(TOKENS), 0..64)) {
        check_all_kinds(&tokens.concat());
    }

    #[test]
    fn mutated_fixtures_never_panic(
        index in any::<prop::sample::Index>(),
        edits in proptest::collection::vec((any::<prop::sample::Index>(), 0u8..3, proptest::sample::select(TOKENS)), 1..8),
    ) {
        let files = fixture_files();
        let (kind, text) = &files[index.index(files.len())];
        let mut text = text.clone();
        for (at, op, token) in edits {
            let mut pos = at.index(text.len() + 1);
            while !text.is_char_boundary(pos) { pos -= 1; }
            match op {
                0 => text.insert_str(pos, token),
                1 => { let end = (pos + token.len()).min(text.len()); let mut end = end; while !text.is_char_boundary(end) { end -= 1; } text.replace_range(pos..end, ""); }
                _ => text.truncate(pos),
            }
        }
        let name = KINDS.iter().find(|(k, _)| k == kind).map_or("main.tf", |(_, n)| n);
        let report = check_sources(vec![(Source::in_memory(name, &text), *kind)], &Selection::default());
        let lines = text.split('\n').count();
        for f in &report.findings {
            prop_assert!(f.line >= 1 && f.line <= lines.max(1), "{:?}", f);
        }
    }
}

#[test]
fn deep_nesting_is_a_parse_finding_not_a_stack_overflow() {
    for text in [
        "x = ".to_string() + &"[".repeat(100_000),
        "a: ".to_string() + &"[".repeat(100_000),
        "- ".repeat(50_000),
    ] {
        check_all_kinds(&text);
    }
    let report = check_sources(
        vec![(
            Source::in_memory("main.tf", &("x = ".to_string() + &"[".repeat(5000))),
            Kind::Terraform,
        )],
        &Selection::default(),
    );
    assert!(report.findings.iter().any(|f| f.rule == "RC001"));
}

#[test]
fn alias_bombs_are_bounded() {
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let prev = i - 1;
        text.push_str(&format!("a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"));
    }
    let report = check_sources(
        vec![(Source::in_memory("compose.yaml", &text), Kind::Compose)],
        &Selection::default(),
    );
    assert!(
        report.findings.iter().any(|f| f.rule == "RC001"),
        "{:?}",
        report.findings
    );
}

#[test]
fn every_truncation_of_every_fixture_is_handled() {
    for (kind, text) in fixture_files() {
        let name = KINDS
            .iter()
            .find(|(k, _)| *k == kind)
            .map_or("main.tf", |(_, n)| n);
        let sources: Vec<(Source, Kind)> = (0..text.len())
            .step_by(5)
            .filter(|i| text.is_char_boundary(*i))
            .map(|i| (Source::in_memory(name, &text[..i]), kind))
            .collect();
        let _ = check_sources(sources, &Selection::default());
    }
}
