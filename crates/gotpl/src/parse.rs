//! Go's template parser (text/template/parse/parse.go and node.go) producing [`crate::ast`]
//! trees. It is a faithful port: the same grammar, the same checks at parse time (undefined
//! functions and variables, `break`/`continue` outside `range`, non-executable pipeline
//! stages, redefinition inside one file) and the same error texts and line numbers, including
//! Go's three-token look-ahead, whose state decides which line an error names.
//!
//! Comments are kept as [`Node::Comment`] (Go's `ParseComments` mode; Helm does not set it).
//! This changes no result: comments only appear where text may, and count as empty.
//!
//! Positions: every node's `span.start` is the byte offset Go records as the node's `Pos` (what
//! `ErrorContext` turns into `LINE:COL`, see [`crate::ast::go_line_col`]) and `span.end` is the
//! end of the node's text. Go's `Pos` is not always where the node's text starts:
//! - a field or variable with several segments (`.Values.image.tag`, `$x.a`) and a chain
//!   (`(f .).a`) are at their SECOND segment (`.image`, `.a`): Go builds them from a chain whose
//!   position is the first field after the term;
//! - a parenthesised pipeline is at its first token after `(`;
//! - actions, `if`/`range`/`with` are at their pipeline's first token (after `{{` and the
//!   keyword), `template`/`block` at the name string, lists at their first token.
//!
//! Limits: parentheses nest at most [`MAX_PAREN_DEPTH`] deep (Go: 10000, "max expression depth
//! exceeded") and control structures (`if`, `else if`, `range`, `with`, `block`) at most
//! [`MAX_CONTROL_DEPTH`] deep (Go has no limit; kforge says "max control nesting depth
//! exceeded"), so the recursive descent, the executor's walk and dropping a tree stay well
//! within a 2 MiB stack: a debug build spends about 7 KiB of stack per level of either kind
//! (release: about 1 to 3 KiB), so both limits at once take ~1.4 MiB. The bitnami charts nest
//! at most 19 control structures and 5 parentheses deep.
//!
//! Known differences from Go, none seen in charts: identifiers take Rust's alphabetic and
//! numeric characters where Go takes letters and decimal digits (they differ outside ASCII for
//! combining marks and letter-like numbers); a string escape that makes invalid UTF-8
//! (`"\xff"`) becomes U+FFFD; hex float mantissas longer than 53 bits may round differently;
//! complex constants (`1+2i`) are split by hand where Go uses `fmt.Sscan`.

pub mod strconv;

use std::collections::HashMap;
use std::sync::Arc;

type FxMap<K, V> = HashMap<K, V, crate::track::FxBuild>;

use crate::ast::{Arg, Branch, Command, List, Name, Node, Number, Pipe, Seq, Span, Tree, Variable};
use crate::lex::{Item, ItemType, Lexer};

/// Nesting limit for parenthesised expressions.
pub const MAX_PAREN_DEPTH: usize = 100;
/// Nesting limit for control structures.
pub const MAX_CONTROL_DEPTH: usize = 100;
/// How many trees a file has before its trees are found by a map rather than a scan.
const BY_NAME_FROM: usize = 16;
/// Go's `maxPipelineCmds`.
const MAX_PIPELINE_CMDS: usize = 100_000;

/// The result of parsing one file.
#[derive(Debug)]
pub struct Parsed {
    /// The file's top-level tree (named after the file) first, then one tree per
    /// `define`/`block` in source order. Redefinitions inside the file are already resolved as
    /// Go's `Tree.add` does: an empty definition (only spaces and comments) never replaces a
    /// non-empty one, a non-empty one replaces an empty one, two non-empty ones are an error. So
    /// names are unique here; across files, the template set decides (Go's `associate`: a later
    /// tree wins unless it is empty and the earlier one is not).
    pub trees: Vec<Tree>,
}

/// A parse error, as Go reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// The file being parsed (Go's `ParseName`).
    pub parse_name: String,
    /// Byte offset of the token the parser stopped at.
    pub offset: u32,
    /// The line Go names (the line of the last token read, counted as Go counts).
    pub line: usize,
    /// Go's message without location: `function "foo" not defined`.
    pub message: String,
}

impl ParseError {
    /// Go's full text: `template: t/templates/x.yaml:3: function "foo" not defined`. (Helm
    /// rewrites it as `parse error at (t/templates/x.yaml:3): function "foo" not defined`.)
    pub fn go_message(&self) -> String {
        format!(
            "template: {}:{}: {}",
            self.parse_name, self.line, self.message
        )
    }

    /// What Helm v4 prints (`cleanupParseError` in pkg/engine): the location and only the last
    /// `: `-separated part of Go's text, so `bad number syntax: "3k"` shows as `"3k"`.
    pub fn helm_message(&self) -> String {
        let go = self.go_message();
        let parts: Vec<&str> = go.split(": ").collect();
        match (parts.get(1), parts.last()) {
            (Some(location), Some(msg)) => format!("parse error at ({location}): {msg}"),
            _ => format!("parse error in ({}): {go}", self.parse_name),
        }
    }
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.go_message())
    }
}

impl std::error::Error for ParseError {}

/// Parses one file. `is_func` says whether a function name is defined: Go rejects calls to
/// unknown functions at parse time. A function named `break` or `continue` turns the keyword
/// into a plain identifier, as in Go.
pub fn parse(
    parse_name: &str,
    text: &str,
    is_func: &dyn Fn(&str) -> bool,
) -> Result<Parsed, ParseError> {
    parse_shared(parse_name, Arc::from(text), is_func)
}

