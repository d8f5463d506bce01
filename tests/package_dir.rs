//! Reading chart directories: ignore file, files that never belong in a chart, symlink
//! containment, limits and unreadable files.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use crate::package_support;

use std::fs;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::Path;

use kforge::chart::FileTree;
use kforge::diag::{Diagnostic, Severity};
use kforge::package::{TreeLimits, read_dir_tree};
use package_support::{CopyStyle, copy_tree, fixture_chart, permissions_apply};

fn copy_fixture(dst: &Path) {
    copy_tree(
        &fixture_chart(),
        dst,
        &CopyStyle {
            reverse: false,
            mtime: 1_000_000,
            file_mode: 0o644,
            dir_mode: 0o755,
        },
    );
}

fn paths(tree: &FileTree) -> Vec<&str> {
    tree.files.keys().map(String::as_str).collect()
}

fn read(root: &Path) -> (FileTree, Vec<Diagnostic>) {
    let (tree, diags) = read_dir_tree(root, &TreeLimits::default());
    (tree.expect("a tree"), diags)
}

fn messages(diags: &[Diagnostic]) -> Vec<String> {
    diags
        .iter()
        .map(|d| format!("{}: {}", d.rule.id, d.message))
        .collect()
}

const FIXTURE_FILES: &[&str] = &[
    ".kforgeignore",
    "Chart.yaml",
    "files/config.yaml",
    "files/keep.bak",
    "templates/NOTES.txt",
    "templates/_helpers.tpl",
    "templates/deployment.yaml",
    "values.yaml",
];

#[test]
fn fixture_is_read_with_its_ignore_file() {
    let (tree, diags) = read(&fixture_chart());
    assert!(diags.is_empty(), "{:?}", messages(&diags));
    assert_eq!(paths(&tree), FIXTURE_FILES);
    let chart = tree.files.get("Chart.yaml").unwrap();
    assert!(chart.starts_with(b"# A small chart"));
}

#[test]
fn vcs_folders_and_editor_leftovers_never_go_in() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("mychart");
    copy_fixture(&root);
    for dir in [
        ".git/objects",
        ".hg",
        ".svn",
        ".bzr",
        ".idea",
        ".vscode",
        "templates/.git",
    ] {
        fs::create_dir_all(root.join(dir)).unwrap();
        fs::write(root.join(dir).join("file"), b"x").unwrap();
    }
    for file in [
        ".values.yaml.swp",
        "templates/.deployment.yaml.swo",
        "values.yaml~",
        ".#Chart.yaml",
        "#values.yaml#",
        ".DS_Store",
        "templates/.DS_Store",
        ".git", // a worktree's `.git` file
    ] {
        let _ = fs::remove_dir_all(root.join(file));
        fs::write(root.join(file), b"x").unwrap();
    }
    let (tree, diags) = read(&root);
    assert!(diags.is_empty(), "{:?}", messages(&diags));
    assert_eq!(paths(&tree), FIXTURE_FILES);
}

#[test]
fn symlinks_inside_the_chart_are_followed() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("mychart");
    copy_fixture(&root);
    symlink("../values.yaml", root.join("files/values-link.yaml")).unwrap();
    symlink("templates", root.join("more-templates")).unwrap();
    let (tree, diags) = read(&root);
    assert!(diags.is_empty(), "{:?}", messages(&diags));
    assert_eq!(
        tree.files.get("files/values-link.yaml"),
        tree.files.get("values.yaml")
    );
    assert!(tree.files.contains_key("more-templates/deployment.yaml"));
}

#[test]
fn symlinks_leaving_the_chart_are_errors_naming_link_and_target() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("mychart");
    copy_fixture(&root);
    fs::write(tmp.path().join("secret.txt"), b"token").unwrap();
    fs::create_dir(tmp.path().join("outside")).unwrap();
    symlink("../../secret.txt", root.join("files/secret.txt")).unwrap();
    symlink(tmp.path().join("outside"), root.join("outside-dir")).unwrap();

    let (tree, diags) = read(&root);
    assert_eq!(paths(&tree), FIXTURE_FILES);
    let target = fs::canonicalize(tmp.path().join("secret.txt")).unwrap();
    let d = diags
        .iter()
        .find(|d| d.message.contains("files/secret.txt"))
        .expect("a diagnostic for the file link");
    assert_eq!(d.rule.id, "package/symlink-escape");
    assert_eq!(d.severity, Severity::Error);
    assert!(
        d.message.contains(&format!(
            "points to {}, outside the chart",
            target.display()
        )),
        "{}",
        d.message
    );
    assert!(
        diags
            .iter()
            .any(|d| d.rule.id == "package/symlink-escape" && d.message.contains("outside-dir"))
    );
}

