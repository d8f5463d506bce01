//! Flag handling shared by the commands: inputs, options, colour, exit status.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use super::Status;
use super::args::{CheckArgs, Color, FailOn, MatrixArgs, RenderArgs};
use crate::chart::Input;
use crate::diag::Severity;
use crate::diag::report::{self, Format, ReportOptions};
use crate::values::ValueArgs;
use crate::version::KubeVersion;
use crate::{Options, Run, Stages};

/// A problem with the command line itself: printed as `error: ...`, exit 2.
pub struct UsageError(pub String);

pub fn usage_error(e: UsageError) -> Status {
    eprintln!("error: {}", e.0);
    Status::CouldNotRun
}

pub fn kube_version(arg: Option<&str>) -> Result<KubeVersion, UsageError> {
    let Some(text) = arg else {
        return Ok(KubeVersion::NEWEST);
    };
    let embedded = || {
        let all: Vec<String> = KubeVersion::embedded()
            .map(|v| format!("{}.{}", v.major, v.minor))
            .collect();
        all.join(", ")
    };
    match KubeVersion::parse(text) {
        Some(v) if v.is_embedded() => Ok(v),
        Some(_) => Err(UsageError(format!(
            "Kubernetes {text} is not embedded in this kforge; choose one of: {}",
            embedded()
        ))),
        None => Err(UsageError(format!(
            "--kube-version {text:?} is not a version: write 1.NN or 1.NN.P (embedded: {})",
            embedded()
        ))),
    }
}

/// What standard input was read for, once it has been (`-` as an input or as `-f -`).
static STDIN_READ_FOR: std::sync::OnceLock<&'static str> = std::sync::OnceLock::new();

/// Reads standard input, once per process, as UTF-8 text; `what` says what it holds.
fn read_stdin(what: &'static str) -> Result<String, UsageError> {
    if STDIN_READ_FOR.set(what).is_err() {
        let first = STDIN_READ_FOR.get().copied().unwrap_or(what);
        return Err(UsageError(format!(
            "standard input (-) can be given only once; it already holds the {first}"
        )));
    }
    let bytes =
        crate::source::read_limited(std::io::stdin().lock(), crate::source::MAX_INPUT_BYTES)
            .map_err(|e| UsageError(format!("cannot read standard input: {e}")))?;
    String::from_utf8(bytes).map_err(|_| {
        UsageError(format!(
            "standard input is not UTF-8 text: kforge reads {what} as YAML"
        ))
    })
}

/// Turns paths into inputs; `-` reads standard input.
pub fn inputs(paths: &[PathBuf]) -> Result<Vec<Input>, UsageError> {
    let mut inputs = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" {
            let text = read_stdin("manifests")?;
            inputs.push(Input::Text {
                name: "<stdin>".into(),
                text,
            });
        } else {
            inputs.push(Input::Path(p.clone()));
        }
    }
    Ok(inputs)
}

/// The values flags; `-f -` reads standard input.
pub fn value_args(render: &RenderArgs) -> Result<ValueArgs, UsageError> {
    let stdin = if render.values.values.iter().any(|p| p.as_os_str() == "-") {
        Some(read_stdin("values (-f -)")?)
    } else {
        None
    };
    Ok(ValueArgs {
        files: render.values.values.clone(),
        stdin,
        set: render.values.set.clone(),
        set_string: render.values.set_string.clone(),
        set_file: render.values.set_file.clone(),
        set_json: render.values.set_json.clone(),
    })
}

/// The values matrix of `inputs` (`--values-matrix`, `--no-values-matrix`).
pub fn matrix_plan(args: &MatrixArgs, inputs: &[Input]) -> Result<crate::matrix::Plan, UsageError> {
    let settings = crate::matrix::Settings {
        off: args.no_values_matrix,
        globs: args.values_matrix.clone(),
    };
    crate::matrix::plan(inputs, &settings).map_err(UsageError)
}

/// Pipeline options from the render flags (and check flags when the command has them).
pub fn options(render: &RenderArgs, check: Option<&CheckArgs>) -> Result<Options, UsageError> {
    let kube_version = kube_version(render.kube_version.as_deref())?;
    for api in &render.api_versions {
        crate::helm::capabilities::check_flag(api).map_err(UsageError)?;
    }
    let mut options = Options {
        api_versions: render.api_versions.clone(),
        values: value_args(render)?,
        release_name: render.release_name.clone(),
        namespace: render.namespace.clone(),
        kube_version,
        ..Options::default()
    };
    options.budgets.objects = render.max_objects;
    if let Some(check) = check {
        options.strict = check.strict;
        options.stages = Stages {
            schema: true,
            rules: true,
            cluster: !check.no_cluster,
        };
        options.create_namespace = check.create_namespace;
        options.budgets.pods = check.max_pods;
        options.budgets.cluster_work = check.max_cluster_work;
        options.budgets.findings = check.max_findings;
        options.crd_inputs = check.crd.iter().cloned().map(Input::Path).collect();
        options.cluster_file = check.cluster.clone();
        options.config.enable.extend(check.enable.iter().cloned());
        options.config.disable.extend(check.disable.iter().cloned());
        for id in check.enable.iter().chain(&check.disable) {
            if crate::diag::registry::find(id).is_none() {
                let ids: Vec<&str> = crate::diag::registry::all().iter().map(|r| r.id).collect();
                let hint = crate::diag::did_you_mean(id, ids)
                    .map(|s| format!("; did you mean {s}?"))
                    .unwrap_or_else(|| "; `kforge rules` lists them".into());
                return Err(UsageError(format!("unknown rule {id:?}{hint}")));
            }
        }
    }
    Ok(options)
}

pub fn color_for(choice: Color, stream_is_terminal: bool) -> bool {
    match choice {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => {
            stream_is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

/// Prints findings for people on standard error (commands whose standard output is data).
pub fn report_to_stderr(run: &Run, color: Color, quiet: bool) {
    let options = ReportOptions {
        color: color_for(color, std::io::stderr().is_terminal()),
        quiet,
        elapsed: None,
        sarif_root: None,
    };
    let mut err = std::io::stderr().lock();
    let _ = report::write(Format::Human, run, &options, &mut err);
}

/// Exit status of a run: fatal problems → 2; otherwise findings at or above the fail level → 1.
pub fn status(run: &Run, strict: bool, fail_on: Option<FailOn>) -> Status {
    if run.has_fatal() {
        return Status::CouldNotRun;
    }
    let fail_on = fail_on.unwrap_or(if strict {
        FailOn::Warning
    } else {
        FailOn::Error
    });
    let failing = |s: Severity| match fail_on {
        FailOn::Never => false,
        FailOn::Error => matches!(s, Severity::Error | Severity::Fatal),
        FailOn::Warning => matches!(s, Severity::Error | Severity::Fatal | Severity::Warning),
    };
    if run
        .diagnostics
        .iter()
        .any(|d| !d.suppressed && failing(d.severity))
    {
        Status::Findings
    } else {
        Status::Clean
    }
}

/// `--config FILE`, else the `.kforge.yaml` found upwards from the first input.
pub fn config_file(check: &CheckArgs, paths: &[PathBuf]) -> Option<PathBuf> {
    check
        .config
        .clone()
        .or_else(|| crate::config::discover(&config_start(paths)))
}

/// Directory to start looking for `.kforge.yaml` from: the first path's directory.
fn config_start(paths: &[PathBuf]) -> PathBuf {
    let first = paths.iter().find(|p| p.as_os_str() != "-");
    match first {
        Some(p) if p.is_dir() => p.clone(),
        Some(p) => p
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from(".")),
        None => PathBuf::from("."),
    }
}
