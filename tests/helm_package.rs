//! `kforge package` of a Helm chart against what Helm v4 packages for it, as recorded by
//! `scripts/record-helm-package` in tests/fixtures/helm-package/<case>.json (which also checked
//! that Helm loads kforge's archive and renders it exactly as it renders the folder).
//!
//! Same: the files (`.helmignore` applied, subcharts as folders), each 0644, and the chart
//! metadata. Different by design, and asserted as such:
//! - order: kforge's entries are sorted by path (one order for every chart, the archive is
//!   byte-reproducible); Helm writes Chart.yaml, Chart.lock, values.yaml, values.schema.json,
//!   templates, other files, then subcharts;
//! - Chart.yaml (and Chart.lock) bytes: kforge keeps the author's file, comments included; Helm
//!   writes its parsed metadata back (comments and unknown fields dropped, an empty
//!   `repository: ""` added to dependencies that have none). Parsed, they are the same.

use std::collections::BTreeSet;
use std::io::Read;
use std::path::Path;

use kforge::package::{PackageOptions, package_chart};

fn root() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/helm-package")
}

/// (path, mode, content) of every file in a .tgz, in archive order.
fn entries(tgz: &Path) -> Vec<(String, u32, Vec<u8>)> {
    let file = std::fs::File::open(tgz).unwrap();
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
    let mut out = Vec::new();
    for entry in archive.entries().unwrap() {
        let mut entry = entry.unwrap();
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let path = entry.path().unwrap().to_string_lossy().to_string();
        let mode = entry.header().mode().unwrap() & 0o777;
        let mut data = Vec::new();
        entry.read_to_end(&mut data).unwrap();
        out.push((path, mode, data));
    }
    out
}

/// Helm's Chart.yaml as kforge's would read: without the empty `repository` Helm's struct adds.
fn without_empty_repositories(mut meta: serde_json::Value) -> serde_json::Value {
    if let Some(deps) = meta.get_mut("dependencies").and_then(|d| d.as_array_mut()) {
        for dep in deps {
            if let Some(map) = dep.as_object_mut()
                && map.get("repository") == Some(&serde_json::json!(""))
            {
                map.remove("repository");
            }
        }
    }
    meta
}

#[test]
fn charts_package_as_helm_packages_them() {
    let mut cases: Vec<_> = std::fs::read_dir(root())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() >= 2, "{cases:?}");
    for case in &cases {
        let record: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(case.with_extension("json")).unwrap_or_else(|e| {
                panic!("{}: {e} (run scripts/record-helm-package)", case.display())
            }),
        )
        .unwrap();
        assert_eq!(
            record["kforge_renders_like_the_folder"],
            serde_json::json!(true),
            "{}: Helm rendered kforge's archive differently from the folder",
            case.display()
        );
        let tmp = tempfile::tempdir().unwrap();
        let options = PackageOptions {
            destination: tmp.path().to_path_buf(),
            ..PackageOptions::default()
        };
        let out = package_chart(case, &options).unwrap_or_else(|d| panic!("{d:?}"));
        let ours = entries(&out.path);

        let helm: Vec<(String, String)> = record["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e[0].as_str().unwrap().to_string(),
                    e[1].as_str().unwrap().to_string(),
                )
            })
            .collect();
        let helm_files: BTreeSet<&str> = helm.iter().map(|(p, _)| p.as_str()).collect();
        let our_files: BTreeSet<&str> = ours.iter().map(|(p, _, _)| p.as_str()).collect();
        assert_eq!(our_files, helm_files, "{}: files", case.display());
        for (path, mode, _) in &ours {
            let helm_mode = &helm.iter().find(|(p, _)| p == path).unwrap().1;
            assert_eq!(
                &format!("0o{mode:o}"),
                helm_mode,
                "{}: mode of {path}",
                case.display()
            );
        }
        let order: Vec<&str> = ours.iter().map(|(p, _, _)| p.as_str()).collect();
        let mut sorted = order.clone();
        sorted.sort();
        assert_eq!(
            order,
            sorted,
            "{}: kforge's entries are sorted",
            case.display()
        );

        let name = record["chart_yaml"]["name"].as_str().unwrap();
        let chart_yaml = &ours
            .iter()
            .find(|(p, _, _)| *p == format!("{name}/Chart.yaml"))
            .unwrap()
            .2;
        let ours_meta: serde_json::Value =
            parse_chart_yaml(std::str::from_utf8(chart_yaml).unwrap());
        assert_eq!(
            ours_meta,
            without_empty_repositories(record["chart_yaml"].clone()),
            "{}: Chart.yaml content",
            case.display()
        );
    }
}

/// A Chart.yaml parsed as kforge parses it, as JSON.
fn parse_chart_yaml(text: &str) -> serde_json::Value {
    let mut sources = kforge::source::SourceMap::new();
    let file = sources.add("Chart.yaml", text, kforge::source::SourceKind::ChartFile);
    let (docs, _) = kforge::yaml::parse_stream(&sources, file, &kforge::yaml::Limits::default());
    docs.into_iter()
        .find_map(|d| d.root)
        .map(|r| r.to_json())
        .unwrap_or_default()
}
