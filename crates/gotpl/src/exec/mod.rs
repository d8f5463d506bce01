//! The executor (Go's text/template/exec.go) and Helm v4's engine functions that need it
//! (pkg/engine/engine.go: `include`, `tpl`, `required`, `fail`, `lookup`).
//!
//! A [`Templates`] set is what Helm builds for a chart: every file of the chart and its subcharts
//! parsed into one namespace, `define`s shared. [`Templates::execute`] renders one of them the way
//! Helm renders a file: Go's `missingkey=zero`, then every `<no value>` removed from the output.
//! Errors keep Go's error chain so that both Go's text and Helm v4's reprint of it are exact.
//!
//! Work is bounded ([`Limits`]): fuel for every node, iteration and call; a depth for nested
//! templates, includes and expressions, and a budget of stack bytes (the executor recurses on the
//! caller's stack; the budget is what keeps a hostile chart from overflowing it); a size for
//! every output buffer.

mod args;
mod errors;
mod fields;
mod helm;
mod memo;
mod output;
mod state;

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use crate::ast::{Node, Tree};
use crate::func::FuncEnv;
use crate::value::Value;

pub use errors::ErrorKind;
pub use output::Origin;

/// Names the executor itself implements (Go's `and`/`or`, Helm's engine functions). The parser
/// must accept them as functions.
pub const EXEC_FUNCS: &[&str] = &["and", "or", "include", "tpl", "required", "fail", "lookup"];

/// Whether `name` is a function a template may call (what the parser checks names against):
/// one lookup in the executor's table, which holds the function table and [`EXEC_FUNCS`].
pub fn is_func(name: &str) -> bool {
    args::is_resolved(name)
}

/// Parses one file of a chart as [`Templates::add_file`] does (functions checked against
/// [`is_func`]), reusing the trees of an earlier file with the same text: a chart whose
/// subcharts each vendor the `common` library holds the same sixty files several times. A file
/// being parsed by another thread is waited for rather than parsed twice (the chart layer
/// parses files in parallel, and copies of `common` come close together in Helm's order). Only
/// successful parses are reused (an error names the file and line, so it is parsed again), and
/// only when no `define` in the text is named like either file, the one case where a file's name
/// changes how its text parses.
pub fn parse_file(
    parse_name: &str,
    text: &str,
) -> Result<crate::parse::Parsed, crate::parse::ParseError> {
    parse_file_with(parse_name, text, None)
}

/// [`parse_file`] of a text the caller holds in an `Arc`: the cache and the trees share it,
/// where `parse_file` copies the text once (a chart's templates are some 300 KB).
pub fn parse_file_shared(
    parse_name: &str,
    text: &Arc<str>,
) -> Result<crate::parse::Parsed, crate::parse::ParseError> {
    parse_file_with(parse_name, text, Some(text))
}

fn parse_file_with(
    parse_name: &str,
    text: &str,
    owned: Option<&Arc<str>>,
) -> Result<crate::parse::Parsed, crate::parse::ParseError> {
    let Some((slot, text)) = parse_cache::slot(text, owned) else {
        return match owned {
            Some(t) => crate::parse::parse_shared(parse_name, Arc::clone(t), &is_func),
            None => crate::parse::parse(parse_name, text, &is_func),
        };
    };
    let mut own = None;
    let shared = slot.get_or_init(|| {
        let parsed = crate::parse::parse_shared(parse_name, Arc::clone(&text), &is_func);
        let shared = parsed
            .as_ref()
            .ok()
            .map(|p| Arc::new(parse_cache::Shared::new(parse_name, p)));
        own = Some(parsed);
        shared
    });
    if let Some(parsed) = own {
        return parsed;
    }
    match shared.as_ref().and_then(|s| s.renamed(parse_name)) {
        Some(parsed) => Ok(parsed),
        None => crate::parse::parse_shared(parse_name, text, &is_func),
    }
}

/// Forgets what earlier renders left for later ones: every parse [`parse_file`] kept, and this
/// thread's compiled patterns and decoded `fromYaml` documents. The next render starts from
/// nothing, as in a new process (benchmarks that compare one chart's render with another tool's).
pub fn clear_caches() {
    parse_cache::clear();
    crate::sprig::regex::clear_cache();
    crate::encode::clear_from_yaml_cache();
}

