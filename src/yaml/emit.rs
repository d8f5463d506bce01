//! Writes values as block YAML the way kubectl does: 2-space indent, sequences at their key's
//! indentation (`key:\n- a`), keys in the given order, `{}`/`[]` for empty collections, strings
//! quoted exactly when a YAML 1.1 reader (Kubernetes) would read them back as something else,
//! multi-line strings as `|` block scalars.

use serde_json::{Map, Value};

use super::Node;
use super::resolve::{Scalar, resolve_plain};

/// One YAML document (no `---`), ending with a newline.
pub fn emit(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Object(m) if !m.is_empty() => write_map(&mut out, m, 0, false),
        Value::Array(a) if !a.is_empty() => write_seq(&mut out, a, 0, false),
        other => {
            write_inline(&mut out, other, 0);
            out.push('\n');
        }
    }
    out
}

/// A node tree as YAML, keys and values as Kubernetes reads them (see [`Node::to_json`]).
pub fn emit_node(node: &Node) -> String {
    emit(&node.to_json())
}

fn indent(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

/// Entries at column `col`; the first one's indentation is already written when `inline`.
fn write_map(out: &mut String, map: &Map<String, Value>, col: usize, inline: bool) {
    for (i, (k, v)) in map.iter().enumerate() {
        if i > 0 || !inline {
            indent(out, col);
        }
        if k.len() > MAX_IMPLICIT_KEY {
            // Implicit keys are limited to 1024 characters: write `? key` / `: value`.
            out.push_str("? ");
            write_string_inline(out, k);
            out.push('\n');
            indent(out, col);
            out.push(':');
            write_value_after(out, v, col, 2);
        } else {
            write_string_inline(out, k);
            out.push(':');
            write_value_after(out, v, col, 0);
        }
    }
}

fn write_seq(out: &mut String, items: &[Value], col: usize, inline: bool) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 || !inline {
            indent(out, col);
        }
        out.push_str("- ");
        match item {
            Value::Object(m) if !m.is_empty() => write_map(out, m, col + 2, true),
            Value::Array(a) if !a.is_empty() => write_seq(out, a, col + 2, true),
            other => {
                write_inline(out, other, col);
                out.push('\n');
            }
        }
    }
}

/// Longest key written as `key:`; YAML allows 1024 characters, quotes and escapes included.
const MAX_IMPLICIT_KEY: usize = 256;

/// After `key:`: a scalar on the same line, a collection on the next lines (a sequence
/// `seq_indent` deeper than the key).
fn write_value_after(out: &mut String, v: &Value, col: usize, seq_indent: usize) {
    match v {
        Value::Object(m) if !m.is_empty() => {
            out.push('\n');
            write_map(out, m, col + 2, false);
        }
        Value::Array(a) if !a.is_empty() => {
            out.push('\n');
            write_seq(out, a, col + seq_indent, false);
        }
        other => {
            out.push(' ');
            write_inline(out, other, col);
            out.push('\n');
        }
    }
}

/// A scalar or empty collection; block scalars continue on lines indented `col + 2`.
fn write_inline(out: &mut String, v: &Value, col: usize) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => out.push_str(&i.to_string()),
            (None, Some(u), _) => out.push_str(&u.to_string()),
            (None, None, Some(f)) => out.push_str(&float_text(f)),
            _ => out.push_str(&n.to_string()),
        },
        Value::String(s) => {
            if block_literal_fits(s) {
                write_block_literal(out, s, col + 2);
            } else {
                write_string_inline(out, s);
            }
        }
        Value::Array(_) => out.push_str("[]"),
        Value::Object(_) => out.push_str("{}"),
    }
}

/// Debug formatting keeps a `.0` or an exponent, so the text reads back as a float.
fn float_text(f: f64) -> String {
    if f.is_nan() {
        ".nan".to_string()
    } else if f.is_infinite() {
        if f > 0.0 { ".inf" } else { "-.inf" }.to_string()
    } else {
        format!("{f:?}")
    }
}

