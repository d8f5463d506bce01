//! Rendering a Helm chart with the Go template engine, as Helm v4's pkg/engine does it:
//! every template of the chart and its (enabled) subcharts parsed into one set, deepest path
//! first and then in reverse alphabetical order (so a parent's `define` replaces a subchart's),
//! library charts lending only their partials; then each file that is not a partial executed
//! in the same order with its own chart's dot (`.Values`, `.Chart`, `.Release`, `.Capabilities`,
//! `.Files`, `.Subcharts`, `.Template`). The dot of a chart is one map shared by its templates,
//! and `.Values` of a subchart is the parent's section by reference, so `set` in one template
//! is seen by the ones rendered after it, as in Helm.
//!
//! Unlike Helm, a template that fails does not stop the others: each error is reported at its
//! template line, and the other files still render.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use kforge_gotpl::Value;
use kforge_gotpl::exec::{Deferred, ErrorKind, ExecEnv, Output, Templates};

use super::objects;
use crate::catalog::render as catalog;
use crate::chart::Chart;
use crate::diag::Diagnostic;
use crate::object;
use crate::render::{RenderOptions, RenderedFile};
use crate::source::{FileId, InnerOrigin, LineOrigin, OriginMap, SourceKind, SourceMap, Span};
use crate::yaml;

/// One chart of the tree: its templates' base path and its dot.
struct Unit<'a> {
    chart: &'a Chart,
    /// `mychart/templates`, `mychart/charts/sub/templates`.
    base_path: String,
    is_root: bool,
}

/// The chart's templates parsed into one set, and what executing them needs.
pub struct Parsed<'a> {
    templates: Templates,
    units: Vec<Unit<'a>>,
    /// Every template (partials included) in Helm's order: name, file, unit index.
    order: Vec<(String, FileId, usize)>,
    /// Parse name → the file it was read from.
    files: HashMap<String, FileId>,
    /// For each file of `order`, its parse if it waits for execution ([`can_defer`]).
    deferred: Vec<Option<Arc<Deferred>>>,
}

/// Whether a template file can be executed before its parse is done: it is not a partial and
/// no action in it can be a `define` or `block` (Go's lexer makes those keywords only right
/// after `{{`, a trim marker and spaces), so it adds no name but its own and nothing another
/// template calls depends on its parse. Such files (three fifths of the bitnami charts' template
/// text) are parsed on the other core while the templates before them execute, where they
/// used to hold up the start of execution (issue 14).
pub fn can_defer(name: &str, text: &str) -> bool {
    if is_partial(name) {
        return false;
    }
    let bytes = text.as_bytes();
    let after_open = |at: usize| {
        let before = bytes.get(..at).unwrap_or_default().trim_ascii_end();
        let before = before.strip_suffix(b"-").unwrap_or(before);
        before.trim_ascii_end().ends_with(b"{{")
    };
    [&b"define"[..], b"block"]
        .iter()
        .all(|word| memchr::memmem::find_iter(bytes, word).all(|at| !after_open(at)))
}

fn collect<'a>(chart: &'a Chart, full: String, is_root: bool, out: &mut Vec<Unit<'a>>) {
    for sub in &chart.subcharts {
        collect(
            sub,
            format!("{full}/charts/{}", sub.metadata.name),
            false,
            out,
        );
    }
    out.push(Unit {
        chart,
        base_path: format!("{full}/templates"),
        is_root,
    });
}

/// `items` in Helm's `sortTemplates` order of their template names: more `/` first, then
/// reverse byte order. Each name's depth is counted once, not at every comparison (the sort
/// was 8M instructions of 20 charts' 1,380M: issue 14).
fn helm_sorted<T>(items: Vec<T>, name: impl Fn(&T) -> &str) -> Vec<T> {
    let depth = |s: &str| s.bytes().filter(|&c| c == b'/').count();
    let mut keyed: Vec<(usize, T)> = items.into_iter().map(|t| (depth(name(&t)), t)).collect();
    keyed.sort_by(|(da, a), (db, b)| db.cmp(da).then_with(|| name(b).cmp(name(a))));
    keyed.into_iter().map(|(_, t)| t).collect()
}

pub(crate) fn is_partial(name: &str) -> bool {
    name.rsplit('/')
        .next()
        .is_some_and(|base| base.starts_with('_'))
}

/// One template file's parse.
type ParseResult = Result<kforge_gotpl::parse::Parsed, kforge_gotpl::parse::ParseError>;

/// Template files parsed ahead of rendering ([`parse_ahead`]), by file.
#[derive(Default)]
pub struct Preparsed {
    by_file: HashMap<FileId, (String, ParseResult)>,
    /// The files [`parse_ahead`] left for execution ([`can_defer`]).
    deferred: std::collections::HashSet<FileId>,
    /// Whether [`parse_ahead`] judged the chart's files (else [`parse`] does).
    judged: bool,
}

