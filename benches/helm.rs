//! Criterion benchmarks of Helm charts (issue 14): the Helm example chart
//! (`charts-examples/helm-webapp`: `_helpers.tpl` defines reached through `include`, `toYaml`,
//! `nindent`, `default`, `trunc`) rendered, and linted with every stage, in process.
//! Run: `cargo bench --bench helm`. The side-by-side figures against Helm on the bitnami corpus
//! come from `scripts/bench-helm` (README, Speed).

use std::path::PathBuf;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use kforge::chart::Input;
use kforge::{Options, Stages};

// The binary's allocator, so that the figures are the binary's.
#[global_allocator]
static GLOBAL: kforge::memory::Guarded<mimalloc::MiMalloc> =
    kforge::memory::Guarded::new(mimalloc::MiMalloc);

fn helm(c: &mut Criterion) {
    let chart = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("charts-examples/helm-webapp");
    let inputs = [Input::Path(chart)];
    let render_only = Options {
        stages: Stages {
            schema: false,
            rules: false,
            cluster: false,
        },
        ..Options::default()
    };
    let lint = Options::default();
    // A broken benchmark must not time an error path.
    let run = kforge::run(&inputs, &lint);
    assert!(
        !run.has_errors() && !run.rendered.is_empty(),
        "the example chart must render and lint without errors"
    );
    let mut group = c.benchmark_group("helm-webapp");
    group
        .sample_size(50)
        .measurement_time(Duration::from_secs(5));
    group.bench_function("load, values, render, parse", |b| {
        b.iter(|| kforge::run(&inputs, &render_only))
    });
    group.bench_function("lint (every stage)", |b| {
        b.iter(|| kforge::run(&inputs, &lint))
    });
    group.finish();
}

criterion_group!(benches, helm);
criterion_main!(benches);