/// [`parse`] of a text the caller already holds in an `Arc`, which the trees then share
/// instead of a copy.
pub fn parse_shared(
    parse_name: &str,
    text: Arc<str>,
    is_func: &dyn Fn(&str) -> bool,
) -> Result<Parsed, ParseError> {
    let mut lex = Lexer::new(&text);
    lex.break_ok = !is_func("break");
    lex.continue_ok = !is_func("continue");
    let mut p = Parser {
        lex,
        parse_name,
        text: Arc::clone(&text),
        is_func,
        func_cache: [("", false); 32],
        t: TreeState::new(),
        trees: Vec::new(),
        by_name: FxMap::default(),
        control_depth: 0,
        scratch: SCRATCH.take().unwrap_or_default(),
    };
    let result = p.parse_top().and_then(|root| {
        let last = p.t.token0();
        p.add(parse_name.to_owned(), root, last)
    });
    p.scratch.put_back();
    result.map_err(|e| *e)?;
    let mut trees = p.trees;
    if let Some(i) = trees.iter().position(|t| t.name == parse_name) {
        let top = trees.remove(i);
        trees.insert(0, top);
    }
    Ok(Parsed { trees })
}

/// Boxed: every parse function returns one of these, and a result as large as the error (two
/// strings) made each return and `?` move that many bytes.
type PResult<T> = Result<T, Box<ParseError>>;

/// What `textOrAction` can return: a node, or the `{{end}}`/`{{else}}` that closes a list.
enum Step {
    Node(Node),
    /// `delim` is where the closing action's `{{` starts (the end of the list it closes).
    End {
        delim: usize,
        end: usize,
    },
    /// `pos` is Go's position for the else node (the `if`/`with` of `else if`/`else with`, or
    /// the closing `}}`).
    Else {
        delim: usize,
        pos: usize,
    },
}

impl Step {
    fn go_string(&self) -> &'static str {
        match self {
            Step::End { .. } => "{{end}}",
            Step::Else { .. } => "{{else}}",
            // Nodes never reach the messages that print a Step.
            Step::Node(_) => "",
        }
    }
}

/// Go's space token at `pos` (its text is never printed: a space is no token an error names).
fn space_token(pos: u32) -> Item<'static> {
    Item {
        typ: ItemType::Space,
        at: pos,
        len: 0,
        space: 0,
        src: std::marker::PhantomData,
    }
}

/// The state Go keeps per `Tree` while parsing: a `define` or `block` body is parsed with a
/// fresh one (own look-ahead buffer, variables `$` only, not inside any `range`).
struct TreeState<'a> {
    token: [Item<'a>; 3],
    peek_count: usize,
    /// Go has read the space token before `token[0]` (at `space_pos`) but not `token[0]`.
    space_only: bool,
    space_pos: u32,
    /// The variables declared, innermost last; `$` is always there and not listed, so a tree
    /// that declares none allocates nothing.
    vars: Vec<&'a str>,
    /// How many times each name is in `vars`, so a lookup is O(1) however many are declared.
    var_count: FxMap<&'a str, usize>,
    /// Where the `{{` of the action being parsed is (Go keeps its line, for error messages).
    action_pos: Option<usize>,
    range_depth: usize,
    paren_depth: usize,
}

impl<'a> TreeState<'a> {
    fn new() -> TreeState<'a> {
        TreeState {
            token: [Item::EMPTY; 3],
            peek_count: 0,
            space_only: false,
            space_pos: 0,
            vars: Vec::new(),
            var_count: FxMap::default(),
            action_pos: None,
            range_depth: 0,
            paren_depth: 0,
        }
    }

    /// The last token Go read.
    fn token0(&self) -> Item<'a> {
        if self.space_only {
            return space_token(self.space_pos);
        }
        self.token[0]
    }

    fn push_var(&mut self, name: &'a str) {
        self.vars.push(name);
        *self.var_count.entry(name).or_insert(0) += 1;
    }

    fn pop_vars(&mut self, n: usize) {
        while self.vars.len() > n {
            if let Some(v) = self.vars.pop()
                && let Some(c) = self.var_count.get_mut(v)
            {
                *c -= 1;
            }
        }
    }

    fn has_var(&self, name: &str) -> bool {
        name == "$" || self.var_count.get(name).is_some_and(|&c| c > 0)
    }
}

