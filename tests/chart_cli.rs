//! `kforge lint` on the chartvals fixtures: exit codes and where findings point.

use crate::common;

use common::{kforge, run};

#[test]
fn a_broken_chart_yaml_fails_lint_with_findings_at_its_keys() {
    let out = run(kforge().args([
        "lint",
        "tests/fixtures/chartvals/broken",
        "--format",
        "json",
    ]));
    assert_eq!(out.code, 1, "{}", out.stderr);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let found: Vec<(String, u64)> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"].as_str().unwrap().starts_with("chart/"))
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    let expected = [
        ("chart/invalid-name", 2),
        ("chart/invalid-version", 3),
        ("chart/invalid-type", 4),
        ("chart/kube-version", 5),
        ("chart/unknown-field", 6),
        ("chart/missing-dependency", 8),
    ];
    let expected: Vec<(String, u64)> = expected.iter().map(|(r, l)| (r.to_string(), *l)).collect();
    assert_eq!(found, expected);
}

#[test]
fn the_fixture_chart_lints_clean_and_honours_kube_version() {
    let out = run(kforge().args(["lint", "tests/fixtures/chartvals/webapp"]));
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let out = run(kforge().args([
        "lint",
        "tests/fixtures/chartvals/webapp",
        "--kube-version",
        "1.25",
    ]));
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
}

#[test]
fn a_malformed_set_is_a_usage_error_with_a_caret() {
    let out = run(kforge().args([
        "lint",
        "tests/fixtures/chartvals/webapp",
        "--set",
        "image.tag=1.2,replicas",
    ]));
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    let all = format!("{}{}", out.stdout, out.stderr);
    assert!(all.contains("values/set-syntax"), "{all}");
    assert!(all.contains("image.tag=1.2,replicas"), "{all}");
    assert!(all.contains("^^^^"), "{all}");
}

#[test]
fn template_uses_set_values_and_skips_disabled_subcharts() {
    let out = run(kforge().args([
        "template",
        "tests/fixtures/chartvals/webapp",
        "--set",
        "replicaCount=3,redis.port=7001",
        "-f",
        "tests/fixtures/chartvals/values/b.yaml",
    ]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("replicas: 3"), "{}", out.stdout);
    assert!(out.stdout.contains("port: 7001"), "{}", out.stdout);
    assert!(
        out.stdout
            .contains("# Source: webapp/charts/redis/templates/service.yaml")
    );
    // sessions.enabled is false in the chart's values.
    assert!(
        !out.stdout.contains("webapp/charts/sessions/"),
        "{}",
        out.stdout
    );
}
