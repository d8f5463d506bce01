//! Reading a directory into a [`FileTree`]: sorted walk, `.kforgeignore`, files that never belong in
//! a chart, symlink containment and limits.
//!
//! Nothing is loaded into the source map yet, so diagnostics carry no span: each names the path in
//! its message.

use std::fs;
use std::path::{Component, Path};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use walkdir::{DirEntry, WalkDir};

use super::TreeLimits;
use super::ignore::IgnoreMatcher;
use super::names::{has_control, shown_name};
use crate::catalog::package::{IGNORE_PATTERN, LIMIT, SYMLINK_ESCAPE, UNREADABLE, UNSAFE_NAME};
use crate::chart::FileTree;
use crate::diag::{Diagnostic, Severity};

/// The ignore file, read from the root only.
pub const IGNORE_FILE: &str = ".kforgeignore";
/// Read instead when the chart has no `.kforgeignore`: charts written for Helm keep their
/// exclusions. Helm's patterns (Go `filepath.Match` globs, `!`, trailing `/`, no `**`) mean the
/// same under gitignore rules, which are a superset.
pub const HELM_IGNORE_FILE: &str = ".helmignore";

/// An ignore file is a few lines; a huge one is a mistake (and a globset too large to build).
const IGNORE_FILE_MAX_BYTES: u64 = 1 << 20;

/// Version-control folders: never part of a chart.
const VCS_DIRS: &[&str] = &[".git", ".hg", ".svn", ".bzr"];
/// Editor and OS folders: never part of a chart.
const EDITOR_DIRS: &[&str] = &[".idea", ".vscode"];

/// Editor swap and backup files, and macOS folder metadata.
fn is_editor_leftover(name: &str) -> bool {
    name.ends_with(".swp")
        || name.ends_with(".swo")
        || name.ends_with('~')
        || name.starts_with(".#")
        || (name.len() >= 2 && name.starts_with('#') && name.ends_with('#'))
        || name == ".DS_Store"
}

/// Whether a file or folder is left out whatever the ignore file says.
fn never_included(name: &str, is_dir: bool) -> bool {
    if is_dir {
        VCS_DIRS.contains(&name) || EDITOR_DIRS.contains(&name)
    } else {
        is_editor_leftover(name) || VCS_DIRS.contains(&name)
    }
}

pub fn read_dir_tree(root: &Path, limits: &TreeLimits) -> (Option<FileTree>, Vec<Diagnostic>) {
    read_dir_tree_filtered(root, limits, &mut |_, _| true, false)
}

/// [`read_dir_tree`] that also leaves out what `keep(relative path, is_dir)` refuses (a folder
/// refused is not walked, a file refused is not read): walks of manifest folders use it for
/// `.gitignore`, `exclude:` and file extensions. With `read_ahead` (a chart), the pool's
/// threads read the files the walk finds while it goes on.
pub fn read_dir_tree_filtered(
    root: &Path,
    limits: &TreeLimits,
    keep: &mut dyn FnMut(&str, bool) -> bool,
    read_ahead: bool,
) -> (Option<FileTree>, Vec<Diagnostic>) {
    let (tree, diags) = read_dir_tree_checked(root, limits, keep, read_ahead);
    (tree.map(|(tree, _)| tree), diags)
}

/// A chart's files as [`read_dir_tree_filtered`] reads them ahead, and which of them the pool's
/// threads found to be text as they read them ([`TextChecked`]).
pub fn read_chart_dir(
    root: &Path,
    limits: &TreeLimits,
) -> (Option<(FileTree, TextChecked)>, Vec<Diagnostic>) {
    read_dir_tree_checked(root, limits, &mut |_, _| true, true)
}

/// Files of a tree known to be UTF-8 without a NUL (what the chart loader's `text_of` accepts),
/// checked by the thread that read each while its bytes were at hand: the loader's thread,
/// alone while it builds the chart, no longer checks a chart's templates itself (issue 14: 40%
/// of building the chart). Keyed by the address of the bytes, which the map holds so that
/// no other file's bytes can take it.
#[derive(Default)]
pub struct TextChecked {
    texts: std::collections::HashMap<usize, Arc<[u8]>>,
}