mod parse_cache {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex, OnceLock};

    use crate::ast::{List, Tree};
    use crate::parse::Parsed;

    /// A parse without its file name: the trees in order, the first the file's top level.
    pub(super) struct Shared {
        parse_name: String,
        text: Arc<str>,
        trees: Vec<(String, Arc<List>)>,
    }

    /// One text's parse: set by the first thread to parse it (`None`: it did not parse).
    pub(super) type Slot = Arc<OnceLock<Option<Arc<Shared>>>>;

    impl Shared {
        pub(super) fn new(parse_name: &str, parsed: &Parsed) -> Shared {
            Shared {
                parse_name: parse_name.to_owned(),
                text: parsed
                    .trees
                    .first()
                    .map_or_else(|| Arc::from(""), |t| Arc::clone(&t.text)),
                trees: parsed
                    .trees
                    .iter()
                    .map(|t| (t.name.clone(), Arc::clone(&t.root)))
                    .collect(),
            }
        }

        /// The trees as `parse(parse_name, text)` gives them; `None` when a define's name is
        /// either file's name (Go's redefinition rules then involve the top level).
        pub(super) fn renamed(&self, parse_name: &str) -> Option<Parsed> {
            let (top, defines) = self.trees.split_first()?;
            if top.0 != self.parse_name
                || defines
                    .iter()
                    .any(|(n, _)| n == parse_name || *n == self.parse_name)
            {
                return None;
            }
            let tree = |name: &str, root: &Arc<List>| Tree {
                name: name.to_owned(),
                parse_name: parse_name.to_owned(),
                text: Arc::clone(&self.text),
                root: Arc::clone(root),
            };
            let mut trees = Vec::with_capacity(self.trees.len());
            trees.push(tree(parse_name, &top.1));
            trees.extend(defines.iter().map(|(n, r)| tree(n, r)));
            Some(Parsed { trees })
        }
    }

    /// Bytes of text kept; past it the cache starts over (a process linting many charts).
    const LIMIT: usize = 64 << 20;

    /// A text's hash: its length, head and tail. Copies of a file are equal, and different
    /// files that agree on all three are told apart by comparing them; hashing whole files
    /// would cost more than comparing the few that collide.
    fn text_hash(text: &str) -> u64 {
        const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        const PART: usize = 256;
        let bytes = text.as_bytes();
        let head = bytes.get(..PART).unwrap_or(bytes);
        let tail = bytes
            .get(bytes.len().saturating_sub(PART)..)
            .unwrap_or(bytes);
        let mut h = (bytes.len() as u64).wrapping_mul(K);
        for &b in head.iter().chain(tail) {
            h = (h.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
        }
        h
    }

    /// Keyed by the text's hash, computed before taking the lock (threads parse files in
    /// parallel); texts with the same hash are told apart by comparing them.
    #[derive(Default)]
    struct Cache {
        map: HashMap<u64, Vec<(Arc<str>, Slot)>, crate::track::FxBuild>,
        bytes: usize,
    }

    static CACHE: Mutex<Option<Cache>> = Mutex::new(None);

    pub(super) fn clear() {
        if let Ok(mut guard) = CACHE.lock() {
            *guard = None;
        }
    }

    /// The slot of `text`, created empty if it is new, and the cache's copy of the text (the
    /// trees parsed from it share it): `owned` if given and the text is new. `None` if the lock
    /// is poisoned.
    pub(super) fn slot(text: &str, owned: Option<&Arc<str>>) -> Option<(Slot, Arc<str>)> {
        let hash = text_hash(text);
        let mut guard = CACHE.lock().ok()?;
        let cache = guard.get_or_insert_with(Cache::default);
        if let Some((key, slot)) = cache
            .map
            .get(&hash)
            .and_then(|v| v.iter().find(|(k, _)| **k == *text))
        {
            return Some((Arc::clone(slot), Arc::clone(key)));
        }
        if cache.bytes + text.len() > LIMIT {
            cache.map.clear();
            cache.bytes = 0;
        }
        cache.bytes += text.len();
        let slot = Slot::default();
        let key: Arc<str> = owned.map_or_else(|| Arc::from(text), Arc::clone);
        cache
            .map
            .entry(hash)
            .or_default()
            .push((Arc::clone(&key), Arc::clone(&slot)));
        Some((slot, key))
    }
}

/// The name of Helm's root template; `tpl` strings are parsed under it (Helm:
/// `t.New(parent.Name())`), so their errors say `template: gotpl:1:5: executing "gotpl"`.
pub const ROOT_NAME: &str = "gotpl";

/// A set of parsed templates sharing one namespace of names, like the `*template.Template`
/// Helm builds for a chart.
#[derive(Default, Clone)]
pub struct Templates {
    map: FxMap<String, Entry>,
    /// Files added before their parse is done ([`Templates::defer`]), by name.
    deferred: FxMap<String, Arc<Deferred>>,
}

/// A file of the set that may still be being parsed on another thread when execution starts:
/// one the chart layer knows defines no template (no `define` or `block` action can be in its
/// text), so its only tree is its own and no other name depends on its parse. It is parsed by
/// whichever thread first needs it ([`Deferred::parse`]); the other waits for that parse.
pub struct Deferred {
    name: String,
    text: Arc<str>,
    parsed: OnceLock<Result<Entry, crate::parse::ParseError>>,
}

