//! The parts of Go's `strconv` the parser needs, ported so literals and error messages match Go
//! (`Quote` is [`crate::fmt::quote`]): `Unquote`/`UnquoteChar` (string and char constants), and
//! `ParseInt`/`ParseUint`/`ParseFloat` with base 0 (number constants: `0x`, `0o`, `0b`, leading-0
//! octal, `_` separators, hex floats).

/// Go's `strconv.IsPrint`, from the fmt module's table: `Quote` leaves exactly the printable
/// runes as they are.
fn is_print(r: char) -> bool {
    r.is_ascii() && (' '..='~').contains(&r)
        || !r.is_ascii() && crate::fmt::quote(r.encode_utf8(&mut [0; 4])).len() == r.len_utf8() + 2
}

/// `fmt`'s `%.Nq`: the first `n` runes of `s`, quoted.
pub fn quote_prefix(s: &str, n: usize) -> String {
    let end = s.char_indices().nth(n).map_or(s.len(), |(i, _)| i);
    crate::fmt::quote(s.get(..end).unwrap_or(s))
}

/// `fmt`'s `%#U`: `U+0041 'A'` (the character only when printable).
pub fn format_unicode(r: char) -> String {
    if is_print(r) {
        format!("U+{:04X} '{r}'", r as u32)
    } else {
        format!("U+{:04X}", r as u32)
    }
}

/// Go's `strconv.UnquoteChar`: decodes the first character or escape of `s`, which is inside a
/// literal quoted with `quote`. Returns the value, whether it is a full rune (not a byte from a
/// `\x` or octal escape), and the rest of `s`.
pub fn unquote_char(s: &str, quote: u8) -> Option<(u32, bool, &str)> {
    let bytes = s.as_bytes();
    let &c = bytes.first()?;
    if c == quote && (quote == b'\'' || quote == b'"') {
        return None;
    }
    if c >= 0x80 {
        let r = s.chars().next()?;
        return Some((r as u32, true, s.get(r.len_utf8()..)?));
    }
    if c != b'\\' {
        return Some((u32::from(c), false, s.get(1..)?));
    }
    let &e = bytes.get(1)?;
    let rest = s.get(2..)?;
    let simple = |v: u8| Some((u32::from(v), false, rest));
    match e {
        b'a' => simple(7),
        b'b' => simple(8),
        b'f' => simple(12),
        b'n' => simple(b'\n'),
        b'r' => simple(b'\r'),
        b't' => simple(b'\t'),
        b'v' => simple(11),
        b'x' | b'u' | b'U' => {
            let n = match e {
                b'x' => 2,
                b'u' => 4,
                _ => 8,
            };
            let digits = rest.get(..n)?;
            let mut v: u32 = 0;
            for d in digits.bytes() {
                v = (v << 4) | char::from(d).to_digit(16)?;
            }
            let tail = rest.get(n..)?;
            if e == b'x' {
                return Some((v, false, tail));
            }
            char::from_u32(v)?;
            Some((v, true, tail))
        }
        b'0'..=b'7' => {
            let mut v = u32::from(e - b'0');
            let digits = rest.get(..2)?;
            for d in digits.bytes() {
                let x = char::from(d).to_digit(8)?;
                v = (v << 3) | x;
            }
            if v > 255 {
                return None;
            }
            Some((v, false, rest.get(2..)?))
        }
        b'\\' => simple(b'\\'),
        b'\'' | b'"' => {
            if e != quote {
                return None;
            }
            simple(e)
        }
        _ => None,
    }
}

/// Go's `strconv.Unquote` for `"…"`, `` `…` `` and `'…'` literals. `None` is Go's
/// "invalid syntax". Go strings may hold any bytes (`"\xff"`); Rust strings cannot, so bytes
/// that are not UTF-8 become U+FFFD here.
/// [`unquote`] into a parse tree's [`Name`](crate::ast::Name): a string with nothing to
/// unescape is its text between the quotes, taken without building a `String` first.
pub fn unquote_name(s: &str) -> Option<crate::ast::Name> {
    let inner = s.get(1..s.len().checked_sub(1)?);
    let plain = match s.as_bytes().first() {
        Some(b'"') => inner.filter(|i| !i.bytes().any(|b| matches!(b, b'\n' | b'\\' | b'"'))),
        Some(b'`') => inner.filter(|i| !i.bytes().any(|b| matches!(b, b'\r' | b'`'))),
        _ => None,
    };
    match plain {
        Some(text) if s.len() >= 2 && s.as_bytes().last() == s.as_bytes().first() => {
            Some(super::name(text))
        }
        _ => unquote(s).map(crate::ast::Name::from),
    }
}

