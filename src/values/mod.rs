//! The values stage: chart defaults, `-f` files, and the `--set` family merged into one tree in
//! which every value keeps the span that set it. Entry point: [`merge`].
//!
//! Order and semantics are Helm's: the `-f` files merge in order (maps deeply, anything else
//! replaces), then `--set-json`, `--set`, `--set-string` and `--set-file` write into that tree;
//! then the chart's `values.yaml` fills what the user did not set, a user `null` deleting the
//! default, and each subchart's defaults fill its section (named by the dependency alias), after
//! the parent's `global` was copied into it.
//!
//! Subcharts that their `condition`/`tags` disable are dropped before (`crate::helm::deps`), as
//! Helm does, so their defaults never reach `.Values`.

mod cache;
mod imports;
mod reads;
pub mod strvals;
mod tree;
pub mod unused;

pub use crate::catalog::values::{
    FILE_UNREADABLE, NO_EFFECT, NOT_A_MAP, SET_CONFLICT, SET_SYNTAX, UNKNOWN_KEY,
};
pub use cache::scope as parse_once;
pub use reads::{MapRead, Reads};

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use crate::chart::Chart;
use crate::diag::Diagnostic;
use crate::source::{FileId, SourceKind, SourceMap, Span};
use crate::yaml::{self, Node, Value};
use strvals::{ErrorKind, Mode};
use thin_vec::ThinVec;
use tree::{coalesce_tables, empty_map, is_map, merge_maps, path_value, position};

/// The values flags, each in command-line order.
#[derive(Clone, Debug, Default)]
pub struct ValueArgs {
    pub files: Vec<PathBuf>,
    /// Standard input, already read, for a file given as `-` (`-f -`).
    pub stdin: Option<String>,
    pub set: Vec<String>,
    pub set_string: Vec<String>,
    pub set_file: Vec<String>,
    pub set_json: Vec<String>,
}

/// Merges chart defaults (subcharts' defaults coalesced under their names, `global` shared),
/// then `-f` files in order, then `--set-json`, `--set`, `--set-string`, `--set-file`. Maps merge
/// deeply; scalars and lists replace; `null` deletes. Returns a map node.
///
/// Each flag's argument is added to `sources` (kind `Argument`, named by the flag, e.g. `--set`),
/// and every node it creates spans its text there.
pub fn merge(
    chart: Option<&Chart>,
    args: &ValueArgs,
    sources: &mut SourceMap,
) -> (Node, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let user = user_values(args, sources, &mut diags);
    let merged = match chart {
        Some(chart) => coalesce(chart, user, sources, &mut diags),
        None => user,
    };
    (merged, diags)
}

/// The second half of [`merge`]: the user's values (from [`user_values`]) over the chart's
/// defaults and its subcharts'.
pub fn coalesce(
    chart: &Chart,
    mut user: Node,
    sources: &SourceMap,
    diags: &mut Vec<Diagnostic>,
) -> Node {
    let pass = Pass {
        merge: false,
        loaded: true,
    };
    coalesce_chart(chart, &mut user, pass, None, sources, diags);
    user
}

/// [`coalesce`] with each chart's `values.yaml` as written: what Helm's
/// `processDependencyEnabled` reads conditions and tags from, before `import-values` (and the
/// rest of `processImportValues`) changed any chart's values. With `only`, just what lies on
/// those paths (and `global`, which subchart sections take) is coalesced: the values there are
/// the same, the rest is left out (maps coalesce key by key), and so are the defaults of the
/// subcharts no path enters.
pub fn coalesce_as_written(
    chart: &Chart,
    mut user: Node,
    only: Option<&Paths>,
    sources: &SourceMap,
    diags: &mut Vec<Diagnostic>,
) -> Node {
    let pass = Pass {
        merge: false,
        loaded: false,
    };
    coalesce_chart(chart, &mut user, pass, only, sources, diags);
    user
}

/// Dotted key paths into values (`postgresql.enabled`), as a tree: what a reader of coalesced
/// values needs of them ([`coalesce_as_written`]).
#[derive(Debug, Default)]
pub struct Paths {
    /// Everything below is needed.
    whole: bool,
    children: Vec<(String, Paths)>,
}

