//! The values matrix: chart-testing's convention that a chart's `ci/*-values.yaml` files are the
//! configurations it must work in. `kforge lint ./chart` checks the chart with its defaults and
//! then once with each of those files, and reports every finding once, with the configurations
//! it holds in.
//!
//! - A configuration is the chart's defaults, then one matrix file, then the user's own `-f` and
//!   `--set` values (as `ct lint` runs `helm lint chart --values ci/x-values.yaml` followed by
//!   its `--helm-lint-extra-args`). Unlike `ct`, the defaults alone are a configuration too:
//!   it is what `kforge lint` checks without a matrix, and what `kforge template` renders.
//! - Loading is done once ([`crate::prepare`]); each configuration is finished from a copy of
//!   the loaded inputs, in parallel. Files read by every configuration keep their ids.
//! - [`merge`] joins the runs into one for the reporters: a finding found the same way in
//!   several configurations is reported once, listing them (see `merge.rs` for why).
//! - Only chart directories have a matrix: in a `.tgz` the `ci/` folder is usually left out by
//!   `.helmignore`, and a plain manifest has no values.

mod merge;

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::chart::Input;
use crate::{Options, Run};

/// The files of chart-testing's convention, relative to the chart directory.
pub const DEFAULT_GLOB: &str = "ci/*-values.yaml";

/// The name of the configuration without a matrix file: the chart's own `values.yaml` (with the
/// user's `-f` and `--set`, which every configuration has).
pub const DEFAULTS: &str = "defaults";

/// Deepest folder level searched for a `--values-matrix` pattern inside a chart.
const MAX_DEPTH: usize = 16;

/// Which files make up the matrix (the `--values-matrix` and `--no-values-matrix` flags).
#[derive(Clone, Debug, Default)]
pub struct Settings {
    /// No matrix: only the default configuration.
    pub off: bool,
    /// Glob patterns relative to each chart directory; empty means [`DEFAULT_GLOB`].
    pub globs: Vec<String>,
}

/// The matrix files found for each chart input, relative to its directory (`/`-separated).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    charts: Vec<(usize, Vec<String>)>,
}

impl Plan {
    /// Whether any chart has a configuration beyond its defaults.
    pub fn is_empty(&self) -> bool {
        self.charts.iter().all(|(_, files)| files.is_empty())
    }

    /// The matrix files of input `input`, relative to its chart directory.
    pub fn files_of(&self, input: usize) -> &[String] {
        self.charts
            .iter()
            .find(|(i, _)| *i == input)
            .map(|(_, f)| f.as_slice())
            .unwrap_or_default()
    }
}

/// Finds the matrix files of every chart directory among `inputs`. An explicit pattern that is
/// not a valid glob, or that matches no file in any chart, is an error (a typo would otherwise
/// silently check nothing more).
pub fn plan(inputs: &[Input], settings: &Settings) -> Result<Plan, String> {
    if settings.off {
        return Ok(Plan::default());
    }
    let explicit = !settings.globs.is_empty();
    let patterns: Vec<String> = if explicit {
        settings.globs.clone()
    } else {
        vec![DEFAULT_GLOB.to_string()]
    };
    let mut builder = globset::GlobSetBuilder::new();
    for pattern in &patterns {
        let relative = Path::new(pattern);
        if relative.is_absolute()
            || relative
                .components()
                .any(|c| matches!(c, std::path::Component::ParentDir))
        {
            return Err(format!(
                "--values-matrix {pattern:?}: patterns are relative to the chart directory and stay inside it"
            ));
        }
        let glob = globset::GlobBuilder::new(pattern.trim_start_matches("./"))
            .literal_separator(true)
            .build()
            .map_err(|e| format!("--values-matrix {pattern:?} is not a glob pattern: {e}"))?;
        builder.add(glob);
    }
    let set = builder
        .build()
        .map_err(|e| format!("--values-matrix: {e}"))?;
    let roots = walk_roots(&patterns);
    let mut plan = Plan::default();
    let mut charts = 0;
    for (index, input) in inputs.iter().enumerate() {
        let Some(dir) = chart_dir(input) else {
            continue;
        };
        charts += 1;
        let files = matching(&dir, &roots, &set);
        if !files.is_empty() {
            plan.charts.push((index, files));
        }
    }
    if explicit && charts > 0 && plan.is_empty() {
        return Err(format!(
            "--values-matrix {} matches no file: patterns are relative to the chart directory (quote them, or the shell expands them first)",
            patterns.join(" ")
        ));
    }
    Ok(plan)
}

