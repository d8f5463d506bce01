//! The few Chart.yaml fields packaging needs (`name`, `version`, `appVersion`), and rewriting one
//! of them in place: the text is edited at the value's span (from the span-aware YAML loader), so
//! comments, key order and the rest of the formatting stay as the author wrote them.

use std::ops::Range;

use crate::source::{SourceKind, SourceMap, Span};
use crate::yaml::{self, Node, ScalarStyle, Value};

/// A top-level scalar and where its text is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScalarField {
    /// As written for plain scalars (`1.0` stays `1.0`), unquoted for quoted ones.
    pub value: String,
    /// The value as written, quotes included.
    pub span: Range<usize>,
    pub quote: Option<char>,
}

/// Where a top-level key's value is.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Found {
    Scalar(ScalarField),
    /// `key:` with nothing after it (or `null`, `~`): where a value goes, and the text to replace.
    Null(Range<usize>),
    /// A map or a list: not a name or a version.
    Collection,
}

/// The top-level scalar `key`; `Ok(None)` when absent, null or not a scalar. `Err` says why the
/// text is not usable YAML (with its line).
pub fn scalar(text: &str, key: &str) -> Result<Option<ScalarField>, String> {
    Ok(match find(text, key)? {
        Some(Found::Scalar(f)) => Some(f),
        _ => None,
    })
}

/// `text` with `key` set to `value`: replaced where it is, or added as the last line.
pub fn set_scalar(text: &str, key: &str, value: &str) -> Result<String, String> {
    let (range, written) = match find(text, key)? {
        Some(Found::Scalar(f)) => (f.span, render(value, f.quote)),
        Some(Found::Null(range)) if range.is_empty() => {
            (range, format!(" {}", render(value, None)))
        }
        Some(Found::Null(range)) => (range, render(value, None)),
        Some(Found::Collection) => {
            return Err(format!("`{key}` is a map or a list, not a single value"));
        }
        None => {
            let mut out = text.to_string();
            if !out.is_empty() && !out.ends_with('\n') {
                out.push('\n');
            }
            out.push_str(&format!("{key}: {}\n", render(value, None)));
            return Ok(out);
        }
    };
    let mut out = String::with_capacity(text.len() + written.len());
    out.push_str(text.get(..range.start).unwrap_or(""));
    out.push_str(&written);
    out.push_str(text.get(range.end..).unwrap_or(""));
    Ok(out)
}

/// Parses `text` (first document only, as Helm) and finds the top-level `key`.
fn find(text: &str, key: &str) -> Result<Option<Found>, String> {
    let mut sources = SourceMap::new();
    let file = sources.add("Chart.yaml", text, SourceKind::ChartFile);
    let (docs, diags) = yaml::parse_stream(&sources, file, &yaml::Limits::default());
    if let Some(d) = diags.iter().find(|d| d.is_error()) {
        let line = d
            .primary
            .as_ref()
            .map(|l| sources.locate(l.span).line)
            .unwrap_or(1);
        return Err(format!("line {line}: {}", d.message));
    }
    let Some(root) = docs.first().and_then(|d| d.root.as_ref()) else {
        return Ok(None);
    };
    if !matches!(root.value, Value::Map(_)) {
        return Err(format!(
            "expected a map of fields, found {}",
            root.type_name()
        ));
    }
    let Some((key_node, value)) = root.entry(key) else {
        return Ok(None);
    };
    Ok(Some(classify(&sources, text, key_node, value)))
}

