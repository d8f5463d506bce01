//! sigs.k8s.io/yaml's `Unmarshal` (what Helm reads values files and `fromYaml` arguments with):
//! go-yaml v2 reads the first document with YAML 1.1 resolution, merge keys and aliases; keys
//! become strings (`1` → "1", `yes` → "true", float keys through float32 `%g`); the tree goes
//! through JSON, so every number is a float64 and timestamps are RFC 3339 strings; NaN and ±Inf
//! make the JSON step fail. Parsing is saphyr-parser's; only go-yaml's messages for the common
//! syntax errors are reproduced.
//!
//! Hostile input: aliases are expanded under a node budget, nesting under a depth limit.

use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

use base64::Engine as _;
use saphyr_parser::{Event, Parser, ScalarStyle, ScanError};

use super::float::{format_g32, go_special};
use super::json::MAX_DEPTH;
use super::resolve::{Resolved, resolve};
use crate::value::Value;

/// Most nodes a document may expand to through aliases (go-yaml reports "excessive aliasing").
const MAX_NODES: usize = 1_000_000;

#[derive(Debug)]
enum Node {
    Scalar {
        text: String,
        plain: bool,
        tag: Option<String>,
    },
    Seq(Vec<Rc<Node>>),
    Map(Vec<(Rc<Node>, Rc<Node>)>),
}

enum Open {
    Seq(Vec<Rc<Node>>, usize),
    Map(Vec<(Rc<Node>, Rc<Node>)>, Option<Rc<Node>>, usize),
}

/// An error in sigs.k8s.io/yaml's words (go-yaml's `yaml: …` or the JSON step's message).
pub struct Failure(String);

impl Failure {
    /// sigs.k8s.io/yaml's wrapping of the message.
    pub fn message(&self) -> String {
        format!("error converting YAML to JSON: {}", self.0)
    }
}

/// go-yaml's message for a saphyr scan error. go-yaml numbers lines oddly: a scanner error shows
/// the 1-based line, a parser error the 0-based one, and either is left out when the 0-based
/// line is 0.
fn scan_message(e: &ScanError, text: &str) -> String {
    let info = e.info();
    let mut line0 = e.marker().line().saturating_sub(1);
    let (problem, scanner): (String, bool) = if info.contains("mapping values are not allowed") {
        (
            "mapping values are not allowed in this context".into(),
            true,
        )
    } else if info.contains("unexpected character") || info.contains("cannot start any token") {
        ("found character that cannot start any token".into(), true)
    } else if info.contains("block sequence entries are not allowed") {
        (
            "block sequence entries are not allowed in this context".into(),
            true,
        )
    } else if info.contains("could not find expected ':'") || info.contains("simple key expect ':'")
    {
        ("could not find expected ':'".into(), true)
    } else if info.contains("did not find expected alphabetic or numeric character") {
        (
            "did not find expected alphabetic or numeric character".into(),
            true,
        )
    } else if info.contains("expected '-' indicator") {
        ("did not find expected '-' indicator".into(), false)
    } else if info.contains("invalid trailing content after") || info.contains("misplaced bracket")
    {
        ("did not find expected key".into(), false)
    } else if info.contains("unclosed quote") || info.contains("unexpected end of stream") {
        // go-yaml reports it where the input ends.
        line0 = text.matches('\n').count();
        ("found unexpected end of stream".into(), true)
    } else if info.contains("unknown anchor") {
        return format!("yaml: unknown anchor '{}' referenced", alias_name(e, text));
    } else if info.contains("',' or ']'") {
        ("did not find expected ',' or ']'".into(), false)
    } else if info.contains("',' or '}'") {
        ("did not find expected ',' or '}'".into(), false)
    } else if info.contains("expected key") || info.contains("invalid indentation") {
        ("did not find expected key".into(), false)
    } else if info.contains("tab") {
        ("found character that cannot start any token".into(), true)
    } else {
        (info.to_string(), true)
    };
    let shown = if scanner { line0 + 1 } else { line0 };
    if line0 == 0 {
        format!("yaml: {problem}")
    } else {
        format!("yaml: line {shown}: {problem}")
    }
}

