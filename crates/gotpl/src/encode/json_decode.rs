//! Go's `json.Unmarshal` into `interface{}` over [`Value`]: objects become maps, arrays lists,
//! every number a float64, with Go's error messages (`invalid character 'x' looking for
//! beginning of value`, `unexpected end of JSON input`, `json: cannot unmarshal number 1e400 into
//! Go value of type float64`). Iterative; nesting is limited to [`MAX_DEPTH`] levels (Go allows
//! 10000, with the same message), since deeper values cost stack when dropped and printed.

use std::collections::BTreeMap;

use crate::value::Value;

use super::json::MAX_DEPTH as MAX_NESTING;

/// The outcome of a decode: Go keeps what it could decode alongside a type error (a number out of
/// float64's range becomes nil), but nothing at all on a syntax error.
pub struct Decoded {
    pub value: Value,
    pub type_error: Option<String>,
}

/// Scanner states in which a space is not allowed.
const SPACE_INVALID: &[&str] = &[
    "in literal",
    "in numeric literal",
    "after decimal point",
    "in exponent",
    "in string escape code",
    "in \\u hexadecimal",
];

enum Frame {
    Array(Vec<Value>),
    Object(BTreeMap<String, Value>, Option<String>),
}

struct Scanner<'a> {
    b: &'a [u8],
    i: usize,
}

/// Go's `quoteChar`: the offending byte as the scanner's messages show it.
fn quote_char(c: u8) -> String {
    match c {
        b'\'' => "'\\''".into(),
        b'"' => "'\"'".into(),
        _ => format!("'{}'", go_quote_rune(char::from(c))),
    }
}

