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
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use kforge_gotpl::Value;
use kforge_gotpl::exec::{ErrorKind, ExecEnv, Output, Templates};

use super::objects;
use crate::catalog::render as catalog;
use crate::chart::Chart;
use crate::diag::Diagnostic;
use crate::render::{RenderOptions, RenderedFile};
use crate::source::{FileId, InnerOrigin, LineOrigin, OriginMap, SourceMap, Span};

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

/// Helm's `sortTemplates`: more `/` first, then reverse byte order.
fn helm_order(a: &str, b: &str) -> std::cmp::Ordering {
    let depth = |s: &str| s.bytes().filter(|&c| c == b'/').count();
    depth(b).cmp(&depth(a)).then_with(|| b.cmp(a))
}

fn is_partial(name: &str) -> bool {
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
}

/// The template files of `chart`'s whole tree (subcharts a condition may still disable
/// included: the enabled ones are only known once values are read), to parse with
/// [`parse_files`] while values are coalesced: the second core parses the common library while
/// the first reads values (a few percent of the parsing is for disabled subcharts, and is
/// dropped).
pub fn parse_ahead(chart: &Chart, sources: &SourceMap) -> Vec<(String, FileId, Arc<str>)> {
    let mut jobs = Vec::new();
    let mut stack = vec![chart];
    while let Some(c) = stack.pop() {
        for t in &c.templates {
            if c.metadata.is_library() && !is_partial(&t.name) {
                continue;
            }
            if let Some(text) = sources.shared_text(t.file) {
                jobs.push((t.name.clone(), t.file, Arc::clone(text)));
            }
        }
        stack.extend(c.subcharts.iter());
    }
    jobs
}

/// Parses [`parse_ahead`]'s files.
pub fn parse_files(jobs: Vec<(String, FileId, Arc<str>)>) -> Preparsed {
    let texts: Vec<(&str, &Arc<str>)> = jobs.iter().map(|(n, _, t)| (n.as_str(), t)).collect();
    let results = parse_balanced(&texts);
    Preparsed {
        by_file: jobs
            .into_iter()
            .zip(results)
            .map(|((name, file, _), r)| (file, (name, r)))
            .collect(),
    }
}

/// Parses `(name, text)` files on every thread of the pool, largest first, each thread taking
/// the next file when it is done with one (rayon's halving of the list left one thread with
/// most of the `common` library and the other idle); results in the order of `files`.
/// A text that also appears earlier in `files` (the same `common` helpers vendored in several
/// subcharts) goes last: the parse cache renames the first copy's trees for it, where parsing
/// both at once would have one thread wait for the other.
fn parse_balanced(files: &[(&str, &Arc<str>)]) -> Vec<ParseResult> {
    use std::sync::atomic::{AtomicUsize, Ordering};
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
    order.sort_by(|a, b| helm_order(&a.0, &b.0));
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
    let missing: Vec<(usize, (&str, &Arc<str>))> = order
        .iter()
        .enumerate()
        .filter(|(i, _)| parsed.get(*i).is_some_and(Option::is_none))
        .map(|(i, (name, file, _))| {
            (
                i,
                (name.as_str(), sources.shared_text(*file).unwrap_or(&empty)),
            )
        })
        .collect();
    if !missing.is_empty() {
        let files: Vec<(&str, &Arc<str>)> = missing.iter().map(|(_, f)| *f).collect();
        for ((i, _), r) in missing.iter().zip(parse_balanced(&files)) {
            if let Some(slot) = parsed.get_mut(*i) {
                *slot = Some(r);
            }
        }
    }
    drop(ahead);
    let mut templates = Templates::new();
    let mut errors = Vec::new();
    let mut files = HashMap::new();
    for ((name, file, _), result) in order.iter().zip(parsed) {
        files.insert(name.clone(), *file);
        match result {
            Some(Ok(p)) => templates.add_trees(p.trees),
            Some(Err(e)) => errors.push(parse_diagnostic(&e, *file, sources)),
            None => {}
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
    })
}