fn write_string_inline(out: &mut String, s: &str) {
    if needs_quotes(s) {
        write_double_quoted(out, s);
    } else {
        out.push_str(s);
    }
}

/// Whether a plain scalar would not read back as this exact string.
pub(crate) fn needs_quotes(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return true;
    };
    let second = s.chars().nth(1);
    if resolve_plain(s) != Scalar::Str || s == "<<" {
        return true;
    }
    let leading_indicator = match first {
        '-' | '?' | ':' => second.is_none_or(|c| c == ' '),
        ',' | '[' | ']' | '{' | '}' | '#' | '&' | '*' | '!' | '|' | '>' | '\'' | '"' | '%'
        | '@' | '`' => true,
        _ => false,
    };
    leading_indicator
        || s.starts_with("---")
        || s.starts_with("...")
        || s.starts_with(' ')
        || s.ends_with(' ')
        || s.ends_with(':')
        || s.contains(": ")
        || s.contains(" #")
        || s.chars().any(needs_escape_or_breaks_plain)
}

/// Characters a plain scalar cannot hold as themselves.
fn needs_escape_or_breaks_plain(c: char) -> bool {
    c == '\n' || c == '\t' || needs_escape(c)
}

/// Characters that are not printable in YAML, or that some readers take as line breaks.
fn needs_escape(c: char) -> bool {
    matches!(c, '\0'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}')
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
        )
}

