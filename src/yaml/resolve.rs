//! Scalar resolution the way Kubernetes reads YAML: sigs.k8s.io/yaml on go-yaml v2, which follows
//! YAML 1.1 (`yes`/`on` are booleans, `0644` is octal). Mirrors go-yaml v2's `resolve.go`.

/// What a scalar resolves to; `Str` means "keep the text".
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Scalar {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str,
}

impl Scalar {
    /// The node value of a scalar whose text is `text`.
    pub(crate) fn into_value(self, text: &str) -> super::Value {
        use super::Value;
        match self {
            Scalar::Null => Value::Null,
            Scalar::Bool(b) => Value::Bool(b),
            Scalar::Int(i) => Value::Int(i),
            Scalar::Float(f) => Value::Float(f),
            Scalar::Str => Value::Str(super::CompactStr::new(text)),
        }
    }
}

/// Resolves an untagged plain scalar.
pub(crate) fn resolve_plain(s: &str) -> Scalar {
    let Some(&first) = s.as_bytes().first() else {
        return Scalar::Null;
    };
    match first {
        b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~' => {
            word(s).unwrap_or(Scalar::Str)
        }
        b'.' => word(s).unwrap_or_else(|| match s.parse::<f64>() {
            Ok(f) if f.is_finite() => Scalar::Float(f),
            _ => Scalar::Str,
        }),
        b'+' | b'-' | b'0'..=b'9' => word(s).unwrap_or_else(|| number(s)),
        _ => Scalar::Str,
    }
}

/// Resolves a scalar with an explicit core tag (`!!int`, ...), quoted or not, as go-yaml does.
/// Unknown and non-core tags keep the text.
pub(crate) fn resolve_tagged(suffix: &str, s: &str) -> Scalar {
    let resolved = || resolve_plain(s);
    match suffix {
        "null" => Scalar::Null,
        "bool" => match resolved() {
            b @ Scalar::Bool(_) => b,
            _ => Scalar::Str,
        },
        "int" => match resolved() {
            i @ Scalar::Int(_) => i,
            _ => Scalar::Str,
        },
        "float" => match resolved() {
            Scalar::Int(i) => Scalar::Float(i as f64),
            f @ Scalar::Float(_) => f,
            _ => Scalar::Str,
        },
        _ => Scalar::Str,
    }
}

fn word(s: &str) -> Option<Scalar> {
    Some(match s {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            Scalar::Bool(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            Scalar::Bool(false)
        }
        "~" | "null" | "Null" | "NULL" => Scalar::Null,
        ".nan" | ".NaN" | ".NAN" => Scalar::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => Scalar::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => Scalar::Float(f64::NEG_INFINITY),
        _ => return None,
    })
}

/// go-yaml v2 for text starting with a sign or digit: `strconv.ParseInt(s, 0, 64)` after removing
/// `_`, then `ParseUint`, then a YAML-style float.
fn number(s: &str) -> Scalar {
    let owned;
    let plain = if s.contains('_') {
        owned = s.replace('_', "");
        owned.as_str()
    } else {
        s
    };
    if let Some(i) = go_parse_int(plain) {
        return Scalar::Int(i);
    }
    if let Some(u) = go_parse_uint(plain) {
        // Above i64::MAX: Kubernetes keeps a uint64; the closest we hold is a float.
        return Scalar::Float(u as f64);
    }
    if yaml_style_float(plain) {
        // Go's ParseFloat reports overflow as an error, and the text then stays a string.
        if let Ok(f) = plain.parse::<f64>()
            && f.is_finite()
        {
            return Scalar::Float(f);
        }
    }
    Scalar::Str
}

