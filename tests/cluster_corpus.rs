//! The bitnami corpus (58 Helm-rendered charts) applies to the default cluster profile without
//! errors. Each chart is applied on its own, as `helm install` would.
//!
//! Explained findings:
//! - kube-prometheus, kuberay, grafana-operator and pinniped create custom resources whose CRDs
//!   ship in the charts' `crds/` directories, which `helm template` does not render; `helm
//!   install` applies them first. Against the built-in profile they are `cluster/no-crd`
//!   warnings; the test also applies every chart to a profile file holding those CRDs
//!   (`crd_profile`), where missing CRDs or namespaces would be errors.
//! - No pod is unschedulable and every PersistentVolumeClaim binds (default StorageClass).
//! - pinniped and victoriametrics set metadata.namespace on cluster-scoped objects
//!   (`cluster/namespace-cleared` warnings, true and harmless).

use crate::common;

use crate::cluster_support;
use cluster_support::sim_files;
use kforge::cluster::Profile;
use kforge::diag::Severity;
use std::time::Duration;

const OPERATOR_CHARTS: &[&str] = &[
    "grafana-operator.yaml",
    "kube-prometheus.yaml",
    "kuberay.yaml",
    "pinniped.yaml",
];

/// The CRDs of the operators whose custom resources appear in the corpus.
fn crd_profile() -> Profile {
    let crds = [
        ("monitoring.coreos.com", "PrometheusRule", "v1"),
        ("monitoring.coreos.com", "ServiceMonitor", "v1"),
        ("monitoring.coreos.com", "Prometheus", "v1"),
        ("monitoring.coreos.com", "Alertmanager", "v1"),
        ("ray.io", "RayCluster", "v1"),
        ("grafana.integreatly.org", "Grafana", "v1beta1"),
        (
            "config.concierge.pinniped.dev",
            "CredentialIssuer",
            "v1alpha1",
        ),
    ];
    let mut text = String::new();
    for (group, kind, version) in crds {
        text.push_str(&format!(
            "---\napiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: {}s.{group}\nspec:\n  group: {group}\n  names: {{kind: {kind}, plural: {}s}}\n  scope: Namespaced\n  versions: [{{name: {version}, served: true, storage: true}}]\n",
            kind.to_lowercase(),
            kind.to_lowercase()
        ));
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crds.yaml");
    std::fs::write(&path, format!("objects: []\n{text}")).unwrap();
    let mut sources = kforge::source::SourceMap::new();
    Profile::load(&path, &mut sources)
        .unwrap_or_else(|d| panic!("{:?}", d.iter().map(|d| &d.message).collect::<Vec<_>>()))
}

#[test]
#[ignore = "needs ../shared: run by .ci/run (cargo test --workspace -- --ignored)"]
fn bitnami_corpus_applies_without_errors() {
    let dir = common::shared().join("corpus/bitnami-rendered");
    let with_crds = crd_profile();
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let mut elapsed = Duration::ZERO;
    let mut objects = 0;
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        // With the built-in profile the operators' custom resources are warnings (their CRDs
        // may be installed); nothing is an error.
        let bare = sim_files(&[(&name, &text)], &Profile::default(), false);
        assert!(bare.errors().is_empty(), "{name}: {:?}", bare.messages());
        for d in bare.diags.iter().filter(|d| d.rule.id == "cluster/no-crd") {
            assert!(
                OPERATOR_CHARTS.contains(&name.as_str()),
                "{name}: {}",
                d.message
            );
        }
        // With a profile file (a closed world) that has the CRDs, still no error.
        let s = sim_files(&[(&name, &text)], &with_crds, false);
        elapsed += s.apply_time;
        objects += s.objects.len();
        for d in &s.diags {
            let line = format!("{name}:{}: {}: {}", s.line(d), d.rule.id, d.message);
            if d.severity <= Severity::Error {
                errors.push(line);
            } else {
                warnings.push(line);
            }
        }
    }
    println!(
        "cluster stage: {} charts, {objects} objects in {elapsed:?}",
        files.len()
    );
    for w in &warnings {
        println!("warning: {w}");
    }
    assert!(
        warnings
            .iter()
            .all(|w| w.contains("cluster/namespace-cleared")),
        "{warnings:#?}"
    );
    assert!(
        errors.is_empty(),
        "{} errors:\n{}",
        errors.len(),
        errors.join("\n")
    );
}

/// Every file of kubernetes/examples (old API versions, non-objects, odd values) applies
/// without a panic; the findings themselves are not asserted.
#[test]
#[ignore = "needs ../shared: run by .ci/run (cargo test --workspace -- --ignored)"]
fn kubernetes_examples_apply_without_panicking() {
    let dir = common::shared().join("corpus/kubernetes-examples");
    let mut count = 0;
    for entry in walkdir::WalkDir::new(&dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
    {
        let path = entry.path();
        if !path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let mut sources = kforge::source::SourceMap::new();
        let id = sources.add(
            path.display().to_string(),
            text,
            kforge::source::SourceKind::Manifest,
        );
        let (objects, _) = kforge::object::parse(&sources, &[id], &kforge::yaml::Limits::default());
        let config = kforge::config::Config::default();
        let ctx = kforge::check::CheckContext {
            create_namespace: true,
            ..kforge::check::CheckContext::new(&sources, &objects, &config)
        };
        let (state, _) = kforge::cluster::apply(&ctx, &Profile::default());
        let _ = (
            state.table(),
            state.to_yaml(&objects),
            state.to_json(&objects),
        );
        count += 1;
    }
    println!("applied {count} files");
}
