//! spf13/cast v1.7.0's number conversions as Sprig calls them (`cast.ToInt64`, `cast.ToInt`,
//! `cast.ToFloat64`): every failure is 0, strings parse with Go's `strconv` rules
//! (`ParseInt(s, 0, 0)`: `"0x1f"` is 31, `"010"` is 8, `"08"` fails; `"5.00"` has its zero
//! decimals trimmed first), floats truncate toward zero.

use crate::value::Value;

/// `cast.ToInt64`.
pub fn to_int64(v: &Value) -> i64 {
    match v {
        Value::Int(i) | Value::Int64(i) => *i,
        // Go's int64(uint64) keeps the bits.
        Value::Uint(u) => *u as i64,
        Value::Uint8(u) => i64::from(*u),
        Value::Float(f) => float_to_int(*f),
        Value::Str(s) => parse_int_base0(trim_zero_decimal(s)).unwrap_or(0),
        Value::Bool(b) => i64::from(*b),
        _ => 0,
    }
}

/// `cast.ToInt` (Go's int is 64 bits wide).
pub fn to_int(v: &Value) -> i64 {
    to_int64(v)
}

/// `cast.ToFloat64`.
pub fn to_float64(v: &Value) -> f64 {
    match v {
        Value::Int(i) | Value::Int64(i) => *i as f64,
        Value::Uint(u) => *u as f64,
        Value::Uint8(u) => f64::from(*u),
        Value::Float(f) => *f,
        Value::Str(s) => parse_float(s).unwrap_or(0.0),
        Value::Bool(b) => f64::from(u8::from(*b)),
        _ => 0.0,
    }
}

/// Go's `int64(f)` on amd64: truncation toward zero; NaN and out-of-range values give the
/// "integer indefinite" value, the smallest int64.
pub fn float_to_int(f: f64) -> i64 {
    // 2^63 as a float; anything at or beyond it (either sign) does not fit.
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    if f.is_nan() || !(-LIMIT..LIMIT).contains(&f) {
        i64::MIN
    } else {
        f as i64
    }
}

/// cast's `trimZeroDecimal`: `"5.00"` → `"5"`, `"5.10"` and `"5."` unchanged.
fn trim_zero_decimal(s: &str) -> &str {
    let bytes = s.as_bytes();
    let mut found_zero = false;
    for i in (1..=bytes.len()).rev() {
        match bytes.get(i - 1) {
            Some(b'.') => {
                if found_zero {
                    return s.get(..i - 1).unwrap_or(s);
                }
            }
            Some(b'0') => found_zero = true,
            _ => return s,
        }
    }
    s
}

/// `strconv.ParseInt(s, 0, 64)`: sign, base prefix (`0x`, `0o`, `0b`, or a leading `0` for
/// octal), underscores between digits; `None` on any syntax or range error.
pub fn parse_int_base0(s: &str) -> Option<i64> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'+') => (false, s.get(1..)?),
        Some(b'-') => (true, s.get(1..)?),
        Some(_) => (false, s),
        None => return None,
    };
    let magnitude = parse_uint_base0(body)?;
    let cutoff = 1u64 << 63;
    if neg {
        if magnitude > cutoff {
            return None;
        }
        Some((magnitude as i64).wrapping_neg())
    } else if magnitude >= cutoff {
        None
    } else {
        Some(magnitude as i64)
    }
}

/// `strconv.ParseUint(s, 0, 64)` without a sign.
fn parse_uint_base0(s0: &str) -> Option<u64> {
    if s0.is_empty() {
        return None;
    }
    let bytes = s0.as_bytes();
    let (base, digits): (u64, &[u8]) = if bytes.first() == Some(&b'0') {
        let prefix = bytes.get(1).map(u8::to_ascii_lowercase);
        match prefix {
            Some(b'b') if bytes.len() >= 3 => (2, bytes.get(2..)?),
            Some(b'o') if bytes.len() >= 3 => (8, bytes.get(2..)?),
            Some(b'x') if bytes.len() >= 3 => (16, bytes.get(2..)?),
            _ => (8, bytes.get(1..)?),
        }
    } else {
        (10, bytes)
    };
    let mut underscores = false;
    let mut n: u64 = 0;
    for &c in digits {
        let d = match c {
            b'_' => {
                underscores = true;
                continue;
            }
            b'0'..=b'9' => u64::from(c - b'0'),
            b'a'..=b'z' => u64::from(c - b'a') + 10,
            b'A'..=b'Z' => u64::from(c - b'A') + 10,
            _ => return None,
        };
        if d >= base {
            return None;
        }
        n = n.checked_mul(base)?.checked_add(d)?;
    }
    if underscores && !underscore_ok(s0) {
        return None;
    }
    Some(n)
}

/// strconv's `underscoreOK`: underscores only between digits (a base prefix counts as one).
fn underscore_ok(s: &str) -> bool {
    let mut b = s.as_bytes();
    if let Some(b'+' | b'-') = b.first() {
        b = b.get(1..).unwrap_or_default();
    }
    let mut saw = b'^';
    let mut i = 0;
    let mut hex = false;
    if b.len() >= 2
        && b.first() == Some(&b'0')
        && matches!(
            b.get(1).map(u8::to_ascii_lowercase),
            Some(b'b' | b'o' | b'x')
        )
    {
        i = 2;
        saw = b'0';
        hex = b.get(1).map(u8::to_ascii_lowercase) == Some(b'x');
    }
    for &c in b.get(i..).unwrap_or_default() {
        let lower = c.to_ascii_lowercase();
        if c.is_ascii_digit() || hex && (b'a'..=b'f').contains(&lower) {
            saw = b'0';
            continue;
        }
        if c == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
            continue;
        }
        if saw == b'_' {
            return false;
        }
        saw = b'!';
    }
    saw != b'_'
}

