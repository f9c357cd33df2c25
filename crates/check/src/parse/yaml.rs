//! YAML through `yaml-rust2`'s event parser, built into a small tree whose every node keeps
//! its line and column (the crate's own document type drops them).

use std::collections::HashMap;

use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::TScalarStyle;

use super::ParseError;
use crate::source::{Loc, Source};

/// A parsed YAML file: one node per document.
#[derive(Debug)]
pub struct YamlFile {
    pub src: Source,
    pub docs: Vec<YNode>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct YNode {
    pub val: YVal,
    /// 1-based line and column of the node's first character.
    pub line: usize,
    pub column: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub enum YVal {
    /// A scalar and whether it was written plain (unquoted), so `null`/`true` can be told
    /// from `"null"`/`"true"`.
    Scalar(String, bool),
    Seq(Vec<YNode>),
    Map(Vec<(YNode, YNode)>),
}

/// Nodes allowed per file, counting alias expansions (stops "billion laughs").
const MAX_NODES: usize = 1_000_000;
/// Nesting accepted (the tree is built without recursion, but rules recurse on it).
const MAX_DEPTH: usize = 200;

impl YNode {
    pub fn as_str(&self) -> Option<&str> {
        match &self.val {
            YVal::Scalar(s, _) => Some(s),
            _ => None,
        }
    }

    /// A plain scalar that YAML reads as null (`~`, `null`, empty).
    pub fn is_null(&self) -> bool {
        matches!(&self.val, YVal::Scalar(s, true) if s.is_empty() || s == "~" || s == "null" || s == "Null" || s == "NULL")
    }

    pub fn as_map(&self) -> Option<&[(YNode, YNode)]> {
        match &self.val {
            YVal::Map(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[YNode]> {
        match &self.val {
            YVal::Seq(items) => Some(items),
            _ => None,
        }
    }

    /// The value under a string key of a mapping.
    pub fn get(&self, key: &str) -> Option<&YNode> {
        self.entry(key).map(|(_, v)| v)
    }

    /// The key node and value under a string key.
    pub fn entry(&self, key: &str) -> Option<(&YNode, &YNode)> {
        self.as_map()?
            .iter()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(k, v)| (k, v))
    }

    /// Follows string keys.
    pub fn path(&self, keys: &[&str]) -> Option<&YNode> {
        keys.iter().try_fold(self, |node, key| node.get(key))
    }

    /// Mapping entries with string keys.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &YNode, &YNode)> {
        self.as_map()
            .unwrap_or(&[])
            .iter()
            .filter_map(|(k, v)| k.as_str().map(|name| (name, k, v)))
    }

    /// Sequence items, or nothing.
    pub fn items(&self) -> impl Iterator<Item = &YNode> {
        self.as_seq().unwrap_or(&[]).iter()
    }

    /// Location of a scalar (its text on its first line), or of the node's start.
    pub fn loc(&self, src: &Source) -> Loc {
        match &self.val {
            YVal::Scalar(s, _) => {
                let first = s.lines().next().unwrap_or("");
                let text = src.line_text(self.line);
                let start: String = text.chars().skip(self.column - 1).collect();
                // Quoted scalars: point at the quotes too.
                let len = if start.starts_with(['"', '\'']) {
                    first.chars().count() + 2
                } else {
                    first.chars().count()
                };
                let len = len.min(start.chars().count()).max(1);
                Loc::line_span(self.line, self.column, len)
            }
            _ => src.find_on_line(self.line, src.line_text(self.line).trim()),
        }
    }
}

/// Closing brackets re-indented before a file is given up on.
const MAX_LENIENT_FIXES: usize = 50;

/// Parses every document of a YAML file. Never panics.
///
/// A flow collection's closing `]` or `}` on a line of its own, indented less than YAML
/// 1.2 wants (at its key's column or left of it), is accepted as Docker Compose's parser
/// (go-yaml) and libyaml accept it: the line is re-indented and the file parsed again,
/// with every line number kept.
pub fn parse(src: Source) -> super::ParseResult<YamlFile> {
    let mut text = std::borrow::Cow::Borrowed(src.text.as_str());
    let mut first_error = None;
    for _ in 0..=MAX_LENIENT_FIXES {
        match build(&text) {
            Ok(docs) => return Ok(YamlFile { src, docs }),
            Err(error) => {
                let fixed = reindent_closing_bracket(&text, error.line);
                first_error.get_or_insert(error);
                match fixed {
                    Some(fixed) => text = std::borrow::Cow::Owned(fixed),
                    None => break,
                }
            }
        }
    }
    let error = first_error.unwrap_or(ParseError {
        message: "could not parse".into(),
        line: 1,
        column: 1,
    });
    Err(Box::new((src, error)))
}

/// `text` with line `line` (1-based) indented like the line before it, when that line is
/// only a closing `]` or `}` (and a comment); `None` otherwise.
fn reindent_closing_bracket(text: &str, line: usize) -> Option<String> {
    let lines: Vec<&str> = text.split('\n').collect();
    let index = line.checked_sub(1)?;
    let target = lines.get(index)?;
    let content = target.trim_start();
    let rest = content.strip_prefix([']', '}'])?.trim_start();
    if !(rest.is_empty() || rest.starts_with('#') || rest.starts_with(',')) {
        return None;
    }
    let previous = lines[..index]
        .iter()
        .rev()
        .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))?;
    let indent = previous.len() - previous.trim_start().len();
    let current = target.len() - content.len();
    if indent <= current {
        return None;
    }
    let mut out: Vec<String> = lines.iter().map(|l| (*l).to_owned()).collect();
    out[index] = format!("{}{content}", " ".repeat(indent));
    Some(out.join("\n"))
}

enum Frame {
    Seq(Vec<YNode>, usize, usize, usize),
    Map(Vec<(YNode, YNode)>, Option<YNode>, usize, usize, usize),
}

fn build(text: &str) -> Result<Vec<YNode>, ParseError> {
    let mut parser = Parser::new_from_str(text);
    let mut docs = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: HashMap<usize, YNode> = HashMap::new();
    let mut nodes = 0usize;
    loop {
        let (event, marker) = parser.next_token().map_err(|e| ParseError {
            message: e.info().to_string(),
            line: e.marker().line(),
            column: e.marker().col() + 1,
        })?;
        let (line, column) = (marker.line(), marker.col() + 1);
        let error = |message: &str| ParseError {
            message: message.to_string(),
            line,
            column,
        };
        let node = match event {
            Event::StreamEnd => break,
            Event::Nothing | Event::StreamStart | Event::DocumentStart | Event::DocumentEnd => {
                continue;
            }
            Event::Scalar(value, style, anchor, _) => {
                let node = YNode {
                    val: YVal::Scalar(value, style == TScalarStyle::Plain),
                    line,
                    column,
                };
                if anchor > 0 {
                    anchors.insert(anchor, node.clone());
                }
                node
            }
            Event::Alias(id) => {
                let node = anchors
                    .get(&id)
                    .cloned()
                    .ok_or_else(|| error("unknown alias"))?;
                nodes += count(&node);
                YNode {
                    line,
                    column,
                    ..node
                }
            }
            Event::SequenceStart(anchor, _) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(error("nesting too deep"));
                }
                stack.push(Frame::Seq(Vec::new(), anchor, line, column));
                continue;
            }
            Event::MappingStart(anchor, _) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(error("nesting too deep"));
                }
                stack.push(Frame::Map(Vec::new(), None, anchor, line, column));
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (val, anchor, line, column) = match stack.pop() {
                    Some(Frame::Seq(items, a, l, c)) => (YVal::Seq(items), a, l, c),
                    Some(Frame::Map(items, _, a, l, c)) => (YVal::Map(merge_keys(items)), a, l, c),
                    None => return Err(error("unbalanced collection")),
                };
                let node = YNode { val, line, column };
                if anchor > 0 {
                    anchors.insert(anchor, node.clone());
                }
                node
            }
        };
        nodes += 1;
        if nodes > MAX_NODES {
            return Err(error("too many nodes (alias expansion?)"));
        }
        match stack.last_mut() {
            None => docs.push(node),
            Some(Frame::Seq(items, ..)) => items.push(node),
            Some(Frame::Map(items, key, ..)) => match key.take() {
                None => *key = Some(node),
                Some(k) => items.push((k, node)),
            },
        }
    }
    Ok(docs)
}

