//! The render stage: chart templates + values → rendered YAML files with origin maps.
//! Entry point: [`render`].
//!
//! Two engines share this entry point and everything after it: Helm charts (Go templates, the
//! `kforge-gotpl` crate, driven by [`crate::helm`]) and kforge's Jinja charts, which declare
//! `kforge.dev/engine: jinja` in Chart.yaml (see [`crate::helm::engine`]).
//!
//! Jinja templates (minijinja): `{{ values.image.tag }}`, `{% if values.ingress.enabled %}`.
//! Every template is rendered twice: plainly (the output) and with invisible line markers (the
//! origin map, see [`markers`]); the two must agree after the markers are stripped, else the file
//! falls back to per-file attribution.
//!
//! # The template dialect
//! - Names: `values`, `release` (name, namespace, revision, is_install, is_upgrade, service),
//!   `chart` (Chart.yaml as written plus snake_case aliases: `appVersion` and `app_version`),
//!   `capabilities` (`kube_version.{version,major,minor}`, `api_versions` with `.has("apps/v1")`),
//!   `files` (`get`, `get_bytes`, `lines`, `glob(...)` → files with `as_config()` / `as_secrets()`;
//!   chart-relative paths only), `template` (`name`, `base_path`).
//! - Undefined values: testing one in `if` is fine; printing, iterating or reading an attribute of
//!   one is a `render/undefined` error. `true`/`false` print lower-case, none prints nothing, and
//!   nothing is auto-escaped.
//! - Partials: templates whose file name starts with `_`. `include("_x.yaml", ctx)` renders one
//!   to a string (its final newline dropped, like a Helm `define`); the partial sees the caller's
//!   names, plus `ctx` and, when `ctx` is a map, each of its keys. `{% import "_helpers.tpl" as h %}`
//!   and `{% include %}` work too. Names are relative to the chart's `templates/` directory.
//! - Helpers (filter and function, value first: `x | toyaml` = `toyaml(x)`): toyaml, tojson,
//!   fromyaml, fromjson, b64enc, b64dec, sha256sum, indent and nindent (Sprig: every line padded),
//!   quote, squote, required, default (Sprig: replaces empty values), trunc, trimsuffix,
//!   trimprefix, lower, upper, title, contains, hasprefix, hassuffix, merge, keys, haskey, append,
//!   uniq, compact, without, empty, regex_match, regex_replace; functions only: fail, tpl, include,
//!   dict, list, pluck, coalesce, ternary, lookup (always empty), semver_compare(constraint,
//!   version), range (at most 100,000 items); tests: contains, hasprefix, hassuffix, has.
//! - Limits ([`Limits`]): work (fuel), include/tpl depth, recursion, tokens per tag, output size
//!   per template, per `include`/`indent` and in total; each ends in a `render/limit` error.
//!   Templates render on a pool whose threads have 64 MiB stacks, so the deepest nesting the limits
//!   allow cannot overflow the stack. The memory of values a template builds (`~`, `+`, `join`,
//!   where minijinja has no hook) is bounded by the binary's allocator: see [`crate::memory`].

mod context;
mod env;
mod errors;
mod functions;
pub mod markers;
mod reads;
mod shared;

use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;

use crate::catalog::render as catalog;
use crate::chart::Chart;
use crate::diag::Diagnostic;
use crate::helm::{self, engine::Engine};
use crate::source::{FileId, OriginMap, SourceMap};
use crate::values::Reads;
use crate::version::KubeVersion;
use crate::yaml::Node;

pub use shared::Limits;

#[derive(Clone, Debug)]
pub struct RenderOptions {
    pub release_name: String,
    pub namespace: String,
    pub revision: u32,
    pub is_upgrade: bool,
    pub kube_version: KubeVersion,
    /// `capabilities.api_versions`: `group/version` and `group/version/Kind` strings.
    pub api_versions: Vec<String>,
    /// Render `templates/NOTES.txt` too.
    pub include_notes: bool,
}

