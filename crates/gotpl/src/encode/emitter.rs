//! libyaml's emitter as go-yaml ports it (`emitterc.go`), for the block documents `toYaml` and
//! `toYamlPretty` write: scalar analysis and style choice, quoting and escaping, folding at 80
//! columns, block collections, `{}`/`[]` for empty ones, complex keys (`? `) for multi-line or
//! long keys. The state machine is replaced by recursion over a finished tree (the emitter only
//! looks ahead to see whether a collection is empty), keeping every column, indent and
//! whitespace flag update in the original order, since the output depends on them.
//!
//! Not ported: anchors, tags, flow style for non-empty collections, canonical mode, document
//! markers: the encoders never ask for them.

use std::rc::Rc;

/// A node to emit.
#[derive(Clone, Debug)]
pub enum Node {
    Scalar(Rc<str>, Style),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

/// The style the encoder asks for; the emitter may still pick another.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
}

/// The go-yaml version's emitter differences.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    pub best_indent: i64,
    /// yaml.v3 (go.yaml.in/yaml/v3 v3.0.4, as Helm's `toYamlPretty` uses it with
    /// `SetIndent(2)`): a block sequence is indented under its key (v2: `a:\n- x`); only line
    /// breaks set the indention flag; tabs rule out plain and single-quoted styles but not
    /// literal blocks. (v3's indentation formula equals v2's `+2` for an indent of 2.)
    pub v3: bool,
    /// Column after which long scalars are folded: 80 in v2, none in v3.
    pub best_width: i64,
}

pub const V2: Options = Options {
    best_indent: 2,
    v3: false,
    best_width: 80,
};

pub const V3: Options = Options {
    best_indent: 2,
    v3: true,
    best_width: i64::MAX,
};

#[derive(Default, Clone, Copy)]
struct Analysis {
    multiline: bool,
    flow_plain_allowed: bool,
    block_plain_allowed: bool,
    single_quoted_allowed: bool,
    block_allowed: bool,
}

struct Emitter {
    opts: Options,
    out: String,
    indent: i64,
    indents: Vec<i64>,
    column: i64,
    whitespace: bool,
    indention: bool,
    open_ended: bool,
    flow_level: i64,
    root_context: bool,
    mapping_context: bool,
    simple_key_context: bool,
}

/// Emits one document holding `root`, as go-yaml's `Marshal` does (with its final newline).
pub fn emit(root: &Node, opts: Options) -> String {
    let mut e = Emitter {
        opts,
        out: String::new(),
        indent: -1,
        indents: Vec::new(),
        column: 0,
        whitespace: true,
        indention: true,
        open_ended: false,
        flow_level: 0,
        root_context: false,
        mapping_context: false,
        simple_key_context: false,
    };
    e.node(root, true, false);
    // Document end: the implicit end writes only a line break.
    e.write_indent();
    e.out
}

fn byte_at(b: &[u8], i: usize) -> u8 {
    b.get(i).copied().unwrap_or(0)
}

fn width(c: u8) -> usize {
    if c & 0x80 == 0 {
        1
    } else if c & 0xE0 == 0xC0 {
        2
    } else if c & 0xF0 == 0xE0 {
        3
    } else if c & 0xF8 == 0xF0 {
        4
    } else {
        // Not a leading byte: cannot happen in a `str`; step anyway so loops end.
        1
    }
}

fn is_space(b: &[u8], i: usize) -> bool {
    byte_at(b, i) == b' '
}

fn is_blank(b: &[u8], i: usize) -> bool {
    matches!(byte_at(b, i), b' ' | b'\t')
}

fn is_break(b: &[u8], i: usize) -> bool {
    let c = byte_at(b, i);
    c == b'\r'
        || c == b'\n'
        || (c == 0xC2 && byte_at(b, i + 1) == 0x85)
        || (c == 0xE2 && byte_at(b, i + 1) == 0x80 && matches!(byte_at(b, i + 2), 0xA8 | 0xA9))
}

