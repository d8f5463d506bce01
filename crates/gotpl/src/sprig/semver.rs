//! Sprig's `semver` and `semverCompare`: Masterminds/semver v3.5.0's `NewVersion` (coercing:
//! `v1.2` is 1.2.0) and `NewConstraint`/`Check`, with its own regular expressions run through
//! Go's matching loops ([`super::regex`]).

use std::rc::Rc;
use std::sync::OnceLock;

use regex::Regex;

use super::{f, string};
use crate::func::{Func, FuncEnv, Ty};
use crate::value::{Object, Value};

use Ty::String as S;

pub const FUNCS: &[Func] = &[
    f("semver", &[S], None, semver),
    f("semverCompare", &[S, S], None, semver_compare),
];

const ERR_INVALID: &str = "invalid semantic version";
const ERR_SEGMENT_ZERO: &str = "version segment starts with 0";
const ERR_PRERELEASE: &str = "invalid prerelease string";
const ERR_METADATA: &str = "invalid metadata string";

/// Masterminds' `semVerRegex`, which [`match_version`] matches by hand (the tests compare them).
#[cfg(test)]
const LOOSE: &str = r"v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?";
const CV: &str = r"v?([0-9|x|X|\*]+)(\.[0-9|x|X|\*]+)?(\.[0-9|x|X|\*]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?";
const OPS: &str = r"=||!=|>|<|>=|=>|<=|=<|~|~>|\^";

/// Each pattern is compiled on first use, on its own: compiling them is most of the cost of a
/// chart's first `semverCompare`, and the range pattern is only needed for `a - b` constraints.
fn pattern(
    slot: &'static OnceLock<Option<Regex>>,
    source: impl FnOnce() -> String,
) -> Result<&'static Regex, String> {
    slot.get_or_init(|| super::regex::compile_full(&source()).ok())
        .as_ref()
        .ok_or_else(no_patterns)
}

/// The groups of [`LOOSE`] (`x_digits`: [`CV`], whose number parts also take `x`, `X`, `*`
/// and `|`) matched from the start of `s`, greedily. Each part is decided by the next byte, so
/// this greedy match is the one Go's leftmost-first engine finds whenever the pattern, anchored
/// after it (`$`, or `\s*$`), matches at all; the callers check that anchor themselves. Matching
/// by hand spares every chart that calls `semverCompare` the compilation of the patterns (a
/// tenth of a small chart's render).
struct VersionMatch<'a> {
    /// Everything matched (CV's group 2 in the constraint pattern).
    all: &'a str,
    major: &'a str,
    /// With its leading `.`, or empty.
    minor: &'a str,
    patch: &'a str,
    /// With its leading `-`, or empty.
    pre: &'a str,
    /// With its leading `+`, or empty.
    meta: &'a str,
    end: usize,
}

fn match_version(s: &str, x_digits: bool) -> Option<VersionMatch<'_>> {
    let b = s.as_bytes();
    let digit = |c: u8| c.is_ascii_digit() || x_digits && matches!(c, b'x' | b'X' | b'*' | b'|');
    let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'-';
    let run = |from: usize, ok: &dyn Fn(u8) -> bool| {
        from + b
            .get(from..)
            .unwrap_or(&[])
            .iter()
            .take_while(|&&c| ok(c))
            .count()
    };
    let start = usize::from(b.first() == Some(&b'v'));
    let major_end = run(start, &digit);
    if major_end == start {
        return None;
    }
    // `(\.[digits]+)?`: taken when a digit follows the dot.
    let dotted = |at: usize| {
        if b.get(at) == Some(&b'.') {
            let e = run(at + 1, &digit);
            if e > at + 1 {
                return e;
            }
        }
        at
    };
    let minor_end = dotted(major_end);
    let patch_end = dotted(minor_end);
    // `(SEP ident(\.ident)*)?`: the greedy repetition stops before a `.` not followed by an
    // identifier character.
    let tagged = |at: usize, sep: u8| {
        if b.get(at) != Some(&sep) {
            return at;
        }
        let mut e = run(at + 1, &ident);
        if e == at + 1 {
            return at;
        }
        while b.get(e) == Some(&b'.') {
            let next = run(e + 1, &ident);
            if next == e + 1 {
                break;
            }
            e = next;
        }
        e
    };
    let pre_end = tagged(patch_end, b'-');
    let meta_end = tagged(pre_end, b'+');
    let part = |a: usize, z: usize| s.get(a..z).unwrap_or("");
    Some(VersionMatch {
        all: part(0, meta_end),
        major: part(start, major_end),
        minor: part(major_end, minor_end),
        patch: part(minor_end, patch_end),
        pre: part(patch_end, pre_end),
        meta: part(pre_end, meta_end),
        end: meta_end,
    })
}

