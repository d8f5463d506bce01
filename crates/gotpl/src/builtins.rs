//! Go's predefined template functions (text/template/funcs.go), but `and`/`or`, which the
//! executor evaluates itself because they short-circuit.
//!
//! Go declares most of them over `reflect.Value` (so they take anything, nil included, like
//! `interface{}`); `printf` takes a `string` format. Error texts are Go's (and, where Go panics
//! inside reflect, the recovered panic's text), as Helm prints them after `error calling NAME: `.
//!
//! `call`: Go's executor inserts the callee's source text (`.Values.x`) before the arguments;
//! the executor does the same here, so the body receives `(name, fn, args...)`. Values here never
//! hold functions, so every call fails as Go's does for a non-function.

use crate::fmt::{sprint, sprintf, sprintln};
use crate::func::{Func, FuncEnv, Signature, Ty};
use crate::value::{List, Value};

const ANY_VARIADIC: Signature = Signature {
    params: &[],
    variadic: Some(Ty::Any),
};
const ONE_THEN_ANY: Signature = Signature {
    params: &[Ty::Any],
    variadic: Some(Ty::Any),
};
const ONE: Signature = Signature {
    params: &[Ty::Any],
    variadic: None,
};
const TWO: Signature = Signature {
    params: &[Ty::Any, Ty::Any],
    variadic: None,
};

pub const FUNCS: &[Func] = &[
    Func {
        name: "call",
        sig: ONE_THEN_ANY,
        body: call,
    },
    Func {
        name: "html",
        sig: ANY_VARIADIC,
        body: |_, args| Ok(Value::string(html_escape(&eval_args(&args)))),
    },
    Func {
        name: "index",
        sig: ONE_THEN_ANY,
        body: |_, args| index(&args),
    },
    Func {
        name: "slice",
        sig: ONE_THEN_ANY,
        body: |_, args| slice(&args),
    },
    Func {
        name: "js",
        sig: ANY_VARIADIC,
        body: |_, args| Ok(Value::string(js_escape(&eval_args(&args)))),
    },
    Func {
        name: "len",
        sig: ONE,
        body: |_, args| length(args.first().unwrap_or(&Value::Nil)),
    },
    Func {
        name: "not",
        sig: ONE,
        body: |_, args| Ok(Value::Bool(!args.first().is_some_and(Value::truthy))),
    },
    Func {
        name: "print",
        sig: ANY_VARIADIC,
        body: |_, args| Ok(Value::string(sprint(&args))),
    },
    Func {
        name: "printf",
        sig: Signature {
            params: &[Ty::String],
            variadic: Some(Ty::Any),
        },
        body: |_, args| {
            let (format, rest) = args.split_first().ok_or("missing format")?;
            Ok(Value::string(sprintf(format.as_str().unwrap_or(""), rest)))
        },
    },
    Func {
        name: "println",
        sig: ANY_VARIADIC,
        body: |_, args| Ok(Value::string(sprintln(&args))),
    },
    Func {
        name: "urlquery",
        sig: ANY_VARIADIC,
        body: |_, args| Ok(Value::string(query_escape(&eval_args(&args)))),
    },
    Func {
        name: "eq",
        sig: ONE_THEN_ANY,
        body: |_, args| {
            let (a, rest) = args.split_first().ok_or(NO_COMPARISON)?;
            eq(a, rest).map(Value::Bool)
        },
    },
    Func {
        name: "ne",
        sig: TWO,
        body: |_, args| {
            let (a, b) = two(&args)?;
            eq(a, std::slice::from_ref(b)).map(|t| Value::Bool(!t))
        },
    },
    Func {
        name: "lt",
        sig: TWO,
        body: |_, args| {
            let (a, b) = two(&args)?;
            lt(a, b).map(Value::Bool)
        },
    },
    Func {
        name: "le",
        sig: TWO,
        body: |_, args| {
            let (a, b) = two(&args)?;
            le(a, b).map(Value::Bool)
        },
    },
    Func {
        name: "gt",
        sig: TWO,
        body: |_, args| {
            let (a, b) = two(&args)?;
            le(a, b).map(|t| Value::Bool(!t))
        },
    },
    Func {
        name: "ge",
        sig: TWO,
        body: |_, args| {
            let (a, b) = two(&args)?;
            lt(a, b).map(|t| Value::Bool(!t))
        },
    },
];

