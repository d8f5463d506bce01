//! Criterion benchmarks of Helm charts (issue 14), in process: the Helm example chart
//! (`charts-examples/helm-webapp`: `_helpers.tpl` defines reached through `include`, `toYaml`,
//! `nindent`, `default`, `trunc`) and Bitnami's `redis` chart with its `common` library
//! (`benches/fixtures/redis`: 36 templates with about 500 `include`s of `common` helpers, `tpl`,
//! `semverCompare`), each rendered, and linted with every stage.
//! The `engine` group times the Go template engine alone on `redis`: parsing every template file
//! of the chart and its `common` library (93 files, 320 KB, as Helm parses them all), and
//! executing every template with a dot built once (no chart loading, values coalescing,
//! origin maps or YAML parsing of the result).
//! Run: `cargo bench --bench helm`. The side-by-side figures against Helm on the bitnami corpus
//! come from `scripts/bench-helm` (README, Speed), which also runs this program with `--serve`:
//! it then reads chart folders from standard input, one a line, renders each in process as
//! `kforge template DIR --kube-version 1.36` does, with nothing kept from the charts before it,
//! and answers each with the seconds taken and `ok` or `failed` (Helm's own figures there are
//! in process too: its library loads and renders each chart inside one long-lived process).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{Criterion, criterion_group};
use kforge::chart::Input;
use kforge::{Options, Stages};

// The binary's allocator (src/main.rs), so that the figures are the binary's: the `mimalloc`
// crate's allocator calls the `_aligned` entry points for every request, ~2% of a render.
#[global_allocator]
static GLOBAL: kforge::memory::Guarded<kforge::memory::Mimalloc> =
    kforge::memory::Guarded::new(kforge::memory::Mimalloc);

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

/// Every template file under `chart` (its subcharts' too) as (Helm's name, text), in Helm's
/// order: deepest first, then reverse byte order.
fn template_files(chart: &Path, name: &str) -> Vec<(String, String)> {
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(chart)
        .into_iter()
        .filter_map(Result::ok)
    {
        let path = entry.path();
        let rel = path.strip_prefix(chart).unwrap_or(path);
        let in_templates = rel.components().any(|c| c.as_os_str() == "templates");
        if entry.file_type().is_file() && in_templates {
            let text = std::fs::read_to_string(path).expect("a template file");
            files.push((format!("{name}/{}", rel.display()), text));
        }
    }
    let depth = |s: &str| s.bytes().filter(|&c| c == b'/').count();
    files.sort_by(|a, b| depth(&b.0).cmp(&depth(&a.0)).then_with(|| b.0.cmp(&a.0)));
    files
}

fn parse_all(files: &[(String, String)]) -> kforge_gotpl::exec::Templates {
    let mut templates = kforge_gotpl::exec::Templates::new();
    for (name, text) in files {
        // `parse::parse`, not the per-text cache of `exec::parse_file`: every iteration parses.
        let parsed = kforge_gotpl::parse::parse(name, text, &kforge_gotpl::exec::is_func)
            .expect("the fixture parses");
        templates.add_trees(parsed.trees);
    }
    templates
}

/// The dot Helm gives `redis`'s templates: its values, and `.Chart`, `.Release`,
/// `.Capabilities` as the chart layer builds them (`.Chart` as a map of the fields used).
fn redis_dot(chart: &Path) -> kforge_gotpl::Value {
    use kforge_gotpl::Value;
    let values_text = std::fs::read_to_string(chart.join("values.yaml")).expect("values.yaml");
    let values = kforge_gotpl::encode::from_yaml_str(&values_text).expect("values parse");
    let mut meta = BTreeMap::new();
    for (k, v) in [
        ("Name", "redis"),
        ("Version", "23.1.1"),
        ("AppVersion", "8.2.1"),
    ] {
        meta.insert(k.to_string(), Value::str(v));
    }
    meta.insert("IsRoot".to_string(), Value::Bool(true));
    // `common.warnings.modifiedImages` reads the chart's `images` annotation.
    let chart_yaml = std::fs::read_to_string(chart.join("Chart.yaml")).expect("Chart.yaml");
    let annotations = match kforge_gotpl::encode::from_yaml_str(&chart_yaml) {
        Ok(Value::Map(m)) => m.borrow().get("annotations").cloned(),
        _ => None,
    };
    meta.insert(
        "Annotations".to_string(),
        annotations.unwrap_or_else(Value::empty_map),
    );
    let mut dot = BTreeMap::new();
    dot.insert("Values".to_string(), values);
    dot.insert("Chart".to_string(), Value::map(meta));
    dot.insert(
        "Release".to_string(),
        kforge::helm::objects::release("bench", "default", 1, false),
    );
    dot.insert(
        "Capabilities".to_string(),
        kforge::helm::objects::Capabilities::value(
            kforge::version::KubeVersion {
                major: 1,
                minor: 36,
                patch: 0,
            },
            Vec::new(),
        ),
    );
    dot.insert("Subcharts".to_string(), Value::empty_map());
    Value::map(dot)
}