/// Go's `\s` (ASCII only).
fn is_go_space(c: u8) -> bool {
    matches!(c, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ')
}

/// The operators of [`OPS`], longest first: the one the constraint pattern captures is the
/// longest that a version follows (a version never starts with an operator's character).
const OPERATORS: [&str; 11] = ["!=", ">=", "=>", "<=", "=<", "~>", "=", ">", "<", "~", "^"];

/// A constraint that is one comparison (`>=1.21-0`, ` ~ 1.2.x `), what charts write: its
/// operator and version, as the constraint pattern captures them. `None` for anything else
/// (`||`, `,`, ranges, a version the pattern does not take whole), which the patterns parse.
fn simple_constraint(c: &str) -> Option<(&str, VersionMatch<'_>)> {
    if c.bytes().any(|b| matches!(b, b'|' | b',')) {
        return None;
    }
    let trimmed = c.trim_start_matches(|ch: char| ch.is_ascii() && is_go_space(ch as u8));
    let op = OPERATORS
        .iter()
        .find(|op| trimmed.starts_with(**op))
        .map_or("", |op| *op);
    let rest = trimmed.get(op.len()..)?;
    let ver = rest.trim_start_matches(|ch: char| ch.is_ascii() && is_go_space(ch as u8));
    let m = match_version(ver, true)?;
    let tail = ver.get(m.end..)?;
    if !tail.bytes().all(is_go_space) {
        return None;
    }
    Some((op, m))
}

fn constraint() -> Result<&'static Regex, String> {
    static P: OnceLock<Option<Regex>> = OnceLock::new();
    pattern(&P, || format!(r"^\s*({OPS})\s*({CV})\s*$"))
}

fn range() -> Result<&'static Regex, String> {
    static P: OnceLock<Option<Regex>> = OnceLock::new();
    pattern(&P, || format!(r"\s*({CV})\s+-\s+({CV})\s*"))
}

fn find() -> Result<&'static Regex, String> {
    static P: OnceLock<Option<Regex>> = OnceLock::new();
    pattern(&P, || format!(r"({OPS})\s*({CV})"))
}

fn valid() -> Result<&'static Regex, String> {
    static P: OnceLock<Option<Regex>> = OnceLock::new();
    pattern(&P, || {
        format!(r"^(\s*({OPS})\s*({CV})\s*)((?:\s+|,\s*)({OPS})\s*({CV})\s*)*$")
    })
}

fn no_patterns() -> String {
    "internal error: semver patterns do not compile".into()
}

/// A parsed version (`*semver.Version`, or `semver.Version` from `IncPatch` and friends).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Version {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
    pub pre: String,
    pub metadata: String,
    pub original: String,
    pointer: bool,
}

fn contains_only(s: &str, extra_letters: bool) -> bool {
    s.bytes()
        .all(|b| b.is_ascii_digit() || extra_letters && (b.is_ascii_alphabetic() || b == b'-'))
}

fn validate_prerelease(p: &str) -> Result<(), String> {
    for part in p.split('.') {
        if part.is_empty() {
            return Err(ERR_PRERELEASE.into());
        } else if contains_only(part, false) {
            if part.len() > 1 && part.starts_with('0') {
                return Err(ERR_SEGMENT_ZERO.into());
            }
        } else if !contains_only(part, true) {
            return Err(ERR_PRERELEASE.into());
        }
    }
    Ok(())
}

