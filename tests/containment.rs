//! Containment (issue 9): a chart from a stranger's pull request must not make kforge read
//! anything outside the chart directory: not through `files.get` / `files.glob` with `..` or an
//! absolute path, not through a symlink that points out of the chart, not through the chart
//! loader. A secret written beside the chart must never appear in what kforge renders or reports.

use std::path::Path;

use kforge::chart::Input;
use kforge::{Options, Run};

const SECRET: &str = "kforge-containment-secret-7f3a9c";

fn chart(root: &Path, template: &str) {
    std::fs::create_dir_all(root.join("templates")).unwrap();
    std::fs::write(
        root.join("Chart.yaml"),
        "apiVersion: v2\nname: contained\nversion: 0.1.0\n",
    )
    .unwrap();
    std::fs::write(root.join("values.yaml"), "a: 1\n").unwrap();
    std::fs::write(root.join("notes.txt"), "inside\n").unwrap();
    std::fs::write(root.join("templates/cm.yaml"), template).unwrap();
}

/// Everything kforge produced as text: rendered files, every source it loaded, every message.
fn everything(run: &Run) -> String {
    let mut all = String::new();
    for (_, file) in run.sources.files() {
        all.push_str(file.text());
        all.push('\n');
    }
    for d in &run.diagnostics {
        all.push_str(&format!("{} {:?} {:?}\n", d.message, d.help, d.notes));
    }
    all
}

#[cfg(unix)]
#[test]
fn files_and_symlinks_never_reach_outside_the_chart() {
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.txt");
    std::fs::write(&secret, SECRET).unwrap();
    let root = outside.path().join("chart");
    let template = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n\
        \x20 link: {{ files.get(\"link.txt\") | tojson }}\n\
        \x20 linkdir: {{ files.get(\"outside/secret.txt\") | tojson }}\n\
        \x20 glob: {{ files.glob(\"**\") | tojson }}\n\
        \x20 inside: {{ files.get(\"notes.txt\") | tojson }}\n";
    chart(&root, template);
    // Each refused path in its own template: a render error ends the template it is in.
    for (name, path) in [
        ("dotdot", "../secret.txt".to_string()),
        ("deep", "templates/../../secret.txt".to_string()),
        ("absolute", secret.display().to_string()),
    ] {
        std::fs::write(
            root.join(format!("templates/{name}.yaml")),
            format!("leak: {{{{ files.get({path:?}) | tojson }}}}\n"),
        )
        .unwrap();
    }
    std::os::unix::fs::symlink(&secret, root.join("link.txt")).unwrap();
    std::os::unix::fs::symlink(outside.path(), root.join("outside")).unwrap();
    std::os::unix::fs::symlink(&secret, root.join("templates/leak.yaml")).unwrap();

    let run = kforge::run(&[Input::Path(root.clone())], &Options::default());
    let all = everything(&run);
    assert!(
        !all.contains(SECRET),
        "a file outside the chart was read:\n{all}"
    );
    // Each refused path is reported, not silently empty.
    let refused = run
        .diagnostics
        .iter()
        .filter(|d| d.message.contains("outside the chart"))
        .count();
    assert!(
        refused >= 3,
        "expected a finding per refused path: {refused}"
    );
    // The chart itself was read and rendered: the test is not passing because nothing ran.
    assert!(
        run.rendered
            .iter()
            .any(|r| run.sources.text(r.file).contains("inside")),
        "the chart should render; diagnostics: {:#?}",
        run.diagnostics
            .iter()
            .map(|d| format!("{}: {}", d.rule.id, d.message))
            .collect::<Vec<_>>()
    );
}

#[cfg(unix)]
#[test]
fn a_symlinked_manifest_directory_entry_is_not_followed_out() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("secret.yaml"),
        format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {SECRET}\n"),
    )
    .unwrap();
    let dir = outside.path().join("manifests");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("ok.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(outside.path().join("secret.yaml"), dir.join("leak.yaml")).unwrap();
    let run = kforge::run(&[Input::Path(dir)], &Options::default());
    assert!(!everything(&run).contains(SECRET));
    assert!(run.objects.iter().any(|o| o.name == "ok"));
}
