use super::strvals::{ErrorKind, Mode, parse_into, typed_value};
use super::tree::{coalesce_tables, merge_maps};
use super::*;
use serde_json::json;

fn set(exprs: &[&str]) -> serde_json::Value {
    let mut sources = SourceMap::new();
    let mut root = empty_map(Span::default());
    for e in exprs {
        let f = sources.add("--set", *e, SourceKind::Argument);
        parse_into(e, f, Mode::Typed, &mut root).unwrap_or_else(|err| panic!("{e}: {err:?}"));
    }
    root.to_json()
}

fn set_error(expr: &str, mode: Mode<'_>) -> strvals::SetError {
    let mut root = empty_map(Span::default());
    parse_into(expr, FileId(0), mode, &mut root).expect_err(expr)
}

/// Helm's documented `--set` behaviour (helm.sh/docs/intro/using_helm, strvals tests).
#[test]
fn set_syntax_table() {
    let table: &[(&str, serde_json::Value)] = &[
        ("name=value", json!({"name": "value"})),
        ("a=b,c=d", json!({"a": "b", "c": "d"})),
        ("outer.inner=value", json!({"outer": {"inner": "value"}})),
        (
            "outer.inner1=value,outer.inner2=value2",
            json!({"outer": {"inner1": "value", "inner2": "value2"}}),
        ),
        ("name={a, b, c}", json!({"name": ["a", " b", " c"]})),
        ("name={a,b},x=1", json!({"name": ["a", "b"], "x": 1})),
        ("name=[]", json!({"name": "[]"})),
        ("servers[0].port=80", json!({"servers": [{"port": 80}]})),
        (
            "servers[0].port=80,servers[0].host=example",
            json!({"servers": [{"port": 80, "host": "example"}]}),
        ),
        ("name[1]=x", json!({"name": [null, "x"]})),
        ("name[0][1]=x", json!({"name": [[null, "x"]]})),
        ("name=value1\\,value2", json!({"name": "value1,value2"})),
        (
            "nodeSelector.kubernetes\\.io/role=master",
            json!({"nodeSelector": {"kubernetes.io/role": "master"}}),
        ),
        ("name=", json!({"name": ""})),
        ("name=,x=1", json!({"name": "", "x": 1})),
        ("a=null", json!({"a": null})),
        ("a=NULL", json!({"a": null})),
        (
            "a=true,b=FALSE,c=True",
            json!({"a": true, "b": false, "c": true}),
        ),
        (
            "a=0,b=0123,c=123,d=-5,e=1.5,f=1e3",
            json!({"a": 0, "b": "0123", "c": 123, "d": -5, "e": "1.5", "f": "1e3"}),
        ),
        ("a=9223372036854775808", json!({"a": "9223372036854775808"})),
        ("a=b=c", json!({"a": "b=c"})),
        ("a=x y", json!({"a": "x y"})),
        ("a=1,", json!({"a": 1})),
        ("list={}", json!({"list": [""]})),
        ("[0]=x,a=1", json!({"a": 1})),
        (".a=x,b=1", json!({"b": 1})),
    ];
    for (expr, want) in table {
        assert_eq!(&set(&[expr]), want, "--set {expr}");
    }
}

#[test]
fn later_set_flags_edit_earlier_ones() {
    assert_eq!(set(&["a.b=1", "a.c=2"]), json!({"a": {"b": 1, "c": 2}}));
    assert_eq!(
        set(&["list={a,b,c}", "list[1]=z"]),
        json!({"list": ["a", "z", "c"]})
    );
    assert_eq!(set(&["a=1", "a=2"]), json!({"a": 2}));
    assert_eq!(set(&["a.b=1", "a=x"]), json!({"a": "x"}));
}

#[test]
fn set_string_keeps_everything_a_string() {
    let mut root = empty_map(Span::default());
    parse_into(
        "a=true,b=123,c=null,d={1,2}",
        FileId(0),
        Mode::Strings,
        &mut root,
    )
    .unwrap();
    assert_eq!(
        root.to_json(),
        json!({"a": "true", "b": "123", "c": "null", "d": ["1", "2"]})
    );
}

#[test]
fn set_json_values_are_json() {
    let mut root = empty_map(Span::default());
    parse_into(
        r#"a={"b":[1,2]},c="x" ,d=,e[1]=true"#,
        FileId(0),
        Mode::Json,
        &mut root,
    )
    .unwrap();
    assert_eq!(
        root.to_json(),
        json!({"a": {"b": [1, 2]}, "c": "x", "d": null, "e": [null, true]})
    );
}

