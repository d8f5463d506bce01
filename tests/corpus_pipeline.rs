//! The whole pipeline (every stage, default options) on the real corpora.
//! Bitnami: 58 charts rendered by Helm and deployed everywhere, so each chart, checked on its own
//! as `kforge lint chart.yaml` would, must have no error. Warnings are allowed and counted.

use crate::common;

use std::collections::BTreeMap;

use kforge::chart::Input;
use kforge::diag::Severity;

#[test]
#[ignore = "needs ../shared: run by .ci/run (cargo test --workspace -- --ignored)"]
fn bitnami_charts_have_no_errors_through_every_stage() {
    let shared = common::shared();
    let files = kforge::bench::yaml_files(&shared.join("corpus/bitnami-rendered"));
    assert_eq!(files.len(), 58);
    let mut warnings: BTreeMap<&str, usize> = BTreeMap::new();
    let mut errors = Vec::new();
    let mut objects = 0;
    for file in &files {
        let run = kforge::run(&[Input::Path(file.clone())], &kforge::Options::default());
        objects += run.objects.len();
        for d in &run.diagnostics {
            match d.severity {
                Severity::Error | Severity::Fatal => {
                    let at = d.primary.as_ref().map(|l| run.sources.locate(l.span));
                    let at = at
                        .map(|l| format!("{}:{}", l.path, l.line))
                        .unwrap_or_default();
                    errors.push(format!(
                        "{at}: {}[{}] {}",
                        d.severity.as_str(),
                        d.rule.id,
                        d.message
                    ));
                }
                Severity::Warning => *warnings.entry(d.rule.id).or_default() += 1,
                Severity::Info => {}
            }
        }
    }
    println!("{objects} objects; warnings per rule: {warnings:#?}");
    assert!(objects > 1100, "{objects} objects");
    assert!(
        errors.is_empty(),
        "{} errors:\n{}",
        errors.len(),
        errors.join("\n")
    );
}

/// Every file of kubernetes-examples goes through every stage without a fatal problem (the
/// pipeline copes with non-Kubernetes YAML, removed API versions and broken files).
#[test]
#[ignore = "needs ../shared: run by .ci/run (cargo test --workspace -- --ignored)"]
fn kubernetes_examples_go_through_every_stage() {
    let shared = common::shared();
    let files = kforge::bench::yaml_files(&shared.join("corpus/kubernetes-examples"));
    assert!(files.len() > 200);
    let mut rules: BTreeMap<&str, usize> = BTreeMap::new();
    for file in &files {
        let run = kforge::run(&[Input::Path(file.clone())], &kforge::Options::default());
        assert!(
            !run.has_fatal(),
            "{}: {:?}",
            file.display(),
            run.diagnostics
                .iter()
                .map(|d| &d.message)
                .collect::<Vec<_>>()
        );
        for d in &run.diagnostics {
            *rules.entry(d.rule.id).or_default() += 1;
        }
    }
    println!("findings per rule: {rules:#?}");
}
