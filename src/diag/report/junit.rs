//! `--format junit`: JUnit XML for CI dashboards (GitLab, Jenkins).
//!
//! - One `<testsuite>` per input. The input of a finding or object is the chart it came from (the
//!   chart directory: the part of a template's path before `/templates/`, subcharts counted in
//!   their parent chart; rendered output counts in the chart of its template), otherwise the file
//!   it was read from (a manifest file, `<stdin>`, a values file given with `-f`).
//! - One `<testcase>` per object: `classname` is the input, `name` is `Kind/namespace/name`
//!   (`Kind/name` when the object sets no namespace). Objects without findings pass.
//! - Errors (fatal included) become the testcase's `<failure>`: the first message in the
//!   `message` attribute, every error with its location in the text. Warnings and infos go to
//!   `<system-out>`. Suppressed findings are left out.
//! - Findings about no object are testcases named by their file (`kforge` when they have none).
//! - With a values matrix, an object is one testcase whatever the configurations that render it;
//!   a finding that holds in some configurations only says which (`= configuration: …`).

use std::collections::BTreeMap;
use std::io;

use indexmap::IndexMap;

use super::{only_in_line, primary_location, severity_word, visible};
use crate::Run;
use crate::diag::{Diagnostic, ObjectRef, Severity};
use crate::source::{FileId, SourceKind};

/// Name of the suite and testcase for findings that have no location at all.
const RUN_WIDE: &str = "kforge";

#[derive(Default)]
struct Case<'a> {
    errors: Vec<&'a Diagnostic>,
    others: Vec<&'a Diagnostic>,
}

pub(super) fn write(run: &Run, out: &mut dyn io::Write) -> io::Result<()> {
    let inputs = Inputs::new(run);
    // suite → testcase name → findings, in order of first appearance.
    let mut suites: IndexMap<String, IndexMap<String, Case>> = IndexMap::new();
    for o in &run.objects {
        let suite = inputs.of(o.file());
        suites
            .entry(suite)
            .or_default()
            .entry(case_name(&o.object_ref()))
            .or_default();
    }
    for d in visible(run) {
        let (suite, case) = place(run, &inputs, d);
        let entry = suites.entry(suite).or_default().entry(case).or_default();
        if matches!(d.severity, Severity::Fatal | Severity::Error) {
            entry.errors.push(d);
        } else {
            entry.others.push(d);
        }
    }

    let tests: usize = suites.values().map(IndexMap::len).sum();
    let failures: usize = suites
        .values()
        .flat_map(IndexMap::values)
        .filter(|c| !c.errors.is_empty())
        .count();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="kforge" tests="{tests}" failures="{failures}" errors="0">"#
    )?;
    for (suite, cases) in &suites {
        let failures = cases.values().filter(|c| !c.errors.is_empty()).count();
        writeln!(
            out,
            r#"  <testsuite name="{}" tests="{}" failures="{failures}" errors="0" skipped="0">"#,
            attr(suite),
            cases.len()
        )?;
        for (name, case) in cases {
            write_case(run, out, suite, name, case)?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")
}

fn write_case(
    run: &Run,
    out: &mut dyn io::Write,
    suite: &str,
    name: &str,
    case: &Case,
) -> io::Result<()> {
    let open = format!(
        r#"    <testcase classname="{}" name="{}""#,
        attr(suite),
        attr(name)
    );
    if case.errors.is_empty() && case.others.is_empty() {
        return writeln!(out, "{open}/>");
    }
    writeln!(out, "{open}>")?;
    if let Some(first) = case.errors.first() {
        let mut message = first.message.clone();
        if case.errors.len() > 1 {
            message.push_str(&format!(" (and {} more)", case.errors.len() - 1));
        }
        let body: String = case.errors.iter().map(|d| describe(run, d)).collect();
        writeln!(
            out,
            r#"      <failure message="{}" type="{}">{}</failure>"#,
            attr(&message),
            attr(first.rule.id),
            text(&body)
        )?;
    }
    if !case.others.is_empty() {
        let body: String = case.others.iter().map(|d| describe(run, d)).collect();
        writeln!(out, "      <system-out>{}</system-out>", text(&body))?;
    }
    writeln!(out, "    </testcase>")
}

/// A finding as plain text: header, location, help and notes.
fn describe(run: &Run, d: &Diagnostic) -> String {
    let mut s = format!(
        "{}[{}]: {}\n",
        severity_word(d.severity),
        d.rule.id,
        d.message
    );
    if let Some(loc) = primary_location(run, d) {
        s.push_str(&format!("  --> {}:{}:{}\n", loc.path, loc.line, loc.column));
    }
    for label in &d.secondary {
        let loc = run.sources.locate(label.span);
        s.push_str(&format!(
            "  ::: {}:{}:{}: {}\n",
            loc.path, loc.line, loc.column, label.message
        ));
    }
    if let Some(help) = &d.help {
        s.push_str(&format!("  = help: {help}\n"));
    }
    for note in &d.notes {
        s.push_str(&format!("  = note: {note}\n"));
    }
    if let Some(line) = only_in_line(d) {
        s.push_str(&format!("  = {line}\n"));
    }
    s
}

fn case_name(o: &ObjectRef) -> String {
    match &o.namespace {
        Some(ns) => format!("{}/{}/{}", o.kind, ns, o.name),
        None => format!("{}/{}", o.kind, o.name),
    }
}

/// The suite and testcase a finding belongs to.
fn place(run: &Run, inputs: &Inputs, d: &Diagnostic) -> (String, String) {
    if let Some(object) = &d.object
        && let Some(file) = inputs.objects.get(object)
    {
        return (inputs.of(*file), case_name(object));
    }
    let suite = d
        .primary
        .as_ref()
        .map(|p| inputs.of(p.span.file))
        .unwrap_or_else(|| RUN_WIDE.to_string());
    let case = match (&d.object, primary_location(run, d)) {
        (Some(object), _) => case_name(object),
        (None, Some(loc)) => loc.path,
        (None, None) => RUN_WIDE.to_string(),
    };
    (suite, case)
}

/// Which input (chart directory or file) each file belongs to.
struct Inputs<'a> {
    run: &'a Run,
    /// Chart directories, from the paths of the templates.
    charts: Vec<String>,
    /// The file each object was read from (the first, should two objects share a name).
    objects: BTreeMap<ObjectRef, FileId>,
}