impl Parsed<'_> {
    /// Frees the parse trees on another thread of the pool (they are the largest thing a render
    /// builds, and freeing them node by node was 3% of a render in a long-lived process) while
    /// this one goes on with the rendered output.
    pub fn dispose(self) {
        let templates = self.templates;
        rayon::spawn(move || crate::memory::dispose(templates));
        crate::memory::dispose((self.units, self.order, self.files));
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

/// Executes every non-partial template in Helm's order and returns the rendered files (sorted
/// by name; whitespace-only output and, unless asked for, NOTES.txt left out).
///
/// With `again` (the values node `values` was converted from), the later files of a chart large
/// enough may execute on another thread of the pool while this one executes the earlier ones,
/// on a dot tree of their own converted from `again` (see [`speculate`]). Their results are
/// taken only when sequential execution would have given the same; otherwise they execute again
/// here, after the earlier ones, as without `again`. Either way the output, the diagnostics
/// and their order are those of executing every file in order. (Read tracking, which watches
/// one values tree on this thread, executes without `again`.)
pub fn execute(
    parsed: &Parsed,
    values: Value,
    again: Option<&crate::yaml::Node>,
    options: &RenderOptions,
    max_memory: usize,
    sources: &mut SourceMap,
) -> (Vec<RenderedFile>, Vec<Diagnostic>) {
    let (rendered, diagnostics, _) =
        execute_split(parsed, values, again, None, options, max_memory, sources);
    (rendered, diagnostics)
}

/// The non-partial templates, in Helm's order.
fn runs<'a>(parsed: &'a Parsed) -> Vec<Run<'a>> {
    parsed
        .order
        .iter()
        .filter(|(name, _, unit)| !is_partial(name) && parsed.units.get(*unit).is_some())
        .map(|(name, file, unit)| Run {
            name,
            file: *file,
            unit: *unit,
        })
        .collect()
}

/// How the files after the split point were executed.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Took {
    /// No split point: all in order on this thread.
    InOrder,
    /// Ahead, on another thread: their results were taken.
    Ahead,
    /// Again, after the first ones: what was executed ahead could differ.
    Again,
}

/// [`execute`] with the first `split` files executed on this thread and the others ahead on
/// another (`again` and `split` given).
fn execute_split(
    parsed: &Parsed,
    values: Value,
    again: Option<&crate::yaml::Node>,
    split: Option<usize>,
    options: &RenderOptions,
    max_memory: usize,
    sources: &mut SourceMap,
) -> (Vec<RenderedFile>, Vec<Diagnostic>, Took) {
    let dots = dots(parsed, values, options);
    for dot in &dots {
        if let Value::Map(m) = dot {
            kforge_gotpl::track::opaque(m);
        }
    }
    let runs = runs(parsed);
    let shared: &SourceMap = sources;
    // `split`: tests choose it.
    let split = match (again, split) {
        (None, _) => None,
        (Some(_), Some(at)) => Some(at),
        (Some(_), None) => split_point(&runs, &dots, shared),
    };
    let mut env = ExecEnv::new();
    if split.is_some() {
        env.watch_shared(&dots);
    }
    let rng_start = env.funcs.rng.state();
    let mut diagnostics = Vec::new();
    // Each output's origin maps are made on another thread while the next template executes.
    let done: Mutex<Vec<Finished>> = Mutex::new(Vec::new());
    let speculated: Mutex<Option<Speculated>> = Mutex::new(None);
    let signals = Signals::default();
    let exec = Exec {
        parsed,
        options,
        max_memory,
        sources: shared,
    };
    let (first, second) = runs.split_at(split.unwrap_or(runs.len()));
    let mut pending: &[Run] = &[];
    rayon::in_place_scope(|scope| {
        if let Some(values) = again.filter(|_| !second.is_empty()) {
            let (slot, signals, exec) = (&speculated, &signals, &exec);
            let seen = last_templates(first, parsed);
            scope.spawn(move |_| {
                let result = speculate(exec, values, &seen, second, signals);
                if let Ok(mut s) = slot.lock() {
                    *s = result;
                }
            });
        }
        let mut limit = false;
        for run in first {
            limit |= exec.run(run, &dots, &mut env, scope, &done, &mut diagnostics);
            if split.is_some() && (limit || env.changed_shared()) {
                // The later files would see what the earlier ones changed.
                signals.cancel.store(true, Ordering::SeqCst);
            }
        }
        if env.funcs.rng.state() != rng_start {
            // One of the two sides stops when both drew (whichever sees the other's flag).
            signals.first_drew.store(true, Ordering::SeqCst);
            if signals.later_drew.load(Ordering::SeqCst) {
                signals.cancel.store(true, Ordering::SeqCst);
            }
        }
        if split.is_some() && signals.cancel.load(Ordering::SeqCst) {
            for run in second {
                exec.run(run, &dots, &mut env, scope, &done, &mut diagnostics);
            }
        } else {
            pending = second;
        }
    });
    let mut ahead = Vec::new();
    let mut took = if split.is_some() {
        Took::Again
    } else {
        Took::InOrder
    };
    if !pending.is_empty() {
        let speculated = speculated.into_inner().ok().flatten();
        let drew_first = env.funcs.rng.state() != rng_start;
        match speculated {
            // The later files' draws start where the earlier ones' would have left the
            // generator only when one of the two drew nothing.
            Some(s) if !(drew_first && s.drew) => {
                for (run, result) in pending.iter().zip(s.results) {
                    match result {
                        Ok(Some(finished)) => ahead.push(finished),
                        Ok(None) => {}
                        Err(e) => {
                            diagnostics.push(exec_diagnostic(&e, run.file, &parsed.files, shared))
                        }
                    }
                }
                env.lookups.extend(s.lookups);
                took = Took::Ahead;
            }
            _ => rayon::in_place_scope(|scope| {
                for run in pending {
                    exec.run(run, &dots, &mut env, scope, &done, &mut diagnostics);
                }
            }),
        }
    }
    diagnostics.extend(lookup_diagnostic(&env.lookups, &parsed.files, sources));
    let mut outputs = done.into_inner().unwrap_or_default();
    outputs.append(&mut ahead);
    outputs.sort_by(|a, b| a.name.cmp(b.name));
    let mut rendered = Vec::new();
    for out in outputs {
        let id = sources.add_rendered(out.name.as_str(), out.text, out.origin);
        sources.set_inner_origins(id, out.inner);
        rendered.push(RenderedFile {
            template: out.name.clone(),
            file: id,
        });
    }
    crate::memory::dispose((dots, env));
    (rendered, diagnostics, took)
}