fn validate_metadata(m: &str) -> Result<(), String> {
    if m.split('.')
        .any(|p| p.is_empty() || !contains_only(p, true))
    {
        return Err(ERR_METADATA.into());
    }
    Ok(())
}

fn parse_segment(s: &str) -> Result<u64, String> {
    s.parse::<u64>().map_err(|_| {
        format!(
            "error parsing version segment: strconv.ParseUint: parsing {}: value out of range",
            crate::fmt::quote(s)
        )
    })
}

impl Version {
    /// `semver.NewVersion` with coercion on (the default).
    pub fn parse(v: &str) -> Result<Version, String> {
        let m = match_version(v, false).ok_or(ERR_INVALID)?;
        if m.end != v.len() {
            return Err(ERR_INVALID.into());
        }
        let major = parse_segment(m.major)?;
        let minor = match m.minor {
            "" => 0,
            m => parse_segment(m.trim_start_matches('.'))?,
        };
        let patch = match m.patch {
            "" => 0,
            m => parse_segment(m.trim_start_matches('.'))?,
        };
        let pre = m.pre.strip_prefix('-').unwrap_or("").to_string();
        let metadata = m.meta.strip_prefix('+').unwrap_or("").to_string();
        if !pre.is_empty() {
            validate_prerelease(&pre)?;
        }
        if !metadata.is_empty() {
            validate_metadata(&metadata)?;
        }
        Ok(Version {
            major,
            minor,
            patch,
            pre,
            metadata,
            original: v.to_string(),
            pointer: true,
        })
    }

    fn zero() -> Version {
        Version {
            major: 0,
            minor: 0,
            patch: 0,
            pre: String::new(),
            metadata: String::new(),
            original: "0.0.0".into(),
            pointer: true,
        }
    }

    pub fn string(&self) -> String {
        let mut s = format!("{}.{}.{}", self.major, self.minor, self.patch);
        if !self.pre.is_empty() {
            s.push('-');
            s.push_str(&self.pre);
        }
        if !self.metadata.is_empty() {
            s.push('+');
            s.push_str(&self.metadata);
        }
        s
    }

    pub fn compare(&self, o: &Version) -> i64 {
        let by_number = (self.major, self.minor, self.patch).cmp(&(o.major, o.minor, o.patch));
        if by_number != std::cmp::Ordering::Equal {
            return by_number as i64;
        }
        match (self.pre.is_empty(), o.pre.is_empty()) {
            (true, true) => 0,
            (true, false) => 1,
            (false, true) => -1,
            (false, false) => compare_prerelease(&self.pre, &o.pre),
        }
    }

    fn v_prefix(&self) -> &str {
        if self.original.starts_with('v') {
            "v"
        } else {
            ""
        }
    }

    /// A value-typed copy (`IncPatch` and friends return `semver.Version`, not a pointer).
    fn next(&self, change: impl FnOnce(&mut Version)) -> Version {
        let mut n = self.clone();
        change(&mut n);
        n.original = format!("{}{}", self.v_prefix(), n.string());
        n.pointer = false;
        n
    }
}

fn compare_prerelease(v: &str, o: &str) -> i64 {
    let (s, t): (Vec<&str>, Vec<&str>) = (v.split('.').collect(), o.split('.').collect());
    for i in 0..s.len().max(t.len()) {
        let d = compare_pre_part(
            s.get(i).copied().unwrap_or(""),
            t.get(i).copied().unwrap_or(""),
        );
        if d != 0 {
            return d;
        }
    }
    0
}

fn compare_pre_part(s: &str, o: &str) -> i64 {
    if s == o {
        return 0;
    }
    if s.is_empty() {
        return -1;
    }
    if o.is_empty() {
        return 1;
    }
    match (s.parse::<u64>(), o.parse::<u64>()) {
        (Err(_), Err(_)) => {
            if s > o {
                1
            } else {
                -1
            }
        }
        (_, Err(_)) => -1,
        (Err(_), _) => 1,
        (Ok(si), Ok(oi)) => {
            if si > oi {
                1
            } else {
                -1
            }
        }
    }
}

/// One comparison of a constraint (`>=1.2`, `~1.x`).
struct Constraint {
    con: Version,
    op: String,
    minor_dirty: bool,
    dirty: bool,
    patch_dirty: bool,
}

