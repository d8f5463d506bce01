//! Records the commit kforge is built from, for `kforge --version`, as `KFORGE_COMMIT` (empty when
//! unknown). Sources, first found wins:
//! 1. `KFORGE_BUILD_COMMIT` in the environment (packagers building from a tarball);
//! 2. `git rev-parse HEAD`, only when this package is the top of its git work tree (a crate
//!    unpacked inside someone else's repository must not report that repository's commit);
//! 3. `.cargo_vcs_info.json`, which `cargo package` writes into the published crate.
//!
//! Never touches the network, and a missing or failing `git` is not an error.

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-env-changed=KFORGE_BUILD_COMMIT");
    let dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let commit = std::env::var("KFORGE_BUILD_COMMIT")
        .ok()
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty())
        .or_else(|| from_git(&dir))
        .or_else(|| from_vcs_info(&dir))
        .unwrap_or_default();
    println!("cargo:rustc-env=KFORGE_COMMIT={commit}");
    // A position-dependent executable on Linux: a PIE's 25,000 relative relocations are
    // applied at every start, writing (and so copying) ~110 pages of tables and vtables, a
    // tenth of what `kforge --version` costs and ~5% of the page faults of a chart's
    // `kforge template`, run once per chart (issue 14). The code is compiled as before;
    // only the link resolves those addresses once. glibc targets only: musl builds are
    // linked static-pie by rustc, which this flag would contradict.
    let target = |key: &str| std::env::var(key).unwrap_or_default();
    if target("CARGO_CFG_TARGET_OS") == "linux" && target("CARGO_CFG_TARGET_ENV") == "gnu" {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}

fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (!text.is_empty()).then_some(text)
}

fn from_git(dir: &Path) -> Option<String> {
    let top = git(dir, &["rev-parse", "--show-toplevel"])?;
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if !same(Path::new(&top), dir) {
        return None;
    }
    let commit = git(dir, &["rev-parse", "HEAD"])?;
    // Rebuild when HEAD moves: HEAD itself, the branch it points at, and packed refs. Only
    // existing files: cargo reruns a script whose watched file is missing on every build.
    let mut watched = vec![git(dir, &["rev-parse", "--git-path", "HEAD"])];
    if let Some(branch) = git(dir, &["symbolic-ref", "-q", "HEAD"]) {
        watched.push(git(dir, &["rev-parse", "--git-path", &branch]));
    }
    watched.push(git(dir, &["rev-parse", "--git-path", "packed-refs"]));
    for path in watched.into_iter().flatten() {
        let path = dir.join(path);
        if path.is_file() {
            println!("cargo:rerun-if-changed={}", path.display());
        }
    }
    Some(commit)
}

/// `{"git": {"sha1": "…"}, …}`, read without a JSON parser: build scripts get no dependencies
/// here, to keep the build light.
fn from_vcs_info(dir: &Path) -> Option<String> {
    let path = dir.join(".cargo_vcs_info.json");
    let text = std::fs::read_to_string(&path).ok()?;
    println!("cargo:rerun-if-changed={}", path.display());
    let after = text.split("\"sha1\"").nth(1)?;
    let value = after.split('"').nth(1)?;
    let is_hash = value.len() >= 7 && value.bytes().all(|b| b.is_ascii_hexdigit());
    is_hash.then(|| value.to_string())
}
