//! YAML text for `toyaml` and `files.as_config`, in the block style Helm's `toYaml` writes
//! (go-yaml v2: sequences in a map are not indented). Strings that a YAML 1.1 reader would
//! resolve to something else are quoted.
// Temporary until `crate::yaml::emit` lands on the yaml branch; then this forwards to it.

use serde_json::Value as J;

/// The YAML text of `value`, ending with a newline.
pub fn emit(value: &J) -> String {
    let mut out = String::new();
    match value {
        J::Object(m) if !m.is_empty() => write_map(&mut out, m, 0),
        J::Array(a) if !a.is_empty() => write_seq(&mut out, a, 0),
        other => {
            out.push_str(&scalar(other, 0));
            out.push('\n');
        }
    }
    out
}

fn pad(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

fn write_map(out: &mut String, m: &serde_json::Map<String, J>, indent: usize) {
    for (i, (k, v)) in m.iter().enumerate() {
        if i > 0 {
            pad(out, indent);
        }
        out.push_str(&string(k, indent));
        out.push(':');
        write_value_after_key(out, v, indent);
    }
}

fn write_value_after_key(out: &mut String, v: &J, indent: usize) {
    match v {
        J::Object(m) if !m.is_empty() => {
            out.push('\n');
            pad(out, indent + 2);
            write_map(out, m, indent + 2);
        }
        J::Array(a) if !a.is_empty() => {
            out.push('\n');
            pad(out, indent);
            write_seq(out, a, indent);
        }
        other => {
            out.push(' ');
            out.push_str(&scalar(other, indent + 2));
            out.push('\n');
        }
    }
}

fn write_seq(out: &mut String, a: &[J], indent: usize) {
    for (i, v) in a.iter().enumerate() {
        if i > 0 {
            pad(out, indent);
        }
        out.push_str("- ");
        match v {
            J::Object(m) if !m.is_empty() => write_map(out, m, indent + 2),
            J::Array(inner) if !inner.is_empty() => write_seq(out, inner, indent + 2),
            other => {
                out.push_str(&scalar(other, indent + 2));
                out.push('\n');
            }
        }
    }
}

fn scalar(v: &J, indent: usize) -> String {
    match v {
        J::Null => "null".to_string(),
        J::Bool(b) => b.to_string(),
        J::Number(n) => n.to_string(),
        J::String(s) => string(s, indent),
        J::Object(_) => "{}".to_string(),
        J::Array(_) => "[]".to_string(),
    }
}

fn string(s: &str, indent: usize) -> String {
    if s.contains('\n')
        && !s.starts_with([' ', '\t'])
        && !s.contains(['\r', '\t'])
        && s.chars().all(|c| !c.is_control() || c == '\n')
    {
        let body = s.strip_suffix('\n').unwrap_or(s);
        let chomp = if s.ends_with("\n\n") {
            "+"
        } else if s.ends_with('\n') {
            ""
        } else {
            "-"
        };
        if chomp != "+" {
            let mut out = format!("|{chomp}");
            for line in body.split('\n') {
                out.push('\n');
                if !line.is_empty() {
                    pad(&mut out, indent);
                    out.push_str(line);
                }
            }
            return out;
        }
    }
    if needs_quotes(s) {
        serde_json::to_string(s).unwrap_or_default()
    } else {
        s.to_string()
    }
}

fn needs_quotes(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return true;
    };
    // `-foo` is a plain scalar; `- foo` and `-1` are not.
    let dash_word = first == '-' && s.len() > 1 && !s.starts_with("- ") && !looks_numeric(s);
    if !dash_word && "-?:,[]{}#&*!|>'\"%@`~ \t".contains(first) {
        return true;
    }
    if s.ends_with([' ', '\t', ':'])
        || s.contains(": ")
        || s.contains(" #")
        || s.chars().any(char::is_control)
    {
        return true;
    }
    let lower = s.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "y" | "yes"
            | "n"
            | "no"
            | "on"
            | "off"
            | "true"
            | "false"
            | "null"
            | "~"
            | ".inf"
            | "-.inf"
            | ".nan"
            | "="
            | "<<"
    ) {
        return true;
    }
    looks_numeric(s)
}

fn looks_numeric(s: &str) -> bool {
    let t = s.strip_prefix(['+', '-']).unwrap_or(s);
    t.starts_with(|c: char| c.is_ascii_digit() || c == '.')
        && t.chars().all(|c| {
            c.is_ascii_hexdigit()
                || matches!(c, '.' | '_' | ':' | 'x' | 'X' | 'o' | 'O' | '+' | '-')
        })
}

#[cfg(test)]
mod tests {
    use super::emit;

    #[test]
    fn block_style_like_helm() {
        let v = serde_json::json!({"a": 1, "b": {"c": [1, {"d": "x", "e": "yes"}]}, "f": "l1\nl2\n", "g": [], "h": "0644"});
        assert_eq!(
            emit(&v),
            "a: 1\nb:\n  c:\n  - 1\n  - d: x\n    e: \"yes\"\nf: |\n  l1\n  l2\ng: []\nh: \"0644\"\n"
        );
    }
}
