//! Dockerfiles: a small line-based parser that follows BuildKit's rules for parser
//! directives (`# escape=`), line continuations, comments inside continuations and
//! heredocs (`RUN <<EOF`), and keeps the line of every instruction.
//!
//! Why not a crate: `dockerfile-parser` (the one Rust crate with spans) is a pest grammar
//! that rejects heredocs and other BuildKit syntax, and is no longer released; the
//! Dockerfile grammar is line-oriented, so this is about 200 lines and never fails on
//! syntax that BuildKit accepts.

use super::ParseError;
use crate::source::{Loc, Source};

const KEYWORDS: &[&str] = &[
    "ADD",
    "ARG",
    "CMD",
    "COPY",
    "ENTRYPOINT",
    "ENV",
    "EXPOSE",
    "FROM",
    "HEALTHCHECK",
    "LABEL",
    "MAINTAINER",
    "ONBUILD",
    "RUN",
    "SHELL",
    "STOPSIGNAL",
    "USER",
    "VOLUME",
    "WORKDIR",
];

/// A parsed Dockerfile.
#[derive(Debug)]
pub struct Dockerfile {
    pub src: Source,
    pub instrs: Vec<Instr>,
    pub stages: Vec<Stage>,
}

/// One instruction, continuation lines joined.
#[derive(Debug, Clone)]
pub struct Instr {
    /// Upper-cased keyword (`RUN`).
    pub keyword: String,
    /// `--name=value` flags before the arguments (`--from=build`), value empty if none.
    pub flags: Vec<(String, String)>,
    /// The arguments after the flags; continuation lines joined with a space and heredoc
    /// bodies appended after a newline.
    pub args: String,
    /// 1-based first and last line.
    pub line: usize,
    pub end_line: usize,
}

/// One build stage: `FROM image [AS name]` and the instructions up to the next `FROM`.
#[derive(Debug, Clone)]
pub struct Stage {
    pub image: String,
    pub name: Option<String>,
    /// Index of the `FROM` in `instrs`; the stage runs to `end` (exclusive).
    pub from: usize,
    pub end: usize,
}

impl Instr {
    pub fn flag(&self, name: &str) -> Option<&str> {
        self.flags
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

impl Dockerfile {
    /// The instructions of a stage.
    pub fn stage_instrs(&self, stage: &Stage) -> &[Instr] {
        self.instrs.get(stage.from..stage.end).unwrap_or(&[])
    }

    pub fn final_stage(&self) -> Option<&Stage> {
        self.stages.last()
    }

    /// Is `image` the name of an earlier stage (so not a registry image)?
    pub fn is_stage_name(&self, image: &str, before: usize) -> bool {
        self.stages.iter().take_while(|s| s.from < before).any(|s| {
            s.name
                .as_deref()
                .is_some_and(|n| n.eq_ignore_ascii_case(image))
        }) || image.parse::<usize>().is_ok_and(|i| i < self.stages.len())
    }

    /// Where a finding about an instruction points: `needle` on its first line if there,
    /// else the keyword line.
    pub fn loc(&self, instr: &Instr, needle: &str) -> Loc {
        for line in instr.line..=instr.end_line {
            if self.src.line_text(line).contains(needle) && !needle.is_empty() {
                return self.src.find_on_line(line, needle);
            }
        }
        self.src.whole_line(instr.line)
    }
}

/// Parses a Dockerfile. Never panics.
pub fn parse(src: Source) -> super::ParseResult<Dockerfile> {
    match parse_instrs(&src) {
        Ok(instrs) => {
            let stages = stages(&instrs);
            Ok(Dockerfile {
                src,
                instrs,
                stages,
            })
        }
        Err(e) => Err(Box::new((src, e))),
    }
}

fn parse_instrs(src: &Source) -> Result<Vec<Instr>, ParseError> {
    let lines: Vec<&str> = (1..=src.line_count()).map(|l| src.line_text(l)).collect();
    let escape = escape_directive(&lines);
    let mut instrs = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i].trim_start();
        if line.is_empty() || line.starts_with('#') {
            i += 1;
            continue;
        }
        let start = i + 1;
        // Join continuation lines; comment and blank lines inside a continuation vanish.
        let mut logical = String::new();
        let mut current = line.to_string();
        loop {
            let trimmed = current.trim_end();
            if let Some(stripped) = trimmed.strip_suffix(escape) {
                logical.push_str(stripped);
                logical.push(' ');
                i += 1;
                while i < lines.len() {
                    let next = lines[i].trim_start();
                    if next.starts_with('#') || next.is_empty() {
                        i += 1;
                    } else {
                        break;
                    }
                }
                match lines.get(i) {
                    Some(next) => current = (*next).to_string(),
                    None => break,
                }
            } else {
                logical.push_str(trimmed);
                i += 1;
                break;
            }
        }
        let (word, rest) = split_word(&logical);
        let keyword = word.to_ascii_uppercase();
        if !KEYWORDS.contains(&keyword.as_str()) {
            let column = lines[start - 1].len() - line.len() + 1;
            let message = format!("unknown instruction `{word}`");
            return Err(ParseError {
                message,
                line: start,
                column,
            });
        }
        let (flags, mut args) = split_flags(rest);
        // Heredocs: `<<EOF`, `<<-EOF`, `<<"EOF"`; bodies follow the instruction line.
        if matches!(keyword.as_str(), "RUN" | "COPY" | "ADD") {
            for (delim, strip_tabs) in heredoc_delimiters(&args) {
                let open = i;
                let mut closed = false;
                while i < lines.len() {
                    let body_line = lines[i];
                    i += 1;
                    let cmp = if strip_tabs {
                        body_line.trim_start_matches('\t')
                    } else {
                        body_line
                    };
                    if cmp == delim {
                        closed = true;
                        break;
                    }
                    args.push('\n');
                    args.push_str(body_line);
                }
                if !closed {
                    let message = format!("heredoc `{delim}` is never terminated");
                    return Err(ParseError {
                        message,
                        line: open.max(start),
                        column: 1,
                    });
                }
            }
        }
        if instrs.is_empty() && keyword != "FROM" && keyword != "ARG" {
            let message = format!("`{keyword}` before the first FROM");
            return Err(ParseError {
                message,
                line: start,
                column: 1,
            });
        }
        instrs.push(Instr {
            keyword,
            flags,
            args,
            line: start,
            end_line: i.max(start),
        });
    }
    if !instrs.is_empty() && !instrs.iter().any(|i| i.keyword == "FROM") {
        return Err(ParseError {
            message: "no FROM instruction".into(),
            line: 1,
            column: 1,
        });
    }
    Ok(instrs)
}