#[test]
fn ignored_escaping_symlink_is_not_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("mychart");
    copy_fixture(&root);
    symlink("/etc/hostname", root.join("host.bak")).unwrap();
    let (tree, diags) = read(&root);
    assert!(diags.is_empty(), "{:?}", messages(&diags));
    assert_eq!(paths(&tree), FIXTURE_FILES);
}

#[test]
fn ignore_file_linking_outside_is_not_read() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("mychart");
    copy_fixture(&root);
    fs::write(tmp.path().join("outside-ignore"), "*.yaml\n").unwrap();
    fs::remove_file(root.join(".kforgeignore")).unwrap();
    symlink("../outside-ignore", root.join(".kforgeignore")).unwrap();
    let (tree, diags) = read(&root);
    assert!(tree.files.contains_key("values.yaml"));
    assert!(!tree.files.contains_key(".kforgeignore"));
    assert_eq!(diags.len(), 1, "{:?}", messages(&diags));
    assert!(
        diags
            .iter()
            .all(|d| d.rule.id == "package/symlink-escape" && d.message.contains(".kforgeignore"))
    );
}

#[test]
fn symlink_loop_ends_in_a_diagnostic() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("mychart");
    copy_fixture(&root);
    symlink("..", root.join("templates/up")).unwrap();
    let (tree, diags) = read(&root);
    assert_eq!(paths(&tree), FIXTURE_FILES);
    assert!(
        diags
            .iter()
            .any(|d| d.rule.id == "package/unreadable"
                && d.message.contains("templates/up loops back")),
        "{:?}",
        messages(&diags)
    );
}

#[test]
fn limits_end_in_clear_diagnostics() {
    let root = fixture_chart();
    let (tree, diags) = read_dir_tree(
        &root,
        &TreeLimits {
            max_files: 3,
            ..TreeLimits::default()
        },
    );
    assert!(tree.is_none());
    let d = diags.iter().find(|d| d.rule.id == "package/limit").unwrap();
    assert_eq!(d.severity, Severity::Fatal);
    assert!(
        d.message
            .contains("has more than 3 files and folders (limit reached at files/config.yaml)"),
        "{}",
        d.message
    );

    let (tree, diags) = read_dir_tree(
        &root,
        &TreeLimits {
            max_total_bytes: 300,
            ..TreeLimits::default()
        },
    );
    assert!(tree.is_none());
    assert!(
        diags.iter().any(
            |d| d.rule.id == "package/limit" && d.message.contains("holds more than 300 bytes")
        )
    );

    let (tree, diags) = read_dir_tree(
        &root,
        &TreeLimits {
            max_file_bytes: 200,
            ..TreeLimits::default()
        },
    );
    let tree = tree.unwrap();
    assert!(!tree.files.contains_key("templates/deployment.yaml"));
    let d = diags
        .iter()
        .find(|d| d.message.contains("deployment.yaml"))
        .unwrap();
    assert_eq!(d.rule.id, "package/limit");
    assert_eq!(d.severity, Severity::Error);
    assert!(
        d.message
            .contains("templates/deployment.yaml is larger than the 200 byte limit"),
        "{}",
        d.message
    );
}

#[test]
fn empty_folders_count_against_the_limit() {
    let tmp = tempfile::tempdir().unwrap();
    for i in 0..20 {
        fs::create_dir_all(tmp.path().join(format!("d{i:02}/e"))).unwrap();
    }
    let limits = TreeLimits {
        max_files: 10,
        ..TreeLimits::default()
    };
    let (tree, diags) = read_dir_tree(tmp.path(), &limits);
    assert!(tree.is_none());
    assert!(
        diags
            .iter()
            .any(|d| d.rule.id == "package/limit" && d.message.ends_with("(limit reached at d05)")),
        "{:?}",
        messages(&diags)
    );
}

