//! Filters and functions chart authors need, with Helm/Sprig semantics where they differ from
//! Jinja's. Every helper is registered both as a filter and as a function taking the same
//! arguments, value first: `x | toyaml` is `toyaml(x)`.

use std::sync::Arc;

use base64::Engine as _;
use minijinja::value::{Kwargs, Rest, ValueKind};
use minijinja::{Environment, Error, ErrorKind, State, Value};
use sha2::Digest as _;

use super::markers;
use super::shared::{Issue, Shared, issue};

fn invalid(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::InvalidOperation, message.into())
}

/// A string argument that must be defined (SemiStrict): undefined gives minijinja's own
/// "`x` is undefined" error, with the expression.
fn string_arg(state: &State, value: &Value) -> Result<String, Error> {
    use minijinja::value::ArgType;
    let (s, _) = <String as ArgType>::from_state_and_value(Some(state), Some(value))?;
    Ok(s)
}

/// The text of a value as Helm prints it (`none` → "").
fn text_of(value: &Value) -> String {
    if value.is_none() || value.is_undefined() {
        return String::new();
    }
    match value.as_str() {
        Some(s) => s.to_string(),
        None => value.to_string(),
    }
}

/// Sprig's notion of empty: undefined, none, false, 0, "", empty list or map.
pub fn is_empty(value: &Value) -> bool {
    !value.is_true()
}

/// JSON of a template value; in the marked environment without markers, so the result does not
/// depend on them.
fn to_json(shared: &Shared, value: &Value) -> Result<serde_json::Value, Error> {
    let json =
        serde_json::to_value(value).map_err(|e| invalid(format!("cannot convert to data: {e}")))?;
    Ok(if shared.marked {
        unmark_json(json)
    } else {
        json
    })
}

fn unmark_json(json: serde_json::Value) -> serde_json::Value {
    use serde_json::Value as J;
    match json {
        J::String(s) => J::String(markers::remove(&s).into_owned()),
        J::Array(items) => J::Array(items.into_iter().map(unmark_json).collect()),
        J::Object(m) => J::Object(
            m.into_iter()
                .map(|(k, v)| (markers::remove(&k).into_owned(), unmark_json(v)))
                .collect(),
        ),
        other => other,
    }
}

fn clean(shared: &Shared, s: String) -> String {
    if shared.marked {
        markers::remove(&s).into_owned()
    } else {
        s
    }
}

fn from_json_value(json: &serde_json::Value) -> Value {
    Value::from(minijinja::value::Serde(json))
}

/// `toyaml(value)`: YAML block text without a final newline (Helm's `toYaml`).
fn toyaml(shared: &Shared, value: &Value) -> Result<String, Error> {
    let json = to_json(shared, value)?;
    let text = crate::yaml::emit(&json);
    Ok(text.strip_suffix('\n').unwrap_or(&text).to_string())
}

/// `tojson(value, indent=none)`: compact JSON, or indented with `indent` spaces (also `indent=n`).
fn tojson(shared: &Shared, value: &Value, indent: Option<usize>) -> Result<String, Error> {
    let json = to_json(shared, value)?;
    match indent {
        None => serde_json::to_string(&json).map_err(|e| invalid(e.to_string())),
        Some(n) => {
            let pad = vec![b' '; n.min(16)];
            let mut out = Vec::new();
            let fmt = serde_json::ser::PrettyFormatter::with_indent(&pad);
            let mut ser = serde_json::Serializer::with_formatter(&mut out, fmt);
            serde::Serialize::serialize(&json, &mut ser).map_err(|e| invalid(e.to_string()))?;
            Ok(String::from_utf8_lossy(&out).into_owned())
        }
    }
}

/// `fromjson(text)`: parses JSON into a value.
fn fromjson(shared: &Shared, text: String) -> Result<Value, Error> {
    let text = clean(shared, text);
    let json: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| invalid(format!("fromjson: {e}")))?;
    Ok(from_json_value(&json))
}

