//! The published pre-commit hooks, run by pre-commit itself on a sample repository, used as a
//! project would: `- id: kforge` with no `args`. The hook's fields (entry, files, ...) come from
//! `.pre-commit-hooks.yaml`; only the install differs: `language: system` with the binary under
//! test on PATH instead of `language: rust`, which would build kforge from scratch on every run.
//! Ignored in a plain `cargo test`: it needs pre-commit, which `.ci/run` installs before running
//! the ignored tests.

use crate::common;
use std::path::Path;
use std::process::{Command, Output};

use kforge::source::{SourceKind, SourceMap};
use kforge::yaml;

fn have(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The published hook `id` as a `repo: local` hook: every field as published, but `language`.
fn local_hook(id: &str, language: &str) -> String {
    let text = std::fs::read_to_string(common::repo().join(".pre-commit-hooks.yaml")).unwrap();
    let mut sources = SourceMap::new();
    let file = sources.add(".pre-commit-hooks.yaml", text, SourceKind::ChartFile);
    let (docs, diags) = yaml::parse_stream(&sources, file, &yaml::Limits::default());
    assert!(diags.is_empty(), "{diags:?}");
    let root = docs.into_iter().next().and_then(|d| d.root).unwrap();
    let hook = root
        .as_seq()
        .unwrap()
        .iter()
        .find(|h| h.get("id").and_then(|i| i.as_str()) == Some(id))
        .unwrap_or_else(|| panic!("no hook {id} in .pre-commit-hooks.yaml"));
    let field = |k: &str| hook.get(k).and_then(|v| v.as_str()).map(str::to_string);
    assert_eq!(field("language").as_deref(), Some(language));
    assert!(
        hook.get("args").is_none(),
        "the hook must work without args"
    );
    let flag = |k: &str| hook.get(k).and_then(|v| v.as_bool());
    format!(
        "  - id: {id}\n    name: {}\n    entry: {}\n    language: system\n    files: '{}'\n    pass_filenames: {}\n    require_serial: {}\n",
        field("name").unwrap(),
        field("entry").unwrap(),
        field("files").unwrap(),
        flag("pass_filenames").unwrap_or(true),
        flag("require_serial").unwrap_or(false),
    )
}

fn run(dir: &Path, program: &str, args: &[&str]) -> Output {
    let bin_dir = assert_cmd::cargo::cargo_bin("kforge")
        .parent()
        .unwrap()
        .to_path_buf();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    Command::new(program)
        .args(args)
        .current_dir(dir)
        .env("PATH", path)
        .env("PRE_COMMIT_HOME", dir.join(".pre-commit-home"))
        .env("NO_COLOR", "1")
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.invalid")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.invalid")
        .output()
        .unwrap()
}

fn git(dir: &Path, args: &[&str]) {
    let out = run(dir, "git", args);
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn copy(from: &str, to: &Path) {
    std::fs::create_dir_all(to.parent().unwrap()).unwrap();
    let ok = Command::new("cp")
        .arg("-r")
        .arg(common::repo().join(from))
        .arg(to)
        .status()
        .unwrap()
        .success();
    assert!(ok);
}

/// A repository with a clean chart, a broken one, a plain manifest and a CI workflow (YAML that is
/// no Kubernetes object), all committed, with the hook configured without args.
fn sample_repo(dir: &Path, id: &str, language: &str) {
    git(dir, &["init", "-q"]);
    copy("charts-examples/nginx", &dir.join("charts/web"));
    copy(
        "charts-examples/broken/mongo-express",
        &dir.join("charts/express"),
    );
    std::fs::create_dir_all(dir.join("k8s")).unwrap();
    std::fs::write(
        dir.join("k8s/namespace.yaml"),
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: web\n",
    )
    .unwrap();
    std::fs::create_dir_all(dir.join(".github/workflows")).unwrap();
    std::fs::write(
        dir.join(".github/workflows/ci.yml"),
        "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps: []\n",
    )
    .unwrap();
    let config = format!(
        "repos:\n- repo: local\n  hooks:\n{}",
        local_hook(id, language)
    );
    std::fs::write(dir.join(".pre-commit-config.yaml"), config).unwrap();
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "--no-verify", "-m", "sample"]);
}

fn pre_commit(dir: &Path, args: &[&str]) -> (Option<i32>, String) {
    let mut all = vec!["run", "--color", "never"];
    all.extend_from_slice(args);
    let out = run(dir, "pre-commit", &all);
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

fn needs_tools() {
    assert!(
        have("pre-commit") && have("git"),
        "pre-commit or git is not installed (.ci/run installs pre-commit)"
    );
}

#[test]
#[ignore = "needs pre-commit and git: run by .ci/run, which installs pre-commit"]
fn hook_without_args_lints_each_changed_chart_once_and_changed_manifests() {
    needs_tools();
    for (id, language) in [("kforge", "rust"), ("kforge-system", "system")] {
        let repo = tempfile::tempdir().unwrap();
        let dir = repo.path();
        sample_repo(dir, id, language);

        // Every file: the broken chart fails, reported once although many of its files match.
        let (code, text) = pre_commit(dir, &["--all-files"]);
        assert_eq!(code, Some(1), "{text}");
        assert!(
            text.contains("kforge lint") && text.contains("Failed"),
            "{text}"
        );
        assert_eq!(
            text.matches("error[rules/service-target-port]").count(),
            1,
            "{text}"
        );
        assert!(
            text.contains("charts/express/templates/express.yaml"),
            "{text}"
        );

        // A change inside the clean chart lints that chart only: the broken one is not touched.
        let values = dir.join("charts/web/values.yaml");
        let mut text_values = std::fs::read_to_string(&values).unwrap();
        text_values.push_str("# tuned\n");
        std::fs::write(&values, text_values).unwrap();
        git(dir, &["add", "charts/web/values.yaml"]);
        let (code, text) = pre_commit(dir, &[]);
        assert_eq!(code, Some(0), "{text}");
        assert!(
            text.contains("kforge lint") && text.contains("Passed"),
            "{text}"
        );

        // A broken plain manifest is linted as a file.
        std::fs::write(
            dir.join("k8s/namespace.yaml"),
            "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: web\n  labelz: {}\n",
        )
        .unwrap();
        git(dir, &["add", "k8s/namespace.yaml"]);
        let (code, text) = pre_commit(dir, &[]);
        assert_eq!(code, Some(1), "{text}");
        assert!(
            text.contains("error[schema/unknown-field]") && text.contains("k8s/namespace.yaml"),
            "{text}"
        );
        git(dir, &["checkout", "HEAD", "--", "k8s/namespace.yaml"]);

        // Only YAML that is no Kubernetes object changed: the hook runs and passes.
        std::fs::write(
            dir.join(".github/workflows/ci.yml"),
            "on: [push]\njobs: {}\n",
        )
        .unwrap();
        git(dir, &["add", "-A"]);
        git(dir, &["reset", "-q", "charts/web/values.yaml"]);
        let (code, text) = pre_commit(dir, &[]);
        assert_eq!(code, Some(0), "{text}");
        assert!(text.contains("Passed"), "{text}");
    }
}