#[test]
fn invalid_ignore_pattern_is_reported_with_its_line() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("mychart");
    copy_fixture(&root);
    fs::write(root.join(".kforgeignore"), "*.bak\nsecrets/[abc\n").unwrap();
    let (tree, diags) = read(&root);
    assert!(!tree.files.contains_key("values.yaml.bak"));
    let d = diags
        .iter()
        .find(|d| d.rule.id == "package/ignore-pattern")
        .unwrap();
    assert!(
        d.message.ends_with(
            ".kforgeignore:2: invalid pattern `secrets/[abc`: unclosed character class; missing ']'"
        ),
        "{}",
        d.message
    );
}

#[test]
fn missing_root_is_fatal() {
    let (tree, diags) = read_dir_tree(Path::new("/no/such/chart"), &TreeLimits::default());
    assert!(tree.is_none());
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].severity, Severity::Fatal);
    assert!(
        diags[0]
            .message
            .starts_with("cannot read directory /no/such/chart: "),
        "{}",
        diags[0].message
    );
}

#[test]
#[ignore = "root ignores file permissions: run as another user with `cargo test -- --ignored as_non_root`"]
fn unreadable_file_and_folder_are_named_as_non_root() {
    let tmp = tempfile::tempdir().unwrap();
    assert!(
        permissions_apply(tmp.path()),
        "file permissions do not restrict this user"
    );
    let root = tmp.path().join("mychart");
    copy_fixture(&root);
    fs::set_permissions(root.join("values.yaml"), fs::Permissions::from_mode(0o000)).unwrap();
    fs::set_permissions(root.join("files"), fs::Permissions::from_mode(0o000)).unwrap();
    let (tree, diags) = read(&root);
    fs::set_permissions(root.join("files"), fs::Permissions::from_mode(0o755)).unwrap();
    assert!(!tree.files.contains_key("values.yaml"));
    let m = messages(&diags);
    assert!(
        m.iter()
            .any(|m| m.starts_with("package/unreadable: cannot read ")
                && m.contains("mychart/values.yaml: ")),
        "{m:?}"
    );
    assert!(m.iter().any(|m| m.contains("mychart/files: ")), "{m:?}");
}

/// A chart written for Helm keeps its exclusions: `.helmignore` is read when there is no
/// `.kforgeignore`, and only then.
#[test]
fn helmignore_applies_when_there_is_no_kforgeignore() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("mychart");
    copy_fixture(&root);
    fs::remove_file(root.join(".kforgeignore")).unwrap();
    fs::create_dir_all(root.join("ci")).unwrap();
    fs::write(root.join("ci/values-test.yaml"), "a: 1\n").unwrap();
    fs::write(root.join("old.tgz"), b"x").unwrap();
    fs::write(
        root.join(".helmignore"),
        "# Helm's default patterns\n*.tgz\nci/\n/docs/\n*.bak\n!files/keep.bak\n",
    )
    .unwrap();
    let (tree, diags) = read(&root);
    assert!(diags.is_empty(), "{:?}", messages(&diags));
    // What the fixture's .kforgeignore keeps, .helmignore in its place.
    let expected: Vec<&str> = FIXTURE_FILES
        .iter()
        .map(|f| {
            if *f == ".kforgeignore" {
                ".helmignore"
            } else {
                f
            }
        })
        .collect();
    assert_eq!(paths(&tree), expected);

    // With a .kforgeignore beside it, .helmignore is an ordinary file.
    fs::write(root.join(".kforgeignore"), "*.tgz\n").unwrap();
    let (tree, _) = read(&root);
    assert!(tree.files.contains_key("ci/values-test.yaml"));
    assert!(!tree.files.contains_key("old.tgz"));

    // Its invalid patterns are reported under its own name.
    fs::remove_file(root.join(".kforgeignore")).unwrap();
    fs::write(root.join(".helmignore"), "secrets/[abc\n").unwrap();
    let (_, diags) = read(&root);
    assert!(
        messages(&diags)
            .iter()
            .any(|m| m.contains("/.helmignore:1: invalid pattern `secrets/[abc`")),
        "{:?}",
        messages(&diags)
    );
}
