//! A file's text with a line index: byte offsets to 1-based lines and columns.

use std::ops::Range;
use std::path::PathBuf;

/// One file as read from disk.
#[derive(Debug)]
pub struct Source {
    /// The path used to read the file.
    pub path: PathBuf,
    /// The path shown in findings: relative to the checked root, `/`-separated.
    pub display: String,
    pub text: String,
    line_starts: Vec<usize>,
}

/// A 1-based position range in a file (columns count characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Loc {
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

impl Loc {
    /// A position covering `len` characters of one line.
    pub fn line_span(line: usize, column: usize, len: usize) -> Self {
        Loc {
            line,
            column,
            end_line: line,
            end_column: column + len.max(1),
        }
    }
}

impl Source {
    pub fn new(path: PathBuf, display: String, text: String) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Source {
            path,
            display,
            text,
            line_starts,
        }
    }

    /// For tests and fuzzing: a source that was never on disk.
    pub fn in_memory(display: &str, text: &str) -> Self {
        Source::new(
            PathBuf::from(display),
            display.to_string(),
            text.to_string(),
        )
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// 1-based line and column of a byte offset (clamped to the text).
    pub fn position(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset).max(1);
        let start = self.line_starts[line - 1];
        let column = self
            .text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count())
            + 1;
        (line, column)
    }

    /// The location of a byte range; a range spanning lines ends at the end of its first line.
    pub fn loc(&self, range: Range<usize>) -> Loc {
        let (line, column) = self.position(range.start);
        let (end_line, end_column) = self.position(range.end.max(range.start));
        if end_line != line {
            let len = self.line_text(line).chars().count();
            return Loc {
                line,
                column,
                end_line: line,
                end_column: (len + 1).max(column + 1),
            };
        }
        Loc {
            line,
            column,
            end_line,
            end_column: end_column.max(column + 1),
        }
    }

    /// The text of a 1-based line, without its line break.
    pub fn line_text(&self, line: usize) -> &str {
        let Some(&start) = self.line_starts.get(line.wrapping_sub(1)) else {
            return "";
        };
        let end = self.line_starts.get(line).map_or(self.text.len(), |&e| e);
        self.text
            .get(start..end)
            .unwrap_or("")
            .trim_end_matches(['\n', '\r'])
    }

    /// Location of the first occurrence of `needle` on a line, or the line's first
    /// non-blank character.
    pub fn find_on_line(&self, line: usize, needle: &str) -> Loc {
        let text = self.line_text(line);
        match text.find(needle) {
            Some(i) if !needle.is_empty() => {
                Loc::line_span(line, text[..i].chars().count() + 1, needle.chars().count())
            }
            _ => self.whole_line(line),
        }
    }

    /// The non-blank part of a line.
    pub fn whole_line(&self, line: usize) -> Loc {
        let text = self.line_text(line);
        let lead = text.len() - text.trim_start().len();
        let len = text.trim().chars().count();
        Loc::line_span(line, text[..lead].chars().count() + 1, len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based() {
        let s = Source::in_memory("f", "ab\ncdé\n\nx");
        assert_eq!(s.position(0), (1, 1));
        assert_eq!(s.position(3), (2, 1));
        assert_eq!(s.position(7), (2, 4));
        assert_eq!(s.position(9), (4, 1));
        assert_eq!(s.line_text(2), "cdé");
        assert_eq!(s.line_text(9), "");
        assert_eq!(s.find_on_line(2, "d"), Loc::line_span(2, 2, 1));
    }
}
