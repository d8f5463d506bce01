//! Unit tests of the render stage on small in-memory charts.

use super::*;
use crate::chart::{ChartMetadata, FileTree, Template};
use crate::source::{SourceKind, Span};

pub(crate) fn chart(sources: &mut SourceMap, name: &str, files: &[(&str, &str)]) -> Chart {
    let mut templates = Vec::new();
    let mut tree = FileTree::default();
    for (path, text) in files {
        tree.files
            .insert(path.to_string(), Arc::from(text.as_bytes()));
        if let Some(rel) = path.strip_prefix("templates/") {
            let file = sources.add(format!("{name}/{path}"), *text, SourceKind::Template);
            templates.push(Template {
                name: format!("{name}/templates/{rel}"),
                file,
            });
        }
    }
    templates.sort_by(|a, b| a.name.cmp(&b.name));
    let meta = serde_json::json!({"apiVersion": "v2", "name": name, "version": "0.1.0", "appVersion": "1.2.3", "annotations": {"kforge.dev/engine": "jinja"}});
    let chart_file = sources.add(
        format!("{name}/Chart.yaml"),
        meta.to_string(),
        SourceKind::ChartFile,
    );
    Chart {
        metadata: ChartMetadata {
            api_version: "v2".into(),
            name: name.into(),
            version: "0.1.0".into(),
            app_version: Some("1.2.3".into()),
            description: None,
            kube_version: None,
            chart_type: "application".into(),
            deprecated: false,
            tree: Node::from_json(&meta, Span::default()),
        },
        display_path: name.into(),
        chart_file,
        values_file: None,
        schema_file: None,
        templates,
        crds: Vec::new(),
        files: tree,
        subcharts: Vec::new(),
    }
}

pub(crate) fn options() -> RenderOptions {
    RenderOptions {
        release_name: "rel".into(),
        namespace: "ns".into(),
        revision: 1,
        is_upgrade: false,
        kube_version: KubeVersion {
            major: 1,
            minor: 33,
            patch: 0,
        },
        api_versions: vec!["v1".into(), "apps/v1".into()],
        include_notes: false,
    }
}

struct Rendered {
    sources: SourceMap,
    files: Vec<RenderedFile>,
    diags: Vec<Diagnostic>,
}

impl Rendered {
    fn text(&self, template: &str) -> &str {
        let f = self
            .files
            .iter()
            .find(|f| f.template.ends_with(template))
            .map(|f| f.file);
        f.map_or("<not rendered>", |f| self.sources.text(f))
    }

    fn only_text(&self) -> &str {
        assert!(self.diags.is_empty(), "{:#?}", self.diags);
        assert_eq!(self.files.len(), 1);
        self.sources.text(self.files[0].file)
    }

    /// `path:line` of each rendered line of the (single) rendered file.
    fn origins(&self) -> Vec<String> {
        let f = self.files[0].file;
        let file = self.sources.get(f).unwrap();
        (0..file.line_count() as u32)
            .map(|l| {
                let (s, e) = file.line_range(l).unwrap();
                let loc = self.sources.locate(Span::new(f, s as usize, e as usize));
                format!("{}:{}", loc.path.rsplit('/').next().unwrap(), loc.line)
            })
            .collect()
    }

    fn diag(&self) -> (&'static str, String, String) {
        assert_eq!(self.diags.len(), 1, "{:#?}", self.diags);
        let d = &self.diags[0];
        assert!(d.primary.is_some(), "{d:#?}");
        let loc = self.sources.locate(d.primary.as_ref().unwrap().span);
        (
            d.rule.id,
            d.message.clone(),
            format!(
                "{}:{}:{}-{}",
                loc.path, loc.line, loc.column, loc.end_column
            ),
        )
    }
}

fn run_with(files: &[(&str, &str)], values: serde_json::Value, limits: &Limits) -> Rendered {
    let mut sources = SourceMap::new();
    let c = chart(&mut sources, "c", files);
    let values = Node::from_json(&values, Span::default());
    let (files, diags) = render_with_limits(&c, &values, &options(), limits, &mut sources);
    Rendered {
        sources,
        files,
        diags,
    }
}

fn run(files: &[(&str, &str)], values: serde_json::Value) -> Rendered {
    run_with(files, values, &Limits::default())
}