#[test]
fn set_file_reads_the_file() {
    let mut root = empty_map(Span::default());
    let mut reader = |p: &str| {
        if p == "cert.pem" {
            Ok("PEM\n".to_string())
        } else {
            Err("not found".to_string())
        }
    };
    parse_into(
        "tls.cert=cert.pem",
        FileId(0),
        Mode::File(&mut reader),
        &mut root,
    )
    .unwrap();
    assert_eq!(root.to_json(), json!({"tls": {"cert": "PEM\n"}}));
    let err = set_error("tls.key=key.pem", Mode::File(&mut reader));
    assert_eq!((err.kind, err.start, err.end), (ErrorKind::File, 8, 15));
}

#[test]
fn typed_values_follow_helm() {
    assert_eq!(typed_value("+5"), Value::Int(5));
    assert_eq!(typed_value("00"), Value::Str("00".into()));
    assert_eq!(typed_value(""), Value::Str("".into()));
}

/// Each malformed expression: the message and where the caret goes.
#[test]
fn malformed_expressions_point_at_the_problem() {
    let table: &[(&str, &str, &str)] = &[
        ("name", "key \"name\" has no value", "name"),
        ("a.b", "key \"b\" has no value", "b"),
        ("a,b=c", "key \"a\" has no value (cannot end with ,)", ","),
        ("a={x,y", "list must terminate with '}'", "{"),
        ("a[x]=1", "list index \"x\" is not a number", "x"),
        ("a[-1]=1", "negative -1 index not allowed", "-1"),
        (
            "a[0]x=1",
            "unexpected data at end of array index: \"x\"",
            "x",
        ),
        ("a[0", "list index is not closed with `]`", "[0"),
        ("a[0]", "list element has no value", "]"),
        ("a.=1", "key map \"a\" has no value", "a"),
    ];
    for (expr, message, caret) in table {
        let e = set_error(expr, Mode::Typed);
        assert_eq!(e.kind, ErrorKind::Syntax, "{expr}");
        assert_eq!(e.message, *message, "{expr}");
        assert_eq!(expr.get(e.start..e.end), Some(*caret), "{expr}: caret");
        assert!(!e.help.is_empty());
    }
    let e = set_error("a={\"b\":}", Mode::Json);
    assert_eq!(&"a={\"b\":}"[e.start..e.end], "}");
    // serde_json's line and column (in characters) become a byte offset in the argument: on a
    // later line, after multi-byte characters, and after an earlier expression.
    for expr in [
        "a={\"b\":1,\n\"c\":}",
        "a={\"é\":}",
        "x=1,a={\"ü\":1,\n \"é\":}",
    ] {
        let e = set_error(expr, Mode::Json);
        assert_eq!(expr.get(e.start..e.end), Some("}"), "{expr:?}");
        assert_eq!(e.start, expr.len() - 1, "{expr:?}");
    }
}

#[test]
fn setting_inside_a_scalar_is_a_conflict() {
    let mut root = empty_map(Span::default());
    parse_into("image=nginx", FileId(0), Mode::Typed, &mut root).unwrap();
    let e = parse_into("image.tag=1", FileId(0), Mode::Typed, &mut root).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Conflict);
    assert!(e.message.contains("\"image\""), "{}", e.message);
}

#[test]
fn set_nodes_span_their_text_in_the_argument() {
    let mut sources = SourceMap::new();
    let text = "image.tag=1.2,replicas=3";
    let f = sources.add("--set", text, SourceKind::Argument);
    let mut root = empty_map(Span::default());
    parse_into(text, f, Mode::Typed, &mut root).unwrap();
    let tag = root.path(&["image", "tag"]).unwrap();
    assert_eq!(sources.slice(tag.span), "1.2");
    let (key, value) = root.entry("replicas").unwrap();
    assert_eq!(
        (sources.slice(key.span), sources.slice(value.span)),
        ("replicas", "3")
    );
    let loc = sources.locate(value.span);
    assert_eq!((loc.path.as_str(), loc.line, loc.column), ("--set", 1, 24));
}

#[test]
fn set_flags_apply_in_helm_order() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("v.txt");
    std::fs::write(&file, "from-file").unwrap();
    let args = ValueArgs {
        set_json: vec![r#"a="json",b="json",c="json",d="json""#.into()],
        set: vec!["b=set,c=set,d=set".into()],
        set_string: vec!["c=string,d=string".into()],
        set_file: vec![format!("d={}", file.display())],
        ..ValueArgs::default()
    };
    let mut sources = SourceMap::new();
    let (values, diags) = merge(None, &args, &mut sources);
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(
        values.to_json(),
        json!({"a": "json", "b": "set", "c": "string", "d": "from-file"})
    );
    let names: Vec<&str> = sources.files().map(|(_, f)| f.name.as_str()).collect();
    assert_eq!(names, ["--set-json", "--set", "--set-string", "--set-file"]);
}

