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
use super::sorter::{less, less_v3, sort_keys};
use crate::value::Value;
use base64::Engine as _;

/// sigs.k8s.io/yaml's `Marshal(v)` (with the final newline); the error is Go's message.
pub fn marshal(v: &Value) -> Result<String, String> {
    let node = to_node(v, 0).map_err(|e| match e {
        Fail::Json(msg) => format!("error marshaling into JSON: {msg}"),
        Fail::Yaml(msg) => msg,
    })?;
    Ok(emitter::emit(&node, emitter::V2))
}

enum Fail {
    Json(String),
    Yaml(String),
}

fn to_node(v: &Value, depth: usize) -> Result<Node, Fail> {
    if depth > MAX_DEPTH {
        return Err(Fail::Json(format!(
            "json: unsupported value: encountered a cycle via {}",
            v.type_name()
        )));
    }
    Ok(match v {
        Value::Nil => plain("null"),
        Value::Bool(b) => plain(if *b { "true" } else { "false" }),
        Value::Int(i) | Value::Int64(i) => plain(&i.to_string()),
        Value::Uint(u) => plain(&u.to_string()),
        Value::Float(f) => {
            let Some(text) = format_json(*f) else {
                return Err(Fail::Json(format!(
                    "json: unsupported value: {}",
                    go_special(*f).unwrap_or("NaN")
                )));
            };
            plain(&number_from_json(&text))
        }
        Value::Str(s) => string(s)?,
        Value::Bytes(b) => string(&base64::engine::general_purpose::STANDARD.encode(b))?,
        Value::List(l) => {
            let items = l.items.borrow();
            let mut out = Vec::with_capacity(items.len());
            for item in items.iter() {
                out.push(to_node(item, depth + 1)?);
            }
            Node::Seq(out)
        }
        Value::Map(m) => {
            let entries = m.borrow();
            let mut out = Vec::with_capacity(entries.len());
            for (k, item) in entries.iter() {
                out.push((k.clone(), to_node(item, depth + 1)?));
            }
            drop(entries);
            sort_keys(&mut out, less);
            let mut pairs = Vec::with_capacity(out.len());
            for (k, node) in out {
                pairs.push((string(&k)?, node));
            }
            Node::Map(pairs)
        }
        Value::Object(o) => to_node(&o.to_json(), depth + 1)?,
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
        Value::Bool(b) => plain(if *b { "true" } else { "false" }),
        Value::Int(i) | Value::Int64(i) => plain(&i.to_string()),
        Value::Uint(u) => plain(&u.to_string()),
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
            let mut out = Vec::with_capacity(entries.len());
            for (k, item) in entries.iter() {
                out.push((k.clone(), to_node_v3(item, depth + 1)?));
            }
            drop(entries);
            sort_keys(&mut out, less_v3);
            Node::Map(out.into_iter().map(|(k, n)| (string_v3(&k), n)).collect())
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
    Node::Scalar(s.to_string(), style)
}

fn plain(s: &str) -> Node {
    Node::Scalar(s.to_string(), Style::Plain)
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
fn check_readable(s: &str) -> Result<(), Fail> {
    let ok = |c: char| {
        matches!(c as u32,
            0x09 | 0x0A | 0x0D | 0x20..=0x7E | 0x85 | 0xA0..=0xD7FF | 0xE000..=0xFFFD | 0x10000..=0x10FFFF)
    };
    // encoding/json escapes C0 controls (and U+2028/U+2029), so they never reach the reader raw.
    if s.chars().all(|c| (c as u32) < 0x20 || ok(c)) {
        Ok(())
    } else {
        Err(Fail::Yaml(
            "yaml: control characters are not allowed".into(),
        ))
    }
}

/// go-yaml v2's `stringv`: plain when the text reads back as the same string, double-quoted when
/// it would read as something else, literal when it has a line break.
fn string(s: &str) -> Result<Node, Fail> {
    check_readable(s)?;
    let can_use_plain = resolve(s) == Resolved::Str && !is_base60_float(s);
    let style = if s.contains('\n') {
        Style::Literal
    } else if can_use_plain {
        Style::Plain
    } else {
        Style::DoubleQuoted
    };
    Ok(Node::Scalar(s.to_string(), style))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn map(entries: &[(&str, Value)]) -> Value {
        Value::map(
            entries
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect::<BTreeMap<_, _>>(),
        )
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
