//! `--format github`: workflow commands that GitHub shows as annotations.
//! `::error file=F,line=L,col=C,endLine=L,endColumn=C,title=T::message`

use ripcord_check::{Finding, Severity};

/// Escaping for the message part (data).
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escaping for property values.
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

pub fn render(findings: &[Finding]) -> String {
    let mut out = String::new();
    for f in findings {
        let level = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let mut message = f.message.clone();
        if let Some(help) = &f.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        let end_line = f.end_line.max(f.line);
        let position = if end_line == f.line {
            format!(
                "line={},col={},endColumn={}",
                f.line, f.column, f.end_column
            )
        } else {
            format!("line={},endLine={end_line}", f.line)
        };
        out.push_str(&format!(
            "::{level} file={},{position},title={}::{}\n",
            property(&f.file),
            property(&format!("{} {}", f.rule, f.name)),
            data(&message),
        ));
    }
    out
}