/// `strconv.ParseFloat(s, 64)`; `None` on a syntax error or overflow (Go returns ±Inf with
/// ErrRange there, which cast turns into 0).
pub fn parse_float(s: &str) -> Option<f64> {
    if let Some(special) = parse_special(s) {
        return Some(special);
    }
    let cleaned;
    let mut text = s;
    if s.contains('_') {
        if !underscore_ok(s) {
            return None;
        }
        cleaned = s.replace('_', "");
        text = &cleaned;
    }
    let (neg, body) = match text.as_bytes().first() {
        Some(b'+') => (false, text.get(1..)?),
        Some(b'-') => (true, text.get(1..)?),
        _ => (false, text),
    };
    let lower = body.to_ascii_lowercase();
    let magnitude = if let Some(hex) = lower.strip_prefix("0x") {
        parse_hex_float(hex)?
    } else {
        // Rust accepts what Go's decimal syntax accepts, plus words Go reads only in
        // `parse_special`; refuse those here.
        if !body
            .bytes()
            .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-'))
        {
            return None;
        }
        body.parse::<f64>().ok()?
    };
    if magnitude.is_infinite() {
        return None;
    }
    Some(if neg { -magnitude } else { magnitude })
}

/// Go's `special`: `inf`, `infinity` (signed or not), `nan` (unsigned), any case.
fn parse_special(s: &str) -> Option<f64> {
    let lower = s.to_ascii_lowercase();
    let (neg, word) = match lower.as_bytes().first() {
        Some(b'+') => (false, lower.get(1..)?),
        Some(b'-') => (true, lower.get(1..)?),
        _ => (false, lower.as_str()),
    };
    match word {
        "inf" | "infinity" => Some(if neg {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        }),
        "nan" if word.len() == lower.len() => Some(f64::NAN),
        _ => None,
    }
}

/// A hexadecimal float after its `0x`: hex digits with an optional point, then a mandatory
/// binary exponent `p±n`.
fn parse_hex_float(s: &str) -> Option<f64> {
    let (mantissa, exp) = s.split_once('p')?;
    let exp: i32 = exp.parse().ok()?;
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if int_part.is_empty() && frac_part.is_empty() {
        return None;
    }
    let mut value = 0f64;
    for c in int_part.chars() {
        value = value * 16.0 + f64::from(c.to_digit(16)?);
    }
    let mut scale = 1.0 / 16.0;
    for c in frac_part.chars() {
        value += f64::from(c.to_digit(16)?) * scale;
        scale /= 16.0;
    }
    Some(value * 2f64.powi(exp))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn int_of(s: &str) -> i64 {
        to_int64(&Value::str(s))
    }

    #[test]
    fn strings_parse_as_go_parse_int_base_0() {
        assert_eq!(int_of("08"), 0);
        assert_eq!(int_of("0x1f"), 31);
        assert_eq!(int_of("010"), 8);
        assert_eq!(int_of("0o10"), 8);
        assert_eq!(int_of("0b101"), 5);
        assert_eq!(int_of("-0x10"), -16);
        assert_eq!(int_of("1_000"), 1000);
        assert_eq!(int_of("1__000"), 0);
        assert_eq!(int_of(" 5"), 0);
        assert_eq!(int_of("5.0"), 5);
        assert_eq!(int_of("5.00"), 5);
        assert_eq!(int_of("5.5"), 0);
        assert_eq!(int_of("5."), 0);
        assert_eq!(int_of("1e3"), 0);
        assert_eq!(int_of("abc"), 0);
        assert_eq!(int_of(""), 0);
        assert_eq!(int_of("0x"), 0);
        assert_eq!(int_of("9223372036854775807"), i64::MAX);
        assert_eq!(int_of("9223372036854775808"), 0);
        assert_eq!(int_of("-9223372036854775808"), i64::MIN);
    }

    #[test]
    fn floats_truncate_and_overflow_to_the_smallest_int() {
        assert_eq!(to_int64(&Value::Float(3.9)), 3);
        assert_eq!(to_int64(&Value::Float(-3.9)), -3);
        assert_eq!(to_int64(&Value::Float(1e300)), i64::MIN);
        assert_eq!(to_int64(&Value::Float(f64::NAN)), i64::MIN);
        assert_eq!(to_int64(&Value::Bool(true)), 1);
        assert_eq!(to_int64(&Value::Nil), 0);
        assert_eq!(to_int64(&Value::list(vec![])), 0);
    }

    #[test]
    fn float_strings_parse_as_go_parse_float() {
        let f = |s: &str| to_float64(&Value::str(s));
        assert_eq!(f("1_0"), 10.0);
        assert_eq!(f("0x1p4"), 16.0);
        assert_eq!(f("1e400"), 0.0);
        assert_eq!(f("inf"), f64::INFINITY);
        assert_eq!(f("-Infinity"), f64::NEG_INFINITY);
        assert!(f("nan").is_nan());
        assert_eq!(f("+nan"), 0.0);
        assert_eq!(f("+.5"), 0.5);
        assert_eq!(f("5."), 5.0);
        assert_eq!(f("1e-400"), 0.0);
        assert_eq!(f("abc"), 0.0);
        assert_eq!(f("infx"), 0.0);
    }
}
