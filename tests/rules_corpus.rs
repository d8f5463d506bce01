//! The rules stage on real charts: ../shared/corpus/bitnami-rendered (58 charts rendered by
//! Helm with default values, release namespace `default`) must give no errors. Each file is its
//! own run, as each is its own release. Prints the warning count per rule.

use crate::common;

use kforge::check::CheckContext;
use kforge::config::Config;
use kforge::diag::Severity;
use kforge::source::{SourceKind, SourceMap};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

#[test]
#[ignore = "needs ../shared: run by .ci/run (cargo test --workspace -- --ignored)"]
fn bitnami_corpus_has_no_rule_errors() {
    corpus_run(&Config::default(), "default rules");
}

#[test]
#[ignore = "needs ../shared: run by .ci/run (cargo test --workspace -- --ignored)"]
fn bitnami_corpus_has_no_rule_errors_with_every_rule_enabled() {
    let config = Config {
        enable: kforge::rules::RULES
            .iter()
            .map(|r| r.id.to_string())
            .collect(),
        ..Config::default()
    };
    corpus_run(&config, "every rule enabled");
}

fn corpus_run(config: &Config, what: &str) {
    let dir = common::shared().join("corpus/bitnami-rendered");
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let mut paths: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    paths.sort();
    let mut warnings: BTreeMap<&str, usize> = BTreeMap::new();
    let mut errors = Vec::new();
    let mut objects_total = 0;
    let mut spent = Duration::ZERO;
    for path in &paths {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let mut sources = SourceMap::new();
        let file = sources.add(path.display().to_string(), text, SourceKind::Manifest);
        let (objects, _) = kforge::object::parse(&sources, &[file], &Default::default());
        objects_total += objects.len();
        let ctx = CheckContext::new(&sources, &objects, config);
        let start = Instant::now();
        let diags = kforge::rules::check(&ctx);
        spent += start.elapsed();
        for d in diags {
            if std::env::var_os("KFORGE_CORPUS_VERBOSE").is_some() {
                let at = d
                    .primary
                    .as_ref()
                    .map(|l| sources.locate(l.span))
                    .map(|l| format!("{}:{}", l.path, l.line));
                println!(
                    "{} {:?} {}: {}",
                    at.unwrap_or_default(),
                    d.severity,
                    d.rule.id,
                    d.message
                );
            }
            match d.severity {
                Severity::Warning => *warnings.entry(d.rule.id).or_default() += 1,
                Severity::Error | Severity::Fatal => {
                    let at = d
                        .primary
                        .as_ref()
                        .map(|l| sources.locate(l.span))
                        .map(|l| format!("{}:{}", l.path, l.line));
                    errors.push(format!(
                        "{} {}: {}",
                        at.unwrap_or_default(),
                        d.rule.id,
                        d.message
                    ));
                }
                Severity::Info => {}
            }
        }
    }
    println!(
        "{what}: {} files, {objects_total} objects, rules::check took {spent:?} in all",
        paths.len()
    );
    for (rule, n) in &warnings {
        println!("  {n:4} warnings  {rule}");
    }
    assert!(
        errors.is_empty(),
        "errors on the corpus:\n{}",
        errors.join("\n")
    );
}

/// kubernetes/examples: archived API versions, odd shapes and files that are not Kubernetes
/// objects. Every rule runs on each directory (one run each) without panicking, and every
/// finding has a location.
#[test]
#[ignore = "needs ../shared: run by .ci/run (cargo test --workspace -- --ignored)"]
fn kubernetes_examples_run_every_rule_without_panicking() {
    let dir = common::shared().join("corpus/kubernetes-examples");
    let mut by_dir: BTreeMap<std::path::PathBuf, Vec<std::path::PathBuf>> = BTreeMap::new();
    for entry in walkdir::WalkDir::new(&dir)
        .into_iter()
        .filter_map(Result::ok)
    {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "yaml" || e == "yml")
            && let Some(parent) = path.parent()
        {
            by_dir
                .entry(parent.to_path_buf())
                .or_default()
                .push(path.to_path_buf());
        }
    }
    let config = Config {
        enable: kforge::rules::RULES
            .iter()
            .map(|r| r.id.to_string())
            .collect(),
        ..Config::default()
    };
    let mut findings = 0;
    for files in by_dir.values() {
        let mut sources = SourceMap::new();
        let ids: Vec<_> = files
            .iter()
            .filter_map(|f| {
                std::fs::read_to_string(f)
                    .ok()
                    .map(|t| sources.add(f.display().to_string(), t, SourceKind::Manifest))
            })
            .collect();
        let (objects, _) = kforge::object::parse(&sources, &ids, &Default::default());
        let ctx = CheckContext {
            strict: true,
            ..CheckContext::new(&sources, &objects, &config)
        };
        for d in kforge::rules::check(&ctx) {
            assert!(d.primary.is_some(), "{}: {}", d.rule.id, d.message);
            findings += 1;
        }
    }
    println!(
        "kubernetes-examples: {} directories, {findings} findings",
        by_dir.len()
    );
}
