//! `package_chart`: byte-reproducible archives, Chart.yaml rewriting, atomic writes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use crate::package_support;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use kforge::diag::Diagnostic;
use kforge::package::{
    PackageOptions, PackageOutput, TreeLimits, package_chart, read_archive, read_dir_tree,
};
use package_support::{CopyStyle, copy_tree, fixture_chart, permissions_apply};
use sha2::{Digest, Sha256};

fn options(destination: &Path) -> PackageOptions {
    PackageOptions {
        destination: destination.to_path_buf(),
        ..PackageOptions::default()
    }
}

fn package(chart: &Path, options: &PackageOptions) -> (PackageOutput, Vec<u8>) {
    let out = package_chart(chart, options).unwrap_or_else(|d| panic!("{:?}", messages(&d)));
    let bytes = fs::read(&out.path).unwrap();
    (out, bytes)
}

fn messages(diags: &[Diagnostic]) -> Vec<String> {
    diags
        .iter()
        .map(|d| format!("{}: {}", d.rule.id, d.message))
        .collect()
}

fn dir_names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// Two copies of the fixture that differ in everything but content.
fn two_copies(tmp: &Path) -> (PathBuf, PathBuf) {
    let a = tmp.join("a/mychart");
    let b = tmp.join("b/mychart");
    copy_tree(
        &fixture_chart(),
        &a,
        &CopyStyle {
            reverse: false,
            mtime: 1_000_000_000,
            file_mode: 0o644,
            dir_mode: 0o755,
        },
    );
    copy_tree(
        &fixture_chart(),
        &b,
        &CopyStyle {
            reverse: true,
            mtime: 1_700_000_000,
            file_mode: 0o755,
            dir_mode: 0o700,
        },
    );
    // Leftovers only in one copy must not change the package either.
    fs::create_dir_all(b.join(".git")).unwrap();
    fs::write(b.join(".git/HEAD"), b"ref: refs/heads/main\n").unwrap();
    fs::write(b.join("templates/.deployment.yaml.swp"), b"swap").unwrap();
    fs::write(b.join("values.yaml.bak"), b"another backup").unwrap();
    (a, b)
}

#[test]
fn two_copies_with_different_mtimes_permissions_and_order_give_identical_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = two_copies(tmp.path());
    let (out_a, bytes_a) = package(&a, &options(&tmp.path().join("dist-a")));
    let (out_b, bytes_b) = package(&b, &options(&tmp.path().join("dist-b")));
    assert_eq!(bytes_a, bytes_b);
    assert_eq!(out_a.sha256, out_b.sha256);
    assert_eq!(out_a.path.file_name().unwrap(), "mychart-0.1.0.tgz");
    assert_eq!(out_a.bytes, bytes_a.len() as u64);
    assert_eq!(
        out_a.sha256,
        Sha256::digest(&bytes_a)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    );
}

#[test]
fn source_date_epoch_changes_the_bytes_and_the_same_value_gives_the_same_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = two_copies(tmp.path());
    let with = |chart: &Path, dest: &str, epoch: Option<u64>| {
        let o = PackageOptions {
            source_date_epoch: epoch,
            ..options(&tmp.path().join(dest))
        };
        package(chart, &o).1
    };
    let default = with(&a, "d0", None);
    let e1 = with(&a, "d1", Some(1_600_000_000));
    let e1_again = with(&b, "d2", Some(1_600_000_000));
    let e2 = with(&a, "d3", Some(1_600_000_001));
    assert_ne!(default, e1);
    assert_eq!(e1, e1_again);
    assert_ne!(e1, e2);
}

#[test]
fn archive_reads_back_equal_to_the_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let (out, bytes) = package(&fixture_chart(), &options(tmp.path()));
    let back = read_archive(
        &bytes,
        &out.path.display().to_string(),
        &TreeLimits::default(),
    )
    .unwrap();
    let (dir, _) = read_dir_tree(&fixture_chart(), &TreeLimits::default());
    assert_eq!(back.files, dir.unwrap().files);
}

