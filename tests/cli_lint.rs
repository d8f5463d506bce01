//! `kforge lint` and `kforge template` end to end: exit codes and exact output.

use crate::common;
use common::{kforge, run, stable};

#[test]
fn example_charts_lint_clean() {
    for chart in [
        "charts-examples/helm-webapp",
        "charts-examples/mongo-express",
        "charts-examples/nginx",
    ] {
        let out = run(kforge().args(["lint", chart]));
        assert_eq!(out.code, 0, "{chart}:\n{}{}", out.stdout, out.stderr);
        assert!(
            stable(&out.stdout).starts_with("0 errors, 0 warnings in "),
            "{}",
            out.stdout
        );
    }
}

#[test]
fn template_prints_manifests_with_source_headers_in_install_order() {
    let out = run(kforge().args(["template", "charts-examples/mongo-express"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    insta::assert_snapshot!("template_mongo_express", out.stdout);
}

#[test]
fn template_show_only_and_missing_template() {
    let out = run(kforge().args([
        "template",
        "charts-examples/nginx",
        "-s",
        "templates/service.yaml",
    ]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .starts_with("---\n# Source: nginx/templates/service.yaml\n")
    );
    assert_eq!(out.stdout.matches("# Source:").count(), 1);
    let out = run(kforge().args([
        "template",
        "charts-examples/nginx",
        "-s",
        "templates/nope.yaml",
    ]));
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "error: could not find template templates/nope.yaml in chart\n"
    );
}

#[test]
fn template_output_dir_writes_one_file_per_template() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(kforge()
        .args(["template", "charts-examples/nginx", "--output-dir"])
        .arg(dir.path()));
    assert_eq!(out.code, 0, "{}", out.stderr);
    for t in ["deployment.yaml", "service.yaml", "ingress.yaml"] {
        let text = std::fs::read_to_string(dir.path().join("nginx/templates").join(t)).unwrap();
        assert!(
            text.starts_with(&format!("---\n# Source: nginx/templates/{t}\n")),
            "{text}"
        );
    }
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name())
        .collect();
    assert_eq!(
        leftovers,
        vec![std::ffi::OsString::from("nginx")],
        "no staging folder left behind"
    );
}

/// Issue 2's four broken charts: each finding is at the template file and line that caused it.
#[test]
fn broken_charts_point_at_the_template_line() {
    for (fixture, rule, location) in [
        (
            "syntax-error",
            "render/syntax",
            "templates/configmap.yaml:6:32",
        ),
        (
            "undefined-value",
            "render/undefined",
            "templates/pod.yaml:8:46",
        ),
        (
            "duplicate-key",
            "yaml/duplicate-key",
            "templates/configmap.yaml:8:3",
        ),
        (
            "partial-indent",
            "yaml/syntax",
            "templates/_container.yaml:3:19",
        ),
    ] {
        let path = format!("tests/fixtures/render/{fixture}");
        let human = run(kforge().args(["lint", &path]));
        assert_eq!(human.code, 1, "{fixture}: {}", human.stdout);
        assert!(
            human.stdout.contains(&format!("error[{rule}]")),
            "{fixture}: {}",
            human.stdout
        );
        assert!(
            human.stdout.contains(&format!("{path}/{location}]")),
            "{fixture}: {}",
            human.stdout
        );
        insta::assert_snapshot!(format!("broken_{fixture}_human"), stable(&human.stdout));

        let json = run(kforge().args(["lint", &path, "--format", "json"]));
        assert_eq!(json.code, 1);
        let value: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
        let finding = &value["findings"][0];
        let (file, rest) = location.split_once(':').unwrap();
        let (line, column) = rest.split_once(':').unwrap();
        assert_eq!(finding["rule"], rule);
        assert_eq!(finding["file"], format!("{path}/{file}"));
        assert_eq!(finding["line"].to_string(), line);
        assert_eq!(finding["column"].to_string(), column);
        insta::assert_snapshot!(format!("broken_{fixture}_json"), json.stdout);
    }
}

#[test]
fn stdin_with_source_comments_reports_template_paths() {
    let rendered = "---\n# Source: web/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  x: 1\n  x: 2\n";
    let out = run(kforge()
        .args(["lint", "-", "--format", "json"])
        .write_stdin(rendered));
    assert_eq!(out.code, 1, "{}", out.stdout);
    let value: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let files: Vec<&str> = value["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["file"].as_str())
        .collect();
    assert!(
        !files.is_empty() && files.iter().all(|f| *f == "web/templates/cm.yaml"),
        "{files:?}"
    );
}

#[test]
fn init_scaffold_lints_clean() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(kforge().current_dir(dir.path()).args(["init", "demo"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out = run(kforge().current_dir(dir.path()).args(["lint", "demo"]));
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(
        stable(&out.stdout).starts_with("0 errors, 0 warnings in 2 objects"),
        "{}",
        out.stdout
    );
    let out = run(kforge().current_dir(dir.path()).args([
        "lint",
        "demo",
        "--set",
        "ingress.enabled=true",
    ]));
    assert_eq!(out.code, 0, "{}", out.stdout);
    let again = run(kforge().current_dir(dir.path()).args(["init", "demo"]));
    assert_eq!(again.code, 2);
    assert_eq!(
        again.stderr,
        "error: demo already exists and is not empty\n"
    );
}

/// The demo chart with four classic mistakes: each is exactly one error, at the template line.
#[test]
fn broken_mongo_express_demo() {
    let out = run(kforge().args(["lint", "charts-examples/broken/mongo-express"]));
    assert_eq!(out.code, 1);
    let errors: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| l.starts_with("error["))
        .collect();
    assert_eq!(
        errors
            .iter()
            .map(|l| l.split(']').next().unwrap_or(""))
            .collect::<Vec<_>>(),
        [
            "error[rules/missing-reference",
            "error[rules/service-target-port",
            "error[rules/nodeport",
            "error[rules/service-selects-nothing"
        ]
    );
    insta::assert_snapshot!("broken_mongo_express_human", stable(&out.stdout));
}

#[test]
fn values_from_standard_input() {
    // `-f -` reads values from standard input, in its place among the -f files.
    let out = run(kforge()
        .args([
            "template",
            "charts-examples/nginx",
            "-f",
            "-",
            "--set",
            "replicaCount=4",
        ])
        .write_stdin("replicaCount: 3\nimage:\n  tag: \"9.9\"\n"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("replicas: 4"), "{}", out.stdout);
    assert!(out.stdout.contains(":9.9\""), "{}", out.stdout);

    // Findings in those values point at <stdin>.
    let out = run(kforge()
        .args([
            "lint",
            "charts-examples/nginx",
            "-f",
            "-",
            "--format",
            "json",
        ])
        .write_stdin("- not\n- a map\n"));
    assert_eq!(out.code, 2, "{}", out.stderr);
    let value: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(value["findings"][0]["rule"], "values/not-a-map");
    assert_eq!(value["findings"][0]["file"], "<stdin>");

    // Standard input holds one thing.
    let out = run(kforge()
        .args(["lint", "-", "-f", "-"])
        .write_stdin("a: 1\n"));
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "error: standard input (-) can be given only once; it already holds the manifests\n"
    );
}

/// A subchart's values.schema.json checks its section under the name the parent gives it: a
/// dependency's alias (`sessions`) as well as its name (`redis`).
#[test]
fn subchart_values_schemas_apply_under_aliases_too() {
    let dir = tempfile::tempdir().unwrap();
    let chart = dir.path().join("webapp");
    let fixture =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/chartvals/webapp");
    for entry in walkdir::WalkDir::new(&fixture) {
        let entry = entry.unwrap();
        let to = chart.join(entry.path().strip_prefix(&fixture).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&to).unwrap();
        } else {
            std::fs::copy(entry.path(), &to).unwrap();
        }
    }
    std::fs::write(
        chart.join("charts/redis/values.schema.json"),
        r#"{"type": "object", "properties": {"port": {"type": "integer"}}}"#,
    )
    .unwrap();
    let out = run(kforge().arg("lint").arg(&chart).args([
        "--set",
        "sessions.port=abc",
        "--set",
        "redis.port=xyz",
        "--format",
        "json",
    ]));
    let value: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let mut found: Vec<String> = value["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "values/schema")
        .map(|f| f["message"].as_str().unwrap().to_string())
        .collect();
    found.sort();
    assert_eq!(
        found,
        [
            // Helm's words (its validator): `- at '/port': got string, want integer`.
            "port: got string, want integer",
            "port: got string, want integer"
        ]
    );
}

/// A custom resource value from `values.yaml` that breaks its CRD's `minimum`, and a repeated
/// item of a `x-kubernetes-list-type: set`, are reported at the template line that wrote them.
#[test]
fn crd_constraints_point_at_the_template_line() {
    let path = "tests/fixtures/cli/crd-constraints";
    let out = run(kforge().args(["lint", path, "--format", "json"]));
    assert_eq!(out.code, 1, "{}", out.stdout);
    let value: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let found: Vec<String> = value["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {}:{}:{} {}",
                f["rule"].as_str().unwrap(),
                f["file"].as_str().unwrap(),
                f["line"],
                f["column"],
                f["message"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            format!(
                "schema/value-constraint {path}/templates/widget.yaml:6:13 spec.replicas: Invalid value: 0: spec.replicas in body should be greater than or equal to 1"
            ),
            format!(
                "schema/list-constraint {path}/templates/widget.yaml:9:7 spec.zones[1]: Duplicate value: \"eu-1\""
            ),
        ]
    );
}

/// The Helm example's broken twin: the Service's targetPort comes out of a `define` in
/// `_helpers.tpl` through `include`, and names a port no container declares. The one error is
/// reported at the Go template line that wrote the value.
#[test]
fn broken_helm_webapp_points_at_the_go_template_line() {
    let path = "charts-examples/broken/helm-webapp";
    let out = run(kforge().args(["lint", path]));
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    let errors: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| l.starts_with("error["))
        .collect();
    assert_eq!(errors.len(), 1, "{}", out.stdout);
    assert!(
        errors[0].starts_with("error[rules/service-target-port]"),
        "{}",
        out.stdout
    );
    insta::assert_snapshot!("broken_helm_webapp_human", stable(&out.stdout));

    let json = run(kforge().args(["lint", path, "--format", "json"]));
    assert_eq!(json.code, 1);
    let value: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let finding = &value["findings"][0];
    assert_eq!(finding["rule"], "rules/service-target-port");
    assert_eq!(finding["file"], format!("{path}/templates/service.yaml"));
    assert_eq!(finding["line"], 12);
    assert_eq!(finding["column"], 19);
    // The value itself is written in the define the include calls: labelled there too.
    let helper = &finding["labels"][1];
    assert_eq!(helper["file"], format!("{path}/templates/_helpers.tpl"));
    assert_eq!(
        (&helper["line"], &helper["column"]),
        (&47.into(), &1.into())
    );
    assert_eq!(
        helper["message"],
        "\"https\" comes from define \"webapp.portName\""
    );
}
