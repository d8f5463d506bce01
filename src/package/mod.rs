//! Chart archives and chart directories as file trees: the byte-reproducible writer
//! (`kforge package`), the bounded, safe archive reader used to lint or render a `.tgz` without
//! writing it to disk, and the directory reader (ignore file, VCS folders, symlink containment).
//!
//! | file | job |
//! |---|---|
//! | `dir.rs` | [`read_dir_tree`]: sorted walk, `.kforgeignore`, never-included files, symlinks, limits |
//! | `ignore.rs` | [`IgnoreMatcher`]: gitignore semantics on globset |
//! | `archive_read.rs` | [`read_archive`]: bounded gzip+tar reading, entry safety checks |
//! | `archive_write.rs` | [`write_archive`]: the reproducible format (decisions documented there) |
//! | `chart_yaml.rs` | name/version lookup and in-place rewrite of Chart.yaml |
//! | `atomic.rs` | [`write_atomically`]: unpredictable exclusive temporary file, fsync, rename; stale ones removed |
//! | `build.rs` | [`package_chart`]: the `kforge package` command's library half |
//!
//! Reproducibility decisions, in short: entries sorted by path under `<name>/`, no directory
//! entries (as Helm), mode 0644 for every file, uid/gid 0 and empty owner names, one mtime
//! (`SOURCE_DATE_EPOCH` or [`DEFAULT_MTIME`], 1980-01-01), gzip with mtime 0, no name, OS 255,
//! zlib-rs at level [`GZIP_LEVEL`]. `tests/package_golden.rs` pins the resulting bytes.

mod archive_read;
mod archive_write;
mod atomic;
mod build;
mod chart_yaml;
mod dir;
mod ignore;
mod names;

use std::path::Path;

use crate::chart::FileTree;
use crate::diag::Diagnostic;

pub use crate::catalog::package::{
    CHART_YAML, CORRUPT, IGNORE_PATTERN, LAYOUT, LIMIT, RULES, SYMLINK_ESCAPE, UNREADABLE,
    UNSAFE_ENTRY, UNSAFE_NAME, WRITE,
};
pub use archive_write::{
    ArchiveOptions, DEFAULT_MTIME, GZIP_LEVEL, MAX_MTIME, parse_source_date_epoch, write_archive,
};
pub use atomic::{create_temp_dir, remove_stale, replace_file, write_atomically};
pub use build::{PackageOptions, PackageOutput, package_chart};
pub use dir::IGNORE_FILE;
pub use ignore::{IgnoreMatcher, PatternError};
pub use names::{has_control, shown_name};

/// Bounds on what reading an archive or a directory may cost.
#[derive(Clone, Debug)]
pub struct TreeLimits {
    /// Total bytes of all files (decompressed).
    pub max_total_bytes: u64,
    pub max_file_bytes: u64,
    pub max_files: usize,
}

impl Default for TreeLimits {
    fn default() -> TreeLimits {
        TreeLimits {
            max_total_bytes: 100 << 20,
            max_file_bytes: 5 << 20,
            max_files: 10_000,
        }
    }
}

/// Reads a chart archive in memory. Paths in the tree are relative to the chart's top folder
/// (`mychart/templates/x.yaml` → `templates/x.yaml`).
pub fn read_archive(
    bytes: &[u8],
    display_name: &str,
    limits: &TreeLimits,
) -> Result<FileTree, Vec<Diagnostic>> {
    archive_read::read_archive(bytes, display_name, limits)
}

/// Reads a directory (a chart or a folder of manifests): `.kforgeignore` honoured, VCS folders and
/// editor leftovers skipped, symlinks followed only when their target stays inside `root`.
pub fn read_dir_tree(root: &Path, limits: &TreeLimits) -> (Option<FileTree>, Vec<Diagnostic>) {
    dir::read_dir_tree(root, limits)
}

pub use dir::{TextChecked, read_chart_dir, read_dir_tree_filtered};
