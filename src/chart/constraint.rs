//! Helm's `kubeVersion` constraints, with the semantics of Masterminds/semver v3 (which Helm
//! uses): `>=1.25.0-0 <1.38.0`, comma or space for AND, `||` for OR, `~1.2`, `^1.2`, `1.2.x`,
//! `1.2 - 1.4` ranges, a `v` prefix, `!=`. The `semver` crate rejects all of these.
//!
//! Prerelease rule (Masterminds): a prerelease version satisfies a comparator only when the
//! comparator's own version has a prerelease. That is why charts write `>=1.19.0-0`: GKE and EKS
//! report versions such as `1.29.3-gke.1200`.

use std::cmp::Ordering;

use semver::{Prerelease, Version};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    /// `=` or no operator; a wildcard version makes it a tilde range.
    Eq,
    Ne,
    Gt,
    Lt,
    Ge,
    Le,
    Tilde,
    Caret,
}

/// One comparator: an operator and a version whose missing or `x` parts are wildcards.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Comparator {
    op: Op,
    major: u64,
    minor: u64,
    patch: u64,
    pre: Prerelease,
    /// The minor part (and so the patch) was missing or a wildcard.
    minor_dirty: bool,
    /// The patch part was missing or a wildcard.
    patch_dirty: bool,
    /// Any part was missing or a wildcard (a bare `*` sets this without the others).
    dirty: bool,
}

/// A parsed constraint: OR of ANDs of comparators.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Constraint {
    any_of: Vec<Vec<Comparator>>,
}

impl Constraint {
    /// Parses a constraint; the error says which part could not be read.
    pub fn parse(text: &str) -> Result<Constraint, String> {
        let mut any_of = Vec::new();
        for group in text.split("||") {
            let tokens = rewrite_ranges(&tokenize(group)?)?;
            if tokens.is_empty() {
                return Err(format!(
                    "improper constraint: empty alternative in {text:?}"
                ));
            }
            let mut all = Vec::new();
            for token in tokens {
                all.push(parse_comparator(&token)?);
            }
            any_of.push(all);
        }
        Ok(Constraint { any_of })
    }

    /// Whether `v` satisfies the constraint (build metadata is ignored, as in SemVer).
    pub fn matches(&self, v: &Version) -> bool {
        self.any_of
            .iter()
            .any(|all| all.iter().all(|c| c.matches(v)))
    }
}

/// Splits an AND group into comparator texts: separators are commas and whitespace, but an
/// operator may be separated from its version by spaces (`>= 1.2`).
fn tokenize(group: &str) -> Result<Vec<String>, String> {
    let mut tokens: Vec<String> = Vec::new();
    let mut pending_op = String::new();
    for word in group
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|w| !w.is_empty())
    {
        let op_len = word
            .find(|c: char| !matches!(c, '=' | '!' | '>' | '<' | '~' | '^'))
            .unwrap_or(word.len());
        if op_len == word.len() && word != "-" {
            // An operator alone: it applies to the next word.
            if !pending_op.is_empty() {
                return Err(format!(
                    "improper constraint: operator {pending_op:?} without a version"
                ));
            }
            pending_op = word.to_string();
            continue;
        }
        if !pending_op.is_empty() {
            if op_len > 0 {
                return Err(format!("improper constraint: {pending_op}{word}"));
            }
            tokens.push(format!("{pending_op}{word}"));
            pending_op.clear();
        } else {
            tokens.push(word.to_string());
        }
    }
    if !pending_op.is_empty() {
        return Err(format!(
            "improper constraint: operator {pending_op:?} without a version"
        ));
    }
    Ok(tokens)
}

/// `A - B` (hyphen range) becomes `>=A <=B`.
fn rewrite_ranges(tokens: &[String]) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(token) = tokens.get(i) {
        if token == "-" {
            return Err(
                "improper constraint: a range needs a version on each side of ' - '".into(),
            );
        }
        if tokens.get(i + 1).map(String::as_str) == Some("-") {
            let Some(high) = tokens.get(i + 2) else {
                return Err(format!(
                    "improper constraint: range {token} - has no upper bound"
                ));
            };
            out.push(format!(">={token}"));
            out.push(format!("<={high}"));
            i += 3;
        } else {
            out.push(token.clone());
            i += 1;
        }
    }
    Ok(out)
}

