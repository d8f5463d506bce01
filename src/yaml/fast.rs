//! A direct loader for the YAML that Kubernetes manifests, CRDs and values files are made of:
//! block maps and sequences, plain and quoted scalars (folded over lines), literal and folded
//! block scalars, comments, a leading `---`, and one-line flow sequences of scalars. It builds
//! the same trees, spans and diagnostics as saphyr and `loader` do, from the bytes, several
//! times faster. Anything else (anchors, aliases, tags, merge keys, tabs, CR, directives,
//! complex keys, multi-line flow, odd indentation, any error, any doubt) is declined for the
//! whole chunk, which `loader` then parses from the start: errors and rare constructs keep
//! exactly their messages. `fast_tests` compares both ways over the corpora and fuzzed input.

use super::findings::ambiguous;
use super::resolve::{self, Ambiguity};
use super::{AliasSite, CompactStr, Document, Limits, Node, ScalarStyle, ThinVec, Value, keys};
use crate::diag::Diagnostic;
use crate::source::{FileId, Span};

/// The chunk is outside the subset; the reason is for tests and statistics.
#[derive(Debug)]
pub(crate) struct Decline(#[cfg_attr(not(test), allow(dead_code))] pub(crate) &'static str);

type R<T> = Result<T, Decline>;

fn no<T>(why: &'static str) -> R<T> {
    Err(Decline(why))
}

/// Deepest nesting the fast path builds: far above real manifests, below every depth limit.
const MAX_DEPTH: usize = 100;

/// Longest implicit key YAML allows (saphyr reports longer ones).
const MAX_KEY: usize = 1024;

/// Loads `chunk` (at byte `base` of `file`) into `docs`/`diags`, or declines and adds nothing.
pub(crate) fn load(
    file: FileId,
    chunk: &str,
    base: usize,
    limits: &Limits,
    docs: &mut Vec<Document>,
    diags: &mut Vec<Diagnostic>,
) -> R<()> {
    check_bytes(chunk)?;
    let mut fast = Fast {
        file,
        b: chunk.as_bytes(),
        s: chunk,
        base,
        max_depth: limits.max_depth.min(MAX_DEPTH),
        max_nodes: limits.max_nodes,
        nodes: 0,
        line_start: 0,
        stack: Vec::new(),
        root: None,
        diags: Vec::new(),
        scratch: String::new(),
        seq_pool: Vec::new(),
        map_pool: Vec::new(),
    };
    let Some((marker, root)) = fast.document()? else {
        return Ok(());
    };
    let start = marker.unwrap_or(root.span.start as usize);
    let span = Span::new(file, start, root.span.end as usize);
    docs.push(Document {
        root: Some(root),
        span,
        index: 0,
    });
    diags.append(&mut fast.diags);
    Ok(())
}

/// Tabs, CR, control characters, a byte order mark and the Unicode line and paragraph
/// separators change how YAML reads a line: such chunks go to saphyr.
fn check_bytes(s: &str) -> R<()> {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if let Some(w) = b.get(i..i + 8) {
            let w = u64::from_le_bytes(w.try_into().unwrap_or([0; 8]));
            if printable_or_newline(w) {
                i += 8;
                continue;
            }
        }
        // A word with something else in it: its bytes one by one, a whole character at a time.
        let end = (i + 8).min(b.len());
        while i < end {
            let c = b.get(i).copied().unwrap_or(0);
            if c < 0x80 {
                if !((b' '..0x7f).contains(&c) || c == b'\n') {
                    return no("character");
                }
                i += 1;
                continue;
            }
            let Some(ch) = s.get(i..).and_then(|r| r.chars().next()) else {
                return no("character");
            };
            let ok = match ch {
                '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'.. => {
                    !matches!(ch, '\u{2028}' | '\u{2029}' | '\u{feff}')
                }
                _ => false,
            };
            if !ok {
                return no("character");
            }
            i += ch.len_utf8();
        }
    }
    Ok(())
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// 0x80 in each byte of `w` that is zero, exactly (no borrow runs between bytes).
fn zero_bytes(w: u64) -> u64 {
    !(((w & !HIGH).wrapping_add(!HIGH)) | w) & HIGH
}

/// Whether eight bytes are all printable ASCII or `\n`, eight at a time: the check runs over
/// every byte of every document.
fn printable_or_newline(w: u64) -> bool {
    if w & HIGH != 0 {
        return false;
    }
    // Below 0x20 exactly when bits 5 and 6 are clear (the high bit is known clear).
    let control = zero_bytes(w & (0x60 * ONES));
    let newline = zero_bytes(w ^ (b'\n' as u64 * ONES));
    let delete = zero_bytes(w ^ (0x7f * ONES));
    control == newline && delete == 0
}

enum Kind {
    Seq(Vec<Node>),
    Map {
        entries: Vec<(Node, Node)>,
        /// A key whose value has not been seen yet.
        key: Option<Node>,
    },
}

struct Frame {
    kind: Kind,
    /// Column of the keys or dashes.
    indent: usize,
    /// File offsets.
    start: usize,
    end: usize,
}

impl Frame {
    fn is_seq(&self) -> bool {
        matches!(self.kind, Kind::Seq(_))
    }

    fn pending(&self) -> bool {
        matches!(self.kind, Kind::Map { key: Some(_), .. })
    }
}

struct Fast<'a> {
    file: FileId,
    b: &'a [u8],
    s: &'a str,
    base: usize,
    max_depth: usize,
    max_nodes: usize,
    nodes: usize,
    /// Start of the line being read (chunk offset): columns are counted from it.
    line_start: usize,
    stack: Vec<Frame>,
    root: Option<Node>,
    diags: Vec<Diagnostic>,
    /// Multi-line scalars are assembled here.
    scratch: String,
    seq_pool: Vec<Vec<Node>>,
    map_pool: Vec<Vec<(Node, Node)>>,
}

