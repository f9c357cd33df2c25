//! Inline suppressions: `# ripcord:ignore CODE[,CODE…] reason` (or `//` in HCL).
//!
//! A comment on its own line applies to the next line that is not blank or a comment; a
//! trailing comment applies to its own line. `ripcord:ignore-file CODE reason` applies to
//! the whole file. A suppression without a rule or a reason suppresses nothing and is
//! itself a finding (RC002); an unknown code is RC003.

use crate::diagnostic::Finding;
use crate::rules::{self, Rule};
use crate::source::{Loc, Source};

const MARKER: &str = "ripcord:ignore";

#[derive(Debug, Clone)]
pub struct Suppression {
    pub codes: Vec<String>,
    /// `None` for a whole-file suppression.
    pub target_line: Option<usize>,
    pub line: usize,
}

/// Parses a file's suppressions; malformed ones become findings.
pub fn scan(src: &Source, findings: &mut Vec<Finding>) -> Vec<Suppression> {
    let mut out = Vec::new();
    if !src.text.contains(MARKER) {
        return out;
    }
    let lines = src.line_count();
    for line in 1..=lines {
        let text = src.line_text(line);
        let Some(pos) = text.find(MARKER) else {
            continue;
        };
        let before = &text[..pos];
        let Some(comment_start) = before.rfind('#').or_else(|| before.rfind("//")) else {
            continue;
        };
        let own_line = text[..comment_start].trim().is_empty();
        let mut rest = &text[pos + MARKER.len()..];
        let whole_file = rest.starts_with("-file");
        if whole_file {
            rest = &rest["-file".len()..];
        }
        if !rest.is_empty() && !rest.starts_with(char::is_whitespace) {
            continue;
        }
        let rest = rest.trim();
        let (codes, reason) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
        let codes: Vec<String> = codes
            .split(',')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_string)
            .collect();
        let loc = Loc::line_span(line, before.chars().count() + 1, MARKER.len());
        if codes.is_empty() || reason.trim().is_empty() {
            let meta = rules::meta::suppression_without_reason::SuppressionWithoutReason.meta();
            let what = if codes.is_empty() {
                "names no rule"
            } else {
                "gives no reason"
            };
            findings.push(Finding::new(
                meta,
                src,
                loc,
                format!("this `ripcord:ignore` {what}, so it suppresses nothing"),
            ));
            continue;
        }
        for code in &codes {
            if rules::find(code).is_none() {
                let meta = rules::meta::unknown_rule::UnknownRuleInSuppression.meta();
                findings.push(Finding::new(
                    meta,
                    src,
                    loc,
                    format!("`{code}` is not a ripcord rule"),
                ));
            }
        }
        let target_line = if whole_file {
            None
        } else if own_line {
            (line + 1..=lines).find(|&l| {
                let t = src.line_text(l).trim();
                !t.is_empty() && !t.starts_with('#') && !t.starts_with("//")
            })
        } else {
            Some(line)
        };
        if !whole_file && target_line.is_none() {
            continue;
        }
        out.push(Suppression {
            codes,
            target_line,
            line,
        });
    }
    out
}

impl Suppression {
    pub fn matches(&self, finding: &Finding) -> bool {
        let line_ok = self.target_line.is_none_or(|l| l == finding.line);
        line_ok
            && self.codes.iter().any(|c| {
                c.eq_ignore_ascii_case(finding.rule)
                    || c == finding.name
                    || c.eq_ignore_ascii_case("all")
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_line_trailing_and_missing_reason() {
        let src = Source::in_memory(
            "Dockerfile",
            "# ripcord:ignore DF003 mirrored nightly\n\nFROM a\nRUN x # ripcord:ignore DF007,DF009 vendor script\n# ripcord:ignore DF001\nFROM b\n# ripcord:ignore XX999 typo\nFROM c\n",
        );
        let mut findings = Vec::new();
        let s = scan(&src, &mut findings);
        assert_eq!(s.len(), 3);
        assert_eq!(s[0].target_line, Some(3));
        assert_eq!(s[1].target_line, Some(4));
        assert_eq!(s[1].codes, vec!["DF007", "DF009"]);
        assert_eq!(
            findings.iter().map(|f| f.rule).collect::<Vec<_>>(),
            vec!["RC002", "RC003"]
        );
        assert_eq!(findings[0].line, 5);
    }

    #[test]
    fn whole_file_and_hcl_comments() {
        let src = Source::in_memory(
            "main.tf",
            "# ripcord:ignore-file FT012 budgets live in the billing repo\nresource \"a\" \"b\" { # ripcord:ignore FT011 temporary, removed in #42\n  x = 1 // ripcord:ignore ft001 lower case works\n}\n",
        );
        let mut findings = Vec::new();
        let s = scan(&src, &mut findings);
        assert!(findings.is_empty(), "{findings:?}");
        assert_eq!(s.len(), 3);
        assert_eq!(s[0].target_line, None);
        assert_eq!(s[1].target_line, Some(2));
        assert_eq!(s[2].target_line, Some(3));
    }
}
