//! Sprig's regular expressions (regex.go): Go's `regexp` (RE2 syntax) on the `regex` crate.
//! Where the two differ the pattern is adjusted first: Go's `\d`, `\w`, `\s` and `\b` are ASCII
//! only. The loops over matches (`FindAll`, `ReplaceAll`, `Split`) are Go's own, so empty
//! matches fall where Go puts them, and `$1x` in a replacement names group `1x` as in Go's
//! `Expand`. Compile errors use Go's words. Plain functions panic on a bad pattern
//! (`regexp: Compile(…)`), `must…` ones return the error, `regexMatch` returns false.

use std::sync::{Arc, OnceLock};

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

/// Patterns compiled per thread, so a template that calls `regexReplaceAll` in a loop compiles
/// each pattern once (Go compiles on every call; the `regex` crate's compilation costs more).
const CACHE_LIMIT: usize = 256;

type Cache = std::collections::HashMap<String, Result<Arc<Pattern>, String>, crate::track::FxBuild>;

thread_local! {
    static CACHE: std::cell::RefCell<Cache> = std::cell::RefCell::default();
}

/// Haystacks up to this many bytes are searched with `regex-lite` when the pattern allows it;
/// longer ones with the `regex` crate, compiled then (its lazy DFA is what makes long searches
/// fast, and what makes compiling cost).
const LITE_MAX_HAYSTACK: usize = 4096;

/// A compiled pattern. Charts use a few short patterns on short strings (names, image tags):
/// compiling them with the `regex` crate costs far more than the searches (a negated class
/// such as `[^a-z0-9-]` builds a UTF-8 automaton and zeroes a 400 KB table), so a pattern that
/// `regex-lite` reads exactly as the `regex` crate does is compiled with it alone, and the
/// `regex` crate is compiled only if a long haystack comes. Both engines find Go's
/// leftmost-first matches with the same syntax; the patterns given to `regex-lite` are those
/// where nothing differs between the two (see [`lite_eligible`]).
pub(crate) enum Pattern {
    Full(Regex),
    /// `regex-lite`, and the `regex` crate's compilation of the same text once a long haystack
    /// needs it (`None` if that failed, which the patterns given to `regex-lite` do not).
    Lite {
        lite: regex_lite::Regex,
        translated: String,
        full: OnceLock<Option<Regex>>,
    },
}

/// The engine one search runs on.
enum Engine<'a> {
    Full(&'a Regex),
    Lite(&'a regex_lite::Regex),
}

/// Capture positions of a search, from either engine.
enum Locs {
    Full(regex::CaptureLocations),
    Lite(regex_lite::CaptureLocations),
}

impl Locs {
    fn get(&self, i: usize) -> Option<(usize, usize)> {
        match self {
            Locs::Full(l) => l.get(i),
            Locs::Lite(l) => l.get(i),
        }
    }
}

impl Engine<'_> {
    fn is_match(&self, s: &str) -> bool {
        match self {
            Engine::Full(r) => r.is_match(s),
            Engine::Lite(r) => r.is_match(s),
        }
    }

    fn find_at(&self, s: &str, start: usize) -> Option<(usize, usize)> {
        match self {
            Engine::Full(r) => r.find_at(s, start).map(|m| (m.start(), m.end())),
            Engine::Lite(r) => r.find_at(s, start).map(|m| (m.start(), m.end())),
        }
    }

    fn capture_locations(&self) -> Locs {
        match self {
            Engine::Full(r) => Locs::Full(r.capture_locations()),
            Engine::Lite(r) => Locs::Lite(r.capture_locations()),
        }
    }

    fn captures_read_at(&self, locs: &mut Locs, s: &str, start: usize) -> Option<(usize, usize)> {
        match (self, locs) {
            (Engine::Full(r), Locs::Full(l)) => r
                .captures_read_at(l, s, start)
                .map(|m| (m.start(), m.end())),
            (Engine::Lite(r), Locs::Lite(l)) => r
                .captures_read_at(l, s, start)
                .map(|m| (m.start(), m.end())),
            _ => None,
        }
    }

    /// The index of the group Go names `name`.
    fn group_index(&self, name: &str) -> Option<usize> {
        let ours =
            |n: Option<&str>| n.and_then(|n| n.strip_prefix(go_syntax::GROUP_PREFIX)) == Some(name);
        match self {
            Engine::Full(r) => r.capture_names().position(ours),
            Engine::Lite(r) => r.capture_names().position(ours),
        }
    }
}

impl Pattern {
    /// The engine for a haystack of `len` bytes.
    fn engine(&self, len: usize) -> Engine<'_> {
        match self {
            Pattern::Full(r) => Engine::Full(r),
            Pattern::Lite { lite, .. } if len <= LITE_MAX_HAYSTACK => Engine::Lite(lite),
            Pattern::Lite {
                lite,
                translated,
                full,
            } => match full.get_or_init(|| full_regex(translated).ok()) {
                Some(r) => Engine::Full(r),
                None => Engine::Lite(lite),
            },
        }
    }

    fn is_match(&self, s: &str) -> bool {
        self.engine(s.len()).is_match(s)
    }

    fn find(&self, s: &str) -> Option<(usize, usize)> {
        self.engine(s.len()).find_at(s, 0)
    }
}

