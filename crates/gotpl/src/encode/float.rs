//! Go's `strconv.FormatFloat` with the shortest precision (`-1`), in the three formats the
//! encoders use: `'g'` (go-yaml), `'f'` and `'e'` (encoding/json picks one by magnitude).
//!
//! Rust's `{:e}` gives the same shortest round-trip digits as Go; only the layout differs.

/// The shortest decimal digits of `|f|` (finite) and the decimal point position: `|f|` is
/// `0.DIGITS × 10^dp`. Zero has no digits.
fn shortest(f: f64) -> (Vec<u8>, i32) {
    if f == 0.0 {
        return (Vec::new(), 0);
    }
    digits_of(&format!("{:e}", f.abs()))
}

/// Splits Rust's `{:e}` text (`1.25e-7`) into digits and decimal point position.
fn digits_of(text: &str) -> (Vec<u8>, i32) {
    let (mantissa, exp) = text.split_once('e').unwrap_or((text, "0"));
    let digits: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
    let exp: i32 = exp.parse().unwrap_or(0);
    (digits, exp + 1)
}

fn special(f: f64) -> Option<&'static str> {
    if f.is_nan() {
        Some("NaN")
    } else if f == f64::INFINITY {
        Some("+Inf")
    } else if f == f64::NEG_INFINITY {
        Some("-Inf")
    } else {
        None
    }
}

fn sign(f: f64, out: &mut String) {
    if f.is_sign_negative() {
        out.push('-');
    }
}

fn push_e(out: &mut String, digits: &[u8], dp: i32) {
    out.push(char::from(*digits.first().unwrap_or(&b'0')));
    if digits.len() > 1 {
        out.push('.');
        out.extend(digits.iter().skip(1).map(|&d| char::from(d)));
    }
    out.push('e');
    let exp = if digits.is_empty() { 0 } else { dp - 1 };
    out.push(if exp < 0 { '-' } else { '+' });
    let exp = exp.unsigned_abs();
    if exp < 10 {
        out.push('0');
    }
    out.push_str(&exp.to_string());
}

fn push_f(out: &mut String, digits: &[u8], dp: i32) {
    let digit = |i: i32| -> char {
        usize::try_from(i)
            .ok()
            .and_then(|i| digits.get(i))
            .map_or('0', |&d| char::from(d))
    };
    if dp > 0 {
        for i in 0..dp {
            out.push(digit(i));
        }
    } else {
        out.push('0');
    }
    let nd = i32::try_from(digits.len()).unwrap_or(i32::MAX);
    let frac = (nd - dp).max(0);
    if frac > 0 {
        out.push('.');
        for i in 0..frac {
            out.push(digit(dp + i));
        }
    }
}

/// `strconv.FormatFloat(f, 'g', -1, 64)`: `1e+06`, `0.5`, `1e-05`, `123456`.
pub fn format_g(f: f64) -> String {
    format_g_digits(f, shortest)
}

/// `strconv.FormatFloat(f, 'g', -1, 32)`: the shortest digits that identify the float32 nearest
/// to `f` (how sigs.k8s.io/yaml names a float map key).
pub fn format_g32(f: f64) -> String {
    format_g_digits(f, |f| {
        let f32v = f as f32;
        if f32v == 0.0 {
            (Vec::new(), 0)
        } else {
            digits_of(&format!("{:e}", f32v.abs()))
        }
    })
}

fn format_g_digits(f: f64, digits_fn: impl Fn(f64) -> (Vec<u8>, i32)) -> String {
    if let Some(s) = special(f) {
        return s.to_string();
    }
    let mut out = String::new();
    sign(f, &mut out);
    let (digits, dp) = digits_fn(f);
    if digits.is_empty() {
        out.push('0');
        return out;
    }
    let exp = dp - 1;
    if !(-4..6).contains(&exp) {
        push_e(&mut out, &digits, dp);
    } else {
        push_f(&mut out, &digits, dp);
    }
    out
}

/// encoding/json's float text: `'f'` unless `|f| < 1e-6` or `|f| >= 1e21`, where it is `'e'`
/// with a one-digit negative exponent shortened (`1e-7`, not `1e-07`). `None` for NaN and ±Inf,
/// which JSON cannot represent.
pub fn format_json(f: f64) -> Option<String> {
    if special(f).is_some() {
        return None;
    }
    let abs = f.abs();
    let mut out = String::new();
    sign(f, &mut out);
    let (digits, dp) = shortest(f);
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        push_e(&mut out, &digits, dp);
        let n = out.len();
        if out.get(n.saturating_sub(4)..n.saturating_sub(1)) == Some("e-0") {
            out.remove(n - 2);
        }
    } else {
        push_f(&mut out, &digits, dp);
    }
    Some(out)
}

/// Go's `%v` and `strconv.FormatFloat(f, 'g', -1, 64)` name for a float JSON cannot hold.
pub fn go_special(f: f64) -> Option<&'static str> {
    special(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn g_format() {
        let cases = [
            (0.0, "0"),
            (-0.0, "-0"),
            (1.0, "1"),
            (8080.0, "8080"),
            (0.5, "0.5"),
            (123456.0, "123456"),
            (1e6, "1e+06"),
            (12345678.0, "1.2345678e+07"),
            (1e-4, "0.0001"),
            (1e-5, "1e-05"),
            (1.5e-7, "1.5e-07"),
            (1e21, "1e+21"),
            (1e100, "1e+100"),
            (0.30000000000000004, "0.30000000000000004"),
            (f64::NAN, "NaN"),
            (f64::INFINITY, "+Inf"),
            (5e-324, "5e-324"),
        ];
        for (f, want) in cases {
            assert_eq!(format_g(f), want, "{f}");
        }
    }

    #[test]
    fn json_format() {
        let cases = [
            (0.0, "0"),
            (-0.0, "-0"),
            (1e6, "1000000"),
            (1e20, "100000000000000000000"),
            (1e21, "1e+21"),
            (1e-6, "0.000001"),
            (1e-7, "1e-7"),
            (1.5e-10, "1.5e-10"),
            (123.456, "123.456"),
            (-2.5, "-2.5"),
        ];
        for (f, want) in cases {
            assert_eq!(format_json(f).as_deref(), Some(want), "{f}");
        }
        assert_eq!(format_json(f64::NAN), None);
    }
}
