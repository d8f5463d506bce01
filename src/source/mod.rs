//! Every text kforge reads or produces lives in one [`SourceMap`]; a [`Span`] is a file id plus a
//! byte range in it. Rendered files carry an [`OriginMap`] so a span in rendered output can be
//! resolved back to the template line that produced it.

mod chunks;
mod lines;
mod read;

pub use read::{
    MAX_INPUT_BYTES, PIPE_WRITER_WAIT, read_file_limited, read_limited, read_regular_limited,
    read_regular_shared, read_text_limited,
};

use std::path::Path;
use std::sync::{Arc, OnceLock};

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

/// A stretch of a rendered line that another template line wrote: the line's [`LineOrigin`] is
/// where the line starts (`targetPort: {{ include "x" . }}`), this is where a value on it came
/// from (the `define "x"` reached through `include`). Byte offsets in the rendered text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InnerOrigin {
    pub start: u32,
    pub end: u32,
    pub origin: LineOrigin,
}

#[derive(Clone, Debug)]
pub struct SourceFile {
    /// Display name: a path relative to where the user pointed, or `<stdin>`, `--set`, ...
    pub name: String,
    /// Empty once released ([`SourceMap::release_texts`]): [`SourceFile::text`] reads it again
    /// from `backing`.
    text: OnceLock<Text>,
    /// Where the text can be read again, for a file read from disk.
    backing: Option<Backing>,
    pub kind: SourceKind,
    pub origin: Option<OriginMap>,
    /// For a [`SourceKind::Section`]: the stream it was cut from.
    pub stream: Option<StreamPlace>,
    /// For rendered text: stretches of lines written by another template line, sorted.
    inner_origins: Vec<InnerOrigin>,
    /// Byte offsets of the lines, found when a position is first asked for (most files of a
    /// `kforge template` run never are), and before the text is released.
    line_starts: OnceLock<lines::LineStarts>,
}

/// A file's text: all of `whole`, or the stretch `start..end` of it when the file is one
/// section of a stream that its sections share (one allocation for a stream rather than a copy
/// per section: CRD files hold `# Source:` comments, and their copies were a quarter of the
/// memory a CRD-heavy run touched, issue 19).
#[derive(Clone, Debug)]
struct Text {
    whole: Arc<str>,
    start: usize,
    end: usize,
}

impl Text {
    fn all(whole: Arc<str>) -> Text {
        let end = whole.len();
        Text {
            whole,
            start: 0,
            end,
        }
    }

    fn as_str(&self) -> &str {
        self.whole.get(self.start..self.end).unwrap_or("")
    }

    /// The `Arc` when it holds exactly this text.
    fn shared(&self) -> Option<&Arc<str>> {
        (self.start == 0 && self.end == self.whole.len()).then_some(&self.whole)
    }
}

/// Where a text was read from on disk: the file, the text's byte range in it, and a
/// fingerprint of the text that a second read must match.
#[derive(Clone, Debug)]
struct Backing {
    path: Arc<Path>,
    offset: u64,
    len: usize,
    fingerprint: u64,
    /// ASCII without `\r`: lines end at `\n` and a column is a byte, so positions are found
    /// from the line starts alone, without reading the text again.
    plain: bool,
    /// The text ends with `\n` (which does not start a line of its own).
    final_newline: bool,
    /// The text holds [`IGNORE_MARK`].
    ignore_mark: bool,
}