/// The name after the `*` saphyr's error points at (or near).
fn alias_name(e: &ScanError, text: &str) -> String {
    let at = e.marker().index();
    let from = text.char_indices().nth(at).map_or(text.len(), |(i, _)| i);
    let before = text.get(..from).unwrap_or("");
    let star = before
        .rfind('*')
        .or_else(|| text.get(from..)?.find('*').map(|i| i + from));
    let Some(star) = star else {
        return String::new();
    };
    text.get(star + 1..)
        .unwrap_or("")
        .chars()
        .take_while(|c| !c.is_whitespace() && !matches!(c, ',' | '[' | ']' | '{' | '}'))
        .collect()
}

struct Loader {
    anchors: HashMap<usize, (Rc<Node>, usize), crate::track::FxBuild>,
    nodes: usize,
}

/// Parses the first document into a node tree; `None` for an empty stream or document.
fn parse(text: &str) -> Result<Option<Rc<Node>>, Failure> {
    parse_lenient(text, 0)
}

/// Most closing brackets re-indented before giving up.
const MAX_REINDENTS: usize = 64;

/// go-yaml accepts a flow collection's closing `]`/`}` on its own line at the indentation of
/// the key that opened it (`args: [` … `]`); saphyr, following YAML 1.2, does not. Such a line
/// is given the indentation of the line above and the parse retried; nothing else changes.
fn parse_lenient(text: &str, attempt: usize) -> Result<Option<Rc<Node>>, Failure> {
    match parse_once(text) {
        Err(Stop::Scan(e)) => {
            if attempt < MAX_REINDENTS {
                let fixed = if e.info().contains("indentation") {
                    reindent_closer(text, e.marker().line())
                } else if e
                    .info()
                    .contains("must be followed by a valid YAML whitespace")
                {
                    tab_after_colon(text, e.marker().index())
                } else if e.info().contains("cannot start with '-' followed by") {
                    quote_lone_dash(text, e.marker().index())
                } else {
                    None
                };
                if let Some(fixed) = fixed {
                    return parse_lenient(&fixed, attempt + 1);
                }
            }
            Err(Failure(scan_message(&e, text)))
        }
        Err(Stop::Other(f)) => Err(f),
        Ok(root) => Ok(root),
    }
}

/// go-yaml takes a tab after a mapping's `:` as the separator (`a:\tb`); saphyr wants a space.
/// The first `:` followed by a tab on the line of character `at` gets a space instead.
fn tab_after_colon(text: &str, at: usize) -> Option<String> {
    let from = text.char_indices().nth(at).map_or(text.len(), |(i, _)| i);
    let line_start = text.get(..from)?.rfind('\n').map_or(0, |i| i + 1);
    let tab = line_start + text.get(line_start..)?.find(":\t")? + 1;
    let mut fixed = String::with_capacity(text.len());
    fixed.push_str(text.get(..tab)?);
    fixed.push(' ');
    fixed.push_str(text.get(tab + 1..)?);
    Some(fixed)
}

