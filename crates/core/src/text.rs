//! Text from the outside (reasons, actors, commands, marker files) shown to people.

use std::fmt;

/// An error and its sources on one line, `outer: inner: innermost`: most errors say
/// little without their causes ("client error (Connect)").
pub fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(inner) = source {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        source = inner.source();
    }
    text
}

/// Displays text with control characters escaped (`\n`, `\u{1b}`, …), so a reason written
/// by someone else cannot move the cursor, recolour or rewrite the operator's terminal or
/// forge a line of a text log; and with the invisible characters that reorder or hide
/// text (bidirectional overrides and isolates, zero-width characters) escaped too, so what
/// is shown reads as what was written.
#[derive(Debug, Clone, Copy)]
pub struct Printable<'a>(pub &'a str);

impl fmt::Display for Printable<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.0.chars() {
            if c.is_control() || reorders_or_hides(c) {
                write!(f, "{}", c.escape_default())?;
            } else {
                f.write_fmt(format_args!("{c}"))?;
            }
        }
        Ok(())
    }
}

/// Bidirectional formatting characters (Unicode's Bidi_Control) and zero-width ones.
fn reorders_or_hides(c: char) -> bool {
    matches!(
        c,
        '\u{061C}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2069}'
            | '\u{FEFF}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped_and_the_rest_is_kept() {
        let shown = Printable("ok\x1b[2J\r\nfake line\u{9b}31m é").to_string();
        assert_eq!(shown, "ok\\u{1b}[2J\\r\\nfake line\\u{9b}31m é");
        assert!(!shown.chars().any(char::is_control));
    }

    #[test]
    fn reordering_and_invisible_characters_are_escaped() {
        let shown = Printable("host\u{202e}txt.exe\u{200b}").to_string();
        assert_eq!(shown, "host\\u{202e}txt.exe\\u{200b}");
    }
}