/// One rendered template.
#[derive(Clone, Debug)]
pub struct RenderedFile {
    /// Helm's template name (`mychart/templates/deployment.yaml`): the `# Source:` header.
    pub template: String,
    /// The rendered text in the source map; its origin map points into the template.
    pub file: FileId,
}

impl RenderedFile {
    /// `templates/NOTES.txt` (rendered with `include_notes`): text, not manifests.
    pub fn is_notes(&self) -> bool {
        self.template.ends_with("/templates/NOTES.txt")
    }
}

/// Renders every non-partial template of the chart and of its subcharts (each with its own values
/// section plus `global`), in template-name order.
pub fn render(
    chart: &Chart,
    values: &Node,
    options: &RenderOptions,
    sources: &mut SourceMap,
) -> (Vec<RenderedFile>, Vec<Diagnostic>) {
    render_with_limits(chart, values, options, &Limits::default(), sources)
}

/// One chart of the tree being rendered (the top chart or an enabled subchart).
struct Unit<'a> {
    chart: &'a Chart,
    values: Node,
    base_path: String,
    /// Where the chart's values sit in the root's (`[]`, `["redis"]`).
    path: Vec<String>,
}

/// One template to render.
struct Job<'a> {
    name: &'a str,
    file: FileId,
    unit: usize,
}

/// What rendering one template gave.
struct Outcome {
    text: Option<String>,
    origin: OriginMap,
    diagnostics: Vec<Diagnostic>,
}

/// [`render`], also telling which values the templates read ([`crate::values::unused`] judges
/// the user's keys by it). `None` when the chart did not render as one whole (a template that
/// does not parse, an engine fallback): what was read is then unknown.
pub fn render_reading(
    chart: &Chart,
    values: &Node,
    options: &RenderOptions,
    sources: &mut SourceMap,
) -> (Vec<RenderedFile>, Vec<Diagnostic>, Option<Reads>) {
    let (rendered, diags, reads, _) = render_ahead(
        chart,
        values,
        options,
        sources,
        Default::default(),
        true,
        None,
    );
    (rendered, diags, reads)
}

/// [`render`] (with `reading`, [`render_reading`]) of a chart whose template files were parsed
/// ahead ([`helm::render::parse_ahead`]) while its values were read. With `objects`, a Helm
/// chart's outputs are also parsed into objects as they are rendered (the last element).
pub fn render_ahead(
    chart: &Chart,
    values: &Node,
    options: &RenderOptions,
    sources: &mut SourceMap,
    ahead: helm::render::Preparsed,
    reading: bool,
    objects: Option<&helm::render::ObjectParse>,
) -> RenderedAhead {
    let mut reads = None;
    let mut parsed = Vec::new();
    let (rendered, diags) = render_inner(
        chart,
        values,
        options,
        &Limits::default(),
        sources,
        reading.then_some(&mut reads),
        ahead,
        objects.map(|o| (o, &mut parsed)),
    );
    (rendered, diags, reads, parsed)
}

/// What [`render_ahead`] returns: the rendered files, the render's findings, what the
/// templates read of the values, and the objects of the outputs parsed during the render.
pub type RenderedAhead = (
    Vec<RenderedFile>,
    Vec<Diagnostic>,
    Option<Reads>,
    Vec<helm::render::ParsedOutput>,
);

/// [`render`] with explicit limits (tests, fuzzing). The engine is the one Chart.yaml declares
/// (`kforge.dev/engine`); without a declaration the chart is a Helm chart, unless its templates
/// are not Go templates but compile as Jinja (kforge charts from before the declaration): those
/// render as Jinja with a warning naming the declaration.
pub fn render_with_limits(
    chart: &Chart,
    values: &Node,
    options: &RenderOptions,
    limits: &Limits,
    sources: &mut SourceMap,
) -> (Vec<RenderedFile>, Vec<Diagnostic>) {
    render_inner(
        chart,
        values,
        options,
        limits,
        sources,
        None,
        Default::default(),
        None,
    )
}