pub fn unquote(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let n = bytes.len();
    if n < 2 {
        return None;
    }
    let q = *bytes.first()?;
    if Some(&q) != bytes.last() {
        return None;
    }
    let mut inner = s.get(1..n - 1)?;
    match q {
        b'`' => {
            if inner.contains('`') {
                return None;
            }
            Some(inner.replace('\r', ""))
        }
        b'"' | b'\'' => {
            // One pass for the common case, a string with no escape, quote or newline.
            let special = inner.bytes().any(|b| b == b'\n' || b == b'\\' || b == b'"');
            if q == b'"' && !special {
                return Some(inner.to_owned());
            }
            if special && inner.contains('\n') {
                return None;
            }
            let mut buf: Vec<u8> = Vec::with_capacity(inner.len());
            let mut count = 0;
            while !inner.is_empty() {
                let (r, multibyte, rest) = unquote_char(inner, q)?;
                inner = rest;
                count += 1;
                match char::from_u32(r) {
                    Some(ch) if multibyte && r >= 0x80 => {
                        let mut tmp = [0u8; 4];
                        buf.extend_from_slice(ch.encode_utf8(&mut tmp).as_bytes());
                    }
                    // A byte: ASCII, or a `\x`/octal escape (which Go keeps as a raw byte).
                    _ => buf.push(u8::try_from(r).unwrap_or(0xff)),
                }
                if q == b'\'' && !inner.is_empty() {
                    return None;
                }
            }
            if q == b'\'' && count != 1 {
                return None;
            }
            Some(match String::from_utf8(buf) {
                Ok(s) => s,
                Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
            })
        }
        _ => None,
    }
}