impl Paths {
    /// Adds `path` (keys split at `.`, as Helm's `PathValue` reads it) and all below it.
    pub fn insert(&mut self, path: &str) {
        let mut at = self;
        for key in path.split('.') {
            if at.whole {
                return;
            }
            let i = match at.children.iter().position(|(k, _)| k == key) {
                Some(i) => i,
                None => {
                    at.children.push((key.to_string(), Paths::default()));
                    at.children.len() - 1
                }
            };
            let Some((_, next)) = at.children.get_mut(i) else {
                return;
            };
            at = next;
        }
        at.whole = true;
        at.children.clear();
    }

    /// What is needed below `key`: `Some(None)` all of it, `None` nothing.
    fn below(&self, key: &str) -> Option<Option<&Paths>> {
        if self.whole {
            return Some(None);
        }
        let (_, next) = self.children.iter().find(|(k, _)| k == key)?;
        Some((!next.whole).then_some(next))
    }

    fn wants(&self, key: &str) -> bool {
        // Subchart sections take the parent's `global`.
        self.whole || key == "global" || self.children.iter().any(|(k, _)| k == key)
    }
}

/// How values are put together.
#[derive(Clone, Copy)]
struct Pass {
    /// Helm's `MergeValues` (nulls kept) rather than `CoalesceValues` (nulls delete).
    merge: bool,
    /// Charts' values as `processImportValues` left them (see [`chart_defaults`]), not as the
    /// files have them.
    loaded: bool,
}

/// What the user gave: `-f` files, then the `--set` family (Helm's `MergeValues`).
pub fn user_values(args: &ValueArgs, sources: &mut SourceMap, diags: &mut Vec<Diagnostic>) -> Node {
    let mut user = empty_map(Span::default());
    for path in &args.files {
        let root = match (path.as_os_str() == "-", &args.stdin) {
            (true, Some(text)) => parse_values_text("<stdin>", text.clone(), sources, diags),
            _ => read_values_file(path, sources, diags),
        };
        if let Some(root) = root {
            merge_maps(&mut user, root);
        }
    }
    for text in &args.set_json {
        apply_set("--set-json", text, Mode::Json, &mut user, sources, diags);
    }
    for text in &args.set {
        apply_set("--set", text, Mode::Typed, &mut user, sources, diags);
    }
    for text in &args.set_string {
        apply_set(
            "--set-string",
            text,
            Mode::Strings,
            &mut user,
            sources,
            diags,
        );
    }
    for text in &args.set_file {
        let mut reader = |path: &str| -> Result<String, String> {
            crate::source::read_file_limited(Path::new(path), crate::source::MAX_INPUT_BYTES)
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .map_err(|e| e.to_string())
        };
        apply_set(
            "--set-file",
            text,
            Mode::File(&mut reader),
            &mut user,
            sources,
            diags,
        );
    }
    user
}

fn apply_set(
    flag: &str,
    text: &str,
    mode: Mode<'_>,
    user: &mut Node,
    sources: &mut SourceMap,
    diags: &mut Vec<Diagnostic>,
) {
    let file = sources.add(flag, text, SourceKind::Argument);
    if let Err(e) = strvals::parse_into(text, file, mode, user) {
        let rule = match e.kind {
            ErrorKind::Syntax => &SET_SYNTAX,
            ErrorKind::Conflict => &SET_CONFLICT,
            ErrorKind::File => &FILE_UNREADABLE,
        };
        // A caret needs at least one character to sit under.
        let end = if e.end > e.start {
            e.end
        } else {
            next_char_end(text, e.start)
        };
        let message = match e.kind {
            ErrorKind::File => e.message,
            _ => format!("failed parsing {flag} data: {}", e.message),
        };
        let mut d = Diagnostic::new(rule, message)
            .at(Span::new(file, e.start, end), e.label)
            .with_help(e.help);
        if let Some(earlier) = e.earlier {
            d = d.with_label(earlier, "set here");
        }
        diags.push(d);
    }
}

fn next_char_end(text: &str, at: usize) -> usize {
    text.get(at..)
        .and_then(|r| r.chars().next())
        .map_or(at, |c| at + c.len_utf8())
}