impl Preparsed {
    /// Whether the file's parse waits for execution, as [`parse_ahead`] judged it.
    fn defers(&self, name: &str, file: FileId, text: &str) -> bool {
        if self.judged {
            self.deferred.contains(&file)
        } else {
            can_defer(name, text)
        }
    }
}

/// A template file for [`parse_files`]: name, file, text, and whether its parse waits for
/// execution ([`can_defer`]).
pub type ParseJob = (String, FileId, Arc<str>, bool);

/// The template files of `chart`'s whole tree (subcharts a condition may still disable
/// included: the enabled ones are only known once values are read), to parse with
/// [`parse_files`] while values are coalesced: the second core parses the common library while
/// the first reads values (a few percent of the parsing is for disabled subcharts, and is
/// dropped). Files [`can_defer`] allows wait for execution.
pub fn parse_ahead(chart: &Chart, sources: &SourceMap) -> Vec<ParseJob> {
    let mut jobs = Vec::new();
    let mut stack = vec![chart];
    while let Some(c) = stack.pop() {
        for t in &c.templates {
            if c.metadata.is_library() && !is_partial(&t.name) {
                continue;
            }
            if let Some(text) = sources.shared_text(t.file) {
                let deferred = can_defer(&t.name, text);
                jobs.push((t.name.clone(), t.file, Arc::clone(text), deferred));
            }
        }
        stack.extend(c.subcharts.iter());
    }
    jobs
}

/// Template files parsed on the pool's other thread while this one still builds the chart
/// from the files read ([`prime`]). Each parse waits in the parse cache of
/// [`kforge_gotpl::exec::parse_file_shared`], which gives it, renamed, to [`parse_files`] under
/// the template's Helm name (known only once Chart.yaml and the dependencies are read). Dropped:
/// the files not started yet are left to [`parse_files`], so that the priming never runs into
/// the values' `join` (one task per chart queued there was no faster).
pub struct Priming {
    state: Arc<PrimeState>,
}

struct PrimeState {
    /// (a name for the parse, the text), largest first: the order [`parse_balanced`] takes.
    texts: Vec<(String, Arc<str>)>,
    next: AtomicUsize,
    stop: AtomicBool,
}

/// Starts parsing `texts` on the pool (see [`Priming`]). The parse names only matter to a text
/// that does not parse (its error is made again under the Helm name) or whose `define`s use the
/// name (parsed again): what [`parse_files`] returns is what it returned without priming.
pub fn prime(texts: Vec<(String, Arc<str>)>) -> Priming {
    let state = Arc::new(PrimeState {
        texts,
        next: AtomicUsize::new(0),
        stop: AtomicBool::new(false),
    });
    if !state.texts.is_empty() {
        let job = Arc::clone(&state);
        let spawner = rayon::current_thread_index();
        rayon::spawn(move || {
            // Run by the loading thread itself (waiting in a rayon call while it loads), the
            // parses would hold up the loading they are meant to overlap: left to parse_files.
            if spawner.is_some() && rayon::current_thread_index() == spawner {
                return;
            }
            while !job.stop.load(Ordering::Acquire) {
                let Some((name, text)) = job.texts.get(job.next.fetch_add(1, Ordering::Relaxed))
                else {
                    break;
                };
                drop(kforge_gotpl::exec::parse_file_shared(name, text));
            }
        });
    }
    Priming { state }
}

impl Drop for Priming {
    fn drop(&mut self) {
        self.state.stop.store(true, Ordering::Release);
    }
}

/// Parses [`parse_ahead`]'s files, but those left for execution.
pub fn parse_files(jobs: Vec<ParseJob>) -> Preparsed {
    let judged = !jobs.is_empty();
    let (later, now): (Vec<ParseJob>, Vec<ParseJob>) = jobs.into_iter().partition(|j| j.3);
    let texts: Vec<(&str, &Arc<str>)> = now.iter().map(|(n, _, t, _)| (n.as_str(), t)).collect();
    let results = parse_balanced(&texts);
    Preparsed {
        by_file: now
            .into_iter()
            .zip(results)
            .map(|((name, file, _, _), r)| (file, (name, r)))
            .collect(),
        deferred: later.into_iter().map(|(_, file, _, _)| file).collect(),
        judged,
    }
}

