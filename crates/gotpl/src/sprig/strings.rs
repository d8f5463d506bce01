//! Sprig's string functions (strings.go, the string entries of functions.go, and the goutils
//! and xstrings helpers they call). Go strings are bytes: `trunc`, `substr`, `abbrev`, `wrap`,
//! `nospace` and `initials` cut and walk bytes, as Sprig does; a cut inside a multi-byte
//! character leaves an invalid byte, which kforge (holding text as UTF-8) shows as U+FFFD.

use std::collections::BTreeMap;

use super::{any, f, int, lossy, string, strval};
use crate::func::{Func, FuncEnv, Ty};
use crate::value::Value;

use Ty::{Any, Int, String as S};

pub const FUNCS: &[Func] = &[
    f("hello", &[], None, hello),
    f("abbrev", &[Int, S], None, abbrev),
    f("abbrevboth", &[Int, Int, S], None, abbrevboth),
    f("trunc", &[Int, S], None, trunc),
    f("trim", &[S], None, trim),
    f("upper", &[S], None, upper),
    f("lower", &[S], None, lower),
    f("title", &[S], None, title),
    f("untitle", &[S], None, untitle),
    f("substr", &[Int, Int, S], None, substr),
    f("repeat", &[Int, S], None, repeat),
    f("trimall", &[S, S], None, trim_all),
    f("trimAll", &[S, S], None, trim_all),
    f("trimSuffix", &[S, S], None, trim_suffix),
    f("trimPrefix", &[S, S], None, trim_prefix),
    f("nospace", &[S], None, nospace),
    f("initials", &[S], None, initials),
    f("swapcase", &[S], None, swapcase),
    f("snakecase", &[S], None, snakecase),
    f("camelcase", &[S], None, camelcase),
    f("kebabcase", &[S], None, kebabcase),
    f("wrap", &[Int, S], None, wrap),
    f("wrapWith", &[Int, S, S], None, wrap_with),
    f("contains", &[S, S], None, contains),
    f("hasPrefix", &[S, S], None, has_prefix),
    f("hasSuffix", &[S, S], None, has_suffix),
    f("quote", &[], Some(Any), quote),
    f("squote", &[], Some(Any), squote),
    f("cat", &[], Some(Any), cat),
    f("indent", &[Int, S], None, indent),
    f("nindent", &[Int, S], None, nindent),
    f("replace", &[S, S, S], None, replace),
    f("plural", &[S, S, Int], None, plural),
    f("sha1sum", &[S], None, sha1sum),
    f("sha256sum", &[S], None, sha256sum),
    f("sha512sum", &[S], None, sha512sum),
    f("adler32sum", &[S], None, adler32sum),
    f("toString", &[Any], None, to_string),
    f("atoi", &[S], None, atoi),
    f("split", &[S, S], None, split),
    f("splitList", &[S, S], None, split_list),
    f("splitn", &[S, Int, S], None, splitn),
    f("toStrings", &[Any], None, to_strings),
    f("join", &[S, Any], None, join),
    f("sortAlpha", &[Any], None, sort_alpha),
    f("b64enc", &[S], None, b64enc),
    f("b64dec", &[S], None, b64dec),
    f("b32enc", &[S], None, b32enc),
    f("b32dec", &[S], None, b32dec),
];

/// Longest string a function may build (`repeat`, `indent`): Go would try and exhaust memory;
/// kforge stops with an error instead.
pub(crate) const MAX_STRING: usize = 64 << 20;

fn ok_str(s: impl Into<String>) -> Result<Value, String> {
    Ok(Value::string(s.into()))
}

/// A byte range of `s` as Go's `s[a:b]` (bounds already checked), invalid UTF-8 replaced.
fn byte_slice(s: &str, a: usize, b: usize) -> String {
    lossy(s.as_bytes().get(a..b).unwrap_or_default())
}

fn hello(_: &mut FuncEnv, _: Vec<Value>) -> Result<Value, String> {
    ok_str("Hello!")
}

fn abbrev(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let (width, s) = (int(&a, 0)?, string(&a, 1)?);
    if width < 4 {
        return ok_str(s);
    }
    ok_str(lossy(&abbreviate_full(s.as_bytes(), 0, width)))
}

fn abbrevboth(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let (left, right, s) = (int(&a, 0)?, int(&a, 1)?, string(&a, 2)?);
    if right < 4 || left > 0 && right < 7 {
        return ok_str(s);
    }
    ok_str(lossy(&abbreviate_full(s.as_bytes(), left, right)))
}

/// goutils' `AbbreviateFull`, on bytes (its width errors are unreachable from Sprig's guards;
/// they give "" as Sprig ignores the error).
fn abbreviate_full(s: &[u8], offset: i64, max_width: i64) -> Vec<u8> {
    let len = s.len() as i64;
    let cut = |from: i64, to: i64| s.get(from as usize..to as usize).unwrap_or_default();
    if s.is_empty() || max_width < 4 {
        return Vec::new();
    }
    if len <= max_width {
        return s.to_vec();
    }
    let mut offset = offset.min(len);
    if len - offset < max_width - 3 {
        offset = len - (max_width - 3);
    }
    if offset <= 4 {
        return [cut(0, max_width - 3), b"..."].concat();
    }
    if max_width < 7 {
        return Vec::new();
    }
    if offset + max_width - 3 < len {
        return [
            &b"..."[..],
            &abbreviate_full(cut(offset, len), 0, max_width - 3),
        ]
        .concat();
    }
    [&b"..."[..], cut(len - (max_width - 3), len)].concat()
}

fn trunc(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let (c, s) = (int(&a, 0)?, string(&a, 1)?);
    let len = s.len() as i64;
    if c < 0 && len + c > 0 {
        return ok_str(byte_slice(s, (len + c) as usize, s.len()));
    }
    if c >= 0 && len > c {
        return ok_str(byte_slice(s, 0, c as usize));
    }
    ok_str(s)
}

fn trim(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    ok_str(string(&a, 0)?.trim())
}

fn upper(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    ok_str(string(&a, 0)?.chars().map(to_upper).collect::<String>())
}

fn lower(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    ok_str(string(&a, 0)?.chars().map(to_lower).collect::<String>())
}

