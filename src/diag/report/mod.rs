//! Reporters: the only code that turns diagnostics into text. Human output is drawn by miette;
//! JSON, SARIF, GitHub annotations and JUnit are written from the model.
//!
//! Every reporter reads the same [`Run`]: locations always go through
//! [`SourceMap::locate`](crate::source::SourceMap::locate), so a finding on rendered output is
//! reported at the template line that produced it. Suppressed findings are never shown to people
//! (human, GitHub, JUnit); the machine formats (JSON, SARIF) carry them marked as suppressed, and
//! every summary counts them.

mod github;
mod human;
mod json;
mod junit;
mod rules_doc;
mod sarif;
mod summary;

#[cfg(test)]
mod tests;

use std::io;
use std::time::Duration;

use crate::Run;
use crate::diag::{Diagnostic, Severity};
use crate::source::Location;

pub use rules_doc::{
    rule_doc_url, rule_explain, rules_list, rules_markdown, rules_reference_markdown,
};
pub use summary::Summary;

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
    /// Only errors; no summary line (human output).
    pub quiet: bool,
    /// Shown in the human summary; left out when `None` (tests, reproducible output).
    pub elapsed: Option<Duration>,
    /// SARIF paths are made relative to this directory.
    pub sarif_root: Option<std::path::PathBuf>,
}

/// Writes the whole report of `run` in `format`. Output depends only on the run and the options.
pub fn write(
    format: Format,
    run: &Run,
    options: &ReportOptions,
    out: &mut dyn io::Write,
) -> io::Result<()> {
    match format {
        Format::Human => human::write(run, options, out),
        Format::Json => json::write(run, out),
        Format::Sarif => sarif::write(run, options, out),
        Format::Github => github::write(run, out),
        Format::Junit => junit::write(run, out),
    }
}

/// The word a severity is shown with. Fatal problems read as errors: the exit code tells them apart.
fn severity_word(severity: Severity) -> &'static str {
    match severity {
        Severity::Fatal | Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}

/// Where a finding is reported: its primary label, resolved to the template line.
fn primary_location(run: &Run, d: &Diagnostic) -> Option<Location> {
    d.primary.as_ref().map(|l| run.sources.locate(l.span))
}

/// For a finding of a values matrix that holds in some of its configurations only: the word
/// and which, e.g. (`configuration`, `chart/ci/ha-values.yaml (1 of 3)`), or the fewer that it
/// does not hold in (`configurations`, `all but chart/ci/ha-values.yaml (2 of 3)`). A finding
/// that holds in every configuration (or a run without a matrix) says nothing.
fn only_in(d: &Diagnostic) -> Option<(&'static str, String)> {
    let within = d.configurations.as_ref().filter(|c| !c.everywhere())?;
    let (n, total) = (within.holds.len(), within.of.len());
    let missing: Vec<&str> = within
        .of
        .iter()
        .filter(|c| !within.holds.contains(c))
        .map(String::as_str)
        .collect();
    if missing.len() < n {
        return Some((
            "configurations",
            format!("all but {} ({n} of {total})", missing.join(", ")),
        ));
    }
    let word = if n == 1 {
        "configuration"
    } else {
        "configurations"
    };
    Some((
        word,
        format!("{} ({n} of {total})", within.holds.join(", ")),
    ))
}

/// [`only_in`] as one line of plain text.
fn only_in_line(d: &Diagnostic) -> Option<String> {
    only_in(d).map(|(word, which)| format!("{word}: {which}"))
}

/// Findings shown to people, in the run's order.
fn visible(run: &Run) -> impl Iterator<Item = &Diagnostic> {
    run.diagnostics.iter().filter(|d| !d.suppressed)
}
