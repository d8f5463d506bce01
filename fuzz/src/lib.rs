//! The fuzz harnesses: one function per target, each taking the fuzzer's bytes. They live here,
//! not in `fuzz_targets/`, so that `tests/no_panic.rs` at the repository root replays every kept
//! input of `fuzz/regressions/<target>/` through exactly the same code (it includes this file
//! with `#[path]`), on stable Rust and without the fuzzer.
//!
//! A harness "finds" something when kforge panics, overflows its stack, aborts on memory
//! (`-rss_limit_mb`) or takes longer than the per-input timeout: the pipeline must turn any
//! input into diagnostics, within bounded time and memory.

use std::path::PathBuf;
use std::sync::Arc;

use kforge::Options;
use kforge::chart::{FileTree, Input};
use kforge::diag::report::{Format, ReportOptions};
use kforge::package::TreeLimits;
use kforge::render::RenderOptions;
use kforge::source::{SourceKind, SourceMap};
use kforge::values::ValueArgs;

/// A fuzz target's entry point: it takes the fuzzer's bytes and must return normally.
pub type Harness = fn(&[u8]);

/// Every target by name, in the order `scripts/fuzz` runs them.
pub const TARGETS: &[(&str, Harness)] = &[
    ("yaml", yaml),
    ("set", set),
    ("values", values),
    ("render", render),
    ("archive", archive),
    ("lint", lint),
];

