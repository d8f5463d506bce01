//! The project's own diagnostic model. Stages produce [`Diagnostic`]s; only the reporters
//! (`diag::report`) turn them into text. Every diagnostic names a [`Rule`] from the registry.

mod origins;
pub mod registry;
pub mod report;

pub use origins::label_value_origins;

use crate::source::Span;
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// kforge could not run (bad flag, unreadable input): exit code 2.
    Fatal,
    /// Certainly breaks: exit code 1.
    Error,
    /// May break, or breaks depending on things outside the run: says why.
    Warning,
    /// Worth knowing; never fails a run.
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Fatal => "fatal",
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "fatal" => Some(Severity::Fatal),
            "error" => Some(Severity::Error),
            "warning" | "warn" => Some(Severity::Warning),
            "info" | "note" => Some(Severity::Info),
            _ => None,
        }
    }
}

/// Metadata of one check. A check cannot report without one: [`Diagnostic::new`] takes it.
/// The registry (`diag::registry::all`) drives `kforge rules`, docs, SARIF and tests.
#[derive(Debug)]
pub struct Rule {
    /// `<stage>/<name>`, stable forever.
    pub id: &'static str,
    pub severity: Severity,
    /// Off unless enabled in config or by `--enable`.
    pub default_enabled: bool,
    /// One line, no final period.
    pub summary: &'static str,
    /// Why it matters: what breaks, and when.
    pub rationale: &'static str,
    /// A minimal input that triggers the rule (YAML manifest or template, as documented per rule).
    pub failing: &'static str,
    /// The same input, fixed.
    pub passing: &'static str,
}

/// A place involved in a finding, with what it says about that place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

impl Label {
    pub fn new(span: Span, message: impl Into<String>) -> Label {
        Label {
            span,
            message: message.into(),
        }
    }
}

/// The Kubernetes object a finding is about.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectRef {
    pub api_version: String,
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    pub name: String,
}

impl std::fmt::Display for ObjectRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} \"{}\"", self.kind, self.name)
    }
}

#[derive(Clone, Debug)]
pub struct Diagnostic {
    pub rule: &'static Rule,
    pub severity: Severity,
    pub message: String,
    /// Where it is wrong. `None` only for findings about the whole run (e.g. no input at all).
    pub primary: Option<Label>,
    /// The other places involved.
    pub secondary: Vec<Label>,
    pub help: Option<String>,
    /// Extra lines of explanation (`= note: ...`).
    pub notes: Vec<String>,
    pub object: Option<ObjectRef>,
    /// Set when a suppression (annotation, comment, config) matched: counted, not shown.
    pub suppressed: bool,
    /// When a values matrix ran: the configurations the finding holds in. `None` for a run of
    /// one configuration.
    pub configurations: Option<InConfigurations>,
}

/// Where a finding of a values matrix holds (see `matrix`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InConfigurations {
    /// The configurations it holds in, in the matrix's order.
    pub holds: Vec<String>,
    /// Every configuration of the matrix its input was checked in.
    pub of: std::sync::Arc<[String]>,
}

impl InConfigurations {
    /// Holds in every configuration: nothing sets it apart.
    pub fn everywhere(&self) -> bool {
        self.holds.len() >= self.of.len()
    }
}

impl Diagnostic {
    pub fn new(rule: &'static Rule, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            rule,
            severity: rule.severity,
            message: message.into(),
            primary: None,
            secondary: Vec::new(),
            help: None,
            notes: Vec::new(),
            object: None,
            suppressed: false,
            configurations: None,
        }
    }

    /// The primary location with its label text (may be empty).
    pub fn at(mut self, span: Span, label: impl Into<String>) -> Diagnostic {
        self.primary = Some(Label::new(span, label));
        self
    }

    pub fn with_label(mut self, span: Span, label: impl Into<String>) -> Diagnostic {
        self.secondary.push(Label::new(span, label));
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Diagnostic {
        self.notes.push(note.into());
        self
    }

    pub fn with_object(mut self, object: ObjectRef) -> Diagnostic {
        self.object = Some(object);
        self
    }

    pub fn with_severity(mut self, severity: Severity) -> Diagnostic {
        self.severity = severity;
        self
    }

    /// Errors and fatal problems fail a run (unless suppressed).
    pub fn is_error(&self) -> bool {
        matches!(self.severity, Severity::Error | Severity::Fatal) && !self.suppressed
    }

    pub fn is_fatal(&self) -> bool {
        self.severity == Severity::Fatal
    }
}