/// A file to execute: its name, file and unit.
struct Run<'a> {
    name: &'a String,
    file: FileId,
    unit: usize,
}

/// Charts with fewer files to execute, or less template text in them, execute in order on one
/// thread: a second dot tree and a second start of the include memo cost more than the other
/// thread saves.
const SPECULATE_MIN_FILES: usize = 4;
const SPECULATE_MIN_BYTES: usize = 16 << 10;
/// The share of the files' text the first thread executes (the other one first converts the
/// values again and starts with an empty include memo).
const FIRST_SHARE_PERCENT: usize = 55;

/// Where the files split between this thread and the speculating one: the first files whose
/// estimated work ([`estimated_work`]) makes [`FIRST_SHARE_PERCENT`] of the whole (the same on
/// every run: the estimate reads only the texts and the values); `None`: execute in order.
fn split_point(runs: &[Run], dots: &[Value], sources: &SourceMap) -> Option<usize> {
    if runs.len() < SPECULATE_MIN_FILES {
        return None;
    }
    let work: Vec<usize> = runs
        .iter()
        .map(|r| estimated_work(sources.text(r.file), dots.get(r.unit)))
        .collect();
    let total: usize = work.iter().sum();
    if total < SPECULATE_MIN_BYTES {
        return None;
    }
    let mut sum = 0;
    let at = work
        .iter()
        .position(|w| {
            sum += w;
            sum * 100 >= total * FIRST_SHARE_PERCENT
        })
        .map_or(runs.len(), |i| i + 1);
    (at > 0 && at < runs.len()).then_some(at)
}

