//! `docs/rules/*.md` are generated from the rules' doc comments and must be current.
//! `UPDATE_DOCS=1 cargo test -p ripcord-check --test check docs` regenerates them.

use std::path::PathBuf;

use ripcord_check::docs::{index_page, rule_page};
use ripcord_check::rules::RULES;

fn docs_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/rules")
}

#[test]
fn generated_rule_docs_are_current() {
    let dir = docs_dir();
    let update = std::env::var_os("UPDATE_DOCS").is_some();
    let mut expected: Vec<(PathBuf, String)> = RULES
        .iter()
        .map(|r| {
            (
                dir.join(format!("{}.md", r.meta().code)),
                rule_page(r.meta()),
            )
        })
        .collect();
    expected.push((dir.join("README.md"), index_page()));
    if update {
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
        for entry in std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{e}"))
            .filter_map(Result::ok)
        {
            if !expected.iter().any(|(p, _)| *p == entry.path()) {
                std::fs::remove_file(entry.path()).unwrap_or_else(|e| panic!("{e}"));
            }
        }
    }
    let mut stale = Vec::new();
    for (path, text) in &expected {
        if update {
            std::fs::write(path, text).unwrap_or_else(|e| panic!("{e}"));
        } else if std::fs::read_to_string(path).ok().as_deref() != Some(text.as_str()) {
            stale.push(path.display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "stale rule docs (run `UPDATE_DOCS=1 cargo test -p ripcord-check --test check docs`): {stale:?}"
    );
}

#[test]
fn explain_prints_the_same_page() {
    let rule = ripcord_check::rules::find("df003").unwrap_or_else(|| panic!("DF003 missing"));
    let page = rule_page(rule.meta());
    assert!(page.starts_with("# base-image-not-pinned (DF003)"));
    assert!(page.contains("## Why is this bad?"));
    assert!(ripcord_check::rules::find("base-image-not-pinned").is_some());
}
