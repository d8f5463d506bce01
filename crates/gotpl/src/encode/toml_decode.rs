//! `fromToml`: TOML 1.0 into values the way BurntSushi/toml decodes into
//! `map[string]interface{}`: integers are int64, floats float64, tables maps, arrays lists.
//! Errors read `toml: line N: …` (`(last key "k")` when a key was read), with the lexer's messages
//! for the common mistakes.
//!
//! Known difference: date-times are kept as their text (Go decodes them to `time.Time`).

use std::collections::BTreeMap;

use super::json::MAX_DEPTH;
use crate::value::Value;

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
    line: usize,
    /// BurntSushi's parser context: the table being filled (with a dotted key's parents while
    /// its value is read) and the key whose value is being read, which errors name.
    context: Vec<String>,
    current_key: String,
    /// The document's table (a map value, so tables are reached through shared handles).
    root: Value,
    /// Tables defined by a header or as a value, by dotted path: redefining one is an error.
    defined: Vec<Vec<String>>,
}

type Res<T> = Result<T, String>;

pub fn decode(text: &str) -> Result<Value, String> {
    let mut p = Parser {
        s: text.as_bytes(),
        i: 0,
        line: 1,
        context: Vec::new(),
        current_key: String::new(),
        root: Value::empty_map(),
        defined: Vec::new(),
    };
    p.document()?;
    Ok(p.root)
}

fn quoted_rune(c: Option<u8>) -> String {
    match c {
        None => "EOF".into(),
        Some(c) => format!("{:?}", char::from(c)),
    }
}