/// Fuzzers hand over bytes; kforge reads text. Invalid UTF-8 becomes U+FFFD, as a lossy read would.
fn text(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

/// Splits at the first NUL: a NUL never appears in the text kforge reads, so it is a cheap way to
/// carry several inputs (a template and its values) in one fuzz input.
fn split_nul(data: &[u8]) -> (&[u8], &[u8]) {
    match data.iter().position(|b| *b == 0) {
        Some(i) => (
            data.get(..i).unwrap_or_default(),
            data.get(i + 1..).unwrap_or_default(),
        ),
        None => (data, &[]),
    }
}

/// Asks the source map where every label of every diagnostic is, as the reporters do: a span
/// outside its file, or inside a UTF-8 character, must not panic there either.
fn locate_all(sources: &SourceMap, diagnostics: &[kforge::diag::Diagnostic]) {
    for d in diagnostics {
        for label in d.primary.iter().chain(d.secondary.iter()) {
            let _ = sources.locate(label.span);
        }
    }
}

/// The YAML loader and the object model: `object::parse` on one file holding the bytes.
pub fn yaml(data: &[u8]) {
    let mut sources = SourceMap::new();
    let file = sources.add("fuzz.yaml", text(data), SourceKind::Manifest);
    let (_, diagnostics) =
        kforge::object::parse(&sources, &[file], &kforge::yaml::Limits::default());
    locate_all(&sources, &diagnostics);
}

/// The `--set` parser: the whole input is one `--set` argument.
pub fn set(data: &[u8]) {
    let args = ValueArgs {
        set: vec![text(data)],
        ..ValueArgs::default()
    };
    let mut sources = SourceMap::new();
    let (_, diagnostics) = kforge::values::merge(None, &args, &mut sources);
    locate_all(&sources, &diagnostics);
}

/// Values merging: `values file \0 flag lines`. The file is given with `-f`; each following line
/// is one argument of the flag the first byte of the line picks (`s…` `--set-string`, `j…`
/// `--set-json`, `=…` `--set`, anything else the whole line as `--set`).
pub fn values(data: &[u8]) {
    let (file_bytes, flags) = split_nul(data);
    let Some(path) = scratch_file("values.yaml", file_bytes) else {
        return;
    };
    let mut args = ValueArgs {
        files: vec![path],
        ..ValueArgs::default()
    };
    for line in text(flags).lines() {
        let mut chars = line.chars();
        match chars.next() {
            Some('s') => args.set_string.push(chars.as_str().to_string()),
            Some('j') => args.set_json.push(chars.as_str().to_string()),
            Some('=') => args.set.push(chars.as_str().to_string()),
            _ => args.set.push(line.to_string()),
        }
    }
    let mut sources = SourceMap::new();
    let (_, diagnostics) = kforge::values::merge(None, &args, &mut sources);
    locate_all(&sources, &diagnostics);
}

thread_local! {
    /// One scratch directory per thread, reused: a fresh one per input would cost more than the
    /// merge itself. Per thread because `tests/no_panic.rs` replays inputs on two threads.
    static SCRATCH: Option<tempfile::TempDir> = tempfile::tempdir().ok();
}

/// Writes `bytes` to `name` in this thread's scratch directory.
fn scratch_file(name: &str, bytes: &[u8]) -> Option<PathBuf> {
    SCRATCH.with(|dir| {
        let path = dir.as_ref()?.path().join(name);
        std::fs::write(&path, bytes).ok()?;
        Some(path)
    })
}

const CHART_YAML: &str = "apiVersion: v2\nname: fuzz\nversion: 0.1.0\n";

/// Rendering: `template \0 values.yaml \0 templates/_helpers.tpl`, a chart built in memory
/// (`chart::load_tree`), then the pipeline's own steps up to parsing: values, render, parse (the
/// check stages are left to the `lint` target).
pub fn render(data: &[u8]) {
    let (template, rest) = split_nul(data);
    let (values, helpers) = split_nul(rest);
    let mut tree = FileTree::default();
    let mut add = |path: &str, bytes: &[u8]| {
        tree.files.insert(path.to_string(), Arc::from(bytes));
    };
    add("Chart.yaml", CHART_YAML.as_bytes());
    add("values.yaml", values);
    add("templates/fuzz.yaml", template);
    if !helpers.is_empty() {
        add("templates/_helpers.tpl", helpers);
    }
    let mut sources = SourceMap::new();
    let (chart, mut diagnostics) = kforge::chart::load_tree(tree, "fuzz", &mut sources);
    if let Some(chart) = chart {
        let (values, diags) =
            kforge::values::merge(Some(&chart), &ValueArgs::default(), &mut sources);
        diagnostics.extend(diags);
        let options = Options::default();
        let render_options = RenderOptions {
            release_name: options.release_name.clone(),
            namespace: options.namespace.clone(),
            revision: 1,
            is_upgrade: false,
            kube_version: options.kube_version,
            api_versions: kforge::schema::api_versions(options.kube_version),
            include_notes: true,
        };
        let (rendered, diags) =
            kforge::render::render(&chart, &values, &render_options, &mut sources);
        diagnostics.extend(diags);
        let files: Vec<_> = rendered.iter().map(|r| r.file).collect();
        let (_, diags) = kforge::object::parse(&sources, &files, &options.yaml);
        diagnostics.extend(diags);
    }
    locate_all(&sources, &diagnostics);
}

/// The archive reader on arbitrary bytes (gzip, tar, paths, sizes, links all hostile).
pub fn archive(data: &[u8]) {
    let _ = kforge::package::read_archive(data, "fuzz.tgz", &TreeLimits::default());
}

/// The whole lint pipeline (load, parse, schema, rules, cluster) on stdin-like text, then every
/// report format.
pub fn lint(data: &[u8]) {
    let input = Input::Text {
        name: "<stdin>".to_string(),
        text: text(data),
    };
    let run = kforge::run(&[input], &Options::default());
    locate_all(&run.sources, &run.diagnostics);
    // Every reporter draws every finding: odd spans, long lines and control characters must not
    // break them either.
    for format in [
        Format::Human,
        Format::Json,
        Format::Sarif,
        Format::Github,
        Format::Junit,
    ] {
        let _ = kforge::diag::report::write(
            format,
            &run,
            &ReportOptions::default(),
            &mut std::io::sink(),
        );
    }
}