/// `# escape=` directive among the leading comment lines.
fn escape_directive(lines: &[&str]) -> char {
    for line in lines {
        let Some(comment) = line.trim().strip_prefix('#') else {
            break;
        };
        if let Some((key, value)) = comment.split_once('=') {
            if key.trim().eq_ignore_ascii_case("escape") {
                return if value.trim() == "`" { '`' } else { '\\' };
            }
        } else {
            break;
        }
    }
    '\\'
}

fn split_word(s: &str) -> (&str, &str) {
    let s = s.trim_start();
    match s.find(char::is_whitespace) {
        Some(i) => (&s[..i], s[i..].trim_start()),
        None => (s, ""),
    }
}

fn split_flags(mut rest: &str) -> (Vec<(String, String)>, String) {
    let mut flags = Vec::new();
    while rest.starts_with("--") {
        let (word, tail) = split_word(rest);
        let flag = &word[2..];
        let (name, value) = flag.split_once('=').unwrap_or((flag, ""));
        flags.push((name.to_ascii_lowercase(), value.to_string()));
        rest = tail;
    }
    (flags, rest.to_string())
}

fn heredoc_delimiters(args: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let mut rest = args;
    while let Some(pos) = rest.find("<<") {
        let mut tail = &rest[pos + 2..];
        let strip = tail.starts_with('-');
        if strip {
            tail = &tail[1..];
        }
        let quoted = tail.starts_with(['"', '\'']);
        let body = tail.trim_start_matches(['"', '\'']);
        let word: String = body
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        let starts_alpha = word
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
        if starts_alpha
            && (quoted
                || word
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c == '_' || c.is_ascii_digit()))
        {
            out.push((word.clone(), strip));
        }
        rest = &tail[word.len().min(tail.len())..];
    }
    out
}

fn stages(instrs: &[Instr]) -> Vec<Stage> {
    let mut stages: Vec<Stage> = Vec::new();
    for (i, instr) in instrs.iter().enumerate() {
        if instr.keyword != "FROM" {
            continue;
        }
        if let Some(last) = stages.last_mut() {
            last.end = i;
        }
        let mut words = instr.args.split_whitespace();
        let image = words.next().unwrap_or("").to_string();
        let name = match (words.next(), words.next()) {
            (Some(as_kw), Some(name)) if as_kw.eq_ignore_ascii_case("as") => Some(name.to_string()),
            _ => None,
        };
        stages.push(Stage {
            image,
            name,
            from: i,
            end: instrs.len(),
        });
    }
    stages
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(text: &str) -> Dockerfile {
        parse(Source::in_memory("Dockerfile", text))
            .map_err(|e| e.1)
            .unwrap_or_else(|e| panic!("{e:?}"))
    }

    #[test]
    fn continuations_heredocs_and_stages() {
        let df = parse_ok(
            "# syntax=docker/dockerfile:1\nARG V=1\nFROM rust:1 AS build\nRUN apt-get update \\\n  # comment\n  && apt-get install -y x\nRUN <<EOF\ncurl x | sh\nEOF\nFROM scratch\nCOPY --from=build /a /a\n",
        );
        assert_eq!(df.instrs.len(), 6);
        assert_eq!(
            df.instrs[2].args,
            "apt-get update    && apt-get install -y x"
        );
        assert_eq!((df.instrs[2].line, df.instrs[2].end_line), (4, 6));
        assert!(df.instrs[3].args.contains("curl x | sh"));
        assert_eq!(df.stages.len(), 2);
        assert_eq!(df.stages[0].name.as_deref(), Some("build"));
        assert_eq!(df.instrs[5].flag("from"), Some("build"));
        assert_eq!(df.instrs[5].line, 11);
        assert!(df.is_stage_name("build", 5));
    }

    #[test]
    fn errors() {
        let e = |t: &str| parse(Source::in_memory("Dockerfile", t)).err().map(|e| e.1);
        assert_eq!(e("FROM a\nFORM b\n").map(|e| e.line), Some(2));
        assert_eq!(e("RUN x\n").map(|e| e.line), Some(1));
        assert!(e("FROM a\nRUN <<EOF\nx\n").is_some());
        assert!(e("").is_none());
    }
}
