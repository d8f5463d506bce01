//! Every text kforge reads or produces lives in one [`SourceMap`]; a [`Span`] is a file id plus a
//! byte range in it. Rendered files carry an [`OriginMap`] so a span in rendered output can be
//! resolved back to the template line that produced it.

mod read;

pub use read::{
    MAX_INPUT_BYTES, PIPE_WRITER_WAIT, read_file_limited, read_limited, read_regular_limited,
    read_text_limited,
};

use std::sync::Arc;

/// Index of a file in the [`SourceMap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct FileId(pub u32);

/// A byte range in one file of the [`SourceMap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Span {
        let start = u32::try_from(start).unwrap_or(u32::MAX);
        let end = u32::try_from(end).unwrap_or(u32::MAX).max(start);
        Span { file, start, end }
    }

    pub fn len(&self) -> usize {
        (self.end - self.start) as usize
    }

    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// The smallest span covering both (same file assumed; otherwise `self`).
    pub fn join(self, other: Span) -> Span {
        if self.file != other.file {
            return self;
        }
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

/// What a source text is; decides how it is shown and whether spans in it resolve further.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceKind {
    /// A chart template (before rendering).
    Template,
    /// Output of rendering a template; has an origin map.
    Rendered,
    /// A values file (`values.yaml`, `-f FILE`).
    Values,
    /// A command-line argument such as `--set a.b=c`, kept as text so findings can point into it.
    Argument,
    /// A plain manifest file, stdin, or any other input read as-is.
    Manifest,
    /// Chart metadata and other chart files (Chart.yaml, values.schema.json, CRDs).
    ChartFile,
    /// One `# Source:` section of a rendered stream (`helm template` output piped in or saved to
    /// a file), named after the template: its lines are lines of the template's rendered output,
    /// never of the template file, so findings in it name the section and its line in the
    /// message (see [`SourceMap::rendered_section`]).
    Section,
    /// A YAML file a folder walk found and left unchecked: it holds no Kubernetes object (a CI
    /// workflow, a values file) or is a kustomization. Counted in summaries; its text is kept
    /// only when a finding points into it.
    Skipped,
}

/// Where one rendered line came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineOrigin {
    pub file: FileId,
    /// 0-based line in the template.
    pub line: u32,
}

/// Rendered line (0-based) → template line. `None` for lines with no known origin.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OriginMap {
    pub lines: Vec<Option<LineOrigin>>,
    /// Used when a line has no origin of its own: the file the whole text came from.
    pub fallback: Option<FileId>,
}

#[derive(Clone, Debug)]
pub struct SourceFile {
    /// Display name: a path relative to where the user pointed, or `<stdin>`, `--set`, ...
    pub name: String,
    pub text: Arc<str>,
    pub kind: SourceKind,
    pub origin: Option<OriginMap>,
    /// For a [`SourceKind::Section`]: the stream it was cut from.
    pub stream: Option<StreamPlace>,
    line_starts: Vec<u32>,
}

/// Where a section's text sits in the stream it was cut from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StreamPlace {
    /// The stream's display name (`<stdin>`, `out.yaml`).
    pub name: String,
    /// 0-based line of the stream where the section's text starts.
    pub first_line: u32,
}

/// A position in rendered output that kforge did not render itself: the template's name and the
/// line and column in its rendered output, and the line in the stream that held it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenderedAt {
    pub template: String,
    pub line: u32,
    pub column: u32,
    pub stream: String,
    pub stream_line: u32,
}

impl RenderedAt {
    /// How messages name the position: `line 5, column 3 of the output rendered from
    /// web/templates/svc.yaml; line 57 of <stdin>`.
    pub fn describe(&self) -> String {
        format!(
            "line {}, column {} of the output rendered from {}; line {} of {}",
            self.line, self.column, self.template, self.stream_line, self.stream
        )
    }
}

impl SourceFile {
    /// Number of lines (a trailing newline does not start a new line).
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// 0-based line index and 0-based byte column of a byte offset.
    pub fn line_col(&self, offset: u32) -> (u32, u32) {
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = self.line_starts.get(line).copied().unwrap_or(0);
        (line as u32, offset.saturating_sub(start))
    }