/// Go's deprecated `strings.Title`: the first letter after a separator in title case.
fn title(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let mut prev = ' ';
    let out: String = string(&a, 0)?
        .chars()
        .map(|r| {
            let mapped = if is_title_separator(prev) {
                to_title(r)
            } else {
                r
            };
            prev = r;
            mapped
        })
        .collect();
    ok_str(out)
}

fn is_title_separator(r: char) -> bool {
    if r.is_ascii() {
        return !(r.is_ascii_alphanumeric() || r == '_');
    }
    if r.is_alphabetic() || r.is_numeric() {
        return false;
    }
    r.is_whitespace()
}

/// goutils' `Uncapitalize`: the first letter of each whitespace-separated word in lower case.
fn untitle(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let mut next = true;
    let out: String = string(&a, 0)?
        .chars()
        .map(|ch| {
            if ch.is_whitespace() {
                next = true;
                ch
            } else if next {
                next = false;
                to_lower(ch)
            } else {
                ch
            }
        })
        .collect();
    ok_str(out)
}

/// Go's runtime message for an out-of-range slice expression.
pub(crate) fn slice_bounds_error(low: Option<i64>, high: i64, len: i64) -> String {
    match low {
        None if high < 0 => format!("runtime error: slice bounds out of range [:{high}]"),
        None => format!("runtime error: slice bounds out of range [:{high}] with length {len}"),
        Some(low) if low < 0 => format!("runtime error: slice bounds out of range [{low}:]"),
        Some(low) => format!("runtime error: slice bounds out of range [{low}:{high}]"),
    }
}

/// Go's `s[low:high]` with its panics.
fn go_slice(s: &str, low: i64, high: i64) -> Result<String, String> {
    let len = s.len() as i64;
    if high < 0 || high > len {
        return Err(slice_bounds_error(None, high, len));
    }
    if low < 0 || low > high {
        return Err(slice_bounds_error(Some(low), high, len));
    }
    Ok(byte_slice(s, low as usize, high as usize))
}

fn substr(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let (start, end, s) = (int(&a, 0)?, int(&a, 1)?, string(&a, 2)?);
    let len = s.len() as i64;
    if start < 0 {
        return ok_str(go_slice(s, 0, end)?);
    }
    if end < 0 || end > len {
        return ok_str(go_slice(s, start, len)?);
    }
    ok_str(go_slice(s, start, end)?)
}

fn repeat(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let (count, s) = (int(&a, 0)?, string(&a, 1)?);
    if count < 0 {
        return Err("strings: negative Repeat count".into());
    }
    let total = (s.len() as u128) * (count as u128);
    if total > MAX_STRING as u128 {
        return Err(format!(
            "repeat: the result would be {total} bytes, over kforge's limit of {MAX_STRING}"
        ));
    }
    ok_str(s.repeat(count as usize))
}

fn trim_all(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let (cutset, s) = (string(&a, 0)?, string(&a, 1)?);
    ok_str(s.trim_matches(|c| cutset.contains(c)))
}

fn trim_suffix(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let (suffix, s) = (string(&a, 0)?, string(&a, 1)?);
    ok_str(s.strip_suffix(suffix).unwrap_or(s))
}

fn trim_prefix(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let (prefix, s) = (string(&a, 0)?, string(&a, 1)?);
    ok_str(s.strip_prefix(prefix).unwrap_or(s))
}

/// Go's `unicode.IsSpace` on a byte taken as a rune (Latin-1), as goutils does it.
fn is_latin1_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ' | 0x85 | 0xa0)
}

/// goutils' `DeleteWhiteSpace`: walks bytes; when it removes anything, every other byte is
/// written back as the Latin-1 character of that value (so multi-byte text is re-encoded).
fn nospace(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let s = string(&a, 0)?;
    if !s.bytes().any(is_latin1_space) {
        return ok_str(s);
    }
    let out: String = s
        .bytes()
        .filter(|&b| !is_latin1_space(b))
        .map(char::from)
        .collect();
    ok_str(out)
}

/// goutils' `Initials`: the first byte of each whitespace-separated word, as a Latin-1
/// character.
fn initials(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let mut gap = true;
    let mut out = String::new();
    for b in string(&a, 0)?.bytes() {
        if is_latin1_space(b) {
            gap = true;
        } else if gap {
            out.push(char::from(b));
            gap = false;
        }
    }
    ok_str(out)
}

/// goutils' `SwapCase`: upper → lower, lower → upper, but title case for a lower-case letter
/// at the start or after whitespace.
fn swapcase(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let mut whitespace = true;
    let out: String = string(&a, 0)?
        .chars()
        .map(|ch| {
            if is_upper(ch) || is_title_case(ch) {
                whitespace = false;
                to_lower(ch)
            } else if is_lower(ch) {
                if whitespace {
                    whitespace = false;
                    to_title(ch)
                } else {
                    to_upper(ch)
                }
            } else {
                whitespace = ch.is_whitespace();
                ch
            }
        })
        .collect();
    ok_str(out)
}

fn snakecase(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    ok_str(xstrings::camel_case_to_lower_case(string(&a, 0)?, '_'))
}

fn kebabcase(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    ok_str(xstrings::camel_case_to_lower_case(string(&a, 0)?, '-'))
}

fn camelcase(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    ok_str(xstrings::to_pascal_case(string(&a, 0)?))
}

fn wrap(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let (l, s) = (int(&a, 0)?, string(&a, 1)?);
    ok_str(wrap_custom(s, l, "", false)?)
}

fn wrap_with(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let (l, sep, s) = (int(&a, 0)?, string(&a, 1)?, string(&a, 2)?);
    ok_str(wrap_custom(s, l, sep, true)?)
}

