//! Parse + schema throughput on the bitnami corpus (../shared/corpus/bitnami-rendered), and the
//! cost of validating one small Deployment from a cold start of the schema store.
//!
//! `cargo bench --bench schema -- --quick`

use std::path::{Path, PathBuf};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use kforge::check::CheckContext;
use kforge::config::Config;
use kforge::object::{self, Object};
use kforge::source::{FileId, SourceKind, SourceMap};
use kforge::yaml::Limits;

fn corpus() -> Option<(SourceMap, Vec<FileId>, usize)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/bitnami-rendered");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    paths.sort();
    let mut sources = SourceMap::new();
    let mut files = Vec::new();
    let mut bytes = 0;
    for p in paths
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
    {
        let text = std::fs::read_to_string(p).ok()?;
        bytes += text.len();
        files.push(sources.add(p.display().to_string(), text, SourceKind::Manifest));
    }
    Some((sources, files, bytes))
}

fn check(sources: &SourceMap, objects: &[Object], config: &Config) -> usize {
    let ctx = CheckContext::new(sources, objects, config);
    kforge::schema::check(&ctx).len()
}

fn bench(c: &mut Criterion) {
    let Some((sources, files, bytes)) = corpus() else {
        eprintln!("skipping: ../shared not found");
        return;
    };
    let config = Config::default();
    let (objects, _) = object::parse(&sources, &files, &Limits::default());
    eprintln!(
        "bitnami corpus: {} files, {bytes} bytes, {} objects",
        files.len(),
        objects.len()
    );

    let mut g = c.benchmark_group("bitnami");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function("parse+schema (bytes)", |b| {
        b.iter(|| {
            let (objects, _) = object::parse(&sources, &files, &Limits::default());
            check(&sources, &objects, &config)
        })
    });
    g.throughput(Throughput::Elements(objects.len().max(1) as u64));
    g.bench_function("schema only (objects)", |b| {
        b.iter(|| check(&sources, &objects, &config))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
