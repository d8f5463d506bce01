//! Builds [`Node`] trees from saphyr's event stream for one chunk of a stream (see `chunks`):
//! spans in bytes, Kubernetes scalar resolution, anchors and aliases, merge keys, duplicate keys
//! and the limits. Uses saphyr's pull API, which keeps its own state on the heap (its recursive
//! `load` is not used), and keeps our own stack of open collections, so nesting never recurses.

use std::borrow::Cow;
use std::collections::HashMap;

use saphyr_parser::{
    Event, Parser, ScalarStyle as SaphyrStyle, ScanError, Span as SaphyrSpan, Tag,
};

use super::alias::{mark_alias, placeholder, placeholder_id, visit_mut};
use super::findings::{ambiguous, collection_key, too_deep};
use super::input::ShortWindow;
use super::positions::Positions;
use super::resolve::{self, Ambiguity, Scalar};
use super::{AliasSite, Document, Limits, Node, ScalarStyle, ThinVec, Value, keys, syntax_help};
use crate::catalog::yaml::{ALIAS_LIMIT, SYNTAX};
use crate::diag::Diagnostic;
use crate::source::{FileId, Span};

/// A limit was hit or the input is broken: the rest of the chunk is skipped.
struct Stop;

struct Anchored {
    node: Node,
    /// Nodes in the tree, aliases expanded: what one more alias to it costs.
    count: usize,
}

enum Kind {
    Seq(Vec<Node>),
    Map {
        entries: Vec<(Node, Node)>,
        key: Option<Node>,
        merge: bool,
    },
}

/// An open collection.
struct Frame {
    kind: Kind,
    anchor: usize,
    flow: bool,
    /// Start of the collection's own text (bracket, first key); block sequences are fixed at the end.
    start: usize,
    /// Start of the event, properties (`&a`, `!!map`) included.
    raw_start: usize,
    /// End of the last child so far.
    end: usize,
    first_child_raw_start: Option<usize>,
    count: usize,
}

struct OpenDoc {
    /// The `---` marker's start when the document has one.
    marker: Option<(usize, usize)>,
    root: Option<Node>,
    root_raw_start: Option<usize>,
}

pub(crate) struct ChunkLoader<'a> {
    file: FileId,
    pos: Positions<'a>,
    limits: &'a Limits,
    docs: &'a mut Vec<Document>,
    diags: &'a mut Vec<Diagnostic>,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Anchored>,
    nodes: usize,
    /// End of the previous event: block scalar headers are searched after it.
    prev_end: usize,
    doc: Option<OpenDoc>,
    /// Whether the open document holds alias placeholders to expand when it is complete.
    placeholders: bool,
    /// Buffers of closed collections, reused by the next ones: a finished collection is
    /// copied into a `ThinVec` of its exact length, so the growing happens in these.
    seq_pool: Vec<Vec<Node>>,
    map_pool: Vec<Vec<(Node, Node)>>,
}