#[test]
fn malformed_set_is_fatal_with_a_caret() {
    let args = ValueArgs {
        set: vec!["a=1,b".into()],
        ..ValueArgs::default()
    };
    let mut sources = SourceMap::new();
    let (_, diags) = merge(None, &args, &mut sources);
    let [d] = diags.as_slice() else {
        panic!("{diags:?}")
    };
    assert_eq!(d.rule.id, "values/set-syntax");
    assert!(d.is_fatal());
    assert_eq!(
        d.message,
        "failed parsing --set data: key \"b\" has no value"
    );
    let span = d.primary.as_ref().unwrap().span;
    assert_eq!(sources.slice(span), "b");
    assert_eq!(sources.locate(span).column, 5);
}

#[test]
fn missing_set_file_and_values_file_are_fatal() {
    let args = ValueArgs {
        files: vec!["/nonexistent/values.yaml".into()],
        set_file: vec!["x=/nonexistent/file.txt".into()],
        ..ValueArgs::default()
    };
    let mut sources = SourceMap::new();
    let (_, diags) = merge(None, &args, &mut sources);
    let ids: Vec<&str> = diags.iter().map(|d| d.rule.id).collect();
    assert_eq!(ids, ["values/file-unreadable", "values/file-unreadable"]);
    assert!(diags.iter().all(Diagnostic::is_fatal));
}

fn node(v: serde_json::Value) -> Node {
    Node::from_json(&v, Span::default())
}

/// A key set again by a later `-f` file points at that file (findings about the key show where
/// it was last set), whether the new value is a scalar or a map over a scalar; keys of maps
/// merged in both keep the map's first key and gain the later keys.
#[test]
fn a_later_file_owns_the_keys_it_sets() {
    let in_file = |f: u32, v: serde_json::Value| Node::from_json(&v, Span::new(FileId(f), 0, 1));
    let mut user = in_file(0, json!({"x": 1, "y": 1, "m": {"a": 1}}));
    merge_maps(
        &mut user,
        in_file(1, json!({"x": 2, "y": {"b": 2}, "m": {"c": 3}})),
    );
    let key_file = |path: &[&str]| {
        let (last, parents) = path.split_last().unwrap();
        let parent = user.path(parents).unwrap();
        parent.entry(last).unwrap().0.span.file
    };
    assert_eq!(key_file(&["x"]), FileId(1));
    assert_eq!(key_file(&["y"]), FileId(1));
    assert_eq!(key_file(&["m"]), FileId(0));
    assert_eq!(key_file(&["m", "a"]), FileId(0));
    assert_eq!(key_file(&["m", "c"]), FileId(1));
    assert_eq!(
        user.to_json(),
        json!({"x": 2, "y": {"b": 2}, "m": {"a": 1, "c": 3}})
    );
}

/// Precedence between files and defaults, on trees (the YAML reading is tested with fixtures).
#[test]
fn merging_and_coalescing_follow_helm() {
    // -f a then -f b: maps merge, lists and scalars replace, null is kept for coalescing.
    let mut user = node(json!({}));
    merge_maps(
        &mut user,
        node(json!({"image": {"repo": "a", "tag": "1"}, "list": [1, 2, 3], "gone": 1, "x": "a"})),
    );
    merge_maps(
        &mut user,
        node(json!({"image": {"tag": "2"}, "list": [9], "gone": null})),
    );
    assert_eq!(
        user.to_json(),
        json!({"image": {"repo": "a", "tag": "2"}, "list": [9], "gone": null, "x": "a"})
    );
    // Defaults fill the rest; a user null deletes the default.
    let defaults = node(
        json!({"image": {"repo": "d", "pullPolicy": "IfNotPresent"}, "list": [0], "gone": 5, "port": 80}),
    );
    coalesce_tables(&mut user, &defaults, true);
    assert_eq!(
        user.to_json(),
        json!({"image": {"repo": "a", "tag": "2", "pullPolicy": "IfNotPresent"}, "list": [9], "x": "a", "port": 80})
    );
    // A null where no default exists stays (Helm keeps it).
    let mut only_user = node(json!({"n": null}));
    coalesce_tables(&mut only_user, &node(json!({})), true);
    assert_eq!(only_user.to_json(), json!({"n": null}));
}

#[test]
fn globals_flow_down_with_the_parent_winning() {
    let mut section =
        node(json!({"global": {"a": "sub", "b": "sub", "m": {"x": "sub", "y": "sub"}}, "own": 1}));
    coalesce_globals(
        &mut section,
        &node(json!({"a": "parent", "m": {"x": "parent"}, "c": "parent"})),
    );
    assert_eq!(
        section.to_json(),
        json!({"global": {"a": "parent", "b": "sub", "m": {"x": "parent", "y": "sub"}, "c": "parent"}, "own": 1})
    );
}