    /// Byte range of a 0-based line, without its line terminator.
    pub fn line_range(&self, line: u32) -> Option<(u32, u32)> {
        let start = *self.line_starts.get(line as usize)?;
        let next = self
            .line_starts
            .get(line as usize + 1)
            .copied()
            .unwrap_or(self.text.len() as u32);
        let bytes = self.text.as_bytes();
        let mut end = next;
        while end > start && matches!(bytes.get(end as usize - 1), Some(b'\n' | b'\r')) {
            end -= 1;
        }
        Some((start, end))
    }

    pub fn line_text(&self, line: u32) -> &str {
        match self.line_range(line) {
            Some((s, e)) => self.text.get(s as usize..e as usize).unwrap_or(""),
            None => "",
        }
    }
}

fn line_starts(text: &str) -> Vec<u32> {
    let mut starts = vec![0u32];
    for (i, b) in text.bytes().enumerate() {
        if b == b'\n' && i + 1 < text.len() {
            starts.push(i as u32 + 1);
        }
    }
    starts
}

/// A resolved, human-facing location: 1-based line and column (columns count characters).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    pub file: FileId,
    pub path: String,
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
}

#[derive(Clone, Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn new() -> SourceMap {
        SourceMap::default()
    }

    pub fn add(
        &mut self,
        name: impl Into<String>,
        text: impl Into<Arc<str>>,
        kind: SourceKind,
    ) -> FileId {
        let text: Arc<str> = text.into();
        let id = FileId(self.files.len() as u32);
        let line_starts = line_starts(&text);
        self.files.push(SourceFile {
            name: name.into(),
            text,
            kind,
            origin: None,
            stream: None,
            line_starts,
        });
        id
    }

    /// Adds one `# Source:` section of a rendered stream ([`SourceKind::Section`]).
    pub fn add_section(
        &mut self,
        template: impl Into<String>,
        text: impl Into<Arc<str>>,
        stream: StreamPlace,
    ) -> FileId {
        let id = self.add(template, text, SourceKind::Section);
        if let Some(f) = self.files.last_mut() {
            f.stream = Some(stream);
        }
        id
    }

    /// When `span` lies in a [`SourceKind::Section`]: the rendered position. Such positions must
    /// not be reported as lines of the template file, which kforge does not have.
    pub fn rendered_section(&self, span: Span) -> Option<RenderedAt> {
        let file = self.get(span.file)?;
        let stream = file.stream.as_ref()?;
        let loc = self.locate(span);
        Some(RenderedAt {
            template: file.name.clone(),
            line: loc.line,
            column: loc.column,
            stream: stream.name.clone(),
            stream_line: loc.line + stream.first_line,
        })
    }

    pub fn add_rendered(
        &mut self,
        name: impl Into<String>,
        text: impl Into<Arc<str>>,
        origin: OriginMap,
    ) -> FileId {
        let id = self.add(name, text, SourceKind::Rendered);
        if let Some(f) = self.files.last_mut() {
            f.origin = Some(origin);
        }
        id
    }

    /// Adds a copy of a file of another map; `file_of` gives the id in this map of each file its
    /// origin map names.
    pub fn add_copy(&mut self, file: &SourceFile, file_of: impl Fn(FileId) -> FileId) -> FileId {
        let id = FileId(self.files.len() as u32);
        let mut copy = file.clone();
        if let Some(origin) = &mut copy.origin {
            for line in origin.lines.iter_mut().flatten() {
                line.file = file_of(line.file);
            }
            origin.fallback = origin.fallback.map(&file_of);
        }
        self.files.push(copy);
        id
    }

    /// How many files the map holds.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    pub fn files(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }

    pub fn name(&self, id: FileId) -> &str {
        self.get(id).map(|f| f.name.as_str()).unwrap_or("<unknown>")
    }

    pub fn text(&self, id: FileId) -> &str {
        self.get(id).map(|f| &*f.text).unwrap_or("")
    }

    pub fn slice(&self, span: Span) -> &str {
        self.text(span.file)
            .get(span.start as usize..span.end as usize)
            .unwrap_or("")
    }

    /// Maps a span in rendered output to the template text that produced it; other spans are
    /// returned unchanged. The origin map is per line, so the column is found by looking for the
    /// rendered text on the template line (a literal such as `8080`), else the template
    /// expression on that line (`{{ .Values.port }}`), else the line's content.
    pub fn resolve(&self, span: Span) -> Span {
        let Some(file) = self.get(span.file) else {
            return span;
        };
        let Some(origin) = &file.origin else {
            return span;
        };
        let (line, _) = file.line_col(span.start);
        let Some(Some(o)) = origin.lines.get(line as usize) else {
            return match origin.fallback {
                Some(f) => Span::new(f, 0, 0),
                None => span,
            };
        };
        let Some(template) = self.get(o.file) else {
            return span;
        };
        let Some((ls, le)) = template.line_range(o.line) else {
            return Span::new(o.file, 0, 0);
        };
        let tline = template.text.get(ls as usize..le as usize).unwrap_or("");
        let wanted = self.slice(span);
        let first_line_of_wanted = wanted.lines().next().unwrap_or("").trim();
        // Looking for the rendered text only makes sense when it is short and distinctive.
        if !first_line_of_wanted.is_empty() {
            let rendered_line = file.line_text(line);
            if let Some(pos) = find_same_column_or_any(tline, rendered_line, first_line_of_wanted) {
                let s = ls as usize + pos;
                return Span::new(o.file, s, s + first_line_of_wanted.len());
            }
        }
        if let Some(open) = tline.find("{{") {
            let close = tline[open..]
                .find("}}")
                .map(|c| open + c + 2)
                .unwrap_or(tline.len());
            return Span::new(o.file, ls as usize + open, ls as usize + close);
        }
        let trimmed_start = tline.len() - tline.trim_start().len();
        Span::new(o.file, ls as usize + trimmed_start, le as usize)
    }

    /// 1-based line/column location of a span, after [`SourceMap::resolve`].
    pub fn locate(&self, span: Span) -> Location {
        let span = self.resolve(span);
        let Some(file) = self.get(span.file) else {
            return Location {
                file: span.file,
                path: "<unknown>".into(),
                line: 1,
                column: 1,
                end_line: 1,
                end_column: 1,
            };
        };
        let (l0, c0) = file.line_col(span.start);
        let (l1, c1) = file.line_col(span.end);
        let col = |line: u32, byte_col: u32| -> u32 {
            let text = file.line_text(line);
            let prefix = text.get(..byte_col as usize).unwrap_or(text);
            prefix.chars().count() as u32 + 1
        };
        Location {
            file: span.file,
            path: file.name.clone(),
            line: l0 + 1,
            column: col(l0, c0),
            end_line: l1 + 1,
            end_column: col(l1, c1),
        }
    }
}

