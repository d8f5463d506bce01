//! `--format human`: rustc-style findings for people. The header, the help and the notes are
//! written here; the source snippets are drawn by miette's `GraphicalReportHandler`, one section
//! per file (miette draws labels of one source per diagnostic, so labels in other files get
//! sections of their own, like rustc's `:::`).
//!
//! ```text
//! error[rules/service-target-port]: Service "web" sends port 80 to targetPort 8080, ...
//!    ,-[chart/templates/service.yaml:9:19]
//!  8 |     - port: 80
//!  9 |       targetPort: 8080
//!    :                   ^^|^
//!    :                     `-- no container of Deployment "web" listens on 8080
//!    `----
//!   = help: set targetPort to 8081
//! ```

use std::fmt;
use std::io;
use std::sync::Arc;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan, ThemeCharacters,
    ThemeStyles,
};

use super::{Summary, severity_word, visible};
use crate::Run;
use crate::diag::{Diagnostic, Severity};
use crate::source::{FileId, SourceKind, Span};

/// Snippets are laid out for this width whatever the terminal, so output is reproducible.
const WIDTH: usize = 100;

pub(super) fn write(
    run: &Run,
    options: &super::ReportOptions,
    out: &mut dyn io::Write,
) -> io::Result<()> {
    let style = Style {
        color: options.color,
    };
    for d in visible(run) {
        if options.quiet && !matches!(d.severity, Severity::Fatal | Severity::Error) {
            continue;
        }
        out.write_all(finding(run, d, style).as_bytes())?;
        out.write_all(b"\n")?;
    }
    if !options.quiet {
        let mut line = Summary::of(run).line();
        if let Some(elapsed) = options.elapsed {
            line.push_str(&format!(" in {} ms", elapsed.as_millis()));
        }
        writeln!(out, "{}", style.bold(&line))?;
    }
    Ok(())
}

#[derive(Clone, Copy)]
struct Style {
    color: bool,
}

impl Style {
    fn paint(self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    fn bold(self, text: &str) -> String {
        self.paint("1", text)
    }

    fn severity(self, severity: Severity, text: &str) -> String {
        let code = match severity {
            Severity::Fatal | Severity::Error => "1;31",
            Severity::Warning => "1;33",
            Severity::Info => "1;36",
        };
        self.paint(code, text)
    }

    fn theme(self) -> GraphicalTheme {
        if self.color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme {
                characters: ThemeCharacters::ascii(),
                styles: ThemeStyles::none(),
            }
        }
    }
}

/// One finding, ending in a newline.
fn finding(run: &Run, d: &Diagnostic, style: Style) -> String {
    let mut text = format!(
        "{}{}\n",
        style.severity(
            d.severity,
            &format!("{}[{}]", severity_word(d.severity), d.rule.id)
        ),
        style.bold(&format!(": {}", d.message)),
    );
    for section in sections(run, d) {
        text.push_str(&draw(run, &section, d.severity, style));
    }
    if let Some(rendered) = d.primary.as_ref().and_then(|p| rendered_line(run, p.span)) {
        text.push_str(&format!(
            "  {} {}\n",
            style.bold("= rendered as:"),
            rendered
        ));
    }
    if let Some(help) = &d.help {
        text.push_str(&format!(
            "  {} {}\n",
            style.bold("= help:"),
            indent_continuation(help)
        ));
    }
    for note in &d.notes {
        text.push_str(&format!(
            "  {} {}\n",
            style.bold("= note:"),
            indent_continuation(note)
        ));
    }
    text
}

fn indent_continuation(text: &str) -> String {
    text.replace('\n', "\n          ")
}

/// The labels of one file: resolved spans (template spans for rendered output) and their text.
struct Section {
    file: FileId,
    /// (span, label, primary)
    labels: Vec<(Span, String, bool)>,
}

