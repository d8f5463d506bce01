//! Joins the runs of a matrix's configurations into one run for the reporters.
//!
//! Most findings of a chart do not depend on the values: with four configurations, a wrong
//! `targetPort` in a template would be reported four times, word for word, and the findings that
//! are specific to one configuration would drown in the copies. So a finding is reported once,
//! with the configurations it holds in (`Diagnostic::configurations`): the reporters show that
//! list only when it is not all of them. Two findings are the same when everything a reader sees
//! is the same: rule, severity, message, help, notes, object, and every location resolved to the
//! file, line and column shown (plus the rendered line shown with it), labels included. A
//! finding that holds in a configuration twice is kept twice (matched occurrence by occurrence).
//!
//! Files: the files every configuration read are shared (same ids); a file a later
//! configuration read again with the same name and text (a user's `-f` file) is the same file;
//! the rest (rendered output, the matrix file) are appended and every span is moved to them.
//! Objects of every configuration are kept (the summary counts what was checked). The cluster
//! state is the first (default) configuration's.

use std::collections::HashMap;
use std::sync::Arc;

use crate::Run;
use crate::diag::{Diagnostic, InConfigurations, ObjectRef, Severity};
use crate::object::Object;
use crate::source::{FileId, Location, SourceKind, SourceMap, Span};
use crate::yaml::{Node, Value};

pub(super) fn merge(runs: Vec<Run>, names: Vec<String>, shared: usize) -> Run {
    let mut runs = runs.into_iter().zip(names.iter());
    let Some((mut merged, first_name)) = runs.next() else {
        return Run::default();
    };
    let mut findings = Findings {
        matrix: names.iter().cloned().collect(),
        entries: Vec::new(),
        by_key: HashMap::new(),
    };
    let first = std::mem::take(&mut merged.diagnostics);
    findings.add(first, &merged.sources, first_name);
    let mut files = FileIndex::new(&merged.sources, shared);
    for (run, name) in runs {
        let ids = files.append(&mut merged.sources, &run.sources, shared);
        let moved = |span: Span| Span {
            file: ids.get(span.file),
            ..span
        };
        let diagnostics = run
            .diagnostics
            .into_iter()
            .map(|mut d| {
                if let Some(p) = &mut d.primary {
                    p.span = moved(p.span);
                }
                for label in &mut d.secondary {
                    label.span = moved(label.span);
                }
                d
            })
            .collect();
        findings.add(diagnostics, &merged.sources, name);
        merged
            .objects
            .extend(run.objects.into_iter().map(|o| move_object(o, &moved)));
        merged
            .rendered
            .extend(run.rendered.into_iter().map(|mut r| {
                r.file = ids.get(r.file);
                r
            }));
    }
    merged.diagnostics = findings.entries;
    crate::sort_diagnostics(&merged.sources, &mut merged.diagnostics);
    merged.configurations = names;
    // Findings of every configuration are joined and sorted as one list: the per-run ranges
    // of one configuration no longer describe it (several PATHs with a matrix: one summary).
    merged.parts.clear();
    merged
}

/// Ids of a run's files in the merged map.
struct IdMap {
    shared: usize,
    appended: Vec<FileId>,
}

impl IdMap {
    fn get(&self, id: FileId) -> FileId {
        let index = id.0 as usize;
        if index < self.shared {
            return id;
        }
        self.appended
            .get(index - self.shared)
            .copied()
            .unwrap_or(id)
    }
}

/// The files of the merged map that were read after loading, by name, to find a file read again.
struct FileIndex {
    by_name: HashMap<(String, bool), Vec<FileId>>,
}

impl FileIndex {
    fn new(sources: &SourceMap, shared: usize) -> FileIndex {
        let mut index = FileIndex {
            by_name: HashMap::new(),
        };
        for (id, file) in sources.files().skip(shared) {
            index.note(id, &file.name, file.kind);
        }
        index
    }

    fn note(&mut self, id: FileId, name: &str, kind: SourceKind) {
        self.by_name
            .entry((name.to_string(), kind == SourceKind::Rendered))
            .or_default()
            .push(id);
    }