/// goutils' `WrapCustom`, on bytes.
fn wrap_custom(
    s: &str,
    wrap_length: i64,
    new_line: &str,
    wrap_long_words: bool,
) -> Result<String, String> {
    if s.is_empty() {
        return Ok(String::new());
    }
    let new_line = if new_line.is_empty() { "\n" } else { new_line };
    let wrap_length = wrap_length.max(1) as usize;
    let b = s.as_bytes();
    let len = b.len();
    let mut offset = 0usize;
    let mut out: Vec<u8> = Vec::with_capacity(len);
    let piece = |from: usize, to: usize| b.get(from..to.min(len)).unwrap_or_default();
    while len - offset > wrap_length {
        if out.len() > MAX_STRING {
            return Err(format!(
                "wrap: the result would be over kforge's limit of {MAX_STRING} bytes"
            ));
        }
        if b.get(offset) == Some(&b' ') {
            offset += 1;
            continue;
        }
        let end = wrap_length + offset + 1;
        let space = piece(offset, end).iter().rposition(|&c| c == b' ');
        if let Some(at) = space {
            let at = at + offset;
            out.extend_from_slice(piece(offset, at));
            out.extend_from_slice(new_line.as_bytes());
            offset = at + 1;
        } else if wrap_long_words {
            let end = wrap_length + offset;
            out.extend_from_slice(piece(offset, end));
            out.extend_from_slice(new_line.as_bytes());
            offset += wrap_length;
        } else {
            let end = wrap_length + offset;
            match piece(end, len).iter().position(|&c| c == b' ') {
                None => {
                    out.extend_from_slice(piece(offset, len));
                    offset = len;
                }
                Some(index) => {
                    let at = index + end;
                    out.extend_from_slice(piece(offset, at));
                    out.extend_from_slice(new_line.as_bytes());
                    offset = at + 1;
                }
            }
        }
    }
    out.extend_from_slice(piece(offset, len));
    Ok(lossy(&out))
}

fn contains(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let (sub, s) = (string(&a, 0)?, string(&a, 1)?);
    Ok(Value::Bool(s.contains(sub)))
}

fn has_prefix(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let (prefix, s) = (string(&a, 0)?, string(&a, 1)?);
    Ok(Value::Bool(s.starts_with(prefix)))
}

fn has_suffix(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let (suffix, s) = (string(&a, 0)?, string(&a, 1)?);
    Ok(Value::Bool(s.ends_with(suffix)))
}

fn quote(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let parts: Vec<String> = a
        .iter()
        .filter(|v| !v.is_nil())
        .map(|v| crate::fmt::quote(&strval(v)))
        .collect();
    ok_str(parts.join(" "))
}

fn squote(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let parts: Vec<String> = a
        .iter()
        .filter(|v| !v.is_nil())
        .map(|v| format!("'{}'", super::sprint_v(v)))
        .collect();
    ok_str(parts.join(" "))
}

fn cat(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let parts: Vec<String> = a
        .iter()
        .filter(|v| !v.is_nil())
        .map(super::sprint_v)
        .collect();
    ok_str(parts.join(" "))
}

/// Go's `pad + strings.Replace(s, "\n", "\n"+pad, -1)` (after a newline for `nindent`),
/// written once into a buffer of the final size: `nindent` runs on every `include` a chart
/// places, often on kilobytes of text.
fn indent_str(spaces: i64, s: &str, newline: bool) -> Result<String, String> {
    // strings.Repeat panics on a negative count.
    if spaces < 0 {
        return Err("strings: negative Repeat count".into());
    }
    let lines = s.bytes().filter(|&b| b == b'\n').count() + 1;
    let total = (spaces as u128) * (lines as u128) + s.len() as u128;
    if total > MAX_STRING as u128 {
        return Err(format!(
            "indent: the result would be {total} bytes, over kforge's limit of {MAX_STRING}"
        ));
    }
    let spaces = spaces as usize;
    let mut out = String::with_capacity(total as usize + usize::from(newline));
    if newline {
        out.push('\n');
    }
    for (i, line) in s.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.extend(std::iter::repeat_n(' ', spaces));
        out.push_str(line);
    }
    Ok(out)
}

fn indent(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    ok_str(indent_str(int(&a, 0)?, string(&a, 1)?, false)?)
}

fn nindent(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    ok_str(indent_str(int(&a, 0)?, string(&a, 1)?, true)?)
}

fn replace(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let (old, new, src) = (string(&a, 0)?, string(&a, 1)?, string(&a, 2)?);
    ok_str(go_replace_all(src, old, new)?)
}

/// `strings.Replace(s, old, new, -1)`: an empty `old` matches at the start and after each
/// character.
fn go_replace_all(s: &str, old: &str, new: &str) -> Result<String, String> {
    if old.is_empty() {
        let count = s.chars().count() + 1;
        if (count as u128) * (new.len() as u128) + s.len() as u128 > MAX_STRING as u128 {
            return Err(format!(
                "replace: the result would be over kforge's limit of {MAX_STRING} bytes"
            ));
        }
        let mut out = String::with_capacity(s.len() + count * new.len());
        out.push_str(new);
        for ch in s.chars() {
            out.push(ch);
            out.push_str(new);
        }
        return Ok(out);
    }
    let count = s.matches(old).count();
    if (count as u128) * (new.len() as u128) + s.len() as u128 > MAX_STRING as u128 {
        return Err(format!(
            "replace: the result would be over kforge's limit of {MAX_STRING} bytes"
        ));
    }
    Ok(s.replace(old, new))
}

fn plural(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let (one, many, count) = (string(&a, 0)?, string(&a, 1)?, int(&a, 2)?);
    ok_str(if count == 1 { one } else { many })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn sha1sum(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    ok_str(hex(&digest::sha1(string(&a, 0)?.as_bytes())))
}

fn sha256sum(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    use sha2::Digest;
    ok_str(hex(&sha2::Sha256::digest(string(&a, 0)?.as_bytes())))
}

fn sha512sum(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    use sha2::Digest;
    ok_str(hex(&sha2::Sha512::digest(string(&a, 0)?.as_bytes())))
}

fn adler32sum(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    ok_str(digest::adler32(string(&a, 0)?.as_bytes()).to_string())
}

fn to_string(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    ok_str(strval(&any(&a, 0)))
}

/// `strconv.Atoi` with its error dropped. Decimal digits after one optional sign; a syntax
/// error gives 0, but strconv stops at the first digit that overflows, so a number too large
/// gives the nearest int even when junk follows it.
fn atoi(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    Ok(Value::Int(go_atoi(string(&a, 0)?)))
}

fn go_atoi(s: &str) -> i64 {
    let (neg, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, s.get(1..).unwrap_or_default()),
        Some(b'+') => (false, s.get(1..).unwrap_or_default()),
        _ => (false, s),
    };
    let clamped = if neg { i64::MIN } else { i64::MAX };
    if digits.is_empty() {
        return 0;
    }
    let mut n: u64 = 0;
    for c in digits.bytes() {
        if !c.is_ascii_digit() {
            return 0;
        }
        let Some(next) = n
            .checked_mul(10)
            .and_then(|m| m.checked_add(u64::from(c - b'0')))
        else {
            return clamped;
        };
        n = next;
    }
    match (neg, n) {
        (false, n) if n >= 1 << 63 => i64::MAX,
        (true, n) if n > 1 << 63 => i64::MIN,
        (true, n) => (n as i64).wrapping_neg(),
        (false, n) => n as i64,
    }
}