/// Whether `regex-lite` reads the translated pattern exactly as the `regex` crate does. It
/// differs on what it lacks or simplifies: Unicode classes (`\p`), Unicode case folding and
/// other flags (`(?i)`; any `(?` form is left to the crate, named groups too), and the crate's
/// ASCII-only escapes (`(?-u:\b)`); POSIX classes are left out as well, and counted
/// repetitions, whose size limits the two count differently. What remains (ASCII literals,
/// classes, `.`, `^`/`$`, `*+?` greedy or lazy, alternation, numbered groups) means the same
/// in both.
fn lite_eligible(translated: &str) -> bool {
    if !translated.is_ascii() || translated.contains("(?") || translated.contains("[[:") {
        return false;
    }
    let mut bytes = translated.bytes();
    while let Some(b) = bytes.next() {
        match b {
            b'\\' => match bytes.next() {
                Some(b'p' | b'P') | None => return false,
                Some(_) => {}
            },
            b'{' => return false,
            _ => {}
        }
    }
    true
}

pub(crate) fn clear_cache() {
    CACHE.with(|c| c.borrow_mut().clear());
    WEIGHTS.with(|c| c.borrow_mut().clear());
    REPLACED.with(|c| c.borrow_mut().clear());
}

thread_local! {
    /// [`program_weight`] by pattern: the work budget asks for it on every call, and a long
    /// pattern is parsed to answer.
    static WEIGHTS: std::cell::RefCell<std::collections::HashMap<String, u64, crate::track::FxBuild>> =
        std::cell::RefCell::default();
    /// Results of `regexReplaceAll` and its variants by their arguments' hash, with the
    /// arguments to tell collisions apart: charts clean the same label values (chart version,
    /// release name) with the same pattern in every file.
    static REPLACED: std::cell::RefCell<std::collections::HashMap<u64, Replaced, crate::track::FxBuild>> =
        std::cell::RefCell::default();
}

/// One remembered replacement: pattern, source, replacement, literal, result.
type Replaced = (Box<str>, Box<str>, Box<str>, bool, std::rc::Rc<str>);

/// Entries of [`REPLACED`] kept, and the longest source remembered.
const REPLACED_LIMIT: usize = 1024;
const REPLACED_MAX_SOURCE: usize = 4096;

/// `regexp.Compile`: the compiled pattern or Go's error text. Shared, not cloned: a cloned
/// `Regex` gets a new pool of match caches, and building one (the lazy DFA's tables) costs more
/// than most matches.
pub(crate) fn compile(pattern: &str) -> Result<Arc<Pattern>, String> {
    if let Some(hit) = CACHE.with(|c| c.borrow().get(pattern).cloned()) {
        return hit;
    }
    let compiled = compile_uncached(pattern);
    CACHE.with(|c| {
        let mut cache = c.borrow_mut();
        if cache.len() >= CACHE_LIMIT {
            cache.clear();
        }
        cache.insert(pattern.to_string(), compiled.clone());
    });
    compiled
}

fn compile_uncached(pattern: &str) -> Result<Arc<Pattern>, String> {
    let translated =
        go_syntax::translate(pattern).map_err(|m| format!("error parsing regexp: {m}"))?;
    let lite = lite_eligible(&translated)
        .then(|| {
            regex_lite::RegexBuilder::new(&translated)
                .size_limit(1 << 24)
                .build()
                .ok()
        })
        .flatten();
    Ok(Arc::new(match lite {
        Some(lite) => Pattern::Lite {
            lite,
            translated,
            full: OnceLock::new(),
        },
        None => Pattern::Full(full_regex(&translated)?),
    }))
}

fn full_regex(translated: &str) -> Result<Regex, String> {
    regex::RegexBuilder::new(translated)
        .size_limit(1 << 24)
        .build()
        .map_err(|e| format!("error parsing regexp: {}", first_line(&e.to_string())))
}

/// [`compile`] on the `regex` crate alone, uncached (semver's patterns, compiled once each).
pub(crate) fn compile_full(pattern: &str) -> Result<Regex, String> {
    let translated =
        go_syntax::translate(pattern).map_err(|m| format!("error parsing regexp: {m}"))?;
    full_regex(&translated)
}

/// A size for the program `pattern` compiles to, in NFA states (about): counted repetitions
/// multiply what they repeat (`[ab]{1,1000}` is a thousand states). What matching and compiling
/// cost grows with it (see `crate::cost`). A pattern that does not parse weighs its length.
pub(crate) fn program_weight(pattern: &str) -> u64 {
    if pattern.len() < 32 && !pattern.contains('{') {
        return pattern.len() as u64;
    }
    if let Some(w) = WEIGHTS.with(|c| c.borrow().get(pattern).copied()) {
        return w;
    }
    let hir = go_syntax::translate(pattern)
        .ok()
        .and_then(|t| regex_syntax::Parser::new().parse(&t).ok());
    let w = hir.map_or(pattern.len() as u64, |h| hir_weight(&h));
    WEIGHTS.with(|c| {
        let mut cache = c.borrow_mut();
        if cache.len() >= CACHE_LIMIT {
            cache.clear();
        }
        cache.insert(pattern.to_string(), w);
    });
    w
}