    /// Copies the files `from` read after loading into `into`, reusing equal files.
    fn append(&mut self, into: &mut SourceMap, from: &SourceMap, shared: usize) -> IdMap {
        let mut ids = IdMap {
            shared,
            appended: Vec::new(),
        };
        for (_, file) in from.files().skip(shared) {
            let origin = file.origin.as_ref().map(|o| {
                let mut o = o.clone();
                for line in o.lines.iter_mut().flatten() {
                    line.file = ids.get(line.file);
                }
                o.fallback = o.fallback.map(|f| ids.get(f));
                o
            });
            let key = (file.name.clone(), file.kind == SourceKind::Rendered);
            let same = self.by_name.get(&key).and_then(|candidates| {
                candidates.iter().copied().find(|&c| {
                    into.get(c).is_some_and(|existing| {
                        existing.kind == file.kind
                            && existing.text() == file.text()
                            && existing.origin == origin
                    })
                })
            });
            let id = match same {
                Some(id) => id,
                None => {
                    let id = into.add_copy(file, |f| ids.get(f));
                    self.note(id, &file.name, file.kind);
                    id
                }
            };
            ids.appended.push(id);
        }
        ids
    }
}

/// What makes two findings the same to a reader.
#[derive(Clone, PartialEq, Eq, Hash)]
struct Key {
    rule: &'static str,
    severity: Severity,
    message: String,
    primary: Option<(Place, String, String)>,
    secondary: Vec<(Place, String)>,
    help: Option<String>,
    notes: Vec<String>,
    object: Option<ObjectRef>,
    suppressed: bool,
}

type Place = (String, u32, u32, u32, u32);

fn place(location: Location) -> Place {
    (
        location.path,
        location.line,
        location.column,
        location.end_line,
        location.end_column,
    )
}

impl Key {
    fn of(d: &Diagnostic, sources: &SourceMap) -> Key {
        Key {
            rule: d.rule.id,
            severity: d.severity,
            message: d.message.clone(),
            primary: d.primary.as_ref().map(|l| {
                (
                    place(sources.locate(l.span)),
                    l.message.clone(),
                    rendered_line(sources, l.span),
                )
            }),
            secondary: d
                .secondary
                .iter()
                .map(|l| (place(sources.locate(l.span)), l.message.clone()))
                .collect(),
            help: d.help.clone(),
            notes: d.notes.clone(),
            object: d.object.clone(),
            suppressed: d.suppressed,
        }
    }
}

/// The rendered line a span is on (the human report shows it), empty outside rendered output.
fn rendered_line(sources: &SourceMap, span: Span) -> String {
    match sources.get(span.file) {
        Some(file) if file.kind == SourceKind::Rendered => {
            let (line, _) = file.line_col(span.start);
            file.line_text(line).trim().to_string()
        }
        _ => String::new(),
    }
}

struct Findings {
    /// Every configuration, shared by the findings.
    matrix: Arc<[String]>,
    entries: Vec<Diagnostic>,
    by_key: HashMap<Key, Vec<usize>>,
}

impl Findings {
    /// Adds the findings of one configuration: the n-th finding with a key is the n-th entry
    /// with that key, or a new entry.
    fn add(&mut self, diagnostics: Vec<Diagnostic>, sources: &SourceMap, configuration: &str) {
        let mut seen: HashMap<Key, usize> = HashMap::new();
        for mut d in diagnostics {
            let key = Key::of(&d, sources);
            let count = seen.entry(key.clone()).or_insert(0);
            let existing = self
                .by_key
                .get(&key)
                .and_then(|indices| indices.get(*count))
                .copied();
            *count += 1;
            match existing.and_then(|i| self.entries.get_mut(i)) {
                Some(entry) => {
                    if let Some(within) = &mut entry.configurations {
                        within.holds.push(configuration.to_string());
                    }
                }
                None => {
                    d.configurations = Some(InConfigurations {
                        holds: vec![configuration.to_string()],
                        of: Arc::clone(&self.matrix),
                    });
                    self.by_key.entry(key).or_default().push(self.entries.len());
                    self.entries.push(d);
                }
            }
        }
    }
}

fn move_object(mut object: Object, moved: &impl Fn(Span) -> Span) -> Object {
    object.span = moved(object.span);
    // A loop, not recursion: documents may nest as deep as the YAML limits allow.
    let mut stack: Vec<&mut Node> = vec![&mut object.root];
    while let Some(node) = stack.pop() {
        node.span = moved(node.span);
        node.alias = node.alias.map(moved);
        match &mut node.value {
            Value::Seq(items) => stack.extend(items.iter_mut()),
            Value::Map(entries) => {
                for (k, v) in entries.iter_mut() {
                    stack.push(k);
                    stack.push(v);
                }
            }
            _ => {}
        }
    }
    object
}