/// `strings.Split`; an empty separator splits after each character.
pub(crate) fn go_split(s: &str, sep: &str, n: i64) -> Vec<String> {
    if n == 0 {
        return Vec::new();
    }
    if sep.is_empty() {
        let chars: Vec<String> = s.chars().map(String::from).collect();
        if n < 0 || chars.len() <= n as usize {
            return chars;
        }
        let keep = (n - 1) as usize;
        let head_bytes: usize = chars.iter().take(keep).map(String::len).sum();
        let mut out: Vec<String> = chars.into_iter().take(keep).collect();
        out.push(s.get(head_bytes..).unwrap_or_default().to_string());
        return out;
    }
    if n < 0 {
        s.split(sep).map(str::to_string).collect()
    } else {
        s.splitn(n as usize, sep).map(str::to_string).collect()
    }
}

fn indexed_map(parts: Vec<String>) -> Value {
    let entries: BTreeMap<String, Value> = parts
        .into_iter()
        .enumerate()
        .map(|(i, p)| (format!("_{i}"), Value::string(p)))
        .collect();
    Value::map(entries)
}

fn split(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let (sep, s) = (string(&a, 0)?, string(&a, 1)?);
    Ok(indexed_map(go_split(s, sep, -1)))
}

fn split_list(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let (sep, s) = (string(&a, 0)?, string(&a, 1)?);
    Ok(Value::str_list(go_split(s, sep, -1)))
}

fn splitn(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let (sep, n, s) = (string(&a, 0)?, int(&a, 1)?, string(&a, 2)?);
    Ok(indexed_map(go_split(s, sep, n)))
}

/// Sprig's `strslice`: a slice's non-nil items through `strval`, nil as no items, anything
/// else as one item.
pub(crate) fn strslice(v: &Value) -> Vec<String> {
    match v {
        Value::List(l) => l
            .items
            .borrow()
            .iter()
            .filter(|item| !item.is_nil())
            .map(strval)
            .collect(),
        Value::Bytes(b) => b.iter().map(u8::to_string).collect(),
        Value::Nil => Vec::new(),
        other => vec![strval(other)],
    }
}

fn to_strings(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    Ok(Value::str_list(strslice(&any(&a, 0))))
}

fn join(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let sep = string(&a, 0)?;
    ok_str(strslice(&any(&a, 1)).join(sep))
}

fn sort_alpha(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let v = any(&a, 0);
    if matches!(v, Value::List(_) | Value::Bytes(_)) {
        let mut items = strslice(&v);
        items.sort();
        return Ok(Value::str_list(items));
    }
    Ok(Value::str_list(vec![strval(&v)]))
}

fn b64enc(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    ok_str(codec::base64_encode(string(&a, 0)?.as_bytes()))
}

fn b64dec(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    ok_str(match codec::base64_decode(string(&a, 0)?.as_bytes()) {
        Ok(bytes) => lossy(&bytes),
        Err(at) => format!("illegal base64 data at input byte {at}"),
    })
}

fn b32enc(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    ok_str(codec::base32_encode(string(&a, 0)?.as_bytes()))
}

fn b32dec(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    ok_str(match codec::base32_decode(string(&a, 0)?.as_bytes()) {
        Ok(bytes) => lossy(&bytes),
        Err(at) => format!("illegal base32 data at input byte {at}"),
    })
}

/// Go's `unicode.ToUpper`: one-to-one mappings only (Rust's multi-character ones, like
/// `ß` → `SS`, leave the character as Go does).
pub(crate) fn to_upper(c: char) -> char {
    single(c.to_uppercase()).unwrap_or(match c {
        // Characters whose full mapping is longer but whose simple mapping exists.
        'ǅ' | 'ǆ' => 'Ǆ',
        'ǈ' | 'ǉ' => 'Ǉ',
        'ǋ' | 'ǌ' => 'Ǌ',
        'ǲ' | 'ǳ' => 'Ǳ',
        _ => c,
    })
}

/// Go's `unicode.ToLower` (simple mapping: `İ` → `i`).
pub(crate) fn to_lower(c: char) -> char {
    single(c.to_lowercase()).unwrap_or(match c {
        'İ' => 'i',
        _ => c,
    })
}

/// Go's `unicode.ToTitle`: the upper case but for the Latin digraphs.
pub(crate) fn to_title(c: char) -> char {
    match c {
        'Ǆ' | 'ǅ' | 'ǆ' => 'ǅ',
        'Ǉ' | 'ǈ' | 'ǉ' => 'ǈ',
        'Ǌ' | 'ǋ' | 'ǌ' => 'ǋ',
        'Ǳ' | 'ǲ' | 'ǳ' => 'ǲ',
        _ => to_upper(c),
    }
}

fn is_title_case(c: char) -> bool {
    matches!(c, 'ǅ' | 'ǈ' | 'ǋ' | 'ǲ' | 'ᾈ'..='ᾏ' | 'ᾘ'..='ᾟ' | 'ᾨ'..='ᾯ' | 'ᾼ' | 'ῌ' | 'ῼ')
}

/// Go's `unicode.IsUpper` (category Lu).
/// Go's `unicode.IsUpper`: category Lu. Rust's `is_uppercase` is the wider Uppercase property,
/// which adds the Other_Uppercase characters (Roman numerals, circled and squared letters).
pub(crate) fn is_upper(c: char) -> bool {
    c.is_uppercase()
        && !is_title_case(c)
        && !matches!(c as u32, 0x2160..=0x216F | 0x24B6..=0x24CF | 0x1F130..=0x1F149
            | 0x1F150..=0x1F169 | 0x1F170..=0x1F189)
}

