//! Findings about the check itself: unparsable files and suppression comments.

pub mod parse_error;
pub mod suppression_without_reason;
pub mod unknown_rule;
