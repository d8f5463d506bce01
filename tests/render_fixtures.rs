//! The render stage on fixture charts: the four broken charts of issue 2, each reported (or
//! traced) at the template file, line and column that caused it.

use std::path::Path;
use std::sync::Arc;

use kforge::chart::{Chart, ChartMetadata, FileTree, Input, LoadOptions, Loaded, Template};
use kforge::render::{RenderOptions, RenderedFile, render};
use kforge::source::{SourceKind, SourceMap, Span};
use kforge::version::KubeVersion;
use kforge::yaml::{self, Node};

fn options() -> RenderOptions {
    RenderOptions {
        release_name: "release".into(),
        namespace: "default".into(),
        revision: 1,
        is_upgrade: false,
        kube_version: KubeVersion::NEWEST,
        api_versions: Vec::new(),
        include_notes: false,
    }
}

fn parse_yaml(sources: &mut SourceMap, name: String, text: String) -> Node {
    let file = sources.add(name, text, SourceKind::Values);
    let (docs, diags) = yaml::parse_stream(sources, file, &yaml::Limits::default());
    assert!(diags.iter().all(|d| !d.is_error()), "{diags:#?}");
    docs.into_iter()
        .next()
        .and_then(|d| d.root)
        .unwrap_or_else(|| Node::new(yaml::Value::Map(Default::default()), Span::default()))
}

/// The chart and its values: through the loader once it exists, else read here.
fn load(dir: &str) -> (SourceMap, Chart, Node) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/render")
        .join(dir);
    let mut sources = SourceMap::new();
    if let (Some(Loaded::Chart(chart)), _) = kforge::chart::load(
        &Input::Path(root.clone()),
        &LoadOptions::default(),
        &mut sources,
    ) {
        let (values, _) = kforge::values::merge(Some(&chart), &Default::default(), &mut sources);
        return (sources, *chart, values);
    }
    let mut files = FileTree::default();
    let mut templates = Vec::new();
    let mut paths: Vec<_> = walkdir::WalkDir::new(&root)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .collect();
    paths.sort_by(|a, b| a.path().cmp(b.path()));
    for entry in paths {
        let rel = entry
            .path()
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let text = std::fs::read_to_string(entry.path()).unwrap();
        files.files.insert(rel.clone(), Arc::from(text.as_bytes()));
        if let Some(t) = rel.strip_prefix("templates/") {
            let file = sources.add(format!("{dir}/{rel}"), text, SourceKind::Template);
            templates.push(Template {
                name: format!("{dir}/templates/{t}"),
                file,
            });
        }
    }
    let chart_text = String::from_utf8_lossy(&files.files["Chart.yaml"]).into_owned();
    let tree = parse_yaml(&mut sources, format!("{dir}/Chart.yaml"), chart_text);
    let values_text = String::from_utf8_lossy(&files.files["values.yaml"]).into_owned();
    let values = parse_yaml(&mut sources, format!("{dir}/values.yaml"), values_text);
    let chart = Chart {
        metadata: ChartMetadata {
            api_version: "v2".into(),
            name: dir.into(),
            version: "0.1.0".into(),
            app_version: Some("1.0".into()),
            description: None,
            kube_version: None,
            chart_type: "application".into(),
            deprecated: false,
            tree,
        },
        display_path: dir.into(),
        chart_file: kforge::source::FileId(0),
        values_file: None,
        schema_file: None,
        templates,
        crds: Vec::new(),
        files,
        subcharts: Vec::new(),
    };
    (sources, chart, values)
}

/// `file:line:column` of a span, the file shown from `templates/` on.
fn at(sources: &SourceMap, span: Span) -> String {
    let loc = sources.locate(span);
    let path = loc
        .path
        .find("templates/")
        .map_or(loc.path.as_str(), |i| &loc.path[i..]);
    format!("{path}:{}:{}", loc.line, loc.column)
}

/// The span of the `n`th (0-based) rendered line containing `needle`, from its first visible character.
fn rendered_line(sources: &SourceMap, file: &RenderedFile, needle: &str, n: usize) -> Span {
    let text = sources.text(file.file);
    let mut offset = 0;
    let line = text
        .split_inclusive('\n')
        .filter_map(|l| {
            let start = offset;
            offset += l.len();
            l.contains(needle).then_some((start, l))
        })
        .nth(n)
        .unwrap_or_else(|| panic!("no line {n} with {needle:?} in\n{text}"));
    let indent = line.1.len() - line.1.trim_start().len();
    let end = line.0 + line.1.trim_end().len();
    Span::new(file.file, line.0 + indent, end)
}

#[test]
fn a_syntax_error_is_reported_at_the_template_token_and_the_other_templates_render() {
    let (mut sources, chart, values) = load("syntax-error");
    let (rendered, diags) = render(&chart, &values, &options(), &mut sources);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert_eq!(diags[0].rule.id, "render/syntax");
    assert_eq!(
        diags[0].message,
        "syntax error: unexpected `}`, expected end of variable block"
    );
    assert_eq!(
        at(&sources, diags[0].primary.as_ref().unwrap().span),
        "templates/configmap.yaml:6:32"
    );
    let names: Vec<&str> = rendered.iter().map(|r| r.template.as_str()).collect();
    assert_eq!(names, ["syntax-error/templates/service.yaml"]);
}