/// The inside of `strconv.Quote(string(r))` for one rune from a byte (Latin-1).
fn go_quote_rune(r: char) -> String {
    match r {
        '\u{7}' => "\\a".into(),
        '\u{8}' => "\\b".into(),
        '\u{c}' => "\\f".into(),
        '\n' => "\\n".into(),
        '\r' => "\\r".into(),
        '\t' => "\\t".into(),
        '\u{b}' => "\\v".into(),
        '\\' => "\\\\".into(),
        c if (c as u32) < 0x20 || c as u32 == 0x7F => format!("\\x{:02x}", c as u32),
        c if (0x80..=0xA0).contains(&(c as u32)) || c as u32 == 0xAD => {
            format!("\\u{:04x}", c as u32)
        }
        c => c.to_string(),
    }
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn skip_space(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    /// Go's scanner error at the current byte. At the end of the input Go feeds a space: inside
    /// a number, literal or escape that space is the invalid character; elsewhere the input is
    /// just short.
    fn err(&self, context: &str) -> String {
        match self.peek() {
            None if SPACE_INVALID.iter().any(|c| context.starts_with(c)) => {
                format!("invalid character ' ' {context}")
            }
            None => "unexpected end of JSON input".into(),
            Some(c) => format!("invalid character {} {context}", quote_char(c)),
        }
    }

    fn expect_literal(&mut self, word: &str) -> Result<(), String> {
        for (k, want) in word.bytes().enumerate() {
            if k == 0 {
                self.i += 1;
                continue;
            }
            if self.peek() != Some(want) {
                return Err(self.err(&format!(
                    "in literal {word} (expecting {})",
                    quote_char(want)
                )));
            }
            self.i += 1;
        }
        Ok(())
    }

    fn string(&mut self) -> Result<String, String> {
        // At the opening quote.
        self.i += 1;
        let mut out = String::new();
        loop {
            let Some(c) = self.peek() else {
                return Err(self.err(""));
            };
            match c {
                b'"' => {
                    self.i += 1;
                    return Ok(out);
                }
                b'\\' => {
                    self.i += 1;
                    let Some(e) = self.peek() else {
                        return Err(self.err(""));
                    };
                    self.i += 1;
                    match e {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let first = self.hex4()?;
                            if (0xD800..0xDC00).contains(&first)
                                && self.b.get(self.i) == Some(&b'\\')
                                && self.b.get(self.i + 1) == Some(&b'u')
                            {
                                let save = self.i;
                                self.i += 2;
                                let second = self.hex4()?;
                                if (0xDC00..0xE000).contains(&second) {
                                    let c = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
                                    out.push(char::from_u32(c).unwrap_or('\u{FFFD}'));
                                } else {
                                    out.push('\u{FFFD}');
                                    self.i = save;
                                }
                            } else {
                                out.push(char::from_u32(first).unwrap_or('\u{FFFD}'));
                            }
                        }
                        _ => {
                            self.i -= 1;
                            return Err(self.err("in string escape code"));
                        }
                    }
                }
                c if c < 0x20 => return Err(self.err("in string literal")),
                _ => {
                    // Copy a run of ordinary bytes (the input is valid UTF-8).
                    let start = self.i;
                    while self
                        .peek()
                        .is_some_and(|c| c >= 0x20 && c != b'"' && c != b'\\')
                    {
                        self.i += 1;
                    }
                    let run = self.b.get(start..self.i).unwrap_or(&[]);
                    out.push_str(&String::from_utf8_lossy(run));
                }
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, String> {
        let mut v = 0;
        for _ in 0..4 {
            let Some(d) = self.peek().and_then(|c| char::from(c).to_digit(16)) else {
                return Err(self.err("in \\u hexadecimal character escape"));
            };
            v = v * 16 + d;
            self.i += 1;
        }
        Ok(v)
    }

    /// A number's text, checked as Go's scanner does.
    fn number(&mut self) -> Result<&str, String> {
        let start = self.i;
        if self.peek() == Some(b'-') {
            self.i += 1;
            if !self.peek().is_some_and(|c| c.is_ascii_digit()) {
                return Err(self.err("in numeric literal"));
            }
        }
        if self.peek() == Some(b'0') {
            self.i += 1;
        } else {
            while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                self.i += 1;
            }
        }
        if self.peek() == Some(b'.') {
            self.i += 1;
            if !self.peek().is_some_and(|c| c.is_ascii_digit()) {
                return Err(self.err("after decimal point in numeric literal"));
            }
            while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                self.i += 1;
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if !self.peek().is_some_and(|c| c.is_ascii_digit()) {
                return Err(self.err("in exponent of numeric literal"));
            }
            while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                self.i += 1;
            }
        }
        Ok(std::str::from_utf8(self.b.get(start..self.i).unwrap_or(&[])).unwrap_or("0"))
    }
}

/// `json.Unmarshal(text, &v)` with `v interface{}`. `Err`: a syntax error (nothing decoded).
pub fn decode(text: &str) -> Result<Decoded, String> {
    let mut s = Scanner {
        b: text.as_bytes(),
        i: 0,
    };
    let mut stack: Vec<Frame> = Vec::new();
    let mut type_error: Option<String> = None;
    let root;
    'value: loop {
        // Expect a value.
        s.skip_space();
        let Some(c) = s.peek() else {
            return Err(s.err(""));
        };
        let mut value = match c {
            b'{' | b'[' => {
                if stack.len() >= MAX_NESTING {
                    return Err("exceeded max depth".into());
                }
                s.i += 1;
                s.skip_space();
                if c == b'{' {
                    match s.peek() {
                        Some(b'}') => {
                            s.i += 1;
                            Value::empty_map()
                        }
                        Some(b'"') => {
                            let key = s.string()?;
                            s.skip_space();
                            if s.peek() != Some(b':') {
                                return Err(s.err("after object key"));
                            }
                            s.i += 1;
                            stack.push(Frame::Object(BTreeMap::new(), Some(key)));
                            continue 'value;
                        }
                        _ => return Err(s.err("looking for beginning of object key string")),
                    }
                } else if s.peek() == Some(b']') {
                    s.i += 1;
                    Value::list(Vec::new())
                } else {
                    stack.push(Frame::Array(Vec::new()));
                    continue 'value;
                }
            }
            b'"' => Value::string(s.string()?),
            b't' => {
                s.expect_literal("true")?;
                Value::Bool(true)
            }
            b'f' => {
                s.expect_literal("false")?;
                Value::Bool(false)
            }
            b'n' => {
                s.expect_literal("null")?;
                Value::Nil
            }
            b'-' | b'0'..=b'9' => {
                let text = s.number()?;
                match text.parse::<f64>() {
                    Ok(f) if f.is_finite() => Value::Float(f),
                    _ => {
                        if type_error.is_none() {
                            type_error = Some(format!(
                                "json: cannot unmarshal number {text} into Go value of type float64"
                            ));
                        }
                        Value::Nil
                    }
                }
            }
            _ => return Err(s.err("looking for beginning of value")),
        };
        // A value is complete: attach it and close what it completes.
        loop {
            match stack.pop() {
                None => {
                    root = value;
                    break 'value;
                }
                Some(Frame::Array(mut items)) => {
                    items.push(value);
                    s.skip_space();
                    match s.peek() {
                        Some(b',') => {
                            s.i += 1;
                            stack.push(Frame::Array(items));
                            continue 'value;
                        }
                        Some(b']') => {
                            s.i += 1;
                            value = Value::list(items);
                        }
                        _ => return Err(s.err("after array element")),
                    }
                }
                Some(Frame::Object(mut map, key)) => {
                    map.insert(key.unwrap_or_default(), value);
                    s.skip_space();
                    match s.peek() {
                        Some(b',') => {
                            s.i += 1;
                            s.skip_space();
                            if s.peek() != Some(b'"') {
                                return Err(s.err("looking for beginning of object key string"));
                            }
                            let key = s.string()?;
                            s.skip_space();
                            if s.peek() != Some(b':') {
                                return Err(s.err("after object key"));
                            }
                            s.i += 1;
                            stack.push(Frame::Object(map, Some(key)));
                            continue 'value;
                        }
                        Some(b'}') => {
                            s.i += 1;
                            value = Value::map(map);
                        }
                        _ => return Err(s.err("after object key:value pair")),
                    }
                }
            }
        }
    }
    s.skip_space();
    if s.peek().is_some() {
        return Err(s.err("after top-level value"));
    }
    Ok(Decoded {
        value: root,
        type_error,
    })
}

