//! The parse tree, after Go's `text/template/parse` (node.go), with a byte span on every node so
//! errors and origins point at the template text. A [`Tree`] is one template: a file's top level or
//! one `define`/`block` body. Trees hold no runtime values: they are `Send + Sync` and can be
//! parsed once and shared.

use std::sync::Arc;

/// A name or short string of the template text (a function, field or variable name, a string
/// constant): up to 23 bytes are held inline, so most cost no allocation (a template has tens
/// of thousands of them and parsing allocated one `String` each).
pub type Name = smol_str::SmolStr;

/// A byte range in the template text the tree was parsed from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span {
            start: u32::try_from(start).unwrap_or(u32::MAX),
            end: u32::try_from(end).unwrap_or(u32::MAX),
        }
    }
}

/// One template: what `{{ template "name" }}` and `include` find by name.
#[derive(Debug)]
pub struct Tree {
    /// The template's name: the file name for a file's top level, the `define`d name otherwise.
    pub name: String,
    /// The name of the file (parse call) the tree came from: Go's `ParseName`, which error
    /// messages print as `template: FILE:LINE:COL: …`.
    pub parse_name: String,
    /// The whole text of that file; spans index into it (line and column are derived).
    pub text: Arc<str>,
    /// Shared: copies of one file (each subchart vendors its own `common`) share one parse.
    pub root: Arc<List>,
}

impl Tree {
    /// The text a span of this tree covers ("" if it is out of range, which a tree's own spans
    /// never are).
    pub fn span_text(&self, span: Span) -> &str {
        span_text(&self.text, span)
    }
}

/// The elements of a tree's lists, pipelines, commands and field chains: one element held
/// inline, more in a boxed slice of their exact size. Most pipelines have one command and most
/// variables one segment, and a `Vec` allocated for each was most of a parse's allocations
/// (and of dropping a tree). Reads as a slice.
#[derive(Debug, Clone)]
pub enum Seq<T> {
    One(T),
    Many(Box<[T]>),
}

impl<T> Default for Seq<T> {
    fn default() -> Self {
        Seq::Many(Box::default())
    }
}

impl<T> std::ops::Deref for Seq<T> {
    type Target = [T];
    #[inline]
    fn deref(&self) -> &[T] {
        match self {
            Seq::One(t) => std::slice::from_ref(t),
            Seq::Many(b) => b,
        }
    }
}

impl<'a, T> IntoIterator for &'a Seq<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<T: PartialEq<U>, U, const N: usize> PartialEq<[U; N]> for Seq<T> {
    fn eq(&self, other: &[U; N]) -> bool {
        **self == other[..]
    }
}

impl<T> From<Vec<T>> for Seq<T> {
    fn from(mut v: Vec<T>) -> Self {
        if v.len() == 1
            && let Some(only) = v.pop()
        {
            return Seq::One(only);
        }
        Seq::Many(v.into_boxed_slice())
    }
}

impl<T> Seq<T> {
    /// `v[base..]` moved out (`v` keeps `v[..base]`): one element by value, more in one
    /// block of their exact size.
    #[inline]
    pub(crate) fn take_from(v: &mut Vec<T>, base: usize) -> Self {
        let base = base.min(v.len());
        if v.len() == base + 1
            && let Some(only) = v.pop()
        {
            return Seq::One(only);
        }
        Seq::Many(take_exact(v, base).into_boxed_slice())
    }
}

/// `v[base..]` moved into a vector of its exact size, in one block; `v` keeps `v[..base]` and
/// its capacity. (`split_off(0)` would hand over `v`'s whole buffer, and `drain().collect()`
/// moves the elements one by one.)
pub(crate) fn take_exact<T>(v: &mut Vec<T>, base: usize) -> Vec<T> {
    if base == 0 {
        let mut out = Vec::with_capacity(v.len());
        out.append(v);
        return out;
    }
    v.split_off(base)
}

/// A sequence of nodes (Go's ListNode).
#[derive(Debug, Default)]
pub struct List {
    pub span: Span,
    pub nodes: Seq<Node>,
}

#[derive(Debug)]
pub enum Node {
    /// Plain text, already trimmed by `{{-`/`-}}`: the span of the tree's text kept
    /// ([`Tree::span_text`]), not a copy (text is most of a template).
    Text {
        span: Span,
    },
    /// `{{ pipeline }}`: prints the pipeline's value unless it declares or assigns variables.
    Action {
        span: Span,
        pipe: Pipe,
    },
    /// `{{/* … */}}`: kept so tools can see it; renders nothing.
    Comment {
        span: Span,
    },
    // Boxed, as the template's pipeline: text and actions are most nodes, and an inline
    // branch made every node 144 bytes instead of 80.
    If(Box<Branch>),
    /// `range`; `else` runs when there is nothing to iterate.
    Range(Box<Branch>),
    With(Box<Branch>),
    /// `{{ template "name" pipeline }}` (also what `block` leaves in place).
    Template {
        span: Span,
        name: String,
        pipe: Option<Box<Pipe>>,
    },
    Break {
        span: Span,
    },
    Continue {
        span: Span,
    },
}