/// Parses `(name, text)` files on every thread of the pool, largest first, each thread taking
/// the next file when it is done with one (rayon's halving of the list left one thread with
/// most of the `common` library and the other idle); results in the order of `files`.
/// A text that also appears earlier in `files` (the same `common` helpers vendored in several
/// subcharts) goes last: the parse cache renames the first copy's trees for it, where parsing
/// both at once would have one thread wait for the other.
fn parse_balanced(files: &[(&str, &Arc<str>)]) -> Vec<ParseResult> {
    let mut seen = std::collections::HashSet::new();
    let mut order: Vec<(bool, usize, usize)> = files
        .iter()
        .enumerate()
        .map(|(i, (_, text))| {
            // A cheap key: only the schedule depends on it.
            let head = text.get(..64.min(text.len())).unwrap_or("");
            let repeat = !seen.insert((text.len(), head));
            (repeat, usize::MAX - text.len(), i)
        })
        .collect();
    order.sort_unstable();
    let next = AtomicUsize::new(0);
    let done: Mutex<Vec<(usize, ParseResult)>> = Mutex::new(Vec::with_capacity(files.len()));
    let work = || {
        let mut mine = Vec::new();
        while let Some(&(_, _, i)) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
            if let Some((name, text)) = files.get(i) {
                mine.push((i, kforge_gotpl::exec::parse_file_shared(name, text)));
            }
        }
        if let Ok(mut d) = done.lock() {
            d.append(&mut mine);
        }
    };
    rayon::scope(|s| {
        for _ in 1..rayon::current_num_threads() {
            s.spawn(|_| work());
        }
        work();
    });
    let mut done = done.into_inner().unwrap_or_default();
    done.sort_unstable_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

/// Parses every template of the chart tree, taking the parses of `ahead` where it has them.
/// `Err`: the parse errors, one per file that does not parse (Helm stops at the first).
pub fn parse<'a>(
    chart: &'a Chart,
    sources: &SourceMap,
    mut ahead: Preparsed,
) -> Result<Parsed<'a>, Vec<Diagnostic>> {
    let mut units = Vec::new();
    collect(chart, chart.metadata.name.clone(), true, &mut units);
    let mut order = Vec::new();
    for (i, unit) in units.iter().enumerate() {
        for t in &unit.chart.templates {
            // A library chart lends its partials and renders nothing.
            if unit.chart.metadata.is_library() && !is_partial(&t.name) {
                continue;
            }
            order.push((t.name.clone(), t.file, i));
        }
    }
    let order = helm_sorted(order, |(name, _, _)| name.as_str());
    // Files parse independently (a third of a chart's render time goes to parsing, most of it
    // the `common` library's helpers): in parallel, then added in Helm's order so the right
    // `define` wins.
    let mut parsed: Vec<Option<ParseResult>> = order
        .iter()
        .map(|(name, file, _)| match ahead.by_file.remove(file) {
            Some((n, r)) if n == *name => Some(r),
            _ => None,
        })
        .collect();
    let empty: Arc<str> = Arc::from("");
    let text_of = |file: FileId| sources.shared_text(file).unwrap_or(&empty);
    let mut deferred: Vec<Option<Arc<Deferred>>> = order
        .iter()
        .zip(&parsed)
        .map(|((name, file, _), done)| {
            let text = text_of(*file);
            (done.is_none() && ahead.defers(name, *file, text))
                .then(|| Deferred::new(name.clone(), Arc::clone(text)))
        })
        .collect();
    parse_missing(&order, &mut parsed, &deferred, &text_of);
    drop(ahead);
    // A deferred file named like a template the others define (absurd, but Go's order then
    // decides between them) or a parse error elsewhere (every file's error is reported, as
    // before): those deferred files are parsed now.
    let defined: std::collections::HashSet<&str> = parsed
        .iter()
        .flatten()
        .flatten()
        .flat_map(|p| p.trees.iter().map(|t| t.name.as_str()))
        .collect();
    let failed = parsed.iter().any(|r| matches!(r, Some(Err(_))));
    let mut undeferred = false;
    for d in &mut deferred {
        if d.as_ref()
            .is_some_and(|d| failed || defined.contains(d.name()))
        {
            *d = None;
            undeferred = true;
        }
    }
    drop(defined);
    if undeferred {
        parse_missing(&order, &mut parsed, &deferred, &text_of);
    }
    let mut templates = Templates::new();
    let mut errors = Vec::new();
    let mut files = HashMap::new();
    for (((name, file, _), result), d) in order.iter().zip(parsed).zip(&deferred) {
        files.insert(name.clone(), *file);
        match (result, d) {
            (_, Some(d)) => templates.defer(Arc::clone(d)),
            (Some(Ok(p)), None) => templates.add_trees(p.trees),
            (Some(Err(e)), None) => errors.push(parse_diagnostic(&e, *file, sources)),
            (None, None) => {}
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Parsed {
        templates,
        units,
        order,
        files,
        deferred,
    })
}

/// Parses (in parallel) the files of `order` that have no parse yet and are not deferred.
fn parse_missing<'t>(
    order: &[(String, FileId, usize)],
    parsed: &mut [Option<ParseResult>],
    deferred: &[Option<Arc<Deferred>>],
    text_of: &impl Fn(FileId) -> &'t Arc<str>,
) {
    let missing: Vec<(usize, (&str, &Arc<str>))> = order
        .iter()
        .enumerate()
        .filter(|(i, _)| {
            parsed.get(*i).is_some_and(Option::is_none)
                && deferred.get(*i).is_some_and(Option::is_none)
        })
        .map(|(i, (name, file, _))| (i, (name.as_str(), text_of(*file))))
        .collect();
    if missing.is_empty() {
        return;
    }
    let files: Vec<(&str, &Arc<str>)> = missing.iter().map(|(_, f)| *f).collect();
    for ((i, _), r) in missing.iter().zip(parse_balanced(&files)) {
        if let Some(slot) = parsed.get_mut(*i) {
            *slot = Some(r);
        }
    }
}

