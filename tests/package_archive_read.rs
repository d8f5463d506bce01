//! The archive reader against hostile and broken archives: each is refused quickly, with a
//! diagnostic that names the rule and the entry.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use crate::package_support;

use std::io::Write;

use flate2::Compression;
use flate2::write::GzEncoder;
use kforge::chart::FileTree;
use kforge::diag::{Diagnostic, Severity};
use kforge::package::{ArchiveOptions, TreeLimits, read_archive, write_archive};
use package_support::{chart_with, file, finish, header, link_header, push};
use tar::EntryType;

/// Reads `bytes`, expects a refusal, and returns the diagnostics.
fn refused(bytes: &[u8]) -> Vec<Diagnostic> {
    refused_with(bytes, &TreeLimits::default())
}

fn refused_with(bytes: &[u8], limits: &TreeLimits) -> Vec<Diagnostic> {
    // Bounded by the limits (bytes inflated, entries read), never by a clock: tests here do not
    // time themselves.
    let result = read_archive(bytes, "hostile.tgz", limits);
    match result {
        Ok(tree) => panic!("accepted: {:?}", tree.files.keys().collect::<Vec<_>>()),
        Err(diags) => {
            assert!(!diags.is_empty());
            diags
        }
    }
}

fn has(diags: &[Diagnostic], rule: &str, text: &str) {
    assert!(
        diags
            .iter()
            .any(|d| d.rule.id == rule && d.message.contains(text)),
        "no {rule} mentioning {text:?} in {:#?}",
        diags
            .iter()
            .map(|d| format!("{}: {}", d.rule.id, d.message))
            .collect::<Vec<_>>()
    );
}

#[test]
fn path_traversal_is_refused() {
    let d = refused(&chart_with(|t| {
        file(t, "mychart/../../etc/passwd", b"root")
    }));
    has(
        &d,
        "package/unsafe-entry",
        "`mychart/../../etc/passwd` has a `..` component",
    );
    assert!(d.iter().all(|d| d.severity == Severity::Fatal));
}

#[test]
fn absolute_path_is_refused() {
    let d = refused(&chart_with(|t| {
        file(t, "/etc/cron.d/evil", b"* * * * * root sh")
    }));
    has(
        &d,
        "package/unsafe-entry",
        "`/etc/cron.d/evil` has an absolute path",
    );
}

#[test]
fn symlink_is_refused() {
    let d = refused(&chart_with(|t| {
        push(
            t,
            &link_header(
                b"mychart/templates/x.yaml",
                EntryType::Symlink,
                b"/etc/passwd",
            ),
            b"",
        );
    }));
    has(
        &d,
        "package/unsafe-entry",
        "`mychart/templates/x.yaml` is a symbolic link",
    );
}

#[test]
fn hard_link_is_refused() {
    let d = refused(&chart_with(|t| {
        push(
            t,
            &link_header(b"mychart/values.yaml", EntryType::Link, b"/etc/shadow"),
            b"",
        );
    }));
    has(
        &d,
        "package/unsafe-entry",
        "`mychart/values.yaml` is a hard link",
    );
}

#[test]
fn devices_and_fifos_are_refused() {
    let d = refused(&chart_with(|t| {
        push(t, &header(b"mychart/dev", EntryType::Char, 0), b"");
        push(t, &header(b"mychart/blk", EntryType::Block, 0), b"");
        push(t, &header(b"mychart/pipe", EntryType::Fifo, 0), b"");
    }));
    has(&d, "package/unsafe-entry", "`mychart/dev` is a device file");
    has(&d, "package/unsafe-entry", "`mychart/blk` is a device file");
    has(&d, "package/unsafe-entry", "`mychart/pipe` is a named pipe");
}

#[test]
fn duplicate_names_are_refused() {
    let d = refused(&chart_with(|t| {
        file(t, "mychart/values.yaml", b"a: 1\n");
        file(t, "mychart/./values.yaml", b"a: 2\n");
    }));
    has(
        &d,
        "package/unsafe-entry",
        "`mychart/./values.yaml` appears twice",
    );
}

#[test]
fn non_utf8_name_is_refused() {
    let d = refused(&chart_with(|t| {
        push(
            t,
            &header(b"mychart/\xff\xfe.yaml", EntryType::Regular, 0),
            b"",
        )
    }));
    has(&d, "package/unsafe-entry", "not valid UTF-8");
}

#[test]
fn several_top_level_folders_are_refused() {
    let d = refused(&chart_with(|t| {
        file(t, "other/Chart.yaml", b"name: other\n")
    }));
    has(
        &d,
        "package/layout",
        "`other/Chart.yaml` is outside the chart folder `mychart/`",
    );
}

#[test]
fn files_beside_the_chart_folder_are_refused() {
    let mut tar = Vec::new();
    file(&mut tar, "Chart.yaml", b"name: x\n");
    let d = refused(&finish(tar));
    has(
        &d,
        "package/layout",
        "`Chart.yaml` is not inside a chart folder",
    );
}

#[test]
fn truncated_gzip_is_refused() {
    let good = chart_with(|t| file(t, "mychart/values.yaml", &[b'x'; 10_000]));
    for cut in [11, good.len() / 2, good.len() - 4] {
        let d = refused(&good[..cut]);
        has(
            &d,
            "package/corrupt",
            "hostile.tgz: not a readable chart archive",
        );
    }
}

#[test]
fn corrupted_byte_is_refused() {
    let mut bytes = chart_with(|t| file(t, "mychart/values.yaml", b"a: 1\n"));
    let last = bytes.len() - 6; // inside the CRC32 trailer
    bytes[last] ^= 0xff;
    has(
        &refused(&bytes),
        "package/corrupt",
        "not a readable chart archive",
    );
}

