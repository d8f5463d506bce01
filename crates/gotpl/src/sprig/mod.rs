//! Sprig v3's functions (Masterminds/sprig v3.3.0 `functions.go`, as Helm v4 links it), one
//! module per family. Numbers are converted as Sprig does it, through spf13/cast v1.7.0
//! ([`cast`]); values are printed through Sprig's `strval` (`fmt.Sprintf("%v")`).
//!
//! Not here: Sprig's random, crypto and date functions ([`crate::random`], [`crate::crypto`],
//! [`crate::date`]), its JSON functions (Helm replaces or keeps them in [`crate::encode`]), and
//! `env`/`expandenv`, which Helm removes.

use crate::func::{Func, Signature, Ty};
use crate::value::{MapRef, Value};

pub mod cast;
pub mod defaults;
pub mod dict;
pub mod list;
pub mod numeric;
pub mod paths;
pub mod reflect;
pub mod regex;
pub mod semver;
pub mod strings;
pub mod url;

/// Every Sprig table, in the order they are registered (a later name overrides an earlier one).
pub const TABLES: &[&[Func]] = &[
    strings::FUNCS,
    numeric::FUNCS,
    list::FUNCS,
    dict::FUNCS,
    defaults::FUNCS,
    reflect::FUNCS,
    paths::FUNCS,
    regex::FUNCS,
    semver::FUNCS,
    url::FUNCS,
];

/// A table entry: `f(name, &[params], variadic, body)`.
pub(crate) const fn f(
    name: &'static str,
    params: &'static [Ty],
    variadic: Option<Ty>,
    body: crate::func::Native,
) -> Func {
    Func {
        name,
        sig: Signature { params, variadic },
        body,
    }
}

/// The executor checks arguments against the signature before a body runs; a body that still
/// sees the wrong shape reports it instead of panicking.
fn internal(i: usize, want: &str, got: Option<&Value>) -> String {
    let got = got.map_or_else(|| "nothing".to_string(), Value::type_name);
    format!(
        "internal error: argument {} should be {want}, got {got}",
        i + 1
    )
}

/// Argument `i` (an `interface{}` parameter): nil when absent.
pub(crate) fn any(args: &[Value], i: usize) -> Value {
    args.get(i).cloned().unwrap_or_default()
}

/// Argument `i` of a `string` parameter.
pub(crate) fn string(args: &[Value], i: usize) -> Result<&str, String> {
    match args.get(i) {
        Some(Value::Str(s)) => Ok(s),
        other => Err(internal(i, "string", other)),
    }
}

/// Argument `i` of an `int` (or `int64`) parameter.
pub(crate) fn int(args: &[Value], i: usize) -> Result<i64, String> {
    match args.get(i) {
        Some(Value::Int(n) | Value::Int64(n)) => Ok(*n),
        other => Err(internal(i, "int", other)),
    }
}

/// Argument `i` of a `bool` parameter.
pub(crate) fn boolean(args: &[Value], i: usize) -> Result<bool, String> {
    match args.get(i) {
        Some(Value::Bool(b)) => Ok(*b),
        other => Err(internal(i, "bool", other)),
    }
}

/// Argument `i` of a `map[string]interface{}` parameter. `None` is a nil map (Go passes the
/// zero map for a nil argument): reading it finds nothing, writing it panics.
pub(crate) fn map(args: &[Value], i: usize) -> Result<Option<MapRef>, String> {
    match args.get(i) {
        Some(Value::Map(m)) => Ok(Some(m.clone())),
        Some(Value::Nil) => Ok(None),
        other => Err(internal(i, "map[string]interface {}", other)),
    }
}

/// The arguments from `i` on (a variadic parameter's).
pub(crate) fn rest(args: &[Value], i: usize) -> &[Value] {
    args.get(i..).unwrap_or(&[])
}

/// Sprig's `strval`: strings and bytes as they are, values with a `String()` method through it,
/// everything else as `fmt.Sprintf("%v")`.
pub(crate) fn strval(v: &Value) -> String {
    match v {
        Value::Str(s) => s.to_string(),
        Value::Bytes(b) => lossy(b),
        other => sprint_v(other),
    }
}

