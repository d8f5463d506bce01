//! `kforge lint --changed FILE...`: turns the files a commit changed (as pre-commit passes them)
//! into what to lint. A file inside a chart means the chart, so every template, values file or
//! `Chart.yaml` edit re-checks the chart as a whole, and each chart is linted once however many of
//! its files changed. Outside charts, only files that look like Kubernetes manifests are linted:
//! a repository's other YAML (CI workflows, configs) is not kforge's to judge. A chart found this
//! way is linted like any chart directory, in every configuration of its values matrix: a commit
//! that changes only `ci/prod-values.yaml` re-checks the chart with it.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The charts and manifests to lint for these changed files, sorted, each once.
pub fn targets(files: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = BTreeSet::new();
    for file in files {
        // Pre-commit passes only existing files; a deleted one has nothing left to check.
        if file.as_os_str() == "-" || file.is_dir() {
            out.insert(file.clone());
        } else if let Some(chart) = enclosing_chart(file) {
            out.insert(outermost(chart));
        } else if file.is_file() && (is_archive(file) || looks_like_manifest(file)) {
            out.insert(file.clone());
        }
    }
    out.into_iter().collect()
}

/// `""` (the parent of a bare file name) is the current directory.
fn dir_or_dot(dir: &Path) -> PathBuf {
    if dir.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        dir.to_path_buf()
    }
}

/// The nearest folder above `file` with a Chart.yaml.
fn enclosing_chart(file: &Path) -> Option<PathBuf> {
    file.ancestors()
        .skip(1)
        .map(dir_or_dot)
        .find(|dir| dir.join("Chart.yaml").is_file())
}

/// A subchart vendored under `<parent>/charts/` is linted through its parent, which gives it its
/// values (Helm renders it no other way).
fn outermost(mut chart: PathBuf) -> PathBuf {
    loop {
        let Some(charts) = chart.parent() else {
            return chart;
        };
        if charts.file_name().is_none_or(|n| n != "charts") {
            return chart;
        }
        let parent = dir_or_dot(charts.parent().unwrap_or(Path::new("")));
        if !parent.join("Chart.yaml").is_file() {
            return chart;
        }
        chart = parent;
    }
}

fn is_archive(file: &Path) -> bool {
    let name = file.to_string_lossy().to_ascii_lowercase();
    name.ends_with(".tgz") || name.ends_with(".tar.gz")
}

/// A YAML or JSON file with both an `apiVersion` and a `kind` key at the start of a line. A file
/// that cannot be read is kept, so that the lint reports why.
fn looks_like_manifest(file: &Path) -> bool {
    let Ok(bytes) = std::fs::read(file) else {
        return true;
    };
    let text = String::from_utf8_lossy(&bytes);
    let has = |key: &str| {
        let quoted = format!("\"{key}\"");
        text.lines().any(|line| {
            let line = line.trim_start();
            line.strip_prefix(key)
                .or_else(|| line.strip_prefix(quoted.as_str()))
                .is_some_and(|rest| rest.trim_start().starts_with(':'))
        })
    };
    has("apiVersion") && has("kind")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(root: &Path, rel: &str, text: &str) {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn files_map_to_their_outermost_chart_and_manifests_to_themselves() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "web/Chart.yaml", "name: web\n");
        write(root, "web/values.yaml", "a: 1\n");
        write(root, "web/templates/deploy.yaml", "kind: {{ .Values.k }}\n");
        write(root, "web/charts/db/Chart.yaml", "name: db\n");
        write(root, "web/charts/db/templates/sts.yaml", "x\n");
        write(root, "other/Chart.yaml", "name: other\n");
        write(root, "other/ci/values-prod.yaml", "a: 2\n");
        write(root, "k8s/svc.yaml", "apiVersion: v1\nkind: Service\n");
        write(
            root,
            "k8s/list.json",
            "{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"List\"\n}\n",
        );
        write(root, ".github/workflows/ci.yml", "on: push\njobs: {}\n");
        write(root, "config.yaml", "kind: of a config\n");
        let files: Vec<PathBuf> = [
            "web/templates/deploy.yaml",
            "web/values.yaml",
            "web/charts/db/templates/sts.yaml",
            "other/ci/values-prod.yaml",
            "k8s/svc.yaml",
            "k8s/list.json",
            ".github/workflows/ci.yml",
            "config.yaml",
            "deleted.yaml",
        ]
        .iter()
        .map(|f| root.join(f))
        .collect();
        assert_eq!(
            targets(&files),
            vec![
                root.join("k8s/list.json"),
                root.join("k8s/svc.yaml"),
                root.join("other"),
                root.join("web"),
            ]
        );
    }

    #[test]
    fn a_chart_at_the_current_directory_is_dot() {
        assert_eq!(dir_or_dot(Path::new("")), PathBuf::from("."));
        assert_eq!(
            outermost(PathBuf::from("no/such/charts/x")),
            PathBuf::from("no/such/charts/x")
        );
    }
}
