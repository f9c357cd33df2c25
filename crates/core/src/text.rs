//! Text from the outside (reasons, actors, commands, marker files) shown to people.

use std::fmt;

/// Displays text with control characters escaped (`\n`, `\u{1b}`, …), so a reason written
/// by someone else cannot move the cursor, recolour or rewrite the operator's terminal or
/// forge a line of a text log.
#[derive(Debug, Clone, Copy)]
pub struct Printable<'a>(pub &'a str);

impl fmt::Display for Printable<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.0.chars() {
            if c.is_control() {
                write!(f, "{}", c.escape_default())?;
            } else {
                f.write_fmt(format_args!("{c}"))?;
            }
        }
        Ok(())
    }
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
}
