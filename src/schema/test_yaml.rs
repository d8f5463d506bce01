//! A tiny block-YAML reader for this module's unit tests only (the real loader lives in
//! `crate::yaml`): block maps and sequences, plain and quoted scalars, `{}` / `[]`, with spans.

use crate::object::Object;
use crate::source::{FileId, SourceKind, SourceMap, Span};
use crate::yaml::{Node, ScalarStyle, Value};

struct Line {
    indent: usize,
    /// Byte offsets of the content in the file.
    start: usize,
    end: usize,
}

pub fn parse(text: &str, file: FileId) -> Node {
    let mut lines = Vec::new();
    let mut offset = 0;
    for raw in text.split_inclusive('\n') {
        let content = raw.trim_end_matches(['\n', '\r']);
        let trimmed = content.trim_start();
        let indent = content.len() - trimmed.len();
        if !trimmed.is_empty() && !trimmed.starts_with('#') && trimmed != "---" {
            lines.push(Line {
                indent,
                start: offset + indent,
                end: offset + content.trim_end().len(),
            });
        }
        offset += raw.len();
    }
    let mut i = 0;
    match lines.first().map(|l| l.indent) {
        Some(ind) => block(text, file, &mut lines, &mut i, ind),
        None => Node::new(Value::Null, Span::new(file, 0, 0)),
    }
}

fn block(text: &str, file: FileId, lines: &mut [Line], i: &mut usize, ind: usize) -> Node {
    let Some(first) = lines.get(*i) else {
        return Node::new(Value::Null, Span::new(file, 0, 0));
    };
    let start = first.start;
    if text[first.start..first.end].starts_with('-') {
        let mut items = Vec::new();
        while let Some(l) = lines.get(*i) {
            let c = &text[l.start..l.end];
            if l.indent != ind || !c.starts_with('-') {
                break;
            }
            let rest = c[1..].trim_start();
            if rest.is_empty() {
                *i += 1;
                let child = lines.get(*i).map(|n| n.indent).filter(|n| *n > ind);
                items.push(match child {
                    Some(ci) => block(text, file, lines, i, ci),
                    None => Node::new(Value::Null, Span::new(file, l.end, l.end)),
                });
            } else if is_map_line(rest) {
                let col = l.end - rest.len();
                let new_indent = ind + (col - l.start);
                if let Some(m) = lines.get_mut(*i) {
                    m.indent = new_indent;
                    m.start = col;
                }
                items.push(block(text, file, lines, i, new_indent));
            } else {
                items.push(scalar(text, file, l.end - rest.len(), l.end));
                *i += 1;
            }
        }
        let end = items.last().map(|n| n.span.end as usize).unwrap_or(start);
        return Node::new(Value::Seq(items), Span::new(file, start, end));
    }
    let mut entries = Vec::new();
    while let Some(l) = lines.get(*i) {
        let c = &text[l.start..l.end];
        if l.indent != ind || c.starts_with('-') {
            break;
        }
        let (key_text, value_text) = match c.find(": ") {
            Some(p) => (&c[..p], c[p + 1..].trim_start()),
            None => (c.trim_end_matches(':'), ""),
        };
        let key = scalar(text, file, l.start, l.start + key_text.len());
        let (line_end, indent) = (l.end, l.indent);
        *i += 1;
        let value = if value_text.is_empty() {
            match lines.get(*i) {
                Some(n)
                    if n.indent > indent
                        || (n.indent == indent && text[n.start..n.end].starts_with('-')) =>
                {
                    let ni = n.indent;
                    block(text, file, lines, i, ni)
                }
                _ => Node::new(Value::Null, Span::new(file, line_end, line_end)),
            }
        } else {
            scalar(text, file, line_end - value_text.len(), line_end)
        };
        entries.push((key, value));
    }
    let end = entries
        .last()
        .map(|(_, v)| v.span.end as usize)
        .unwrap_or(start);
    Node::new(Value::Map(entries), Span::new(file, start, end))
}

fn is_map_line(c: &str) -> bool {
    !c.starts_with(['"', '\'', '{', '[']) && (c.contains(": ") || c.ends_with(':'))
}

fn scalar(text: &str, file: FileId, start: usize, end: usize) -> Node {
    let raw = &text[start..end];
    let raw = match raw.find(" #") {
        Some(p) => &raw[..p],
        None => raw,
    };
    let span = Span::new(file, start, start + raw.len());
    let (value, style) = if let Some(s) = raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
        (Value::Str(s.to_string()), ScalarStyle::DoubleQuoted)
    } else if let Some(s) = raw.strip_prefix('\'').and_then(|r| r.strip_suffix('\'')) {
        (Value::Str(s.to_string()), ScalarStyle::SingleQuoted)
    } else {
        let v = match raw {
            "{}" => Value::Map(Vec::new()),
            "[]" => Value::Seq(Vec::new()),
            "~" | "null" | "Null" | "NULL" => Value::Null,
            "true" | "True" | "TRUE" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "y" | "Y" => {
                Value::Bool(true)
            }
            "false" | "False" | "FALSE" | "no" | "No" | "NO" | "off" | "Off" | "OFF" | "n"
            | "N" => Value::Bool(false),
            _ => match (raw.parse::<i64>(), raw.parse::<f64>()) {
                (Ok(i), _) => Value::Int(i),
                (_, Ok(f)) if raw.contains('.') => Value::Float(f),
                _ => Value::Str(raw.to_string()),
            },
        };
        (v, ScalarStyle::Plain)
    };
    Node {
        value,
        span,
        style,
        alias: None,
    }
}

/// Objects of a `---`-separated manifest, added to `sources` as one file.
pub fn objects(sources: &mut SourceMap, name: &str, text: &str) -> Vec<Object> {
    let file = sources.add(name, text.to_string(), SourceKind::Manifest);
    let mut objects = Vec::new();
    let mut offset = 0;
    for doc in text.split_inclusive("---\n") {
        let root = parse(&pad_to(text, offset, doc.len()), file);
        offset += doc.len();
        if root.as_map().is_none() {
            continue;
        }
        let get = |k: &[&str]| {
            root.path(k)
                .and_then(Node::as_str)
                .unwrap_or("")
                .to_string()
        };
        objects.push(Object {
            api_version: get(&["apiVersion"]),
            kind: get(&["kind"]),
            name: get(&["metadata", "name"]),
            namespace: root
                .path(&["metadata", "namespace"])
                .and_then(Node::as_str)
                .map(str::to_string),
            span: root.span,
            index: objects.len(),
            root,
        });
    }
    objects
}

/// `text` with everything outside `offset..offset+len` blanked (newlines kept), so spans of one
/// document are offsets into the whole file.
fn pad_to(text: &str, offset: usize, len: usize) -> String {
    text.char_indices()
        .map(|(i, c)| {
            if (offset..offset + len).contains(&i) || c == '\n' {
                c
            } else {
                ' '
            }
        })
        .collect()
}