/// `strconv.ParseInt(s, 0, 64)`.
pub(crate) fn go_parse_int(s: &str) -> Option<i64> {
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
fn go_parse_uint(s: &str) -> Option<u64> {
    let b = s.as_bytes();
    let (radix, digits) = match (b.first(), b.get(1)) {
        (Some(b'0'), Some(b'x' | b'X')) => (16, s.get(2..)?),
        (Some(b'0'), Some(b'o' | b'O')) => (8, s.get(2..)?),
        (Some(b'0'), Some(b'b' | b'B')) => (2, s.get(2..)?),
        (Some(b'0'), Some(_)) => (8, s.get(1..)?),
        _ => (10, s),
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    u64::from_str_radix(digits, radix).ok()
}

/// go-yaml's `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
fn yaml_style_float(s: &str) -> bool {
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

/// Why a plain scalar probably does not mean what its author meant.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Ambiguity {
    /// A YAML 1.1 boolean word other than true/false.
    Bool(bool),
    /// A 0-prefixed number read as octal, with the value Kubernetes sees.
    Octal(i64),
    /// A decimal whose text does not survive the round trip (`1.10` → 1.1).
    Float(f64),
}

/// Only for untagged plain scalars, given what [`resolve_plain`] made of them.
pub(crate) fn ambiguity(text: &str, resolved: Scalar) -> Option<Ambiguity> {
    match resolved {
        Scalar::Bool(b) => {
            let plain_word = matches!(text, "true" | "True" | "TRUE" | "false" | "False" | "FALSE");
            (!plain_word).then_some(Ambiguity::Bool(b))
        }
        Scalar::Int(i) => {
            let unsigned = text.trim_start_matches(['-', '+']);
            let b = unsigned.as_bytes();
            let octal = b.first() == Some(&b'0')
                && b.get(1).is_some_and(|c| c.is_ascii_digit() || *c == b'_');
            let decimal: Option<i64> = unsigned.replace('_', "").parse().ok();
            let decimal = if text.starts_with('-') {
                decimal.map(|d| -d)
            } else {
                decimal
            };
            (octal && decimal != Some(i)).then_some(Ambiguity::Octal(i))
        }
        Scalar::Float(f) if f.is_finite() => {
            let written = text.strip_prefix('+').unwrap_or(text);
            let exponent = written.contains(['e', 'E']);
            (!exponent && written != f.to_string()).then_some(Ambiguity::Float(f))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::Scalar::*;
    use super::*;

    #[test]
    fn yaml_1_1_words() {
        for t in [
            "y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "true", "True", "TRUE",
        ] {
            assert_eq!(resolve_plain(t), Bool(true), "{t}");
        }
        for t in [
            "n", "N", "no", "No", "NO", "off", "Off", "OFF", "false", "False", "FALSE",
        ] {
            assert_eq!(resolve_plain(t), Bool(false), "{t}");
        }
        for t in ["", "~", "null", "Null", "NULL"] {
            assert_eq!(resolve_plain(t), Null, "{t}");
        }
        for t in ["yES", "oN", "nULL", "tRUE", "no way", "<<", "Nope"] {
            assert_eq!(resolve_plain(t), Str, "{t}");
        }
    }

    #[test]
    fn numbers_like_go() {
        assert_eq!(resolve_plain("0644"), Int(420));
        assert_eq!(resolve_plain("0x1F"), Int(31));
        assert_eq!(resolve_plain("0b101"), Int(5));
        assert_eq!(resolve_plain("-0b101"), Int(-5));
        assert_eq!(resolve_plain("0o17"), Int(15));
        assert_eq!(resolve_plain("+5"), Int(5));
        assert_eq!(resolve_plain("-3"), Int(-3));
        assert_eq!(resolve_plain("1_000"), Int(1000));
        assert_eq!(resolve_plain("0"), Int(0));
        assert_eq!(resolve_plain("-9223372036854775808"), Int(i64::MIN));
        assert_eq!(resolve_plain("08"), Float(8.0));
        assert_eq!(resolve_plain("1.5"), Float(1.5));
        assert_eq!(resolve_plain("1e3"), Float(1000.0));
        assert_eq!(resolve_plain(".5"), Float(0.5));
        assert_eq!(resolve_plain("1."), Float(1.0));
        assert_eq!(resolve_plain(".inf"), Float(f64::INFINITY));
        assert_eq!(resolve_plain("-.Inf"), Float(f64::NEG_INFINITY));
        assert!(matches!(resolve_plain(".nan"), Float(f) if f.is_nan()));
        for t in [
            "1e400",
            "0x",
            "+",
            "-",
            "1.2.3",
            "2024-01-01",
            "1:20",
            "12Mi",
            "100m",
            "v1",
            ".",
            "1e",
            "0x1G",
        ] {
            assert_eq!(resolve_plain(t), Str, "{t}");
        }
    }

    #[test]
    fn tags() {
        assert_eq!(resolve_tagged("str", "12"), Str);
        assert_eq!(resolve_tagged("int", "0644"), Int(420));
        assert_eq!(resolve_tagged("float", "1"), Float(1.0));
        assert_eq!(resolve_tagged("bool", "yes"), Bool(true));
        assert_eq!(resolve_tagged("null", ""), Null);
        assert_eq!(resolve_tagged("int", "abc"), Str);
    }

    #[test]
    fn ambiguities() {
        let a = |t: &str| ambiguity(t, resolve_plain(t));
        assert_eq!(a("yes"), Some(Ambiguity::Bool(true)));
        assert_eq!(a("NO"), Some(Ambiguity::Bool(false)));
        assert_eq!(a("true"), None);
        assert_eq!(a("0644"), Some(Ambiguity::Octal(420)));
        assert_eq!(a("-010"), Some(Ambiguity::Octal(-8)));
        assert_eq!(a("07"), None);
        assert_eq!(a("0x1F"), None);
        assert_eq!(a("1.10"), Some(Ambiguity::Float(1.1)));
        assert_eq!(a("1.5"), None);
        assert_eq!(a("1e3"), None);
        assert_eq!(a("80"), None);
        assert_eq!(a("web"), None);
    }
}
