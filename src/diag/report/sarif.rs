//! `--format sarif`: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.
//!
//! - `tool.driver.rules` is the whole rule registry (plus any rule a finding uses that is not
//!   registered), each with its summary, rationale, docs link and default level.
//! - Results point at the template file and line (`physicalLocation`), with paths relative to
//!   `ReportOptions::sarif_root` under the `%SRCROOT%` base id; secondary labels are
//!   `relatedLocations`; the object is a `logicalLocation`.
//! - `partialFingerprints` hash the rule, file, object and message, not line numbers, so code
//!   scanning keeps tracking a finding when lines above it move.
//! - Suppressed findings are included with a `suppressions` entry, as SARIF intends.
//! - With a values matrix, the run's `properties.configurations` lists the configurations and
//!   each result's `properties.configurations` those it holds in; a result that holds in some
//!   only also says which in its message (viewers show the message, not property bags). The
//!   fingerprint does not change with the configurations.

use std::collections::BTreeMap;
use std::io;
use std::path::{Component, Path, PathBuf};

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::{ReportOptions, only_in_line, primary_location, rules_doc::rule_doc_url};
use crate::Run;
use crate::diag::{Diagnostic, Rule, Severity};
use crate::source::Location;

pub(super) const INFORMATION_URI: &str = "https://github.com/kforge-dev/kforge";
const FINGERPRINT_KEY: &str = "kforge/v1";

pub(super) fn write(run: &Run, options: &ReportOptions, out: &mut dyn io::Write) -> io::Result<()> {
    let doc = document(run, options, &crate::diag::registry::all());
    let text = serde_json::to_string_pretty(&doc).map_err(io::Error::other)?;
    out.write_all(text.as_bytes())?;
    out.write_all(b"\n")
}

/// The SARIF log for `run`, with `registry` as the rule table (tests pass a fixed one).
pub(super) fn document(run: &Run, options: &ReportOptions, registry: &[&'static Rule]) -> Value {
    let mut rules: Vec<&'static Rule> = registry.to_vec();
    let mut extra: Vec<&'static Rule> = Vec::new();
    for d in &run.diagnostics {
        if !rules.iter().chain(&extra).any(|r| r.id == d.rule.id) {
            extra.push(d.rule);
        }
    }
    extra.sort_by_key(|r| r.id);
    rules.extend(extra);
    let index: BTreeMap<&str, usize> = rules.iter().enumerate().map(|(i, r)| (r.id, i)).collect();
    let root = options.sarif_root.as_deref();
    let results: Vec<Value> = run
        .diagnostics
        .iter()
        .map(|d| result(run, d, index.get(d.rule.id).copied(), root))
        .collect();
    let mut doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "kforge",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": INFORMATION_URI,
                    "rules": rules.iter().map(|r| rule(r)).collect::<Vec<_>>(),
                }
            },
            "invocations": [{ "executionSuccessful": !run.has_fatal() }],
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    if !run.configurations.is_empty()
        && let Some(first) = doc.pointer_mut("/runs/0").and_then(Value::as_object_mut)
    {
        first.insert(
            "properties".into(),
            json!({ "configurations": run.configurations }),
        );
    }
    doc
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Fatal | Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn rule(r: &Rule) -> Value {
    let markdown = format!(
        "{}\n\nFailing:\n\n```yaml\n{}```\n\nPassing:\n\n```yaml\n{}```\n",
        r.rationale, r.failing, r.passing
    );
    json!({
        "id": r.id,
        "name": pascal_case(r.id),
        "shortDescription": { "text": r.summary },
        "fullDescription": { "text": r.rationale },
        "helpUri": rule_doc_url(r.id),
        "help": { "text": r.rationale, "markdown": markdown },
        "defaultConfiguration": { "level": level(r.severity), "enabled": r.default_enabled },
        "properties": { "tags": [r.id.split('/').next().unwrap_or(r.id)] },
    })
}

