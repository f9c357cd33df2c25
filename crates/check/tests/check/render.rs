//! Golden tests of each output format on one small input.

use ripcord_check::render::{self, Format, Summary};

use crate::helpers::{check_dir, fixtures};

fn golden(format: Format) -> String {
    let report = check_dir(&fixtures().join("golden"), &[]);
    let summary = Summary::new(&report.findings, report.files, report.suppressed, 0);
    render::render(format, &report.findings, &summary, false)
        .replace(env!("CARGO_PKG_VERSION"), "[VERSION]")
}

#[test]
fn human_output() {
    insta::assert_snapshot!(golden(Format::Human));
}

#[test]
fn json_output() {
    let text = golden(Format::Json);
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
    for f in doc["findings"]
        .as_array()
        .unwrap_or_else(|| panic!("no findings array"))
    {
        for key in ["rule", "severity", "file", "line", "message"] {
            assert!(!f[key].is_null(), "finding lacks {key}: {f}");
        }
    }
    insta::assert_snapshot!(text);
}

#[test]
fn sarif_output() {
    insta::assert_snapshot!(golden(Format::Sarif));
}

#[test]
fn github_output() {
    insta::assert_snapshot!(golden(Format::Github));
}

#[test]
fn human_color_only_adds_escapes() {
    let report = check_dir(&fixtures().join("golden"), &[]);
    let plain = render::human::render(&report.findings, false);
    let colored = render::human::render(&report.findings, true);
    let stripped = strip_ansi(&colored);
    assert_eq!(stripped, plain);
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for d in chars.by_ref() {
                if d == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}
