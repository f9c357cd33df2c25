//! The one diagnostic type every rule produces and every renderer reads.

use serde::{Deserialize, Serialize};

use crate::source::{Loc, Source};

/// How bad a finding is. Ordered: `Info < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; never fails a build unless `--fail-on info`.
    Info,
    /// Likely a problem: a weaker build, a limit that will be hit, a missing safeguard.
    Warning,
    /// A bill, a breach or a broken invariant waiting to happen.
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_lowercase().as_str() {
            "info" | "note" => Some(Severity::Info),
            "warning" | "warn" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

/// One finding: a rule, where it fired, what is wrong and how to fix it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Finding {
    /// The rule's code, such as `DF003`.
    pub rule: &'static str,
    /// The rule's name, such as `base-image-not-pinned`.
    pub name: &'static str,
    pub severity: Severity,
    /// Path relative to the checked root, `/`-separated.
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
    /// The source line the finding points at (for code frames and baseline fingerprints).
    #[serde(skip)]
    pub source_line: String,
    /// Other places that explain the finding (the other environments of a parity finding).
    pub related: Vec<Related>,
}

/// A secondary location of a finding.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Related {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub end_column: usize,
    pub message: String,
}

impl Finding {
    pub fn new(
        rule: &crate::rules::RuleMeta,
        src: &Source,
        loc: Loc,
        message: impl Into<String>,
    ) -> Self {
        // Parsers may point one past the last line (an error at end of input).
        let last = src.line_count().max(1);
        let line = loc.line.clamp(1, last);
        let end_line = loc.end_line.clamp(line, last);
        Finding {
            rule: rule.code,
            name: rule.name,
            severity: rule.severity,
            file: src.display.clone(),
            line,
            column: loc.column.max(1),
            end_line,
            end_column: loc.end_column,
            message: message.into(),
            help: (!rule.fix.is_empty()).then(|| rule.fix.to_string()),
            source_line: src.line_text(line).to_string(),
            related: Vec::new(),
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Sort key: file, then position, then rule.
    pub fn sort_key(&self) -> (&str, usize, usize, &str) {
        (&self.file, self.line, self.column, self.rule)
    }

    /// A location-independent fingerprint (rule, file, normalised source line), used by
    /// baselines and SARIF `partialFingerprints`. FNV-1a, stable across releases.
    pub fn fingerprint(&self) -> String {
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        let line: String = self
            .source_line
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        for part in [self.rule, &self.file, &line] {
            for byte in part.bytes().chain([0xff]) {
                hash ^= u64::from(byte);
                hash = hash.wrapping_mul(0x0100_0000_01b3);
            }
        }
        format!("{hash:016x}")
    }
}
