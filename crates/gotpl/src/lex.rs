//! Go's template lexer (text/template/parse/lex.go, Go ≥ 1.22), ported state for state so that
//! tokens, positions, line numbers and error texts are Go's. The parser pulls one item at a time
//! ([`Lexer::next_item`]); work is linear in the input.
//!
//! Trim markers are handled here, as in Go: `{{- ` trims the whitespace (space, tab, CR, LF)
//! before the action and ` -}}` the whitespace after it; the marker needs one of those four
//! characters next to the `-`, so `{{-3}}` is the number -3.

use crate::fmt::quote;
use crate::parse::strconv::format_unicode;

const LEFT_DELIM: &str = "{{";
const RIGHT_DELIM: &str = "}}";
const LEFT_COMMENT: &str = "/*";
const RIGHT_COMMENT: &str = "*/";
/// The trim marker plus the space next to it.
const TRIM_MARKER_LEN: usize = 2;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ItemType {
    Error,
    Bool,
    /// A printable ASCII character: a grab bag for `,` and anything the parser rejects.
    Char,
    CharConstant,
    Comment,
    Complex,
    Assign,
    Declare,
    Eof,
    Field,
    Identifier,
    LeftDelim,
    LeftParen,
    Number,
    Pipe,
    RawString,
    RightDelim,
    RightParen,
    Space,
    String,
    Text,
    Variable,
    // Keywords (Go orders them after `itemKeyword`; `String` prints them as `<word>`).
    Block,
    Break,
    Continue,
    Dot,
    Define,
    Else,
    End,
    If,
    Nil,
    Range,
    Template,
    With,
}

impl ItemType {
    pub fn is_keyword(self) -> bool {
        matches!(
            self,
            ItemType::Block
                | ItemType::Break
                | ItemType::Continue
                | ItemType::Dot
                | ItemType::Define
                | ItemType::Else
                | ItemType::End
                | ItemType::If
                | ItemType::Nil
                | ItemType::Range
                | ItemType::Template
                | ItemType::With
        )
    }
}

/// The keyword, `true`/`false` ([`ItemType::Bool`]) or plain identifier `word` is. Matched on
/// bytes: a `match` on `&str` compares with `memcmp` calls, one per candidate of that length.
fn word_type(word: &str) -> ItemType {
    match word.as_bytes() {
        b"block" => ItemType::Block,
        b"break" => ItemType::Break,
        b"continue" => ItemType::Continue,
        b"define" => ItemType::Define,
        b"else" => ItemType::Else,
        b"end" => ItemType::End,
        b"if" => ItemType::If,
        b"range" => ItemType::Range,
        b"nil" => ItemType::Nil,
        b"template" => ItemType::Template,
        b"with" => ItemType::With,
        b"true" | b"false" => ItemType::Bool,
        _ => ItemType::Identifier,
    }
}

/// A token. `val` is the token's text; for an `Error` item it is empty and the message is
/// [`Lexer::error_message`] (lexing stops at the first error, so there is only one).
///
/// Go emits a token for each run of spaces inside an action; here the run is folded into the
/// token after it (`space`), which saves a lexer step per run (a third of the tokens of a
/// template). [`Lexer::space_item`] gives Go's space token back where the parser needs Go's
/// exact token stream.
///
/// Offsets are `u32` and the text is found through the lexer ([`Lexer::val`]): 16 bytes, so
/// an item is returned and copied in two registers (the parser moves each token several
/// times through its look-ahead buffer).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Item<'a> {
    pub typ: ItemType,
    /// Byte offset of the token in the input ([`Item::pos`]).
    pub at: u32,
    /// The length of the token's text.
    pub len: u32,
    /// Where the run of spaces before the token starts (Go's space token), or 0 when there is
    /// none: a space token is never at offset 0, which is in text or the `{{` before it.
    pub space: u32,
    pub src: std::marker::PhantomData<&'a str>,
}

/// An offset as an item holds it. The parser takes no text over 4 GiB ([`MAX_TEXT`]), so
/// this is exact there; on a longer text given to the lexer directly, offsets wrap (wrong
/// positions, never a panic: every slice is taken with `get`). A saturating conversion
/// cost 1.6% of a parse.
#[inline(always)]
pub(crate) fn off(x: usize) -> u32 {
    x as u32
}

/// The longest text the parser takes: offsets (items, spans) are `u32`.
pub const MAX_TEXT: usize = u32::MAX as usize;

impl<'a> Item<'a> {
    pub const EMPTY: Item<'static> = Item {
        typ: ItemType::Eof,
        at: 0,
        len: 0,
        space: 0,
        src: std::marker::PhantomData,
    };

    /// Byte offset of the token in the input.
    #[inline(always)]
    pub fn pos(&self) -> usize {
        self.at as usize
    }

    /// Byte offset just past the token.
    #[inline(always)]
    pub fn end(&self) -> usize {
        self.at as usize + self.len as usize
    }

    /// Go's `item.String()`, as error messages print a token (`unexpected "}" in operand`).
    /// `val` is the token's text ([`Lexer::val`]).
    pub fn go_string(&self, val: &str, error_message: &str) -> String {
        match self.typ {
            ItemType::Eof => "EOF".to_owned(),
            ItemType::Error => error_message.to_owned(),
            t if t.is_keyword() => format!("<{val}>"),
            // `%.10q...`: the length test is in bytes, the cut in runes.
            _ if val.len() > 10 => {
                format!("{}...", crate::parse::strconv::quote_prefix(val, 10))
            }
            _ => quote(val),
        }
    }
}

/// The bytes that continue an identifier, field or variable: Go's `isAlphaNumeric` below 0x80
/// (the rest are decoded and tested as characters).
static ALNUM: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0u8;
    while b < 128 {
        // Evaluated at compile time: an index out of range would not build.
        #[allow(clippy::indexing_slicing)]
        {
            table[b as usize] = b.is_ascii_alphanumeric() || b == b'_';
        }
        b += 1;
    }
    table
};