impl TextChecked {
    /// `bytes` as text, when they are a file found to be text.
    pub fn text<'b>(&self, bytes: &'b Arc<[u8]>) -> Option<&'b str> {
        let held = self.texts.get(&(bytes.as_ptr() as usize))?;
        if !Arc::ptr_eq(held, bytes) {
            return None;
        }
        // SAFETY: these bytes (the same allocation, immutable behind its `Arc`) were checked
        // to be UTF-8 by `std::str::from_utf8` when they were read ([`is_text`]).
        Some(unsafe { std::str::from_utf8_unchecked(bytes) })
    }
}

/// Whether the loader will want `rel` as text: Chart.yaml, values, templates and CRDs, the
/// chart's or a subchart's (a few other files of those names are checked for nothing).
fn wanted_as_text(rel: &str) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    matches!(name, "Chart.yaml" | "values.yaml" | "values.schema.json")
        || rel.starts_with("templates/")
        || rel.starts_with("crds/")
        || rel.contains("/templates/")
        || rel.contains("/crds/")
}

/// What the chart loader's `text_of` accepts: UTF-8 without a NUL.
fn is_text(bytes: &[u8]) -> bool {
    std::str::from_utf8(bytes).is_ok() && !bytes.contains(&0)
}

fn read_dir_tree_checked(
    root: &Path,
    limits: &TreeLimits,
    keep: &mut dyn FnMut(&str, bool) -> bool,
    read_ahead: bool,
) -> (Option<(FileTree, TextChecked)>, Vec<Diagnostic>) {
    let shown = root.display().to_string();
    let canonical_root = match canonical_dir(root, &shown) {
        Ok(p) => p,
        Err(d) => return (None, d),
    };
    let mut diags = Vec::new();
    let ignore_file = [IGNORE_FILE, HELM_IGNORE_FILE]
        .into_iter()
        .find(|name| fs::symlink_metadata(root.join(name)).is_ok())
        .unwrap_or(IGNORE_FILE);
    let matcher = load_ignore_file(root, &canonical_root, &shown, ignore_file, &mut diags);

    let mut escapes: Vec<Diagnostic> = Vec::new();
    let walker = WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| {
            if entry.depth() == 0 {
                return true;
            }
            // Worked out once per entry: the ignore file, the messages and `keep` all take it.
            let rel = relative_path(entry.path(), root);
            keep_entry(
                entry,
                rel.as_deref(),
                &canonical_root,
                (&matcher, ignore_file),
                &shown,
                &mut escapes,
            ) && rel.is_none_or(|rel| keep(&rel, entry.file_type().is_dir()))
        });

    // The walk stays on this thread (its filter is the caller's); the files it finds are read
    // by the pool's threads meanwhile, a batch at a time ([`Batch`]), and taken in walk order
    // below: diagnostics, limits and the tree are what reading them one by one here made.
    let budget = ReadBudget {
        limit: limits.max_total_bytes,
        read: AtomicU64::new(0),
    };
    let mut steps: Vec<Step> = Vec::new();
    let mut batches: Vec<Arc<Batch>> = Vec::new();
    let mut pending: Vec<(String, std::path::PathBuf)> = Vec::new();
    rayon::in_place_scope(|scope| {
        let send = |pending: &mut Vec<(String, std::path::PathBuf)>,
                    batches: &mut Vec<Arc<Batch>>| {
            if pending.is_empty() {
                return;
            }
            let batch = Arc::new(Batch::new(std::mem::take(pending), read_ahead));
            // Only a chart's files are read ahead: read on other threads, a folder of
            // manifests' texts land in those threads' heaps and are freed there after they are
            // parsed, which raised the peak of a lint run (issue 19).
            if read_ahead {
                let task = Arc::clone(&batch);
                let budget = &budget;
                scope.spawn(move |_| task.read(limits.max_file_bytes, budget));
            }
            batches.push(batch);
        };
        let mut walked: usize = 0;
        for item in walker {
            let entry = match item {
                Ok(e) => e,
                Err(e) => {
                    steps.push(Step::Diagnostic(Box::new(walk_error(&e, root, &shown))));
                    continue;
                }
            };
            // Folders count too: a tree of empty folders is work as well.
            walked += usize::from(entry.depth() > 0);
            if walked > limits.max_files {
                let at = relative_path(entry.path(), root)
                    .unwrap_or_else(|| entry.path().display().to_string());
                steps.push(Step::TooMany(at));
                break;
            }
            if !entry.file_type().is_file() {
                continue;
            }
            let Some(rel) = relative_path(entry.path(), root) else {
                steps.push(Step::Diagnostic(Box::new(Diagnostic::new(
                    &UNREADABLE,
                    format!(
                        "{}: file name is not valid UTF-8; it is left out",
                        entry.path().display()
                    ),
                ))));
                continue;
            };
            steps.push(Step::File {
                batch: batches.len(),
                index: pending.len(),
            });
            pending.push((rel, entry.into_path()));
            if pending.len() == BATCH_FILES {
                send(&mut pending, &mut batches);
            }
        }
        send(&mut pending, &mut batches);
        // This thread reads what the pool has not started on yet.
        for batch in &batches {
            batch.read(limits.max_file_bytes, &budget);
        }
    });

    let tree = assemble(steps, &batches, &shown, limits, &mut diags);
    (tree, merge(diags, escapes))
}

