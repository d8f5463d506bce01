//! Tables recorded from Helm v4.2.3 (`{{ printf FORMAT ARGS }}`, `{{ print ARGS }}`,
//! `{{ println ARGS }}`): each line holds the format (JSON), the arguments as template syntax and
//! Helm's output (JSON).

use std::collections::BTreeMap;

use super::*;

/// Parses template argument syntax: numbers (int unless they have `.`/`e`), Go strings, `nil`,
/// `true`/`false`, `(list …)`, `(dict k v …)`, `(int64 N)`, `(float64 N)`.
fn parse_args(s: &str) -> Vec<Value> {
    let mut p = ArgParser {
        s: s.as_bytes(),
        i: 0,
    };
    let mut out = Vec::new();
    while let Some(v) = p.value() {
        out.push(v);
    }
    out
}

struct ArgParser<'a> {
    s: &'a [u8],
    i: usize,
}

impl ArgParser<'_> {
    fn skip_ws(&mut self) {
        while self.i < self.s.len() && self.s[self.i] == b' ' {
            self.i += 1;
        }
    }

    fn word(&mut self) -> String {
        let start = self.i;
        while self.i < self.s.len() && !matches!(self.s[self.i], b' ' | b')') {
            self.i += 1;
        }
        String::from_utf8(self.s[start..self.i].to_vec()).unwrap()
    }

    fn value(&mut self) -> Option<Value> {
        self.skip_ws();
        let c = *self.s.get(self.i)?;
        match c {
            b')' => None,
            b'"' => {
                self.i += 1;
                let mut out = Vec::new();
                while self.s[self.i] != b'"' {
                    if self.s[self.i] == b'\\' {
                        self.i += 1;
                        let hex_len = match self.s[self.i] {
                            b'x' => 2,
                            b'u' => 4,
                            b'U' => 8,
                            _ => 0,
                        };
                        if hex_len > 0 {
                            let hex =
                                std::str::from_utf8(&self.s[self.i + 1..self.i + 1 + hex_len])
                                    .unwrap();
                            let c = char::from_u32(u32::from_str_radix(hex, 16).unwrap()).unwrap();
                            out.extend_from_slice(c.to_string().as_bytes());
                            self.i += hex_len;
                        } else {
                            out.push(match self.s[self.i] {
                                b'n' => b'\n',
                                b't' => b'\t',
                                b'a' => 7,
                                other => other,
                            });
                        }
                    } else {
                        out.push(self.s[self.i]);
                    }
                    self.i += 1;
                }
                self.i += 1;
                Some(Value::string(String::from_utf8(out).unwrap()))
            }
            b'(' => {
                self.i += 1;
                let func = self.word();
                let mut items = Vec::new();
                while let Some(v) = self.value() {
                    items.push(v);
                }
                self.i += 1; // ')'
                Some(match func.as_str() {
                    "list" => Value::list(items),
                    "dict" => {
                        let mut m = BTreeMap::new();
                        for kv in items.chunks(2) {
                            m.insert(kv[0].as_str().unwrap().to_owned(), kv[1].clone());
                        }
                        Value::map(m)
                    }
                    "int64" => match items[0] {
                        Value::Int(i) => Value::Int64(i),
                        _ => panic!("int64 of {:?}", items[0]),
                    },
                    "float64" => match items[0] {
                        Value::Int(i) => Value::Float(i as f64),
                        Value::Float(f) => Value::Float(f),
                        _ => panic!("float64 of {:?}", items[0]),
                    },
                    other => panic!("unknown function {other}"),
                })
            }
            _ => {
                let w = self.word();
                Some(match w.as_str() {
                    "nil" => Value::Nil,
                    "true" => Value::Bool(true),
                    "false" => Value::Bool(false),
                    _ if w.contains(['.', 'e']) => Value::Float(w.parse().unwrap()),
                    _ => Value::Int(w.parse().unwrap()),
                })
            }
        }
    }
}

fn json_str(s: &str) -> String {
    // The recorder writes Python's json.dumps: only \" \\ \n \t and \uXXXX escapes occur.
    let inner = &s[1..s.len() - 1];
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next().unwrap() {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'u' => {
                let hex: String = chars.by_ref().take(4).collect();
                let mut n = u32::from_str_radix(&hex, 16).unwrap();
                if (0xd800..0xdc00).contains(&n) {
                    // A surrogate pair: \uD83D\uDE00.
                    let low: String = chars.by_ref().skip(2).take(4).collect();
                    let low = u32::from_str_radix(&low, 16).unwrap();
                    n = 0x10000 + ((n - 0xd800) << 10) + (low - 0xdc00);
                }
                out.push(char::from_u32(n).unwrap());
            }
            other => out.push(other),
        }
    }
    out
}