/// The chart directory an input names: a folder with a `Chart.yaml`, or that `Chart.yaml`.
fn chart_dir(input: &Input) -> Option<PathBuf> {
    let Input::Path(path) = input else {
        return None;
    };
    let dir = if path.file_name().is_some_and(|n| n == "Chart.yaml") && path.is_file() {
        match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        }
    } else {
        path.clone()
    };
    (dir.is_dir() && dir.join("Chart.yaml").is_file()).then_some(dir)
}

/// The folders (relative to the chart) worth walking for `patterns`: each pattern's leading
/// folders without glob characters (`ci` for `ci/*-values.yaml`), so that the default does not
/// read the whole chart and its vendored subcharts. Nested roots are dropped.
fn walk_roots(patterns: &[String]) -> Vec<PathBuf> {
    let mut roots: Vec<PathBuf> = patterns
        .iter()
        .map(|pattern| {
            let pattern = pattern.trim_start_matches("./");
            let parts: Vec<&str> = pattern.split('/').collect();
            let folders = parts.len().saturating_sub(1);
            parts
                .iter()
                .take(folders)
                .take_while(|part| !part.contains(['*', '?', '[', '{', '\\']))
                .collect::<PathBuf>()
        })
        .collect();
    roots.sort();
    roots.dedup();
    let all = roots.clone();
    roots.retain(|root| {
        !all.iter()
            .any(|other| other != root && root.starts_with(other))
    });
    roots
}

/// The files under `dir`'s `roots` whose `/`-separated path relative to `dir` matches, sorted.
fn matching(dir: &Path, roots: &[PathBuf], set: &globset::GlobSet) -> Vec<String> {
    let mut found: Vec<String> = roots
        .iter()
        .flat_map(|root| {
            walkdir::WalkDir::new(dir.join(root))
                .max_depth(MAX_DEPTH)
                .into_iter()
                .filter_entry(|e| e.depth() == 0 || e.file_name() != ".git")
                .filter_map(Result::ok)
        })
        .filter(|e| e.path().is_file())
        .filter_map(|e| {
            let relative = e.path().strip_prefix(dir).ok()?;
            let parts: Vec<String> = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            Some(parts.join("/"))
        })
        .filter(|relative| set.is_match(relative))
        .collect();
    found.sort();
    found.dedup();
    found
}

/// Runs every configuration of `plan` and joins them (see the module docs). Without matrix
/// files this is [`crate::run`].
pub fn run(inputs: &[Input], options: &Options, plan: &Plan) -> Run {
    let loaded = match crate::prepare(inputs, options) {
        Ok(p) => p,
        Err(run) => return *run,
    };
    let mut extra: Vec<(usize, String)> = Vec::new();
    for (index, files) in &plan.charts {
        let Some(chart) = loaded.chart(*index) else {
            continue;
        };
        extra.extend(files.iter().map(|f| (*index, join(&chart.display_path, f))));
    }
    // No copy of the loaded inputs without a matrix: the run is exactly `crate::run`'s.
    if extra.is_empty() {
        return crate::finish(loaded, options);
    }
    let shared = loaded.shared_files();
    let mut others = Vec::with_capacity(extra.len());
    for (index, name) in extra {
        let mut configuration = loaded.clone();
        configuration.set_values_file(index, PathBuf::from(&name));
        others.push((name, configuration));
    }
    let mut jobs = vec![(DEFAULTS.to_string(), loaded)];
    jobs.extend(others);
    let (names, jobs): (Vec<String>, Vec<crate::LoadedRun>) = jobs.into_iter().unzip();
    let runs: Vec<Run> = jobs
        .into_par_iter()
        .map(|p| crate::finish(p, options))
        .collect();
    merge::merge(runs, names, shared)
}

/// A path inside a chart as the loader names the chart's own files.
fn join(chart: &str, relative: &str) -> String {
    if chart.is_empty() || chart == "." {
        relative.to_string()
    } else {
        format!("{chart}/{relative}")
    }
}

#[cfg(test)]
mod tests;