/// Finds `needle` in the template line, preferring the occurrence at the same column as in the
/// rendered line (templates usually keep the indentation of what they produce).
fn find_same_column_or_any(
    template_line: &str,
    rendered_line: &str,
    needle: &str,
) -> Option<usize> {
    if let Some(rcol) = rendered_line.find(needle)
        && template_line.get(rcol..rcol + needle.len()) == Some(needle)
    {
        return Some(rcol);
    }
    template_line.find(needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column() {
        let mut map = SourceMap::new();
        let f = map.add("a.yaml", "a: 1\nbé: 2\n", SourceKind::Manifest);
        let loc = map.locate(Span::new(f, 9, 10));
        assert_eq!((loc.line, loc.column), (2, 4));
    }

    #[test]
    fn rendered_span_resolves_to_template_literal_or_expression() {
        let mut map = SourceMap::new();
        let t = map.add(
            "t.yaml",
            "kind: Service\nspec:\n  port: {{ .Values.port }}\n  targetPort: 8080\n",
            SourceKind::Template,
        );
        let origin = OriginMap {
            lines: (0..4)
                .map(|l| Some(LineOrigin { file: t, line: l }))
                .collect(),
            fallback: Some(t),
        };
        let r = map.add_rendered(
            "t.yaml (rendered)",
            "kind: Service\nspec:\n  port: 80\n  targetPort: 8080\n",
            origin,
        );
        let text = map.text(r).to_string();
        let at = |s: &str| text.find(s).unwrap();
        let lit = map.locate(Span::new(r, at("8080"), at("8080") + 4));
        assert_eq!(
            (lit.path.as_str(), lit.line, lit.column, lit.end_column),
            ("t.yaml", 4, 15, 19)
        );
        let expr = map.locate(Span::new(r, at("80\n"), at("80\n") + 2));
        assert_eq!((expr.line, expr.column), (3, 9));
    }
}