fn is_alnum_byte(b: u8) -> bool {
    ALNUM.get(usize::from(b)).copied().unwrap_or(false)
}

fn is_space_byte(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

pub struct Lexer<'a> {
    input: &'a str,
    /// The whole input, kept when an error drops `input` (space tokens are cut from it).
    source: &'a str,
    pos: usize,
    start: usize,
    at_eof: bool,
    paren_depth: i64,
    inside_action: bool,
    error_message: String,
    /// Emit comment items (Go's `ParseComments` mode).
    pub emit_comment: bool,
    /// `break`/`continue` are keywords unless a function of that name exists.
    pub break_ok: bool,
    pub continue_ok: bool,
}

// Go's lexer is a machine of state functions, each returning the next; here each state is a
// method that returns the item it ends with, and a state that passes on calls the next one, so
// a token costs a few calls and no dispatch loop. `next`/`backup`/`peek` keep Go's bookkeeping
// (the line count, the sticky end-of-input flag that makes `backup` a no-op) where the order of
// those calls decides a position or a line; the hot loops skip over ASCII bytes directly.
impl<'a> Lexer<'a> {
    pub fn new(input: &'a str) -> Lexer<'a> {
        Lexer {
            input,
            source: input,
            pos: 0,
            start: 0,
            at_eof: false,
            paren_depth: 0,
            inside_action: false,
            error_message: String::new(),
            emit_comment: true,
            break_ok: true,
            continue_ok: true,
        }
    }

    /// The text of a token this lexer returned.
    #[inline(always)]
    pub fn val(&self, item: &Item<'a>) -> &'a str {
        self.source.get(item.pos()..item.end()).unwrap_or("")
    }

    /// The message of the error item, once one has been returned.
    pub fn error_message(&self) -> &str {
        &self.error_message
    }

    /// The next token (Go's `nextItem`), except that a run of spaces is not a token of its own
    /// but [`Item::space`] of the token after it.
    pub fn next_item(&mut self) -> Item<'a> {
        if self.inside_action {
            let space = self.skip_space();
            let mut item = self.lex_inside_action();
            item.space = off(space);
            item
        } else {
            self.lex_text()
        }
    }

    /// Go's space token before `item` (`item.space` must be set), as Go's `lexSpace` makes it:
    /// the run of spaces, less the one that starts a trim-marked ` -}}`.
    pub fn space_item(&self, item: &Item<'a>) -> Item<'a> {
        let bytes = self.source.as_bytes();
        let start = item.space as usize;
        let mut end = start;
        while bytes.get(end).is_some_and(|&b| is_space_byte(b)) {
            end += 1;
        }
        if bytes.get(end) == Some(&b'-') && starts_with_right_delim(bytes.get(end + 1..)) {
            end -= 1;
        }
        Item {
            typ: ItemType::Space,
            at: off(start),
            len: off(end - start),
            space: 0,
            src: std::marker::PhantomData,
        }
    }

    fn rest(&self) -> &'a str {
        self.input.get(self.pos..).unwrap_or("")
    }

    #[inline(always)]
    fn slice(&self, a: usize, b: usize) -> &'a str {
        self.input.get(a..b).unwrap_or("")
    }

