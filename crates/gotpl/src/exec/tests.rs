//! Executor behaviour the golden cases cannot show: origins, limits, the tpl cache, lint mode,
//! error locations. (What Helm prints is tested against Helm itself in tests/golden.rs.)

use std::collections::BTreeMap;

use super::*;

fn set(files: &[(&str, &str)]) -> Templates {
    let mut t = Templates::new();
    for (name, text) in files {
        t.add_file(name, text).unwrap();
    }
    t
}

fn dot(values: &[(&str, Value)]) -> Value {
    let vals: BTreeMap<String, Value> = values
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    let mut top = BTreeMap::new();
    top.insert("Values".to_string(), Value::map(vals));
    Value::map(top)
}

fn run(t: &Templates, name: &str, d: Value) -> Result<Output, ExecError> {
    t.execute(name, d, &mut ExecEnv::new())
}

/// Line (1-based) in `file`'s text of the template byte that produced the output line `line`.
fn origin_line(t: &Templates, out: &Output, line: usize) -> (String, usize) {
    let offset = out
        .text
        .split_inclusive('\n')
        .take(line - 1)
        .map(str::len)
        .sum::<usize>();
    // The first non-space byte of the line: what a finding on that line points at.
    let lead = out.text[offset..].len() - out.text[offset..].trim_start_matches(' ').len();
    let (file, src) = out.origin_of(offset + lead).unwrap();
    let text = &t.map.values().find(|e| &*e.file == file).unwrap().tree.text;
    (file.to_string(), crate::ast::go_line_col(text, src).0)
}

#[test]
fn text_and_values_map_to_their_template_lines() {
    let t = set(&[(
        "t/templates/a.yaml",
        "kind: A\nname: {{ .Values.n }}\n{{- if true }}\nx: 1\n{{- end }}\n",
    )]);
    let out = run(&t, "t/templates/a.yaml", dot(&[("n", Value::str("v"))])).unwrap();
    assert_eq!(out.text, "kind: A\nname: v\nx: 1\n");
    let f = "t/templates/a.yaml".to_string();
    assert_eq!(origin_line(&t, &out, 1), (f.clone(), 1));
    assert_eq!(origin_line(&t, &out, 2), (f.clone(), 2));
    assert_eq!(origin_line(&t, &out, 3), (f, 4));
}

#[test]
fn lines_of_an_included_define_map_to_the_define() {
    let t = set(&[
        (
            "t/templates/_helpers.tpl",
            "{{- define \"labels\" -}}\napp: x\nbad: {{ .Values.n }}\n{{- end }}\n",
        ),
        (
            "t/templates/a.yaml",
            "metadata:\n  labels:\n{{ include \"labels\" . }}\n{{ $l := include \"labels\" . }}{{ $l }}\n",
        ),
    ]);
    let out = run(&t, "t/templates/a.yaml", dot(&[("n", Value::str("v"))])).unwrap();
    assert_eq!(
        out.text,
        "metadata:\n  labels:\napp: x\nbad: v\napp: x\nbad: v\n"
    );
    let h = "t/templates/_helpers.tpl".to_string();
    assert_eq!(
        origin_line(&t, &out, 2),
        ("t/templates/a.yaml".to_string(), 2)
    );
    assert_eq!(origin_line(&t, &out, 3), (h.clone(), 2));
    assert_eq!(origin_line(&t, &out, 4), (h.clone(), 3));
    // Through a variable too: the string keeps its origins.
    assert_eq!(origin_line(&t, &out, 5), (h.clone(), 2));
    assert_eq!(origin_line(&t, &out, 6), (h, 3));
}

#[test]
fn removing_no_value_keeps_later_lines_mapped() {
    let t = set(&[("t/templates/a.yaml", "a: {{ .Values.nope }}x\nb: 2\n")]);
    let out = run(&t, "t/templates/a.yaml", dot(&[])).unwrap();
    assert_eq!(out.text, "a: x\nb: 2\n");
    assert_eq!(
        origin_line(&t, &out, 2),
        ("t/templates/a.yaml".to_string(), 2)
    );
    let (_, src) = out.origin_of(3).unwrap();
    assert_eq!(src, 21, "the x after the action is template byte 21");
}

