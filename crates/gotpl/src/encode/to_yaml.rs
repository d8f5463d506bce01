//! `toYaml`: sigs.k8s.io/yaml's `Marshal`, which writes the value as JSON (encoding/json), reads
//! that JSON back with go-yaml v2 and marshals the result with go-yaml v2. The round trip is done
//! here without the text in between, keeping what it changes:
//! - numbers become JSON text first, then whatever go-yaml resolves that text to: integers stay
//!   integers (`1e6` → `1000000`), others are go-yaml floats printed with `%g` (`1e-7` → `1e-07`,
//!   `1234567.5` → `1.2345675e+06`), above 2^64 too (`1e20` → `1e+20`);
//! - `[]byte` becomes its base64 text; objects their JSON form;
//! - characters go-yaml's reader refuses (DEL, C1 controls, U+FFFE/U+FFFF) make the whole
//!   marshal fail, as they do in Helm (where `toYaml` then returns "");
//! - NaN and ±Inf fail in the JSON step; keys sort in go-yaml's natural order.

use super::emitter::{self, Node, Style};
use super::float::{format_g, format_json, go_special};
use super::json::MAX_DEPTH;
use super::resolve::{Resolved, go_parse_int, go_parse_uint, is_base60_float, resolve};
use super::sorter::{less, less_v3, sorted_order};
use std::rc::Rc;

use crate::value::Value;
use base64::Engine as _;

/// sigs.k8s.io/yaml's `Marshal(v)` (with the final newline); the error is Go's message. The JSON
/// step sees the whole value before go-yaml reads any of it, so a JSON error anywhere wins over
/// what go-yaml then trips on first.
pub fn marshal(v: &Value) -> Result<String, String> {
    let mut read = Reading::default();
    let node =
        to_node(v, 0, &mut read).map_err(|msg| format!("error marshaling into JSON: {msg}"))?;
    match read.problem {
        Some(Problem::Unreadable) => Err("yaml: control characters are not allowed".into()),
        Some(Problem::KeyBreak(line)) => Err(format!(
            "yaml: line {line}: did not find expected ',' or '}}'"
        )),
        None => Ok(emitter::emit(&node, emitter::V2)),
    }
}

/// What go-yaml meets reading the JSON text, in text order.
#[derive(Default)]
struct Reading {
    /// NEL characters so far: go-yaml (YAML 1.1) counts each as a line break.
    nels: usize,
    problem: Option<Problem>,
}

enum Problem {
    /// A character outside YAML's printable set.
    Unreadable,
    /// A NEL inside a key makes it a multi-line key, which a flow mapping refuses (at this line).
    KeyBreak(usize),
}

impl Reading {
    fn note(&mut self, p: Problem) {
        if self.problem.is_none() {
            self.problem = Some(p);
        }
    }
}

/// The go-yaml node for `v` after the JSON round trip; the error is encoding/json's.
fn to_node(v: &Value, depth: usize, read: &mut Reading) -> Result<Node, String> {
    if depth > MAX_DEPTH {
        return Err(format!(
            "json: unsupported value: encountered a cycle via {}",
            v.type_name()
        ));
    }
    Ok(match v {
        Value::Nil => plain("null"),
        Value::List(l) if l.nil => plain("null"),
        Value::Bool(b) => plain(if *b { "true" } else { "false" }),
        Value::Int(i) | Value::Int64(i) => plain(&i.to_string()),
        Value::Uint(u) => plain(&u.to_string()),
        Value::Uint8(u) => plain(&u.to_string()),
        Value::Float(f) => {
            let Some(text) = format_json(*f) else {
                return Err(format!(
                    "json: unsupported value: {}",
                    go_special(*f).unwrap_or("NaN")
                ));
            };
            plain(&number_from_json(&text))
        }
        Value::Str(s) => value_string(s, read),
        Value::Bytes(b) => string(&base64::engine::general_purpose::STANDARD.encode(b), read),
        Value::List(l) => {
            let items = l.items.borrow();
            let mut out = Vec::with_capacity(items.len());
            for item in items.iter() {
                out.push(to_node(item, depth + 1, read)?);
            }
            Node::Seq(out)
        }
        Value::Map(m) => {
            let entries = m.borrow();
            let keys: Vec<&str> = entries.keys().map(String::as_str).collect();
            let mut nodes: Vec<Option<Node>> = Vec::with_capacity(entries.len());
            let mut key_nodes: Vec<Option<Node>> = Vec::with_capacity(entries.len());
            // JSON order: each key, then its value.
            for (k, item) in entries.iter() {
                let nels = k.matches('\u{85}').count();
                if nels > 0 {
                    read.note(Problem::KeyBreak(read.nels + nels));
                }
                read.nels += nels;
                key_nodes.push(Some(string(k, read)));
                nodes.push(Some(to_node(item, depth + 1, read)?));
            }
            let mut pairs = Vec::with_capacity(keys.len());
            for i in sorted_order(&keys, less) {
                if let (Some(k), Some(node)) = (
                    key_nodes.get_mut(i).and_then(Option::take),
                    nodes.get_mut(i).and_then(Option::take),
                ) {
                    pairs.push((k, node));
                }
            }
            Node::Map(pairs)
        }
        Value::Object(o) => to_node(&o.to_json(), depth + 1, read)?,
    })
}