fn is_x(s: &str) -> bool {
    matches!(s, "x" | "*" | "X")
}

fn parse_constraint(c: &str) -> Result<Constraint, String> {
    if c.is_empty() {
        return Ok(Constraint {
            con: Version::zero(),
            op: String::new(),
            minor_dirty: false,
            dirty: true,
            patch_dirty: false,
        });
    }
    let simple = simple_constraint(c);
    let caps = match simple {
        Some(_) => None,
        None => Some(
            constraint()?
                .captures(c)
                .ok_or_else(|| format!("improper constraint: {}", crate::fmt::quote(c)))?,
        ),
    };
    let g = |i: usize| match (&caps, &simple) {
        (Some(caps), _) => caps.get(i).map_or("", |m| m.as_str()),
        (None, Some((op, m))) => match i {
            1 => op,
            2 => m.all,
            3 => m.major,
            4 => m.minor,
            5 => m.patch,
            6 => m.pre,
            _ => "",
        },
        (None, None) => "",
    };
    let (mut minor_dirty, mut patch_dirty, mut dirty) = (false, false, false);
    let ver = if is_x(g(3)) || g(3).is_empty() {
        dirty = true;
        format!("0.0.0{}", g(6))
    } else if is_x(g(4).trim_start_matches('.')) || g(4).is_empty() {
        minor_dirty = true;
        dirty = true;
        format!("{}.0.0{}", g(3), g(6))
    } else if is_x(g(5).trim_start_matches('.')) || g(5).is_empty() {
        dirty = true;
        patch_dirty = true;
        format!("{}{}.0{}", g(3), g(4), g(6))
    } else {
        g(2).to_string()
    };
    let con = Version::parse(&ver).map_err(|_| "constraint parser error".to_string())?;
    Ok(Constraint {
        con,
        op: g(1).to_string(),
        minor_dirty,
        dirty,
        patch_dirty,
    })
}

impl Constraint {
    fn check(&self, v: &Version, include_pre: bool) -> bool {
        if !v.pre.is_empty() && !include_pre {
            return false;
        }
        let c = &self.con;
        match self.op.as_str() {
            "" | "=" => {
                if self.dirty {
                    self.tilde(v)
                } else {
                    v.compare(c) == 0
                }
            }
            "!=" => self.not_equal(v),
            ">" => {
                if !self.dirty {
                    return v.compare(c) == 1;
                }
                if v.major != c.major {
                    return v.major > c.major;
                }
                if self.minor_dirty {
                    return false;
                }
                if self.patch_dirty {
                    return v.minor > c.minor;
                }
                v.compare(c) == 1
            }
            "<" => v.compare(c) < 0,
            ">=" | "=>" => v.compare(c) >= 0,
            "<=" | "=<" => {
                if !self.dirty {
                    return v.compare(c) <= 0;
                }
                !(v.major > c.major || v.major == c.major && v.minor > c.minor && !self.minor_dirty)
            }
            "~" | "~>" => self.tilde(v),
            "^" => self.caret(v),
            _ => false,
        }
    }

    fn not_equal(&self, v: &Version) -> bool {
        let c = &self.con;
        if self.dirty {
            if c.major != v.major {
                return true;
            }
            if c.minor != v.minor && !self.minor_dirty {
                return true;
            } else if self.minor_dirty {
                return false;
            } else if c.patch != v.patch && !self.patch_dirty {
                return true;
            } else if self.patch_dirty {
                if !v.pre.is_empty() || !c.pre.is_empty() {
                    return compare_prerelease(&v.pre, &c.pre) != 0;
                }
                return false;
            }
        }
        v.compare(c) != 0
    }

    fn tilde(&self, v: &Version) -> bool {
        let c = &self.con;
        if v.compare(c) < 0 {
            return false;
        }
        if c.major == 0 && c.minor == 0 && c.patch == 0 && !self.minor_dirty && !self.patch_dirty {
            return true;
        }
        if v.major != c.major {
            return false;
        }
        v.minor == c.minor || self.minor_dirty
    }

