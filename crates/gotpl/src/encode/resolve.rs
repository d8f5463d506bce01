//! go-yaml v2's implicit scalar resolution (`resolve.go`), YAML 1.1 style: `yes`/`on`/`y` are
//! booleans, `0755` is octal, `~` is null, `2001-12-14` a timestamp. The encoder quotes a string
//! whenever it would read back as anything but a string; the decoder turns plain scalars into
//! values with it. (kforge's own YAML loader, `src/yaml/resolve.rs` in the main crate, follows the
//! same rules; the crates cannot share code.)

/// What a plain scalar resolves to.
#[derive(Clone, Debug, PartialEq)]
pub enum Resolved {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
    /// A YAML 1.1 timestamp (go-yaml still hands it over as its text when decoding into
    /// `interface{}`, but quotes such strings when encoding).
    Timestamp,
    Str,
}

pub fn resolve(s: &str) -> Resolved {
    let Some(&first) = s.as_bytes().first() else {
        return Resolved::Null;
    };
    match first {
        b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~' => {
            word(s).unwrap_or(Resolved::Str)
        }
        b'.' => word(s).unwrap_or_else(|| match go_parse_float(s) {
            Some(f) => Resolved::Float(f),
            None => Resolved::Str,
        }),
        b'+' | b'-' | b'0'..=b'9' => word(s).unwrap_or_else(|| number(s)),
        _ => Resolved::Str,
    }
}

fn word(s: &str) -> Option<Resolved> {
    Some(match s {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            Resolved::Bool(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            Resolved::Bool(false)
        }
        "~" | "null" | "Null" | "NULL" => Resolved::Null,
        ".nan" | ".NaN" | ".NAN" => Resolved::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => Resolved::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => Resolved::Float(f64::NEG_INFINITY),
        _ => return None,
    })
}

fn number(s: &str) -> Resolved {
    if super::timestamp::is_timestamp(s) {
        return Resolved::Timestamp;
    }
    let plain = s.replace('_', "");
    if let Some(i) = go_parse_int(&plain) {
        return Resolved::Int(i);
    }
    if let Some(u) = go_parse_uint(&plain) {
        return Resolved::Uint(u);
    }
    if yaml_style_float(&plain)
        && let Some(f) = go_parse_float(&plain)
    {
        return Resolved::Float(f);
    }
    if let Some(bin) = plain.strip_prefix("0b") {
        if let Some(i) = i64::from_str_radix(bin, 2)
            .ok()
            .filter(|_| plain_digits(bin, 2))
        {
            return Resolved::Int(i);
        }
        if let Some(u) = u64::from_str_radix(bin, 2)
            .ok()
            .filter(|_| plain_digits(bin, 2))
        {
            return Resolved::Uint(u);
        }
    } else if let Some(bin) = plain.strip_prefix("-0b")
        && plain_digits(bin, 2)
        && let Ok(i) = i64::from_str_radix(&format!("-{bin}"), 2)
    {
        return Resolved::Int(i);
    }
    Resolved::Str
}

fn plain_digits(s: &str, radix: u32) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_digit(radix))
}

/// `strconv.ParseInt(s, 0, 64)` (underscores already removed).
pub fn go_parse_int(s: &str) -> Option<i64> {
    let (negative, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, s.get(1..)?),
        Some(b'+') => (false, s.get(1..)?),
        _ => (false, s),
    };
    let u = go_parse_uint(digits)?;
    if negative {
        if u <= i64::MAX as u64 {
            Some(-(u as i64))
        } else if u == i64::MAX as u64 + 1 {
            Some(i64::MIN)
        } else {
            None
        }
    } else {
        i64::try_from(u).ok()
    }
}

