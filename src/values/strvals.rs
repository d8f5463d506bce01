//! Helm's `--set` syntax (`strvals`), parsed exactly as Helm parses it but building span-carrying
//! nodes: `a.b=c,d=e`, `a[0].b=c`, `a[1]=x` (pads with null), `a={x,y}`, `a\.b=c`, `a=x\,y`,
//! `a=` (empty string), `a=null` (null, which deletes the key when merged).
//!
//! Values go into the tree that already holds the `-f` files (Helm's `ParseInto`), so `a[1]=x`
//! edits a list given by `-f`, and `a.b=c` over a scalar `a` is an error, as in Helm.

use crate::source::{FileId, Span};
use crate::yaml::{Node, ThinVec, Value};

use super::tree::{empty_map, position, set, str_node};

/// Helm's limits: deepest dotted name and largest list index.
const MAX_NESTED_NAME_LEVEL: usize = 30;
const MAX_INDEX: usize = 65536;

/// How values are read.
pub enum Mode<'a> {
    /// `--set`: `true`/`false`/`null`, integers not starting with 0, else strings.
    Typed,
    /// `--set-string`: always strings.
    Strings,
    /// `--set-json`: each value is JSON.
    Json,
    /// `--set-file`: the value is a path; the node is the file's content. The reader gets the
    /// path and returns the content or why it could not be read.
    File(&'a mut dyn FnMut(&str) -> std::result::Result<String, String>),
}

/// Why an expression could not be applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// Malformed text.
    Syntax,
    /// Well-formed, but goes through a value of the wrong kind (`a.b=1` when `a` is a string).
    Conflict,
    /// `--set-file` could not read its file.
    File,
}

/// A malformed expression: where, what, and the form that would work.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SetError {
    pub kind: ErrorKind,
    pub start: usize,
    pub end: usize,
    pub message: String,
    pub label: String,
    pub help: String,
    /// For conflicts: where the value in the way was set.
    pub earlier: Option<Span>,
}

enum Stop {
    /// The text is used up: parsing ends normally.
    Eof,
    Error(SetError),
}

type Result<T> = std::result::Result<T, Stop>;

/// Parses `text` (the argument of one flag, stored as `file`) into `root` (a map).
pub fn parse_into(
    text: &str,
    file: FileId,
    mode: Mode<'_>,
    root: &mut Node,
) -> std::result::Result<(), SetError> {
    if !matches!(root.value, Value::Map(_)) {
        *root = empty_map(Span::new(file, 0, text.len()));
    }
    let Value::Map(entries) = &mut root.value else {
        return Ok(());
    };
    let mut p = Parser {
        text,
        pos: 0,
        file,
        mode,
    };
    loop {
        match p.key(entries, 0) {
            Ok(()) => continue,
            Err(Stop::Eof) => return Ok(()),
            Err(Stop::Error(e)) => return Err(e),
        }
    }
}

struct Parser<'a, 'm> {
    text: &'a str,
    pos: usize,
    file: FileId,
    mode: Mode<'m>,
}

/// Text read up to a stop character: unescaped content, its raw span, and the stop (None at end).
struct Run {
    value: String,
    start: usize,
    end: usize,
    stop: Option<char>,
}

