use super::*;

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