fn one(template: &str) -> String {
    run(
        &[("templates/t.yaml", template)],
        serde_json::json!({"a": 1, "s": "x", "m": {"k": "v"}, "l": [1, 2], "e": "", "t": true}),
    )
    .only_text()
    .to_string()
}

#[test]
fn formats_booleans_and_none_for_yaml() {
    assert_eq!(
        one("a: {{ true }}\nb: {{ none }}\nc: {{ values.t }}\n"),
        "a: true\nb: \nc: true\n"
    );
}

#[test]
fn keeps_trailing_newline_and_context_names() {
    assert_eq!(
        one(
            "{{ release.name }}/{{ release.namespace }}/{{ release.service }}/{{ release.is_install }}\n"
        ),
        "rel/ns/Helm/true\n"
    );
    assert_eq!(
        one(
            "{{ chart.name }} {{ chart.version }} {{ chart.app_version }} {{ chart.appVersion }}\n"
        ),
        "c 0.1.0 1.2.3 1.2.3\n"
    );
    assert_eq!(
        one("{{ template.name }} {{ template.base_path }}\n"),
        "c/templates/t.yaml c/templates\n"
    );
    assert_eq!(
        one(
            "{{ capabilities.kube_version.version }} {{ capabilities.kube_version.minor }} {{ capabilities.api_versions.has('apps/v1') }} {{ 'x/v1' in capabilities.api_versions }}\n"
        ),
        "v1.33.0 33 true false\n"
    );
    assert_eq!(
        one(
            "{{ capabilities.api_versions is has('v1') }} {{ has(values.m, 'k') }} {{ has('abc', 'z') }}\n"
        ),
        "true true false\n"
    );
}

#[test]
fn sprig_helpers() {
    assert_eq!(
        one("{{ values.m | toyaml }}|{{ values.m | tojson }}|{{ tojson(values.l) }}\n"),
        "k: v|{\"k\":\"v\"}|[1,2]\n"
    );
    assert_eq!(
        one("{{ values.m | tojson(indent=1) }}|{{ tojson(values.m, 1) }}\n"),
        "{\n \"k\": \"v\"\n}|{\n \"k\": \"v\"\n}\n"
    );
    assert_eq!(
        one("{{ 'hi' | b64enc }} {{ 'aGk=' | b64dec }} {{ 'a' | sha256sum | trunc(8) }}\n"),
        "aGk= hi ca978112\n"
    );
    assert_eq!(
        one("x:{{ 'a\\nb' | indent(2) }}|{{ 'a' | nindent(2) }}\n"),
        "x:  a\n  b|\n  a\n"
    );
    assert_eq!(
        one("{{ values.s | quote }} {{ values.a | squote }} {{ none | quote }}.\n"),
        "\"x\" '1' .\n"
    );
    assert_eq!(
        one(
            "{{ values.e | default('d') }} {{ values.nope | default('u') }} {{ 0 | default(5) }} {{ values.s | default('no') }}\n"
        ),
        "d u 5 x\n"
    );
    assert_eq!(
        one(
            "{{ 'abc.yaml' | trimsuffix('.yaml') }} {{ 'v1.2' | trimprefix('v') }} {{ 'hello world' | title }}\n"
        ),
        "abc Hello World\n"
            .replace("abc Hello", "abc 1.2 Hello")
            .as_str()
    );
    assert_eq!(
        one(
            "{{ 'abc' is hasprefix('a') }} {{ hassuffix('abc', 'c') }} {{ 'abc' | contains('z') }} {{ 'aBc' | upper }}\n"
        ),
        "true true false ABC\n"
    );
    assert_eq!(
        one("{{ semver_compare('>=1.25.0-0', capabilities.kube_version.version) }}\n"),
        "true\n"
    );
}

