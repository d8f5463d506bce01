//! Criterion benchmarks of Helm charts (issue 14), in process: the Helm example chart
//! (`charts-examples/helm-webapp`: `_helpers.tpl` defines reached through `include`, `toYaml`,
//! `nindent`, `default`, `trunc`) and Bitnami's `redis` chart with its `common` library
//! (`benches/fixtures/redis`: 36 templates with about 500 `include`s of `common` helpers, `tpl`,
//! `semverCompare`), each rendered, and linted with every stage.
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

fn render_only() -> Options {
    Options {
        stages: Stages {
            schema: false,
            rules: false,
            cluster: false,
        },
        ..Options::default()
    }
}

/// Renders and lints `chart` (relative to the repository) as a group named `name`.
fn chart(c: &mut Criterion, name: &str, chart: &str, samples: usize) {
    let inputs = [Input::Path(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(chart),
    )];
    let render_only = render_only();
    let lint = Options::default();
    // A broken benchmark must not time an error path.
    let run = kforge::run(&inputs, &lint);
    assert!(
        !run.has_errors() && !run.rendered.is_empty(),
        "{chart} must render and lint without errors"
    );
    let mut group = c.benchmark_group(name);
    group
        .sample_size(samples)
        .measurement_time(Duration::from_secs(5));
    group.bench_function("load, values, render, parse", |b| {
        b.iter(|| kforge::run(&inputs, &render_only))
    });
    group.bench_function("lint (every stage)", |b| {
        b.iter(|| kforge::run(&inputs, &lint))
    });
    group.finish();
}

fn helm(c: &mut Criterion) {
    chart(c, "helm-webapp", "charts-examples/helm-webapp", 50);
    chart(c, "bitnami-redis", "benches/fixtures/redis", 20);
}

criterion_group!(benches, helm);
criterion_main!(benches);
