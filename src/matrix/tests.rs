use super::*;
use crate::{Options, Run};

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn chart(root: &Path) {
    write(
        root,
        "Chart.yaml",
        "apiVersion: v2\nname: c\nversion: 1.0.0\n",
    );
    write(root, "values.yaml", "a: 1\n");
    write(root, "ci/b-values.yaml", "a: 2\n");
    write(root, "ci/a-values.yaml", "a: 3\n");
    write(root, "ci/README.md", "not values\n");
    write(root, "ci/other.yaml", "a: 4\n");
    write(root, "envs/prod.yaml", "a: 5\n");
    write(root, "envs/deep/stage.yaml", "a: 6\n");
}

fn settings(globs: &[&str]) -> Settings {
    Settings {
        off: false,
        globs: globs.iter().map(|g| g.to_string()).collect(),
    }
}

#[test]
fn the_default_is_chart_testings_ci_values_files_sorted() {
    let dir = tempfile::tempdir().unwrap();
    chart(dir.path());
    let inputs = [
        Input::Path(dir.path().join("nothing-here.yaml")),
        Input::Path(dir.path().to_path_buf()),
    ];
    let plan = plan(&inputs, &Settings::default()).unwrap();
    assert_eq!(plan.files_of(0), &[] as &[String]);
    assert_eq!(plan.files_of(1), ["ci/a-values.yaml", "ci/b-values.yaml"]);
    // A chart named by its Chart.yaml is the chart.
    let by_file = [Input::Path(dir.path().join("Chart.yaml"))];
    assert_eq!(
        plan_files(&by_file, &Settings::default()),
        ["ci/a-values.yaml", "ci/b-values.yaml"]
    );
}

fn plan_files(inputs: &[Input], settings: &Settings) -> Vec<String> {
    plan(inputs, settings).unwrap().files_of(0).to_vec()
}

#[test]
fn patterns_replace_the_default_and_do_not_cross_folders() {
    let dir = tempfile::tempdir().unwrap();
    chart(dir.path());
    let inputs = [Input::Path(dir.path().to_path_buf())];
    assert_eq!(
        plan_files(&inputs, &settings(&["envs/*.yaml"])),
        ["envs/prod.yaml"]
    );
    assert_eq!(
        plan_files(&inputs, &settings(&["./envs/**/*.yaml", "ci/other.yaml"])),
        ["ci/other.yaml", "envs/deep/stage.yaml", "envs/prod.yaml"]
    );
}

#[test]
fn off_means_no_matrix_and_a_chart_without_ci_has_none() {
    let dir = tempfile::tempdir().unwrap();
    chart(dir.path());
    let inputs = [Input::Path(dir.path().to_path_buf())];
    let off = Settings {
        off: true,
        globs: Vec::new(),
    };
    assert!(plan(&inputs, &off).unwrap().is_empty());
    let bare = tempfile::tempdir().unwrap();
    write(bare.path(), "Chart.yaml", "name: c\n");
    let inputs = [Input::Path(bare.path().to_path_buf())];
    assert!(plan(&inputs, &Settings::default()).unwrap().is_empty());
}

#[test]
fn a_pattern_that_matches_nothing_or_leaves_the_chart_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    chart(dir.path());
    let inputs = [Input::Path(dir.path().to_path_buf())];
    assert_eq!(
        plan(&inputs, &settings(&["ci/*-value.yaml"])).unwrap_err(),
        "--values-matrix ci/*-value.yaml matches no file: patterns are relative to the chart directory (quote them, or the shell expands them first)"
    );
    assert_eq!(
        plan(&inputs, &settings(&["../*.yaml"])).unwrap_err(),
        "--values-matrix \"../*.yaml\": patterns are relative to the chart directory and stay inside it"
    );
    assert!(
        plan(&inputs, &settings(&["ci/[a-values.yaml"]))
            .unwrap_err()
            .starts_with("--values-matrix \"ci/[a-values.yaml\" is not a glob pattern: ")
    );
    // Without a chart among the inputs (a pre-commit run that changed only manifests), a
    // pattern has nothing to match and is no error.
    let manifests = [Input::Path(dir.path().join("ci/other.yaml"))];
    assert!(
        plan(&manifests, &settings(&["nothing/*.yaml"]))
            .unwrap()
            .is_empty()
    );
}

fn fixture_chart() -> Vec<Input> {
    vec![Input::Path(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/matrix/web"),
    )]
}