#[allow(clippy::too_many_arguments)]
fn render_inner(
    chart: &Chart,
    values: &Node,
    options: &RenderOptions,
    limits: &Limits,
    sources: &mut SourceMap,
    mut reads: Option<&mut Option<Reads>>,
    ahead: helm::render::Preparsed,
    objects: Option<(
        &helm::render::ObjectParse,
        &mut Vec<helm::render::ParsedOutput>,
    )>,
) -> (Vec<RenderedFile>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let declared = helm::engine::declared(chart, &mut diagnostics);
    let (rendered, diags) = if declared == Some(Engine::Jinja) {
        render_jinja_reading(chart, values, options, limits, sources, reads)
    } else {
        // Unless reads are recorded, the values are converted on another thread of the pool
        // while this one joins the parsed templates (each was ~2% of a chart's render here).
        let (parse, converted) = match reads {
            Some(_) => (helm::render::parse(chart, sources, ahead), None),
            None => {
                let slot = std::sync::Mutex::new(None);
                let parse = rayon::in_place_scope(|scope| {
                    let (slot, read) = (&slot, &*sources);
                    scope.spawn(move |_| {
                        let value = helm::values::Converted::new(values, read);
                        if let Ok(mut s) = slot.lock() {
                            *s = Some(value);
                        }
                    });
                    helm::render::parse(chart, read, ahead)
                });
                (parse, slot.into_inner().ok().flatten())
            }
        };
        let (parse_objects, parsed_out) = match objects {
            Some((o, out)) => (Some(o), Some(out)),
            None => (None, None),
        };
        // Parse errors come from the parse or, for the files whose parse waited for
        // execution, from the execution.
        let executed = match parse {
            Ok(parsed) => {
                let (dot_values, watched) = match (converted, reads.is_some()) {
                    (_, true) => {
                        let (v, tracker, w) = helm::values::to_value_watched(values, sources);
                        kforge_gotpl::track::start(tracker);
                        (v, Some(w))
                    }
                    (Some(converted), false) => (converted.into_value(), None),
                    (None, false) => (helm::values::to_value(values, sources), None),
                };
                let executed = helm::render::execute(
                    &parsed,
                    dot_values,
                    options,
                    limits.max_memory_bytes,
                    sources,
                    parse_objects,
                );
                parsed.dispose();
                let tracker = watched.as_ref().and_then(|_| kforge_gotpl::track::finish());
                if executed.is_ok()
                    && let (Some(watched), Some(tracker), Some(slot)) =
                        (watched, tracker, reads.as_deref_mut())
                {
                    let mut r = watched.reads(&tracker);
                    r.record_helm_reads(chart, values, &[]);
                    *slot = Some(r);
                }
                executed
            }
            Err(errors) => Err(errors),
        };
        match executed {
            Ok((rendered, errors, parsed_objects)) => {
                // Jinja such as `{{ values.port }}` can parse as Go (`values` is a Sprig
                // function) and fail only when run: an undeclared chart whose Go render fails
                // is tried as Jinja, and taken as Jinja when that renders cleanly.
                if declared.is_none()
                    && errors.iter().any(Diagnostic::is_error)
                    && jinja_compiles(chart, sources, limits)
                {
                    let (jinja, jinja_errors) =
                        render_jinja_reading(chart, values, options, limits, sources, reads);
                    if !jinja_errors.iter().any(Diagnostic::is_error) {
                        diagnostics.push(helm::engine::undeclared_jinja(chart));
                        diagnostics.extend(jinja_errors);
                        return (jinja, diagnostics);
                    }
                }
                if let Some(out) = parsed_out {
                    *out = parsed_objects;
                }
                (rendered, errors)
            }
            Err(errors) if declared.is_none() && jinja_compiles(chart, sources, limits) => {
                diagnostics.push(helm::engine::undeclared_jinja(chart));
                drop(errors);
                render_jinja_reading(chart, values, options, limits, sources, reads)
            }
            Err(errors) => {
                let help = declared.is_none().then(helm::engine::switch_help);
                let errors = errors
                    .into_iter()
                    .map(|d| match &help {
                        Some(h) => d.with_help(h.clone()),
                        None => d,
                    })
                    .collect();
                (Vec::new(), errors)
            }
        }
    };
    diagnostics.extend(diags);
    (rendered, diagnostics)
}

