//! kforge: a compiler-like pipeline for Kubernetes charts and manifests.
//!
//! ```text
//! input ─load─▶ Chart | Manifests ─values─▶ Values ─render─▶ Rendered (text + origin map)
//!       ─parse─▶ Objects ─check─▶ Findings ─report─▶ terminal / file
//! check = schema ▶ rules ▶ cluster
//! ```
//! Every stage takes data and returns data plus diagnostics; only `diag::report` writes output.
//! [`run`] drives the whole pipeline; the CLI, tests and benchmarks call it.

// Input must never panic kforge: no unwrap/expect/indexing outside tests (use get, ?, let-else).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

pub mod budget;
pub mod catalog;
pub mod chart;
pub mod check;
pub mod cli;
pub mod cluster;
pub mod config;
pub mod diag;
pub mod helm;
pub mod inputs;
pub mod matrix;
pub mod memory;
pub mod object;
pub mod package;
pub mod render;
pub mod rules;
pub mod schema;
pub mod source;
pub mod values;
pub mod version;

#[doc(hidden)]
pub mod bench;
pub mod yaml;

use chart::{Input, LoadOptions, Loaded};
use check::CheckContext;
use config::Config;
use diag::Diagnostic;
use object::Object;
use render::{RenderOptions, RenderedFile};
use source::{FileId, SourceMap};
use std::collections::HashMap;
use values::ValueArgs;
use version::KubeVersion;

/// Which check stages run after parsing.
#[derive(Clone, Copy, Debug)]
pub struct Stages {
    pub schema: bool,
    pub rules: bool,
    pub cluster: bool,
}

impl Default for Stages {
    fn default() -> Stages {
        Stages {
            schema: true,
            rules: true,
            cluster: true,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Options {
    pub values: ValueArgs,
    pub release_name: String,
    pub namespace: String,
    pub kube_version: KubeVersion,
    /// `--api-versions`: added to `.Capabilities.APIVersions` after the built-ins and the run's
    /// CRDs.
    pub api_versions: Vec<String>,
    pub include_notes: bool,
    pub stages: Stages,
    pub config: Config,
    pub strict: bool,
    pub load: LoadOptions,
    pub yaml: yaml::Limits,
    pub cluster_profile: cluster::Profile,
    pub create_namespace: bool,
    /// Files or directories of CRDs given with `--crd`.
    pub crd_inputs: Vec<Input>,
    /// `.kforge.yaml` to read at the start of the run; its settings come first, `config`'s
    /// enable/disable lists (the flags) are added after them.
    pub config_file: Option<std::path::PathBuf>,
    /// Cluster profile to read instead of `cluster_profile` (`--cluster FILE`).
    pub cluster_file: Option<std::path::PathBuf>,
    /// What the whole run may make (objects, pods, findings, scheduler work).
    pub budgets: budget::Budgets,
    /// Which inputs are checked together ([`inputs::Grouping`]).
    pub grouping: inputs::Grouping,
    /// The run's cluster ([`Run::cluster`]) is wanted whole, to print (`kforge simulate`): only
    /// then are its Endpoints made ([`cluster::check_within`]).
    pub cluster_state: bool,
    /// Only the findings are wanted, not the objects (`kforge lint`): the schemas of CRDs that
    /// no object of a run of manifests can use are dropped once each CRD is validated
    /// ([`schema::Pruning`]), and [`Run::objects`] holds those CRDs without them. Off by
    /// default: a caller of the library gets every object as written.
    pub prune_crd_schemas: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            values: ValueArgs::default(),
            release_name: "release".to_string(),
            namespace: "default".to_string(),
            kube_version: KubeVersion::NEWEST,
            api_versions: Vec::new(),
            include_notes: false,
            stages: Stages::default(),
            config: Config::default(),
            strict: false,
            load: LoadOptions::default(),
            yaml: yaml::Limits::default(),
            cluster_profile: cluster::Profile::default(),
            create_namespace: false,
            crd_inputs: Vec::new(),
            config_file: None,
            cluster_file: None,
            budgets: budget::Budgets::default(),
            grouping: inputs::Grouping::default(),
            cluster_state: false,
            prune_crd_schemas: false,
        }
    }
}

/// Everything one run produced: the texts (for reporting), the rendered files, the objects and
/// every diagnostic, sorted by location.
#[derive(Debug, Default)]
pub struct Run {
    pub sources: SourceMap,
    /// Rendered templates (charts) in render order, each with its `# Source:` name.
    pub rendered: Vec<RenderedFile>,
    pub objects: Vec<Object>,
    pub diagnostics: Vec<Diagnostic>,
    /// The cluster after the apply, when the inputs made one run; with its Endpoints only
    /// when [`Options::cluster_state`] asked for it.
    pub cluster: Option<cluster::ClusterState>,
    /// The runs the inputs were checked as, in order (one unless the inputs were grouped apart).
    pub parts: Vec<RunPart>,
    /// The values configurations the run checked, when a values matrix ran ([`matrix`]): each
    /// named by the values file that sets it apart. Empty for a run of one configuration.
    pub configurations: Vec<String>,
}

impl Run {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    pub fn has_fatal(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_fatal)
    }
}

