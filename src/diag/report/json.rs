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
//! | `findings[].line`, `.column` | number or null | 1-based start; columns count characters. Null in a `# Source:` section of a rendered stream (`helm template … \| kforge lint -`): `file` names the template, whose lines kforge does not have, and the message says the line of its rendered output |
//! | `findings[].end_line`, `.end_column` | number or null | 1-based end, exclusive column |
//! | `findings[].help` | string or null | How to fix it |
//! | `findings[].notes` | array of strings | Extra explanation |
//! | `findings[].labels[]` | array | Other places involved: `file`, `line`, `column`, `end_line`, `end_column`, `message` |
//! | `findings[].object` | object or null | The Kubernetes object: `apiVersion`, `kind`, `namespace` (null when not set), `name` |
//! | `findings[].suppressed` | bool | A suppression (annotation, comment, config) matched |
//! | `findings[].configurations` | array of strings | When a values matrix ran: the configurations the finding holds in (a finding identical in several is listed once); empty otherwise |
//! | `configurations` | array of strings | The configurations of a values matrix, in order: `defaults`, then each matrix values file; empty without a matrix |
//! | `runs[]` | array | Only when the inputs were checked as several runs (each PATH is one, see `kforge lint --help`): in order, each with `inputs` (the PATHs), `findings` (how many of `findings[]`, which lists the runs' findings one run after another) and its own `summary` |
//! | `summary` | object | `errors` (fatal included), `warnings`, `infos`, `suppressed`, `objects`, `files`, `skipped` (YAML files of a folder walk without Kubernetes objects), `configurations` (counts; suppressed findings only in `suppressed`) |

use std::io;

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::{Value, json};

use super::{Summary, at_span, has_true_line, message, primary_location};
use crate::Run;
use crate::diag::{Diagnostic, ObjectRef};
use crate::source::Location;

pub(super) fn write(run: &Run, out: &mut dyn io::Write) -> io::Result<()> {
    let mut serializer = serde_json::Serializer::pretty(&mut *out);
    Document(run)
        .serialize(&mut serializer)
        .map_err(io::Error::other)?;
    out.write_all(b"\n")
}

/// The JSON document, written as it is serialized: one finding's value at a time, never the
/// whole document (a tree of every finding, then its text) in memory (issue 19). The bytes are
/// those of the document as one `serde_json::Value`, pretty-printed.
struct Document<'a>(&'a Run);

impl Serialize for Document<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let run = self.0;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("version", &1)?;
        map.serialize_entry("findings", &Findings(run))?;
        map.serialize_entry("configurations", &run.configurations)?;
        map.serialize_entry("summary", &counts(&Summary::of(run)))?;
        if run.parts.len() > 1 {
            let runs: Vec<Value> = run
                .parts
                .iter()
                .map(|part| {
                    json!({
                        "inputs": part.inputs,
                        "findings": part.findings.len(),
                        "summary": counts(&Summary::of_part(run, part)),
                    })
                })
                .collect();
            map.serialize_entry("runs", &runs)?;
        }
        map.end()
    }
}

struct Findings<'a>(&'a Run);

impl Serialize for Findings<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let run = self.0;
        let mut seq = serializer.serialize_seq(Some(run.diagnostics.len()))?;
        for d in &run.diagnostics {
            seq.serialize_element(&finding(run, d))?;
        }
        seq.end()
    }
}

fn counts(s: &Summary) -> Value {
    json!({
        "errors": s.errors,
        "warnings": s.warnings,
        "infos": s.infos,
        "suppressed": s.suppressed,
        "objects": s.objects,
        "files": s.files,
        "configurations": s.configurations,
        "skipped": s.skipped,
    })
}

fn finding(run: &Run, d: &Diagnostic) -> Value {
    let loc = primary_location(run, d);
    let lined = loc.as_ref().filter(|l| has_true_line(run, l));
    json!({
        "rule": d.rule.id,
        "severity": d.severity.as_str(),
        "message": message(run, d),
        "file": loc.as_ref().map(|l| l.path.clone()),
        "line": lined.map(|l| l.line),
        "column": lined.map(|l| l.column),
        "end_line": lined.map(|l| l.end_line),
        "end_column": lined.map(|l| l.end_column),
        "help": d.help,
        "notes": d.notes,
        "labels": d.secondary.iter().map(|l| label(run, &run.sources.locate(l.span), &at_span(run, l.span, &l.message))).collect::<Vec<_>>(),
        "object": d.object.as_ref().map(object),
        "suppressed": d.suppressed,
        "configurations": d.configurations.as_ref().map_or(&[][..], |c| &c.holds[..]),
    })
}

fn label(run: &Run, loc: &Location, message: &str) -> Value {
    let lined = has_true_line(run, loc).then_some(loc);
    json!({
        "file": loc.path,
        "line": lined.map(|l| l.line),
        "column": lined.map(|l| l.column),
        "end_line": lined.map(|l| l.end_line),
        "end_column": lined.map(|l| l.end_column),
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