/// Helm's `toYamlPretty`: yaml.v3's encoder with `SetIndent(2)` on the value itself (no JSON
/// step: floats keep `%g` (`1e+06`), NaN is `.nan`, `[]byte` is a list of numbers, control
/// characters are escaped rather than refused). Objects go through their JSON form, an
/// approximation of v3's struct encoding.
pub fn marshal_pretty(v: &Value) -> Result<String, String> {
    let node = to_node_v3(v, 0)?;
    Ok(emitter::emit(&node, emitter::V3))
}

fn to_node_v3(v: &Value, depth: usize) -> Result<Node, String> {
    if depth > MAX_DEPTH {
        return Err("yaml: value nested too deeply".into());
    }
    Ok(match v {
        Value::Nil => plain("null"),
        Value::List(l) if l.nil => plain("null"),
        Value::Bool(b) => plain(if *b { "true" } else { "false" }),
        Value::Int(i) | Value::Int64(i) => plain(&i.to_string()),
        Value::Uint(u) => plain(&u.to_string()),
        Value::Uint8(u) => plain(&u.to_string()),
        Value::Float(f) => plain(match go_special(*f) {
            Some("+Inf") => ".inf",
            Some("-Inf") => "-.inf",
            Some(_) => ".nan",
            None => return Ok(plain(&format_g(*f))),
        }),
        Value::Str(s) => string_v3(s),
        Value::Bytes(b) => Node::Seq(b.iter().map(|x| plain(&x.to_string())).collect()),
        Value::List(l) => {
            let items = l.items.borrow();
            let mut out = Vec::with_capacity(items.len());
            for item in items.iter() {
                out.push(to_node_v3(item, depth + 1)?);
            }
            Node::Seq(out)
        }
        Value::Map(m) => {
            let entries = m.borrow();
            let keys: Vec<&str> = entries.keys().map(String::as_str).collect();
            let mut nodes: Vec<Option<Node>> = Vec::with_capacity(entries.len());
            for item in entries.values() {
                nodes.push(Some(to_node_v3(item, depth + 1)?));
            }
            let mut pairs = Vec::with_capacity(keys.len());
            for i in sorted_order(&keys, less_v3) {
                if let (Some(k), Some(node)) =
                    (keys.get(i), nodes.get_mut(i).and_then(Option::take))
                {
                    pairs.push((string_v3(k), node));
                }
            }
            Node::Map(pairs)
        }
        Value::Object(o) => to_node_v3(&o.to_json(), depth + 1)?,
    })
}

/// yaml.v3's `stringv`: its resolver knows only `true`/`false` as booleans, but it still quotes
/// YAML 1.1's `yes`/`no`/`on`/`off`/`y`/`n` (`isOldBool`), so the choice matches v2's.
fn string_v3(s: &str) -> Node {
    let can_use_plain = resolve(s) == Resolved::Str && !is_base60_float(s);
    let style = if s.contains('\n') {
        Style::Literal
    } else if can_use_plain {
        Style::Plain
    } else {
        Style::DoubleQuoted
    };
    Node::Scalar(Rc::from(s), style)
}

fn plain(s: &str) -> Node {
    Node::Scalar(Rc::from(s), Style::Plain)
}

/// What go-yaml makes of a JSON number's text: an int, a uint, else a float printed with `%g`.
fn number_from_json(text: &str) -> String {
    if let Some(i) = go_parse_int(text) {
        return i.to_string();
    }
    if let Some(u) = go_parse_uint(text) {
        return u.to_string();
    }
    match text.parse::<f64>() {
        Ok(f) => format_g(f),
        Err(_) => text.to_string(),
    }
}

/// go-yaml's reader: characters outside YAML's printable set end the parse of the JSON text.
fn readable(s: &str) -> bool {
    let ok = |c: char| {
        matches!(c as u32,
            0x09 | 0x0A | 0x0D | 0x20..=0x7E | 0x85 | 0xA0..=0xD7FF | 0xE000..=0xFFFD | 0x10000..=0x10FFFF)
    };
    // encoding/json escapes C0 controls (and U+2028/U+2029), so they never reach the reader raw.
    // Of ASCII, only DEL is refused.
    if s.is_ascii() {
        return !s.as_bytes().contains(&0x7F);
    }
    s.chars().all(|c| (c as u32) < 0x20 || ok(c))
}

