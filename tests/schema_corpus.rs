//! The schema stage on real manifests: the bitnami corpus (valid, deployed everywhere) must give
//! no schema errors; the kubernetes/examples archive's removed API versions must be reported.

use crate::common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use kforge::check::CheckContext;
use kforge::config::Config;
use kforge::diag::Diagnostic;
use kforge::object::{self, Object};
use kforge::source::{FileId, SourceKind, SourceMap};
use kforge::version::KubeVersion;
use kforge::yaml::Limits;

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            yaml_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(p);
        }
    }
}

struct Corpus {
    sources: SourceMap,
    files: Vec<FileId>,
    objects: Vec<Object>,
}

fn load(root: &Path) -> Corpus {
    let mut paths = Vec::new();
    yaml_files(root, &mut paths);
    let mut sources = SourceMap::new();
    let mut files = Vec::new();
    for p in &paths {
        let text = std::fs::read_to_string(p).unwrap_or_default();
        let name = p.strip_prefix(root).unwrap_or(p).display().to_string();
        files.push(sources.add(name, text, SourceKind::Manifest));
    }
    let (objects, _) = object::parse(&sources, &files, &Limits::default());
    Corpus {
        sources,
        files,
        objects,
    }
}

fn check(c: &Corpus, minor: u32) -> Vec<Diagnostic> {
    let config = Config::default();
    let ctx = CheckContext {
        kube_version: KubeVersion {
            major: 1,
            minor,
            patch: 0,
        },
        ..CheckContext::new(&c.sources, &c.objects, &config)
    };
    kforge::schema::check(&ctx)
}

fn describe(c: &Corpus, d: &Diagnostic) -> String {
    let at = d.primary.as_ref().map(|l| c.sources.locate(l.span));
    let where_ = at
        .map(|l| format!("{}:{}", l.path, l.line))
        .unwrap_or_default();
    format!("{where_}: {}: {}", d.rule.id, d.message)
}

#[test]
#[ignore = "needs ../shared: run by .ci/run (cargo test --workspace -- --ignored)"]
fn bitnami_corpus_has_no_schema_errors_at_1_33_and_1_37() {
    let shared = common::shared();
    let corpus = load(&shared.join("corpus/bitnami-rendered"));
    assert!(
        !corpus.objects.is_empty(),
        "the YAML loader produced no objects"
    );
    assert!(
        corpus.objects.len() > 1000,
        "{} objects",
        corpus.objects.len()
    );
    for minor in [33, 37] {
        let diags = check(&corpus, minor);
        let errors: Vec<String> = diags
            .iter()
            .filter(|d| d.is_error())
            .map(|d| describe(&corpus, d))
            .collect();
        let mut warnings: BTreeMap<&str, usize> = BTreeMap::new();
        for d in diags.iter().filter(|d| !d.is_error()) {
            *warnings.entry(d.rule.id).or_default() += 1;
        }
        println!(
            "1.{minor}: {} objects in {} files, warnings by rule: {warnings:?}",
            corpus.objects.len(),
            corpus.files.len()
        );
        assert!(
            errors.is_empty(),
            "1.{minor}: {} schema errors:\n{}",
            errors.len(),
            errors.join("\n")
        );
    }
}

/// Archived examples written for API versions Kubernetes has since removed.
const ARCHIVED_REMOVED: &[&str] = &[
    "_archived/cloud-controller-manager/persistent-volume-label-initializer-config.yaml",
    "_archived/cockroachdb/cockroachdb-statefulset.yaml",
    "_archived/newrelic-infrastructure/newrelic-infra-daemonset.yaml",
    "_archived/podsecuritypolicy/rbac/policies.yaml",
    "_archived/volumes/azure_disk/claim/blob-based-disk/account-specified-hdd/storageclass-account-hdd.yaml",
    "_archived/volumes/azure_disk/claim/blob-based-disk/dedicated-hdd/storageclass-dedicated-hdd.yaml",
    "_archived/volumes/azure_disk/claim/blob-based-disk/shared-hdd/storageclass-shared-hdd.yaml",
    "_archived/volumes/azure_disk/claim/blob-based-disk/shared-ssd/storageclass-shared-ssd.yaml",
    "_archived/volumes/azure_disk/claim/managed-disk/managed-hdd/storageclass-managed-hdd.yaml",
    "_archived/volumes/azure_disk/claim/managed-disk/managed-ssd/storageclass-managed-ssd.yaml",
    "_archived/volumes/flexvolume/deploy/ds.yaml",
];