#[test]
fn a_conflict_points_at_both_arguments() {
    let args = ValueArgs {
        set: vec!["image=nginx".into(), "image.tag=1".into()],
        ..ValueArgs::default()
    };
    let mut sources = SourceMap::new();
    let (_, diags) = merge(None, &args, &mut sources);
    let [d] = diags.as_slice() else {
        panic!("{diags:?}")
    };
    assert_eq!(d.rule.id, "values/set-conflict");
    assert_eq!(
        d.message,
        "failed parsing --set data: cannot set inside \"image\": it is already a string (\"nginx\"), not a map"
    );
    assert_eq!(sources.slice(d.primary.as_ref().unwrap().span), "image");
    let earlier = &d.secondary[0];
    assert_eq!(sources.slice(earlier.span), "nginx");
    assert_eq!(sources.text(earlier.span.file), "image=nginx");
}

#[test]
fn a_values_url_is_refused_offline() {
    let args = ValueArgs {
        files: vec!["https://example.com/values.yaml".into()],
        ..ValueArgs::default()
    };
    let mut sources = SourceMap::new();
    let (_, diags) = merge(None, &args, &mut sources);
    assert_eq!(diags[0].rule.id, "values/file-unreadable");
    assert!(diags[0].message.contains("never uses the network"));
}

mod no_panic {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

        /// Any argument parses or fails with a span that sits on character boundaries in it.
        #[test]
        fn any_set_argument(text in r#"[a-c.\[\]0-9=,{}\\ "é:-]{0,24}"#) {
            for json in [false, true] {
                let mode = if json { Mode::Json } else { Mode::Typed };
                let mut root = empty_map(Span::default());
                if let Err(e) = parse_into(&text, FileId(0), mode, &mut root) {
                    prop_assert!(e.start <= e.end && e.end <= text.len(), "{text:?}: {e:?}");
                    prop_assert!(text.is_char_boundary(e.start) && text.is_char_boundary(e.end), "{text:?}: {e:?}");
                }
            }
        }
    }
}

/// Helm allows 30 dots in a `--set` name (`nestedNameLevel > MaxNestedNameLevel` after each
/// dot) and list indexes up to 65536; one more is its error.
#[test]
fn set_names_at_the_nesting_limit_and_indexes_at_the_index_limit() {
    let name = |dots: usize| {
        let parts: Vec<String> = (0..=dots).map(|i| format!("k{i}")).collect();
        parts.join(".")
    };
    let deep = set(&[&format!("{}=1", name(30))]);
    let mut node = &deep;
    for i in 0..30 {
        node = &node[format!("k{i}")];
    }
    assert_eq!(node, &json!({"k30": 1}));
    let err = set_error(&format!("{}=1", name(31)), Mode::Typed);
    assert_eq!(
        err.message,
        "value name nested level is greater than maximum supported nested level of 30"
    );
    assert_eq!(err.kind, ErrorKind::Syntax);

    let list = set(&["a[65536]=x"]);
    assert_eq!(list["a"].as_array().map(Vec::len), Some(65537));
    assert_eq!(list["a"][65536], json!("x"));
    assert_eq!(
        set_error("a[65537]=x", Mode::Typed).message,
        "index of 65537 is greater than maximum supported index of 65536"
    );
}

/// `-f` files are read as Helm's `loader.LoadValues` reads them (the chart's values.yaml too,
/// checked against Helm in tests/helm_oracle.rs): every document merged, the later one winning.
#[test]
fn every_document_of_a_values_file_is_merged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.yaml");
    std::fs::write(
        &path,
        "a: {p: 1, q: 2}\nkeep: 1\n--- # comment\na: {q: 3}\nkeep: null\n---\n---\nb: [1]\n",
    )
    .unwrap();
    let args = ValueArgs {
        files: vec![path.clone()],
        ..ValueArgs::default()
    };
    let mut sources = SourceMap::new();
    let (merged, diags) = merge(None, &args, &mut sources);
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(
        merged.to_json(),
        json!({"a": {"p": 1, "q": 3}, "keep": null, "b": [1]})
    );

    std::fs::write(&path, "a: 1\n---\n- x\n").unwrap();
    let mut sources = SourceMap::new();
    let (_, diags) = merge(None, &args, &mut sources);
    let messages: Vec<String> = diags
        .iter()
        .map(|d| format!("{}: {}", d.rule.id, d.message))
        .collect();
    assert_eq!(
        messages,
        [format!(
            "values/not-a-map: values file {} is an array, not a map of values",
            path.display()
        )]
    );
}