    /// The input from `i` on, as bytes (slicing a `str` checks character boundaries).
    fn bytes_from(&self, i: usize) -> &'a [u8] {
        self.input.as_bytes().get(i..).unwrap_or(&[])
    }

    fn byte_at(&self, i: usize) -> Option<u8> {
        self.input.as_bytes().get(i).copied()
    }

    fn next(&mut self) -> Option<char> {
        let r = match self.byte_at(self.pos) {
            None => {
                self.at_eof = true;
                return None;
            }
            Some(b) if b.is_ascii() => char::from(b),
            Some(_) => self.rest().chars().next()?,
        };
        self.pos += r.len_utf8();
        Some(r)
    }

    fn peek(&self) -> Option<char> {
        match self.byte_at(self.pos) {
            None => None,
            Some(b) if b.is_ascii() => Some(char::from(b)),
            Some(_) => self.rest().chars().next(),
        }
    }

    fn backup(&mut self) {
        if self.at_eof || self.pos == 0 {
            return;
        }
        let r = match self.byte_at(self.pos - 1) {
            Some(b) if b.is_ascii() => char::from(b),
            _ => match self.slice(0, self.pos).chars().next_back() {
                Some(r) => r,
                None => return,
            },
        };
        self.pos -= r.len_utf8();
    }

    #[inline(always)]
    fn this_item(&mut self, typ: ItemType) -> Item<'a> {
        let i = Item {
            typ,
            at: off(self.start),
            len: off(self.pos.saturating_sub(self.start)),
            space: 0,
            src: std::marker::PhantomData,
        };
        self.start = self.pos;
        i
    }

    fn ignore(&mut self) {
        self.start = self.pos;
    }

    /// Go's `accept` of a set of ASCII characters, given as a test on the byte: a character
    /// outside ASCII is never in the set, and Go's `backup` puts it back.
    fn accept(&mut self, valid: impl Fn(u8) -> bool) -> bool {
        match self.byte_at(self.pos) {
            None => {
                self.at_eof = true;
                false
            }
            Some(b) if valid(b) => {
                self.pos += 1;
                true
            }
            Some(_) => false,
        }
    }

    fn accept_run(&mut self, valid: impl Fn(u8) -> bool + Copy) {
        while self.accept(valid) {}
    }

    /// Ends lexing with an error item; the input is dropped as Go does, so later calls give EOF.
    #[cold]
    fn errorf(&mut self, message: String) -> Item<'a> {
        let item = Item {
            typ: ItemType::Error,
            at: off(self.start),
            len: 0,
            space: 0,
            src: std::marker::PhantomData,
        };
        self.error_message = message;
        self.start = 0;
        self.pos = 0;
        self.input = "";
        item
    }

    /// Offset from `pos` of the next `{{` (`memchr` for `{`: the `memchr` crate's vector loop
    /// costs a third of what `str::find` does on template text).
    fn find_left_delim(&self) -> Option<usize> {
        find_pair(self.input.as_bytes().get(self.pos..)?, b'{', b'{')
    }

    /// Go's `lexText`, with `lexLeftDelim` and `lexComment` (a comment that is not emitted
    /// goes back to text).
    fn lex_text(&mut self) -> Item<'a> {
        loop {
            let Some(x) = self.find_left_delim() else {
                self.pos = self.input.len();
                if self.pos > self.start {
                    return self.this_item(ItemType::Text);
                }
                return self.this_item(ItemType::Eof);
            };
            if x > 0 {
                self.pos += x;
                let delim_end = self.pos + LEFT_DELIM.len();
                let trim = if has_left_trim_marker(self.bytes_from(delim_end)) {
                    let text = self
                        .input
                        .as_bytes()
                        .get(self.start..self.pos)
                        .unwrap_or(&[]);
                    right_trim_length(text)
                } else {
                    0
                };
                self.pos -= trim;
                let i = self.this_item(ItemType::Text);
                self.pos += trim;
                self.ignore();
                if i.len != 0 {
                    return i;
                }
            }
            if let Some(item) = self.lex_left_delim() {
                return item;
            }
        }
    }

    fn at_right_delim(&self) -> (bool, bool) {
        let rest = self.bytes_from(self.pos);
        if has_right_trim_marker(rest) && starts_with_right_delim(rest.get(TRIM_MARKER_LEN..)) {
            return (true, true);
        }
        (starts_with_right_delim(Some(rest)), false)
    }

    /// `None` when a comment was skipped.
    fn lex_left_delim(&mut self) -> Option<Item<'a>> {
        self.pos += LEFT_DELIM.len();
        let trim = has_left_trim_marker(self.bytes_from(self.pos));
        let after_marker = if trim { TRIM_MARKER_LEN } else { 0 };
        // By the byte: `starts_with` on a slice is a call.
        let comment = self.pos + after_marker;
        if self.byte_at(comment) == Some(b'/') && self.byte_at(comment + 1) == Some(b'*') {
            self.pos += after_marker;
            self.ignore();
            return self.lex_comment();
        }
        let i = self.this_item(ItemType::LeftDelim);
        self.inside_action = true;
        self.pos += after_marker;
        self.ignore();
        self.paren_depth = 0;
        Some(i)
    }

    fn lex_comment(&mut self) -> Option<Item<'a>> {
        self.pos += LEFT_COMMENT.len();
        let Some(x) = find_comment_end(self.input.as_bytes().get(self.pos..).unwrap_or(&[])) else {
            return Some(self.errorf("unclosed comment".to_owned()));
        };
        self.pos += x + RIGHT_COMMENT.len();
        let (delim, trim) = self.at_right_delim();
        if !delim {
            return Some(self.errorf("comment ends before closing delimiter".to_owned()));
        }
        let i = self.this_item(ItemType::Comment);
        if trim {
            self.pos += TRIM_MARKER_LEN;
        }
        self.pos += RIGHT_DELIM.len();
        if trim {
            self.pos += left_trim_length(self.bytes_from(self.pos));
        }
        self.ignore();
        self.emit_comment.then_some(i)
    }

    fn lex_right_delim(&mut self, trim: bool) -> Item<'a> {
        if trim {
            self.pos += TRIM_MARKER_LEN;
            self.ignore();
        }
        self.pos += RIGHT_DELIM.len();
        let i = self.this_item(ItemType::RightDelim);
        if trim {
            self.pos += left_trim_length(self.bytes_from(self.pos));
            self.ignore();
        }
        self.inside_action = false;
        i
    }

    /// Go's `lexInsideAction`: one token. ASCII bytes are told apart without decoding.
    fn lex_inside_action(&mut self) -> Item<'a> {
        let p = self.pos;
        let Some(b) = self.byte_at(p) else {
            self.at_eof = true;
            return self.errorf("unclosed action".to_owned());
        };
        let b1 = self.byte_at(p + 1);
        // A right delimiter, with or without the trim marker (a space, `-`, `}}`).
        let delim = match b {
            b'}' => (b1 == Some(b'}')).then_some(false),
            _ if is_space_byte(b) => (b1 == Some(b'-')
                && starts_with_right_delim(self.input.as_bytes().get(p + 2..)))
            .then_some(true),
            _ => None,
        };
        if let Some(trim) = delim {
            if self.paren_depth == 0 {
                return self.lex_right_delim(trim);
            }
            return self.errorf("unclosed left paren".to_owned());
        }
        if !b.is_ascii() {
            return self.lex_inside_action_unicode();
        }
        // Every case below consumes the byte, as Go's `next`.
        self.pos = p + 1;
        match b {
            b'=' => self.this_item(ItemType::Assign),
            b':' => {
                if self.next() != Some('=') {
                    return self.errorf("expected :=".to_owned());
                }
                self.this_item(ItemType::Declare)
            }
            b'|' => self.this_item(ItemType::Pipe),
            b'"' => self.lex_quoted('"', "unterminated quoted string", ItemType::String),
            b'`' => self.lex_raw_quote(),
            b'$' => self.lex_variable(),
            b'\'' => self.lex_quoted(
                '\'',
                "unterminated character constant",
                ItemType::CharConstant,
            ),
            b'.' if b1.is_some_and(|c| !c.is_ascii_digit()) => {
                self.lex_field_or_variable(ItemType::Field)
            }
            b'.' | b'+' | b'-' | b'0'..=b'9' => {
                self.pos = p;
                self.lex_number()
            }
            _ if is_alnum_byte(b) => {
                self.pos = p;
                self.lex_identifier()
            }
            b'(' => {
                self.paren_depth += 1;
                self.this_item(ItemType::LeftParen)
            }
            b')' => {
                self.paren_depth -= 1;
                if self.paren_depth < 0 {
                    return self.errorf("unexpected right paren".to_owned());
                }
                self.this_item(ItemType::RightParen)
            }
            b' '..=b'~' => self.this_item(ItemType::Char),
            _ => self.errorf(format!(
                "unrecognized character in action: {}",
                format_unicode(char::from(b))
            )),
        }
    }

    /// A token starting with a non-ASCII character: an identifier or an error.
    #[cold]
    fn lex_inside_action_unicode(&mut self) -> Item<'a> {
        let Some(r) = self.next() else {
            return self.errorf("unclosed action".to_owned());
        };
        if is_alphanumeric(r) {
            self.backup();
            return self.lex_identifier();
        }
        self.errorf(format!(
            "unrecognized character in action: {}",
            format_unicode(r)
        ))
    }

    /// Go's `lexSpace` without its token: skips a run of spaces and returns where it started (0
    /// if there was none). A trim-marked right delimiter starts with a space, which is left for
    /// it: ` -}}` alone is no space token.
    fn skip_space(&mut self) -> usize {
        let bytes = self.input.as_bytes();
        let start = self.pos;
        let mut p = start;
        while bytes.get(p).is_some_and(|&b| is_space_byte(b)) {
            p += 1;
        }
        if p == start {
            return 0;
        }
        if bytes.get(p) == Some(&b'-') && starts_with_right_delim(bytes.get(p + 1..)) {
            p -= 1;
        }
        self.pos = p;
        self.start = p;
        if p == start { 0 } else { start }
    }

    /// Consumes ASCII identifier bytes; returns the byte it stopped at (`None` at the end).
    #[inline(always)]
    fn skip_ascii_alphanumeric(&mut self) -> Option<u8> {
        let bytes = self.input.as_bytes();
        let mut p = self.pos;
        while bytes.get(p).is_some_and(|&b| is_alnum_byte(b)) {
            p += 1;
        }
        self.pos = p;
        bytes.get(p).copied()
    }

    /// Consumes identifier characters: ASCII ones by the byte, the rest as `next` does. Leaves
    /// the lexer where Go's `next`/`backup` loop leaves it (`at_eof` set if the input ended).
    /// Inlined into the three callers (a name is a third of a template's tokens); the rare
    /// non-ASCII case is a call.
    #[inline(always)]
    fn skip_alphanumeric(&mut self) {
        match self.skip_ascii_alphanumeric() {
            None => self.at_eof = true,
            Some(b) if b.is_ascii() => {}
            Some(_) => self.skip_alphanumeric_unicode(),
        }
    }

    #[cold]
    #[inline(never)]
    fn skip_alphanumeric_unicode(&mut self) {
        loop {
            match self.skip_ascii_alphanumeric() {
                None => {
                    self.at_eof = true;
                    return;
                }
                Some(b) if b.is_ascii() => return,
                Some(_) => match self.peek() {
                    Some(r) if is_alphanumeric(r) => {
                        self.next();
                    }
                    _ => return,
                },
            }
        }
    }

    #[inline(always)]
    fn lex_identifier(&mut self) -> Item<'a> {
        self.skip_alphanumeric();
        if !self.at_terminator() {
            let r = self.peek();
            return self.errorf(format!("bad character {}", format_rune(r)));
        }
        let word = self.slice(self.start, self.pos);
        match word_type(word) {
            ItemType::Break if !self.break_ok => self.this_item(ItemType::Identifier),
            ItemType::Continue if !self.continue_ok => self.this_item(ItemType::Identifier),
            t => self.this_item(t),
        }
    }

    fn lex_variable(&mut self) -> Item<'a> {
        if self.at_terminator() {
            return self.this_item(ItemType::Variable);
        }
        self.lex_field_or_variable(ItemType::Variable)
    }

    /// `.Name` or `$name`; the `.` or `$` has been consumed.
    #[inline(always)]
    fn lex_field_or_variable(&mut self, typ: ItemType) -> Item<'a> {
        if self.at_terminator() {
            return self.this_item(if typ == ItemType::Variable {
                ItemType::Variable
            } else {
                ItemType::Dot
            });
        }
        self.skip_alphanumeric();
        if !self.at_terminator() {
            let r = self.peek();
            return self.errorf(format!("bad character {}", format_rune(r)));
        }
        self.this_item(typ)
    }

    /// Whether the next character may follow an identifier (Go breaks `.X.Y` in two here and
    /// rejects `$x+2`).
    #[inline(always)]
    fn at_terminator(&self) -> bool {
        match self.byte_at(self.pos) {
            None => true,
            Some(b' ' | b'\t' | b'\r' | b'\n' | b'.' | b',' | b'|' | b':' | b')' | b'(') => true,
            Some(b'}') => self.byte_at(self.pos + 1) == Some(b'}'),
            Some(_) => false,
        }
    }

    /// A quoted string or character constant; the opening quote has been consumed. Syntax is
    /// checked by the parser (strconv.Unquote).
    fn lex_quoted(&mut self, quote_char: char, unterminated: &str, typ: ItemType) -> Item<'a> {
        let quote_byte = quote_char as u8;
        loop {
            // Skip to the next byte that matters; UTF-8 continuation bytes never equal these.
            let rest = self.input.as_bytes().get(self.pos..).unwrap_or(&[]);
            let skip = memchr::memchr3(quote_byte, b'\\', b'\n', rest);
            self.pos += skip.unwrap_or(rest.len());
            match self.next() {
                Some('\\') => match self.next() {
                    Some(r) if r != '\n' => {}
                    _ => return self.errorf(unterminated.to_owned()),
                },
                None | Some('\n') => return self.errorf(unterminated.to_owned()),
                Some(r) if r == quote_char => break,
                Some(_) => {}
            }
        }
        self.this_item(typ)
    }

    fn lex_raw_quote(&mut self) -> Item<'a> {
        let Some(x) = self.rest().find('`') else {
            self.pos = self.input.len();
            return self.errorf("unterminated raw quoted string".to_owned());
        };
        self.pos += x + 1;
        self.this_item(ItemType::RawString)
    }

    /// Go's scanner is loose here (it accepts "." and "089"); strconv in the parser decides.
    fn lex_number(&mut self) -> Item<'a> {
        if !self.scan_number() {
            let text = self.slice(self.start, self.pos);
            return self.errorf(format!("bad number syntax: {}", quote(text)));
        }
        if matches!(self.peek(), Some('+' | '-')) {
            // Complex: 1+2i. No spaces, must end in 'i'.
            if !self.scan_number() || !self.slice(self.start, self.pos).ends_with('i') {
                let text = self.slice(self.start, self.pos);
                return self.errorf(format!("bad number syntax: {}", quote(text)));
            }
            return self.this_item(ItemType::Complex);
        }
        self.this_item(ItemType::Number)
    }

    fn scan_number(&mut self) -> bool {
        fn dec(b: u8) -> bool {
            b.is_ascii_digit() || b == b'_'
        }
        fn hex(b: u8) -> bool {
            b.is_ascii_hexdigit() || b == b'_'
        }
        fn oct(b: u8) -> bool {
            matches!(b, b'0'..=b'7' | b'_')
        }
        fn bin(b: u8) -> bool {
            matches!(b, b'0' | b'1' | b'_')
        }
        let sign = |b: u8| b == b'+' || b == b'-';
        self.accept(sign);
        let mut digits: fn(u8) -> bool = dec;
        let mut base = 10;
        if self.accept(|b| b == b'0') {
            // A leading 0 does not make a float octal.
            if self.accept(|b| b == b'x' || b == b'X') {
                (digits, base) = (hex, 16);
            } else if self.accept(|b| b == b'o' || b == b'O') {
                (digits, base) = (oct, 8);
            } else if self.accept(|b| b == b'b' || b == b'B') {
                (digits, base) = (bin, 2);
            }
        }
        self.accept_run(digits);
        if self.accept(|b| b == b'.') {
            self.accept_run(digits);
        }
        if base == 10 && self.accept(|b| b == b'e' || b == b'E') {
            self.accept(sign);
            self.accept_run(dec);
        }
        if base == 16 && self.accept(|b| b == b'p' || b == b'P') {
            self.accept(sign);
            self.accept_run(dec);
        }
        self.accept(|b| b == b'i');
        if self.peek().is_some_and(is_alphanumeric) {
            self.next();
            return false;
        }
        true
    }
}