    fn caret(&self, v: &Version) -> bool {
        let c = &self.con;
        if v.compare(c) < 0 {
            return false;
        }
        if c.major > 0 || self.minor_dirty {
            return v.major == c.major;
        }
        if v.major > 0 {
            return false;
        }
        if c.minor > 0 || self.patch_dirty {
            return v.minor == c.minor;
        }
        if v.minor > 0 {
            return false;
        }
        c.patch == v.patch
    }
}

/// `NewConstraint`: `a - b` ranges rewritten, `||` groups of comparisons.
fn parse_constraints(c: &str) -> Result<Vec<(Vec<Constraint>, bool)>, String> {
    // One comparison is valid, and `find` gives it whole: no pattern needed.
    if simple_constraint(c).is_some() && !has_range_dash(c) {
        let pc = parse_constraint(c)?;
        let has_pre = !pc.con.pre.is_empty();
        return Ok(vec![(vec![pc], has_pre)]);
    }
    let rewritten = rewrite_range(c)?;
    let mut groups = Vec::new();
    for part in rewritten.split("||") {
        if !valid()?.is_match(part) {
            return Err(format!("improper constraint: {}", crate::fmt::quote(part)));
        }
        let mut found: Vec<String> = find()?
            .find_iter(part)
            .map(|m| m.as_str().to_string())
            .collect();
        if found.is_empty() {
            found.push(part.to_string());
        }
        let mut group = Vec::new();
        let mut has_pre = false;
        for s in &found {
            let pc = parse_constraint(s)?;
            has_pre |= !pc.con.pre.is_empty();
            group.push(pc);
        }
        groups.push((group, has_pre));
    }
    Ok(groups)
}

/// The range pattern needs a `-` with Go's `\s` on both sides; without one nothing matches.
fn has_range_dash(i: &str) -> bool {
    i.as_bytes()
        .windows(3)
        .any(|w| matches!(w, [a, b'-', c] if is_go_space(*a) && is_go_space(*c)))
}

fn rewrite_range(i: &str) -> Result<String, String> {
    let mut out = i.to_string();
    if !has_range_dash(i) {
        return Ok(out);
    }
    for caps in range()?.captures_iter(i) {
        let whole = caps.get(0).map_or("", |m| m.as_str());
        let from = caps.get(1).map_or("", |m| m.as_str());
        let to = caps.get(11).map_or("", |m| m.as_str());
        out = out.replacen(whole, &format!(">= {from}, <= {to} "), 1);
    }
    Ok(out)
}

/// `semverCompare constraint version`.
pub fn compare(constraint: &str, version: &str) -> Result<bool, String> {
    let groups = parse_constraints(constraint)?;
    let v = Version::parse(version)?;
    Ok(groups
        .iter()
        .any(|(group, has_pre)| group.iter().all(|c| c.check(&v, *has_pre))))
}

fn semver(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let v = Version::parse(string(&a, 0)?)?;
    Ok(Value::Object(Rc::new(v)))
}

fn semver_compare(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    Ok(Value::Bool(compare(string(&a, 0)?, string(&a, 1)?)?))
}

/// The `*semver.Version` argument of a comparison method.
fn version_arg(v: Option<&Value>) -> Result<Version, String> {
    let version = match v {
        Some(Value::Object(o)) => o
            .as_any()
            .and_then(|a| a.downcast_ref::<Version>())
            .filter(|v| v.pointer),
        _ => None,
    };
    match (version, v) {
        (Some(version), _) => Ok(version.clone()),
        (None, Some(other)) => Err(format!(
            "wrong type for value; expected *semver.Version; got {}",
            other.type_name()
        )),
        (None, None) => Err("wrong number of args: want 1 got 0".into()),
    }
}

/// Methods declared on `*Version`: a `semver.Version` value (what `IncPatch` and friends
/// return) is not addressable in a template, so it does not have them.
const POINTER_METHODS: &[&str] = &[
    "Original",
    "LessThan",
    "LessThanEqual",
    "GreaterThan",
    "GreaterThanEqual",
    "Equal",
    "Compare",
];

