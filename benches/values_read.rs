//! What recording the values a render reads costs (issue 15): each chart loaded, its values
//! merged and rendered, without read tracking (`render::render`) and with it plus the
//! `values/unknown-key` / `values/no-effect` judgement (`render::render_reading` +
//! `values::unused::check`), the chart's own values.yaml given as `-f` so every key is judged.
//! Run: `cargo bench --bench values_read`; `KFORGE_BENCH_CHARTS=dir1:dir2` names other charts
//! (e.g. vendored bitnami charts) instead of `charts-examples/helm-webapp`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use kforge::chart::{Input, LoadOptions, Loaded};
use kforge::render::RenderOptions;
use kforge::source::SourceMap;
use kforge::values::{self, ValueArgs};
use kforge::version::KubeVersion;

#[global_allocator]
static GLOBAL: kforge::memory::Guarded<mimalloc::MiMalloc> =
    kforge::memory::Guarded::new(mimalloc::MiMalloc);

fn render_once(chart_dir: &Path, track: bool) -> usize {
    let mut sources = SourceMap::new();
    let (loaded, _) = kforge::chart::load(
        &Input::Path(chart_dir.to_path_buf()),
        &LoadOptions::default(),
        &mut sources,
    );
    let Some(Loaded::Chart(chart)) = loaded else {
        panic!("{} is not a chart", chart_dir.display());
    };
    let args = ValueArgs {
        files: vec![chart_dir.join("values.yaml")],
        ..ValueArgs::default()
    };
    let mut diags = Vec::new();
    let user = values::user_values(&args, &mut sources, &mut diags);
    let merged = values::coalesce(&chart, user.clone(), &sources, &mut diags);
    let options = RenderOptions {
        release_name: "release".into(),
        namespace: "default".into(),
        revision: 1,
        is_upgrade: false,
        kube_version: KubeVersion::NEWEST,
        api_versions: kforge::schema::api_versions(KubeVersion::NEWEST),
        include_notes: false,
    };
    if track {
        let (rendered, _, reads) =
            kforge::render::render_reading(&chart, &merged, &options, &mut sources);
        let reads = reads.expect("the chart renders as one whole");
        let found = values::unused::check(
            &chart,
            &user,
            &merged,
            &reads,
            values::unused::Judging::default(),
            &sources,
        );
        rendered.len() + found.len()
    } else {
        kforge::render::render(&chart, &merged, &options, &mut sources)
            .0
            .len()
    }
}

fn values_read(c: &mut Criterion) {
    let charts: Vec<PathBuf> = match std::env::var("KFORGE_BENCH_CHARTS") {
        Ok(list) => list.split(':').map(PathBuf::from).collect(),
        Err(_) => {
            vec![PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("charts-examples/helm-webapp")]
        }
    };
    let mut group = c.benchmark_group("values read tracking");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(4));
    for chart in &charts {
        let name = chart.file_name().unwrap().to_string_lossy().to_string();
        group.bench_function(format!("{name}: render"), |b| {
            b.iter(|| render_once(chart, false))
        });
        group.bench_function(format!("{name}: render + reads + judgement"), |b| {
            b.iter(|| render_once(chart, true))
        });
    }
    group.finish();
}

criterion_group!(benches, values_read);
criterion_main!(benches);
