//! The byte-reproducible archive writer.
//!
//! The same [`FileTree`] and options always give the same bytes, whatever the machine:
//! - entries are the tree's files in path order (the tree is a `BTreeMap`), each under `<name>/`;
//! - no directory entries (as Helm): tar tools create folders from file paths;
//! - every header is built by hand: ustar, mode 0644 (a chart is data; the tree carries no
//!   permissions, so an executable bit cannot leak in), uid/gid 0, empty owner names, one mtime;
//! - the mtime is `SOURCE_DATE_EPOCH` when given, else [`DEFAULT_MTIME`];
//! - paths longer than the 100-byte ustar name field get a PAX `path` record (written by hand,
//!   so its bytes are fixed too);
//! - gzip header without time or file name, OS byte 255 ("unknown"), level [`GZIP_LEVEL`] on the
//!   pinned zlib-rs backend (another deflate backend gives other bytes: the backend is part of the
//!   reproducibility contract, guarded by a golden-hash test).

use std::io::Write;

use flate2::{Compression, GzBuilder};
use tar::{EntryType, Header};

use crate::chart::FileTree;

/// 1980-01-01T00:00:00Z: the mtime of every entry when no `SOURCE_DATE_EPOCH` is given. Not 0, so
/// extracted files do not look like they date from 1970 (and zip-based tools accept it).
pub const DEFAULT_MTIME: u64 = 315_532_800;

/// The largest mtime a ustar header holds (11 octal digits): 2242-03-16. Larger ones would be
/// written in a binary form that strict readers reject.
pub const MAX_MTIME: u64 = 0o77_777_777_777;

/// `SOURCE_DATE_EPOCH` as the reproducible-builds.org specification asks: a non-negative whole
/// number of seconds; a malformed one is an error, not ignored (the archive would silently
/// differ from the one wanted). An empty value counts as unset.
pub fn parse_source_date_epoch(text: &str) -> Result<Option<u64>, String> {
    if text.is_empty() {
        return Ok(None);
    }
    let what = || format!("SOURCE_DATE_EPOCH={text:?}");
    if !text.bytes().all(|b| b.is_ascii_digit()) {
        let why = if text.starts_with('-') {
            "is negative"
        } else {
            "is not a whole number of seconds since 1970-01-01"
        };
        return Err(format!("{} {why}", what()));
    }
    match text.parse::<u64>() {
        Ok(n) if n <= MAX_MTIME => Ok(Some(n)),
        _ => Err(format!(
            "{} is beyond the largest time a tar header holds ({MAX_MTIME}, in 2242)",
            what()
        )),
    }
}

/// Fixed deflate level.
pub const GZIP_LEVEL: u32 = 9;

const FILE_MODE: u32 = 0o644;
const NAME_FIELD: usize = 100;

#[derive(Clone, Debug, Default)]
pub struct ArchiveOptions {
    /// Seconds since the epoch stamped on every entry (reproducible-builds.org `SOURCE_DATE_EPOCH`).
    pub source_date_epoch: Option<u64>,
}

/// Writes `tree` as a gzip-compressed tar with every entry under `<chart_name>/`.
///
/// Paths are written as given: callers pass trees from [`super::read_dir_tree`] or
/// [`super::read_archive`], whose paths are relative and free of `..`.
pub fn write_archive(tree: &FileTree, chart_name: &str, options: &ArchiveOptions) -> Vec<u8> {
    let mtime = options.source_date_epoch.unwrap_or(DEFAULT_MTIME);
    let mut tar = Vec::new();
    for (path, data) in &tree.files {
        let full = format!("{chart_name}/{path}");
        if full.len() > NAME_FIELD {
            let record = pax_record("path", &full);
            append(
                &mut tar,
                &header(
                    EntryType::XHeader,
                    "././@PaxHeader",
                    record.len() as u64,
                    mtime,
                ),
                &record,
            );
        }
        let name = truncate_to_boundary(&full, NAME_FIELD);
        append(
            &mut tar,
            &header(EntryType::Regular, name, data.len() as u64, mtime),
            data,
        );
    }
    // End of archive: two zero blocks.
    tar.extend_from_slice(&[0u8; 1024]);
    gzip(&tar)
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = GzBuilder::new()
        .mtime(0)
        .operating_system(255)
        .write(Vec::new(), Compression::new(GZIP_LEVEL));
    // Writing to a Vec cannot fail; an error here would be a bug in flate2, and an empty result
    // is then safer than a panic: the caller's digest and size show it.
    if encoder.write_all(data).is_err() {
        return Vec::new();
    }
    encoder.finish().unwrap_or_default()
}