/// A `-f` file as a map node; problems are fatal, as in Helm.
fn read_values_file(
    path: &std::path::Path,
    sources: &mut SourceMap,
    diags: &mut Vec<Diagnostic>,
) -> Option<Node> {
    let shown = path.to_string_lossy().replace('\\', "/");
    if shown.starts_with("http://") || shown.starts_with("https://") {
        diags.push(
            Diagnostic::new(
                &FILE_UNREADABLE,
                format!("values file {shown} is a URL; kforge never uses the network"),
            )
            .with_help("download the file and pass its path to -f"),
        );
        return None;
    }
    let text = match crate::source::read_file_limited(path, crate::source::MAX_INPUT_BYTES) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(_) => {
                diags.push(
                    Diagnostic::new(
                        &FILE_UNREADABLE,
                        format!("values file {shown} is not UTF-8 text"),
                    )
                    .with_help("values files are YAML, which is UTF-8 text"),
                );
                return None;
            }
        },
        Err(e) => {
            let help = if e.kind() == std::io::ErrorKind::NotFound {
                "check the path given to -f/--values (it is relative to the current directory)"
            } else {
                "check the file's permissions"
            };
            diags.push(
                Diagnostic::new(
                    &FILE_UNREADABLE,
                    format!("cannot read values file {shown}: {e}"),
                )
                .with_help(help),
            );
            return None;
        }
    };
    parse_values_text(&shown, text, sources, diags)
}

/// Adds a values text to `sources` under `shown` and parses it.
fn parse_values_text(
    shown: &str,
    text: String,
    sources: &mut SourceMap,
    diags: &mut Vec<Diagnostic>,
) -> Option<Node> {
    let file = sources.add(shown.to_string(), text, SourceKind::Values);
    parse_values(file, shown, sources, diags).map(Rc::unwrap_or_clone)
}

/// A values file as Helm's `loader.LoadValues` reads it (chart `values.yaml` and `-f` files
/// alike): every document merged in order, maps deeply, the later document winning anything else
/// (a `null` too). An empty file, or an empty or `null` document, adds nothing. `None`
/// (reported) when a document is not a map: Helm refuses the file.
fn parse_values(
    file: FileId,
    shown: &str,
    sources: &SourceMap,
    diags: &mut Vec<Diagnostic>,
) -> Option<Rc<Node>> {
    cache::parsed(file, diags, |diags| {
        parse_values_uncached(file, shown, sources, diags)
    })
}

fn parse_values_uncached(
    file: FileId,
    shown: &str,
    sources: &SourceMap,
    diags: &mut Vec<Diagnostic>,
) -> Option<Node> {
    let (docs, yaml_diags) = yaml::parse_stream(sources, file, &yaml::Limits::default());
    // kforge's YAML parser is stricter than go-yaml in places (a flow sequence closed at its
    // key's indentation): what Helm reads, the values keep, through the engine's go-yaml reader,
    // with every value located at the file's start.
    if yaml_diags
        .iter()
        .any(|d| d.is_error() && d.rule.id == "yaml/syntax")
        && let Ok(value @ kforge_gotpl::Value::Map(_)) =
            kforge_gotpl::encode::from_yaml_str(sources.text(file))
    {
        return Some(node_of(&value, Span::new(file, 0, 0)));
    }
    diags.extend(yaml_diags);
    let mut merged: Option<Node> = None;
    for mut node in docs.into_iter().filter_map(|d| d.root) {
        if node.is_null() {
            continue;
        }
        string_keys(&mut node);
        if !is_map(&node) {
            diags.push(
                Diagnostic::new(&NOT_A_MAP, format!("values file {shown} is {}, not a map of values", article(node.type_name())))
                    .at(node.span, "expected `name: value` entries")
                    .with_help("a values file maps names to values, e.g.\nreplicaCount: 2\nimage:\n  tag: \"1.2\""),
            );
            return None;
        }
        match &mut merged {
            Some(base) => merge_maps(base, node),
            None => merged = Some(node),
        }
    }
    Some(merged.unwrap_or_else(|| empty_map(Span::new(file, 0, 0))))
}

