//! The float layouts the encoders need, over Go's `strconv.FormatFloat` (`crate::fmt`): `%g`
//! (go-yaml), encoding/json's choice between `'f'` and `'e'`, and float32 `%g` (how
//! sigs.k8s.io/yaml names a float map key).

use crate::fmt::format_float;

/// `strconv.FormatFloat(f, 'g', -1, 64)`: `1e+06`, `0.5`, `1e-05`, `123456`.
pub fn format_g(f: f64) -> String {
    format_float(f, b'g', -1)
}

/// `strconv.FormatFloat(f, 'g', -1, 32)`: the shortest digits that identify the float32 nearest
/// to `f`, laid out as `%g` does.
pub fn format_g32(f: f64) -> String {
    let narrow = f as f32;
    if !narrow.is_finite() || narrow == 0.0 {
        return format_g(f64::from(narrow));
    }
    // The float32's shortest digits, read back as a float64 that has those same shortest digits.
    let digits: f64 = format!("{narrow:e}").parse().unwrap_or(f64::from(narrow));
    format_g(digits)
}

/// encoding/json's float text: `'f'` unless `|f| < 1e-6` or `|f| >= 1e21`, where it is `'e'`
/// with a one-digit negative exponent shortened (`1e-7`, not `1e-07`). `None` for NaN and ±Inf,
/// which JSON cannot represent.
pub fn format_json(f: f64) -> Option<String> {
    if !f.is_finite() {
        return None;
    }
    let abs = f.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        let mut out = format_float(f, b'e', -1);
        let n = out.len();
        if out.get(n.saturating_sub(4)..n.saturating_sub(1)) == Some("e-0") {
            out.remove(n - 2);
        }
        Some(out)
    } else {
        Some(format_float(f, b'f', -1))
    }
}

/// Go's name for a float JSON cannot hold (`NaN`, `+Inf`, `-Inf`).
pub fn go_special(f: f64) -> Option<&'static str> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn g_format() {
        let cases = [
            (8080.0, "8080"),
            (1e6, "1e+06"),
            (12345678.0, "1.2345678e+07"),
            (1.5e-7, "1.5e-07"),
            (-0.0, "-0"),
        ];
        for (f, want) in cases {
            assert_eq!(format_g(f), want, "{f}");
        }
        assert_eq!(format_g32(0.1), "0.1");
        assert_eq!(format_g32(1.5), "1.5");
        assert_eq!(format_g32(16777217.0), "1.6777216e+07");
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
