//! Builders for hand-made (often hostile) tar archives, shared by the `package_*` tests.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use std::io::Write;

use flate2::Compression;
use flate2::write::GzEncoder;
use tar::{EntryType, Header};

/// A header with `name` written byte for byte (no checks: `..`, absolute, non-UTF-8 all pass).
pub fn header(name: &[u8], kind: EntryType, size: u64) -> Header {
    let mut h = Header::new_gnu();
    {
        let old = h.as_old_mut();
        old.name[..name.len()].copy_from_slice(name);
    }
    h.set_entry_type(kind);
    h.set_mode(0o644);
    h.set_size(size);
    h.set_mtime(0);
    h.set_cksum();
    h
}

pub fn link_header(name: &[u8], kind: EntryType, target: &[u8]) -> Header {
    let mut h = header(name, kind, 0);
    h.as_old_mut().linkname[..target.len()].copy_from_slice(target);
    h.set_cksum();
    h
}

/// Appends one header and its data, padded to 512 bytes.
pub fn push(tar: &mut Vec<u8>, h: &Header, data: &[u8]) {
    tar.extend_from_slice(h.as_bytes());
    tar.extend_from_slice(data);
    tar.resize(tar.len().div_ceil(512) * 512, 0);
}

pub fn file(tar: &mut Vec<u8>, name: &str, data: &[u8]) {
    push(
        tar,
        &header(name.as_bytes(), EntryType::Regular, data.len() as u64),
        data,
    );
}

pub fn finish(mut tar: Vec<u8>) -> Vec<u8> {
    tar.extend_from_slice(&[0u8; 1024]);
    gzip(&tar)
}

pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = GzEncoder::new(Vec::new(), Compression::fast());
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

/// A minimal valid chart archive with `extra` appended before the end marker.
pub fn chart_with(extra: impl FnOnce(&mut Vec<u8>)) -> Vec<u8> {
    let mut tar = Vec::new();
    file(
        &mut tar,
        "mychart/Chart.yaml",
        b"apiVersion: v2\nname: mychart\nversion: 0.1.0\n",
    );
    extra(&mut tar);
    finish(tar)
}

/// The fixture chart of the package tests.
pub fn fixture_chart() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/package/mychart")
}

/// How a copy of a chart differs from another copy with the same content.
pub struct CopyStyle {
    /// Create entries in reverse name order (another directory order on most file systems).
    pub reverse: bool,
    /// Seconds since the epoch for every file's mtime.
    pub mtime: u64,
    pub file_mode: u32,
    pub dir_mode: u32,
}

/// Copies `src` into `dst` (created) the way `style` says.
pub fn copy_tree(src: &std::path::Path, dst: &std::path::Path, style: &CopyStyle) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::create_dir_all(dst).unwrap();
    let mut entries: Vec<_> = std::fs::read_dir(src)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    if style.reverse {
        entries.reverse();
    }
    for path in entries {
        let target = dst.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_tree(&path, &target, style);
            std::fs::set_permissions(&target, std::fs::Permissions::from_mode(style.dir_mode))
                .unwrap();
        } else {
            std::fs::copy(&path, &target).unwrap();
            std::fs::set_permissions(&target, std::fs::Permissions::from_mode(style.file_mode))
                .unwrap();
            let time = std::time::UNIX_EPOCH + std::time::Duration::from_secs(style.mtime);
            let f = std::fs::File::options().write(true).open(&target).unwrap();
            f.set_modified(time).unwrap();
        }
    }
}

/// Whether the current user can be refused by file permissions (root never is).
pub fn permissions_apply(dir: &std::path::Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    let probe = dir.join(".probe");
    std::fs::write(&probe, b"x").unwrap();
    std::fs::set_permissions(&probe, std::fs::Permissions::from_mode(0o000)).unwrap();
    let refused = std::fs::read(&probe).is_err();
    std::fs::set_permissions(&probe, std::fs::Permissions::from_mode(0o644)).unwrap();
    std::fs::remove_file(&probe).unwrap();
    refused
}