/// `fromyaml(text)`: parses one YAML document (Kubernetes scalar rules) into a value.
fn fromyaml(shared: &Shared, text: String) -> Result<Value, Error> {
    let text = clean(shared, text);
    let mut sources = crate::source::SourceMap::new();
    let file = sources.add("<fromyaml>", text, crate::source::SourceKind::Manifest);
    let (docs, diags) = crate::yaml::parse_stream(&sources, file, &crate::yaml::Limits::default());
    if let Some(d) = diags.iter().find(|d| d.is_error()) {
        return Err(invalid(format!("fromyaml: {}", d.message)));
    }
    let json = docs
        .first()
        .and_then(|d| d.root.as_ref())
        .map_or(serde_json::Value::Null, |n| n.to_json());
    Ok(from_json_value(&json))
}

/// `b64enc(text)`: standard base64 with padding.
fn b64enc(shared: &Shared, text: String) -> String {
    base64::engine::general_purpose::STANDARD.encode(clean(shared, text))
}

/// `b64dec(text)`: decodes standard base64; the result must be UTF-8.
fn b64dec(shared: &Shared, text: String) -> Result<String, Error> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(clean(shared, text).trim())
        .map_err(|e| invalid(format!("b64dec: {e}")))?;
    String::from_utf8(bytes).map_err(|_| invalid("b64dec: decoded bytes are not UTF-8 text"))
}