/// What a comment that suppresses findings starts with (`# kforge-ignore: RULE`, see
/// `config::apply`): looked for once in a text read from disk, so that a finding in a released
/// text without one does not read it again to find none.
pub const IGNORE_MARK: &str = "kforge-ignore:";

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
    /// The file's text; read again from disk when it was released and this is the first use
    /// since. Should the file have changed on disk since it was read (the second read does not
    /// match what was checked), the text is empty: positions in it are still reported, by line,
    /// without the text itself.
    pub fn text(&self) -> &str {
        self.loaded().as_str()
    }

    /// [`SourceFile::text`] as the `Arc` the map holds, for a consumer that keeps the text
    /// (the template parse cache) without copying it; `None` for a section that shares its
    /// stream's text ([`SourceMap::add_section_of`]).
    pub fn shared_text(&self) -> Option<&Arc<str>> {
        self.loaded().shared()
    }

    fn loaded(&self) -> &Text {
        self.text.get_or_init(|| {
            let text = self
                .backing
                .as_ref()
                .and_then(|b| {
                    let bytes = read::read_range(&b.path, b.offset, b.len).ok()?;
                    let text = String::from_utf8(bytes).ok()?;
                    (fingerprint(&text).0 == b.fingerprint).then_some(text)
                })
                .map_or_else(|| Arc::from(""), Arc::from);
            Text::all(text)
        })
    }

    /// Whether the text may hold an [`IGNORE_MARK`]: false only when that is known without
    /// reading it (again).
    pub fn may_hold_ignore_mark(&self) -> bool {
        self.backing.as_ref().is_none_or(|b| b.ignore_mark)
    }

    fn release(&mut self) {
        if self.backing.is_some() {
            // Positions in a released text are found from its line starts, without reading it.
            self.line_starts();
            self.text = OnceLock::new();
        }
    }

    fn line_starts(&self) -> &lines::LineStarts {
        self.line_starts
            .get_or_init(|| lines::LineStarts::new(self.text()))
    }

    /// Number of lines (a trailing newline does not start a new line).
    pub fn line_count(&self) -> usize {
        self.line_starts().len()
    }

    /// 0-based line index and 0-based byte column of a byte offset.
    pub fn line_col(&self, offset: u32) -> (u32, u32) {
        let starts = self.line_starts();
        let line = starts.line_of(offset);
        let start = starts.get(line).unwrap_or(0);
        (line as u32, offset.saturating_sub(start))
    }

    /// Byte range of a 0-based line, without its line terminator.
    pub fn line_range(&self, line: u32) -> Option<(u32, u32)> {
        let starts = self.line_starts();
        let start = starts.get(line as usize)?;
        if let Some(b) = self.backing.as_ref().filter(|b| b.plain) {
            // Every line but the last ends with one `\n`, the last with at most one.
            let end = match starts.get(line as usize + 1) {
                Some(next) => next - 1,
                None => b.len as u32 - u32::from(b.final_newline),
            };
            return Some((start, end.max(start)));
        }
        let next = starts
            .get(line as usize + 1)
            .unwrap_or(self.text().len() as u32);
        let bytes = self.text().as_bytes();
        let mut end = next;
        while end > start && matches!(bytes.get(end as usize - 1), Some(b'\n' | b'\r')) {
            end -= 1;
        }
        Some((start, end))
    }

    pub fn line_text(&self, line: u32) -> &str {
        match self.line_range(line) {
            Some((s, e)) => self.text().get(s as usize..e as usize).unwrap_or(""),
            None => "",
        }
    }
}

