//! `resource.Quantity` syntax (apimachinery `api/resource/quantity.go`):
//! `<sign>?<digits>[.<digits>]<suffix>`, suffix one of the binary SI (`Ki`…`Ei`), decimal SI
//! (`n u m "" k M G T P E`) or an exponent (`e3`, `E-2`).

pub const VALID_SUFFIXES: &str =
    "binary Ki, Mi, Gi, Ti, Pi, Ei; decimal n, u, m, k, M, G, T, P, E; or an exponent such as 5e3";

/// Whether `text` parses as a Kubernetes quantity.
pub fn is_valid(text: &str) -> bool {
    let rest = text.strip_prefix(['+', '-']).unwrap_or(text);
    let number_len = rest
        .bytes()
        .take_while(|b| b.is_ascii_digit() || *b == b'.')
        .count();
    let (number, suffix) = rest.split_at(number_len);
    let digits = number.bytes().filter(u8::is_ascii_digit).count();
    if digits == 0 || number.bytes().filter(|b| *b == b'.').count() > 1 {
        return false;
    }
    match suffix {
        "" | "n" | "u" | "m" | "k" | "M" | "G" | "T" | "P" | "E" => true,
        "Ki" | "Mi" | "Gi" | "Ti" | "Pi" | "Ei" => true,
        _ => {
            let Some(exp) = suffix.strip_prefix(['e', 'E']) else {
                return false;
            };
            let exp = exp.strip_prefix(['+', '-']).unwrap_or(exp);
            !exp.is_empty() && exp.bytes().all(|b| b.is_ascii_digit())
        }
    }
}

/// A suggestion for a common mistake (`512mb` → `512Mi`), if one fits.
pub fn suggestion(text: &str) -> Option<String> {
    let number_len = text
        .bytes()
        .take_while(|b| b.is_ascii_digit() || *b == b'.' || *b == b'+' || *b == b'-')
        .count();
    let (number, suffix) = text.split_at(number_len);
    let fixed = match suffix.trim().to_ascii_lowercase().as_str() {
        "kb" | "kib" | "k" => "Ki",
        "mb" | "mib" | "m" => "Mi",
        "gb" | "gib" | "g" => "Gi",
        "tb" | "tib" | "t" => "Ti",
        "pb" | "pib" | "p" => "Pi",
        "b" | "" => "",
        _ => return None,
    };
    let candidate = format!("{number}{fixed}");
    is_valid(&candidate)
        .then_some(candidate)
        .filter(|c| c != text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_kubernetes_quantities() {
        for q in [
            "1", "0.5", ".5", "1.", "100m", "512Mi", "1Gi", "2k", "1e3", "1E-2", "+1", "-1",
            "250u", "12n",
        ] {
            assert!(is_valid(q), "{q}");
        }
    }

    #[test]
    fn rejects_what_the_api_server_rejects() {
        for q in [
            "512mb", "1GB", "", "Mi", "1..2", "1 Gi", "1e", "1Gi ", "abc", "1mm",
        ] {
            assert!(!is_valid(q), "{q}");
        }
        assert_eq!(suggestion("512mb").as_deref(), Some("512Mi"));
        assert_eq!(suggestion("1GB").as_deref(), Some("1Gi"));
    }
}