impl Version {
    fn lacks(&self, method: &str) -> bool {
        !self.pointer && POINTER_METHODS.contains(&method)
    }
}

impl Object for Version {
    fn type_name(&self) -> &str {
        if self.pointer {
            "*semver.Version"
        } else {
            "semver.Version"
        }
    }

    fn field(&self, name: &str) -> Option<Value> {
        if self.lacks(name) {
            return None;
        }
        let obj = |v: Version| Value::Object(Rc::new(v));
        Some(match name {
            "Major" => Value::Uint(self.major),
            "Minor" => Value::Uint(self.minor),
            "Patch" => Value::Uint(self.patch),
            "Prerelease" => Value::str(&self.pre),
            "Metadata" => Value::str(&self.metadata),
            "Original" => Value::str(&self.original),
            "String" => Value::string(self.string()),
            "IncPatch" => obj(self.next(|n| {
                if n.pre.is_empty() {
                    n.patch = n.patch.wrapping_add(1);
                }
                n.pre.clear();
                n.metadata.clear();
            })),
            "IncMinor" => obj(self.next(|n| {
                n.minor = n.minor.wrapping_add(1);
                n.patch = 0;
                n.pre.clear();
                n.metadata.clear();
            })),
            "IncMajor" => obj(self.next(|n| {
                n.major = n.major.wrapping_add(1);
                n.minor = 0;
                n.patch = 0;
                n.pre.clear();
                n.metadata.clear();
            })),
            _ => return None,
        })
    }

    fn call(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
        if self.lacks(name) {
            return None;
        }
        let cmp = |f: fn(i64) -> bool| {
            version_arg(args.first()).map(|o| Value::Bool(f(self.compare(&o))))
        };
        Some(match name {
            "LessThan" => cmp(|d| d < 0),
            "LessThanEqual" => cmp(|d| d <= 0),
            "GreaterThan" => cmp(|d| d > 0),
            "GreaterThanEqual" => cmp(|d| d >= 0),
            "Equal" => cmp(|d| d == 0),
            "Compare" => version_arg(args.first()).map(|o| Value::Int(self.compare(&o))),
            "SetPrerelease" | "SetMetadata" => {
                let text = match args.first() {
                    Some(Value::Str(s)) => s.to_string(),
                    _ => return Some(Err("wrong type for value; expected string".into())),
                };
                let check = if name == "SetPrerelease" {
                    validate_prerelease(&text)
                } else {
                    validate_metadata(&text)
                };
                if !text.is_empty()
                    && let Err(e) = check
                {
                    return Some(Err(e));
                }
                Ok(Value::Object(Rc::new(self.next(|n| {
                    if name == "SetPrerelease" {
                        n.pre = text;
                    } else {
                        n.metadata = text;
                    }
                }))))
            }
            _ => return None,
        })
    }

    fn has_method(&self, name: &str) -> bool {
        !self.lacks(name)
            && matches!(
                name,
                "Major"
                    | "Minor"
                    | "Patch"
                    | "Prerelease"
                    | "Metadata"
                    | "Original"
                    | "String"
                    | "IncPatch"
                    | "IncMinor"
                    | "IncMajor"
                    | "LessThan"
                    | "LessThanEqual"
                    | "GreaterThan"
                    | "GreaterThanEqual"
                    | "Equal"
                    | "Compare"
                    | "SetPrerelease"
                    | "SetMetadata"
            )
    }

    fn go_string(&self) -> String {
        self.string()
    }

    fn to_json(&self) -> Value {
        Value::string(self.string())
    }

    fn as_any(&self) -> Option<&dyn std::any::Any> {
        Some(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Strings over the characters that matter to the patterns, short enough to hit every case.
    fn samples() -> impl proptest::strategy::Strategy<Value = String> {
        proptest::prop_oneof![
            proptest::string::string_regex("[v0-9.xX*|a\\-+ \t>=<!~^,é]{0,14}").unwrap(),
            // Shaped like a constraint, so that most are one.
            proptest::string::string_regex(
                "[ \t]{0,2}(|=|!=|>|<|>=|=>|<=|=<|~|~>|\\^)[ ]{0,2}v?[0-9xX*]{1,2}(\\.[0-9xX*]{0,2}){0,3}(-[a0-9.-]{0,4})?(\\+[a0-9.-]{0,3})?[ \t]{0,2}"
            )
            .unwrap(),
        ]
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4000))]

