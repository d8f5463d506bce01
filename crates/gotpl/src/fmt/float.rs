//! strconv.FormatFloat for float64: Go's layouts ('e', 'f', 'g', 'b', 'x') over the decimal digits
//! Rust computes. Rust's `{:e}` gives the shortest digits that round-trip (the same digits Go's
//! shortest mode picks) and `{:.N}`/`{:.Ne}` round exactly, half to even, as Go does; only the
//! layout differs (`1e6` vs `1e+06`, when 'g' switches to an exponent), and that is ported here.

/// Go's `strconv.FormatFloat(f, fmt, prec, 64)`. `prec < 0` asks for the shortest representation
/// that reads back as `f`. An unknown `fmt` gives `%` followed by it, as Go does.
pub fn format_float(f: f64, fmt: u8, prec: i32) -> String {
    let mut out = String::new();
    append_float(&mut out, f, fmt, prec);
    out
}

/// Largest precision honoured: Go's fmt refuses widths and precisions above 1e6; strconv itself
/// has no limit, but a template must not make us format megabytes of zeros.
const MAX_PREC: i32 = 1_000_000;

pub(crate) fn append_float(out: &mut String, f: f64, fmt: u8, prec: i32) {
    let prec = prec.min(MAX_PREC);
    if f.is_nan() {
        out.push_str("NaN");
        return;
    }
    if f.is_infinite() {
        out.push_str(if f > 0.0 { "+Inf" } else { "-Inf" });
        return;
    }
    let neg = f.is_sign_negative();
    match fmt {
        b'b' => return fmt_b(out, f),
        b'x' | b'X' => return fmt_x(out, f, fmt, prec),
        b'e' | b'E' | b'f' | b'g' | b'G' => {}
        _ => {
            out.push('%');
            out.push(char::from(fmt));
            return;
        }
    }
    let a = f.abs();
    if prec < 0 {
        let digs = shortest(a);
        let p = match fmt {
            b'e' | b'E' => digs.nd() - 1,
            b'f' => (digs.nd() - digs.dp).max(0),
            _ => digs.nd(),
        };
        format_digits(out, true, neg, &digs, p.max(0), fmt);
        return;
    }
    match fmt {
        b'f' => {
            // Rounding to a number of decimals is exactly what Rust's fixed formatting does.
            if neg {
                out.push('-');
            }
            out.push_str(&format!("{:.*}", usize::try_from(prec).unwrap_or(0), a));
        }
        b'e' | b'E' => {
            let digs = significant(a, prec + 1);
            format_digits(out, false, neg, &digs, prec, fmt);
        }
        _ => {
            let p = prec.max(1);
            let digs = significant(a, p);
            format_digits(out, false, neg, &digs, p, fmt);
        }
    }
}

/// A decimal `0.d1d2d3… × 10^dp` with no trailing zeros (Go's decimalSlice); zero has no digits.
struct Digits {
    d: Vec<u8>,
    dp: i32,
}

impl Digits {
    fn nd(&self) -> i32 {
        i32::try_from(self.d.len()).unwrap_or(i32::MAX)
    }

    fn at(&self, i: i32) -> u8 {
        usize::try_from(i)
            .ok()
            .and_then(|i| self.d.get(i).copied())
            .unwrap_or(b'0')
    }
}

