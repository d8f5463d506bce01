//! The few Chart.yaml fields packaging needs (`name`, `version`, `appVersion`), and rewriting one
//! of them in place: the text is edited at the value's span, so comments, key order and the rest
//! of the formatting stay as the author wrote them.
//!
//! Only top-level scalar keys are looked at, by a line scan: a key at column 0 followed by `:`.
//! That is what these three fields always are in a Chart.yaml; a value written as a block scalar
//! or a collection is reported as missing rather than guessed at.

use std::ops::Range;

/// A top-level scalar and where its text is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScalarField {
    pub value: String,
    /// The value as written, quotes included.
    pub span: Range<usize>,
    pub quote: Option<char>,
}

/// Where a top-level key is, and its scalar value when it has one.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Found {
    Scalar(ScalarField),
    /// `key:` with nothing after it on the line: the offset just after the colon.
    Empty(usize),
}

/// The top-level scalar `key`, if present with a one-line scalar value. The last occurrence wins,
/// as in the YAML loaders Helm uses.
pub fn scalar(text: &str, key: &str) -> Option<ScalarField> {
    match find(text, key)? {
        Found::Scalar(f) => Some(f),
        Found::Empty(_) => None,
    }
}

/// `text` with `key` set to `value`: replaced where it is, or added as the last line.
pub fn set_scalar(text: &str, key: &str, value: &str) -> String {
    match find(text, key) {
        Some(Found::Scalar(f)) => {
            let written = render(value, f.quote);
            let mut out = String::with_capacity(text.len() + written.len());
            out.push_str(text.get(..f.span.start).unwrap_or(""));
            out.push_str(&written);
            out.push_str(text.get(f.span.end..).unwrap_or(""));
            out
        }
        Some(Found::Empty(at)) => {
            let mut out = String::with_capacity(text.len() + value.len() + 3);
            out.push_str(text.get(..at).unwrap_or(""));
            out.push(' ');
            out.push_str(&render(value, None));
            out.push_str(text.get(at..).unwrap_or(""));
            out
        }
        None => {
            let mut out = text.to_string();
            if !out.is_empty() && !out.ends_with('\n') {
                out.push('\n');
            }
            out.push_str(key);
            out.push_str(": ");
            out.push_str(&render(value, None));
            out.push('\n');
            out
        }
    }
}

fn find(text: &str, key: &str) -> Option<Found> {
    let mut found = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        if line.starts_with("---") || line.starts_with("...") {
            // A second document is not part of the chart's metadata.
            if start > 0 && found.is_some() {
                break;
            }
            continue;
        }
        let Some(after_key) = line.strip_prefix(key) else {
            continue;
        };
        let after_key_trimmed = after_key.trim_start_matches([' ', '\t']);
        let Some(after_colon) = after_key_trimmed.strip_prefix(':') else {
            continue;
        };
        let colon_end = start + line.len() - after_colon.len();
        let value_text = after_colon.trim_start_matches([' ', '\t']);
        let value_start = start + line.len() - value_text.len();
        let content = value_text.trim_end_matches(['\n', '\r']);
        found = Some(match scalar_token(content) {
            Some((len, value, quote)) if len > 0 => Found::Scalar(ScalarField {
                value,
                span: value_start..value_start + len,
                quote,
            }),
            _ if content.is_empty() || content.starts_with('#') => Found::Empty(colon_end),
            _ => continue,
        });
    }
    found
}

/// The scalar at the start of `s`: (length as written, value, quote). `None` for block scalars,
/// flow collections, anchors and tags, which packaging does not rewrite.
fn scalar_token(s: &str) -> Option<(usize, String, Option<char>)> {
    let first = s.chars().next()?;
    match first {
        '"' => {
            let mut value = String::new();
            let mut chars = s.char_indices().skip(1);
            while let Some((i, c)) = chars.next() {
                match c {
                    '"' => return Some((i + 1, value, Some('"'))),
                    '\\' => match chars.next()?.1 {
                        'n' => value.push('\n'),
                        't' => value.push('\t'),
                        other => value.push(other),
                    },
                    c => value.push(c),
                }
            }
            None
        }
        '\'' => {
            let mut value = String::new();
            let mut chars = s.char_indices().skip(1).peekable();
            while let Some((i, c)) = chars.next() {
                if c == '\'' {
                    if chars.peek().map(|p| p.1) == Some('\'') {
                        chars.next();
                        value.push('\'');
                        continue;
                    }
                    return Some((i + 1, value, Some('\'')));
                }
                value.push(c);
            }
            None
        }
        '|' | '>' | '[' | '{' | '&' | '*' | '!' | '#' => None,
        _ => {
            // A plain scalar ends at ` #` (a comment) or the end of the line.
            let end = s.find(" #").or_else(|| s.find("\t#")).unwrap_or(s.len());
            let token = s.get(..end).unwrap_or(s).trim_end();
            Some((token.len(), token.to_string(), None))
        }
    }
}

