//! From a path (or stdin text) to a [`Loaded`]: detect what the input is, read it through the
//! package module's readers, and build the chart (subcharts included) from its file tree.

use std::path::Path;
use std::sync::Arc;

use super::constraint::Constraint;
use super::lock;
use super::manifests::{add_manifest_file, add_manifest_text};
use super::metadata::{self, Check};
use super::{Chart, ChartMetadata, FileTree, Input, LoadOptions, Loaded, Template};
use crate::catalog::{chart::*, input::*};
use crate::diag::{Diagnostic, Severity};
use crate::package::{self, TreeLimits};
use crate::source::{FileId, SourceKind, SourceMap, Span};
use crate::yaml::{self, Node, Value};

/// Subcharts nest at most this deep (a chart that contains itself through archives would
/// otherwise never end).
const MAX_DEPTH: usize = 16;

pub fn load(
    input: &Input,
    options: &LoadOptions,
    sources: &mut SourceMap,
) -> (Option<Loaded>, Vec<Diagnostic>) {
    match input {
        Input::Text { name, text } => {
            let files = add_manifest_text(name, text, sources);
            (Some(Loaded::Manifests(files)), Vec::new())
        }
        Input::Path(path) => load_path(path, options, sources),
    }
}

fn display(path: &Path) -> String {
    let s = path.to_string_lossy().replace('\\', "/");
    let trimmed = s.trim_end_matches('/');
    if trimmed.is_empty() {
        s
    } else {
        trimmed.to_string()
    }
}

/// A file or folder next to a missing path whose name is a likely typo of it.
fn sibling_like(path: &Path) -> Option<String> {
    let wanted = path.file_name()?.to_str()?;
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut names: Vec<String> = std::fs::read_dir(parent)
        .ok()?
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .collect();
    names.sort();
    let near = crate::diag::did_you_mean(wanted, names.iter().map(String::as_str))?;
    Some(display(&path.with_file_name(near)))
}

fn limits(options: &LoadOptions) -> TreeLimits {
    TreeLimits {
        max_total_bytes: options.max_total_bytes,
        max_file_bytes: options.max_file_bytes,
        ..TreeLimits::default()
    }
}

fn fatal(rule: &'static crate::diag::Rule, message: String, help: &str) -> Vec<Diagnostic> {
    vec![
        Diagnostic::new(rule, message)
            .with_severity(Severity::Fatal)
            .with_help(help.to_string()),
    ]
}

fn load_path(
    path: &Path,
    options: &LoadOptions,
    sources: &mut SourceMap,
) -> (Option<Loaded>, Vec<Diagnostic>) {
    let shown = display(path);
    let meta = match path_metadata(path, &shown) {
        Ok(m) => m,
        Err(diags) => return (None, diags),
    };
    // `kforge lint mychart/Chart.yaml` means the chart, not a manifest named Chart.yaml.
    if meta.is_file() && path.file_name().is_some_and(|n| n == "Chart.yaml") {
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        return load_path(dir, options, sources);
    }
    // A single template of a chart is not a manifest: its `{{ }}` would read as broken YAML.
    if meta.is_file()
        && let Some(d) = chart_template(path, &shown)
    {
        return (None, vec![d]);
    }
    if meta.is_dir() && !is_chart_dir(path) {
        return load_manifest_dir(path, &shown, options, sources);
    }
    if meta.is_dir() {
        let (tree, mut diags) = package::read_chart_dir(path, &limits(options));
        let Some((tree, checked)) = tree else {
            return (None, diags);
        };
        // The other thread parses the templates meanwhile (issue 14: it was idle here).
        let priming = crate::helm::render::prime(template_texts(&tree, &checked));
        let (loaded, more) = load_dir_tree_checked(tree, &shown, None, options, sources, &checked);
        drop(priming);
        diags.extend(more);
        return (loaded, diags);
    }
    load_file(path, &shown, meta.len(), options, sources)
}

/// The path's metadata, or why it cannot be read (a typo of a sibling's name suggested).
fn path_metadata(path: &Path, shown: &str) -> Result<std::fs::Metadata, Vec<Diagnostic>> {
    match std::fs::metadata(path) {
        Ok(m) => Ok(m),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let help = match sibling_like(path) {
                Some(near) => format!("did you mean `{near}`?"),
                None => "check the path; give a chart directory, a .tgz chart, a manifest file or directory, or `-` for stdin".to_string(),
            };
            Err(fatal(
                &INPUT_NOT_FOUND,
                format!("{shown}: no such file or directory"),
                &help,
            ))
        }
        Err(e) => Err(fatal(
            &INPUT_UNREADABLE,
            format!("cannot read {shown}: {e}"),
            "check the permissions of the path",
        )),
    }
}

