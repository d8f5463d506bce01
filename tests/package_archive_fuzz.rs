//! The archive reader never panics: every byte of a valid archive flipped (in the tar stream and
//! in the gzip stream), and every truncation, gives a tree or diagnostics.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use crate::package_support;

use kforge::chart::FileTree;
use kforge::package::{ArchiveOptions, TreeLimits, read_archive, write_archive};
use package_support::{file, gzip};
use proptest::prelude::*;

fn tar_stream() -> Vec<u8> {
    let mut tar = Vec::new();
    file(
        &mut tar,
        "mychart/Chart.yaml",
        b"apiVersion: v2\nname: mychart\nversion: 0.1.0\n",
    );
    file(&mut tar, "mychart/templates/a.yaml", b"kind: ConfigMap\n");
    tar.extend_from_slice(&[0u8; 1024]);
    tar
}

fn limits() -> TreeLimits {
    TreeLimits {
        max_total_bytes: 1 << 20,
        max_file_bytes: 1 << 16,
        max_files: 100,
    }
}

#[test]
fn every_flipped_tar_byte_is_handled() {
    let tar = tar_stream();
    for i in 0..tar.len() {
        for mask in [0x01u8, 0x80, 0xff] {
            let mut t = tar.clone();
            t[i] ^= mask;
            let _ = read_archive(&gzip(&t), "flip.tgz", &limits());
        }
    }
}

#[test]
fn every_truncation_is_refused() {
    let gz = gzip(&tar_stream());
    for cut in 0..gz.len() {
        assert!(
            read_archive(&gz[..cut], "cut.tgz", &limits()).is_err(),
            "cut at {cut}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

    #[test]
    fn flipped_gzip_bytes_never_panic(pos in 0usize..4096, mask in 1u8..=255) {
        let mut gz = gzip(&tar_stream());
        let len = gz.len();
        gz[pos % len] ^= mask;
        let _ = read_archive(&gz, "flip.tgz", &limits());
    }

    #[test]
    fn arbitrary_tar_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..3000)) {
        let _ = read_archive(&gzip(&bytes), "random.tgz", &limits());
    }
}

fn tree_strategy() -> impl Strategy<Value = FileTree> {
    let component = "[a-zA-Z0-9_é][a-zA-Z0-9._é-]{0,40}";
    let path = proptest::collection::vec(component, 1..6).prop_map(|parts| parts.join("/"));
    let content = proptest::collection::vec(any::<u8>(), 0..2000);
    proptest::collection::btree_map(path, content, 1..12).prop_map(|files| FileTree {
        files: files.into_iter().map(|(p, c)| (p, c.into())).collect(),
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Long paths (PAX records), non-ASCII names and any content survive a round trip, and
    /// writing is a pure function of the tree.
    #[test]
    fn written_trees_read_back_equal(tree in tree_strategy(), epoch in proptest::option::of(0u64..4_000_000_000)) {
        let options = ArchiveOptions { source_date_epoch: epoch };
        let bytes = write_archive(&tree, "chart", &options);
        prop_assert_eq!(&bytes, &write_archive(&tree, "chart", &options));
        let back = read_archive(&bytes, "chart.tgz", &TreeLimits::default());
        prop_assert_eq!(back.map(|t| t.files).map_err(|d| d.len()), Ok(tree.files));
    }
}