/// A fast, non-cryptographic digest of a text: tells a file re-read from disk from one that
/// changed since (not an adversary's collision, which would only misplace a column). With it,
/// whether the text is ASCII, found in the same pass.
fn fingerprint(text: &str) -> (u64, bool) {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let bytes = text.as_bytes();
    let mut chunks = bytes.chunks_exact(8);
    let (mut h, mut high) = (bytes.len() as u64, 0u64);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let word = u64::from_le_bytes(word);
        high |= word;
        h = (h.rotate_left(5) ^ word).wrapping_mul(K);
    }
    for &b in chunks.remainder() {
        high |= u64::from(b);
        h = (h.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
    }
    (h, high & 0x8080_8080_8080_8080 == 0)
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
    files: chunks::Chunks<SourceFile>,
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
        self.push(name.into(), Text::all(text.into()), kind)
    }

    fn push(&mut self, name: String, text: Text, kind: SourceKind) -> FileId {
        let id = FileId(self.files.len() as u32);
        self.files.push(SourceFile {
            name,
            text: OnceLock::from(text),
            backing: None,
            kind,
            origin: None,
            stream: None,
            inner_origins: Vec::new(),
            line_starts: OnceLock::new(),
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

    /// [`SourceMap::add_section`] for the section `range` of `stream_text`, sharing it rather
    /// than copying the section (the stream's text lives as long as one of its sections does).
    pub fn add_section_of(
        &mut self,
        template: impl Into<String>,
        stream_text: &Arc<str>,
        range: std::ops::Range<usize>,
        stream: StreamPlace,
    ) -> FileId {
        let text = match stream_text.get(range.clone()) {
            Some(_) => Text {
                whole: stream_text.clone(),
                start: range.start,
                end: range.end,
            },
            None => Text::all(Arc::from("")),
        };
        let id = self.push(template.into(), text, SourceKind::Section);
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
        for inner in &mut copy.inner_origins {
            inner.origin.file = file_of(inner.origin.file);
        }
        self.files.push(copy);
        id
    }

    /// Says that the text of `id` is the bytes of the file at `path` from `offset` on, so
    /// that [`SourceMap::release_texts`] may drop it. Only for a regular file.
    pub fn set_backing(&mut self, id: FileId, path: Arc<Path>, offset: u64) {
        if let Some(f) = self.files.get_mut(id.0 as usize) {
            let text = f.text();
            let (fingerprint, ascii) = fingerprint(text);
            f.backing = Some(Backing {
                path,
                offset,
                len: text.len(),
                fingerprint,
                plain: ascii && memchr::memchr(b'\r', text.as_bytes()).is_none(),
                final_newline: text.ends_with('\n'),
                ignore_mark: memchr::memmem::find(text.as_bytes(), IGNORE_MARK.as_bytes())
                    .is_some(),
            });
        }
    }

    /// Drops the texts of `files` that can be read again from disk. Once objects are parsed,
    /// only the files findings point into are read again (to report them): on a folder of
    /// manifests the texts were as large as a fifth of the heap (issue 19).
    pub fn release_texts(&mut self, files: &[FileId]) {
        for id in files {
            if let Some(f) = self.files.get_mut(id.0 as usize) {
                f.release();
            }
        }
    }

    /// How many files the map holds.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Records where values on the rendered file's lines came from (see [`InnerOrigin`]).
    pub fn set_inner_origins(&mut self, id: FileId, mut inner: Vec<InnerOrigin>) {
        inner.sort_by_key(|o| o.start);
        if let Some(f) = self.files.get_mut(id.0 as usize) {
            f.inner_origins = inner;
        }
    }

    /// For a span of rendered text that another template line wrote than the one the span
    /// resolves to (a value from a `define` printed by an `include` action): that line, at the
    /// text when the template spells it, else at the line's content.
    pub fn value_origin(&self, span: Span) -> Option<Span> {
        let file = self.get(span.file)?;
        // Before any text is read: most files have none (a released text stays on disk).
        if file.inner_origins.is_empty() {
            return None;
        }
        let wanted = self.slice(span);
        let first_line = wanted.lines().next().unwrap_or("");
        let needle = first_line.trim();
        if needle.is_empty() {
            return None;
        }
        let start = span.start as usize + (first_line.len() - first_line.trim_start().len());
        let (a, b) = (start as u32, (start + needle.len()) as u32);
        let i = file.inner_origins.partition_point(|o| o.end <= a);
        let inner = file.inner_origins.get(i).filter(|o| o.start < b)?;
        let resolved = self.resolve(span);
        let template = self.get(inner.origin.file)?;
        let (resolved_line, _) = self.get(resolved.file)?.line_col(resolved.start);
        if resolved.file == inner.origin.file && resolved_line == inner.origin.line {
            return None;
        }
        let (ls, le) = template.line_range(inner.origin.line)?;
        let tline = template.text().get(ls as usize..le as usize).unwrap_or("");
        let (s, e) = locate_in_template_line(tline, "", 0, needle).unwrap_or_else(|| {
            let lead = tline.len() - tline.trim_start().len();
            (lead, tline.trim_end().len().max(lead))
        });
        Some(Span::new(
            inner.origin.file,
            ls as usize + s,
            ls as usize + e,
        ))
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
        self.get(id).map(SourceFile::text).unwrap_or("")
    }

    /// [`SourceMap::text`] as the shared `Arc`; `None` for an unknown id or a section sharing
    /// its stream's text ([`SourceMap::add_section_of`]).
    pub fn shared_text(&self, id: FileId) -> Option<&Arc<str>> {
        self.get(id).and_then(SourceFile::shared_text)
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
        let tline = template.text().get(ls as usize..le as usize).unwrap_or("");
        let wanted = self.slice(span);
        let first_line = wanted.lines().next().unwrap_or("");
        let first_line_of_wanted = first_line.trim();
        let rendered_line = file.line_text(line);
        let (_, span_col) = file.line_col(span.start);
        let rcol = span_col as usize + (first_line.len() - first_line.trim_start().len());
        if let Some((s, e)) =
            locate_in_template_line(tline, rendered_line, rcol, first_line_of_wanted)
        {
            return Span::new(o.file, ls as usize + s, ls as usize + e);
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
            if file.backing.as_ref().is_some_and(|b| b.plain) {
                // A byte is a character: no need to read a released text again.
                let (s, e) = file.line_range(line).unwrap_or((0, 0));
                return byte_col.min(e - s) + 1;
            }
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

/// A piece of a template line: literal text (copied to the output as it is) or a template action
/// (`{{ … }}`, and Jinja's `{% … %}` and `{# … #}`), as byte ranges of the line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Piece {
    Literal(usize, usize),
    Action(usize, usize),
}

/// Splits a template line into literal text and actions. An opener with no closer on the line is
/// literal text (an action spanning lines, or a brace that is just text).
fn pieces(line: &str) -> Vec<Piece> {
    const DELIMS: [(&str, &str); 3] = [("{{", "}}"), ("{%", "%}"), ("{#", "#}")];
    let mut out = Vec::new();
    let (mut lit_start, mut i) = (0, 0);
    while let Some(rel) = line.get(i..).and_then(|rest| rest.find('{')) {
        let open = i + rel;
        let rest = line.get(open..).unwrap_or("");
        let close = DELIMS.iter().find_map(|(o, c)| {
            rest.starts_with(o)
                .then(|| rest.get(2..)?.find(c).map(|e| open + 2 + e + 2))?
        });
        match close {
            Some(end) => {
                if open > lit_start {
                    out.push(Piece::Literal(lit_start, open));
                }
                out.push(Piece::Action(open, end));
                lit_start = end;
                i = end;
            }
            None => i = open + 1,
        }
    }
    if lit_start < line.len() {
        out.push(Piece::Literal(lit_start, line.len()));
    }
    out
}

/// A run of the template line and the part of the rendered line it produced.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Aligned {
    /// Literal text (its non-blank core) at template `t` and rendered `r`.
    Literal { t: usize, r: usize, len: usize },
    /// Actions in a row (their outputs cannot be told apart) and what they printed together.
    Actions {
        actions: Vec<(usize, usize)>,
        r: usize,
        r_end: usize,
    },
}

/// Where each piece of the template line landed in the rendered line: literals are copied as
/// they are (less whitespace that `{{-`/`-}}` trimmed), actions produced what lies between them.
/// Stops at the first literal that cannot be found in order (the line is not the one that
/// rendered it, or an action printed text that repeats the literal).
fn align(tline: &str, pieces: &[Piece], rendered: &str) -> Vec<Aligned> {
    let mut out = Vec::new();
    let mut r = 0;
    let mut pending: Vec<(usize, usize)> = Vec::new();
    for &p in pieces {
        match p {
            Piece::Action(s, e) => pending.push((s, e)),
            Piece::Literal(s, e) => {
                let text = tline.get(s..e).unwrap_or("");
                let core = text.trim();
                if core.is_empty() {
                    continue;
                }
                let found = if pending.is_empty() && out.is_empty() {
                    // The line's first literal starts the rendered line (less trimmed space).
                    let body = rendered.trim_start();
                    body.starts_with(core).then(|| rendered.len() - body.len())
                } else {
                    rendered
                        .get(r..)
                        .and_then(|rest| rest.find(core))
                        .map(|f| r + f)
                };
                let Some(at) = found else {
                    return out;
                };
                if !pending.is_empty() {
                    out.push(Aligned::Actions {
                        actions: std::mem::take(&mut pending),
                        r,
                        r_end: at,
                    });
                }
                let lead = text.len() - text.trim_start().len();
                out.push(Aligned::Literal {
                    t: s + lead,
                    r: at,
                    len: core.len(),
                });
                r = at + core.len();
            }
        }
    }
    if !pending.is_empty() {
        out.push(Aligned::Actions {
            actions: pending,
            r,
            r_end: rendered.len(),
        });
    }
    out
}

/// Whether an action only steers (`if`, `end`, a comment, a variable declaration) rather than
/// prints.
fn is_control_action(action: &str) -> bool {
    let inner = action.trim_start_matches(['{', '%', '#', '-']).trim_start();
    let word = inner
        .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .next()
        .unwrap_or("");
    matches!(
        word,
        "if" | "else"
            | "elif"
            | "end"
            | "endif"
            | "range"
            | "for"
            | "endfor"
            | "with"
            | "define"
            | "block"
            | "set"
            | "break"
            | "continue"
    ) || inner.starts_with("/*")
        || action.starts_with("{#")
        || inner.starts_with('$') && inner.contains(":=")
}

/// Where in a template line the text `needle`, found at byte `rcol` of the rendered line, came
/// from, as a byte range of the template line. Literal text of the template maps back exactly;
/// text actions printed maps to the action (to the needle inside it when the action spells it,
/// as in `{{ .Values.x | default "8080" }}`). When the line cannot be aligned with its output,
/// the first occurrence of the needle outside the line's actions, else inside one.
fn locate_in_template_line(
    tline: &str,
    rendered_line: &str,
    rcol: usize,
    needle: &str,
) -> Option<(usize, usize)> {
    if needle.is_empty() {
        return None;
    }
    let pieces = pieces(tline);
    for run in align(tline, &pieces, rendered_line) {
        match run {
            Aligned::Literal { t, r, len } if r <= rcol && rcol < r + len => {
                let at = t + (rcol - r);
                if tline.get(at..at + needle.len()) == Some(needle) {
                    return Some((at, at + needle.len()));
                }
            }
            Aligned::Actions { actions, r, r_end } if r <= rcol && rcol < r_end => {
                let text = |&(s, e): &(usize, usize)| tline.get(s..e).unwrap_or("");
                if let Some((s, i)) = actions
                    .iter()
                    .find_map(|a| text(a).find(needle).map(|i| (a.0, i)))
                {
                    return Some((s + i, s + i + needle.len()));
                }
                let printing = actions.iter().find(|a| !is_control_action(text(a)));
                return printing.or(actions.first()).copied();
            }
            _ => {}
        }
    }
    let in_action = |at: usize| {
        pieces
            .iter()
            .any(|p| matches!(p, Piece::Action(s, e) if *s <= at && at < *e))
    };
    let mut first_any = None;
    for (at, _) in tline.match_indices(needle) {
        if !in_action(at) {
            return Some((at, at + needle.len()));
        }
        first_any.get_or_insert(at);
    }
    first_any.map(|at| (at, at + needle.len()))
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
    fn sections_share_their_stream_and_read_back_alone_once_released() {
        let dir = tempfile::tempdir().unwrap();
        let path: Arc<Path> = Arc::from(dir.path().join("s.yaml").as_path());
        let stream = "a: 1\n---\nkind: é\nname: x\n";
        std::fs::write(&path, stream).unwrap();
        let whole: Arc<str> = Arc::from(stream);
        let mut map = SourceMap::new();
        let place = |first_line| StreamPlace {
            name: "s.yaml".to_string(),
            first_line,
        };
        let a = map.add_section_of("a", &whole, 0..5, place(0));
        let b = map.add_section_of("b", &whole, 9..stream.len(), place(2));
        let outside = map.add_section_of("c", &whole, 9..99, place(2));
        map.set_backing(b, path, 9);
        assert_eq!(Arc::strong_count(&whole), 3);
        assert_eq!(
            (map.text(a), map.text(b), map.text(outside)),
            ("a: 1\n", "kind: é\nname: x\n", "")
        );
        // Only a text the map holds exactly is offered to keep.
        assert!(map.shared_text(b).is_none());
        let x = Span::new(b, 15, 16);
        assert_eq!(map.slice(x), "x");
        let loc = map.locate(x);
        map.release_texts(&[a, b]);
        assert_eq!(
            Arc::strong_count(&whole),
            2,
            "b's share dropped, a has no file to read"
        );
        assert_eq!(map.text(b), "kind: é\nname: x\n");
        assert_eq!(map.shared_text(b).map(|t| &**t), Some("kind: é\nname: x\n"));
        assert_eq!((map.slice(x), map.locate(x)), ("x", loc));
    }

    /// A stream file of two sections on disk, added as the loader adds it: the second section
    /// backed by its byte range of the file.
    fn backed(text: &str) -> (tempfile::TempDir, SourceMap, FileId) {
        let dir = tempfile::tempdir().unwrap();
        let path: Arc<Path> = Arc::from(dir.path().join("s.yaml").as_path());
        std::fs::write(&path, format!("a: 1\n---\n{text}")).unwrap();
        let mut map = SourceMap::new();
        let id = map.add("s.yaml", text, SourceKind::Manifest);
        map.set_backing(id, path, 9);
        (dir, map, id)
    }

    #[test]
    fn a_released_text_is_read_again_and_located_alike() {
        for text in ["kind: A\nmetadata:\n  name: b\n", "kind: é\r\nname: x\n\n"] {
            let (_dir, mut map, id) = backed(text);
            let span = Span::new(id, text.find("name").unwrap(), text.len() - 1);
            let before = map.locate(span);
            map.release_texts(&[id]);
            assert_eq!(map.locate(span), before);
            assert_eq!(map.text(id), text);
            assert_eq!(map.locate(span), before);
        }
    }

    #[test]
    fn a_text_changed_on_disk_is_not_taken_for_the_one_checked() {
        let (dir, mut map, id) = backed("kind: A\nmetadata:\n  name: b\n");
        map.release_texts(&[id]);
        std::fs::write(
            dir.path().join("s.yaml"),
            "a: 1\n---\nkind: B\nmetadata:\n  name: c\n",
        )
        .unwrap();
        // Positions come from the lines counted when the file was read; the text is not shown.
        let loc = map.locate(Span::new(id, 22, 23));
        assert_eq!(
            (loc.line, loc.column, loc.end_line, loc.end_column),
            (3, 5, 3, 6)
        );
        assert_eq!(map.text(id), "");
        assert_eq!(map.slice(Span::new(id, 0, 4)), "");
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

    /// A template of one line per case, rendered to the given lines, and the template columns
    /// (1-based, start and end) that the rendered text `needle` resolves to.
    fn resolve_on_line(template: &str, rendered: &str, needle: &str) -> (u32, u32) {
        let mut map = SourceMap::new();
        let t = map.add("t.yaml", template, SourceKind::Template);
        let origin = OriginMap {
            lines: vec![Some(LineOrigin { file: t, line: 0 })],
            fallback: Some(t),
        };
        let r = map.add_rendered("t.yaml (rendered)", rendered, origin);
        let at = rendered.find(needle).unwrap();
        let loc = map.locate(Span::new(r, at, at + needle.len()));
        assert_eq!(loc.line, 1);
        (loc.column, loc.end_column)
    }

    #[test]
    fn rendered_text_resolves_outside_template_actions() {
        // The key `image` is the literal after the `with`, not `.Values.image` inside it (the
        // first occurrence on the line, which is where it used to resolve: column 16).
        let t = "{{- with .Values.image }}image: {{ .name }}{{ end }}";
        assert_eq!(resolve_on_line(t, "image: nginx", "image"), (26, 31));
        // The value printed by `{{ .name }}` resolves to that action.
        assert_eq!(resolve_on_line(t, "image: nginx", "nginx"), (33, 44));
    }

    #[test]
    fn printed_text_resolves_to_the_action_that_printed_it() {
        // `web` is in the `if` too, but the `if` printed nothing: the value is the second action's.
        let t =
            r#"  {{- if eq .Values.tier "web" }}tier: {{ .Values.tier | default "web" }}{{ end }}"#;
        assert_eq!(resolve_on_line(t, "  tier: web", "web"), (67, 70));
        let t = r#"  {{- if eq .Values.tier "web" }}tier: {{ .Values.tier }}{{ end }}"#;
        assert_eq!(resolve_on_line(t, "  tier: web", "web"), (40, 58));
        // Text an action printed around literal text: each maps to its own action.
        let t = "  name: {{ .Release.Name }}-{{ .Chart.Name }}";
        assert_eq!(resolve_on_line(t, "  name: rel-app", "app"), (29, 46));
        assert_eq!(resolve_on_line(t, "  name: rel-app", "rel"), (9, 28));
    }

    #[test]
    fn a_value_written_by_another_template_line_resolves_there_too() {
        let mut map = SourceMap::new();
        let t = map.add(
            "s.yaml",
            "targetPort: {{ include \"p\" . }}\n",
            SourceKind::Template,
        );
        let h = map.add(
            "_h.tpl",
            "{{- define \"p\" -}}\n  https\n{{- end }}\n",
            SourceKind::Template,
        );
        let origin = OriginMap {
            lines: vec![Some(LineOrigin { file: t, line: 0 })],
            fallback: Some(t),
        };
        let r = map.add_rendered("s.yaml (rendered)", "targetPort: https\n", origin);
        let value = Span::new(r, 12, 17);
        assert_eq!(map.value_origin(value), None);
        let define_line = LineOrigin { file: h, line: 1 };
        map.set_inner_origins(
            r,
            vec![InnerOrigin {
                start: 12,
                end: 17,
                origin: define_line,
            }],
        );
        let at = map.value_origin(value).unwrap();
        assert_eq!((at.file, map.slice(at)), (h, "https"));
        // The key was written by the line the finding is reported at: nothing more to say.
        assert_eq!(map.value_origin(Span::new(r, 0, 10)), None);
    }

    #[test]
    fn unaligned_lines_prefer_text_outside_actions() {
        // The rendered line does not follow the template line (an include reattributed here):
        // the first occurrence outside the actions wins, else the one inside.
        assert_eq!(
            locate_in_template_line("{{ $port := 80 }}port: {{ $port }}", "x", 0, "port"),
            Some((17, 21))
        );
        assert_eq!(
            locate_in_template_line("a: {{ .Values.port }}", "zzz", 0, "port"),
            Some((14, 18))
        );
        assert_eq!(
            pieces("a{{ b }}{% c %}{# d #}{ e"),
            vec![
                Piece::Literal(0, 1),
                Piece::Action(1, 8),
                Piece::Action(8, 15),
                Piece::Action(15, 22),
                Piece::Literal(22, 25),
            ]
        );
    }
}