/// Makes every map key the string Helm's reader makes of it (YAML → JSON): `n:`, `on:` and
/// `yes:` are the YAML 1.1 booleans `false`/`true`, `80:` the string `80`. Keys are matched as
/// strings everywhere after this.
fn string_keys(node: &mut Node) {
    let mut stack = vec![node];
    while let Some(node) = stack.pop() {
        match &mut node.value {
            Value::Map(entries) => {
                for (k, v) in entries.iter_mut() {
                    if k.as_str().is_none()
                        && let Some(text) = crate::helm::values::key_text(k)
                    {
                        k.value = Value::Str(text.into());
                    }
                    stack.push(v);
                }
            }
            Value::Seq(items) => stack.extend(items.iter_mut()),
            _ => {}
        }
    }
}

/// A value read by the engine's go-yaml reader as a values node (numbers are float64 there).
fn node_of(value: &kforge_gotpl::Value, span: Span) -> Node {
    use kforge_gotpl::Value as V;
    let v = match value {
        V::Nil => Value::Null,
        V::Bool(b) => Value::Bool(*b),
        V::Int(i) | V::Int64(i) => Value::Int(*i),
        V::Uint(u) => Value::Float(*u as f64),
        V::Uint8(u) => Value::Int(i64::from(*u)),
        V::Float(f) => Value::Float(*f),
        V::Str(s) => Value::Str(yaml::CompactStr::new(s)),
        V::Bytes(b) => Value::Str(String::from_utf8_lossy(b).into()),
        V::List(l) => Value::Seq(l.items.borrow().iter().map(|i| node_of(i, span)).collect()),
        V::Map(m) => Value::Map(
            m.borrow()
                .iter()
                .map(|(k, v)| (Node::new(Value::Str(k.into()), span), node_of(v, span)))
                .collect(),
        ),
        V::Object(_) => Value::Null,
    };
    Node::new(v, span)
}

fn article(type_name: &str) -> String {
    match type_name {
        "array" | "object" | "integer" => format!("an {type_name}"),
        _ => format!("a {type_name}"),
    }
}

/// Helm's `coalesce`: the chart's defaults fill `dest`, then each subchart's fill its section.
/// With `merge` (Helm's `MergeValues`), nulls are kept instead of deleting keys.
fn coalesce_chart(
    chart: &Chart,
    dest: &mut Node,
    pass: Pass,
    only: Option<&Paths>,
    sources: &SourceMap,
    diags: &mut Vec<Diagnostic>,
) {
    if !is_map(dest) {
        return;
    }
    if let Some(defaults) = chart_defaults(chart, pass, sources, diags) {
        let span = defaults.node().span;
        if dest.span == Span::default() {
            dest.span = span;
        }
        let subcharts: Vec<&str> = chart
            .subcharts
            .iter()
            .map(|s| s.metadata.name.as_str())
            .collect();
        coalesce_defaults(dest, defaults, pass.merge, &subcharts, only);
    }
    coalesce_subcharts(chart, dest, pass, only, sources, diags);
}

/// A chart's default values: the parsed file itself, shared with the parse cache (read, then
/// copied where they fill `dest`), or values built for this pass (moved into `dest`).
enum Defaults {
    Shared(Rc<Node>),
    Owned(Node),
}

impl Defaults {
    fn node(&self) -> &Node {
        match self {
            Defaults::Shared(node) => node,
            Defaults::Owned(node) => node,
        }
    }
}

/// Helm's `coalesceValues`: a chart's defaults under `dest`. Coalescing, a null in `dest`
/// deletes the key and a default's nulls are dropped; merging keeps both. A subchart's section
/// merges keeping nulls either way (Helm's `childChartMergeTrue`), so that the subchart's own
/// coalescing deletes its defaults with them.
fn coalesce_defaults(
    dest: &mut Node,
    defaults: Defaults,
    merge: bool,
    subcharts: &[&str],
    only: Option<&Paths>,
) {
    let Value::Map(dst) = &mut dest.value else {
        return;
    };
    let wanted = |k: &Node| only.is_none_or(|p| k.as_str().is_some_and(|name| p.wants(name)));
    match defaults {
        Defaults::Owned(Node {
            value: Value::Map(src),
            ..
        }) => {
            for (k, sv) in src {
                if wanted(&k) {
                    coalesce_default(dst, Cow::Owned(k), Cow::Owned(sv), merge, subcharts);
                }
            }
        }
        Defaults::Shared(node) => {
            if let Value::Map(src) = &node.value {
                for (k, sv) in src {
                    if wanted(k) {
                        coalesce_default(
                            dst,
                            Cow::Borrowed(k),
                            Cow::Borrowed(sv),
                            merge,
                            subcharts,
                        );
                    }
                }
            }
        }
        Defaults::Owned(_) => {}
    }
}