impl Parser<'_> {
    fn err(&self, msg: impl Into<String>) -> String {
        let msg = msg.into();
        let mut last = self.context.join(".");
        if !self.current_key.is_empty() {
            if !last.is_empty() {
                last.push('.');
            }
            last.push_str(&self.current_key);
        }
        if last.is_empty() {
            format!("toml: line {}: {msg}", self.line)
        } else {
            format!("toml: line {} (last key {last:?}): {msg}", self.line)
        }
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn at(&self, k: usize) -> Option<u8> {
        self.s.get(self.i + k).copied()
    }

    fn bump(&mut self) -> Option<u8> {
        let c = self.peek()?;
        self.i += 1;
        if c == b'\n' {
            self.line += 1;
        }
        Some(c)
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.i += 1;
        }
    }

    fn skip_comment(&mut self) {
        if self.peek() == Some(b'#') {
            while !matches!(self.peek(), None | Some(b'\n')) {
                self.i += 1;
            }
        }
    }

    /// Whitespace, newlines and comments (between array items and top-level items).
    fn skip_all(&mut self) {
        loop {
            self.skip_ws();
            self.skip_comment();
            match self.peek() {
                Some(b'\n') => {
                    self.bump();
                }
                Some(b'\r') if self.at(1) == Some(b'\n') => {
                    self.i += 1;
                }
                _ => return,
            }
        }
    }

    fn document(&mut self) -> Res<()> {
        let mut current: Vec<String> = Vec::new();
        loop {
            self.skip_all();
            let Some(c) = self.peek() else {
                return Ok(());
            };
            if c == b'[' {
                let array = self.at(1) == Some(b'[');
                self.i += if array { 2 } else { 1 };
                self.skip_ws();
                let path = self.key_path()?;
                self.skip_ws();
                let close: &[u8] = if array { b"]]" } else { b"]" };
                if !self.s.get(self.i..).is_some_and(|r| r.starts_with(close)) {
                    return Err(if array {
                        self.err(format!(
                            "expected end of table array name delimiter ']', but got {} instead",
                            quoted_rune(self.peek())
                        ))
                    } else {
                        self.err(format!(
                            "expected '.' or ']' to end table name, but got {} instead",
                            quoted_rune(self.peek())
                        ))
                    });
                }
                self.i += close.len();
                self.end_of_line()?;
                self.context = path
                    .split_last()
                    .map(|(_, p)| p.to_vec())
                    .unwrap_or_default();
                if array {
                    self.push_array_table(&path)?;
                } else {
                    if self.defined.contains(&path) {
                        return Err(self.err(format!(
                            "Key '{}' has already been defined.",
                            path.join(".")
                        )));
                    }
                    self.defined.push(path.clone());
                    self.table_at(&path)?;
                }
                self.context = path.clone();
                current = path;
            } else {
                let key = self.key_path()?;
                self.skip_ws();
                if self.peek() != Some(b'=') {
                    return Err(match self.peek() {
                        None => self.err("unexpected EOF; expected key separator '='"),
                        c => self.err(format!(
                            "expected '.' or '=', but got {} instead",
                            quoted_rune(c)
                        )),
                    });
                }
                self.i += 1;
                self.skip_ws();
                let outer = self.context.clone();
                if let Some((last, parents)) = key.split_last() {
                    self.context.extend(parents.iter().cloned());
                    self.current_key = last.clone();
                }
                let value = self.value(0)?;
                let mut full = current.clone();
                full.extend(key);
                self.set(&full, value)?;
                self.context = outer;
                self.current_key.clear();
                self.end_of_line()?;
            }
        }
    }

    fn end_of_line(&mut self) -> Res<()> {
        self.skip_ws();
        self.skip_comment();
        match self.peek() {
            None | Some(b'\n') => Ok(()),
            Some(b'\r') if self.at(1) == Some(b'\n') => Ok(()),
            c => Err(self.err(format!(
                "expected a top-level item to end with a newline, comment, or EOF, but got {} instead",
                quoted_rune(c)
            ))),
        }
    }

    fn key_path(&mut self) -> Res<Vec<String>> {
        let mut path = Vec::new();
        loop {
            self.skip_ws();
            let piece = match self.peek() {
                Some(b'"') => self.basic_string()?,
                Some(b'\'') => self.literal_string()?,
                Some(c) if c.is_ascii_alphanumeric() || c == b'_' || c == b'-' => {
                    let start = self.i;
                    while self
                        .peek()
                        .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-')
                    {
                        self.i += 1;
                    }
                    String::from_utf8_lossy(self.s.get(start..self.i).unwrap_or(&[])).into_owned()
                }
                Some(b'=') => return Err(self.err("unexpected '=': key name appears blank")),
                Some(b'.') => return Err(self.err("unexpected '.': keys cannot start with a '.'")),
                Some(b']') => {
                    return Err(
                        self.err("unexpected end of table name (table names cannot be empty)")
                    );
                }
                None => return Err(self.err("unexpected EOF; expected key separator '='")),
                Some(c) => {
                    return Err(
                        self.err(format!("bare keys cannot contain {}", quoted_rune(Some(c))))
                    );
                }
            };
            path.push(piece);
            self.skip_ws();
            if self.peek() == Some(b'.') {
                self.i += 1;
            } else {
                return Ok(path);
            }
        }
    }

    fn value(&mut self, depth: usize) -> Res<Value> {
        if depth > MAX_DEPTH {
            return Err(self.err("value nested too deeply"));
        }
        match self.peek() {
            None => Err(self.err("unexpected EOF; expected value")),
            Some(b'"') => {
                if self
                    .s
                    .get(self.i..)
                    .is_some_and(|r| r.starts_with(b"\"\"\""))
                {
                    self.multiline_basic().map(Value::string)
                } else {
                    self.basic_string().map(Value::string)
                }
            }
            Some(b'\'') => {
                if self.s.get(self.i..).is_some_and(|r| r.starts_with(b"'''")) {
                    self.multiline_literal().map(Value::string)
                } else {
                    self.literal_string().map(Value::string)
                }
            }
            Some(b'[') => {
                self.i += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_all();
                    match self.peek() {
                        Some(b']') => {
                            self.i += 1;
                            return Ok(Value::list(items));
                        }
                        Some(b',') => return Err(self.err("unexpected comma")),
                        _ => {}
                    }
                    items.push(self.value(depth + 1)?);
                    self.skip_all();
                    match self.peek() {
                        Some(b',') => self.i += 1,
                        Some(b']') => {}
                        c => {
                            return Err(self.err(format!(
                                "expected a comma (',') or array terminator (']'), but got {}",
                                quoted_rune(c)
                            )));
                        }
                    }
                }
            }
            Some(b'{') => {
                self.i += 1;
                let mut table = BTreeMap::new();
                self.skip_ws();
                if self.peek() == Some(b'}') {
                    self.i += 1;
                    return Ok(Value::map(table));
                }
                loop {
                    self.skip_ws();
                    let key = self.key_path()?;
                    self.skip_ws();
                    if self.peek() != Some(b'=') {
                        return Err(self.err(format!(
                            "expected '.' or '=', but got {} instead",
                            quoted_rune(self.peek())
                        )));
                    }
                    self.i += 1;
                    self.skip_ws();
                    let v = self.value(depth + 1)?;
                    insert_path(&mut table, &key, v).map_err(|m| self.err(m))?;
                    self.skip_ws();
                    match self.peek() {
                        Some(b',') => self.i += 1,
                        Some(b'}') => {
                            self.i += 1;
                            return Ok(Value::map(table));
                        }
                        c => {
                            return Err(self.err(format!(
                                "expected a comma or an inline table terminator '}}', but got {} instead",
                                quoted_rune(c)
                            )));
                        }
                    }
                }
            }
            Some(_) => self.scalar(),
        }
    }

    fn scalar(&mut self) -> Res<Value> {
        let start = self.i;
        // A date-time may hold one space between date and time.
        while let Some(c) = self.peek() {
            let date_space = c == b' '
                && self.s.get(start..self.i).is_some_and(|t| {
                    t.len() == 10 && t.get(4) == Some(&b'-') && t.get(7) == Some(&b'-')
                })
                && self.at(1).is_some_and(|d| d.is_ascii_digit());
            if c.is_ascii_alphanumeric()
                || matches!(c, b'+' | b'-' | b'_' | b'.' | b':')
                || date_space
            {
                self.i += 1;
            } else {
                break;
            }
        }
        let word = std::str::from_utf8(self.s.get(start..self.i).unwrap_or(&[])).unwrap_or("");
        if word.is_empty() {
            return Err(self.err(format!(
                "expected value but found {} instead",
                quoted_rune(self.peek())
            )));
        }
        match word {
            "true" => return Ok(Value::Bool(true)),
            "false" => return Ok(Value::Bool(false)),
            "inf" | "+inf" => return Ok(Value::Float(f64::INFINITY)),
            "-inf" => return Ok(Value::Float(f64::NEG_INFINITY)),
            "nan" | "+nan" => return Ok(Value::Float(f64::NAN)),
            "-nan" => return Ok(Value::Float(-f64::NAN)),
            _ => {}
        }
        if is_datetime(word) {
            return Ok(Value::string(datetime_json(word)));
        }
        if let Some(i) = parse_int(word) {
            return Ok(Value::Int64(i));
        }
        let unsigned = word.trim_start_matches(['+', '-']);
        if unsigned.len() > 1
            && unsigned.starts_with('0')
            && unsigned.as_bytes().get(1).is_some_and(u8::is_ascii_digit)
        {
            let kind = if word.contains(['.', 'e', 'E']) {
                "float"
            } else {
                "integer"
            };
            return Err(self.err(format!(
                "Invalid {kind} {word:?}: cannot have leading zeroes"
            )));
        }
        let digits = word.replace('_', "");
        let valid_float = word
            .bytes()
            .next()
            .is_some_and(|c| c.is_ascii_digit() || c == b'+' || c == b'-')
            && !word.contains("__")
            && digits
                .bytes()
                .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-'));
        if valid_float && let Ok(f) = digits.parse::<f64>() {
            return Ok(Value::Float(f));
        }
        Err(self.err(format!("expected value but found {word:?} instead")))
    }

    fn basic_string(&mut self) -> Res<String> {
        self.i += 1;
        let mut out = Vec::new();
        loop {
            match self.peek() {
                None => return Err(self.err("unexpected EOF; expected '\"'")),
                Some(b'\n') => return Err(self.err("strings cannot contain newlines")),
                Some(b'"') => {
                    self.i += 1;
                    return Ok(String::from_utf8_lossy(&out).into_owned());
                }
                Some(b'\\') => {
                    self.i += 1;
                    self.escape(&mut out)?;
                }
                Some(c) => {
                    out.push(c);
                    self.i += 1;
                }
            }
        }
    }

    fn escape(&mut self, out: &mut Vec<u8>) -> Res<()> {
        let c = self.bump();
        let simple = match c {
            Some(b'b') => Some('\u{8}'),
            Some(b't') => Some('\t'),
            Some(b'n') => Some('\n'),
            Some(b'f') => Some('\u{c}'),
            Some(b'r') => Some('\r'),
            Some(b'e') => Some('\u{1b}'),
            Some(b'"') => Some('"'),
            Some(b'\\') => Some('\\'),
            _ => None,
        };
        if let Some(ch) = simple {
            let mut buf = [0; 4];
            out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
            return Ok(());
        }
        let n = match c {
            Some(b'x') => 2,
            Some(b'u') => 4,
            Some(b'U') => 8,
            other => {
                return Err(self.err(format!(
                    "invalid escape in string '\\{}'",
                    other.map_or(String::new(), |c| char::from(c).to_string())
                )));
            }
        };
        let hex = self.s.get(self.i..self.i + n).unwrap_or(&[]);
        let code = std::str::from_utf8(hex)
            .ok()
            .filter(|h| h.len() == n && h.bytes().all(|b| b.is_ascii_hexdigit()))
            .and_then(|h| u32::from_str_radix(h, 16).ok())
            .and_then(char::from_u32);
        let Some(ch) = code else {
            return Err(self.err("invalid unicode escape"));
        };
        self.i += n;
        let mut buf = [0; 4];
        out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
        Ok(())
    }

    fn literal_string(&mut self) -> Res<String> {
        self.i += 1;
        let start = self.i;
        loop {
            match self.peek() {
                None => return Err(self.err("unexpected EOF; expected \"'\"")),
                Some(b'\n') => return Err(self.err("strings cannot contain newlines")),
                Some(b'\'') => {
                    let s = String::from_utf8_lossy(self.s.get(start..self.i).unwrap_or(&[]))
                        .into_owned();
                    self.i += 1;
                    return Ok(s);
                }
                Some(_) => self.i += 1,
            }
        }
    }

    fn skip_first_newline(&mut self) {
        if self.peek() == Some(b'\n') {
            self.bump();
        } else if self.peek() == Some(b'\r') && self.at(1) == Some(b'\n') {
            self.i += 1;
            self.bump();
        }
    }

    fn multiline_basic(&mut self) -> Res<String> {
        self.i += 3;
        self.skip_first_newline();
        let mut out = Vec::new();
        loop {
            let rest = self.s.get(self.i..).unwrap_or(&[]);
            if rest.starts_with(b"\"\"\"") {
                // Up to two quotes may end the content.
                let mut extra = 0;
                while extra < 2 && rest.get(3 + extra) == Some(&b'"') {
                    extra += 1;
                }
                out.extend(std::iter::repeat_n(b'"', extra));
                self.i += 3 + extra;
                return Ok(String::from_utf8_lossy(&out).into_owned());
            }
            match self.peek() {
                None => return Err(self.err("unexpected EOF; expected '\"\"\"'")),
                Some(b'\\') => {
                    // A backslash at the end of a line trims the break and leading whitespace.
                    let mut k = self.i + 1;
                    while matches!(self.s.get(k), Some(b' ' | b'\t')) {
                        k += 1;
                    }
                    if matches!(self.s.get(k), Some(b'\n' | b'\r')) {
                        self.i = k;
                        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
                            self.bump();
                        }
                    } else {
                        self.i += 1;
                        self.escape(&mut out)?;
                    }
                }
                Some(c) => {
                    out.push(c);
                    self.bump();
                }
            }
        }
    }

    fn multiline_literal(&mut self) -> Res<String> {
        self.i += 3;
        self.skip_first_newline();
        let mut out = Vec::new();
        loop {
            let rest = self.s.get(self.i..).unwrap_or(&[]);
            if rest.starts_with(b"'''") {
                let mut extra = 0;
                while extra < 2 && rest.get(3 + extra) == Some(&b'\'') {
                    extra += 1;
                }
                out.extend(std::iter::repeat_n(b'\'', extra));
                self.i += 3 + extra;
                return Ok(String::from_utf8_lossy(&out).into_owned());
            }
            match self.bump() {
                None => return Err(self.err("unexpected EOF; expected \"'''\"")),
                Some(c) => out.push(c),
            }
        }
    }

    /// Creates the table at `path` (and those above it) as needed.
    fn table_at(&mut self, path: &[String]) -> Res<()> {
        descend(&self.root, path).map_err(|m| self.err(m))
    }

    fn push_array_table(&mut self, path: &[String]) -> Res<()> {
        let Some((last, parent)) = path.split_last() else {
            return Err(self.err("unexpected end of table name (table names cannot be empty)"));
        };
        let outcome = (|| -> Result<(), String> {
            descend(&self.root, parent)?;
            let parent_map = descend_map(&self.root, parent)?;
            let mut m = parent_map.borrow_mut();
            match m.get(last) {
                None => {
                    m.insert(last.clone(), Value::list(vec![Value::empty_map()]));
                }
                Some(Value::List(l)) => l.items.borrow_mut().push(Value::empty_map()),
                Some(_) => return Err(format!("key {last:?} is not an array of tables")),
            }
            Ok(())
        })();
        // Sub-tables of the new element may be defined again.
        self.defined.retain(|d| !d.starts_with(path));
        outcome.map_err(|m| self.err(m))
    }

    fn set(&mut self, path: &[String], value: Value) -> Res<()> {
        let Value::Map(root) = &self.root else {
            return Ok(());
        };
        let mut table = std::mem::take(&mut *root.borrow_mut());
        let outcome = insert_path(&mut table, path, value);
        *root.borrow_mut() = table;
        outcome.map_err(|m| self.err(m))
    }
}

