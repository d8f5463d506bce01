//! The mistakes newcomers make most, each with the exact message they see (snapshots) and the
//! exit code: 2 when kforge could not run, 1 when it ran and found errors.
//! (Command-line flag mistakes are in cli_usage.rs.)

use crate::common;

use std::path::Path;

use common::{kforge, run, stable};

/// A scratch folder with the files given as (path, content).
fn scratch(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, content) in files {
        let full = dir.path().join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, content).unwrap();
    }
    dir
}

fn kforge_in(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = run(kforge().current_dir(dir).args(args));
    (out.code, stable(&format!("{}{}", out.stdout, out.stderr)))
}

const CHART: &[u8] =
    b"apiVersion: v2\nname: web\nversion: 1.0.0\nannotations:\n  kforge.dev/engine: jinja\n";
const CONFIGMAP: &[u8] = b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  level: {{ values.level }}\n";

#[test]
fn path_missing() {
    let dir = scratch(&[]);
    let (code, out) = kforge_in(dir.path(), &["lint", "chart"]);
    assert_eq!(code, 2);
    insta::assert_snapshot!(out);
}

#[test]
fn not_a_chart_and_no_manifests() {
    let dir = scratch(&[("docs/README.md", b"# docs\n")]);
    let (code, out) = kforge_in(dir.path(), &["lint", "docs"]);
    assert_eq!(code, 2);
    insta::assert_snapshot!(out);
}

#[test]
fn empty_directory() {
    let dir = scratch(&[]);
    std::fs::create_dir(dir.path().join("empty")).unwrap();
    let (code, out) = kforge_in(dir.path(), &["lint", "empty"]);
    assert_eq!(code, 2);
    insta::assert_snapshot!(out);
}