/// "Did you mean" over candidates: the closest by edit distance, if close enough to be a typo.
pub fn did_you_mean<'a>(
    wanted: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let wanted_lower = wanted.to_ascii_lowercase();
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let d = edit_distance(&wanted_lower, &c.to_ascii_lowercase());
        let limit = (wanted.chars().count().max(c.chars().count()) / 3).max(1);
        if d <= limit && best.is_none_or(|(bd, bc)| d < bd || (d == bd && c < bc)) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

pub fn edit_distance(a: &str, b: &str) -> usize {
    // A common prefix or suffix changes nothing in the distance (names that differ only in a
    // release or a suffix are much of what is compared): only the middles go to the table.
    let prefix = a.chars().zip(b.chars()).take_while(|(x, y)| x == y);
    let prefix_len: usize = prefix.map(|(x, _)| x.len_utf8()).sum();
    let (a, b) = (
        a.get(prefix_len..).unwrap_or(""),
        b.get(prefix_len..).unwrap_or(""),
    );
    let suffix = a
        .chars()
        .rev()
        .zip(b.chars().rev())
        .take_while(|(x, y)| x == y);
    let suffix_len: usize = suffix.map(|(x, _)| x.len_utf8()).sum();
    let a = a.get(..a.len() - suffix_len).unwrap_or("");
    let b: Vec<char> = b
        .get(..b.len() - suffix_len)
        .unwrap_or("")
        .chars()
        .collect();
    // One row of the Levenshtein table at a time; `diagonal` is the previous row's value at j-1.
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = i;
        let mut left = i + 1;
        for (cell, cb) in row.iter_mut().skip(1).zip(&b) {
            let up = *cell;
            let value = (diagonal + usize::from(ca != *cb))
                .min(up + 1)
                .min(left + 1);
            diagonal = up;
            *cell = value;
            left = value;
        }
        if let Some(first) = row.first_mut() {
            *first = i + 1;
        }
    }
    row.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The whole Levenshtein table, as the textbook has it.
    fn levenshtein(a: &str, b: &str) -> usize {
        let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
        let mut table = vec![vec![0; b.len() + 1]; a.len() + 1];
        for (i, row) in table.iter_mut().enumerate() {
            row[0] = i;
        }
        table[0] = (0..=b.len()).collect();
        for i in 1..=a.len() {
            for j in 1..=b.len() {
                let change = usize::from(a[i - 1] != b[j - 1]);
                table[i][j] = (table[i - 1][j - 1] + change)
                    .min(table[i - 1][j] + 1)
                    .min(table[i][j - 1] + 1);
            }
        }
        table[a.len()][b.len()]
    }

    #[test]
    fn edit_distance_is_levenshtein_with_common_ends_left_out() {
        for (a, b) in [
            ("frontend", "fronted"),
            ("web", "api"),
            ("", "abc"),
            ("kitten", "sitting"),
            ("app", "app"),
            ("ü-label", "u-label"),
            ("release-postgresql", "release-postgresql-hl"),
            ("r3-redis-master", "r7-redis-master"),
            ("aXbXc", "aYbYc"),
            ("prefix-ä", "prefix-äö"),
            ("same", "same"),
        ] {
            assert_eq!(edit_distance(a, b), levenshtein(a, b), "{a} {b}");
            assert_eq!(edit_distance(b, a), levenshtein(a, b), "{b} {a}");
        }
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }

    #[test]
    fn did_you_mean_finds_typos_only() {
        assert_eq!(
            did_you_mean("replica", ["replicas", "selector", "template"]),
            Some("replicas")
        );
        assert_eq!(
            did_you_mean("imagePullPolcy", ["image", "imagePullPolicy"]),
            Some("imagePullPolicy")
        );
        assert_eq!(did_you_mean("zzz", ["replicas", "selector"]), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}