/// Expands YAML merge keys (`<<: *defaults`, `<<: [*a, *b]`): entries of the merged maps
/// that the mapping does not set itself are added, as Compose and GitHub read them.
fn merge_keys(items: Vec<(YNode, YNode)>) -> Vec<(YNode, YNode)> {
    if !items
        .iter()
        .any(|(k, _)| matches!(&k.val, YVal::Scalar(s, true) if s == "<<"))
    {
        return items;
    }
    let (merges, mut own): (Vec<_>, Vec<_>) = items
        .into_iter()
        .partition(|(k, _)| matches!(&k.val, YVal::Scalar(s, true) if s == "<<"));
    for (_, value) in merges {
        let sources: Vec<YNode> = match value.val {
            YVal::Map(_) => vec![value],
            YVal::Seq(items) => items,
            YVal::Scalar(..) => Vec::new(),
        };
        for source in sources {
            if let YVal::Map(entries) = source.val {
                for (k, v) in entries {
                    if !own.iter().any(|(existing, _)| existing.val == k.val) {
                        own.push((k, v));
                    }
                }
            }
        }
    }
    own
}

fn count(node: &YNode) -> usize {
    let mut n = 0;
    let mut todo = vec![node];
    while let Some(node) = todo.pop() {
        n += 1;
        match &node.val {
            YVal::Scalar(..) => {}
            YVal::Seq(items) => todo.extend(items),
            YVal::Map(items) => todo.extend(items.iter().flat_map(|(k, v)| [k, v])),
        }
    }
    n
}