fn parse_comparator(token: &str) -> Result<Comparator, String> {
    let improper = || format!("improper constraint: {token}");
    let op_len = token
        .find(|c: char| !matches!(c, '=' | '!' | '>' | '<' | '~' | '^'))
        .unwrap_or(token.len());
    let (op_text, rest) = token.split_at(op_len);
    let op = match op_text {
        "" | "=" => Op::Eq,
        "!=" => Op::Ne,
        ">" => Op::Gt,
        "<" => Op::Lt,
        ">=" | "=>" => Op::Ge,
        "<=" | "=<" => Op::Le,
        "~" | "~>" => Op::Tilde,
        "^" => Op::Caret,
        _ => {
            return Err(format!(
                "improper constraint: unknown operator {op_text:?} in {token}"
            ));
        }
    };
    let rest = rest.strip_prefix('v').unwrap_or(rest);
    let (core, _build) = rest.split_once('+').unwrap_or((rest, ""));
    let (core, pre_text) = core.split_once('-').unwrap_or((core, ""));
    let pre = if pre_text.is_empty() {
        if core.len() < rest.len() && rest.get(core.len()..core.len() + 1) == Some("-") {
            return Err(improper());
        }
        Prerelease::EMPTY
    } else {
        Prerelease::new(pre_text).map_err(|_| improper())?
    };
    let mut parts = core.split('.');
    let mut next_part = || -> Result<Option<u64>, String> {
        match parts.next() {
            None => Ok(None),
            Some("x" | "X" | "*") => Ok(None),
            Some(p) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => {
                p.parse().map(Some).map_err(|_| improper())
            }
            Some(_) => Err(improper()),
        }
    };
    let major = next_part()?;
    let minor = next_part()?;
    let patch = next_part()?;
    if parts.next().is_some() {
        return Err(improper());
    }
    // As Masterminds: the first wildcard or missing part zeroes everything after it.
    let (major, minor, patch, minor_dirty, patch_dirty, dirty) = match (major, minor, patch) {
        (None, _, _) => (0, 0, 0, false, false, true),
        (Some(ma), None, _) => (ma, 0, 0, true, false, true),
        (Some(ma), Some(mi), None) => (ma, mi, 0, false, true, true),
        (Some(ma), Some(mi), Some(pa)) => (ma, mi, pa, false, false, false),
    };
    Ok(Comparator {
        op,
        major,
        minor,
        patch,
        pre,
        minor_dirty,
        patch_dirty,
        dirty,
    })
}

impl Comparator {
    fn version(&self) -> Version {
        Version {
            major: self.major,
            minor: self.minor,
            patch: self.patch,
            pre: self.pre.clone(),
            build: semver::BuildMetadata::EMPTY,
        }
    }

    fn matches(&self, v: &Version) -> bool {
        if !v.pre.is_empty() && self.pre.is_empty() {
            return false;
        }
        let cmp = compare(v, &self.version());
        match self.op {
            Op::Eq if self.dirty => self.tilde(v, cmp),
            Op::Eq => cmp == Ordering::Equal,
            Op::Ne => self.not_equal(v, cmp),
            Op::Gt => self.greater(v, cmp),
            Op::Lt => cmp == Ordering::Less,
            Op::Ge => cmp != Ordering::Less,
            Op::Le => self.less_equal(v, cmp),
            Op::Tilde => self.tilde(v, cmp),
            Op::Caret => self.caret(v, cmp),
        }
    }

    fn not_equal(&self, v: &Version, cmp: Ordering) -> bool {
        if !self.dirty {
            return cmp != Ordering::Equal;
        }
        if v.major != self.major {
            return true;
        }
        if self.minor_dirty {
            return false;
        }
        if v.minor != self.minor {
            return true;
        }
        if self.patch_dirty {
            return (!v.pre.is_empty() || !self.pre.is_empty()) && v.pre != self.pre;
        }
        cmp != Ordering::Equal
    }

    fn greater(&self, v: &Version, cmp: Ordering) -> bool {
        if !self.dirty {
            return cmp == Ordering::Greater;
        }
        match v.major.cmp(&self.major) {
            Ordering::Greater => true,
            Ordering::Less => false,
            Ordering::Equal if self.minor_dirty => false,
            Ordering::Equal if self.patch_dirty => v.minor > self.minor,
            Ordering::Equal => cmp == Ordering::Greater,
        }
    }

    fn less_equal(&self, v: &Version, cmp: Ordering) -> bool {
        if !self.dirty {
            return cmp != Ordering::Greater;
        }
        if v.major > self.major {
            return false;
        }
        !(v.major == self.major && v.minor > self.minor && !self.minor_dirty)
    }

    fn tilde(&self, v: &Version, cmp: Ordering) -> bool {
        if cmp == Ordering::Less {
            return false;
        }
        if self.major == 0
            && self.minor == 0
            && self.patch == 0
            && !self.minor_dirty
            && !self.patch_dirty
        {
            return true;
        }
        if v.major != self.major {
            return false;
        }
        self.minor_dirty || v.minor == self.minor
    }

    fn caret(&self, v: &Version, cmp: Ordering) -> bool {
        if cmp == Ordering::Less {
            return false;
        }
        if self.major > 0 || self.minor_dirty {
            return v.major == self.major;
        }
        if v.major > 0 {
            return false;
        }
        if self.minor > 0 || self.patch_dirty {
            return v.minor == self.minor;
        }
        if v.minor > 0 {
            return false;
        }
        v.patch == self.patch
    }
}