/// Current (not archived) examples with a real defect: file, rule, what is wrong.
const CURRENT_DEFECTS: &[(&str, &str, &str)] = &[];

#[test]
#[ignore = "needs ../shared: run by .ci/run (cargo test --workspace -- --ignored)"]
fn kubernetes_examples_removed_apis_are_reported_and_current_ones_are_valid() {
    let shared = common::shared();
    let corpus = load(&shared.join("corpus/kubernetes-examples"));
    assert!(
        !corpus.objects.is_empty(),
        "the YAML loader produced no objects"
    );
    let diags = check(&corpus, 37);
    let file_of = |d: &Diagnostic| {
        d.primary
            .as_ref()
            .map(|l| corpus.sources.name(l.span.file).to_string())
            .unwrap_or_default()
    };
    for f in ARCHIVED_REMOVED {
        assert!(
            diags
                .iter()
                .any(|d| d.rule.id == "schema/removed-api" && file_of(d) == *f),
            "{f}: removed API version not reported"
        );
    }
    let unexpected: Vec<String> = diags
        .iter()
        .filter(|d| d.is_error() && !file_of(d).starts_with("_archived/"))
        .filter(|d| {
            !CURRENT_DEFECTS
                .iter()
                .any(|(f, rule, _)| file_of(d) == *f && d.rule.id == *rule)
        })
        .map(|d| describe(&corpus, d))
        .collect();
    assert!(
        unexpected.is_empty(),
        "current examples reported invalid:\n{}",
        unexpected.join("\n")
    );
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for d in &diags {
        *counts.entry(d.rule.id).or_default() += 1;
        println!("  {}", describe(&corpus, d));
    }
    println!(
        "kubernetes-examples at 1.37: {} objects, findings by rule: {counts:?}",
        corpus.objects.len()
    );
}

/// The CRDs in the bitnami corpus (flux, metallb) carry patterns, lengths and bounds; none of
/// their resources is in the corpus, so typical ones are written beside the tests. They pass;
/// each broken value gives one error with the API server's message.
#[test]
#[ignore = "needs ../shared: run by .ci/run (cargo test --workspace -- --ignored)"]
fn bitnami_crds_check_the_constraints_of_typical_resources() {
    let shared = common::shared();
    let resources = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/schema/flux-metallb-resources.yaml");
    let good = std::fs::read_to_string(resources).unwrap();
    let run = |resources: &str| {
        let mut sources = SourceMap::new();
        let mut files = Vec::new();
        for chart in ["flux", "metallb"] {
            let path = shared.join(format!("corpus/bitnami-rendered/{chart}.yaml"));
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            files.push(sources.add(format!("{chart}.yaml"), text, SourceKind::Manifest));
        }
        files.push(sources.add(
            "resources.yaml",
            resources.to_string(),
            SourceKind::Manifest,
        ));
        let (objects, _) = object::parse(&sources, &files, &Limits::default());
        let corpus = Corpus {
            sources,
            files,
            objects,
        };
        let diags = check(&corpus, 33);
        diags
            .iter()
            .filter(|d| d.is_error())
            .map(|d| describe(&corpus, d))
            .collect::<Vec<String>>()
    };
    assert_eq!(run(&good), Vec::<String>::new());
    let bad = good
        .replace("interval: 1m0s", "interval: 1 minute")
        .replace("targetNamespace: default", "targetNamespace: \"\"")
        .replace(
            "releaseName: podinfo",
            &format!("releaseName: {}", "p".repeat(54)),
        )
        .replace("receiveInterval: 380", "receiveInterval: 5")
        .replace("minimumTtl: 254", "minimumTtl: 256");
    assert_eq!(
        run(&bad),
        [
            "resources.yaml:9: schema/value-constraint: spec.interval: Invalid value: \"1 minute\": spec.interval in body should match '^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$'",
            "resources.yaml:24: schema/value-constraint: spec.targetNamespace: Invalid value: \"\": spec.targetNamespace in body should be at least 1 chars long",
            "resources.yaml:45: schema/value-constraint: spec.releaseName: Too long: may not be longer than 53",
            "resources.yaml:180: schema/value-constraint: spec.receiveInterval: Invalid value: 5: spec.receiveInterval in body should be greater than or equal to 10",
            "resources.yaml:184: schema/value-constraint: spec.minimumTtl: Invalid value: 256: spec.minimumTtl in body should be less than or equal to 254",
        ]
    );
}
