//! JSON numbers as exact decimals: `multipleOf`, the bounds and `integer` must not suffer f64
//! rounding (0.3 is a multiple of 0.1), as Helm's validator compares them as big rationals.

use std::cmp::Ordering;

/// `±digits × 10^exp`, digits without leading or trailing zeros (zero: no digits).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decimal {
    negative: bool,
    digits: Vec<u8>,
    exp: i64,
}

impl Decimal {
    pub fn of(n: &serde_json::Number) -> Option<Decimal> {
        Decimal::parse(&n.to_string())
    }

    /// `[-]digits[.digits][e[+-]digits]`, the forms serde_json prints.
    pub fn parse(text: &str) -> Option<Decimal> {
        let (negative, rest) = match text.strip_prefix('-') {
            Some(r) => (true, r),
            None => (false, text.strip_prefix('+').unwrap_or(text)),
        };
        let (mantissa, exp_text) = match rest.find(['e', 'E']) {
            Some(i) => (rest.get(..i)?, rest.get(i + 1..)?),
            None => (rest, "0"),
        };
        let mut exp: i64 = exp_text.parse().ok()?;
        let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        if int.is_empty() && frac.is_empty() {
            return None;
        }
        let mut digits = Vec::with_capacity(int.len() + frac.len());
        for c in int.bytes().chain(frac.bytes()) {
            if !c.is_ascii_digit() {
                return None;
            }
            digits.push(c - b'0');
        }
        exp = exp.checked_sub(i64::try_from(frac.len()).ok()?)?;
        let lead = digits.iter().take_while(|d| **d == 0).count();
        digits.drain(..lead);
        while digits.last() == Some(&0) {
            digits.pop();
            exp = exp.checked_add(1)?;
        }
        if digits.is_empty() {
            return Some(Decimal {
                negative: false,
                digits,
                exp: 0,
            });
        }
        Some(Decimal {
            negative,
            digits,
            exp,
        })
    }

    pub fn is_zero(&self) -> bool {
        self.digits.is_empty()
    }

    pub fn is_negative(&self) -> bool {
        self.negative
    }

    pub fn is_integer(&self) -> bool {
        self.exp >= 0
    }

    fn cmp_magnitude(&self, other: &Decimal) -> Ordering {
        match (self.is_zero(), other.is_zero()) {
            (true, true) => return Ordering::Equal,
            (true, false) => return Ordering::Less,
            (false, true) => return Ordering::Greater,
            _ => {}
        }
        // Position of the leading digit decides first, then the digits themselves.
        let top = |d: &Decimal| d.exp.saturating_add(d.digits.len() as i64);
        top(self)
            .cmp(&top(other))
            .then_with(|| self.digits.cmp(&other.digits))
    }

    /// Whether `self / by` is an integer (`by` non-zero).
    pub fn is_multiple_of(&self, by: &Decimal) -> bool {
        if self.is_zero() {
            return true;
        }
        let (Some(a), Some(b)) = (mantissa(&self.digits), mantissa(&by.digits)) else {
            return false;
        };
        if b == 0 {
            return false;
        }
        if self.exp >= by.exp {
            // a·10^k mod b, by repeated modular multiplication (operands below b < 2^64).
            let mut r = a % b;
            let mut k = self.exp - by.exp;
            while k > 0 && r != 0 {
                r = (r * 10) % b;
                k -= 1;
            }
            r == 0
        } else {
            let k = u32::try_from(by.exp - self.exp).unwrap_or(u32::MAX);
            match 10u128.checked_pow(k).and_then(|p| p.checked_mul(b)) {
                Some(d) => a % d == 0,
                None => false,
            }
        }
    }

    pub fn to_f64(&self) -> f64 {
        let mut s = String::with_capacity(self.digits.len() + 8);
        if self.negative {
            s.push('-');
        }
        if self.digits.is_empty() {
            s.push('0');
        }
        for d in &self.digits {
            s.push(char::from(b'0' + d));
        }
        s.push('e');
        s.push_str(&self.exp.to_string());
        s.parse().unwrap_or(f64::NAN)
    }
}

/// Mantissas below 2^64 (any f64 or 64-bit integer qualifies); others give up.
fn mantissa(digits: &[u8]) -> Option<u128> {
    if digits.len() > 19 {
        return None;
    }
    Some(
        digits
            .iter()
            .fold(0u128, |acc, d| acc * 10 + u128::from(*d)),
    )
}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Decimal {
    fn cmp(&self, other: &Self) -> Ordering {
        let neg = |d: &Decimal| d.negative && !d.is_zero();
        match (neg(self), neg(other)) {
            (false, true) => Ordering::Greater,
            (true, false) => Ordering::Less,
            (false, false) => self.cmp_magnitude(other),
            (true, true) => other.cmp_magnitude(self),
        }
    }
}

/// A float as Helm prints it in messages: Go's shortest `%v` (exponent form below 1e-4 and from
/// 1e6) through the English message printer of golang.org/x/text, which groups thousands and
/// writes exponents as `×10⁰⁸`: `12,345.5`, `1.23456789×10⁰⁸`, `1×10⁻⁰⁵`.
pub fn helm_float(f: f64) -> String {
    if f == 0.0 {
        return "0".into();
    }
    if !f.is_finite() {
        return if f.is_nan() {
            "NaN".into()
        } else if f > 0.0 {
            "∞".into()
        } else {
            "-∞".into()
        };
    }
    let sci = format!("{f:e}");
    let (mant, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if (-4..6).contains(&exp) {
        let plain = format!("{f}");
        let (sign, rest) = match plain.strip_prefix('-') {
            Some(r) => ("-", r),
            None => ("", plain.as_str()),
        };
        let (int, frac) = rest
            .split_once('.')
            .map_or((rest, None), |(i, f)| (i, Some(f)));
        let mut out = format!("{sign}{}", group(int));
        if let Some(frac) = frac {
            out.push('.');
            out.push_str(frac);
        }
        return out;
    }
    const SUP: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    let mut out = format!("{mant}×10");
    if exp < 0 {
        out.push('⁻');
    }
    for d in format!("{:02}", exp.unsigned_abs()).bytes() {
        out.push(SUP.get(usize::from(d - b'0')).copied().unwrap_or('?'));
    }
    out
}

/// An integer as Helm's message printer writes it: thousands grouped (`1,000`).
pub fn helm_int(n: usize) -> String {
    group(&n.to_string())
}

fn group(digits: &str) -> String {
    let len = digits.len();
    let mut out = String::with_capacity(len + len / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (len - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