/// One run of several (see [`inputs`]): which inputs it checked and where its results are.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunPart {
    /// The inputs, as given (`a.yaml`, `chart/`, `<stdin>`).
    pub inputs: Vec<String>,
    /// Its findings: `Run::diagnostics[findings]`.
    pub findings: std::ops::Range<usize>,
    /// Its objects: `Run::objects[objects]`.
    pub objects: std::ops::Range<usize>,
    /// The files read for it: ranges of ids of the source map.
    pub files: Vec<std::ops::Range<u32>>,
}

/// Runs the pipeline over `inputs`: load, values, render, parse, then the check stages in
/// `options.stages`. `options.grouping` says which inputs are checked together (cross-object
/// rules and the cluster see the objects of one run only); findings come run after run, each
/// run's sorted by location.
pub fn run(inputs: &[Input], options: &Options) -> Run {
    match prepare(inputs, options) {
        Ok(loaded) => finish(loaded, options),
        Err(run) => *run,
    }
}

/// A run's inputs (and `--crd` files) loaded and its settings read, before any values are
/// applied: what the configurations of a values matrix ([`matrix`]) share. [`finish`] renders
/// and checks it.
#[derive(Clone, Debug)]
pub struct LoadedRun {
    sources: SourceMap,
    diagnostics: Vec<Diagnostic>,
    inputs: Vec<LoadedInput>,
    extra_crds: Vec<Object>,
    config: Config,
    profile: cluster::Profile,
    /// The runs: indices into `inputs` ([`inputs::group`]).
    groups: Vec<Vec<usize>>,
}

#[derive(Clone, Debug)]
struct LoadedInput {
    loaded: Option<Loaded>,
    /// Loading this input or one before it failed fatally: it is not rendered (as when inputs
    /// were loaded and their values read one after the other).
    fatal_so_far: bool,
    /// A values file applied to this chart before the user's `-f` files (a matrix configuration).
    values_file: Option<std::path::PathBuf>,
    /// How the input is named in per-run summaries.
    name: String,
    /// The ids of the files loading it read.
    files: std::ops::Range<u32>,
    /// What loading it found: reported with its run.
    diagnostics: Vec<Diagnostic>,
}

impl LoadedRun {
    /// How many files were read: they have the same ids in every run finished from a clone.
    pub fn shared_files(&self) -> usize {
        self.sources.len()
    }

    /// The chart input `input` loaded as, if it is a chart.
    pub fn chart(&self, input: usize) -> Option<&chart::Chart> {
        match self.inputs.get(input)?.loaded.as_ref()? {
            Loaded::Chart(chart) => Some(chart),
            Loaded::Manifests(_) => None,
        }
    }

    /// Renders the chart of `input` with `file` under the user's values (as the first `-f`).
    pub fn set_values_file(&mut self, input: usize, file: std::path::PathBuf) {
        if let Some(i) = self.inputs.get_mut(input) {
            i.values_file = Some(file);
        }
    }
}