/// Creates the tables along `path` (into the last element of arrays of tables).
fn descend(root: &Value, path: &[String]) -> Result<(), String> {
    let mut cur = root.clone();
    for piece in path {
        let next = {
            let Value::Map(m) = &cur else {
                return Err(format!("key {piece:?} is not a table"));
            };
            let mut m = m.borrow_mut();
            match m.get(piece) {
                Some(Value::List(l)) => l
                    .items
                    .borrow()
                    .last()
                    .cloned()
                    .ok_or_else(|| format!("key {piece:?} is an empty array"))?,
                Some(v @ Value::Map(_)) => v.clone(),
                Some(_) => return Err(format!("key {piece:?} is not a table")),
                None => {
                    let t = Value::empty_map();
                    m.insert(piece.clone(), t.clone());
                    t
                }
            }
        };
        cur = next;
    }
    Ok(())
}

fn descend_map(root: &Value, path: &[String]) -> Result<crate::value::MapRef, String> {
    let mut cur = root.clone();
    for piece in path {
        let next = {
            let Value::Map(m) = &cur else {
                return Err(format!("key {piece:?} is not a table"));
            };
            let m = m.borrow();
            match m.get(piece) {
                Some(Value::List(l)) => l.items.borrow().last().cloned().unwrap_or_default(),
                Some(v) => v.clone(),
                None => return Err(format!("no table {piece:?}")),
            }
        };
        cur = next;
    }
    match cur {
        Value::Map(m) => Ok(m),
        _ => Err("not a table".into()),
    }
}