/// A file under a chart's templates/: the finding that says to lint the chart instead.
fn chart_template(path: &Path, shown: &str) -> Option<Diagnostic> {
    if let Some(templates) = path
        .parent()
        .filter(|p| p.file_name().is_some_and(|n| n == "templates"))
        && let Some(chart) = templates
            .parent()
            .filter(|c| c.join("Chart.yaml").is_file())
    {
        let chart = if chart.as_os_str().is_empty() {
            Path::new(".")
        } else {
            chart
        };
        return Some(
            Diagnostic::new(
                &INPUT_CHART_TEMPLATE,
                format!(
                    "{shown} is a template of the chart in {}, not a manifest",
                    chart.display()
                ),
            )
            .with_help(format!(
                "lint the chart, which renders its templates with its values: kforge lint {}",
                chart.display()
            )),
        );
    }
    None
}

/// A single file: a chart archive, or a manifest file (or stream), read within the limits.
fn load_file(
    path: &Path,
    shown: &str,
    len: u64,
    options: &LoadOptions,
    sources: &mut SourceMap,
) -> (Option<Loaded>, Vec<Diagnostic>) {
    let lower = shown.to_ascii_lowercase();
    let is_archive = lower.ends_with(".tgz") || lower.ends_with(".tar.gz");
    // An archive is bounded by the total limit (its reader bounds what it unpacks).
    let limit = if is_archive {
        options.max_total_bytes
    } else {
        options.max_manifest_bytes
    };
    if len > limit {
        return (
            None,
            fatal(
                &INPUT_UNREADABLE,
                format!(
                    "{shown} is {} bytes, more than the limit of {limit} bytes",
                    len,
                ),
                if is_archive {
                    "split the input, or raise the limit"
                } else {
                    "split the input, or raise the limit with --max-file-size"
                },
            ),
        );
    }
    // Read through the bounded reader whatever the file type: a device or a pipe has no
    // length to check beforehand (`/dev/zero` reports 0).
    let bytes = match crate::source::read_file_limited(path, limit) {
        Ok(b) => b,
        Err(e) => {
            let help = match e.kind() {
                std::io::ErrorKind::InvalidData => {
                    "give a file (or a stream) that ends, or raise the limit with --max-file-size"
                }
                std::io::ErrorKind::TimedOut => {
                    "start the process that writes to the pipe, or give a file"
                }
                _ => "check the permissions of the file",
            };
            return (
                None,
                fatal(&INPUT_UNREADABLE, format!("cannot read {shown}: {e}"), help),
            );
        }
    };
    if is_archive {
        return match package::read_archive(&bytes, shown, &limits(options)) {
            Ok(tree) => {
                let (chart, diags) = load_tree_with_options(tree, shown, options, sources);
                (chart.map(|c| Loaded::Chart(Box::new(c))), diags)
            }
            Err(diags) => (None, diags),
        };
    }
    match text_of(&bytes) {
        // A regular file can be read again when a finding points into it; a pipe cannot.
        Ok(text) if std::fs::metadata(path).is_ok_and(|m| m.is_file()) => (
            Some(Loaded::Manifests(add_manifest_file(
                shown,
                &Arc::from(text),
                path,
                sources,
            ))),
            Vec::new(),
        ),
        Ok(text) => (
            Some(Loaded::Manifests(add_manifest_text(shown, text, sources))),
            Vec::new(),
        ),
        Err(offset) => (
            None,
            vec![not_text(shown, offset).with_severity(Severity::Fatal)],
        ),
    }
}

/// The texts of the tree's template files (`templates/` of the chart and of the folders under
/// `charts/`, at any depth), a text vendored twice (the `common` library in several subcharts)
/// once: what the Go template parse will be asked for. The partials first (execution waits for
/// their parse; the other files' parse can mostly wait for execution:
/// [`crate::helm::render::can_defer`]), each group largest first.
fn template_texts(tree: &FileTree, checked: &package::TextChecked) -> Vec<(String, Arc<str>)> {
    let mut seen = std::collections::HashSet::new();
    let mut texts: Vec<(String, Arc<str>)> = tree
        .files
        .iter()
        .filter(|(rel, _)| is_template_path(rel))
        .filter_map(|(rel, bytes)| {
            let text = checked.text(bytes)?;
            let head = text.get(..64.min(text.len())).unwrap_or("");
            seen.insert((text.len(), head))
                .then(|| (rel.clone(), shared_text(bytes, text)))
        })
        .collect();
    texts.sort_by_key(|(rel, text)| {
        (
            !crate::helm::render::is_partial(rel),
            std::cmp::Reverse(text.len()),
        )
    });
    texts
}

/// `templates/…`, `charts/<sub>/templates/…`, `charts/<sub>/charts/<sub>/templates/…`…
fn is_template_path(rel: &str) -> bool {
    let mut rest = rel;
    loop {
        if rest.starts_with("templates/") {
            return true;
        }
        match rest.strip_prefix("charts/").and_then(|r| r.split_once('/')) {
            Some((_, inner)) => rest = inner,
            None => return false,
        }
    }
}

