//! The bitnami chart corpus in ../shared/corpus/helm (see its README): unpacking it and
//! vendoring each chart's dependencies as `render-with-helm.py` does.

use std::path::{Path, PathBuf};

/// `bitnami-charts.tgz` of `corpus` unpacked into a new temporary folder (removed when the first
/// value is dropped), with where its sources are and where vendored copies go.
pub fn unpacked(corpus: &Path) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    unpack(&corpus.join("bitnami-charts.tgz"), tmp.path());
    let (src, work) = (tmp.path().join("bitnami"), tmp.path().join("work"));
    (tmp, src, work)
}

fn unpack(tgz: &Path, into: &Path) {
    let file = std::fs::File::open(tgz).unwrap();
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
    archive.unpack(into).unwrap();
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The names of a chart's Chart.yaml `dependencies`.
fn dependency_names(chart_yaml: &Path) -> Vec<String> {
    let mut sources = kforge::source::SourceMap::new();
    let text = std::fs::read_to_string(chart_yaml).unwrap();
    let file = sources.add("Chart.yaml", text, kforge::source::SourceKind::ChartFile);
    let (docs, _) = kforge::yaml::parse_stream(&sources, file, &kforge::yaml::Limits::default());
    let Some(root) = docs.into_iter().find_map(|d| d.root) else {
        return Vec::new();
    };
    root.get("dependencies")
        .and_then(|d| d.as_seq())
        .unwrap_or(&[])
        .iter()
        .filter_map(|d| d.get("name").and_then(|n| n.scalar_text()))
        .collect()
}

/// `render-with-helm.py`'s `prep`: the chart copied, each dependency that is a sibling chart
/// copied (recursively vendored) into its `charts/`.
pub fn prep(src: &Path, name: &str, dest: &Path) {
    if dest.exists() {
        return;
    }
    copy_dir(&src.join(name), dest);
    std::fs::create_dir_all(dest.join("charts")).unwrap();
    for dep in dependency_names(&dest.join("Chart.yaml")) {
        if src.join(&dep).is_dir() {
            prep(src, &dep, &dest.join("charts").join(&dep));
        }
    }
}