/// `root` resolved, or the fatal finding that it is not a readable directory.
fn canonical_dir(root: &Path, shown: &str) -> Result<std::path::PathBuf, Vec<Diagnostic>> {
    let canonical_root = fs::canonicalize(root).map_err(|e| {
        vec![
            Diagnostic::new(&UNREADABLE, format!("cannot read directory {shown}: {e}"))
                .with_severity(Severity::Fatal),
        ]
    })?;
    if !canonical_root.is_dir() {
        return Err(vec![
            Diagnostic::new(&UNREADABLE, format!("{shown} is not a directory"))
                .with_severity(Severity::Fatal),
        ]);
    }
    Ok(canonical_root)
}

/// The tree of the walk's files in its order, with its diagnostics in `diags`; `None` when a
/// limit stopped it.
fn assemble(
    steps: Vec<Step>,
    batches: &[Arc<Batch>],
    shown: &str,
    limits: &TreeLimits,
    diags: &mut Vec<Diagnostic>,
) -> Option<(FileTree, TextChecked)> {
    let mut tree = FileTree::default();
    let mut checked = TextChecked::default();
    let mut total: u64 = 0;
    for step in steps {
        let (batch, index) = match step {
            Step::Diagnostic(d) => {
                diags.push(*d);
                continue;
            }
            Step::TooMany(at) => {
                diags.push(
                    Diagnostic::new(
                        &LIMIT,
                        format!(
                            "{shown} has more than {} files and folders (limit reached at {at})",
                            limits.max_files
                        ),
                    )
                    .with_help(
                        "add folders that are not part of the chart to .kforgeignore, or raise the file limit",
                    ),
                );
                return None;
            }
            Step::File { batch, index } => (batch, index),
        };
        let Some((rel, read, text)) = batches
            .get(batch)
            .and_then(|b| b.take(index, limits.max_file_bytes))
        else {
            continue;
        };
        let Some(data) = read_file(read, shown, &rel, limits, diags) else {
            continue;
        };
        total = total.saturating_add(data.len() as u64);
        if total > limits.max_total_bytes {
            diags.push(
                Diagnostic::new(
                    &LIMIT,
                    format!("{shown} holds more than {} bytes (limit reached at {rel})", limits.max_total_bytes),
                )
                .with_help("add large files that are not part of the chart to .kforgeignore, or raise the size limit"),
            );
            return None;
        }
        if text {
            checked
                .texts
                .insert(data.as_ptr() as usize, Arc::clone(&data));
        }
        tree.files.insert(rel, data);
    }
    Some((tree, checked))
}

/// Files read per task of the pool: enough that a task is worth its hand-over, few enough that
/// a chart's files are shared among the threads.
const BATCH_FILES: usize = 8;

/// What the walk found, in its order.
enum Step {
    Diagnostic(Box<Diagnostic>),
    /// A file to take from `batches[batch]`, at `index`.
    File {
        batch: usize,
        index: usize,
    },
    /// Past the file limit at this path: the walk stopped.
    TooMany(String),
}