fn two(args: &[Value]) -> Result<(&Value, &Value), String> {
    match args {
        [a, b] => Ok((a, b)),
        _ => Err(NO_COMPARISON.to_owned()),
    }
}

// ---- call ----

fn call(_: &mut FuncEnv, args: Vec<Value>) -> Result<Value, String> {
    // (name, fn, args...) as the executor passes it; a bare (fn) is accepted too.
    let (name, callee) = match args.as_slice() {
        [Value::Str(name), callee, ..] => (name.to_string(), callee),
        [callee, ..] => (String::new(), callee),
        [] => return Err("call of nil".to_owned()),
    };
    if callee.is_nil() {
        return Err("call of nil".to_owned());
    }
    Err(format!(
        "non-function {name} of type {}",
        callee.type_name()
    ))
}

// ---- index, slice, len ----

/// Go's type name after `indirect`: a pointer's element type.
fn indirect_type_name(v: &Value) -> String {
    let name = v.type_name();
    match name.strip_prefix('*') {
        Some(elem) => elem.to_owned(),
        None => name,
    }
}

/// Go's `index`: `index x 1 2` is `x[1][2]`.
pub fn index(args: &[Value]) -> Result<Value, String> {
    let (item, indexes) = args.split_first().ok_or("index of untyped nil")?;
    if item.is_nil() {
        return Err("index of untyped nil".to_owned());
    }
    let mut item = item.clone();
    for ix in indexes {
        item = match &item {
            Value::Nil => return Err("index of nil pointer".to_owned()),
            Value::List(l) => {
                let items = l.items.borrow();
                let x = index_arg(ix, items.len())?;
                match items.get(x) {
                    Some(v) => v.clone(),
                    None => return Err("reflect: slice index out of range".to_owned()),
                }
            }
            Value::Bytes(b) => {
                let x = index_arg(ix, b.len())?;
                match b.get(x) {
                    Some(&c) => Value::Uint8(c),
                    None => return Err("reflect: slice index out of range".to_owned()),
                }
            }
            // A string indexes to a byte (Go's uint8).
            Value::Str(s) => {
                let x = index_arg(ix, s.len())?;
                match s.as_bytes().get(x) {
                    Some(&c) => Value::Uint8(c),
                    None => return Err("reflect: string index out of range".to_owned()),
                }
            }
            Value::Map(m) => {
                let key = match ix {
                    Value::Str(k) => k,
                    Value::Nil => return Err("value is nil; should be of type string".to_owned()),
                    other => {
                        return Err(format!(
                            "value has type {}; should be string",
                            other.type_name()
                        ));
                    }
                };
                // A missing key gives the element type's zero value: nil for interface{}.
                m.borrow().get(&**key).cloned().unwrap_or(Value::Nil)
            }
            other => {
                return Err(format!(
                    "can't index item of type {}",
                    indirect_type_name(other)
                ));
            }
        };
    }
    Ok(item)
}

/// Go's indexArg: an integer index in `0..=cap`.
fn index_arg(ix: &Value, cap: usize) -> Result<usize, String> {
    let x: i128 = match ix {
        Value::Int(i) | Value::Int64(i) => i128::from(*i),
        // Go converts with int64(index.Uint()), which wraps above i64::MAX.
        Value::Uint(u) => i128::from(*u as i64),
        Value::Uint8(u) => i128::from(*u),
        Value::Nil => return Err("cannot index slice/array with nil".to_owned()),
        other => {
            return Err(format!(
                "cannot index slice/array with type {}",
                other.type_name()
            ));
        }
    };
    match usize::try_from(x) {
        Ok(x) if x <= cap => Ok(x),
        _ => Err(format!("index out of range: {x}")),
    }
}

