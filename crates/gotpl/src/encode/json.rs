//! Go's `encoding/json` encoder over [`Value`]: `json.Marshal` (toJson), `MarshalIndent` with two
//! spaces (toPrettyJson) and an `Encoder` without HTML escaping (toRawJson).
//!
//! Map keys come out sorted by bytes (a `BTreeMap` already is); strings escape `"`, `\`, control
//! characters (`\n`, `\r`, `\t`, `\b`, `\f`, else `\u00XX`), U+2028/U+2029 and, unless raw, `<`,
//! `>`, `&`; `[]byte` is standard base64; floats use [`format_json`]; NaN and ±Inf are errors, as is
//! a structure deeper than [`MAX_DEPTH`] (reported as Go reports a cycle).

use base64::Engine as _;

use super::float::{format_json, go_special};
use crate::value::Value;

/// Deepest value the encoders and decoders accept. Go detects cycles from depth 1000 and go-yaml
/// allows 10000; kforge refuses anything deeper than this outright (a map that contains itself
/// through `set` included), which keeps the recursion within a small thread stack. Real values
/// nest a few dozen levels.
pub const MAX_DEPTH: usize = 256;

#[derive(Clone, Copy)]
pub struct Style {
    pub escape_html: bool,
    /// `Some(unit)`: `MarshalIndent(v, "", unit)`.
    pub indent: Option<&'static str>,
}

pub const COMPACT: Style = Style {
    escape_html: true,
    indent: None,
};
pub const PRETTY: Style = Style {
    escape_html: true,
    indent: Some("  "),
};
pub const RAW: Style = Style {
    escape_html: false,
    indent: None,
};

/// `json.Marshal` and friends; the error is Go's `err.Error()`.
pub fn marshal(v: &Value, style: Style) -> Result<String, String> {
    let mut out = String::new();
    write_value(&mut out, v, style, 0)?;
    Ok(out)
}

fn cycle_error(v: &Value) -> String {
    format!(
        "json: unsupported value: encountered a cycle via {}",
        v.type_name()
    )
}

fn newline(out: &mut String, style: Style, depth: usize) {
    if let Some(unit) = style.indent {
        out.push('\n');
        for _ in 0..depth {
            out.push_str(unit);
        }
    }
}

fn write_value(out: &mut String, v: &Value, style: Style, depth: usize) -> Result<(), String> {
    if depth > MAX_DEPTH {
        return Err(cycle_error(v));
    }
    match v {
        Value::Nil => out.push_str("null"),
        Value::List(l) if l.nil => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) | Value::Int64(i) => out.push_str(&i.to_string()),
        Value::Uint(u) => out.push_str(&u.to_string()),
        Value::Uint8(u) => out.push_str(&u.to_string()),
        Value::Float(f) => match format_json(*f) {
            Some(text) => out.push_str(&text),
            None => {
                return Err(format!(
                    "json: unsupported value: {}",
                    go_special(*f).unwrap_or("NaN")
                ));
            }
        },
        Value::Str(s) => write_string(out, s, style.escape_html),
        Value::Bytes(b) => {
            out.push('"');
            out.push_str(&base64::engine::general_purpose::STANDARD.encode(b));
            out.push('"');
        }
        Value::List(l) => {
            let items = l.items.borrow();
            if items.is_empty() {
                out.push_str("[]");
                return Ok(());
            }
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, style, depth + 1);
                write_value(out, item, style, depth + 1)?;
            }
            newline(out, style, depth);
            out.push(']');
        }
        Value::Map(m) => {
            let entries = m.borrow();
            if entries.is_empty() {
                out.push_str("{}");
                return Ok(());
            }
            out.push('{');
            for (i, (k, item)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, style, depth + 1);
                write_string(out, k, style.escape_html);
                out.push(':');
                if style.indent.is_some() {
                    out.push(' ');
                }
                write_value(out, item, style, depth + 1)?;
            }
            newline(out, style, depth);
            out.push('}');
        }
        Value::Object(o) => write_value(out, &o.to_json(), style, depth + 1)?,
    }
    Ok(())
}

/// encoding/json's `appendString`.
pub fn write_string(out: &mut String, s: &str, escape_html: bool) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' if escape_html => {
                push_u4(out, c as u32, HEX);
            }
            c if (c as u32) < 0x20 => push_u4(out, c as u32, HEX),
            '\u{2028}' | '\u{2029}' => push_u4(out, c as u32, HEX),
            c => out.push(c),
        }
    }
    out.push('"');
}

fn push_u4(out: &mut String, c: u32, hex: &[u8; 16]) {
    out.push_str("\\u");
    for shift in [12, 8, 4, 0] {
        let nibble = ((c >> shift) & 0xF) as usize;
        out.push(char::from(*hex.get(nibble).unwrap_or(&b'0')));
    }
}

#[cfg(test)]
mod tests {

    use super::*;

    fn map(entries: &[(&str, Value)]) -> Value {
        Value::map_of(entries)
    }

    #[test]
    fn compact_escapes_and_orders() {
        let v = map(&[
            ("b", Value::str("<a & b>")),
            (
                "a",
                Value::list(vec![Value::Float(1e6), Value::Float(1e-7)]),
            ),
            ("\u{2028}", Value::str("tab\there\u{1}")),
            ("n", Value::Nil),
        ]);
        assert_eq!(
            marshal(&v, COMPACT).unwrap(),
            r#"{"a":[1000000,1e-7],"b":"\u003ca \u0026 b\u003e","n":null,"\u2028":"tab\there\u0001"}"#
        );
        assert_eq!(marshal(&Value::str("<&>"), RAW).unwrap(), r#""<&>""#);
    }

    #[test]
    fn pretty_layout() {
        let v = map(&[
            ("a", Value::list(vec![Value::Int(1), Value::empty_map()])),
            ("b", Value::list(vec![])),
        ]);
        assert_eq!(
            marshal(&v, PRETTY).unwrap(),
            "{\n  \"a\": [\n    1,\n    {}\n  ],\n  \"b\": []\n}"
        );
    }

    #[test]
    fn unsupported_values() {
        assert_eq!(
            marshal(&Value::Float(f64::INFINITY), COMPACT).unwrap_err(),
            "json: unsupported value: +Inf"
        );
        let m = Value::empty_map();
        if let Value::Map(inner) = &m {
            inner.borrow_mut().insert("self".into(), m.clone());
        }
        assert_eq!(
            marshal(&m, COMPACT).unwrap_err(),
            "json: unsupported value: encountered a cycle via map[string]interface {}"
        );
        if let Value::Map(inner) = &m {
            inner.borrow_mut().clear();
        }
    }

    #[test]
    fn bytes_are_base64() {
        let v = Value::Bytes(std::rc::Rc::from(&b"hi!"[..]));
        assert_eq!(marshal(&v, COMPACT).unwrap(), r#""aGkh""#);
    }
}
