//! `kforge --version`: version, commit and embedded Kubernetes versions; `-V` stays one line.

use crate::common;
use std::process::Command;

/// The commit build.rs should have found: HEAD of this repository when it is the top of its own
/// git work tree, else none (a crate unpacked elsewhere), unless KFORGE_BUILD_COMMIT overrode it.
fn expected_commit() -> Option<String> {
    if let Some(c) = option_env!("KFORGE_BUILD_COMMIT").filter(|c| !c.trim().is_empty()) {
        return Some(c.trim().to_string());
    }
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .current_dir(common::repo())
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    };
    let top = git(&["rev-parse", "--show-toplevel"])?;
    let same =
        std::path::Path::new(&top).canonicalize().ok()? == common::repo().canonicalize().ok()?;
    if !same {
        return None;
    }
    git(&["rev-parse", "HEAD"])
}

#[test]
fn long_version_names_the_commit_and_the_kubernetes_versions() {
    let out = common::run(common::kforge().arg("--version"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let commit = match expected_commit() {
        Some(c) => format!("commit {}", c.get(..12).unwrap_or(&c)),
        None => "commit unknown".to_string(),
    };
    assert_eq!(
        out.stdout,
        format!(
            "kforge {} ({commit})\nKubernetes: 1.25, 1.26, 1.27, 1.28, 1.29, 1.30, 1.31, 1.32, 1.33, 1.34, 1.35, 1.36, 1.37 (default 1.37)\n",
            env!("CARGO_PKG_VERSION")
        )
    );
}

#[test]
fn short_version_is_one_line() {
    let out = common::run(common::kforge().arg("-V"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        format!("kforge {}\n", env!("CARGO_PKG_VERSION"))
    );
}
