//! Parsers: each turns a [`Source`](crate::source::Source) into a small model that keeps
//! byte spans, or a [`ParseError`] with a position. None of them panics on any input
//! (`tests/fuzz.rs` feeds them arbitrary bytes).

pub mod dockerfile;
pub mod terraform;
pub mod yaml;

/// A file that could not be parsed: a message and the 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub message: String,
    pub line: usize,
    pub column: usize,
}

/// A parsed model, or the source back with the error (boxed: sources are large).
pub type ParseResult<T> = Result<T, Box<(crate::source::Source, ParseError)>>;

/// Deepest bracket nesting accepted before a parser is even called: recursive-descent
/// parsers would otherwise overflow the stack on hostile input.
pub const MAX_NESTING: usize = 200;

/// Returns the byte offset where bracket nesting first exceeds [`MAX_NESTING`].
pub(crate) fn too_deep(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, b) in text.bytes().enumerate() {
        match b {
            b'{' | b'[' | b'(' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(i);
                }
            }
            b'}' | b']' | b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}