#[test]
fn dict_and_list_helpers() {
    assert_eq!(
        one(
            "{{ dict('a', 1, 'b', 2) | tojson }} {{ dict(x=1) | tojson }} {{ list(1, 'a') | tojson }}\n"
        ),
        "{\"a\":1,\"b\":2} {\"x\":1} [1,\"a\"]\n"
    );
    assert_eq!(
        one(
            "{{ merge(dict('a', dict('x', 1)), dict('a', dict('x', 2, 'y', 3), 'b', 4)) | tojson }}\n"
        ),
        "{\"a\":{\"x\":1,\"y\":3},\"b\":4}\n"
    );
    assert_eq!(
        one(
            "{{ keys(values.m) | tojson }} {{ haskey(values.m, 'k') }} {{ pluck('k', values.m, dict('k', 2)) | tojson }}\n"
        ),
        "[\"k\"] true [\"v\",2]\n"
    );
    assert_eq!(
        one(
            "{{ append(values.l, 3) | tojson }} {{ uniq([1, 1, 2]) | tojson }} {{ compact(['', 'a', none]) | tojson }} {{ without([1, 2, 3], 2) | tojson }}\n"
        ),
        "[1,2,3] [1,2] [\"a\"] [1,3]\n"
    );
    assert_eq!(
        one(
            "{{ coalesce('', none, 'z') }} {{ ternary('y', 'n', true) }} {{ empty([]) }} {{ lookup('v1', 'Secret', 'ns', 'x') | tojson }}\n"
        ),
        "z y true {}\n"
    );
    assert_eq!(
        one("{{ 'a-1' | regex_replace('[0-9]', 'N') }} {{ regex_match('abc', '^a') }}\n"),
        "a-N true\n"
    );
    assert_eq!(one("{{ fromjson('{\"a\": [1]}').a[0] }}\n"), "1\n");
}

#[test]
fn include_and_tpl_render_partials_with_the_callers_context() {
    let r = run(
        &[
            ("templates/_name.yaml", "{{ release.name }}-{{ ctx }}\n"),
            (
                "templates/t.yaml",
                "a: {{ include('_name.yaml', 'x') }}\nb: {{ tpl('{{ values.s }}-{{ k }}', dict('k', 2)) }}\n",
            ),
        ],
        serde_json::json!({"s": "v"}),
    );
    assert_eq!(r.only_text(), "a: rel-x\nb: v-2\n");
}

#[test]
fn partials_notes_and_blank_output_are_not_rendered_and_order_is_by_name() {
    let r = run(
        &[
            ("templates/b.yaml", "b: 1\n"),
            ("templates/a.yml", "a: 1\n"),
            ("templates/_p.yaml", "p: 1\n"),
            ("templates/NOTES.txt", "notes\n"),
            ("templates/empty.yaml", "{% if false %}x{% endif %}\n  \n"),
            ("templates/readme.md", "x\n"),
        ],
        serde_json::json!({}),
    );
    let names: Vec<&str> = r.files.iter().map(|f| f.template.as_str()).collect();
    assert_eq!(names, ["c/templates/a.yml", "c/templates/b.yaml"]);
}

#[test]
fn files_are_read_inside_the_chart_only() {
    let files = [
        ("config/a.conf", "x=1\n"),
        ("config/b.conf", "y=2\n"),
        (
            "templates/t.yaml",
            "{{ files.get('config/a.conf') }}{{ files.lines('config/b.conf') | tojson }}\n{{ files.glob('config/*').as_config() }}\n{{ files.glob('config/a.*').as_secrets() }}\n",
        ),
    ];
    let r = run(&files, serde_json::json!({}));
    assert_eq!(
        r.only_text(),
        "x=1\n[\"y=2\"]\na.conf: |\n  x=1\nb.conf: |\n  y=2\na.conf: eD0xCg==\n"
    );
    for bad in ["../secret", "/etc/passwd", "config/../../x"] {
        let r = run(
            &[(
                "templates/t.yaml",
                &format!("{{{{ files.get('{bad}') }}}}\n"),
            )],
            serde_json::json!({}),
        );
        let (rule, msg, _) = r.diag();
        assert_eq!(rule, "render/error");
        assert!(msg.contains("outside the chart"), "{msg}");
    }
}

#[test]
fn undefined_value_is_reported_at_the_expression_with_did_you_mean() {
    let r = run(
        &[(
            "templates/t.yaml",
            "kind: Pod\nimage: \"{{ values.image.tagg }}\"\n",
        )],
        serde_json::json!({"image": {"tag": "1"}}),
    );
    let (rule, msg, at) = r.diag();
    assert_eq!(
        (rule, msg.as_str(), at.as_str()),
        (
            "render/undefined",
            "`values.image.tagg` is undefined",
            "c/templates/t.yaml:2:12-29"
        )
    );
    assert_eq!(
        r.diags[0].help.as_deref(),
        Some("did you mean `values.image.tag`?")
    );
    // Testing a missing key in `if` is fine.
    assert_eq!(one("{% if values.nope %}x{% endif %}ok\n"), "ok\n");
}

