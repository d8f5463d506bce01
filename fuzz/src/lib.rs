//! The fuzz harnesses: one function per target, each taking the fuzzer's bytes. They live here,
//! not in `fuzz_targets/`, so that `tests/no_panic.rs` at the repository root replays every kept
//! input of `fuzz/regressions/<target>/` through exactly the same code (it includes this file
//! with `#[path]`), on stable Rust and without the fuzzer.
//!
//! A harness "finds" something when kforge panics, overflows its stack, aborts on memory
//! (`-rss_limit_mb`) or takes longer than the per-input timeout: the pipeline must turn any
//! input into diagnostics, within bounded time and memory.

use std::path::Path;

use kforge::chart::Input;
use kforge::package::TreeLimits;
use kforge::source::{SourceKind, SourceMap};
use kforge::values::ValueArgs;
use kforge::{Options, Stages};

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

fn no_checks() -> Options {
    Options {
        stages: Stages {
            schema: false,
            rules: false,
            cluster: false,
        },
        ..Options::default()
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
/// is one argument of the flag the first byte of the line picks (`--set`, `--set-string`,
/// `--set-json`, or another `-f`-less `--set` when the byte is not a selector).
pub fn values(data: &[u8]) {
    let (file_bytes, flags) = split_nul(data);
    let Ok(dir) = tempfile::tempdir() else { return };
    let path = dir.path().join("values.yaml");
    if std::fs::write(&path, file_bytes).is_err() {
        return;
    }
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

const CHART_YAML: &str = "apiVersion: v2\nname: fuzz\nversion: 0.1.0\n";

/// Rendering: `template \0 values.yaml \0 templates/_helpers.tpl`, written as a chart into a
/// fresh directory and run through `kforge::run` up to parsing (check stages off: the `lint`
/// target covers them).
pub fn render(data: &[u8]) {
    let (template, rest) = split_nul(data);
    let (values, helpers) = split_nul(rest);
    let Ok(dir) = tempfile::tempdir() else { return };
    if write_chart(dir.path(), template, values, helpers).is_err() {
        return;
    }
    let run = kforge::run(&[Input::Path(dir.path().to_path_buf())], &no_checks());
    locate_all(&run.sources, &run.diagnostics);
}

fn write_chart(root: &Path, template: &[u8], values: &[u8], helpers: &[u8]) -> std::io::Result<()> {
    std::fs::create_dir_all(root.join("templates"))?;
    std::fs::write(root.join("Chart.yaml"), CHART_YAML)?;
    std::fs::write(root.join("values.yaml"), values)?;
    std::fs::write(root.join("templates/fuzz.yaml"), template)?;
    if !helpers.is_empty() {
        std::fs::write(root.join("templates/_helpers.tpl"), helpers)?;
    }
    Ok(())
}

/// The archive reader on arbitrary bytes (gzip, tar, paths, sizes, links all hostile).
pub fn archive(data: &[u8]) {
    let _ = kforge::package::read_archive(data, "fuzz.tgz", &TreeLimits::default());
}

/// The whole lint pipeline (load, parse, schema, rules, cluster) on stdin-like text.
pub fn lint(data: &[u8]) {
    let input = Input::Text {
        name: "<stdin>".to_string(),
        text: text(data),
    };
    let run = kforge::run(&[input], &Options::default());
    locate_all(&run.sources, &run.diagnostics);
}