/// Go's name for the JSON kind a top-level value has, as type errors print it.
pub fn kind_word(v: &Value) -> &'static str {
    match v {
        Value::Map(_) => "object",
        Value::List(_) => "array",
        Value::Str(_) => "string",
        Value::Bool(_) => "bool",
        _ => "number",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        decode(text).err().unwrap_or_default()
    }

    #[test]
    fn values() {
        let d =
            decode(r#" {"b": [1, 2.5e3, -0.5, true, null, "x\u00e9\ud83d\ude00\n"], "a": {}} "#)
                .unwrap();
        assert_eq!(
            format!("{:?}", d.value),
            r#"{"a": {}, "b": [float64(1), float64(2500), float64(-0.5), true, nil, "xé😀\n"]}"#
        );
        assert!(d.type_error.is_none());
        let d = decode(r#"{"a": 1e400}"#).unwrap();
        assert_eq!(
            d.type_error.as_deref(),
            Some("json: cannot unmarshal number 1e400 into Go value of type float64")
        );
    }

    #[test]
    fn deep_documents_decode_and_drop() {
        let deep = "[".repeat(256) + &"]".repeat(256);
        assert!(decode(&deep).is_ok());
        let deeper = "[".repeat(257) + &"]".repeat(257);
        assert_eq!(decode(&deeper).err().as_deref(), Some("exceeded max depth"));
    }

    #[test]
    fn go_error_messages() {
        assert_eq!(err(""), "unexpected end of JSON input");
        assert_eq!(err("{"), "unexpected end of JSON input");
        assert_eq!(
            err("x"),
            "invalid character 'x' looking for beginning of value"
        );
        assert_eq!(
            err("{a}"),
            "invalid character 'a' looking for beginning of object key string"
        );
        assert_eq!(err(r#"{"a" 1}"#), "invalid character '1' after object key");
        assert_eq!(
            err(r#"{"a": 1 "b"}"#),
            "invalid character '\"' after object key:value pair"
        );
        assert_eq!(err("[1 2]"), "invalid character '2' after array element");
        assert_eq!(err("01"), "invalid character '1' after top-level value");
        assert_eq!(
            err("tru"),
            "invalid character ' ' in literal true (expecting 'e')"
        );
        assert_eq!(err("[\"a"), "unexpected end of JSON input");
        assert_eq!(
            err("\"\\u12"),
            "invalid character ' ' in \\u hexadecimal character escape"
        );
        assert_eq!(
            err("trux"),
            "invalid character 'x' in literal true (expecting 'e')"
        );
        assert_eq!(
            err("1."),
            "invalid character ' ' after decimal point in numeric literal"
        );
        assert_eq!(
            err("1.x"),
            "invalid character 'x' after decimal point in numeric literal"
        );
        assert_eq!(err("-x"), "invalid character 'x' in numeric literal");
        assert_eq!(
            err("\"\\x\""),
            "invalid character 'x' in string escape code"
        );
        assert_eq!(err("\"a\tb\""), "invalid character '\\t' in string literal");
        assert_eq!(
            err("'a'"),
            "invalid character '\\'' looking for beginning of value"
        );
    }
}