/// The bytes as text; `Err(offset)` of the first byte that makes them binary (a NUL, which
/// no YAML or template contains) or not UTF-8.
pub(super) fn text_of(bytes: &[u8]) -> Result<&str, usize> {
    let text = std::str::from_utf8(bytes).map_err(|e| e.valid_up_to())?;
    match text.find('\0') {
        Some(nul) => Err(nul),
        None => Ok(text),
    }
}

/// `text`, which [`text_of`] made of `bytes`, as a `str` sharing their allocation: the source
/// map keeps the file's bytes rather than a copy of them (issue 19).
fn shared_text(bytes: &Arc<[u8]>, text: &str) -> Arc<str> {
    if !std::ptr::eq(text.as_bytes(), &**bytes) {
        return Arc::from(text);
    }
    let raw = Arc::into_raw(Arc::clone(bytes)) as *const str;
    // SAFETY: `str` has the layout of `[u8]`; the bytes are `text`'s, checked above to be the
    // same slice, so UTF-8 (and immutable behind the `Arc`); and `raw` comes from
    // `Arc::into_raw` of the same allocation: std's `From<&str> for Arc<str>` does the same.
    unsafe { Arc::from_raw(raw) }
}

fn not_text(name: &str, offset: usize) -> Diagnostic {
    Diagnostic::new(&INPUT_NOT_TEXT, format!("{name} is not UTF-8 text: binary or wrongly encoded data at byte {offset}"))
        .with_help("manifests and templates must be UTF-8; binary files belong outside templates/ and manifest folders")
}

/// A folder is read as a chart when it has a Chart.yaml, or a misspelt one (reported then).
fn is_chart_dir(path: &Path) -> bool {
    [
        "Chart.yaml",
        "chart.yaml",
        "Chart.yml",
        "chart.yml",
        "Chart.YAML",
    ]
    .iter()
    .any(|n| path.join(n).is_file())
}

/// A folder of plain manifests: walked as [`crate::inputs::walk`] says (only YAML and JSON,
/// `.gitignore`, `exclude:`), with the per-file limit of plain manifests.
fn load_manifest_dir(
    path: &Path,
    shown: &str,
    options: &LoadOptions,
    sources: &mut SourceMap,
) -> (Option<Loaded>, Vec<Diagnostic>) {
    let mut filter = crate::inputs::walk::Filter::new(path, &options.walk);
    let limits = TreeLimits {
        max_file_bytes: options.max_manifest_bytes,
        max_total_bytes: options.max_total_bytes.max(options.max_manifest_bytes),
        ..TreeLimits::default()
    };
    let (tree, mut diags) = package::read_dir_tree_filtered(
        path,
        &limits,
        &mut |rel, is_dir| filter.keep(rel, is_dir),
        false,
    );
    let Some(tree) = tree else {
        return (None, diags);
    };
    let (loaded, more) = load_dir_tree(tree, shown, Some(path), options, sources);
    diags.extend(more);
    (loaded, diags)
}

/// A directory: a chart when it has Chart.yaml, else a folder of manifests. `root` is where
/// the tree was read from on disk, when it was (its manifests can be read again).
pub(super) fn load_dir_tree(
    tree: FileTree,
    shown: &str,
    root: Option<&Path>,
    options: &LoadOptions,
    sources: &mut SourceMap,
) -> (Option<Loaded>, Vec<Diagnostic>) {
    load_dir_tree_checked(
        tree,
        shown,
        root,
        options,
        sources,
        &package::TextChecked::default(),
    )
}

