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

// The same allocator as the `kforge` binary, so in-process figures match the CLI's.
#[global_allocator]
static GLOBAL: kforge::memory::Guarded<mimalloc::MiMalloc> =
    kforge::memory::Guarded::new(mimalloc::MiMalloc);

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

/// Writes `copies` copies of every corpus file into `out`, each copy with its own release name
/// (`release` → `r<k>`, as `sed 's/\brelease\b/r<k>/g'` would), so the objects do not collide.
/// Returns the bytes written.
fn scaled_corpus(corpus: &Path, out: &Path, copies: usize) -> std::io::Result<usize> {
    let word = regex::Regex::new(r"\brelease\b").map_err(std::io::Error::other)?;
    let mut bytes = 0;
    for path in bench::yaml_files(corpus) {
        let text = std::fs::read_to_string(&path)?;
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        for k in 0..copies {
            let copy = word.replace_all(&text, format!("r{k}").as_str());
            bytes += copy.len();
            let file = format!("copy{k:02}-{}", name.clone().unwrap_or_default());
            std::fs::write(out.join(file), copy.as_bytes())?;
        }
    }
    Ok(bytes)
}

/// Peak memory (MiB) and object count of one whole run over `dir`, in a child process.
fn peak_of(dir: &Path) -> Option<(String, f64)> {
    let exe = std::env::current_exe().ok()?;
    let out = Command::new(exe).arg("--peak").arg(dir).output().ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let mut parts = text.split_whitespace();
    let objs = parts.next()?.to_string();
    let kib = parts.next()?.parse::<f64>().ok()?;
    Some((objs, kib / 1024.0))
}

/// Issue 8: a corpus ten times larger takes at most eleven times as long, and memory grows at
/// most linearly.
fn scaling(shared: &Path, options: &Options) {
    let corpus = shared.join("corpus/bitnami-rendered");
    let (Ok(one), Ok(ten)) = (tempfile::tempdir(), tempfile::tempdir()) else {
        return;
    };
    let (Ok(b1), Ok(b10)) = (
        scaled_corpus(&corpus, one.path(), 1),
        scaled_corpus(&corpus, ten.path(), 10),
    ) else {
        return;
    };
    let t1 = time(9, || {
        kforge::run(&[Input::Path(one.path().to_path_buf())], options)
    });
    let t10 = time(5, || {
        kforge::run(&[Input::Path(ten.path().to_path_buf())], options)
    });
    for (label, d, bytes, dir) in [
        (
            "bitnami x1 (renamed copy): whole pipeline",
            t1,
            b1,
            one.path(),
        ),
        ("bitnami x10: whole pipeline", t10, b10, ten.path()),
    ] {
        let (objs, mib) = peak_of(dir).unwrap_or_else(|| ("?".to_string(), 0.0));
        println!(
            "{:<44} {:>12} {:>12.1}   peak {mib:.1} MiB, {objs} objects",
            label,
            ms(d),
            bytes as f64 / 1e6 / d.as_secs_f64().max(1e-9),
        );
    }
    println!(
        "{:<44} {:>12.2}x (target <= 11x)",
        "bitnami x10 / x1 time",
        t10.as_secs_f64() / t1.as_secs_f64().max(1e-9)
    );
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
            kube_version: options.kube_version,
            ..CheckContext::new(&sources, &objects, &options.config)
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
    scaling(&shared, &options);
}
