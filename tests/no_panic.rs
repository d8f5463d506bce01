//! No panic on any input (issue 9): every file of ../shared/corpus, truncated and with bytes
//! flipped, goes through the whole pipeline (`kforge::run`, in-process, every stage on); a sample
//! also goes through the built binary, which must exit 0, 1 or 2 and never print "panicked".
//! The inputs kept by the fuzzers (`fuzz/regressions/<target>/`) and the hand-made hostile files
//! (`tests/fixtures/hostile/`) are replayed here too, so a fixed crash stays fixed.
//!
//! Work is bounded so the test stays well under a minute in a debug build: each file gets up to
//! 16 truncations and 16 single-byte mutations, fewer for large files (about `BYTES_PER_FILE` of
//! mutated input per file, at least one truncation and one mutation each), all chosen by a
//! fixed-seed xorshift, so every run checks the same inputs. A watchdog fails the test, naming
//! the input, when one input takes longer than `STALL` (a hang is a failure, not a stuck CI).

use crate::common;

#[path = "../fuzz/src/lib.rs"]
mod harness;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use kforge::chart::Input;

const CUTS: usize = 16;
const FLIPS: usize = 16;
/// Mutated bytes fed to the pipeline per corpus file, at most (a 400-byte file gets all 32
/// variants; a 700 KB bitnami chart gets one truncation and one mutation).
const BYTES_PER_FILE: usize = 48 << 10;
/// Every how many mutated inputs one also goes through the binary.
const BINARY_EVERY: usize = 64;
/// Longest a single input may run in a debug build before it counts as a hang.
const STALL: Duration = Duration::from_secs(30);

/// Deterministic, dependency-free PRNG: the inputs are the same on every run and machine.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Bytes that change YAML or template structure; half the mutations write one of these.
const STRUCTURAL: &[u8] = b"{}[]&*:-\n\"'!|>#%@`\t ?,\\{";

struct Case {
    /// `path (truncated at 1234)`, `path (byte 56 0x3a -> 0x7b)`, ...
    name: String,
    bytes: Vec<u8>,
}

fn mutations(path: &Path, original: &[u8], rng: &mut XorShift) -> Vec<Case> {
    let len = original.len();
    let budget = (BYTES_PER_FILE / len.max(1)).max(2);
    let cuts = CUTS.min(budget.div_ceil(2));
    let flips = FLIPS.min((budget / 2).max(1));
    let shown = path.display();
    let mut cases = Vec::new();
    for i in 1..=cuts {
        // Evenly spaced, then nudged so cuts land inside tokens and UTF-8 sequences too.
        let at = (len * i / (cuts + 1) + rng.below(7)).min(len);
        cases.push(Case {
            name: format!("{shown} (truncated at byte {at} of {len})"),
            bytes: original.get(..at).unwrap_or(original).to_vec(),
        });
    }
    for _ in 0..flips {
        let mut bytes = original.to_vec();
        let at = rng.below(len);
        let Some(b) = bytes.get_mut(at) else { break };
        let old = *b;
        *b = if rng.next().is_multiple_of(2) {
            STRUCTURAL[rng.below(STRUCTURAL.len())]
        } else {
            old ^ (1 + rng.below(255)) as u8
        };
        cases.push(Case {
            name: format!("{shown} (byte {at} 0x{old:02x} -> 0x{:02x})", *b),
            bytes,
        });
    }
    cases
}

fn corpus_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    files.sort();
    files
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(non-string panic payload)".to_string())
}

enum Event {
    Start(usize),
    Done(usize, Option<String>),
}