/// Reads the settings and loads every input and `--crd` file. `Err` holds the finished run when
/// the settings are unusable (see [`settings`]).
pub fn prepare(inputs: &[Input], options: &Options) -> Result<LoadedRun, Box<Run>> {
    let mut run = Run::default();
    let Some((config, profile)) = settings(options, &mut run) else {
        return Err(Box::new(run));
    };
    // A chart's kubeVersion is checked against the version the run targets.
    let mut load_options = LoadOptions {
        kube_version: options.kube_version,
        ..options.load.clone()
    };
    load_options.recommendations = config.is_enabled(&catalog::chart::MISSING_ICON)
        || config.is_enabled(&catalog::chart::MISSING_VALUES);
    if let Some(exclude) = inputs::walk::Exclude::of_config(&config) {
        load_options.walk.exclude = Some(std::sync::Arc::new(exclude));
    }
    let mut loaded_inputs = Vec::with_capacity(inputs.len());
    let mut fatal_so_far = false;
    for input in inputs {
        let first_file = run.sources.len() as u32;
        let (loaded, diags) = chart::load(input, &load_options, &mut run.sources);
        fatal_so_far |= diags.iter().any(Diagnostic::is_fatal);
        loaded_inputs.push(LoadedInput {
            loaded,
            fatal_so_far,
            values_file: None,
            name: inputs::display(input),
            files: first_file..run.sources.len() as u32,
            diagnostics: diags,
        });
    }
    let mut crd_files = Vec::new();
    for input in &options.crd_inputs {
        let (loaded, diags) = chart::load(input, &options.load, &mut run.sources);
        run.diagnostics.extend(diags);
        if let Some(Loaded::Manifests(files)) = loaded {
            crd_files.extend(files);
        }
    }
    let (extra_crds, diags) = object::parse(&run.sources, &crd_files, &options.yaml);
    run.diagnostics.extend(diags);
    config::apply(&config, &extra_crds, &run.sources, &mut run.diagnostics);
    sort_diagnostics(&run.sources, &mut run.diagnostics);
    Ok(LoadedRun {
        groups: inputs::group(inputs, options.grouping),
        sources: run.sources,
        diagnostics: run.diagnostics,
        inputs: loaded_inputs,
        extra_crds,
        config,
        profile,
    })
}

/// Values, render, parse and the check stages in `options.stages`, over loaded inputs: run
/// after run ([`inputs`]), each run's findings sorted by location.
pub fn finish(loaded: LoadedRun, options: &Options) -> Run {
    let LoadedRun {
        sources,
        diagnostics,
        inputs,
        extra_crds,
        config,
        profile,
        groups,
    } = loaded;
    let mut run = Run {
        sources,
        diagnostics,
        ..Run::default()
    };
    let strict = options.strict || config.strict;
    let mut inputs: Vec<Option<LoadedInput>> = inputs.into_iter().map(Some).collect();
    let mut documents = 0;
    for members in groups {
        let group: Vec<LoadedInput> = members
            .iter()
            .filter_map(|&i| inputs.get_mut(i).and_then(Option::take))
            .collect();
        let first_file = run.sources.len() as u32;
        let mut part = RunPart {
            inputs: group.iter().map(|i| i.name.clone()).collect(),
            findings: run.diagnostics.len()..0,
            objects: run.objects.len()..0,
            files: group.iter().map(|i| i.files.clone()).collect(),
        };
        let mut diagnostics = Vec::new();
        for input in &group {
            diagnostics.extend(input.diagnostics.iter().cloned());
        }
        let settings = (&config, extra_crds.as_slice(), strict);
        let (files, parsed_crds) = values_and_render(
            group,
            options,
            settings,
            &mut run,
            &mut diagnostics,
            options.budgets.objects.saturating_sub(documents),
        );
        // Counted before parsing: a template loop can emit more objects than memory holds.
        // The CRD files were counted when they were parsed (their texts are released).
        documents += files
            .iter()
            .map(|&f| match parsed_crds.get(&f) {
                Some(crds) => crds.documents,
                None => yaml::document_count(run.sources.text(f)),
            })
            .sum::<usize>();
        let over_budget = documents > options.budgets.objects;
        if over_budget {
            diagnostics.push(budget::exceeded(
                format!("the inputs hold {documents} YAML documents to check as objects"),
                options.budgets.objects,
                "--max-objects",
            ));
        } else {
            let parsed = parse_releasing(&mut run.sources, &files, &options.yaml, parsed_crds);
            let (objects, diags) =
                object::parse_reusing(&run.sources, &files, &options.yaml, parsed);
            append(&mut diagnostics, diags);
            let ctx = CheckContext {
                sources: &run.sources,
                objects: &objects,
                kube_version: options.kube_version,
                release_namespace: &options.namespace,
                config: &config,
                strict,
                extra_crds: &extra_crds,
                create_namespace: options.create_namespace,
            };
            let (found, state) = check_stages(&ctx, options, &profile);
            append(&mut diagnostics, found);
            diag::label_value_origins(&run.sources, &mut diagnostics);
            config::apply(&config, &objects, &run.sources, &mut diagnostics);
            run.cluster = state;
            // Moved, not copied, into an empty run: a copy touches fresh pages as large as
            // the objects' vector (issue 19: ~50 page faults on the CRD-heavy corpus).
            append(&mut run.objects, objects);
        }
        sort_diagnostics(&run.sources, &mut diagnostics);
        check::follow_lost_objects(&run.sources, &mut diagnostics);
        append(&mut run.diagnostics, diagnostics);
        part.findings.end = run.diagnostics.len();
        part.objects.end = run.objects.len();
        part.files.push(first_file..run.sources.len() as u32);
        run.parts.push(part);
        if over_budget {
            break;
        }
    }
    if run.parts.len() > 1 {
        // Each run's cluster is its own; none stands for all of them.
        run.cluster = None;
    }
    budget::cap_findings(&mut run.diagnostics, options.budgets.findings);
    run
}

