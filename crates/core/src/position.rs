//! Where a client stands in the audit log: `LOG.REVISION`, the id of every event on the
//! stream and what `Last-Event-ID` resumes from. Revisions mean something only within one
//! log, so a position names its log; a bare revision (no log) is accepted from clients
//! that cannot keep one, and trusted to be of the server's current log.

use std::fmt;
use std::str::FromStr;

/// A position in one audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Position {
    pub log: Option<String>,
    pub revision: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("expected a position: LOG.REVISION as the stream's ids are, or a revision")]
pub struct PositionError;

impl Position {
    pub fn new(log: impl Into<String>, revision: u64) -> Self {
        Position {
            log: Some(log.into()),
            revision,
        }
    }

    /// Whether this position is of `log` (a bare revision is taken to be).
    pub fn is_in(&self, log: &str) -> bool {
        self.log.as_deref().is_none_or(|own| own == log)
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.log {
            Some(log) => write!(f, "{log}.{}", self.revision),
            None => write!(f, "{}", self.revision),
        }
    }
}

impl FromStr for Position {
    type Err = PositionError;

    /// The revision is after the last `.`: a log id holds no dot of its own, but this
    /// reads even one that does.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        let (log, revision) = match text.rsplit_once('.') {
            Some((log, revision)) if !log.is_empty() => (Some(log.to_owned()), revision),
            Some(_) => return Err(PositionError),
            None => (None, text),
        };
        // `u64::from_str` takes a leading `+`; a position never has one.
        if !revision.bytes().all(|b| b.is_ascii_digit()) {
            return Err(PositionError);
        }
        Ok(Position {
            log,
            revision: revision.parse().map_err(|_| PositionError)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn positions_read_as_the_stream_writes_them() {
        assert_eq!("a1b2.7".parse(), Ok(Position::new("a1b2", 7)));
        assert_eq!(
            "42".parse(),
            Ok(Position {
                log: None,
                revision: 42
            })
        );
        for bad in ["", ".7", "log.", "log.-1", "log.+1", "log.x", "x"] {
            assert_eq!(bad.parse::<Position>(), Err(PositionError), "{bad:?}");
        }
    }

    proptest! {
        #[test]
        fn format_then_parse_is_the_identity(
            log in proptest::option::of("[a-z0-9][a-z0-9.]{0,20}"),
            revision in any::<u64>(),
        ) {
            let position = Position { log, revision };
            prop_assert_eq!(position.to_string().parse::<Position>(), Ok(position));
        }

        #[test]
        fn whatever_parses_formats_back_to_the_same_position(text in "\\PC{0,30}") {
            if let Ok(position) = text.parse::<Position>() {
                prop_assert_eq!(position.to_string().parse::<Position>(), Ok(position));
            }
        }
    }
}
