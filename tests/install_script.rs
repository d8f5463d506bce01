//! scripts/install-kforge.sh (what action.yml runs), against a local folder laid out like a GitHub
//! release (`<base>/<tag>/kforge-<target>.tar.gz` and `.sha256`), through a file:// URL: never the
//! network. The fallback's `cargo` is a stand-in that records how it was called. Run with `sh`
//! (dash here), so that the script stays POSIX.

use crate::common;
use std::path::{Path, PathBuf};
use std::process::Command;

const TARGETS: [&str; 5] = [
    "x86_64-unknown-linux-musl",
    "aarch64-unknown-linux-musl",
    "x86_64-apple-darwin",
    "aarch64-apple-darwin",
    "x86_64-pc-windows-msvc",
];

fn sh(dir: &Path, line: &str) {
    let ok = Command::new("sh")
        .args(["-c", line])
        .current_dir(dir)
        .status()
        .unwrap()
        .success();
    assert!(ok, "{line}");
}

/// The stand-in binary of one target: a text that says which archive it came from.
fn payload(target: &str) -> String {
    format!("#!/bin/sh\necho kforge for {target}\n")
}

/// Writes `<base>/<tag>/` with every target's archive and checksum file, as the release
/// workflow publishes them.
fn release(base: &Path, tag: &str) -> PathBuf {
    let dir = base.join(tag);
    std::fs::create_dir_all(&dir).unwrap();
    for target in TARGETS {
        let stage = tempfile::tempdir().unwrap();
        let folder = stage.path().join(format!("kforge-{target}"));
        std::fs::create_dir(&folder).unwrap();
        let exe = if target.contains("windows") {
            ".exe"
        } else {
            ""
        };
        std::fs::write(folder.join(format!("kforge{exe}")), payload(target)).unwrap();
        std::fs::write(folder.join("README.md"), "readme\n").unwrap();
        let archive = if target.contains("windows") {
            let name = format!("kforge-{target}.zip");
            sh(
                stage.path(),
                &format!("zip -qr '{}' kforge-{target}", dir.join(&name).display()),
            );
            name
        } else {
            let name = format!("kforge-{target}.tar.gz");
            sh(
                stage.path(),
                &format!("tar -czf '{}' kforge-{target}", dir.join(&name).display()),
            );
            name
        };
        // `sha256sum` prints "<hash>  <name>", the format of the release's .sha256 files.
        sh(&dir, &format!("sha256sum {archive} > {archive}.sha256"));
    }
    dir
}

struct Run {
    code: i32,
    stderr: String,
    root: PathBuf,
    /// What the stand-in cargo was called with, if it was.
    cargo_args: Option<String>,
    _work: tempfile::TempDir,
}

fn install(base: &Path, args: &[&str]) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().to_path_buf();
    let root = work.join("root");
    let log = work.join("cargo-args");
    let fake_cargo = work.join("cargo");
    std::fs::write(
        &fake_cargo,
        format!(
            "#!/bin/sh\necho \"$*\" > '{}'\nmkdir -p \"$4/bin\" && echo built > \"$4/bin/kforge\"\n",
            log.display()
        ),
    )
    .unwrap();
    sh(&work, "chmod +x cargo");
    let out = Command::new("sh")
        .arg(common::repo().join("scripts/install-kforge.sh"))
        .args(["--root", root.to_str().unwrap()])
        .args(["--base-url", &format!("file://{}", base.display())])
        .args(args)
        .env("KFORGE_CARGO", &fake_cargo)
        .env_remove("KFORGE_REF")
        .env_remove("KFORGE_NO_FALLBACK")
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        root,
        cargo_args: std::fs::read_to_string(&log).ok(),
        _work: dir,
    }
}

#[test]
fn installs_the_archive_of_each_os_and_arch() {
    let base = tempfile::tempdir().unwrap();
    release(base.path(), "v1.2.3");
    let cases = [
        ("Linux", "x86_64", "x86_64-unknown-linux-musl"),
        ("Linux", "aarch64", "aarch64-unknown-linux-musl"),
        ("Linux", "arm64", "aarch64-unknown-linux-musl"),
        ("Darwin", "x86_64", "x86_64-apple-darwin"),
        ("Darwin", "arm64", "aarch64-apple-darwin"),
        ("MINGW64_NT-10.0-20348", "x86_64", "x86_64-pc-windows-msvc"),
        ("Windows", "X64", "x86_64-pc-windows-msvc"),
    ];
    for (os, arch, target) in cases {
        let run = install(
            base.path(),
            &["--ref", "v1.2.3", "--os", os, "--arch", arch],
        );
        assert_eq!(run.code, 0, "{os}/{arch}: {}", run.stderr);
        let exe = if target.contains("windows") {
            ".exe"
        } else {
            ""
        };
        let binary = run.root.join(format!("bin/kforge{exe}"));
        assert_eq!(
            std::fs::read_to_string(&binary).unwrap(),
            payload(target),
            "{os}/{arch}"
        );
        assert!(
            run.stderr.ends_with(&format!(
                "install-kforge: installed {} (v1.2.3, {target})\n",
                binary.display()
            )),
            "{}",
            run.stderr
        );
        assert_eq!(run.cargo_args, None, "{os}/{arch} built from source");
    }
}