/// Groups the labels into snippets: the primary label first, with the labels near it (miette
/// draws far-apart labels of one file as separate boxes in file order, which would put a
/// secondary place before the primary one); then the other labels, by file, in the order they
/// appear.
fn sections(run: &Run, d: &Diagnostic) -> Vec<Section> {
    /// Labels within this many lines of the primary share its box.
    const NEAR_LINES: u32 = 3;
    let line_of = |span: Span| {
        run.sources
            .get(span.file)
            .map(|f| f.line_col(span.start).0)
            .unwrap_or(0)
    };
    let primary_at = d
        .primary
        .as_ref()
        .map(|l| run.sources.resolve(l.span))
        .map(|span| (span.file, line_of(span)));
    let mut sections: Vec<(bool, Section)> = Vec::new();
    let labels = d
        .primary
        .iter()
        .map(|l| (l, true))
        .chain(d.secondary.iter().map(|l| (l, false)));
    for (label, primary) in labels {
        let span = run.sources.resolve(label.span);
        if run.sources.get(span.file).is_none() {
            continue;
        }
        let with_primary = primary
            || primary_at.is_some_and(|(file, line)| {
                file == span.file && line_of(span).abs_diff(line) <= NEAR_LINES
            });
        let entry = (span, label.message.clone(), primary);
        match sections
            .iter_mut()
            .find(|(p, s)| *p == with_primary && s.file == span.file)
        {
            Some((_, section)) => section.labels.push(entry),
            None => sections.push((
                with_primary,
                Section {
                    file: span.file,
                    labels: vec![entry],
                },
            )),
        }
    }
    // The primary's section was created first; keep the rest in order of appearance.
    sections.into_iter().map(|(_, s)| s).collect()
}

/// A snippet of one file with its labels, drawn by miette.
#[derive(Debug)]
struct Snippet {
    severity: miette::Severity,
    source: NamedSource<Arc<str>>,
    labels: Vec<LabeledSpan>,
}

impl fmt::Display for Snippet {
    // The message is written by us, above the snippets.
    fn fmt(&self, _: &mut fmt::Formatter<'_>) -> fmt::Result {
        Ok(())
    }
}

impl std::error::Error for Snippet {}

impl miette::Diagnostic for Snippet {
    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }
}

fn draw(run: &Run, section: &Section, severity: Severity, style: Style) -> String {
    let Some(file) = run.sources.get(section.file) else {
        return String::new();
    };
    let text_len = file.text.len();
    let labels = section
        .labels
        .iter()
        .map(|(span, message, primary)| {
            let start = (span.start as usize).min(text_len);
            let len = shorten(&file.text, start, span.len().min(text_len - start));
            let message = (!message.is_empty()).then(|| message.clone());
            let span = SourceSpan::from((start, len));
            if *primary {
                LabeledSpan::new_primary_with_span(message, span)
            } else {
                LabeledSpan::new_with_span(message, span)
            }
        })
        .collect();
    let snippet = Snippet {
        severity: match severity {
            Severity::Fatal | Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        },
        source: NamedSource::new(&file.name, file.text.clone()),
        labels,
    };
    let handler = GraphicalReportHandler::new_themed(style.theme())
        .with_width(WIDTH)
        .with_links(false)
        .with_urls(false)
        .with_context_lines(1)
        .without_cause_chain();
    let mut drawn = String::new();
    if handler.render_report(&mut drawn, &snippet).is_err() {
        return String::new();
    }
    // miette starts with the (empty) message line: ours is already written.
    let body = drawn.split_once('\n').map(|(_, rest)| rest).unwrap_or("");
    let mut body = body.trim_end_matches('\n').to_string();
    body.push('\n');
    body
}

/// Spans over more than a few lines (a whole object or block) would draw every line: they are cut
/// to their first line, which is where the reader needs to look.
const MAX_LABEL_LINES: usize = 3;

fn shorten(text: &str, start: usize, len: usize) -> usize {
    let Some(spanned) = text.get(start..start + len) else {
        return len;
    };
    if spanned.matches('\n').count() < MAX_LABEL_LINES {
        return len;
    }
    spanned.find('\n').unwrap_or(len)
}

/// For a finding on rendered output: the rendered line, when it differs from the template line it
/// is reported at (the template has an expression there, or the line's origin is unknown), so the
/// reader sees the value the template produced.
fn rendered_line(run: &Run, span: Span) -> Option<String> {
    let file = run.sources.get(span.file)?;
    if file.kind != SourceKind::Rendered {
        return None;
    }
    let (line, _) = file.line_col(span.start);
    let rendered = file.line_text(line).trim();
    let resolved = run.sources.resolve(span);
    let template = run.sources.get(resolved.file)?;
    let (tline, _) = template.line_col(resolved.start);
    let template_line = template.line_text(tline).trim();
    (!rendered.is_empty() && rendered != template_line).then(|| rendered.to_string())
}