/// A file's work, for balancing only: its size, or nothing when its first action (after
/// comments) is an `if` whose condition is false with the values as given (most of a chart's
/// files render a feature that is off by default: `{{- if .Values.metrics.enabled }}`). Only
/// conditions of fields of the dot, string and boolean constants, `and`, `or`, `not`, `eq` and
/// `ne` are judged; any other is taken as true.
fn estimated_work(text: &str, dot: Option<&Value>) -> usize {
    let skipped = (|| {
        let mut rest = text.trim_start();
        loop {
            let action = rest.strip_prefix("{{")?;
            let action = action.strip_prefix('-').unwrap_or(action).trim_start();
            if let Some(comment) = action.strip_prefix("/*") {
                let end = comment.find("*/")?;
                let after = comment.get(end + 2..)?.trim_start();
                let after = after.strip_prefix('-').unwrap_or(after);
                rest = after.strip_prefix("}}")?.trim_start();
                continue;
            }
            let cond = action.strip_prefix("if")?;
            let end = cond.find("}}")?;
            let cond = cond.get(..end)?.trim_end();
            let cond = cond.strip_suffix('-').unwrap_or(cond);
            if !cond.starts_with(char::is_whitespace) {
                return None;
            }
            let mut tokens = Tokens(cond);
            let v = condition(&mut tokens, dot?)?;
            return (tokens.next().is_none() && !v.truthy()).then_some(());
        }
    })();
    if skipped.is_some() { 0 } else { text.len() }
}

/// The tokens of a condition: `(`, `)`, a quoted string, or a word.
struct Tokens<'a>(&'a str);

impl<'a> Iterator for Tokens<'a> {
    type Item = &'a str;
    fn next(&mut self) -> Option<&'a str> {
        let s = self.0.trim_start();
        let len = match s.chars().next()? {
            '(' | ')' => 1,
            '"' => {
                s.get(1..)?
                    .find(['"', '\\'])
                    .filter(|&i| s.get(i + 1..i + 2) == Some("\""))?
                    + 2
            }
            _ => s
                .find(|c: char| c.is_whitespace() || c == '(' || c == ')')
                .unwrap_or(s.len()),
        };
        let (token, rest) = s.split_at_checked(len)?;
        self.0 = rest;
        Some(token)
    }
}

/// A command of the condition: a function with its arguments, or one argument. `None`: not
/// judged.
fn condition(tokens: &mut Tokens, dot: &Value) -> Option<Value> {
    let first = tokens.next()?;
    let mut args = Vec::new();
    let func = matches!(first, "and" | "or" | "not" | "eq" | "ne");
    if !func {
        args.push(argument(first, tokens, dot)?);
    }
    loop {
        let before = tokens.0;
        match tokens.next() {
            None => break,
            Some(")") => {
                tokens.0 = before;
                break;
            }
            Some(t) => args.push(argument(t, tokens, dot)?),
        }
    }
    let scalar = |v: &Value| match v {
        Value::Str(s) => Some((0, s.to_string())),
        Value::Bool(b) => Some((1, b.to_string())),
        _ => None,
    };
    match (first, args.as_slice()) {
        (_, [v]) if !func => Some(v.clone()),
        ("and", [_, ..]) => Some(Value::Bool(args.iter().all(Value::truthy))),
        ("or", [_, ..]) => Some(Value::Bool(args.iter().any(Value::truthy))),
        ("not", [v]) => Some(Value::Bool(!v.truthy())),
        ("eq" | "ne", [a, b]) => {
            let same = scalar(a)? == scalar(b)?;
            Some(Value::Bool(same == (first == "eq")))
        }
        _ => None,
    }
}

fn argument(token: &str, tokens: &mut Tokens, dot: &Value) -> Option<Value> {
    match token {
        "(" => {
            let v = condition(tokens, dot)?;
            (tokens.next()? == ")").then_some(v)
        }
        "true" => Some(Value::Bool(true)),
        "false" => Some(Value::Bool(false)),
        _ if token.starts_with('"') => {
            let inner = token.get(1..token.len() - 1)?;
            (!inner.contains('\\')).then(|| Value::str(inner))
        }
        _ if token.starts_with('.') && token.len() > 1 => {
            let mut v = dot.clone();
            for field in token.get(1..)?.split('.') {
                let next = match &v {
                    Value::Map(m) => m.borrow().get(field).cloned().unwrap_or(Value::Nil),
                    _ => return None,
                };
                v = next;
            }
            Some(v)
        }
        _ => None,
    }
}

