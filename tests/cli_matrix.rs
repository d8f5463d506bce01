//! The values matrix end to end: a chart with three `ci/*-values.yaml` files, each switching on
//! a feature with a bug of its own, linted in every configuration and reported in every format.

use crate::common;
use common::{kforge, run, stable};

const CHART: &str = "tests/fixtures/matrix/web";

fn lint(extra: &[&str]) -> common::Output {
    let mut cmd = kforge();
    cmd.args(["lint", CHART]).args(extra);
    run(&mut cmd)
}

#[test]
fn each_ci_values_file_is_a_configuration_and_findings_say_where_they_hold() {
    let out = lint(&[]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(out.stderr, "");
    insta::assert_snapshot!("matrix_human", stable(&out.stdout));
}

#[test]
fn without_the_matrix_only_the_defaults_are_checked() {
    let out = lint(&["--no-values-matrix"]);
    // The defaults have warnings only: the errors are in the ci/ configurations.
    assert_eq!(out.code, 0, "{}", out.stdout);
    let text = stable(&out.stdout);
    assert!(!text.contains("configuration"), "{text}");
    assert!(
        text.ends_with("\n0 errors, 2 warnings in 2 objects from 7 files in [elapsed]\n"),
        "{text}"
    );
}

#[test]
fn values_matrix_names_the_files_and_the_exit_code_follows_every_configuration() {
    // Only the warnings-only configuration: nothing fails.
    let out = lint(&["--values-matrix", "ci/ha-*.yaml", "-q"]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert_eq!(out.stdout, "");
    let out = lint(&["--values-matrix", "ci/ha-*.yaml"]);
    assert!(
        stable(&out.stdout).ends_with(
            "\n0 errors, 3 warnings in 5 objects from 8 files across 2 configurations in [elapsed]\n"
        ),
        "{}",
        out.stdout
    );
    // An error in one configuration fails the run.
    let out = lint(&["--values-matrix", "ci/ingress-values.yaml", "-q"]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert_eq!(out.stdout.matches("error[").count(), 1, "{}", out.stdout);
    assert!(
        out.stdout.contains(
            "\n  = configuration: tests/fixtures/matrix/web/ci/ingress-values.yaml (1 of 2)\n"
        ),
        "{}",
        out.stdout
    );
    // Several patterns add up; a file matched twice is one configuration.
    let out = lint(&[
        "--values-matrix",
        "ci/n*-values.yaml",
        "--values-matrix",
        "ci/*-values.yaml",
        "--format",
        "json",
    ]);
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(doc["summary"]["configurations"], 4);
}

#[test]
fn values_matrix_mistakes_are_usage_errors() {
    let out = lint(&["--values-matrix", "ci/*-value.yaml"]);
    assert_eq!(out.code, 2);
    assert_eq!(out.stdout, "");
    assert_eq!(
        out.stderr,
        "error: --values-matrix ci/*-value.yaml matches no file: patterns are relative to the chart directory (quote them, or the shell expands them first)\n"
    );
    let out = lint(&["--values-matrix", "ci/*.yaml", "--no-values-matrix"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.starts_with(
            "error: the argument '--values-matrix <GLOB>' cannot be used with '--no-values-matrix'"
        ),
        "{}",
        out.stderr
    );
}

#[test]
fn the_users_values_apply_over_every_configuration() {
    // As chart-testing passes its extra lint arguments after the ci file: --set wins over it.
    let out = lint(&[
        "--set",
        "service.nodePort=null",
        "--set",
        "image.tag=1.27.3",
        "-q",
    ]);
    assert_eq!(out.code, 1);
    assert!(!out.stdout.contains("rules/nodeport"), "{}", out.stdout);
    assert!(
        out.stdout.contains("rules/ingress-backend"),
        "{}",
        out.stdout
    );
    let out = lint(&[
        "--set",
        "service.nodePort=null",
        "--set",
        "image.tag=1.27.3",
    ]);
    assert!(!out.stdout.contains("rules/image-tag"), "{}", out.stdout);
}

#[test]
fn json_carries_the_configurations() {
    let out = lint(&["--format", "json"]);
    assert_eq!(out.code, 1);
    insta::assert_snapshot!("matrix_json", out.stdout);
}

#[test]
fn sarif_carries_the_configurations() {
    let out = lint(&["--format", "sarif", "--sarif-root", "."]);
    assert_eq!(out.code, 1);
    let sarif: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let sarif_run = &sarif["runs"][0];
    assert_eq!(
        sarif_run["properties"]["configurations"],
        serde_json::json!([
            "defaults",
            "tests/fixtures/matrix/web/ci/ha-values.yaml",
            "tests/fixtures/matrix/web/ci/ingress-values.yaml",
            "tests/fixtures/matrix/web/ci/nodeport-values.yaml"
        ])
    );
    let results = sarif_run["results"].as_array().unwrap();
    let summary: Vec<(String, String, serde_json::Value)> = results
        .iter()
        .map(|r| {
            (
                r["ruleId"].as_str().unwrap().to_string(),
                r["message"]["text"]
                    .as_str()
                    .unwrap()
                    .lines()
                    .last()
                    .unwrap()
                    .to_string(),
                r["properties"]["configurations"].clone(),
            )
        })
        .collect();
    let all = serde_json::json!([
        "defaults",
        "tests/fixtures/matrix/web/ci/ha-values.yaml",
        "tests/fixtures/matrix/web/ci/ingress-values.yaml",
        "tests/fixtures/matrix/web/ci/nodeport-values.yaml"
    ]);
    assert_eq!(
        summary,
        vec![
            (
                "chart/unknown-field".to_string(),
                "help: did you mean `maintainers`?".to_string(),
                all
            ),
            (
                "rules/image-tag".to_string(),
                "configurations: all but tests/fixtures/matrix/web/ci/ha-values.yaml (3 of 4)"
                    .to_string(),
                serde_json::json!([
                    "defaults",
                    "tests/fixtures/matrix/web/ci/ingress-values.yaml",
                    "tests/fixtures/matrix/web/ci/nodeport-values.yaml"
                ])
            ),
            (
                "rules/ingress-backend".to_string(),
                "configuration: tests/fixtures/matrix/web/ci/ingress-values.yaml (1 of 4)"
                    .to_string(),
                serde_json::json!(["tests/fixtures/matrix/web/ci/ingress-values.yaml"])
            ),
            (
                "rules/pdb-selects-nothing".to_string(),
                "configuration: tests/fixtures/matrix/web/ci/ha-values.yaml (1 of 4)".to_string(),
                serde_json::json!(["tests/fixtures/matrix/web/ci/ha-values.yaml"])
            ),
            (
                "rules/nodeport".to_string(),
                "configuration: tests/fixtures/matrix/web/ci/nodeport-values.yaml (1 of 4)"
                    .to_string(),
                serde_json::json!(["tests/fixtures/matrix/web/ci/nodeport-values.yaml"])
            ),
        ]
    );
    // Results point at the template, whatever configuration found them.
    let nodeport = &results[4]["locations"][0]["physicalLocation"];
    assert_eq!(
        nodeport["artifactLocation"]["uri"],
        "tests/fixtures/matrix/web/templates/service.yaml"
    );
    assert_eq!(nodeport["region"]["startLine"], 14);
}

#[test]
fn github_annotations_and_junit_carry_the_configurations() {
    let out = lint(&["--format", "github"]);
    assert_eq!(out.code, 1);
    insta::assert_snapshot!("matrix_github", out.stdout);
    let out = lint(&["--format", "junit"]);
    assert_eq!(out.code, 1);
    insta::assert_snapshot!("matrix_junit", out.stdout);
}

#[test]
fn changed_files_of_a_chart_lint_it_in_every_configuration() {
    let out = run(kforge().args([
        "lint",
        "--changed",
        "tests/fixtures/matrix/web/ci/ha-values.yaml",
        "tests/fixtures/matrix/web/templates/pdb.yaml",
    ]));
    assert_eq!(out.code, 1);
    assert_eq!(stable(&out.stdout), stable(&lint(&[]).stdout));
}

#[test]
fn template_renders_the_defaults_only() {
    let out = run(kforge().args(["template", CHART]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let sources: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| l.starts_with("# Source:"))
        .collect();
    assert_eq!(
        sources,
        [
            "# Source: web/templates/service.yaml",
            "# Source: web/templates/deployment.yaml"
        ]
    );
    let help = run(kforge().args(["template", "--help"]));
    assert!(
        help.stdout.contains(
            "Only the default configuration is rendered: `ci/*-values.yaml` files (which `kforge lint`"
        ),
        "{}",
        help.stdout
    );
}

#[test]
#[ignore = "needs ../shared: run by .ci/run (cargo test --workspace -- --ignored)"]
fn sarif_with_configurations_is_valid_against_the_2_1_0_schema() {
    let shared = common::shared();
    let out = lint(&["--format", "sarif", "--sarif-root", "."]);
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
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 5);
}

#[test]
fn a_typo_in_a_ci_file_is_found_in_its_configuration() {
    let dir = tempfile::tempdir().unwrap();
    let chart = dir.path().join("web");
    std::fs::create_dir_all(chart.join("templates")).unwrap();
    std::fs::create_dir_all(chart.join("ci")).unwrap();
    for file in [
        "Chart.yaml",
        "values.yaml",
        "templates/_helpers.tpl",
        "templates/deployment.yaml",
        "templates/service.yaml",
    ] {
        std::fs::copy(common::repo().join(CHART).join(file), chart.join(file)).unwrap();
    }
    std::fs::write(chart.join("ci/typo-values.yaml"), "replicaCont: 3\n").unwrap();
    let out = run(kforge().current_dir(dir.path()).args(["lint", "web", "-q"]));
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "error[values/unknown-key]: unknown values key `replicaCont`: chart \"web\" neither defines nor reads it
   ,-[web/ci/typo-values.yaml:1:1]
 1 | replicaCont: 3
   : ^^^^^|^^^^^
   :      `-- not a value of chart \"web\"
   `----
  = help: did you mean `replicaCount`?
  = configuration: web/ci/typo-values.yaml (1 of 2)

"
    );
}