/// [`load_dir_tree`] of a tree whose files in `checked` are known to be text.
fn load_dir_tree_checked(
    tree: FileTree,
    shown: &str,
    root: Option<&Path>,
    options: &LoadOptions,
    sources: &mut SourceMap,
    checked: &package::TextChecked,
) -> (Option<Loaded>, Vec<Diagnostic>) {
    if tree.files.contains_key("Chart.yaml") {
        let (chart, diags) = load_tree_checked(tree, shown, options, sources, checked);
        return (chart.map(|c| Loaded::Chart(Box::new(c))), diags);
    }
    // A misspelt Chart.yaml would otherwise make the chart a folder of odd manifests.
    if let Some(near) = ["chart.yaml", "Chart.yml", "chart.yml", "Chart.YAML"]
        .iter()
        .find(|n| tree.files.contains_key(**n))
    {
        let d = Diagnostic::new(
            &MISSING_CHART_YAML,
            format!("{shown} has {near} but no Chart.yaml"),
        )
        .with_severity(Severity::Fatal)
        .with_help(format!(
            "Helm only reads a file named exactly Chart.yaml: rename {near} to Chart.yaml"
        ));
        return (None, vec![d]);
    }
    let mut files = Vec::new();
    let mut diags = Vec::new();
    let mut skipped = 0;
    for (rel, bytes) in &tree.files {
        let lower = rel.to_ascii_lowercase();
        if !(lower.ends_with(".yaml") || lower.ends_with(".yml") || lower.ends_with(".json")) {
            continue;
        }
        let name = join(shown, rel);
        match text_of(bytes) {
            Ok(text) if crate::inputs::walk::is_kustomization(rel) => {
                skipped += 1;
                diags.push(kustomization_note(shown, rel, &name, text, sources));
            }
            Ok(text) if !crate::inputs::walk::holds_objects(text) => {
                // Counted in the summary, not checked: a workflow or values file is not an
                // object with its apiVersion missing.
                skipped += 1;
                sources.add(name, "", SourceKind::Skipped);
            }
            Ok(text) => files.extend(match root {
                Some(root) => {
                    add_manifest_file(&name, &shared_text(bytes, text), &root.join(rel), sources)
                }
                None => add_manifest_text(&name, text, sources),
            }),
            Err(offset) => diags.push(not_text(&name, offset)),
        }
    }
    if files.is_empty() && skipped > 0 && !diags.iter().any(Diagnostic::is_error) {
        // Only kustomizations, workflows or config files: nothing to check is not a failure.
        return (Some(Loaded::Manifests(files)), diags);
    }
    if files.is_empty() && !diags.iter().any(Diagnostic::is_error) {
        diags.extend(fatal(
            &INPUT_EMPTY,
            format!("{shown} has no Chart.yaml and no .yaml, .yml or .json files"),
            "point kforge at a chart directory (with Chart.yaml) or at a folder of Kubernetes manifests",
        ));
        return (None, diags);
    }
    (Some(Loaded::Manifests(files)), diags)
}

/// The note on a kustomization found in a walk: kforge checks what kustomize builds, not the
/// kustomization itself (its patches are fragments, not objects).
fn kustomization_note(
    shown: &str,
    rel: &str,
    name: &str,
    text: &str,
    sources: &mut SourceMap,
) -> Diagnostic {
    let file = sources.add(name, text, SourceKind::Skipped);
    let first_line = text.lines().next().map_or(0, str::len);
    let folder = match rel.rsplit_once('/') {
        Some((dir, _)) => join(shown, dir),
        None => shown.to_string(),
    };
    Diagnostic::new(
        &INPUT_KUSTOMIZATION,
        format!("{name} is a kustomization: it is skipped, not checked as manifests"),
    )
    .at(
        Span::new(file, 0, first_line),
        "kustomize builds the manifests from this",
    )
    .with_help(format!(
        "check what kustomize builds: kustomize build {folder} | kforge lint -"
    ))
}

fn join(base: &str, rel: &str) -> String {
    if base.is_empty() || base == "." {
        rel.to_string()
    } else {
        format!("{base}/{rel}")
    }
}

/// Builds a chart from its files (a directory read from disk or an archive read in memory).
/// Uses the default [`LoadOptions`] (target Kubernetes: the newest embedded version).
pub fn load_tree(
    tree: FileTree,
    display_path: &str,
    sources: &mut SourceMap,
) -> (Option<Chart>, Vec<Diagnostic>) {
    load_tree_with_options(tree, display_path, &LoadOptions::default(), sources)
}

pub fn load_tree_with_options(
    tree: FileTree,
    display_path: &str,
    options: &LoadOptions,
    sources: &mut SourceMap,
) -> (Option<Chart>, Vec<Diagnostic>) {
    load_tree_checked(
        tree,
        display_path,
        options,
        sources,
        &package::TextChecked::default(),
    )
}

fn load_tree_checked(
    tree: FileTree,
    display_path: &str,
    options: &LoadOptions,
    sources: &mut SourceMap,
    checked: &package::TextChecked,
) -> (Option<Chart>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let size: u64 = tree.files.values().map(|b| b.len() as u64).sum();
    let chart = ChartLoader {
        options,
        checked,
        sources,
        diags: &mut diags,
        remaining_bytes: options.max_total_bytes.saturating_sub(size),
    }
    .chart(tree, display_path, "", 0);
    (chart, diags)
}

/// A chart's files by role (see [`ChartLoader::sort_files`]).
struct ChartParts {
    templates: Vec<Template>,
    crds: Vec<FileId>,
    files: FileTree,
    sub_trees: std::collections::BTreeMap<String, FileTree>,
    sub_archives: Vec<(String, Arc<[u8]>)>,
}

struct ChartLoader<'a> {
    options: &'a LoadOptions,
    /// Files already known to be text (read from a folder): not checked again.
    checked: &'a package::TextChecked,
    sources: &'a mut SourceMap,
    diags: &'a mut Vec<Diagnostic>,
    /// What archives nested in charts/ may still unpack: one budget for the whole chart, so
    /// archives of archives cannot multiply the work.
    remaining_bytes: u64,
}