/// For each unit, the name of the last of `first` that executed with its dot: what that dot's
/// `.Template` holds when the files after `first` start.
fn last_templates<'a>(first: &[Run<'a>], parsed: &Parsed) -> Vec<(usize, &'a String)> {
    let mut last: Vec<Option<&String>> = vec![None; parsed.units.len()];
    for run in first {
        if let Some(slot) = last.get_mut(run.unit) {
            *slot = Some(run.name);
        }
    }
    last.into_iter()
        .enumerate()
        .filter_map(|(unit, name)| Some((unit, name?)))
        .collect()
}

/// What executing files needs besides the dots and the environment.
struct Exec<'e, 'a> {
    parsed: &'a Parsed<'a>,
    options: &'e RenderOptions,
    max_memory: usize,
    sources: &'e SourceMap,
}

impl<'a> Exec<'_, 'a> {
    /// Executes one file with its unit's dot (set to name it first, as Helm does); `None`: the
    /// output is not kept (blank, or a NOTES.txt not shown).
    fn execute(
        &self,
        run: &Run<'a>,
        dots: &[Value],
        env: &mut ExecEnv,
    ) -> Result<Option<Output>, kforge_gotpl::exec::ExecError> {
        let (Some(dot), Some(u)) = (dots.get(run.unit), self.parsed.units.get(run.unit)) else {
            return Ok(None);
        };
        let name = run.name;
        let is_notes = name
            .strip_prefix(u.base_path.as_str())
            .is_some_and(|r| r == "/NOTES.txt");
        if let Value::Map(m) = dot {
            m.borrow_mut()
                .insert("Template".into(), objects::template(name, &u.base_path));
        }
        let out = crate::memory::rendering(name, self.max_memory, || {
            self.parsed.templates.execute(name, dot.clone(), env)
        })?;
        // Helm renders every NOTES.txt (its errors count) but shows only the top chart's.
        let keep = !is_notes || (self.options.include_notes && u.is_root);
        Ok((keep && !out.text.trim().is_empty()).then_some(out))
    }

    /// A kept output with its origin maps.
    fn finish(&self, name: &'a String, file: FileId, out: Output) -> Finished<'a> {
        let files = &self.parsed.files;
        let origin = origin_map(&out, file, files, self.sources);
        let inner = inner_origins(&out, &origin, files, self.sources);
        Finished {
            name,
            text: out.text,
            origin,
            inner,
        }
    }

    /// [`Exec::execute`] on this thread, the origin maps made on another; an error becomes a
    /// diagnostic. Returns whether it was an execution limit.
    fn run<'s>(
        &'s self,
        run: &Run<'a>,
        dots: &[Value],
        env: &mut ExecEnv,
        scope: &rayon::Scope<'s>,
        done: &'s Mutex<Vec<Finished<'a>>>,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> bool
    where
        'a: 's,
    {
        match self.execute(run, dots, env) {
            Ok(Some(out)) => {
                let (name, file) = (run.name, run.file);
                scope.spawn(move |_| {
                    let finished = self.finish(name, file, out);
                    if let Ok(mut d) = done.lock() {
                        d.push(finished);
                    }
                });
                false
            }
            Ok(None) => false,
            Err(e) => {
                diagnostics.push(exec_diagnostic(
                    &e,
                    run.file,
                    &self.parsed.files,
                    self.sources,
                ));
                e.kind() == ErrorKind::Limit
            }
        }
    }
}

/// The later files executed ahead by [`speculate`].
struct Speculated<'a> {
    /// Per file, in order: the kept output, or the error.
    results: Vec<Result<Option<Finished<'a>>, kforge_gotpl::exec::ExecError>>,
    lookups: Vec<(String, u32)>,
    /// Whether they drew from the random generator.
    drew: bool,
}

/// What the two threads tell each other while they execute.
#[derive(Default)]
struct Signals {
    /// Set by the first thread: the later files' results will not be taken.
    cancel: AtomicBool,
    /// Set by each side once it drew a random number.
    first_drew: AtomicBool,
    later_drew: AtomicBool,
}