/// `value` as YAML text: in the quote style the old value used, else plain when YAML (1.1 or 1.2)
/// would read it back as the same string, else double-quoted.
fn render(value: &str, quote: Option<char>) -> String {
    match quote {
        Some('\'') => format!("'{}'", value.replace('\'', "''")),
        Some(_) => double_quoted(value),
        None if plain_is_safe(value) => value.to_string(),
        None => double_quoted(value),
    }
}

fn double_quoted(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Plain only for version-like strings that no resolver turns into a number, bool or null:
/// `1.2.3` and `v2.0.0-rc.1` stay plain, `1.0`, `10`, `1e3`, `yes`, `null` get quotes.
fn plain_is_safe(value: &str) -> bool {
    let Some(first) = value.chars().next() else {
        return false;
    };
    if !first.is_ascii_alphanumeric() {
        return false;
    }
    if !value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '+' | '-'))
    {
        return false;
    }
    let lower = value.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "y" | "n" | "yes" | "no" | "on" | "off" | "true" | "false" | "null"
    ) {
        return false;
    }
    if lower.starts_with("0x") || lower.starts_with("0o") || lower.starts_with("0b") {
        return false;
    }
    let digits = value.replace('_', "");
    digits.parse::<f64>().is_err()
        && !digits
            .chars()
            .all(|c| c.is_ascii_digit() || c == '-' || c == '+')
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHART: &str = "# The chart\napiVersion: v2\nname: web # the name\nversion: 0.1.0\n\
                         description: |\n  multi\n  line\nappVersion: \"1.16\"\nnested:\n  version: 9\n";

    #[test]
    fn reads_top_level_scalars_only() {
        assert_eq!(
            scalar(CHART, "name").map(|f| f.value),
            Some("web".to_string())
        );
        assert_eq!(
            scalar(CHART, "version").map(|f| f.value),
            Some("0.1.0".to_string())
        );
        assert_eq!(
            scalar(CHART, "appVersion").map(|f| f.value),
            Some("1.16".to_string())
        );
        assert_eq!(scalar(CHART, "description"), None);
        assert_eq!(scalar(CHART, "missing"), None);
        assert_eq!(
            scalar("name: 'it''s'\n", "name").map(|f| f.value),
            Some("it's".to_string())
        );
        assert_eq!(scalar("nameX: a\n", "name"), None);
    }

    #[test]
    fn rewrites_in_place_keeping_comments_and_order() {
        let out = set_scalar(CHART, "version", "1.2.3");
        assert_eq!(out, CHART.replace("version: 0.1.0", "version: 1.2.3"));
        let out = set_scalar(CHART, "name", "api");
        assert!(out.contains("name: api # the name\n"), "{out}");
        // the quote style of the old value is kept
        let out = set_scalar(CHART, "appVersion", "2.0");
        assert!(out.contains("appVersion: \"2.0\"\n"), "{out}");
        assert!(out.contains("nested:\n  version: 9\n"));
    }

    #[test]
    fn adds_missing_key_at_the_end_quoted_as_needed() {
        let out = set_scalar("apiVersion: v2\nname: web", "appVersion", "1.0");
        assert_eq!(out, "apiVersion: v2\nname: web\nappVersion: \"1.0\"\n");
        let out = set_scalar("name: web\nappVersion:\n", "appVersion", "v1.2.3");
        assert_eq!(out, "name: web\nappVersion: v1.2.3\n");
    }

    #[test]
    fn quoting_table() {
        for (v, want) in [
            ("1.2.3", "1.2.3"),
            ("v2.0.0-rc.1", "v2.0.0-rc.1"),
            ("1.0", "\"1.0\""),
            ("10", "\"10\""),
            ("1e3", "\"1e3\""),
            ("yes", "\"yes\""),
            ("null", "\"null\""),
            ("0x1F", "\"0x1F\""),
            ("", "\"\""),
            ("a: b", "\"a: b\""),
            ("say \"hi\"", "\"say \\\"hi\\\"\""),
        ] {
            assert_eq!(render(v, None), want, "{v}");
        }
    }
}