impl Parser<'_, '_> {
    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, start, end)
    }

    fn err(&self, start: usize, end: usize, message: String, label: &str, help: &str) -> Stop {
        Stop::Error(SetError {
            earlier: None,
            kind: ErrorKind::Syntax,
            start,
            end,
            message,
            label: label.to_string(),
            help: help.to_string(),
        })
    }

    /// One nesting level below `level`, or Helm's error past its nesting limit.
    fn deeper(&self, level: usize, start: usize, end: usize) -> Result<usize> {
        if level + 1 > MAX_NESTED_NAME_LEVEL {
            return Err(self.err(
                start,
                end,
                format!("value name nested level is greater than maximum supported nested level of {MAX_NESTED_NAME_LEVEL}"),
                "too deep",
                "use -f with a values file for deeply nested values",
            ));
        }
        Ok(level + 1)
    }

    fn peek(&self) -> Option<char> {
        self.text.get(self.pos..).and_then(|r| r.chars().next())
    }

    fn next_char(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    /// Reads up to one of `stops` (consumed), honouring `\` escapes.
    fn runes_until(&mut self, stops: &[char]) -> Run {
        let start = self.pos;
        let mut value = String::new();
        loop {
            let here = self.pos;
            match self.next_char() {
                None => {
                    return Run {
                        value,
                        start,
                        end: here,
                        stop: None,
                    };
                }
                Some(c) if stops.contains(&c) => {
                    return Run {
                        value,
                        start,
                        end: here,
                        stop: Some(c),
                    };
                }
                Some('\\') => match self.next_char() {
                    Some(n) => value.push(n),
                    None => {
                        return Run {
                            value,
                            start,
                            end: self.pos,
                            stop: None,
                        };
                    }
                },
                Some(c) => value.push(c),
            }
        }
    }

    fn key(&mut self, data: &mut ThinVec<(Node, Node)>, level: usize) -> Result<()> {
        let run = self.runes_until(&['=', '[', ',', '.']);
        let key_span = self.span(run.start, run.end);
        let key_node = str_node(run.value.clone(), key_span);
        let k = run.value.as_str();
        match run.stop {
            None if k.is_empty() => Err(Stop::Eof),
            None => Err(self.err(
                run.start,
                run.end,
                format!("key {k:?} has no value"),
                "no `=` after this key",
                &format!("write `{k}=VALUE` (several: `{k}=1,other=2`)"),
            )),
            Some(',') => Err(self.err(
                run.end,
                run.end + 1,
                format!("key {k:?} has no value (cannot end with ,)"),
                "a comma before any `=`",
                &format!(
                    "write `{k}=VALUE,...`; to put a comma inside a value, escape it: `{k}=a\\,b`"
                ),
            )),
            Some('[') => {
                let index = self.key_index()?;
                let existing = match position(data, k).and_then(|i| data.get_mut(i)) {
                    Some((_, node)) => match &mut node.value {
                        Value::Seq(items) => std::mem::take(items),
                        _ => return Err(self.conflict(k, node, run.start, run.end, "a list")),
                    },
                    None => ThinVec::new(),
                };
                let list_start = run.start;
                let list = self.list_item(existing, index, level)?;
                // Helm ignores an empty key (`[0]=x`), after parsing what follows.
                if !k.is_empty() {
                    set(
                        data,
                        key_node,
                        Node::new(Value::Seq(list), self.span(list_start, self.pos)),
                    );
                }
                Ok(())
            }
            Some('=') => {
                let value = self.value_after_equals()?;
                if !k.is_empty() {
                    set(data, key_node, value);
                }
                Ok(())
            }
            Some(_) => {
                // A dot: a nested map.
                let level = self.deeper(level, run.start, run.end)?;
                let inner_start = self.pos;
                let mut inner = match position(data, k).and_then(|i| data.get_mut(i)) {
                    Some((_, node)) => match &mut node.value {
                        Value::Map(entries) => std::mem::take(entries),
                        _ => return Err(self.conflict(k, node, run.start, run.end, "a map")),
                    },
                    None => ThinVec::new(),
                };
                let result = self.key(&mut inner, level);
                if result.is_ok() && inner.is_empty() {
                    return Err(self.err(
                        run.start,
                        run.end,
                        format!("key map {k:?} has no value"),
                        "nothing is set under this key",
                        &format!("write `{k}.NAME=VALUE`"),
                    ));
                }
                if !inner.is_empty() && !k.is_empty() {
                    set(
                        data,
                        key_node,
                        Node::new(Value::Map(inner), self.span(inner_start, self.pos)),
                    );
                }
                result
            }
        }
    }

    /// Helm panics (and reports "unable to parse key") when a path goes through a value of the
    /// wrong kind: `a.b=1` when `a` is already a string.
    fn conflict(&self, key: &str, existing: &Node, start: usize, end: usize, wanted: &str) -> Stop {
        let stop = self.err(
            start,
            end,
            format!(
                "cannot set inside {key:?}: it is already {} ({}), not {wanted}",
                a(existing.type_name()),
                describe(existing)
            ),
            &format!("{key:?} is not {wanted}"),
            &format!(
                "set `{key}` itself (`{key}=...`), or remove the earlier value that made it {}",
                a(existing.type_name())
            ),
        );
        match stop {
            Stop::Error(e) => Stop::Error(SetError {
                kind: ErrorKind::Conflict,
                earlier: Some(existing.site()),
                ..e
            }),
            other => other,
        }
    }

    fn key_index(&mut self) -> Result<usize> {
        let run = self.runes_until(&[']']);
        if run.stop.is_none() {
            return Err(self.err(
                run.start.saturating_sub(1),
                run.end,
                "list index is not closed with `]`".into(),
                "opened here",
                "write an index such as `name[0]=value`",
            ));
        }
        let text = run.value.trim();
        match text.parse::<i64>() {
            Ok(i) if i < 0 => Err(self.err(
                run.start,
                run.end,
                format!("negative {i} index not allowed"),
                "negative",
                "list indexes start at 0",
            )),
            Ok(i) => {
                let i = usize::try_from(i).unwrap_or(usize::MAX);
                if i > MAX_INDEX {
                    return Err(self.err(
                        run.start,
                        run.end,
                        format!(
                            "index of {i} is greater than maximum supported index of {MAX_INDEX}"
                        ),
                        "too large",
                        "use -f with a values file for long lists",
                    ));
                }
                Ok(i)
            }
            Err(_) => Err(self.err(
                run.start,
                run.end,
                format!("list index {:?} is not a number", run.value),
                "expected a number",
                "write an index such as `name[0]=value`",
            )),
        }
    }

    fn list_item(
        &mut self,
        mut list: ThinVec<Node>,
        index: usize,
        level: usize,
    ) -> Result<ThinVec<Node>> {
        let index_span = self.span(self.pos.saturating_sub(1), self.pos);
        let run = self.runes_until(&['[', '.', '=']);
        if !run.value.is_empty() {
            return Err(self.err(
                run.start,
                run.end,
                format!("unexpected data at end of array index: {:?}", run.value),
                "expected `=`, `.` or `[` after `]`",
                "write `name[0]=value` or `name[0].field=value`",
            ));
        }
        match run.stop {
            None => Err(self.err(
                run.start.saturating_sub(1),
                run.end,
                "list element has no value".into(),
                "no `=` after the index",
                "write `name[0]=value`",
            )),
            Some('=') => {
                let value = self.value_after_equals()?;
                set_index(&mut list, index, value, index_span);
                Ok(list)
            }
            Some('[') => {
                // A list in a list nests as deep as a dotted name, and recurses the same way.
                let level = self.deeper(level, run.start, run.end)?;
                let next = self.key_index()?;
                let current = match list.get_mut(index) {
                    Some(node) => match &mut node.value {
                        Value::Seq(items) => std::mem::take(items),
                        Value::Null => ThinVec::new(),
                        _ => {
                            return Err(self.conflict(
                                &format!("[{index}]"),
                                node,
                                run.start,
                                run.end,
                                "a list",
                            ));
                        }
                    },
                    None => ThinVec::new(),
                };
                let start = self.pos;
                let inner = self.list_item(current, next, level)?;
                set_index(
                    &mut list,
                    index,
                    Node::new(Value::Seq(inner), self.span(start, self.pos)),
                    index_span,
                );
                Ok(list)
            }
            Some(_) => {
                // `.`: a map inside the list; a non-map element there is replaced, as in Helm.
                let start = self.pos;
                let mut inner = match list.get_mut(index).map(|n| &mut n.value) {
                    Some(Value::Map(entries)) => std::mem::take(entries),
                    _ => ThinVec::new(),
                };
                self.key(&mut inner, level)?;
                set_index(
                    &mut list,
                    index,
                    Node::new(Value::Map(inner), self.span(start, self.pos)),
                    index_span,
                );
                Ok(list)
            }
        }
    }

    /// The value after `=`: JSON for --set-json, else a `{a,b}` list or a plain value.
    fn value_after_equals(&mut self) -> Result<Node> {
        if matches!(self.mode, Mode::Json) {
            return self.json_value();
        }
        let start = self.pos;
        match self.peek() {
            None => return Ok(str_node("", self.span(start, start))),
            Some('{') => {
                self.pos += 1;
                return self.value_list(start);
            }
            Some(_) => {}
        }
        let run = self.runes_until(&[',']);
        self.read_value(&run.value, run.start, run.end)
    }

    fn value_list(&mut self, open: usize) -> Result<Node> {
        let mut items = ThinVec::new();
        loop {
            let run = self.runes_until(&[',', '}']);
            match run.stop {
                None => {
                    return Err(self.err(
                        open,
                        open + 1,
                        "list must terminate with '}'".into(),
                        "this list is not closed",
                        "write a list as `name={a,b,c}`",
                    ));
                }
                Some('}') => {
                    items.push(self.read_value(&run.value, run.start, run.end)?);
                    if self.peek() == Some(',') {
                        self.pos += 1;
                    }
                    return Ok(Node::new(Value::Seq(items), self.span(open, run.end + 1)));
                }
                Some(_) => items.push(self.read_value(&run.value, run.start, run.end)?),
            }
        }
    }

    fn read_value(&mut self, raw: &str, start: usize, end: usize) -> Result<Node> {
        let span = self.span(start, end);
        match &mut self.mode {
            Mode::Typed => Ok(Node::new(typed_value(raw), span)),
            Mode::Strings | Mode::Json => Ok(str_node(raw, span)),
            Mode::File(reader) => match reader(raw) {
                Ok(content) => Ok(str_node(content, span)),
                Err(why) => Err(Stop::Error(SetError {
                    earlier: None,
                    kind: ErrorKind::File,
                    start,
                    end,
                    message: format!("cannot read {raw:?} for --set-file: {why}"),
                    label: "this file".into(),
                    help:
                        "--set-file takes key=PATH; the path is relative to the current directory"
                            .into(),
                })),
            },
        }
    }

    /// `--set-json`: empty means null; otherwise one JSON value, then optional blanks and a comma.
    fn json_value(&mut self) -> Result<Node> {
        if self.empty_value() {
            return Ok(Node::new(Value::Null, self.span(self.pos, self.pos)));
        }
        let start = self.pos;
        let rest = self.text.get(start..).unwrap_or("");
        let mut stream = serde_json::Deserializer::from_str(rest).into_iter::<serde_json::Value>();
        match stream.next() {
            Some(Ok(json)) => {
                let end = start + stream.byte_offset();
                self.pos = end;
                self.empty_value();
                Ok(Node::from_json(&json, self.span(start, end)))
            }
            Some(Err(e)) => {
                let at = json_error_offset(rest, e.line(), e.column()).map_or(start, |o| start + o);
                let caret_end = self
                    .text
                    .get(at..)
                    .and_then(|r| r.chars().next())
                    .map_or(at, |c| at + c.len_utf8());
                Err(self.err(at, caret_end, format!("invalid JSON value: {e}"), "JSON parsing stopped here", "write JSON after `=`, e.g. `name={\"a\":1}` or `list=[1,2]` (quote the whole argument in the shell)"))
            }
            None => Ok(Node::new(Value::Null, self.span(start, start))),
        }
    }

    /// Skips blanks; true (and a comma consumed) when the value is empty.
    fn empty_value(&mut self) -> bool {
        loop {
            match self.peek() {
                None => return true,
                Some(',') => {
                    self.pos += 1;
                    return true;
                }
                Some(c) if c.is_whitespace() => self.pos += c.len_utf8(),
                Some(_) => return false,
            }
        }
    }
}