/// Go's `unicode.IsLower`: category Ll, without Rust's Other_Lowercase additions (modifier
/// letters, ordinal indicators, small Roman numerals and circled letters, U+0345).
pub(crate) fn is_lower(c: char) -> bool {
    c.is_lowercase()
        && !matches!(c as u32, 0xAA | 0xBA | 0x2B0..=0x2B8 | 0x2C0..=0x2C1 | 0x2E0..=0x2E4
            | 0x345 | 0x37A | 0x10FC | 0x1D2C..=0x1D6A | 0x1D78 | 0x1D9B..=0x1DBF | 0x2071
            | 0x207F | 0x2090..=0x209C | 0x2170..=0x217F | 0x24D0..=0x24E9 | 0x2C7C..=0x2C7D
            | 0xA69C..=0xA69D | 0xA770 | 0xA7F2..=0xA7F4 | 0xA7F8..=0xA7F9 | 0xAB5C..=0xAB5F
            | 0xAB69 | 0x10780 | 0x10783..=0x107BA | 0x1E030..=0x1E06D)
}

/// Go's `unicode.IsLetter` (category L). Rust's `is_alphabetic` adds letter numbers (Nl) and
/// combining vowel signs (Other_Alphabetic); the common blocks of those are left out here.
pub(crate) fn is_letter(c: char) -> bool {
    c.is_alphabetic()
        && !c.is_numeric()
        && !matches!(c as u32, 0x300..=0x36F | 0x483..=0x489 | 0x591..=0x5C7 | 0x610..=0x61A
            | 0x64B..=0x65F | 0x670 | 0x6D6..=0x6ED | 0x900..=0x903 | 0x93A..=0x94F
            | 0x955..=0x957 | 0x962..=0x963 | 0x981..=0x983 | 0x9BC..=0x9D7 | 0xA01..=0xA51
            | 0xA81..=0xACD | 0xB01..=0xB57 | 0xB82..=0xBD7 | 0xC00..=0xC56 | 0xC81..=0xCD6
            | 0xD00..=0xD57 | 0xE31 | 0xE34..=0xE3A | 0xE47..=0xE4E | 0x1AB0..=0x1AFF
            | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0x24B6..=0x24E9 | 0xFE20..=0xFE2F)
}

fn single(mut it: impl Iterator<Item = char>) -> Option<char> {
    let first = it.next()?;
    if it.next().is_some() {
        None
    } else {
        Some(first)
    }
}

/// huandu/xstrings v1.5.0's case conversions.
mod xstrings {
    use super::{is_letter, is_upper, to_lower, to_upper};

    fn is_connector(r: char) -> bool {
        r == '-' || r == '_' || r.is_whitespace()
    }

    /// A letter that is not a CJK ideograph.
    fn is_alphabet(r: char) -> bool {
        if !is_letter(r) {
            return false;
        }
        let u = r as u32;
        !(u >= 0x3400
            && (matches!(u, 0x4E00..=0x9FCC | 0x3400..=0x4D85 | 0x20000..=0x2B81D)
                || (0x2F800..=0x2FA1D).contains(&u)))
    }

    /// Go's `unicode.IsPunct` (category P).
    fn is_punct(r: char) -> bool {
        if r.is_ascii() {
            return r.is_ascii_punctuation() && !"$+<=>^`|~".contains(r);
        }
        // Category P in the blocks text uses (Latin-1, Greek, Armenian, Hebrew, Arabic, Indic,
        // Thai, general and supplemental punctuation, brackets, CJK, fullwidth forms).
        matches!(r as u32,
            0xA1 | 0xA7 | 0xAB | 0xB6 | 0xB7 | 0xBB | 0xBF | 0x37E | 0x387 | 0x55A..=0x55F
            | 0x589 | 0x58A | 0x5BE | 0x5C0 | 0x5C3 | 0x5C6 | 0x5F3 | 0x5F4 | 0x609 | 0x60A
            | 0x60C | 0x60D | 0x61B | 0x61D..=0x61F | 0x66A..=0x66D | 0x6D4 | 0x964 | 0x965
            | 0x970 | 0xE4F | 0xE5A | 0xE5B | 0x2010..=0x2027 | 0x2030..=0x2043
            | 0x2045..=0x2051 | 0x2053..=0x205E | 0x207D | 0x207E | 0x208D | 0x208E
            | 0x2308..=0x230B | 0x2329 | 0x232A | 0x2768..=0x2775 | 0x27C5 | 0x27C6
            | 0x27E6..=0x27EF | 0x2983..=0x2998 | 0x29D8..=0x29DB | 0x29FC | 0x29FD
            | 0x2CF9..=0x2CFC | 0x2CFE | 0x2CFF | 0x2E00..=0x2E2E | 0x2E30..=0x2E4F
            | 0x2E52..=0x2E5D | 0x3001..=0x3003 | 0x3008..=0x3011 | 0x3014..=0x301F | 0x3030
            | 0x303D | 0x30A0 | 0x30FB | 0xFE10..=0xFE19 | 0xFE30..=0xFE52 | 0xFE54..=0xFE61
            | 0xFE63 | 0xFE68 | 0xFE6A | 0xFE6B | 0xFF01..=0xFF03 | 0xFF05..=0xFF0A
            | 0xFF0C..=0xFF0F | 0xFF1A | 0xFF1B | 0xFF1F | 0xFF20 | 0xFF3B..=0xFF3D | 0xFF3F
            | 0xFF5B | 0xFF5D | 0xFF5F..=0xFF65)
    }

    #[derive(Clone, Copy, PartialEq, Eq, Debug)]
    enum Word {
        Invalid,
        Number,
        Upper,
        Alphabet,
        Connector,
        Punct,
        Other,
    }