#[test]
fn tpl_output_maps_to_the_calling_action() {
    let t = set(&[("t/templates/a.yaml", "a: 1\nb: {{ tpl \"{{ 1 }}\" . }}\n")]);
    let out = run(&t, "t/templates/a.yaml", dot(&[])).unwrap();
    assert_eq!(out.text, "a: 1\nb: 1\n");
    // The tpl text is no file: its output points at the calling `tpl` command (line 2, col 3).
    assert_eq!(out.origin_of(8), Some(("t/templates/a.yaml", 11)));
}

/// A template that includes itself forever ends in an error, not a stack overflow, on a 2 MiB
/// thread in a debug build.
#[test]
fn deep_recursion_is_an_error_on_a_small_stack() {
    let h = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(|| {
            let mut results = Vec::new();
            for body in [
                "{{ include \"r\" . }}",
                "{{ template \"r\" . }}",
                "{{ tpl \"{{ include \\\"r\\\" . }}\" . }}",
                "{{ if true }}{{ include \"r\" . }}{{ end }}",
            ] {
                let text = format!("{{{{ define \"r\" }}}}{body}{{{{ end }}}}");
                let t = set(&[("t/templates/_r.tpl", &text)]);
                let err = run(&t, "r", Value::empty_map()).unwrap_err();
                results.push((err.kind(), err.go_message().contains("nesting too deep")));
            }
            results
        })
        .unwrap();
    for (kind, msg) in h.join().unwrap() {
        assert_eq!(kind, ErrorKind::Limit);
        assert!(msg);
    }
}

#[test]
fn template_depth_limit_has_gos_message() {
    let t = set(&[(
        "t/templates/_r.tpl",
        "{{ define \"r\" }}{{ template \"r\" . }}{{ end }}",
    )]);
    let mut env = ExecEnv::new();
    env.limits.max_depth = 5;
    let err = t.execute("r", Value::empty_map(), &mut env).unwrap_err();
    assert_eq!(
        err.go_message(),
        "template: t/templates/_r.tpl:1:28: executing \"r\" at <{{template \"r\" .}}>: exceeded maximum template depth (5)"
    );
    assert_eq!(err.kind(), ErrorKind::Limit);
}

#[test]
fn fuel_bounds_loops() {
    let t = set(&[("t/templates/a.yaml", "{{ range 100000000 }}{{ end }}")]);
    let mut env = ExecEnv::new();
    env.limits.fuel = 10_000;
    let err = t
        .execute("t/templates/a.yaml", dot(&[]), &mut env)
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Limit);
    assert!(
        err.go_message()
            .ends_with("exceeded its work limit (10000 units)"),
        "{}",
        err.go_message()
    );
}

#[test]
fn output_size_is_bounded() {
    let t = set(&[("t/templates/a.yaml", "{{ range 1000 }}0123456789{{ end }}")]);
    let mut env = ExecEnv::new();
    env.limits.max_output = 5000;
    let err = t
        .execute("t/templates/a.yaml", dot(&[]), &mut env)
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Limit);
    assert!(
        err.go_message()
            .ends_with("exceeds the size limit (5000 bytes)")
    );
    env.limits.max_output = 10_000;
    assert_eq!(
        t.execute("t/templates/a.yaml", dot(&[]), &mut env)
            .unwrap()
            .text
            .len(),
        10_000
    );
}

#[test]
fn tpl_strings_are_parsed_once() {
    let t = set(&[(
        "t/templates/a.yaml",
        "{{ range 50 }}{{ tpl \"{{ $.Values.n }}\" $ }}{{ end }}",
    )]);
    let mut env = ExecEnv::new();
    let out = t
        .execute(
            "t/templates/a.yaml",
            dot(&[("n", Value::str("x"))]),
            &mut env,
        )
        .unwrap();
    assert_eq!(out.text, "x".repeat(50));
    assert_eq!(env.tpl_cache.len(), 1);
}

#[test]
fn lint_mode_lets_required_and_fail_pass() {
    let t = set(&[(
        "t/templates/a.yaml",
        "a{{ required \"m\" .Values.x }}{{ fail \"f\" }}b",
    )]);
    let mut env = ExecEnv::new();
    assert_eq!(
        t.execute("t/templates/a.yaml", dot(&[]), &mut env)
            .unwrap_err()
            .kind(),
        ErrorKind::Required
    );
    env.lint_mode = true;
    assert_eq!(
        t.execute("t/templates/a.yaml", dot(&[]), &mut env)
            .unwrap()
            .text,
        "ab"
    );
}