/// One default `k: sv` of [`coalesce_defaults`].
fn coalesce_default(
    dst: &mut ThinVec<(Node, Node)>,
    k: Cow<'_, Node>,
    sv: Cow<'_, Node>,
    merge: bool,
    subcharts: &[&str],
) {
    let Some(name) = k.as_str() else { return };
    match position(dst, name) {
        None if merge => dst.push((k.into_owned(), sv.into_owned())),
        None if sv.is_null() => {}
        None => {
            let value = match sv {
                Cow::Owned(node) => tree::drop_nulls(node),
                Cow::Borrowed(node) => tree::without_nulls(node),
            };
            dst.push((k.into_owned(), value));
        }
        Some(i) => {
            let Some((_, dv)) = dst.get_mut(i) else {
                return;
            };
            if dv.is_null() {
                if !merge {
                    tree::remove(dst, name);
                }
            } else if is_map(dv) && is_map(&sv) {
                let keep_nulls = merge || subcharts.contains(&name);
                coalesce_tables(dv, &sv, !keep_nulls);
            }
        }
    }
}

/// Each subchart's values fill its section of `dest` (named by the dependency alias), after the
/// parent's `global` was copied into it.
fn coalesce_subcharts(
    chart: &Chart,
    dest: &mut Node,
    pass: Pass,
    only: Option<&Paths>,
    sources: &SourceMap,
    diags: &mut Vec<Diagnostic>,
) {
    // Helm gives every subchart section a `global` table, empty when the parent has none.
    let parent_global = match dest.get("global") {
        Some(g) => g.clone(),
        None => empty_map(dest.span),
    };
    for sub in &chart.subcharts {
        let Value::Map(entries) = &mut dest.value else {
            return;
        };
        let name = sub.metadata.name.as_str();
        let sub_only = match only {
            None => None,
            Some(paths) => match paths.below(name) {
                None => continue,
                Some(below) => below,
            },
        };
        let at = match position(entries, name) {
            Some(i) => i,
            None => {
                let span = Span::new(sub.values_file.unwrap_or(sub.chart_file), 0, 0);
                entries.push((Node::new(Value::Str(name.into()), span), empty_map(span)));
                entries.len() - 1
            }
        };
        let Some((_, section)) = entries.get_mut(at) else {
            continue;
        };
        if !is_map(section) {
            // Helm warns and leaves a non-map section alone.
            continue;
        }
        coalesce_globals(section, &parent_global);
        coalesce_chart(sub, section, pass, sub_only, sources, diags);
    }
}

/// A chart's default values as Helm renders with them. Its `values.yaml` (all documents) as
/// written, unless `pass.loaded` and the chart declares a dependency that takes part: then
/// Helm's `processImportValues` has replaced them when the chart was loaded, before any user
/// value exists, by the chart's defaults merged with its subcharts' (each already processed,
/// nulls kept) and the `import-values` tables below them (an earlier import wins over a later
/// one); never `-f`/`--set`. So a subchart's nulls are the parent's defaults too, and a parent's
/// null for a subchart key deletes it only when the user also gives that subchart's section
/// (Helm's coalescing copies a section the user left alone with its nulls dropped).
fn chart_defaults(
    chart: &Chart,
    pass: Pass,
    sources: &SourceMap,
    diags: &mut Vec<Diagnostic>,
) -> Option<Defaults> {
    let raw = chart.values_file.and_then(|file| {
        let shown = sources.name(file).to_string();
        parse_values(file, &shown, sources, diags)
    });
    // Helm drops disabled dependencies (and their imports) before importing; with none left
    // the chart's values stay as written.
    let deps: Vec<_> = chart
        .metadata
        .dependencies()
        .into_iter()
        .filter(|d| chart.subcharts.iter().any(|s| s.metadata.name == d.key()))
        .collect();
    if !pass.loaded || deps.is_empty() {
        return raw.map(Defaults::Shared);
    }
    let span = Span::new(chart.values_file.unwrap_or(chart.chart_file), 0, 0);
    let mut merged = raw.map_or_else(|| empty_map(span), Rc::unwrap_or_clone);
    // The subcharts' problems are reported when the values are coalesced for rendering.
    let mut scratch = Vec::new();
    let merging = Pass {
        merge: true,
        loaded: true,
    };
    coalesce_subcharts(chart, &mut merged, merging, None, sources, &mut scratch);
    let imports: Vec<imports::Import> = deps
        .iter()
        .flat_map(|d| {
            d.import_values.iter().map(|iv| imports::Import {
                key: d.key(),
                child: &iv.child,
                parent: &iv.parent,
            })
        })
        .collect();
    Some(Defaults::Owned(imports::apply(merged, &imports)))
}

