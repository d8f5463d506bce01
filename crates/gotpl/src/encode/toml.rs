//! `toToml`: BurntSushi/toml v1.6.0's encoder (`encode.go`) as Helm calls it (`NewEncoder`,
//! two-space indent). Keys whose values are not tables come first, each group sorted by bytes;
//! nested tables are `[a.b]` headers indented two spaces per level, lists of maps `[[a]]`, other
//! lists and maps inside lists inline; floats always show a decimal point (`8080.0`); nil values
//! are left out; a nil inside a list is an error. Objects use their JSON form.

use super::float::format_g;
use super::json::MAX_DEPTH;
use crate::value::Value;

const ERR_NIL_ELEMENT: &str = "toml: cannot encode array with nil element";
const ERR_NO_KEY: &str = "toml: top-level values must be Go maps or structs";

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Scalar,
    Array,
    Hash,
    ArrayHash,
}

struct Encoder {
    out: String,
}

/// `Encoder.Encode(v)`; the error is the message Helm's `toToml` returns as its result.
pub fn encode(v: &Value) -> Result<String, String> {
    if v.is_nil() {
        // Go reflects on a nil interface before checking it.
        return Err("reflect: call of reflect.Value.Type on zero Value".into());
    }
    let mut enc = Encoder { out: String::new() };
    enc.encode(&[], v, 0)?;
    Ok(enc.out)
}

fn resolved(v: &Value) -> Value {
    match v {
        Value::Object(o) => o.to_json(),
        other => other.clone(),
    }
}

/// `tomlTypeOfGo`: `None` for nil. A list holding nil is an error even here.
fn kind_of(v: &Value, depth: usize) -> Result<Option<Kind>, String> {
    if depth > MAX_DEPTH {
        return Err("toml: value nested too deeply".into());
    }
    Ok(match resolved(v) {
        Value::Nil => None,
        // BurntSushi's `isNil`: a nil slice is no value either.
        Value::List(l) if l.nil => None,
        Value::Map(_) => Some(Kind::Hash),
        Value::List(l) => {
            let items = l.items.borrow();
            if items.is_empty() {
                return Ok(Some(Kind::Array));
            }
            let mut all_hash = true;
            for item in items.iter() {
                match kind_of(item, depth + 1)? {
                    None => return Err(ERR_NIL_ELEMENT.into()),
                    Some(Kind::Hash) => {}
                    Some(_) => all_hash = false,
                }
            }
            Some(if all_hash {
                Kind::ArrayHash
            } else {
                Kind::Array
            })
        }
        Value::Bytes(_) => Some(Kind::Array),
        _ => Some(Kind::Scalar),
    })
}

fn is_bare(k: &str) -> bool {
    !k.is_empty()
        && k.chars()
            .all(|r| r.is_ascii_alphanumeric() || r == '_' || r == '-')
}

/// `dblQuotedReplacer`.
fn quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c as u32 == 0x7F => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn key_piece(k: &str) -> String {
    if k.is_empty() {
        "\"\"".into()
    } else if is_bare(k) {
        k.to_string()
    } else {
        quote(k)
    }
}

fn key_string(key: &[String]) -> String {
    key.iter()
        .map(|k| key_piece(k))
        .collect::<Vec<_>>()
        .join(".")
}

fn indent(key: &[String]) -> String {
    "  ".repeat(key.len().saturating_sub(1))
}

fn float_text(f: f64) -> String {
    if f.is_nan() {
        return if f.is_sign_negative() { "-nan" } else { "nan" }.into();
    }
    if f.is_infinite() {
        return if f < 0.0 { "-inf" } else { "inf" }.into();
    }
    let s = format_g(f);
    if s.contains('e') || s.contains('.') {
        s
    } else {
        s + ".0"
    }
}

impl Encoder {
    fn newline(&mut self) {
        if !self.out.is_empty() {
            self.out.push('\n');
        }
    }

    fn encode(&mut self, key: &[String], v: &Value, depth: usize) -> Result<(), String> {
        if depth > MAX_DEPTH {
            return Err("toml: value nested too deeply".into());
        }
        let v = resolved(v);
        match &v {
            Value::Nil => Ok(()),
            Value::List(l) if l.nil => Ok(()),
            Value::Map(_) => self.table(key, &v, depth),
            Value::List(_) if kind_of(&v, depth)? == Some(Kind::ArrayHash) => {
                self.array_of_tables(key, &v, depth)
            }
            _ => self.key_value(key, &v, false, depth),
        }
    }

