//! Sprig's regular expressions (regex.go): Go's `regexp` (RE2 syntax) on the `regex` crate.
//! Where the two differ the pattern is adjusted first: Go's `\d`, `\w`, `\s` and `\b` are ASCII
//! only. The loops over matches (`FindAll`, `ReplaceAll`, `Split`) are Go's own, so empty
//! matches fall where Go puts them, and `$1x` in a replacement names group `1x` as in Go's
//! `Expand`. Compile errors use Go's words. Plain functions panic on a bad pattern
//! (`regexp: Compile(…)`), `must…` ones return the error, `regexMatch` returns false.

use regex::Regex;

use super::{f, int, string};
use crate::func::{Func, FuncEnv, Ty};
use crate::value::Value;

use Ty::{Int, String as S};

pub const FUNCS: &[Func] = &[
    f("regexMatch", &[S, S], None, regex_match),
    f("mustRegexMatch", &[S, S], None, must_regex_match),
    f("regexFindAll", &[S, S, Int], None, regex_find_all),
    f("mustRegexFindAll", &[S, S, Int], None, must_regex_find_all),
    f("regexFind", &[S, S], None, regex_find),
    f("mustRegexFind", &[S, S], None, must_regex_find),
    f("regexReplaceAll", &[S, S, S], None, regex_replace_all),
    f(
        "mustRegexReplaceAll",
        &[S, S, S],
        None,
        must_regex_replace_all,
    ),
    f(
        "regexReplaceAllLiteral",
        &[S, S, S],
        None,
        regex_replace_all_literal,
    ),
    f(
        "mustRegexReplaceAllLiteral",
        &[S, S, S],
        None,
        must_regex_replace_all_literal,
    ),
    f("regexSplit", &[S, S, Int], None, regex_split),
    f("mustRegexSplit", &[S, S, Int], None, must_regex_split),
    f("regexQuoteMeta", &[S], None, regex_quote_meta),
];

/// `regexp.Compile`: the compiled pattern or Go's error text.
pub(crate) fn compile(pattern: &str) -> Result<Regex, String> {
    if let Some(message) = go_syntax::check(pattern) {
        return Err(format!("error parsing regexp: {message}"));
    }
    let translated = go_syntax::translate(pattern);
    regex::RegexBuilder::new(&translated)
        .size_limit(1 << 24)
        .build()
        .map_err(|e| format!("error parsing regexp: {}", first_line(&e.to_string())))
}

fn first_line(s: &str) -> &str {
    s.lines().last().unwrap_or(s).trim()
}

/// `regexp.MustCompile`: the panic message of a bad pattern.
fn must_compile(pattern: &str) -> Result<Regex, String> {
    compile(pattern).map_err(|e| format!("regexp: Compile({}): {e}", go_backquote(pattern)))
}

/// regexp's `quote` in MustCompile's panic: backquoted when `strconv.CanBackquote`.
fn go_backquote(s: &str) -> String {
    let can_backquote = s
        .chars()
        .all(|c| (c >= ' ' || c == '\t') && c != '`' && c != '\u{7f}' && c != '\u{feff}');
    if can_backquote {
        format!("`{s}`")
    } else {
        crate::fmt::quote(s)
    }
}

fn regex_match(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let (pattern, s) = (string(&a, 0)?, string(&a, 1)?);
    Ok(Value::Bool(compile(pattern).is_ok_and(|re| re.is_match(s))))
}

fn must_regex_match(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let (pattern, s) = (string(&a, 0)?, string(&a, 1)?);
    Ok(Value::Bool(compile(pattern)?.is_match(s)))
}

/// Go's `allMatches`: successive matches from `pos`, an empty match right after the previous
/// one skipped, at most `n` (all when negative).
fn all_matches(re: &Regex, s: &str, n: i64) -> Vec<(usize, usize)> {
    let n = if n < 0 { s.len() as i64 + 1 } else { n };
    let mut out = Vec::new();
    let mut pos = 0usize;
    let mut prev_end: Option<usize> = None;
    while (out.len() as i64) < n && pos <= s.len() {
        let Some(m) = re.find_at(s, pos) else { break };
        let mut accept = true;
        if m.end() == pos {
            if Some(m.start()) == prev_end {
                accept = false;
            }
            pos += s
                .get(pos..)
                .and_then(|t| t.chars().next())
                .map_or(1, char::len_utf8);
        } else {
            pos = m.end();
        }
        prev_end = Some(m.end());
        if accept {
            out.push((m.start(), m.end()));
        }
    }
    out
}