#[test]
fn syntax_error_is_reported_at_the_token_and_other_templates_still_render() {
    let r = run(
        &[
            ("templates/bad.yaml", "a: 1\nb: {{ values.a }\n"),
            ("templates/good.yaml", "g: 1\n"),
        ],
        serde_json::json!({"a": 1}),
    );
    let (rule, msg, at) = r.diag();
    assert_eq!(rule, "render/syntax");
    assert_eq!(
        msg,
        "syntax error: unexpected `}`, expected end of variable block"
    );
    assert_eq!(at, "c/templates/bad.yaml:2:16-17");
    assert_eq!(r.text("good.yaml"), "g: 1\n");
}

#[test]
fn required_and_fail_have_their_own_rules() {
    let r = run(
        &[(
            "templates/t.yaml",
            "a:\n  p: {{ required(values.p, 'set values.p') }}\n",
        )],
        serde_json::json!({}),
    );
    let (rule, msg, at) = r.diag();
    assert_eq!((rule, msg.as_str()), ("render/required", "set values.p"));
    assert!(at.starts_with("c/templates/t.yaml:2:"), "{at}");
    let r = run(
        &[("templates/t.yaml", "{{ values.p | required('need p') }}\n")],
        serde_json::json!({"p": "x"}),
    );
    assert_eq!(r.only_text(), "x\n");
    let r = run(
        &[("templates/t.yaml", "a: 1\n{{ fail('no way') }}\n")],
        serde_json::json!({}),
    );
    let (rule, msg, at) = r.diag();
    assert_eq!(
        (rule, msg.as_str(), at.as_str()),
        ("render/fail", "no way", "c/templates/t.yaml:2:4-18")
    );
}

#[test]
fn errors_in_partials_point_into_the_partial_and_label_the_include() {
    let r = run(
        &[
            ("templates/_p.yaml", "x: 1\ny: {{ values.missing.deep }}\n"),
            ("templates/t.yaml", "a:\n  {{ include('_p.yaml') }}\n"),
        ],
        serde_json::json!({"missinx": {}}),
    );
    let (rule, msg, at) = r.diag();
    assert_eq!(
        (rule, msg.as_str(), at.as_str()),
        (
            "render/undefined",
            "`values.missing` is undefined",
            "c/templates/_p.yaml:2:7-21"
        )
    );
    let secondary = r.sources.locate(r.diags[0].secondary[0].span);
    assert_eq!(
        (secondary.path.as_str(), secondary.line),
        ("c/templates/t.yaml", 2)
    );
}

#[test]
fn runaway_templates_end_with_a_limit_error() {
    let cases = [
        "{% for i in range(1000000000) %}x{% endfor %}\n",
        "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}\n",
        "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(1) }}\n",
        "{{ include('t.yaml') }}\n",
        "{% include 't.yaml' %}\n",
    ];
    for case in cases {
        let r = run(&[("templates/t.yaml", case)], serde_json::json!({}));
        assert_eq!(r.diag().0, "render/limit", "{case}: {:#?}", r.diags);
    }
    let r = run(
        &[(
            "templates/t.yaml",
            "{% set s = \"\\n\" * 3000000 %}{{ s | indent(1000) | length }}\n",
        )],
        serde_json::json!({}),
    );
    assert_eq!(r.diag().0, "render/limit", "{:#?}", r.diags);
    let long = format!("{{{{ 1{} }}}}\n", " + 1".repeat(20_000));
    let r = run(
        &[("templates/t.yaml", &long), ("templates/u.yaml", "u: 1\n")],
        serde_json::json!({}),
    );
    let (rule, msg, at) = r.diag();
    assert_eq!(
        (rule, msg.as_str(), at.as_str()),
        (
            "render/limit",
            "a tag with 40005 tokens is more than kforge compiles (at most 2000)",
            "c/templates/t.yaml:1:1-3"
        )
    );
    assert_eq!(r.text("u.yaml"), "u: 1\n");
    let small = Limits {
        max_output_bytes: 1000,
        ..Limits::default()
    };
    let r = run_with(
        &[(
            "templates/t.yaml",
            "{% for i in range(1000) %}line {{ i }}\n{% endfor %}",
        )],
        serde_json::json!({}),
        &small,
    );
    let (rule, msg, _) = r.diag();
    assert_eq!(
        (rule, msg.as_str()),
        ("render/limit", "the rendered output exceeds 1000 bytes")
    );
}