struct Parser<'a, 'f> {
    lex: Lexer<'a>,
    parse_name: &'a str,
    text: Arc<str>,
    is_func: &'f dyn Fn(&str) -> bool,
    /// `is_func`'s answers for names of this file, by a hash of the name: a file calls a few
    /// dozen functions many times each, and the function table hashes the whole name.
    func_cache: [(&'a str, bool); 32],
    t: TreeState<'a>,
    trees: Vec<Tree>,
    by_name: FxMap<String, usize>,
    control_depth: usize,
    scratch: Scratch,
}

/// Stacks the lists, commands and arguments being parsed are gathered on: nested ones above
/// outer ones, each moved out into a vector of its exact size when complete. Growing every
/// vector from empty instead allocates several times per node and leaves most of a syntax
/// tree's memory as unused capacity (a command's arguments would take 4 slots for 1 or 2).
#[derive(Default)]
struct Scratch {
    nodes: Vec<Node>,
    cmds: Vec<Command>,
    args: Vec<Arg>,
    idents: Vec<Name>,
}

thread_local! {
    /// The stacks of the thread's last parse, emptied, so that a parse does not grow them
    /// from nothing again (each file did, a few times per stack).
    static SCRATCH: std::cell::Cell<Option<Scratch>> = const { std::cell::Cell::new(None) };
}

impl Scratch {
    /// Empties the stacks (an error leaves some behind) and keeps them for the thread's next
    /// parse, unless a deeply nested file made them large.
    fn put_back(&mut self) {
        const KEEP: usize = 1024;
        let mut s = std::mem::take(self);
        if s.nodes.capacity() > KEEP
            || s.cmds.capacity() > KEEP
            || s.args.capacity() > KEEP
            || s.idents.capacity() > KEEP
        {
            return;
        }
        s.nodes.clear();
        s.cmds.clear();
        s.args.clear();
        s.idents.clear();
        SCRATCH.set(Some(s));
    }
}

impl<'a> Parser<'a, '_> {
    // ---- tokens (Go's next/backup/peek with a three-token look-ahead) ----
    //
    // Go's lexer emits a token for each run of spaces inside an action; this one folds the run
    // into the token after it (`Item::space`). The buffer holds the lexer's tokens, and a
    // buffered token whose `space` is set still has Go's space token before it: `next` and
    // `peek` hand that out as a space token of its own, `next_non_space` and `peek_non_space`
    // step over it. Which token Go read last (the line an error names) is `token[0]`, or the
    // space before it when Go has read only that (`TreeState::space_only`).

    fn next(&mut self) -> Item<'a> {
        let t = &mut self.t;
        if t.peek_count == 0 {
            let item = self.lex.next_item();
            t.token[0] = item;
            if item.space != 0 {
                t.token[0].space = 0;
                t.peek_count = 1;
                t.space_only = true;
                t.space_pos = item.space;
                return space_token(item.space);
            }
            t.space_only = false;
            return item;
        }
        let i = t.peek_count - 1;
        let Some(slot) = t.token.get_mut(i) else {
            return Item::EMPTY;
        };
        if slot.space != 0 {
            let pos = slot.space;
            slot.space = 0;
            return space_token(pos);
        }
        let item = *slot;
        t.peek_count = i;
        if i == 0 {
            t.space_only = false;
        }
        item
    }

    /// Go's `backup` after a token other than a space: its space (if any) stays read.
    fn backup(&mut self) {
        let t = &mut self.t;
        t.peek_count += 1;
        if let Some(slot) = t.token.get_mut(t.peek_count - 1) {
            slot.space = 0;
        }
    }

    /// Go's `backup2`: `t1` before the last token read, which follows it without a space.
    fn backup2(&mut self, t1: Item<'a>) {
        self.t.token[1] = Item { space: 0, ..t1 };
        self.t.token[0].space = 0;
        self.t.peek_count = 2;
    }

    /// Go's `backup3` with `t1` a space token: `t2`, then the last token read after the space.
    fn backup3(&mut self, t2: Item<'a>, t1: Item<'a>) {
        self.t.token[1] = Item { space: 0, ..t2 };
        self.t.token[0].space = t1.at;
        self.t.peek_count = 2;
    }

