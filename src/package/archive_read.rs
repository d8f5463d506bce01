//! Reading a chart archive (`.tgz`) in memory, safely.
//!
//! The decompressed stream is bounded: reading stops as soon as it passes `max_total_bytes`
//! (headers included), so a gzip bomb is refused after inflating at most that much. File count and
//! single file size are checked from each header before its data is read. Entries that could
//! escape the chart when extracted (absolute paths, `..`, links, devices, duplicates, names that
//! are not UTF-8 or hold control characters) refuse the whole archive. Every gzip member is read,
//! as Helm, tar and Python do, and data after the tar's end marker refuses the archive: what
//! kforge checks is what any of them would unpack. Nothing is written to disk.

use std::cell::Cell;
use std::collections::BTreeSet;
use std::io::{self, Read};
use std::rc::Rc;
use std::sync::Arc;

use flate2::read::MultiGzDecoder;
use tar::{Archive, EntryType};

use super::TreeLimits;
use super::names::{has_control, shown_name};
use crate::catalog::package::{CORRUPT, LAYOUT, LIMIT, UNSAFE_ENTRY, UNSAFE_NAME};
use crate::chart::FileTree;
use crate::diag::Diagnostic;

/// Problems reported for one archive before reading stops: it is refused anyway.
const MAX_PROBLEMS: usize = 50;

/// Passes bytes through until `limit` have been read, then fails every read and raises `tripped`.
struct BoundedReader<R> {
    inner: R,
    read: u64,
    limit: u64,
    tripped: Rc<Cell<bool>>,
}

impl<R: Read> Read for BoundedReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.read >= self.limit {
            // One byte more tells a stream of exactly `limit` bytes from a longer one.
            let mut probe = [0u8; 1];
            if self.inner.read(&mut probe)? == 0 {
                return Ok(0);
            }
            self.tripped.set(true);
            return Err(io::Error::other("decompressed size limit reached"));
        }
        let room = usize::try_from(self.limit - self.read)
            .unwrap_or(usize::MAX)
            .min(buf.len());
        let Some(window) = buf.get_mut(..room) else {
            return Ok(0);
        };
        let n = self.inner.read(window)?;
        self.read += n as u64;
        Ok(n)
    }
}

/// Collects the problems of one archive; a fatal one ends the reading.
struct Reader<'a> {
    name: &'a str,
    limits: &'a TreeLimits,
    diags: Vec<Diagnostic>,
    tripped: Rc<Cell<bool>>,
}

impl Reader<'_> {
    fn limit_reached(&self) -> Diagnostic {
        Diagnostic::new(
            &LIMIT,
            format!(
                "{}: decompressed content is larger than {} bytes; reading stopped (a gzip bomb?)",
                self.name, self.limits.max_total_bytes
            ),
        )
        .with_help("raise the total size limit if this chart really is that large")
    }

    /// A read error, told apart from the limit having been reached.
    fn stream_error(&self, e: &io::Error) -> Diagnostic {
        if self.tripped.get() {
            return self.limit_reached();
        }
        Diagnostic::new(&CORRUPT, format!("{}: not a readable chart archive: {e}", self.name))
            .with_help("a chart archive is a gzip-compressed tar file, as written by `kforge package` or `helm package`")
    }

    fn unsafe_entry(&mut self, entry: &str, why: &str) {
        self.diags.push(
            Diagnostic::new(
                &UNSAFE_ENTRY,
                format!(
                    "{}: entry `{entry}` {why}; the archive is refused",
                    self.name
                ),
            )
            .with_help(
                "a chart archive holds only plain files and folders under one top-level folder",
            ),
        );
    }
}