/// `to.extend(more)`, but an empty `to` takes `more`'s allocation instead of copying it.
fn append<T>(to: &mut Vec<T>, mut more: Vec<T>) {
    if to.is_empty() {
        *to = more;
    } else {
        to.append(&mut more);
    }
}

/// Values and render for the inputs of one run: the files to parse as objects, and those
/// already parsed (CRDs, and rendered outputs parsed during the render, at most
/// `documents_left` documents). Everything is loaded (and each chart's subcharts chosen)
/// before anything renders: the CRDs of the whole run are part of `.Capabilities.APIVersions`
/// in every chart of it.
fn values_and_render(
    group: Vec<LoadedInput>,
    options: &Options,
    (config, extra_crds, strict): (&Config, &[Object], bool),
    run: &mut Run,
    diagnostics: &mut Vec<Diagnostic>,
    documents_left: usize,
) -> (Vec<FileId>, HashMap<FileId, ParsedCrds>) {
    let mut files: Vec<FileId> = Vec::new();
    let loaded_inputs = prepare_inputs(group, options, run, diagnostics);
    let (api_versions, mut parsed_crds) = run_api_versions(
        &loaded_inputs,
        extra_crds,
        options,
        (config, strict),
        &mut run.sources,
    );
    // The outputs are parsed into objects as they are rendered, up to the documents the run
    // may still parse: past that the parse stage reports the budget.
    let objects = helm::render::ObjectParse::new(&options.yaml, documents_left);
    for prepared in loaded_inputs {
        match prepared {
            Prepared::Chart(prepared) => {
                let PreparedChart {
                    chart,
                    values,
                    loaded,
                    user,
                    ahead,
                } = *prepared;
                if options.stages.schema {
                    diagnostics.extend(schema::check_values(&chart, &values, &run.sources));
                }
                let render_options = RenderOptions {
                    release_name: options.release_name.clone(),
                    namespace: options.namespace.clone(),
                    revision: 1,
                    is_upgrade: false,
                    kube_version: options.kube_version,
                    api_versions: api_versions.clone(),
                    include_notes: options.include_notes,
                };
                // Which values the render read is judged with the values' schema (`kforge
                // template` runs neither, and renders without recording reads).
                let (rendered, diags, reads, parsed) = render::render_ahead(
                    &chart,
                    &values,
                    &render_options,
                    &mut run.sources,
                    ahead,
                    options.stages.schema,
                    Some(&objects),
                );
                for p in parsed {
                    let documents = p.documents;
                    parsed_crds.insert(
                        p.file,
                        ParsedCrds {
                            parsed: p.parsed,
                            documents,
                        },
                    );
                }
                if let Some(reads) = reads {
                    let judging = values::unused::Judging {
                        strict,
                        render_failed: diags.iter().any(Diagnostic::is_error),
                        config: Some(config),
                    };
                    diagnostics.extend(values::unused::check(
                        &loaded,
                        &user,
                        &values,
                        &reads,
                        judging,
                        &run.sources,
                    ));
                }
                diagnostics.extend(diags);
                files.extend(crds_of(&chart));
                // NOTES.txt is text for people, not manifests.
                files.extend(rendered.iter().filter(|r| !r.is_notes()).map(|r| r.file));
                run.rendered.extend(rendered);
                // The values trees are freed on the pool while this thread goes on.
                let trees = (chart, values, loaded, user);
                rayon::spawn(move || memory::dispose(trees));
            }
            Prepared::Manifests(manifests) => files.extend(manifests),
        }
    }
    (files, parsed_crds)
}