/// `if`/`range`/`with`: the pipeline, the body and the optional `else` part. `else if` and
/// `else with` are an else list holding one nested If/With, as Go parses them.
#[derive(Debug)]
pub struct Branch {
    pub span: Span,
    pub pipe: Pipe,
    pub list: List,
    pub else_list: Option<List>,
}

/// `$x := a | b c | d` (Go's PipeNode).
#[derive(Debug, Default)]
pub struct Pipe {
    pub span: Span,
    /// `=` rather than `:=`.
    pub is_assign: bool,
    /// Declared or assigned variables: none, one, or two in `range $k, $v :=`.
    pub decl: Box<[Variable]>,
    pub cmds: Seq<Command>,
}

/// One stage of a pipeline: a function call, method call or single operand.
#[derive(Debug)]
pub struct Command {
    pub span: Span,
    pub args: Seq<Arg>,
}

/// `$name.Field.Chain` (`$` alone is the template's starting dot).
#[derive(Debug, Clone)]
pub struct Variable {
    pub span: Span,
    /// `["$x", "Field", "Chain"]`, as Go's VariableNode.Ident.
    pub ident: Seq<Name>,
}

#[derive(Debug)]
pub enum Arg {
    /// `.`
    Dot(Span),
    Nil(Span),
    Bool(Span, bool),
    /// Boxed: numbers are rare in templates and the number is 80 bytes, which would make every
    /// argument that size.
    Number(Span, Box<Number>),
    /// A quoted or raw string, unquoted.
    String(Span, Name),
    /// A function name.
    Identifier(Span, Name),
    /// `.A.B` (fields of dot).
    Field(Span, Seq<Name>),
    Variable(Variable),
    /// `(pipeline).A.B` or `$x.A` after a parenthesised term (Go's ChainNode).
    Chain(Span, Box<Arg>, Seq<Name>),
    /// `( pipeline )`
    Pipe(Span, Box<Pipe>),
}

impl Arg {
    pub fn span(&self) -> Span {
        match self {
            Arg::Dot(s)
            | Arg::Nil(s)
            | Arg::Bool(s, _)
            | Arg::Number(s, _)
            | Arg::String(s, _)
            | Arg::Identifier(s, _)
            | Arg::Field(s, _)
            | Arg::Chain(s, _, _)
            | Arg::Pipe(s, _) => *s,
            Arg::Variable(v) => v.span,
        }
    }
}

/// A numeric constant as Go's NumberNode classifies it: one text may be several kinds at once
/// (`1` is int, uint and float); the executor picks by context (Go's `idealConstant`).
#[derive(Debug, Clone, Default)]
pub struct Number {
    pub text: Name,
    pub int: Option<i64>,
    pub uint: Option<u64>,
    pub float: Option<f64>,
    /// Complex constants (`1i`) are parsed by Go but never useful in charts.
    pub is_complex: bool,
    /// A character constant (`'a'`), which is an int (rune).
    pub is_char: bool,
}

/// Line (1-based) and column of a byte offset in `text` as Go's `ErrorContext` prints them in
/// `name:LINE:COL`: the column is the byte offset from the start of the line, counted from 0
/// (Go's quirk, kept so messages match Helm's).
pub fn go_line_col(text: &str, offset: u32) -> (usize, usize) {
    let offset = (offset as usize).min(text.len());
    let before = text.get(..offset).unwrap_or("");
    let line = before.bytes().filter(|b| *b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, offset - line_start)
}

impl List {
    /// Go's `parse.IsEmptyTree`: only text that is all whitespace, and comments. Such a
    /// template never replaces an existing one of the same name. `src` is the tree's text.
    pub fn is_empty_tree(&self, src: &str) -> bool {
        self.nodes.iter().all(|n| match n {
            Node::Text { span } => span_text(src, *span).trim().is_empty(),
            Node::Comment { .. } => true,
            _ => false,
        })
    }
}

impl Node {
    pub fn span(&self) -> Span {
        match self {
            Node::Text { span }
            | Node::Action { span, .. }
            | Node::Comment { span }
            | Node::Template { span, .. }
            | Node::Break { span }
            | Node::Continue { span } => *span,
            Node::If(b) | Node::Range(b) | Node::With(b) => b.span,
        }
    }
}