    /// `nextWord`: the type and text of the next word, and what remains.
    fn next_word(s: &str) -> (Word, &str, &str) {
        let mut chars = s.char_indices().peekable();
        let Some((_, r)) = chars.next() else {
            return (Word::Invalid, "", "");
        };
        let mut end = r.len_utf8();
        let take_while = |end: &mut usize, pred: &dyn Fn(char) -> bool| {
            let from = *end;
            for (i, c) in s.char_indices().skip_while(|(i, _)| *i < from) {
                if !pred(c) {
                    *end = i;
                    return;
                }
                *end = i + c.len_utf8();
            }
        };
        let wt = if is_connector(r) {
            take_while(&mut end, &is_connector);
            Word::Connector
        } else if is_punct(r) {
            take_while(&mut end, &is_punct);
            Word::Punct
        } else if is_upper(r) {
            let next = s.get(end..).and_then(|t| t.chars().next());
            match next {
                Some(n) if is_upper(n) => {
                    // "HTTPStatus" is "HTTP" then "Status": an upper-case run followed by a
                    // letter gives its last capital to the next word.
                    let mut last_start = end;
                    let mut stop = None;
                    let from = end;
                    for (i, c) in s.char_indices().skip_while(|(i, _)| *i < from) {
                        if !is_upper(c) {
                            stop = Some(c);
                            break;
                        }
                        last_start = i;
                        end = i + c.len_utf8();
                    }
                    if let Some(c) = stop
                        && is_alphabet(c)
                    {
                        end = last_start;
                    }
                }
                Some(n) if is_alphabet(n) => {
                    take_while(&mut end, &|c| is_alphabet(c) && !is_upper(c));
                }
                _ => {}
            }
            Word::Upper
        } else if is_alphabet(r) {
            take_while(&mut end, &|c| is_alphabet(c) && !is_upper(c));
            Word::Alphabet
        } else if r.is_numeric() {
            take_while(&mut end, &char::is_numeric);
            Word::Number
        } else {
            take_while(&mut end, &|c| {
                !(is_connector(c) || is_alphabet(c) || c.is_numeric() || is_punct(c))
            });
            Word::Other
        };
        let (word, remaining) = s.split_at(end.min(s.len()));
        (wt, word, remaining)
    }

    fn write_lower(buf: &mut String, wt: Word, s: &str, connector: char) {
        if wt != Word::Upper && wt != Word::Connector {
            buf.push_str(s);
            return;
        }
        for r in s.chars() {
            if is_connector(r) {
                buf.push(connector);
            } else if is_upper(r) {
                buf.push(to_lower(r));
            } else {
                buf.push(r);
            }
        }
    }

    /// `camelCaseToLowerCase` (snakecase, kebabcase).
    pub(super) fn camel_case_to_lower_case(s: &str, connector: char) -> String {
        if s.is_empty() {
            return String::new();
        }
        let mut buf = String::with_capacity(s.len() + 8);
        let (mut wt, mut word, mut remaining) = next_word(s);
        while !remaining.is_empty() {
            if wt != Word::Connector {
                write_lower(&mut buf, wt, word, connector);
            }
            let prev = wt;
            let last = word;
            (wt, word, remaining) = next_word(remaining);
            match prev {
                Word::Number => {
                    while wt == Word::Alphabet || wt == Word::Number {
                        write_lower(&mut buf, wt, word, connector);
                        (wt, word, remaining) = next_word(remaining);
                    }
                    if wt != Word::Invalid && wt != Word::Punct && wt != Word::Connector {
                        buf.push(connector);
                    }
                }
                Word::Connector => write_lower(&mut buf, prev, last, connector),
                Word::Punct => {}
                _ => {
                    if wt != Word::Number {
                        if wt != Word::Connector && wt != Word::Punct {
                            buf.push(connector);
                        }
                        continue;
                    }
                    if remaining.is_empty() {
                        continue;
                    }
                    let last = word;
                    (wt, word, remaining) = next_word(remaining);
                    if wt != Word::Alphabet {
                        write_lower(&mut buf, Word::Number, last, connector);
                        if wt != Word::Connector && wt != Word::Punct {
                            buf.push(connector);
                        }
                        continue;
                    }
                    buf.push(connector);
                    write_lower(&mut buf, Word::Number, last, connector);
                    while wt == Word::Alphabet || wt == Word::Number {
                        write_lower(&mut buf, wt, word, connector);
                        (wt, word, remaining) = next_word(remaining);
                    }
                    if wt != Word::Invalid && wt != Word::Connector && wt != Word::Punct {
                        buf.push(connector);
                    }
                }
            }
        }
        write_lower(&mut buf, wt, word, connector);
        buf
    }

    /// `ToPascalCase` (`toCamelCase(s, true)`): connectors dropped, the letter after one in
    /// upper case, and an upper-case run that starts a word folded to lower case after its
    /// first letter (`GOLANG_IS_GREAT` → `GolangIsGreat`).
    pub(super) fn to_pascal_case(s: &str) -> String {
        let mut buf = String::with_capacity(s.len());
        let mut chars = s.chars();
        let mut r0 = '\0';
        let mut seen = false;
        let mut first_upper = false;
        for c in chars.by_ref() {
            if !is_connector(c) {
                first_upper = is_upper(c);
                r0 = to_upper(c);
                seen = true;
                break;
            }
            buf.push(c);
        }
        if !seen {
            // Go writes the last connector once more for an input made only of connectors.
            if let Some(last) = s.chars().last() {
                buf.push(last);
            }
            return buf;
        }
        for c in chars {
            let r1 = r0;
            r0 = c;
            if is_connector(r0) && is_connector(r1) {
                buf.push(r1);
                continue;
            }
            if is_connector(r1) {
                first_upper = is_upper(r0);
                r0 = to_upper(r0);
            } else {
                if first_upper {
                    if is_upper(r0) {
                        r0 = to_lower(r0);
                    } else {
                        first_upper = false;
                    }
                }
                buf.push(r1);
            }
        }
        buf.push(r0);
        buf
    }
}

