//! The reproducibility contract: a fixed tree gives exactly these bytes. If this fails, the
//! archive format, the deflate backend or its level changed, and every published digest with it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use kforge::chart::FileTree;
use kforge::package::{ArchiveOptions, write_archive};
use sha2::{Digest, Sha256};

fn tree() -> FileTree {
    let mut tree = FileTree::default();
    for (path, data) in [
        (
            "Chart.yaml",
            "apiVersion: v2\nname: golden\nversion: 1.0.0\n",
        ),
        ("values.yaml", "replicaCount: 1\n"),
        (
            "templates/_helpers.tpl",
            "{{- define \"golden.name\" -}}golden{{- end }}\n",
        ),
        (
            "templates/configmap.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ include \"golden.name\" . }}\n",
        ),
    ] {
        tree.files.insert(path.to_string(), data.as_bytes().into());
    }
    tree
}

fn sha(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn golden_hash_default_mtime() {
    let bytes = write_archive(&tree(), "golden", &ArchiveOptions::default());
    assert_eq!(
        sha(&bytes),
        "abda807958b12bc2c5cab2ec63b2e14b4bf5a0a28d47087b85882c781eb4757f"
    );
}

#[test]
fn golden_hash_source_date_epoch() {
    let bytes = write_archive(
        &tree(),
        "golden",
        &ArchiveOptions {
            source_date_epoch: Some(1_700_000_000),
        },
    );
    assert_eq!(
        sha(&bytes),
        "3a135c5b3befd494e7556e626f9f388244065b05107f14021de3ed49809e0913"
    );
}