    fn peek(&mut self) -> Item<'a> {
        let t = &mut self.t;
        if t.peek_count == 0 {
            let item = self.lex.next_item();
            t.token[0] = item;
            t.peek_count = 1;
            if item.space != 0 {
                t.space_only = true;
                t.space_pos = item.space;
                return space_token(item.space);
            }
            t.space_only = false;
            return item;
        }
        let item = t
            .token
            .get(t.peek_count - 1)
            .copied()
            .unwrap_or(Item::EMPTY);
        if item.space != 0 {
            return space_token(item.space);
        }
        if t.peek_count == 1 {
            t.space_only = false;
        }
        item
    }

    fn next_non_space(&mut self) -> Item<'a> {
        let t = &mut self.t;
        if t.peek_count == 0 {
            let item = self.lex.next_item();
            t.token[0] = item;
            t.space_only = false;
            return item;
        }
        t.peek_count -= 1;
        if t.peek_count == 0 {
            // Go reads `token[0]` now if it had read only the space before it.
            t.space_only = false;
        }
        t.token.get(t.peek_count).copied().unwrap_or(Item::EMPTY)
    }

    fn peek_non_space(&mut self) -> Item<'a> {
        let t = self.next_non_space();
        self.backup();
        t
    }

    /// `is_func(name)`, remembered for the file (`name` is never empty).
    fn is_func_cached(&mut self, name: &'a str) -> bool {
        let b = name.as_bytes();
        let first = usize::from(b.first().copied().unwrap_or(0));
        let last = usize::from(b.last().copied().unwrap_or(0));
        let slot = (b.len() ^ (first << 1) ^ (last * 3)) % 32;
        let Some(entry) = self.func_cache.get_mut(slot) else {
            return (self.is_func)(name);
        };
        if entry.0 == name {
            return entry.1;
        }
        let known = (self.is_func)(name);
        *entry = (name, known);
        known
    }

    // ---- errors ----

    /// Go's `errorf`: the line is that of the last token read into the current tree's buffer.
    #[cold]
    fn error_at(&self, at: Item<'_>, message: String) -> Box<ParseError> {
        Box::new(ParseError {
            parse_name: self.parse_name.to_owned(),
            offset: u32::try_from(at.pos()).unwrap_or(u32::MAX),
            line: crate::lex::line_at(&self.text, at.pos()),
            message,
        })
    }

    fn errorf<T>(&self, message: String) -> PResult<T> {
        Err(self.error_at(self.t.token0(), message))
    }

    fn expect(&mut self, expected: ItemType, context: &str) -> PResult<Item<'a>> {
        let token = self.next_non_space();
        if token.typ != expected {
            return self.unexpected(token, context);
        }
        Ok(token)
    }

    fn unexpected<T>(&self, token: Item<'a>, context: &str) -> PResult<T> {
        if token.typ == ItemType::Error {
            let msg = self.lex.error_message();
            let mut extra = String::new();
            let action_line = self
                .t
                .action_pos
                .map(|p| crate::lex::line_at(&self.text, p));
            let token_line = crate::lex::line_at(&self.text, token.pos());
            if let Some(action_line) = action_line
                && action_line != token_line
            {
                extra = if msg.ends_with(" action") {
                    format!(" started at {}:{action_line}", self.parse_name)
                } else {
                    format!(" in action started at {}:{action_line}", self.parse_name)
                };
            }
            return self.errorf(format!("{msg}{extra}"));
        }
        self.errorf(format!(
            "unexpected {} in {}",
            token.go_string(self.lex.val(&token), ""),
            context
        ))
    }

    // ---- trees ----

    /// Go's `Tree.add` into the file's tree set. `at` is the current token of the tree being
    /// added (for the error's line).
    fn add(&mut self, name: String, root: List, at: Item<'a>) -> PResult<()> {
        // A file has a few trees: a scan finds a name faster than hashing it, and needs no
        // copy of it as a key. The map is built once a file has many.
        let found = if self.by_name.is_empty() {
            self.trees.iter().position(|t| t.name == name)
        } else {
            self.by_name.get(&name).copied()
        };
        let Some(i) = found else {
            if self.trees.len() + 1 >= BY_NAME_FROM {
                if self.by_name.is_empty() {
                    let names = self.trees.iter().enumerate();
                    self.by_name = names.map(|(i, t)| (t.name.clone(), i)).collect();
                }
                self.by_name.insert(name.clone(), self.trees.len());
            }
            let tree = self.new_tree(name, root);
            self.trees.push(tree);
            return Ok(());
        };
        let tree = self.new_tree(name, root);
        let Some(old) = self.trees.get_mut(i) else {
            return Ok(());
        };
        if old.root.is_empty_tree(&old.text) {
            *old = tree;
        } else if !tree.root.is_empty_tree(&tree.text) {
            let msg = format!(
                "template: multiple definition of template {}",
                crate::fmt::quote(&tree.name)
            );
            return Err(self.error_at(at, msg));
        }
        Ok(())
    }

    fn new_tree(&self, name: String, root: List) -> Tree {
        Tree {
            name,
            parse_name: self.parse_name.to_owned(),
            text: Arc::clone(&self.text),
            root: Arc::new(root),
        }
    }

    fn new_list(&self, start: usize, end: usize, nodes: Seq<Node>) -> List {
        List {
            span: Span::new(start, end),
            nodes,
        }
    }

    /// The top level of a file: `itemList` that also accepts `define`, up to EOF.
    fn parse_top(&mut self) -> PResult<List> {
        let start = self.peek().pos();
        let base = self.scratch.nodes.len();
        while self.peek().typ != ItemType::Eof {
            if self.peek().typ == ItemType::LeftDelim {
                let delim = self.next();
                if self.next_non_space().typ == ItemType::Define {
                    let parent = std::mem::replace(&mut self.t, TreeState::new());
                    let result = self.parse_definition();
                    self.t = parent;
                    result?;
                    continue;
                }
                self.backup2(delim);
            }
            let token = self.next_non_space();
            match self.text_or_action(token)? {
                Step::Node(n) => self.scratch.nodes.push(n),
                step => return self.errorf(format!("unexpected {}", step.go_string())),
            }
        }
        let nodes = Seq::take_from(&mut self.scratch.nodes, base);
        Ok(self.new_list(start, self.text.len(), nodes))
    }

    /// `{{define "name"}} … {{end}}`; the keyword has been read.
    fn parse_definition(&mut self) -> PResult<()> {
        const CONTEXT: &str = "define clause";
        let token = self.next_non_space();
        if token.typ != ItemType::String && token.typ != ItemType::RawString {
            return self.unexpected(token, CONTEXT);
        }
        let Some(name) = strconv::unquote(self.lex.val(&token)) else {
            return self.errorf("invalid syntax".to_owned());
        };
        self.expect(ItemType::RightDelim, CONTEXT)?;
        let (list, end) = self.item_list()?;
        if !matches!(end, Step::End { .. }) {
            return self.errorf(format!("unexpected {} in {}", end.go_string(), CONTEXT));
        }
        let at = self.t.token0();
        self.add(name, list, at)
    }

    /// `textOrAction*` up to `{{end}}` or `{{else}}`, which is returned separately.
    fn item_list(&mut self) -> PResult<(List, Step)> {
        let start = self.peek_non_space().pos();
        let base = self.scratch.nodes.len();
        loop {
            // Go peeks, then reads the token in `textOrAction`: the same tokens are read.
            let token = self.next_non_space();
            if token.typ == ItemType::Eof {
                break;
            }
            match self.text_or_action(token)? {
                Step::Node(n) => self.scratch.nodes.push(n),
                step => {
                    let end = match step {
                        Step::End { delim, .. } | Step::Else { delim, .. } => delim,
                        Step::Node(_) => start,
                    };
                    let nodes = Seq::take_from(&mut self.scratch.nodes, base);
                    return Ok((self.new_list(start, end, nodes), step));
                }
            }
        }
        self.errorf("unexpected EOF".to_owned())
    }

    /// `token` has been read.
    fn text_or_action(&mut self, token: Item<'a>) -> PResult<Step> {
        match token.typ {
            ItemType::Text => Ok(Step::Node(Node::Text {
                span: Span::new(token.pos(), token.end()),
            })),
            ItemType::LeftDelim => {
                self.t.action_pos = Some(token.pos());
                let result = self.action(token.pos());
                self.t.action_pos = None;
                result
            }
            ItemType::Comment => Ok(Step::Node(Node::Comment {
                span: Span::new(token.pos(), token.end()),
            })),
            _ => self.unexpected(token, "input"),
        }
    }

    /// After `{{`: a control keyword or a pipeline. The control structures recurse through
    /// here, so this frame and `control`'s stay small (the other cases are separate functions).
    fn action(&mut self, delim: usize) -> PResult<Step> {
        let token = self.next_non_space();
        match token.typ {
            ItemType::If | ItemType::Range | ItemType::With => {
                self.control(token.typ).map(Step::Node)
            }
            ItemType::Block => self.block_control(),
            ItemType::Else => self.else_control(delim),
            _ => self.simple_action(token, delim),
        }
    }

    #[inline(never)]
    fn simple_action(&mut self, token: Item<'a>, delim: usize) -> PResult<Step> {
        match token.typ {
            ItemType::Break | ItemType::Continue => {
                return self.break_continue(token).map(Step::Node);
            }
            ItemType::End => {
                let end = self.expect(ItemType::RightDelim, "end")?;
                return Ok(Step::End {
                    delim,
                    end: end.end(),
                });
            }
            ItemType::Template => return self.template_control().map(Step::Node),
            _ => {}
        }
        self.backup();
        let token = self.peek();
        // Variables declared here persist until the enclosing `end`.
        let (pipe, end) = self.pipeline("command", ItemType::RightDelim)?;
        Ok(Step::Node(Node::Action {
            span: Span::new(token.pos(), end),
            pipe,
        }))
    }

    fn break_continue(&mut self, keyword: Item<'a>) -> PResult<Node> {
        let word = if keyword.typ == ItemType::Break {
            "break"
        } else {
            "continue"
        };
        let token = self.next_non_space();
        if token.typ != ItemType::RightDelim {
            return self.unexpected(token, &format!("{{{{{word}}}}}"));
        }
        if self.t.range_depth == 0 {
            return self.errorf(format!("{{{{{word}}}}} outside {{{{range}}}}"));
        }
        let span = Span::new(keyword.pos(), token.end());
        Ok(if keyword.typ == ItemType::Break {
            Node::Break { span }
        } else {
            Node::Continue { span }
        })
    }

    /// `declarations? command ('|' command)*` up to `end` (`}}` or `)`), which is consumed.
    /// Returns the pipeline and the offset just past `end`.
    fn pipeline(&mut self, context: &str, end: ItemType) -> PResult<(Pipe, usize)> {
        let token = self.peek_non_space();
        // The pipe is built whole at the end: assigning a field of a default one drops the
        // field's old value, a call each.
        let start = token.pos();
        let mut is_assign = false;
        // Declarations: `$x :=`, `$x =`, `$k, $v :=` (range only).
        let mut decl: Vec<Variable> = Vec::new();
        let mut peeked = Some(token);
        loop {
            // (Peeking twice reads no more than peeking once.)
            let v = match peeked.take() {
                Some(t) => t,
                None => self.peek_non_space(),
            };
            if v.typ != ItemType::Variable {
                break;
            }
            self.next();
            // Spaces are tokens, so "$x foo" needs three tokens of look-ahead to tell an
            // argument from a declaration: keep the token after the variable to push it back.
            let after = self.peek();
            let next = self.peek_non_space();
            if next.typ == ItemType::Assign || next.typ == ItemType::Declare {
                is_assign = next.typ == ItemType::Assign;
                self.next_non_space();
                // Most declare one variable: no spare capacity for `into_boxed_slice` to
                // reallocate away.
                decl.reserve_exact(1);
                decl.push(Variable {
                    span: Span::new(v.pos(), v.end()),
                    ident: Seq::One(name(self.lex.val(&v))),
                });
                self.t.push_var(self.lex.val(&v));
            } else if next.typ == ItemType::Char && self.lex.val(&next) == "," {
                self.next_non_space();
                decl.reserve_exact(2);
                decl.push(Variable {
                    span: Span::new(v.pos(), v.end()),
                    ident: Seq::One(name(self.lex.val(&v))),
                });
                self.t.push_var(self.lex.val(&v));
                if context == "range" && decl.len() < 2 {
                    match self.peek_non_space().typ {
                        ItemType::Variable | ItemType::RightDelim | ItemType::RightParen => {
                            continue;
                        }
                        _ => return self.errorf("range can only initialize variables".to_owned()),
                    }
                }
                return self.errorf(format!("too many declarations in {context}"));
            } else if after.typ == ItemType::Space {
                self.backup3(v, after);
            } else {
                self.backup2(v);
            }
            break;
        }
        let decl = decl.into_boxed_slice();
        let base = self.scratch.cmds.len();
        loop {
            let token = self.next_non_space();
            if token.typ == end {
                let cmds = Seq::take_from(&mut self.scratch.cmds, base);
                self.check_pipeline(&cmds, context)?;
                let end_pos = cmds.last().map_or(start, |last| last.span.end as usize);
                let pipe = Pipe {
                    span: Span::new(start, end_pos),
                    is_assign,
                    decl,
                    cmds,
                };
                return Ok((pipe, token.end()));
            }
            match token.typ {
                ItemType::Bool
                | ItemType::CharConstant
                | ItemType::Complex
                | ItemType::Dot
                | ItemType::Field
                | ItemType::Identifier
                | ItemType::Number
                | ItemType::Nil
                | ItemType::RawString
                | ItemType::String
                | ItemType::Variable
                | ItemType::LeftParen => {
                    let cmd = self.command(token)?;
                    self.scratch.cmds.push(cmd);
                    if self.scratch.cmds.len() - base > MAX_PIPELINE_CMDS {
                        return self.errorf("pipeline too long".to_owned());
                    }
                }
                _ => return self.unexpected(token, context),
            }
        }
    }

    fn check_pipeline(&self, cmds: &[Command], context: &str) -> PResult<()> {
        if cmds.is_empty() {
            return self.errorf(format!("missing value for {context}"));
        }
        // Only the first command of a pipeline may start with a non-executable operand.
        for (i, c) in cmds.iter().enumerate().skip(1) {
            if let Some(
                Arg::Bool(..) | Arg::Dot(_) | Arg::Nil(_) | Arg::Number(..) | Arg::String(..),
            ) = c.args.first()
            {
                return self.errorf(format!(
                    "non executable command in pipeline stage {}",
                    i + 1
                ));
            }
        }
        Ok(())
    }

    /// `if`, `range`, `with` after the keyword (`kind`): Go's `parseControl`.
    fn control(&mut self, kind: ItemType) -> PResult<Node> {
        if self.control_depth >= MAX_CONTROL_DEPTH {
            return self.errorf("max control nesting depth exceeded".to_owned());
        }
        self.control_depth += 1;
        let vars = self.t.vars.len();
        let result = self.parse_control(kind);
        self.t.pop_vars(vars);
        self.control_depth -= 1;
        Ok(match kind {
            ItemType::If => Node::If(Box::new(result?)),
            ItemType::Range => Node::Range(Box::new(result?)),
            _ => Node::With(Box::new(result?)),
        })
    }

    fn parse_control(&mut self, kind: ItemType) -> PResult<Branch> {
        let context = match kind {
            ItemType::If => "if",
            ItemType::Range => "range",
            _ => "with",
        };
        let (pipe, _) = self.pipeline(context, ItemType::RightDelim)?;
        if kind == ItemType::Range {
            self.t.range_depth += 1;
        }
        let (list, next) = self.item_list()?;
        if kind == ItemType::Range {
            self.t.range_depth -= 1;
        }
        let (else_list, end) = match next {
            Step::Else { pos, .. } => self.else_part(kind, pos)?,
            Step::End { end, .. } => (None, end),
            Step::Node(_) => (None, list.span.end as usize),
        };
        Ok(Branch {
            span: Span::new(pipe.span.start as usize, end),
            pipe,
            list,
            else_list,
        })
    }

    /// After `{{else`: the else list and the end of the closing `{{end}}`.
    fn else_part(&mut self, kind: ItemType, pos: usize) -> PResult<(Option<List>, usize)> {
        // `{{else if b}}` is `{{else}}{{if b}}…{{end}}` with the inner `end` shared:
        // elseControl left the `if`/`with` pending.
        let next = self.peek().typ;
        if next == kind && (kind == ItemType::If || kind == ItemType::With) {
            self.next();
            let node = self.control(kind)?;
            let end = node.span().end as usize;
            return Ok((Some(self.new_list(pos, end, Seq::One(node))), end));
        }
        let (l, next) = self.item_list()?;
        let Step::End { end, .. } = next else {
            return self.errorf(format!("expected end; found {}", next.go_string()));
        };
        Ok((Some(l), end))
    }

    fn else_control(&mut self, delim: usize) -> PResult<Step> {
        let peek = self.peek_non_space();
        // `{{else if …` and `{{else with …`: return the else and leave the keyword pending.
        if peek.typ == ItemType::If || peek.typ == ItemType::With {
            return Ok(Step::Else {
                delim,
                pos: peek.pos(),
            });
        }
        let token = self.expect(ItemType::RightDelim, "else")?;
        Ok(Step::Else {
            delim,
            pos: token.pos(),
        })
    }

    /// `{{block "name" pipeline}} … {{end}}`: defines "name" and calls it in place.
    fn block_control(&mut self) -> PResult<Step> {
        const CONTEXT: &str = "block clause";
        let token = self.next_non_space();
        let name = self.parse_template_name(token, CONTEXT)?;
        let (pipe, _) = self.pipeline(CONTEXT, ItemType::RightDelim)?;
        if self.control_depth >= MAX_CONTROL_DEPTH {
            return self.errorf("max control nesting depth exceeded".to_owned());
        }
        self.control_depth += 1;
        let parent = std::mem::replace(&mut self.t, TreeState::new());
        let result = self.item_list();
        let block = std::mem::replace(&mut self.t, parent);
        self.control_depth -= 1;
        let (list, end) = result?;
        let Step::End { end, .. } = end else {
            // Reported by the enclosing tree, so with its (older) current line, as Go does.
            return self.errorf(format!("unexpected {} in {}", end.go_string(), CONTEXT));
        };
        self.add(name.clone(), list, block.token0())?;
        Ok(Step::Node(Node::Template {
            span: Span::new(token.pos(), end),
            name,
            pipe: Some(Box::new(pipe)),
        }))
    }

    /// `{{template "name" pipeline?}}`.
    fn template_control(&mut self) -> PResult<Node> {
        const CONTEXT: &str = "template clause";
        let token = self.next_non_space();
        let name = self.parse_template_name(token, CONTEXT)?;
        let next = self.next_non_space();
        let (pipe, end) = if next.typ == ItemType::RightDelim {
            (None, next.end())
        } else {
            self.backup();
            // Variables declared here persist until the enclosing `end`.
            let (pipe, end) = self.pipeline(CONTEXT, ItemType::RightDelim)?;
            (Some(Box::new(pipe)), end)
        };
        Ok(Node::Template {
            span: Span::new(token.pos(), end),
            name,
            pipe,
        })
    }

    fn parse_template_name(&self, token: Item<'a>, context: &str) -> PResult<String> {
        match token.typ {
            ItemType::String | ItemType::RawString => {
                match strconv::unquote(self.lex.val(&token)) {
                    Some(s) => Ok(s),
                    None => self.errorf("invalid syntax".to_owned()),
                }
            }
            _ => self.unexpected(token, context),
        }
    }

    /// `operand (space operand)*` up to `|` (consumed) or `}}`/`)` (left for the pipeline).
    /// `first` is the command's first token, already read. (Go backs it up and peeks at it
    /// twice before reading it again, and peeks before each operand: none of that changes which
    /// tokens are read.)
    fn command(&mut self, first: Item<'a>) -> PResult<Command> {
        let start = first.pos();
        let base = self.scratch.args.len();
        let mut first = Some(first);
        loop {
            if let Some(operand) = self.operand(first.take())? {
                self.scratch.args.push(operand);
            }
            let token = self.next();
            match token.typ {
                ItemType::Space => continue,
                ItemType::RightDelim | ItemType::RightParen => self.backup(),
                ItemType::Pipe => {}
                _ => return self.unexpected(token, "operand"),
            }
            break;
        }
        let args = Seq::take_from(&mut self.scratch.args, base);
        let Some(last) = args.last() else {
            return self.errorf("empty command".to_owned());
        };
        let span = Span::new(start, last.span().end as usize);
        Ok(Command { span, args })
    }

    /// `term .Field*`.
    fn operand(&mut self, token: Option<Item<'a>>) -> PResult<Option<Arg>> {
        // A field's or variable's segments are gathered on the stack: `term` leaves the first.
        let base = self.scratch.idents.len();
        let Some(mut node) = self.term(token)? else {
            return Ok(None);
        };
        if self.peek().typ != ItemType::Field {
            if let Arg::Field(_, ident) | Arg::Variable(Variable { ident, .. }) = &mut node {
                set_empty(ident, Seq::take_from(&mut self.scratch.idents, base));
            }
            return Ok(Some(node));
        }
        // Go's chain node is at the first field after the term, and so are the field and
        // variable nodes it is folded back into.
        let chain_pos = self.peek().pos();
        if let Arg::Bool(..) | Arg::String(..) | Arg::Number(..) | Arg::Nil(_) | Arg::Dot(_) = node
        {
            // Go reads the fields first; the error names the line of the last one.
            while self.peek().typ == ItemType::Field {
                self.next();
            }
            let text = self.term_string(&node);
            return self.errorf(format!(
                "unexpected . after term {}",
                crate::fmt::quote(&text)
            ));
        }
        let mut end = chain_pos;
        while self.peek().typ == ItemType::Field {
            let f = self.next();
            self.scratch
                .idents
                .push(name(self.lex.val(&f).get(1..).unwrap_or("")));
            end = f.end();
        }
        let span = Span::new(chain_pos, end);
        let fields = Seq::take_from(&mut self.scratch.idents, base);
        Ok(Some(match &mut node {
            Arg::Field(s, ident) => {
                *s = span;
                set_empty(ident, fields);
                node
            }
            Arg::Variable(v) => {
                v.span = span;
                set_empty(&mut v.ident, fields);
                node
            }
            _ => Arg::Chain(span, Box::new(node), fields),
        }))
    }

    /// Go's `String()` of a literal term, for the "unexpected . after term" message.
    fn term_string(&self, node: &Arg) -> String {
        match node {
            Arg::Bool(_, b) => b.to_string(),
            Arg::Nil(_) => "nil".to_owned(),
            Arg::Dot(_) => ".".to_owned(),
            Arg::Number(_, n) => n.text.to_string(),
            // The quoted text as written.
            other => {
                let s = other.span();
                self.text
                    .get(s.start as usize..s.end as usize)
                    .unwrap_or("")
                    .to_owned()
            }
        }
    }

    /// A literal, function name, `.`, `.Field`, `$var` or `( pipeline )`; `None` (and nothing
    /// consumed) if the next token is none of these. A field or variable comes with its name
    /// left on `scratch.idents` for `operand` to collect. `token` is the term's token if the
    /// caller has read it.
    fn term(&mut self, token: Option<Item<'a>>) -> PResult<Option<Arg>> {
        let token = match token {
            Some(t) => t,
            None => self.next_non_space(),
        };
        let span = Span::new(token.pos(), token.end());
        Ok(Some(match token.typ {
            ItemType::Identifier => {
                if !self.is_func_cached(self.lex.val(&token)) {
                    return self.errorf(format!(
                        "function {} not defined",
                        crate::fmt::quote(self.lex.val(&token))
                    ));
                }
                Arg::Identifier(span, name(self.lex.val(&token)))
            }
            ItemType::Dot => Arg::Dot(span),
            ItemType::Nil => Arg::Nil(span),
            ItemType::Variable => {
                if !self.t.has_var(self.lex.val(&token)) {
                    return self.errorf(format!(
                        "undefined variable {}",
                        crate::fmt::quote(self.lex.val(&token))
                    ));
                }
                self.scratch.idents.push(name(self.lex.val(&token)));
                Arg::Variable(Variable {
                    span,
                    ident: Seq::default(),
                })
            }
            ItemType::Field => {
                self.scratch
                    .idents
                    .push(name(self.lex.val(&token).get(1..).unwrap_or("")));
                Arg::Field(span, Seq::default())
            }
            ItemType::Bool => Arg::Bool(span, self.lex.val(&token) == "true"),
            ItemType::CharConstant | ItemType::Complex | ItemType::Number => {
                match new_number(self.lex.val(&token), token.typ) {
                    Ok(n) => Arg::Number(span, Box::new(n)),
                    Err(msg) => return self.errorf(msg),
                }
            }
            ItemType::LeftParen => {
                if self.t.paren_depth >= MAX_PAREN_DEPTH {
                    return self.errorf("max expression depth exceeded".to_owned());
                }
                self.t.paren_depth += 1;
                let result = self.pipeline("parenthesized pipeline", ItemType::RightParen);
                self.t.paren_depth -= 1;
                let (pipe, end) = result?;
                Arg::Pipe(Span::new(pipe.span.start as usize, end), Box::new(pipe))
            }
            ItemType::String | ItemType::RawString => {
                match plain_string(token, self.lex.val(&token)) {
                    Some(s) => Arg::String(span, name(s)),
                    None => match strconv::unquote_name(self.lex.val(&token)) {
                        Some(s) => Arg::String(span, s),
                        None => return self.errorf("invalid syntax".to_owned()),
                    },
                }
            }
            _ => {
                self.backup();
                return Ok(None);
            }
        }))
    }
}