/// Go's `slice`: `slice x 1 2` is `x[1:2]`. (Helm registers Sprig's `slice` over it.)
pub fn slice(args: &[Value]) -> Result<Value, String> {
    let (item, indexes) = args.split_first().ok_or("slice of untyped nil")?;
    if item.is_nil() {
        return Err("slice of untyped nil".to_owned());
    }
    if indexes.len() > 3 {
        return Err(format!("too many slice indexes: {}", indexes.len()));
    }
    let len = match item {
        Value::Str(s) => {
            if indexes.len() == 3 {
                return Err("cannot 3-index slice a string".to_owned());
            }
            s.len()
        }
        Value::List(l) => l.items.borrow().len(),
        Value::Bytes(b) => b.len(),
        other => {
            return Err(format!(
                "can't slice item of type {}",
                indirect_type_name(other)
            ));
        }
    };
    let mut idx = [0, len, len];
    for (slot, ix) in idx.iter_mut().zip(indexes) {
        *slot = index_arg(ix, len)?;
    }
    let [i, j, k] = idx;
    if i > j {
        return Err(format!("invalid slice index: {i} > {j}"));
    }
    if indexes.len() == 3 && j > k {
        return Err(format!("invalid slice index: {j} > {k}"));
    }
    Ok(match item {
        Value::Str(s) => match s.as_bytes().get(i..j) {
            Some(b) => Value::string(String::from_utf8_lossy(b).into_owned()),
            None => Value::str(""),
        },
        Value::Bytes(b) => Value::Bytes(b.get(i..j).unwrap_or(&[]).into()),
        Value::List(l) => {
            let items = l.items.borrow();
            Value::List(List {
                items: std::rc::Rc::new(std::cell::RefCell::new(
                    items.get(i..j).unwrap_or(&[]).to_vec(),
                )),
                elem: l.elem,
                // Go: a nil slice sliced (only `[0:0]` is in range) is still nil.
                nil: l.nil,
            })
        }
        _ => Value::Nil,
    })
}

/// Go's `len`.
pub fn length(item: &Value) -> Result<Value, String> {
    let n = match item {
        Value::Nil => return Err("len of nil pointer".to_owned()),
        Value::Str(s) => s.len(),
        Value::Bytes(b) => b.len(),
        Value::List(l) => l.items.borrow().len(),
        Value::Map(m) => m.borrow().len(),
        other => return Err(format!("len of type {}", indirect_type_name(other))),
    };
    Ok(Value::Int(i64::try_from(n).unwrap_or(i64::MAX)))
}

// ---- comparisons ----

const NO_COMPARISON: &str = "missing argument for comparison";
const BAD_COMPARISON_TYPE: &str = "invalid type for comparison";

/// Go's basicKind classes: comparisons work within a class (int with uint specially).
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Invalid,
    Bool,
    Int(i64),
    Uint(u64),
    Float(f64),
    Str,
}

impl Kind {
    fn of(v: &Value) -> Kind {
        match v {
            Value::Bool(_) => Kind::Bool,
            Value::Int(i) | Value::Int64(i) => Kind::Int(*i),
            Value::Uint(u) => Kind::Uint(*u),
            Value::Uint8(u) => Kind::Uint(u64::from(*u)),
            Value::Float(f) => Kind::Float(*f),
            Value::Str(_) => Kind::Str,
            _ => Kind::Invalid,
        }
    }

    fn class(self) -> u8 {
        match self {
            Kind::Invalid => 0,
            Kind::Bool => 1,
            Kind::Int(_) => 2,
            Kind::Uint(_) => 3,
            Kind::Float(_) => 4,
            Kind::Str => 5,
        }
    }
}