impl Parsed<'_> {
    /// Frees the parse trees on another thread of the pool (they are the largest thing a render
    /// builds, and freeing them node by node was 3% of a render in a long-lived process) while
    /// this one goes on with the rendered output.
    pub fn dispose(self) {
        let trees = (self.templates, self.deferred);
        rayon::spawn(move || crate::memory::dispose(trees));
        crate::memory::dispose((self.units, self.order, self.files));
    }
}

impl Parsed<'_> {
    /// The parse errors of the deferred files, in Helm's order (each is parsed first if no
    /// thread has done it).
    fn deferred_errors(&self, sources: &SourceMap) -> Vec<Diagnostic> {
        (self.order.iter().zip(&self.deferred))
            .filter_map(|((_, file, _), d)| {
                Some(parse_diagnostic(d.as_ref()?.parse()?, *file, sources))
            })
            .collect()
    }
}

/// A parse error as Helm prints it (`parse error at (NAME:LINE): MSG`), at the token Go
/// stopped at.
fn parse_diagnostic(
    e: &kforge_gotpl::parse::ParseError,
    file: FileId,
    sources: &SourceMap,
) -> Diagnostic {
    let span = action_span(sources, file, e.offset as usize);
    Diagnostic::new(&catalog::SYNTAX, e.helm_message()).at(span, e.message.clone())
}

/// What [`execute`] returns: the rendered files, the render's findings, and the objects of the
/// outputs parsed during the render.
pub type Executed = (Vec<RenderedFile>, Vec<Diagnostic>, Vec<ParsedOutput>);

/// Executes every non-partial template in Helm's order and returns the rendered files (sorted
/// by name; whitespace-only output and, unless asked for, NOTES.txt left out). The deferred
/// files are parsed on the pool's other threads as execution goes; `Err`: the parse errors of
/// those that do not parse (as [`parse`] reports them; nothing is rendered then, as in Helm).
pub fn execute(
    parsed: &Parsed,
    values: Value,
    options: &RenderOptions,
    max_memory: usize,
    sources: &mut SourceMap,
    objects: Option<&ObjectParse>,
) -> Result<Executed, Vec<Diagnostic>> {
    let dots = dots(parsed, values, options);
    for dot in &dots {
        if let Value::Map(m) = dot {
            kforge_gotpl::track::opaque(m);
        }
    }
    let mut env = ExecEnv::new();
    let mut diagnostics = Vec::new();
    // Each output's origin maps are made on another thread while the next template executes
    // (execution is serial: a `set` in one template is seen by the next).
    let done: Mutex<Vec<Finished>> = Mutex::new(Vec::new());
    let shared: &SourceMap = sources;
    rayon::in_place_scope(|scope| {
        // In Helm's order, ahead of the outputs' jobs: the other threads take the oldest first.
        for d in parsed.deferred.iter().flatten() {
            scope.spawn(move |_| {
                d.parse();
            });
        }
        for ((name, file, unit), d) in parsed.order.iter().zip(&parsed.deferred) {
            if is_partial(name) {
                continue;
            }
            // A file that does not parse: nothing is rendered (the errors are reported below).
            if d.as_ref().is_some_and(|d| d.parse().is_some()) {
                break;
            }
            let (Some(dot), Some(u)) = (dots.get(*unit), parsed.units.get(*unit)) else {
                continue;
            };
            let is_notes = name
                .strip_prefix(u.base_path.as_str())
                .is_some_and(|r| r == "/NOTES.txt");
            if let Value::Map(m) = dot {
                m.borrow_mut()
                    .insert("Template".into(), objects::template(name, &u.base_path));
            }
            let result = crate::memory::rendering(name, max_memory, || {
                parsed.templates.execute(name, dot.clone(), &mut env)
            });
            match result {
                Ok(out) => {
                    // Helm renders every NOTES.txt (its errors count) but shows only the top
                    // chart's.
                    let keep = !is_notes || (options.include_notes && u.is_root);
                    if keep && !out.text.trim().is_empty() {
                        let (files, done) = (&parsed.files, &done);
                        let file = *file;
                        // NOTES.txt is text for people, not manifests.
                        let objects = objects.filter(|_| !is_notes);
                        scope.spawn(move |_| {
                            let origin = origin_map(&out, file, files, shared);
                            let inner = inner_origins(&out, &origin, files, shared);
                            let text: Arc<str> = Arc::from(out.text);
                            let objects = objects.and_then(|o| o.parse(name, &text));
                            if let Ok(mut d) = done.lock() {
                                d.push(Finished {
                                    name,
                                    text,
                                    origin,
                                    inner,
                                    objects,
                                });
                            }
                        });
                    }
                }
                Err(e) => {
                    diagnostics.push(exec_diagnostic(&e, *file, &parsed.files, shared));
                }
            }
        }
    });
    let parse_errors = parsed.deferred_errors(sources);
    if !parse_errors.is_empty() {
        crate::memory::dispose((dots, env, diagnostics, done));
        return Err(parse_errors);
    }
    diagnostics.extend(lookup_diagnostic(&env.lookups, &parsed.files, sources));
    let mut outputs = done.into_inner().unwrap_or_default();
    outputs.sort_by(|a, b| a.name.cmp(b.name));
    // The outputs take the next ids in name order; their objects were parsed in a map of
    // their own and now point into the run's.
    let first = sources.len();
    let mut parsed_outputs: Vec<ParsedOutput> = outputs
        .iter_mut()
        .enumerate()
        .filter_map(|(i, out)| {
            let (parsed, documents) = out.objects.take()?;
            Some(ParsedOutput {
                file: FileId(u32::try_from(first + i).ok()?),
                parsed,
                documents,
            })
        })
        .collect();
    parsed_outputs
        .par_iter_mut()
        .for_each(|p| refile(&mut p.parsed, p.file));
    let mut rendered = Vec::with_capacity(outputs.len());
    for out in outputs {
        let id = sources.add_rendered(out.name.as_str(), out.text, out.origin);
        sources.set_inner_origins(id, out.inner);
        rendered.push(RenderedFile {
            template: out.name.clone(),
            file: id,
        });
    }
    crate::memory::dispose((dots, env));
    Ok((rendered, diagnostics, parsed_outputs))
}