/// A file's bytes as [`crate::source::read_regular_shared`] gave them.
type FileRead = std::io::Result<Option<Arc<[u8]>>>;

/// Bytes read ahead so far: past the tree's limit, files are left for the ordered pass to read
/// (it stops at the limit), so that reading ahead never holds more than the limit and a batch.
struct ReadBudget {
    limit: u64,
    read: AtomicU64,
}

/// Files read together by whichever thread claims them first.
struct Batch {
    claimed: AtomicBool,
    /// Whether to find which files are text ([`TextChecked`]): a chart's files, read ahead,
    /// not a folder of manifests' (read by the walking thread, which the loader of manifests
    /// checks itself: checking here too would be twice).
    check_text: bool,
    /// Each file's path relative to the root, and on disk.
    paths: Vec<(String, std::path::PathBuf)>,
    /// Each file's read, `None` until read (or when left to the ordered pass), and whether it
    /// was found to be text ([`TextChecked`]).
    reads: Mutex<Vec<Option<(FileRead, bool)>>>,
}

impl Batch {
    fn new(paths: Vec<(String, std::path::PathBuf)>, check_text: bool) -> Batch {
        Batch {
            claimed: AtomicBool::new(false),
            check_text,
            reads: Mutex::new(Vec::new()),
            paths,
        }
    }

    /// Reads the files unless another thread has claimed them.
    fn read(&self, max_file_bytes: u64, budget: &ReadBudget) {
        if self.claimed.swap(true, Ordering::AcqRel) {
            return;
        }
        let reads: Vec<Option<(FileRead, bool)>> = self
            .paths
            .iter()
            .map(|(rel, path)| {
                if budget.read.load(Ordering::Relaxed) > budget.limit {
                    return None;
                }
                let read = crate::source::read_regular_shared(path, max_file_bytes);
                let mut text = false;
                if let Ok(Some(data)) = &read {
                    budget.read.fetch_add(data.len() as u64, Ordering::Relaxed);
                    text = self.check_text && wanted_as_text(rel) && is_text(data);
                }
                Some((read, text))
            })
            .collect();
        if let Ok(mut slot) = self.reads.lock() {
            *slot = reads;
        }
    }

    /// File `index`'s relative path and read, read now if it was left (the batch is read: its
    /// scope ended).
    fn take(&self, index: usize, max_file_bytes: u64) -> Option<(String, FileRead, bool)> {
        let ahead = self
            .reads
            .lock()
            .ok()
            .and_then(|mut reads| reads.get_mut(index).and_then(Option::take));
        let (rel, path) = self.paths.get(index)?;
        let (read, text) = ahead.unwrap_or_else(|| {
            (
                crate::source::read_regular_shared(path, max_file_bytes),
                false,
            )
        });
        Some((rel.clone(), read, text))
    }
}

/// A walked file's bytes, or `None` when it is too large or unreadable (reported, left out).
fn read_file(
    read: FileRead,
    shown: &str,
    rel: &str,
    limits: &TreeLimits,
    diags: &mut Vec<Diagnostic>,
) -> Option<Arc<[u8]>> {
    match read {
        Ok(Some(data)) => Some(data),
        Ok(None) => {
            diags.push(
                Diagnostic::new(
                    &LIMIT,
                    format!("{shown}/{rel} is larger than the {} byte limit for one file; it is left out", limits.max_file_bytes),
                )
                .with_severity(Severity::Error)
                .with_help("add it to .kforgeignore if it is not part of the chart"),
            );
            None
        }
        Err(e) => {
            diags.push(Diagnostic::new(
                &UNREADABLE,
                format!("cannot read {shown}/{rel}: {e}"),
            ));
            None
        }
    }
}

fn merge(mut diags: Vec<Diagnostic>, escapes: Vec<Diagnostic>) -> Vec<Diagnostic> {
    diags.extend(escapes);
    diags
}

