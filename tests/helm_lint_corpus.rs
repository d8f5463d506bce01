//! `kforge lint` of each of the 116 bitnami chart sources gives the findings `kforge lint` gives
//! on its golden render (what Helm v4 rendered, ../shared/corpus/helm): the same rules on the
//! same objects with the same messages, only located at Go template lines instead of rendered
//! ones. What only a chart source can have is left out of the comparison, with its reason:
//! chart metadata, values and render findings (`chart/`, `values/`, `render/`), which concern
//! files a rendered stream does not contain. Every other difference is listed with its cause in
//! [`EXPLAINED`]; an unexplained one fails the test.
//!
//! Run: `cargo test --release --test it helm_lint_corpus:: -- --ignored --nocapture`
//! (`KFORGE_ONLY=redis,mysql` limits it to some charts).

use crate::common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use kforge::chart::Input;
use kforge::version::KubeVersion;
use kforge::{Options, Run};

use common::bitnami::{prep, unpacked};
use common::shared;

/// Rule families that exist only for a chart source.
const SOURCE_ONLY: &[&str] = &["chart/", "values/", "render/"];

/// Findings that differ between a chart and its golden render for a known reason:
/// (chart, `rule object: message` prefix, who has it, why).
const EXPLAINED: &[(&str, &str, &str, &str)] = &[];

/// `rule object: message` of each finding that can occur on both sides.
fn keys(run: &Run) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for d in &run.diagnostics {
        if SOURCE_ONLY.iter().any(|p| d.rule.id.starts_with(p)) {
            continue;
        }
        let object = d.object.as_ref().map_or("-".to_string(), |o| o.to_string());
        *out.entry(format!("{} {object}: {}", d.rule.id, d.message))
            .or_insert(0) += 1;
    }
    out
}

/// The `crds/` folders of a chart and of its vendored subcharts.
fn crd_dirs(chart: &std::path::Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if chart.join("crds").is_dir() {
        out.push(chart.join("crds"));
    }
    if let Ok(entries) = std::fs::read_dir(chart.join("charts")) {
        let mut subs: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).collect();
        subs.sort();
        for sub in subs {
            out.extend(crd_dirs(&sub));
        }
    }
    out
}

fn errors(run: &Run) -> usize {
    run.diagnostics.iter().filter(|d| d.is_error()).count()
}

#[test]
#[ignore = "needs ../shared/corpus/helm"]
fn bitnami_sources_lint_like_their_golden_renders() {
    let corpus = shared().join("corpus/helm");
    let (_tmp, src, work) = unpacked(&corpus);
    let only: Option<BTreeSet<String>> = std::env::var("KFORGE_ONLY")
        .ok()
        .map(|v| v.split(',').map(str::to_string).collect());

    let options = Options {
        kube_version: KubeVersion::parse("1.36").unwrap(),
        ..Options::default()
    };
    let mut goldens: Vec<PathBuf> = std::fs::read_dir(corpus.join("bitnami-golden"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    goldens.sort();
    assert_eq!(goldens.len(), 116, "golden charts");

    let mut charts = 0;
    let mut same = 0;
    let mut compared = 0;
    let mut unexplained = Vec::new();
    let mut explained = Vec::new();
    let mut error_charts = Vec::new();
    for golden in &goldens {
        let name = golden.file_stem().unwrap().to_string_lossy().to_string();
        if only.as_ref().is_some_and(|o| !o.contains(&name)) {
            continue;
        }
        charts += 1;
        prep(&src, &name, &work.join(&name));
        let from_source = kforge::run(&[Input::Path(work.join(&name))], &options);
        let text = std::fs::read_to_string(golden).unwrap();
        // The goldens hold what `helm template` prints, without the charts' crds/ (Helm installs
        // those first): the golden run gets them as --crd, so custom resources are checked
        // against the same definitions on both sides.
        let golden_options = Options {
            crd_inputs: crd_dirs(&work.join(&name))
                .into_iter()
                .map(Input::Path)
                .collect(),
            ..options.clone()
        };
        let from_golden = kforge::run(
            &[Input::Text {
                name: format!("{name}.yaml"),
                text,
            }],
            &golden_options,
        );
        if errors(&from_golden) == 0 && errors(&from_source) > 0 {
            error_charts.push(name.clone());
        }
        let (a, b) = (keys(&from_source), keys(&from_golden));
        compared += b.values().sum::<usize>();
        let mut differs = false;
        for key in a.keys().chain(b.keys()).collect::<BTreeSet<_>>() {
            let (n_source, n_golden) = (
                a.get(key).copied().unwrap_or(0),
                b.get(key).copied().unwrap_or(0),
            );
            if n_source == n_golden {
                continue;
            }
            differs = true;
            let side = if n_source > n_golden {
                "source"
            } else {
                "golden"
            };
            let line = format!("{name}: only the {side} ({n_source} vs {n_golden}): {key}");
            match EXPLAINED.iter().find(|(chart, prefix, who, _)| {
                *chart == name && key.starts_with(prefix) && *who == side
            }) {
                Some((_, _, _, why)) => explained.push(format!("{line}\n    because {why}")),
                None => unexplained.push(line),
            }
        }
        if !differs {
            same += 1;
        }
    }
    println!(
        "helm lint corpus: {same} of {charts} charts lint exactly like their golden render ({compared} findings on the goldens)"
    );
    println!("explained differences: {}", explained.len());
    for e in &explained {
        println!("  {e}");
    }
    println!("unexplained differences: {}", unexplained.len());
    for u in &unexplained {
        println!("  {u}");
    }
    println!("charts with errors whose golden has none: {error_charts:?}");
    assert!(
        unexplained.is_empty(),
        "{} unexplained differences",
        unexplained.len()
    );
    assert!(
        error_charts.is_empty(),
        "errors only from source: {error_charts:?}"
    );
}