fn header(kind: EntryType, name: &str, size: u64, mtime: u64) -> Header {
    let mut h = Header::new_ustar();
    h.set_entry_type(kind);
    if let Some(ustar) = h.as_ustar_mut() {
        let n = name.len().min(ustar.name.len());
        if let (Some(dst), Some(src)) = (ustar.name.get_mut(..n), name.as_bytes().get(..n)) {
            dst.copy_from_slice(src);
        }
    }
    h.set_mode(FILE_MODE);
    h.set_uid(0);
    h.set_gid(0);
    h.set_size(size);
    h.set_mtime(mtime);
    // Empty names: `set_username("")` writes nothing, the fields stay zeroed.
    h.set_cksum();
    h
}

/// Appends one header and its data padded to a 512-byte block.
fn append(tar: &mut Vec<u8>, header: &Header, data: &[u8]) {
    tar.extend_from_slice(header.as_bytes());
    tar.extend_from_slice(data);
    let pad = (512 - data.len() % 512) % 512;
    tar.resize(tar.len() + pad, 0);
}

/// One PAX record: `"<len> <key>=<value>\n"`, where `<len>` counts the whole record, itself included.
fn pax_record(key: &str, value: &str) -> Vec<u8> {
    let body = key.len() + value.len() + 3; // space, '=', newline
    let mut len = body + 1;
    while body + len.to_string().len() != len {
        len = body + len.to_string().len();
    }
    format!("{len} {key}={value}\n").into_bytes()
}

/// The longest prefix of `s` of at most `max` bytes that ends on a character boundary.
fn truncate_to_boundary(s: &str, max: usize) -> &str {
    let mut end = max.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or("")
}

#[cfg(test)]
mod tests {
    #[test]
    fn source_date_epoch_is_checked() {
        use super::parse_source_date_epoch as p;
        assert_eq!(p(""), Ok(None));
        assert_eq!(p("0"), Ok(Some(0)));
        assert_eq!(p("1700000000"), Ok(Some(1_700_000_000)));
        assert_eq!(p("8589934591"), Ok(Some(8_589_934_591)));
        assert_eq!(
            p("-1"),
            Err("SOURCE_DATE_EPOCH=\"-1\" is negative".to_string())
        );
        assert_eq!(
            p("soon"),
            Err(
                "SOURCE_DATE_EPOCH=\"soon\" is not a whole number of seconds since 1970-01-01"
                    .to_string()
            )
        );
        assert_eq!(
            p("8589934592"),
            Err("SOURCE_DATE_EPOCH=\"8589934592\" is beyond the largest time a tar header holds (8589934591, in 2242)".to_string())
        );
        assert!(p("99999999999999999999999").is_err());
    }

    use super::*;

    #[test]
    fn pax_record_length_counts_itself() {
        let r = pax_record("path", "a");
        assert_eq!(r, b"9 path=a\n");
        let long = "x".repeat(95);
        let r = String::from_utf8(pax_record("path", &long)).unwrap_or_default();
        assert_eq!(r.len().to_string(), r.split(' ').next().unwrap_or_default());
    }

    #[test]
    fn truncation_keeps_characters_whole() {
        assert_eq!(truncate_to_boundary("aé", 2), "a");
        assert_eq!(truncate_to_boundary("abc", 10), "abc");
    }

    /// A ustar name holds 100 bytes: a path of exactly 100 is written as it is, one of 101 gets
    /// a PAX `path` record first; both read back whole.
    #[test]
    fn paths_of_100_bytes_fit_the_header_and_101_take_a_pax_record() {
        use std::io::Read;
        for full_len in [99, 100, 101] {
            // "c/" + name.
            let name = "x".repeat(full_len - 2);
            let mut tree = FileTree::default();
            tree.files
                .insert(name.clone(), std::sync::Arc::from(&b"1"[..]));
            let bytes = write_archive(&tree, "c", &ArchiveOptions::default());
            let mut tar = Vec::new();
            flate2::read::GzDecoder::new(&bytes[..])
                .read_to_end(&mut tar)
                .unwrap();
            let pax = tar.windows(14).any(|w| w == b"././@PaxHeader");
            assert_eq!(pax, full_len > 100, "{full_len}");
            // One 512-byte header and one data block per entry, two zero blocks at the end.
            let entries = if full_len > 100 { 2 } else { 1 };
            assert_eq!(tar.len(), entries * 1024 + 1024, "{full_len}");
            let read = crate::package::read_archive(&bytes, "c.tgz", &Default::default()).unwrap();
            assert_eq!(
                read.files.keys().collect::<Vec<_>>(),
                vec![&name],
                "{full_len}"
            );
        }
    }
}
