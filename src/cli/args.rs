//! The command line, as clap definitions. Shared flag groups are flattened into each command.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::diag::report::Format;

#[derive(Parser, Debug)]
#[command(
    name = "kforge",
    version,
    about = "Lint, render, simulate and package Kubernetes charts and manifests, offline",
    long_about = "kforge checks Helm-style charts (Jinja templates) and plain Kubernetes manifests the way a \
                  cluster would: YAML, API schemas of the target Kubernetes version, cross-object rules, and a \
                  dry-run apply to an in-memory cluster. Every finding points at the template line that caused it.",
    after_help = "Exit codes: 0 no errors, 1 errors found, 2 could not run."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check charts, archives or manifests and report every problem
    ///
    /// A chart directory with `ci/*-values.yaml` files (chart-testing's convention) is checked in
    /// each configuration: its defaults, then each of those files over the defaults, every one
    /// with your -f and --set on top. A finding is reported once, naming the configurations it
    /// holds in when that is not all of them.
    Lint(LintArgs),
    /// Render a chart and print the manifests with `# Source:` headers
    ///
    /// Only the default configuration is rendered: `ci/*-values.yaml` files (which `kforge lint`
    /// checks too) are not applied; pass one with -f to render it.
    Template(TemplateArgs),
    /// Apply the manifests to an in-memory cluster and show the result
    Simulate(SimulateArgs),
    /// Lint a chart and write a byte-reproducible `<name>-<version>.tgz`
    Package(PackageArgs),
    /// List the rules, or explain one
    Rules(RulesArgs),
    /// Show the schema of a kind or field, like `kubectl explain`, offline
    Explain(ExplainArgs),
    /// Create a new chart that lints clean
    Init(InitArgs),
    /// Print a shell completion script
    Completions(CompletionsArgs),
}

/// Values flags, as in Helm.
#[derive(Args, Debug, Clone, Default)]
pub struct ValuesArgs {
    /// Values file (YAML; - reads standard input); may repeat, later files win
    #[arg(short = 'f', long = "values", value_name = "FILE")]
    pub values: Vec<PathBuf>,
    /// Set values: a.b=c,d[0]=e (types inferred)
    #[arg(long = "set", value_name = "KEY=VAL")]
    pub set: Vec<String>,
    /// Set values, always as strings
    #[arg(long = "set-string", value_name = "KEY=VAL")]
    pub set_string: Vec<String>,
    /// Set a value to the content of a file: key=path
    #[arg(long = "set-file", value_name = "KEY=PATH")]
    pub set_file: Vec<String>,
    /// Set values from JSON: key={"a":1}
    #[arg(long = "set-json", value_name = "KEY=JSON")]
    pub set_json: Vec<String>,
}