fn is_blankz(b: &[u8], i: usize) -> bool {
    is_blank(b, i) || is_break(b, i) || byte_at(b, i) == 0
}

fn is_printable(b: &[u8], i: usize) -> bool {
    let c = byte_at(b, i);
    let c1 = byte_at(b, i + 1);
    let c2 = byte_at(b, i + 2);
    c == 0x0A
        || (0x20..=0x7E).contains(&c)
        || (c == 0xC2 && c1 >= 0xA0)
        || (c > 0xC2 && c < 0xED)
        || (c == 0xED && c1 < 0xA0)
        || c == 0xEE
        || (c == 0xEF && !(c1 == 0xBB && c2 == 0xBF) && !(c1 == 0xBF && (c2 == 0xBE || c2 == 0xBF)))
}

/// go-yaml's `is_bom` looks at the start of the value, whatever `i` is.
fn starts_with_bom(b: &[u8]) -> bool {
    b.starts_with(&[0xEF, 0xBB, 0xBF])
}

/// A printable ASCII character that is no indicator after a value's first character, nor
/// space or break: what [`analyze`] does for it does not depend on its neighbours.
fn ordinary(c: u8) -> bool {
    ORDINARY.get(usize::from(c)).copied().unwrap_or(false)
}

/// [`ordinary`] by byte: one load per byte in the loop over a value's ordinary characters.
#[allow(clippy::indexing_slicing)] // evaluated at compile time, where an index out of bounds fails the build
static ORDINARY: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = b.is_ascii_graphic()
            && !matches!(b, b',' | b'?' | b'[' | b']' | b'{' | b'}' | b':' | b'#');
        c += 1;
    }
    t
};

fn analyze(value: &[u8], v3: bool) -> Analysis {
    if value.is_empty() {
        return Analysis {
            multiline: false,
            flow_plain_allowed: false,
            block_plain_allowed: true,
            single_quoted_allowed: true,
            block_allowed: false,
        };
    }
    let mut block_indicators = false;
    let mut flow_indicators = false;
    let mut line_breaks = false;
    let mut special_characters = false;
    let mut tab_characters = false;
    let mut leading_space = false;
    let mut leading_break = false;
    let mut trailing_space = false;
    let mut trailing_break = false;
    let mut break_space = false;
    let mut space_break = false;
    let mut previous_space = false;
    let mut previous_break = false;

    if value.starts_with(b"---") || value.starts_with(b"...") {
        block_indicators = true;
        flow_indicators = true;
    }
    let mut preceded_by_whitespace = true;
    let mut i = 0;
    while i < value.len() {
        // Most bytes of most values are ordinary ASCII (letters, digits, most punctuation): past
        // the first, they set no flag and clear the previous-space/break state.
        if i > 0 && ordinary(byte_at(value, i)) {
            previous_space = false;
            previous_break = false;
            preceded_by_whitespace = false;
            i += 1;
            i += value
                .get(i..)
                .map_or(0, |rest| rest.iter().take_while(|&&c| ordinary(c)).count());
            continue;
        }
        let w = width(byte_at(value, i));
        let followed_by_whitespace = i + w >= value.len() || is_blank(value, i + w);
        let c = byte_at(value, i);
        if i == 0 {
            match c {
                b'#' | b',' | b'[' | b']' | b'{' | b'}' | b'&' | b'*' | b'!' | b'|' | b'>'
                | b'\'' | b'"' | b'%' | b'@' | b'`' => {
                    flow_indicators = true;
                    block_indicators = true;
                }
                b'?' | b':' => {
                    flow_indicators = true;
                    if followed_by_whitespace {
                        block_indicators = true;
                    }
                }
                b'-' if followed_by_whitespace => {
                    flow_indicators = true;
                    block_indicators = true;
                }
                _ => {}
            }
        } else {
            match c {
                b',' | b'?' | b'[' | b']' | b'{' | b'}' => flow_indicators = true,
                b':' => {
                    flow_indicators = true;
                    if followed_by_whitespace {
                        block_indicators = true;
                    }
                }
                b'#' if preceded_by_whitespace => {
                    flow_indicators = true;
                    block_indicators = true;
                }
                _ => {}
            }
        }
        // The emitter is in unicode mode: only unprintable characters are special.
        if v3 && c == b'\t' {
            tab_characters = true;
        } else if !is_printable(value, i) {
            special_characters = true;
        }
        if is_space(value, i) {
            if i == 0 {
                leading_space = true;
            }
            if i + w == value.len() {
                trailing_space = true;
            }
            if previous_break {
                break_space = true;
            }
            previous_space = true;
            previous_break = false;
        } else if is_break(value, i) {
            line_breaks = true;
            if i == 0 {
                leading_break = true;
            }
            if i + w == value.len() {
                trailing_break = true;
            }
            if previous_space {
                space_break = true;
            }
            previous_space = false;
            previous_break = true;
        } else {
            previous_space = false;
            previous_break = false;
        }
        preceded_by_whitespace = is_blankz(value, i);
        i += w;
    }

    let mut a = Analysis {
        multiline: line_breaks,
        flow_plain_allowed: true,
        block_plain_allowed: true,
        single_quoted_allowed: true,
        block_allowed: true,
    };
    if leading_space || leading_break || trailing_space || trailing_break {
        a.flow_plain_allowed = false;
        a.block_plain_allowed = false;
    }
    if trailing_space {
        a.block_allowed = false;
    }
    if break_space {
        a.flow_plain_allowed = false;
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
    }
    if space_break || tab_characters || special_characters {
        a.flow_plain_allowed = false;
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
    }
    if space_break || special_characters {
        a.block_allowed = false;
    }
    if line_breaks {
        a.flow_plain_allowed = false;
        a.block_plain_allowed = false;
    }
    if flow_indicators {
        a.flow_plain_allowed = false;
    }
    if block_indicators {
        a.block_plain_allowed = false;
    }
    a
}

