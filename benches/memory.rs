//! Holds the memory figure of issue 19: the heap at its peak during a whole lint (pipeline and
//! JSON report) of the rendered charts and of the CRD-heavy corpus (`scripts/crd-corpus`),
//! counted by a wrapper around the binary's allocator. Fails when a peak passes its limit, so a
//! change that makes the run hold more memory shows here before it shows in the process's RSS.
//! Run: `cargo bench --bench memory` (needs ../shared, or KFORGE_SHARED=DIR; `scripts/bench`
//! runs it too).

use std::alloc::{GlobalAlloc, Layout};
use std::path::Path;
use std::process::{Command, ExitCode};
use std::sync::atomic::{AtomicUsize, Ordering};

use kforge::chart::Input;
use kforge::diag::report::{self, Format, ReportOptions};
use kforge::{Options, bench};

/// Live and peak heap bytes, counted around the binary's allocator.
struct Counting<A> {
    inner: A,
    live: AtomicUsize,
    peak: AtomicUsize,
}

impl<A> Counting<A> {
    fn grew(&self, bytes: usize) {
        let live = self.live.fetch_add(bytes, Ordering::Relaxed) + bytes;
        self.peak.fetch_max(live, Ordering::Relaxed);
    }

    fn shrank(&self, bytes: usize) {
        self.live.fetch_sub(bytes, Ordering::Relaxed);
    }

    /// Starts a measurement: the peak is what the heap holds now.
    fn reset_peak(&self) {
        self.peak
            .store(self.live.load(Ordering::Relaxed), Ordering::Relaxed);
    }
}

// SAFETY: every call is forwarded to `inner` unchanged; the counters only observe sizes.
unsafe impl<A: GlobalAlloc> GlobalAlloc for Counting<A> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded as is.
        let p = unsafe { self.inner.alloc(layout) };
        if !p.is_null() {
            self.grew(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded as is.
        let p = unsafe { self.inner.alloc_zeroed(layout) };
        if !p.is_null() {
            self.grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded as is.
        unsafe { self.inner.dealloc(ptr, layout) };
        self.shrank(layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded as is.
        let p = unsafe { self.inner.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            self.grew(new_size);
            self.shrank(layout.size());
        }
        p
    }
}

#[global_allocator]
static GLOBAL: Counting<mimalloc::MiMalloc> = Counting {
    inner: mimalloc::MiMalloc,
    live: AtomicUsize::new(0),
    peak: AtomicUsize::new(0),
};

/// The heap's peak (MiB) over a lint of `dir` as `kforge lint --format json DIR` runs it: the
/// pipeline (with `kforge lint`'s options), then the report written out (to nowhere).
fn heap_peak(dir: &Path) -> f64 {
    GLOBAL.reset_peak();
    let before = GLOBAL.live.load(Ordering::Relaxed);
    let options = Options {
        prune_crd_schemas: true,
        ..Options::default()
    };
    let run = kforge::run(&[Input::Path(dir.to_path_buf())], &options);
    let written = report::write(
        Format::Json,
        &run,
        &ReportOptions::default(),
        &mut std::io::sink(),
    );
    assert!(written.is_ok(), "the report could not be written");
    let peak = GLOBAL.peak.load(Ordering::Relaxed).saturating_sub(before);
    drop(run);
    peak as f64 / 1048576.0
}

fn main() -> ExitCode {
    // `cargo bench` passes `--bench`; `cargo test --all-targets` (no `--bench`) runs nothing.
    if !std::env::args().skip(1).any(|a| a == "--bench") {
        return ExitCode::SUCCESS;
    }
    // KFORGE_SHARED as scripts/same-findings takes it (a worktree has no ../shared beside it).
    let shared = std::env::var_os("KFORGE_SHARED").map(std::path::PathBuf::from);
    let Some(shared) = shared.or_else(bench::shared_dir) else {
        eprintln!("skipping the memory benchmark: ../shared not found");
        return ExitCode::SUCCESS;
    };
    let crd = tempfile::tempdir().expect("a temporary directory");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/crd-corpus");
    let made = Command::new(script)
        .arg(crd.path())
        .env("KFORGE_SHARED", &shared)
        .stdout(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    // Limits: the figures last measured (rendered 9.9 MiB, CRD-heavy 19.1 MiB, with the CRD
    // schemas no object uses pruned as `kforge lint` prunes them; 14.0 and 36.6-37.5 MiB
    // before) and about a tenth more, for changes that are not about memory. Lower them when
    // memory goes down.
    let mut corpora = vec![(
        "58 rendered charts",
        shared.join("corpus/bitnami-rendered"),
        11.0,
    )];
    if made {
        corpora.push((
            "CRD-heavy (scripts/crd-corpus)",
            crd.path().to_path_buf(),
            21.0,
        ));
    }
    let mut over = false;
    for (label, dir, limit) in corpora {
        let peak = heap_peak(&dir);
        let verdict = if peak <= limit { "ok" } else { "OVER" };
        println!(
            "heap peak, lint --format json, {label:<32} {peak:>6.1} MiB (limit {limit:.1} MiB) {verdict}"
        );
        over |= peak > limit;
    }
    if over {
        eprintln!("the heap's peak passed its limit (issue 19): find what holds more memory");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
