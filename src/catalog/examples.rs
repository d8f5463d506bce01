//! Every rule's documented examples, run for real: the failing example must report exactly that
//! rule (other findings only where [`ALSO`] says why), the passing example must not report it.
//! The examples are what `kforge rules ID`, docs/rules.md and SARIF show, so a wrong example is a
//! wrong doc. Each rule goes through the entry point its example is written for ([`entry`]); a
//! rule whose example cannot run here says why in [`Entry::Exempt`].

use super::*;
use crate::chart::Input;
use crate::diag::Diagnostic;
use crate::version::KubeVersion;
use crate::{Options, run};
use std::path::Path;

/// How an example is fed to kforge.
enum Entry {
    /// A manifest stream (`kforge lint file.yaml`), checked by the stage of the rule's prefix
    /// alone (`yaml/*` and `object/*` by none): later stages report some mistakes in their own
    /// words (a Service's nodePort range is both `rules/nodeport` and `cluster/nodeport-range`),
    /// and each stage's example is about that stage.
    Manifest,
    /// Files listed one per line (`web/Chart.yaml`, `charts/redis/values.yaml   # comment`):
    /// see [`file_listing`].
    FileListing,
    /// Chart.yaml of a chart with one ConfigMap template; `base` puts apiVersion, name and
    /// version first (the example shows only the fields it is about).
    ChartYaml { base: bool },
    /// Chart.yaml of a chart whose template is kforge Jinja, undeclared unless the example
    /// declares it.
    ChartYamlOfJinja,
    /// `templates/example.yaml` of a kforge Jinja chart with [`JINJA_VALUES`].
    JinjaTemplate,
    /// A values file given with `-f` to a chart with one ConfigMap template.
    ValuesFile,
    /// `values.yaml` of a chart whose values.schema.json wants an integer `replicaCount`.
    ValuesWithSchema,
    /// The chart's values.schema.json.
    ValuesSchema,
    /// Command-line value flags (`--set a=b --set c=d`), shell-quoted by spaces.
    Flags,
    /// `.kforge.yaml` of a run over a valid manifest.
    ConfigFile,
    /// A cluster profile (`--cluster FILE`) for a run over a valid manifest.
    ClusterProfile,
    /// `kforge lint PATH [# comment]`, run where [`lint_scene`] laid out the paths it names.
    Lint,
    /// Files of a chart, each after a `# file: PATH` line (a ConfigMap template is added).
    ChartFiles,
    /// Cannot run here; the reason is the documentation of why.
    Exempt(&'static str),
    /// A new rule nobody has said how to run yet: the test fails until [`entry`] does.
    Unknown,
}

fn entry(id: &str) -> Entry {
    match id {
        "chart/invalid-dependency" => Entry::ChartYaml { base: true },
        "chart/missing-chart-yaml" | "chart/no-templates" | "chart/missing-values" => {
            Entry::FileListing
        }
        "chart/missing-dependency" => Entry::ChartYaml { base: true },
        "chart/lock-out-of-sync"
        | "chart/lock-version-mismatch"
        | "chart/undeclared-dependency"
        | "chart/template-extension"
        | "render/lookup" => Entry::ChartFiles,
        "yaml/document-too-large" => Entry::Exempt(
            "the failing example is prose (a 16 MiB document); yaml/tests.rs and tests/limits.rs \
             cross the limit with a small one",
        ),
        "render/undeclared-engine" => Entry::ChartYamlOfJinja,
        "render/unknown-engine" => Entry::ChartYaml { base: false },
        "values/schema" => Entry::ValuesWithSchema,
        "values/schema-invalid" => Entry::ValuesSchema,
        "values/not-a-map"
        | "values/file-unreadable"
        | "values/unknown-key"
        | "values/no-effect" => Entry::ValuesFile,
        "values/set-syntax" | "values/set-conflict" => Entry::Flags,
        "config/invalid" => Entry::ConfigFile,
        "cluster/profile" => Entry::ClusterProfile,
        "input/not-found" | "input/empty" | "input/chart-template" | "input/kustomization" => {
            Entry::Lint
        }
        "input/unreadable" => Entry::Exempt(
            "`mode 000` does not stop a process running as root (as CI does); tests/chart_load.rs \
             and tests/limits.rs give the rule a file over the size limit instead",
        ),
        "input/not-text" => Entry::Exempt(
            "the example describes a PNG renamed to .yaml; tests/chart_load.rs reads \
             tests/fixtures/chartvals/binary.yaml",
        ),
        "package/chart-yaml"
        | "package/corrupt"
        | "package/ignore-pattern"
        | "package/layout"
        | "package/limit"
        | "package/symlink-escape"
        | "package/unreadable"
        | "package/unsafe-entry"
        | "package/unsafe-name"
        | "package/write" => Entry::Exempt(
            "package examples are shell commands that build archives and directories; \
             tests/package_*.rs build each case with the tar crate and real directories",
        ),
        "run/limit" => Entry::Exempt(
            "a million pods is the point of the example and too much work for a unit test; \
             budget.rs's tests and tests/gate.rs cross the budgets with small ones",
        ),
        _ => match id.split_once('/').map(|p| p.0) {
            Some("chart") => Entry::ChartYaml { base: false },
            Some("render") => Entry::JinjaTemplate,
            Some("yaml" | "object" | "schema" | "rules" | "cluster") => Entry::Manifest,
            _ => Entry::Unknown,
        },
    }
}

/// Findings a failing example also gives besides its own rule, and why that is right.
const ALSO: &[(&str, &[&str], &str)] = &[
    (
        "chart/invalid-dependency",
        &["chart/missing-dependency"],
        "the example shows only the dependencies, which are not vendored under charts/",
    ),
    (
        "schema/range",
        &["schema/required"],
        "the example shows only spec.replicas of a Deployment, without selector and template",
    ),
    (
        "schema/unknown-field",
        &["schema/required"],
        "the example shows only spec.replica of a Deployment, without selector and template",
    ),
];

/// Rules whose passing example is a fragment that other rules find fault with (only its own
/// rule must stay silent on it); every other passing example gives no finding at all.
const FRAGMENTS: &[(&[&str], &str)] = &[
    (
        &["chart/invalid-dependency"],
        "the dependencies are not vendored under charts/",
    ),
    (
        &["chart/missing-chart-yaml"],
        "the listed subchart has no templates (chart/no-templates)",
    ),
    (
        &[
            "render/error",
            "render/limit",
            "render/required",
            "render/syntax",
            "render/undefined",
        ],
        "the template is the line the rule is about, not a whole object",
    ),
    (
        &[
            "schema/range",
            "schema/unknown-field",
            "schema/unknown-kind",
        ],
        "the object shows only the fields the rule is about",
    ),
    (
        &["yaml/alias-limit", "yaml/too-deep"],
        "the document is about YAML structure, not a Kubernetes object",
    ),
];

/// The Kubernetes version an example is written for (default: the newest embedded).
fn kube_version(id: &str) -> KubeVersion {
    let minor = match id {
        "schema/deprecated-api" => 25,
        "schema/removed-api" => 33,
        _ => return KubeVersion::NEWEST,
    };
    KubeVersion {
        major: 1,
        minor,
        patch: 0,
    }
}

const BASE_CHART: &str = "apiVersion: v2\nname: web\nversion: 1.0.0\n";
const CONFIG_MAP: &str =
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: b\n";
/// The chart the values examples (`-f` files, `--set` flags) are given to: its template reads
/// every key those examples set (a key nothing reads is `values/unknown-key`), and
/// `metrics.interval` only under `if .Values.metrics.enabled` (`values/no-effect`).
const VALUES_DEFAULTS: &str = "replicaCount: 1\nreplicas: 1\nimage:\n  repository: nginx\n  tag: \"1.0\"\nmetrics:\n  enabled: false\n  interval: 30s\n";
const VALUES_TEMPLATE: &str = r#"apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  replicaCount: {{ .Values.replicaCount | quote }}
  replicas: {{ .Values.replicas | quote }}
  image: {{ printf "%s:%s" .Values.image.repository .Values.image.tag | quote }}
{{- if .Values.metrics.enabled }}
  interval: {{ .Values.metrics.interval | quote }}
{{- end }}
"#;
const JINJA_CHART: &str =
    "apiVersion: v2\nname: web\nversion: 1.0.0\nannotations:\n  kforge.dev/engine: jinja\n";
/// What the render examples read: `values.replicas`, `values.persistence`, `values.image.tag`,
/// `values.a`; `values.password` is left unset on purpose.
const JINJA_VALUES: &str = "replicas: 3\npersistence: false\nimage:\n  tag: \"1.0\"\na: x\n";

fn write(dir: &Path, files: &[(&str, &str)]) {
    for (name, text) in files {
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(path, text).unwrap();
    }
}

/// Lays out what the `input/*` examples name, relative to the directory they run in.
fn lint_scene(dir: &Path) {
    write(
        dir,
        &[
            ("chart/Chart.yaml", BASE_CHART),
            ("chart/templates/cm.yaml", CONFIG_MAP),
            ("docs/README.md", "# docs\n"),
            ("manifests/deployment.yaml", CONFIG_MAP),
            (
                "overlays/prod/kustomization.yaml",
                "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [../../manifests]\n",
            ),
        ],
    );
}

/// What kforge reports on the example.
fn findings(rule: &Rule, entry: &Entry, example: &str) -> Vec<Diagnostic> {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let mut options = Options {
        kube_version: kube_version(rule.id),
        ..Options::default()
    };
    options.load.kube_version = options.kube_version;
    // A rule that is off by default is on for its own example, and only for it.
    options.config.enable = vec![rule.id.to_string()];
    let chart = root.join("chart");
    let inputs = match entry {
        Entry::Manifest => {
            let stage = rule.id.split_once('/').map_or("", |p| p.0);
            options.stages = crate::Stages {
                schema: stage == "schema",
                rules: stage == "rules",
                cluster: stage == "cluster",
            };
            vec![Input::Text {
                name: "example.yaml".to_string(),
                text: example.to_string(),
            }]
        }
        Entry::ChartYaml { base } => {
            let chart_yaml = if *base {
                format!("{BASE_CHART}{example}")
            } else {
                example.to_string()
            };
            vendor_present_dependencies(&chart, example);
            write(
                &chart,
                &[
                    ("Chart.yaml", &chart_yaml),
                    ("templates/cm.yaml", CONFIG_MAP),
                ],
            );
            vec![Input::Path(chart)]
        }
        Entry::ChartYamlOfJinja => {
            let template =
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ release.name }}\n";
            write(
                &chart,
                &[("Chart.yaml", example), ("templates/cm.yaml", template)],
            );
            vec![Input::Path(chart)]
        }
        Entry::JinjaTemplate => {
            write(
                &chart,
                &[
                    ("Chart.yaml", JINJA_CHART),
                    ("values.yaml", JINJA_VALUES),
                    ("templates/example.yaml", example),
                ],
            );
            vec![Input::Path(chart)]
        }
        Entry::ValuesFile => {
            write(
                &chart,
                &[
                    ("Chart.yaml", BASE_CHART),
                    ("values.yaml", VALUES_DEFAULTS),
                    ("templates/cm.yaml", VALUES_TEMPLATE),
                ],
            );
            // `-f NAME   # comment`: the file that exists is named in the comment, or is the
            // example's content itself.
            if let Some(flag) = example.strip_prefix("-f ") {
                let (name, comment) = flag.split_once('#').unwrap_or((flag, ""));
                let existing = comment
                    .trim()
                    .strip_prefix("the file is ")
                    .unwrap_or(name.trim());
                write(root, &[(existing, "replicas: 2\n")]);
                options.values.files = vec![root.join(name.trim())];
            } else {
                write(root, &[("values-example.yaml", example)]);
                options.values.files = vec![root.join("values-example.yaml")];
            }
            vec![Input::Path(chart)]
        }
        Entry::ValuesWithSchema => {
            let schema =
                r#"{"type": "object", "properties": {"replicaCount": {"type": "integer"}}}"#;
            write(
                &chart,
                &[
                    ("Chart.yaml", BASE_CHART),
                    ("values.yaml", example),
                    ("values.schema.json", schema),
                    ("templates/cm.yaml", CONFIG_MAP),
                ],
            );
            vec![Input::Path(chart)]
        }
        Entry::ValuesSchema => {
            write(
                &chart,
                &[
                    ("Chart.yaml", BASE_CHART),
                    ("values.schema.json", example),
                    ("templates/cm.yaml", CONFIG_MAP),
                ],
            );
            vec![Input::Path(chart)]
        }
        Entry::Flags => {
            write(
                &chart,
                &[
                    ("Chart.yaml", BASE_CHART),
                    ("values.yaml", VALUES_DEFAULTS),
                    ("templates/cm.yaml", VALUES_TEMPLATE),
                ],
            );
            let words: Vec<&str> = example.split_whitespace().collect();
            for pair in words.chunks(2) {
                match pair {
                    ["--set", value] => options.values.set.push(value.to_string()),
                    _ => panic!("{}: cannot read the flags {example:?}", rule.id),
                }
            }
            vec![Input::Path(chart)]
        }
        Entry::ConfigFile => {
            write(root, &[(".kforge.yaml", example)]);
            options.config_file = Some(root.join(".kforge.yaml"));
            vec![Input::Text {
                name: "example.yaml".to_string(),
                text: CONFIG_MAP.to_string(),
            }]
        }
        Entry::ClusterProfile => {
            write(root, &[("cluster.yaml", example)]);
            options.cluster_file = Some(root.join("cluster.yaml"));
            vec![Input::Text {
                name: "example.yaml".to_string(),
                text: CONFIG_MAP.to_string(),
            }]
        }
        Entry::Lint => {
            lint_scene(root);
            let command = example.split('#').next().unwrap_or("");
            let path = command
                .trim()
                .strip_prefix("kforge lint ")
                .unwrap_or_else(|| panic!("{}: not a lint command: {example:?}", rule.id));
            // Paths into the repository's own examples are read from the repository.
            let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
            let base = if repo.join(path).exists() { repo } else { root };
            vec![Input::Path(base.join(path))]
        }
        Entry::FileListing => vec![Input::Path(file_listing(root, example))],
        Entry::ChartFiles => {
            write(&chart, &[("templates/cm.yaml", CONFIG_MAP)]);
            for part in example.split("# file: ").filter(|p| !p.is_empty()) {
                let (path, text) = part.split_once('\n').unwrap_or((part, ""));
                write(&chart, &[(path.trim(), text)]);
            }
            vec![Input::Path(chart)]
        }
        Entry::Exempt(_) | Entry::Unknown => unreachable!(),
    };
    run(&inputs, &options).diagnostics
}