#[test]
fn entries_are_sorted_under_the_chart_folder_with_normalised_headers() {
    let tmp = tempfile::tempdir().unwrap();
    let (_, bytes) = package(&fixture_chart(), &options(tmp.path()));
    // gzip header: no mtime, no file name flag, OS byte 255
    assert_eq!(&bytes[3..8], &[0, 0, 0, 0, 0]);
    assert_eq!(bytes[9], 255);
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(&bytes[..]));
    let mut names = Vec::new();
    for entry in archive.entries().unwrap() {
        let entry = entry.unwrap();
        let h = entry.header();
        assert!(h.as_ustar().is_some());
        assert_eq!(h.mode().unwrap(), 0o644);
        assert_eq!((h.uid().unwrap(), h.gid().unwrap()), (0, 0));
        assert_eq!(
            (h.username().unwrap(), h.groupname().unwrap()),
            (Some(""), Some(""))
        );
        assert_eq!(h.mtime().unwrap(), kforge::package::DEFAULT_MTIME);
        names.push(entry.path().unwrap().display().to_string());
    }
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    assert!(names.iter().all(|n| n.starts_with("mychart/")));
    assert!(names.contains(&"mychart/templates/_helpers.tpl".to_string()));
    assert!(
        !names
            .iter()
            .any(|n| n.contains("docs/") || n.ends_with("values.yaml.bak"))
    );
}

#[test]
fn version_and_app_version_rewrite_chart_yaml_keeping_comments() {
    let tmp = tempfile::tempdir().unwrap();
    let o = PackageOptions {
        version: Some("1.2.3".into()),
        app_version: Some("2.0".into()),
        ..options(tmp.path())
    };
    let (out, bytes) = package(&fixture_chart(), &o);
    assert_eq!(out.path.file_name().unwrap(), "mychart-1.2.3.tgz");
    let tree = read_archive(&bytes, "x", &TreeLimits::default()).unwrap();
    let chart = String::from_utf8(tree.files["Chart.yaml"].to_vec()).unwrap();
    let original = fs::read_to_string(fixture_chart().join("Chart.yaml")).unwrap();
    let expected =
        original.replace("version: 0.1.0\n", "version: 1.2.3\n") + "appVersion: \"2.0\"\n";
    assert_eq!(chart, expected);
    // The chart on disk is not touched.
    assert_eq!(
        fs::read_to_string(fixture_chart().join("Chart.yaml")).unwrap(),
        original
    );
}

#[test]
fn chart_without_version_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let chart = tmp.path().join("c");
    fs::create_dir(&chart).unwrap();
    fs::write(chart.join("Chart.yaml"), "apiVersion: v2\nname: web\n").unwrap();
    let d = package_chart(&chart, &options(&tmp.path().join("dist"))).unwrap_err();
    assert_eq!(
        messages(&d),
        vec![format!(
            "package/chart-yaml: {}/Chart.yaml has no `version`",
            chart.display()
        )]
    );
    assert!(!tmp.path().join("dist").exists());

    fs::remove_file(chart.join("Chart.yaml")).unwrap();
    let d = package_chart(&chart, &options(&tmp.path().join("dist"))).unwrap_err();
    assert_eq!(
        messages(&d),
        vec![format!(
            "package/chart-yaml: {} has no Chart.yaml; it is not a chart",
            chart.display()
        )]
    );
}

#[test]
fn broken_chart_yaml_is_refused_with_its_line() {
    let tmp = tempfile::tempdir().unwrap();
    let chart = tmp.path().join("c");
    fs::create_dir(&chart).unwrap();
    fs::write(chart.join("Chart.yaml"), "name: web\nversion: [1.0.0\n").unwrap();
    let d = package_chart(&chart, &options(&tmp.path().join("dist"))).unwrap_err();
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].rule.id, "package/chart-yaml");
    let prefix = format!("{}/Chart.yaml: line 2: ", chart.display());
    assert!(d[0].message.starts_with(&prefix), "{}", d[0].message);
}

#[test]
fn chart_name_cannot_escape_the_destination() {
    let tmp = tempfile::tempdir().unwrap();
    let chart = tmp.path().join("c");
    fs::create_dir(&chart).unwrap();
    fs::write(
        chart.join("Chart.yaml"),
        "name: ../../evil\nversion: 1.0.0\n",
    )
    .unwrap();
    let d = package_chart(&chart, &options(&tmp.path().join("dist"))).unwrap_err();
    assert_eq!(d[0].rule.id, "package/chart-yaml");
    assert!(
        d[0].message
            .ends_with("`name: ../../evil` cannot name a package file"),
        "{}",
        d[0].message
    );
}