/// Go bytes as text: each byte that is not part of valid UTF-8 becomes U+FFFD, as Go's
/// `range` over a string (and `encoding/json`) reads it. Go keeps the raw bytes; kforge's text
/// is UTF-8, so a cut inside a character shows as U+FFFD per cut-off byte.
pub(crate) fn lossy(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        for _ in chunk.invalid() {
            out.push(char::REPLACEMENT_CHARACTER);
        }
    }
    out
}

/// `fmt.Sprintf("%v", v)`.
pub(crate) fn sprint_v(v: &Value) -> String {
    crate::fmt::sprint_one(v)
}

/// Sprig's `empty`: the zero value of its type (0, 0.0, "", false, nil, empty list or map) is
/// empty; a struct pointer never is, a map-typed object (`.Files`) when it has no entries —
/// which is Go template truth, negated.
pub(crate) fn is_empty(v: &Value) -> bool {
    !v.truthy()
}

/// How deep the recursive walks over values go (`deepEqual`, `deepCopy`, `merge`): Go recurses
/// until its stack runs out; kforge stops well before a 2 MiB thread stack would.
pub(crate) const MAX_NESTING: usize = 200;

/// Go's `reflect.DeepEqual` on two interface values: same dynamic type and deeply equal
/// contents (an `int` 1 is not an `int64` 1 nor a `float64` 1). As in Go, a pair of maps or
/// lists already being compared counts as equal, so cycles and shared parts end.
pub(crate) fn deep_equal(a: &Value, b: &Value) -> bool {
    deep_equal_at(a, b, 0, &mut Visited::default())
}

type Visited = std::collections::HashSet<(usize, usize), crate::track::FxBuild>;

fn deep_equal_at(a: &Value, b: &Value, depth: usize, visited: &mut Visited) -> bool {
    if depth > MAX_NESTING {
        return false;
    }
    match (a, b) {
        (Value::Nil, Value::Nil) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Int(x), Value::Int(y)) | (Value::Int64(x), Value::Int64(y)) => x == y,
        (Value::Uint(x), Value::Uint(y)) => x == y,
        (Value::Uint8(x), Value::Uint8(y)) => x == y,
        // `==` on floats: NaN is not equal to itself.
        (Value::Float(x), Value::Float(y)) => x == y,
        (Value::Str(x), Value::Str(y)) => x == y,
        (Value::Bytes(x), Value::Bytes(y)) => x == y,
        (Value::List(x), Value::List(y)) => {
            // reflect.DeepEqual: a nil slice is not an empty one.
            if x.elem != y.elem || x.nil != y.nil {
                return false;
            }
            let key = (
                std::rc::Rc::as_ptr(&x.items) as usize,
                std::rc::Rc::as_ptr(&y.items) as usize,
            );
            if key.0 == key.1 || !visited.insert(key) {
                return true;
            }
            let (x, y) = (x.items.borrow(), y.items.borrow());
            x.len() == y.len()
                && x.iter()
                    .zip(y.iter())
                    .all(|(p, q)| deep_equal_at(p, q, depth + 1, visited))
        }
        (Value::Map(x), Value::Map(y)) => {
            let key = (
                std::rc::Rc::as_ptr(x) as *const u8 as usize,
                std::rc::Rc::as_ptr(y) as *const u8 as usize,
            );
            if key.0 == key.1 || !visited.insert(key) {
                return true;
            }
            let (x, y) = (x.borrow(), y.borrow());
            x.len() == y.len()
                && x.iter().all(|(k, p)| {
                    y.get(k)
                        .is_some_and(|q| deep_equal_at(p, q, depth + 1, visited))
                })
        }
        (Value::Object(x), Value::Object(y)) => {
            x.type_name() == y.type_name() && x.go_string() == y.go_string()
        }
        _ => false,
    }
}