    fn key_value(
        &mut self,
        key: &[String],
        v: &Value,
        inline: bool,
        depth: usize,
    ) -> Result<(), String> {
        let Some(last) = key.last() else {
            return self.element(v, depth);
        };
        self.out.push_str(&indent(key));
        self.out.push_str(&key_piece(last));
        self.out.push_str(" = ");
        self.element(v, depth)?;
        if !inline {
            self.newline();
        }
        Ok(())
    }

    fn element(&mut self, v: &Value, depth: usize) -> Result<(), String> {
        if depth > MAX_DEPTH {
            return Err("toml: value nested too deeply".into());
        }
        match resolved(v) {
            Value::Str(s) => self.out.push_str(&quote(&s)),
            Value::Bool(b) => self.out.push_str(if b { "true" } else { "false" }),
            Value::Int(i) | Value::Int64(i) => self.out.push_str(&i.to_string()),
            Value::Uint(u) => self.out.push_str(&u.to_string()),
            Value::Uint8(u) => self.out.push_str(&u.to_string()),
            Value::Float(f) => self.out.push_str(&float_text(f)),
            Value::Bytes(b) => {
                let items: Vec<String> = b.iter().map(u8::to_string).collect();
                self.out.push('[');
                self.out.push_str(&items.join(", "));
                self.out.push(']');
            }
            Value::List(l) => {
                let items = l.items.borrow().clone();
                self.out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if item.is_nil() {
                        return Err(ERR_NIL_ELEMENT.into());
                    }
                    self.element(item, depth + 1)?;
                    if i + 1 != items.len() {
                        self.out.push_str(", ");
                    }
                }
                self.out.push(']');
            }
            m @ Value::Map(_) => self.map(&[], &m, true, depth)?,
            Value::Nil => return Err(ERR_NIL_ELEMENT.into()),
            Value::Object(_) => {}
        }
        Ok(())
    }

    fn array_of_tables(&mut self, key: &[String], v: &Value, depth: usize) -> Result<(), String> {
        if key.is_empty() {
            return Err(ERR_NO_KEY.into());
        }
        let Value::List(l) = v else { return Ok(()) };
        let items = l.items.borrow().clone();
        for item in &items {
            if item.is_nil() {
                continue;
            }
            self.newline();
            self.out.push_str(&indent(key));
            self.out.push_str("[[");
            self.out.push_str(&key_string(key));
            self.out.push_str("]]");
            self.newline();
            self.map(key, &resolved(item), false, depth + 1)?;
        }
        Ok(())
    }

    fn table(&mut self, key: &[String], v: &Value, depth: usize) -> Result<(), String> {
        if key.len() == 1 {
            self.newline();
        }
        if !key.is_empty() {
            self.out.push_str(&indent(key));
            self.out.push('[');
            self.out.push_str(&key_string(key));
            self.out.push(']');
            self.newline();
        }
        self.map(key, v, false, depth)
    }

    fn map(&mut self, key: &[String], v: &Value, inline: bool, depth: usize) -> Result<(), String> {
        let Value::Map(m) = v else { return Ok(()) };
        let entries: Vec<(String, Value)> = m
            .borrow()
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let mut direct = Vec::new();
        let mut sub = Vec::new();
        for (k, item) in entries {
            match kind_of(&item, depth + 1)? {
                Some(Kind::Hash | Kind::ArrayHash) => sub.push((k, item)),
                _ => direct.push((k, item)),
            }
        }
        if inline {
            self.out.push('{');
        }
        let trail = !sub.is_empty();
        for (group, trail_comma) in [(direct, trail), (sub, false)] {
            let n = group.len();
            for (i, (k, item)) in group.into_iter().enumerate() {
                if item.is_nil() {
                    continue;
                }
                let mut child: Vec<String> = if inline { Vec::new() } else { key.to_vec() };
                child.push(k);
                if inline {
                    self.key_value(&child, &item, true, depth + 1)?;
                    if trail_comma || i + 1 != n {
                        self.out.push_str(", ");
                    }
                } else {
                    self.encode(&child, &item, depth + 1)?;
                }
            }
        }
        if inline {
            self.out.push('}');
        }
        Ok(())
    }
}