/// Executes `later` (the files after the first ones) as they would execute after the first
/// ones, had those changed nothing the later ones can see: on a dot tree of their own
/// converted from `values`, each dot's `.Template` naming the last of the first files that
/// used it (`seen`), and an environment of their own (so their random draws start from the
/// generator's seed, and their include memo empty: the memo changes no result). `None`: the
/// results are not to be taken (the first thread cancelled, an execution limit, or both
/// sides drew random numbers), and it stops at once.
fn speculate<'a>(
    exec: &Exec<'_, 'a>,
    values: &crate::yaml::Node,
    seen: &[(usize, &String)],
    later: &[Run<'a>],
    signals: &Signals,
) -> Option<Speculated<'a>> {
    if signals.cancel.load(Ordering::SeqCst) {
        return None;
    }
    let values = super::values::to_value(values, exec.sources);
    let dots = dots(exec.parsed, values, exec.options);
    for &(unit, name) in seen {
        if let (Some(Value::Map(m)), Some(u)) = (dots.get(unit), exec.parsed.units.get(unit)) {
            m.borrow_mut()
                .insert("Template".into(), objects::template(name, &u.base_path));
        }
    }
    let mut env = ExecEnv::new();
    let rng_start = env.funcs.rng.state();
    let mut results = Vec::with_capacity(later.len());
    let mut taken = true;
    for run in later {
        if signals.cancel.load(Ordering::SeqCst) {
            taken = false;
            break;
        }
        let result = exec.execute(run, &dots, &mut env);
        if result.as_ref().is_err_and(|e| e.kind() == ErrorKind::Limit) {
            taken = false;
            break;
        }
        if env.funcs.rng.state() != rng_start {
            signals.later_drew.store(true, Ordering::SeqCst);
            if signals.first_drew.load(Ordering::SeqCst) {
                taken = false;
                break;
            }
        }
        results.push(result.map(|out| out.map(|out| exec.finish(run.name, run.file, out))));
    }
    let speculated = taken.then(|| Speculated {
        results,
        lookups: std::mem::take(&mut env.lookups),
        drew: env.funcs.rng.state() != rng_start,
    });
    crate::memory::dispose((dots, env));
    speculated
}