/// A rendered template with its origin maps, and its objects when they were parsed.
struct Finished<'a> {
    name: &'a String,
    text: Arc<str>,
    origin: OriginMap,
    inner: Vec<InnerOrigin>,
    objects: Option<(object::Parsed, usize)>,
}

/// How [`execute`] parses each output into objects while the next templates execute (the
/// second core is mostly idle then; parsed after the render, the objects were ~10% of a
/// chart's `kforge template` on the critical path, issue 14).
pub struct ObjectParse {
    limits: yaml::Limits,
    /// What may be parsed ahead: beyond it the outputs are left for the parse stage, which
    /// reports the budget (a template loop can emit more objects than memory holds).
    max_documents: usize,
    documents: AtomicUsize,
}

impl ObjectParse {
    pub fn new(limits: &yaml::Limits, max_documents: usize) -> ObjectParse {
        ObjectParse {
            limits: limits.clone(),
            max_documents,
            documents: AtomicUsize::new(0),
        }
    }

    /// The objects of one output as [`object::parse_each`] makes them, their spans in a map of
    /// their own (`FileId(0)`), and how many YAML documents it holds.
    fn parse(&self, name: &str, text: &Arc<str>) -> Option<(object::Parsed, usize)> {
        let documents = yaml::document_count(text);
        let before = self.documents.fetch_add(documents, Ordering::Relaxed);
        if before.saturating_add(documents) > self.max_documents {
            return None;
        }
        let mut own = SourceMap::new();
        let id = own.add(name, Arc::clone(text), SourceKind::Rendered);
        let parsed = object::parse_each(&own, &[id], &self.limits).pop()?;
        Some((parsed, documents))
    }
}

/// Objects of a rendered output parsed while the render ran ([`ObjectParse`]).
pub struct ParsedOutput {
    pub file: FileId,
    pub parsed: object::Parsed,
    /// How many YAML documents the output holds.
    pub documents: usize,
}

/// Points every span of `parsed` (parsed in a map of its own) at `file`.
fn refile(parsed: &mut object::Parsed, file: FileId) {
    let (objects, diags) = parsed;
    for o in objects.iter_mut() {
        o.span.file = file;
        yaml::visit_mut(&mut o.root, |node| {
            node.span.file = file;
            node.alias = node.alias.map(|site| Span { file, ..site });
        });
    }
    for d in diags.iter_mut() {
        for label in d.primary.iter_mut().chain(d.secondary.iter_mut()) {
            label.span.file = file;
        }
    }
}

/// Each unit's dot (Helm's `recAllTpls`), built parents first so a subchart's `.Values` is the
/// parent's section itself and `.Subcharts` holds the children's dots.
fn dots(parsed: &Parsed, values: Value, options: &RenderOptions) -> Vec<Value> {
    let release = objects::release(
        &options.release_name,
        &options.namespace,
        options.revision,
        options.is_upgrade,
    );
    let capabilities =
        objects::Capabilities::value(options.kube_version, options.api_versions.clone());
    let mut dots = vec![Value::Nil; parsed.units.len()];
    // Units are in post-order (children before their parent): the root is last.
    let root = parsed.units.len().saturating_sub(1);
    build_dot(parsed, root, values, &release, &capabilities, &mut dots);
    dots
}