/// `rules/service-target-port` → `RulesServiceTargetPort`: SARIF wants an identifier-like name.
fn pascal_case(id: &str) -> String {
    id.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

fn result(run: &Run, d: &Diagnostic, rule_index: Option<usize>, root: Option<&Path>) -> Value {
    let mut text = d.message.clone();
    if let Some(help) = &d.help {
        text.push_str("\nhelp: ");
        text.push_str(help);
    }
    if let Some(line) = only_in_line(d) {
        text.push('\n');
        text.push_str(&line);
    }
    let loc = primary_location(run, d);
    let mut result = json!({
        "ruleId": d.rule.id,
        "level": level(d.severity),
        "message": { "text": text },
    });
    let Some(map) = result.as_object_mut() else {
        return result;
    };
    if let Some(i) = rule_index {
        map.insert("ruleIndex".into(), json!(i));
    }
    if let Some(loc) = &loc {
        let mut location = json!({ "physicalLocation": physical(loc, root) });
        if let (Some(o), Some(l)) = (&d.object, location.as_object_mut()) {
            let qualified = match &o.namespace {
                Some(ns) => format!("{}/{}/{}", o.kind, ns, o.name),
                None => format!("{}/{}", o.kind, o.name),
            };
            l.insert(
                "logicalLocations".into(),
                json!([{ "name": o.name, "fullyQualifiedName": qualified, "kind": "resource" }]),
            );
        }
        map.insert("locations".into(), json!([location]));
    }
    if !d.secondary.is_empty() {
        let related: Vec<Value> = d
            .secondary
            .iter()
            .enumerate()
            .map(|(i, l)| {
                json!({
                    "id": i,
                    "physicalLocation": physical(&run.sources.locate(l.span), root),
                    "message": { "text": l.message },
                })
            })
            .collect();
        map.insert("relatedLocations".into(), json!(related));
    }
    let path = loc
        .as_ref()
        .map(|l| uri(&l.path, root).0)
        .unwrap_or_default();
    map.insert(
        "partialFingerprints".into(),
        json!({ FINGERPRINT_KEY: fingerprint(d, &path) }),
    );
    if d.suppressed {
        map.insert("suppressions".into(), json!([{ "kind": "external" }]));
    }
    if let Some(within) = &d.configurations {
        map.insert(
            "properties".into(),
            json!({ "configurations": within.holds }),
        );
    }
    result
}

fn physical(loc: &Location, root: Option<&Path>) -> Value {
    let (uri, relative) = uri(&loc.path, root);
    let artifact = if relative {
        json!({ "uri": uri, "uriBaseId": "%SRCROOT%" })
    } else {
        json!({ "uri": uri })
    };
    json!({
        "artifactLocation": artifact,
        "region": {
            "startLine": loc.line,
            "startColumn": loc.column,
            "endLine": loc.end_line,
            "endColumn": loc.end_column,
        }
    })
}

/// Stable across line moves: rule, file, object and message, never positions.
fn fingerprint(d: &Diagnostic, path: &str) -> String {
    let mut hasher = Sha256::new();
    for part in [d.rule.id, path] {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    if let Some(o) = &d.object {
        for part in [
            &o.api_version,
            &o.kind,
            o.namespace.as_deref().unwrap_or(""),
            &o.name,
        ] {
            hasher.update(part.as_bytes());
            hasher.update([0]);
        }
    }
    hasher.update(d.message.as_bytes());
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The URI of a reported path and whether it is relative (to `%SRCROOT%`). With a root, the path
/// is made relative to it when it lies inside and becomes an absolute `file://` URI otherwise;
/// without one, paths are used as given.
pub(super) fn uri(path: &str, root: Option<&Path>) -> (String, bool) {
    let given = Path::new(path);
    let chosen = match root {
        Some(root) => {
            let abs = normalize(&absolute(given));
            match abs.strip_prefix(normalize(&absolute(root))) {
                Ok(rel) => rel.to_path_buf(),
                Err(_) => abs,
            }
        }
        None => normalize(given),
    };
    let text = chosen.to_string_lossy().replace('\\', "/");
    if chosen.is_absolute() {
        (format!("file://{}", percent_encode(&text)), false)
    } else {
        (percent_encode(&text), true)
    }
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Removes `.` and resolves `..` lexically (paths in reports need not exist on this machine).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                let can_pop = matches!(out.components().next_back(), Some(Component::Normal(_)));
                if !can_pop || !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Percent-encodes what may not appear in a URI path (RFC 3986 unreserved characters, `/` and a
/// few sub-delimiters stay).
fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