#[test]
fn errors_point_at_the_innermost_template() {
    let t = set(&[
        (
            "t/templates/_h.tpl",
            "{{ define \"h\" }}\n  {{ .Values.nope.x }}{{ end }}",
        ),
        ("t/templates/a.yaml", "{{ include \"h\" . }}"),
    ]);
    let err = run(&t, "t/templates/a.yaml", dot(&[])).unwrap_err();
    assert_eq!(err.parse_name(), Some("t/templates/_h.tpl"));
    assert_eq!(
        err.offset(),
        Some(29),
        "at .nope, where Go places the field"
    );
    assert_eq!(err.kind(), ErrorKind::Template);
}

#[test]
fn missing_template_is_helms_error() {
    let err = run(&Templates::new(), "x", Value::Nil).unwrap_err();
    assert_eq!(
        err.helm_message(),
        "template: no template \"x\" associated with template \"gotpl\""
    );
}

#[test]
fn later_files_override_defines_but_not_with_empty_ones() {
    let t = set(&[
        (
            "a.tpl",
            "{{ define \"x\" }}a{{ end }}{{ define \"y\" }}a{{ end }}",
        ),
        (
            "b.tpl",
            "{{ define \"x\" }}b{{ end }}{{ define \"y\" }} {{ end }}",
        ),
    ]);
    assert_eq!(run(&t, "x", Value::Nil).unwrap().text, "b");
    assert_eq!(run(&t, "y", Value::Nil).unwrap().text, "a");
}

/// A map-kind Go value with methods, like Helm's `files` (`.Files.Glob` results).
#[derive(Debug)]
struct FileSet(Vec<(&'static str, &'static str)>);

impl crate::value::Object for FileSet {
    fn type_name(&self) -> &str {
        "engine.files"
    }
    fn field(&self, _: &str) -> Option<Value> {
        None
    }
    fn call(&self, name: &str, _: &[Value]) -> Option<Result<Value, String>> {
        (name == "Count").then(|| Ok(Value::Int(self.0.len() as i64)))
    }
    fn has_method(&self, name: &str) -> bool {
        name == "Count"
    }
    fn go_string(&self) -> String {
        String::new()
    }
    fn to_json(&self) -> Value {
        Value::Nil
    }
    fn entries(&self) -> Option<BTreeMap<String, Value>> {
        Some(
            self.0
                .iter()
                .map(|(k, v)| (k.to_string(), Value::str(v)))
                .collect(),
        )
    }
}

#[test]
fn map_kind_objects_have_go_truth_and_range() {
    let t = set(&[(
        "t/templates/a.yaml",
        "{{ range $k, $v := .Values.f }}{{ $k }}={{ $v }};{{ end }}{{ if .Values.f }}{{ .Values.f.Count }}{{ end }}{{ if .Values.e }}x{{ else }}empty{{ end }}{{ range .Values.e }}x{{ else }}none{{ end }}",
    )]);
    let f = Value::Object(std::rc::Rc::new(FileSet(vec![("a", "1"), ("b", "2")])));
    let e = Value::Object(std::rc::Rc::new(FileSet(vec![])));
    let out = run(&t, "t/templates/a.yaml", dot(&[("f", f), ("e", e)])).unwrap();
    assert_eq!(out.text, "a=1;b=2;2emptynone");
}

/// A slice-kind Go value with methods, like Helm's `common.VersionSet`.
#[derive(Debug)]
struct VersionSet(Vec<&'static str>);

impl crate::value::Object for VersionSet {
    fn type_name(&self) -> &str {
        "common.VersionSet"
    }
    fn field(&self, _: &str) -> Option<Value> {
        None
    }
    fn call(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
        (name == "Has").then(|| {
            let want = args.first().and_then(Value::as_str).unwrap_or_default();
            Ok(Value::Bool(self.0.contains(&want)))
        })
    }
    fn has_method(&self, name: &str) -> bool {
        name == "Has"
    }
    fn go_string(&self) -> String {
        format!("[{}]", self.0.join(" "))
    }
    fn to_json(&self) -> Value {
        Value::str_list(self.0.iter().map(|s| s.to_string()).collect())
    }
    fn elements(&self) -> Option<Vec<Value>> {
        Some(self.0.iter().map(|s| Value::str(s)).collect())
    }
    fn kind_name(&self) -> &'static str {
        "slice"
    }
}