impl ChartLoader<'_> {
    /// `helm_prefix` is what precedes the chart's name in Helm template names: empty for the
    /// top chart, `parent/charts/` for a subchart.
    fn chart(
        &mut self,
        tree: FileTree,
        shown: &str,
        helm_prefix: &str,
        depth: usize,
    ) -> Option<Chart> {
        let top = depth == 0;
        let (chart_file, root) = self.chart_yaml(&tree, shown, top)?;
        let root = self.with_requirements(root, &tree, shown);
        let check = Check {
            kube_version: top.then_some(self.options.kube_version),
        };
        let mut metadata = metadata::read(&root, &check, self.diags);
        if metadata.name.is_empty() {
            // Keeps template names meaningful; the missing name is already reported.
            metadata.name = shown
                .rsplit('/')
                .next()
                .unwrap_or("chart")
                .trim_end_matches(".tgz")
                .to_string();
        }
        let full_name = format!("{helm_prefix}{}", metadata.name);

        let values_file = match tree.files.get("values.yaml") {
            Some(b) => self.text_file(&join(shown, "values.yaml"), b, SourceKind::Values),
            None => None,
        };
        let schema_file = match tree.files.get("values.schema.json") {
            Some(b) => self.text_file(&join(shown, "values.schema.json"), b, SourceKind::ChartFile),
            None => None,
        };
        let mut parts = self.sort_files(&tree, shown, &full_name);
        // Helm keeps a v1 chart's requirements files in `.Files` (pkg/chart/v2/loader).
        if metadata.api_version == "v1" {
            for name in ["requirements.yaml", "requirements.lock"] {
                if let Some(bytes) = tree.files.get(name) {
                    parts.files.files.insert(name.to_string(), bytes.clone());
                }
            }
        }
        let subcharts = self.subcharts(
            parts.sub_trees,
            parts.sub_archives,
            shown,
            &full_name,
            depth,
        );

        let mut chart = Chart {
            metadata,
            display_path: shown.to_string(),
            chart_file,
            values_file,
            schema_file,
            templates: parts.templates,
            crds: parts.crds,
            files: parts.files,
            subcharts,
        };
        self.check_lock(&tree, shown, &root, &chart.subcharts);
        self.check_declared(&chart);
        if top {
            self.check_extensions(&chart);
            if self.options.recommendations {
                metadata::check_recommended(&chart, self.diags);
            }
        }
        self.resolve_dependencies(&mut chart, &full_name);
        self.check_installs_something(&chart);
        Some(chart)
    }

    /// Chart.yaml read and parsed into a map, or reported (fatal for the top chart) and `None`.
    fn chart_yaml(&mut self, tree: &FileTree, shown: &str, top: bool) -> Option<(FileId, Node)> {
        let Some(chart_bytes) = tree.files.get("Chart.yaml").cloned() else {
            let d = Diagnostic::new(&MISSING_CHART_YAML, format!("{shown} has no Chart.yaml"))
                .with_help("every chart needs Chart.yaml with apiVersion, name and version");
            self.diags.push(if top {
                d.with_severity(Severity::Fatal)
            } else {
                d
            });
            return None;
        };
        let chart_name_shown = join(shown, "Chart.yaml");
        let chart_file = self.text_file(&chart_name_shown, &chart_bytes, SourceKind::ChartFile)?;
        let root = self.parse_single(chart_file);
        let root = match root {
            Some(r) if matches!(r.value, Value::Map(_)) => r,
            other => {
                let span = other.map_or(Span::new(chart_file, 0, 0), |n| n.span);
                let d = Diagnostic::new(&INVALID_CHART_YAML, format!("{chart_name_shown} is not a map of chart fields"))
                    .at(span, "expected `apiVersion:`, `name:`, `version:` ...")
                    .with_help("Chart.yaml holds fields such as:\napiVersion: v2\nname: mychart\nversion: 0.1.0");
                self.diags.push(if top {
                    d.with_severity(Severity::Fatal)
                } else {
                    d
                });
                return None;
            }
        };
        Some((chart_file, root))
    }

    /// The chart's files by role: templates, CRDs, subcharts (folders and archives under
    /// charts/), and the rest (`.Files`); Chart.yaml, values and lock files are read elsewhere.
    fn sort_files(&mut self, tree: &FileTree, shown: &str, full_name: &str) -> ChartParts {
        let mut templates = Vec::new();
        let mut crds = Vec::new();
        let mut files = FileTree::default();
        let mut sub_trees: std::collections::BTreeMap<String, FileTree> = Default::default();
        let mut sub_archives: Vec<(String, Arc<[u8]>)> = Vec::new();
        for (rel, bytes) in &tree.files {
            if let Some(t) = rel.strip_prefix("templates/") {
                if let Some(file) = self.text_file(&join(shown, rel), bytes, SourceKind::Template) {
                    templates.push(Template {
                        name: format!("{full_name}/templates/{t}"),
                        file,
                    });
                }
            } else if let Some(rest) = rel.strip_prefix("charts/") {
                let (first, inner) = rest.split_once('/').unwrap_or((rest, ""));
                if first.starts_with('.') || first.starts_with('_') {
                    continue;
                }
                if inner.is_empty() {
                    if first.ends_with(".tgz") {
                        sub_archives.push((first.to_string(), bytes.clone()));
                    }
                } else {
                    sub_trees
                        .entry(first.to_string())
                        .or_default()
                        .files
                        .insert(inner.to_string(), bytes.clone());
                }
            } else if matches!(
                rel.as_str(),
                "Chart.yaml"
                    | "values.yaml"
                    | "values.schema.json"
                    | "Chart.lock"
                    | "requirements.yaml"
                    | "requirements.lock"
            ) {
                continue;
            } else {
                if rel.starts_with("crds/")
                    && is_manifest_name(rel)
                    && let Some(file) =
                        self.text_file(&join(shown, rel), bytes, SourceKind::ChartFile)
                {
                    crds.push(file);
                }
                files.files.insert(rel.clone(), bytes.clone());
            }
        }
        ChartParts {
            templates,
            crds,
            files,
            sub_trees,
            sub_archives,
        }
    }

    /// The subcharts under charts/, folders first then archives (within the input budget), up to
    /// `MAX_DEPTH` levels.
    fn subcharts(
        &mut self,
        sub_trees: std::collections::BTreeMap<String, FileTree>,
        sub_archives: Vec<(String, Arc<[u8]>)>,
        shown: &str,
        full_name: &str,
        depth: usize,
    ) -> Vec<Chart> {
        let mut subcharts = Vec::new();
        if depth + 1 >= MAX_DEPTH {
            if !sub_trees.is_empty() || !sub_archives.is_empty() {
                self.diags.push(
                    Diagnostic::new(&INPUT_UNREADABLE, format!("{shown}: subcharts nest more than {MAX_DEPTH} levels deep; the deeper ones are skipped"))
                        .with_help("a chart archive probably contains itself"),
                );
            }
        } else {
            let sub_prefix = format!("{full_name}/charts/");
            for (dir, sub_tree) in sub_trees {
                subcharts.extend(self.chart(
                    sub_tree,
                    &join(shown, &format!("charts/{dir}")),
                    &sub_prefix,
                    depth + 1,
                ));
            }
            for (file_name, bytes) in sub_archives {
                let sub_shown = join(shown, &format!("charts/{file_name}"));
                if self.remaining_bytes == 0 {
                    self.diags.push(
                        Diagnostic::new(
                            &INPUT_UNREADABLE,
                            format!(
                                "{sub_shown} is not read: the chart's archives together exceed the input limit of {} bytes",
                                self.options.max_total_bytes
                            ),
                        )
                        .with_help("unpack the subchart archives, or check for archives that contain themselves"),
                    );
                    continue;
                }
                let limits = TreeLimits {
                    max_total_bytes: self.remaining_bytes,
                    max_file_bytes: self.options.max_file_bytes,
                    ..TreeLimits::default()
                };
                match package::read_archive(&bytes, &sub_shown, &limits) {
                    Ok(sub_tree) => {
                        let size: u64 = sub_tree.files.values().map(|b| b.len() as u64).sum();
                        self.remaining_bytes = self.remaining_bytes.saturating_sub(size.max(1));
                        subcharts.extend(self.chart(sub_tree, &sub_shown, &sub_prefix, depth + 1))
                    }
                    Err(d) => self.diags.extend(d),
                }
            }
        }
        subcharts
    }

    /// A chart that renders nothing and has no subcharts installs nothing. A chart of CRDs only
    /// (`crds/`, no templates) installs them: Helm ships such charts.
    fn check_installs_something(&mut self, chart: &Chart) {
        if chart.metadata.chart_type != "library"
            && !chart.templates.iter().any(renders)
            && chart.subcharts.is_empty()
            && chart.crds.is_empty()
        {
            let d = Diagnostic::new(
                &NO_TEMPLATES,
                format!(
                    "chart {:?} has no templates (other than partials and NOTES.txt) and no subcharts: installing it creates nothing",
                    chart.metadata.name
                ),
            )
            .at(Span::new(chart.chart_file, 0, 0), "this chart")
            .with_help("put manifests under templates/ (a folder named exactly `templates`)");
            self.diags.push(d);
        }
    }

    /// Applies Chart.yaml `dependencies` to the charts found in charts/, as Helm does: each
    /// dependency takes the subchart of its name (and a compatible version), renamed to its alias;
    /// subcharts no dependency names stay as they are.
    fn resolve_dependencies(&mut self, chart: &mut Chart, full_name: &str) {
        let deps = chart.metadata.dependencies();
        if deps.is_empty() {
            return;
        }
        let found = std::mem::take(&mut chart.subcharts);
        let compatible = |dep: &metadata::Dependency, sub: &Chart| {
            sub.metadata.name == dep.name
                && (dep.version.trim().is_empty()
                    || Constraint::parse(&dep.version).is_ok_and(|c| {
                        semver::Version::parse(&sub.metadata.version).is_ok_and(|v| c.matches(&v))
                    }))
        };
        let mut result: Vec<Chart> = found
            .iter()
            .filter(|sub| !deps.iter().any(|d| compatible(d, sub)))
            .cloned()
            .collect();
        for dep in &deps {
            match found.iter().find(|sub| compatible(dep, sub)) {
                Some(sub) => {
                    let mut copy = sub.clone();
                    if let Some(alias) = &dep.alias {
                        rename(&mut copy, &format!("{full_name}/charts/"), alias);
                    }
                    result.push(copy);
                }
                None => {
                    let other = found.iter().find(|sub| sub.metadata.name == dep.name);
                    // Helm renders a vendored chart of another version as it is (only
                    // `helm dependency build` checks versions); so does kforge, with a warning.
                    let (message, help) = match other {
                        Some(sub) => (
                            format!(
                                "dependency {:?} wants version {:?}, but charts/ has {} {}",
                                dep.name, dep.version, sub.metadata.name, sub.metadata.version
                            ),
                            format!(
                                "kforge renders the vendored {} {} as Helm does; run `helm dependency update` to vendor a matching version",
                                sub.metadata.name, sub.metadata.version
                            ),
                        ),
                        None => (
                            format!(
                                "dependency {:?} is not in charts/ of chart {:?}",
                                dep.name, chart.metadata.name
                            ),
                            "vendor it with `helm dependency build` (kforge never downloads: it reads charts/, as folders or .tgz archives); kforge checks the chart without it".to_string(),
                        ),
                    };
                    self.diags.push(
                        Diagnostic::new(&MISSING_DEPENDENCY, message)
                            .at(dep.span, "declared here")
                            .with_help(help),
                    );
                }
            }
        }
        result.sort_by(|a, b| a.metadata.name.cmp(&b.metadata.name));
        chart.subcharts = result;
    }

    /// Chart.lock (requirements.lock for v1 charts) against the dependencies and against the
    /// charts found in charts/ (before aliases rename them).
    fn check_lock(&mut self, tree: &FileTree, shown: &str, root: &Node, found: &[Chart]) {
        let is_v1 = root.get("apiVersion").and_then(Node::as_str) == Some("v1");
        let lock_name = if is_v1 {
            "requirements.lock"
        } else {
            "Chart.lock"
        };
        let Some(bytes) = tree.files.get(lock_name) else {
            return;
        };
        let Some(file) = self.text_file(&join(shown, lock_name), bytes, SourceKind::ChartFile)
        else {
            return;
        };
        let Some(lock) = self.parse_single(file).filter(|n| n.as_map().is_some()) else {
            return;
        };
        let shown_lock = join(shown, lock_name);
        let check = lock::LockCheck {
            lock_name: &shown_lock,
            lock: &lock,
            dependencies: root.get("dependencies"),
            is_v1,
            vendored: found
                .iter()
                .map(|c| {
                    (
                        c.metadata.name.clone(),
                        c.metadata.version.clone(),
                        c.display_path.clone(),
                    )
                })
                .collect(),
        };
        self.diags.extend(lock::check(&check));
    }

    /// helm lint's `validateDependencyInMetadata`: every chart found in charts/ is named by a
    /// dependency (by name: an alias renames a declared chart, it does not declare another).
    fn check_declared(&mut self, chart: &Chart) {
        let deps = chart.metadata.dependencies();
        for sub in &chart.subcharts {
            if deps.iter().any(|d| d.name == sub.metadata.name) {
                continue;
            }
            self.diags.push(
                Diagnostic::new(
                    &UNDECLARED_DEPENDENCY,
                    format!(
                        "{} is in charts/ but not declared in the dependencies of chart {:?}",
                        sub.display_path, chart.metadata.name
                    ),
                )
                .at(Span::new(sub.chart_file, 0, 0), "this chart")
                .with_help(format!(
                    "declare it in Chart.yaml:\ndependencies:\n  - name: {}\n    version: {}\nor remove it from charts/ if it is a leftover",
                    sub.metadata.name, sub.metadata.version
                )),
            );
        }
    }

    /// helm lint's `validateAllowedExtension`, on the chart's own templates.
    fn check_extensions(&mut self, chart: &Chart) {
        for t in &chart.templates {
            let base = t.name.rsplit('/').next().unwrap_or("");
            // Go's filepath.Ext: from the last dot of the base name, or nothing.
            let ext = base.rfind('.').map_or("", |i| base.get(i..).unwrap_or(""));
            if matches!(ext, ".yaml" | ".yml" | ".tpl" | ".txt") {
                continue;
            }
            let shown = if ext.is_empty() {
                "no extension".to_string()
            } else {
                format!("the extension {ext:?}")
            };
            self.diags.push(
                Diagnostic::new(
                    &TEMPLATE_EXTENSION,
                    format!("template {base} has {shown}: helm lint accepts only .yaml, .yml, .tpl and .txt under templates/"),
                )
                .at(Span::new(t.file, 0, 0), "this file")
                .with_help("name a manifest .yaml (JSON is YAML too); move files that are not templates out of templates/"),
            );
        }
    }

    /// Charts of apiVersion v1 (Helm 2) list dependencies in requirements.yaml; Helm 3 still
    /// reads them from there. They are spliced into the metadata tree (keeping their spans in
    /// requirements.yaml) so the rest of the loader sees one `dependencies` list.
    fn with_requirements(&mut self, mut root: Node, tree: &FileTree, shown: &str) -> Node {
        // Helm reads requirements.yaml into the metadata whatever the apiVersion (a v2 chart
        // only gets a warning in its log), so its dependencies replace Chart.yaml's; a v1
        // Chart.yaml's own list is left for the metadata checks to report.
        let is_v1 = root.get("apiVersion").and_then(Node::as_str) == Some("v1");
        if is_v1 && root.get("dependencies").is_some() {
            return root;
        }
        let Some(bytes) = tree.files.get("requirements.yaml") else {
            return root;
        };
        let Some(file) = self.text_file(
            &join(shown, "requirements.yaml"),
            bytes,
            SourceKind::ChartFile,
        ) else {
            return root;
        };
        let Some(requirements) = self.parse_single(file) else {
            return root;
        };
        if let (Some((key, deps)), Value::Map(entries)) =
            (requirements.entry("dependencies"), &mut root.value)
        {
            entries.retain(|(k, _)| k.as_str() != Some("dependencies"));
            entries.push((key.clone(), deps.clone()));
        }
        root
    }

    /// Adds a file to the source map, or reports it when it is not UTF-8 text.
    fn text_file(&mut self, name: &str, bytes: &Arc<[u8]>, kind: SourceKind) -> Option<FileId> {
        let text = match self.checked.text(bytes) {
            Some(text) => Ok(text),
            None => text_of(bytes),
        };
        match text {
            // Shares the file's bytes: a chart's templates (the `common` library's among them)
            // are read once per render, and a copy costs its fresh pages (issue 14).
            Ok(text) => Some(self.sources.add(name, shared_text(bytes, text), kind)),
            Err(offset) => {
                self.diags.push(not_text(name, offset));
                None
            }
        }
    }

    /// The first document of a YAML file (Chart.yaml), with the YAML stage's diagnostics.
    fn parse_single(&mut self, file: FileId) -> Option<Node> {
        let (docs, diags) = yaml::parse_stream(self.sources, file, &yaml::Limits::default());
        self.diags.extend(diags);
        docs.into_iter().find_map(|d| d.root)
    }
}