/// Whether every template of the chart tree compiles as Jinja. A template with a tag too large
/// to compile counts as Jinja: the Jinja path reports it as a limit. Compiling recurses per
/// operator, so it runs on the render pool's large stacks.
fn jinja_compiles(chart: &Chart, sources: &SourceMap, limits: &Limits) -> bool {
    let check = || {
        let mut env = minijinja::Environment::new();
        let mut stack = vec![chart];
        while let Some(c) = stack.pop() {
            for t in &c.templates {
                let text = sources.text(t.file);
                if limits.oversized_tag(text).is_some() {
                    continue;
                }
                if env
                    .add_template_owned(t.name.clone(), text.to_string())
                    .is_err()
                {
                    return false;
                }
            }
            stack.extend(c.subcharts.iter());
        }
        true
    };
    match pool() {
        Some(pool) => pool.install(check),
        None => check(),
    }
}

/// Renders a kforge Jinja chart.
pub fn render_jinja(
    chart: &Chart,
    values: &Node,
    options: &RenderOptions,
    limits: &Limits,
    sources: &mut SourceMap,
) -> (Vec<RenderedFile>, Vec<Diagnostic>) {
    render_jinja_reading(chart, values, options, limits, sources, None)
}

/// [`render_jinja`], filling `reads` (when asked) with what the templates read of the values.
fn render_jinja_reading(
    chart: &Chart,
    values: &Node,
    options: &RenderOptions,
    limits: &Limits,
    sources: &mut SourceMap,
    reads: Option<&mut Option<Reads>>,
) -> (Vec<RenderedFile>, Vec<Diagnostic>) {
    let log = reads.is_some().then(|| Arc::new(reads::ReadLog::default()));
    let mut units = Vec::new();
    collect_units(chart, values.clone(), None, &[], &mut units);
    let mut diagnostics = Vec::new();

    let (files, base_paths, jobs_all) = index_templates(&units, options);

    // Compile: the plain copy decides what is broken (and is reported); the marked copy only
    // decides whether origins are available.
    let new_shared = |marked| Shared {
        marked,
        limits: limits.clone(),
        base_paths: base_paths.clone(),
        broken: Default::default(),
    };
    let plain_shared = Arc::new(new_shared(false));
    let marked_shared = Arc::new(new_shared(true));
    let mut plain_env = env::new(&plain_shared);
    let mut marked_env = env::new(&marked_shared);
    let mut broken = BTreeSet::new();
    let to_compile = refuse_oversized(&jobs_all, sources, limits, &mut broken, &mut diagnostics);
    let failed = compile(&mut plain_env, &mut marked_env, &to_compile, sources);
    for (name, file, e) in failed {
        broken.insert(name);
        let lookup = errors::Lookup {
            sources,
            files: &files,
        };
        diagnostics.extend(errors::diagnostic(
            &e,
            &lookup,
            &serde_json::Map::new(),
            None,
            Some(file),
        ));
    }

    let _ = plain_shared.broken.set(broken.clone());
    let _ = marked_shared.broken.set(broken.clone());

    let contexts: Vec<context::ChartContext> = units
        .iter()
        .map(|u| {
            let log = log.as_ref().map(|l| (l, u.path.as_slice()));
            context::chart_context(u.chart, &u.values, options, log)
        })
        .collect();
    let mut jobs: Vec<Job> = jobs_all
        .iter()
        .filter(|(name, _, _, renders)| *renders && !broken.contains(name))
        .map(|(name, file, unit, _)| Job {
            name,
            file: *file,
            unit: *unit,
        })
        .collect();
    jobs.sort_by(|a, b| a.name.cmp(b.name));

    let lookup = errors::Lookup {
        sources,
        files: &files,
    };
    let run = |job: &Job| -> Outcome {
        let Some(ctx) = contexts.get(job.unit) else {
            return Outcome {
                text: None,
                origin: OriginMap::default(),
                diagnostics: Vec::new(),
            };
        };
        crate::memory::rendering(job.name, limits.max_memory_bytes, || {
            render_one(job, ctx, &units, &plain_env, &marked_env, limits, &lookup)
        })
    };
    let outcomes: Vec<Outcome> = match pool() {
        Some(pool) => pool.install(|| jobs.par_iter().map(run).collect()),
        None => jobs.iter().map(run).collect(),
    };

    let rendered = keep_rendered(&jobs, outcomes, sources, limits, &mut diagnostics);
    if let (Some(slot), Some(log)) = (reads, log) {
        let mut r = log.reads();
        r.record_helm_reads(chart, values, &[]);
        *slot = Some(r);
    }
    (rendered, diagnostics)
}

