//! The published pre-commit hook, run by pre-commit itself on a sample repository: a clean chart
//! passes, a broken one fails. The hook definition comes from `.pre-commit-hooks.yaml`; only the
//! install differs: `language: system` with the binary under test instead of `language: rust`,
//! which would build kforge from scratch on every run. Ignored in a plain `cargo test`: it needs
//! pre-commit, which `.ci/run` installs before running the ignored tests.

mod common;
use std::path::Path;
use std::process::Command;

use kforge::source::{SourceKind, SourceMap};
use kforge::yaml;

fn have(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The `kforge-lint` hook's fields as published.
fn published_hook() -> (String, String, bool) {
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
        .find(|h| h.get("id").and_then(|i| i.as_str()) == Some("kforge-lint"))
        .unwrap();
    let field = |k: &str| {
        hook.get(k)
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .to_string()
    };
    assert_eq!(field("language"), "rust");
    (
        field("entry"),
        field("files"),
        hook.get("pass_filenames")
            .and_then(|v| v.as_bool())
            .unwrap_or(true),
    )
}

fn sample_repo(dir: &Path, chart: &str) {
    let git = |args: &[&str]| {
        let ok = Command::new("git")
            .args(args)
            .current_dir(dir)
            .output()
            .unwrap()
            .status
            .success();
        assert!(ok, "git {args:?}");
    };
    git(&["init", "-q"]);
    let status = Command::new("cp")
        .arg("-r")
        .arg(common::repo().join(chart))
        .arg(dir.join("chart"))
        .status()
        .unwrap();
    assert!(status.success());
    let (entry, files, pass_filenames) = published_hook();
    let binary = assert_cmd::cargo::cargo_bin("kforge");
    let entry = entry.replacen("kforge", binary.to_str().unwrap(), 1);
    let config = format!(
        "repos:\n- repo: local\n  hooks:\n  - id: kforge-lint\n    name: kforge lint\n    entry: {entry}\n    language: system\n    files: '{files}'\n    pass_filenames: {pass_filenames}\n    args: [chart]\n"
    );
    std::fs::write(dir.join(".pre-commit-config.yaml"), config).unwrap();
    git(&["add", "-A"]);
}

fn pre_commit(dir: &Path) -> std::process::Output {
    Command::new("pre-commit")
        .args(["run", "--all-files", "--color", "never"])
        .current_dir(dir)
        .env("PRE_COMMIT_HOME", dir.join(".pre-commit-home"))
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

#[test]
#[ignore = "needs pre-commit and git: run by .ci/run, which installs pre-commit"]
fn hook_passes_a_clean_chart_and_fails_a_broken_one() {
    assert!(
        have("pre-commit") && have("git"),
        "pre-commit or git is not installed (.ci/run installs pre-commit)"
    );
    let clean = tempfile::tempdir().unwrap();
    sample_repo(clean.path(), "charts-examples/nginx");
    let out = pre_commit(clean.path());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("kforge lint") && text.contains("Passed"),
        "{text}"
    );

    let broken = tempfile::tempdir().unwrap();
    sample_repo(broken.path(), "charts-examples/broken/mongo-express");
    let out = pre_commit(broken.path());
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("Failed") && text.contains("error[rules/service-target-port]"),
        "{text}"
    );
}
