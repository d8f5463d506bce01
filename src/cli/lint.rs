//! `kforge lint`: the whole pipeline, reported in one or more formats.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::ArgMatches;

use super::Status;
use super::args::LintArgs;
use super::common::{self, UsageError};
use crate::diag::report::{self, Format, ReportOptions};

pub fn run(args: LintArgs, matches: Option<&ArgMatches>) -> Status {
    let started = Instant::now();
    let paths = if args.changed {
        super::changed::targets(&args.paths)
    } else {
        args.paths.clone()
    };
    // Only files kforge does not check changed (a CI workflow, a README): nothing to report.
    if paths.is_empty() {
        return Status::Clean;
    }
    let inputs = match common::inputs(&paths, args.check.max_file_size) {
        Ok(i) => i,
        Err(e) => return common::usage_error(e),
    };
    let mut options = match common::options(&args.render, Some(&args.check)) {
        Ok(o) => o,
        Err(e) => return common::usage_error(e),
    };
    options.config_file = common::config_file(&args.check, &paths);
    options.grouping = crate::inputs::grouping(args.together, args.changed);
    // Reported, not printed: the CRDs' schemas may go once validated.
    options.prune_crd_schemas = true;
    let destinations = match destinations(&args, matches) {
        Ok(d) => d,
        Err(e) => return common::usage_error(e),
    };
    let plan = match common::matrix_plan(&args.matrix, &inputs) {
        Ok(p) => p,
        Err(e) => return common::usage_error(e),
    };
    let run = crate::matrix::run(&inputs, &options, &plan);
    let elapsed = started.elapsed();
    for (format, path) in &destinations {
        let to_terminal = path.is_none() && std::io::stdout().is_terminal();
        let report_options = ReportOptions {
            color: *format == Format::Human && common::color_for(args.report.color, to_terminal),
            quiet: args.report.quiet,
            elapsed: Some(elapsed),
            sarif_root: args.report.sarif_root.clone().or_else(git_root),
        };
        let written = match path {
            Some(p) => {
                let mut buffer = Vec::new();
                if report::write(*format, &run, &report_options, &mut buffer).is_err() {
                    return Status::CouldNotRun;
                }
                write_atomically(p, &buffer)
            }
            // Streamed: the report of a large run is megabytes that need not be held whole
            // (issue 19). The writers fail only when writing does.
            None => write_to_stdout(|out| report::write(*format, &run, &report_options, out)),
        };
        if let Err(message) = written {
            return common::usage_error(UsageError(message));
        }
    }
    let status = common::status(&run, args.check.strict, args.check.fail_on);
    // The process ends right after this: freeing every tree of the run one by one (about a
    // tenth of a large lint) would only delay the exit. The OS takes the memory back.
    std::mem::forget(run);
    status
}

/// Writes through a buffer to standard output, flushed before returning.
fn write_to_stdout(
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), String> {
    let mut out = std::io::BufWriter::with_capacity(64 << 10, std::io::stdout().lock());
    write(&mut out)
        .and_then(|()| out.flush())
        .map_err(|e| format!("cannot write to standard output: {e}"))
}

/// Pairs each `--output` with the `--format` given before it; formats without an output go to
/// standard output. With no `--format`, an output's format follows its extension.
fn destinations(
    args: &LintArgs,
    matches: Option<&ArgMatches>,
) -> Result<Vec<(Format, Option<PathBuf>)>, UsageError> {
    let formats = &args.report.format;
    let outputs = &args.report.output;
    if formats.is_empty() {
        if outputs.len() > 1 {
            return Err(UsageError(
                "several --output files need a --format before each".into(),
            ));
        }
        return Ok(vec![match outputs.first() {
            Some(p) => (format_from_extension(p), Some(p.clone())),
            None => (Format::Human, None),
        }]);
    }
    let index_list = |id: &str| -> Vec<usize> {
        matches
            .and_then(|m| m.indices_of(id))
            .map(|i| i.collect())
            .unwrap_or_default()
    };
    let format_at = index_list("format");
    let output_at = index_list("output");
    let mut pairs: Vec<(Format, Option<PathBuf>)> = formats.iter().map(|f| (*f, None)).collect();
    for (oi, out) in outputs.iter().enumerate() {
        let at = output_at.get(oi).copied().unwrap_or(usize::MAX);
        // The nearest --format before this --output, else the first one after it.
        let before = format_at.iter().rposition(|&fi| fi < at);
        let slot = before
            .or_else(|| format_at.iter().position(|&fi| fi > at))
            .unwrap_or(oi.min(pairs.len() - 1));
        match pairs.get_mut(slot) {
            Some((_, dest @ None)) => *dest = Some(out.clone()),
            Some((format, Some(_))) => {
                return Err(UsageError(format!(
                    "--output {} has no --format of its own (the {:?} format already writes to a file)",
                    out.display(),
                    format
                )));
            }
            None => {
                return Err(UsageError(format!(
                    "--output {} has no --format",
                    out.display()
                )));
            }
        }
    }
    Ok(pairs)
}

fn format_from_extension(path: &Path) -> Format {
    match path.extension().and_then(|e| e.to_str()) {
        Some("json") => Format::Json,
        Some("sarif") => Format::Sarif,
        Some("xml") => Format::Junit,
        _ => Format::Human,
    }
}

/// Writes through a temporary file in the same directory and renames it into place, so a reader
/// never sees half a report and a failed run leaves the old file alone. The temporary name is
/// unpredictable and created exclusively (see `package::replace_file`): a shared folder is safe.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), String> {
    crate::package::replace_file(path, bytes)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn git_root() -> Option<PathBuf> {
    let mut dir = std::env::current_dir().ok()?;
    loop {
        if dir.join(".git").exists() {
            return Some(dir);
        }
        if !dir.pop() {
            return None;
        }
    }
}