fn load_ignore_file(
    root: &Path,
    canonical_root: &Path,
    shown: &str,
    file: &str,
    diags: &mut Vec<Diagnostic>,
) -> IgnoreMatcher {
    let path = root.join(file);
    // The ignore file may be a link too: it is read only when it stays inside the chart.
    if let Ok(target) = fs::canonicalize(&path)
        && !target.starts_with(canonical_root)
    {
        diags.push(
            Diagnostic::new(
                &SYMLINK_ESCAPE,
                format!(
                    "symbolic link {shown}/{file} points to {}, outside the chart; it is not read",
                    target.display()
                ),
            )
            .with_help("copy the ignore file into the chart"),
        );
        return IgnoreMatcher::default();
    }
    let text = match read_bounded(&path, IGNORE_FILE_MAX_BYTES) {
        Ok(Some(bytes)) => String::from_utf8_lossy(&bytes).into_owned(),
        Ok(None) => {
            diags.push(Diagnostic::new(
                &LIMIT,
                format!("{shown}/{file} is larger than {IGNORE_FILE_MAX_BYTES} bytes; it is not read"),
            ).with_severity(Severity::Error));
            return IgnoreMatcher::default();
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return IgnoreMatcher::default();
        }
        Err(e) => {
            diags.push(Diagnostic::new(
                &UNREADABLE,
                format!("cannot read {shown}/{file}: {e}"),
            ));
            return IgnoreMatcher::default();
        }
    };
    let (matcher, errors) = IgnoreMatcher::parse(&text);
    for e in errors {
        diags.push(Diagnostic::new(
            &IGNORE_PATTERN,
            format!(
                "{shown}/{file}:{}: invalid pattern `{}`: {}",
                e.line,
                e.text.trim(),
                e.reason
            ),
        ));
    }
    matcher
}

/// Decides whether the walk enters (or yields) an entry. Ignored folders are pruned whole.
fn keep_entry(
    entry: &DirEntry,
    rel: Option<&str>,
    canonical_root: &Path,
    (matcher, ignore_file): (&IgnoreMatcher, &str),
    shown: &str,
    escapes: &mut Vec<Diagnostic>,
) -> bool {
    let is_dir = entry.file_type().is_dir();
    let name = entry.file_name().to_string_lossy();
    if never_included(&name, is_dir) {
        return false;
    }
    if has_control(&name) {
        let rel = rel.map_or_else(|| entry.path().to_string_lossy(), Into::into);
        escapes.push(
            Diagnostic::new(
                &UNSAFE_NAME,
                format!(
                    "{shown}/{}: the name has a control character or a line separator, which would change the `# Source:` lines and file names kforge writes; the chart is refused",
                    shown_name(&rel)
                ),
            )
            .with_help("rename the file or folder (or list it in .kforgeignore if it is not part of the chart)"),
        );
        return false;
    }
    if let Some(rel) = rel
        && matcher.is_ignored(rel, is_dir)
    {
        return false;
    }
    if entry.path_is_symlink() {
        let rel = rel.map_or_else(|| entry.path().display().to_string(), str::to_string);
        match fs::canonicalize(entry.path()) {
            Ok(target) if target.starts_with(canonical_root) => {}
            Ok(_) if entry.depth() == 1 && name == ignore_file => {
                // Already reported when the ignore file was loaded.
                return false;
            }
            Ok(target) => {
                escapes.push(
                    Diagnostic::new(
                        &SYMLINK_ESCAPE,
                        format!(
                            "symbolic link {shown}/{rel} points to {}, outside the chart; it is left out",
                            target.display()
                        ),
                    )
                    .with_help("copy the file into the chart, or point the link at a file inside it"),
                );
                return false;
            }
            Err(e) => {
                let target = fs::read_link(entry.path())
                    .map(|t| t.display().to_string())
                    .unwrap_or_default();
                escapes.push(Diagnostic::new(
                    &UNREADABLE,
                    format!("symbolic link {shown}/{rel} -> {target} cannot be followed: {e}"),
                ));
                return false;
            }
        }
    }
    true
}

