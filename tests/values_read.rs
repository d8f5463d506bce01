//! Values a user meant: `values/unknown-key` and `values/no-effect` end to end, on the `shop`
//! fixture (Go templates: a `cache` subchart that reads `global.imageRegistry`, a `db` subchart
//! its condition disables, `metrics.interval` read only under `if .Values.metrics.enabled`) and
//! on a Jinja chart.

use crate::common;
use common::{kforge, run, stable};

const SHOP: &str = "tests/fixtures/values-read/shop";
const FIXTURES: &str = "tests/fixtures/values-read";

fn lint(args: &[&str]) -> common::Output {
    run(kforge().arg("lint").args(args))
}

#[test]
fn a_typo_in_a_values_file() {
    let out = lint(&[SHOP, "-f", &format!("{FIXTURES}/typo.yaml")]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    insta::assert_snapshot!("typo_in_values_file", stable(&out.stdout));
}

#[test]
fn a_typo_in_set() {
    let out = lint(&[SHOP, "--set", "replicaCount=2,image.tga=1.2"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    insta::assert_snapshot!("typo_in_set", stable(&out.stdout));
}

#[test]
fn a_setting_under_a_disabled_feature() {
    let out = lint(&[SHOP, "-f", &format!("{FIXTURES}/dead.yaml")]);
    // A warning: the run passes, unless --strict.
    assert_eq!(out.code, 0, "{}", out.stderr);
    insta::assert_snapshot!("dead_setting", stable(&out.stdout));
    let strict = lint(&[SHOP, "-f", &format!("{FIXTURES}/dead.yaml"), "--strict"]);
    assert_eq!(strict.code, 1);
    assert!(
        strict.stdout.starts_with("error[values/no-effect]"),
        "{}",
        strict.stdout
    );
}

#[test]
fn subchart_keys_are_judged_by_the_subchart() {
    let out = lint(&[
        SHOP,
        "--set",
        "cache.prot=6380",
        "--set",
        "db.auth.password=secret",
        "--set",
        "cache.port=6381",
    ]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    insta::assert_snapshot!("subchart_keys", stable(&out.stdout));
}

#[test]
fn global_keys_count_as_read_when_any_chart_reads_them() {
    // Only the `cache` subchart reads global.imageRegistry: no finding for it.
    let out = lint(&[
        SHOP,
        "--set",
        "global.imageRegistry=mirror.example.com",
        "--set",
        "global.imageRegistr=mirror.example.com",
    ]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    insta::assert_snapshot!("global_keys", stable(&out.stdout));
}

#[test]
fn every_value_read_gives_no_finding() {
    let out = lint(&[SHOP, "-f", &format!("{FIXTURES}/all-read.yaml")]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(
        stable(&out.stdout).starts_with("0 errors, 0 warnings in 2 objects"),
        "{}",
        out.stdout
    );
}

#[test]
fn jinja_charts_track_their_reads_too() {
    let out = lint(&[
        &format!("{FIXTURES}/jinja"),
        "--set",
        "replicas=2,image.tga=2.1",
    ]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    insta::assert_snapshot!("jinja_typo", stable(&out.stdout));
}

#[test]
fn the_config_file_silences_a_key_pattern() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join(".kforge.yaml");
    std::fs::write(&config, "ignore-values: [\"metrics.*\", replicaCont]\n").unwrap();
    let out = run(kforge()
        .arg("lint")
        .arg(SHOP)
        .arg("--config")
        .arg(&config)
        .args([
            "-f",
            &format!("{FIXTURES}/typo.yaml"),
            "-f",
            &format!("{FIXTURES}/dead.yaml"),
            "--format",
            "json",
        ]));
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let value: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let found: Vec<(&str, bool)> = value["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["rule"].as_str().unwrap(), f["suppressed"] == true))
        .collect();
    assert_eq!(
        found,
        [("values/no-effect", true), ("values/unknown-key", true)]
    );
}

/// The README's first lint example shows this run's exact output (but the time).
#[test]
fn readme_first_lint_example_is_true() {
    let readme = std::fs::read_to_string(common::repo().join("README.md")).unwrap();
    let command = "cargo run --release -- lint charts-examples/helm-webapp --set replicaCont=3";
    let after = &readme[readme.find(command).expect("README shows the command")..];
    let block = after
        .split("```text\n")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("README shows the output after the command");
    let out = lint(&["charts-examples/helm-webapp", "--set", "replicaCont=3"]);
    assert_eq!(out.code, 1);
    assert_eq!(stable(block), stable(&out.stdout));
    let fixed = lint(&["charts-examples/helm-webapp", "--set", "replicaCount=3"]);
    assert_eq!(fixed.code, 0, "{}", fixed.stdout);
}

/// `kforge template` prints what Helm prints and exits as Helm does: a key nothing reads is a
/// lint finding, not a template error.
#[test]
fn template_does_not_judge_values() {
    let out = run(kforge().args([
        "template",
        "charts-examples/helm-webapp",
        "--set",
        "replicaCont=3",
    ]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stderr, "");
}