impl Deferred {
    pub fn new(name: String, text: Arc<str>) -> Arc<Deferred> {
        Arc::new(Deferred {
            name,
            text,
            parsed: OnceLock::new(),
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Parses the file, unless that is done (or being done: then waits for it); its parse
    /// error, if it does not parse.
    pub fn parse(&self) -> Option<&crate::parse::ParseError> {
        self.entry().err()
    }

    fn entry(&self) -> Result<&Entry, &crate::parse::ParseError> {
        self.parsed
            .get_or_init(|| {
                let parsed = parse_file_shared(&self.name, &self.text)?;
                // The file's own tree comes first; there is no other (see the type's comment).
                let tree = parsed.trees.into_iter().next().unwrap_or_else(|| Tree {
                    name: self.name.clone(),
                    parse_name: self.name.clone(),
                    text: Arc::clone(&self.text),
                    root: Arc::default(),
                });
                Ok(Entry::new(tree))
            })
            .as_ref()
    }
}

/// The executor's maps are keyed by template names and addresses, looked up on every call:
/// hashed with Fx rather than SipHash.
pub(crate) type FxMap<K, V> = HashMap<K, V, crate::track::FxBuild>;

#[derive(Clone)]
pub(crate) struct Entry {
    pub tree: Arc<Tree>,
    /// The tree's parse name, shared by every origin that points into it.
    pub file: Arc<str>,
}

impl Entry {
    pub(crate) fn new(tree: Tree) -> Entry {
        let file = Arc::from(tree.parse_name.as_str());
        Entry {
            tree: Arc::new(tree),
            file,
        }
    }
}

/// Go's `parse.IsEmptyTree`: only whitespace text and comments.
pub(crate) fn is_empty_tree(tree: &Tree) -> bool {
    tree.root.nodes.iter().all(|n| match n {
        Node::Text { span } => tree.span_text(*span).trim_ascii().is_empty(),
        Node::Comment { .. } => true,
        _ => false,
    })
}

/// Go's `Template.associate`: a later definition replaces an earlier one, except that an empty
/// one does not replace a non-empty one.
pub(crate) fn associate(map: &mut FxMap<String, Entry>, entry: Entry) {
    if let Some(old) = map.get(&entry.tree.name)
        && is_empty_tree(&entry.tree)
        && !is_empty_tree(&old.tree)
    {
        return;
    }
    map.insert(entry.tree.name.clone(), entry);
}

impl Templates {
    pub fn new() -> Templates {
        Templates::default()
    }

    /// Adds parsed trees (a file's top level and its `define`s), Go's association rule applied.
    pub fn add_trees(&mut self, trees: impl IntoIterator<Item = Tree>) {
        for tree in trees {
            associate(&mut self.map, Entry::new(tree));
        }
    }

    /// Parses a file and adds its trees. A name defined again replaces the earlier definition
    /// (the caller adds files in Helm's order so the right one wins), except that an empty
    /// redefinition does not replace a non-empty one (Go's rule).
    pub fn add_file(
        &mut self,
        parse_name: &str,
        text: &str,
    ) -> Result<(), crate::parse::ParseError> {
        let parsed = parse_file(parse_name, text)?;
        self.add_trees(parsed.trees);
        Ok(())
    }

    /// Adds a file whose parse may still be under way ([`Deferred`]). Its name must not be
    /// one the set's trees define (the caller parses such a file with the others).
    pub fn defer(&mut self, file: Arc<Deferred>) {
        self.deferred.insert(file.name.clone(), file);
    }

    /// Whether a template of that name exists.
    pub fn contains(&self, name: &str) -> bool {
        self.map.contains_key(name) || self.deferred.contains_key(name)
    }

    /// The template `name`; a deferred file's once parsed (`None` if it does not parse: its
    /// error is the chart layer's to report).
    pub(crate) fn get(&self, name: &str) -> Option<&Entry> {
        match self.map.get(name) {
            Some(entry) => Some(entry),
            None => self.deferred.get(name)?.entry().ok(),
        }
    }

    /// Renders the template `name` with `dot` as Helm renders a file: errors as Go reports them,
    /// `<no value>` removed from the output.
    pub fn execute(&self, name: &str, dot: Value, env: &mut ExecEnv) -> Result<Output, ExecError> {
        let Some(entry) = self.get(name) else {
            let chain = errors::Chain::plain(format!(
                "template: no template {} associated with template {}",
                errors::go_quote(name),
                errors::go_quote(ROOT_NAME)
            ));
            return Err(ExecError::from_chain(chain, name));
        };
        let entry = entry.clone();
        env.executions += 1;
        let mut st = state::State::new(self, env);
        match st.run_root(&entry, dot) {
            Ok(mut out) => {
                out.remove_no_value();
                Ok(Output {
                    text: out.text,
                    origins: out.runs,
                })
            }
            Err(chain) => Err(ExecError::from_chain(chain, name)),
        }
    }
}

/// Bounds on one execution.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Work units: one per node walked, range iteration, function call and 64 output bytes.
    pub fuel: u64,
    /// Nesting of template calls (`template`, `include`, `tpl`), control structures and
    /// parenthesized pipelines. Go allows 100000 template levels, Helm 1000 includes of one name.
    pub max_depth: u32,
    /// Bytes of the caller's stack the executor may use. It recurses on that stack (a debug
    /// build spends about 13 KiB per `include` level, a release build a fraction of it), so
    /// nesting stops with an error here rather than overflowing the thread. The default fits a
    /// 2 MiB thread.
    pub max_stack: usize,
    /// Size of any one output (a file's, or a string built by `include`/`tpl`), in bytes.
    pub max_output: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            fuel: 200_000_000,
            max_depth: 10_000,
            max_stack: 1 << 20,
            max_output: 64 << 20,
        }
    }
}

