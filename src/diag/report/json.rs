//! `--format json`: one document with every finding and a summary. Pretty-printed, ending in a
//! newline. Suppressed findings are included with `"suppressed": true` (tools filter them);
//! they are not counted as errors or warnings.
//!
//! The fields are stable: new fields may be added, none is renamed or removed within `version` 1.
//!
//! | Field | Type | Meaning |
//! |---|---|---|
//! | `version` | number | Format version, `1` |
//! | `findings[]` | array | Every finding, sorted by file, line and column |
//! | `findings[].rule` | string | Rule id, `<stage>/<name>` (`kforge rules ID` explains it) |
//! | `findings[].severity` | string | `fatal` (could not run), `error`, `warning` or `info` |
//! | `findings[].message` | string | What is wrong, naming the objects involved |
//! | `findings[].file` | string or null | File reported at: the template for rendered output; null when the finding is about the whole run |
//! | `findings[].line`, `.column` | number or null | 1-based start; columns count characters |
//! | `findings[].end_line`, `.end_column` | number or null | 1-based end, exclusive column |
//! | `findings[].help` | string or null | How to fix it |
//! | `findings[].notes` | array of strings | Extra explanation |
//! | `findings[].labels[]` | array | Other places involved: `file`, `line`, `column`, `end_line`, `end_column`, `message` |
//! | `findings[].object` | object or null | The Kubernetes object: `apiVersion`, `kind`, `namespace` (null when not set), `name` |
//! | `findings[].suppressed` | bool | A suppression (annotation, comment, config) matched |
//! | `findings[].configurations` | array of strings | When a values matrix ran: the configurations the finding holds in (a finding identical in several is listed once); empty otherwise |
//! | `configurations` | array of strings | The configurations of a values matrix, in order: `defaults`, then each matrix values file; empty without a matrix |
//! | `summary` | object | `errors` (fatal included), `warnings`, `infos`, `suppressed`, `objects` (of every configuration), `files`, `configurations` (counts; suppressed findings only in `suppressed`; 1 configuration without a matrix) |

use std::io;

use serde_json::{Value, json};

use super::{Summary, primary_location};
use crate::Run;
use crate::diag::{Diagnostic, ObjectRef};
use crate::source::Location;

pub(super) fn write(run: &Run, out: &mut dyn io::Write) -> io::Result<()> {
    let text = serde_json::to_string_pretty(&document(run)).map_err(io::Error::other)?;
    out.write_all(text.as_bytes())?;
    out.write_all(b"\n")
}

/// The JSON document as a value (also used by tests).
pub(super) fn document(run: &Run) -> Value {
    let s = Summary::of(run);
    json!({
        "version": 1,
        "findings": run.diagnostics.iter().map(|d| finding(run, d)).collect::<Vec<_>>(),
        "configurations": run.configurations,
        "summary": {
            "errors": s.errors,
            "warnings": s.warnings,
            "infos": s.infos,
            "suppressed": s.suppressed,
            "objects": s.objects,
            "files": s.files,
            "configurations": s.configurations,
        },
    })
}

fn finding(run: &Run, d: &Diagnostic) -> Value {
    let loc = primary_location(run, d);
    json!({
        "rule": d.rule.id,
        "severity": d.severity.as_str(),
        "message": d.message,
        "file": loc.as_ref().map(|l| l.path.clone()),
        "line": loc.as_ref().map(|l| l.line),
        "column": loc.as_ref().map(|l| l.column),
        "end_line": loc.as_ref().map(|l| l.end_line),
        "end_column": loc.as_ref().map(|l| l.end_column),
        "help": d.help,
        "notes": d.notes,
        "labels": d.secondary.iter().map(|l| label(&run.sources.locate(l.span), &l.message)).collect::<Vec<_>>(),
        "object": d.object.as_ref().map(object),
        "suppressed": d.suppressed,
        "configurations": d.configurations.as_ref().map_or(&[][..], |c| &c.holds[..]),
    })
}

fn label(loc: &Location, message: &str) -> Value {
    json!({
        "file": loc.path,
        "line": loc.line,
        "column": loc.column,
        "end_line": loc.end_line,
        "end_column": loc.end_column,
        "message": message,
    })
}

fn object(o: &ObjectRef) -> Value {
    json!({
        "apiVersion": o.api_version,
        "kind": o.kind,
        "namespace": o.namespace,
        "name": o.name,
    })
}