/// go-yaml reads a plain scalar ending in `-` before a flow indicator (`[-, a]`, `[1 -]`) as
/// such; saphyr (YAML 1.2) refuses it. That scalar, just before character `at` where saphyr
/// stopped, is single-quoted instead (it resolves to a string either way).
fn quote_lone_dash(text: &str, at: usize) -> Option<String> {
    let from = text.char_indices().nth(at).map_or(text.len(), |(i, _)| i);
    let line_start = text.get(..from)?.rfind('\n').map_or(0, |i| i + 1);
    let line_end = text
        .get(from..)?
        .find('\n')
        .map_or(text.len(), |i| from + i);
    let line = text.get(line_start..line_end)?;
    let bytes = line.as_bytes();
    let flow = |c: Option<&u8>| matches!(c, Some(b',' | b'[' | b']' | b'{' | b'}'));
    // The offending dash is the last one before where saphyr stopped (quoted text earlier on
    // the line may hold others).
    let limit = (from - line_start + 1).min(bytes.len());
    let dash = (0..limit)
        .rev()
        .find(|&i| bytes.get(i) == Some(&b'-') && flow(bytes.get(i + 1)))?;
    // The scalar starts after the previous flow indicator or `:` and the blanks after it.
    let before = line.get(..dash)?;
    let token = before.rfind([',', '[', '{', ':']).map_or(0, |i| i + 1);
    let token = token + (before.get(token..)?.len() - before.get(token..)?.trim_start().len());
    let scalar = line.get(token..=dash)?;
    let mut fixed = String::with_capacity(text.len() + scalar.len() + 2);
    fixed.push_str(text.get(..line_start + token)?);
    fixed.push('\'');
    fixed.push_str(&scalar.replace('\'', "''"));
    fixed.push('\'');
    fixed.push_str(text.get(line_start + dash + 1..)?);
    Some(fixed)
}

/// `text` with 1-based line `line` re-indented like the previous non-blank line, when it starts
/// with a closing bracket and is less indented.
fn reindent_closer(text: &str, line: usize) -> Option<String> {
    let lines: Vec<&str> = text.split('\n').collect();
    let target = lines.get(line.checked_sub(1)?)?;
    let trimmed = target.trim_start_matches(' ');
    if !(trimmed.starts_with(']') || trimmed.starts_with('}')) {
        return None;
    }
    let prev = lines
        .get(..line - 1)?
        .iter()
        .rev()
        .find(|l| !l.trim().is_empty())?;
    let want = prev.len() - prev.trim_start_matches(' ').len();
    let have = target.len() - trimmed.len();
    if want <= have {
        return None;
    }
    let mut out = String::with_capacity(text.len() + want);
    for (i, l) in lines.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        if i + 1 == line {
            out.push_str(&" ".repeat(want));
            out.push_str(trimmed);
        } else {
            out.push_str(l);
        }
    }
    Some(out)
}

enum Stop {
    Scan(ScanError),
    Other(Failure),
}

impl From<Failure> for Stop {
    fn from(f: Failure) -> Stop {
        Stop::Other(f)
    }
}