fn build_dot(
    parsed: &Parsed,
    index: usize,
    values: Value,
    release: &Value,
    capabilities: &Value,
    dots: &mut [Value],
) -> Value {
    let Some(unit) = parsed.units.get(index) else {
        return Value::Nil;
    };
    let mut subcharts = std::collections::BTreeMap::new();
    // The children of this unit are the units whose base path is one level below it.
    let prefix = format!(
        "{}/charts/",
        unit.base_path
            .strip_suffix("/templates")
            .unwrap_or(&unit.base_path)
    );
    for (i, child) in parsed.units.iter().enumerate() {
        let Some(rest) = child.base_path.strip_prefix(&prefix) else {
            continue;
        };
        if rest.matches('/').count() != 1 {
            continue;
        }
        let name = child.chart.metadata.name.clone();
        let section = match &values {
            Value::Map(m) => match m.borrow().get(&name) {
                Some(v @ Value::Map(_)) => v.clone(),
                _ => Value::empty_map(),
            },
            _ => Value::empty_map(),
        };
        let dot = build_dot(parsed, i, section, release, capabilities, dots);
        subcharts.insert(name, dot);
    }
    let files = objects::Files::value(
        unit.chart
            .files
            .files
            .iter()
            .map(|(k, v)| (k.clone(), Arc::clone(v)))
            .collect(),
    );
    let mut dot = std::collections::BTreeMap::new();
    dot.insert("Chart".into(), objects::chart(unit.chart, unit.is_root));
    dot.insert("Files".into(), files);
    dot.insert("Release".into(), release.clone());
    dot.insert("Capabilities".into(), capabilities.clone());
    dot.insert("Values".into(), values);
    dot.insert("Subcharts".into(), Value::map(subcharts));
    let dot = Value::map(dot);
    if let Some(slot) = dots.get_mut(index) {
        *slot = dot.clone();
    }
    dot
}

/// An execution error as Helm prints it, at the template position Go reports.
fn exec_diagnostic(
    e: &kforge_gotpl::exec::ExecError,
    file: FileId,
    files: &HashMap<String, FileId>,
    sources: &SourceMap,
) -> Diagnostic {
    let go = e.go_message();
    let rule = match e.kind() {
        ErrorKind::Required if go.contains("error calling fail:") => &catalog::FAIL,
        ErrorKind::Required => &catalog::REQUIRED,
        ErrorKind::Limit => &catalog::LIMIT,
        ErrorKind::Template => &catalog::ERROR,
    };
    let at_file = e
        .parse_name()
        .and_then(|n| files.get(n).copied())
        .unwrap_or(file);
    let span = match e.offset() {
        Some(offset) => action_span(sources, at_file, offset as usize),
        None => Span::new(file, 0, 0),
    };
    let message = e.helm_message();
    let label = message
        .lines()
        .last()
        .map(str::trim)
        .unwrap_or_default()
        .to_string();
    Diagnostic::new(rule, message.trim().to_string()).at(span, label)
}

/// One finding per render, at the first `lookup` executed, when any was.
fn lookup_diagnostic(
    lookups: &[(String, u32)],
    files: &HashMap<String, FileId>,
    sources: &SourceMap,
) -> Option<Diagnostic> {
    // A call inside a `tpl` string has no file of its own: the first call with one is shown.
    let (file, offset) = lookups
        .iter()
        .find_map(|(name, offset)| Some((*files.get(name)?, *offset)))?;
    let calls = match lookups.len() {
        1 => "this call".to_string(),
        2 => "this and 1 more call".to_string(),
        n => format!("this and {} more calls", n - 1),
    };
    Some(
        Diagnostic::new(
            &catalog::LOOKUP,
            format!("lookup found nothing: there is no cluster to read, so {calls} returned an empty map, as in `helm template`"),
        )
        .at(action_span(sources, file, offset as usize), "returns an empty map here")
        .with_help("the output is what a first install renders; on an upgrade, lookup finds the live objects and the chart may render differently"),
    )
}

/// From `offset` to the end of its action (`}}`) or line.
fn action_span(sources: &SourceMap, file: FileId, offset: usize) -> Span {
    let text = sources.text(file);
    let rest = text.get(offset..).unwrap_or("");
    let line_end = rest.find('\n').unwrap_or(rest.len());
    let end = rest
        .get(..line_end)
        .and_then(|l| l.find("}}").map(|i| i + 2))
        .unwrap_or(line_end)
        .max(1.min(rest.len()));
    Span::new(file, offset, offset + end)
}

/// Each rendered line → the template line that produced its first visible character (the
/// indentation of `nindent` comes from the action, the text after it from the define).
fn origin_map(
    out: &Output,
    file: FileId,
    files: &HashMap<String, FileId>,
    sources: &SourceMap,
) -> OriginMap {
    let mut lines = Vec::new();
    let mut start = 0usize;
    for line in out.text.split_inclusive('\n') {
        let visible = line
            .find(|c: char| !c.is_whitespace())
            .map_or(start, |i| start + i);
        let origin = out.origin_of(visible).and_then(|(name, src)| {
            let id = *files.get(name)?;
            let (l, _) = sources.get(id)?.line_col(src);
            Some(LineOrigin { file: id, line: l })
        });
        lines.push(origin);
        start += line.len();
    }
    OriginMap {
        lines,
        fallback: Some(file),
    }
}

