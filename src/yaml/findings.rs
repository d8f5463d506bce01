//! The diagnostics the loader reports while building trees.

use super::resolve::Ambiguity;
use super::{Node, Value};
use crate::catalog::yaml::{AMBIGUOUS_SCALAR, SYNTAX, TOO_DEEP};
use crate::diag::Diagnostic;
use crate::source::Span;

/// go-yaml cannot decode a map or list used as a key (`{{name}}: x` in an unrendered template).
pub(crate) fn collection_key(key: &Node, text: &str) -> Diagnostic {
    let what = match key.value {
        Value::Map(_) => "a map",
        Value::Seq(_) => "a list",
        _ => "an alias to a map or list",
    };
    let help = if text.contains("{{") {
        "this is an unrendered template expression: render the template first"
    } else {
        "use a string as the key"
    };
    Diagnostic::new(
        &SYNTAX,
        format!("a map key must be a string, a number or a boolean, not {what}"),
    )
    .at(key.site(), format!("{what} used as a key"))
    .with_help(help)
}

pub(crate) fn too_deep(max_depth: usize, at: Span) -> Diagnostic {
    Diagnostic::new(
        &TOO_DEEP,
        format!("collections are nested more than {max_depth} levels deep (the depth limit)"),
    )
    .at(at, "the limit is reached here")
    .with_help("no Kubernetes manifest nests this deep; check that the file is generated correctly")
}

pub(crate) fn ambiguous(text: &str, a: Ambiguity, is_key: bool, span: Span) -> Diagnostic {
    let (seen, what) = match a {
        Ambiguity::Bool(b) => (b.to_string(), "the boolean"),
        Ambiguity::Octal(i) => (i.to_string(), "the octal number"),
        Ambiguity::Float(f) => (f.to_string(), "the number"),
    };
    let message = if is_key {
        format!(
            "key `{text}` is read as {what} {seen} by Kubernetes (YAML 1.1), so the key becomes \"{seen}\""
        )
    } else {
        format!(
            "`{text}` is read as {what} {seen} by Kubernetes (YAML 1.1), not as the text \"{text}\""
        )
    };
    let help = match a {
        _ if is_key => format!("quote the key (\"{text}\":) so it stays the text \"{text}\""),
        Ambiguity::Bool(_) => {
            format!("quote it (\"{text}\") if you mean text; write {seen} if you mean the boolean")
        }
        Ambiguity::Octal(_) => {
            format!(
                "quote it (\"{text}\") if you mean text; write {seen} (or 0o{}) if you mean the octal number",
                text.trim_start_matches(['-', '+', '0'])
            )
        }
        Ambiguity::Float(_) => {
            format!("quote it (\"{text}\") if you mean text; write {seen} if you mean the number")
        }
    };
    Diagnostic::new(&AMBIGUOUS_SCALAR, message)
        .at(span, format!("read as {seen}"))
        .with_help(help)
}
