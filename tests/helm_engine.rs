//! Which engine renders a chart: the declaration in Chart.yaml, else Helm (Go templates), else
//! Jinja with a warning when the templates are not Go templates but compile as Jinja.

use std::sync::Arc;

use kforge::chart::{FileTree, load_tree};
use kforge::diag::Diagnostic;
use kforge::render::{RenderOptions, render};
use kforge::source::SourceMap;
use kforge::version::KubeVersion;

fn options() -> RenderOptions {
    RenderOptions {
        release_name: "release".into(),
        namespace: "default".into(),
        revision: 1,
        is_upgrade: false,
        kube_version: KubeVersion::parse("1.36").unwrap(),
        api_versions: vec!["v1".into(), "apps/v1".into()],
        include_notes: false,
    }
}

/// Renders a chart made of `files`; returns each rendered file (`# Source:` name and text) and
/// the diagnostics as `rule: message`.
fn render_chart(files: &[(&str, &str)]) -> (Vec<(String, String)>, Vec<String>, Vec<Diagnostic>) {
    let tree = FileTree {
        files: files
            .iter()
            .map(|(k, v)| (k.to_string(), Arc::from(v.as_bytes())))
            .collect(),
    };
    let mut sources = SourceMap::new();
    let (chart, diags) = load_tree(tree, "web", &mut sources);
    assert!(diags.iter().all(|d| !d.is_error()), "{diags:#?}");
    let chart = chart.unwrap();
    let (values, _) = kforge::values::merge(Some(&chart), &Default::default(), &mut sources);
    let (rendered, diags) = render(&chart, &values, &options(), &mut sources);
    let rendered = rendered
        .iter()
        .map(|r| (r.template.clone(), sources.text(r.file).to_string()))
        .collect();
    let messages = diags
        .iter()
        .map(|d| format!("{}: {}", d.rule.id, d.message))
        .collect();
    (rendered, messages, diags)
}

const CHART: &str = "apiVersion: v2\nname: web\nversion: 1.0.0\nappVersion: \"2.1\"\n";
const JINJA_CHART: &str =
    "apiVersion: v2\nname: web\nversion: 1.0.0\nannotations:\n  kforge.dev/engine: jinja\n";

#[test]
fn a_chart_without_declaration_is_a_helm_chart() {
    let (rendered, messages, _) = render_chart(&[
        ("Chart.yaml", CHART),
        ("values.yaml", "port: 8080\nbig: 1000000\n"),
        (
            "templates/_helpers.tpl",
            "{{- define \"web.name\" -}}{{ .Chart.Name }}-{{ .Release.Name }}{{- end -}}\n",
        ),
        (
            "templates/cm.yaml",
            "kind: ConfigMap\nmetadata:\n  name: {{ include \"web.name\" . }}\ndata:\n  port: {{ .Values.port | quote }}\n  big: {{ .Values.big }}\n  app: {{ .Chart.AppVersion }}\n  kube: {{ .Capabilities.KubeVersion.Minor }}\n  apps: {{ .Capabilities.APIVersions.Has \"apps/v1\" }}\n  tpl: {{ .Template.Name }}\n",
        ),
    ]);
    assert_eq!(messages, Vec::<String>::new());
    assert_eq!(
        rendered,
        vec![(
            "web/templates/cm.yaml".to_string(),
            "kind: ConfigMap\nmetadata:\n  name: web-release\ndata:\n  port: \"8080\"\n  big: 1e+06\n  app: 2.1\n  kube: 36\n  apps: true\n  tpl: web/templates/cm.yaml\n".to_string()
        )]
    );
}

#[test]
fn a_declared_jinja_chart_renders_as_jinja_without_warning() {
    let (rendered, messages, _) = render_chart(&[
        ("Chart.yaml", JINJA_CHART),
        ("values.yaml", "port: 8080\n"),
        (
            "templates/cm.yaml",
            "kind: ConfigMap\ndata:\n  port: {{ values.port | quote }}\n  name: {{ release.name }}\n",
        ),
    ]);
    assert_eq!(messages, Vec::<String>::new());
    assert_eq!(
        rendered,
        vec![(
            "web/templates/cm.yaml".to_string(),
            "kind: ConfigMap\ndata:\n  port: \"8080\"\n  name: release\n".to_string()
        )]
    );
}

#[test]
fn an_undeclared_jinja_chart_renders_as_jinja_with_one_warning() {
    let (rendered, messages, diags) = render_chart(&[
        ("Chart.yaml", CHART),
        ("values.yaml", "port: 8080\n"),
        (
            "templates/a.yaml",
            "kind: ConfigMap\ndata:\n  port: {{ values.port }}\n",
        ),
        (
            "templates/b.yaml",
            "kind: Secret\n{% if values.port %}data: {}{% endif %}\n",
        ),
    ]);
    assert_eq!(
        messages,
        vec![
            "render/undeclared-engine: chart \"web\" is rendered as kforge Jinja: its templates are not Go templates, and Chart.yaml does not declare an engine"
        ]
    );
    assert_eq!(
        diags[0].help.as_deref(),
        Some("add to Chart.yaml:\nannotations:\n  kforge.dev/engine: jinja")
    );
    assert_eq!(rendered.len(), 2);
    assert_eq!(rendered[0].1, "kind: ConfigMap\ndata:\n  port: 8080\n");
}

