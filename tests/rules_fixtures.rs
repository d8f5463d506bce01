//! The mistakes of issue 4, one manifest set each under tests/fixtures/rules/: each gives
//! exactly one error, of the rule and at the line its first line names
//! (`# expect: rules/x at line N`).

use kforge::check::CheckContext;
use kforge::config::Config;
use kforge::source::{SourceKind, SourceMap};
use std::path::Path;

#[test]
fn each_mistake_gives_exactly_one_error() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    paths.sort();
    assert!(paths.len() >= 6);
    for path in paths {
        let text = std::fs::read_to_string(&path).unwrap();
        let expect = text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("# expect: "))
            .unwrap();
        let (rule, line) = expect.split_once(" at line ").unwrap();
        let line: u32 = line.parse().unwrap();
        let mut sources = SourceMap::new();
        let file = sources.add(
            path.display().to_string(),
            text.clone(),
            SourceKind::Manifest,
        );
        let (objects, diags) = kforge::object::parse(&sources, &[file], &Default::default());
        assert!(diags.is_empty(), "{}: {diags:?}", path.display());
        let config = Config::default();
        let ctx = CheckContext::new(&sources, &objects, &config);
        let found = kforge::rules::check(&ctx);
        let errors: Vec<_> = found.iter().filter(|d| d.is_error()).collect();
        assert_eq!(errors.len(), 1, "{}: {errors:#?}", path.display());
        let d = errors[0];
        assert_eq!(d.rule.id, rule, "{}", path.display());
        let at = sources.locate(d.primary.as_ref().unwrap().span);
        assert_eq!(at.line, line, "{}: {}", path.display(), d.message);
        assert!(
            d.help.is_some() && !d.secondary.is_empty() || rule == "rules/nodeport",
            "{}",
            path.display()
        );
    }
}

/// Through the whole pipeline (schema, rules, cluster, then `config::apply`): still one error
/// each, the rules finding (a cluster finding repeating it is dropped).
#[test]
fn each_mistake_gives_exactly_one_error_through_the_pipeline() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    paths.sort();
    for path in paths {
        let text = std::fs::read_to_string(&path).unwrap();
        let expect = text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("# expect: "))
            .unwrap();
        let (rule, _) = expect.split_once(" at line ").unwrap();
        let run = kforge::run(
            &[kforge::chart::Input::Path(path.clone())],
            &kforge::Options::default(),
        );
        let errors: Vec<String> = run
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| format!("{}: {}", d.rule.id, d.message))
            .collect();
        assert_eq!(errors.len(), 1, "{}: {errors:#?}", path.display());
        assert!(
            errors[0].starts_with(rule),
            "{}: {errors:#?}",
            path.display()
        );
    }
}

/// A namespace nothing creates: the cluster stage's error (the profile lacks it) is the one
/// finding; the rules stage's "may not exist" warning would only repeat it.
#[test]
fn a_missing_namespace_is_reported_once() {
    let text =
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: monitoring\n";
    let input = kforge::chart::Input::Text {
        name: "cm.yaml".into(),
        text: text.into(),
    };
    let run = kforge::run(std::slice::from_ref(&input), &kforge::Options::default());
    let ids: Vec<&str> = run.diagnostics.iter().map(|d| d.rule.id).collect();
    assert_eq!(ids, vec!["cluster/namespace-not-found"]);
    let options = kforge::Options {
        stages: kforge::Stages {
            cluster: false,
            ..kforge::Stages::default()
        },
        ..kforge::Options::default()
    };
    let run = kforge::run(&[input], &options);
    let ids: Vec<&str> = run.diagnostics.iter().map(|d| d.rule.id).collect();
    assert_eq!(ids, vec!["rules/namespace"]);
}