fn format_rune(r: Option<char>) -> String {
    // Go formats eof (-1) this way; no error path can reach it since EOF is a terminator.
    r.map_or_else(|| "U+FFFFFFFFFFFFFFFF".to_owned(), format_unicode)
}

/// Offset of the `*/` that ends a comment (`str::find` sets up a Two-Way searcher per call).
fn find_comment_end(s: &[u8]) -> Option<usize> {
    find_pair(s, b'*', b'/')
}

/// Offset of the first `first` that `second` follows in `s`.
fn find_pair(s: &[u8], first: u8, second: u8) -> Option<usize> {
    let mut from = 0;
    loop {
        let at = from + memchr::memchr(first, s.get(from..)?)?;
        if s.get(at + 1) == Some(&second) {
            return Some(at);
        }
        from = at + 1;
    }
}

/// The 1-based line of byte offset `pos` in `text`, as Go's lexer counts it for the token
/// starting there (one more than the newlines before it). Go keeps a running count per token;
/// only error messages print a line, so it is worked out when one is needed.
pub fn line_at(text: &str, pos: usize) -> usize {
    let before = text.as_bytes().get(..pos).unwrap_or(text.as_bytes());
    1 + before.iter().filter(|&&b| b == b'\n').count()
}

// Plain loops: `rev().take_while().count()` was a call per trim marker.
fn right_trim_length(s: &[u8]) -> usize {
    let mut n = s.len();
    while n > 0 && s.get(n - 1).is_some_and(|&b| is_space_byte(b)) {
        n -= 1;
    }
    s.len() - n
}

