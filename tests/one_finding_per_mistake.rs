//! When two stages see the same mistake, the user gets one finding.

use crate::common;
use common::{kforge, run};

const CUSTOM_RESOURCE: &str = "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata:\n  name: web\nspec:\n  endpoints:\n    - port: http\n";

fn rules_of(args: &[&str]) -> Vec<String> {
    let out = run(kforge()
        .args(["lint", "-", "--format", "json"])
        .args(args)
        .write_stdin(CUSTOM_RESOURCE));
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| format!("{} {}", f["rule"], f["severity"]))
        .collect()
}

#[test]
fn custom_resource_without_crd() {
    // The apply failure is reported (a warning: the CRD may be installed in the real cluster) ...
    assert_eq!(rules_of(&[]), ["\"cluster/no-crd\" \"warning\""]);
    // ... and without the cluster stage, the schema stage's warning remains.
    assert_eq!(
        rules_of(&["--no-cluster"]),
        ["\"schema/missing-crd\" \"warning\""]
    );
}

/// Issue 5: two inputs applied together that both ask for nodePort 30000 give one conflict
/// finding (the rules stage and the cluster allocator both see it), labelling both Services.
#[test]
fn the_same_node_port_in_two_inputs() {
    let out = run(kforge().args([
        "lint",
        "charts-examples/mongo-express",
        "tests/fixtures/cli/nodeport-30000.yaml",
        "--together",
        "--format",
        "json",
    ]));
    assert_eq!(out.code, 1);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let findings = json["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert!(
        findings[0]["message"]
            .as_str()
            .unwrap()
            .ends_with("provided port is already allocated")
    );
    assert_eq!(findings[0]["line"], 12);
    assert_eq!(
        findings[0]["labels"][0]["file"],
        "charts-examples/mongo-express/templates/express.yaml"
    );
    // Without --together each PATH is a cluster of its own: no conflict.
    let out = run(kforge().args([
        "lint",
        "charts-examples/mongo-express",
        "tests/fixtures/cli/nodeport-30000.yaml",
        "--quiet",
    ]));
    assert_eq!((out.code, out.stdout.as_str()), (0, ""));
}