/// `strconv.ParseUint(s, 0, 64)`: `0x`, `0o`, `0b` prefixes, a leading `0` means octal.
pub fn go_parse_uint(s: &str) -> Option<u64> {
    let b = s.as_bytes();
    let (radix, digits) = match (b.first(), b.get(1)) {
        (Some(b'0'), Some(b'x' | b'X')) => (16, s.get(2..)?),
        (Some(b'0'), Some(b'o' | b'O')) => (8, s.get(2..)?),
        (Some(b'0'), Some(b'b' | b'B')) => (2, s.get(2..)?),
        (Some(b'0'), Some(_)) => (8, s.get(1..)?),
        _ => (10, s),
    };
    if !plain_digits(digits, radix) {
        return None;
    }
    u64::from_str_radix(digits, radix).ok()
}

/// `strconv.ParseFloat(s, 64)` for the decimal forms YAML hands it: an overflow is an error in Go
/// (`1e400` stays a string), `inf`/`nan` words and hex floats are not YAML floats here.
pub fn go_parse_float(s: &str) -> Option<f64> {
    let body = s.trim_start_matches(['+', '-']);
    if body.is_empty()
        || !body
            .bytes()
            .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-' | b'_'))
    {
        return None;
    }
    let f: f64 = s.parse().ok()?;
    f.is_finite().then_some(f)
}

/// go-yaml's `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
pub fn yaml_style_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'-' | b'+')));
    let digits = |i: &mut usize| {
        let start = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - start
    };
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// go-yaml's `isBase60Float`: `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`. Such strings
/// are quoted on output for YAML 1.1 readers, though go-yaml itself reads them as strings.
pub fn is_base60_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'-' | b'+')));
    if !b.get(i).is_some_and(u8::is_ascii_digit) {
        return false;
    }
    i += 1;
    while b.get(i).is_some_and(|c| c.is_ascii_digit() || *c == b'_') {
        i += 1;
    }
    let mut groups = 0;
    while b.get(i) == Some(&b':') {
        i += 1;
        // `[0-5]?[0-9]`: one digit, or two with the first 0-5.
        match (b.get(i), b.get(i + 1)) {
            (Some(c0), Some(c1)) if (b'0'..=b'5').contains(c0) && c1.is_ascii_digit() => i += 2,
            (Some(c0), _) if c0.is_ascii_digit() => i += 1,
            _ => return false,
        }
        groups += 1;
    }
    if groups == 0 {
        return false;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        while b.get(i).is_some_and(|c| c.is_ascii_digit() || *c == b'_') {
            i += 1;
        }
    }
    i == b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_1_1_words_and_numbers() {
        assert_eq!(resolve("yes"), Resolved::Bool(true));
        assert_eq!(resolve("Off"), Resolved::Bool(false));
        assert_eq!(resolve("~"), Resolved::Null);
        assert_eq!(resolve(""), Resolved::Null);
        assert_eq!(resolve("0755"), Resolved::Int(493));
        assert_eq!(resolve("0x1F"), Resolved::Int(31));
        assert_eq!(resolve("1_000"), Resolved::Int(1000));
        assert_eq!(resolve("0b101"), Resolved::Int(5));
        assert_eq!(resolve("18446744073709551615"), Resolved::Uint(u64::MAX));
        assert_eq!(resolve("1e3"), Resolved::Float(1000.0));
        assert_eq!(resolve(".5"), Resolved::Float(0.5));
        assert_eq!(resolve("1e400"), Resolved::Str);
        assert_eq!(resolve("0999"), Resolved::Float(999.0));
        assert_eq!(resolve("1.2.3"), Resolved::Str);
        // go-yaml's resolve table has no entry for '<': `<<` is a merge key only as a key.
        assert_eq!(resolve("<<"), Resolved::Str);
        assert_eq!(resolve("2001-12-14"), Resolved::Timestamp);
    }

    #[test]
    fn base60() {
        assert!(is_base60_float("1:20"));
        assert!(is_base60_float("190:20:30.15"));
        assert!(!is_base60_float("1:60"));
        assert!(!is_base60_float("a:1"));
        assert!(!is_base60_float("12"));
    }
}