#[test]
fn binary_file() {
    let dir = scratch(&[("logo.yaml", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")]);
    let (code, out) = kforge_in(dir.path(), &["lint", "logo.yaml"]);
    assert_eq!(code, 2);
    insta::assert_snapshot!(out);
}

#[test]
fn non_utf8_file() {
    let dir = scratch(&[(
        "cm.yaml",
        b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: caf\xe9\n",
    )]);
    let (code, out) = kforge_in(dir.path(), &["lint", "cm.yaml"]);
    assert_eq!(code, 2);
    insta::assert_snapshot!(out);
}

#[test]
fn chart_without_templates() {
    let dir = scratch(&[("web/Chart.yaml", CHART)]);
    let (code, out) = kforge_in(dir.path(), &["lint", "web"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(out);
}

#[test]
fn chart_yaml_misspelt() {
    let dir = scratch(&[
        ("web/Chart.yml", CHART),
        ("web/templates/cm.yaml", CONFIGMAP),
    ]);
    let (code, out) = kforge_in(dir.path(), &["lint", "web"]);
    assert_eq!(code, 2);
    insta::assert_snapshot!(out);
}

#[test]
fn chart_yaml_without_version() {
    let dir = scratch(&[
        (
            "web/Chart.yaml",
            b"apiVersion: v2\nname: web\nannotations:\n  kforge.dev/engine: jinja\n",
        ),
        ("web/templates/cm.yaml", CONFIGMAP),
        ("web/values.yaml", b"level: info\n"),
    ]);
    let (code, out) = kforge_in(dir.path(), &["lint", "web"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(out);
}

#[test]
fn template_given_instead_of_the_chart() {
    let dir = scratch(&[
        ("web/Chart.yaml", CHART),
        ("web/templates/cm.yaml", CONFIGMAP),
    ]);
    let (code, out) = kforge_in(dir.path(), &["lint", "web/templates/cm.yaml"]);
    assert_eq!(code, 2);
    insta::assert_snapshot!(out);
}

#[test]
fn values_file_is_not_a_map() {
    let dir = scratch(&[
        ("web/Chart.yaml", CHART),
        ("web/templates/cm.yaml", CONFIGMAP),
        ("prod.yaml", b"- level: debug\n"),
    ]);
    let (code, out) = kforge_in(dir.path(), &["lint", "web", "-f", "prod.yaml"]);
    assert_eq!(code, 2);
    insta::assert_snapshot!(out);
}

#[test]
fn values_file_missing() {
    let dir = scratch(&[
        ("web/Chart.yaml", CHART),
        ("web/templates/cm.yaml", CONFIGMAP),
    ]);
    let (code, out) = kforge_in(dir.path(), &["lint", "web", "-f", "prod.yaml"]);
    assert_eq!(code, 2);
    insta::assert_snapshot!(out);
}

#[test]
fn set_without_value() {
    let dir = scratch(&[
        ("web/Chart.yaml", CHART),
        ("web/templates/cm.yaml", CONFIGMAP),
    ]);
    let (code, out) = kforge_in(dir.path(), &["lint", "web", "--set", "level"]);
    assert_eq!(code, 2);
    insta::assert_snapshot!(out);
}

#[test]
fn set_with_a_bad_index() {
    let dir = scratch(&[
        ("web/Chart.yaml", CHART),
        ("web/templates/cm.yaml", CONFIGMAP),
    ]);
    let (code, out) = kforge_in(
        dir.path(),
        &["lint", "web", "--set", "hosts[first]=a.example.com"],
    );
    assert_eq!(code, 2);
    insta::assert_snapshot!(out);
}

#[test]
fn value_not_set() {
    let dir = scratch(&[
        ("web/Chart.yaml", CHART),
        ("web/templates/cm.yaml", CONFIGMAP),
        ("web/values.yaml", b"levl: info\n"),
    ]);
    let (code, out) = kforge_in(dir.path(), &["lint", "web"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(out);
}

#[test]
fn chart_needs_a_newer_kubernetes() {
    let chart = b"apiVersion: v2\nname: web\nversion: 1.0.0\nkubeVersion: \">=1.30.0-0\"\nannotations:\n  kforge.dev/engine: jinja\n";
    let dir = scratch(&[
        ("web/Chart.yaml", chart),
        ("web/templates/cm.yaml", CONFIGMAP),
        ("web/values.yaml", b"level: info\n"),
    ]);
    let (code, out) = kforge_in(dir.path(), &["lint", "web", "--kube-version", "1.29"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(out);
}

#[test]
fn stdin_twice() {
    let dir = scratch(&[]);
    let (code, out) = kforge_in(dir.path(), &["lint", "-", "-"]);
    assert_eq!(code, 2);
    insta::assert_snapshot!(out);
}

#[test]
fn config_file_with_a_typo() {
    let dir = scratch(&[
        ("web/Chart.yaml", CHART),
        ("web/templates/cm.yaml", CONFIGMAP),
        ("web/values.yaml", b"level: info\n"),
        (".kforge.yaml", b"rules:\n  disabel: [rules/image-tag]\n"),
    ]);
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    let (code, out) = kforge_in(dir.path(), &["lint", "web"]);
    assert_eq!(code, 2);
    insta::assert_snapshot!(out);
}

#[test]
fn yaml_indented_with_tabs() {
    let dir = scratch(&[(
        "cm.yaml",
        b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n\tname: web\n",
    )]);
    let (code, out) = kforge_in(dir.path(), &["lint", "cm.yaml"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(out);
}

#[test]
fn manifest_without_api_version() {
    let dir = scratch(&[("cm.yaml", b"kind: ConfigMap\nmetadata:\n  name: web\n")]);
    let (code, out) = kforge_in(dir.path(), &["lint", "cm.yaml"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(out);
}

#[test]
fn unquoted_yes_in_an_env_value() {
    let deploy = b"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n          env:\n            - name: DEBUG\n              value: yes\n";
    let dir = scratch(&[("deploy.yaml", deploy)]);
    let (code, out) = kforge_in(dir.path(), &["lint", "deploy.yaml"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(out);
}
