//! Command-line mistakes get a message a newcomer understands and exit code 2.

use crate::common;
use common::{kforge, run};

#[test]
fn unknown_kube_version_lists_the_embedded_ones() {
    let out = run(kforge().args(["lint", "charts-examples/nginx", "--kube-version", "1.50"]));
    assert_eq!(out.code, 2);
    insta::assert_snapshot!(out.stderr, @"error: Kubernetes 1.50 is not embedded in this kforge; choose one of: 1.25, 1.26, 1.27, 1.28, 1.29, 1.30, 1.31, 1.32, 1.33, 1.34, 1.35, 1.36, 1.37");
}

#[test]
fn malformed_kube_version() {
    let out = run(kforge().args([
        "template",
        "charts-examples/nginx",
        "--kube-version",
        "latest",
    ]));
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .starts_with("error: --kube-version \"latest\" is not a version: write 1.NN or 1.NN.P"),
        "{}",
        out.stderr
    );
}

#[test]
fn unknown_rule_id_suggests_the_closest() {
    let out = run(kforge().args([
        "lint",
        "charts-examples/nginx",
        "--disable",
        "object/missing-fild",
    ]));
    assert_eq!(out.code, 2);
    insta::assert_snapshot!(out.stderr, @r#"error: unknown rule "object/missing-fild"; did you mean object/missing-field?"#);
}

#[test]
fn unknown_format_is_a_usage_error() {
    let out = run(kforge().args(["lint", "charts-examples/nginx", "--format", "xml"]));
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("invalid value 'xml' for '--format <FORMAT>'"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("[possible values: human, json, sarif, github, junit]"),
        "{}",
        out.stderr
    );
}

#[test]
fn no_path_is_a_usage_error() {
    let out = run(kforge().arg("lint"));
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("the following required arguments were not provided"),
        "{}",
        out.stderr
    );
}

#[test]
fn output_file_not_writable() {
    let out = run(kforge().args([
        "lint",
        "charts-examples/nginx",
        "--format",
        "json",
        "--output",
        "/nonexistent-dir/report.json",
    ]));
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .starts_with("error: cannot write /nonexistent-dir/report.json: "),
        "{}",
        out.stderr
    );
}

#[test]
fn help_and_version_succeed() {
    assert_eq!(run(kforge().arg("--help")).code, 0);
    let v = run(kforge().arg("--version"));
    assert_eq!(v.code, 0);
    // The full text (commit, Kubernetes versions) is tests/version.rs's.
    assert!(
        v.stdout
            .starts_with(&format!("kforge {} (commit ", env!("CARGO_PKG_VERSION"))),
        "{}",
        v.stdout
    );
}
