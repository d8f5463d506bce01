//! Counts shared by every format's summary.

use crate::Run;
use crate::diag::Severity;
use crate::source::SourceKind;

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
    /// Values configurations checked (a values matrix runs several; otherwise 1).
    pub configurations: usize,
}

impl Summary {
    pub fn of(run: &Run) -> Summary {
        let mut s = Summary {
            objects: run.objects.len(),
            configurations: run.configurations.len().max(1),
            ..Summary::default()
        };
        s.files = run
            .sources
            .files()
            .filter(|(_, f)| !matches!(f.kind, SourceKind::Rendered | SourceKind::Argument))
            .count();
        for d in &run.diagnostics {
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

    /// `2 errors, 1 warning (1 suppressed) in 3 objects from 2 files`; infos and suppressed
    /// findings are mentioned only when there are some, configurations only when a values matrix
    /// ran (`… from 4 files across 3 configurations`; the objects of every configuration count).
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
