//! `explain`, `simulate` and `rules` end to end.

use crate::common;
use common::{kforge, run};

#[test]
fn explain_deployment_strategy() {
    let out = run(kforge().args(["explain", "deployment.spec.strategy"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    insta::assert_snapshot!("explain_deployment_strategy", out.stdout);
    let missing = run(kforge().args(["explain", "deploymnt"]));
    assert_eq!(missing.code, 2);
    assert_eq!(
        missing.stderr,
        "error: the server doesn't have a resource type \"deploymnt\"; did you mean deployment?\n"
    );
}

/// Issue 5: both Deployments' pods land on workers, both Services get endpoints, NodePort 30000
/// is allocated.
#[test]
fn simulate_mongo_express() {
    let out = run(kforge().args(["simulate", "charts-examples/mongo-express"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let pods: Vec<&str> = out.stdout.lines().filter(|l| l.contains(" pod/")).collect();
    assert_eq!(pods.len(), 2, "{}", out.stdout);
    assert!(
        pods.iter()
            .all(|l| l.contains("Running") && l.contains("worker-")),
        "{}",
        out.stdout
    );
    let express = out
        .stdout
        .lines()
        .find(|l| l.contains("service/mongo-express-service"))
        .unwrap();
    assert!(
        express.contains("8081:30000/TCP") && express.contains(":8081"),
        "{express}"
    );
    let mongo = out
        .stdout
        .lines()
        .find(|l| l.contains("service/mongodb-service"))
        .unwrap();
    assert!(mongo.contains(":27017"), "{mongo}");
    insta::assert_snapshot!("simulate_mongo_express", out.stdout);
}

#[test]
fn simulate_yaml_shows_defaults() {
    let out = run(kforge().args(["simulate", "charts-examples/nginx", "-o", "yaml"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    for default in [
        "progressDeadlineSeconds: 600",
        "revisionHistoryLimit: 10",
        "dnsPolicy: ClusterFirst",
        "terminationGracePeriodSeconds: 30",
        "sessionAffinity: None",
    ] {
        assert!(
            out.stdout.contains(default),
            "{default} missing from:\n{}",
            out.stdout
        );
    }
    let json = run(kforge().args(["simulate", "charts-examples/nginx", "-o", "json"]));
    assert_eq!(json.code, 0);
    let _: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
}

#[test]
fn rules_lists_and_explains() {
    let list = run(kforge().arg("rules"));
    assert_eq!(list.code, 0);
    for r in kforge::diag::registry::all() {
        assert!(list.stdout.contains(r.id), "{} missing", r.id);
    }
    let one = run(kforge().args(["rules", "rules/service-target-port"]));
    assert_eq!(one.code, 0);
    assert!(
        one.stdout
            .starts_with("rules/service-target-port (error, enabled by default)"),
        "{}",
        one.stdout
    );
    // The last line says where the rule is declared, at the line of its id.
    let at = one
        .stdout
        .lines()
        .last()
        .and_then(|l| l.strip_prefix("Declared in: src/catalog/rules.rs:"))
        .unwrap_or_else(|| panic!("no declaration line: {}", one.stdout));
    let line: usize = at.parse().unwrap();
    let catalog = std::fs::read_to_string(common::repo().join("src/catalog/rules.rs")).unwrap();
    assert_eq!(
        catalog.lines().nth(line - 1),
        Some("    id: \"rules/service-target-port\",")
    );
    let unknown = run(kforge().args(["rules", "rules/service-targetport"]));
    assert_eq!(unknown.code, 2);
    assert_eq!(
        unknown.stderr,
        "error: unknown rule \"rules/service-targetport\"; did you mean rules/service-target-port?\n"
    );
}

/// `--crd` adds CRDs from elsewhere: custom resources are validated against their schema.
#[test]
fn crd_from_elsewhere_validates_custom_resources() {
    let out = run(kforge().args([
        "lint",
        "tests/fixtures/cli/widget.yaml",
        "--crd",
        "tests/fixtures/cli/widget-crd.yaml",
        "--format",
        "json",
    ]));
    assert_eq!(out.code, 1);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let found: Vec<String> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {}:{} {}",
                f["rule"].as_str().unwrap(),
                f["line"],
                f["column"],
                f["message"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            "schema/type 6:9 spec.size: expected an integer, got string \"big\"",
            "schema/unknown-field 7:3 unknown field \"spec.colour\""
        ]
    );
    // Without it, the resource cannot be checked, and kforge says why.
    let out = run(kforge().args(["lint", "tests/fixtures/cli/widget.yaml"]));
    assert_eq!(out.code, 0);
    assert!(
        out.stdout.contains("warning[cluster/no-crd]"),
        "{}",
        out.stdout
    );
}