fn find_all(re: &Regex, s: &str, n: i64) -> Value {
    let found = all_matches(re, s, n)
        .into_iter()
        .map(|(a, b)| s.get(a..b).unwrap_or_default().to_string())
        .collect();
    Value::str_list(found)
}

fn regex_find_all(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let (pattern, s, n) = (string(&a, 0)?, string(&a, 1)?, int(&a, 2)?);
    Ok(find_all(&must_compile(pattern)?, s, n))
}

fn must_regex_find_all(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let (pattern, s, n) = (string(&a, 0)?, string(&a, 1)?, int(&a, 2)?);
    Ok(find_all(&compile(pattern)?, s, n))
}

fn find(re: &Regex, s: &str) -> Value {
    Value::str(re.find(s).map_or("", |m| m.as_str()))
}

fn regex_find(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let (pattern, s) = (string(&a, 0)?, string(&a, 1)?);
    Ok(find(&must_compile(pattern)?, s))
}

fn must_regex_find(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let (pattern, s) = (string(&a, 0)?, string(&a, 1)?);
    Ok(find(&compile(pattern)?, s))
}

/// Go's `replaceAll`: every match replaced, but not an empty match right after another.
fn replace_all(re: &Regex, src: &str, repl: &str, literal: bool) -> Result<Value, String> {
    let mut out = String::with_capacity(src.len());
    let mut last_end = 0usize;
    let mut search = 0usize;
    let mut locs = re.capture_locations();
    while search <= src.len() {
        let Some(m) = re.captures_read_at(&mut locs, src, search) else {
            break;
        };
        let (start, end) = (m.start(), m.end());
        out.push_str(src.get(last_end..start).unwrap_or_default());
        if end > last_end || start == 0 {
            if literal {
                out.push_str(repl);
            } else {
                expand(&mut out, repl, re, &locs, src);
            }
            if out.len() > super::strings::MAX_STRING {
                return Err(format!(
                    "regexReplaceAll: the result is over kforge's limit of {} bytes",
                    super::strings::MAX_STRING
                ));
            }
        }
        last_end = end;
        let width = src
            .get(search..)
            .and_then(|t| t.chars().next())
            .map_or(0, char::len_utf8);
        if search + width > end {
            search += width;
        } else if search + 1 > end {
            search += 1;
        } else {
            search = end;
        }
    }
    out.push_str(src.get(last_end..).unwrap_or_default());
    Ok(Value::string(out))
}

/// Go's `Regexp.Expand`: `$name`, `${name}`, `$$`; a name is the longest run of letters,
/// digits and `_`, a number when all digits without a leading zero.
fn expand(out: &mut String, template: &str, re: &Regex, locs: &regex::CaptureLocations, src: &str) {
    let group = |i: usize| locs.get(i).and_then(|(a, b)| src.get(a..b));
    let mut rest = template;
    while let Some(at) = rest.find('$') {
        out.push_str(rest.get(..at).unwrap_or_default());
        rest = rest.get(at + 1..).unwrap_or_default();
        if let Some(after) = rest.strip_prefix('$') {
            out.push('$');
            rest = after;
            continue;
        }
        let (braced, body) = match rest.strip_prefix('{') {
            Some(b) => (true, b),
            None => (false, rest),
        };
        let name_len: usize = body
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .map(char::len_utf8)
            .sum();
        let name = body.get(..name_len).unwrap_or_default();
        let after_name = body.get(name_len..).unwrap_or_default();
        let tail = if braced {
            after_name.strip_prefix('}')
        } else {
            Some(after_name)
        };
        let Some(tail) = tail.filter(|_| !name.is_empty()) else {
            out.push('$');
            continue;
        };
        rest = tail;
        let number = if name.bytes().all(|b| b.is_ascii_digit())
            && !(name.starts_with('0') && name.len() > 1)
        {
            name.parse::<usize>().ok()
        } else {
            None
        };
        let text = match number {
            Some(n) => group(n),
            None => re
                .capture_names()
                .position(|n| n == Some(name))
                .and_then(group),
        };
        out.push_str(text.unwrap_or_default());
    }
    out.push_str(rest);
}

fn regex_replace_all(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let (pattern, s, repl) = (string(&a, 0)?, string(&a, 1)?, string(&a, 2)?);
    replace_all(&must_compile(pattern)?, s, repl, false)
}