/// A template of the chart tree: its name, file, unit (index in the units) and whether it renders
/// (partials and, unless asked, NOTES.txt do not).
type TemplateJob = (String, FileId, usize, bool);

/// Every template of every chart, by name: their files, their charts' base paths, and the jobs.
fn index_templates(
    units: &[Unit],
    options: &RenderOptions,
) -> (
    BTreeMap<String, FileId>,
    BTreeMap<String, String>,
    Vec<TemplateJob>,
) {
    let mut files: BTreeMap<String, FileId> = BTreeMap::new();
    let mut base_paths: BTreeMap<String, String> = BTreeMap::new();
    let mut jobs_all: Vec<TemplateJob> = Vec::new();
    for (i, unit) in units.iter().enumerate() {
        for t in &unit.chart.templates {
            files.insert(t.name.clone(), t.file);
            base_paths.insert(t.name.clone(), unit.base_path.clone());
            let renders = is_rendered(&t.name, &unit.base_path, options.include_notes);
            jobs_all.push((t.name.clone(), t.file, i, renders));
        }
    }
    (files, base_paths, jobs_all)
}

/// The templates to compile, in order. Huge tags are refused before compiling (minijinja's
/// compiler recurses once per operator): their templates are marked broken and reported.
fn refuse_oversized<'j>(
    jobs_all: &'j [TemplateJob],
    sources: &SourceMap,
    limits: &Limits,
    broken: &mut BTreeSet<String>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<(&'j str, FileId)> {
    let mut to_compile: Vec<(&str, FileId)> = Vec::new();
    for (name, file, _, _) in jobs_all {
        let text = sources.text(*file);
        match limits.oversized_tag(text) {
            Some((start, end, tokens)) => {
                broken.insert(name.clone());
                diagnostics.push(
                    Diagnostic::new(
                        &catalog::LIMIT,
                        format!(
                            "a tag with {tokens} tokens is more than kforge compiles (at most {})",
                            limits.max_tag_tokens
                        ),
                    )
                    .at(
                        crate::source::Span::new(*file, start, start.max(end.min(start + 2))),
                        "this tag",
                    ),
                );
            }
            None => to_compile.push((name, *file)),
        }
    }
    to_compile
}

/// Compiles the templates into both environments; what the plain copy fails to compile.
fn compile(
    plain_env: &mut minijinja::Environment<'static>,
    marked_env: &mut minijinja::Environment<'static>,
    to_compile: &[(&str, FileId)],
    sources: &SourceMap,
) -> Vec<(String, FileId, minijinja::Error)> {
    // The plain and the marked copies compile side by side, on the pool's large stacks.
    let mut compile_plain = || {
        let mut failed = Vec::new();
        for (name, file) in to_compile {
            if let Err(e) =
                plain_env.add_template_owned(name.to_string(), sources.text(*file).to_string())
            {
                failed.push((name.to_string(), *file, e));
            }
        }
        failed
    };
    let mut compile_marked = || {
        for (name, file) in to_compile {
            // A marked copy that does not compile only costs that template its origins.
            let _ = marked_env.add_template_owned(
                name.to_string(),
                markers::insert(sources.text(*file), *file),
            );
        }
    };
    match pool() {
        Some(pool) => pool.install(|| rayon::join(compile_plain, compile_marked).0),
        None => {
            compile_marked();
            compile_plain()
        }
    }
}

