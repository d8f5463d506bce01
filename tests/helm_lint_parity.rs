//! Everything `helm lint` reports, kforge reports too: one broken chart per helm-lint message
//! under tests/fixtures/helm-lint/<check>/bad, its fix under ./fixed, and Helm v4's own report
//! of each recorded beside them by scripts/record-helm-lint. The table is docs/helm-lint-parity.md.

use crate::common;
use common::{kforge, repo, run};

/// helm-lint check → the kforge rule that reports it, at this file and line of the broken chart.
const MATCHED: &[(&str, &str, &str, usize)] = &[
    (
        "template-render-error",
        "render/error",
        "templates/cm.yaml",
        6,
    ),
    ("icon-url", "chart/invalid-field", "Chart.yaml", 4),
    ("maintainer-email", "chart/invalid-field", "Chart.yaml", 7),
    ("maintainer-name", "chart/missing-field", "Chart.yaml", 6),
    ("maintainer-url", "chart/invalid-field", "Chart.yaml", 7),
    ("source-url", "chart/invalid-field", "Chart.yaml", 6),
    (
        "api-version-invalid",
        "chart/invalid-api-version",
        "Chart.yaml",
        1,
    ),
    (
        "api-version-required",
        "chart/missing-field",
        "Chart.yaml",
        1,
    ),
    (
        "app-version-not-string",
        "chart/invalid-field",
        "Chart.yaml",
        5,
    ),
    ("chart-yaml-strict", "chart/unknown-field", "Chart.yaml", 5),
    ("chart-yaml-unparsable", "yaml/syntax", "Chart.yaml", 5),
    ("crd-api-version", "cluster/no-crd", "crds/widgets.yaml", 1),
    ("crd-kind", "schema/unknown-kind", "crds/widgets.yaml", 2),
    ("dependencies-in-v1", "chart/invalid-field", "Chart.yaml", 5),
    (
        "dependency-duplicate",
        "chart/invalid-dependency",
        "Chart.yaml",
        8,
    ),
    (
        "dependency-not-vendored",
        "chart/missing-dependency",
        "Chart.yaml",
        6,
    ),
    (
        "deprecated-api",
        "schema/removed-api",
        "templates/cron.yaml",
        1,
    ),
    ("maintainer-empty", "chart/invalid-field", "Chart.yaml", 6),
    (
        "match-selector",
        "cluster/invalid",
        "templates/deploy.yaml",
        6,
    ),
    ("name-invalid", "chart/invalid-name", "Chart.yaml", 2),
    ("name-required", "chart/missing-field", "Chart.yaml", 1),
    (
        "object-name-invalid",
        "cluster/invalid",
        "templates/cm.yaml",
        4,
    ),
    (
        "template-parse-error",
        "render/syntax",
        "templates/cm.yaml",
        6,
    ),
    ("template-yaml-error", "yaml/syntax", "templates/cm.yaml", 7),
    ("templates-missing", "chart/no-templates", "Chart.yaml", 1),
    ("type-in-v1", "chart/invalid-field", "Chart.yaml", 5),
    ("values-schema", "values/schema", "values.yaml", 1),
    ("values-unparsable", "yaml/syntax", "values.yaml", 1),
    (
        "version-not-semver",
        "chart/invalid-version",
        "Chart.yaml",
        3,
    ),
    (
        "version-not-strict-semver",
        "chart/invalid-version",
        "Chart.yaml",
        3,
    ),
    ("version-not-string", "chart/invalid-field", "Chart.yaml", 3),
    ("version-required", "chart/missing-field", "Chart.yaml", 1),
    (
        "dependency-not-declared",
        "chart/undeclared-dependency",
        "charts/sub/Chart.yaml",
        1,
    ),
    (
        "template-extension",
        "chart/template-extension",
        "templates/extra.json",
        1,
    ),
    ("template-top-indent", "yaml/syntax", "templates/cm.yaml", 2),
    ("icon-missing", "chart/missing-icon", "Chart.yaml", 1),
    ("values-missing", "chart/missing-values", "Chart.yaml", 1),
    (
        "list-resource-policy",
        "object/list-resource-policy",
        "templates/list.yaml",
        11,
    ),
];

/// Rules off by default (helm lint's INFO-level recommendations), on for this comparison.
const ENABLE: &[&str] = &["chart/missing-icon", "chart/missing-values"];

/// Fixtures of helm-lint checks kforge does not detect yet (docs/helm-lint-parity.md says why);
/// listed so that every fixture folder is accounted for.
const MISSING: &[&str] = &[];

fn fixtures() -> std::path::PathBuf {
    repo().join("tests/fixtures/helm-lint")
}

/// (rule, file relative to the chart, line) of every finding of `kforge lint CHART`.
fn findings(chart: &std::path::Path) -> Vec<(String, String, usize)> {
    let mut cmd = kforge();
    cmd.arg("lint").arg(chart).args(["--format", "json"]);
    for rule in ENABLE {
        cmd.args(["--enable", rule]);
    }
    let out = run(&mut cmd);
    let json: serde_json::Value = serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("{}: {e}\n{}{}", chart.display(), out.stdout, out.stderr));
    let prefix = format!("{}/", chart.display());
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let file = f["file"].as_str().unwrap_or_default();
            (
                f["rule"].as_str().unwrap().to_string(),
                file.strip_prefix(&prefix).unwrap_or(file).to_string(),
                f["line"].as_u64().unwrap_or(0) as usize,
            )
        })
        .collect()
}

#[test]
fn every_fixture_is_in_the_table() {
    let mut dirs: Vec<String> = std::fs::read_dir(fixtures())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    dirs.sort();
    let mut listed: Vec<String> = MATCHED
        .iter()
        .map(|m| m.0)
        .chain(MISSING.iter().copied())
        .map(String::from)
        .collect();
    listed.sort();
    assert_eq!(dirs, listed);
    let table = std::fs::read_to_string(repo().join("docs/helm-lint-parity.md")).unwrap();
    for check in &listed {
        assert!(
            table.contains(&format!("`{check}`")),
            "{check} not in the table"
        );
    }
}

#[test]
fn helm_reports_each_broken_chart_and_none_of_the_fixes() {
    for check in MATCHED.iter().map(|m| m.0).chain(MISSING.iter().copied()) {
        let dir = fixtures().join(check);
        let bad = std::fs::read_to_string(dir.join("helm-lint.txt")).unwrap();
        assert!(!bad.trim().is_empty(), "{check}: Helm recorded nothing");
        // Every fix is clean to Helm too (not even its INFO), so a passing variant proves the fix.
        let fixed = std::fs::read_to_string(dir.join("helm-lint-fixed.txt")).unwrap();
        assert_eq!(fixed, "", "{check}: Helm still reports the fix");
    }
}

#[test]
fn kforge_reports_what_helm_lint_reports() {
    let mut failures = Vec::new();
    for &(check, rule, file, line) in MATCHED {
        let dir = fixtures().join(check);
        let bad = findings(&dir.join("bad"));
        if !bad.contains(&(rule.to_string(), file.to_string(), line)) {
            failures.push(format!(
                "{check}: expected {rule} at {file}:{line}, got {bad:?}"
            ));
        }
        let fixed = findings(&dir.join("fixed"));
        if fixed.iter().any(|f| f.0 == rule) {
            failures.push(format!("{check}: the fix still gives {rule}: {fixed:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