fn walk_error(e: &walkdir::Error, root: &Path, shown: &str) -> Diagnostic {
    let path = e
        .path()
        .map(|p| relative_path(p, root).unwrap_or_else(|| p.display().to_string()));
    let msg = match (e.loop_ancestor(), path) {
        (Some(ancestor), Some(p)) => format!(
            "symbolic link {shown}/{p} loops back to {}; it is left out",
            relative_path(ancestor, root).unwrap_or_else(|| ancestor.display().to_string())
        ),
        (_, Some(p)) if p.is_empty() => format!("cannot read {shown}: {e}"),
        (_, Some(p)) => format!("cannot read {shown}/{p}: {}", io_reason(e)),
        (_, None) => format!("cannot read {shown}: {e}"),
    };
    Diagnostic::new(&UNREADABLE, msg)
}

fn io_reason(e: &walkdir::Error) -> String {
    e.io_error()
        .map(|io| io.to_string())
        .unwrap_or_else(|| e.to_string())
}

/// `path` below `root` as a `/`-separated string; `None` when a name is not UTF-8.
pub(crate) fn relative_path(path: &Path, root: &Path) -> Option<String> {
    // What a walk yields is `root`, a `/` and the names: cut as bytes, where `strip_prefix`
    // compared component by component (~1,900 instructions a file, issue 14). Anything else
    // (an empty name, `.`, `..`, not UTF-8) takes the general way below.
    let (whole, head) = (
        path.as_os_str().as_encoded_bytes(),
        root.as_os_str().as_encoded_bytes(),
    );
    if let Some(rest) = whole.strip_prefix(head)
        && let Some(rest) = match head.last() {
            Some(b'/') => Some(rest),
            _ => rest.strip_prefix(b"/"),
        }
        && let Ok(text) = std::str::from_utf8(rest)
        && text
            .split('/')
            .all(|name| !name.is_empty() && name != "." && name != "..")
    {
        return Some(text.to_string());
    }
    let rel = path.strip_prefix(root).ok()?;
    // What a walk yields (names joined by single `/`s) is already that string: one copy, where
    // splitting into components allocated per name (a few times per file of every chart
    // loaded: 3% of `kforge template` on a chart with many subcharts).
    if let Some(text) = rel.to_str()
        && text
            .split('/')
            .all(|name| !name.is_empty() && name != "." && name != "..")
    {
        return Some(text.to_string());
    }
    let mut parts = Vec::new();
    for c in rel.components() {
        match c {
            Component::Normal(s) => parts.push(s.to_str()?.to_string()),
            Component::CurDir => {}
            _ => return None,
        }
    }
    Some(parts.join("/"))
}