fn insert_path(
    table: &mut BTreeMap<String, Value>,
    key: &[String],
    v: Value,
) -> Result<(), String> {
    let root = Value::map(std::mem::take(table));
    let outcome = (|| {
        let Some((last, parent)) = key.split_last() else {
            return Ok(());
        };
        descend(&root, parent)?;
        let m = descend_map(&root, parent)?;
        let mut m = m.borrow_mut();
        if m.contains_key(last) {
            return Err(format!("Key '{}' has already been defined.", key.join(".")));
        }
        m.insert(last.clone(), v);
        Ok(())
    })();
    if let Value::Map(m) = &root {
        *table = std::mem::take(&mut *m.borrow_mut());
    }
    outcome
}

fn parse_int(word: &str) -> Option<i64> {
    if word.contains("__") || word.starts_with('_') || word.ends_with('_') {
        return None;
    }
    let clean = word.replace('_', "");
    let (radix, digits) = if let Some(h) = clean.strip_prefix("0x") {
        (16, h)
    } else if let Some(o) = clean.strip_prefix("0o") {
        (8, o)
    } else if let Some(b) = clean.strip_prefix("0b") {
        (2, b)
    } else {
        let body = clean.trim_start_matches(['+', '-']);
        // Decimal integers have no leading zeros.
        if body.is_empty() || (body.len() > 1 && body.starts_with('0')) {
            return None;
        }
        if !body.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        return clean.parse().ok();
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    i64::from_str_radix(digits, radix).ok()
}

/// A date-time as Go's `time.Time` marshals to JSON: local dates and date-times are UTC, a local
/// time is on day 0000-01-01, fractions lose trailing zeros.
fn datetime_json(word: &str) -> String {
    let b = word.as_bytes();
    let has_date = b.get(4) == Some(&b'-');
    let mut s = word.replace([' ', 't'], "T").replace('z', "Z");
    if !has_date {
        s = format!("0000-01-01T{s}");
    } else if s.len() == 10 {
        s.push_str("T00:00:00");
    }
    // Split off the zone, trim the fraction.
    let zone_at = s
        .get(19..)
        .and_then(|rest| rest.find(['Z', '+', '-']).map(|k| k + 19));
    let (main, zone) = match zone_at {
        Some(k) => (
            s.get(..k).unwrap_or(&s).to_string(),
            s.get(k..).unwrap_or("").to_string(),
        ),
        None => (s.clone(), String::new()),
    };
    let main = match main.split_once('.') {
        Some((whole, frac)) => {
            let frac = frac.trim_end_matches('0');
            if frac.is_empty() {
                whole.to_string()
            } else {
                format!("{whole}.{frac}")
            }
        }
        None => main,
    };
    let zone = match zone.as_str() {
        "" | "+00:00" | "-00:00" => "Z".to_string(),
        z => z.to_string(),
    };
    format!("{main}{zone}")
}

fn is_datetime(word: &str) -> bool {
    let b = word.as_bytes();
    let date = b.len() >= 10
        && b.iter().take(4).all(u8::is_ascii_digit)
        && b.get(4) == Some(&b'-')
        && b.get(7) == Some(&b'-');
    let time = b.len() >= 8 && b.get(2) == Some(&b':') && b.get(5) == Some(&b':');
    date || time
}

#[cfg(test)]
mod tests {
    use super::decode;

    fn json(text: &str) -> String {
        super::super::to_json(&decode(text).unwrap()).unwrap()
    }

    #[test]
    fn documents() {
        assert_eq!(
            json(
                "a = 1\nb = \"x\\ty\"\n[t]\nc = [1.5, true]\n[t.u]\nd = 'lit'\n[[arr]]\ne = 1\n[[arr]]\ne = 2\n"
            ),
            r#"{"a":1,"arr":[{"e":1},{"e":2}],"b":"x\ty","t":{"c":[1.5,true],"u":{"d":"lit"}}}"#
        );
        assert_eq!(json("x.y.z = 0x1F # c\n"), r#"{"x":{"y":{"z":31}}}"#);
        assert_eq!(json("s = \"\"\"\nab\\\n   cd\"\"\"\n"), r#"{"s":"abcd"}"#);
        assert_eq!(
            json("i = { a = 1, b.c = 2 }\n"),
            r#"{"i":{"a":1,"b":{"c":2}}}"#
        );
    }

    #[test]
    fn errors() {
        assert_eq!(
            decode("a = 1\na = 2\n").unwrap_err(),
            "toml: line 2 (last key \"a\"): Key 'a' has already been defined."
        );
        assert_eq!(
            decode("[a]\nb.c = \n").unwrap_err(),
            "toml: line 2 (last key \"a.b.c\"): expected value but found '\\n' instead"
        );
        assert_eq!(
            decode("a = \n").unwrap_err(),
            "toml: line 1 (last key \"a\"): expected value but found '\\n' instead"
        );
    }
}