/// Runs `check` on every case on two worker threads, catching panics. Fails naming each input
/// that panicked, or the input in flight when nothing finished for `STALL`.
fn run_all<F>(what: &str, cases: &[Case], check: F)
where
    F: Fn(&[u8]) + Sync,
{
    let next = AtomicUsize::new(0);
    let (tx, rx) = mpsc::channel::<Event>();
    let mut failures = Vec::new();
    std::thread::scope(|scope| {
        for _ in 0..2 {
            let tx = tx.clone();
            let (next, check) = (&next, &check);
            scope.spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(case) = cases.get(i) else { break };
                    if tx.send(Event::Start(i)).is_err() {
                        break;
                    }
                    let result = catch_unwind(AssertUnwindSafe(|| check(&case.bytes)));
                    let failure = result.err().map(|p| panic_message(p.as_ref()));
                    if tx.send(Event::Done(i, failure)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        let mut in_flight = std::collections::BTreeSet::new();
        loop {
            match rx.recv_timeout(STALL) {
                Ok(Event::Start(i)) => {
                    in_flight.insert(i);
                }
                Ok(Event::Done(i, failure)) => {
                    in_flight.remove(&i);
                    if let Some(message) = failure {
                        failures.push(format!("{}: panicked: {message}", cases[i].name));
                    }
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    let names: Vec<&str> =
                        in_flight.iter().map(|&i| cases[i].name.as_str()).collect();
                    // The stuck worker cannot be stopped; end the whole test process.
                    eprintln!(
                        "{what}: no input finished within {STALL:?}; hanging on: {}",
                        names.join(", ")
                    );
                    std::process::exit(101);
                }
            }
        }
    });
    assert!(
        failures.is_empty(),
        "{what}: {} of {} inputs panicked:\n  {}",
        failures.len(),
        cases.len(),
        failures.join("\n  ")
    );
}

fn lint_text(bytes: &[u8]) {
    let input = Input::Text {
        name: "<stdin>".to_string(),
        text: String::from_utf8_lossy(bytes).into_owned(),
    };
    let _ = kforge::run(&[input], &kforge::Options::default());
}

fn corpus_cases() -> Vec<Case> {
    let shared = common::shared();
    let dir = shared.join("corpus");
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
    let mut cases = Vec::new();
    for path in corpus_files(&dir) {
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let shown = path.strip_prefix(&shared).unwrap_or(&path);
        cases.extend(mutations(shown, &bytes, &mut rng));
    }
    cases
}

#[test]
#[ignore = "needs ../shared: run by .ci/run (cargo test --workspace -- --ignored)"]
fn truncated_and_mutated_corpus_files_never_panic_the_pipeline() {
    let cases = corpus_cases();
    let bytes: usize = cases.iter().map(|c| c.bytes.len()).sum();
    eprintln!(
        "no_panic: {} mutated inputs ({} KiB) through kforge::run",
        cases.len(),
        bytes >> 10
    );
    run_all("corpus mutations", &cases, lint_text);
}

#[test]
#[ignore = "needs ../shared: run by .ci/run (cargo test --workspace -- --ignored)"]
fn the_binary_never_panics_on_mutated_corpus_files() {
    let cases = corpus_cases();
    let dir = tempfile::tempdir().unwrap();
    let mut checked = 0;
    for (i, case) in cases.iter().enumerate().step_by(BINARY_EVERY) {
        // Raw bytes on disk: the binary also meets the non-UTF-8 files the in-process run cannot.
        let path = dir.path().join(format!("case-{i}.yaml"));
        std::fs::write(&path, &case.bytes).unwrap();
        let out = common::run(
            common::kforge()
                .arg("lint")
                .arg(&path)
                .timeout(Duration::from_secs(60)),
        );
        assert!(
            matches!(out.code, 0..=2) && !out.stderr.contains("panicked"),
            "{}: kforge lint exited {} with stderr:\n{}",
            case.name,
            out.code,
            out.stderr
        );
        checked += 1;
    }
    eprintln!("no_panic: {checked} mutated inputs through the binary");
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    if !dir.is_dir() {
        return Vec::new();
    }
    corpus_files(dir)
        .into_iter()
        .filter(|p| p.extension().is_none_or(|e| e != "md"))
        .collect()
}

/// Each file of `fuzz/regressions/<target>/` goes through the fuzz target's own harness.
#[test]
fn kept_fuzz_findings_stay_fixed() {
    let root = common::repo().join("fuzz/regressions");
    for (target, harness) in harness::TARGETS {
        let cases: Vec<Case> = files_under(&root.join(target))
            .into_iter()
            .map(|p| Case {
                name: format!("fuzz/regressions/{target}/{}", p.display()),
                bytes: std::fs::read(&p).unwrap(),
            })
            .collect();
        run_all(&format!("fuzz target {target}"), &cases, harness);
    }
}

/// Each harness on a small valid input: keeps the fuzz harnesses compiling and working in CI.
#[test]
fn every_fuzz_harness_runs() {
    let samples: &[(&str, &[u8])] = &[
        (
            "yaml",
            b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n",
        ),
        ("set", b"a.b[0].c=1,d=x"),
        (
            "values",
            b"a: 1\nb: {c: 2}\n\0b.c=3\nsname=x\nj{\"l\": [1]}\n",
        ),
        (
            "render",
            b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ values.n }}\n\0n: web\n",
        ),
        ("archive", b"\x1f\x8b\x08\x00"),
        (
            "lint",
            b"apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n",
        ),
    ];
    assert_eq!(samples.len(), harness::TARGETS.len());
    for (target, harness) in harness::TARGETS {
        let (_, input) = samples.iter().find(|(t, _)| t == target).unwrap();
        harness(input);
    }
}

/// The hand-made hostile inputs (limits, odd encodings) through the whole pipeline.
#[test]
fn hostile_fixtures_never_panic() {
    let cases: Vec<Case> = files_under(&common::repo().join("tests/fixtures/hostile"))
        .into_iter()
        .map(|p| Case {
            name: p.display().to_string(),
            bytes: std::fs::read(&p).unwrap(),
        })
        .collect();
    run_all("hostile fixtures", &cases, lint_text);
}

#[test]
fn mutations_are_deterministic_and_bounded() {
    let text = b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n".repeat(4);
    let a = mutations(Path::new("f"), &text, &mut XorShift(1));
    let b = mutations(Path::new("f"), &text, &mut XorShift(1));
    assert_eq!(a.len(), CUTS + FLIPS);
    assert!(
        a.iter()
            .zip(&b)
            .all(|(x, y)| x.bytes == y.bytes && x.name == y.name)
    );
    let big = vec![b'a'; 1 << 20];
    assert_eq!(mutations(Path::new("big"), &big, &mut XorShift(1)).len(), 2);
}
