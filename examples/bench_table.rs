//! Prints issue 8's figures as a compact table: medians of repeated runs per stage on the shared
//! corpora, the generated large chart, one-file start-up, and peak memory. Run by `scripts/bench`
//! (release build). Wall-clock figures are for people; tests never assert them.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use kforge::chart::Input;
use kforge::check::CheckContext;
use kforge::source::{SourceKind, SourceMap};
use kforge::{Options, bench, object};

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples.get(samples.len() / 2).copied().unwrap_or_default()
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> Duration {
    let _ = f(); // warm-up: lazy schema decoding and caches are part of the first run only
    median(
        (0..runs)
            .map(|_| {
                let t = Instant::now();
                std::hint::black_box(f());
                t.elapsed()
            })
            .collect(),
    )
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    // Child mode: one whole-pipeline run over a directory, then report peak memory.
    if let [_, mode, dir] = args.as_slice()
        && mode == "--peak"
    {
        let run = kforge::run(&[Input::Path(PathBuf::from(dir))], &Options::default());
        println!("{} {}", run.objects.len(), peak_rss_kib().unwrap_or(0));
        return;
    }
    let Some(shared) = bench::shared_dir() else {
        eprintln!("../shared not found: nothing to measure");
        return;
    };
    let options = Options::default();
    println!(
        "{:<44} {:>12} {:>12} {:>12}",
        "workload", "median", "MB/s", "objects/s"
    );
    for (label, dir) in [
        ("bitnami corpus", shared.join("corpus/bitnami-rendered")),
        (
            "kubernetes-examples",
            shared.join("corpus/kubernetes-examples"),
        ),
    ] {
        let mut sources = SourceMap::new();
        let mut bytes = 0usize;
        let files: Vec<_> = bench::yaml_files(&dir)
            .into_iter()
            .filter_map(|p| {
                let text = std::fs::read_to_string(&p).ok()?;
                bytes += text.len();
                Some(sources.add(p.display().to_string(), text, SourceKind::Manifest))
            })
            .collect();
        let (objects, _) = object::parse(&sources, &files, &options.yaml);
        let ctx = CheckContext {
            sources: &sources,
            objects: &objects,
            kube_version: options.kube_version,
            release_namespace: "default",
            config: &options.config,
            strict: false,
            extra_crds: &[],
            create_namespace: false,
        };
        let row = |stage: &str, d: Duration| {
            let secs = d.as_secs_f64().max(1e-9);
            println!(
                "{:<44} {:>12} {:>12.1} {:>12.0}",
                format!("{label}: {stage}"),
                ms(d),
                bytes as f64 / 1e6 / secs,
                objects.len() as f64 / secs
            );
        };
        row(
            "whole pipeline",
            time(15, || kforge::run(&[Input::Path(dir.clone())], &options)),
        );
        row(
            "parse",
            time(15, || object::parse(&sources, &files, &options.yaml)),
        );
        row("schema", time(15, || kforge::schema::check(&ctx)));
        row("rules", time(15, || kforge::rules::check(&ctx)));
        row(
            "cluster",
            time(15, || {
                kforge::cluster::apply(&ctx, &options.cluster_profile)
            }),
        );
        let me = std::env::current_exe().ok();
        if let Some(out) =
            me.and_then(|exe| Command::new(exe).arg("--peak").arg(&dir).output().ok())
        {
            let text = String::from_utf8_lossy(&out.stdout);
            let mut parts = text.split_whitespace();
            let (objs, kib) = (parts.next().unwrap_or("?"), parts.next().unwrap_or("0"));
            let mib = kib.parse::<f64>().unwrap_or(0.0) / 1024.0;
            println!(
                "{:<44} {:>12} ({objs} objects, {:.1} MB input)",
                format!("{label}: peak memory"),
                format!("{mib:.1} MiB"),
                bytes as f64 / 1e6
            );
        }
    }
    if let Ok(tmp) = tempfile::tempdir() {
        if let Ok(chart) = bench::write_large_chart(tmp.path(), 200, 10) {
            let d = time(7, || kforge::run(&[Input::Path(chart.clone())], &options));
            println!(
                "{:<44} {:>12}",
                "generated chart 200 templates: render + lint",
                ms(d)
            );
        }
        let binary = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/kforge");
        if let (Ok(chart), true) = (bench::write_one_file_chart(tmp.path()), binary.exists()) {
            let d = time(21, || {
                Command::new(&binary).arg("lint").arg(&chart).output()
            });
            println!(
                "{:<44} {:>12}",
                "kforge lint one-file chart (whole process)",
                ms(d)
            );
        }
    }
}
