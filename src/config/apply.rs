//! Applying the configuration and the in-source suppressions to a run's findings.

use super::Config;
use crate::diag::{Diagnostic, Severity};
use crate::object::Object;
use crate::source::{SourceMap, Span};
use std::collections::BTreeMap;

/// The annotation that suppresses rules on one object: `rule-a,rule-b` or `all`.
pub const IGNORE_ANNOTATION: &str = "kforge.dev/ignore";
/// The comment that suppresses rules on the next line: `# kforge-ignore: rule-a,rule-b`.
pub const IGNORE_COMMENT: &str = crate::source::IGNORE_MARK;

/// Called by the pipeline after every stage: drops findings of disabled rules (and of rules off
/// by default that were not enabled) and cluster findings that repeat a rules finding, applies
/// severity overrides, and marks findings suppressed
/// by an object annotation or a `# kforge-ignore:` comment (they are counted, never deleted).
/// Fatal findings are never dropped, downgraded or suppressed.
pub fn apply(
    config: &Config,
    objects: &[Object],
    sources: &SourceMap,
    diagnostics: &mut Vec<Diagnostic>,
) {
    diagnostics.retain(|d| d.severity == Severity::Fatal || config.is_enabled(d.rule));
    drop_cluster_repeats(diagnostics);
    fold_cluster_into_schema(diagnostics);
    // A custom resource without CRD: the schema stage cannot validate it, the cluster stage
    // cannot apply it; the apply failure is kept (with --no-cluster the schema warning stays).
    // The cluster stage reports each kind once, so the kind decides.
    drop_repeats(diagnostics, "cluster/no-crd", "schema/missing-crd", |d| {
        d.object
            .as_ref()
            .map(|o| (o.api_version.clone(), o.kind.clone()))
    });
    // An unquoted `yes` in an env value: the schema stage's type error (the API server rejects
    // it) makes the YAML stage's ambiguous-scalar warning at the same place redundant.
    drop_repeats(diagnostics, "schema/type", "yaml/ambiguous-scalar", |d| {
        d.primary.as_ref().map(|l| l.span)
    });
    // `rules/namespace` warns that a namespace may not exist; the cluster stage, which knows the
    // profile's namespaces, says it is missing. Both point at a `namespace:` value: the name
    // decides.
    drop_repeats(
        diagnostics,
        "cluster/namespace-not-found",
        "rules/namespace",
        |d| {
            d.primary
                .as_ref()
                .map(|p| sources.slice(p.span).trim_matches(['"', '\'']).to_string())
        },
    );
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
    // Before reading lines: a text dropped after parsing is not read again to find none.
    if !file.may_hold_ignore_mark() {
        return false;
    }
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

/// The same API-server check can run twice: in the rules stage, which labels every place
/// involved, and in the cluster stage's dry-run apply (`rules/nodeport` and
/// `cluster/nodeport-range`, `rules/workload-selector` and `cluster/invalid`). Keeps the rules
/// finding and drops the cluster finding with the same object, field path and detail, so one
/// mistake gives one finding.
fn drop_cluster_repeats(diagnostics: &mut Vec<Diagnostic>) {
    let said: std::collections::BTreeSet<(String, String, String, String)> = diagnostics
        .iter()
        .filter(|d| d.rule.id.starts_with("rules/"))
        .filter_map(|d| {
            let o = d.object.as_ref()?;
            let (path, detail) = invalid_key(&d.message)?;
            Some((
                o.kind.clone(),
                o.name.clone(),
                path.to_string(),
                detail.to_string(),
            ))
        })
        .collect();
    if said.is_empty() {
        return;
    }
    diagnostics.retain(|d| {
        if !d.rule.id.starts_with("cluster/") {
            return true;
        }
        let Some(o) = d.object.as_ref() else {
            return true;
        };
        let Some((path, detail)) = invalid_key(&d.message) else {
            return true;
        };
        !said.contains(&(
            o.kind.clone(),
            o.name.clone(),
            path.to_string(),
            detail.to_string(),
        ))
    });
}

/// The schema stage and the cluster stage's API-server validation can both see one field's
/// mistake (an enum typo: `schema/enum` and `cluster/invalid`; a duplicate containerPort:
/// `schema/duplicate-list-key` and `cluster/api-warning`). The schema finding is kept (it knows
/// the field's schema); the cluster finding is dropped, its wording kept as a note when it says
/// something else.
fn fold_cluster_into_schema(diagnostics: &mut Vec<Diagnostic>) {
    type FieldKey = (String, Option<String>, String, String);
    let key = |d: &Diagnostic| -> Option<FieldKey> {
        let o = d.object.as_ref()?;
        let path = if d.rule.id.starts_with("schema/") {
            d.message.split_once(": ")?.0
        } else if d.rule.id == "cluster/invalid" {
            invalid_key(&d.message)?.0
        } else if d.rule.id == "cluster/api-warning" {
            d.message.strip_prefix("Warning: ")?.split_once(": ")?.0
        } else {
            return None;
        };
        // Only a field path (`spec.ports[0].port`) identifies a field.
        if path.contains(' ') || !path.contains(['.', '[']) {
            return None;
        }
        Some((
            o.kind.clone(),
            o.namespace.clone(),
            o.name.clone(),
            path.to_string(),
        ))
    };
    let schema: BTreeMap<FieldKey, usize> = diagnostics
        .iter()
        .enumerate()
        .filter(|(_, d)| d.rule.id.starts_with("schema/"))
        .filter_map(|(i, d)| Some((key(d)?, i)))
        .collect();
    if schema.is_empty() {
        return;
    }
    let mut notes: Vec<(usize, String)> = Vec::new();
    let mut drop = vec![false; diagnostics.len()];
    for (i, d) in diagnostics.iter().enumerate() {
        if d.severity == Severity::Fatal || !d.rule.id.starts_with("cluster/") {
            continue;
        }
        let Some(&at) = key(d).as_ref().and_then(|k| schema.get(k)) else {
            continue;
        };
        if let Some(flag) = drop.get_mut(i) {
            *flag = true;
        }
        let detail = d.message.rsplit(": ").next().unwrap_or("");
        let said = diagnostics
            .get(at)
            .is_some_and(|s| s.message.ends_with(detail));
        if !said {
            notes.push((at, format!("the API server says: {}", d.message)));
        }
    }
    for (at, note) in notes {
        if let Some(d) = diagnostics.get_mut(at) {
            d.notes.push(note);
        }
    }
    let mut flags = drop.into_iter();
    diagnostics.retain(|_| !flags.next().unwrap_or(false));
}

/// `(field path, detail)` of an API-server style message
/// (`… is invalid: spec.ports[0].nodePort: Invalid value: 80: provided port is …`).
fn invalid_key(message: &str) -> Option<(&str, &str)> {
    let (_, rest) = message.split_once(" is invalid: ")?;
    let path = rest.split(": ").next()?;
    let detail = rest.rsplit(": ").next()?;
    Some((path, detail))
}

/// Drops `repeat` findings that share their `key` with a `kept` finding: two stages saying the
/// same thing about one mistake.
fn drop_repeats<K: Ord>(
    diagnostics: &mut Vec<Diagnostic>,
    kept: &str,
    repeat: &str,
    key: impl Fn(&Diagnostic) -> Option<K>,
) {
    let keys: std::collections::BTreeSet<K> = diagnostics
        .iter()
        .filter(|d| d.rule.id == kept)
        .filter_map(&key)
        .collect();
    if keys.is_empty() {
        return;
    }
    diagnostics.retain(|d| d.rule.id != repeat || !key(d).is_some_and(|k| keys.contains(&k)));
}