#[test]
fn not_gzip_is_refused() {
    has(
        &refused(b"apiVersion: v1\nkind: Pod\n"),
        "package/corrupt",
        "not a gzip file",
    );
    has(&refused(b""), "package/corrupt", "not a gzip file");
}

#[test]
fn empty_archive_is_refused() {
    has(
        &refused(&finish(Vec::new())),
        "package/layout",
        "holds no files",
    );
}

#[test]
fn file_larger_than_the_limit_is_refused_from_its_header() {
    // The header claims 1 GiB; the data is never there, nor read.
    let mut tar = Vec::new();
    file(&mut tar, "mychart/Chart.yaml", b"name: x\n");
    tar.extend_from_slice(header(b"mychart/big.bin", EntryType::Regular, 1 << 30).as_bytes());
    let d = refused(&package_support::gzip(&tar));
    has(
        &d,
        "package/limit",
        "file `mychart/big.bin` is 1073741824 bytes, more than the 5242880 byte limit",
    );
}

/// 1 GiB of zeros in 4 MiB files (each under the single-file limit), compressed as it is
/// produced: the test never holds the inflated archive.
#[test]
fn gzip_bomb_is_refused_without_inflating_it() {
    const FILE: u64 = 4 << 20;
    let mut enc = GzEncoder::new(Vec::new(), Compression::best());
    let zeros = vec![0u8; 1 << 20];
    for i in 0..256 {
        let name = format!("mychart/zeros-{i:03}.bin");
        enc.write_all(header(name.as_bytes(), EntryType::Regular, FILE).as_bytes())
            .unwrap();
        for _ in 0..4 {
            enc.write_all(&zeros).unwrap();
        }
    }
    enc.write_all(&[0u8; 1024]).unwrap();
    let bomb = enc.finish().unwrap();
    assert!(bomb.len() < 2 << 20, "bomb is {} bytes", bomb.len());

    let d = refused(&bomb);
    has(
        &d,
        "package/limit",
        "hostile.tgz: decompressed content is larger than 104857600 bytes",
    );
}

/// Zeros after the tar end marker are never part of a file: the bounded stream still stops them.
#[test]
fn trailing_bomb_after_the_end_marker_is_refused() {
    let mut enc = GzEncoder::new(Vec::new(), Compression::fast());
    let mut tar = Vec::new();
    file(&mut tar, "mychart/Chart.yaml", b"name: x\n");
    enc.write_all(&tar).unwrap();
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..256 {
        enc.write_all(&zeros).unwrap();
    }
    let bomb = enc.finish().unwrap();
    let limits = TreeLimits {
        max_total_bytes: 16 << 20,
        ..TreeLimits::default()
    };
    has(
        &refused_with(&bomb, &limits),
        "package/limit",
        "larger than 16777216 bytes",
    );
}

#[test]
fn hundred_thousand_tiny_files_are_refused_at_the_file_limit() {
    let mut enc = GzEncoder::new(Vec::new(), Compression::fast());
    for i in 0..100_000 {
        let name = format!("mychart/f/{i:06}");
        enc.write_all(header(name.as_bytes(), EntryType::Regular, 1).as_bytes())
            .unwrap();
        let mut block = [0u8; 512];
        block[0] = b'x';
        enc.write_all(&block).unwrap();
    }
    enc.write_all(&[0u8; 1024]).unwrap();
    let bytes = enc.finish().unwrap();

    let d = refused(&bytes);
    has(
        &d,
        "package/limit",
        "hostile.tgz: more than 10000 files and folders; reading stopped at `mychart/f/010000`",
    );
}

#[test]
fn many_refused_entries_stop_after_fifty_problems() {
    let mut tar = Vec::new();
    for i in 0..5_000 {
        push(
            &mut tar,
            &link_header(format!("mychart/l{i}").as_bytes(), EntryType::Symlink, b"/"),
            b"",
        );
    }
    let d = refused(&finish(tar));
    assert_eq!(d.len(), 50);
    assert_eq!(
        d[49].notes,
        vec!["further entries were not examined".to_string()]
    );
}

#[test]
fn git_archive_global_header_is_not_a_file() {
    let mut tar = Vec::new();
    let record = b"52 comment=0123456789012345678901234567890123456789\n";
    push(
        &mut tar,
        &header(
            b"pax_global_header",
            EntryType::XGlobalHeader,
            record.len() as u64,
        ),
        record,
    );
    file(&mut tar, "mychart/Chart.yaml", b"name: x\n");
    let tree = read_archive(&finish(tar), "git.tgz", &TreeLimits::default()).unwrap();
    assert_eq!(tree.files.keys().collect::<Vec<_>>(), vec!["Chart.yaml"]);
}

#[test]
fn written_archive_reads_back_equal() {
    let mut tree = FileTree::default();
    let long = format!("templates/{}/deep.yaml", "very-long-folder-name".repeat(6));
    for (path, data) in [
        (
            "Chart.yaml",
            &b"apiVersion: v2\nname: web\nversion: 1.0.0\n"[..],
        ),
        ("values.yaml", b"image: nginx\n"),
        ("templates/_helpers.tpl", b"{{- define \"x\" }}x{{ end }}\n"),
        ("templates/déploiement.yaml", b"kind: Deployment\n"),
        ("files/empty", b""),
        (long.as_str(), b"kind: ConfigMap\n"),
    ] {
        tree.files.insert(path.to_string(), data.into());
    }
    let bytes = write_archive(&tree, "web", &ArchiveOptions::default());
    let back = read_archive(&bytes, "web-1.0.0.tgz", &TreeLimits::default()).unwrap();
    assert_eq!(back.files, tree.files);
}