pub fn read_archive(
    bytes: &[u8],
    display_name: &str,
    limits: &TreeLimits,
) -> Result<FileTree, Vec<Diagnostic>> {
    let tripped = Rc::new(Cell::new(false));
    let mut r = Reader {
        name: display_name,
        limits,
        diags: Vec::new(),
        tripped: Rc::clone(&tripped),
    };
    if !bytes.starts_with(&[0x1f, 0x8b]) {
        let d = Diagnostic::new(&CORRUPT, format!("{display_name}: not a gzip file (a chart archive is a .tgz)"))
            .with_help("a chart archive is a gzip-compressed tar file, as written by `kforge package` or `helm package`");
        return Err(vec![d]);
    }
    let bounded = BoundedReader {
        inner: MultiGzDecoder::new(bytes),
        read: 0,
        limit: limits.max_total_bytes,
        tripped,
    };
    let mut archive = Archive::new(bounded);
    let tree = read_entries(&mut archive, &mut r);
    let Some(tree) = tree else {
        return Err(r.diags);
    };
    if !r.diags.is_empty() {
        return Err(r.diags);
    }
    // Read to the end of the gzip stream, every member (still bounded), so truncation and bad
    // checksums show, and so nothing hides after the tar's end marker: a tool that reads on
    // past it (`tar -i`) would install files kforge never saw.
    let mut rest = archive.into_inner();
    match trailing_data(&mut rest) {
        Ok(None) => {}
        Ok(Some(offset)) => {
            let d = Diagnostic::new(
                &UNSAFE_ENTRY,
                format!(
                    "{display_name}: data follows the end of the tar archive ({offset} bytes after it); the archive is refused"
                ),
            )
            .with_help("some tools read on past the end marker and would see files kforge did not check; package the chart again");
            return Err(vec![d]);
        }
        Err(e) => return Err(vec![r.stream_error(&e)]),
    }
    if tree.files.is_empty() {
        let d = Diagnostic::new(
            &LAYOUT,
            format!("{display_name}: the archive holds no files"),
        );
        return Err(vec![d]);
    }
    Ok(tree)
}

/// Where the first non-zero byte after the tar's end marker is (tar pads with zeros), if any.
fn trailing_data(rest: &mut impl Read) -> io::Result<Option<u64>> {
    let mut buf = [0u8; 8192];
    let mut offset: u64 = 0;
    loop {
        let n = match rest.read(&mut buf) {
            Ok(0) => return Ok(None),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let chunk = buf.get(..n).unwrap_or(&[]);
        if let Some(i) = chunk.iter().position(|&b| b != 0) {
            return Ok(Some(offset + i as u64));
        }
        offset += n as u64;
    }
}

/// `None` when reading had to stop (a diagnostic says why).
fn read_entries<R: Read>(archive: &mut Archive<R>, r: &mut Reader<'_>) -> Option<FileTree> {
    let entries = match archive.entries() {
        Ok(e) => e,
        Err(e) => {
            r.diags.push(r.stream_error(&e));
            return None;
        }
    };
    let mut tree = FileTree::default();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut top: Option<String> = None;
    let mut total: u64 = 0;
    let mut entry_count: usize = 0;
    for item in entries {
        let mut entry = match item {
            Ok(e) => e,
            Err(e) => {
                r.diags.push(r.stream_error(&e));
                return None;
            }
        };
        // Every entry counts, folders and refused ones too: the limit bounds the work, not only
        // the tree.
        entry_count += 1;
        if entry_count > r.limits.max_files {
            let shown = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
            r.diags.push(
                Diagnostic::new(
                    &LIMIT,
                    format!(
                        "{}: more than {} files and folders; reading stopped at `{shown}`",
                        r.name, r.limits.max_files
                    ),
                )
                .with_help("raise the file limit if this chart really has that many files"),
            );
            return None;
        }
        if r.diags.len() >= MAX_PROBLEMS {
            if let Some(last) = r.diags.pop() {
                r.diags
                    .push(last.with_note("further entries were not examined"));
            }
            return None;
        }
        let kind = entry.header().entry_type();
        if kind.is_pax_global_extensions() {
            // `git archive` writes one with the commit id: metadata, not a file.
            continue;
        }
        let raw = entry.path_bytes().into_owned();
        let Some((path, rel)) = entry_name(raw, kind, r, &mut top) else {
            continue;
        };
        if kind.is_dir() {
            continue;
        }
        if rel.is_empty() {
            r.diags.push(Diagnostic::new(
                &LAYOUT,
                format!(
                    "{}: file `{path}` is not inside a chart folder; expected `<chart>/{path}`",
                    r.name
                ),
            ));
            continue;
        }
        if !seen.insert(rel.clone()) {
            r.unsafe_entry(&path, "appears twice (which copy wins depends on the tool)");
            continue;
        }
        let size = entry.size();
        if size > r.limits.max_file_bytes {
            r.diags.push(
                Diagnostic::new(
                    &LIMIT,
                    format!(
                        "{}: file `{path}` is {size} bytes, more than the {} byte limit for one file",
                        r.name, r.limits.max_file_bytes
                    ),
                )
                .with_help("raise the single file limit if this file really belongs in the chart"),
            );
            return None;
        }
        total = total.saturating_add(size);
        if total > r.limits.max_total_bytes {
            r.diags.push(r.limit_reached());
            return None;
        }
        let mut data = Vec::with_capacity(usize::try_from(size).unwrap_or(0).min(1 << 20));
        if let Err(e) = (&mut entry).take(size).read_to_end(&mut data) {
            r.diags.push(r.stream_error(&e));
            return None;
        }
        if (data.len() as u64) < size {
            r.diags.push(Diagnostic::new(
                &CORRUPT,
                format!("{}: file `{path}` is truncated", r.name),
            ));
            return None;
        }
        tree.files.insert(rel, Arc::from(data));
    }
    Some(tree)
}

/// The entry's path and its name inside the chart folder; `None` when the entry is skipped
/// (a refused name, reported, or a second top-level folder).
fn entry_name(
    raw: Vec<u8>,
    kind: EntryType,
    r: &mut Reader<'_>,
    top: &mut Option<String>,
) -> Option<(String, String)> {
    let Ok(path) = String::from_utf8(raw.clone()) else {
        let shown = String::from_utf8_lossy(&raw).into_owned();
        r.unsafe_entry(&shown, "has a name that is not valid UTF-8");
        return None;
    };
    if has_control(&path) {
        r.diags.push(
            Diagnostic::new(
                &UNSAFE_NAME,
                format!(
                    "{}: entry `{}` has a control character or a line separator in its name, which would change the `# Source:` lines and file names kforge writes; the archive is refused",
                    r.name,
                    shown_name(&path)
                ),
            )
            .with_help("rename the file in the chart and package it again"),
        );
        return None;
    }
    if let Some(why) = unsafe_kind(kind) {
        r.unsafe_entry(&path, why);
        return None;
    }
    let parts = checked_components(&path, r)?;
    let Some((first, rest)) = parts.split_first() else {
        r.unsafe_entry(&path, "has an empty name");
        return None;
    };
    match &*top {
        None => *top = Some(first.clone()),
        Some(t) if t != first => {
            r.diags.push(Diagnostic::new(
                &LAYOUT,
                format!(
                    "{}: entry `{path}` is outside the chart folder `{t}/`; a chart archive has one top-level folder",
                    r.name
                ),
            ));
            return None;
        }
        Some(_) => {}
    }
    let rel = rest.join("/");
    Some((path, rel))
}

/// Why an entry type is refused, if it is.
fn unsafe_kind(kind: EntryType) -> Option<&'static str> {
    match kind {
        EntryType::Regular | EntryType::Continuous | EntryType::Directory => None,
        EntryType::Symlink => Some("is a symbolic link"),
        EntryType::Link => Some("is a hard link"),
        EntryType::Char | EntryType::Block => Some("is a device file"),
        EntryType::Fifo => Some("is a named pipe (fifo)"),
        EntryType::GNUSparse => Some("is a sparse file, which chart archives do not use"),
        _ => Some("has an entry type chart archives do not use"),
    }
}

