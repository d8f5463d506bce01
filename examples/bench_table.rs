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

/// One whole `kforge lint` process: wall time, user and system CPU time, peak resident memory
/// and minor page faults, as `/usr/bin/time -v` reports them (from `wait4`'s rusage).
struct Process {
    wall: Duration,
    user: Duration,
    sys: Duration,
    peak_kib: u64,
    minor_faults: u64,
}

fn lint_process(binary: &Path, dir: &Path) -> Option<Process> {
    let start = Instant::now();
    let child = Command::new(binary)
        .args(["lint", "--format", "json"])
        .arg(dir)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .ok()?;
    let pid = libc::pid_t::try_from(child.id()).ok()?;
    let mut status = 0;
    // SAFETY: an all-zero `rusage` is a valid value; `wait4` fills it for our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for the child spawned above, writing into the two locals.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = start.elapsed();
    if waited != pid {
        return None;
    }
    let tv = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec.max(0) as u64) + Duration::from_micros(t.tv_usec.max(0) as u64)
    };
    Some(Process {
        wall,
        user: tv(usage.ru_utime),
        sys: tv(usage.ru_stime),
        peak_kib: usage.ru_maxrss.max(0) as u64,
        minor_faults: usage.ru_minflt.max(0) as u64,
    })
}

/// Issue 19's table: whole `kforge lint` processes (release binary) on the rendered charts and
/// on the CRD-heavy corpus (`scripts/crd-corpus`), medians of `runs`, beside kubeconform's
/// figures from the issue (`scripts/side-by-side` runs kubeconform itself in the same rotation).
///
/// Measured before anything else, while this process is small: Linux carries a parent's peak
/// resident size into a child it forks and execs (the old address space's high-water mark), so
/// after the in-process benchmarks every child would report at least this process's peak.
fn process_table(binary: &Path, shared: &Path, runs: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let crd_dir = tempfile::tempdir().ok();
    let crd = crd_dir.as_ref().and_then(|d| {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/crd-corpus");
        let ok = Command::new(script)
            .arg(d.path())
            .env("KFORGE_SHARED", shared)
            .stdout(std::process::Stdio::null())
            .status()
            .ok()?
            .success();
        ok.then(|| d.path().to_path_buf())
    });
    lines.push(format!(
        "{:<44} {:>9} {:>9} {:>9} {:>10} {:>8}   kubeconform (issue 19)",
        "kforge lint, whole process (median)", "wall", "user", "sys", "peak", "faults"
    ));
    let corpora = [
        (
            "58 rendered charts",
            Some(shared.join("corpus/bitnami-rendered")),
            "335 ms, 38 MiB",
        ),
        (
            "CRD-heavy (scripts/crd-corpus)",
            crd,
            "1,187 ms, 66 MiB (27 MB set)",
        ),
    ];
    for (label, dir, reference) in corpora {
        let Some(dir) = dir else { continue };
        let _ = lint_process(binary, &dir); // warm the page cache
        let samples: Vec<Process> = (0..runs)
            .filter_map(|_| lint_process(binary, &dir))
            .collect();
        if samples.is_empty() {
            continue;
        }
        let mid = |mut v: Vec<u64>| {
            v.sort_unstable();
            v.get(v.len() / 2).copied().unwrap_or(0)
        };
        let wall = median(samples.iter().map(|p| p.wall).collect());
        let user = median(samples.iter().map(|p| p.user).collect());
        let sys = median(samples.iter().map(|p| p.sys).collect());
        let peak = mid(samples.iter().map(|p| p.peak_kib).collect());
        let faults = mid(samples.iter().map(|p| p.minor_faults).collect());
        let input: u64 = bench::yaml_files(&dir)
            .iter()
            .filter_map(|p| std::fs::metadata(p).ok())
            .map(|m| m.len())
            .sum();
        lines.push(format!(
            "{:<44} {:>9} {:>9} {:>9} {:>10} {:>8}   {reference}",
            format!("{label}, {:.1} MiB", input as f64 / 1048576.0),
            ms(wall),
            ms(user),
            ms(sys),
            format!("{:.1} MiB", peak as f64 / 1024.0),
            faults,
        ));
    }
    lines.extend(process_scaling(binary, shared));
    lines
}

/// Issue 8's scaling as whole `kforge lint` processes (the in-process figure of [`scaling`]
/// runs with this program's allocator, not the binary's: the binary's trees arena is sized
/// per process, from the text the run parses).
fn process_scaling(binary: &Path, shared: &Path) -> Option<String> {
    let corpus = shared.join("corpus/bitnami-rendered");
    let (one, ten) = (tempfile::tempdir().ok()?, tempfile::tempdir().ok()?);
    scaled_corpus(&corpus, one.path(), 1).ok()?;
    scaled_corpus(&corpus, ten.path(), 10).ok()?;
    let medians = |dir: &Path, runs: usize| -> Option<(Duration, Duration)> {
        let _ = lint_process(binary, dir); // warm the page cache
        let samples: Vec<Process> = (0..runs)
            .filter_map(|_| lint_process(binary, dir))
            .collect();
        (!samples.is_empty()).then(|| {
            (
                median(samples.iter().map(|p| p.wall).collect()),
                median(samples.iter().map(|p| p.user + p.sys).collect()),
            )
        })
    };
    let (wall1, cpu1) = medians(one.path(), 7)?;
    let (wall10, cpu10) = medians(ten.path(), 3)?;
    let ratio = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64().max(1e-9);
    Some(format!(
        "{:<44} {:>9} {:>9}   x10/x1: wall {:.2}x, cpu {:.2}x (target <= 11x)",
        "bitnami x10 (renamed copies), whole process",
        ms(wall10),
        ms(cpu10),
        ratio(wall10, wall1),
        ratio(cpu10, cpu1),
    ))
}

fn main() {
    kforge::memory::no_huge_pages();
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
    let binary = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/kforge");
    let processes = if binary.exists() {
        process_table(&binary, &shared, 7)
    } else {
        Vec::new()
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
    for line in processes {
        println!("{line}");
    }
}
