//! Parses every template of a set of charts as a render does (each chart on its own: a file
//! whose text repeats within a chart is parsed once, as the parse cache does; across charts
//! nothing is shared), and prints the count and time. A repeatable measure of the lexer and
//! parser (run it under callgrind for instruction counts):
//!
//! `cargo run --release -p kforge-gotpl --example parse_charts -- /work/helmwork/work/*`
//!
//! `REPS=n` repeats the whole run n times.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

// The kforge binary's allocator: with glibc's, allocation is a third of the instructions.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn collect(dir: &Path, in_templates: bool, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if p.is_dir() {
            collect(&p, in_templates || name == "templates", out);
        } else if in_templates {
            out.push(p);
        }
    }
}

fn main() {
    let charts: Vec<String> = std::env::args().skip(1).collect();
    let reps: usize = std::env::var("REPS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    // Read everything first so that only parsing is timed.
    let mut work: Vec<Vec<(String, Arc<str>)>> = Vec::new();
    for chart in &charts {
        let mut files = Vec::new();
        collect(Path::new(chart), false, &mut files);
        let mut seen = HashSet::new();
        let mut texts = Vec::new();
        for f in files {
            let Ok(text) = std::fs::read_to_string(&f) else {
                continue;
            };
            if seen.insert(text.clone()) {
                texts.push((f.display().to_string(), Arc::from(text)));
            }
        }
        work.push(texts);
    }
    let t0 = Instant::now();
    let mut n = Counts::default();
    for _ in 0..reps {
        for texts in &work {
            parse_chart(texts, &mut n);
        }
    }
    let dt = t0.elapsed();
    println!(
        "{} charts, {} files, {} bytes, {} trees, {} errors: {:.1} ms",
        charts.len(),
        n.files,
        n.bytes,
        n.trees,
        n.errors,
        dt.as_secs_f64() * 1e3
    );
}

#[derive(Default)]
struct Counts {
    files: usize,
    bytes: usize,
    trees: usize,
    errors: usize,
}

/// One chart's parse, trees dropped at the end as a render drops them (a separate function so
/// that callgrind can count it alone: `--toggle-collect='parse_charts::parse_chart'`).
#[inline(never)]
fn parse_chart(texts: &[(String, Arc<str>)], n: &mut Counts) {
    let mut parsed = Vec::with_capacity(texts.len());
    for (name, text) in texts {
        n.files += 1;
        n.bytes += text.len();
        match kforge_gotpl::parse::parse_shared(
            name,
            Arc::clone(text),
            &kforge_gotpl::exec::is_func,
        ) {
            Ok(p) => {
                n.trees += p.trees.len();
                parsed.push(p);
            }
            Err(_) => n.errors += 1,
        }
    }
    drop(parsed);
}
