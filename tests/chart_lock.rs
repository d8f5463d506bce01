//! Chart.lock (requirements.lock for apiVersion v1) against Chart.yaml and charts/: the rules
//! chart/lock-out-of-sync and chart/lock-version-mismatch, failing and passing.

use std::fs;
use std::path::Path;

use kforge::chart::Input;
use kforge::{Options, Stages};

const REPO: &str = "oci://registry-1.docker.io/bitnamicharts";
/// Helm's HashReq of `common 2.x.x` (Chart.yaml) and `common 2.31.4` (lock), as
/// `helm dependency update` writes it.
const DIGEST: &str = "sha256:2d3ac560b149aaf583ce2c70b6bbd15f35da59a8e5c23d6a240df3534ea5f39b";

fn write(path: &Path, text: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

/// A chart depending on `common`, with `extra` appended to its dependencies, the given lock,
/// and `common` vendored at `vendored`.
fn chart(dir: &Path, api: &str, extra_dep: &str, lock: &str, vendored: &str) {
    let deps = format!("  - name: common\n    version: 2.x.x\n    repository: {REPO}\n{extra_dep}");
    if api == "v1" {
        write(
            &dir.join("Chart.yaml"),
            "apiVersion: v1\nname: app\nversion: 1.0.0\n",
        );
        write(
            &dir.join("requirements.yaml"),
            &format!("dependencies:\n{deps}"),
        );
        write(&dir.join("requirements.lock"), lock);
    } else {
        write(
            &dir.join("Chart.yaml"),
            &format!("apiVersion: v2\nname: app\nversion: 1.0.0\ndependencies:\n{deps}"),
        );
        write(&dir.join("Chart.lock"), lock);
    }
    write(
        &dir.join("templates/cm.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n",
    );
    write(
        &dir.join("charts/common/Chart.yaml"),
        &format!("apiVersion: v2\nname: common\nversion: {vendored}\ntype: library\n"),
    );
}

fn lock(version: &str, digest: &str) -> String {
    format!(
        "dependencies:\n- name: common\n  repository: {REPO}\n  version: {version}\ndigest: {digest}\ngenerated: \"2025-08-13T18:17:23.415861424Z\"\n"
    )
}

/// `rule: message @ line:column` of the chart/lock-* findings.
fn findings(dir: &Path) -> Vec<String> {
    let options = Options {
        stages: Stages {
            schema: false,
            rules: false,
            cluster: false,
        },
        ..Options::default()
    };
    let run = kforge::run(&[Input::Path(dir.to_path_buf())], &options);
    run.diagnostics
        .iter()
        .filter(|d| d.rule.id.starts_with("chart/lock-"))
        .map(|d| {
            let at = d.primary.as_ref().map(|l| run.sources.locate(l.span));
            let at = at.map_or(String::new(), |l| format!(" @ {}:{}", l.line, l.column));
            let root = format!("{}/", dir.display());
            format!("{}: {}{at}", d.rule.id, d.message.replace(&root, ""))
        })
        .collect()
}

#[test]
fn a_lock_written_by_helm_passes() {
    let tmp = tempfile::tempdir().unwrap();
    chart(tmp.path(), "v2", "", &lock("2.31.4", DIGEST), "2.31.4");
    assert_eq!(findings(tmp.path()), Vec::<String>::new());
}

#[test]
fn a_dependency_added_after_the_lock_is_out_of_sync() {
    let tmp = tempfile::tempdir().unwrap();
    let redis = format!("  - name: redis\n    version: 20.x.x\n    repository: {REPO}\n");
    chart(tmp.path(), "v2", &redis, &lock("2.31.4", DIGEST), "2.31.4");
    assert_eq!(
        findings(tmp.path()),
        [format!(
            "chart/lock-out-of-sync: Chart.lock is out of sync with the dependencies in Chart.yaml: its digest is {DIGEST}, the dependencies hash to sha256:19444a8230a57da71a0b8cdd79c81c3a99cfc7c8dc7e70494f0113e980853c63 @ 5:9"
        )]
    );
}

#[test]
fn a_lock_without_digest_is_out_of_sync() {
    let tmp = tempfile::tempdir().unwrap();
    let text = format!("dependencies:\n- name: common\n  repository: {REPO}\n  version: 2.31.4\n");
    chart(tmp.path(), "v2", "", &text, "2.31.4");
    let found = findings(tmp.path());
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with("chart/lock-out-of-sync: Chart.lock is out of sync with the dependencies in Chart.yaml: its digest is missing, the dependencies hash to sha256:2d3ac560"),
        "{found:?}"
    );
}

#[test]
fn a_vendored_chart_of_another_version_than_locked() {
    let tmp = tempfile::tempdir().unwrap();
    chart(tmp.path(), "v2", "", &lock("2.31.4", DIGEST), "2.30.0");
    assert_eq!(
        findings(tmp.path()),
        [
            "chart/lock-version-mismatch: Chart.lock pins common 2.31.4, but charts/ has common 2.30.0 (charts/common) @ 4:12"
        ]
    );
}

#[test]
fn v1_charts_check_requirements_lock_with_either_helm_hash() {
    let tmp = tempfile::tempdir().unwrap();
    // Helm 3 hashes requirements.yaml's dependencies with the lock's, as for Chart.lock.
    chart(tmp.path(), "v1", "", &lock("2.31.4", DIGEST), "2.31.4");
    assert_eq!(findings(tmp.path()), Vec::<String>::new());

    // Helm 2 hashed requirements.yaml alone (`{"dependencies": [...]}`): `helm dependency
    // build` accepts that too.
    let tmp = tempfile::tempdir().unwrap();
    let helm2 = "sha256:0888cb54f3f4a85a28f4a8f582bc8358ffd6c58d6843d4a72a96be2d225559bd";
    chart(tmp.path(), "v1", "", &lock("2.31.4", helm2), "2.31.4");
    assert_eq!(findings(tmp.path()), Vec::<String>::new());

    let tmp = tempfile::tempdir().unwrap();
    let other = "sha256:0000000000000000000000000000000000000000000000000000000000000000";
    chart(tmp.path(), "v1", "", &lock("2.31.4", other), "2.31.4");
    assert_eq!(
        findings(tmp.path()),
        [format!(
            "chart/lock-out-of-sync: requirements.lock is out of sync with the dependencies in requirements.yaml: its digest is {other}, the dependencies hash to {DIGEST} @ 5:9"
        )]
    );
}