/// serde_json reports a 1-based line and a 1-based column counted in bytes of the line
/// (`SliceRead::position_of_index`), 0 meaning unknown.
fn json_error_offset(text: &str, line: usize, column: usize) -> Option<usize> {
    let mut offset = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            let mut within = column.saturating_sub(1).min(l.len());
            while !l.is_char_boundary(within) {
                within -= 1;
            }
            return Some(offset + within);
        }
        offset += l.len();
    }
    None
}

fn set_index(list: &mut ThinVec<Node>, index: usize, value: Node, pad_span: Span) {
    while list.len() <= index {
        list.push(Node::new(Value::Null, pad_span));
    }
    if let Some(slot) = list.get_mut(index) {
        *slot = value;
    }
}

/// Helm's `typedVal` for `--set`.
pub fn typed_value(raw: &str) -> Value {
    if raw.eq_ignore_ascii_case("true") {
        return Value::Bool(true);
    }
    if raw.eq_ignore_ascii_case("false") {
        return Value::Bool(false);
    }
    if raw.eq_ignore_ascii_case("null") {
        return Value::Null;
    }
    if raw == "0" {
        return Value::Int(0);
    }
    if !raw.is_empty()
        && !raw.starts_with('0')
        && let Ok(i) = raw.parse::<i64>()
    {
        return Value::Int(i);
    }
    Value::Str(raw.into())
}

fn describe(node: &Node) -> String {
    match node.scalar_text() {
        Some(s) => format!("{s:?}"),
        None => node.type_name().to_string(),
    }
}

fn a(type_name: &str) -> String {
    match type_name {
        "array" | "object" | "integer" => format!("an {type_name}"),
        _ => format!("a {type_name}"),
    }
}