/// Each input of a run with its values read and its subcharts chosen (a chart's templates
/// parsed meanwhile): what [`values_and_render`] renders.
fn prepare_inputs(
    group: Vec<LoadedInput>,
    options: &Options,
    run: &mut Run,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Prepared> {
    let mut loaded_inputs = Vec::new();
    let mut values_fatal = false;
    for input in group {
        match input.loaded {
            Some(Loaded::Chart(chart)) => {
                let values_args = match input.values_file {
                    Some(file) => {
                        let mut args = options.values.clone();
                        args.files.insert(0, file);
                        std::borrow::Cow::Owned(args)
                    }
                    None => std::borrow::Cow::Borrowed(&options.values),
                };
                let mut diags = Vec::new();
                // The second core parses the templates while the first reads the values.
                let jobs = match helm::engine::declared(&chart, &mut Vec::new()) {
                    _ if input.fatal_so_far => Vec::new(),
                    Some(helm::engine::Engine::Jinja) => Vec::new(),
                    _ => helm::render::parse_ahead(&chart, &run.sources),
                };
                let ((rendered_chart, values, user), ahead) = rayon::join(
                    || chart_values(&chart, &values_args, run, &mut diags),
                    || helm::render::parse_files(jobs),
                );
                values_fatal |= diags.iter().any(Diagnostic::is_fatal);
                let fatal_since_loading = values_fatal;
                diagnostics.extend(diags);
                // A chart whose values could not be read (or anything fatal before it) is not
                // rendered with wrong values.
                if !input.fatal_so_far && !fatal_since_loading {
                    loaded_inputs.push(Prepared::Chart(Box::new(PreparedChart {
                        chart: rendered_chart,
                        values,
                        loaded: *chart,
                        user,
                        ahead,
                    })));
                }
            }
            Some(Loaded::Manifests(manifests)) => {
                loaded_inputs.push(Prepared::Manifests(manifests))
            }
            None => {}
        }
    }
    loaded_inputs
}

/// Parses `files` a few at a time, dropping the texts of each batch that can be read again
/// from disk once its objects are made, so that the texts of parsed files make room for the
/// trees of the next (issue 19): afterwards only files findings point into are read again.
/// Files already parsed with the run's CRDs (`crds`) are not parsed again.
/// [`object::parse_reusing`] then takes the objects in order.
fn parse_releasing(
    sources: &mut SourceMap,
    files: &[FileId],
    limits: &yaml::Limits,
    crds: HashMap<FileId, ParsedCrds>,
) -> HashMap<FileId, object::Parsed> {
    let mut done: HashMap<FileId, object::Parsed> =
        crds.into_iter().map(|(f, c)| (f, c.parsed)).collect();
    let mut todo: Vec<FileId> = files
        .iter()
        .copied()
        .filter(|f| !done.contains_key(f))
        .collect();
    todo.sort_unstable();
    todo.dedup();
    let whole = todo.iter().map(|&f| sources.text(f).len()).sum();
    parse_in_batches(sources, &todo, limits, whole, &|_, _| {}, |file, parsed| {
        done.insert(file, parsed);
    });
    done
}

/// Enough text per parse batch for both cores to share it ([`parse_in_batches`]).
const BATCH_BYTES: usize = 1 << 20;

/// Parses `files` (sorted, distinct) in batches of about a megabyte of text, both cores
/// sharing each batch, and releases each batch's texts once its objects are made: the texts
/// of the parsed files make room for the trees of the next batch (issue 19). `whole`: the
/// bytes of text the run parses into trees, these files and those it parses later: what the
/// trees' huge pages and arena are for. `ahead` sees each file's objects before `take` does,
/// on both cores, while the batch's texts are still at hand ([`schema::Pruning`]).
fn parse_in_batches(
    sources: &mut SourceMap,
    files: &[FileId],
    limits: &yaml::Limits,
    whole: usize,
    ahead: &(dyn Fn(&SourceMap, &mut object::Parsed) + Sync),
    mut take: impl FnMut(FileId, object::Parsed),
) {
    use rayon::prelude::*;
    let mut parse = || {
        let mut batch = Vec::new();
        let mut bytes = 0;
        for (i, &file) in files.iter().enumerate() {
            batch.push(file);
            bytes += sources.text(file).len();
            if bytes < BATCH_BYTES && i + 1 < files.len() {
                continue;
            }
            let mut parsed = object::parse_each(sources, &batch, limits);
            let texts: &SourceMap = sources;
            parsed.par_iter_mut().for_each(|p| ahead(texts, p));
            for (&file, parsed) in batch.iter().zip(parsed) {
                take(file, parsed);
            }
            sources.release_texts(&batch);
            batch.clear();
            bytes = 0;
        }
    };
    // The trees of a megabyte of YAML fill several megabytes, densely, and live to the end of
    // the run: huge pages for them (fewer page faults, issue 19); a few small files would
    // only round their pages up to 2 MiB.
    if whole >= BATCH_BYTES && !files.is_empty() {
        memory::with_huge_pages(whole, parse);
    } else {
        parse();
    }
}

/// The three check stages only read `ctx`: they run concurrently, and their findings are
/// joined in a fixed order (schema, rules, cluster) before the final sort.
fn check_stages(
    ctx: &CheckContext,
    options: &Options,
    profile: &cluster::Profile,
) -> (Vec<Diagnostic>, Option<cluster::ClusterState>) {
    let stages = options.stages;
    let ((schema_found, rules_found), cluster_result) = rayon::join(
        || {
            rayon::join(
                || stages.schema.then(|| schema::check(ctx)),
                || stages.rules.then(|| rules::check(ctx)),
            )
        },
        || {
            stages.cluster.then(|| match options.cluster_state {
                true => cluster::apply_within(ctx, profile, &options.budgets),
                false => cluster::check_within(ctx, profile, &options.budgets),
            })
        },
    );
    let (schema_found, rules_found) = (
        schema_found.unwrap_or_default(),
        rules_found.unwrap_or_default(),
    );
    let (state, cluster_found) = match cluster_result {
        Some((s, diags)) => (Some(s), diags),
        None => (None, Vec::new()),
    };
    // One vector sized for all three (or the one that holds any): appended one by one, it
    // was grown (and copied) twice (issue 19: ~40 page faults of the rendered corpus's ~300
    // findings).
    let parts = [schema_found, rules_found, cluster_found];
    if parts.iter().filter(|p| !p.is_empty()).count() <= 1 {
        let found = parts
            .into_iter()
            .find(|p| !p.is_empty())
            .unwrap_or_default();
        return (found, state);
    }
    let mut found = Vec::with_capacity(parts.iter().map(Vec::len).sum());
    for part in parts {
        found.extend(part);
    }
    (found, state)
}

/// Reads the configuration and cluster profile files named in `options` into the run. `None`
/// when either is unusable (its fatal diagnostics are in the run): checking with the wrong
/// settings would report wrong findings.
fn settings(options: &Options, run: &mut Run) -> Option<(Config, cluster::Profile)> {
    let mut config = options.config.clone();
    if let Some(path) = &options.config_file {
        match config::load(path, &mut run.sources) {
            Ok(mut from_file) => {
                // Flags are more specific than the file: `--enable X` beats the file's
                // `disable: [X]`, and `--disable X` its `enable: [X]`.
                let (flags_on, flags_off) = (&options.config.enable, &options.config.disable);
                from_file.disable.retain(|id| !flags_on.contains(id));
                from_file.enable.retain(|id| !flags_off.contains(id));
                from_file.enable.extend(flags_on.iter().cloned());
                from_file.disable.extend(flags_off.iter().cloned());
                config = from_file;
            }
            Err(diags) => {
                run.diagnostics.extend(diags);
                return None;
            }
        }
    }
    let profile = match &options.cluster_file {
        Some(path) => match cluster::Profile::load(path, &mut run.sources) {
            Ok(p) => p,
            Err(diags) => {
                run.diagnostics.extend(diags);
                return None;
            }
        },
        None => options.cluster_profile.clone(),
    };
    Some((config, profile))
}

/// The chart as it renders, its values, and the user's values alone (`-f`, `--set`). A Helm
/// chart (any chart not declared Jinja) loses the subcharts its dependencies' `condition`/`tags`
/// disable before values are coalesced, as in Helm, so their defaults never reach `.Values`.
fn chart_values(
    chart: &chart::Chart,
    value_args: &ValueArgs,
    run: &mut Run,
    diags: &mut Vec<Diagnostic>,
) -> (chart::Chart, yaml::Node, yaml::Node) {
    let user = values::user_values(value_args, &mut run.sources, diags);
    let given = user.clone();
    let mut scratch = Vec::new();
    let sources = &run.sources;
    // Choosing the subcharts and coalescing for the render read the same values files.
    let (chart, values) = values::parse_once(|| {
        let chart = match helm::engine::declared(chart, &mut scratch) {
            Some(helm::engine::Engine::Jinja) => chart.clone(),
            _ => helm::deps::enabled_only(chart, &user, sources),
        };
        let values = values::coalesce(&chart, user, sources, diags);
        (chart, values)
    });
    (chart, values, given)
}

/// An input after loading: a chart with its subcharts chosen and its values coalesced, or
/// manifest files.
enum Prepared {
    Chart(Box<PreparedChart>),
    Manifests(Vec<FileId>),
}

/// A chart ready to render: as it renders (disabled subcharts dropped) with its merged values,
/// and as loaded with the user's values alone (what `values/unknown-key` judges).
struct PreparedChart {
    chart: chart::Chart,
    values: yaml::Node,
    loaded: chart::Chart,
    user: yaml::Node,
    /// Its template files, parsed while its values were read.
    ahead: helm::render::Preparsed,
}

/// A file parsed before the parse stage (a file that mentions a CRD, before the charts render;
/// a rendered output, as it was rendered): its objects, and how many YAML documents it holds
/// (counted while its text was at hand: a CRD file's is released once parsed).
struct ParsedCrds {
    parsed: object::Parsed,
    documents: usize,
}

/// `.Capabilities.APIVersions` for every chart of the run: the built-ins, the CRDs in charts'
/// `crds/`, in manifest inputs and in `--crd` files, then `--api-versions`. Only files that
/// mention a CRD are parsed here, once: the parse stage takes them from what this returns.
/// Their texts are released as they are parsed (CRD files are the largest a run has: holding
/// every text and every CRD tree at once was the heap's peak on CRD-heavy input), and the
/// schemas of CRDs no object of the run can use are dropped as soon as each is validated
/// ([`schema::Pruning`]).
fn run_api_versions(
    inputs: &[Prepared],
    extra_crds: &[Object],
    options: &Options,
    (config, strict): (&Config, bool),
    sources: &mut SourceMap,
) -> (Vec<String>, HashMap<FileId, ParsedCrds>) {
    let mut files = Vec::new();
    for input in inputs {
        match input {
            Prepared::Chart(prepared) => files.extend(crds_of(&prepared.chart)),
            Prepared::Manifests(manifests) => files.extend(manifests),
        }
    }
    files.retain(|&f| sources.text(f).contains("CustomResourceDefinition"));
    files.sort_unstable();
    files.dedup();
    let mut documents: HashMap<FileId, usize> = files
        .iter()
        .map(|&f| (f, yaml::document_count(sources.text(f))))
        .collect();
    // A run of manifests alone parses everything else right after these, with nothing in
    // between: their trees go where the others' will (huge pages, the trees' arena) even when
    // they are less than a batch (issue 19: the rendered corpus's two CRD files, 0.86 MB,
    // were ~330 page faults of 4 KiB in the main heap). A chart renders in between: not then.
    let whole = if inputs.iter().all(|i| matches!(i, Prepared::Manifests(_))) {
        let mut all: Vec<FileId> = inputs
            .iter()
            .flat_map(|i| match i {
                Prepared::Manifests(manifests) => manifests.as_slice(),
                Prepared::Chart(_) => &[],
            })
            .copied()
            .collect();
        all.sort_unstable();
        all.dedup();
        all.iter().map(|&f| sources.text(f).len()).sum()
    } else {
        files.iter().map(|&f| sources.text(f).len()).sum()
    };
    // Without a file holding a CRD there is nothing to prune, nor to scan the texts for.
    let pruning = (!files.is_empty())
        .then(|| crd_pruning(inputs, options, sources))
        .flatten();
    let ahead = |sources: &SourceMap, parsed: &mut object::Parsed| {
        if let Some(pruning) = &pruning {
            let ctx = ahead_context(sources, options, (config, strict));
            pruning.prune(options.stages.schema.then_some(&ctx), parsed);
        }
    };
    let mut parsed = HashMap::with_capacity(files.len());
    parse_in_batches(
        sources,
        &files,
        &options.yaml,
        whole,
        &ahead,
        |file, objects| {
            let documents = documents.remove(&file).unwrap_or(0);
            parsed.insert(
                file,
                ParsedCrds {
                    parsed: objects,
                    documents,
                },
            );
        },
    );
    let crds: Vec<&Object> = parsed
        .values()
        .flat_map(|crds| &crds.parsed.0)
        .chain(extra_crds)
        .collect();
    let versions =
        helm::capabilities::api_versions(options.kube_version, &crds, &options.api_versions);
    (versions, parsed)
}

/// Which CRDs may lose their schemas once validated ([`schema::Pruning`]): only when the
/// caller asks ([`Options::prune_crd_schemas`]), and in a run of manifests alone (a chart's
/// objects are not known before it renders).
fn crd_pruning(
    inputs: &[Prepared],
    options: &Options,
    sources: &SourceMap,
) -> Option<schema::Pruning> {
    if !options.prune_crd_schemas {
        return None;
    }
    let mut texts = Vec::new();
    for input in inputs {
        match input {
            Prepared::Manifests(files) => texts.extend(files.iter().map(|&f| sources.text(f))),
            Prepared::Chart(_) => return None,
        }
    }
    schema::Pruning::scan(&texts)
}

/// What the schema stage would be given, for validating a CRD before its schemas are pruned.
fn ahead_context<'a>(
    sources: &'a SourceMap,
    options: &'a Options,
    (config, strict): (&'a Config, bool),
) -> CheckContext<'a> {
    CheckContext {
        sources,
        objects: &[],
        kube_version: options.kube_version,
        release_namespace: &options.namespace,
        config,
        strict,
        extra_crds: &[],
        create_namespace: options.create_namespace,
    }
}

fn crds_of(chart: &chart::Chart) -> Vec<FileId> {
    let mut files = chart.crds.clone();
    for sub in &chart.subcharts {
        files.extend(crds_of(sub));
    }
    files
}

/// Orders findings by where they are reported (file, line, column), then rule and message, so
/// output never depends on the order stages or threads produced them.
pub fn sort_diagnostics(sources: &SourceMap, diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by_cached_key(|d| {
        let loc = d.primary.as_ref().map(|l| sources.locate(l.span));
        (
            loc.as_ref().map(|l| (l.path.clone(), l.line, l.column)),
            d.rule.id,
            d.message.clone(),
        )
    });
}