impl<'a> Fast<'a> {
    fn at(&self, i: usize) -> u8 {
        self.b.get(i).copied().unwrap_or(b'\n')
    }

    fn line_end(&self, i: usize) -> usize {
        self.find2(i, self.b.len(), b'\n', b'\n')
    }

    /// The first `x` or `y` in `i..end`, or `end`. Eight bytes at a time: lines are short, and
    /// memchr's vector search costs more to start than it saves on 40 bytes.
    fn find2(&self, mut i: usize, end: usize, x: u8, y: u8) -> usize {
        if i >= end {
            return i;
        }
        while i + 8 <= end {
            let Some(w) = self.b.get(i..i + 8) else { break };
            let w = u64::from_le_bytes(w.try_into().unwrap_or([0; 8]));
            let hits = zero_bytes(w ^ (x as u64 * ONES)) | zero_bytes(w ^ (y as u64 * ONES));
            if hits != 0 {
                return i + (hits.trailing_zeros() / 8) as usize;
            }
            i += 8;
        }
        while i < end && !matches!(self.b.get(i), Some(&c) if c == x || c == y) {
            i += 1;
        }
        i
    }

    fn skip_spaces(&self, mut i: usize, le: usize) -> usize {
        // Eight at a time: CRD lines are indented by 20 to 40 spaces.
        while let Some(w) = self.b.get(i..i + 8).filter(|_| i + 8 <= le) {
            let w = u64::from_le_bytes(w.try_into().unwrap_or([0; 8]));
            let other = w ^ (b' ' as u64 * ONES);
            if other != 0 {
                return i + (other.trailing_zeros() / 8) as usize;
            }
            i += 8;
        }
        while i < le && self.at(i) == b' ' {
            i += 1;
        }
        i
    }

    /// The next `:` or `#` in `i..le`, or `le`: what ends a key or a plain scalar.
    fn find_colon_or_hash(&self, i: usize, le: usize) -> usize {
        self.find2(i, le, b':', b'#')
    }

    /// Whether `i` is at the line end or at a comment (after at least one blank).
    fn rest_is_empty(&self, i: usize, le: usize) -> bool {
        let j = self.skip_spaces(i, le);
        j == le || (j > i && self.at(j) == b'#')
    }