/// `sha256sum(text)`: lowercase hex SHA-256.
fn sha256sum(shared: &Shared, text: String) -> String {
    let digest = sha2::Sha256::digest(clean(shared, text).as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// `indent(text, n)`: pads every line, the first included (Sprig's `indent`).
pub fn indent(text: &str, width: usize) -> String {
    let pad = " ".repeat(width.min(1024));
    format!("{pad}{}", text.replace('\n', &format!("\n{pad}")))
}

/// [`indent`] refusing results larger than the output limit (the padding multiplies the size).
fn bounded_indent(
    shared: &Shared,
    text: &str,
    width: usize,
    newline: bool,
) -> Result<String, Error> {
    let lines = text.bytes().filter(|b| *b == b'\n').count() + 1;
    let size = lines
        .saturating_mul(width.min(1024))
        .saturating_add(text.len());
    if size > shared.limits.max_output_bytes {
        return Err(issue(
            Issue::Limit,
            format!(
                "indent: the result would exceed {} bytes",
                shared.limits.max_output_bytes
            ),
        ));
    }
    let out = indent(text, width);
    Ok(if newline { format!("\n{out}") } else { out })
}

/// Go's `%q`: double quotes, backslash escapes for quotes, backslashes and control characters.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let n = u32::from(c);
                if n < 0x80 {
                    out.push_str(&format!("\\x{n:02x}"))
                } else {
                    out.push_str(&format!("\\u{n:04x}"))
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `quote(value)`: Go-quoted text; none gives "" (Sprig).
fn quote(state: &State, value: &Value) -> Result<String, Error> {
    if value.is_undefined() {
        string_arg(state, value)?;
    }
    if value.is_none() {
        return Ok(String::new());
    }
    Ok(go_quote(&text_of(value)))
}

/// `squote(value)`: single-quoted text, no escaping (Sprig).
fn squote(state: &State, value: &Value) -> Result<String, Error> {
    if value.is_undefined() {
        string_arg(state, value)?;
    }
    if value.is_none() {
        return Ok(String::new());
    }
    Ok(format!("'{}'", text_of(value)))
}

/// `required(value, message)`: the value, or a `render/required` error when undefined, none or "".
fn required(value: &Value, message: Option<String>) -> Result<Value, Error> {
    let missing = value.is_undefined() || value.is_none() || value.as_str() == Some("");
    if missing {
        return Err(issue(
            Issue::Required,
            message.unwrap_or_else(|| "a required value is missing".to_string()),
        ));
    }
    Ok(value.clone())
}

/// `fail(message)`: stops the template with a `render/fail` error.
fn fail(message: Option<String>) -> Result<Value, Error> {
    Err(issue(
        Issue::Fail,
        message.unwrap_or_else(|| "the template called fail".to_string()),
    ))
}

/// `default(value, fallback)`: `fallback` when the value is empty (Sprig: undefined, none, false,
/// 0, "", empty list or map), else the value.
fn default(value: &Value, fallback: Option<Value>, _strict: Option<bool>) -> Value {
    if is_empty(value) {
        fallback.unwrap_or_else(|| Value::from(""))
    } else {
        value.clone()
    }
}

/// `trunc(text, n)`: the first n characters, or the last -n when n is negative (Sprig).
fn trunc(shared: &Shared, text: String, n: i64) -> String {
    let text = clean(shared, text);
    let len = text.chars().count() as i64;
    if n >= 0 {
        if len > n {
            text.chars().take(n as usize).collect()
        } else {
            text
        }
    } else if len + n > 0 {
        text.chars().skip((len + n) as usize).collect()
    } else {
        text
    }
}

/// `trimsuffix(text, suffix)`.
fn trimsuffix(shared: &Shared, text: String, suffix: String) -> String {
    let text = clean(shared, text);
    text.strip_suffix(suffix.as_str())
        .map(str::to_string)
        .unwrap_or(text)
}

/// `trimprefix(text, prefix)`.
fn trimprefix(shared: &Shared, text: String, prefix: String) -> String {
    let text = clean(shared, text);
    text.strip_prefix(prefix.as_str())
        .map(str::to_string)
        .unwrap_or(text)
}

/// `title(text)`: upper-cases the first letter of every word, leaves the rest (Sprig).
fn title(text: String) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at_word_start = true;
    for c in text.chars() {
        if at_word_start && c.is_alphanumeric() {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        at_word_start = !c.is_alphanumeric() && c != '\'';
    }
    out
}

/// `contains(text, needle)`.
fn contains(shared: &Shared, text: String, needle: String) -> bool {
    clean(shared, text).contains(needle.as_str())
}

/// `hasprefix(text, prefix)`.
fn hasprefix(shared: &Shared, text: String, prefix: String) -> bool {
    clean(shared, text).starts_with(prefix.as_str())
}

/// `hassuffix(text, suffix)`.
fn hassuffix(shared: &Shared, text: String, suffix: String) -> bool {
    clean(shared, text).ends_with(suffix.as_str())
}

/// `dict("k1", v1, "k2", v2, k3=v3)`: a map from pairs and keyword arguments; `dict(m)` copies m.
fn dict(args: Rest<Value>, kwargs: Kwargs) -> Result<Value, Error> {
    let mut pairs: Vec<(Value, Value)> = Vec::new();
    if let [only] = args.as_slice() {
        if only.kind() == ValueKind::Map {
            pairs.extend(map_pairs(only)?);
        } else {
            return Err(invalid("dict: expected key/value pairs"));
        }
    } else {
        if !args.len().is_multiple_of(2) {
            return Err(invalid(
                "dict: expected an even number of arguments (key, value, ...)",
            ));
        }
        for pair in args.chunks(2) {
            if let [k, v] = pair {
                pairs.push((Value::from(text_of(k)), v.clone()));
            }
        }
    }
    for key in kwargs.args() {
        let v: Value = kwargs.get(key)?;
        pairs.push((Value::from(key), v));
    }
    Ok(Value::from_pairs(dedup_last_wins(pairs)))
}

fn dedup_last_wins(pairs: Vec<(Value, Value)>) -> Vec<(Value, Value)> {
    let mut out: Vec<(Value, Value)> = Vec::with_capacity(pairs.len());
    for (k, v) in pairs {
        match out.iter_mut().find(|(ek, _)| *ek == k) {
            Some(slot) => slot.1 = v,
            None => out.push((k, v)),
        }
    }
    out
}

fn map_pairs(value: &Value) -> Result<Vec<(Value, Value)>, Error> {
    if value.kind() != ValueKind::Map {
        return Err(invalid(format!("expected a map, got {}", value.kind())));
    }
    let mut out = Vec::new();
    for k in value.try_iter()? {
        let v = value.get_item(&k)?;
        out.push((k, v));
    }
    Ok(out)
}

fn seq_items(value: &Value) -> Result<Vec<Value>, Error> {
    if value.is_none() || value.is_undefined() {
        return Ok(Vec::new());
    }
    if !matches!(value.kind(), ValueKind::Seq | ValueKind::Iterable) {
        return Err(invalid(format!("expected a list, got {}", value.kind())));
    }
    Ok(value.try_iter()?.collect())
}

/// `list(a, b, ...)`: a list of the arguments.
fn list(args: Rest<Value>) -> Value {
    Value::from(args.0)
}

/// Deep merge where `base` wins (Sprig's `merge`): maps merge recursively, anything else keeps
/// the value already in `base`.
fn merge_two(base: &Value, other: &Value, depth: usize) -> Result<Value, Error> {
    if depth > 64 {
        return Err(issue(Issue::Limit, "merge: maps nested more than 64 deep"));
    }
    if base.kind() != ValueKind::Map || other.kind() != ValueKind::Map {
        return Ok(base.clone());
    }
    let mut pairs = map_pairs(base)?;
    for (k, v) in map_pairs(other)? {
        match pairs.iter_mut().find(|(ek, _)| *ek == k) {
            Some(slot) => slot.1 = merge_two(&slot.1, &v, depth + 1)?,
            None => pairs.push((k, v)),
        }
    }
    Ok(Value::from_pairs(pairs))
}

/// `merge(dest, src1, src2, ...)`: deep merge of maps, leftmost wins (Sprig).
fn merge(first: &Value, rest: Rest<Value>) -> Result<Value, Error> {
    let mut acc = first.clone();
    map_pairs(&acc)?;
    for other in rest.iter() {
        acc = merge_two(&acc, other, 0)?;
    }
    Ok(acc)
}

/// `keys(map)`: the keys in map order.
fn keys(map: &Value) -> Result<Value, Error> {
    Ok(Value::from(
        map_pairs(map)?
            .into_iter()
            .map(|(k, _)| k)
            .collect::<Vec<_>>(),
    ))
}

/// `haskey(map, key)`.
fn haskey(map: &Value, key: String) -> Result<bool, Error> {
    Ok(map_pairs(map)?
        .iter()
        .any(|(k, _)| k.as_str() == Some(key.as_str())))
}

/// `pluck(key, map1, map2, ...)`: the values of `key` in the maps that have it.
fn pluck(key: String, maps: Rest<Value>) -> Result<Value, Error> {
    let mut out = Vec::new();
    for m in maps.iter() {
        if let Some((_, v)) = map_pairs(m)?
            .into_iter()
            .find(|(k, _)| k.as_str() == Some(key.as_str()))
        {
            out.push(v);
        }
    }
    Ok(Value::from(out))
}

/// `append(list, item)`: a new list with `item` at the end.
fn append(list: &Value, item: Value) -> Result<Value, Error> {
    let mut items = seq_items(list)?;
    items.push(item);
    Ok(Value::from(items))
}

/// `uniq(list)`: first occurrences only, in order.
fn uniq(list: &Value) -> Result<Value, Error> {
    let mut out: Vec<Value> = Vec::new();
    for item in seq_items(list)? {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    Ok(Value::from(out))
}

/// `compact(list)`: the list without empty items.
fn compact(list: &Value) -> Result<Value, Error> {
    Ok(Value::from(
        seq_items(list)?
            .into_iter()
            .filter(|v| !is_empty(v))
            .collect::<Vec<_>>(),
    ))
}

/// `without(list, item1, item2, ...)`: the list without those items.
fn without(list: &Value, drop: Rest<Value>) -> Result<Value, Error> {
    Ok(Value::from(
        seq_items(list)?
            .into_iter()
            .filter(|v| !drop.contains(v))
            .collect::<Vec<_>>(),
    ))
}

/// `coalesce(a, b, ...)`: the first non-empty argument, else none.
fn coalesce(args: Rest<Value>) -> Value {
    args.iter()
        .find(|v| !is_empty(v))
        .cloned()
        .unwrap_or(Value::from(()))
}

/// `ternary(if_true, if_false, condition)` (Sprig order).
fn ternary(if_true: Value, if_false: Value, condition: &Value) -> Value {
    if condition.is_true() {
        if_true
    } else {
        if_false
    }
}

/// `x is has(item)` / `has(x, item)`: a list or string contains the item, or a map has the key.
fn has(container: &Value, item: &Value) -> Result<bool, Error> {
    Ok(match container.kind() {
        ValueKind::String => match (container.as_str(), item.as_str()) {
            (Some(c), Some(i)) => c.contains(i),
            _ => false,
        },
        ValueKind::Map => map_pairs(container)?.iter().any(|(k, _)| k == item),
        ValueKind::Seq | ValueKind::Iterable => container.try_iter()?.any(|v| &v == item),
        _ => false,
    })
}

/// `empty(value)`: whether the value is empty in Sprig's sense.
fn empty(value: &Value) -> bool {
    is_empty(value)
}

fn regex(pattern: &str) -> Result<regex::Regex, Error> {
    regex::RegexBuilder::new(pattern)
        .size_limit(1 << 20)
        .build()
        .map_err(|e| invalid(format!("invalid regular expression: {e}")))
}

/// `regex_match(text, pattern)`: whether the pattern matches somewhere in the text.
fn regex_match(shared: &Shared, text: String, pattern: String) -> Result<bool, Error> {
    Ok(regex(&pattern)?.is_match(&clean(shared, text)))
}

/// `regex_replace(text, pattern, replacement)`: replaces every match (`$1` refers to groups).
fn regex_replace(
    shared: &Shared,
    text: String,
    pattern: String,
    replacement: String,
) -> Result<String, Error> {
    Ok(regex(&pattern)?
        .replace_all(&clean(shared, text), replacement.as_str())
        .into_owned())
}

/// `lookup(api_version, kind, namespace, name)`: always an empty map, as in `helm template`.
fn lookup(_args: Rest<Value>) -> Value {
    Value::from_pairs(Vec::<(Value, Value)>::new())
}

/// `range(...)`: Jinja's range; a too long range is a `render/limit` error.
fn range(lower: i64, upper: Option<i64>, step: Option<i64>) -> Result<Value, Error> {
    let lower = isize::try_from(lower).map_err(|_| invalid("range: bound out of range"))?;
    let upper = upper
        .map(isize::try_from)
        .transpose()
        .map_err(|_| invalid("range: bound out of range"))?;
    let step = step
        .map(isize::try_from)
        .transpose()
        .map_err(|_| invalid("range: step out of range"))?;
    minijinja::functions::range(lower, upper, step).map_err(|e| {
        if e.detail().is_some_and(|d| d.contains("too many")) {
            issue(Issue::Limit, "range: more than 100000 items")
        } else {
            e
        }
    })
}

/// `semver_compare(constraint, version)`: whether the version satisfies the constraint.
fn semver_compare(constraint: String, version: String) -> Result<bool, Error> {
    super::semver::matches(&constraint, &version).map_err(invalid)
}

/// Registers one helper both as a filter and as a function.
macro_rules! both {
    ($env:expr, $name:expr, $f:expr) => {{
        let f = $f;
        $env.add_filter($name, f.clone());
        $env.add_function($name, f);
    }};
}

/// Registers every helper on the environment.
pub fn register(env: &mut Environment<'static>, shared: &Arc<Shared>) {
    let s = shared.clone();
    both!(env, "toyaml", move |v: &Value| toyaml(&s, v));
    let s = shared.clone();
    // `tojson(x, 2)` or `tojson(x, indent=2)`, like minijinja's own.
    both!(
        env,
        "tojson",
        move |v: &Value, indent: Option<Value>, kwargs: Kwargs| {
            let indent = match indent {
                Some(n) => n.as_usize(),
                None => kwargs.get::<Option<usize>>("indent")?,
            };
            kwargs.assert_all_used()?;
            tojson(&s, v, indent)
        }
    );
    let s = shared.clone();
    both!(env, "fromjson", move |t: String| fromjson(&s, t));
    let s = shared.clone();
    both!(env, "fromyaml", move |t: String| fromyaml(&s, t));
    let s = shared.clone();
    both!(env, "b64enc", move |t: String| b64enc(&s, t));
    let s = shared.clone();
    both!(env, "b64dec", move |t: String| b64dec(&s, t));
    let s = shared.clone();
    both!(env, "sha256sum", move |t: String| sha256sum(&s, t));
    let s = shared.clone();
    both!(env, "indent", move |t: String, n: usize| bounded_indent(
        &s, &t, n, false
    ));
    let s = shared.clone();
    both!(env, "nindent", move |t: String, n: usize| bounded_indent(
        &s, &t, n, true
    ));
    both!(env, "quote", quote);
    both!(env, "squote", squote);
    both!(env, "required", required);
    env.add_function("fail", fail);
    both!(env, "default", default);
    env.add_filter("d", default);
    let s = shared.clone();
    both!(env, "trunc", move |t: String, n: i64| trunc(&s, t, n));
    let s = shared.clone();
    both!(env, "trimsuffix", move |t: String, x: String| trimsuffix(
        &s, t, x
    ));
    let s = shared.clone();
    both!(env, "trimprefix", move |t: String, x: String| trimprefix(
        &s, t, x
    ));
    both!(env, "lower", |t: String| t.to_lowercase());
    both!(env, "upper", |t: String| t.to_uppercase());
    both!(env, "title", title);
    for (name, f) in [
        ("contains", contains as fn(&Shared, String, String) -> bool),
        ("hasprefix", hasprefix),
        ("hassuffix", hassuffix),
    ] {
        let s = shared.clone();
        both!(env, name, move |t: String, x: String| f(&s, t, x));
        let s = shared.clone();
        env.add_test(name, move |t: String, x: String| f(&s, t, x));
    }
    env.add_function("dict", dict);
    env.add_function("list", list);
    both!(env, "merge", merge);
    both!(env, "keys", keys);
    both!(env, "haskey", haskey);
    env.add_function("pluck", pluck);
    both!(env, "append", append);
    both!(env, "uniq", uniq);
    both!(env, "compact", compact);
    both!(env, "without", without);
    env.add_function("coalesce", coalesce);
    env.add_function("ternary", ternary);
    both!(env, "empty", empty);
    env.add_test("has", has);
    env.add_function("has", has);
    let s = shared.clone();
    both!(env, "regex_match", move |t: String, p: String| regex_match(
        &s, t, p
    ));
    let s = shared.clone();
    both!(
        env,
        "regex_replace",
        move |t: String, p: String, r: String| regex_replace(&s, t, p, r)
    );
    env.add_function("lookup", lookup);
    env.add_function("range", range);
    env.add_function("semver_compare", semver_compare);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sprig_string_helpers() {
        assert_eq!(indent("a\nb", 2), "  a\n  b");
        assert_eq!(go_quote("a\"b\\\n"), "\"a\\\"b\\\\\\n\"");
        let s = Shared::default();
        assert_eq!(trunc(&s, "abcdef".into(), 3), "abc");
        assert_eq!(trunc(&s, "abcdef".into(), -2), "ef");
        assert_eq!(trunc(&s, "ab".into(), 5), "ab");
        assert_eq!(title("hello wORLD-x".into()), "Hello WORLD-X");
    }
}