/// The path's components, or `None` (with a diagnostic) when it could escape the extraction folder.
fn checked_components(path: &str, r: &mut Reader<'_>) -> Option<Vec<String>> {
    if path.starts_with('/') {
        r.unsafe_entry(path, "has an absolute path");
        return None;
    }
    if path.contains('\\') {
        r.unsafe_entry(path, "contains a backslash, a path separator on Windows");
        return None;
    }
    if path.as_bytes().get(1) == Some(&b':') {
        r.unsafe_entry(path, "starts with a drive letter");
        return None;
    }
    let mut parts = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                r.unsafe_entry(path, "has a `..` component that climbs out of the chart");
                return None;
            }
            _ => parts.push(part.to_string()),
        }
    }
    Some(parts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::package::{ArchiveOptions, write_archive};

    /// A chart archive holding Chart.yaml and a `data.bin` of `size` bytes.
    fn archive(size: usize) -> Vec<u8> {
        let mut tree = FileTree::default();
        tree.files.insert(
            "Chart.yaml".into(),
            Arc::from(&b"name: c\nversion: 1.0.0\n"[..]),
        );
        tree.files
            .insert("data.bin".into(), Arc::from(vec![b'x'; size]));
        write_archive(&tree, "c", &ArchiveOptions::default())
    }

    fn messages(result: Result<FileTree, Vec<Diagnostic>>) -> Vec<String> {
        match result {
            Ok(_) => Vec::new(),
            Err(diags) => diags.iter().map(|d| d.message.clone()).collect(),
        }
    }

    fn limits(max_total_bytes: u64, max_file_bytes: u64) -> TreeLimits {
        TreeLimits {
            max_total_bytes,
            max_file_bytes,
            ..TreeLimits::default()
        }
    }

    #[test]
    fn a_file_of_exactly_the_limit_is_read() {
        let bytes = archive(1000);
        let tree = read_archive(&bytes, "c.tgz", &limits(1 << 20, 1000)).unwrap();
        assert_eq!(tree.files.get("data.bin").map(|d| d.len()), Some(1000));
        assert_eq!(
            messages(read_archive(&bytes, "c.tgz", &limits(1 << 20, 999))),
            vec![
                "c.tgz: file `c/data.bin` is 1000 bytes, more than the 999 byte limit for one file"
            ]
        );
    }

    /// The total limit counts the decompressed stream (headers and padding included): a stream
    /// of exactly the limit is read, one byte more is refused.
    #[test]
    fn a_stream_of_exactly_the_total_limit_is_read() {
        let bytes = archive(1000);
        let mut inflated = Vec::new();
        MultiGzDecoder::new(&bytes[..])
            .read_to_end(&mut inflated)
            .unwrap();
        let exact = inflated.len() as u64;
        assert!(read_archive(&bytes, "c.tgz", &limits(exact, 1 << 20)).is_ok());
        assert_eq!(
            messages(read_archive(&bytes, "c.tgz", &limits(exact - 1, 1 << 20))),
            vec![format!(
                "c.tgz: decompressed content is larger than {} bytes; reading stopped (a gzip bomb?)",
                exact - 1
            )]
        );
    }

    /// The files' sizes alone are checked from the headers, before any data is read.
    #[test]
    fn files_totalling_more_than_the_limit_are_refused() {
        let bytes = archive(1000);
        assert_eq!(
            messages(read_archive(&bytes, "c.tgz", &limits(1010, 1 << 20))),
            vec![
                "c.tgz: decompressed content is larger than 1010 bytes; reading stopped (a gzip bomb?)"
            ]
        );
    }

    #[test]
    fn the_file_count_limit_counts_every_entry() {
        let bytes = archive(10);
        let at = |max_files| TreeLimits {
            max_files,
            ..TreeLimits::default()
        };
        // Chart.yaml and data.bin (write_archive writes no folder entries).
        assert!(read_archive(&bytes, "c.tgz", &at(2)).is_ok());
        assert_eq!(
            messages(read_archive(&bytes, "c.tgz", &at(1))),
            vec!["c.tgz: more than 1 files and folders; reading stopped at `c/data.bin`"]
        );
    }

    /// An archive of `links` symbolic links `c/l0`, `c/l1`, … (each one a refused entry).
    fn symlinks(links: usize) -> Vec<u8> {
        use std::io::Write;
        let mut tar = tar::Builder::new(Vec::new());
        for i in 0..links {
            let mut h = tar::Header::new_ustar();
            h.set_entry_type(EntryType::Symlink);
            h.set_path(format!("c/l{i}")).unwrap();
            h.set_link_name("/").unwrap();
            h.set_size(0);
            h.set_cksum();
            tar.append(&h, &[][..]).unwrap();
        }
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(&tar.into_inner().unwrap()).unwrap();
        gz.finish().unwrap()
    }

    /// Fifty problems are all reported as they are; a fifty-first entry is not examined, and the
    /// fiftieth problem says so.
    #[test]
    fn reading_stops_after_fifty_problems() {
        for (links, reported, noted) in [(49, 49, false), (50, 50, false), (51, 50, true)] {
            let Err(diags) = read_archive(&symlinks(links), "c.tgz", &TreeLimits::default()) else {
                panic!("{links} symbolic links were accepted");
            };
            assert_eq!(diags.len(), reported, "{links}");
            assert_eq!(
                diags.last().unwrap().message,
                format!(
                    "c.tgz: entry `c/l{}` is a symbolic link; the archive is refused",
                    reported - 1
                )
            );
            let notes: Vec<&str> = diags
                .iter()
                .flat_map(|d| &d.notes)
                .map(String::as_str)
                .collect();
            let expected: &[&str] = if noted {
                &["further entries were not examined"]
            } else {
                &[]
            };
            assert_eq!(notes, expected, "{links}");
        }
    }
}