/// The rendered texts added to the sources in job order, until the total output limit.
fn keep_rendered(
    jobs: &[Job],
    outcomes: Vec<Outcome>,
    sources: &mut SourceMap,
    limits: &Limits,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<RenderedFile> {
    let mut rendered = Vec::new();
    let mut total = 0usize;
    for (job, outcome) in jobs.iter().zip(outcomes) {
        diagnostics.extend(outcome.diagnostics);
        let Some(text) = outcome.text else { continue };
        total += text.len();
        if total > limits.max_total_output_bytes {
            diagnostics.push(
                Diagnostic::new(
                    &catalog::LIMIT,
                    format!(
                        "the rendered chart exceeds {} bytes in total",
                        limits.max_total_output_bytes
                    ),
                )
                .at(crate::source::Span::new(job.file, 0, 0), "not rendered"),
            );
            continue;
        }
        let file = sources.add_rendered(job.name, text, outcome.origin);
        rendered.push(RenderedFile {
            template: job.name.to_string(),
            file,
        });
    }
    rendered
}

use shared::Shared;

/// Forgets what the Go template engine keeps between renders, on every render thread: the next
/// render costs what it costs in a new process (see `kforge_gotpl::exec::clear_caches`).
pub fn clear_caches() {
    kforge_gotpl::exec::clear_caches();
    if let Some(pool) = pool() {
        pool.broadcast(|_| kforge_gotpl::exec::clear_caches());
    }
}

/// Threads with stacks large enough for the deepest nesting the limits allow (minijinja's
/// recursion limit inside each of `max_include_depth` nested renders), even in debug builds.
fn pool() -> Option<&'static rayon::ThreadPool> {
    static POOL: OnceLock<Option<rayon::ThreadPool>> = OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(rayon::current_num_threads())
            .stack_size(64 << 20)
            .thread_name(|i| format!("kforge-render-{i}"))
            .build()
            .ok()
    })
    .as_ref()
}

fn collect_units<'a>(
    chart: &'a Chart,
    values: Node,
    parent_base: Option<&str>,
    path: &[String],
    out: &mut Vec<Unit<'a>>,
) {
    let base_path = base_path(chart, parent_base);
    for sub in &chart.subcharts {
        if crate::values::subchart_enabled(chart, sub, &values) {
            let sub_values = crate::values::for_subchart(&values, sub);
            let mut sub_path = path.to_vec();
            sub_path.push(sub.metadata.name.clone());
            collect_units(sub, sub_values, Some(&base_path), &sub_path, out);
        }
    }
    out.push(Unit {
        chart,
        values,
        base_path,
        path: path.to_vec(),
    });
}

/// The chart's `templates` directory as a template-name prefix (`mychart/templates`,
/// `mychart/charts/sub/templates`), as the loader names templates.
fn base_path(chart: &Chart, parent_base: Option<&str>) -> String {
    let expected = match parent_base {
        None => format!("{}/templates", chart.metadata.name),
        Some(p) => format!(
            "{}/charts/{}/templates",
            p.strip_suffix("/templates").unwrap_or(p),
            chart.metadata.name
        ),
    };
    let prefix = format!("{expected}/");
    if chart.templates.iter().all(|t| t.name.starts_with(&prefix)) {
        return expected;
    }
    let skip = parent_base.map_or(0, str::len);
    chart
        .templates
        .first()
        .and_then(|t| {
            let pos = t.name.get(skip..)?.find("/templates/")?;
            t.name
                .get(..skip + pos + "/templates".len())
                .map(str::to_string)
        })
        .unwrap_or(expected)
}