#[test]
fn slice_kind_objects_range_and_reach_functions_as_slices() {
    let t = set(&[(
        "t/templates/a.yaml",
        "{{ range $i, $v := .Values.s }}{{ $i }}={{ $v }};{{ end }}{{ len .Values.s }} {{ index .Values.s 1 }} {{ last .Values.s }} {{ has \"b\" .Values.s }} {{ .Values.s.Has \"a\" }} {{ typeOf .Values.s }} {{ (default list .Values.s).Has \"b\" }} {{ .Values.s }}{{ if .Values.e }}x{{ else }} empty{{ end }}{{ range .Values.e }}x{{ else }} none{{ end }}",
    )]);
    let s = Value::Object(std::rc::Rc::new(VersionSet(vec!["a", "b"])));
    let e = Value::Object(std::rc::Rc::new(VersionSet(vec![])));
    let out = run(&t, "t/templates/a.yaml", dot(&[("s", s), ("e", e)])).unwrap();
    assert_eq!(
        out.text,
        "0=a;1=b;2 b b true true common.VersionSet true [a b] empty none"
    );
}

#[test]
fn nindent_and_trim_keep_the_lines_of_an_included_define() {
    let t = set(&[
        (
            "t/templates/_helpers.tpl",
            "{{- define \"labels\" }}\napp: x\nbad: {{ .Values.n }}\n{{ end }}\n",
        ),
        (
            "t/templates/a.yaml",
            "metadata:\n  labels: {{- include \"labels\" . | trim | nindent 4 }}\nspec: {}\n",
        ),
    ]);
    let out = run(&t, "t/templates/a.yaml", dot(&[("n", Value::str("v"))])).unwrap();
    assert_eq!(
        out.text,
        "metadata:\n  labels:\n    app: x\n    bad: v\nspec: {}\n"
    );
    let h = "t/templates/_helpers.tpl".to_string();
    let a = "t/templates/a.yaml".to_string();
    assert_eq!(origin_line(&t, &out, 2), (a.clone(), 2));
    assert_eq!(origin_line(&t, &out, 3), (h.clone(), 2));
    assert_eq!(origin_line(&t, &out, 4), (h, 3));
    assert_eq!(origin_line(&t, &out, 5), (a.clone(), 3));
    // The newline and indentation nindent adds belong to the action that printed them.
    assert_eq!(out.origin_of(20), Some((a.as_str(), 24)));
}

#[test]
fn strict_mode_refuses_missing_keys() {
    let t = set(&[("t/templates/a.yaml", "{{ .Values.a }}{{ .Values.nope }}")]);
    let mut env = ExecEnv::new();
    env.strict = true;
    let d = || dot(&[("a", Value::str("x"))]);
    let err = t.execute("t/templates/a.yaml", d(), &mut env).unwrap_err();
    assert_eq!(
        err.helm_message(),
        "t/templates/a.yaml:1:25\n  executing \"t/templates/a.yaml\" at <.Values.nope>:\n    map has no entry for key \"nope\""
    );
    env.strict = false;
    assert_eq!(
        t.execute("t/templates/a.yaml", d(), &mut env).unwrap().text,
        "x"
    );
}

#[test]
fn doubling_a_string_stops_at_the_size_limit() {
    let t = set(&[(
        "t/templates/a.yaml",
        "{{ $x := \"ab\" }}{{ range 40 }}{{ $x = cat $x $x }}{{ end }}{{ len $x }}",
    )]);
    let mut env = ExecEnv::new();
    env.limits.max_output = 1 << 20;
    let err = t
        .execute("t/templates/a.yaml", dot(&[]), &mut env)
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Limit);
    assert!(
        err.go_message()
            .ends_with("a value exceeds the size limit (1048576 bytes)")
    );
}

#[test]
fn output_of_opaque_library_templates_points_at_the_users_call() {
    let t = set(&[
        (
            "app/charts/common/templates/_labels.tpl",
            "{{- define \"common.labels\" -}}\nlib: {{ .Values.n }}\n{{- end }}",
        ),
        (
            "app/templates/_helpers.tpl",
            "{{- define \"app.labels\" -}}\nmine: 1\n{{ include \"common.labels\" . }}\n{{- end }}",
        ),
        (
            "app/templates/a.yaml",
            "a:\n{{ include \"app.labels\" . }}\nb:\n{{ template \"common.labels\" . }}\n",
        ),
    ]);
    let mut env = ExecEnv::new();
    env.opaque_prefixes = vec!["app/charts/common/".to_string()];
    let out = t
        .execute(
            "app/templates/a.yaml",
            dot(&[("n", Value::str("v"))]),
            &mut env,
        )
        .unwrap();
    assert_eq!(out.text, "a:\nmine: 1\nlib: v\nb:\nlib: v\n");
    let h = "app/templates/_helpers.tpl".to_string();
    let a = "app/templates/a.yaml".to_string();
    assert_eq!(origin_line(&t, &out, 2), (h.clone(), 2));
    // The library's line is the user's include of it (helpers line 3) ...
    assert_eq!(origin_line(&t, &out, 3), (h, 3));
    // ... and the user's template call (a.yaml line 4).
    assert_eq!(origin_line(&t, &out, 5), (a, 4));
}