fn classify(sources: &SourceMap, text: &str, key_node: &Node, value: &Node) -> Found {
    let site: Span = value.site();
    let range = site.start as usize..site.end as usize;
    match &value.value {
        Value::Map(_) | Value::Seq(_) => Found::Collection,
        Value::Null if range.is_empty() => {
            Found::Null(after_colon(text, key_node.span.end as usize))
        }
        Value::Null => Found::Null(range),
        _ => {
            let (value_text, quote) = match value.style {
                ScalarStyle::SingleQuoted => (value.scalar_text(), Some('\'')),
                ScalarStyle::DoubleQuoted => (value.scalar_text(), Some('"')),
                ScalarStyle::Plain if value.alias.is_none() => {
                    (Some(sources.slice(site).to_string()), None)
                }
                _ => (value.scalar_text(), None),
            };
            match value_text {
                Some(v) => Found::Scalar(ScalarField {
                    value: v,
                    span: range,
                    quote,
                }),
                None => Found::Collection,
            }
        }
    }
}

/// The empty range just after the `:` that follows a key ending at `key_end`.
fn after_colon(text: &str, key_end: usize) -> Range<usize> {
    let rest = text.get(key_end..).unwrap_or("");
    let at = rest.find(':').map(|i| key_end + i + 1).unwrap_or(key_end);
    at..at
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

    fn get(text: &str, key: &str) -> Option<String> {
        scalar(text, key).unwrap().map(|f| f.value)
    }

    #[test]
    fn reads_top_level_scalars_only() {
        assert_eq!(get(CHART, "name"), Some("web".to_string()));
        assert_eq!(get(CHART, "version"), Some("0.1.0".to_string()));
        assert_eq!(get(CHART, "appVersion"), Some("1.16".to_string()));
        assert_eq!(get(CHART, "description"), Some("multi\nline\n".to_string()));
        assert_eq!(get(CHART, "missing"), None);
        assert_eq!(get("name: 'it''s'\n", "name"), Some("it's".to_string()));
        assert_eq!(get("nameX: a\n", "name"), None);
        assert_eq!(get("version: 1.0\n", "version"), Some("1.0".to_string()));
        assert_eq!(get("name:\n  a: 1\n", "name"), None);
        assert_eq!(get("name: ~\n", "name"), None);
    }

    #[test]
    fn broken_yaml_is_an_error_with_its_line() {
        let err = scalar("name: web\nversion: [1\n", "name").unwrap_err();
        assert!(err.starts_with("line 2"), "{err}");
        assert!(
            scalar("- a\n- b\n", "name")
                .unwrap_err()
                .contains("expected a map")
        );
    }

    #[test]
    fn rewrites_in_place_keeping_comments_and_order() {
        let out = set_scalar(CHART, "version", "1.2.3").unwrap();
        assert_eq!(out, CHART.replace("version: 0.1.0", "version: 1.2.3"));
        let out = set_scalar(CHART, "name", "api").unwrap();
        assert!(out.contains("name: api # the name\n"), "{out}");
        // the quote style of the old value is kept
        let out = set_scalar(CHART, "appVersion", "2.0").unwrap();
        assert!(out.contains("appVersion: \"2.0\"\n"), "{out}");
        assert!(out.contains("nested:\n  version: 9\n"));
        // flow style and CRLF line ends are edited in place too
        let out = set_scalar("{name: web, version: 1.0.0}\n", "version", "2.0.0").unwrap();
        assert_eq!(out, "{name: web, version: 2.0.0}\n");
        let out = set_scalar("name: web\r\nversion: 1.0.0\r\n", "version", "2.0.0").unwrap();
        assert_eq!(out, "name: web\r\nversion: 2.0.0\r\n");
    }

    #[test]
    fn adds_missing_key_at_the_end_quoted_as_needed() {
        let out = set_scalar("apiVersion: v2\nname: web", "appVersion", "1.0").unwrap();
        assert_eq!(out, "apiVersion: v2\nname: web\nappVersion: \"1.0\"\n");
        let out = set_scalar("name: web\nappVersion:\n", "appVersion", "v1.2.3").unwrap();
        assert_eq!(out, "name: web\nappVersion: v1.2.3\n");
        let out = set_scalar("name: web\nappVersion: ~ # unset\n", "appVersion", "v1").unwrap();
        assert_eq!(out, "name: web\nappVersion: v1 # unset\n");
        assert!(set_scalar("version:\n  - 1\n", "version", "2").is_err());
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