fn must_regex_replace_all(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let (pattern, s, repl) = (string(&a, 0)?, string(&a, 1)?, string(&a, 2)?);
    replace_all(&compile(pattern)?, s, repl, false)
}

fn regex_replace_all_literal(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let (pattern, s, repl) = (string(&a, 0)?, string(&a, 1)?, string(&a, 2)?);
    replace_all(&must_compile(pattern)?, s, repl, true)
}

fn must_regex_replace_all_literal(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let (pattern, s, repl) = (string(&a, 0)?, string(&a, 1)?, string(&a, 2)?);
    replace_all(&compile(pattern)?, s, repl, true)
}

/// Go's `Regexp.Split`.
fn split(re: &Regex, pattern: &str, s: &str, n: i64) -> Value {
    if n == 0 {
        return Value::str_list(Vec::new());
    }
    if !pattern.is_empty() && s.is_empty() {
        return Value::str_list(vec![String::new()]);
    }
    let mut parts = Vec::new();
    let (mut beg, mut end) = (0usize, 0usize);
    for (a, b) in all_matches(re, s, n) {
        if n > 0 && parts.len() as i64 == n - 1 {
            break;
        }
        end = a;
        if b != 0 {
            parts.push(s.get(beg..end).unwrap_or_default().to_string());
        }
        beg = b;
    }
    if end != s.len() {
        parts.push(s.get(beg..).unwrap_or_default().to_string());
    }
    Value::str_list(parts)
}

fn regex_split(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let (pattern, s, n) = (string(&a, 0)?, string(&a, 1)?, int(&a, 2)?);
    Ok(split(&must_compile(pattern)?, pattern, s, n))
}

fn must_regex_split(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let (pattern, s, n) = (string(&a, 0)?, string(&a, 1)?, int(&a, 2)?);
    Ok(split(&compile(pattern)?, pattern, s, n))
}

/// `regexp.QuoteMeta`.
fn regex_quote_meta(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let s = string(&a, 0)?;
    let mut out = String::with_capacity(s.len() * 2);
    for c in s.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    Ok(Value::string(out))
}