fn parse_once(text: &str) -> Result<Option<Rc<Node>>, Stop> {
    let mut parser = Parser::new_from_str(text);
    let mut loader = Loader {
        anchors: HashMap::default(),
        nodes: 0,
    };
    let mut stack: Vec<Open> = Vec::new();
    let mut root: Option<Rc<Node>> = None;
    let mut in_doc = false;
    while let Some(next) = parser.next_event() {
        let (event, _span) = next.map_err(Stop::Scan)?;
        let (node, count, anchor) = match event {
            Event::DocumentStart(_) => {
                in_doc = true;
                continue;
            }
            Event::DocumentEnd => {
                if in_doc {
                    break;
                }
                continue;
            }
            Event::StreamEnd => break,
            Event::StreamStart | Event::Nothing => continue,
            Event::SequenceStart(anchor, _) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(Stop::Other(Failure(
                        "yaml: exceeded max depth of 10000".into(),
                    )));
                }
                stack.push(Open::Seq(Vec::new(), anchor));
                continue;
            }
            Event::MappingStart(anchor, _) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(Stop::Other(Failure(
                        "yaml: exceeded max depth of 10000".into(),
                    )));
                }
                stack.push(Open::Map(Vec::new(), None, anchor));
                continue;
            }
            Event::SequenceEnd => match stack.pop() {
                Some(Open::Seq(items, anchor)) => {
                    let count = 1 + items.len();
                    (Rc::new(Node::Seq(items)), count, anchor)
                }
                _ => {
                    return Err(Stop::Other(Failure(
                        "yaml: did not find expected node content".into(),
                    )));
                }
            },
            Event::MappingEnd => match stack.pop() {
                Some(Open::Map(entries, _, anchor)) => {
                    let count = 1 + entries.len();
                    (Rc::new(Node::Map(entries)), count, anchor)
                }
                _ => {
                    return Err(Stop::Other(Failure(
                        "yaml: did not find expected node content".into(),
                    )));
                }
            },
            Event::Scalar(text, style, anchor, tag) => {
                let tag = tag.map(|t| {
                    if t.is_yaml_core_schema() {
                        format!("!!{}", t.suffix)
                    } else {
                        format!("{}{}", t.handle, t.suffix)
                    }
                });
                (
                    Rc::new(Node::Scalar {
                        text: text.into_owned(),
                        plain: style == ScalarStyle::Plain,
                        tag,
                    }),
                    1,
                    anchor,
                )
            }
            Event::Alias(id) => {
                let Some((node, count)) = loader.anchors.get(&id).cloned() else {
                    return Err(Stop::Other(Failure(
                        "yaml: unknown anchor referenced".into(),
                    )));
                };
                loader.nodes = loader.nodes.saturating_add(count);
                if loader.nodes > MAX_NODES {
                    return Err(Stop::Other(Failure(
                        "yaml: document contains excessive aliasing".into(),
                    )));
                }
                // An alias is the anchored node itself: shared, expanded when converted.
                (node, 0, 0)
            }
        };
        loader.nodes = loader.nodes.saturating_add(count);
        if loader.nodes > MAX_NODES {
            return Err(Stop::Other(Failure(
                "yaml: document contains excessive aliasing".into(),
            )));
        }
        if anchor != 0 {
            loader.anchors.insert(anchor, (node.clone(), count.max(1)));
        }
        match stack.last_mut() {
            None => root = Some(node),
            Some(Open::Seq(items, _)) => items.push(node),
            Some(Open::Map(entries, key, _)) => match key.take() {
                None => *key = Some(node),
                Some(k) => entries.push((k, node)),
            },
        }
    }
    // saphyr reports an empty document as an empty plain scalar: null either way.
    Ok(root)
}

/// What go-yaml v2 decodes a scalar to (tagged or not), before the JSON step.
fn scalar_value(text: &str, plain: bool, tag: Option<&str>) -> Result<Resolved, Failure> {
    match tag {
        None if plain => Ok(resolve(text)),
        None | Some("!!str") => Ok(Resolved::Str),
        Some("!!binary") => Ok(Resolved::Str),
        Some(core @ ("!!int" | "!!float" | "!!bool" | "!!null" | "!!timestamp")) => {
            let r = resolve(text);
            let ok = matches!(
                (core, &r),
                ("!!int", Resolved::Int(_) | Resolved::Uint(_))
                    | (
                        "!!float",
                        Resolved::Float(_) | Resolved::Int(_) | Resolved::Uint(_)
                    )
                    | ("!!bool", Resolved::Bool(_))
                    | ("!!null", Resolved::Null)
                    | ("!!timestamp", Resolved::Timestamp)
            );
            if ok {
                Ok(r)
            } else {
                let found = match r {
                    Resolved::Null => "!!null",
                    Resolved::Bool(_) => "!!bool",
                    Resolved::Int(_) | Resolved::Uint(_) => "!!int",
                    Resolved::Float(_) => "!!float",
                    Resolved::Timestamp => "!!timestamp",
                    Resolved::Str => "!!str",
                };
                Err(Failure(format!(
                    "yaml: cannot decode {found} `{text}` as a {core}"
                )))
            }
        }
        // Other tags keep the text.
        Some(_) => Ok(Resolved::Str),
    }
}