fn left_trim_length(s: &[u8]) -> usize {
    let mut n = 0;
    while s.get(n).is_some_and(|&b| is_space_byte(b)) {
        n += 1;
    }
    n
}

/// Go's `isSpace` inside actions: space, tab, CR and LF.
fn is_space(r: char) -> bool {
    matches!(r, ' ' | '\t' | '\r' | '\n')
}

/// Go's `isAlphaNumeric`: `_`, `unicode.IsLetter` or `unicode.IsDigit`. Outside ASCII, Rust's
/// alphabetic/numeric properties are slightly wider than Go's letter/decimal-digit categories.
fn is_alphanumeric(r: char) -> bool {
    r == '_' || r.is_alphanumeric()
}

/// `s` starts with `}}` (compared by the byte: `str::starts_with` calls `memcmp`).
fn starts_with_right_delim(s: Option<&[u8]>) -> bool {
    s.is_some_and(|s| s.get(..2) == Some(RIGHT_DELIM.as_bytes()))
}

fn has_left_trim_marker(b: &[u8]) -> bool {
    b.first() == Some(&b'-') && b.get(1).is_some_and(|&c| is_space(char::from(c)))
}

fn has_right_trim_marker(b: &[u8]) -> bool {
    b.first().is_some_and(|&c| is_space(char::from(c))) && b.get(1) == Some(&b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tokens as Go's lexer emits them: space tokens included.
    pub(super) fn go_items<'a>(l: &mut Lexer<'a>) -> impl Iterator<Item = Item<'a>> {
        let mut pending = Vec::new();
        std::iter::from_fn(move || {
            if let Some(i) = pending.pop() {
                return Some(i);
            }
            let i = l.next_item();
            if i.space != 0 {
                pending.push(Item { space: 0, ..i });
                return Some(l.space_item(&i));
            }
            Some(i)
        })
    }

    fn lex_all(input: &str) -> Vec<String> {
        let mut l = Lexer::new(input);
        let mut out = Vec::new();
        for i in go_items(&mut l) {
            out.push(match i.typ {
                ItemType::Error => "ERR".to_owned(),
                t => format!(
                    "{t:?}:{:?}@{}:{}",
                    input.get(i.pos()..i.end()).unwrap_or(""),
                    i.pos(),
                    line_at(input, i.pos())
                ),
            });
            if matches!(i.typ, ItemType::Eof | ItemType::Error) {
                break;
            }
        }
        if let Some(last) = out.last_mut()
            && last == "ERR"
        {
            *last = format!("ERR({})", l.error_message());
        }
        out
    }

    #[test]
    fn text_and_trim_markers() {
        assert_eq!(
            lex_all("a \n{{- .x -}}\n b"),
            [
                "Text:\"a\"@0:1",
                "LeftDelim:\"{{\"@3:2",
                "Field:\".x\"@7:2",
                "RightDelim:\"}}\"@11:2",
                "Text:\"b\"@15:3",
                "Eof:\"\"@16:3"
            ]
        );
        // `{{-3}}` has no trim marker: -3 is a number.
        assert_eq!(lex_all("{{-3}}")[1], "Number:\"-3\"@2:1");
        // A tab or newline after `-` is a marker too.
        assert_eq!(lex_all("x {{-\t1}}")[0], "Text:\"x\"@0:1");
    }

    #[test]
    fn comments_with_trims() {
        assert_eq!(
            lex_all("a  {{- /* c\n */ -}}  b"),
            [
                "Text:\"a\"@0:1",
                "Comment:\"/* c\\n */\"@7:1",
                "Text:\"b\"@21:2",
                "Eof:\"\"@22:2"
            ]
        );
        assert_eq!(lex_all("{{/* x"), ["ERR(unclosed comment)"]);
        assert_eq!(
            lex_all("{{/* x */ }}"),
            ["ERR(comment ends before closing delimiter)"]
        );
    }

    #[test]
    fn tokens_inside_actions() {
        let toks = lex_all("{{$x := (index .a `r` \"s\" 'c' 1.5e3 nil true) | f}}");
        let kinds: Vec<&str> = toks
            .iter()
            .map(|t| t.split(':').next().unwrap_or(""))
            .collect();
        assert_eq!(
            kinds,
            [
                "LeftDelim",
                "Variable",
                "Space",
                "Declare",
                "Space",
                "LeftParen",
                "Identifier",
                "Space",
                "Field",
                "Space",
                "RawString",
                "Space",
                "String",
                "Space",
                "CharConstant",
                "Space",
                "Number",
                "Space",
                "Nil",
                "Space",
                "Bool",
                "RightParen",
                "Space",
                "Pipe",
                "Space",
                "Identifier",
                "RightDelim",
                "Eof"
            ]
        );
    }

    #[test]
    fn lexer_errors() {
        assert_eq!(
            lex_all("{{ .x").last().map(String::as_str),
            Some("ERR(unclosed action)")
        );
        assert_eq!(
            lex_all("{{ (.x }}").last().map(String::as_str),
            Some("ERR(unclosed left paren)")
        );
        assert_eq!(
            lex_all("{{ .x) }}").last().map(String::as_str),
            Some("ERR(unexpected right paren)")
        );
        assert_eq!(
            lex_all("{{ $x+1 }}").last().map(String::as_str),
            Some("ERR(bad character U+002B '+')")
        );
        assert_eq!(
            lex_all("{{ 3k }}").last().map(String::as_str),
            Some("ERR(bad number syntax: \"3k\")")
        );
        assert_eq!(
            lex_all("{{ \"ab }}").last().map(String::as_str),
            Some("ERR(unterminated quoted string)")
        );
        assert_eq!(
            lex_all("{{ `ab }}").last().map(String::as_str),
            Some("ERR(unterminated raw quoted string)")
        );
        assert_eq!(
            lex_all("{{ 'a }}").last().map(String::as_str),
            Some("ERR(unterminated character constant)")
        );
        assert_eq!(
            lex_all("{{ a : b }}").last().map(String::as_str),
            Some("ERR(expected :=)")
        );
        assert_eq!(
            lex_all("{{ \u{1} }}").last().map(String::as_str),
            Some("ERR(unrecognized character in action: U+0001)")
        );
    }
}