#[test]
fn deep_macro_recursion_inside_deep_includes_does_not_overflow_the_stack() {
    // Each include level recurses through macros almost to minijinja's limit.
    let partial = "{% macro f(n) %}{% if n < 30 %}{{ f(n + 1) }}{% else %}{{ include('_p.yaml') }}{% endif %}{% endmacro %}{{ f(1) }}\n";
    let r = run(
        &[
            ("templates/_p.yaml", partial),
            ("templates/t.yaml", "{{ include('_p.yaml') }}\n"),
        ],
        serde_json::json!({}),
    );
    assert_eq!(r.diag().0, "render/limit", "{:#?}", r.diags);
}

#[test]
fn origin_of_a_loop_over_a_partial_is_the_partial_line() {
    let r = run(
        &[
            (
                "templates/_container.yaml",
                "- name: {{ c.name }}\n  image: {{ c.image }}\n",
            ),
            (
                "templates/t.yaml",
                "kind: Pod\nspec:\n  containers:\n  {%- for c in values.cs %}\n  {{ include('_container.yaml', {'c': c}) | indent(2) }}\n  {%- endfor %}\n",
            ),
        ],
        serde_json::json!({"cs": [{"name": "a", "image": "x"}, {"name": "b", "image": "y"}]}),
    );
    assert_eq!(
        r.only_text(),
        "kind: Pod\nspec:\n  containers:\n    - name: a\n    image: x\n    - name: b\n    image: y\n"
    );
    assert_eq!(
        r.origins(),
        [
            "t.yaml:1",
            "t.yaml:2",
            "t.yaml:3",
            "_container.yaml:1",
            "_container.yaml:2",
            "_container.yaml:1",
            "_container.yaml:2"
        ]
    );
}

#[test]
fn origin_through_nested_includes_trimming_and_multiline_tags() {
    let r = run(
        &[
            ("templates/_inner.yaml", "inner: {{ values.a }}\n"),
            (
                "templates/_outer.yaml",
                "outer: 1\n{{ include('_inner.yaml') }}\n",
            ),
            (
                "templates/t.yaml",
                "a: 1\n{{- '' }}\n{%- set x = dict(\n  k=1,\n  j=2) %}\nb: {{ x.k }}\nlabels:\n  {{- include('_outer.yaml') | nindent(2) }}\nres:\n  {{- toyaml(values.r) | nindent(2) }}\nend: 1\n",
            ),
        ],
        serde_json::json!({"a": 5, "r": {"cpu": 1, "mem": 2}}),
    );
    assert_eq!(
        r.only_text(),
        "a: 1\nb: 1\nlabels:\n  outer: 1\n  inner: 5\nres:\n  cpu: 1\n  mem: 2\nend: 1\n"
    );
    assert_eq!(
        r.origins(),
        [
            "t.yaml:1",
            "t.yaml:6",
            "t.yaml:7",
            "_outer.yaml:1",
            "_inner.yaml:1",
            "t.yaml:9",
            "t.yaml:10",
            "t.yaml:10",
            "t.yaml:11"
        ]
    );
}

#[test]
fn filters_that_see_markers_fall_back_to_the_file() {
    // `length` counts the markers in the include's output: the marked render differs.
    let r = run(
        &[
            ("templates/_p.yaml", "ab\n"),
            (
                "templates/t.yaml",
                "n: {{ include('_p.yaml') | length }}\nm: 1\n",
            ),
        ],
        serde_json::json!({}),
    );
    assert_eq!(r.only_text(), "n: 2\nm: 1\n");
    assert_eq!(r.origins(), ["t.yaml:1", "t.yaml:1"]);
}

#[test]
fn fromyaml_parses_with_kubernetes_scalars() {
    assert_eq!(
        one("{{ fromyaml('a: yes\\nb: [1, 2]\\n') | tojson }}\n"),
        "{\"a\":true,\"b\":[1,2]}\n"
    );
}

