//! `kforge package`: chart directory → `<name>-<version>.tgz`, reproducible, written atomically.
//! Linting before packaging is the caller's job (the CLI), so this stays usable on its own.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use sha2::{Digest, Sha256};

use super::TreeLimits;
use super::archive_write::{ArchiveOptions, write_archive};
use super::atomic::write_atomically;
use super::chart_yaml;
use super::dir::read_dir_tree;
use crate::catalog::package::{CHART_YAML, WRITE};
use crate::diag::Diagnostic;

#[derive(Clone, Debug, Default)]
pub struct PackageOptions {
    /// Folder the archive is written to; created when missing (empty: the current directory).
    pub destination: PathBuf,
    /// Replaces `version` in the packaged Chart.yaml (`--version`).
    pub version: Option<String>,
    /// Replaces or adds `appVersion` in the packaged Chart.yaml (`--app-version`).
    pub app_version: Option<String>,
    /// Every entry's mtime (`SOURCE_DATE_EPOCH`); a fixed constant otherwise.
    pub source_date_epoch: Option<u64>,
    pub limits: TreeLimits,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PackageOutput {
    pub path: PathBuf,
    /// sha256 of the archive, lowercase hex.
    pub sha256: String,
    pub bytes: u64,
}

const CHART_FILE: &str = "Chart.yaml";

pub fn package_chart(
    chart_dir: &Path,
    options: &PackageOptions,
) -> Result<PackageOutput, Vec<Diagnostic>> {
    let shown = chart_dir.display().to_string();
    let (tree, diags) = read_dir_tree(chart_dir, &options.limits);
    let errors: Vec<Diagnostic> = diags.into_iter().filter(Diagnostic::is_error).collect();
    let Some(mut tree) = tree else {
        return Err(errors);
    };
    if !errors.is_empty() {
        return Err(errors);
    }

    let Some(chart_bytes) = tree.files.get(CHART_FILE) else {
        return Err(vec![
            Diagnostic::new(
                &CHART_YAML,
                format!("{shown} has no {CHART_FILE}; it is not a chart"),
            )
            .with_help("create Chart.yaml with apiVersion: v2, name and version"),
        ]);
    };
    let Ok(text) = std::str::from_utf8(chart_bytes) else {
        return Err(vec![Diagnostic::new(
            &CHART_YAML,
            format!("{shown}/{CHART_FILE} is not valid UTF-8"),
        )]);
    };
    let mut text = text.to_string();
    let edits = [
        ("version", &options.version),
        ("appVersion", &options.app_version),
    ];
    for (key, new_value) in edits {
        if let Some(v) = new_value {
            text = chart_yaml::set_scalar(&text, key, v)
                .map_err(|why| vec![invalid_chart_yaml(&shown, &why)])?;
        }
    }
    let name = required_field(&text, "name", &shown)?;
    let version = required_field(&text, "version", &shown)?;
    if options.version.is_some() || options.app_version.is_some() {
        tree.files
            .insert(CHART_FILE.to_string(), Arc::from(text.into_bytes()));
    }

    let bytes = write_archive(
        &tree,
        &name,
        &ArchiveOptions {
            source_date_epoch: options.source_date_epoch,
        },
    );
    let file_name = format!("{name}-{version}.tgz");
    let path = write_atomically(&options.destination, &file_name, &bytes).map_err(|e| {
        vec![
            Diagnostic::new(
                &WRITE,
                format!(
                    "cannot write {}: {e}",
                    options.destination.join(&file_name).display()
                ),
            )
            .with_help("choose a writable destination with --destination; nothing was written"),
        ]
    })?;
    Ok(PackageOutput {
        path,
        sha256: hex(&Sha256::digest(&bytes)),
        bytes: bytes.len() as u64,
    })
}

/// A Chart.yaml field that names the archive: present, and safe as part of a file name.
fn required_field(text: &str, key: &str, shown: &str) -> Result<String, Vec<Diagnostic>> {
    let field =
        chart_yaml::scalar(text, key).map_err(|why| vec![invalid_chart_yaml(shown, &why)])?;
    let Some(field) = field else {
        return Err(vec![
            Diagnostic::new(&CHART_YAML, format!("{shown}/{CHART_FILE} has no `{key}`")).with_help(
                format!("add a top-level `{key}:` line with a single value to Chart.yaml"),
            ),
        ]);
    };
    let value = field.value.trim().to_string();
    let bad = value.is_empty()
        || value == "."
        || value == ".."
        || value
            .chars()
            .any(|c| c == '/' || c == '\\' || c.is_control() || c.is_whitespace());
    if bad {
        return Err(vec![
            Diagnostic::new(
                &CHART_YAML,
                format!("{shown}/{CHART_FILE}: `{key}: {value}` cannot name a package file"),
            )
            .with_help(format!(
                "`{key}` must be non-empty, without spaces or slashes"
            )),
        ]);
    }
    Ok(value)
}

fn invalid_chart_yaml(shown: &str, why: &str) -> Diagnostic {
    Diagnostic::new(&CHART_YAML, format!("{shown}/{CHART_FILE}: {why}"))
        .with_help("`kforge lint` shows the problem in context")
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
