//! minijinja errors → diagnostics at the template line and column, with the include chain as
//! secondary labels and a did-you-mean for undefined values.

use std::collections::BTreeMap;

use minijinja::ErrorKind;

use super::shared::Issue;
use crate::catalog::render as catalog;
use crate::diag::{Diagnostic, Rule, did_you_mean};
use crate::source::{FileId, SourceMap, Span};

/// What a template name means to the error mapper.
pub struct Lookup<'a> {
    pub sources: &'a SourceMap,
    pub files: &'a BTreeMap<String, FileId>,
}

/// The errors of a chain, outermost first, and the kforge issue at its end if any.
fn chain(err: &minijinja::Error) -> (Vec<&minijinja::Error>, Option<Issue>) {
    let mut errors = vec![err];
    let mut issue = None;
    let mut cur: &(dyn std::error::Error + 'static) = err;
    while let Some(next) = cur.source() {
        if let Some(e) = next.downcast_ref::<minijinja::Error>() {
            errors.push(e);
        } else if let Some(i) = next.downcast_ref::<Issue>() {
            issue = Some(*i);
        }
        cur = next;
    }
    (errors, issue)
}

fn span_of(err: &minijinja::Error, lookup: &Lookup) -> Option<Span> {
    let file = *lookup.files.get(err.name()?)?;
    let text = lookup.sources.text(file);
    if let Some(r) = err.range()
        && r.end <= text.len()
    {
        return Some(Span::new(file, r.start, r.end));
    }
    let line = u32::try_from(err.line()?.checked_sub(1)?).ok()?;
    let (s, e) = lookup.sources.get(file)?.line_range(line)?;
    let line_text = text.get(s as usize..e as usize).unwrap_or("");
    let indent = line_text.len() - line_text.trim_start().len();
    Some(Span::new(file, s as usize + indent, e as usize))
}

/// The expression named in an undefined error's detail: "`values.a.b` is undefined ...".
fn undefined_expr(detail: &str) -> Option<&str> {
    let start = detail.find('`')? + 1;
    let len = detail.get(start..)?.find('`')?;
    detail.get(start..start + len)
}

/// Widens a span to the whole expression when it appears on the same line (minijinja points at
/// the failing attribute or filter only).
fn widen_to(sources: &SourceMap, span: Span, expr: &str) -> Span {
    let Some(file) = sources.get(span.file) else {
        return span;
    };
    let (line, _) = file.line_col(span.start);
    let Some((ls, le)) = file.line_range(line) else {
        return span;
    };
    let text = file.text().get(ls as usize..le as usize).unwrap_or("");
    let mut best: Option<usize> = None;
    for (i, _) in text.match_indices(expr) {
        let start = ls as usize + i;
        let end = start + expr.len();
        let overlaps = start <= span.end as usize && end >= span.start as usize;
        if overlaps || best.is_none() {
            best = Some(start);
            if overlaps {
                break;
            }
        }
    }
    match best {
        Some(start) => Span::new(span.file, start, start + expr.len()),
        None => span,
    }
}

/// Help for an undefined `a.b.c`: did-you-mean over the keys that exist where the path stops.
pub fn undefined_help(
    expr: &str,
    root: &serde_json::Map<String, serde_json::Value>,
) -> Option<String> {
    let segments: Vec<&str> = expr.split('.').collect();
    if segments.iter().any(|s| {
        s.is_empty()
            || !s
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
    }) {
        return None;
    }
    let mut level = root;
    let mut path: Vec<&str> = Vec::new();
    for seg in &segments {
        match level.get(*seg) {
            Some(serde_json::Value::Object(m)) => {
                level = m;
                path.push(seg);
            }
            Some(_) => return None,
            None => {
                let keys = level.keys().map(String::as_str);
                let prefix = if path.is_empty() {
                    String::new()
                } else {
                    format!("{}.", path.join("."))
                };
                if let Some(best) = did_you_mean(seg, keys) {
                    return Some(format!("did you mean `{prefix}{best}`?"));
                }
                if path.is_empty() {
                    return None;
                }
                let mut names: Vec<&str> = level.keys().map(String::as_str).take(12).collect();
                names.sort_unstable();
                return Some(if names.is_empty() {
                    format!(
                        "`{}` is empty; set `{prefix}{seg}` in the values, or test it with `is defined`",
                        path.join(".")
                    )
                } else {
                    format!("`{}` has: {}", path.join("."), names.join(", "))
                });
            }
        }
    }
    None
}

/// Helper names a chart can use (kforge's and minijinja's common ones), for did-you-mean on an
/// unknown filter, test or function (Helm habits such as `toYaml` or `semverCompare`).
const HELPERS: &[&str] = &[
    "toyaml",
    "tojson",
    "fromyaml",
    "fromjson",
    "b64enc",
    "b64dec",
    "sha256sum",
    "indent",
    "nindent",
    "quote",
    "squote",
    "required",
    "fail",
    "default",
    "trunc",
    "trimsuffix",
    "trimprefix",
    "lower",
    "upper",
    "title",
    "replace",
    "contains",
    "hasprefix",
    "hassuffix",
    "semver_compare",
    "dict",
    "list",
    "merge",
    "keys",
    "haskey",
    "pluck",
    "append",
    "uniq",
    "compact",
    "without",
    "coalesce",
    "ternary",
    "empty",
    "regex_match",
    "regex_replace",
    "lookup",
    "include",
    "tpl",
    "range",
    "has",
    "trim",
    "join",
    "split",
    "first",
    "last",
    "length",
    "int",
    "float",
    "string",
    "items",
    "sort",
    "unique",
    "map",
    "select",
    "reject",
    "selectattr",
    "rejectattr",
    "round",
    "abs",
    "min",
    "max",
    "sum",
    "reverse",
    "capitalize",
    "format",
    "dictsort",
    "defined",
    "undefined",
    "none",
    "number",
];

/// Help for an unknown filter, test or function: the helper it most likely means.
fn unknown_helper_help(detail: &str) -> Option<String> {
    let name = detail.strip_suffix(" is unknown")?;
    let name = name
        .strip_prefix("filter ")
        .or_else(|| name.strip_prefix("test "))
        .unwrap_or(name);
    let best = did_you_mean(&name.replace('_', ""), HELPERS.iter().copied())
        .or_else(|| did_you_mean(name, HELPERS.iter().copied()))?;
    Some(format!("did you mean `{best}`?"))
}

/// The diagnostic for a failed render, or `None` when the problem was already reported.
pub fn diagnostic(
    err: &minijinja::Error,
    lookup: &Lookup,
    root: &serde_json::Map<String, serde_json::Value>,
    output_limit: Option<usize>,
    template: Option<FileId>,
) -> Option<Diagnostic> {
    let (errors, issue) = chain(err);
    if issue == Some(Issue::Reported) {
        return None;
    }
    let innermost = *errors.last()?;
    let positioned: Vec<(Span, &minijinja::Error)> = errors
        .iter()
        .filter_map(|e| span_of(e, lookup).map(|s| (s, *e)))
        .collect();
    let detail = innermost
        .detail()
        .map(str::to_string)
        .unwrap_or_else(|| innermost.kind().to_string());
    let recursion = detail.contains("recursion limit exceeded");
    let (rule, message): (&'static Rule, String) = match (issue, innermost.kind()) {
        (Some(Issue::Required), _) => (&catalog::REQUIRED, detail.clone()),
        (Some(Issue::Fail), _) => (&catalog::FAIL, detail.clone()),
        (Some(Issue::Limit), _) => (&catalog::LIMIT, detail.clone()),
        (_, ErrorKind::OutOfFuel) => (
            &catalog::LIMIT,
            "the template does too much work (loop or recursion too large)".to_string(),
        ),
        (_, ErrorKind::WriteFailure) if output_limit.is_some() => (
            &catalog::LIMIT,
            format!(
                "the rendered output exceeds {} bytes",
                output_limit.unwrap_or_default()
            ),
        ),
        (_, ErrorKind::InvalidOperation) if recursion => (
            &catalog::LIMIT,
            "recursion limit exceeded (a macro or include calls itself without end?)".to_string(),
        ),
        (_, ErrorKind::SyntaxError) => (&catalog::SYNTAX, format!("syntax error: {detail}")),
        (_, ErrorKind::UndefinedError) => match undefined_expr(&detail) {
            Some(expr) => (&catalog::UNDEFINED, format!("`{expr}` is undefined")),
            None => (&catalog::UNDEFINED, detail.clone()),
        },
        (_, kind) => (
            &catalog::ERROR,
            if innermost.detail().is_some() {
                format!("{kind}: {detail}")
            } else {
                detail.clone()
            },
        ),
    };
    let mut diag = Diagnostic::new(rule, message);
    let Some(((primary_span, _), outer)) = positioned.split_last() else {
        return Some(match template {
            Some(file) => diag.at(Span::new(file, 0, 0), "in this template"),
            None => diag,
        });
    };
    let mut primary_span = *primary_span;
    let expr = if rule.id == catalog::UNDEFINED.id {
        undefined_expr(&detail)
    } else {
        None
    };
    if let Some(expr) = expr {
        primary_span = widen_to(lookup.sources, primary_span, expr);
    }
    let label = match rule.id {
        "render/undefined" => "not defined",
        "render/syntax" => "here",
        "render/required" => "required value missing",
        "render/fail" => "fail called here",
        "render/limit" => "limit reached here",
        _ => "failed here",
    };
    diag = diag.at(primary_span, label);
    for (span, _) in outer.iter().rev() {
        if *span != primary_span {
            diag = diag.with_label(*span, "called from here");
        }
    }
    if matches!(
        innermost.kind(),
        ErrorKind::UnknownFilter | ErrorKind::UnknownTest | ErrorKind::UnknownFunction
    ) {
        if let Some(help) = unknown_helper_help(&detail) {
            diag = diag.with_help(help);
        }
    } else if let Some(help) = expr.and_then(|e| undefined_help(e, root)) {
        diag = diag.with_help(help);
    } else if rule.id == catalog::UNDEFINED.id {
        diag = diag.with_help("define it in the values, test it with `{% if x is defined %}`, or use `x | default(...)`");
    }
    Some(diag)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The did-you-mean list must only suggest helpers that exist: each name is known to the
    /// environment as a filter, a function or a test.
    #[test]
    fn suggested_helpers_are_registered() {
        let env =
            super::super::env::new(&std::sync::Arc::new(super::super::shared::Shared::default()));
        for name in HELPERS {
            let known = [
                format!("{{{{ 1 | {name} }}}}"),
                format!("{{{{ {name}() }}}}"),
                format!("{{{{ 1 is {name} }}}}"),
            ]
            .iter()
            .any(|t| match env.render_str(t, ()) {
                Ok(_) => true,
                Err(e) => !matches!(
                    e.kind(),
                    ErrorKind::UnknownFilter | ErrorKind::UnknownFunction | ErrorKind::UnknownTest
                ),
            });
            assert!(known, "{name} is suggested but not registered");
        }
    }

    #[test]
    fn unknown_helpers_suggest_the_kforge_name() {
        assert_eq!(
            unknown_helper_help("filter toYaml is unknown").as_deref(),
            Some("did you mean `toyaml`?")
        );
        assert_eq!(
            unknown_helper_help("semverCompare is unknown").as_deref(),
            Some("did you mean `semver_compare`?")
        );
        assert_eq!(
            unknown_helper_help("test hasPrefix is unknown").as_deref(),
            Some("did you mean `hasprefix`?")
        );
        assert_eq!(unknown_helper_help("zzzzzzzz is unknown"), None);
    }

    #[test]
    fn help_names_the_closest_key_at_the_deepest_level() {
        let root = serde_json::json!({"values": {"image": {"tag": "1", "repository": "x"}}});
        let root = root.as_object().cloned().unwrap_or_default();
        assert_eq!(
            undefined_help("values.image.tagg", &root).as_deref(),
            Some("did you mean `values.image.tag`?")
        );
        assert_eq!(
            undefined_help("values.imag.tag", &root).as_deref(),
            Some("did you mean `values.image`?")
        );
        assert_eq!(
            undefined_help("valuse.image", &root).as_deref(),
            Some("did you mean `valuse`?").map(|_| "did you mean `values`?")
        );
        assert_eq!(
            undefined_help("values.image.zzzzzz", &root).as_deref(),
            Some("`values.image` has: repository, tag")
        );
    }
}