/// Whether a key can be written as `key: value` rather than `? key\n: value`, with the key's
/// analysis when it is a scalar (so it is not analysed twice).
fn simple_key(node: &Node, v3: bool) -> (bool, Option<Analysis>) {
    match node {
        Node::Scalar(value, _) => {
            let a = analyze(value.as_bytes(), v3);
            (!a.multiline && value.len() <= 128, Some(a))
        }
        Node::Seq(items) => (items.is_empty(), None),
        Node::Map(entries) => (entries.is_empty(), None),
    }
}

impl Emitter {
    fn put(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
        if self.opts.v3 {
            self.indention = true;
        }
    }

    /// Copies one character of `s` at `*i`.
    fn write(&mut self, s: &str, i: &mut usize) {
        let w = width(byte_at(s.as_bytes(), *i));
        if let Some(ch) = s.get(*i..*i + w) {
            self.out.push_str(ch);
        }
        self.column += 1;
        *i += w;
    }

    /// Copies the character at `*i` and the run of ASCII characters after it that `copied`
    /// accepts, one column each: what calling [`Emitter::write`] for each would do.
    fn write_run(&mut self, s: &str, i: &mut usize, copied: impl Fn(u8) -> bool) {
        let b = s.as_bytes();
        let start = *i;
        if !byte_at(b, start).is_ascii() {
            self.write(s, i);
            return;
        }
        let end = start
            + 1
            + b.get(start + 1..)
                .map_or(0, |rest| rest.iter().take_while(|&&c| copied(c)).count());
        if let Some(run) = s.get(start..end) {
            self.out.push_str(run);
        }
        self.column += (end - start) as i64;
        *i = end;
    }

    fn write_all(&mut self, s: &str) {
        let mut i = 0;
        while i < s.len() {
            self.write(s, &mut i);
        }
    }

    fn write_break(&mut self, s: &str, i: &mut usize) {
        if byte_at(s.as_bytes(), *i) == b'\n' {
            self.put_break();
            *i += 1;
        } else {
            self.write(s, i);
            self.column = 0;
            if self.opts.v3 {
                self.indention = true;
            }
        }
    }