    fn str(&self, start: usize, end: usize) -> &'a str {
        self.s.get(start..end).unwrap_or("")
    }

    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, self.base + start, self.base + end)
    }

    fn count(&mut self) -> R<()> {
        self.nodes += 1;
        if self.nodes >= self.max_nodes {
            return no("node limit");
        }
        Ok(())
    }

    fn document(&mut self) -> R<Option<(Option<usize>, Node)>> {
        let len = self.b.len();
        let mut i = 0;
        let mut marker = None;
        let mut content = false;
        while i < len {
            let le = self.line_end(i);
            let c = self.skip_spaces(i, le);
            if c == le || self.at(c) == b'#' {
                i = le + 1;
                continue;
            }
            if c == i
                && matches!(self.b.get(i..i + 3), Some(b"---" | b"..."))
                && matches!(self.at(i + 3), b' ' | b'\n')
            {
                // One leading `---` with nothing after it; any other marker is saphyr's.
                if content
                    || marker.is_some()
                    || self.at(i) == b'.'
                    || !self.rest_is_empty(i + 3, le)
                {
                    return no("marker");
                }
                marker = Some(self.base + i);
                i = le + 1;
                continue;
            }
            content = true;
            self.line_start = i;
            i = self.line(c - i, c, le)?;
        }
        if !content {
            // Comments only: saphyr reports no document at all.
            return if marker.is_some() {
                no("empty document")
            } else {
                Ok(None)
            };
        }
        while !self.stack.is_empty() {
            self.close()?;
        }
        match self.root.take() {
            Some(root) => Ok(Some((marker, root))),
            None => no("no root"),
        }
    }

    fn is_dash(&self, c: usize) -> bool {
        self.at(c) == b'-' && matches!(self.at(c + 1), b' ' | b'\n')
    }

    /// A content line: `ind` spaces, then content at `c`, up to `le`.
    fn line(&mut self, ind: usize, c: usize, le: usize) -> R<usize> {
        let dash = self.is_dash(c);
        while let Some(top) = self.stack.last() {
            if top.indent > ind || (top.indent == ind && !dash && top.is_seq()) {
                self.close()?;
            } else {
                break;
            }
        }
        match self.stack.last() {
            None if self.root.is_some() => no("content after the root"),
            None => self.node(c, le),
            Some(top) if top.indent == ind => {
                if top.is_seq() {
                    self.item(c, le)
                } else if dash {
                    if !top.pending() {
                        return no("dash in a map");
                    }
                    self.open(Kind::Seq(Vec::new()), ind, c)?;
                    self.item(c, le)
                } else {
                    self.entry(c, le)
                }
            }
            Some(top) if top.pending() => self.node(c, le),
            Some(_) => no("indentation"),
        }
    }

    fn open(&mut self, kind: Kind, indent: usize, c: usize) -> R<()> {
        if self.stack.len() + 1 >= self.max_depth {
            return no("depth");
        }
        self.count()?;
        let kind = match kind {
            Kind::Seq(_) => Kind::Seq(self.seq_pool.pop().unwrap_or_default()),
            Kind::Map { .. } => Kind::Map {
                entries: self.map_pool.pop().unwrap_or_default(),
                key: None,
            },
        };
        let at = self.base + c;
        self.stack.push(Frame {
            kind,
            indent,
            start: at,
            end: at,
        });
        Ok(())
    }

    fn close(&mut self) -> R<()> {
        let Some(frame) = self.stack.pop() else {
            return Ok(());
        };
        let value = match frame.kind {
            Kind::Seq(mut items) => {
                let seq: ThinVec<Node> = items.drain(..).collect();
                self.seq_pool.push(items);
                Value::Seq(seq)
            }
            Kind::Map { mut entries, key } => {
                if let Some(k) = key {
                    let node = self.null_after(&k)?;
                    entries.push((k, node));
                }
                keys::finish_map(&mut entries, false, &mut self.diags);
                let map: ThinVec<(Node, Node)> = entries.drain(..).collect();
                self.map_pool.push(entries);
                Value::Map(map)
            }
        };
        let node = Node::new(
            value,
            Span::new(self.file, frame.start, frame.end.max(frame.start)),
        );
        self.push(node);
        Ok(())
    }

    /// The empty value of `key:` (saphyr's empty scalar, at the colon).
    fn null_after(&mut self, key: &Node) -> R<Node> {
        self.count()?;
        let at = key.span.end as usize;
        Ok(Node::new(Value::Null, Span::new(self.file, at, at)))
    }

    /// Adds a finished value to the open collection (or makes it the root).
    fn push(&mut self, node: Node) {
        let Some(frame) = self.stack.last_mut() else {
            self.root = Some(node);
            return;
        };
        frame.end = frame.end.max(node.span.end as usize);
        match &mut frame.kind {
            Kind::Seq(items) => items.push(node),
            Kind::Map { entries, key } => {
                if let Some(k) = key.take() {
                    entries.push((k, node));
                }
            }
        }
    }

    /// A `- ` entry of the sequence on top of the stack, the dash at `c`.
    fn item(&mut self, c: usize, le: usize) -> R<usize> {
        let j = self.skip_spaces(c + 1, le);
        if self.rest_is_empty(c + 1, le) || j == c + 1 {
            return no("empty item");
        }
        self.node(j, le)
    }

    /// A map entry of the map on top of the stack, its key at `c`.
    fn entry(&mut self, c: usize, le: usize) -> R<usize> {
        let pending = match self.stack.last_mut() {
            Some(Frame {
                kind: Kind::Map { key, .. },
                ..
            }) => key.take(),
            _ => return no("not a map"),
        };
        if let Some(k) = pending {
            let node = self.null_after(&k)?;
            if let Some(Frame {
                kind: Kind::Map { entries, .. },
                ..
            }) = self.stack.last_mut()
            {
                entries.push((k, node));
            }
        }
        let Some((key, after)) = self.key(c, le)? else {
            return no("not a key");
        };
        self.set_key(key);
        self.after_key(after, le)
    }

    fn set_key(&mut self, key: Node) {
        if let Some(frame) = self.stack.last_mut() {
            frame.end = frame.end.max(key.span.end as usize);
            if let Kind::Map { key: slot, .. } = &mut frame.kind {
                *slot = Some(key);
            }
        }
    }

    /// After `key:`: a value on the same line, or one to come on the next lines.
    fn after_key(&mut self, after: usize, le: usize) -> R<usize> {
        if self.rest_is_empty(after, le) {
            return Ok(le + 1);
        }
        let j = self.skip_spaces(after, le);
        if self.is_dash(j) {
            return no("sequence after a key");
        }
        self.value(j, le)
    }

    /// A node starting at `c` on the current line: a compact sequence or map, or a scalar.
    fn node(&mut self, c: usize, le: usize) -> R<usize> {
        let col = c - self.line_start;
        if self.is_dash(c) {
            self.open(Kind::Seq(Vec::new()), col, c)?;
            return self.item(c, le);
        }
        if let Some((key, after)) = self.key(c, le)? {
            self.open(
                Kind::Map {
                    entries: Vec::new(),
                    key: None,
                },
                col,
                c,
            )?;
            self.set_key(key);
            return self.after_key(after, le);
        }
        if self.stack.is_empty() {
            return no("scalar root");
        }
        self.value(c, le)
    }

    /// A key at `c` followed by `:` and a blank or the line end: the key and where its
    /// value may start. `None` when the text at `c` is no key.
    fn key(&mut self, c: usize, le: usize) -> R<Option<(Node, usize)>> {
        let first = self.at(c);
        if first == b'"' || first == b'\'' {
            let Some(close) = self.quote_end_on_line(c, le) else {
                return Ok(None);
            };
            if self.at(close) != b':' || !matches!(self.at(close + 1), b' ' | b'\n') {
                return Ok(None);
            }
            if close - c > MAX_KEY {
                return no("long key");
            }
            let node = self.quoted(c, close)?;
            return Ok(Some((node, close + 1)));
        }
        if !self.plain_start(c) {
            return Ok(None);
        }
        let mut j = c;
        loop {
            j = self.find_colon_or_hash(j, le);
            match self.at(j) {
                _ if j >= le => return Ok(None),
                b':' if matches!(self.at(j + 1), b' ' | b'\n') => break,
                b'#' if self.at(j - 1) == b' ' => return Ok(None),
                _ => j += 1,
            }
        }
        if self.at(j - 1) == b' ' {
            return no("blank before a colon");
        }
        if j - c > MAX_KEY {
            return no("long key");
        }
        let text = self.str(c, j);
        if text == "<<" {
            return no("merge key");
        }
        let node = self.plain_node(text, c, j, true)?;
        Ok(Some((node, j + 1)))
    }

    /// Whether a plain scalar may start at `c`.
    fn plain_start(&self, c: usize) -> bool {
        match self.at(c) {
            b'-' => !matches!(
                self.at(c + 1),
                b' ' | b'\n' | b',' | b'[' | b']' | b'{' | b'}'
            ),
            b'?' | b':' | b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|'
            | b'>' | b'\'' | b'"' | b'%' | b'@' | b'`' | b' ' | b'\n' => false,
            _ => true,
        }
    }

    /// The closing quote of a quoted scalar at `c` when it closes on the same line.
    fn quote_end_on_line(&self, c: usize, le: usize) -> Option<usize> {
        let q = self.at(c);
        let mut j = c + 1;
        while j < le {
            let ch = self.at(j);
            if q == b'"' && ch == b'\\' {
                j += 2;
                continue;
            }
            if ch == q {
                if q == b'\'' && self.at(j + 1) == b'\'' {
                    j += 2;
                    continue;
                }
                return Some(j);
            }
            j += 1;
        }
        None
    }

    /// The indentation of the open collection a scalar belongs to: continuation lines must be
    /// deeper.
    fn parent_indent(&self) -> usize {
        self.stack.last().map_or(0, |f| f.indent)
    }

    /// A scalar or flow value starting at `c`; returns where the next line starts.
    fn value(&mut self, c: usize, le: usize) -> R<usize> {
        let (node, next) = match self.at(c) {
            b'|' | b'>' => self.block_scalar(c, le)?,
            b'[' => {
                let (mut node, end) = self.flow_seq(c, le)?;
                let next = self.end_of_line(end, le)?;
                // Like a quoted scalar's, the closing bracket's span runs to the line end.
                node.span = self.span(c, le);
                (node, next)
            }
            b'{' => {
                if self.at(c + 1) != b'}' {
                    return no("flow map");
                }
                if self.stack.len() + 1 >= self.max_depth {
                    return no("depth");
                }
                self.count()?;
                let node = Node::new(Value::Map(ThinVec::new()), self.span(c, le));
                (node, self.end_of_line(c + 2, le)?)
            }
            b'"' | b'\'' => self.quoted_value(c, le)?,
            _ if self.plain_start(c) => self.plain_value(c, le)?,
            _ => return no("indicator"),
        };
        self.push(node);
        Ok(next)
    }

    /// After a value that ends at `i`: only blanks and a comment may follow.
    fn end_of_line(&self, i: usize, le: usize) -> R<usize> {
        if self.rest_is_empty(i, le) {
            Ok(le + 1)
        } else {
            no("text after a value")
        }
    }

    /// Builds a plain scalar node: Kubernetes resolution and the ambiguity finding, as
    /// `loader` does.
    fn plain_node(&mut self, text: &str, start: usize, end: usize, is_key: bool) -> R<Node> {
        self.count()?;
        let span = self.span(start, end);
        let r = resolve::resolve_plain(text);
        if let Some(a) = resolve::ambiguity(text, r) {
            let mode_field = !is_key
                && match self.stack.last() {
                    Some(Frame {
                        kind: Kind::Map { key: Some(k), .. },
                        ..
                    }) => k
                        .as_str()
                        .is_some_and(|k| k == "mode" || k.ends_with("Mode")),
                    _ => false,
                };
            if !(mode_field && matches!(a, Ambiguity::Octal(_))) {
                self.diags.push(ambiguous(text, a, is_key, span));
            }
        }
        Ok(Node::new(r.into_value(text), span))
    }

    /// A plain scalar in block context, folded over the deeper lines that continue it.
    fn plain_value(&mut self, c: usize, le: usize) -> R<(Node, usize)> {
        let (end, comment) = self.plain_line(c, le)?;
        let parent = self.parent_indent();
        let mut next = le + 1;
        let mut last_end = end;
        let mut folded = false;
        if !comment {
            let mut scratch = std::mem::take(&mut self.scratch);
            scratch.clear();
            scratch.push_str(self.str(c, end));
            let mut i = le + 1;
            let mut empties = 0;
            while i < self.b.len() {
                let le2 = self.line_end(i);
                let c2 = self.skip_spaces(i, le2);
                if c2 == le2 {
                    empties += 1;
                    i = le2 + 1;
                    continue;
                }
                if c2 - i <= parent {
                    break;
                }
                if self.at(c2) == b'#' {
                    // A comment ends the scalar, however deep; a deeper line after it is then
                    // an indentation error, which `line` declines.
                    break;
                }
                let (end2, comment2) = self.plain_line(c2, le2)?;
                if empties == 0 {
                    scratch.push(' ');
                } else {
                    scratch.extend(std::iter::repeat_n('\n', empties));
                }
                scratch.push_str(self.str(c2, end2));
                empties = 0;
                folded = true;
                last_end = end2;
                next = le2 + 1;
                i = le2 + 1;
                if comment2 {
                    break;
                }
            }
            self.scratch = scratch;
        }
        let node = if folded {
            let text = std::mem::take(&mut self.scratch);
            let node = self.plain_node(&text, c, last_end, false);
            self.scratch = text;
            node?
        } else {
            self.plain_node(self.str(c, end), c, end, false)?
        };
        Ok((node, next))
    }

    /// One line of a plain scalar from `c`: where its text ends (blanks trimmed) and whether a
    /// comment follows.
    fn plain_line(&self, c: usize, le: usize) -> R<(usize, bool)> {
        let mut j = c;
        let mut comment = false;
        loop {
            j = self.find_colon_or_hash(j, le);
            match self.at(j) {
                _ if j >= le => break,
                b':' if matches!(self.at(j + 1), b' ' | b'\n') => return no("colon in a value"),
                b'#' if j > c && self.at(j - 1) == b' ' => {
                    comment = true;
                    break;
                }
                _ => j += 1,
            }
        }
        while j > c && self.at(j - 1) == b' ' {
            j -= 1;
        }
        Ok((j, comment))
    }

    /// A quoted value in block context. saphyr's span runs on over the blanks and comment
    /// after the closing quote, to the line end.
    fn quoted_value(&mut self, c: usize, le: usize) -> R<(Node, usize)> {
        let (mut node, close, le) = match self.quote_end_on_line(c, le) {
            Some(close) => (self.quoted(c, close)?, close, le),
            None => {
                let (node, close) = self.quoted_lines(c)?;
                (node, close, self.line_end(close))
            }
        };
        let next = self.end_of_line(close + 1, le)?;
        node.span = self.span(c, le);
        Ok((node, next))
    }

    /// A quoted scalar from `c` to its closing quote `close` on the same line.
    fn quoted(&mut self, c: usize, close: usize) -> R<Node> {
        self.count()?;
        let double = self.at(c) == b'"';
        let inner = self.str(c + 1, close);
        let style = if double {
            ScalarStyle::DoubleQuoted
        } else {
            ScalarStyle::SingleQuoted
        };
        let needs_work = if double {
            inner.contains('\\')
        } else {
            inner.contains('\'')
        };
        let value = if !needs_work {
            CompactStr::new(inner)
        } else {
            let mut out = std::mem::take(&mut self.scratch);
            out.clear();
            let r = self.unquote_into(c + 1, close, double, &mut out);
            let v = CompactStr::new(&out);
            self.scratch = out;
            r?;
            v
        };
        Ok(Node {
            value: Value::Str(value),
            span: self.span(c, close + 1),
            style,
            alias: AliasSite::NONE,
        })
    }

    /// Unescapes the text of a one-line quoted scalar.
    fn unquote_into(&self, mut i: usize, end: usize, double: bool, out: &mut String) -> R<()> {
        while i < end {
            let ch = self.at(i);
            if !double && ch == b'\'' {
                out.push('\'');
                i += 2;
                continue;
            }
            if double && ch == b'\\' {
                i = self.escape(i, out)?;
                continue;
            }
            let run_end = (i + 1..end)
                .find(|&k| {
                    let b = self.at(k);
                    b == b'\\' || b == b'\''
                })
                .unwrap_or(end);
            out.push_str(self.str(i, run_end));
            i = run_end;
        }
        Ok(())
    }

    /// A `\` escape of a double-quoted scalar at `i`: appends it, returns what follows.
    fn escape(&self, i: usize, out: &mut String) -> R<usize> {
        let simple = match self.at(i + 1) {
            b'0' => '\0',
            b'a' => '\x07',
            b'b' => '\x08',
            b't' => '\t',
            b'n' => '\n',
            b'v' => '\x0b',
            b'f' => '\x0c',
            b'r' => '\r',
            b'e' => '\x1b',
            b' ' => ' ',
            b'"' => '"',
            b'/' => '/',
            b'\\' => '\\',
            b'N' => '\u{85}',
            b'_' => '\u{a0}',
            b'L' => '\u{2028}',
            b'P' => '\u{2029}',
            b'x' | b'u' | b'U' => {
                let n = match self.at(i + 1) {
                    b'x' => 2,
                    b'u' => 4,
                    _ => 8,
                };
                let hex = self.str(i + 2, i + 2 + n);
                if hex.len() != n || !hex.bytes().all(|h| h.is_ascii_hexdigit()) {
                    return no("escape");
                }
                let code = u32::from_str_radix(hex, 16).map_err(|_| Decline("escape"))?;
                let Some(ch) = char::from_u32(code) else {
                    return no("escape");
                };
                out.push(ch);
                return Ok(i + 2 + n);
            }
            _ => return no("escape"),
        };
        out.push(simple);
        Ok(i + 2)
    }

    /// A quoted scalar whose closing quote is on a later line: lines folded as YAML folds
    /// them (a line break becomes a space, each empty line a newline, blanks around breaks
    /// dropped).
    fn quoted_lines(&mut self, c: usize) -> R<(Node, usize)> {
        self.count()?;
        let double = self.at(c) == b'"';
        let parent = self.parent_indent();
        let mut out = std::mem::take(&mut self.scratch);
        out.clear();
        let quote = self.at(c);
        let mut i = c + 1;
        let close;
        loop {
            let le = self.line_end(i);
            if le >= self.b.len() {
                self.scratch = out;
                return no("unterminated quote");
            }
            // This line's text up to its end or the closing quote.
            let mut j = i;
            let mut closed = None;
            while j < le {
                let ch = self.at(j);
                if double && ch == b'\\' {
                    if j + 1 == le {
                        self.scratch = out;
                        return no("escaped line break");
                    }
                    j = match self.escape(j, &mut out) {
                        Ok(k) => k,
                        Err(e) => {
                            self.scratch = out;
                            return Err(e);
                        }
                    };
                    continue;
                }
                if ch == quote {
                    if !double && self.at(j + 1) == b'\'' {
                        out.push('\'');
                        j += 2;
                        continue;
                    }
                    closed = Some(j);
                    break;
                }
                let start = j;
                j += 1;
                while j < le && !(self.at(j) == b'\\' && double || self.at(j) == quote) {
                    j += 1;
                }
                out.push_str(self.str(start, j));
            }
            if let Some(q) = closed {
                close = q;
                break;
            }
            // Trailing blanks of the line go; so do the leading blanks of the next one.
            let trimmed = out.trim_end_matches(' ').len();
            let unescaped_tail = self.b.get(i..le).is_some_and(|l| l.ends_with(b" "));
            if unescaped_tail {
                if self.str(i, le).trim_end_matches(' ').ends_with('\\') {
                    self.scratch = out;
                    return no("escaped blank before a break");
                }
                out.truncate(trimmed);
            }
            let mut empties = 0;
            let mut k = le + 1;
            loop {
                let le2 = self.line_end(k);
                let c2 = self.skip_spaces(k, le2);
                if c2 == le2 && le2 < self.b.len() {
                    empties += 1;
                    k = le2 + 1;
                    continue;
                }
                if c2 - k <= parent || c2 == le2 {
                    self.scratch = out;
                    return no("quoted continuation indentation");
                }
                i = c2;
                break;
            }
            if empties == 0 {
                out.push(' ');
            } else {
                out.extend(std::iter::repeat_n('\n', empties));
            }
        }
        let style = if double {
            ScalarStyle::DoubleQuoted
        } else {
            ScalarStyle::SingleQuoted
        };
        let span = self.span(c, close + 1);
        Ok((self.scalar_from_scratch(out, span, style), close))
    }

    /// A string node of the text built in `out` (the scratch buffer, handed back for the next
    /// scalar).
    fn scalar_from_scratch(&mut self, out: String, span: Span, style: ScalarStyle) -> Node {
        let node = Node {
            value: Value::Str(CompactStr::new(&out)),
            span,
            style,
            alias: AliasSite::NONE,
        };
        self.scratch = out;
        node
    }

    /// `|` or `>` at `c`, with an optional `-` chomping indicator; the content is the deeper
    /// lines that follow.
    fn block_scalar(&mut self, c: usize, le: usize) -> R<(Node, usize)> {
        let literal = self.at(c) == b'|';
        let mut h = c + 1;
        let strip = match self.at(h) {
            b'-' => {
                h += 1;
                true
            }
            b'+' | b'0'..=b'9' => return no("block scalar indicator"),
            _ => false,
        };
        if !matches!(self.at(h), b' ' | b'\n') || !self.rest_is_empty(h, le) {
            return no("block scalar header");
        }
        let parent = self.parent_indent();
        let first = le + 1;
        if first >= self.b.len() {
            return no("empty block scalar");
        }
        let fle = self.line_end(first);
        let indent = self.skip_spaces(first, fle) - first;
        if first + indent == fle || indent <= parent {
            return no("block scalar starts empty");
        }
        self.count()?;
        let mut out = std::mem::take(&mut self.scratch);
        out.clear();
        let mut i = first;
        let mut empties = 0;
        let mut last_end = first;
        let mut any = false;
        while i < self.b.len() {
            let le2 = self.line_end(i);
            let c2 = self.skip_spaces(i, le2);
            if c2 == le2 {
                if c2 - i > indent {
                    self.scratch = out;
                    return no("blank line deeper than the block");
                }
                empties += 1;
                i = le2 + 1;
                continue;
            }
            if c2 - i < indent {
                break;
            }
            let text_start = i + indent;
            if !literal && c2 > text_start {
                self.scratch = out;
                return no("more-indented folded line");
            }
            if any {
                if literal {
                    out.extend(std::iter::repeat_n('\n', empties + 1));
                } else if empties == 0 {
                    out.push(' ');
                } else {
                    out.extend(std::iter::repeat_n('\n', empties));
                }
            }
            out.push_str(self.str(text_start, le2));
            any = true;
            empties = 0;
            let mut e = le2;
            while e > c2 && self.at(e - 1) == b' ' {
                e -= 1;
            }
            last_end = e;
            i = le2 + 1;
        }
        if !strip {
            out.push('\n');
        }
        let style = if literal {
            ScalarStyle::Literal
        } else {
            ScalarStyle::Folded
        };
        let span = self.span(c, last_end);
        let node = self.scalar_from_scratch(out, span, style);
        // Empty lines after the content belong to nobody: the next line is read as usual.
        let next = i.min(self.b.len());
        Ok((node, next))
    }

    /// `[a, "b", 'c']` on one line, scalars only.
    fn flow_seq(&mut self, c: usize, le: usize) -> R<(Node, usize)> {
        if self.stack.len() + 1 >= self.max_depth {
            return no("depth");
        }
        self.count()?;
        let mut items = self.seq_pool.pop().unwrap_or_default();
        if self.at(c + 1) == b' ' {
            // saphyr's bracket span then covers the blanks, and `loader` reads it as block.
            return no("blank after a bracket");
        }
        let mut j = c + 1;
        let result = (|| {
            if self.at(j) == b']' {
                return Ok(j + 1);
            }
            loop {
                let item = match self.at(j) {
                    b'"' | b'\'' => {
                        let Some(close) = self.quote_end_on_line(j, le) else {
                            return no("flow quote");
                        };
                        let mut node = self.quoted(j, close)?;
                        // saphyr's span takes the blanks before the separator.
                        let open = j;
                        j = self.skip_spaces(close + 1, le);
                        node.span = self.span(open, j);
                        node
                    }
                    _ if self.plain_start(j) => {
                        let start = j;
                        while j < le && !matches!(self.at(j), b',' | b']') {
                            if matches!(self.at(j), b':' | b'#' | b'[' | b'{' | b'}') {
                                return no("flow plain");
                            }
                            j += 1;
                        }
                        let mut end = j;
                        while end > start && self.at(end - 1) == b' ' {
                            end -= 1;
                        }
                        let text = self.str(start, end);
                        self.flow_plain_node(text, start, end)?
                    }
                    _ => return no("flow item"),
                };
                items.push(item);
                j = self.skip_spaces(j, le);
                match self.at(j) {
                    b',' => {
                        j = self.skip_spaces(j + 1, le);
                        if matches!(self.at(j), b']' | b',') {
                            return no("empty flow item");
                        }
                    }
                    b']' => return Ok(j + 1),
                    _ => return no("flow separator"),
                }
            }
        })();
        let end = match result {
            Ok(end) => end,
            Err(e) => {
                items.clear();
                self.seq_pool.push(items);
                return Err(e);
            }
        };
        let seq: ThinVec<Node> = items.drain(..).collect();
        self.seq_pool.push(items);
        Ok((Node::new(Value::Seq(seq), self.span(c, end)), end))
    }

    /// A plain scalar in a flow sequence: the collection is its parent, not a map.
    fn flow_plain_node(&mut self, text: &str, start: usize, end: usize) -> R<Node> {
        self.count()?;
        let span = self.span(start, end);
        let r = resolve::resolve_plain(text);
        if let Some(a) = resolve::ambiguity(text, r) {
            self.diags.push(ambiguous(text, a, false, span));
        }
        Ok(Node::new(r.into_value(text), span))
    }
}