/// Go's `underscoreOK`: `_` only between digits, or between a base prefix and a digit.
fn underscore_ok(s: &str) -> bool {
    let mut s = s.as_bytes();
    if let Some((b'+' | b'-', rest)) = s.split_first() {
        s = rest;
    }
    let mut saw = b'^';
    let mut i = 0;
    let mut hex = false;
    if s.len() >= 2 && s.first() == Some(&b'0') {
        let p = s.get(1).map_or(0, u8::to_ascii_lowercase);
        if matches!(p, b'b' | b'o' | b'x') {
            i = 2;
            saw = b'0';
            hex = p == b'x';
        }
    }
    for &c in s.iter().skip(i) {
        let l = c.to_ascii_lowercase();
        if c.is_ascii_digit() || hex && (b'a'..=b'f').contains(&l) {
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

/// Go's `strconv.ParseUint(s, 0, 64)`; `None` for a syntax or range error.
pub fn parse_uint(s0: &str) -> Option<u64> {
    let mut s = s0.as_bytes();
    if s.is_empty() {
        return None;
    }
    let mut base: u64 = 10;
    if s.first() == Some(&b'0') {
        let p = s.get(1).map_or(0, u8::to_ascii_lowercase);
        if s.len() >= 3 && matches!(p, b'b' | b'o' | b'x') {
            base = match p {
                b'b' => 2,
                b'o' => 8,
                _ => 16,
            };
            s = s.get(2..)?;
        } else {
            base = 8;
            s = s.get(1..)?;
        }
    }
    let mut n: u64 = 0;
    let mut underscores = false;
    for &c in s {
        if c == b'_' {
            underscores = true;
            continue;
        }
        let d = u64::from(char::from(c).to_digit(36)?);
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

/// Go's `strconv.ParseInt(s, 0, 64)`.
pub fn parse_int(s: &str) -> Option<i64> {
    let (neg, digits) = match s.as_bytes().first() {
        Some(b'+') => (false, s.get(1..)?),
        Some(b'-') => (true, s.get(1..)?),
        _ => (false, s),
    };
    let u = parse_uint(digits)?;
    if neg {
        if u > 1u64 << 63 {
            return None;
        }
        Some(0i64.wrapping_sub_unsigned(u))
    } else {
        i64::try_from(u).ok()
    }
}

/// Go's `strconv.ParseFloat(s, 64)` for the texts the lexer can produce (decimal and hex
/// floats with `_` separators). Out of range (an infinite result) is an error, as in Go.
pub fn parse_float(s: &str) -> Option<f64> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'+') => (false, s.get(1..)?),
        Some(b'-') => (true, s.get(1..)?),
        _ => (false, s),
    };
    if body.starts_with(['+', '-']) || body.contains('_') && !underscore_ok(s) {
        return None;
    }
    let lower = body.to_ascii_lowercase();
    let f = if let Some(hex) = lower.strip_prefix("0x") {
        parse_hex_float(hex)?
    } else {
        if !body
            .bytes()
            .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-' | b'_'))
        {
            return None;
        }
        body.replace('_', "").parse::<f64>().ok()?
    };
    if !f.is_finite() {
        return None;
    }
    Some(if neg { -f } else { f })
}

/// `1.8p1` after `0x`: the mantissa must be followed by a `p` exponent, as Go requires.
/// Mantissas beyond 53 bits are rounded as they accumulate (Go rounds once); no chart uses them.
fn parse_hex_float(s: &str) -> Option<f64> {
    let (mant, exp) = s.split_once('p')?;
    let mut m = 0f64;
    let mut scale = 0i32;
    let mut seen_dot = false;
    let mut digits = 0;
    for c in mant.chars() {
        match c {
            '_' => {}
            '.' if !seen_dot => seen_dot = true,
            _ => {
                m = m * 16.0 + f64::from(c.to_digit(16)?);
                digits += 1;
                if seen_dot {
                    scale -= 4;
                }
            }
        }
    }
    if digits == 0 {
        return None;
    }
    let exp = exp.replace('_', "");
    let e: i32 = match exp.strip_prefix('+') {
        Some(rest) if !rest.starts_with(['+', '-']) => rest.parse().ok()?,
        _ => exp.parse().ok()?,
    };
    Some(m * 2f64.powi(e.checked_add(scale)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_escapes_like_go() {
        assert_eq!(quote_prefix("ééééééééééé", 10), "\"éééééééééé\"");
        assert_eq!(format_unicode('é'), "U+00E9 'é'");
        assert_eq!(format_unicode('\u{a0}'), "U+00A0");
        assert_eq!(quote_prefix("abcdefghijkl", 10), "\"abcdefghij\"");
        assert_eq!(format_unicode('+'), "U+002B '+'");
        assert_eq!(format_unicode('\u{1}'), "U+0001");
    }

    #[test]
    fn unquote_like_go() {
        assert_eq!(
            unquote(r#""a\tb\u00e9\x41\101""#).as_deref(),
            Some("a\tbéAA")
        );
        assert_eq!(unquote("`a\\n\r\nb`").as_deref(), Some("a\\n\nb"));
        assert_eq!(unquote(r#""\q""#), None);
        assert_eq!(unquote(r#""\'""#), None);
        assert_eq!(unquote(r"'\''").as_deref(), Some("'"));
        assert_eq!(unquote("'ab'"), None);
        assert_eq!(unquote(r#""\400""#), None);
        assert_eq!(unquote(r#""\ud800""#), None);
    }

    #[test]
    fn numbers_like_go() {
        assert_eq!(parse_int("0x1F"), Some(31));
        assert_eq!(parse_int("0o17"), Some(15));
        assert_eq!(parse_int("017"), Some(15));
        assert_eq!(parse_int("0b101"), Some(5));
        assert_eq!(parse_int("1_000"), Some(1000));
        assert_eq!(parse_int("1__0"), None);
        assert_eq!(parse_int("_1"), None);
        assert_eq!(parse_int("089"), None);
        assert_eq!(parse_int("-9223372036854775808"), Some(i64::MIN));
        assert_eq!(parse_int("9223372036854775808"), None);
        assert_eq!(parse_uint("18446744073709551615"), Some(u64::MAX));
        assert_eq!(parse_uint("-0"), None);
        assert_eq!(parse_uint("0x"), None);
        assert_eq!(parse_float("1e3"), Some(1000.0));
        assert_eq!(parse_float("1_0.5"), Some(10.5));
        assert_eq!(parse_float("1_.5"), None);
        assert_eq!(parse_float("0x1.8p1"), Some(3.0));
        assert_eq!(parse_float("0x1.8"), None);
        assert_eq!(parse_float("1e400"), None);
        assert_eq!(parse_float("."), None);
        assert_eq!(parse_float("-.5"), Some(-0.5));
    }
}