/// Go's lex_test.go tables (default delimiters): token kinds and texts, and positions/lines.
#[cfg(test)]
mod go_tests {
    use super::ItemType::*;
    use super::*;

    fn items(input: &str) -> Vec<(ItemType, std::string::String, usize, usize)> {
        let mut l = Lexer::new(input);
        let mut out = Vec::new();
        for i in super::tests::go_items(&mut l) {
            out.push((
                i.typ,
                input.get(i.pos()..i.end()).unwrap_or("").to_owned(),
                i.pos(),
                line_at(input, i.pos()),
            ));
            if matches!(i.typ, Eof | Error) {
                break;
            }
        }
        if let Some(last) = out.last_mut()
            && last.0 == Error
        {
            last.1 = l.error_message().to_owned();
        }
        out
    }

    fn kinds(input: &str) -> Vec<(ItemType, std::string::String)> {
        items(input)
            .into_iter()
            .map(|(t, v, _, _)| (t, v))
            .collect()
    }

    fn want(list: &[(ItemType, &str)]) -> Vec<(ItemType, std::string::String)> {
        list.iter().map(|(t, v)| (*t, (*v).to_owned())).collect()
    }

    #[test]
    fn lex_tests() {
        let raw = "`abc\\n\\t\\\" `";
        let raw_nl = "`now is{{\n}}the time`";
        let sp = (Space, " ");
        let cases: Vec<(std::string::String, Vec<(ItemType, &str)>)> = vec![
            ("".into(), vec![(Eof, "")]),
            (" \t\n".into(), vec![(Text, " \t\n"), (Eof, "")]),
            (
                "now is the time".into(),
                vec![(Text, "now is the time"), (Eof, "")],
            ),
            (
                "hello-{{/* this is a comment */}}-world".into(),
                vec![
                    (Text, "hello-"),
                    (Comment, "/* this is a comment */"),
                    (Text, "-world"),
                    (Eof, ""),
                ],
            ),
            (
                "{{,@% }}".into(),
                vec![
                    (LeftDelim, "{{"),
                    (Char, ","),
                    (Char, "@"),
                    (Char, "%"),
                    sp,
                    (RightDelim, "}}"),
                    (Eof, ""),
                ],
            ),
            (
                "{{((3))}}".into(),
                vec![
                    (LeftDelim, "{{"),
                    (LeftParen, "("),
                    (LeftParen, "("),
                    (Number, "3"),
                    (RightParen, ")"),
                    (RightParen, ")"),
                    (RightDelim, "}}"),
                    (Eof, ""),
                ],
            ),
            (
                "{{}}".into(),
                vec![(LeftDelim, "{{"), (RightDelim, "}}"), (Eof, "")],
            ),
            (
                "{{for}}".into(),
                vec![
                    (LeftDelim, "{{"),
                    (Identifier, "for"),
                    (RightDelim, "}}"),
                    (Eof, ""),
                ],
            ),
            (
                "{{block \"foo\" .}}".into(),
                vec![
                    (LeftDelim, "{{"),
                    (Block, "block"),
                    sp,
                    (String, "\"foo\""),
                    sp,
                    (Dot, "."),
                    (RightDelim, "}}"),
                    (Eof, ""),
                ],
            ),
            (
                "{{\"abc \\n\\t\\\" \"}}".into(),
                vec![
                    (LeftDelim, "{{"),
                    (String, "\"abc \\n\\t\\\" \""),
                    (RightDelim, "}}"),
                    (Eof, ""),
                ],
            ),
            (
                format!("{{{{{raw}}}}}"),
                vec![
                    (LeftDelim, "{{"),
                    (RawString, raw),
                    (RightDelim, "}}"),
                    (Eof, ""),
                ],
            ),
            (
                format!("{{{{{raw_nl}}}}}"),
                vec![
                    (LeftDelim, "{{"),
                    (RawString, raw_nl),
                    (RightDelim, "}}"),
                    (Eof, ""),
                ],
            ),
            (
                "{{1 02 0x14 0X14 -7.2i 1e3 1E3 +1.2e-4 4.2i 1+2i 1_2 0x1.e_fp4 0X1.E_FP4}}".into(),
                vec![
                    (LeftDelim, "{{"),
                    (Number, "1"),
                    sp,
                    (Number, "02"),
                    sp,
                    (Number, "0x14"),
                    sp,
                    (Number, "0X14"),
                    sp,
                    (Number, "-7.2i"),
                    sp,
                    (Number, "1e3"),
                    sp,
                    (Number, "1E3"),
                    sp,
                    (Number, "+1.2e-4"),
                    sp,
                    (Number, "4.2i"),
                    sp,
                    (Complex, "1+2i"),
                    sp,
                    (Number, "1_2"),
                    sp,
                    (Number, "0x1.e_fp4"),
                    sp,
                    (Number, "0X1.E_FP4"),
                    (RightDelim, "}}"),
                    (Eof, ""),
                ],
            ),
            (
                "{{'a' '\\n' '\\'' '\\\\' '\\u00FF' '\\xFF' '本'}}".into(),
                vec![
                    (LeftDelim, "{{"),
                    (CharConstant, "'a'"),
                    sp,
                    (CharConstant, "'\\n'"),
                    sp,
                    (CharConstant, "'\\''"),
                    sp,
                    (CharConstant, "'\\\\'"),
                    sp,
                    (CharConstant, "'\\u00FF'"),
                    sp,
                    (CharConstant, "'\\xFF'"),
                    sp,
                    (CharConstant, "'本'"),
                    (RightDelim, "}}"),
                    (Eof, ""),
                ],
            ),
            (
                "{{.x . .2 .x.y.z}}".into(),
                vec![
                    (LeftDelim, "{{"),
                    (Field, ".x"),
                    sp,
                    (Dot, "."),
                    sp,
                    (Number, ".2"),
                    sp,
                    (Field, ".x"),
                    (Field, ".y"),
                    (Field, ".z"),
                    (RightDelim, "}}"),
                    (Eof, ""),
                ],
            ),
            (
                "{{range if else end with}}".into(),
                vec![
                    (LeftDelim, "{{"),
                    (Range, "range"),
                    sp,
                    (If, "if"),
                    sp,
                    (Else, "else"),
                    sp,
                    (End, "end"),
                    sp,
                    (With, "with"),
                    (RightDelim, "}}"),
                    (Eof, ""),
                ],
            ),
            (
                "{{$c := printf $ $hello $23 $ $var.Field .Method}}".into(),
                vec![
                    (LeftDelim, "{{"),
                    (Variable, "$c"),
                    sp,
                    (Declare, ":="),
                    sp,
                    (Identifier, "printf"),
                    sp,
                    (Variable, "$"),
                    sp,
                    (Variable, "$hello"),
                    sp,
                    (Variable, "$23"),
                    sp,
                    (Variable, "$"),
                    sp,
                    (Variable, "$var"),
                    (Field, ".Field"),
                    sp,
                    (Field, ".Method"),
                    (RightDelim, "}}"),
                    (Eof, ""),
                ],
            ),
            (
                "intro {{echo hi 1.2 |noargs|args 1 \"hi\"}} outro".into(),
                vec![
                    (Text, "intro "),
                    (LeftDelim, "{{"),
                    (Identifier, "echo"),
                    sp,
                    (Identifier, "hi"),
                    sp,
                    (Number, "1.2"),
                    sp,
                    (Pipe, "|"),
                    (Identifier, "noargs"),
                    (Pipe, "|"),
                    (Identifier, "args"),
                    sp,
                    (Number, "1"),
                    sp,
                    (String, "\"hi\""),
                    (RightDelim, "}}"),
                    (Text, " outro"),
                    (Eof, ""),
                ],
            ),
            (
                "{{$v , $w := 3}}".into(),
                vec![
                    (LeftDelim, "{{"),
                    (Variable, "$v"),
                    sp,
                    (Char, ","),
                    sp,
                    (Variable, "$w"),
                    sp,
                    (Declare, ":="),
                    sp,
                    (Number, "3"),
                    (RightDelim, "}}"),
                    (Eof, ""),
                ],
            ),
            (
                "{{(.X).Y}}".into(),
                vec![
                    (LeftDelim, "{{"),
                    (LeftParen, "("),
                    (Field, ".X"),
                    (RightParen, ")"),
                    (Field, ".Y"),
                    (RightDelim, "}}"),
                    (Eof, ""),
                ],
            ),
            (
                "hello- {{- 3 -}} -world".into(),
                vec![
                    (Text, "hello-"),
                    (LeftDelim, "{{"),
                    (Number, "3"),
                    (RightDelim, "}}"),
                    (Text, "-world"),
                    (Eof, ""),
                ],
            ),
            (
                "hello- {{- /* hello */ -}} -world".into(),
                vec![
                    (Text, "hello-"),
                    (Comment, "/* hello */"),
                    (Text, "-world"),
                    (Eof, ""),
                ],
            ),
            (
                "#{{\u{1}}}".into(),
                vec![
                    (Text, "#"),
                    (LeftDelim, "{{"),
                    (Error, "unrecognized character in action: U+0001"),
                ],
            ),
            (
                "{{".into(),
                vec![(LeftDelim, "{{"), (Error, "unclosed action")],
            ),
            (
                "{{range".into(),
                vec![
                    (LeftDelim, "{{"),
                    (Range, "range"),
                    (Error, "unclosed action"),
                ],
            ),
            (
                "{{\"\n\"}}".into(),
                vec![(LeftDelim, "{{"), (Error, "unterminated quoted string")],
            ),
            (
                "{{`xx}}".into(),
                vec![(LeftDelim, "{{"), (Error, "unterminated raw quoted string")],
            ),
            (
                "{{'\n}}".into(),
                vec![
                    (LeftDelim, "{{"),
                    (Error, "unterminated character constant"),
                ],
            ),
            (
                "{{3k}}".into(),
                vec![(LeftDelim, "{{"), (Error, "bad number syntax: \"3k\"")],
            ),
            (
                "{{(3}}".into(),
                vec![
                    (LeftDelim, "{{"),
                    (LeftParen, "("),
                    (Number, "3"),
                    (Error, "unclosed left paren"),
                ],
            ),
            (
                "{{3)}}".into(),
                vec![
                    (LeftDelim, "{{"),
                    (Number, "3"),
                    (Error, "unexpected right paren"),
                ],
            ),
            (
                "{{|||||}}".into(),
                vec![
                    (LeftDelim, "{{"),
                    (Pipe, "|"),
                    (Pipe, "|"),
                    (Pipe, "|"),
                    (Pipe, "|"),
                    (Pipe, "|"),
                    (RightDelim, "}}"),
                    (Eof, ""),
                ],
            ),
            (
                "hello-{{/*/}}-world".into(),
                vec![(Text, "hello-"), (Error, "unclosed comment")],
            ),
            (
                "hello-{{/* */ }}-world".into(),
                vec![
                    (Text, "hello-"),
                    (Error, "comment ends before closing delimiter"),
                ],
            ),
            (
                "hello-{.}}-world".into(),
                vec![(Text, "hello-{.}}-world"), (Eof, "")],
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(kinds(&input), want(&expected), "{input:?}");
        }
    }

    #[test]
    fn lex_pos_tests() {
        let t = |typ, pos, val: &str, line| (typ, val.to_owned(), pos, line);
        assert_eq!(items(""), [t(Eof, 0, "", 1)]);
        assert_eq!(
            items("{{,@%#}}"),
            [
                t(LeftDelim, 0, "{{", 1),
                t(Char, 2, ",", 1),
                t(Char, 3, "@", 1),
                t(Char, 4, "%", 1),
                t(Char, 5, "#", 1),
                t(RightDelim, 6, "}}", 1),
                t(Eof, 8, "", 1)
            ]
        );
        assert_eq!(
            items("0123{{hello}}xyz"),
            [
                t(Text, 0, "0123", 1),
                t(LeftDelim, 4, "{{", 1),
                t(Identifier, 6, "hello", 1),
                t(RightDelim, 11, "}}", 1),
                t(Text, 13, "xyz", 1),
                t(Eof, 16, "", 1)
            ]
        );
        assert_eq!(
            items("{{x -}}\n{{y}}"),
            [
                t(LeftDelim, 0, "{{", 1),
                t(Identifier, 2, "x", 1),
                t(RightDelim, 5, "}}", 1),
                t(LeftDelim, 8, "{{", 2),
                t(Identifier, 10, "y", 2),
                t(RightDelim, 11, "}}", 2),
                t(Eof, 13, "", 2)
            ]
        );
        assert_eq!(
            items("{{x}}\n{{- y}}"),
            [
                t(LeftDelim, 0, "{{", 1),
                t(Identifier, 2, "x", 1),
                t(RightDelim, 3, "}}", 1),
                t(LeftDelim, 6, "{{", 2),
                t(Identifier, 10, "y", 2),
                t(RightDelim, 11, "}}", 2),
                t(Eof, 13, "", 2)
            ]
        );
        assert_eq!(
            items("{{/*\n*/}}\n{{undefinedFunction \"test\"}}"),
            [
                t(Comment, 2, "/*\n*/", 1),
                t(Text, 9, "\n", 2),
                t(LeftDelim, 10, "{{", 3),
                t(Identifier, 12, "undefinedFunction", 3),
                t(Space, 29, " ", 3),
                t(String, 30, "\"test\"", 3),
                t(RightDelim, 36, "}}", 3),
                t(Eof, 38, "", 3)
            ]
        );
    }
}
