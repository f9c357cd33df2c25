//! Every rule: a failing fixture that fires it (snapshot of the rendered findings) and a
//! passing fixture that stays silent (empty snapshot).

use ripcord_check::rules::{Family, RULES};

use crate::helpers::{check_dir, fixtures, human, parity_dir};

fn findings_for(code: &str, family: Family, dir: &std::path::Path) -> Vec<ripcord_check::Finding> {
    let findings = if family == Family::Parity {
        parity_dir(dir)
    } else {
        check_dir(dir, &[code]).findings
    };
    findings.into_iter().filter(|f| f.rule == code).collect()
}

#[test]
fn every_rule_has_fixtures_and_snapshots() {
    let mut missing = Vec::new();
    for rule in RULES {
        let meta = rule.meta();
        let dir = fixtures().join("rules").join(meta.code);
        let (fail, pass) = (dir.join("fail"), dir.join("pass"));
        if !fail.is_dir() || !pass.is_dir() {
            missing.push(meta.code);
            continue;
        }
        let failing = findings_for(meta.code, meta.family, &fail);
        assert!(
            !failing.is_empty(),
            "{}: the failing fixture produced no finding",
            meta.code
        );
        insta::assert_snapshot!(format!("{}_fail", meta.code), human(&failing));
        let passing = findings_for(meta.code, meta.family, &pass);
        assert!(
            passing.is_empty(),
            "{}: the passing fixture produced findings:\n{}",
            meta.code,
            human(&passing)
        );
        insta::assert_snapshot!(format!("{}_pass", meta.code), human(&passing));
    }
    assert!(missing.is_empty(), "rules without fixtures: {missing:?}");
}

#[test]
fn codes_are_unique_and_well_formed() {
    let mut seen = std::collections::BTreeSet::new();
    for rule in RULES {
        let m = rule.meta();
        assert!(seen.insert(m.code), "duplicate code {}", m.code);
        assert!(
            m.code.len() == 5 && m.code[2..].chars().all(|c| c.is_ascii_digit()),
            "{}",
            m.code
        );
        for heading in [
            "## What it does",
            "## Why is this bad?",
            "## Example",
            "## Use instead",
            "## References",
        ] {
            assert!(m.doc.contains(heading), "{} lacks `{heading}`", m.code);
        }
        if m.family == Family::FreeTier && m.doc.contains("free") {
            assert!(
                m.doc.contains("checked 2026-11"),
                "{}: free-tier figures need a source and date",
                m.code
            );
        }
    }
}