#[test]
fn escaping_symlink_stops_packaging_and_keeps_the_old_archive() {
    let tmp = tempfile::tempdir().unwrap();
    let chart = tmp.path().join("mychart");
    copy_tree(
        &fixture_chart(),
        &chart,
        &CopyStyle {
            reverse: false,
            mtime: 0,
            file_mode: 0o644,
            dir_mode: 0o755,
        },
    );
    let dist = tmp.path().join("dist");
    let (old, old_bytes) = package(&chart, &options(&dist));
    std::os::unix::fs::symlink("/etc/hostname", chart.join("files/host")).unwrap();
    fs::write(chart.join("values.yaml"), "changed: true\n").unwrap();
    let d = package_chart(&chart, &options(&dist)).unwrap_err();
    assert_eq!(d[0].rule.id, "package/symlink-escape");
    assert_eq!(fs::read(&old.path).unwrap(), old_bytes);
    assert_eq!(dir_names(&dist), vec!["mychart-0.1.0.tgz"]);
}

#[test]
fn name_taken_by_a_directory_fails_without_partial_files() {
    let tmp = tempfile::tempdir().unwrap();
    let dist = tmp.path().join("dist");
    fs::create_dir_all(dist.join("mychart-0.1.0.tgz")).unwrap();
    fs::write(dist.join("mychart-0.0.9.tgz"), b"older release").unwrap();
    let d = package_chart(&fixture_chart(), &options(&dist)).unwrap_err();
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].rule.id, "package/write");
    assert!(
        d[0].message.starts_with(&format!(
            "cannot write {}/mychart-0.1.0.tgz: ",
            dist.display()
        )),
        "{}",
        d[0].message
    );
    assert_eq!(
        dir_names(&dist),
        vec!["mychart-0.0.9.tgz", "mychart-0.1.0.tgz"]
    );
    assert_eq!(
        fs::read(dist.join("mychart-0.0.9.tgz")).unwrap(),
        b"older release"
    );
}

#[test]
#[ignore = "root ignores file permissions: run as another user with `cargo test -- --ignored as_non_root`"]
fn read_only_destination_fails_and_leaves_the_old_archive_intact_as_non_root() {
    let tmp = tempfile::tempdir().unwrap();
    assert!(
        permissions_apply(tmp.path()),
        "file permissions do not restrict this user"
    );
    let dist = tmp.path().join("dist");
    fs::create_dir(&dist).unwrap();
    fs::write(dist.join("mychart-0.1.0.tgz"), b"old archive").unwrap();
    fs::set_permissions(&dist, fs::Permissions::from_mode(0o555)).unwrap();
    let result = package_chart(&fixture_chart(), &options(&dist));
    fs::set_permissions(&dist, fs::Permissions::from_mode(0o755)).unwrap();
    let d = result.unwrap_err();
    assert_eq!(d[0].rule.id, "package/write");
    assert_eq!(dir_names(&dist), vec!["mychart-0.1.0.tgz"]);
    assert_eq!(
        fs::read(dist.join("mychart-0.1.0.tgz")).unwrap(),
        b"old archive"
    );
}

/// The issue's own example.
#[test]
fn mongo_express_example_packages_reproducibly() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("charts-examples/mongo-express");
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("a/mongo-express");
    let b = tmp.path().join("b/mongo-express");
    copy_tree(
        &example,
        &a,
        &CopyStyle {
            reverse: false,
            mtime: 1_000_000_000,
            file_mode: 0o644,
            dir_mode: 0o755,
        },
    );
    copy_tree(
        &example,
        &b,
        &CopyStyle {
            reverse: true,
            mtime: 1_700_000_000,
            file_mode: 0o600,
            dir_mode: 0o700,
        },
    );
    let (_, bytes_a) = package(&a, &options(&tmp.path().join("da")));
    let (_, bytes_b) = package(&b, &options(&tmp.path().join("db")));
    assert_eq!(bytes_a, bytes_b);
}
