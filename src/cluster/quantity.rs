//! Resource quantities (`api/resource/quantity.go`) as thousandths of the base unit, rounded up
//! as the API server rounds to milli-precision. Malformed quantities are the schema stage's
//! finding; here they read as `None` and count as zero.

/// `"500m"` → 500, `"1"` → 1000, `"1Ki"` → 1_024_000.
pub fn parse_milli(text: &str) -> Option<i128> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '+' || c == '-'))
        .unwrap_or(t.len());
    let (number, suffix) = t.split_at(split);
    if number.is_empty() {
        return None;
    }
    let negative = number.starts_with('-');
    let digits = number.trim_start_matches(['+', '-']);
    let (int_part, frac_part) = digits.split_once('.').unwrap_or((digits, ""));
    if int_part.is_empty() && frac_part.is_empty() {
        return None;
    }
    if !int_part
        .bytes()
        .chain(frac_part.bytes())
        .all(|b| b.is_ascii_digit())
    {
        return None;
    }
    // value = mantissa / 10^scale
    let mantissa: i128 = format!("{int_part}{frac_part}").parse().ok().or(Some(0))?;
    let scale = frac_part.len() as i32;
    let (mult_num, exp10): (i128, i32) = match suffix {
        "" => (1, 0),
        "n" => (1, -9),
        "u" => (1, -6),
        "m" => (1, -3),
        "k" => (1, 3),
        "M" => (1, 6),
        "G" => (1, 9),
        "T" => (1, 12),
        "P" => (1, 15),
        "E" => (1, 18),
        "Ki" => (1 << 10, 0),
        "Mi" => (1 << 20, 0),
        "Gi" => (1 << 30, 0),
        "Ti" => (1 << 40, 0),
        "Pi" => (1 << 50, 0),
        "Ei" => (1 << 60, 0),
        s if s.starts_with(['e', 'E']) => (1, s.get(1..)?.parse().ok()?),
        _ => return None,
    };
    // millis = mantissa * mult * 10^(exp10 + 3 - scale), rounded up.
    let e = exp10 + 3 - scale;
    let base = mantissa.checked_mul(mult_num)?;
    let value = if e >= 0 {
        base.checked_mul(10i128.checked_pow(u32::try_from(e).ok()?)?)?
    } else {
        let d = 10i128.checked_pow(u32::try_from(-e).ok()?)?;
        (base + d - 1) / d
    };
    Some(if negative { -value } else { value })
}

/// A quantity from a tree value: strings and plain numbers.
pub fn of_node(node: &crate::yaml::Node) -> Option<i128> {
    match &node.value {
        crate::yaml::Value::Str(s) => parse_milli(s),
        crate::yaml::Value::Int(i) => i128::from(*i).checked_mul(1000),
        crate::yaml::Value::Float(f) => Some((f * 1000.0).ceil() as i128),
        _ => None,
    }
}

/// A quantity from JSON (the defaulted objects of the state).
pub fn of_json(v: &serde_json::Value) -> Option<i128> {
    match v {
        serde_json::Value::String(s) => parse_milli(s),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => i128::from(i).checked_mul(1000),
            None => n.as_f64().map(|f| (f * 1000.0).ceil() as i128),
        },
        _ => None,
    }
}

/// Prints milli-units back in the shortest familiar form (`500m`, `2`, `16Gi`).
pub fn format_milli(m: i128, binary: bool) -> String {
    if m % 1000 != 0 {
        return format!("{m}m");
    }
    let units = m / 1000;
    if binary {
        for (suffix, size) in [
            ("Ei", 1i128 << 60),
            ("Pi", 1 << 50),
            ("Ti", 1 << 40),
            ("Gi", 1 << 30),
            ("Mi", 1 << 20),
            ("Ki", 1 << 10),
        ] {
            if units != 0 && units % size == 0 {
                return format!("{}{suffix}", units / size);
            }
        }
    }
    units.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_usual_forms() {
        assert_eq!(parse_milli("500m"), Some(500));
        assert_eq!(parse_milli("1"), Some(1000));
        assert_eq!(parse_milli("0.5"), Some(500));
        assert_eq!(parse_milli("1Ki"), Some(1_024_000));
        assert_eq!(parse_milli("16Gi"), Some(16 * (1 << 30) * 1000));
        assert_eq!(parse_milli("1e3"), Some(1_000_000));
        assert_eq!(parse_milli("1G"), Some(1_000_000_000_000));
        assert_eq!(parse_milli("abc"), None);
        assert_eq!(parse_milli("1x"), None);
        assert_eq!(format_milli(16 * (1 << 30) * 1000, true), "16Gi");
        assert_eq!(format_milli(250, false), "250m");
    }
}