/// SemVer precedence: build metadata does not count (the `semver` crate's `Ord` orders it).
fn compare(a: &Version, b: &Version) -> Ordering {
    (a.major, a.minor, a.patch)
        .cmp(&(b.major, b.minor, b.patch))
        .then_with(|| a.pre.cmp(&b.pre))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(constraint: &str, version: &str) -> bool {
        let c = Constraint::parse(constraint).unwrap_or_else(|e| panic!("{constraint}: {e}"));
        let v = Version::parse(version).unwrap();
        c.matches(&v)
    }

    /// Cases from Masterminds/semver's documentation and tests.
    #[test]
    fn masterminds_documented_behaviour() {
        let table: &[(&str, &str, bool)] = &[
            ("=1.2.3", "1.2.3", true),
            ("1.2.3", "1.2.4", false),
            ("!=4.1", "4.1.0", false),
            ("!=4.1", "5.1.0", true),
            ("!=4.x", "4.1.0", false),
            ("!=4.1.x", "4.2.0", true),
            (">1.1", "4.1.0", true),
            (">1.1", "1.1.0", false),
            (">1.1", "1.2.0", true),
            (">11", "11.1.0", false),
            (">11", "12.0.0", true),
            (">0", "0.1.0", false),
            (">=1.1", "1.1.0", true),
            ("<1.1", "1.1.0", false),
            ("<1.1", "1.0.9", true),
            ("<=1.1", "1.1.1", true),
            ("<=1.1", "1.2.0", false),
            ("<=1.x", "1.99.0", true),
            ("<=1.x", "2.0.0", false),
            ("1.2.x", "1.2.7", true),
            ("1.2.x", "1.3.0", false),
            ("*", "3.4.5", true),
            ("1.x", "1.9.0", true),
            ("1.x", "2.0.0", false),
            ("~1.2.3", "1.2.9", true),
            ("~1.2.3", "1.3.0", false),
            ("~1.2", "1.2.0", true),
            ("~1", "1.9.9", true),
            ("~1", "2.0.0", false),
            ("~>2.0", "2.0.5", true),
            ("~0.0.0", "5.0.0", true),
            ("^1.2.3", "1.9.0", true),
            ("^1.2.3", "2.0.0", false),
            ("^1.2.3", "1.2.2", false),
            ("^0.2.3", "0.2.9", true),
            ("^0.2.3", "0.3.0", false),
            ("^0.0.3", "0.0.3", true),
            ("^0.0.3", "0.0.4", false),
            ("^0", "0.9.0", true),
            ("^0", "1.0.0", false),
            ("^0.0", "0.0.9", true),
            ("^0.0", "0.1.0", false),
            (">=1.2.3, <2", "1.9.9", true),
            (">= 1.2, < 3.0.0 || >= 4.2.3", "3.1.0", false),
            (">= 1.2, < 3.0.0 || >= 4.2.3", "4.3.0", true),
            (">= 1.13.0 < 1.15.0", "1.14.1", true),
            (">= 1.13.0 < 1.15.0", "1.15.0", false),
            ("1.2 - 1.4.5", "1.4.5", true),
            ("1.2 - 1.4.5", "1.4.6", false),
            ("1.2 - 1.4.5", "1.2.0", true),
            ("2.3.4 - 4.5", "4.5.9", true),
            ("v1.2.3", "1.2.3", true),
            (">=v1.25.0", "1.30.0", true),
            // Build metadata does not count.
            ("=1.2.3+build", "1.2.3", true),
        ];
        for (c, v, want) in table {
            assert_eq!(check(c, v), *want, "{c} vs {v}");
        }
    }

    #[test]
    fn prereleases_need_a_prerelease_comparator() {
        assert!(!check(">=1.19.0", "1.29.3-gke.1200"));
        assert!(check(">=1.19.0-0", "1.29.3-gke.1200"));
        assert!(!check(">=1.25.0-0 <1.38.0", "1.29.3-gke.1200"));
        assert!(check(">=1.25.0-0 <1.38.0-0", "1.29.3-gke.1200"));
        assert!(check(">=1.25.0-0 <1.38.0", "1.37.0"));
        assert!(!check(">=1.25.0-0 <1.38.0", "1.38.0"));
        assert!(check(">=1.2.3-beta.1", "1.2.3-beta.2"));
        assert!(!check(">=1.2.3-beta.2", "1.2.3-beta.1"));
    }

    #[test]
    fn improper_constraints_are_errors() {
        for bad in [
            "",
            ">=",
            "1.2.3.4",
            ">=a.b",
            "1.2 -",
            "||",
            ">= <1.2",
            "~~1.2",
            "1.2.3-",
            ">=1.2.3-bad..pre",
        ] {
            assert!(
                Constraint::parse(bad).is_err(),
                "{bad:?} should be rejected"
            );
        }
    }
}
