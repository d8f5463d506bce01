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

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents, ThemeCharacters, ThemeStyles,
};

use super::{Summary, only_in, severity_word, visible};
use crate::Run;
use crate::diag::{Diagnostic, Severity};
use crate::source::{FileId, SourceFile, SourceKind, Span};

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
        if run.parts.len() > 1 {
            for part in &run.parts {
                let line = format!(
                    "{}: {}",
                    part.inputs.join(", "),
                    Summary::of_part(run, part).line()
                );
                writeln!(out, "{line}")?;
            }
        }
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
        style.bold(&format!(": {}", super::message(run, d))),
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
    if let Some((word, which)) = only_in(d) {
        text.push_str(&format!(
            "  {} {which}\n",
            style.bold(&format!("= {word}:"))
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
struct Snippet<'f> {
    severity: miette::Severity,
    source: FileSource<'f>,
    labels: Vec<LabeledSpan>,
}

/// A file as miette reads it, through the file's line index: miette's own `str` source counts
/// lines from the start of the text on every read, so the cost of a report grew with findings ×
/// file size (5,000 findings in one 290 KB file took a minute). This one hands miette only the
/// lines around the span and shifts offsets and line numbers back, so the drawing is the same.
#[derive(Debug)]
struct FileSource<'f> {
    file: &'f SourceFile,
}

impl SourceCode for FileSource<'_> {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let file = self.file;
        let text = file.text().as_bytes();
        let (start, end) = (span.offset(), span.offset() + span.len());
        if end > text.len() {
            return Err(MietteError::OutOfBounds);
        }
        let to_u32 = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        let (first_line, _) = file.line_col(to_u32(start));
        let (last_line, _) = file.line_col(to_u32(end));
        // One spare line on each side, so miette sees where the context ends.
        let from_line = first_line.saturating_sub(to_u32(context_lines_before) + 1);
        let to_line = last_line
            .saturating_add(to_u32(context_lines_after))
            .saturating_add(2);
        let from = file.line_range(from_line).map_or(0, |(s, _)| s as usize);
        let to = file
            .line_range(to_line)
            .map_or(text.len(), |(s, _)| s as usize);
        let window = text.get(from..to).ok_or(MietteError::OutOfBounds)?;
        let inner = SourceSpan::from((start - from, span.len()));
        let found = window.read_span(&inner, context_lines_before, context_lines_after)?;
        // A rendered section is shown as the stream it came from, at the stream's own lines.
        let (name, stream_offset) = match &file.stream {
            Some(s) => (s.name.clone(), s.first_line as usize),
            None => (file.name.clone(), 0),
        };
        let line_offset = from_line as usize + stream_offset;
        Ok(Box::new(MietteSpanContents::new_named(
            name,
            found.data(),
            SourceSpan::from((found.span().offset() + from, found.span().len())),
            found.line() + line_offset,
            found.column(),
            found.line_count() + line_offset,
        )))
    }
}

impl fmt::Display for Snippet<'_> {
    // The message is written by us, above the snippets.
    fn fmt(&self, _: &mut fmt::Formatter<'_>) -> fmt::Result {
        Ok(())
    }
}

impl std::error::Error for Snippet<'_> {}

impl miette::Diagnostic for Snippet<'_> {
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
    if section
        .labels
        .iter()
        .any(|(span, _, _)| near_long_line(file, *span))
    {
        return excerpts(file, section);
    }
    let text_len = file.text().len();
    let labels = section
        .labels
        .iter()
        .map(|(span, message, primary)| {
            let start = (span.start as usize).min(text_len);
            let len = shorten(file.text(), start, span.len().min(text_len - start));
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
        source: FileSource { file },
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

/// Lines longer than this are not drawn whole: one 120 KB line (minified or flow-style YAML)
/// would be printed once per finding, and miette cannot align labels past 65,535 columns.
const MAX_DRAWN_LINE: u32 = 400;
/// Characters of context shown on each side of a span on such a line.
const EXCERPT_CONTEXT: usize = 40;

/// Whether the span's lines, or the context line around them, are too long to draw whole.
fn near_long_line(file: &SourceFile, span: Span) -> bool {
    let (first, _) = file.line_col(span.start);
    let (last, _) = file.line_col(span.end);
    (first.saturating_sub(1)..=last.saturating_add(1))
        .filter_map(|line| file.line_range(line))
        .any(|(start, end)| end - start > MAX_DRAWN_LINE)
}

/// Each label as a one-line excerpt of its line around the span, with a caret underline.
fn excerpts(file: &SourceFile, section: &Section) -> String {
    let mut out = String::new();
    for (span, message, _) in &section.labels {
        let (line, _) = file.line_col(span.start);
        let Some((line_start, line_end)) = file.line_range(line) else {
            continue;
        };
        let text = file.line_text(line);
        let at = (span.start.saturating_sub(line_start) as usize).min(text.len());
        let until =
            (span.end.min(line_end).saturating_sub(line_start) as usize).clamp(at, text.len());
        let from = floor_char(text, at.saturating_sub(EXCERPT_CONTEXT));
        let to = floor_char(text, (until + EXCERPT_CONTEXT).min(text.len()));
        let (before, marked, after) = (
            text.get(from..at).unwrap_or(""),
            text.get(at..until).unwrap_or(""),
            text.get(until..to).unwrap_or(""),
        );
        let lead = if from > 0 { "…" } else { "" };
        let tail = if to < text.len() { "…" } else { "" };
        let column = text.get(..at).map_or(0, |p| p.chars().count()) + 1;
        let (name, stream_offset) = match &file.stream {
            Some(s) => (s.name.as_str(), s.first_line),
            None => (file.name.as_str(), 0),
        };
        let number = (line + 1 + stream_offset).to_string();
        let pad = " ".repeat(number.len());
        let indent = " ".repeat(lead.chars().count() + before.chars().count());
        let carets = "^".repeat(marked.chars().count().max(1));
        out.push_str(&format!("{pad} ,-[{name}:{number}:{column}]\n"));
        out.push_str(&format!("{number} | {lead}{before}{marked}{after}{tail}\n"));
        out.push_str(&format!("{pad} : {indent}{carets} {message}\n"));
        out.push_str(&format!("{pad} `----\n"));
    }
    out
}

/// The largest char boundary at or below `at`.
fn floor_char(text: &str, mut at: usize) -> usize {
    while at > 0 && !text.is_char_boundary(at) {
        at -= 1;
    }
    at
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
