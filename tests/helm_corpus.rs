//! The 116 bitnami application charts rendered from source by kforge, compared per template file
//! with what Helm v4.2.3 renders for them (../shared/corpus/helm, see its README): dependencies
//! vendored as `render-with-helm.py` vendors them (sibling charts copied into `charts/`), default
//! values, release `release` in `default`, Kubernetes 1.36; the golden lines that change from one
//! Helm render to the next (random passwords, generated certificates) are masked.
//!
//! Run: `cargo test --release --test it helm_corpus:: -- --ignored --nocapture` (prints the figure and
//! every differing template). `KFORGE_SHARED` points at the shared folder when it is not
//! `../shared` (e.g. in a git worktree).

use crate::common;

use common::bitnami::{prep, unpacked};
use common::shared;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use kforge::chart::Input;
use kforge::version::KubeVersion;
use kforge::{Options, Stages};

/// Templates byte-identical to Helm's, in per-mille, that the test requires: all 1998 templates
/// of the 116 charts were identical when this was set.
const MIN_IDENTICAL_PER_MILLE: usize = 1000;

/// A golden file's templates: source path → lines, with masked lines replaced.
fn golden_templates(text: &str, masked: &BTreeSet<usize>) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut current: Option<String> = None;
    let mut lines = text.lines().enumerate().peekable();
    while let Some((i, line)) = lines.next() {
        if line == "---"
            && let Some((_, next)) = lines.peek()
            && let Some(source) = next.strip_prefix("# Source: ")
        {
            current = Some(source.to_string());
            out.entry(source.to_string()).or_default();
            lines.next();
            continue;
        }
        if let Some(source) = &current {
            let line = if masked.contains(&(i + 1)) {
                MASK.to_string()
            } else {
                line.to_string()
            };
            out.entry(source.clone()).or_default().push(line);
        }
    }
    out
}

const MASK: &str = "<random>";

#[test]
#[ignore = "needs ../shared/corpus/helm"]
fn bitnami_charts_render_like_helm() {
    let corpus = shared().join("corpus/helm");
    let (_tmp, src, work) = unpacked(&corpus);

    let mut masked: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
    let tsv = std::fs::read_to_string(corpus.join("bitnami-golden-random-lines.tsv")).unwrap();
    for row in tsv.lines().skip(1) {
        if let Some((file, line)) = row.split_once('\t') {
            masked
                .entry(file.to_string())
                .or_default()
                .insert(line.parse().unwrap());
        }
    }

    let options = Options {
        kube_version: KubeVersion::parse("1.36").unwrap(),
        stages: Stages {
            schema: false,
            rules: false,
            cluster: false,
        },
        ..Options::default()
    };
    let mut goldens: Vec<PathBuf> = std::fs::read_dir(corpus.join("bitnami-golden"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    goldens.sort();
    assert_eq!(goldens.len(), 116, "golden charts");

    let (mut total, mut identical) = (0usize, 0usize);
    let mut differing = Vec::new();
    let mut failures = Vec::new();
    for golden in &goldens {
        let file_name = golden.file_name().unwrap().to_string_lossy().to_string();
        let name = file_name.trim_end_matches(".yaml");
        prep(&src, name, &work.join(name));
        let expected = golden_templates(
            &std::fs::read_to_string(golden).unwrap(),
            masked.get(&file_name).unwrap_or(&BTreeSet::new()),
        );
        let run = kforge::run(&[Input::Path(work.join(name))], &options);
        let errors: Vec<String> = run
            .diagnostics
            .iter()
            .filter(|d| d.is_error() && d.rule.id.starts_with("render/"))
            .map(|d| format!("{}: {}", d.rule.id, d.message))
            .collect();
        if !errors.is_empty() {
            failures.push(format!("{name}: {}", errors.join("; ")));
        }
        let actual: BTreeMap<String, Vec<String>> = run
            .rendered
            .iter()
            .filter(|r| !r.is_notes())
            .map(|r| {
                let text = run.sources.text(r.file).trim_matches('\n');
                (
                    r.template.clone(),
                    text.lines().map(str::to_string).collect(),
                )
            })
            .collect();
        let names: BTreeSet<&String> = expected.keys().chain(actual.keys()).collect();
        for template in names {
            total += 1;
            let same = match (expected.get(template), actual.get(template)) {
                (Some(want), Some(got)) => {
                    want.len() == got.len()
                        && want.iter().zip(got).all(|(w, g)| w == MASK || w == g)
                }
                _ => false,
            };
            if same {
                identical += 1;
            } else {
                let why = match (expected.get(template), actual.get(template)) {
                    (None, _) => "only kforge renders it".to_string(),
                    (_, None) => "kforge renders nothing".to_string(),
                    (Some(want), Some(got)) => first_difference(want, got),
                };
                differing.push(format!("{template}: {why}"));
            }
        }
    }
    let per_mille = identical * 1000 / total.max(1);
    println!(
        "helm corpus: {identical} of {total} templates byte-identical to Helm v4 ({}.{}%)",
        per_mille / 10,
        per_mille % 10
    );
    println!("charts with render errors: {}", failures.len());
    for f in &failures {
        println!("  {f}");
    }
    println!("differing templates: {}", differing.len());
    for d in &differing {
        println!("  {d}");
    }
    assert!(
        per_mille >= MIN_IDENTICAL_PER_MILLE,
        "{per_mille}‰ identical, below {MIN_IDENTICAL_PER_MILLE}‰"
    );
}

fn first_difference(want: &[String], got: &[String]) -> String {
    for (i, (w, g)) in want.iter().zip(got).enumerate() {
        if w != MASK && w != g {
            return format!("line {}: helm {w:?}, kforge {g:?}", i + 1);
        }
    }
    format!("helm has {} lines, kforge {}", want.len(), got.len())
}

/// Each of the 116 charts linted with its own values.yaml given again as a user file (`-f
/// values.yaml`): every key it sets exists in the chart's defaults, so none may be reported as
/// `values/unknown-key`. (Keys the default configuration does not read are `values/no-effect`
/// warnings, counted and printed, not failures.)
#[test]
#[ignore = "needs ../shared/corpus/helm"]
fn bitnami_charts_own_values_are_never_unknown_keys() {
    let corpus = shared().join("corpus/helm");
    let (_tmp, src, work) = unpacked(&corpus);
    let mut names: Vec<String> = std::fs::read_dir(corpus.join("bitnami-golden"))
        .unwrap()
        .map(|e| {
            let name = e.unwrap().file_name().to_string_lossy().to_string();
            name.trim_end_matches(".yaml").to_string()
        })
        .collect();
    names.sort();
    assert_eq!(names.len(), 116, "charts");
    let mut unknown = Vec::new();
    let mut no_effect = 0usize;
    for name in &names {
        let chart = work.join(name);
        prep(&src, name, &chart);
        let options = Options {
            kube_version: KubeVersion::parse("1.36").unwrap(),
            // The values are judged with the schema stage.
            stages: Stages {
                schema: true,
                rules: false,
                cluster: false,
            },
            values: kforge::values::ValueArgs {
                files: vec![chart.join("values.yaml")],
                ..Default::default()
            },
            ..Options::default()
        };
        let run = kforge::run(&[Input::Path(chart.clone())], &options);
        for d in &run.diagnostics {
            match d.rule.id {
                "values/unknown-key" => unknown.push(format!("{name}: {}", d.message)),
                "values/no-effect" => no_effect += 1,
                _ => {}
            }
        }
    }
    println!("values/no-effect warnings over the 116 charts' own values: {no_effect}");
    assert!(unknown.is_empty(), "{}", unknown.join("\n"));
}