/// Reads a regular file of at most `max` bytes (`Ok(None)` when larger). A named pipe or a
/// device under a chart's name is refused, never opened in a way that could block or flood.
fn read_bounded(path: &Path, max: u64) -> std::io::Result<Option<Vec<u8>>> {
    crate::source::read_regular_limited(path, max)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bytes cut gives what the walk's paths gave component by component.
    #[test]
    fn relative_paths_cut_as_bytes_match_the_components() {
        let by_components = |path: &Path, root: &Path| -> Option<String> {
            let mut parts = Vec::new();
            for c in path.strip_prefix(root).ok()?.components() {
                match c {
                    Component::Normal(s) => parts.push(s.to_str()?.to_string()),
                    Component::CurDir => {}
                    _ => return None,
                }
            }
            Some(parts.join("/"))
        };
        let cases = [
            ("chart/templates/a.yaml", "chart"),
            ("chart/templates/a.yaml", "chart/"),
            ("./chart/a", "./chart"),
            ("/abs/chart/charts/sub/values.yaml", "/abs/chart"),
            ("a/bc/d", "a/b"),
            ("a/b", "a/b"),
            ("a/b/", "a/b"),
            ("a//b/c", "a/b"),
            ("a/b//c", "a/b"),
            ("a/b/./c", "a/b"),
            ("a/b/../c", "a/b"),
            ("x/b/c", "a/b"),
            ("chart/.helmignore", "chart"),
            ("chart/é/ü.yaml", "chart"),
        ];
        for (path, root) in cases {
            let (path, root) = (Path::new(path), Path::new(root));
            assert_eq!(
                relative_path(path, root),
                by_components(path, root),
                "{path:?} under {root:?}"
            );
        }
    }

    /// A folder holding `a` (10 bytes) and `b` (20 bytes), and what else `extra` writes.
    fn folder(extra: impl FnOnce(&Path)) -> tempfile::TempDir {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join("a"), [b'a'; 10]).unwrap();
        fs::write(tmp.path().join("b"), [b'b'; 20]).unwrap();
        extra(tmp.path());
        tmp
    }

    /// The paths read (`None` when reading stopped) and the messages.
    /// Read on this thread alone and read ahead by the pool: both must give the same.
    fn read(root: &Path, limits: &TreeLimits) -> (Option<Vec<String>>, Vec<String>) {
        let [alone, ahead] = [false, true].map(|ahead| {
            let (tree, diags) = read_dir_tree_filtered(root, limits, &mut |_, _| true, ahead);
            (
                tree.map(|t| t.files.keys().cloned().collect::<Vec<_>>()),
                diags.into_iter().map(|d| d.message).collect::<Vec<_>>(),
            )
        });
        assert_eq!(alone, ahead, "read ahead by the pool");
        alone
    }

    /// The files read ahead that the loader takes as text are the ones its `text_of` accepts;
    /// bytes of another allocation, even equal, are not taken as checked.
    #[test]
    fn text_checked_as_read_is_the_loaders_text() {
        let tmp = folder(|root| {
            fs::create_dir_all(root.join("templates")).unwrap();
            fs::write(root.join("Chart.yaml"), "name: c\n").unwrap();
            fs::write(root.join("templates/ok.yaml"), "a: é\n").unwrap();
            fs::write(root.join("templates/nul.yaml"), b"a\0b").unwrap();
            fs::write(root.join("templates/latin1.yaml"), b"a: \xe9\n").unwrap();
            fs::write(root.join("notes.txt"), "text, not wanted as text\n").unwrap();
        });
        let (tree, diags) = read_chart_dir(tmp.path(), &TreeLimits::default());
        assert!(diags.is_empty(), "{diags:?}");
        let (tree, checked) = tree.unwrap();
        let text = |rel: &str| checked.text(&tree.files[rel]).is_some();
        assert!(text("Chart.yaml") && text("templates/ok.yaml"));
        assert!(!text("templates/nul.yaml") && !text("templates/latin1.yaml"));
        assert!(!text("notes.txt") && !text("a"));
        let copy: Arc<[u8]> = Arc::from(&*tree.files["templates/ok.yaml"]);
        assert!(checked.text(&copy).is_none());
        for rel in [
            "templates/x",
            "charts/a/templates/x",
            "charts/a/crds/c.yaml",
            "crds/c.yaml",
        ] {
            assert!(wanted_as_text(rel), "{rel}");
        }
        assert!(!wanted_as_text("files/x.conf"));
    }

    /// Many batches: the tree and where each limit stops are the walk's order's.
    #[test]
    fn files_read_ahead_keep_the_walk_order_and_limits() {
        let tmp = folder(|root| {
            for i in 0..40 {
                fs::create_dir_all(root.join(format!("d{}", i % 3))).unwrap();
                fs::write(root.join(format!("d{}/f{i:02}", i % 3)), [b'x'; 10]).unwrap();
            }
        });
        let root = tmp.path();
        let (all, diags) = read(root, &TreeLimits::default());
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(all.map(|files| files.len()), Some(42));
        for total in [100, 255, 300] {
            let limits = TreeLimits {
                max_total_bytes: total,
                ..TreeLimits::default()
            };
            let (tree, diags) = read(root, &limits);
            assert!(tree.is_none());
            assert_eq!(diags.len(), 1, "{diags:?}");
        }
    }

    fn both() -> Option<Vec<String>> {
        Some(vec!["a".to_string(), "b".to_string()])
    }

    /// Two entries, 30 bytes, the largest 20: each limit holds at that value and stops one below.
    #[test]
    fn limits_hold_at_their_value_and_stop_one_past_it() {
        let tmp = folder(|_| {});
        let root = tmp.path();
        let shown = root.display().to_string();
        let with = |f: fn(&mut TreeLimits)| {
            let mut l = TreeLimits::default();
            f(&mut l);
            read(root, &l)
        };
        let ok = (both(), Vec::<String>::new());
        assert_eq!(with(|l| l.max_files = 2), ok);
        assert_eq!(
            with(|l| l.max_files = 1),
            (
                None,
                vec![format!(
                    "{shown} has more than 1 files and folders (limit reached at b)"
                )]
            )
        );
        assert_eq!(with(|l| l.max_total_bytes = 30), ok);
        assert_eq!(
            with(|l| l.max_total_bytes = 29),
            (
                None,
                vec![format!(
                    "{shown} holds more than 29 bytes (limit reached at b)"
                )]
            )
        );
        assert_eq!(with(|l| l.max_file_bytes = 20), ok);
        assert_eq!(
            with(|l| l.max_file_bytes = 19),
            (
                Some(vec!["a".to_string()]),
                vec![format!(
                    "{shown}/b is larger than the 19 byte limit for one file; it is left out"
                )]
            )
        );
    }

    /// An ignore file of exactly 1 MiB is read (it leaves `b` out); one byte more is not.
    #[test]
    fn an_ignore_file_of_one_mebibyte_is_read_and_one_byte_more_is_not() {
        let ignore = |size: usize| {
            move |root: &Path| {
                let mut text = b"b\n".to_vec();
                text.resize(size, b'#');
                fs::write(root.join(IGNORE_FILE), text).unwrap();
            }
        };
        let at = folder(ignore(1 << 20));
        assert_eq!(
            read(at.path(), &TreeLimits::default()),
            (Some(vec![IGNORE_FILE.to_string(), "a".to_string()]), vec![])
        );
        let past = folder(ignore((1 << 20) + 1));
        assert_eq!(
            read(past.path(), &TreeLimits::default()),
            (
                Some(vec![
                    IGNORE_FILE.to_string(),
                    "a".to_string(),
                    "b".to_string()
                ]),
                vec![format!(
                    "{}/{IGNORE_FILE} is larger than 1048576 bytes; it is not read",
                    past.path().display()
                )]
            )
        );
    }

    #[test]
    fn editor_leftovers_and_their_near_misses() {
        for name in [
            "a.swp",
            "a.swo",
            "values.yaml~",
            ".#Chart.yaml",
            "#a#",
            "##",
            ".DS_Store",
        ] {
            assert!(is_editor_leftover(name), "{name}");
            assert!(never_included(name, false), "{name}");
        }
        for name in [
            "a.swpx",
            "swp",
            "a~b",
            "a.#b",
            "#",
            "#a",
            "a#",
            ".DS_Store2",
            "values.yaml",
        ] {
            assert!(!is_editor_leftover(name), "{name}");
            assert!(!never_included(name, false), "{name}");
        }
        // Folders: version control and editors; files: version control (a worktree's `.git`
        // file) and leftovers, but not a file named like an editor folder.
        for name in [".git", ".hg", ".svn", ".bzr", ".idea", ".vscode"] {
            assert!(never_included(name, true), "{name}");
        }
        assert!(never_included(".git", false));
        assert!(!never_included(".idea", false));
        assert!(!never_included("a.swp", true));
        assert!(!never_included("templates", true));
    }

    /// An ignore file linking outside the chart is reported once, when it is loaded, and not
    /// again by the walk; a link elsewhere in the chart is reported by the walk.
    #[test]
    fn a_link_leaving_the_chart_is_reported_once() {
        let outside = tempfile::tempdir().unwrap();
        let target = outside.path().join("ignore");
        fs::write(&target, "b\n").unwrap();
        let canonical = fs::canonicalize(&target).unwrap();
        let tmp = folder(|root| {
            std::os::unix::fs::symlink(&target, root.join(IGNORE_FILE)).unwrap();
            std::os::unix::fs::symlink(&target, root.join("c")).unwrap();
        });
        let shown = tmp.path().display().to_string();
        assert_eq!(
            read(tmp.path(), &TreeLimits::default()),
            (
                both(),
                vec![
                    format!(
                        "symbolic link {shown}/{IGNORE_FILE} points to {}, outside the chart; it is not read",
                        canonical.display()
                    ),
                    format!(
                        "symbolic link {shown}/c points to {}, outside the chart; it is left out",
                        canonical.display()
                    ),
                ]
            )
        );
    }
}