/// The stretches of each rendered line that a template line other than the line's own origin
/// wrote: the text a `define` gives an `include` in the middle of a line, so that a finding on
/// that value can also point at the define.
fn inner_origins(
    out: &Output,
    origin: &OriginMap,
    files: &HashMap<String, FileId>,
    sources: &SourceMap,
) -> Vec<InnerOrigin> {
    let runs = &out.origins;
    let mut inner: Vec<InnerOrigin> = Vec::new();
    let mut start = 0usize;
    for (n, line) in out.text.split_inclusive('\n').enumerate() {
        let end = start + line.len();
        let own = origin.lines.get(n).copied().flatten();
        // Runs overlapping the line: from the one covering its start to the last starting in it.
        let first = runs
            .partition_point(|r| (r.out as usize) <= start)
            .saturating_sub(1);
        for (i, run) in runs.iter().enumerate().skip(first) {
            let (rs, re) = (
                (run.out as usize).max(start),
                runs.get(i + 1).map_or(end, |r| (r.out as usize).min(end)),
            );
            if rs >= end {
                break;
            }
            let Some(visible) = out
                .text
                .get(rs..re)
                .and_then(|t| t.find(|c: char| !c.is_whitespace()))
                .map(|v| rs + v)
            else {
                continue;
            };
            let at = out.origin_of(visible).and_then(|(name, src)| {
                let id = *files.get(name)?;
                let (l, _) = sources.get(id)?.line_col(src);
                Some(LineOrigin { file: id, line: l })
            });
            let Some(at) = at.filter(|a| Some(*a) != own) else {
                continue;
            };
            let visible_end = rs + out.text.get(rs..re).map_or(0, |t| t.trim_end().len());
            match inner.last_mut() {
                Some(last) if last.origin == at && last.end as usize >= rs => {
                    last.end = visible_end as u32;
                }
                _ => inner.push(InnerOrigin {
                    start: visible as u32,
                    end: visible_end as u32,
                    origin: at,
                }),
            }
        }
        start = end;
    }
    inner
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::{ObjectParse, can_defer, helm_sorted, parse_balanced, prime, refile};
    use crate::object;
    use crate::source::{SourceKind, SourceMap};

    /// Texts parsed ahead under other names ([`prime`]) parse as they do without: renamed from
    /// the cache, parsed again when a define takes the name, errors under the Helm name.
    #[test]
    fn primed_parses_are_the_parses_under_the_helm_names() {
        let texts = [
            "{{ define \"a.x\" }}x{{ end }}top {{ .Values.a }}",
            "{{ define \"templates/b.tpl\" }}b{{ end }}{{ template \"templates/b.tpl\" }}",
            "{{ if }}",
        ];
        let names = [
            "c/templates/a.yaml",
            "c/templates/b.tpl",
            "c/templates/e.yaml",
        ];
        let shown =
            |r: &Result<kforge_gotpl::parse::Parsed, kforge_gotpl::parse::ParseError>| match r {
                Ok(p) => p
                    .trees
                    .iter()
                    .map(|t| format!("{} {} {:?}", t.name, t.parse_name, t.root))
                    .collect::<Vec<_>>()
                    .join("|"),
                Err(e) => e.helm_message(),
            };
        let want: Vec<String> = texts
            .iter()
            .zip(names)
            .map(|(t, n)| {
                shown(&kforge_gotpl::parse::parse(
                    n,
                    t,
                    &kforge_gotpl::exec::is_func,
                ))
            })
            .collect();
        crate::render::clear_caches();
        let shared: Vec<Arc<str>> = texts.iter().map(|t| Arc::from(*t)).collect();
        let priming = prime(
            shared
                .iter()
                .map(|t| ("templates/b.tpl".to_string(), Arc::clone(t)))
                .collect(),
        );
        // Parsed by the pool or not at all: the same either way.
        std::thread::sleep(std::time::Duration::from_millis(50));
        drop(priming);
        let files: Vec<(&str, &Arc<str>)> = names.iter().copied().zip(&shared).collect();
        let got: Vec<String> = parse_balanced(&files).iter().map(shown).collect();
        crate::render::clear_caches();
        assert_eq!(got, want);
    }

    /// An output parsed in a map of its own and refiled is what the parse stage makes of it in
    /// the run's map: every span (nodes, aliases, list items, documents, findings' labels).
    /// Only a file that cannot hold a `define` or `block` action waits for execution: the
    /// keyword right after `{{`, a trim marker and spaces (anywhere else it is text, a comment,
    /// a field or a string); partials never do.
    #[test]
    fn files_that_may_define_templates_are_parsed_before_execution() {
        let t = "web/templates/a.yaml";
        for text in [
            "kind: A\n",
            "define: {{ .Values.define }}\n",
            "{{/* define \"x\" */}}\n",
            "{{ \"block\" }} block {{ .block }}",
            "{{ $define := 1 }}",
        ] {
            assert!(can_defer(t, text), "{text:?}");
        }
        for text in [
            "{{define \"x\"}}{{end}}",
            "{{- define \"x\" -}}{{end}}",
            "{{-\n\tdefine \"x\" }}{{end}}",
            "{{ block \"x\" . }}{{end}}",
            "{{ \"{{ define\" }}",
        ] {
            assert!(!can_defer(t, text), "{text:?}");
        }
        assert!(!can_defer("web/templates/_helpers.tpl", "kind: A\n"));
    }

    #[test]
    fn outputs_parsed_ahead_match_the_parse_stage() {
        let text = "\
# Source: app/templates/a.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: a
data: &d
  k: v
copy: *d
---
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Secret
    metadata: {name: s}
---
- not an object
---
apiVersion: v1
kind: Service
metadata:
  name: a
  name: b
---
key: [unclosed
";
        let mut sources = SourceMap::new();
        for i in 0..3 {
            sources.add(format!("other{i}"), "x: 1\n", SourceKind::Manifest);
        }
        let file = sources.add("app/templates/a.yaml", text, SourceKind::Rendered);
        let limits = crate::yaml::Limits::default();
        let expected = object::parse_each(&sources, &[file], &limits);
        let ahead = ObjectParse::new(&limits, 100);
        let text: Arc<str> = Arc::from(text);
        let (mut parsed, documents) = ahead.parse("app/templates/a.yaml", &text).unwrap();
        refile(&mut parsed, file);
        assert_eq!(documents, 5);
        assert!(!parsed.1.is_empty(), "findings to refile");
        assert_eq!(format!("{parsed:?}"), format!("{:?}", expected[0]));
    }

    /// Past the documents the run may parse, outputs are left to the parse stage.
    #[test]
    fn outputs_past_the_budget_are_not_parsed_ahead() {
        let ahead = ObjectParse::new(&crate::yaml::Limits::default(), 3);
        let two: Arc<str> = Arc::from("a: 1\n---\nb: 2\n");
        assert!(ahead.parse("x", &two).is_some());
        assert!(ahead.parse("y", &two).is_none());
    }

    /// Files of every size and a text vendored twice come back in the order given, each parsed
    /// under its own name, the one that does not parse as its error.
    #[test]
    fn balanced_parse_keeps_the_order_and_names_of_the_files() {
        let small: Arc<str> = Arc::from("{{ define \"x\" }}x{{ end }}");
        let big: Arc<str> = Arc::from(format!(
            "{{{{ define \"y\" }}}}{}{{{{ end }}}}",
            "y".repeat(5000)
        ));
        let broken: Arc<str> = Arc::from("{{ if }}");
        let files = [
            ("app/charts/common/templates/_x.tpl", &small),
            ("app/templates/broken.yaml", &broken),
            ("app/templates/_y.tpl", &big),
            ("app/charts/db/charts/common/templates/_x.tpl", &small),
        ];
        let results = parse_balanced(&files);
        let shown: Vec<String> = results
            .iter()
            .map(|r| match r {
                Ok(p) => p
                    .trees
                    .iter()
                    .map(|t| format!("{} in {}", t.name, t.parse_name))
                    .collect::<Vec<_>>()
                    .join(", "),
                Err(e) => e.helm_message(),
            })
            .collect();
        assert_eq!(
            shown,
            vec![
                "app/charts/common/templates/_x.tpl in app/charts/common/templates/_x.tpl, x in app/charts/common/templates/_x.tpl".to_string(),
                "parse error at (app/templates/broken.yaml:1): missing value for if".to_string(),
                "app/templates/_y.tpl in app/templates/_y.tpl, y in app/templates/_y.tpl".to_string(),
                "app/charts/db/charts/common/templates/_x.tpl in app/charts/db/charts/common/templates/_x.tpl, x in app/charts/db/charts/common/templates/_x.tpl".to_string(),
            ]
        );
    }

    #[test]
    fn templates_sort_deepest_first_then_reverse_alphabetical() {
        let names = vec![
            "app/templates/a.yaml",
            "app/charts/common/templates/_names.tpl",
            "app/templates/_helpers.tpl",
            "app/templates/z/b.yaml",
            "app/charts/db/templates/svc.yaml",
        ];
        let names = helm_sorted(names, |n| n);
        assert_eq!(
            names,
            vec![
                "app/charts/db/templates/svc.yaml",
                "app/charts/common/templates/_names.tpl",
                "app/templates/z/b.yaml",
                "app/templates/a.yaml",
                "app/templates/_helpers.tpl",
            ]
        );
    }
}