/// The parser's nesting limit (250) bounds the recursion.
fn hir_weight(h: &regex_syntax::hir::Hir) -> u64 {
    use regex_syntax::hir::{Class, HirKind};
    match h.kind() {
        HirKind::Empty | HirKind::Look(_) => 1,
        HirKind::Literal(l) => l.0.len() as u64,
        // A Unicode class compiles to a UTF-8 automaton of roughly one state per few ranges.
        HirKind::Class(Class::Unicode(c)) => 1 + c.ranges().len() as u64 / 4,
        HirKind::Class(Class::Bytes(c)) => 1 + c.ranges().len() as u64 / 4,
        HirKind::Repetition(r) => {
            let copies = u64::from(r.max.unwrap_or(r.min).max(r.min)).max(1);
            hir_weight(&r.sub).saturating_mul(copies)
        }
        HirKind::Capture(c) => hir_weight(&c.sub),
        HirKind::Concat(v) | HirKind::Alternation(v) => v
            .iter()
            .fold(0u64, |acc, h| acc.saturating_add(hir_weight(h))),
    }
}

fn first_line(s: &str) -> &str {
    s.lines().last().unwrap_or(s).trim()
}

/// `regexp.MustCompile`: the panic message of a bad pattern.
fn must_compile(pattern: &str) -> Result<Arc<Pattern>, String> {
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
fn all_matches(re: &Pattern, s: &str, n: i64) -> Vec<(usize, usize)> {
    let re = re.engine(s.len());
    let n = if n < 0 { s.len() as i64 + 1 } else { n };
    let mut out = Vec::new();
    let mut pos = 0usize;
    let mut prev_end: Option<usize> = None;
    while (out.len() as i64) < n && pos <= s.len() {
        let Some((m_start, m_end)) = re.find_at(s, pos) else {
            break;
        };
        let mut accept = true;
        if m_end == pos {
            if Some(m_start) == prev_end {
                accept = false;
            }
            pos += s
                .get(pos..)
                .and_then(|t| t.chars().next())
                .map_or(1, char::len_utf8);
        } else {
            pos = m_end;
        }
        prev_end = Some(m_end);
        if accept {
            out.push((m_start, m_end));
        }
    }
    out
}

fn find_all(re: &Pattern, s: &str, n: i64) -> Value {
    let found: Vec<String> = all_matches(re, s, n)
        .into_iter()
        .map(|(a, b)| s.get(a..b).unwrap_or_default().to_string())
        .collect();
    // Go's FindAllString returns a nil slice when nothing matched.
    if found.is_empty() {
        return Value::List(crate::value::List {
            items: std::rc::Rc::default(),
            elem: crate::value::Elem::String,
            nil: true,
        });
    }
    Value::str_list(found)
}

fn regex_find_all(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let (pattern, s, n) = (string(&a, 0)?, string(&a, 1)?, int(&a, 2)?);
    Ok(find_all(&*must_compile(pattern)?, s, n))
}

fn must_regex_find_all(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let (pattern, s, n) = (string(&a, 0)?, string(&a, 1)?, int(&a, 2)?);
    Ok(find_all(&*compile(pattern)?, s, n))
}

fn find(re: &Pattern, s: &str) -> Value {
    Value::str(re.find(s).and_then(|(a, b)| s.get(a..b)).unwrap_or(""))
}

fn regex_find(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let (pattern, s) = (string(&a, 0)?, string(&a, 1)?);
    Ok(find(&*must_compile(pattern)?, s))
}

fn must_regex_find(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let (pattern, s) = (string(&a, 0)?, string(&a, 1)?);
    Ok(find(&*compile(pattern)?, s))
}

/// Go's `replaceAll`: every match replaced, but not an empty match right after another.
fn replace_all(re: &Pattern, src: &str, repl: &str, literal: bool) -> Result<Value, String> {
    let re = re.engine(src.len());
    let mut out = String::with_capacity(src.len());
    let mut last_end = 0usize;
    let mut search = 0usize;
    let mut locs = re.capture_locations();
    // Groups are only read by a replacement that names one; a plain search is cheaper.
    let groups = !literal && repl.contains('$');
    while search <= src.len() {
        let found = if groups {
            re.captures_read_at(&mut locs, src, search)
        } else {
            re.find_at(src, search)
        };
        let Some((start, end)) = found else {
            break;
        };
        out.push_str(src.get(last_end..start).unwrap_or_default());
        if end > last_end || start == 0 {
            if literal {
                out.push_str(repl);
            } else {
                expand(&mut out, repl, &re, &locs, src);
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
fn expand(out: &mut String, template: &str, re: &Engine<'_>, locs: &Locs, src: &str) {
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
            None => re.group_index(name).and_then(group),
        };
        out.push_str(text.unwrap_or_default());
    }
    out.push_str(rest);
}

fn regex_replace_all(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let (pattern, s, repl) = (string(&a, 0)?, string(&a, 1)?, string(&a, 2)?);
    remembered(pattern, s, repl, false, || {
        replace_all(&*must_compile(pattern)?, s, repl, false)
    })
}

fn must_regex_replace_all(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let (pattern, s, repl) = (string(&a, 0)?, string(&a, 1)?, string(&a, 2)?);
    remembered(pattern, s, repl, false, || {
        replace_all(&*compile(pattern)?, s, repl, false)
    })
}

fn regex_replace_all_literal(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let (pattern, s, repl) = (string(&a, 0)?, string(&a, 1)?, string(&a, 2)?);
    remembered(pattern, s, repl, true, || {
        replace_all(&*must_compile(pattern)?, s, repl, true)
    })
}

fn must_regex_replace_all_literal(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let (pattern, s, repl) = (string(&a, 0)?, string(&a, 1)?, string(&a, 2)?);
    remembered(pattern, s, repl, true, || {
        replace_all(&*compile(pattern)?, s, repl, true)
    })
}

/// A replacement's result from [`REPLACED`], or `run`'s (remembered when it succeeds: a failure
/// is an error message, rare and cheap to make again).
fn remembered(
    pattern: &str,
    src: &str,
    repl: &str,
    literal: bool,
    run: impl FnOnce() -> Result<Value, String>,
) -> Result<Value, String> {
    use std::hash::BuildHasher;
    if src.len() > REPLACED_MAX_SOURCE {
        return run();
    }
    let key = crate::track::FxBuild::default().hash_one((pattern, src, repl, literal));
    let hit = REPLACED.with(|c| {
        c.borrow().get(&key).and_then(|(p, s, r, l, out)| {
            (**p == *pattern && **s == *src && **r == *repl && *l == literal).then(|| out.clone())
        })
    });
    if let Some(out) = hit {
        return Ok(Value::Str(out));
    }
    let result = run()?;
    if let Value::Str(out) = &result {
        REPLACED.with(|c| {
            let mut cache = c.borrow_mut();
            if cache.len() >= REPLACED_LIMIT {
                cache.clear();
            }
            cache.insert(
                key,
                (
                    pattern.into(),
                    src.into(),
                    repl.into(),
                    literal,
                    out.clone(),
                ),
            );
        });
    }
    Ok(result)
}

/// Go's `Regexp.Split`.
fn split(re: &Pattern, pattern: &str, s: &str, n: i64) -> Value {
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
    Ok(split(&*must_compile(pattern)?, pattern, s, n))
}

fn must_regex_split(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let (pattern, s, n) = (string(&a, 0)?, string(&a, 1)?, int(&a, 2)?);
    Ok(split(&*compile(pattern)?, pattern, s, n))
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

/// Go's RE2 syntax, checked with Go's error messages and rewritten for the `regex` crate:
/// Go's `\d`, `\w`, `\s`, `\b` are ASCII; a `{` that is not a repeat is a literal; `\Q…\E`
/// quotes; octal escapes; class items that the crate would read as set operations or nested
/// classes (`&&`, `--`, `[`) are escaped.
mod go_syntax {
    fn perl_class(c: char) -> Option<&'static str> {
        Some(match c {
            'd' => "[0-9]",
            'D' => "[^0-9]",
            'w' => "[0-9A-Za-z_]",
            'W' => "[^0-9A-Za-z_]",
            's' => "[\\t\\n\\f\\r ]",
            'S' => "[^\\t\\n\\f\\r ]",
            _ => return None,
        })
    }

    /// Prefix of every group name given to the `regex` crate.
    pub(super) const GROUP_PREFIX: &str = "g";

    const POSIX: &[&str] = &[
        "alnum", "alpha", "ascii", "blank", "cntrl", "digit", "graph", "lower", "print", "punct",
        "space", "upper", "word", "xdigit",
    ];

    #[derive(Clone, Copy, PartialEq, Eq)]
    enum Last {
        /// Nothing to repeat: the start, after `(`, `|` or a flag group.
        Nothing,
        Atom,
        /// A repetition operator starting at this byte offset.
        Repeat(usize),
    }

    struct Parser<'a> {
        src: &'a str,
        pos: usize,
        out: String,
    }

    /// A literal character; the crate's meta characters escaped (not `<` and `>`: `\<` and
    /// `\>` are word boundaries there).
    fn push_literal(out: &mut String, c: char) {
        if "\\.+*?()|[]{}^$#&-~".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }

    impl<'a> Parser<'a> {
        fn peek(&self) -> Option<char> {
            self.src.get(self.pos..).and_then(|t| t.chars().next())
        }

        fn peek_at(&self, n: usize) -> Option<char> {
            self.src.get(self.pos..).and_then(|t| t.chars().nth(n))
        }

        fn text(&self, from: usize, to: usize) -> &'a str {
            self.src
                .get(from..to.min(self.src.len()))
                .unwrap_or_default()
        }

        fn bump(&mut self) -> Option<char> {
            let c = self.peek()?;
            self.pos += c.len_utf8();
            Some(c)
        }

        /// An escape after its backslash, outside or inside a class: the text for the
        /// `regex` crate, or Go's error.
        fn escape(&mut self, in_class: bool) -> Result<String, String> {
            let start = self.pos - 1;
            let Some(c) = self.bump() else {
                return Err("trailing backslash at end of expression: ``".into());
            };
            if let Some(class) = perl_class(c) {
                // Inside a class, a positive one is spliced in as its ranges (`[^a-z\d]` is
                // `[^a-z0-9]`), the same set without a nested class, which `regex-lite` lacks.
                if in_class && !class.starts_with("[^") {
                    return Ok(class.trim_start_matches('[').trim_end_matches(']').into());
                }
                return Ok(class.into());
            }
            match c {
                'b' | 'B' if !in_class => Ok(format!("(?-u:\\{c})")),
                'A' | 'z' if !in_class => Ok(format!("\\{c}")),
                'a' | 'f' | 't' | 'n' | 'r' | 'v' => Ok(format!("\\{c}")),
                'p' | 'P' => {
                    let from = self.pos;
                    if self.peek() == Some('{') {
                        match self.src.get(self.pos..).and_then(|t| t.find('}')) {
                            Some(close) => self.pos += close + 1,
                            None => {
                                return Err(format!(
                                    "invalid character class range: `{}`",
                                    self.text(start, self.src.len())
                                ));
                            }
                        }
                    } else if self.bump().is_none() {
                        return Err(format!(
                            "invalid character class range: `{}`",
                            self.text(start, self.pos)
                        ));
                    }
                    Ok(format!("\\{c}{}", self.text(from, self.pos)))
                }
                'x' => {
                    let from = self.pos;
                    if self.peek() == Some('{') {
                        let close = self.src.get(self.pos..).and_then(|t| t.find('}'));
                        let Some(close) = close else {
                            return Err(format!(
                                "invalid escape sequence: `{}`",
                                self.text(start, self.src.len())
                            ));
                        };
                        self.pos += close + 1;
                    } else {
                        for _ in 0..2 {
                            if !self.peek().is_some_and(|h| h.is_ascii_hexdigit()) {
                                let end = self.pos + self.peek().map_or(0, char::len_utf8);
                                return Err(format!(
                                    "invalid escape sequence: `{}`",
                                    self.text(start, end)
                                ));
                            }
                            self.bump();
                        }
                    }
                    Ok(format!("\\x{}", self.text(from, self.pos)))
                }
                '0'..='7' => {
                    // `\1`…`\7` alone would be a backreference, which RE2 refuses.
                    let octal = |ch: Option<char>| ch.is_some_and(|d| ('0'..='7').contains(&d));
                    if c != '0' && !octal(self.peek()) {
                        return Err(format!("invalid escape sequence: `\\{c}`"));
                    }
                    let mut value = c.to_digit(8).unwrap_or(0);
                    for _ in 0..2 {
                        if !octal(self.peek()) {
                            break;
                        }
                        value = value * 8 + self.bump().and_then(|d| d.to_digit(8)).unwrap_or(0);
                    }
                    Ok(format!("\\x{{{value:x}}}"))
                }
                c if c.is_ascii() && !c.is_ascii_alphanumeric() => {
                    let mut lit = String::new();
                    push_literal(&mut lit, c);
                    Ok(lit)
                }
                _ => Err(format!(
                    "invalid escape sequence: `{}`",
                    self.text(start, self.pos)
                )),
            }
        }

        /// A bracket class after its `[`.
        fn class(&mut self) -> Result<(), String> {
            let start = self.pos - 1;
            let missing =
                |p: &Parser| format!("missing closing ]: `{}`", p.text(start, p.src.len()));
            self.out.push('[');
            if self.peek() == Some('^') {
                self.bump();
                self.out.push('^');
            }
            let mut first = true;
            loop {
                let Some(c) = self.peek() else {
                    return Err(missing(self));
                };
                if c == ']' && !first {
                    self.bump();
                    self.out.push(']');
                    return Ok(());
                }
                first = false;
                if c == '[' && self.peek_at(1) == Some(':') {
                    let rest = self.src.get(self.pos + 2..).unwrap_or_default();
                    if let Some(close) = rest.find(":]") {
                        let name = rest.get(..close).unwrap_or_default();
                        let whole = self.text(self.pos, self.pos + close + 4);
                        let bare = name.strip_prefix('^').unwrap_or(name);
                        if !POSIX.contains(&bare) {
                            return Err(format!("invalid character class range: `{whole}`"));
                        }
                        self.out.push_str(whole);
                        self.pos += close + 4;
                        continue;
                    }
                }
                // One item: a character (maybe starting a range) or an escape.
                let item_start = self.pos;
                self.bump();
                let (lo, lo_text) = if c == '\\' {
                    let text = self.escape(true)?;
                    let single = self.text(item_start, self.pos).chars().nth(1);
                    let is_char = single.is_some_and(|e| e.is_ascii_punctuation());
                    (if is_char { single } else { None }, text)
                } else {
                    let mut t = String::new();
                    push_literal(&mut t, c);
                    (Some(c), t)
                };
                let is_range =
                    self.peek() == Some('-') && self.peek_at(1).is_some_and(|n| n != ']');
                if let (Some(lo), true) = (lo, is_range) {
                    self.bump();
                    let hi_start = self.pos;
                    let Some(h) = self.bump() else {
                        return Err(missing(self));
                    };
                    let (hi, hi_text) = if h == '\\' {
                        let text = self.escape(true)?;
                        (self.text(hi_start, self.pos).chars().nth(1), text)
                    } else {
                        let mut t = String::new();
                        push_literal(&mut t, h);
                        (Some(h), t)
                    };
                    if let Some(hi) = hi
                        && hi < lo
                    {
                        return Err(format!(
                            "invalid character class range: `{}`",
                            self.text(item_start, self.pos)
                        ));
                    }
                    self.out.push_str(&lo_text);
                    self.out.push('-');
                    self.out.push_str(&hi_text);
                } else {
                    self.out.push_str(&lo_text);
                }
            }
        }

        /// Whether a flag group `(?flags)` starts here.
        fn at_flag_group(&self) -> bool {
            let rest = self.src.get(self.pos..).unwrap_or_default();
            let Some(body) = rest.strip_prefix("(?") else {
                return false;
            };
            let flags_len = body
                .find(|c: char| !matches!(c, 'i' | 'm' | 's' | 'U' | '-'))
                .unwrap_or(body.len());
            flags_len > 0 && body.get(flags_len..).is_some_and(|t| t.starts_with(')'))
        }

        /// `{n}`, `{n,}`, `{n,m}` at the current `{`: (min, max, end offset), or `None` when
        /// it is a literal brace.
        fn repeat_braces(&self) -> Option<(i64, i64, usize)> {
            let rest = self.src.get(self.pos + 1..)?;
            let close = rest.find('}')?;
            let body = rest.get(..close)?;
            let num = |t: &str| -> Option<i64> {
                if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                Some(t.parse::<i64>().unwrap_or(i64::MAX))
            };
            let (min, max) = match body.split_once(',') {
                None => {
                    let n = num(body)?;
                    (n, n)
                }
                Some((a, "")) => (num(a)?, -1),
                Some((a, b)) => (num(a)?, num(b)?),
            };
            Some((min, max, self.pos + close + 2))
        }

        fn translate(mut self) -> Result<String, String> {
            // Open groups: (offset in the pattern, offset in the output).
            let mut groups: Vec<(usize, usize)> = Vec::new();
            let mut last = Last::Nothing;
            // Where the output of the last atom starts, and whether that atom is a repetition
            // (made repeatable again by a flag group, as `a*(?i)?` is `(?:a*)?` in Go).
            let mut atom_out = 0usize;
            let mut atom_is_repeat = false;
            // Flag groups `(?i)` not yet written: in Go a repetition right after one applies to
            // the atom before it, so the crate gets the repetition first.
            let mut pending_flags = String::new();
            while let Some(c) = self.peek() {
                let start = self.pos;
                let is_repeat =
                    matches!(c, '*' | '+' | '?') || c == '{' && self.repeat_braces().is_some();
                if !is_repeat && !self.at_flag_group() {
                    self.out.push_str(&pending_flags);
                    pending_flags.clear();
                }
                if !is_repeat && !self.at_flag_group() && c != ')' {
                    atom_out = self.out.len();
                    atom_is_repeat = false;
                }
                match c {
                    '\\' => {
                        self.bump();
                        if self.peek() == Some('Q') {
                            self.bump();
                            let rest = self.src.get(self.pos..).unwrap_or_default();
                            let (lit, skip) = match rest.find("\\E") {
                                Some(i) => (rest.get(..i).unwrap_or_default(), i + 2),
                                None => (rest, rest.len()),
                            };
                            self.out.push_str(&regex::escape(lit));
                            self.pos += skip;
                            if !lit.is_empty() {
                                last = Last::Atom;
                            }
                            continue;
                        }
                        if self.peek() == Some('C') {
                            return Err("invalid escape sequence: `\\C`".into());
                        }
                        let text = self.escape(false)?;
                        self.out.push_str(&text);
                        last = Last::Atom;
                    }
                    '[' => {
                        self.bump();
                        self.class()?;
                        last = Last::Atom;
                    }
                    '(' => {
                        self.bump();
                        groups.push((start, self.out.len()));
                        if self.peek() == Some('?') {
                            self.bump();
                            let name_start = match (self.peek(), self.peek_at(1)) {
                                (Some('P'), Some('<')) => Some(2),
                                (Some('<'), _) => Some(1),
                                _ => None,
                            };
                            if let Some(skip) = name_start {
                                let rest = self.src.get(self.pos + skip..).unwrap_or_default();
                                let end = rest.find('>');
                                let name = end.and_then(|e| rest.get(..e)).unwrap_or(rest);
                                if end.is_none()
                                    || name.is_empty()
                                    || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                                {
                                    let to =
                                        end.map_or(self.src.len(), |e| self.pos + skip + e + 1);
                                    return Err(format!(
                                        "invalid named capture: `{}`",
                                        self.text(start, to)
                                    ));
                                }
                                // Go names may start with a digit; the crate's may not.
                                self.out.push_str(&format!("(?P<{GROUP_PREFIX}{name}>"));
                                self.pos += skip + name.len() + 1;
                                last = Last::Nothing;
                                continue;
                            }
                            // Flags: `(?flags)` or `(?flags:…)`.
                            let mut flags = String::new();
                            loop {
                                match self.bump() {
                                    Some(f @ ('i' | 'm' | 's' | 'U' | '-')) => flags.push(f),
                                    Some(':') if !flags.ends_with('-') => {
                                        self.out.push_str(&format!("(?{flags}:"));
                                        last = Last::Nothing;
                                        break;
                                    }
                                    Some(')') if !flags.is_empty() && !flags.ends_with('-') => {
                                        groups.pop();
                                        pending_flags.push_str(&format!("(?{flags})"));
                                        // Go keeps the atom before the flags repeatable, and
                                        // forgets a repetition just made.
                                        if let Last::Repeat(_) = last {
                                            atom_is_repeat = true;
                                        }
                                        if last != Last::Nothing {
                                            last = Last::Atom;
                                        }
                                        break;
                                    }
                                    _ => {
                                        return Err(format!(
                                            "invalid or unsupported Perl syntax: `{}`",
                                            self.text(start, self.pos)
                                        ));
                                    }
                                }
                            }
                            continue;
                        }
                        self.out.push('(');
                        last = Last::Nothing;
                    }
                    ')' => {
                        self.bump();
                        let Some((_, out_start)) = groups.pop() else {
                            return Err(format!("unexpected ): `{}`", self.src));
                        };
                        self.out.push(')');
                        atom_out = out_start;
                        atom_is_repeat = false;
                        last = Last::Atom;
                    }
                    '|' => {
                        self.bump();
                        self.out.push('|');
                        last = Last::Nothing;
                    }
                    '*' | '+' | '?' | '{' => {
                        let mut end = start + 1;
                        if c == '{' {
                            match self.repeat_braces() {
                                None => {
                                    self.bump();
                                    self.out.push_str("\\{");
                                    last = Last::Atom;
                                    continue;
                                }
                                Some((min, max, close)) => {
                                    if min > 1000 || max > 1000 || max >= 0 && min > max {
                                        return Err(format!(
                                            "invalid repeat count: `{}`",
                                            self.text(start, close)
                                        ));
                                    }
                                    end = close;
                                }
                            }
                        }
                        if self.src.get(end..).is_some_and(|t| t.starts_with('?')) {
                            end += 1;
                        }
                        match last {
                            Last::Repeat(prev) => {
                                return Err(format!(
                                    "invalid nested repetition operator: `{}`",
                                    self.text(prev, end)
                                ));
                            }
                            Last::Nothing => {
                                return Err(format!(
                                    "missing argument to repetition operator: `{}`",
                                    self.text(start, end)
                                ));
                            }
                            Last::Atom => {}
                        }
                        if atom_is_repeat {
                            self.out.insert_str(atom_out, "(?:");
                            self.out.push(')');
                        }
                        atom_is_repeat = false;
                        self.out.push_str(self.text(start, end));
                        self.out.push_str(&pending_flags);
                        pending_flags.clear();
                        self.pos = end;
                        last = Last::Repeat(start);
                    }
                    _ => {
                        self.bump();
                        match c {
                            '.' | '^' | '$' => self.out.push(c),
                            _ => push_literal(&mut self.out, c),
                        }
                        last = Last::Atom;
                    }
                }
            }
            if !groups.is_empty() {
                return Err(format!("missing closing ): `{}`", self.src));
            }
            self.out.push_str(&pending_flags);
            Ok(self.out)
        }
    }

    /// The pattern for the `regex` crate, or Go's message for its syntax error.
    pub(super) fn translate(pattern: &str) -> Result<String, String> {
        Parser {
            src: pattern,
            pos: 0,
            out: String::with_capacity(pattern.len() + 16),
        }
        .translate()
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
    fn remembered_replacements_keep_every_argument_apart() {
        let r = |f: &str, p: &str, src: &str, repl: &str| {
            shown(call(f, vec![s(p), s(src), s(repl)]).unwrap())
        };
        for _ in 0..2 {
            assert_eq!(r("regexReplaceAll", "a(x*)b", "-axb-", "${1}W"), "-xW-");
            assert_eq!(
                r("regexReplaceAllLiteral", "a(x*)b", "-axb-", "${1}W"),
                "-${1}W-"
            );
            assert_eq!(r("regexReplaceAll", "a(x*)b", "-axb-", "${1}V"), "-xV-");
            assert_eq!(r("regexReplaceAll", "a(x*)b", "-axxb-", "${1}W"), "-xxW-");
            assert_eq!(r("regexReplaceAll", "a(x+)b", "-axb-", "${1}W"), "-xW-");
            assert_eq!(r("regexReplaceAll", "a(x+)b", "-ab-", "${1}W"), "-ab-");
        }
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
        assert_eq!(r("(?P<1x>a)", "a", "<${1x}>"), "<a>");
        assert_eq!(r("\\w+", "héllo", "-"), "-é-");
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

    /// Helm's `mustRegexFindAll PATTERN SUBJECT -1 | toJson` for Go's syntax corners.
    #[test]
    fn go_syntax_corners_match_helm() {
        let subject = "aaa Q.*E word_1 éÉ αβ z-]a{,3} b\nb 41 A x";
        let cases: &[(&str, &str)] = &[
            (
                "a**",
                "error parsing regexp: invalid nested repetition operator: `**`",
            ),
            (
                "a{2}{3}",
                "error parsing regexp: invalid nested repetition operator: `{2}{3}`",
            ),
            (
                "x{1001}",
                "error parsing regexp: invalid repeat count: `{1001}`",
            ),
            ("\\Q.*\\E", "[.*]"),
            ("[[:word:]]+", "[aaa Q E word_1 z a 3 b b 41 A x]"),
            ("\\pL+", "[aaa Q E word éÉ αβ z a b b A x]"),
            ("(?P<n>a)", "[a a a a]"),
            ("(?<n>a)", "[a a a a]"),
            ("(?i)é", "[é É]"),
            ("[a-]", "[a a a - a]"),
            ("[]a]", "[a a a ] a]"),
            ("a{,3}", "[a{,3}]"),
            (
                "\\8",
                "error parsing regexp: invalid escape sequence: `\\8`",
            ),
            (
                "(?z)",
                "error parsing regexp: invalid or unsupported Perl syntax: `(?z`",
            ),
            (
                "a|*",
                "error parsing regexp: missing argument to repetition operator: `*`",
            ),
            ("\\z", "[]"),
            ("(?U)a+", "[a a a a]"),
            (
                "[[:foo:]]",
                "error parsing regexp: invalid character class range: `[:foo:]`",
            ),
            ("\\x{41}", "[A]"),
            (
                "\\C",
                "error parsing regexp: invalid escape sequence: `\\C`",
            ),
            ("a{3", "[]"),
            (
                "[z-a]",
                "error parsing regexp: invalid character class range: `z-a`",
            ),
            ("(?m)^b", "[b]"),
            ("\\pN", "[1 3 4 1]"),
            ("\\p{Greek}", "[α β]"),
            ("[&&a]", "[a a a a]"),
            ("\\101", "[A]"),
            ("a{1,2}?", "[a a a a]"),
            ("(?i:A)b", "[]"),
            ("(?P<1x>a)", "[a a a a]"),
            ("[^\\d\\s]+", "[aaa Q.*E word_ éÉ αβ z-]a{, } b b A x]"),
            ("[\\w-]+", "[aaa Q E word_1 z- a 3 b b 41 A x]"),
            (
                "x{2,1}",
                "error parsing regexp: invalid repeat count: `{2,1}`",
            ),
            ("\\Qa", "[a a a a]"),
        ];
        for (pattern, want) in cases {
            let got = match call(
                "mustRegexFindAll",
                vec![s(pattern), s(subject), Value::Int(-1)],
            ) {
                Ok(v) => shown(v),
                Err(e) => e,
            };
            assert_eq!(&got, want, "pattern {pattern}");
        }
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

    /// Both engines of a pattern `regex-lite` takes, forced, on the same haystack.
    fn both(pattern: &str) -> (Pattern, Pattern) {
        let translated = go_syntax::translate(pattern).unwrap();
        assert!(lite_eligible(&translated), "{pattern}");
        let lite = Pattern::Lite {
            lite: regex_lite::Regex::new(&translated).unwrap(),
            translated: translated.clone(),
            full: OnceLock::new(),
        };
        (lite, Pattern::Full(full_regex(&translated).unwrap()))
    }

    /// What every function makes of a haystack with one engine: matches, captures, splits,
    /// replacements with groups.
    fn outcomes(re: &Pattern, pattern: &str, hay: &str) -> String {
        format!(
            "{} {:?} {} {} {} {}",
            re.is_match(hay),
            re.find(hay),
            shown(find_all(re, hay, -1)),
            shown(split(re, pattern, hay, -1)),
            shown(replace_all(re, hay, "<$1|${0}>", false).unwrap()),
            shown(replace_all(re, hay, "$1", true).unwrap()),
        )
    }

    /// The bitnami charts' patterns, and others that `regex-lite` takes, agree with the `regex`
    /// crate on short haystacks and long ones (where [`Pattern::engine`] switches to the crate).
    #[test]
    fn lite_engine_agrees_with_the_regex_crate() {
        let patterns = [
            r"(-?[^a-z\d\-])+-?",
            r"\W",
            r"[^A-Za-z0-9]+$",
            r"^([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?$",
            r"{(v[0-9])*[^}]*}}$",
            r"-r\d+$|sha256:",
            r"[0-9.]+",
            r"a*?",
            r"(a|ab)(c|bcd)(d*)",
            r"\s+|^$",
            r".",
            r"x*",
        ];
        let hays = [
            "",
            "Redis-Cluster_01",
            "my--chart..name-",
            "héllo wörld ٣ 日本",
            "1.2.3-rc.1+build.5",
            "bitnami/redis:7.2.4-debian-12-r3",
            "sha256:abc\n  \tx",
            "{v1}} {{v2}}",
            "abcd abcbcd aab",
            "\n\n",
        ];
        for p in patterns {
            let (lite, full) = both(p);
            for h in hays {
                assert_eq!(outcomes(&lite, p, h), outcomes(&full, p, h), "{p} on {h:?}");
            }
            let long = hays.join("-").repeat(200);
            assert!(long.len() > LITE_MAX_HAYSTACK);
            assert!(matches!(lite.engine(long.len()), Engine::Full(_)));
            assert_eq!(
                outcomes(&lite, p, &long),
                outcomes(&full, p, &long),
                "{p} long"
            );
        }
    }

    #[test]
    fn what_lite_takes() {
        let takes = |p: &str| lite_eligible(&go_syntax::translate(p).unwrap());
        assert!(takes(r"(-?[^a-z\d\-])+-?"));
        assert!(takes(r"\W"));
        for p in [
            r"(?i)a",
            r"(?P<n>a)",
            r"\pL",
            r"\bx",
            "[[:alpha:]]",
            "a{2}",
            "é",
            r"(?:a)",
        ] {
            assert!(!takes(p), "{p}");
        }
        assert!(matches!(*compile("a{2}").unwrap(), Pattern::Full(_)));
        assert!(matches!(*compile("[^a-z]").unwrap(), Pattern::Lite { .. }));
    }
}
