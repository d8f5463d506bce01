//! Helpers for the chart and values tests: fixture trees read without the package module's
//! directory reader.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use kforge::chart::{Chart, FileTree, LoadOptions};
use kforge::diag::Diagnostic;
use kforge::source::{SourceKind, SourceMap};

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/chartvals")
        .join(name)
}

/// Every file under `dir`, keyed by its `/`-separated relative path.
pub fn tree_of(dir: &Path) -> FileTree {
    let mut tree = FileTree::default();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let rel = entry
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let bytes: Arc<[u8]> = std::fs::read(entry.path()).unwrap().into();
            tree.files.insert(rel, bytes);
        }
    }
    tree
}

/// An in-memory tree from `(path, text)` pairs.
pub fn tree(files: &[(&str, &str)]) -> FileTree {
    let mut tree = FileTree::default();
    for (path, text) in files {
        tree.files
            .insert(path.to_string(), Arc::from(text.as_bytes()));
    }
    tree
}

/// The YAML loader works (Chart.yaml and values files need it); a failure here explains the
/// failures that follow.
pub fn yaml_ready() -> bool {
    let mut sources = SourceMap::new();
    let f = sources.add("probe.yaml", "a: 1\n", SourceKind::Values);
    let (docs, _) = kforge::yaml::parse_stream(&sources, f, &Default::default());
    assert!(
        docs.first().is_some_and(|d| d.root.is_some()),
        "the YAML loader returned nothing"
    );
    true
}

pub fn load_fixture(
    name: &str,
    options: &LoadOptions,
    sources: &mut SourceMap,
) -> (Chart, Vec<Diagnostic>) {
    let shown = format!("tests/fixtures/chartvals/{name}");
    let (chart, diags) =
        kforge::chart::load_tree_with_options(tree_of(&fixture(name)), &shown, options, sources);
    (
        chart.unwrap_or_else(|| panic!("{name} did not load: {diags:#?}")),
        diags,
    )
}

/// `(rule id, severity, message, line)` of each diagnostic, for compact assertions.
pub fn summary(sources: &SourceMap, diags: &[Diagnostic]) -> Vec<(String, String, String, u32)> {
    let mut out: Vec<_> = diags
        .iter()
        .map(|d| {
            let line = d
                .primary
                .as_ref()
                .map_or(0, |l| sources.locate(l.span).line);
            (
                d.rule.id.to_string(),
                d.severity.as_str().to_string(),
                d.message.clone(),
                line,
            )
        })
        .collect();
    out.sort_by(|a, b| a.3.cmp(&b.3).then(a.0.cmp(&b.0)));
    out
}