/// A value nested 100,000 deep, built by a template, is dropped without overflowing a 2 MiB
/// stack in a debug build.
#[test]
fn deeply_nested_values_built_by_a_template_drop_safely() {
    let h = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(|| {
            let t = set(&[(
                "t/templates/a.yaml",
                "{{ $d := dict }}{{ range 100000 }}{{ $d = dict \"a\" $d }}{{ end }}{{ $l := list }}{{ range 100000 }}{{ $l = list $l }}{{ end }}{{ $d = 1 }}{{ range 1 }}{{ $e := dict }}{{ range 100000 }}{{ $e = dict \"a\" $e }}{{ end }}{{ end }}x",
            )]);
            run(&t, "t/templates/a.yaml", dot(&[])).map(|o| o.text).ok()
        })
        .unwrap();
    assert_eq!(h.join().unwrap().as_deref(), Some("x"));
}

/// What `parse_file` gives, as names and printed trees, to compare with `parse::parse`.
fn shape(parsed: &crate::parse::Parsed) -> Vec<(String, String, String)> {
    parsed
        .trees
        .iter()
        .map(|t| {
            (
                t.name.clone(),
                t.parse_name.clone(),
                t.root.go_string(&t.text),
            )
        })
        .collect()
}

#[test]
fn copies_of_a_file_share_one_parse_and_keep_their_names() {
    // Text no other test uses, so the first call parses it.
    let text =
        "{{/* copies */}}{{ define \"lib.name\" }}x{{ end }}top {{ include \"lib.name\" . }}";
    let a = parse_file("app/charts/lib/templates/_n.tpl", text).unwrap();
    let b = parse_file("app/charts/db/charts/lib/templates/_n.tpl", text).unwrap();
    for (name, parsed) in [
        ("app/charts/lib/templates/_n.tpl", &a),
        ("app/charts/db/charts/lib/templates/_n.tpl", &b),
    ] {
        let fresh = crate::parse::parse(name, text, &is_func).unwrap();
        assert_eq!(shape(parsed), shape(&fresh));
    }
    // The second copy shares the first one's nodes.
    assert!(Arc::ptr_eq(&a.trees[1].root, &b.trees[1].root));
    // Each copy renders under its own name.
    let mut t = Templates::new();
    t.add_trees(b.trees);
    let out = run(&t, "app/charts/db/charts/lib/templates/_n.tpl", dot(&[])).unwrap();
    assert_eq!(out.text, "top x");
    assert_eq!(
        out.origin_of(0).map(|(f, _)| f.to_string()),
        Some("app/charts/db/charts/lib/templates/_n.tpl".to_string())
    );
}

#[test]
fn a_copy_that_does_not_parse_reports_its_own_name() {
    let text = "{{/* broken copies */}}\n{{ if }}";
    let a = parse_file("a/templates/x.yaml", text).unwrap_err();
    let b = parse_file("b/templates/x.yaml", text).unwrap_err();
    assert_eq!(
        a.go_message(),
        "template: a/templates/x.yaml:2: missing value for if"
    );
    assert_eq!(
        b.go_message(),
        "template: b/templates/x.yaml:2: missing value for if"
    );
}

#[test]
fn a_define_named_like_the_file_is_parsed_again() {
    // Go's redefinition rules involve the top level when a define has the file's name: the
    // second name makes this text a "multiple definition" error, the first does not.
    let text = "{{/* self */}}{{ define \"b.yaml\" }}x{{ end }}y";
    let a = parse_file("a.yaml", text).unwrap();
    assert_eq!(
        shape(&a),
        shape(&crate::parse::parse("a.yaml", text, &is_func).unwrap())
    );
    let b = parse_file("b.yaml", text);
    assert_eq!(
        b.map(|p| shape(&p)),
        crate::parse::parse("b.yaml", text, &is_func).map(|p| shape(&p))
    );
}