/// Executes every template of `redis` that is not a partial; returns the bytes rendered.
fn execute_all(
    templates: &kforge_gotpl::exec::Templates,
    names: &[String],
    dot: &kforge_gotpl::Value,
) -> usize {
    let mut env = kforge_gotpl::exec::ExecEnv::new();
    let mut bytes = 0;
    for name in names {
        if let kforge_gotpl::Value::Map(m) = dot {
            m.borrow_mut().insert(
                "Template".into(),
                kforge::helm::objects::template(name, "redis/templates"),
            );
        }
        let out = templates
            .execute(name, dot.clone(), &mut env)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        bytes += out.text.len();
    }
    bytes
}

fn engine(c: &mut Criterion) {
    let chart = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("benches/fixtures/redis");
    let files = template_files(&chart, "redis");
    let templates = parse_all(&files);
    let names: Vec<String> = files
        .iter()
        .map(|(n, _)| n.clone())
        .filter(|n| {
            n.starts_with("redis/templates/")
                && !n.rsplit('/').next().unwrap_or("").starts_with('_')
        })
        .collect();
    let dot = redis_dot(&chart);
    assert!(
        execute_all(&templates, &names, &dot) > 10_000,
        "redis renders"
    );
    let mut group = c.benchmark_group("engine-redis");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(5));
    group.bench_function("parse every template file", |b| {
        b.iter(|| parse_all(&files))
    });
    group.bench_function("execute every template", |b| {
        b.iter(|| execute_all(&templates, &names, &dot))
    });
    group.finish();
}

fn helm(c: &mut Criterion) {
    chart(c, "helm-webapp", "charts-examples/helm-webapp", 50);
    chart(c, "bitnami-redis", "benches/fixtures/redis", 20);
}

criterion_group!(benches, engine, helm);

/// `--serve`: see the module's documentation.
fn serve() {
    use std::io::{BufRead, Write};
    // The binary's thread pool (src/main.rs): the main thread is one of rayon's threads, so a
    // render's `join`s and scopes run on it rather than waiting for the pool's threads.
    let _ = rayon::ThreadPoolBuilder::new()
        .use_current_thread()
        .build_global();
    let options = Options {
        kube_version: kforge::version::KubeVersion {
            major: 1,
            minor: 36,
            patch: 0,
        },
        ..render_only()
    };
    let mut out = std::io::stdout().lock();
    for line in std::io::stdin().lock().lines() {
        let Ok(dir) = line else { break };
        kforge::render::clear_caches();
        let started = std::time::Instant::now();
        let run = kforge::run(&[Input::Path(PathBuf::from(dir))], &options);
        let stream = kforge::cli::template::to_stream(&kforge::cli::template::manifests(&run));
        let secs = started.elapsed().as_secs_f64();
        let status = if run.has_fatal() || stream.is_empty() {
            "failed"
        } else {
            "ok"
        };
        drop((run, stream));
        if writeln!(out, "{secs:.6} {status}")
            .and_then(|()| out.flush())
            .is_err()
        {
            break;
        }
    }
}

fn main() {
    if std::env::args().any(|a| a == "--serve") {
        serve();
        return;
    }
    // What `criterion_main!` expands to.
    benches();
    Criterion::default().configure_from_args().final_summary();
}
