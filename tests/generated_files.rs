//! Checked-in files generated from the code must match it. Regenerate with
//! `KFORGE_BLESS=1 cargo test --test it generated_files::`.

use crate::common;

use std::path::Path;

use clap_complete::Shell;
use kforge::cli::completions;

fn check(path: &str, expected: &[u8]) {
    let full = common::repo().join(path);
    if std::env::var_os("KFORGE_BLESS").is_some() {
        if let Some(dir) = Path::new(&full).parent() {
            std::fs::create_dir_all(dir).unwrap();
        }
        std::fs::write(&full, expected).unwrap();
        return;
    }
    let actual = std::fs::read(&full).unwrap_or_default();
    assert!(
        actual == expected,
        "{path} is stale: regenerate with `KFORGE_BLESS=1 cargo test --test it generated_files::`"
    );
}

#[test]
fn completions_are_fresh() {
    for (shell, file) in [
        (Shell::Bash, "completions/kforge.bash"),
        (Shell::Zsh, "completions/_kforge"),
        (Shell::Fish, "completions/kforge.fish"),
        (Shell::PowerShell, "completions/_kforge.ps1"),
        (Shell::Elvish, "completions/kforge.elv"),
    ] {
        check(file, &completions::script(shell));
    }
}

#[test]
fn man_pages_are_fresh() {
    for (file, page) in completions::man_pages() {
        check(&format!("man/{file}"), &page);
    }
}

#[test]
fn completions_command_prints_the_same_script() {
    let out = common::run(common::kforge().args(["completions", "bash"]));
    assert_eq!(out.code, 0);
    assert_eq!(
        out.stdout.as_bytes(),
        completions::script(Shell::Bash).as_slice()
    );
}

#[test]
fn rules_reference_is_fresh() {
    check(
        "docs/rules.md",
        kforge::diag::report::rules_reference_markdown().as_bytes(),
    );
}

/// The README's rule table sits between two markers and equals the registry's table.
#[test]
fn readme_rule_table_is_fresh() {
    let readme_path = common::repo().join("README.md");
    let readme = std::fs::read_to_string(&readme_path).unwrap();
    let (begin, end) = ("<!-- rules:begin -->\n", "<!-- rules:end -->");
    let start = readme
        .find(begin)
        .expect("README has the rules:begin marker")
        + begin.len();
    let stop = readme.find(end).expect("README has the rules:end marker");
    let table = kforge::diag::report::rules_markdown();
    if std::env::var_os("KFORGE_BLESS").is_some() {
        let updated = format!("{}{}{}", &readme[..start], table, &readme[stop..]);
        std::fs::write(&readme_path, updated).unwrap();
        return;
    }
    assert!(
        readme[start..stop] == table,
        "README.md's rule table is stale: regenerate with `KFORGE_BLESS=1 cargo test --test it generated_files::`"
    );
}