/// How the chart is rendered.
#[derive(Args, Debug, Clone)]
pub struct RenderArgs {
    #[command(flatten)]
    pub values: ValuesArgs,
    /// Release name seen by templates
    #[arg(long, default_value = "release", value_name = "NAME")]
    pub release_name: String,
    /// Release namespace: where objects without a namespace land
    #[arg(short = 'n', long, default_value = "default", value_name = "NS")]
    pub namespace: String,
    /// Target Kubernetes version (1.NN or 1.NN.P); default: the newest embedded
    #[arg(long, value_name = "VERSION")]
    pub kube_version: Option<String>,
    /// Add to .Capabilities.APIVersions: group/version or group/version/Kind; may repeat or
    /// be comma-separated (served built-ins and the run's CRDs are always there)
    #[arg(short = 'a', long, value_name = "API", value_delimiter = ',')]
    pub api_versions: Vec<String>,
    /// Most YAML documents (objects) one run parses; more ends the run with exit code 2
    #[arg(long, value_name = "N", default_value_t = crate::budget::Budgets::default().objects)]
    pub max_objects: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Never,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

/// How findings are reported.
#[derive(Args, Debug, Clone)]
pub struct ReportArgs {
    /// Report format; may repeat, each paired with the --output that follows it
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Vec<Format>,
    /// Write the preceding --format to FILE instead of standard output
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Vec<PathBuf>,
    /// Colour in human output
    #[arg(long, value_enum, default_value = "auto")]
    pub color: Color,
    /// Only errors; no summary
    #[arg(short, long)]
    pub quiet: bool,
    /// Make SARIF paths relative to DIR (default: the git root)
    #[arg(long, value_name = "DIR")]
    pub sarif_root: Option<PathBuf>,
}

/// The values matrix: which values files make the configurations a chart is linted in.
#[derive(Args, Debug, Clone, Default)]
pub struct MatrixArgs {
    /// Lint each chart once per values file matching GLOB (relative to the chart directory;
    /// quote it) instead of ci/*-values.yaml; may repeat
    #[arg(long, value_name = "GLOB")]
    pub values_matrix: Vec<String>,
    /// Lint only the default configuration, not each ci/*-values.yaml
    #[arg(long, conflicts_with = "values_matrix")]
    pub no_values_matrix: bool,
}

/// Which checks run and how strictly.
#[derive(Args, Debug, Clone)]
pub struct CheckArgs {
    /// Warnings fail the run too, and closed-world rules become errors
    #[arg(long)]
    pub strict: bool,
    /// Lowest severity that makes the exit code 1
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub fail_on: Option<FailOn>,
    /// Configuration file (default: .kforge.yaml found upwards from the input)
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Enable a rule that is off by default; may repeat
    #[arg(long, value_name = "RULE")]
    pub enable: Vec<String>,
    /// Disable a rule; may repeat
    #[arg(long, value_name = "RULE")]
    pub disable: Vec<String>,
    /// CustomResourceDefinitions from elsewhere (file or directory); may repeat
    #[arg(long, value_name = "PATH")]
    pub crd: Vec<PathBuf>,
    /// Skip the dry-run apply to the in-memory cluster
    #[arg(long)]
    pub no_cluster: bool,
    /// Cluster profile (YAML): nodes, NodePort range, service CIDR, existing objects
    #[arg(long, value_name = "FILE")]
    pub cluster: Option<PathBuf>,
    /// Create the release namespace before applying
    #[arg(long)]
    pub create_namespace: bool,
    /// Most pods the in-memory cluster creates from workloads; more ends the run with exit code 2
    #[arg(long, value_name = "N", default_value_t = crate::budget::Budgets::default().pods)]
    pub max_pods: usize,
    /// Most scheduler steps (pods times the nodes each is tried on); more ends the run with exit code 2
    #[arg(long, value_name = "N", default_value_t = crate::budget::Budgets::default().cluster_work)]
    pub max_cluster_work: u64,
    /// Most findings reported; more ends the run with exit code 2
    #[arg(long, value_name = "N", default_value_t = crate::budget::Budgets::default().findings)]
    pub max_findings: usize,
}

#[derive(Args, Debug)]
pub struct LintArgs {
    /// Chart directories, .tgz archives, manifest files or directories, or - for stdin
    #[arg(value_name = "PATH", required_unless_present = "changed")]
    pub paths: Vec<PathBuf>,
    /// The paths are changed files (as pre-commit passes them): lint the chart each one belongs
    /// to, once per chart, and the plain manifests among the rest; other files are skipped
    #[arg(long)]
    pub changed: bool,
    #[command(flatten)]
    pub render: RenderArgs,
    #[command(flatten)]
    pub matrix: MatrixArgs,
    #[command(flatten)]
    pub check: CheckArgs,
    #[command(flatten)]
    pub report: ReportArgs,
}

#[derive(Args, Debug)]
pub struct TemplateArgs {
    /// Chart directory or .tgz archive
    #[arg(value_name = "CHART")]
    pub chart: PathBuf,
    #[command(flatten)]
    pub render: RenderArgs,
    /// Only print these templates (e.g. templates/service.yaml); may repeat
    #[arg(short = 's', long, value_name = "TEMPLATE")]
    pub show_only: Vec<String>,
    /// Write each rendered template under DIR instead of printing
    #[arg(long, value_name = "DIR")]
    pub output_dir: Option<PathBuf>,
    /// Render templates/NOTES.txt too
    #[arg(long)]
    pub notes: bool,
    /// Colour in diagnostics
    #[arg(long, value_enum, default_value = "auto")]
    pub color: Color,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SimulateOutput {
    /// Like `kubectl get all -o wide`
    Wide,
    /// Every object with the defaults the API server applies
    Yaml,
    /// The whole cluster state as JSON
    Json,
}

#[derive(Args, Debug)]
pub struct SimulateArgs {
    /// Chart directories, .tgz archives, manifest files or directories, or - for stdin
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub render: RenderArgs,
    #[command(flatten)]
    pub check: CheckArgs,
    /// What to print
    #[arg(short = 'o', long = "output", value_enum, default_value = "wide")]
    pub output: SimulateOutput,
    /// Colour in diagnostics
    #[arg(long, value_enum, default_value = "auto")]
    pub color: Color,
}

#[derive(Args, Debug)]
pub struct PackageArgs {
    /// Chart directory
    #[arg(value_name = "CHART")]
    pub chart: PathBuf,
    /// Where to write the archive
    #[arg(short = 'd', long, default_value = ".", value_name = "DIR")]
    pub destination: PathBuf,
    /// Set the chart version in the archive
    #[arg(long, value_name = "VERSION")]
    pub version: Option<String>,
    /// Set the appVersion in the archive
    #[arg(long, value_name = "VERSION")]
    pub app_version: Option<String>,
    /// Package even when lint finds errors
    #[arg(long)]
    pub skip_lint: bool,
    #[command(flatten)]
    pub render: RenderArgs,
    /// Colour in diagnostics
    #[arg(long, value_enum, default_value = "auto")]
    pub color: Color,
}

#[derive(Args, Debug)]
pub struct RulesArgs {
    /// A rule id (e.g. rules/service-target-port) to explain
    #[arg(value_name = "RULE")]
    pub rule: Option<String>,
    /// Print the rule table as Markdown
    #[arg(long)]
    pub markdown: bool,
}

#[derive(Args, Debug)]
pub struct ExplainArgs {
    /// KIND or KIND.field.path, e.g. deployment.spec.strategy
    #[arg(value_name = "FIELD")]
    pub field: String,
    /// Kubernetes version of the schema (default: the newest embedded)
    #[arg(long, value_name = "VERSION")]
    pub kube_version: Option<String>,
    /// API group/version, when a kind exists in several (e.g. autoscaling/v2)
    #[arg(long, value_name = "GROUP/VERSION")]
    pub api_version: Option<String>,
    /// Show every nested field
    #[arg(long)]
    pub recursive: bool,
}

#[derive(Args, Debug)]
pub struct InitArgs {
    /// Name of the chart; also the directory created
    #[arg(value_name = "NAME")]
    pub name: String,
}

#[derive(Args, Debug)]
pub struct CompletionsArgs {
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}