#[test]
fn subcharts_render_with_their_own_base_path_and_relative_includes() {
    let mut sources = SourceMap::new();
    let mut parent = chart(
        &mut sources,
        "p",
        &[
            ("templates/a.yaml", "a: {{ include('_h.yaml') }}\n"),
            ("templates/_h.yaml", "parent\n"),
        ],
    );
    let mut sub = chart(
        &mut sources,
        "s",
        &[
            (
                "templates/b.yaml",
                "b: {{ include('_h.yaml') }} {{ template.base_path }}\n",
            ),
            ("templates/_h.yaml", "sub\n"),
        ],
    );
    for t in &mut sub.templates {
        t.name = t.name.replacen("s/", "p/charts/s/", 1);
    }
    parent.subcharts.push(sub);
    let values = Node::from_json(&serde_json::json!({}), Span::default());
    let (files, diags) = render(&parent, &values, &options(), &mut sources);
    assert!(diags.is_empty(), "{diags:#?}");
    let out: Vec<(String, String)> = files
        .iter()
        .map(|f| (f.template.clone(), sources.text(f.file).to_string()))
        .collect();
    assert_eq!(
        out,
        [
            (
                "p/charts/s/templates/b.yaml".to_string(),
                "b: sub p/charts/s/templates\n".to_string()
            ),
            ("p/templates/a.yaml".to_string(), "a: parent\n".to_string())
        ]
    );
}

#[test]
fn errors_inside_tpl_and_required_inside_partials_keep_their_rule() {
    let r = run(
        &[
            ("templates/t.yaml", "a: 1\nb: {{ tpl('{{ nope.x }}') }}\n"),
            ("templates/u.yaml", "u: 1\n"),
        ],
        serde_json::json!({}),
    );
    let (rule, msg, at) = r.diag();
    assert_eq!(
        (rule, msg.as_str()),
        ("render/undefined", "`nope` is undefined")
    );
    assert!(at.starts_with("c/templates/t.yaml:2:"), "{at}");
    assert_eq!(r.text("u.yaml"), "u: 1\n");
    let r = run(
        &[
            (
                "templates/_p.yaml",
                "{{ required(values.pw, 'set values.pw') }}\n",
            ),
            ("templates/t.yaml", "pw: {{ include('_p.yaml') }}\n"),
        ],
        serde_json::json!({}),
    );
    let (rule, msg, at) = r.diag();
    assert_eq!(
        (rule, msg.as_str(), at.as_str()),
        (
            "render/required",
            "set values.pw",
            "c/templates/_p.yaml:1:4-40"
        )
    );
    let r = run(
        &[("templates/t.yaml", "{{ include('_missing.yaml') }}\n")],
        serde_json::json!({}),
    );
    let (rule, msg, _) = r.diag();
    assert_eq!(
        (rule, msg.as_str()),
        (
            "render/error",
            "template not found: include: no template named `_missing.yaml`"
        )
    );
}

#[test]
fn origin_of_imported_macro_output_is_the_macro_line() {
    let r = run(
        &[
            (
                "templates/_h.tpl",
                "{%- macro labels(name) -%}\napp: {{ name }}\ntier: web\n{%- endmacro -%}\n",
            ),
            (
                "templates/t.yaml",
                "{%- import \"_h.tpl\" as h %}\nmetadata:\n  labels:\n    {{- h.labels(\"x\") | nindent(4) }}\n",
            ),
        ],
        serde_json::json!({}),
    );
    assert_eq!(
        r.only_text(),
        "\nmetadata:\n  labels:\n    app: x\n    tier: web\n"
    );
    assert_eq!(
        r.origins()[1..],
        ["t.yaml:2", "t.yaml:3", "_h.tpl:2", "_h.tpl:3"]
    );
}

#[test]
fn helm_helper_names_get_a_did_you_mean() {
    let r = run(
        &[("templates/t.yaml", "a:\n  {{ values | toYaml }}\n")],
        serde_json::json!({}),
    );
    let (rule, msg, at) = r.diag();
    assert_eq!(
        (rule, msg.as_str(), at.as_str()),
        (
            "render/error",
            "unknown filter: filter toYaml is unknown",
            "c/templates/t.yaml:2:15-21"
        )
    );
    assert_eq!(r.diags[0].help.as_deref(), Some("did you mean `toyaml`?"));
}
