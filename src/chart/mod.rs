//! The load stage: a chart directory, a packaged chart, plain manifests or stdin → [`Loaded`].
//! Entry point: [`load`].

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

pub mod constraint;
mod load;
mod lock;
mod manifests;
mod metadata;

pub use crate::catalog::chart::*;
pub use crate::catalog::input::{
    INPUT_CHART_TEMPLATE, INPUT_EMPTY, INPUT_NOT_FOUND, INPUT_NOT_TEXT, INPUT_UNREADABLE,
};
pub use constraint::Constraint;
pub use load::{load_tree, load_tree_with_options};
pub use manifests::{add_manifest_file, add_manifest_text};
pub use metadata::{Dependency, ImportValue};

use crate::diag::Diagnostic;
use crate::source::{FileId, SourceMap};
use crate::version::KubeVersion;
use crate::yaml::Node;

/// Files of a chart (or of a manifest directory), by path relative to its root with `/`
/// separators, sorted. A directory on disk and an archive read in memory both become one.
#[derive(Clone, Debug, Default)]
pub struct FileTree {
    pub files: BTreeMap<String, Arc<[u8]>>,
}

/// What the user asked kforge to look at.
#[derive(Clone, Debug)]
pub enum Input {
    /// A chart directory, a `.tgz` chart archive, a manifest file or a directory of manifests.
    Path(PathBuf),
    /// Text already read (stdin); `name` is how it is shown (`<stdin>`).
    Text { name: String, text: String },
}

#[derive(Clone, Debug)]
pub struct ChartMetadata {
    pub api_version: String,
    pub name: String,
    pub version: String,
    pub app_version: Option<String>,
    pub description: Option<String>,
    /// `kubeVersion` constraint as written.
    pub kube_version: Option<String>,
    /// `application` or `library`.
    pub chart_type: String,
    pub deprecated: bool,
    /// The whole Chart.yaml tree: the render context's `chart` object and spans for findings.
    pub tree: Node,
}

#[derive(Clone, Debug)]
pub struct Template {
    /// Helm's template name: `<chart name>/templates/<path>` (subcharts:
    /// `<parent>/charts/<sub>/templates/<path>`).
    pub name: String,
    pub file: FileId,
}

#[derive(Clone, Debug)]
pub struct Chart {
    pub metadata: ChartMetadata,
    /// Where the chart was found, as shown to the user (`charts-examples/nginx`, `pkg.tgz`).
    pub display_path: String,
    pub chart_file: FileId,
    pub values_file: Option<FileId>,
    pub schema_file: Option<FileId>,
    /// Everything under `templates/`: renderable files, partials (`_*`) and `NOTES.txt`, sorted.
    pub templates: Vec<Template>,
    /// Files under `crds/` (never templated), sorted.
    pub crds: Vec<FileId>,
    /// The chart's files as Helm's `.Files` sees them, for `files.get` / `files.glob` in
    /// templates: every file not ignored except Chart.yaml, values.yaml, values.schema.json,
    /// `templates/` and `charts/` (crds/ included).
    pub files: FileTree,
    /// Subcharts after applying Chart.yaml `dependencies`: an aliased dependency is a copy named
    /// by its alias (template names too); sorted by name.
    pub subcharts: Vec<Chart>,
}

#[derive(Clone, Debug)]
pub enum Loaded {
    Chart(Box<Chart>),
    /// Plain manifest files, in the order to process them.
    Manifests(Vec<FileId>),
}

#[derive(Clone, Debug)]
pub struct LoadOptions {
    /// Largest single file of a chart read, in bytes (Helm's limit).
    pub max_file_bytes: u64,
    /// Largest plain manifest file read, in bytes (`--max-file-size`): real install manifests
    /// (every CRD of an operator in one file) are larger than a chart's files.
    pub max_manifest_bytes: u64,
    /// What walks of manifest folders leave out (`exclude:` of `.kforge.yaml`).
    pub walk: crate::inputs::walk::WalkOptions,
    /// Largest total input, in bytes.
    pub max_total_bytes: u64,
    /// The Kubernetes version the run targets: a chart whose `kubeVersion` excludes it is reported.
    pub kube_version: KubeVersion,
    /// Whether to report helm lint's recommendations (`chart/missing-icon`,
    /// `chart/missing-values`), rules that are off unless enabled.
    pub recommendations: bool,
}

impl Default for LoadOptions {
    fn default() -> LoadOptions {
        LoadOptions {
            max_file_bytes: 5 << 20,
            max_manifest_bytes: crate::source::MAX_INPUT_BYTES,
            walk: crate::inputs::walk::WalkOptions::default(),
            max_total_bytes: 100 << 20,
            kube_version: KubeVersion::NEWEST,
            recommendations: false,
        }
    }
}

/// Loads one input: a directory with Chart.yaml is a chart; a directory without is a folder of
/// manifests (`*.yaml`, `*.yml`, `*.json`, recursive, sorted); a `.tgz`/`.tar.gz` file is a
/// packaged chart; a path to a `Chart.yaml` means its chart; any other file, and stdin, are
/// manifests (`# Source:` comments honoured, see [`add_manifest_text`]). `None` (with a fatal
/// diagnostic) when there is nothing to check.
pub fn load(
    input: &Input,
    options: &LoadOptions,
    sources: &mut SourceMap,
) -> (Option<Loaded>, Vec<Diagnostic>) {
    load::load(input, options, sources)
}