/// Fills the segments `term` left empty (`Seq::default()`, which holds no allocation): the
/// empty value is forgotten rather than dropped, which is a call the compiler cannot see
/// through.
fn set_empty(slot: &mut Seq<Name>, value: Seq<Name>) {
    let empty = std::mem::replace(slot, value);
    debug_assert!(empty.is_empty());
    std::mem::forget(empty);
}

/// The text of a string token with no escape to undo: a quoted string without a backslash
/// (the lexer has ended it at the first unescaped quote and rejected a newline) or a raw
/// string without a carriage return. One byte search instead of `unquote_name`'s three.
fn plain_string<'a>(token: Item<'a>, val: &'a str) -> Option<&'a str> {
    let inner = val.get(1..val.len().checked_sub(1)?)?;
    let special = match token.typ {
        ItemType::String => b'\\',
        _ => b'\r',
    };
    (!inner.as_bytes().contains(&special)).then_some(inner)
}

/// A name of the template text as a [`Name`]. Names are short and `SmolStr::new` copies
/// them inline with a `memcpy` call sized at run time; `new_inline`'s loop costs half that.
pub(crate) fn name(s: &str) -> Name {
    if s.len() <= 23 {
        Name::new_inline(s)
    } else {
        Name::new(s)
    }
}

/// Go's `newNumber`: classifies a number, character or complex constant under every kind that
/// can represent it. The error is Go's message.
fn new_number(text: &str, typ: ItemType) -> Result<Number, String> {
    let mut n = Number {
        text: name(text),
        ..Number::default()
    };
    match typ {
        ItemType::CharConstant => {
            let quote = text.as_bytes().first().copied().unwrap_or(b'\'');
            let (r, _, tail) = strconv::unquote_char(text.get(1..).unwrap_or(""), quote)
                .ok_or_else(|| "invalid syntax".to_owned())?;
            if tail != "'" {
                return Err(format!("malformed character constant: {text}"));
            }
            n.int = Some(i64::from(r));
            n.uint = Some(u64::from(r));
            n.float = Some(f64::from(r));
            n.is_char = true;
            return Ok(n);
        }
        ItemType::Complex => {
            let (re, im) = parse_complex(text)
                .ok_or_else(|| format!("illegal number syntax: {}", crate::fmt::quote(text)))?;
            n.is_complex = true;
            simplify_complex(&mut n, re, im);
            return Ok(n);
        }
        _ => {}
    }
    // Imaginary constants can only be complex unless they are zero.
    if let Some(imag) = text.strip_suffix('i')
        && let Some(f) = strconv::parse_float(imag)
    {
        n.is_complex = true;
        simplify_complex(&mut n, 0.0, f);
        return Ok(n);
    }

    // Integers first so that 0x123 etc. are exact.
    let u = strconv::parse_uint(text);
    n.uint = u;
    if let Some(i) = strconv::parse_int(text) {
        n.int = Some(i);
        if i == 0 {
            // -0
            n.uint = Some(u.unwrap_or(0));
        }
    }
    if let Some(i) = n.int {
        n.float = Some(i as f64);
    } else if let Some(u) = n.uint {
        n.float = Some(u as f64);
    } else if let Some(f) = strconv::parse_float(text) {
        // Parsed as a float but looks like an integer: a huge number that fits no int.
        if !text.contains(['.', 'e', 'E', 'p', 'P']) {
            return Err(format!("integer overflow: {}", crate::fmt::quote(text)));
        }
        n.float = Some(f);
        n.int = float_to_int(f);
        n.uint = float_to_uint(f);
    }
    if n.int.is_none() && n.uint.is_none() && n.float.is_none() {
        return Err(format!(
            "illegal number syntax: {}",
            crate::fmt::quote(text)
        ));
    }
    Ok(n)
}