/// Writes the files an example lists (`# comments` dropped): a `Chart.yaml` gets a chart named
/// after its folder, any other file a ConfigMap. The chart to lint is the listing's top folder
/// when that is a chart; otherwise the listing is inside a chart made around it.
fn file_listing(root: &Path, example: &str) -> std::path::PathBuf {
    for line in example.lines() {
        let path = line.split('#').next().unwrap_or("").trim();
        if path.is_empty() {
            continue;
        }
        let text = match path.strip_suffix("Chart.yaml") {
            Some(folder) => {
                let name = folder
                    .trim_end_matches('/')
                    .rsplit('/')
                    .next()
                    .unwrap_or("");
                format!("apiVersion: v2\nname: {name}\nversion: 1.0.0\n")
            }
            None => CONFIG_MAP.to_string(),
        };
        write(root, &[(path, &text)]);
    }
    let top = example.split('/').next().unwrap_or("");
    if root.join(top).join("Chart.yaml").exists() {
        return root.join(top);
    }
    write(
        root,
        &[
            ("Chart.yaml", BASE_CHART),
            ("templates/cm.yaml", CONFIG_MAP),
        ],
    );
    root.to_path_buf()
}

#[test]
fn every_rule_reports_its_failing_example_and_not_its_passing_one() {
    let mut problems = Vec::new();
    let mut ran = 0;
    for rule in all() {
        let entry = entry(rule.id);
        if let Entry::Exempt(reason) = entry {
            assert!(!reason.is_empty());
            continue;
        }
        if let Entry::Unknown = entry {
            problems.push(format!(
                "{}: no entry point for its examples: say in src/catalog/examples.rs::entry how \
                 to run them, or exempt the rule with the reason",
                rule.id
            ));
            continue;
        }
        ran += 1;
        let also: &[&str] = ALSO
            .iter()
            .find(|(id, _, _)| *id == rule.id)
            .map_or(&[], |(_, also, _)| also);
        let found = findings(rule, &entry, rule.failing);
        // A finding on an object says where and on which object (the reporters need both).
        if let Entry::Manifest = entry {
            for d in found.iter().filter(|d| d.rule.id == rule.id) {
                let on_object = ["schema/", "rules/", "cluster/"]
                    .iter()
                    .any(|p| rule.id.starts_with(p));
                if d.primary.is_none() || (on_object && d.object.is_none()) {
                    problems.push(format!(
                        "{}: finding without a location or object: {d:?}",
                        rule.id
                    ));
                }
            }
        }
        let failing: Vec<&str> = found.iter().map(|d| d.rule.id).collect();
        let others: Vec<&str> = failing
            .iter()
            .copied()
            .filter(|id| *id != rule.id && !also.contains(id))
            .collect();
        if !failing.contains(&rule.id) || !others.is_empty() {
            problems.push(format!("{}: failing example gives {failing:?}", rule.id));
        }
        let passing: Vec<&str> = findings(rule, &entry, rule.passing)
            .iter()
            .map(|d| d.rule.id)
            .collect();
        let fragment = FRAGMENTS.iter().any(|(ids, _)| ids.contains(&rule.id));
        if !passing.is_empty() && !fragment {
            problems.push(format!(
                "{}: passing example is not clean: {passing:?}",
                rule.id
            ));
        }
        if passing.contains(&rule.id) {
            problems.push(format!("{}: passing example gives {passing:?}", rule.id));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // Most rules run; exemptions stay the exception.
    assert!(ran * 10 >= all().len() * 8, "only {ran} rules ran");
}

/// Vendors what a dependency example says is present (`# charts/redis-18.1.0.tgz present`) as a
/// packaged chart of that name and version.
fn vendor_present_dependencies(chart: &Path, example: &str) {
    for line in example.lines() {
        let Some(file) = line
            .split_once('#')
            .and_then(|(_, c)| c.trim().strip_suffix(" present"))
        else {
            continue;
        };
        let archive = file.trim_start_matches("charts/");
        let stem = archive.trim_end_matches(".tgz");
        let (name, version) = stem.rsplit_once('-').unwrap();
        let mut tree = crate::chart::FileTree::default();
        tree.files.insert(
            "Chart.yaml".to_string(),
            format!("apiVersion: v2\nname: {name}\nversion: {version}\n")
                .into_bytes()
                .into(),
        );
        tree.files.insert(
            "templates/cm.yaml".to_string(),
            CONFIG_MAP
                .replace("name: settings", &format!("name: {name}"))
                .into_bytes()
                .into(),
        );
        let bytes = crate::package::write_archive(&tree, name, &Default::default());
        std::fs::create_dir_all(chart.join("charts")).unwrap();
        std::fs::write(chart.join(file), bytes).unwrap();
    }
}
