//! Applying the configuration and the in-source suppressions to a run's findings.

use super::Config;
use crate::diag::{Diagnostic, Severity};
use crate::object::Object;
use crate::source::{SourceMap, Span};
use std::collections::BTreeMap;

/// The annotation that suppresses rules on one object: `rule-a,rule-b` or `all`.
pub const IGNORE_ANNOTATION: &str = "kforge.dev/ignore";
/// The comment that suppresses rules on the next line: `# kforge-ignore: rule-a,rule-b`.
pub const IGNORE_COMMENT: &str = "kforge-ignore:";

/// Called by the pipeline after every stage: drops findings of disabled rules (and of rules off
/// by default that were not enabled), applies severity overrides, and marks findings suppressed
/// by an object annotation or a `# kforge-ignore:` comment (they are counted, never deleted).
/// Fatal findings are never dropped, downgraded or suppressed.
pub fn apply(
    config: &Config,
    objects: &[Object],
    sources: &SourceMap,
    diagnostics: &mut Vec<Diagnostic>,
) {
    diagnostics.retain(|d| d.severity == Severity::Fatal || config.is_enabled(d.rule));
    let by_ref: BTreeMap<(&str, Option<&str>, &str), &Object> = objects
        .iter()
        .rev()
        .map(|o| {
            (
                (o.kind.as_str(), o.namespace.as_deref(), o.name.as_str()),
                o,
            )
        })
        .collect();
    for d in diagnostics.iter_mut() {
        if d.severity == Severity::Fatal {
            continue;
        }
        if let Some(&s) = config.severity.get(d.rule.id) {
            d.severity = s;
        }
        let object = d
            .object
            .as_ref()
            .and_then(|r| {
                by_ref
                    .get(&(r.kind.as_str(), r.namespace.as_deref(), r.name.as_str()))
                    .copied()
            })
            .or_else(|| d.primary.as_ref().and_then(|p| containing(objects, p.span)));
        if object.is_some_and(|o| annotation_ignores(o, d.rule.id)) {
            d.suppressed = true;
            continue;
        }
        if let Some(p) = &d.primary
            && (comment_ignores(sources, p.span, d.rule.id)
                || comment_ignores(sources, sources.resolve(p.span), d.rule.id))
        {
            d.suppressed = true;
        }
    }
}

fn containing(objects: &[Object], span: Span) -> Option<&Object> {
    objects
        .iter()
        .find(|o| o.span.file == span.file && o.span.start <= span.start && span.end <= o.span.end)
}

fn lists(list: &str, rule: &str) -> bool {
    list.split(',')
        .map(str::trim)
        .any(|r| r == rule || r == "all")
}

fn annotation_ignores(obj: &Object, rule: &str) -> bool {
    obj.string_map("annotations")
        .iter()
        .any(|(k, v)| *k == IGNORE_ANNOTATION && lists(v, rule))
}

/// Whether the comment lines right above the span's line carry `# kforge-ignore:` for `rule`.
fn comment_ignores(sources: &SourceMap, span: Span, rule: &str) -> bool {
    let Some(file) = sources.get(span.file) else {
        return false;
    };
    let (mut line, _) = file.line_col(span.start);
    while line > 0 {
        line -= 1;
        let text = file.line_text(line).trim();
        let Some(comment) = text.strip_prefix('#') else {
            return false;
        };
        if let Some(list) = comment.trim().strip_prefix(IGNORE_COMMENT)
            && lists(list, rule)
        {
            return true;
        }
    }
    false
}