/// go-yaml v2's `stringv`: plain when the text reads back as the same string, double-quoted when
/// it would read as something else, literal when it has a line break.
/// A string value: go-yaml reads a raw NEL in the JSON text as a line break inside a
/// double-quoted scalar, so the line folding of flow scalars applies to it.
fn value_string(s: &Rc<str>, read: &mut Reading) -> Node {
    if s.contains('\u{85}') {
        read.nels += s.matches('\u{85}').count();
        string(&fold_nel(s), read)
    } else {
        string_rc(s.clone(), read)
    }
}

/// Each run of spaces and NELs holding at least one NEL becomes one space (one NEL) or n-1 line
/// feeds (n NELs). JSON escapes every other break and tab, so only spaces can surround them.
fn fold_nel(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut run = String::new();
    let mut breaks = 0;
    let flush = |out: &mut String, run: &mut String, breaks: &mut usize| {
        match *breaks {
            0 => out.push_str(run),
            1 => out.push(' '),
            n => out.extend(std::iter::repeat_n('\n', n - 1)),
        }
        run.clear();
        *breaks = 0;
    };
    for c in s.chars() {
        match c {
            ' ' => run.push(c),
            '\u{85}' => breaks += 1,
            _ => {
                flush(&mut out, &mut run, &mut breaks);
                out.push(c);
            }
        }
    }
    flush(&mut out, &mut run, &mut breaks);
    out
}

fn string(s: &str, read: &mut Reading) -> Node {
    string_rc(Rc::from(s), read)
}

fn string_rc(s: Rc<str>, read: &mut Reading) -> Node {
    if !readable(&s) {
        read.note(Problem::Unreadable);
    }
    let can_use_plain = resolve(&s) == Resolved::Str && !is_base60_float(&s);
    let style = if s.contains('\n') {
        Style::Literal
    } else if can_use_plain {
        Style::Plain
    } else {
        Style::DoubleQuoted
    };
    Node::Scalar(s, style)
}

#[cfg(test)]
mod tests {

    use super::*;

    fn map(entries: &[(&str, Value)]) -> Value {
        Value::map_of(entries)
    }

    #[test]
    fn scalars_and_collections() {
        let v = map(&[
            ("port", Value::Float(8080.0)),
            ("big", Value::Float(1e6)),
            ("small", Value::Float(1e-7)),
            ("half", Value::Float(0.5)),
            ("yes", Value::str("yes")),
            ("empty", Value::str("")),
            (
                "list",
                Value::list(vec![Value::str("a"), Value::empty_map()]),
            ),
            ("none", Value::list(vec![])),
            ("nil", Value::Nil),
            ("at", Value::str("@x")),
            ("multi", Value::str("a\nb\n")),
        ]);
        assert_eq!(
            marshal(&v).unwrap(),
            "at: '@x'\nbig: 1000000\nempty: \"\"\nhalf: 0.5\nlist:\n- a\n- {}\nmulti: |\n  a\n  b\nnil: null\nnone: []\nport: 8080\nsmall: 1e-07\n\"yes\": \"yes\"\n"
        );
    }
}

#[cfg(test)]
mod depth_tests {
    use super::*;

    fn nested(depth: usize) -> Value {
        let mut v = Value::str("x");
        for _ in 0..depth {
            v = Value::list(vec![v]);
        }
        v
    }

    #[test]
    fn a_json_error_wins_over_an_unreadable_character() {
        let mut m = std::collections::BTreeMap::new();
        m.insert("a".to_string(), Value::str("x\u{7f}"));
        m.insert("b".to_string(), Value::Float(f64::NAN));
        assert_eq!(
            marshal(&Value::map(m)).unwrap_err(),
            "error marshaling into JSON: json: unsupported value: NaN"
        );
        assert_eq!(
            marshal(&Value::str("x\u{7f}")).unwrap_err(),
            "yaml: control characters are not allowed"
        );
    }

    #[test]
    fn deep_values_are_bounded() {
        assert!(marshal(&nested(250)).is_ok());
        assert!(marshal_pretty(&nested(250)).is_ok());
        assert_eq!(
            marshal(&nested(5000)).unwrap_err(),
            "error marshaling into JSON: json: unsupported value: encountered a cycle via []interface {}"
        );
        assert!(marshal_pretty(&nested(5000)).is_err());
    }
}