/// Whether a template renders on its own: `*.yaml|yml|json` not starting with `_`, and
/// `NOTES.txt` when asked.
fn is_rendered(name: &str, base_path: &str, include_notes: bool) -> bool {
    let relative = name
        .strip_prefix(base_path)
        .and_then(|r| r.strip_prefix('/'))
        .unwrap_or(name);
    let base = relative.rsplit('/').next().unwrap_or(relative);
    if base.starts_with('_') {
        return false;
    }
    if relative == "NOTES.txt" {
        return include_notes;
    }
    let ext = base.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    matches!(ext.as_deref(), Some("yaml" | "yml" | "json"))
}

/// Output bounded in size: the render fails with a write error once the cap is reached.
struct Capped {
    buf: Vec<u8>,
    max: usize,
    exceeded: bool,
}

impl io::Write for Capped {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        if self.buf.len() + data.len() > self.max {
            self.exceeded = true;
            return Err(io::Error::other("output limit reached"));
        }
        self.buf.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn template_value(name: &str, base_path: &str) -> minijinja::Value {
    minijinja::Value::from_pairs([
        ("name", minijinja::Value::from(name)),
        ("base_path", minijinja::Value::from(base_path)),
    ])
}

fn render_to_string(
    env: &minijinja::Environment<'static>,
    name: &str,
    ctx: minijinja::Value,
    limits: &Limits,
    max: usize,
) -> Result<String, (minijinja::Error, bool)> {
    shared::start_budget(limits);
    let template = env.get_template(name).map_err(|e| (e, false))?;
    let mut out = Capped {
        buf: Vec::new(),
        max,
        exceeded: false,
    };
    match template.render_captured_to(ctx, &mut out) {
        Ok(_) => Ok(String::from_utf8_lossy(&out.buf).into_owned()),
        Err(e) => Err((e, out.exceeded)),
    }
}

fn render_one(
    job: &Job,
    ctx: &context::ChartContext,
    units: &[Unit],
    plain_env: &minijinja::Environment<'static>,
    marked_env: &minijinja::Environment<'static>,
    limits: &Limits,
    lookup: &errors::Lookup,
) -> Outcome {
    let base_path = units.get(job.unit).map_or("", |u| u.base_path.as_str());
    let mut pairs: Vec<(&str, minijinja::Value)> = ctx.base.clone();
    pairs.push(("template", template_value(job.name, base_path)));
    let value = minijinja::Value::from_pairs(pairs);
    let plain = match render_to_string(
        plain_env,
        job.name,
        value.clone(),
        limits,
        limits.max_output_bytes,
    ) {
        Ok(text) => text,
        Err((e, exceeded)) => {
            let mut root = ctx.json.clone();
            root.insert(
                "template".into(),
                serde_json::json!({"name": job.name, "base_path": base_path}),
            );
            let diag = errors::diagnostic(
                &e,
                lookup,
                &root,
                exceeded.then_some(limits.max_output_bytes),
                Some(job.file),
            );
            return Outcome {
                text: None,
                origin: OriginMap::default(),
                diagnostics: diag.into_iter().collect(),
            };
        }
    };
    if plain.trim().is_empty() {
        return Outcome {
            text: None,
            origin: OriginMap::default(),
            diagnostics: Vec::new(),
        };
    }
    let fallback = OriginMap {
        lines: Vec::new(),
        fallback: Some(job.file),
    };
    let origin = match render_to_string(
        marked_env,
        job.name,
        value,
        limits,
        limits.max_output_bytes.saturating_mul(4),
    ) {
        Ok(marked) => {
            let (stripped, mut map) = markers::strip(&marked);
            if stripped == plain {
                map.fallback = Some(job.file);
                map
            } else {
                fallback
            }
        }
        Err(_) => fallback,
    };
    Outcome {
        text: Some(plain),
        origin,
        diagnostics: Vec::new(),
    }
}

#[cfg(test)]
mod tests;