/// The items of a slice argument, or `None` for anything that is not a slice or array (Go's
/// `reflect.TypeOf(x).Kind()` check). `[]byte` is a slice of numbers.
pub(crate) fn slice_items(v: &Value) -> Option<Vec<Value>> {
    match v {
        Value::List(l) => Some(l.items.borrow().clone()),
        Value::Bytes(b) => Some(b.iter().map(|&x| Value::Uint8(x)).collect()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    /// Sprig v3.3.0's genericMap without what other modules own (date, random, crypto, JSON)
    /// and what Helm removes (`env`, `expandenv`).
    const SPRIG_NAMES: &[&str] = &[
        "abbrev",
        "abbrevboth",
        "add",
        "add1",
        "add1f",
        "addf",
        "adler32sum",
        "all",
        "any",
        "append",
        "atoi",
        "b32dec",
        "b32enc",
        "b64dec",
        "b64enc",
        "base",
        "biggest",
        "camelcase",
        "cat",
        "ceil",
        "chunk",
        "clean",
        "coalesce",
        "compact",
        "concat",
        "contains",
        "deepCopy",
        "deepEqual",
        "default",
        "dict",
        "dig",
        "dir",
        "div",
        "divf",
        "empty",
        "ext",
        "fail",
        "first",
        "float64",
        "floor",
        "get",
        "getHostByName",
        "has",
        "hasKey",
        "hasPrefix",
        "hasSuffix",
        "hello",
        "indent",
        "initial",
        "initials",
        "int",
        "int64",
        "isAbs",
        "join",
        "kebabcase",
        "keys",
        "kindIs",
        "kindOf",
        "last",
        "list",
        "lower",
        "max",
        "maxf",
        "merge",
        "mergeOverwrite",
        "min",
        "minf",
        "mod",
        "mul",
        "mulf",
        "mustAppend",
        "mustChunk",
        "mustCompact",
        "mustDeepCopy",
        "mustFirst",
        "mustHas",
        "mustInitial",
        "mustLast",
        "mustMerge",
        "mustMergeOverwrite",
        "mustPrepend",
        "mustPush",
        "mustRegexFind",
        "mustRegexFindAll",
        "mustRegexMatch",
        "mustRegexReplaceAll",
        "mustRegexReplaceAllLiteral",
        "mustRegexSplit",
        "mustRest",
        "mustReverse",
        "mustSlice",
        "mustUniq",
        "mustWithout",
        "nindent",
        "nospace",
        "omit",
        "osBase",
        "osClean",
        "osDir",
        "osExt",
        "osIsAbs",
        "pick",
        "pluck",
        "plural",
        "prepend",
        "push",
        "quote",
        "regexFind",
        "regexFindAll",
        "regexMatch",
        "regexQuoteMeta",
        "regexReplaceAll",
        "regexReplaceAllLiteral",
        "regexSplit",
        "repeat",
        "replace",
        "rest",
        "reverse",
        "round",
        "semver",
        "semverCompare",
        "seq",
        "set",
        "sha1sum",
        "sha256sum",
        "sha512sum",
        "slice",
        "snakecase",
        "sortAlpha",
        "split",
        "splitList",
        "splitn",
        "squote",
        "sub",
        "subf",
        "substr",
        "swapcase",
        "ternary",
        "title",
        "toDecimal",
        "toString",
        "toStrings",
        "trim",
        "trimAll",
        "trimPrefix",
        "trimSuffix",
        "trimall",
        "trunc",
        "tuple",
        "typeIs",
        "typeIsLike",
        "typeOf",
        "uniq",
        "unset",
        "until",
        "untilStep",
        "untitle",
        "upper",
        "urlJoin",
        "urlParse",
        "values",
        "without",
        "wrap",
        "wrapWith",
    ];

    #[test]
    fn every_sprig_function_is_registered_once() {
        let mut names: Vec<&str> = super::TABLES
            .iter()
            .flat_map(|t| t.iter().map(|f| f.name))
            .collect();
        names.sort_unstable();
        let before = names.len();
        names.dedup();
        assert_eq!(before, names.len(), "a name is registered twice");
        assert_eq!(names, SPRIG_NAMES);
    }
}