/// Copies the parent's `global` into a subchart section; the parent's entries win.
fn coalesce_globals(section: &mut Node, parent_global: &Node) {
    let Value::Map(parent_entries) = &parent_global.value else {
        return;
    };
    let Value::Map(entries) = &mut section.value else {
        return;
    };
    let at = match position(entries, "global") {
        Some(i) => i,
        None => {
            entries.push((
                Node::new(Value::Str("global".into()), parent_global.span),
                empty_map(parent_global.span),
            ));
            entries.len() - 1
        }
    };
    let Some((_, global)) = entries.get_mut(at) else {
        return;
    };
    if !is_map(global) {
        // Helm warns and skips the globals of a section whose `global` is not a table.
        return;
    }
    let Value::Map(sub_entries) = &mut global.value else {
        return;
    };
    for (k, v) in parent_entries {
        let Some(key) = k.as_str() else { continue };
        match position(sub_entries, key).and_then(|i| sub_entries.get_mut(i)) {
            None => sub_entries.push((k.clone(), v.clone())),
            Some((_, existing)) => {
                if is_map(v) {
                    if is_map(existing) {
                        let mut merged = v.clone();
                        coalesce_tables(&mut merged, existing, false);
                        *existing = merged;
                    }
                } else if !is_map(existing) {
                    *existing = v.clone();
                }
            }
        }
    }
}

/// The values a subchart's templates see: its own section of the parent's merged values (which
/// already holds its defaults) plus `global`.
pub fn for_subchart(parent_values: &Node, subchart: &Chart) -> Node {
    let mut section = match parent_values.get(&subchart.metadata.name) {
        Some(node) if is_map(node) => node.clone(),
        _ => empty_map(Span::new(
            subchart.values_file.unwrap_or(subchart.chart_file),
            0,
            0,
        )),
    };
    if let Some(global) = parent_values.get("global") {
        coalesce_globals(&mut section, global);
    }
    section
}

/// Whether a subchart is enabled by its Chart.yaml dependency `condition` / `tags`, as Helm
/// decides: every dependency starts enabled; `tags` disable it when one of its tags is false and
/// none is true; then the first `condition` path that holds a boolean decides. Tags are read from
/// `tags` in `parent_values` (Helm reads the top-level `tags`; for a nested subchart pass the
/// values it should be read from).
pub fn subchart_enabled(parent: &Chart, subchart: &Chart, parent_values: &Node) -> bool {
    let deps = parent.metadata.dependencies();
    let Some(dep) = deps.iter().find(|d| d.key() == subchart.metadata.name) else {
        return true;
    };
    let mut enabled = true;
    if let Some(tags) = parent_values.get("tags") {
        let values: Vec<bool> = dep
            .tags
            .iter()
            .filter_map(|t| tags.get(t))
            .filter_map(Node::as_bool)
            .collect();
        if !values.contains(&true) && values.contains(&false) {
            enabled = false;
        }
    }
    for path in dep
        .condition
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        if let Some(b) = path_value(parent_values, path).and_then(Node::as_bool) {
            enabled = b;
            break;
        }
    }
    enabled
}

#[cfg(test)]
mod tests;