fn incompatible(a: &Value, b: &Value) -> String {
    format!(
        "incompatible types for comparison: {} and {}",
        a.type_name(),
        b.type_name()
    )
}

/// Go's `eq`: whether `a` equals any of `rest`.
pub fn eq(a: &Value, rest: &[Value]) -> Result<bool, String> {
    if rest.is_empty() {
        return Err(NO_COMPARISON.to_owned());
    }
    let k1 = Kind::of(a);
    for b in rest {
        let k2 = Kind::of(b);
        let truth = if k1.class() != k2.class() {
            match (k1, k2) {
                (Kind::Int(x), Kind::Uint(y)) => x >= 0 && x as u64 == y,
                (Kind::Uint(x), Kind::Int(y)) => y >= 0 && x == y as u64,
                // nil compares (unequal) with anything.
                _ if a.is_nil() || b.is_nil() => false,
                _ => return Err(incompatible(a, b)),
            }
        } else {
            match (k1, k2) {
                (Kind::Int(x), Kind::Int(y)) => x == y,
                (Kind::Uint(x), Kind::Uint(y)) => x == y,
                (Kind::Float(x), Kind::Float(y)) => x == y,
                (Kind::Bool, Kind::Bool) => a.truthy() == b.truthy(),
                (Kind::Str, Kind::Str) => a.as_str() == b.as_str(),
                _ => eq_reference(a, b)?,
            }
        };
        if truth {
            return Ok(true);
        }
    }
    Ok(false)
}

/// `eq` of two values outside the basic kinds: nil, maps, slices, objects (pointers).
fn eq_reference(a: &Value, b: &Value) -> Result<bool, String> {
    let same_kind = std::mem::discriminant(a) == std::mem::discriminant(b)
        || matches!(
            (a, b),
            (
                Value::List(_) | Value::Bytes(_),
                Value::List(_) | Value::Bytes(_)
            )
        );
    if !same_kind && !a.is_nil() && !b.is_nil() {
        return Err(format!(
            "non-comparable types {}: {}, {}: {}",
            sprintf("%s", std::slice::from_ref(a)),
            a.type_name(),
            b.type_name(),
            sprint(std::slice::from_ref(b)),
        ));
    }
    if a.is_nil() || b.is_nil() {
        // Maps, slices and pointers built here are never nil.
        return Ok(a.is_nil() && b.is_nil());
    }
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => Ok(std::rc::Rc::ptr_eq(x, y)),
        _ => Err(format!(
            "non-comparable type {}: {}",
            sprintf("%s", std::slice::from_ref(b)),
            b.type_name()
        )),
    }
}

/// Go's `lt`.
pub fn lt(a: &Value, b: &Value) -> Result<bool, String> {
    let (k1, k2) = (Kind::of(a), Kind::of(b));
    if matches!(k1, Kind::Invalid) || matches!(k2, Kind::Invalid) {
        return Err(BAD_COMPARISON_TYPE.to_owned());
    }
    match (k1, k2) {
        (Kind::Int(x), Kind::Int(y)) => Ok(x < y),
        (Kind::Uint(x), Kind::Uint(y)) => Ok(x < y),
        (Kind::Float(x), Kind::Float(y)) => Ok(x < y),
        (Kind::Str, Kind::Str) => Ok(a.as_str() < b.as_str()),
        (Kind::Int(x), Kind::Uint(y)) => Ok(x < 0 || (x as u64) < y),
        (Kind::Uint(x), Kind::Int(y)) => Ok(y >= 0 && x < y as u64),
        (Kind::Bool, Kind::Bool) => Err(BAD_COMPARISON_TYPE.to_owned()),
        _ => Err(incompatible(a, b)),
    }
}