#[test]
fn decoded_documents_are_shared_only_in_their_strings() {
    // The second fromYaml of a text comes from the cache: modifying the first result (in this
    // execution or an earlier one) must not show in it.
    let t = set(&[(
        "t",
        r#"{{ $a := fromYaml "x: {k: 1}\nl: [1]" }}{{ $_ := set $a.x "k" 2 }}{{ $_ := unset $a "l" }}{{ $b := fromYaml "x: {k: 1}\nl: [1]" }}{{ $b.x.k }} {{ $b.l }} {{ $a.x.k }} {{ fromYamlArray "[a, b]" | toJson }}"#,
    )]);
    for _ in 0..2 {
        assert_eq!(
            run(&t, "t", dot(&[])).unwrap().text,
            "1 [1] 2 [\"a\",\"b\"]"
        );
    }
}

#[test]
fn is_func_is_the_table_and_the_executors_own() {
    for name in crate::funcs::table().keys().chain(super::EXEC_FUNCS) {
        assert!(super::is_func(name), "{name}");
    }
    for name in ["env", "expandenv", "nosuch", "Include", ""] {
        assert!(!super::is_func(name), "{name}");
    }
}

/// Renders `files` in order with one environment and one dot whose `.Template.Name` is set in
/// place before each, as the chart layer does.
fn render_in_order(t: &Templates, files: &[&str], root: &Value) -> Vec<String> {
    let mut env = ExecEnv::new();
    files
        .iter()
        .map(|name| {
            if let Value::Map(m) = root {
                let mut tpl = BTreeMap::new();
                tpl.insert("Name".to_string(), Value::str(name));
                m.borrow_mut().insert("Template".into(), Value::map(tpl));
            }
            t.execute(name, root.clone(), &mut env).unwrap().text
        })
        .collect()
}

#[test]
fn kept_includes_follow_template_sets_and_randomness() {
    let helpers = concat!(
        "{{ define \"name\" }}n-{{ .Values.n }}{{ end }}",
        "{{ define \"file\" }}{{ .Template.Name }}{{ end }}",
        "{{ define \"indirect\" }}{{ include \"file\" . }}{{ end }}",
        "{{ define \"ctx\" }}{{ .context.Template.Name }}{{ end }}",
        "{{ define \"dump\" }}{{ toJson .context }}{{ end }}",
        "{{ define \"got\" }}{{ get . \"Template\" }}{{ end }}",
        "{{ define \"ranged\" }}{{ range $k, $v := . }}{{ $k }}={{ $v }};{{ end }}{{ end }}",
        "{{ define \"rand\" }}{{ randAlphaNum 4 }}{{ end }}",
    );
    let body = concat!(
        "{{ include \"name\" . }} {{ include \"indirect\" . }} ",
        "{{ include \"ctx\" (dict \"context\" $) }} {{ include \"dump\" (dict \"context\" $) }} ",
        "{{ include \"got\" . }} {{ include \"ranged\" . }} ",
        "{{ include \"rand\" . }} {{ include \"rand\" . }}",
    );
    let last = "{{ include \"name\" . }} {{ $_ := set .Values \"n\" 2 }}{{ include \"name\" . }}";
    let t = set(&[
        ("t/templates/_h.tpl", helpers),
        ("t/templates/a.yaml", body),
        ("t/templates/b.yaml", body),
        ("t/templates/c.yaml", last),
    ]);
    let root = dot(&[("n", Value::Int(1))]);
    let files = [
        "t/templates/a.yaml",
        "t/templates/b.yaml",
        "t/templates/c.yaml",
    ];
    let out = render_in_order(&t, &files, &root);
    assert_eq!(out[2], "n-1 n-2", "set is seen by the next include");
    for (text, file) in [(&out[0], "a"), (&out[1], "b")] {
        let first: Vec<&str> = text.split(' ').collect();
        assert_eq!(first[0], "n-1");
        let name = format!("t/templates/{file}.yaml");
        assert_eq!(first[1], name, "an include of an include reads .Template");
        assert_eq!(first[2], name, "through a dict");
        assert!(
            first[3].contains(&name),
            "toJson of the context: {}",
            first[3]
        );
        assert_eq!(first[4], format!("map[Name:{name}]"), "get");
        assert!(
            first[5].contains(&format!("Template=map[Name:{name}]")),
            "range"
        );
        // Each call draws new characters.
        assert_ne!(first[6], first[7]);
    }
    assert_ne!(out[0], out[1]);
}