impl<'a> ChunkLoader<'a> {
    pub(crate) fn new(
        file: FileId,
        chunk: &'a str,
        base: usize,
        limits: &'a Limits,
        docs: &'a mut Vec<Document>,
        diags: &'a mut Vec<Diagnostic>,
    ) -> ChunkLoader<'a> {
        ChunkLoader {
            file,
            pos: Positions::new(chunk, base),
            limits,
            docs,
            diags,
            stack: Vec::new(),
            anchors: HashMap::new(),
            nodes: 0,
            prev_end: base,
            doc: None,
            placeholders: false,
            seq_pool: Vec::new(),
            map_pool: Vec::new(),
        }
    }

    pub(crate) fn run(mut self) {
        let mut parser = Parser::new(ShortWindow::new(self.pos.chunk_text()));
        while let Some(next) = parser.next_event() {
            let result = match next {
                Ok((event, span)) => self.event(event, span),
                Err(e) => Err(self.scan_error(&e)),
            };
            if result.is_err() {
                let at = self.prev_end;
                self.abandon_document(at);
                return;
            }
        }
    }

    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, start, end.max(start))
    }

    fn text(&self) -> &'a str {
        self.pos.chunk_text()
    }

    /// The chunk's text between two file offsets.
    fn slice(&self, start: usize, end: usize) -> &'a str {
        let base = self.pos.base();
        self.text()
            .get(start.saturating_sub(base)..end.saturating_sub(base))
            .unwrap_or("")
    }

    fn byte_at(&self, at: usize) -> Option<u8> {
        self.text()
            .as_bytes()
            .get(at.checked_sub(self.pos.base())?)
            .copied()
    }

    fn event(&mut self, event: Event<'a>, span: SaphyrSpan) -> Result<(), Stop> {
        let raw_start = self.pos.byte(span.start);
        let raw_end = self.pos.byte(span.end);
        match event {
            Event::Nothing | Event::StreamStart | Event::StreamEnd => {}
            Event::DocumentStart(explicit) => {
                self.anchors.clear();
                self.nodes = 0;
                self.placeholders = false;
                self.doc = Some(OpenDoc {
                    marker: explicit.then_some((raw_start, raw_end)),
                    root: None,
                    root_raw_start: None,
                });
            }
            Event::DocumentEnd => self.finish_document(raw_start),
            Event::Scalar(text, style, anchor, tag) => {
                self.scalar(text, style, anchor, tag.as_deref(), raw_start, raw_end)?;
            }
            Event::Alias(id) => self.alias(id, raw_start, raw_end)?,
            Event::SequenceStart(anchor, _) => {
                let items = self.seq_pool.pop().unwrap_or_default();
                self.open(Kind::Seq(items), anchor, raw_start, raw_end)?
            }
            Event::MappingStart(anchor, _) => {
                let entries = self.map_pool.pop().unwrap_or_default();
                self.open(
                    Kind::Map {
                        entries,
                        key: None,
                        merge: false,
                    },
                    anchor,
                    raw_start,
                    raw_end,
                )?;
            }
            Event::SequenceEnd | Event::MappingEnd => self.close(raw_end)?,
        }
        self.prev_end = raw_end;
        Ok(())
    }

    fn scalar(
        &mut self,
        text: Cow<'a, str>,
        style: SaphyrStyle,
        anchor: usize,
        tag: Option<&Tag>,
        raw_start: usize,
        raw_end: usize,
    ) -> Result<(), Stop> {
        // An empty document: saphyr reports it as an empty plain scalar.
        if self.stack.is_empty()
            && style == SaphyrStyle::Plain
            && text.is_empty()
            && tag.is_none()
            && anchor == 0
        {
            return Ok(());
        }
        let (start, end) = match style {
            SaphyrStyle::Literal | SaphyrStyle::Folded => {
                self.block_scalar_span(raw_start, raw_end)
            }
            _ if anchor != 0 || tag.is_some() => {
                (self.skip_properties(raw_start, raw_end), raw_end)
            }
            _ => (raw_start, raw_end),
        };
        let span = self.span(start, end);
        let resolved = match tag {
            Some(t) if t.is_yaml_core_schema() => resolve::resolve_tagged(&t.suffix, &text),
            Some(_) => Scalar::Str,
            None if style == SaphyrStyle::Plain => {
                let r = resolve::resolve_plain(&text);
                if let Some(a) = resolve::ambiguity(&text, r) {
                    let key = match self.stack.last() {
                        Some(Frame {
                            kind: Kind::Map { key, .. },
                            ..
                        }) => Some(key.as_ref()),
                        _ => None,
                    };
                    let is_key = key.is_some_and(|k| k.is_none());
                    // `defaultMode: 0644` is the documented way to write file modes: octal meant.
                    let mode_field = key
                        .flatten()
                        .and_then(Node::as_str)
                        .is_some_and(|k| k == "mode" || k.ends_with("Mode"));
                    if !(mode_field && matches!(a, Ambiguity::Octal(_))) {
                        self.diags.push(ambiguous(&text, a, is_key, span));
                    }
                }
                r
            }
            None => Scalar::Str,
        };
        let value = resolved.into_value(&text);
        let node = Node {
            value,
            span,
            style: node_style(style),
            alias: AliasSite::NONE,
        };
        self.count(1, span)?;
        if anchor != 0 {
            self.anchors.insert(
                anchor,
                Anchored {
                    node: node.clone(),
                    count: 1,
                },
            );
        }
        self.push(node, raw_start, 1);
        Ok(())
    }

    fn alias(&mut self, id: usize, raw_start: usize, raw_end: usize) -> Result<(), Stop> {
        let site = self.span(raw_start, raw_end);
        let Some(anchored) = self.anchors.get(&id) else {
            self.diags.push(
                Diagnostic::new(
                    &SYNTAX,
                    "this alias refers to an anchor that is not defined",
                )
                .at(site, "unknown anchor")
                .with_help(
                    "define the anchor (&name) before the alias (*name), in the same document",
                ),
            );
            return Err(Stop);
        };
        let count = anchored.count;
        let collection = matches!(anchored.node.value, Value::Seq(_) | Value::Map(_));
        // Counted before anything is copied: a "billion laughs" document stops here, cheaply.
        self.count(count, site)?;
        // Scalars are copied now; collections stay placeholders until the document is complete
        // (and known to be within the limit), so rejected documents never copy anything.
        let node = if collection {
            self.placeholders = true;
            placeholder(id, site)
        } else {
            let mut node = self
                .anchors
                .get(&id)
                .map_or_else(|| Node::new(Value::Null, site), |a| a.node.clone());
            node.alias = AliasSite::new(site);
            node
        };
        self.push(node, raw_start, count);
        Ok(())
    }

    /// Replaces every alias placeholder in `node` by a copy of its anchor, recursively.
    fn expand(&self, node: &mut Node) {
        visit_mut(node, |n| {
            if let Some(id) = placeholder_id(n) {
                let site = n.site();
                let mut copy = match self.anchors.get(&id) {
                    Some(a) => a.node.clone(),
                    None => Node::new(Value::Null, site),
                };
                mark_alias(&mut copy, site);
                *n = copy;
            }
        });
    }

    fn open(
        &mut self,
        kind: Kind,
        anchor: usize,
        raw_start: usize,
        raw_end: usize,
    ) -> Result<(), Stop> {
        if self.stack.len() >= self.limits.max_depth {
            let at = self.span(
                raw_end.saturating_sub(1).max(raw_start),
                raw_end.max(raw_start + 1),
            );
            self.diags.push(too_deep(self.limits.max_depth, at));
            return Err(Stop);
        }
        let flow = raw_end > raw_start
            && raw_end
                .checked_sub(1)
                .and_then(|i| self.byte_at(i))
                .is_some_and(|b| b == b'[' || b == b'{');
        let start = if flow { raw_end - 1 } else { raw_end };
        self.count(1, self.span(start, start))?;
        self.stack.push(Frame {
            kind,
            anchor,
            flow,
            start,
            raw_start,
            end: raw_end,
            first_child_raw_start: None,
            count: 1,
        });
        Ok(())
    }

    fn close(&mut self, raw_end: usize) -> Result<(), Stop> {
        let Some(frame) = self.stack.pop() else {
            return Ok(());
        };
        let end = if frame.flow { raw_end } else { frame.end };
        let (value, start) = match frame.kind {
            Kind::Seq(mut items) => {
                let start = match (frame.flow, frame.first_child_raw_start) {
                    (false, Some(first)) => self.dash_before(first).unwrap_or(frame.start),
                    _ => frame.start,
                };
                let seq: ThinVec<Node> = items.drain(..).collect();
                self.seq_pool.push(items);
                (Value::Seq(seq), start)
            }
            Kind::Map {
                mut entries,
                key,
                merge,
            } => {
                if let Some(k) = key {
                    // saphyr always pairs keys; keep a dangling key as a null entry.
                    let at = self.span(k.span.end as usize, k.span.end as usize);
                    entries.push((k, Node::new(Value::Null, at)));
                }
                if merge && self.placeholders {
                    for (k, v) in entries.iter_mut() {
                        if keys::is_merge_key(k) {
                            self.expand(v);
                        }
                    }
                }
                keys::finish_map(&mut entries, merge, self.diags);
                let map: ThinVec<(Node, Node)> = entries.drain(..).collect();
                self.map_pool.push(entries);
                (Value::Map(map), frame.start)
            }
        };
        let node = Node::new(value, self.span(start, end));
        if frame.anchor != 0 {
            self.anchors.insert(
                frame.anchor,
                Anchored {
                    node: node.clone(),
                    count: frame.count,
                },
            );
        }
        self.push(node, frame.raw_start, frame.count);
        Ok(())
    }

    fn push(&mut self, node: Node, raw_start: usize, count: usize) {
        let expects_key = matches!(
            self.stack.last(),
            Some(Frame {
                kind: Kind::Map { key: None, .. },
                ..
            })
        );
        let collection =
            matches!(node.value, Value::Seq(_) | Value::Map(_)) || placeholder_id(&node).is_some();
        if expects_key && collection {
            // From the character before: `{{name}}` is a map whose key is the map `{name}`.
            let site = node.site();
            let text = self.slice((site.start as usize).saturating_sub(1), site.end as usize);
            self.diags.push(collection_key(&node, text));
        }
        let Some(frame) = self.stack.last_mut() else {
            if let Some(doc) = &mut self.doc {
                doc.root_raw_start = Some(raw_start);
                doc.root = Some(node);
            }
            return;
        };
        frame.count += count;
        frame.end = frame.end.max(node.site().end as usize);
        frame.first_child_raw_start.get_or_insert(raw_start);
        match &mut frame.kind {
            Kind::Seq(items) => items.push(node),
            Kind::Map {
                entries,
                key,
                merge,
            } => match key.take() {
                None => {
                    *merge |= keys::is_merge_key(&node);
                    *key = Some(node);
                }
                Some(k) => entries.push((k, node)),
            },
        }
    }

    fn count(&mut self, n: usize, at: Span) -> Result<(), Stop> {
        self.nodes = self.nodes.saturating_add(n);
        if self.nodes > self.limits.max_nodes {
            self.diags.push(
                Diagnostic::new(
                    &ALIAS_LIMIT,
                    format!(
                        "this document expands to more than {} nodes (the node limit), aliases included",
                        self.limits.max_nodes
                    ),
                )
                .at(at, "the limit is reached here")
                .with_help("aliases that refer to aliases multiply; expand fewer of them, or split the document"),
            );
            return Err(Stop);
        }
        Ok(())
    }

    fn finish_document(&mut self, end_marker: usize) {
        let Some(mut doc) = self.doc.take() else {
            return;
        };
        if self.placeholders
            && let Some(root) = &mut doc.root
        {
            self.expand(root);
        }
        let start = doc
            .marker
            .map(|(s, _)| s)
            .or(doc.root.as_ref().and(doc.root_raw_start))
            .unwrap_or(end_marker);
        let end = match (&doc.root, doc.marker) {
            (Some(root), _) => root.site().end as usize,
            (None, Some((_, marker_end))) => marker_end,
            (None, None) => start,
        };
        self.docs.push(Document {
            root: doc.root,
            span: self.span(start, end),
            index: 0,
        });
    }

    /// After an error: the open document (or, when none is open, the text up to `at`) becomes a
    /// document without a root, so later stages skip it and indices stay right.
    fn abandon_document(&mut self, at: usize) {
        let start = match self.doc.take() {
            Some(OpenDoc {
                marker: Some((s, _)),
                ..
            }) => s,
            Some(OpenDoc {
                root_raw_start: Some(s),
                ..
            }) => s,
            _ => self.stack.first().map_or(self.pos.base(), |f| f.raw_start),
        };
        self.stack.clear();
        self.docs.push(Document {
            root: None,
            span: self.span(start, at.max(start)),
            index: 0,
        });
    }

    fn scan_error(&mut self, e: &ScanError) -> Stop {
        let mut at = self.pos.byte(*e.marker());
        if e.info().contains("found a tab") {
            // saphyr reports where the scalar before the tab started: point at the tab itself.
            let rest = self
                .text()
                .get(at.saturating_sub(self.pos.base())..)
                .unwrap_or("");
            at += rest.find('\t').unwrap_or(0);
        }
        let end = self
            .text()
            .get(at.saturating_sub(self.pos.base())..)
            .and_then(|rest| rest.chars().next());
        let span = self.span(
            at,
            at + end.filter(|c| *c != '\n').map_or(0, char::len_utf8),
        );
        let diag = if e.info() == "recursion limit exceeded" {
            too_deep(self.limits.max_depth.min(256), span)
        } else {
            syntax_help::diagnose(e.info(), span, self.text(), self.pos.base())
        };
        self.diags.push(diag);
        self.prev_end = at;
        Stop
    }

    /// Block scalars: saphyr's span starts at the content; ours starts at the `|`/`>` header,
    /// the first one after the previous event outside comments, and ends at the last content
    /// character.
    fn block_scalar_span(&self, content_start: usize, raw_end: usize) -> (usize, usize) {
        let lower = self.prev_end.min(content_start);
        let region = self.slice(lower, content_start).as_bytes();
        let mut in_comment = false;
        let mut header = None;
        for (i, &b) in region.iter().enumerate() {
            match b {
                b'\n' => in_comment = false,
                b'#' if i == 0 || region.get(i - 1).is_some_and(|p| p.is_ascii_whitespace()) => {
                    in_comment = true
                }
                b'|' | b'>' if !in_comment => {
                    header = Some(lower + i);
                    break;
                }
                _ => {}
            }
        }
        let start = header.unwrap_or(content_start);
        let mut end = raw_end.max(start);
        while end > start + 1
            && self
                .byte_at(end - 1)
                .is_some_and(|b| b.is_ascii_whitespace())
        {
            end -= 1;
        }
        (start, end)
    }

    /// Skips `&anchor`, `!tag` and blanks/comments before a scalar's text.
    fn skip_properties(&self, raw_start: usize, raw_end: usize) -> usize {
        let mut i = raw_start;
        while i < raw_end {
            match self.byte_at(i) {
                Some(b'&' | b'!') => {
                    while i < raw_end && self.byte_at(i).is_some_and(|b| !b.is_ascii_whitespace()) {
                        i += 1;
                    }
                }
                Some(b'#') => {
                    while i < raw_end && self.byte_at(i).is_some_and(|b| b != b'\n') {
                        i += 1;
                    }
                }
                Some(b' ' | b'\t' | b'\r' | b'\n') => i += 1,
                _ => break,
            }
        }
        i.min(raw_end)
    }

    /// The `-` of a block sequence entry whose content starts at `first`.
    fn dash_before(&self, first: usize) -> Option<usize> {
        let mut i = first;
        while i > self.pos.base() && matches!(self.byte_at(i - 1), Some(b' ' | b'\t')) {
            i -= 1;
        }
        (i > self.pos.base() && self.byte_at(i - 1) == Some(b'-')).then(|| i - 1)
    }
}

fn node_style(style: SaphyrStyle) -> ScalarStyle {
    match style {
        SaphyrStyle::Plain => ScalarStyle::Plain,
        SaphyrStyle::SingleQuoted => ScalarStyle::SingleQuoted,
        SaphyrStyle::DoubleQuoted => ScalarStyle::DoubleQuoted,
        SaphyrStyle::Literal => ScalarStyle::Literal,
        SaphyrStyle::Folded => ScalarStyle::Folded,
    }
}