#[test]
fn printf_matches_helm() {
    let mut failures = Vec::new();
    let table = include_str!("testdata/printf.tsv");
    for line in table.lines() {
        let cols: Vec<&str> = line.split('\t').collect();
        let (format, args, want) = (json_str(cols[0]), parse_args(cols[1]), json_str(cols[2]));
        let got = sprintf(&format, &args);
        if got != want {
            failures.push(format!(
                "printf {format:?} {}: got {got:?}, want {want:?}",
                cols[1]
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(table.lines().count() > 150);
}

#[test]
fn print_and_println_match_helm() {
    let mut failures = Vec::new();
    for line in include_str!("testdata/print.tsv").lines() {
        let cols: Vec<&str> = line.split('\t').collect();
        let args = parse_args(cols[0]);
        let (print, println) = (sprint(&args), sprintln(&args));
        if print != json_str(cols[1]) || println != json_str(cols[2]) {
            failures.push(format!(
                "{}: got {print:?} / {println:?}, want {} / {}",
                cols[0], cols[1], cols[2]
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn action_prints_no_value_for_nil() {
    assert_eq!(print_value(&Value::Nil), "<no value>");
    assert_eq!(print_value(&Value::Float(8080.0)), "8080");
    assert_eq!(print_value(&Value::Float(1e6)), "1e+06");
    assert_eq!(print_value(&Value::str("x")), "x");
    assert_eq!(print_value(&Value::list(vec![Value::Nil])), "[<nil>]");
    assert_eq!(print_value(&Value::Uint(3)), "3");
}

#[test]
fn bytes_print_as_numbers_or_text() {
    let b = Value::Bytes(std::rc::Rc::from(&b"hi"[..]));
    assert_eq!(sprint(std::slice::from_ref(&b)), "[104 105]");
    assert_eq!(
        sprintf(
            "%s|%q|%x|%X|%d",
            &[b.clone(), b.clone(), b.clone(), b.clone(), b.clone()]
        ),
        "hi|\"hi\"|6869|6869|[104 105]"
    );
    assert_eq!(
        sprintf("%#v", std::slice::from_ref(&b)),
        "[]byte{0x68, 0x69}"
    );
    assert_eq!(
        sprintf("%f", std::slice::from_ref(&b)),
        "[%!f(uint8=104) %!f(uint8=105)]"
    );
    assert_eq!(sprintf("%T", std::slice::from_ref(&b)), "[]uint8");
    let nested = Value::list(vec![b.clone()]);
    assert_eq!(
        sprintf("%v|%s|%#v", &[nested.clone(), nested.clone(), nested]),
        "[[104 105]]|[hi]|[]interface {}{[]uint8{0x68, 0x69}}"
    );
    let invalid = Value::Bytes(std::rc::Rc::from(&b"a\xffb"[..]));
    assert_eq!(sprintf("%q", &[invalid]), r#""a\xffb""#);
}

#[test]
fn self_containing_map_is_bounded() {
    let m = Value::empty_map();
    if let Value::Map(inner) = &m {
        inner.borrow_mut().insert("self".into(), m.clone());
    }
    let out = sprint(std::slice::from_ref(&m));
    assert!(out.starts_with("map[self:map[self:"));
    assert!(out.contains("..."));
    if let Value::Map(inner) = &m {
        inner.borrow_mut().clear(); // break the cycle so the test does not leak
    }
}

/// 600 floats of every magnitude (uniform, log-uniform, random bit patterns, short decimals)
/// through `%v %e %.3g %.2f %g %.0e %G`, as Helm printed them.
#[test]
fn random_floats_match_helm() {
    let mut failures = Vec::new();
    let table = include_str!("testdata/floats.tsv");
    for line in table.lines() {
        let cols: Vec<&str> = line.split('\t').collect();
        let (format, args, want) = (json_str(cols[0]), parse_args(cols[1]), json_str(cols[2]));
        let got = sprintf(&format, &args);
        if got != want {
            failures.push(format!("{}: got {got:?}, want {want:?}", cols[1]));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(table.lines().count(), 600);
}

#[test]
fn large_object_text_prints_as_small_text_does() {
    let text = "é1".repeat(3000);
    let big = Value::Object(std::rc::Rc::new(crate::value::LargeText {
        text: std::rc::Rc::new(text.clone()),
        shared: false,
    }));
    let bytes = |b: &[u8]| Value::Bytes(std::rc::Rc::from(b));
    // Raw bytes cut inside a character on both sides of the object's text: each cut is one
    // U+FFFD, as when the whole output is converted at once.
    let out = sprintf(
        "%s%v%s|%s",
        &[
            bytes(b"x\xe2\x82"),
            big.clone(),
            bytes(b"\xac"),
            bytes(b"\xe2\x82\xac"),
        ],
    );
    assert_eq!(out, format!("x\u{FFFD}{text}\u{FFFD}|€"));
    let map = Value::map_of(&[("a", big.clone()), ("b", Value::Int(1))]);
    assert_eq!(sprint_one(&map), format!("map[a:{text} b:1]"));
    assert_eq!(sprintf("%.3v", std::slice::from_ref(&big)), "é1é");
    assert_eq!(
        sprintf("%-6003s|", std::slice::from_ref(&big)),
        format!("{text}   |")
    );
    assert_eq!(sprintf("%q", &[big]).len(), text.len() + 2);
}
