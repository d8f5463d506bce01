//! `values.schema.json`: the merged values against the chart's schema, each subchart's schema
//! against its own section, findings at the values line (or `--set` argument) that gave the value.

use crate::catalog::values::{VALUES_SCHEMA, VALUES_SCHEMA_INVALID};
use crate::chart::Chart;
use crate::diag::Diagnostic;
use crate::source::{FileId, SourceMap, Span};
use crate::yaml::Node;

use super::json_schema::{JsonSchema, Kind};

/// Most findings reported per schema: a wholly wrong values file should not flood the output.
const MAX_FINDINGS: usize = 50;

pub fn check(chart: &Chart, values: &Node, sources: &SourceMap) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    check_chart(chart, values, sources, &mut diags, 0);
    diags
}

fn check_chart(
    chart: &Chart,
    values: &Node,
    sources: &SourceMap,
    diags: &mut Vec<Diagnostic>,
    depth: usize,
) {
    if let Some(file) = chart.schema_file {
        check_one(&chart.metadata.name, file, values, sources, diags);
    }
    if depth > 16 {
        return;
    }
    for sub in &chart.subcharts {
        // A subchart that has no section of its own sees its defaults only (already merged in).
        if let Some(section) = values.get(&sub.metadata.name) {
            check_chart(sub, section, sources, diags, depth + 1);
        }
    }
}

fn check_one(
    chart_name: &str,
    file: FileId,
    values: &Node,
    sources: &SourceMap,
    diags: &mut Vec<Diagnostic>,
) {
    let text = sources.text(file);
    let whole = Span::new(file, 0, 0);
    let schema: serde_json::Value = match serde_json::from_str(text) {
        Ok(s) => s,
        Err(e) => {
            let at = offset_of(text, e.line(), e.column());
            diags.push(
                Diagnostic::new(
                    &VALUES_SCHEMA_INVALID,
                    format!("values.schema.json of chart \"{chart_name}\" is not valid JSON: {e}"),
                )
                .at(Span::new(file, at, at), "here"),
            );
            return;
        }
    };
    let validator = match JsonSchema::compile(&schema) {
        Ok(v) => v,
        Err(e) => {
            diags.push(
                Diagnostic::new(
                    &VALUES_SCHEMA_INVALID,
                    format!("values.schema.json of chart \"{chart_name}\" is not a valid JSON Schema: {e}"),
                )
                .at(whole, ""),
            );
            return;
        }
    };
    let instance = values.to_json();
    for error in validator.validate(&instance).into_iter().take(MAX_FINDINGS) {
        let (node, key) = walk_pointer(values, &error.path);
        let field = if error.path.is_empty() {
            "values".to_string()
        } else {
            error.path.join(".")
        };
        let span = match &error.kind {
            // additionalProperties names the unexpected key: point at it when we can.
            Kind::AdditionalProperties(unexpected) => unexpected
                .first()
                .and_then(|k| node.entry(k))
                .map(|(k, _)| k.site())
                .unwrap_or(node.site()),
            Kind::Required(_) => key.map(Node::site).unwrap_or(node.site()),
            _ => node.site(),
        };
        let mut diag = Diagnostic::new(&VALUES_SCHEMA, format!("{field}: {}", error.message))
            .at(
                span,
                format!("fails values.schema.json of chart \"{chart_name}\""),
            )
            .with_label(Span::new(file, 0, 0), "schema");
        if !error.causes.is_empty() {
            diag = diag.with_note(error.causes_text());
        }
        diags.push(diag);
    }
}

/// The node a JSON Pointer names (as deep as it resolves) and the key node holding it.
fn walk_pointer<'n>(root: &'n Node, path: &[String]) -> (&'n Node, Option<&'n Node>) {
    let mut node = root;
    let mut key = None;
    for seg in path {
        if let Some(items) = node.as_seq() {
            match seg.parse::<usize>().ok().and_then(|i| items.get(i)) {
                Some(item) => {
                    node = item;
                    key = None;
                }
                None => break,
            }
            continue;
        }
        let found = node.as_map().and_then(|entries| {
            entries
                .iter()
                .rev()
                .find(|(k, _)| k.scalar_text().as_deref() == Some(seg.as_str()))
        });
        match found {
            Some((k, v)) => {
                key = Some(k);
                node = v;
            }
            None => break,
        }
    }
    (node, key)
}

fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut offset = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            return (offset + column.saturating_sub(1)).min(text.len());
        }
        offset += l.len();
    }
    text.len()
}