    fn increase_indent(&mut self, flow: bool, indentless: bool) {
        self.indents.push(self.indent);
        if self.indent < 0 {
            self.indent = if flow { self.opts.best_indent } else { 0 };
        } else if !indentless {
            self.indent += self.opts.best_indent;
        }
    }

    fn pop_indent(&mut self) {
        self.indent = self.indents.pop().unwrap_or(-1);
    }

    fn write_indent(&mut self) {
        let indent = self.indent.max(0);
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        while self.column < indent {
            self.put(' ');
        }
        self.whitespace = true;
        if !self.opts.v3 {
            self.indention = true;
        }
    }

    fn write_indicator(
        &mut self,
        indicator: &str,
        need_whitespace: bool,
        is_whitespace: bool,
        is_indention: bool,
    ) {
        if need_whitespace && !self.whitespace {
            self.put(' ');
        }
        self.write_all(indicator);
        self.whitespace = is_whitespace;
        self.indention = self.indention && is_indention;
        self.open_ended = false;
    }

    /// go-yaml's `emit_node(root, sequence, mapping, simple_key)`; the sequence context does
    /// not change the output and is not kept.
    fn node(&mut self, node: &Node, root: bool, mapping: bool) {
        self.node_in(node, root, mapping, false, None);
    }

    fn node_in(
        &mut self,
        node: &Node,
        root: bool,
        mapping: bool,
        simple: bool,
        analysis: Option<Analysis>,
    ) {
        self.root_context = root;
        self.mapping_context = mapping;
        self.simple_key_context = simple;
        match node {
            Node::Scalar(value, style) => self.scalar(value, *style, analysis),
            Node::Seq(items) => {
                if self.flow_level > 0 || items.is_empty() {
                    self.flow_sequence(items);
                } else {
                    self.block_sequence(items);
                }
            }
            Node::Map(entries) => {
                if self.flow_level > 0 || entries.is_empty() {
                    self.flow_mapping(entries);
                } else {
                    self.block_mapping(entries);
                }
            }
        }
    }