/// Whether a template produces manifests: not a partial (`_*`) and not NOTES.txt.
fn renders(template: &Template) -> bool {
    let base = template.name.rsplit('/').next().unwrap_or("");
    !base.starts_with('_') && base != "NOTES.txt"
}

fn is_manifest_name(rel: &str) -> bool {
    let lower = rel.to_ascii_lowercase();
    lower.ends_with(".yaml") || lower.ends_with(".yml") || lower.ends_with(".json")
}

/// Renames a subchart (Helm sets an aliased dependency's chart name to the alias) and rewrites
/// its template names and its subcharts' under the new name.
fn rename(chart: &mut Chart, prefix: &str, new_name: &str) {
    let old = format!("{prefix}{}/", chart.metadata.name);
    let new = format!("{prefix}{new_name}/");
    rewrite_names(chart, &old, &new);
    chart.metadata.name = new_name.to_string();
    // Templates read the name from the tree (`chart.name`): Helm shows the alias there too.
    if let Value::Map(entries) = &mut chart.metadata.tree.value
        && let Some((_, name)) = entries
            .iter_mut()
            .rev()
            .find(|(k, _)| k.as_str() == Some("name"))
    {
        name.value = Value::Str(new_name.into());
    }
}

fn rewrite_names(chart: &mut Chart, old: &str, new: &str) {
    for t in &mut chart.templates {
        if let Some(rest) = t.name.strip_prefix(old) {
            t.name = format!("{new}{rest}");
        }
    }
    for sub in &mut chart.subcharts {
        rewrite_names(sub, old, new);
    }
}

impl ChartMetadata {
    /// Whether this is a library chart (renders nothing itself).
    pub fn is_library(&self) -> bool {
        self.chart_type == "library"
    }
}
