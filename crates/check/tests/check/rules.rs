//! Every rule, one test each way: its failing fixture fires it (a snapshot of the
//! findings, so a changed message or span shows), its passing fixture is silent. A
//! failure names the rule, and one rule's failure hides no other's.

use std::path::Path;

use ripcord_check::Finding;
use ripcord_check::rules::{Family, RULES};

use crate::helpers::{check_dir, fixtures, listing, parity_dir};

/// The findings of rule `code` on its fixture `kind` (`fail` or `pass`).
fn findings_for(code: &str, kind: &str) -> Vec<Finding> {
    let rule = ripcord_check::rules::find(code).unwrap_or_else(|| panic!("{code} is no rule"));
    let dir = fixtures().join("rules").join(code).join(kind);
    assert!(
        dir.is_dir(),
        "{code} has no `{kind}` fixture at {}",
        dir.display()
    );
    findings_on(code, rule.meta().family, &dir)
}

fn findings_on(code: &str, family: Family, dir: &Path) -> Vec<Finding> {
    let findings = if family == Family::Parity {
        parity_dir(dir)
    } else {
        check_dir(dir, &[code]).findings
    };
    findings.into_iter().filter(|f| f.rule == code).collect()
}

/// Two tests per rule: `<CODE>_fires` and `<CODE>_is_silent_on_its_passing_fixture`.
macro_rules! rule_tests {
    ($($code:ident),* $(,)?) => {
        $(
            #[allow(non_snake_case)]
            mod $code {
                #[test]
                fn fires_on_its_failing_fixture() {
                    let code = stringify!($code);
                    let failing = super::findings_for(code, "fail");
                    assert!(!failing.is_empty(), "{code}: the failing fixture produced no finding");
                    insta::assert_snapshot!(format!("{code}_fail"), super::listing(&failing));
                }

                #[test]
                fn is_silent_on_its_passing_fixture() {
                    let passing = super::findings_for(stringify!($code), "pass");
                    assert_eq!(super::listing(&passing), "", "the passing fixture produced findings");
                }
            }
        )*

        /// Every rule in the registry has its two tests above, and nothing else does.
        #[test]
        fn every_rule_is_tested() {
            let tested = [$(stringify!($code)),*];
            let registered: Vec<&str> = RULES.iter().map(|rule| rule.meta().code).collect();
            assert_eq!(tested.as_slice(), registered.as_slice());
        }
    };
}

rule_tests!(
    FT001, FT002, FT003, FT004, FT005, FT006, FT007, FT008, FT009, FT010, FT011, FT012, ST001,
    ST002, ST003, ST004, ST005, ST006, ST007, DF001, DF002, DF003, DF004, DF005, DF006, DF007,
    DF008, DF009, DF010, DF011, DF012, DF013, DF014, CP001, CP002, CP003, CP004, CP005, GH001,
    GH002, GH003, GH004, GH005, GH006, GH007, GH008, GH009, GH010, GH011, PA001, PA002, RC001,
    RC002, RC003,
);

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