fn write_double_quoted(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if needs_escape(c) => {
                let code = c as u32;
                if code <= 0xff {
                    out.push_str(&format!("\\x{code:02x}"));
                } else {
                    out.push_str(&format!("\\u{code:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Multi-line text reads best as `|`; text that a block scalar cannot hold exactly (control
/// characters, blank-but-not-empty lines, a leading space that would need an indentation
/// indicator, nothing but line breaks) is double-quoted instead.
fn block_literal_fits(s: &str) -> bool {
    let body = s.trim_end_matches('\n');
    s.contains('\n')
        && !body.is_empty()
        && !s.chars().any(|c| c != '\n' && c != '\t' && needs_escape(c))
        && body
            .split('\n')
            .all(|l| l.is_empty() || !l.trim_start_matches([' ', '\t']).is_empty())
        && !body
            .split('\n')
            .find(|l| !l.is_empty())
            .is_some_and(|l| l.starts_with([' ', '\t']))
}

fn write_block_literal(out: &mut String, s: &str, content_col: usize) {
    let body = s.trim_end_matches('\n');
    let trailing = s.len() - body.len();
    out.push_str(match trailing {
        0 => "|-",
        1 => "|",
        _ => "|+",
    });
    for line in body.split('\n') {
        out.push('\n');
        if !line.is_empty() {
            indent(out, content_col);
            out.push_str(line);
        }
    }
    // `|+` keeps the extra line breaks as empty lines.
    for _ in 1..trailing {
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{SourceKind, SourceMap};
    use serde_json::json;

    fn parse(text: &str) -> Value {
        let mut map = SourceMap::new();
        let f = map.add("e.yaml", text, SourceKind::Manifest);
        let (docs, diags) = crate::yaml::parse_stream(&map, f, &crate::yaml::Limits::default());
        let errors: Vec<&str> = diags
            .iter()
            .filter(|d| d.is_error())
            .map(|d| d.message.as_str())
            .collect();
        assert!(errors.is_empty(), "{errors:?} in\n{text}");
        assert_eq!(docs.len(), 1, "{text}");
        docs[0].root.as_ref().map_or(Value::Null, Node::to_json)
    }

    #[test]
    fn kubectl_layout() {
        let v = json!({
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": "web", "labels": {}},
            "spec": {"ports": [{"port": 80, "name": "http"}, {"port": 443}], "list": [], "nested": [[1, 2], "x"]},
            "data": {"script": "echo hi\necho bye\n", "raw": "a\nb", "mode": "0644", "flag": "yes", "ver": "1.10"},
        });
        let text = emit(&v);
        assert_eq!(
            text,
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n  labels: {}\nspec:\n  ports:\n  - port: 80\n    name: http\n  - port: 443\n  list: []\n  nested:\n  - - 1\n    - 2\n  - x\ndata:\n  script: |\n    echo hi\n    echo bye\n  raw: |-\n    a\n    b\n  mode: \"0644\"\n  flag: \"yes\"\n  ver: \"1.10\"\n"
        );
        assert_eq!(parse(&text), v);
    }

    #[test]
    fn quotes_exactly_when_needed() {
        for s in [
            "yes", "0644", "1.10", "", ": ", " lead", "trail ", "# c", "a #b", "*x", "&x", "!x",
            "|", ">", "%x", "@x", "`x", "-", "- x", "key:", "null", "~", "true", "12", "0x1F",
            ".inf", "<<", "---", "a\tb", "\u{0}", "'q", "\"q", "[a", "{a", "N",
        ] {
            assert!(needs_quotes(s), "{s:?}");
        }
        for s in [
            "web",
            "nginx:1.25",
            "a:b",
            "-x",
            "http://x",
            "a#b",
            "2024-01-01",
            "12Mi",
            "v1.10",
            "it's",
            "a \"b\"",
        ] {
            assert!(!needs_quotes(s), "{s:?}");
        }
    }

    #[test]
    fn block_scalars_keep_their_line_breaks() {
        for s in [
            "a\nb",
            "a\nb\n",
            "a\nb\n\n",
            "\na",
            "a\n\nb",
            "  lead\nx",
            "a\n  \nb",
            "\n",
            "\n\n",
            "x\r\ny",
        ] {
            let v = json!({"k": s, "l": [s]});
            assert_eq!(parse(&emit(&v)), v, "{s:?}\n{}", emit(&v));
        }
    }

    #[test]
    fn long_keys_use_explicit_key_syntax() {
        let k = "k".repeat(2000);
        for v in [
            json!({ k.clone(): 1 }),
            json!({ k.clone(): [1, {"a": "b"}] }),
            json!({ k.clone(): {"a": "x\ny"} }),
        ] {
            let text = emit(&v);
            assert!(text.starts_with("? "), "{text}");
            assert_eq!(parse(&text), v);
        }
    }

    #[test]
    fn scalars_at_the_top() {
        for v in [
            json!(null),
            json!("yes"),
            json!(1.5),
            json!(-3),
            json!({}),
            json!([]),
            json!("a\nb"),
        ] {
            assert_eq!(parse(&emit(&v)), v);
        }
    }

    mod roundtrip {
        use super::*;
        use proptest::prelude::*;

        fn arb_json() -> impl Strategy<Value = Value> {
            let leaf = prop_oneof![
                Just(Value::Null),
                any::<bool>().prop_map(Value::Bool),
                any::<i64>().prop_map(|i| json!(i)),
                any::<f64>()
                    .prop_filter("finite", |f| f.is_finite())
                    .prop_map(|f| json!(f)),
                any::<String>().prop_map(Value::String),
                "[ -~\\n\\t]{0,12}".prop_map(Value::String),
                prop::sample::select(vec![
                    "yes", "0644", "1.10", "on", "~", "", "- a", "a: b", "#", "1e3", "0x1F", ".5"
                ])
                .prop_map(|s| Value::String(s.to_string())),
            ];
            leaf.prop_recursive(4, 48, 6, |inner| {
                prop_oneof![
                    prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                    prop::collection::vec(("[ -~]{0,8}|\\PC{0,6}", inner), 0..6)
                        .prop_map(|entries| Value::Object(entries.into_iter().collect())),
                ]
            })
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(512))]
            #[test]
            fn parse_of_emit_is_identity(v in arb_json()) {
                let text = emit(&v);
                prop_assert_eq!(parse(&text), v, "{}", text);
            }
        }
    }
}