/// What an execution may use besides its templates: function state (randomness, time), limits,
/// and the cache of parsed `tpl` strings (the same strings are rendered thousands of times).
#[derive(Default)]
pub struct ExecEnv {
    pub funcs: FuncEnv,
    pub limits: Limits,
    /// Helm's lint mode: `required` and `fail` return "" instead of failing.
    pub lint_mode: bool,
    /// Templates whose parse name starts with one of these (a library chart such as
    /// `app/charts/common/`) are not given as origins: what they produce is attributed to the
    /// `include`/`template` call in the nearest template up the call chain that is not opaque,
    /// so a finding points at the user's template rather than into the library.
    pub opaque_prefixes: Vec<String>,
    /// Helm's strict mode (`helm lint --strict`, Go's `missingkey=error`): a missing map key is an
    /// error instead of `<no value>`.
    pub strict: bool,
    pub(crate) tpl_cache: helm::TplCache,
    /// The strings of string constants already evaluated, by the address of their text in the
    /// tree: `include "common.names.fullname" .` runs thousands of times, and a string value
    /// of its own each time would be an allocation and a copy each time. Kept for the whole
    /// chart (the environment's life), as every file includes the same helpers.
    pub(crate) literals: FxMap<usize, std::rc::Rc<str>>,
    /// Every `lookup` executed: the parse name of the template that called it and the byte
    /// offset of the call, so the caller can say where output depends on a cluster it lacks.
    pub lookups: Vec<(String, u32)>,
    /// Results of `include` kept across the files of a chart (see [`memo`]).
    pub(crate) memo: memo::Memo,
    /// Executions started with this environment: results that depend on the file (on the
    /// dot's `.Template`) are kept for the one that made them.
    pub(crate) executions: u64,
}

impl ExecEnv {
    pub fn new() -> ExecEnv {
        ExecEnv::default()
    }
}

/// A rendered template.
#[derive(Clone, Debug, Default)]
pub struct Output {
    pub text: String,
    /// Runs in output order; each covers the output from its `out` to the next run's.
    pub origins: Vec<Origin>,
}

impl Output {
    /// The template position (parse name, byte offset) that produced output byte `offset`.
    pub fn origin_of(&self, offset: usize) -> Option<(&str, u32)> {
        let offset = u32::try_from(offset).ok()?;
        let i = self.origins.partition_point(|o| o.out <= offset);
        let run = self.origins.get(i.checked_sub(1)?)?;
        let src = if run.linear {
            run.src.saturating_add(offset - run.out)
        } else {
            run.src
        };
        Some((&run.tree_parse_name, src))
    }
}

/// A failed execution.
#[derive(Clone, Debug)]
pub struct ExecError {
    go: String,
    helm: String,
    kind: ErrorKind,
    at: Option<(String, u32)>,
}

impl ExecError {
    fn from_chain(chain: errors::Chain, filename: &str) -> ExecError {
        ExecError {
            go: chain.top().to_string(),
            helm: errors::helm_message(&chain, filename),
            kind: chain.kind,
            at: chain.at,
        }
    }

    /// Go's error text (`template: FILE:L:C: executing "NAME" at <…>: …`).
    pub fn go_message(&self) -> &str {
        &self.go
    }

    /// Exactly what Helm v4 prints for this error.
    pub fn helm_message(&self) -> String {
        self.helm.clone()
    }

    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// Parse name of the template where the innermost error happened.
    pub fn parse_name(&self) -> Option<&str> {
        self.at.as_ref().map(|(n, _)| n.as_str())
    }

    /// Byte offset of the failing node in that template's text.
    pub fn offset(&self) -> Option<u32> {
        self.at.as_ref().map(|(_, o)| *o)
    }
}

impl std::fmt::Display for ExecError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.helm)
    }
}

impl std::error::Error for ExecError {}

#[cfg(test)]
mod tests;
