//! kforge renders each case under tests/fixtures/helm-oracle exactly as Helm v4 did when the case
//! was recorded (`scripts/record-helm-oracle`): the same templates, byte for byte, or an error
//! where Helm refused. The cases pin chart-layer semantics that are easy to get subtly wrong:
//! `import-values`, multi-document values files, `.Capabilities.APIVersions` with
//! `--api-versions`.

use std::path::Path;

use kforge::chart::Input;
use kforge::version::KubeVersion;
use kforge::{Options, Stages};

fn root() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/helm-oracle")
}

/// kforge's render of a case, laid out as the recording script lays out Helm's.
fn render(case: &Path) -> String {
    let spec: serde_json::Value = std::fs::read_to_string(case.join("case.json"))
        .map(|t| serde_json::from_str(&t).unwrap())
        .unwrap_or(serde_json::json!({}));
    let tmp = tempfile::tempdir().unwrap();
    let mut options = Options {
        kube_version: KubeVersion::parse("1.36").unwrap(),
        stages: Stages {
            schema: false,
            rules: false,
            cluster: false,
        },
        ..Options::default()
    };
    if let Some(values) = spec.get("values") {
        // JSON is YAML: the user's values reach kforge as a `-f` file.
        let file = tmp.path().join("values.json");
        std::fs::write(&file, values.to_string()).unwrap();
        options.values.files.push(file);
    }
    if let Some(apis) = spec.get("api_versions").and_then(|a| a.as_array()) {
        options.api_versions = apis
            .iter()
            .map(|a| a.as_str().unwrap().to_string())
            .collect();
    }
    let run = kforge::run(&[Input::Path(case.join("chart"))], &options);
    let errors: Vec<String> = run
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| format!("{}: {}", d.rule.id, d.message))
        .collect();
    if !errors.is_empty() {
        return format!("ERROR: {}\n", errors.join("; "));
    }
    let mut docs: Vec<(String, String)> = run
        .rendered
        .iter()
        .filter(|r| !r.is_notes())
        .map(|r| {
            (
                r.template.clone(),
                run.sources.text(r.file).trim_matches('\n').to_string(),
            )
        })
        .filter(|(_, text)| !text.trim().is_empty())
        .collect();
    docs.sort();
    let docs: Vec<String> = docs
        .into_iter()
        .map(|(name, text)| format!("---\n# Source: {name}\n{text}"))
        .collect();
    docs.join("\n") + "\n"
}

#[test]
fn charts_render_as_helm_recorded() {
    let mut cases: Vec<_> = std::fs::read_dir(root())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() >= 4, "cases: {cases:?}");
    let mut failed = Vec::new();
    for case in &cases {
        let want = std::fs::read_to_string(case.join("helm.yaml"))
            .unwrap_or_else(|e| panic!("{}: {e} (run scripts/record-helm-oracle)", case.display()));
        let got = render(case);
        if want.starts_with("ERROR: ") {
            // Helm's and kforge's wording differ; refusing is what must match.
            if !got.starts_with("ERROR: ") {
                failed.push(format!(
                    "{}: Helm refused ({want}) but kforge rendered",
                    case.display()
                ));
            }
        } else if got != want {
            failed.push(format!(
                "{}:\n--- Helm\n{want}--- kforge\n{got}",
                case.display()
            ));
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}
