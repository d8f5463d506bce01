//! Criterion benchmarks of issue 8: each stage and the whole pipeline on the shared corpora, a
//! large generated chart, and whole-process start-up on a one-file chart.
//! Run: `cargo bench --bench pipeline` (figures: `scripts/bench` prints a compact table).

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use kforge::chart::Input;
use kforge::check::CheckContext;
use kforge::source::FileId;
use kforge::{Options, bench, object};

// The binary's allocator, so that the figures are the binary's.
#[global_allocator]
static GLOBAL: kforge::memory::Guarded<mimalloc::MiMalloc> =
    kforge::memory::Guarded::new(mimalloc::MiMalloc);

fn corpus_files(
    sources: &mut kforge::source::SourceMap,
    dir: &std::path::Path,
) -> (Vec<FileId>, u64) {
    let paths = bench::yaml_files(dir);
    let mut bytes = 0;
    let mut files = Vec::new();
    for p in paths {
        if let Ok(text) = std::fs::read_to_string(&p) {
            bytes += text.len() as u64;
            files.push(sources.add(
                p.display().to_string(),
                text,
                kforge::source::SourceKind::Manifest,
            ));
        }
    }
    (files, bytes)
}

fn stages(c: &mut Criterion) {
    let Some(shared) = bench::shared_dir() else {
        eprintln!("skipping corpus benchmarks: ../shared not found");
        return;
    };
    let options = Options::default();
    for (label, dir) in [
        ("bitnami", shared.join("corpus/bitnami-rendered")),
        ("k8s-examples", shared.join("corpus/kubernetes-examples")),
    ] {
        let mut sources = kforge::source::SourceMap::new();
        let (files, bytes) = corpus_files(&mut sources, &dir);
        let mut group = c.benchmark_group(label);
        group.throughput(Throughput::Bytes(bytes));
        group
            .sample_size(20)
            .measurement_time(Duration::from_secs(5));
        group.bench_function("whole pipeline", |b| {
            b.iter(|| kforge::run(&[Input::Path(dir.clone())], &options))
        });
        group.bench_function("parse", |b| {
            b.iter(|| object::parse(&sources, &files, &options.yaml))
        });
        let (objects, _) = object::parse(&sources, &files, &options.yaml);
        let ctx = CheckContext {
            kube_version: options.kube_version,
            ..CheckContext::new(&sources, &objects, &options.config)
        };
        group.bench_function("schema", |b| b.iter(|| kforge::schema::check(&ctx)));
        group.bench_function("rules", |b| b.iter(|| kforge::rules::check(&ctx)));
        group.bench_function("cluster", |b| {
            b.iter(|| kforge::cluster::apply(&ctx, &options.cluster_profile))
        });
        group.finish();
    }
}

fn large_chart(c: &mut Criterion) {
    let Ok(tmp) = tempfile::tempdir() else { return };
    let Ok(chart) = bench::write_large_chart(tmp.path(), 200, 10) else {
        return;
    };
    let options = Options::default();
    let mut group = c.benchmark_group("generated chart (200 templates)");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(5));
    group.bench_function("render + lint", |b| {
        b.iter(|| kforge::run(&[Input::Path(chart.clone())], &options))
    });
    group.finish();
}

fn startup(c: &mut Criterion) {
    let binary = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/release/kforge");
    if !binary.exists() {
        eprintln!(
            "skipping start-up benchmark: build target/release/kforge first (cargo build --release)"
        );
        return;
    }
    let Ok(tmp) = tempfile::tempdir() else { return };
    let Ok(chart) = bench::write_one_file_chart(tmp.path()) else {
        return;
    };
    let mut group = c.benchmark_group("process");
    group.sample_size(20);
    group.bench_function("kforge lint one-file chart", |b| {
        b.iter(|| Command::new(&binary).arg("lint").arg(&chart).output())
    });
    group.finish();
}

criterion_group!(benches, stages, large_chart, startup);
criterion_main!(benches);
