//! Terraform (`.tf`, `.tfvars`) through `hcl-edit`, the parser behind `hcl-rs`, reduced to
//! a small tree of blocks and attributes that keeps byte spans.

use std::ops::Range;

use hcl_edit::Span;
use hcl_edit::expr::{Expression, ObjectKey};
use hcl_edit::structure::{Body, Structure};

use super::ParseError;
use crate::source::Source;

/// A parsed `.tf` or `.tfvars` file.
#[derive(Debug)]
pub struct TfFile {
    pub src: Source,
    pub body: TfBody,
}

#[derive(Debug, Default, Clone)]
pub struct TfBody {
    pub attrs: Vec<TfAttr>,
    pub blocks: Vec<TfBlock>,
}

#[derive(Debug, Clone)]
pub struct TfBlock {
    pub ident: String,
    pub labels: Vec<String>,
    pub body: TfBody,
    /// The block's identifier (where findings about the whole block point).
    pub ident_span: Range<usize>,
    pub span: Range<usize>,
}

#[derive(Debug, Clone)]
pub struct TfAttr {
    pub key: String,
    pub value: TfVal,
    pub span: Range<usize>,
    pub value_span: Range<usize>,
}

/// An attribute value: literals are decoded, anything computed is kept as source text.
#[derive(Debug, Clone, PartialEq)]
pub enum TfVal {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    Array(Vec<TfVal>),
    Object(Vec<(String, TfVal, Range<usize>)>),
    /// A reference, function call, template or other expression: its normalised text.
    Expr(String),
}

impl TfVal {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            TfVal::Str(s) => Some(s),
            _ => None,
        }
    }

    /// Numbers, and strings that hold a number (`"2"` is common in annotations).
    pub fn as_num(&self) -> Option<f64> {
        match self {
            TfVal::Num(n) => Some(*n),
            TfVal::Str(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            TfVal::Bool(b) => Some(*b),
            TfVal::Str(s) if s == "true" || s == "false" => Some(s == "true"),
            _ => None,
        }
    }

    /// Looks up a key of an object value.
    pub fn get(&self, key: &str) -> Option<(&TfVal, &Range<usize>)> {
        match self {
            TfVal::Object(items) => items
                .iter()
                .find(|(k, _, _)| k == key)
                .map(|(_, v, s)| (v, s)),
            _ => None,
        }
    }

    /// A canonical text form, used to compare values across environments.
    pub fn canonical(&self) -> String {
        match self {
            TfVal::Null => "null".into(),
            TfVal::Bool(b) => b.to_string(),
            TfVal::Num(n) => n.to_string(),
            TfVal::Str(s) => format!("{s:?}"),
            TfVal::Array(items) => {
                let items: Vec<String> = items.iter().map(TfVal::canonical).collect();
                format!("[{}]", items.join(", "))
            }
            TfVal::Object(items) => {
                let items: Vec<String> = items
                    .iter()
                    .map(|(k, v, _)| format!("{k} = {}", v.canonical()))
                    .collect();
                format!("{{{}}}", items.join(", "))
            }
            TfVal::Expr(e) => e.clone(),
        }
    }
}

impl TfBody {
    pub fn attr(&self, key: &str) -> Option<&TfAttr> {
        self.attrs.iter().find(|a| a.key == key)
    }

    pub fn blocks<'a>(&'a self, ident: &'a str) -> impl Iterator<Item = &'a TfBlock> + 'a {
        self.blocks.iter().filter(move |b| b.ident == ident)
    }

    pub fn block(&self, ident: &str) -> Option<&TfBlock> {
        self.blocks.iter().find(|b| b.ident == ident)
    }

    /// Follows nested blocks: `body.path(&["template", "scaling"])`.
    pub fn path(&self, idents: &[&str]) -> Option<&TfBlock> {
        let (first, rest) = idents.split_first()?;
        let mut block = self.block(first)?;
        for ident in rest {
            block = block.body.block(ident)?;
        }
        Some(block)
    }

    /// Every block with this identifier at any depth below this body.
    pub fn descendants<'a>(&'a self, ident: &str, out: &mut Vec<&'a TfBlock>) {
        for block in &self.blocks {
            if block.ident == ident {
                out.push(block);
            }
            block.body.descendants(ident, out);
        }
    }
}

impl TfBlock {
    pub fn label(&self, i: usize) -> &str {
        self.labels.get(i).map_or("", String::as_str)
    }
}

impl TfFile {
    /// `resource "TYPE" "NAME" { … }` blocks.
    pub fn resources(&self) -> impl Iterator<Item = &TfBlock> {
        self.body.blocks("resource").filter(|b| b.labels.len() == 2)
    }

    /// Resources of one of these types.
    pub fn resources_of<'a>(
        &'a self,
        types: &'a [&'a str],
    ) -> impl Iterator<Item = &'a TfBlock> + 'a {
        self.resources()
            .filter(move |b| types.contains(&b.label(0)))
    }
}

