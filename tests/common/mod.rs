//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod bitnami;

use std::path::{Path, PathBuf};

use assert_cmd::Command;

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `kforge` run from the repository root, with colour off and a fixed terminal width.
pub fn kforge() -> Command {
    let mut cmd = Command::cargo_bin("kforge").unwrap_or_else(|e| panic!("kforge binary: {e}"));
    cmd.current_dir(repo())
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .env_remove("SOURCE_DATE_EPOCH");
    cmd
}

/// `../shared`. Tests that read it are `#[ignore]`d with the reason "needs ../shared" (a fresh
/// clone has none), and `.ci/run` runs them explicitly; run without it, they fail rather than pass
/// having checked nothing.
pub fn shared() -> PathBuf {
    // KFORGE_SHARED: a checkout elsewhere (a git worktree) names the shared directory.
    let dir = std::env::var_os("KFORGE_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("../shared"));
    assert!(
        dir.is_dir(),
        "this test needs ../shared beside the repository (CI has it; a fresh clone does not)"
    );
    dir
}

pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn run(cmd: &mut Command) -> Output {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("running kforge: {e}"));
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

pub fn example(name: &str) -> PathBuf {
    Path::new("charts-examples").join(name)
}

/// Replaces what legitimately varies between runs (the elapsed time) so outputs can be snapshotted.
pub fn stable(text: &str) -> String {
    let re = regex::Regex::new(r" in \d+ ms").unwrap();
    re.replace_all(text, " in [elapsed]").into_owned()
}