/// SHA-1 and Adler-32, small enough to carry here.
mod digest {
    pub(super) fn sha1(data: &[u8]) -> [u8; 20] {
        let mut h: [u32; 5] = [
            0x6745_2301,
            0xEFCD_AB89,
            0x98BA_DCFE,
            0x1032_5476,
            0xC3D2_E1F0,
        ];
        let mut msg = data.to_vec();
        let bit_len = (data.len() as u64).wrapping_mul(8);
        msg.push(0x80);
        while msg.len() % 64 != 56 {
            msg.push(0);
        }
        msg.extend_from_slice(&bit_len.to_be_bytes());
        for block in msg.chunks_exact(64) {
            let mut w = [0u32; 80];
            for (i, word) in block.chunks_exact(4).enumerate() {
                if let (Some(slot), Ok(bytes)) = (w.get_mut(i), <[u8; 4]>::try_from(word)) {
                    *slot = u32::from_be_bytes(bytes);
                }
            }
            for i in 16..80 {
                let x = w.get(i - 3).copied().unwrap_or(0)
                    ^ w.get(i - 8).copied().unwrap_or(0)
                    ^ w.get(i - 14).copied().unwrap_or(0)
                    ^ w.get(i - 16).copied().unwrap_or(0);
                if let Some(slot) = w.get_mut(i) {
                    *slot = x.rotate_left(1);
                }
            }
            let [mut a, mut b, mut c, mut d, mut e] = h;
            for (i, wi) in w.iter().enumerate() {
                let (f, k) = match i {
                    0..=19 => ((b & c) | (!b & d), 0x5A82_7999),
                    20..=39 => (b ^ c ^ d, 0x6ED9_EBA1),
                    40..=59 => ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC),
                    _ => (b ^ c ^ d, 0xCA62_C1D6),
                };
                let t = a
                    .rotate_left(5)
                    .wrapping_add(f)
                    .wrapping_add(e)
                    .wrapping_add(k)
                    .wrapping_add(*wi);
                e = d;
                d = c;
                c = b.rotate_left(30);
                b = a;
                a = t;
            }
            for (slot, v) in h.iter_mut().zip([a, b, c, d, e]) {
                *slot = slot.wrapping_add(v);
            }
        }
        let mut out = [0u8; 20];
        for (chunk, word) in out.chunks_exact_mut(4).zip(h) {
            chunk.copy_from_slice(&word.to_be_bytes());
        }
        out
    }

    pub(super) fn adler32(data: &[u8]) -> u32 {
        let (mut a, mut b) = (1u32, 0u32);
        for &byte in data {
            a = (a + u32::from(byte)) % 65521;
            b = (b + a) % 65521;
        }
        (b << 16) | a
    }
}

/// Go's `encoding/base64` and `encoding/base32` standard encodings, with their decoders'
/// error offsets (Sprig returns the error text as the result).
mod codec {
    const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const B32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    fn at(alphabet: &[u8], i: u32) -> char {
        alphabet.get(i as usize).map_or('?', |&b| char::from(b))
    }

    pub(super) fn base64_encode(data: &[u8]) -> String {
        let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
        for chunk in data.chunks(3) {
            let b = |i: usize| u32::from(chunk.get(i).copied().unwrap_or(0));
            let v = (b(0) << 16) | (b(1) << 8) | b(2);
            out.push(at(B64, (v >> 18) & 63));
            out.push(at(B64, (v >> 12) & 63));
            out.push(if chunk.len() > 1 {
                at(B64, (v >> 6) & 63)
            } else {
                '='
            });
            out.push(if chunk.len() > 2 {
                at(B64, v & 63)
            } else {
                '='
            });
        }
        out
    }

    fn b64_value(c: u8) -> Option<u32> {
        B64.iter().position(|&x| x == c).map(|p| p as u32)
    }

    /// `StdEncoding.DecodeString`; `Err(offset)` is Go's `CorruptInputError`.
    pub(super) fn base64_decode(src: &[u8]) -> Result<Vec<u8>, usize> {
        let mut out = Vec::with_capacity(src.len() / 4 * 3);
        let mut si = 0usize;
        let is_nl = |c: u8| c == b'\n' || c == b'\r';
        loop {
            let mut dbuf = [0u32; 4];
            let mut dlen = 4usize;
            let mut j = 0usize;
            let mut trailing_error = None;
            while j < 4 {
                let Some(&c) = src.get(si) else {
                    if j == 0 {
                        return Ok(out);
                    }
                    return Err(si - j);
                };
                si += 1;
                if let Some(v) = b64_value(c) {
                    if let Some(slot) = dbuf.get_mut(j) {
                        *slot = v;
                    }
                    j += 1;
                    continue;
                }
                if is_nl(c) {
                    continue;
                }
                if c != b'=' {
                    return Err(si - 1);
                }
                // Padding: the end of the data.
                match j {
                    0 | 1 => return Err(si - 1),
                    2 => {
                        while src.get(si).is_some_and(|&c| is_nl(c)) {
                            si += 1;
                        }
                        match src.get(si) {
                            None => return Err(src.len()),
                            Some(&c) if c != b'=' => return Err(si - 1),
                            Some(_) => si += 1,
                        }
                    }
                    _ => {}
                }
                while src.get(si).is_some_and(|&c| is_nl(c)) {
                    si += 1;
                }
                if si < src.len() {
                    trailing_error = Some(si);
                }
                dlen = j;
                break;
            }
            let val = (dbuf[0] << 18) | (dbuf[1] << 12) | (dbuf[2] << 6) | dbuf[3];
            let bytes = [(val >> 16) as u8, (val >> 8) as u8, val as u8];
            out.extend_from_slice(bytes.get(..dlen - 1).unwrap_or_default());
            if let Some(e) = trailing_error {
                return Err(e);
            }
            if dlen < 4 {
                return Ok(out);
            }
        }
    }

    pub(super) fn base32_encode(data: &[u8]) -> String {
        let mut out = String::with_capacity(data.len().div_ceil(5) * 8);
        for chunk in data.chunks(5) {
            let mut block = [0u8; 5];
            block
                .get_mut(..chunk.len())
                .unwrap_or_default()
                .copy_from_slice(chunk);
            let v = block.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
            let chars = match chunk.len() {
                1 => 2,
                2 => 4,
                3 => 5,
                4 => 7,
                _ => 8,
            };
            for i in 0..8 {
                if i < chars {
                    out.push(at(B32, ((v >> (35 - 5 * i)) & 31) as u32));
                } else {
                    out.push('=');
                }
            }
        }
        out
    }