#[test]
fn the_installed_binary_is_executable() {
    let base = tempfile::tempdir().unwrap();
    release(base.path(), "v1.2.3");
    let run = install(
        base.path(),
        &["--ref", "v1.2.3", "--os", "Linux", "--arch", "x86_64"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = Command::new(run.root.join("bin/kforge")).output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "kforge for x86_64-unknown-linux-musl\n"
    );
}

#[test]
fn a_checksum_mismatch_is_refused() {
    let base = tempfile::tempdir().unwrap();
    let dir = release(base.path(), "v1.2.3");
    let sums = dir.join("kforge-x86_64-unknown-linux-musl.tar.gz.sha256");
    let zeros = "0".repeat(64);
    std::fs::write(
        &sums,
        format!("{zeros}  kforge-x86_64-unknown-linux-musl.tar.gz\n"),
    )
    .unwrap();
    let run = install(
        base.path(),
        &["--ref", "v1.2.3", "--os", "Linux", "--arch", "x86_64"],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let actual = Command::new("sha256sum")
        .arg(dir.join("kforge-x86_64-unknown-linux-musl.tar.gz"))
        .output()
        .unwrap();
    let actual = String::from_utf8_lossy(&actual.stdout);
    let actual = actual.split(' ').next().unwrap();
    assert!(
        run.stderr.ends_with(&format!(
            "install-kforge: error: checksum mismatch for kforge-x86_64-unknown-linux-musl.tar.gz: expected {zeros} (from kforge-x86_64-unknown-linux-musl.tar.gz.sha256), got {actual}; not installing\n"
        )),
        "{}",
        run.stderr
    );
    assert!(!run.root.join("bin/kforge").exists());
    assert_eq!(run.cargo_args, None, "a bad checksum must not fall back");
}

#[test]
fn an_archive_without_checksum_is_refused() {
    let base = tempfile::tempdir().unwrap();
    let dir = release(base.path(), "v1.2.3");
    std::fs::remove_file(dir.join("kforge-aarch64-apple-darwin.tar.gz.sha256")).unwrap();
    let run = install(
        base.path(),
        &["--ref", "v1.2.3", "--os", "Darwin", "--arch", "arm64"],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.ends_with(
            "install-kforge: error: release v1.2.3 has kforge-aarch64-apple-darwin.tar.gz but no kforge-aarch64-apple-darwin.tar.gz.sha256: refusing to install an unverified binary\n"
        ),
        "{}",
        run.stderr
    );
    assert!(!run.root.join("bin/kforge").exists());
    assert_eq!(run.cargo_args, None);
}

#[test]
fn a_missing_release_falls_back_to_cargo_install_of_the_tag() {
    let base = tempfile::tempdir().unwrap();
    release(base.path(), "v1.2.3");
    let run = install(
        base.path(),
        &["--ref", "v1.3.0", "--os", "Linux", "--arch", "x86_64"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.cargo_args.as_deref(),
        Some(
            format!(
                "install --locked --root {} --git https://github.com/kforge-dev/kforge --tag v1.3.0 kforge\n",
                run.root.display()
            )
            .as_str()
        )
    );
    assert!(
        run.stderr.contains(
            "install-kforge: release v1.3.0 has no kforge-x86_64-unknown-linux-musl.tar.gz: building kforge v1.3.0 from source with cargo install (needs a Rust toolchain)\n"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(
        std::fs::read_to_string(run.root.join("bin/kforge")).unwrap(),
        "built\n"
    );
}

#[test]
fn a_branch_or_commit_ref_builds_from_source() {
    let base = tempfile::tempdir().unwrap();
    release(base.path(), "v1.2.3");
    for r in ["main", "0123456789abcdef0123456789abcdef01234567"] {
        let run = install(base.path(), &["--ref", r, "--repo", "someone/kforge-fork"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert_eq!(
            run.cargo_args.as_deref(),
            Some(
                format!(
                    "install --locked --root {} --git https://github.com/someone/kforge-fork --rev {r} kforge\n",
                    run.root.display()
                )
                .as_str()
            )
        );
        assert!(
            run.stderr.starts_with(&format!(
                "install-kforge: {r} is not a release tag (vMAJOR.MINOR.PATCH): no prebuilt binary: building"
            )),
            "{}",
            run.stderr
        );
    }
}

#[test]
fn a_platform_without_a_release_build_builds_from_source() {
    let base = tempfile::tempdir().unwrap();
    release(base.path(), "v1.2.3");
    let run = install(
        base.path(),
        &["--ref", "v1.2.3", "--os", "FreeBSD", "--arch", "amd64"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .starts_with("install-kforge: no prebuilt kforge for FreeBSD/amd64: building"),
        "{}",
        run.stderr
    );
    assert!(run.cargo_args.is_some());
}

#[test]
fn no_fallback_fails_when_the_release_is_missing() {
    let base = tempfile::tempdir().unwrap();
    let run = install(
        base.path(),
        &[
            "--ref",
            "v2.0.0",
            "--os",
            "Linux",
            "--arch",
            "x86_64",
            "--no-fallback",
        ],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.ends_with(
            "install-kforge: error: release v2.0.0 has no kforge-x86_64-unknown-linux-musl.tar.gz, and building from source is disabled (--no-fallback)\n"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(run.cargo_args, None);
}

#[test]
fn a_local_directory_works_as_the_base() {
    let base = tempfile::tempdir().unwrap();
    release(base.path(), "v1.2.3");
    let root = tempfile::tempdir().unwrap();
    let out = Command::new("sh")
        .arg(common::repo().join("scripts/install-kforge.sh"))
        .args(["--ref", "v1.2.3", "--os", "Darwin", "--arch", "x86_64"])
        .args(["--root", root.path().to_str().unwrap()])
        .args(["--base-url", base.path().to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(root.path().join("bin/kforge")).unwrap(),
        payload("x86_64-apple-darwin")
    );
}

#[test]
fn usage_errors_exit_2() {
    let out = Command::new("sh")
        .arg(common::repo().join("scripts/install-kforge.sh"))
        .env_remove("KFORGE_REF")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .starts_with("install-kforge: no ref given (--ref or KFORGE_REF)\n")
    );
}