// Go's `String()` of nodes (node.go `writeTo`), which Go prints as the context of execution
// errors (`at <.Values.x>`). `src` is the tree's text: string constants print as written.

impl List {
    pub fn go_string(&self, src: &str) -> String {
        let mut out = String::new();
        self.write_go(src, &mut out);
        out
    }

    fn write_go(&self, src: &str, out: &mut String) {
        for n in &self.nodes {
            n.write_go(src, out);
        }
    }
}

impl Node {
    pub fn go_string(&self, src: &str) -> String {
        let mut out = String::new();
        self.write_go(src, &mut out);
        out
    }

    fn write_go(&self, src: &str, out: &mut String) {
        match self {
            Node::Text { span } => out.push_str(span_text(src, *span)),
            Node::Action { pipe, .. } => {
                out.push_str("{{");
                pipe.write_go(src, out);
                out.push_str("}}");
            }
            // Go prints a comment's text with its markers; the span covers `/* … */`.
            Node::Comment { span } => {
                out.push_str("{{");
                out.push_str(span_text(src, *span));
                out.push_str("}}");
            }
            Node::If(b) => b.write_go("if", src, out),
            Node::Range(b) => b.write_go("range", src, out),
            Node::With(b) => b.write_go("with", src, out),
            Node::Template { name, pipe, .. } => {
                out.push_str("{{template ");
                out.push_str(&crate::fmt::quote(name));
                if let Some(p) = pipe {
                    out.push(' ');
                    p.write_go(src, out);
                }
                out.push_str("}}");
            }
            Node::Break { .. } => out.push_str("{{break}}"),
            Node::Continue { .. } => out.push_str("{{continue}}"),
        }
    }
}

impl Branch {
    fn write_go(&self, keyword: &str, src: &str, out: &mut String) {
        out.push_str("{{");
        out.push_str(keyword);
        out.push(' ');
        self.pipe.write_go(src, out);
        out.push_str("}}");
        self.list.write_go(src, out);
        if let Some(e) = &self.else_list {
            out.push_str("{{else}}");
            e.write_go(src, out);
        }
        out.push_str("{{end}}");
    }
}

impl Pipe {
    pub fn go_string(&self, src: &str) -> String {
        let mut out = String::new();
        self.write_go(src, &mut out);
        out
    }

    fn write_go(&self, src: &str, out: &mut String) {
        if !self.decl.is_empty() {
            for (i, v) in self.decl.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&v.ident.join("."));
            }
            out.push_str(if self.is_assign { " = " } else { " := " });
        }
        for (i, c) in self.cmds.iter().enumerate() {
            if i > 0 {
                out.push_str(" | ");
            }
            c.write_go(src, out);
        }
    }
}

impl Command {
    pub fn go_string(&self, src: &str) -> String {
        let mut out = String::new();
        self.write_go(src, &mut out);
        out
    }

    fn write_go(&self, src: &str, out: &mut String) {
        for (i, a) in self.args.iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            a.write_go(src, out);
        }
    }
}

impl Arg {
    /// An `Arg::Pipe` prints in parentheses, as Go prints it inside a command or chain; Go's
    /// PipeNode on its own (an error's context) prints without: use [`Pipe::go_string`].
    pub fn go_string(&self, src: &str) -> String {
        let mut out = String::new();
        self.write_go(src, &mut out);
        out
    }

    fn write_go(&self, src: &str, out: &mut String) {
        match self {
            Arg::Dot(_) => out.push('.'),
            Arg::Nil(_) => out.push_str("nil"),
            Arg::Bool(_, b) => out.push_str(if *b { "true" } else { "false" }),
            Arg::Number(_, n) => out.push_str(&n.text),
            Arg::String(span, _) => out.push_str(span_text(src, *span)),
            Arg::Identifier(_, name) => out.push_str(name),
            Arg::Field(_, ident) => {
                for f in ident {
                    out.push('.');
                    out.push_str(f);
                }
            }
            Arg::Variable(v) => out.push_str(&v.ident.join(".")),
            Arg::Chain(_, base, fields) => {
                base.write_go(src, out);
                for f in fields {
                    out.push('.');
                    out.push_str(f);
                }
            }
            Arg::Pipe(_, p) => {
                out.push('(');
                p.write_go(src, out);
                out.push(')');
            }
        }
    }
}

fn span_text(src: &str, span: Span) -> &str {
    src.get(span.start as usize..span.end as usize)
        .unwrap_or("")
}