/// Parses Rust's `{:e}` output (`1.2345e3`, `5e-7`) into digits and decimal point position.
fn parse_sci(s: &str) -> Digits {
    let (mant, exp) = s.split_once('e').unwrap_or((s, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let mut d: Vec<u8> = mant.bytes().filter(u8::is_ascii_digit).collect();
    while d.last() == Some(&b'0') {
        d.pop();
    }
    if d.is_empty() {
        return Digits { d, dp: 0 };
    }
    Digits { d, dp: exp + 1 }
}

fn shortest(a: f64) -> Digits {
    if a == 0.0 {
        return Digits {
            d: Vec::new(),
            dp: 0,
        };
    }
    let digs = parse_sci(&format!("{a:e}"));
    // When two shortest strings are equally close to the value (1486036621150071.25 at 17
    // digits), Go rounds half to even and Rust does not; the exactly rounded string of the same
    // length is Go's choice whenever it reads back as the same float. Ties need ~16 digits.
    if digs.d.len() >= 15 {
        let decimals = digs.d.len() - 1;
        let exact = format!("{a:.decimals$e}");
        if exact.parse::<f64>() == Ok(a) {
            return parse_sci(&exact);
        }
    }
    digs
}

/// `n` significant digits, correctly rounded (n ≥ 1).
fn significant(a: f64, n: i32) -> Digits {
    if a == 0.0 {
        return Digits {
            d: Vec::new(),
            dp: 0,
        };
    }
    let decimals = usize::try_from(n - 1).unwrap_or(0);
    parse_sci(&format!("{a:.decimals$e}"))
}

/// Go's formatDigits.
fn format_digits(out: &mut String, shortest: bool, neg: bool, digs: &Digits, prec: i32, fmt: u8) {
    match fmt {
        b'e' | b'E' => fmt_e(out, neg, digs, prec, fmt),
        b'f' => fmt_f(out, neg, digs, prec),
        _ => {
            let mut prec = prec;
            let mut eprec = prec;
            if eprec > digs.nd() && digs.nd() >= digs.dp {
                eprec = digs.nd();
            }
            // %e is used if the exponent is below -4 or at least the precision; for the shortest
            // form the decision uses precision 6 (so 1000000 prints as 1e+06).
            if shortest {
                eprec = 6;
            }
            let exp = digs.dp - 1;
            if exp < -4 || exp >= eprec {
                if prec > digs.nd() {
                    prec = digs.nd();
                }
                fmt_e(out, neg, digs, prec - 1, fmt + b'e' - b'g');
                return;
            }
            if prec > digs.dp {
                prec = digs.nd();
            }
            fmt_f(out, neg, digs, (prec - digs.dp).max(0));
        }
    }
}

/// `-d.dddde±dd`
fn fmt_e(out: &mut String, neg: bool, digs: &Digits, prec: i32, fmt: u8) {
    if neg {
        out.push('-');
    }
    out.push(char::from(digs.at(0)));
    if prec > 0 {
        out.push('.');
        for i in 1..=prec {
            out.push(char::from(digs.at(i)));
        }
    }
    out.push(char::from(fmt));
    let mut exp = digs.dp - 1;
    if digs.d.is_empty() {
        exp = 0;
    }
    if exp < 0 {
        out.push('-');
        exp = -exp;
    } else {
        out.push('+');
    }
    if exp < 10 {
        out.push('0');
    }
    out.push_str(&exp.to_string());
}

/// `-ddddd.dddd`
fn fmt_f(out: &mut String, neg: bool, digs: &Digits, prec: i32) {
    if neg {
        out.push('-');
    }
    if digs.dp > 0 {
        for i in 0..digs.dp {
            out.push(char::from(digs.at(i)));
        }
    } else {
        out.push('0');
    }
    if prec > 0 {
        out.push('.');
        for i in 1..=prec {
            out.push(char::from(digs.at(digs.dp + i - 1)));
        }
    }
}

const MANT_BITS: u32 = 52;
const BIAS: i64 = -1023;

/// Mantissa (with the implicit bit) and unbiased binary exponent, as strconv splits a float64.
fn split(f: f64) -> (u64, i64) {
    let bits = f.to_bits();
    let mut exp = i64::try_from((bits >> MANT_BITS) & 0x7ff).unwrap_or(0);
    let mut mant = bits & ((1 << MANT_BITS) - 1);
    if exp == 0 {
        exp += 1;
    } else {
        mant |= 1 << MANT_BITS;
    }
    (mant, exp + BIAS)
}

/// `-ddddp±ddd`: the mantissa as a decimal integer and a binary exponent.
fn fmt_b(out: &mut String, f: f64) {
    let (mant, exp) = split(f);
    if f.is_sign_negative() {
        out.push('-');
    }
    out.push_str(&mant.to_string());
    let exp = exp - i64::from(MANT_BITS);
    out.push('p');
    if exp >= 0 {
        out.push('+');
    }
    out.push_str(&exp.to_string());
}

/// `-0x1.yyyyp±dd`: hexadecimal mantissa and binary exponent (Go's fmtX).
fn fmt_x(out: &mut String, f: f64, fmt: u8, prec: i32) {
    let (mut mant, mut exp) = split(f);
    if mant == 0 {
        exp = 0;
    }
    mant <<= 60 - MANT_BITS;
    while mant != 0 && mant & (1 << 60) == 0 {
        mant <<= 1;
        exp -= 1;
    }
    if (0..15).contains(&prec) {
        let shift = u32::try_from(prec * 4).unwrap_or(0);
        let extra = (mant << shift) & ((1 << 60) - 1);
        mant >>= 60 - shift;
        if extra | (mant & 1) > 1 << 59 {
            mant += 1;
        }
        mant <<= 60 - shift;
        if mant & (1 << 61) != 0 {
            mant >>= 1;
            exp += 1;
        }
    }
    let hex: &[u8; 16] = if fmt == b'X' {
        b"0123456789ABCDEF"
    } else {
        b"0123456789abcdef"
    };
    let digit = |m: u64| {
        char::from(
            hex.get(usize::try_from((m >> 60) & 15).unwrap_or(0))
                .copied()
                .unwrap_or(b'0'),
        )
    };
    if f.is_sign_negative() {
        out.push('-');
    }
    out.push('0');
    out.push(char::from(fmt));
    out.push(if (mant >> 60) & 1 == 1 { '1' } else { '0' });
    mant <<= 4;
    if prec < 0 && mant != 0 {
        out.push('.');
        while mant != 0 {
            out.push(digit(mant));
            mant <<= 4;
        }
    } else if prec > 0 {
        out.push('.');
        for _ in 0..prec {
            out.push(digit(mant));
            mant <<= 4;
        }
    }
    out.push(if fmt == b'X' { 'P' } else { 'p' });
    if exp < 0 {
        out.push('-');
        exp = -exp;
    } else {
        out.push('+');
    }
    if exp < 10 {
        out.push('0');
    }
    out.push_str(&exp.to_string());
}

#[cfg(test)]
mod tests {
    use super::format_float;

    #[test]
    fn shortest_g_like_go() {
        let cases: &[(f64, &str)] = &[
            (0.0, "0"),
            (-0.0, "-0"),
            (1.0, "1"),
            (8080.0, "8080"),
            (100000.0, "100000"),
            (123456.0, "123456"),
            (1e6, "1e+06"),
            (1234567.0, "1.234567e+06"),
            (12345678.0, "1.2345678e+07"),
            (123456789.0, "1.23456789e+08"),
            (1e20, "1e+20"),
            (1e21, "1e+21"),
            (1e100, "1e+100"),
            (0.1, "0.1"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (0.000001, "1e-06"),
            (1e-7, "1e-07"),
            (0.1 + 0.2, "0.30000000000000004"),
            (2.71, "2.71"),
            (-2.5, "-2.5"),
            (9007199254740993.0, "9.007199254740992e+15"),
            (f64::MAX, "1.7976931348623157e+308"),
            (5e-324, "5e-324"),
            (f64::NAN, "NaN"),
            (f64::INFINITY, "+Inf"),
            (f64::NEG_INFINITY, "-Inf"),
        ];
        for (f, want) in cases {
            assert_eq!(format_float(*f, b'g', -1), *want, "{f:?}");
        }
    }

    #[test]
    fn fixed_precision() {
        let cases: &[(f64, u8, i32, &str)] = &[
            (1.23456, b'f', 2, "1.23"),
            (2.5, b'f', 0, "2"),
            (3.5, b'f', 0, "4"),
            (-0.001, b'f', 2, "-0.00"),
            (1e21, b'f', 0, "1000000000000000000000"),
            (8080.0, b'f', 6, "8080.000000"),
            (8080.0, b'e', 6, "8.080000e+03"),
            (0.0, b'e', 2, "0.00e+00"),
            (1e-100, b'e', 1, "1.0e-100"),
            (123456.0, b'e', -1, "1.23456e+05"),
            (123456.0, b'E', 2, "1.23E+05"),
            (100.0, b'g', 3, "100"),
            (1234.0, b'g', 3, "1.23e+03"),
            (0.000012345, b'g', 2, "1.2e-05"),
            (1.5, b'g', 0, "2"),
            (1e6, b'G', -1, "1E+06"),
            (0.5, b'f', -1, "0.5"),
            (1e6, b'f', -1, "1000000"),
            (1.5e-7, b'f', -1, "0.00000015"),
            (1e6, b'e', -1, "1e+06"),
            (1.0, b'b', -1, "4503599627370496p-52"),
            (1.0, b'x', -1, "0x1p+00"),
            (3.5, b'x', -1, "0x1.cp+01"),
            (-1.0, b'X', 3, "-0X1.000P+00"),
            (1.0, b'z', -1, "%z"),
        ];
        for (f, fmt, prec, want) in cases {
            assert_eq!(
                format_float(*f, *fmt, *prec),
                *want,
                "{f:?} {} {prec}",
                char::from(*fmt)
            );
        }
    }
}