fn binary_text(text: &str) -> Result<String, Failure> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    match base64::engine::general_purpose::STANDARD.decode(compact.as_bytes()) {
        Ok(bytes) => Ok(String::from_utf8_lossy(&bytes).into_owned()),
        Err(e) => Err(Failure(format!(
            "yaml: !!binary value contains invalid base64 data: {e}"
        ))),
    }
}

/// The JSON-able form of a decoded scalar.
fn scalar_json(text: &str, plain: bool, tag: Option<&str>) -> Result<Value, Failure> {
    if tag == Some("!!binary") {
        return Ok(Value::string(binary_text(text)?));
    }
    Ok(match scalar_value(text, plain, tag)? {
        Resolved::Null => Value::Nil,
        Resolved::Bool(b) => Value::Bool(b),
        Resolved::Int(i) => Value::Float(i as f64),
        Resolved::Uint(u) => Value::Float(u as f64),
        Resolved::Float(f) => {
            if let Some(name) = go_special(f) {
                return Err(Failure(format!("json: unsupported value: {name}")));
            }
            Value::Float(f)
        }
        // go-yaml v2 keeps a timestamp's text when decoding into interface{} (compatibility).
        Resolved::Timestamp => Value::str(text),
        Resolved::Str => Value::str(text),
    })
}

/// sigs.k8s.io/yaml's key to string: ints in decimal, floats with float32 `%g`, booleans.
fn key_string(key: &Node, value: &Node) -> Result<String, Failure> {
    let Node::Scalar { text, plain, tag } = key else {
        return Err(Failure(format!(
            "yaml: invalid map key: {}",
            go_sharp_v(key)
        )));
    };
    if tag.as_deref() == Some("!!binary") {
        return binary_text(text);
    }
    Ok(match scalar_value(text, *plain, tag.as_deref())? {
        Resolved::Str => text.clone(),
        Resolved::Bool(b) => b.to_string(),
        Resolved::Int(i) => i.to_string(),
        Resolved::Uint(u) => u.to_string(),
        Resolved::Float(f) => match go_special(f) {
            Some("+Inf") => ".inf".into(),
            Some("-Inf") => "-.inf".into(),
            Some(_) => ".nan".into(),
            None => format_g32(f),
        },
        Resolved::Timestamp => text.clone(),
        Resolved::Null => {
            return Err(Failure(format!(
                "unsupported map key of type: %!s(<nil>), key: <nil>, value: {}",
                go_sharp_v(value)
            )));
        }
    })
}

/// Go's `%+#v` of what go-yaml decoded a value to, for scalars (collections are abbreviated).
fn go_sharp_v(node: &Node) -> String {
    sharp_v(node, false, 0)
}

