//! Counts shared by every format's summary.

use crate::diag::{Diagnostic, Severity};
use crate::source::{FileId, SourceKind};
use crate::{Run, RunPart};

/// What a run found. Suppressed findings count only in `suppressed`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Errors and fatal problems.
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub suppressed: usize,
    pub objects: usize,
    /// Files read: templates, values files, manifests and chart files. Rendered output and
    /// command-line arguments are not files the user wrote, so they are not counted.
    pub files: usize,
    /// YAML files a folder walk left unchecked: no Kubernetes object in them, or a kustomization.
    pub skipped: usize,
    /// Values configurations checked (a values matrix runs several; otherwise 1).
    pub configurations: usize,
}

impl Summary {
    pub fn of(run: &Run) -> Summary {
        Summary::count(run, &run.diagnostics, run.objects.len(), |_| true)
    }

    /// The counts of one of the runs the inputs were checked as.
    pub fn of_part(run: &Run, part: &RunPart) -> Summary {
        Summary::count(
            run,
            run.diagnostics.get(part.findings.clone()).unwrap_or(&[]),
            part.objects.len(),
            |id| part.files.iter().any(|r| r.contains(&id.0)),
        )
    }

    fn count(
        run: &Run,
        diagnostics: &[Diagnostic],
        objects: usize,
        file_in: impl Fn(FileId) -> bool,
    ) -> Summary {
        let mut s = Summary {
            objects,
            configurations: run.configurations.len().max(1),
            ..Summary::default()
        };
        for (id, f) in run.sources.files() {
            if !file_in(id) {
                continue;
            }
            match f.kind {
                SourceKind::Rendered | SourceKind::Argument => {}
                SourceKind::Skipped => s.skipped += 1,
                _ => s.files += 1,
            }
        }
        for d in diagnostics {
            if d.suppressed {
                s.suppressed += 1;
                continue;
            }
            match d.severity {
                Severity::Fatal | Severity::Error => s.errors += 1,
                Severity::Warning => s.warnings += 1,
                Severity::Info => s.infos += 1,
            }
        }
        s
    }

    /// `2 errors, 1 warning (1 suppressed) in 3 objects from 2 files`; infos, suppressed
    /// findings and skipped files are mentioned only when there are some, configurations only
    /// when a values matrix ran (`… from 4 files across 3 configurations`; the objects of every
    /// configuration count).
    pub fn line(&self) -> String {
        let mut line = format!(
            "{}, {}",
            plural(self.errors, "error"),
            plural(self.warnings, "warning")
        );
        if self.infos > 0 {
            line.push_str(&format!(", {}", plural(self.infos, "info")));
        }
        if self.suppressed > 0 {
            line.push_str(&format!(" ({} suppressed)", self.suppressed));
        }
        line.push_str(&format!(
            " in {} from {}",
            plural(self.objects, "object"),
            plural(self.files, "file")
        ));
        if self.configurations > 1 {
            line.push_str(&format!(" across {} configurations", self.configurations));
        }
        if self.skipped > 0 {
            line.push_str(&format!(
                " ({} without Kubernetes objects skipped)",
                plural(self.skipped, "YAML file")
            ));
        }
        line
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}
