//! The integration tests, one binary (linking the whole crate once instead of once per file; the
//! shape ripgrep uses). Each module is one former `tests/<name>.rs` and opens with what it is for;
//! `cargo test --test it NAME::` runs one of them. Cargo.toml sets `autotests = false`, so a new
//! file under tests/ runs only once it is listed here: `every_test_file_is_a_module` fails otherwise.

// Helpers shared by the modules below.
mod chartvals_common;
mod cluster_support;
mod common;
mod package_support;

mod chart_cli;
mod chart_corpus;
mod chart_load;
mod chart_lock;
mod cli_commands;
mod cli_formats;
mod cli_lint;
mod cli_matrix;
mod cli_package;
mod cli_usage;
mod cluster_apply;
mod cluster_controllers;
mod cluster_corpus;
mod cluster_profile;
mod cluster_validation;
mod containment;
mod corpus_pipeline;
mod crd_pruning;
mod dependencies;
mod function_length;
mod gate;
mod gate_roundtrip;
mod generated_files;
mod helm_capabilities;
mod helm_corpus;
mod helm_engine;
mod helm_lint_corpus;
mod helm_lint_parity;
mod helm_oracle;
mod helm_package;
mod install_script;
mod limits;
mod no_panic;
mod one_finding_per_mistake;
mod package_archive_fuzz;
mod package_archive_read;
mod package_chart;
mod package_dir;
mod package_golden;
mod pre_commit;
mod real_manifests;
mod render_fixtures;
mod rules_corpus;
mod rules_fixtures;
mod schema_corpus;
mod schema_explain;
mod user_mistakes;
mod values_merge;
mod values_read;
mod values_schema_corpus;
mod version;
mod yaml_corpus;

/// A file under tests/ that is not declared above would silently never run (autotests is off).
#[test]
fn every_test_file_is_a_module() {
    let this = include_str!("it.rs");
    let dir = common::repo().join("tests");
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = if path.extension().is_some_and(|e| e == "rs") {
            path.file_stem().unwrap().to_string_lossy().into_owned()
        } else if path.join("mod.rs").is_file() {
            path.file_name().unwrap().to_string_lossy().into_owned()
        } else {
            continue;
        };
        if name != "it" && !this.contains(&format!("\nmod {name};\n")) {
            missing.push(name);
        }
    }
    missing.sort();
    assert!(
        missing.is_empty(),
        "tests/ files not declared in tests/it.rs: {missing:?}"
    );
}