#[test]
fn b_an_undefined_value_is_reported_at_the_expression_with_did_you_mean() {
    let (mut sources, chart, values) = load("undefined-value");
    let (rendered, diags) = render(&chart, &values, &options(), &mut sources);
    assert!(rendered.is_empty());
    assert_eq!(diags.len(), 1, "{diags:#?}");
    let d = &diags[0];
    assert_eq!(
        (d.rule.id, d.message.as_str()),
        ("render/undefined", "`values.image.tagg` is undefined")
    );
    assert_eq!(
        at(&sources, d.primary.as_ref().unwrap().span),
        "templates/pod.yaml:8:46"
    );
    assert_eq!(d.help.as_deref(), Some("did you mean `values.image.tag`?"));
}

#[test]
fn c_a_duplicate_key_produced_by_a_loop_is_traced_to_the_loop_body() {
    let (mut sources, chart, values) = load("duplicate-key");
    let (rendered, diags) = render(&chart, &values, &options(), &mut sources);
    assert!(diags.is_empty(), "{diags:#?}");
    let file = &rendered[0];
    assert_eq!(
        sources.text(file.file),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: release-settings\ndata:\n  mode: fast\n  mode: \"slow\"\n"
    );
    // The first `mode` is the literal on line 6, the duplicate comes from the loop body on line 8.
    assert_eq!(
        at(&sources, rendered_line(&sources, file, "mode:", 0)),
        "templates/configmap.yaml:6:3"
    );
    assert_eq!(
        at(&sources, rendered_line(&sources, file, "mode:", 1)),
        "templates/configmap.yaml:8:3"
    );
    // The YAML stage reports the duplicate; its span resolves to the template line too.
    let (_, diags) = kforge::object::parse(&sources, &[file.file], &yaml::Limits::default());
    let d = diags
        .iter()
        .find(|d| d.rule.id == "yaml/duplicate-key")
        .unwrap_or_else(|| panic!("{diags:#?}"));
    assert!(
        at(&sources, d.primary.as_ref().unwrap().span).starts_with("templates/configmap.yaml:8:"),
        "{d:#?}"
    );
}

#[test]
fn d_broken_indentation_from_a_loop_over_a_partial_is_traced_to_the_partial_line() {
    let (mut sources, chart, values) = load("partial-indent");
    let (rendered, diags) = render(&chart, &values, &options(), &mut sources);
    assert!(diags.is_empty(), "{diags:#?}");
    let file = &rendered[0];
    assert!(sources.text(file.file).contains(
        "      - name: web\n        image: nginx:1.27\n         imagePullPolicy: IfNotPresent\n"
    ));
    for n in 0..2 {
        assert_eq!(
            at(
                &sources,
                rendered_line(&sources, file, "imagePullPolicy", n)
            ),
            "templates/_container.yaml:3:4"
        );
        // The line's text is not in the template literally: the column is the expression's.
        assert_eq!(
            at(&sources, rendered_line(&sources, file, "image:", n)),
            "templates/_container.yaml:2:10"
        );
    }
    assert_eq!(
        at(&sources, rendered_line(&sources, file, "containers:", 0)),
        "templates/deployment.yaml:14:7"
    );
    // The YAML stage's error on that line resolves into the partial.
    let (_, diags) = kforge::object::parse(&sources, &[file.file], &yaml::Limits::default());
    let syntax = diags
        .iter()
        .find(|d| d.is_error())
        .unwrap_or_else(|| panic!("no YAML error: {diags:#?}"));
    let loc = at(&sources, syntax.primary.as_ref().unwrap().span);
    assert!(
        loc.starts_with("templates/_container.yaml:3:"),
        "{loc}: {syntax:#?}"
    );
}

/// The charts kforge ships (examples and the `kforge init` scaffold) render without findings,
/// and every rendered file has line origins (the marked render agreed with the plain one).
#[test]
fn shipped_charts_render_with_line_origins() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    for dir in [
        "charts-examples/nginx",
        "charts-examples/mongo-express",
        "src/cli/init",
    ] {
        let mut sources = SourceMap::new();
        let (loaded, diags) = kforge::chart::load(
            &Input::Path(repo.join(dir)),
            &LoadOptions::default(),
            &mut sources,
        );
        assert!(diags.iter().all(|d| !d.is_error()), "{dir}: {diags:#?}");
        let Some(Loaded::Chart(chart)) = loaded else {
            panic!("{dir}: not a chart")
        };
        let (values, _) = kforge::values::merge(Some(&chart), &Default::default(), &mut sources);
        let opts = RenderOptions {
            include_notes: true,
            ..options()
        };
        let (rendered, diags) = render(&chart, &values, &opts, &mut sources);
        assert!(diags.is_empty(), "{dir}: {diags:#?}");
        assert!(!rendered.is_empty(), "{dir}");
        for r in &rendered {
            let file = sources.get(r.file).unwrap();
            let origin = file.origin.as_ref().unwrap();
            assert_eq!(
                origin.lines.len(),
                file.line_count(),
                "{dir}: {} fell back to per-file origins",
                r.template
            );
            // Only a blank line before the first marker (a trimmed first tag) has no origin.
            for (i, o) in origin.lines.iter().enumerate() {
                assert!(
                    o.is_some() || file.line_text(i as u32).trim().is_empty(),
                    "{dir}: {} line {i}",
                    r.template
                );
            }
        }
    }
}