    /// `base32.StdEncoding.DecodeString`: newlines are removed first, then 8-character
    /// quanta decoded; `Err(offset)` counts in the text without newlines.
    pub(super) fn base32_decode(input: &[u8]) -> Result<Vec<u8>, usize> {
        let src: Vec<u8> = input
            .iter()
            .copied()
            .filter(|&c| c != b'\n' && c != b'\r')
            .collect();
        let olen = src.len();
        let mut pos = 0usize;
        let mut out = Vec::with_capacity(olen / 8 * 5);
        let mut end = false;
        while pos < olen && !end {
            let mut dbuf = [0u8; 8];
            let mut dlen = 8usize;
            let mut j = 0usize;
            while j < 8 {
                let Some(&c) = src.get(pos) else {
                    return Err(olen - (olen - pos) - j);
                };
                pos += 1;
                let left = olen - pos;
                if c == b'=' && j >= 2 && left < 8 {
                    if left + j < 7 {
                        return Err(olen);
                    }
                    for k in 0..(7 - j) {
                        if let Some(&p) = src.get(pos + k)
                            && p != b'='
                        {
                            return Err(pos + k - 1);
                        }
                    }
                    dlen = j;
                    end = true;
                    if matches!(dlen, 1 | 3 | 6) {
                        return Err(pos - 1);
                    }
                    break;
                }
                match B32.iter().position(|&x| x == c) {
                    Some(v) => {
                        if let Some(slot) = dbuf.get_mut(j) {
                            *slot = v as u8;
                        }
                    }
                    None => return Err(pos - 1),
                }
                j += 1;
            }
            let d = dbuf;
            let bytes = [
                (d[0] << 3) | (d[1] >> 2),
                (d[1] << 6) | (d[2] << 1) | (d[3] >> 4),
                (d[3] << 4) | (d[4] >> 1),
                (d[4] << 7) | (d[5] << 2) | (d[6] >> 3),
                (d[6] << 5) | d[7],
            ];
            let n = match dlen {
                8 => 5,
                7 => 4,
                5 => 3,
                4 => 2,
                2 => 1,
                _ => 0,
            };
            out.extend_from_slice(bytes.get(..n).unwrap_or_default());
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(name: &str, args: Vec<Value>) -> Result<Value, String> {
        let func = FUNCS.iter().find(|f| f.name == name).unwrap();
        (func.body)(&mut FuncEnv::default(), args)
    }

    fn s(v: &str) -> Value {
        Value::str(v)
    }

    fn text(name: &str, args: Vec<Value>) -> String {
        call(name, args).unwrap().as_str().unwrap().to_string()
    }

    #[test]
    fn trunc_and_substr_cut_bytes() {
        assert_eq!(text("trunc", vec![Value::Int(3), s("abcdef")]), "abc");
        assert_eq!(text("trunc", vec![Value::Int(-2), s("abcdef")]), "ef");
        assert_eq!(text("trunc", vec![Value::Int(-9), s("abc")]), "abc");
        assert_eq!(text("trunc", vec![Value::Int(2), s("héllo")]), "h\u{fffd}");
        assert_eq!(
            text("wrapWith", vec![Value::Int(5), s("|"), s("日本語")]),
            "日\u{fffd}\u{fffd}|\u{fffd}語"
        );
        assert_eq!(
            text("substr", vec![Value::Int(1), Value::Int(5), s("abc")]),
            "bc"
        );
        assert_eq!(
            call("substr", vec![Value::Int(-1), Value::Int(5), s("abc")]).unwrap_err(),
            "runtime error: slice bounds out of range [:5] with length 3"
        );
        assert_eq!(
            call("substr", vec![Value::Int(4), Value::Int(-1), s("abc")]).unwrap_err(),
            "runtime error: slice bounds out of range [4:3]"
        );
    }

    #[test]
    fn atoi_clamps_like_strconv() {
        let n = |x: &str| match call("atoi", vec![s(x)]).unwrap() {
            Value::Int(i) => i,
            other => panic!("{other:?}"),
        };
        assert_eq!(n("99999999999999999999"), i64::MAX);
        assert_eq!(n("-99999999999999999999"), i64::MIN);
        assert_eq!(n("+5"), 5);
        assert_eq!(n(" 5"), 0);
        assert_eq!(n("0x1f"), 0);
        assert_eq!(n("123456789012345678900O0e+"), i64::MAX);
        assert_eq!(n("-123456789012345678900x"), i64::MIN);
        assert_eq!(n("1x23456789012345678900"), 0);
        assert_eq!(n("-9223372036854775808"), i64::MIN);
        assert_eq!(n("9223372036854775808"), i64::MAX);
        assert_eq!(n("+"), 0);
    }

    #[test]
    fn digests_match_go() {
        assert_eq!(
            text("sha1sum", vec![s("abc")]),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        assert_eq!(
            text("sha256sum", vec![s("")]),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(text("adler32sum", vec![s("Wikipedia")]), "300286872");
    }

    #[test]
    fn base64_and_base32_round_trip_and_report_go_offsets() {
        assert_eq!(text("b64enc", vec![s("hello")]), "aGVsbG8=");
        assert_eq!(text("b64dec", vec![s("aGVsbG8=")]), "hello");
        assert_eq!(
            text("b64dec", vec![s("aGVsbG8")]),
            "illegal base64 data at input byte 4"
        );
        assert_eq!(text("b32enc", vec![s("hello")]), "NBSWY3DP");
        assert_eq!(text("b32dec", vec![s("NBSWY3DP")]), "hello");
        assert_eq!(text("b32enc", vec![s("hi")]), "NBUQ====");
        assert_eq!(text("b32dec", vec![s("NBUQ====")]), "hi");
    }

    #[test]
    fn case_conversions_follow_xstrings() {
        assert_eq!(text("snakecase", vec![s("HTTPServer")]), "http_server");
        assert_eq!(text("snakecase", vec![s("Bld4Floor3rd")]), "bld4_floor_3rd");
        assert_eq!(text("snakecase", vec![s("HTTP20xOK")]), "http_20x_ok");
        assert_eq!(text("kebabcase", vec![s("FirstName")]), "first-name");
        assert_eq!(text("camelcase", vec![s("http_server")]), "HttpServer");
        assert_eq!(
            text("camelcase", vec![s("GOLANG_IS_GREAT")]),
            "GolangIsGreat"
        );
        assert_eq!(
            text("camelcase", vec![s("_complex__case_")]),
            "_Complex_Case_"
        );
    }
}
