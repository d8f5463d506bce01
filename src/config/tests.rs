//! Loading `.kforge.yaml` and applying it, with the in-source suppressions.

use super::*;
use crate::diag::{Diagnostic, Severity};
use crate::source::{SourceKind, SourceMap};

fn parse_text(text: &str) -> (SourceMap, Result<Config, Vec<Diagnostic>>) {
    let mut sources = SourceMap::new();
    let file = sources.add(".kforge.yaml", text, SourceKind::ChartFile);
    let result = load::parse(&sources, file);
    (sources, result)
}

#[test]
fn full_schema_loads() {
    let (_, result) = parse_text(
        "rules:
  enable: [rules/resources]
  disable: [rules/image-tag]
  severity:
    rules/namespace: error
assume-exists:
  - kind: Secret
    name: registry
    namespace: apps
  - kind: ConfigMap
    name: \"*\"
assume-namespaces: [monitoring]
node-port-range: \"31000-31999\"
strict: true
",
    );
    let config = result.unwrap_or_else(|e| panic!("{e:#?}"));
    assert_eq!(config.enable, vec!["rules/resources"]);
    assert_eq!(config.disable, vec!["rules/image-tag"]);
    assert_eq!(
        config.severity.get("rules/namespace"),
        Some(&Severity::Error)
    );
    assert_eq!(config.assume_exists.len(), 2);
    assert!(config.assumes("Secret", Some("apps"), "registry"));
    assert!(config.assumes("ConfigMap", Some("x"), "anything"));
    assert_eq!(config.assume_namespaces, vec!["monitoring"]);
    assert_eq!(config.node_port_range, (31000, 31999));
    assert!(config.strict);
}

#[test]
fn empty_file_is_the_default() {
    let (_, result) = parse_text("# nothing yet\n");
    assert!(result.is_ok_and(|c| c.enable.is_empty() && c.node_port_range == (30000, 32767)));
}

fn fatal(text: &str) -> (SourceMap, Vec<Diagnostic>) {
    let (sources, result) = parse_text(text);
    let errors = result.err().unwrap_or_default();
    assert!(!errors.is_empty(), "expected errors for {text:?}");
    assert!(
        errors
            .iter()
            .all(|d| d.severity == Severity::Fatal && d.rule.id == "config/invalid"),
        "{errors:#?}"
    );
    (sources, errors)
}

#[test]
fn unknown_keys_are_fatal_with_did_you_mean() {
    let (sources, errors) =
        fatal("rules:\n  disabel: [rules/image-tag]\nnode-port-rang: \"1-2\"\n");
    assert_eq!(errors.len(), 2);
    let lines: Vec<u32> = errors
        .iter()
        .filter_map(|d| d.primary.as_ref())
        .map(|l| sources.locate(l.span).line)
        .collect();
    assert_eq!(lines, vec![2, 3]);
    assert_eq!(
        errors.first().and_then(|d| d.help.clone()).as_deref(),
        Some("did you mean \"disable\"?")
    );
    assert_eq!(
        errors.get(1).and_then(|d| d.help.clone()).as_deref(),
        Some("did you mean \"node-port-range\"?")
    );
}

#[test]
fn unknown_rule_ids_are_fatal_with_did_you_mean() {
    let (sources, errors) = fatal("rules:\n  enable:\n    - rules/image-tags\n");
    let d = errors.first().cloned().unwrap_or_else(|| unreachable!());
    assert_eq!(d.message, "unknown rule \"rules/image-tags\"");
    assert_eq!(
        d.primary.as_ref().map(|l| sources.locate(l.span).line),
        Some(3)
    );
    assert_eq!(d.help.as_deref(), Some("did you mean \"rules/image-tag\"?"));
}

#[test]
fn bad_values_are_fatal() {
    fatal("node-port-range: \"32767-30000\"\n");
    fatal("strict: maybe\n");
    fatal("rules:\n  severity:\n    rules/image-tag: loud\n");
    fatal("assume-exists:\n  - kind: Secret\n");
    fatal("- a\n");
}