#[test]
fn merged_runs_point_into_their_own_files() {
    let inputs = fixture_chart();
    let plan = plan(&inputs, &Settings::default()).unwrap();
    let run = run(&inputs, &Options::default(), &plan);
    assert_eq!(run.configurations.len(), 4);
    // Every object of every configuration still points at its own rendered document.
    let kinds: Vec<&str> = run.objects.iter().map(|o| o.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "Deployment",
            "Service",
            "Deployment",
            "PodDisruptionBudget",
            "Service",
            "Deployment",
            "Ingress",
            "Service",
            "Deployment",
            "Service"
        ]
    );
    for o in &run.objects {
        let text = run.sources.slice(o.span);
        assert!(text.contains(&format!("kind: {}", o.kind)), "{text}");
        let kind = o.root.get("kind").unwrap();
        assert_eq!(run.sources.slice(kind.span), o.kind);
    }
    // The ha configuration's Deployment has its own replicas, at its own place.
    let replicas: Vec<&str> = run
        .objects
        .iter()
        .filter(|o| o.kind == "Deployment")
        .map(|o| {
            run.sources
                .slice(o.root.path(&["spec", "replicas"]).unwrap().span)
        })
        .collect();
    assert_eq!(replicas, ["1", "3", "1", "1"]);
    // Files every configuration read once are one file: the chart's, and each ci file.
    let names: Vec<&str> = run
        .sources
        .files()
        .filter(|(_, f)| f.kind != crate::source::SourceKind::Rendered)
        .map(|(_, f)| f.name.rsplit("matrix/web/").next().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "Chart.yaml",
            "values.yaml",
            "templates/_helpers.tpl",
            "templates/deployment.yaml",
            "templates/ingress.yaml",
            "templates/pdb.yaml",
            "templates/service.yaml",
            "ci/ha-values.yaml",
            "ci/ingress-values.yaml",
            "ci/nodeport-values.yaml"
        ]
    );
}

#[test]
fn a_finding_twice_in_a_configuration_stays_twice() {
    use crate::diag::{Diagnostic, Rule, Severity};
    use crate::source::{SourceKind, SourceMap, Span};
    static RULE: Rule = Rule {
        id: "test/rule",
        severity: Severity::Warning,
        default_enabled: true,
        summary: "",
        rationale: "",
        failing: "",
        passing: "",
    };
    let configuration = |copies: usize, also: Option<&str>| {
        let mut sources = SourceMap::new();
        let shared = sources.add("t.yaml", "a: 1\n", SourceKind::Template);
        let mut diagnostics: Vec<Diagnostic> = (0..copies)
            .map(|_| Diagnostic::new(&RULE, "same").at(Span::new(shared, 0, 1), ""))
            .collect();
        if let Some(text) = also {
            let own = sources.add("own.yaml", text, SourceKind::Values);
            diagnostics.push(Diagnostic::new(&RULE, "own").at(Span::new(own, 0, 1), ""));
        }
        Run {
            sources,
            diagnostics,
            ..Run::default()
        }
    };
    let names = ["defaults", "b", "c"].map(String::from).to_vec();
    let merged = merge::merge(
        vec![
            configuration(2, None),
            configuration(1, Some("x: 1\n")),
            configuration(2, Some("x: 1\n")),
        ],
        names,
        1,
    );
    let found: Vec<(&str, Vec<String>)> = merged
        .diagnostics
        .iter()
        .map(|d| {
            let within = d.configurations.as_ref().unwrap();
            assert_eq!(&within.of[..], ["defaults", "b", "c"]);
            (d.message.as_str(), within.holds.clone())
        })
        .collect();
    let list = |c: &[&str]| c.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    // The same values file read by two configurations is one file, and its finding one finding.
    assert_eq!(merged.sources.len(), 2);
    assert_eq!(
        found,
        [
            ("own", list(&["b", "c"])),
            ("same", list(&["defaults", "b", "c"])),
            ("same", list(&["defaults", "c"])),
        ]
    );
}

#[test]
fn only_the_literal_folders_of_the_patterns_are_walked() {
    let roots = |p: &[&str]| walk_roots(&p.iter().map(|s| s.to_string()).collect::<Vec<_>>());
    assert_eq!(roots(&[DEFAULT_GLOB]), [PathBuf::from("ci")]);
    assert_eq!(
        roots(&["./envs/prod/*.yaml", "envs/*.yaml", "ci/a.yaml"]),
        [PathBuf::from("ci"), PathBuf::from("envs")]
    );
    assert_eq!(roots(&["*-values.yaml", "ci/x.yaml"]), [PathBuf::new()]);
    assert_eq!(roots(&["e*/x/*.yaml"]), [PathBuf::new()]);
}