#[test]
fn key_tests_on_a_dot_keep_an_include_for_every_file_unless_they_name_template() {
    let helpers = concat!(
        "{{ define \"labels\" }}{{ if and (hasKey . \"context\") (not (empty .context)) }}",
        "{{ kindOf .context }}-{{ len (default .context .x) }}{{ end }}{{ end }}",
        "{{ define \"idx\" }}{{ index .context \"Template\" \"Name\" }}{{ end }}",
        "{{ define \"built\" }}{{ $k := \"Templ\" }}{{ index .context (print $k \"ate\") \"Name\" }}{{ end }}",
        "{{ define \"dug\" }}{{ dig \"Template\" \"Name\" \"\" .context }}{{ end }}",
        "{{ define \"field\" }}{{ if hasKey . \"context\" }}{{ .context.Template.Name }}{{ end }}{{ end }}",
    );
    let body = concat!(
        "{{ include \"labels\" (dict \"context\" $) }} {{ include \"idx\" (dict \"context\" $) }} ",
        "{{ include \"built\" (dict \"context\" $) }} {{ include \"dug\" (dict \"context\" $) }} ",
        "{{ include \"field\" (dict \"context\" $) }}",
    );
    let t = set(&[
        ("t/templates/_h.tpl", helpers),
        ("t/templates/a.yaml", body),
        ("t/templates/b.yaml", body),
    ]);
    let root = dot(&[]);
    let out = render_in_order(&t, &["t/templates/a.yaml", "t/templates/b.yaml"], &root);
    for (text, file) in [(&out[0], "a"), (&out[1], "b")] {
        let name = format!("t/templates/{file}.yaml");
        assert_eq!(*text, format!("map-2 {name} {name} {name} {name}"));
    }
    // The key tests alone leave "labels" reusable in another execution.
    let mut env = ExecEnv::new();
    t.execute("t/templates/a.yaml", root.clone(), &mut env)
        .unwrap();
    let arg = Value::map_of(&[("context", root.clone())]);
    let kept = |name: &str| {
        let entry = t.get(name).unwrap();
        env.memo.get(entry, &arg, env.executions + 1).is_some()
    };
    assert!(kept("labels"));
    for name in ["idx", "built", "dug", "field"] {
        assert!(!kept(name), "{name}");
    }
}

#[test]
fn kept_includes_spend_the_same_work_and_keep_their_origins() {
    let t = set(&[
        (
            "t/templates/_h.tpl",
            "{{ define \"labels\" }}a: 1\nb: {{ .Values.n }}{{ end }}",
        ),
        (
            "t/templates/a.yaml",
            "x:\n{{ include \"labels\" . | indent 2 }}\ny:\n{{ include \"labels\" . | indent 2 }}\n",
        ),
    ]);
    let d = dot(&[("n", Value::Int(1))]);
    let mut env = ExecEnv::new();
    let first = t
        .execute("t/templates/a.yaml", d.clone(), &mut env)
        .unwrap();
    let again = t
        .execute("t/templates/a.yaml", d.clone(), &mut env)
        .unwrap();
    assert_eq!(first.text, "x:\n  a: 1\n  b: 1\ny:\n  a: 1\n  b: 1\n");
    assert_eq!(again.text, first.text);
    let h = "t/templates/_h.tpl".to_string();
    for out in [&first, &again] {
        assert_eq!(origin_line(&t, out, 2), (h.clone(), 1));
        assert_eq!(origin_line(&t, out, 6), (h.clone(), 2));
    }
    // The work limit fails at the same point whether the include is kept or not.
    for fuel in 1..40 {
        let limits = Limits {
            fuel,
            ..Limits::default()
        };
        let fresh = t.execute(
            "t/templates/a.yaml",
            d.clone(),
            &mut ExecEnv {
                limits,
                ..ExecEnv::new()
            },
        );
        env.limits = limits;
        let reused = t.execute("t/templates/a.yaml", d.clone(), &mut env);
        assert_eq!(
            fresh
                .as_ref()
                .map(|o| o.text.clone())
                .map_err(|e| e.helm_message()),
            reused
                .as_ref()
                .map(|o| o.text.clone())
                .map_err(|e| e.helm_message()),
            "fuel {fuel}"
        );
    }
}