/// A rendered template with its origin maps.
struct Finished<'a> {
    name: &'a String,
    text: String,
    origin: OriginMap,
    inner: Vec<InnerOrigin>,
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

    use super::{Took, execute_split, helm_order, parse, parse_balanced};
    use crate::chart::{Chart, ChartMetadata, FileTree, Template};
    use crate::source::{SourceKind, SourceMap, Span};
    use crate::yaml::Node;

    /// A Helm chart named `name` whose templates are `files`, their names under `prefix`
    /// (`app`, `app/charts/sub`).
    fn chart(sources: &mut SourceMap, name: &str, prefix: &str, files: &[(&str, &str)]) -> Chart {
        let mut templates = Vec::new();
        for (rel, text) in files {
            let full = format!("{prefix}/templates/{rel}");
            let file = sources.add(full.clone(), *text, SourceKind::Template);
            templates.push(Template { name: full, file });
        }
        let meta = serde_json::json!({"apiVersion": "v2", "name": name, "version": "0.1.0"});
        Chart {
            metadata: ChartMetadata {
                api_version: "v2".into(),
                name: name.into(),
                version: "0.1.0".into(),
                app_version: None,
                description: None,
                kube_version: None,
                chart_type: "application".into(),
                deprecated: false,
                tree: Node::from_json(&meta, Span::default()),
            },
            display_path: name.into(),
            chart_file: sources.add(format!("{prefix}/Chart.yaml"), "", SourceKind::ChartFile),
            values_file: None,
            schema_file: None,
            templates,
            crds: Vec::new(),
            files: FileTree::default(),
            subcharts: Vec::new(),
        }
    }

    /// Renders `chart` with `values` with the later files executed ahead from every split
    /// point, and checks each gives what executing in order gives (rendered files with their
    /// origin maps, diagnostics in order); returns how the later files were taken at each
    /// split point.
    fn same_at_every_split(
        chart: &Chart,
        sources: &SourceMap,
        values: serde_json::Value,
    ) -> Vec<Took> {
        let values = Node::from_json(&values, Span::default());
        let render = |split: Option<usize>| {
            let mut sources = sources.clone();
            let parsed = parse(chart, &sources, Default::default()).unwrap();
            let value = crate::helm::values::to_value(&values, &sources);
            let options = crate::render::tests::options();
            let (files, diags, took) = execute_split(
                &parsed,
                value,
                Some(&values),
                split,
                &options,
                usize::MAX,
                &mut sources,
            );
            let files: Vec<String> = files
                .iter()
                .map(|f| format!("{}: {:?}", f.template, sources.get(f.file)))
                .collect();
            (
                files,
                format!("{diags:?}"),
                took,
                super::runs(&parsed).len(),
            )
        };
        let (files, diags, took, n) = render(None);
        assert_eq!(took, Took::InOrder);
        (1..n)
            .map(|k| {
                let (f, d, took, _) = render(Some(k));
                assert_eq!(f, files, "split at {k}");
                assert_eq!(d, diags, "split at {k}");
                took
            })
            .collect()
    }

    const HELPERS: (&str, &str) = (
        "_helpers.tpl",
        "{{- define \"name\" -}}{{ .Chart.Name }}-{{ .Values.suffix }}{{- end -}}\n\
         {{- define \"labels\" -}}app: {{ include \"name\" . }}\nfile: {{ .Template.Name }}{{- end -}}",
    );

    /// Files whose first action is an `if` that is false with the values count as no work.
    #[test]
    fn work_estimate_skips_files_whose_condition_is_false() {
        use kforge_gotpl::Value;
        let map = |entries: Vec<(&str, Value)>| {
            Value::map(
                entries
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), v))
                    .collect(),
            )
        };
        let values = map(vec![(
            "Values",
            map(vec![
                ("on", Value::Bool(true)),
                ("arch", Value::str("standalone")),
            ]),
        )]);
        let head = "{{- /*\nCopyright\n*/}}\n\n";
        let cases = [
            ("{{- if .Values.off }}x{{ end }}", 0),
            ("{{- if and .Values.on .Values.off }}x{{ end }}", 0),
            ("{{- if eq .Values.arch \"replication\" }}x{{ end }}", 0),
            ("{{- if not (or .Values.on .Values.off) -}}x{{ end }}", 0),
            ("{{- if ne .Values.arch \"standalone\" }}x{{ end }}", 0),
            ("{{- if .Values.on }}x{{ end }}", 1),
            ("{{- if include \"x\" . }}x{{ end }}", 1),
            ("{{- if and .Values.off (include \"x\" .) }}x{{ end }}", 1),
            ("{{- if .Values.missing.deeper }}x{{ end }}", 1),
            ("kind: A\n{{- if .Values.off }}x{{ end }}", 1),
        ];
        for (text, work) in cases {
            let text = format!("{head}{text}");
            let expected = work * text.len();
            assert_eq!(
                super::estimated_work(&text, Some(&values)),
                expected,
                "{text}"
            );
        }
    }

    #[test]
    fn later_files_executed_ahead_render_as_in_order() {
        let mut sources = SourceMap::default();
        let files = [
            HELPERS,
            ("a.yaml", "a:\n  {{- include \"labels\" . | nindent 2 }}\n"),
            (
                "b.yaml",
                "b: {{ .Values.suffix | upper }}\n{{ lookup \"v1\" \"Pod\" \"\" \"\" }}\n",
            ),
            ("c.yaml", "c: {{ .Values.missing.x }}\n"),
            (
                "d.yaml",
                "d: {{ include \"name\" . }}\n{{ lookup \"v1\" \"Pod\" \"\" \"x\" }}\n",
            ),
            (
                "e.yaml",
                "{{ $d := dict \"k\" 1 }}{{ $_ := set $d \"j\" 2 }}e: {{ toJson $d }}\n",
            ),
        ];
        let app = chart(&mut sources, "app", "app", &files);
        let took = same_at_every_split(&app, &sources, serde_json::json!({"suffix": "x"}));
        assert_eq!(took, vec![Took::Ahead; 4]);
    }

    #[test]
    fn later_files_execute_again_after_a_change_to_values() {
        let mut sources = SourceMap::default();
        let files = [
            HELPERS,
            (
                "a.yaml",
                "a: {{ .Values.suffix }} {{ .Values.sub.extra }}\n",
            ),
            ("b.yaml", "b: {{ include \"name\" . }}\n"),
            (
                "c.yaml",
                "{{ $_ := set .Values \"suffix\" \"changed\" }}c: {{ include \"name\" . }}\n",
            ),
            (
                "d.yaml",
                "{{ $_ := merge .Values.sub (dict \"extra\" 1) }}d: {{ .Values.sub }}\n",
            ),
            ("e.yaml", "e: {{ .Values.suffix }}\n"),
        ];
        let app = chart(&mut sources, "app", "app", &files);
        let values = serde_json::json!({"suffix": "x", "sub": {"a": 1}});
        let took = same_at_every_split(&app, &sources, values);
        // In Helm's order e, d, c, b, a: once d or c is among the first files, the later ones
        // execute again.
        assert_eq!(
            took,
            vec![Took::Ahead, Took::Again, Took::Again, Took::Again]
        );
    }

    #[test]
    fn random_draws_are_taken_ahead_only_when_one_side_drew_nothing() {
        let mut sources = SourceMap::default();
        let files = [
            ("a.yaml", "a: {{ randAlphaNum 8 }}\n"),
            ("b.yaml", "b: plain\n"),
            ("c.yaml", "c: plain\n"),
            ("d.yaml", "d: {{ randAlphaNum 8 }} {{ uuidv4 }}\n"),
        ];
        let app = chart(&mut sources, "app", "app", &files);
        let took = same_at_every_split(&app, &sources, serde_json::json!({}));
        // Order d, c, b, a: d and a both draw whatever the split.
        assert_eq!(took, vec![Took::Again; 3]);
        let mut sources = SourceMap::default();
        let files = [
            ("a.yaml", "a: plain\n"),
            ("b.yaml", "b: {{ randAlphaNum 8 }}\n"),
            ("c.yaml", "c: {{ randAlphaNum 8 }}\n"),
            ("d.yaml", "d: plain\n"),
        ];
        let app2 = chart(&mut sources, "app", "app", &files);
        let took = same_at_every_split(&app2, &sources, serde_json::json!({}));
        // Order d, c, b, a: only the later files draw, both sides, only the first ones.
        assert_eq!(took, vec![Took::Ahead, Took::Again, Took::Ahead]);
    }

    #[test]
    fn later_files_execute_again_after_an_execution_limit() {
        let mut sources = SourceMap::default();
        let files = [
            (
                "_loop.tpl",
                "{{- define \"loop\" -}}{{ include \"loop\" . }}{{- end -}}",
            ),
            ("a.yaml", "a: 1\n"),
            ("b.yaml", "b: {{ include \"loop\" . }}\n"),
            ("c.yaml", "c: 1\n"),
        ];
        let app = chart(&mut sources, "app", "app", &files);
        let took = same_at_every_split(&app, &sources, serde_json::json!({}));
        assert_eq!(took, vec![Took::Again, Took::Again]);
    }

    /// A parent's file reads a subchart's `.Template`, which the subchart's last file executed
    /// before it set.
    #[test]
    fn a_dot_named_by_an_earlier_file_keeps_its_name_ahead() {
        let mut sources = SourceMap::default();
        let sub = chart(
            &mut sources,
            "sub",
            "app/charts/sub",
            &[
                ("x.yaml", "x: {{ .Values.v }}\n"),
                ("y.yaml", "y: {{ .Values.v }}\n"),
            ],
        );
        let mut app = chart(
            &mut sources,
            "app",
            "app",
            &[
                ("a.yaml", "a: {{ .Subcharts.sub.Template.Name }}\n"),
                ("b.yaml", "b: {{ .Subcharts.sub.Template }}\n"),
            ],
        );
        app.subcharts.push(sub);
        let values = serde_json::json!({"sub": {"v": 1}});
        let took = same_at_every_split(&app, &sources, values);
        assert_eq!(took, vec![Took::Ahead; 3]);
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
        let mut names = vec![
            "app/templates/a.yaml",
            "app/charts/common/templates/_names.tpl",
            "app/templates/_helpers.tpl",
            "app/templates/z/b.yaml",
            "app/charts/db/templates/svc.yaml",
        ];
        names.sort_by(|a, b| helm_order(a, b));
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