/// Go's `le`: `lt` or `eq`.
pub fn le(a: &Value, b: &Value) -> Result<bool, String> {
    if lt(a, b)? {
        return Ok(true);
    }
    eq(a, std::slice::from_ref(b))
}

// ---- html, js, urlquery ----

/// Go's evalArgs: one string argument as is; otherwise `fmt.Sprint` of the arguments with nil
/// printed as `<no value>` (a string, for the spacing rule).
fn eval_args(args: &[Value]) -> String {
    if let [Value::Str(s)] = args {
        return s.to_string();
    }
    let printable: Vec<Value> = args
        .iter()
        .map(|a| {
            if a.is_nil() {
                Value::str("<no value>")
            } else {
                a.clone()
            }
        })
        .collect();
    sprint(&printable)
}

/// Go's HTMLEscapeString.
pub fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("&#34;"),
            '\'' => out.push_str("&#39;"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\0' => out.push('\u{fffd}'),
            _ => out.push(c),
        }
    }
    out
}

/// Go's JSEscapeString.
pub fn js_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '<' => out.push_str("\\u003C"),
            '>' => out.push_str("\\u003E"),
            '&' => out.push_str("\\u0026"),
            '=' => out.push_str("\\u003D"),
            c if c < ' ' => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c if c.is_ascii() || crate::fmt::is_print(c) => out.push(c),
            c => out.push_str(&format!("\\u{:04X}", u32::from(c))),
        }
    }
    out
}