/// Go's RE2 syntax on top of the `regex` crate's.
mod go_syntax {
    /// Go's ASCII meaning of the Perl classes, spelled for the `regex` crate (which nests
    /// classes, so these also work inside brackets).
    fn perl_class(c: char) -> Option<&'static str> {
        Some(match c {
            'd' => "[0-9]",
            'D' => "[^0-9]",
            'w' => "[0-9A-Za-z_]",
            'W' => "[^0-9A-Za-z_]",
            's' => "[\\t\\n\\f\\r ]",
            'S' => "[^\\t\\n\\f\\r ]",
            'b' => "(?-u:\\b)",
            'B' => "(?-u:\\B)",
            _ => return None,
        })
    }

    /// The pattern with Go's ASCII classes made explicit.
    pub(super) fn translate(pattern: &str) -> String {
        let mut out = String::with_capacity(pattern.len() + 16);
        let mut chars = pattern.chars();
        while let Some(c) = chars.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            match chars.next() {
                Some(e) => match perl_class(e) {
                    Some(class) => out.push_str(class),
                    None => {
                        out.push('\\');
                        out.push(e);
                    }
                },
                None => out.push('\\'),
            }
        }
        out
    }

    /// Go's messages for the syntax errors charts meet; `None` leaves the pattern to the
    /// `regex` crate.
    pub(super) fn check(pattern: &str) -> Option<String> {
        let b = pattern.as_bytes();
        let mut depth: Vec<usize> = Vec::new();
        let mut i = 0usize;
        let mut last_was_repeat = false;
        let mut can_repeat = false;
        while let Some(&c) = b.get(i) {
            match c {
                b'\\' => {
                    let Some(&e) = b.get(i + 1) else {
                        return Some("trailing backslash at end of expression: ``".into());
                    };
                    if e.is_ascii_alphanumeric() && !b"dDwWsSbBAzpPQEnrtfvax0123456789".contains(&e)
                    {
                        return Some(format!("invalid escape sequence: `\\{}`", char::from(e)));
                    }
                    i += 2;
                    can_repeat = true;
                    last_was_repeat = false;
                    continue;
                }
                b'(' => {
                    depth.push(i);
                    if b.get(i + 1) == Some(&b'?') {
                        // A flag or named group: `(?i)`, `(?P<n>…)`, `(?:…)`.
                        i += 1;
                    }
                    can_repeat = false;
                    last_was_repeat = false;
                }
                b')' => {
                    if depth.pop().is_none() {
                        return Some(format!("unexpected ): `{pattern}`"));
                    }
                    can_repeat = true;
                    last_was_repeat = false;
                }
                b'[' => {
                    let start = i;
                    i += 1;
                    if b.get(i) == Some(&b'^') {
                        i += 1;
                    }
                    if b.get(i) == Some(&b']') {
                        i += 1;
                    }
                    loop {
                        match b.get(i) {
                            None => {
                                let whole = pattern.get(start..).unwrap_or_default();
                                return Some(format!("missing closing ]: `{whole}`"));
                            }
                            Some(b'\\') => i += 2,
                            Some(b'[') if b.get(i + 1) == Some(&b':') => {
                                match pattern.get(i + 2..).and_then(|t| t.find(":]")) {
                                    Some(close) => i += close + 4,
                                    None => i += 1,
                                }
                            }
                            Some(b']') => break,
                            Some(_) => i += 1,
                        }
                    }
                    can_repeat = true;
                    last_was_repeat = false;
                }
                b'*' | b'+' | b'?' => {
                    if last_was_repeat {
                        // `a**` is an error in Go; a lazy `??`/`*?` is not.
                        let prev = b.get(i - 1).copied().unwrap_or(b' ');
                        if !(c == b'?' && matches!(prev, b'*' | b'+' | b'?' | b'}')) {
                            let op = pattern.get(i - 1..=i).unwrap_or_default();
                            return Some(format!("invalid nested repetition operator: `{op}`"));
                        }
                        last_was_repeat = false;
                        i += 1;
                        continue;
                    }
                    if !can_repeat {
                        let op = char::from(c);
                        return Some(format!("missing argument to repetition operator: `{op}`"));
                    }
                    last_was_repeat = true;
                }
                b'|' => {
                    can_repeat = false;
                    last_was_repeat = false;
                }
                _ => {
                    can_repeat = true;
                    last_was_repeat = false;
                }
            }
            i += 1;
        }
        if !depth.is_empty() {
            return Some(format!("missing closing ): `{pattern}`"));
        }
        None
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

    fn shown(v: Value) -> String {
        super::super::sprint_v(&v)
    }

    #[test]
    fn replace_all_expands_as_go() {
        let r = |p: &str, src: &str, repl: &str| {
            shown(call("regexReplaceAll", vec![s(p), s(src), s(repl)]).unwrap())
        };
        assert_eq!(r("a(x*)b", "-ab-axxb-", "${1}W"), "-W-xxW-");
        assert_eq!(r("a(x*)b", "-ab-axxb-", "$1W"), "---");
        assert_eq!(r("a(x*)b", "-ab-axxb-", "$$1"), "-$1-$1-");
        assert_eq!(r("a*", "baaac", "-"), "-b-c-");
        assert_eq!(r("(?P<n>x)", "x", "[$n]"), "[x]");
        assert_eq!(r("\\d", "1٣", "#"), "#٣");
    }

    #[test]
    fn find_all_and_split_follow_go_loops() {
        assert_eq!(
            shown(call("regexFindAll", vec![s("a*"), s("baaac"), Value::Int(-1)]).unwrap()),
            "[ aaa ]"
        );
        assert_eq!(
            shown(call("regexSplit", vec![s("a"), s("banana"), Value::Int(-1)]).unwrap()),
            "[b n n ]"
        );
        assert_eq!(
            shown(call("regexSplit", vec![s("a"), s("banana"), Value::Int(2)]).unwrap()),
            "[b nana]"
        );
    }

    #[test]
    fn bad_patterns_fail_in_go_words() {
        assert_eq!(
            call("regexFind", vec![s("a(b"), s("x")]).unwrap_err(),
            "regexp: Compile(`a(b`): error parsing regexp: missing closing ): `a(b`"
        );
        assert_eq!(
            call("mustRegexFind", vec![s("[a"), s("x")]).unwrap_err(),
            "error parsing regexp: missing closing ]: `[a`"
        );
        assert!(matches!(
            call("regexMatch", vec![s("*"), s("x")]).unwrap(),
            Value::Bool(false)
        ));
    }
}