#[test]
fn discover_walks_up_to_the_repository_root() {
    let root = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let nested = root.path().join("repo/charts/web");
    std::fs::create_dir_all(&nested).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(discover(&nested), None);
    std::fs::write(root.path().join(CONFIG_FILE), "").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(discover(&nested), Some(root.path().join(CONFIG_FILE)));
    // A .git directory ends the walk: the file above the repository is not used.
    std::fs::create_dir_all(root.path().join("repo/.git")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(discover(&nested), None);
    std::fs::write(root.path().join("repo").join(CONFIG_FILE), "")
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        discover(&nested),
        Some(root.path().join("repo").join(CONFIG_FILE))
    );
}

#[test]
fn load_reports_unreadable_files() {
    let mut sources = SourceMap::new();
    let result = load(
        std::path::Path::new("/nonexistent/.kforge.yaml"),
        &mut sources,
    );
    assert!(result.is_err_and(|e| e.iter().all(Diagnostic::is_fatal)));
}

const MANIFEST: &str = "apiVersion: v1
kind: Pod
metadata:
  name: a
  annotations:
    kforge.dev/ignore: rules/image-tag
spec:
  containers:
    - name: a
      image: nginx:latest
---
apiVersion: v1
kind: Pod
metadata:
  name: b
spec:
  containers:
    - name: b
      # kforge-ignore: rules/resources, rules/image-tag
      image: nginx:latest
    - name: c
      image: nginx
";

fn run(config: &Config) -> Vec<Diagnostic> {
    let mut sources = SourceMap::new();
    let file = sources.add("m.yaml", MANIFEST, SourceKind::Manifest);
    let (objects, _) = crate::object::parse(&sources, &[file], &Default::default());
    let ctx = crate::check::CheckContext::new(&sources, &objects, config);
    let mut diags = crate::rules::check(&ctx);
    apply(config, &objects, &sources, &mut diags);
    diags
}

#[test]
fn annotations_and_comments_suppress_without_deleting() {
    let diags = run(&Config::default());
    let tags: Vec<(bool, &str)> = diags
        .iter()
        .filter(|d| d.rule.id == "rules/image-tag")
        .map(|d| (d.suppressed, d.message.as_str()))
        .collect();
    assert_eq!(tags.len(), 3, "{tags:#?}");
    assert_eq!(tags.iter().filter(|(s, _)| *s).count(), 2);
    assert!(tags.iter().any(|(s, m)| !s && m.contains("\"nginx\"")));
}

#[test]
fn disabled_and_default_off_rules_are_dropped_and_severities_overridden() {
    let all_off = Config {
        disable: vec!["rules/image-tag".into()],
        ..Config::default()
    };
    assert!(run(&all_off).is_empty());
    let mut diags = vec![
        Diagnostic::new(&crate::rules::RESOURCES, "x"),
        Diagnostic::new(&crate::rules::IMAGE_TAG, "y"),
    ];
    let config = Config {
        severity: [("rules/image-tag".to_string(), Severity::Error)]
            .into_iter()
            .collect(),
        ..Config::default()
    };
    apply(&config, &[], &SourceMap::new(), &mut diags);
    assert_eq!(diags.len(), 1);
    assert!(
        diags
            .iter()
            .all(|d| d.rule.id == "rules/image-tag" && d.severity == Severity::Error)
    );
}

#[test]
fn comments_in_the_template_suppress_findings_on_rendered_lines() {
    use crate::source::{LineOrigin, OriginMap};
    let mut sources = SourceMap::new();
    let template = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      {{- /* kforge-ignore is for YAML comments; this one is a template comment */}}\n      # kforge-ignore: rules/image-tag\n      image: {{ .Values.image }}\n";
    let t = sources.add("templates/pod.yaml", template, SourceKind::Template);
    let rendered = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx\n";
    let lines = [0, 1, 2, 3, 4, 5, 6, 9]
        .iter()
        .map(|&l| Some(LineOrigin { file: t, line: l }))
        .collect();
    let r = sources.add_rendered(
        "templates/pod.yaml",
        rendered,
        OriginMap {
            lines,
            fallback: Some(t),
        },
    );
    let (objects, _) = crate::object::parse(&sources, &[r], &Default::default());
    let config = Config::default();
    let ctx = crate::check::CheckContext::new(&sources, &objects, &config);
    let mut diags = crate::rules::check(&ctx);
    assert_eq!(diags.len(), 1);
    apply(&config, &objects, &sources, &mut diags);
    assert!(
        diags
            .iter()
            .all(|d| d.suppressed && d.rule.id == "rules/image-tag"),
        "{diags:#?}"
    );
}