impl<'a> Inputs<'a> {
    fn new(run: &'a Run) -> Inputs<'a> {
        let chart_files: Vec<&str> = run
            .sources
            .files()
            .filter(|(_, f)| f.kind == SourceKind::ChartFile)
            .map(|(_, f)| f.name.as_str())
            .collect();
        let is_chart = |dir: &str| {
            let chart_yaml = if dir == "." {
                "Chart.yaml".to_string()
            } else {
                format!("{dir}/Chart.yaml")
            };
            chart_files.contains(&chart_yaml.as_str())
        };
        let mut charts: Vec<String> = run
            .sources
            .files()
            .filter(|(_, f)| f.kind == SourceKind::Template)
            .filter_map(|(_, f)| chart_root(&f.name, is_chart))
            .collect();
        charts.sort();
        charts.dedup();
        let mut objects = BTreeMap::new();
        for o in &run.objects {
            objects.entry(o.object_ref()).or_insert(o.file());
        }
        Inputs {
            run,
            charts,
            objects,
        }
    }

    fn of(&self, file: FileId) -> String {
        let Some(source) = self.run.sources.get(file) else {
            return RUN_WIDE.to_string();
        };
        if let Some(origin) = &source.origin {
            let template = origin
                .fallback
                .or_else(|| origin.lines.iter().flatten().next().map(|o| o.file));
            if let Some(template) = template.filter(|t| *t != file) {
                return self.of(template);
            }
        }
        if source.kind != SourceKind::Argument {
            let inside = |root: &&String| {
                root.as_str() == "." || source.name.starts_with(&format!("{root}/"))
            };
            // Shortest root first: a subchart counts in its parent.
            if let Some(root) = self.charts.iter().filter(inside).min_by_key(|r| r.len()) {
                return root.clone();
            }
        }
        source.name.clone()
    }
}

/// The chart directory of a template: `charts/web/templates/a.yaml` → `charts/web`,
/// `templates/a.yaml` → `.`. A subchart (`web/charts/db/templates/a.yaml`) counts in its parent
/// when the parent's `Chart.yaml` is among the files read (`is_chart` says so), since a
/// directory named `charts` is also a common place for top-level charts.
fn chart_root(template: &str, is_chart: impl Fn(&str) -> bool) -> Option<String> {
    let mut root = if template.starts_with("templates/") {
        "."
    } else {
        template
            .find("/templates/")
            .and_then(|i| template.get(..i))?
    };
    while let Some((parent, _sub)) = root.rsplit_once('/') {
        let parent_chart = match parent.strip_suffix("/charts") {
            Some(p) => p,
            None if parent == "charts" => ".",
            None => break,
        };
        if !is_chart(parent_chart) {
            break;
        }
        root = parent_chart;
    }
    Some(root.to_string())
}

fn attr(s: &str) -> String {
    text(s)
        .replace('"', "&quot;")
        .replace('\n', "&#10;")
        .replace('\r', "&#13;")
        .replace('\t', "&#9;")
}

/// Escapes text content; characters XML cannot carry at all become U+FFFD.
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chart_roots() {
        let charts = |dir: &str| ["web", "."].contains(&dir);
        let root = |t: &str| chart_root(t, charts);
        assert_eq!(
            root("charts-examples/web/templates/a.yaml").as_deref(),
            Some("charts-examples/web")
        );
        assert_eq!(
            root("web/charts/db/templates/a.yaml").as_deref(),
            Some("web")
        );
        assert_eq!(
            root("site/charts/db/templates/a.yaml").as_deref(),
            Some("site/charts/db")
        );
        assert_eq!(root("charts/db/templates/a.yaml").as_deref(), Some("."));
        assert_eq!(
            chart_root("charts/db/templates/a.yaml", |_| false).as_deref(),
            Some("charts/db")
        );
        assert_eq!(root("templates/a.yaml").as_deref(), Some("."));
        assert_eq!(root("manifests/a.yaml"), None);
    }

    #[test]
    fn escaping() {
        assert_eq!(
            attr("a \"b\" & <c>\n"),
            "a &quot;b&quot; &amp; &lt;c&gt;&#10;"
        );
        assert_eq!(text("x\u{1}y"), "x\u{FFFD}y");
    }
}