#[cfg(test)]
mod lenient_tests {
    use super::*;

    #[test]
    fn a_closing_bracket_at_its_keys_column_is_accepted_as_compose_accepts_it() {
        let text = "services:\n  web:\n    healthcheck:\n      test: [\n          \"CMD\",\n      ]\n      interval: 5s\n";
        let file = parse(Source::in_memory("compose.yaml", text)).expect("parses");
        let web = file.docs[0]
            .path(&["services", "web", "healthcheck"])
            .expect("web");
        assert_eq!(web.get("interval").and_then(YNode::as_str), Some("5s"));
        assert_eq!(
            web.get("test").expect("test").line,
            4,
            "line numbers are kept"
        );
        // Truly broken YAML is still an error, at its first place.
        let broken = parse(Source::in_memory("x.yaml", "a: [\nb: c\n"));
        assert!(broken.is_err());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes_keep_lines() {
        let text = "on:\n  push:\njobs:\n  a:\n    steps:\n      - uses: \"x@v1\"\n";
        let file = parse(Source::in_memory("w.yml", text))
            .map_err(|e| e.1)
            .unwrap_or_else(|e| panic!("{e:?}"));
        let step = file.docs[0]
            .path(&["jobs", "a", "steps"])
            .and_then(|s| s.items().next());
        let uses = step
            .and_then(|s| s.get("uses"))
            .unwrap_or_else(|| panic!("no uses"));
        assert_eq!((uses.line, uses.column), (6, 15));
        assert_eq!(uses.loc(&file.src), Loc::line_span(6, 15, 6));
        assert!(file.docs[0].get("on").is_some());
    }

    #[test]
    fn merge_keys_are_expanded() {
        let text = "x: &base {healthcheck: {test: ok}, image: a}\nsvc:\n  <<: *base\n  image: b\n";
        let file = parse(Source::in_memory("c.yml", text))
            .map_err(|e| e.1)
            .unwrap_or_else(|e| panic!("{e:?}"));
        let svc = file.docs[0].get("svc").unwrap_or_else(|| panic!("no svc"));
        assert!(svc.get("healthcheck").is_some());
        assert_eq!(svc.get("image").and_then(YNode::as_str), Some("b"));
        assert!(svc.get("<<").is_none());
    }

    #[test]
    fn aliases_expand_and_errors_have_lines() {
        let file = parse(Source::in_memory("a.yml", "a: &x {b: 1}\nc: *x\n")).map_err(|e| e.1);
        let file = file.unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(
            file.docs[0].path(&["c", "b"]).and_then(YNode::as_str),
            Some("1")
        );
        let err = parse(Source::in_memory("b.yml", "a: 1\nb: [1, 2\n")).err();
        assert!(err.is_some_and(|b| b.1.line >= 2));
    }
}