#[test]
fn kept_includes_see_changes_to_the_maps_they_read() {
    let helpers = concat!(
        "{{ define \"own\" }}{{ $d := dict \"a\" 1 }}{{ $_ := set $d \"b\" 2 }}{{ toJson $d }}{{ end }}",
        "{{ define \"count\" }}{{ $_ := set . \"x\" (add1 (default 0 .x)) }}{{ .x }}{{ end }}",
        "{{ define \"read\" }}{{ .a.b }}{{ end }}",
        "{{ define \"outer\" }}{{ $x := dict \"b\" 1 }}{{ include \"read\" (dict \"a\" $x) }}",
        "{{ $_ := set $x \"b\" 2 }}{{ include \"read\" (dict \"a\" $x) }}{{ end }}",
        "{{ define \"bump\" }}{{ $_ := set .Values \"n\" (add1 .Values.n) }}{{ .Values.n }}{{ end }}",
        "{{ define \"wrap\" }}[{{ include \"bump\" . }}]{{ end }}",
    );
    let body = concat!(
        "{{ include \"own\" . }} {{ include \"own\" . }}|",
        "{{ $c := dict }}{{ include \"count\" $c }}{{ include \"count\" $c }}|",
        "{{ $inner := dict \"b\" 1 }}{{ $d := dict \"a\" $inner }}{{ include \"read\" $d }}",
        "{{ $_ := set $inner \"b\" 2 }}{{ include \"read\" $d }}|",
        "{{ include \"outer\" . }}{{ include \"outer\" . }}|",
        "{{ include \"wrap\" . }}{{ include \"wrap\" . }}",
    );
    let t = set(&[
        ("t/templates/_h.tpl", helpers),
        ("t/templates/a.yaml", body),
    ]);
    let out = run(&t, "t/templates/a.yaml", dot(&[("n", Value::Int(0))])).unwrap();
    assert_eq!(
        out.text,
        "{\"a\":1,\"b\":2} {\"a\":1,\"b\":2}|12|12|1212|[1][2]"
    );
}

/// envoy-gateway's `dict "value" .Values.x .Values.commonAnnotations "context" $`: five
/// arguments, so a map and the whole root (its large shared `.Files` text included) become
/// keys, printed as Go's `%v`. Each dict gets the text of the root as it is when the dict is
/// made (after `set`, the new entry), whatever was printed before.
#[test]
fn dict_with_map_keys_prints_them_as_go() {
    let t = set(&[
        (
            "t/templates/_h.tpl",
            r#"{{- define "keys" }}{{ range $k, $_ := . }}{{ len $k }}:{{ $k | trunc 16 }};{{ end }}{{ end }}"#,
        ),
        (
            "t/templates/a.yaml",
            r#"{{- range until 3 }}{{ $d := dict "value" $.Values.m $.Values.m "context" $ }}{{ include "keys" $d }}{{ hasKey $d (toString $) }} {{ hasKey $d (printf "%v" $.Values.m) }} {{ index $d "value" | toString }}|{{ end }}
{{- $_ := set .Values.m "c" 3 }}{{ $d := dict .Values.m 1 $ 2 }}{{ keys $d | sortAlpha | join "," | trunc 24 }} {{ hasKey $d (toString $) }} {{ index $d "map[a:1 b:é c:3]" }}"#,
        ),
    ]);
    let files = "x".repeat(10_000);
    let f = Value::Object(std::rc::Rc::new(crate::value::LargeText {
        text: std::rc::Rc::new(files.clone()),
        shared: true,
    }));
    let m = Value::map_of(&[("a", Value::Int(1)), ("b", Value::str("é"))]);
    let d = dot(&[("m", m)]);
    if let Value::Map(top) = &d {
        top.borrow_mut().insert("Files".into(), f);
    }
    let out = run(&t, "t/templates/a.yaml", d).unwrap();
    // The root: `map[Files:<text> Values:map[m:map[a:1 b:é]]]`.
    let root_len = "map[Files: Values:map[m:map[a:1 b:é]]]".len() + files.len();
    let once =
        format!("{root_len}:map[Files:xxxxxx;13:map[a:1 b:é];5:value;true true map[a:1 b:é]|");
    assert_eq!(
        out.text,
        format!("{}map[Files:xxxxxxxxxxxxxx true 1", once.repeat(3))
    );
}