/// `int64(f)` when it converts back to `f` exactly (Go's test `float64(int64(f)) == f`).
fn float_to_int(f: f64) -> Option<i64> {
    // 2^63 as f64 is exact; i64's range is [-2^63, 2^63).
    (f.fract() == 0.0 && (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&f))
        .then_some(f as i64)
}

fn float_to_uint(f: f64) -> Option<u64> {
    (f.fract() == 0.0 && f > -1.0 && f < 18_446_744_073_709_551_616.0).then_some(f as u64)
}

fn simplify_complex(n: &mut Number, re: f64, im: f64) {
    if im == 0.0 {
        n.float = Some(re);
        n.int = float_to_int(re);
        n.uint = float_to_uint(re);
    }
}

/// `1+2i`, `-1.5e3-2i`: the real and imaginary parts (Go uses `fmt.Sscan`).
fn parse_complex(text: &str) -> Option<(f64, f64)> {
    let body = text.strip_suffix('i')?;
    let bytes = body.as_bytes();
    let split = (1..bytes.len()).rev().find(|&i| {
        matches!(bytes.get(i), Some(b'+' | b'-'))
            && !matches!(bytes.get(i - 1), Some(b'e' | b'E' | b'p' | b'P'))
    })?;
    let re = strconv::parse_float(body.get(..split)?)?;
    let im = strconv::parse_float(body.get(split..)?)?;
    Some((re, im))
}

#[cfg(test)]
mod tests;
