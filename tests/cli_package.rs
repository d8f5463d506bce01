//! `kforge package` end to end: reproducible bytes, lint before packaging, archives lint like
//! their directory.

use crate::common;
use common::{kforge, run};
use std::path::Path;

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from).sort_by_file_name() {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[test]
fn packaging_two_copies_gives_identical_bytes() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let source = common::repo().join("charts-examples/mongo-express");
    let (a, b) = (
        tmp.path().join("a/mongo-express"),
        tmp.path().join("b/mongo-express"),
    );
    copy_dir(&source, &a);
    copy_dir(&source, &b);
    // Different modes and times on the second copy.
    for entry in walkdir::WalkDir::new(&b)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
    {
        std::fs::set_permissions(entry.path(), std::fs::Permissions::from_mode(0o600)).unwrap();
        let file = std::fs::File::options()
            .append(true)
            .open(entry.path())
            .unwrap();
        file.set_modified(
            std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000),
        )
        .unwrap();
    }
    let mut digests = Vec::new();
    for (copy, dest) in [(&a, "out-a"), (&b, "out-b")] {
        let out = run(kforge()
            .arg("package")
            .arg(copy)
            .arg("-d")
            .arg(tmp.path().join(dest)));
        assert_eq!(out.code, 0, "{}", out.stderr);
        let path = tmp.path().join(dest).join("mongo-express-0.1.0.tgz");
        assert_eq!(out.stdout.lines().next(), Some(path.to_str().unwrap()));
        digests.push((
            std::fs::read(&path).unwrap(),
            out.stdout.lines().nth(1).unwrap_or("").to_string(),
        ));
    }
    assert!(digests[0].0 == digests[1].0, "archives differ");
    assert_eq!(digests[0].1, digests[1].1);
    assert!(digests[0].1.starts_with("sha256:") && digests[0].1.len() == 7 + 64);
}

#[test]
fn lint_errors_stop_packaging_and_write_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run(kforge()
        .args(["package", "charts-examples/broken/mongo-express", "-d"])
        .arg(tmp.path()));
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains(
            "error: not packaging charts-examples/broken/mongo-express: lint found errors"
        ),
        "{}",
        out.stderr
    );
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0);
}

/// Linting the archive gives the same findings as linting the directory (paths aside).
#[test]
fn archive_lints_like_its_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let chart = "charts-examples/broken/mongo-express";
    let out = run(kforge()
        .args(["package", chart, "--skip-lint", "-d"])
        .arg(tmp.path()));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let archive = tmp.path().join("mongo-express-broken-0.1.0.tgz");
    let findings = |path: &str, prefix: &str| -> Vec<String> {
        let out = run(kforge().args(["lint", path, "--format", "json"]));
        assert_eq!(out.code, 1);
        let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                let file = f["file"]
                    .as_str()
                    .unwrap_or("")
                    .strip_prefix(prefix)
                    .unwrap_or("?")
                    .to_string();
                format!(
                    "{} {} {}:{}:{} {}",
                    f["rule"], f["severity"], file, f["line"], f["column"], f["message"]
                )
            })
            .collect()
    };
    let from_dir = findings(chart, chart);
    let archive_path = archive.to_str().unwrap();
    let from_archive = findings(archive_path, archive_path);
    assert_eq!(from_dir.len(), 4);
    assert_eq!(from_dir, from_archive);
}

#[test]
fn version_flags_rewrite_chart_yaml_in_the_archive_only() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run(kforge()
        .args([
            "package",
            "charts-examples/nginx",
            "--version",
            "2.0.0",
            "--app-version",
            "1.28.0",
            "-d",
        ])
        .arg(tmp.path()));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let archive = tmp.path().join("nginx-2.0.0.tgz");
    let tree = kforge::package::read_archive(
        &std::fs::read(&archive).unwrap(),
        "nginx-2.0.0.tgz",
        &Default::default(),
    )
    .unwrap();
    let chart_yaml = std::str::from_utf8(&tree.files["Chart.yaml"])
        .unwrap()
        .to_string();
    assert!(
        chart_yaml.contains("version: 2.0.0\n") && chart_yaml.contains("appVersion: \"1.28.0\"\n"),
        "{chart_yaml}"
    );
    assert!(
        chart_yaml.starts_with("apiVersion: v2\nname: nginx\n"),
        "key order kept: {chart_yaml}"
    );
    let on_disk =
        std::fs::read_to_string(common::repo().join("charts-examples/nginx/Chart.yaml")).unwrap();
    assert!(on_disk.contains("version: 1.2.0"));
}