/// Go's url.QueryEscape: unreserved bytes kept, space as `+`, the rest `%XX`.
pub fn query_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(b));
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn run(name: &str, args: Vec<Value>) -> Result<String, String> {
        let f = FUNCS.iter().find(|f| f.name == name).unwrap();
        (f.body)(&mut FuncEnv::default(), args).map(|v| crate::fmt::print_value(&v))
    }

    fn i(n: i64) -> Value {
        Value::Int(n)
    }

    fn s(x: &str) -> Value {
        Value::str(x)
    }

    fn f(x: f64) -> Value {
        Value::Float(x)
    }

    fn values_list() -> Value {
        Value::list(vec![f(1.0), s("a"), Value::Nil])
    }

    fn values_map() -> Value {
        Value::map(BTreeMap::from([
            ("a".to_owned(), f(1.0)),
            ("b".to_owned(), s("x")),
        ]))
    }

    fn err(r: Result<String, String>) -> String {
        r.unwrap_err()
    }

    // Expected texts below were observed with Helm v4.2.3 (`error calling NAME: ` stripped).

    #[test]
    fn comparisons() {
        assert_eq!(run("eq", vec![i(1), i(2), i(1)]).unwrap(), "true");
        assert_eq!(run("eq", vec![s("a"), s("b"), s("a")]).unwrap(), "true");
        assert_eq!(run("eq", vec![Value::Nil, Value::Nil]).unwrap(), "true");
        assert_eq!(run("eq", vec![s("x"), Value::Nil]).unwrap(), "false");
        assert_eq!(run("eq", vec![Value::Nil, i(1)]).unwrap(), "false");
        assert_eq!(run("eq", vec![f(8080.0), f(8080.0)]).unwrap(), "true");
        assert_eq!(run("eq", vec![Value::Int64(1), i(1)]).unwrap(), "true");
        assert_eq!(run("eq", vec![i(1), i(1), s("a")]).unwrap(), "true");
        assert_eq!(run("eq", vec![values_map(), Value::Nil]).unwrap(), "false");
        assert_eq!(run("eq", vec![Value::Uint(98), i(98)]).unwrap(), "true");
        assert_eq!(
            err(run("eq", vec![i(1), f(2.5)])),
            "incompatible types for comparison: int and float64"
        );
        assert_eq!(
            err(run("eq", vec![f(8080.0), i(8080)])),
            "incompatible types for comparison: float64 and int"
        );
        assert_eq!(
            err(run("eq", vec![s("a"), i(1), s("a")])),
            "incompatible types for comparison: string and int"
        );
        assert_eq!(
            err(run("eq", vec![values_list(), s("a")])),
            "incompatible types for comparison: []interface {} and string"
        );
        assert_eq!(
            err(run("eq", vec![Value::Bool(true), i(1)])),
            "incompatible types for comparison: bool and int"
        );
        assert_eq!(
            err(run("eq", vec![i(1)])),
            "missing argument for comparison"
        );
        assert_eq!(
            err(run("eq", vec![values_map(), values_map()])),
            "non-comparable type map[a:%!s(float64=1) b:x]: map[string]interface {}"
        );
        assert_eq!(
            err(run("eq", vec![Value::list(vec![i(1)]), values_list()])),
            "non-comparable type [%!s(float64=1) a <nil>]: []interface {}"
        );
        assert_eq!(
            err(run("eq", vec![values_map(), values_list()])),
            "non-comparable types map[a:%!s(float64=1) b:x]: map[string]interface {}, []interface {}: [1 a <nil>]"
        );
        assert_eq!(run("ne", vec![i(1), i(2)]).unwrap(), "true");
        assert_eq!(run("ne", vec![Value::Nil, i(1)]).unwrap(), "true");
        assert_eq!(run("ne", vec![values_list(), Value::Nil]).unwrap(), "true");
        assert_eq!(
            err(run("ne", vec![i(1), s("a")])),
            "incompatible types for comparison: int and string"
        );
        assert_eq!(run("lt", vec![i(1), i(2)]).unwrap(), "true");
        assert_eq!(run("lt", vec![s("a"), s("b")]).unwrap(), "true");
        assert_eq!(run("lt", vec![f(8080.0), f(1e6)]).unwrap(), "true");
        assert_eq!(run("le", vec![i(2), i(2)]).unwrap(), "true");
        assert_eq!(run("gt", vec![i(3), i(2)]).unwrap(), "true");
        assert_eq!(run("ge", vec![i(1), i(2)]).unwrap(), "false");
        assert_eq!(run("lt", vec![i(97), Value::Uint(98)]).unwrap(), "true");
        assert_eq!(run("lt", vec![i(-1), Value::Uint(0)]).unwrap(), "true");
        assert_eq!(
            err(run("lt", vec![i(1), f(2.5)])),
            "incompatible types for comparison: int and float64"
        );
        assert_eq!(
            err(run("lt", vec![f(2.5), Value::Int64(3)])),
            "incompatible types for comparison: float64 and int64"
        );
        assert_eq!(
            err(run("lt", vec![Value::Bool(true), Value::Bool(false)])),
            "invalid type for comparison"
        );
        assert_eq!(
            err(run("lt", vec![Value::Nil, i(1)])),
            "invalid type for comparison"
        );
        assert_eq!(
            err(run("le", vec![Value::Nil, Value::Nil])),
            "invalid type for comparison"
        );
        assert_eq!(
            err(run("ge", vec![values_list(), i(1)])),
            "invalid type for comparison"
        );
    }

    #[test]
    fn not_and_len() {
        assert_eq!(run("not", vec![i(0)]).unwrap(), "true");
        assert_eq!(run("not", vec![s("x")]).unwrap(), "false");
        assert_eq!(run("not", vec![Value::Nil]).unwrap(), "true");
        assert_eq!(run("not", vec![Value::list(vec![])]).unwrap(), "true");
        assert_eq!(run("len", vec![s("héllo")]).unwrap(), "6");
        assert_eq!(run("len", vec![values_map()]).unwrap(), "2");
        assert_eq!(run("len", vec![values_list()]).unwrap(), "3");
        assert_eq!(err(run("len", vec![i(3)])), "len of type int");
        assert_eq!(err(run("len", vec![f(8080.0)])), "len of type float64");
        assert_eq!(err(run("len", vec![Value::Nil])), "len of nil pointer");
    }

    #[test]
    fn index_like_go() {
        let values = Value::map(BTreeMap::from([
            ("m".to_owned(), values_map()),
            ("l".to_owned(), values_list()),
        ]));
        assert_eq!(run("index", vec![values_map(), s("a")]).unwrap(), "1");
        assert_eq!(run("index", vec![values_list(), i(1)]).unwrap(), "a");
        assert_eq!(run("index", vec![s("abc"), i(1)]).unwrap(), "98");
        assert_eq!(
            run("index", vec![values.clone(), s("m"), s("b")]).unwrap(),
            "x"
        );
        assert_eq!(
            run("index", vec![values_map(), s("zz")]).unwrap(),
            "<no value>"
        );
        assert_eq!(run("index", vec![values_map()]).unwrap(), "map[a:1 b:x]");
        assert_eq!(
            run("index", vec![values.clone(), s("l"), i(1), i(0)]).unwrap(),
            "97"
        );
        assert_eq!(
            run("index", vec![values_list(), Value::Uint(0)]).unwrap(),
            "1"
        );
        assert_eq!(
            err(run("index", vec![values_list(), i(5)])),
            "index out of range: 5"
        );
        assert_eq!(
            err(run("index", vec![values_list(), i(-1)])),
            "index out of range: -1"
        );
        assert_eq!(
            err(run("index", vec![values_list(), i(3)])),
            "reflect: slice index out of range"
        );
        assert_eq!(
            err(run("index", vec![s("abc"), i(3)])),
            "reflect: string index out of range"
        );
        assert_eq!(
            err(run("index", vec![s("abc"), i(5)])),
            "index out of range: 5"
        );
        assert_eq!(
            err(run("index", vec![values_list(), f(1.0)])),
            "cannot index slice/array with type float64"
        );
        assert_eq!(
            err(run("index", vec![values_list(), s("1")])),
            "cannot index slice/array with type string"
        );
        assert_eq!(
            err(run("index", vec![values_list(), Value::Nil])),
            "cannot index slice/array with nil"
        );
        assert_eq!(
            err(run("index", vec![values_map(), i(1)])),
            "value has type int; should be string"
        );
        assert_eq!(
            err(run("index", vec![values_map(), Value::Nil])),
            "value is nil; should be of type string"
        );
        assert_eq!(
            err(run("index", vec![Value::Nil, i(1)])),
            "index of untyped nil"
        );
        assert_eq!(
            err(run("index", vec![values, s("missing"), s("x")])),
            "index of nil pointer"
        );
        assert_eq!(
            err(run("index", vec![i(5), i(1)])),
            "can't index item of type int"
        );
        assert_eq!(
            err(run("index", vec![values_map(), s("a"), s("b")])),
            "can't index item of type float64"
        );
    }

    #[test]
    fn slice_like_go() {
        assert_eq!(run("slice", vec![s("abcdef"), i(1), i(3)]).unwrap(), "bc");
        assert_eq!(
            run("slice", vec![values_list(), i(1)]).unwrap(),
            "[a <nil>]"
        );
        assert_eq!(run("slice", vec![values_list()]).unwrap(), "[1 a <nil>]");
        assert_eq!(run("slice", vec![s("abc"), i(3)]).unwrap(), "");
        assert_eq!(
            run("slice", vec![values_list(), i(0), i(1), i(2)]).unwrap(),
            "[1]"
        );
        assert_eq!(
            err(run("slice", vec![s("abc"), i(2), i(1)])),
            "invalid slice index: 2 > 1"
        );
        assert_eq!(
            err(run("slice", vec![s("abc"), i(1), i(2), i(3)])),
            "cannot 3-index slice a string"
        );
        assert_eq!(
            err(run("slice", vec![values_list(), i(0), i(2), i(1)])),
            "invalid slice index: 2 > 1"
        );
        assert_eq!(
            err(run("slice", vec![values_list(), i(0), i(4)])),
            "index out of range: 4"
        );
        assert_eq!(
            err(run("slice", vec![values_list(), i(0), i(1), i(2), i(3)])),
            "too many slice indexes: 4"
        );
        assert_eq!(
            err(run("slice", vec![Value::Nil, i(1)])),
            "slice of untyped nil"
        );
        assert_eq!(
            err(run("slice", vec![values_map(), i(1)])),
            "can't slice item of type map[string]interface {}"
        );
    }

    #[test]
    fn escapers() {
        assert_eq!(
            run("html", vec![s("<a href=\"x\">'&'</a>")]).unwrap(),
            "&lt;a href=&#34;x&#34;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
        assert_eq!(run("html", vec![i(1), i(2), s("x")]).unwrap(), "1 2x");
        assert_eq!(run("html", vec![Value::Nil]).unwrap(), "&lt;no value&gt;");
        assert_eq!(
            run("html", vec![s("a"), Value::Nil]).unwrap(),
            "a&lt;no value&gt;"
        );
        assert_eq!(run("html", vec![s("a\0b")]).unwrap(), "a\u{fffd}b");
        assert_eq!(
            run(
                "html",
                vec![Value::list(vec![s("a"), Value::Nil]), Value::Nil, s("b")]
            )
            .unwrap(),
            "[a &lt;nil&gt;]&lt;no value&gt;b"
        );
        assert_eq!(
            run("js", vec![s("a'b\"c\\d<e>f&g=h\ni\u{e9}\u{2028}")]).unwrap(),
            "a\\'b\\\"c\\\\d\\u003Ce\\u003Ef\\u0026g\\u003Dh\\u000Ai\u{e9}\\u2028"
        );
        assert_eq!(
            run("js", vec![s("\0\u{1f}\u{7f}\u{ad}")]).unwrap(),
            "\\u0000\\u001F\u{7f}\\u00AD"
        );
        assert_eq!(run("js", vec![i(1), i(2)]).unwrap(), "1 2");
        assert_eq!(run("js", vec![s("\u{d7ff}")]).unwrap(), "\\uD7FF");
        assert_eq!(
            run("urlquery", vec![s("a b&c=d/é~._-")]).unwrap(),
            "a+b%26c%3Dd%2F%C3%A9~._-"
        );
        assert_eq!(
            run("urlquery", vec![s("!*'();:@&=+$,/?#[]%")]).unwrap(),
            "%21%2A%27%28%29%3B%3A%40%26%3D%2B%24%2C%2F%3F%23%5B%5D%25"
        );
        assert_eq!(run("urlquery", vec![i(1), s("x")]).unwrap(), "1x");
        assert_eq!(run("urlquery", vec![Value::Nil]).unwrap(), "%3Cno+value%3E");
    }

    #[test]
    fn printing_and_call() {
        assert_eq!(run("print", vec![Value::Nil]).unwrap(), "<nil>");
        assert_eq!(run("println", vec![i(1)]).unwrap(), "1\n");
        assert_eq!(
            run("printf", vec![s("%d|%s"), i(1)]).unwrap(),
            "1|%!s(MISSING)"
        );
        assert_eq!(
            run("printf", vec![s("str"), i(1)]).unwrap(),
            "str%!(EXTRA int=1)"
        );
        assert_eq!(
            err(run("call", vec![s(".Values.port"), f(8080.0)])),
            "non-function .Values.port of type float64"
        );
        assert_eq!(
            err(run("call", vec![s("\"x\""), s("x")])),
            "non-function \"x\" of type string"
        );
        assert_eq!(err(run("call", vec![s("nil"), Value::Nil])), "call of nil");
        assert_eq!(
            err(run("call", vec![s(".Values.missing"), Value::Nil, i(1)])),
            "call of nil"
        );
    }
}