/// `%#v`; inside a collection a nil is `interface {}(nil)`.
fn sharp_v(node: &Node, nested: bool, depth: usize) -> String {
    if depth > 8 {
        return "...".into();
    }
    match node {
        Node::Scalar { text, plain, tag } => match scalar_value(text, *plain, tag.as_deref()) {
            Ok(Resolved::Null) if nested => "interface {}(nil)".into(),
            Ok(Resolved::Null) => "<nil>".into(),
            Ok(Resolved::Bool(b)) => b.to_string(),
            Ok(Resolved::Int(i)) => i.to_string(),
            Ok(Resolved::Uint(u)) => format!("0x{u:x}"),
            Ok(Resolved::Float(f)) => super::float::format_g(f),
            _ => crate::fmt::quote(text),
        },
        Node::Seq(items) => format!(
            "[]interface {{}}{{{}}}",
            items
                .iter()
                .map(|i| sharp_v(i, true, depth + 1))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Node::Map(entries) => format!(
            "map[interface {{}}]interface {{}}{{{}}}",
            entries
                .iter()
                .map(|(k, v)| format!(
                    "{}:{}",
                    sharp_v(k, true, depth + 1),
                    sharp_v(v, true, depth + 1)
                ))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn is_merge_key(key: &Node) -> bool {
    matches!(key, Node::Scalar { text, plain: true, tag: None } if text == "<<")
        || matches!(key, Node::Scalar { text, tag: Some(t), .. } if text == "<<" && t == "!!merge")
}

struct Converter {
    budget: usize,
}

impl Converter {
    fn spend(&mut self) -> Result<(), Failure> {
        if self.budget == 0 {
            return Err(Failure("yaml: document contains excessive aliasing".into()));
        }
        self.budget -= 1;
        Ok(())
    }

    fn value(&mut self, node: &Node, depth: usize) -> Result<Value, Failure> {
        self.spend()?;
        if depth > MAX_DEPTH {
            return Err(Failure("yaml: exceeded max depth of 10000".into()));
        }
        match node {
            Node::Scalar { text, plain, tag } => scalar_json(text, *plain, tag.as_deref()),
            Node::Seq(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    out.push(self.value(item, depth + 1)?);
                }
                Ok(Value::list(out))
            }
            Node::Map(entries) => {
                let mut out = BTreeMap::new();
                self.fill_map(entries, &mut out, depth)?;
                Ok(Value::map(out))
            }
        }
    }

    /// go-yaml v2's `mapping` into a map: entries in order, a later key overwriting an earlier
    /// one; a merge key writes the merged mapping(s) in place (for a list, the last first, so
    /// earlier ones win).
    fn fill_map(
        &mut self,
        entries: &[(Rc<Node>, Rc<Node>)],
        out: &mut BTreeMap<String, Value>,
        depth: usize,
    ) -> Result<(), Failure> {
        for (k, v) in entries {
            if is_merge_key(k) {
                match v.as_ref() {
                    Node::Map(inner) => self.fill_map(inner, out, depth + 1)?,
                    Node::Seq(items) => {
                        for item in items.iter().rev() {
                            let Node::Map(inner) = item.as_ref() else {
                                return Err(want_map());
                            };
                            self.fill_map(inner, out, depth + 1)?;
                        }
                    }
                    Node::Scalar { .. } => return Err(want_map()),
                }
                continue;
            }
            let key = key_string(k, v)?;
            let value = self.value(v, depth + 1)?;
            out.insert(key, value);
        }
        Ok(())
    }
}

fn want_map() -> Failure {
    Failure("yaml: map merge requires map or sequence of maps as the value".into())
}

/// The document's JSON-able value (`Nil` for an empty document), or sigs.k8s.io/yaml's error.
pub fn load(text: &str) -> Result<Value, String> {
    // go-yaml's reader refuses characters outside YAML's printable set anywhere it reads.
    let printable = |c: char| {
        matches!(c as u32,
            0x09 | 0x0A | 0x0D | 0x20..=0x7E | 0x85 | 0xA0..=0xD7FF | 0xE000..=0xFFFD | 0x10000..=0x10FFFF)
    };
    let readable = if text.is_ascii() {
        text.bytes()
            .all(|b| matches!(b, 0x09 | 0x0A | 0x0D | 0x20..=0x7E))
    } else {
        text.chars().all(|c| printable(c) || c == '\u{FEFF}')
    };
    if !readable {
        return Err(Failure("yaml: control characters are not allowed".into()).message());
    }
    let root = parse(text).map_err(|f| f.message())?;
    let Some(root) = root else {
        return Ok(Value::Nil);
    };
    let mut conv = Converter { budget: MAX_NODES };
    conv.value(&root, 0).map_err(|f| f.message())
}

/// Documents `fromYaml` decoded, by text. Charts decode the same text again and again (each
/// workload's `checksum/config` annotation decodes the rendered ConfigMap), and a copy of the
/// result costs a fraction of a parse.
#[derive(Default)]
struct Decoded {
    map: HashMap<Rc<str>, Result<Value, String>, crate::track::FxBuild>,
    bytes: usize,
}

/// Bytes of text the cache of decoded documents holds before it starts over.
const DECODED_BYTES: usize = 8 << 20;

thread_local! {
    static DECODED: std::cell::RefCell<Decoded> = std::cell::RefCell::default();
}

pub(crate) fn clear_cache() {
    DECODED.with(|d| {
        if let Ok(mut d) = d.try_borrow_mut() {
            *d = Decoded::default();
        }
    });
}

/// [`load`] through the cache of decoded documents: every call gets maps and lists of its own
/// (templates modify them in place: `merge`, `set`), sharing only the immutable strings.
pub fn load_cached(text: &str) -> Result<Value, String> {
    let hit = DECODED.with(|d| match d.try_borrow().ok()?.map.get(text)? {
        Ok(v) => fresh(v, 0).map(Ok),
        Err(e) => Some(Err(e.clone())),
    });
    if let Some(hit) = hit {
        return hit;
    }
    let loaded = load(text);
    let kept = match &loaded {
        Ok(v) => fresh(v, 0).map(Ok),
        Err(e) => Some(Err(e.clone())),
    };
    if let Some(kept) = kept
        && text.len() <= DECODED_BYTES / 4
    {
        DECODED.with(|d| {
            let Ok(mut d) = d.try_borrow_mut() else {
                return;
            };
            if d.bytes + text.len() > DECODED_BYTES {
                d.map.clear();
                d.bytes = 0;
            }
            d.bytes += text.len();
            d.map.insert(Rc::from(text), kept);
        });
    }
    loaded
}

/// Nesting a cached document may have: deeper ones are not kept (the copy recurses).
const FRESH_DEPTH: usize = 100;

/// A copy of `v` with maps and lists of its own; `None` past [`FRESH_DEPTH`].
fn fresh(v: &Value, depth: usize) -> Option<Value> {
    if depth > FRESH_DEPTH {
        return None;
    }
    Some(match v {
        Value::Map(m) => {
            let mut out = BTreeMap::new();
            for (k, item) in m.borrow().iter() {
                out.insert(k.clone(), fresh(item, depth + 1)?);
            }
            Value::map(out)
        }
        Value::List(l) => {
            let items = l.items.borrow();
            let mut out = Vec::with_capacity(items.len());
            for item in items.iter() {
                out.push(fresh(item, depth + 1)?);
            }
            Value::List(crate::value::List {
                items: Rc::new(std::cell::RefCell::new(out)),
                elem: l.elem,
                nil: l.nil,
            })
        }
        other => other.clone(),
    })
}

/// What the JSON step of `Unmarshal` into `target` says when the document is another kind.
pub fn type_error(v: &Value, target: &str) -> String {
    format!(
        "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type {target}",
        super::json_decode::kind_word(v)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alias_bombs_stop_on_the_budget() {
        let mut doc = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let refs = vec![format!("*a{}", i - 1); 10].join(", ");
            doc.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
        }
        assert_eq!(
            load(&doc).unwrap_err(),
            "error converting YAML to JSON: yaml: document contains excessive aliasing"
        );
    }

    #[test]
    fn deep_nesting_is_refused_without_overflow() {
        let deep = "[".repeat(5000) + &"]".repeat(5000);
        let err = load(&deep).unwrap_err();
        assert!(
            err.starts_with("error converting YAML to JSON: yaml: "),
            "{err}"
        );
        let ok = "[".repeat(200) + &"]".repeat(200);
        assert!(load(&ok).is_ok());
    }

    #[test]
    fn closer_reindent_only_touches_bracket_lines() {
        assert_eq!(
            reindent_closer("a: [\n  1\n]\n", 3).as_deref(),
            Some("a: [\n  1\n  ]\n")
        );
        assert_eq!(reindent_closer("a: [\n  1\nb\n", 3), None);
    }
}