/// Parses HCL text. Never panics.
pub fn parse(src: Source) -> super::ParseResult<TfFile> {
    if let Some(offset) = super::too_deep(&src.text) {
        let (line, column) = src.position(offset);
        let message = format!("nesting deeper than {} levels", super::MAX_NESTING);
        return Err(Box::new((
            src,
            ParseError {
                message,
                line,
                column,
            },
        )));
    }
    match hcl_edit::parser::parse_body(&src.text) {
        Ok(body) => {
            let body = convert_body(&body, &src.text);
            Ok(TfFile { src, body })
        }
        Err(e) => {
            let loc = e.location();
            let message = e
                .message()
                .lines()
                .next()
                .unwrap_or("invalid HCL")
                .to_string();
            let error = ParseError {
                message,
                line: loc.line(),
                column: loc.column(),
            };
            Err(Box::new((src, error)))
        }
    }
}

fn span_of(item: &impl Span) -> Range<usize> {
    item.span().unwrap_or(0..0)
}

fn convert_body(body: &Body, text: &str) -> TfBody {
    let mut out = TfBody::default();
    for structure in body.iter() {
        match structure {
            Structure::Attribute(attr) => out.attrs.push(TfAttr {
                key: attr.key.as_str().to_string(),
                value: convert_expr(&attr.value, text),
                span: span_of(attr),
                value_span: span_of(&attr.value),
            }),
            Structure::Block(block) => out.blocks.push(TfBlock {
                ident: block.ident.as_str().to_string(),
                labels: block
                    .labels
                    .iter()
                    .map(|l| l.as_str().to_string())
                    .collect(),
                body: convert_body(&block.body, text),
                ident_span: span_of(&block.ident),
                span: span_of(block),
            }),
        }
    }
    out
}

fn convert_expr(expr: &Expression, text: &str) -> TfVal {
    match expr {
        Expression::Null(_) => TfVal::Null,
        Expression::Bool(b) => TfVal::Bool(*b.value()),
        Expression::Number(n) => n.as_f64().map_or_else(|| raw(expr, text), TfVal::Num),
        Expression::String(s) => TfVal::Str(s.value().to_string()),
        Expression::Array(items) => {
            TfVal::Array(items.iter().map(|e| convert_expr(e, text)).collect())
        }
        Expression::Object(object) => TfVal::Object(
            object
                .iter()
                .map(|(key, value)| {
                    let name = match key {
                        ObjectKey::Ident(ident) => ident.as_str().to_string(),
                        ObjectKey::Expression(Expression::String(s)) => s.value().to_string(),
                        ObjectKey::Expression(e) => raw_text(e, text),
                    };
                    let start = match key {
                        ObjectKey::Ident(i) => i.span(),
                        ObjectKey::Expression(e) => e.span(),
                    };
                    let span = start.map_or(0, |r| r.start)..span_of(value.expr()).end;
                    (name, convert_expr(value.expr(), text), span)
                })
                .collect(),
        ),
        Expression::Parenthesis(p) => convert_expr(p.inner(), text),
        _ => raw(expr, text),
    }
}

fn raw(expr: &Expression, text: &str) -> TfVal {
    TfVal::Expr(raw_text(expr, text))
}

fn raw_text(expr: &Expression, text: &str) -> String {
    let span = span_of(expr);
    let raw = text.get(span).unwrap_or("");
    raw.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_spans_and_values() {
        let text = "resource \"google_compute_instance\" \"vm\" {\n  machine_type = \"e2-small\"\n  count = 2\n  labels = { env = var.env, \"a/b\" = \"x\" }\n}\n";
        let file = parse(Source::in_memory("main.tf", text))
            .map_err(|e| e.1)
            .unwrap_or_else(|e| panic!("{e:?}"));
        let vm = file
            .resources()
            .next()
            .unwrap_or_else(|| panic!("no resource"));
        assert_eq!(vm.label(0), "google_compute_instance");
        let mt = vm
            .body
            .attr("machine_type")
            .unwrap_or_else(|| panic!("no attr"));
        assert_eq!(mt.value.as_str(), Some("e2-small"));
        assert_eq!(file.src.loc(mt.span.clone()).line, 2);
        assert_eq!(
            vm.body.attr("count").and_then(|a| a.value.as_num()),
            Some(2.0)
        );
        let labels = &vm
            .body
            .attr("labels")
            .unwrap_or_else(|| panic!("no labels"))
            .value;
        assert_eq!(
            labels.get("env").map(|v| v.0.clone()),
            Some(TfVal::Expr("var.env".into()))
        );
        assert_eq!(
            labels.get("a/b").map(|v| v.0.clone()),
            Some(TfVal::Str("x".into()))
        );
    }

    #[test]
    fn errors_have_positions() {
        let err = parse(Source::in_memory("bad.tf", "resource \"a\" {\n  x = \n}\n")).err();
        let err = err.unwrap_or_else(|| panic!("parsed")).1;
        assert!((2..=3).contains(&err.line), "{err:?}");
    }
}
