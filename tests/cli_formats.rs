//! Every report format, end to end on a chart with findings, and several formats in one run.

use crate::common;
use common::{kforge, run};

const BROKEN: &str = "charts-examples/broken/mongo-express";

#[test]
#[ignore = "needs ../shared: run by .ci/run (cargo test --workspace -- --ignored)"]
fn sarif_is_valid_against_the_2_1_0_schema() {
    let shared = common::shared();
    let out = run(kforge().args(["lint", BROKEN, "--format", "sarif", "--sarif-root", "."]));
    assert_eq!(out.code, 1);
    let sarif: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let schema_text =
        std::fs::read_to_string(shared.join("reference/sarif-schema-2.1.0.json")).unwrap();
    let schema: serde_json::Value = serde_json::from_str(&schema_text).unwrap();
    let validator = jsonschema::draft4::new(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 4);
    let target_port = results
        .iter()
        .find(|r| r["ruleId"] == "rules/service-target-port")
        .unwrap();
    let location = &target_port["locations"][0]["physicalLocation"];
    assert_eq!(
        location["artifactLocation"]["uri"],
        "charts-examples/broken/mongo-express/templates/express.yaml"
    );
    assert_eq!(location["region"]["startLine"], 56);
    assert_eq!(location["region"]["startColumn"], 19);
    assert!(
        target_port["partialFingerprints"]
            .as_object()
            .is_some_and(|f| !f.is_empty())
    );
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert_eq!(
        rules.len(),
        kforge::diag::registry::all().len(),
        "the rule table is the whole registry"
    );
}

#[test]
fn github_annotations_are_one_escaped_line_each() {
    let out = run(kforge().args(["lint", BROKEN, "--format", "github"]));
    assert_eq!(out.code, 1);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 4, "{}", out.stdout);
    assert!(
        lines
            .iter()
            .all(|l| l.starts_with("::error file=charts-examples/broken/mongo-express/templates/"))
    );
    let target_port = lines
        .iter()
        .find(|l| l.contains("title=rules/service-target-port"))
        .unwrap();
    assert!(target_port.starts_with("::error file=charts-examples/broken/mongo-express/templates/express.yaml,line=56,col=19,endLine=56,endColumn=23,title=rules/service-target-port::"), "{target_port}");
    // The help follows the message on an escaped new line; property values escape ':' and ','.
    assert!(
        target_port.contains("%0Ahelp: set targetPort to 8081"),
        "{target_port}"
    );
}

#[test]
fn junit_has_a_testcase_per_object_and_failures_for_errors() {
    let out = run(kforge().args(["lint", BROKEN, "--format", "junit"]));
    assert_eq!(out.code, 1);
    let xml = out.stdout;
    assert!(
        xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites"),
        "{xml}"
    );
    assert_eq!(
        xml.matches("<testsuite ").count(),
        xml.matches("</testsuite>").count()
    );
    assert_eq!(
        xml.matches("<testcase ").count(),
        6,
        "one per object:\n{xml}"
    );
    for object in [
        "Deployment/mongo-express",
        "Service/mongodb-service",
        "Secret/mongodb-secret",
    ] {
        assert!(
            xml.contains(&format!("name=\"{object}\"")),
            "{object} in\n{xml}"
        );
    }
    assert_eq!(
        xml.matches("<failure ").count(),
        3,
        "the Deployment and both Services fail:\n{xml}"
    );
}

#[test]
fn several_formats_in_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let sarif = dir.path().join("kforge.sarif");
    let junit = dir.path().join("junit.xml");
    let out = run(kforge()
        .args([
            "lint", BROKEN, "--format", "human", "--format", "sarif", "--output",
        ])
        .arg(&sarif)
        .args(["--format", "junit", "--output"])
        .arg(&junit));
    assert_eq!(out.code, 1);
    assert!(
        out.stdout.contains("error[rules/service-target-port]"),
        "human on stdout: {}",
        out.stdout
    );
    let sarif_text = std::fs::read_to_string(&sarif).unwrap();
    assert!(sarif_text.contains("\"version\": \"2.1.0\""));
    assert!(
        std::fs::read_to_string(&junit)
            .unwrap()
            .contains("<testsuites")
    );
}

#[test]
fn output_format_follows_the_extension_when_no_format_is_given() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.json");
    let out = run(kforge().args(["lint", BROKEN, "--output"]).arg(&report));
    assert_eq!(out.code, 1);
    assert!(out.stdout.is_empty());
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(json["summary"]["errors"], 4);
}

#[test]
fn fail_on_strict_and_quiet() {
    let warning_only = "charts-examples/nginx";
    assert_eq!(
        run(kforge().args(["lint", BROKEN, "--fail-on", "never"])).code,
        0
    );
    let quiet = run(kforge().args(["lint", BROKEN, "--quiet"]));
    assert_eq!(quiet.code, 1);
    assert!(
        !quiet.stdout.contains(" errors, "),
        "no summary with --quiet"
    );
    // A clean chart stays clean under --strict.
    assert_eq!(
        run(kforge().args(["lint", warning_only, "--strict"])).code,
        0
    );
}