        /// The hand matcher finds the groups Go's engine finds with Masterminds' pattern.
        #[test]
        fn version_matcher_is_the_pattern(s in samples()) {
            let re = super::super::regex::compile_full(&format!("^{LOOSE}$")).unwrap();
            let hand = match_version(&s, false).filter(|m| m.end == s.len());
            match re.captures(&s) {
                None => proptest::prop_assert!(hand.is_none(), "{s:?}"),
                Some(c) => {
                    let g = |i: usize| c.get(i).map_or("", |m| m.as_str());
                    let m = hand.unwrap();
                    proptest::prop_assert_eq!(
                        (m.major, m.minor, m.patch, m.pre, m.meta),
                        (g(1), g(2), g(3), g(4), g(7))
                    );
                }
            }
        }

        /// A constraint the hand matcher takes is one the constraint pattern takes, with the
        /// same groups, and one `find` gives whole.
        #[test]
        fn simple_constraints_are_the_pattern(s in samples()) {
            let Some((op, m)) = simple_constraint(&s) else {
                return Ok(());
            };
            let c = constraint().unwrap().captures(&s);
            proptest::prop_assert!(c.is_some(), "{s:?}");
            let c = c.unwrap();
            let g = |i: usize| c.get(i).map_or("", |m| m.as_str());
            proptest::prop_assert_eq!(
                (op, m.all, m.major, m.minor, m.patch, m.pre),
                (g(1), g(2), g(3), g(4), g(5), g(6))
            );
            proptest::prop_assert!(valid().unwrap().is_match(&s));
            let found: Vec<&str> = find().unwrap().find_iter(&s).map(|m| m.as_str()).collect();
            proptest::prop_assert_eq!(found.len(), 1);
            proptest::prop_assert_eq!(found[0].trim_start(), s.trim_matches([' ', '\t']));
        }
    }

    #[test]
    fn constraints_match_masterminds() {
        let cases = [
            (">=1.20-0", "1.21.3-gke.100", true),
            (">=1.20", "1.21.3-gke.100", false),
            ("^1.2", "1.9.0", true),
            ("~1.2.3", "1.2.9", true),
            ("1.2 - 1.4", "1.3.0", true),
            (">1.0 <2.0 || 3.x", "3.5.0", true),
            (">=1.0, <2", "2.0.0", false),
            ("*", "1.0.0-alpha", false),
            ("!=1.2.x", "1.2.5", false),
            ("<=1.2", "1.2.9", true),
            (">1.2", "1.2.9", false),
            ("  >= 1.2  ", "v1.3", true),
            ("^0.2.3", "0.2.9", true),
            ("^0.0.3", "0.0.4", false),
            (">=1.2.3-beta", "1.2.3-alpha", false),
        ];
        for (c, v, want) in cases {
            assert_eq!(compare(c, v), Ok(want), "{c} {v}");
        }
    }

    #[test]
    fn errors_match_masterminds() {
        assert_eq!(
            compare("bad", "1.0.0").unwrap_err(),
            "improper constraint: \"bad\""
        );
        assert_eq!(
            compare(">1", "bad").unwrap_err(),
            "invalid semantic version"
        );
        assert_eq!(
            compare(">=1.2.3 ||", "1.2.3").unwrap_err(),
            "improper constraint: \"\""
        );
        assert_eq!(
            compare(">= 1.99999999999999999999", "1.2.3").unwrap_err(),
            "constraint parser error"
        );
        assert_eq!(
            Version::parse("1.2.3-01").unwrap_err(),
            "version segment starts with 0"
        );
        assert_eq!(
            Version::parse("1.2.3+a..b").unwrap_err(),
            "invalid semantic version"
        );
        let v = Version::parse("v1.2-beta.1+m").unwrap();
        assert_eq!(v.string(), "1.2.0-beta.1+m");
        assert_eq!(v.original, "v1.2-beta.1+m");
    }
}