    fn flow_sequence(&mut self, items: &[Node]) {
        self.write_indicator("[", true, true, false);
        self.increase_indent(true, false);
        self.flow_level += 1;
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.write_indicator(",", false, false, false);
            }
            if self.column > self.opts.best_width {
                self.write_indent();
            }
            self.node(item, false, false);
        }
        self.flow_level -= 1;
        self.pop_indent();
        self.write_indicator("]", false, false, false);
    }

    fn flow_mapping(&mut self, entries: &[(Node, Node)]) {
        self.write_indicator("{", true, true, false);
        self.increase_indent(true, false);
        self.flow_level += 1;
        for (i, (k, v)) in entries.iter().enumerate() {
            if i > 0 {
                self.write_indicator(",", false, false, false);
            }
            if self.column > self.opts.best_width {
                self.write_indent();
            }
            let (simple, analysis) = simple_key(k, self.opts.v3);
            if simple {
                self.node_in(k, false, true, true, analysis);
                self.write_indicator(":", false, false, false);
            } else {
                self.write_indicator("?", true, false, false);
                self.node_in(k, false, true, false, analysis);
                if self.column > self.opts.best_width {
                    self.write_indent();
                }
                self.write_indicator(":", true, false, false);
            }
            self.node(v, false, true);
        }
        self.flow_level -= 1;
        self.pop_indent();
        self.write_indicator("}", false, false, false);
    }

    fn block_sequence(&mut self, items: &[Node]) {
        let indentless = self.mapping_context && !self.indention && !self.opts.v3;
        self.increase_indent(false, indentless);
        for item in items {
            self.write_indent();
            self.write_indicator("-", true, false, true);
            self.node(item, false, false);
        }
        self.pop_indent();
    }

    fn block_mapping(&mut self, entries: &[(Node, Node)]) {
        self.increase_indent(false, false);
        for (k, v) in entries {
            self.write_indent();
            let (simple, analysis) = simple_key(k, self.opts.v3);
            if simple {
                self.node_in(k, false, true, true, analysis);
                self.write_indicator(":", false, false, false);
            } else {
                self.write_indicator("?", true, false, true);
                self.node_in(k, false, true, false, analysis);
                self.write_indent();
                self.write_indicator(":", true, false, true);
            }
            self.node(v, false, true);
        }
        self.pop_indent();
    }

    fn select_style(&self, value: &str, requested: Style, a: &Analysis) -> Style {
        let mut style = requested;
        if self.simple_key_context && a.multiline {
            style = Style::DoubleQuoted;
        }
        if style == Style::Plain {
            if (self.flow_level > 0 && !a.flow_plain_allowed)
                || (self.flow_level == 0 && !a.block_plain_allowed)
            {
                style = Style::SingleQuoted;
            }
            if value.is_empty() && (self.flow_level > 0 || self.simple_key_context) {
                style = Style::SingleQuoted;
            }
        }
        if style == Style::SingleQuoted && !a.single_quoted_allowed {
            style = Style::DoubleQuoted;
        }
        if style == Style::Literal
            && (!a.block_allowed || self.flow_level > 0 || self.simple_key_context)
        {
            style = Style::DoubleQuoted;
        }
        style
    }

    fn scalar(&mut self, value: &str, requested: Style, analysis: Option<Analysis>) {
        let a = analysis.unwrap_or_else(|| analyze(value.as_bytes(), self.opts.v3));
        let style = self.select_style(value, requested, &a);
        self.increase_indent(true, false);
        let allow_breaks = !self.simple_key_context;
        match style {
            Style::Plain => self.plain(value, allow_breaks),
            Style::SingleQuoted => self.single_quoted(value, allow_breaks),
            Style::DoubleQuoted => self.double_quoted(value, allow_breaks),
            Style::Literal => self.literal(value),
        }
        self.pop_indent();
    }

    fn plain(&mut self, value: &str, allow_breaks: bool) {
        let b = value.as_bytes();
        let v3_empty = self.opts.v3 && b.is_empty();
        if !self.whitespace && !v3_empty {
            self.put(' ');
        }
        let mut spaces = false;
        let mut breaks = false;
        let mut i = 0;
        while i < b.len() {
            if is_space(b, i) {
                if allow_breaks
                    && !spaces
                    && self.column > self.opts.best_width
                    && !is_space(b, i + 1)
                {
                    self.write_indent();
                    i += 1;
                } else {
                    self.write(value, &mut i);
                }
                spaces = true;
            } else if is_break(b, i) {
                if !breaks && byte_at(b, i) == b'\n' {
                    self.put_break();
                }
                self.write_break(value, &mut i);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.write_run(value, &mut i, |c| c.is_ascii_graphic());
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        if !v3_empty {
            self.whitespace = false;
        }
        self.indention = false;
        if self.root_context {
            self.open_ended = true;
        }
    }

    fn single_quoted(&mut self, value: &str, allow_breaks: bool) {
        let b = value.as_bytes();
        self.write_indicator("'", true, false, false);
        let mut spaces = false;
        let mut breaks = false;
        let mut i = 0;
        while i < b.len() {
            if is_space(b, i) {
                if allow_breaks
                    && !spaces
                    && self.column > self.opts.best_width
                    && i > 0
                    && i < b.len() - 1
                    && !is_space(b, i + 1)
                {
                    self.write_indent();
                    i += 1;
                } else {
                    self.write(value, &mut i);
                }
                spaces = true;
            } else if is_break(b, i) {
                if !breaks && byte_at(b, i) == b'\n' {
                    self.put_break();
                }
                self.write_break(value, &mut i);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                if byte_at(b, i) == b'\'' {
                    self.put('\'');
                    self.write(value, &mut i);
                } else {
                    self.write_run(value, &mut i, |c| c.is_ascii_graphic() && c != b'\'');
                }
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        self.write_indicator("'", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn double_quoted(&mut self, value: &str, allow_breaks: bool) {
        const HEX: &[u8; 16] = b"0123456789ABCDEF";
        let b = value.as_bytes();
        let bom = starts_with_bom(b);
        let mut spaces = false;
        self.write_indicator("\"", true, false, false);
        let mut i = 0;
        while i < b.len() {
            let c = byte_at(b, i);
            if !is_printable(b, i) || bom || is_break(b, i) || c == b'"' || c == b'\\' {
                let w = width(c);
                let v = value
                    .get(i..i + w)
                    .and_then(|s| s.chars().next())
                    .map_or(0, |ch| ch as u32);
                i += w;
                self.put('\\');
                match v {
                    0x00 => self.put('0'),
                    0x07 => self.put('a'),
                    0x08 => self.put('b'),
                    0x09 => self.put('t'),
                    0x0A => self.put('n'),
                    0x0B => self.put('v'),
                    0x0C => self.put('f'),
                    0x0D => self.put('r'),
                    0x1B => self.put('e'),
                    0x22 => self.put('"'),
                    0x5C => self.put('\\'),
                    0x85 => self.put('N'),
                    0xA0 => self.put('_'),
                    0x2028 => self.put('L'),
                    0x2029 => self.put('P'),
                    _ => {
                        let (letter, digits) = if v <= 0xFF {
                            ('x', 2)
                        } else if v <= 0xFFFF {
                            ('u', 4)
                        } else {
                            ('U', 8)
                        };
                        self.put(letter);
                        for k in (0..digits).rev() {
                            let nibble = ((v >> (k * 4)) & 0xF) as usize;
                            self.put(char::from(*HEX.get(nibble).unwrap_or(&b'0')));
                        }
                    }
                }
                spaces = false;
            } else if is_space(b, i) {
                if allow_breaks
                    && !spaces
                    && self.column > self.opts.best_width
                    && i > 0
                    && i < b.len() - 1
                {
                    self.write_indent();
                    if is_space(b, i + 1) {
                        self.put('\\');
                    }
                    i += 1;
                } else {
                    self.write(value, &mut i);
                }
                spaces = true;
            } else {
                self.write_run(value, &mut i, |c| {
                    c.is_ascii_graphic() && c != b'"' && c != b'\\'
                });
                spaces = false;
            }
        }
        self.write_indicator("\"", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn block_scalar_hints(&mut self, value: &str) {
        let b = value.as_bytes();
        if is_space(b, 0) || is_break(b, 0) {
            let hint = self.opts.best_indent.to_string();
            self.write_indicator(&hint, false, false, false);
        }
        self.open_ended = false;
        let mut chomp = None;
        if b.is_empty() {
            chomp = Some("-");
        } else {
            let mut i = b.len() - 1;
            while i > 0 && byte_at(b, i) & 0xC0 == 0x80 {
                i -= 1;
            }
            if !is_break(b, i) {
                chomp = Some("-");
            } else if i == 0 {
                chomp = Some("+");
                self.open_ended = true;
            } else {
                i -= 1;
                while i > 0 && byte_at(b, i) & 0xC0 == 0x80 {
                    i -= 1;
                }
                if is_break(b, i) {
                    chomp = Some("+");
                    self.open_ended = true;
                }
            }
        }
        if let Some(chomp) = chomp {
            self.write_indicator(chomp, false, false, false);
        }
    }

    fn literal(&mut self, value: &str) {
        let b = value.as_bytes();
        self.write_indicator("|", true, false, false);
        self.block_scalar_hints(value);
        self.put_break();
        self.indention = true;
        self.whitespace = true;
        let mut breaks = true;
        let mut i = 0;
        while i < b.len() {
            if is_break(b, i) {
                self.write_break(value, &mut i);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.write_run(value, &mut i, |c| c.is_ascii() && c != b'\n' && c != b'\r');
                self.indention = false;
                breaks = false;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_ordinary_table_is_printable_ascii_but_flow_indicators() {
        for c in 0..=255u8 {
            let expected = c.is_ascii_graphic()
                && !matches!(c, b',' | b'?' | b'[' | b']' | b'{' | b'}' | b':' | b'#');
            assert_eq!(super::ordinary(c), expected, "{c:#x}");
        }
    }
}
