//! Baselines: a file of known findings (`--write-baseline FILE`) that later runs
//! (`--baseline FILE`) do not report. Findings are matched by rule, file and a fingerprint
//! of the source line, not by line number, so edits elsewhere in a file keep the baseline
//! valid; a finding whose line changes is reported again.

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::CheckError;
use crate::diagnostic::Finding;

#[derive(Debug, Serialize, Deserialize)]
pub struct Baseline {
    pub version: u32,
    pub findings: Vec<Entry>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Hash)]
pub struct Entry {
    pub rule: String,
    pub file: String,
    pub fingerprint: String,
    /// For people reading the file; not used for matching.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub message: String,
}

impl Entry {
    fn key(&self) -> (String, String, String) {
        (
            self.rule.clone(),
            self.file.clone(),
            self.fingerprint.clone(),
        )
    }
}

pub fn from_findings(findings: &[Finding]) -> Baseline {
    let findings = findings
        .iter()
        .map(|f| Entry {
            rule: f.rule.into(),
            file: f.file.clone(),
            fingerprint: f.fingerprint(),
            message: f.message.clone(),
        })
        .collect();
    Baseline {
        version: 1,
        findings,
    }
}

pub fn write(path: &Path, findings: &[Finding]) -> Result<(), CheckError> {
    let mut text = serde_json::to_string_pretty(&from_findings(findings))
        .map_err(|e| CheckError::Baseline(path.into(), e.to_string()))?;
    text.push('\n');
    std::fs::write(path, text).map_err(|e| CheckError::Io(path.into(), e))
}

pub fn read(path: &Path) -> Result<Baseline, CheckError> {
    let text = std::fs::read_to_string(path).map_err(|e| CheckError::Io(path.into(), e))?;
    let baseline: Baseline = serde_json::from_str(&text)
        .map_err(|e| CheckError::Baseline(path.into(), e.to_string()))?;
    if baseline.version != 1 {
        return Err(CheckError::Baseline(
            path.into(),
            format!("unsupported version {}", baseline.version),
        ));
    }
    Ok(baseline)
}

/// Removes findings the baseline knows (each entry absorbs one finding); returns how many.
pub fn apply(baseline: &Baseline, findings: &mut Vec<Finding>) -> usize {
    let mut budget: HashMap<(String, String, String), usize> = HashMap::new();
    for entry in &baseline.findings {
        *budget.entry(entry.key()).or_default() += 1;
    }
    let before = findings.len();
    findings.retain(|f| {
        let key = (f.rule.to_string(), f.file.clone(), f.fingerprint());
        match budget.get_mut(&key) {
            Some(n) if *n > 0 => {
                *n -= 1;
                false
            }
            _ => true,
        }
    });
    before - findings.len()
}