#[test]
fn a_chart_that_is_neither_reports_go_errors_and_how_to_switch() {
    let (rendered, messages, diags) = render_chart(&[
        ("Chart.yaml", CHART),
        (
            "templates/a.yaml",
            "kind: ConfigMap\ndata:\n  port: {{ .Values.port | nope }}\n",
        ),
        ("templates/b.yaml", "kind: Secret\n{% if x %}\n"),
    ]);
    assert!(rendered.is_empty());
    assert_eq!(
        messages,
        vec![
            "render/syntax: parse error at (web/templates/a.yaml:3): function \"nope\" not defined"
        ]
    );
    assert_eq!(
        diags[0].help.as_deref(),
        Some(
            "the chart was rendered as a Helm chart (Go templates); if it is a kforge Jinja chart, add to Chart.yaml:\nannotations:\n  kforge.dev/engine: jinja"
        )
    );
}

#[test]
fn an_unknown_engine_name_is_an_error_and_the_chart_is_read_as_helm() {
    let (rendered, messages, _) = render_chart(&[
        (
            "Chart.yaml",
            "apiVersion: v2\nname: web\nversion: 1.0.0\nannotations:\n  kforge.dev/engine: jinga\n",
        ),
        (
            "templates/a.yaml",
            "kind: ConfigMap\nname: {{ .Release.Name }}\n",
        ),
    ]);
    assert_eq!(
        messages,
        vec![
            "render/unknown-engine: Chart.yaml annotation kforge.dev/engine is \"jinga\"; kforge knows \"helm\" and \"jinja\""
        ]
    );
    assert_eq!(
        rendered,
        vec![(
            "web/templates/a.yaml".to_string(),
            "kind: ConfigMap\nname: release\n".to_string()
        )]
    );
}

// Files that cannot define templates are parsed while the templates before them execute
// (helm::render::can_defer); what a chart renders must not show it.

#[test]
fn a_parse_error_in_a_later_file_renders_nothing_and_names_every_failing_file() {
    // Helm's order is reverse alphabetical: z.yaml and y.yaml execute before m.yaml and a.yaml.
    let (rendered, messages, _) = render_chart(&[
        ("Chart.yaml", CHART),
        (
            "templates/z.yaml",
            "kind: ConfigMap\nname: {{ .Release.Name }}\n",
        ),
        (
            "templates/y.yaml",
            "kind: Secret\nname: {{ .Chart.Name }}\n",
        ),
        (
            "templates/m.yaml",
            "kind: ConfigMap\nname: {{ .Values.x | nope }}\n",
        ),
        ("templates/a.yaml", "kind: ConfigMap\n{{ if }}\n"),
    ]);
    assert!(rendered.is_empty(), "{rendered:?}");
    assert_eq!(
        messages,
        vec![
            "render/syntax: parse error at (web/templates/m.yaml:2): function \"nope\" not defined",
            "render/syntax: parse error at (web/templates/a.yaml:2): missing value for if",
        ]
    );
}

#[test]
fn a_later_file_included_by_name_before_its_turn_renders() {
    let (rendered, messages, _) = render_chart(&[
        ("Chart.yaml", CHART),
        (
            "templates/z.yaml",
            "kind: Deployment\nchecksum: {{ include (print $.Template.BasePath \"/a.yaml\") . | sha256sum | trunc 8 }}\n",
        ),
        (
            "templates/a.yaml",
            "kind: ConfigMap\nname: {{ .Release.Name }}\n",
        ),
    ]);
    assert_eq!(messages, Vec::<String>::new());
    assert_eq!(
        rendered,
        vec![
            (
                "web/templates/a.yaml".to_string(),
                "kind: ConfigMap\nname: release\n".to_string()
            ),
            (
                "web/templates/z.yaml".to_string(),
                "kind: Deployment\nchecksum: 7d8e6226\n".to_string()
            ),
        ]
    );
}

#[test]
fn a_define_in_a_later_template_file_is_seen_by_the_earlier_ones() {
    let (rendered, messages, _) = render_chart(&[
        ("Chart.yaml", CHART),
        (
            "templates/z.yaml",
            "kind: ConfigMap\nname: {{ template \"x\" }}\n",
        ),
        (
            "templates/a.yaml",
            "{{- /* a comment */ -}}\n{{- define \"x\" }}from-a{{ end -}}\nkind: Secret\n",
        ),
    ]);
    assert_eq!(messages, Vec::<String>::new());
    assert_eq!(rendered[1].1, "kind: ConfigMap\nname: from-a\n");
}
