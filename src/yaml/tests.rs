use super::*;
use crate::source::SourceKind;

fn load_with(text: &str, limits: &Limits) -> (SourceMap, Vec<Document>, Vec<Diagnostic>) {
    let mut map = SourceMap::new();
    let f = map.add("t.yaml", text, SourceKind::Manifest);
    let (docs, diags) = parse_stream(&map, f, limits);
    (map, docs, diags)
}

fn load(text: &str) -> (SourceMap, Vec<Document>, Vec<Diagnostic>) {
    load_with(text, &Limits::default())
}

fn root(docs: &[Document], i: usize) -> &Node {
    docs[i].root.as_ref().unwrap()
}

fn ids(diags: &[Diagnostic]) -> Vec<&str> {
    diags.iter().map(|d| d.rule.id).collect()
}

#[test]
fn spans_of_keys_and_values() {
    let text = "# c\n---\n# Source: x\na: 'q'\nb: \"dq\"\nc: &anc\n  d: [1, {e: f}]\n  g: |\n    lit\n    more\n\nh: *anc\ni:\nj: >-\n  folded\nk:\n- x\n- w\nl: !!str 12\nm: &x2 plain\n";
    let (map, docs, diags) = load(text);
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(docs.len(), 1);
    let r = root(&docs, 0);
    let s = |n: &Node| map.slice(n.span);
    let (ka, va) = r.entry("a").unwrap();
    assert_eq!((s(ka), s(va)), ("a", "'q'"));
    assert_eq!(va.style, ScalarStyle::SingleQuoted);
    assert_eq!(s(r.get("b").unwrap()), "\"dq\"");
    let c = r.get("c").unwrap();
    assert_eq!(s(c), "d: [1, {e: f}]\n  g: |\n    lit\n    more");
    assert_eq!(s(c.get("d").unwrap()), "[1, {e: f}]");
    assert_eq!(s(&c.get("d").unwrap().as_seq().unwrap()[1]), "{e: f}");
    let g = c.get("g").unwrap();
    assert_eq!(
        (s(g), g.as_str(), g.style),
        (
            "|\n    lit\n    more",
            Some("lit\nmore\n"),
            ScalarStyle::Literal
        )
    );
    let h = r.get("h").unwrap();
    assert_eq!(h.get("d").unwrap().as_seq().unwrap().len(), 2);
    assert_eq!(map.slice(h.site()), "*anc");
    assert_eq!(map.slice(h.get("g").unwrap().site()), "*anc");
    assert_eq!(s(h), s(c));
    assert!(r.get("i").unwrap().is_null());
    assert_eq!(s(r.get("j").unwrap()), ">-\n  folded");
    assert_eq!(r.get("j").unwrap().as_str(), Some("folded"));
    assert_eq!(s(r.get("k").unwrap()), "- x\n- w");
    assert_eq!(r.get("l").unwrap().as_str(), Some("12"));
    assert_eq!(s(r.get("l").unwrap()), "12");
    assert_eq!(s(r.get("m").unwrap()), "plain");
    assert_eq!(s(r), &text[text.find("a: 'q'").unwrap()..text.len() - 1]);
    // The document starts at its `---`, before the `# Source:` comment.
    assert_eq!(map.locate(docs[0].span).line, 2);
}

#[test]
fn block_sequences_and_nested_spans() {
    let text = "k:\n  - x\n  - &s [1, 2]\nnn:\n- - a\n  - b\n- c: d\n  e: f\nz: |\n  t\n";
    let (map, docs, diags) = load(text);
    assert!(diags.is_empty(), "{diags:?}");
    let r = root(&docs, 0);
    let s = |n: &Node| map.slice(n.span);
    assert_eq!(s(r.get("k").unwrap()), "- x\n  - &s [1, 2]");
    assert_eq!(s(&r.get("k").unwrap().as_seq().unwrap()[1]), "[1, 2]");
    let n = r.get("nn").unwrap();
    assert_eq!(s(n), "- - a\n  - b\n- c: d\n  e: f");
    assert_eq!(s(&n.as_seq().unwrap()[0]), "- a\n  - b");
    assert_eq!(s(&n.as_seq().unwrap()[1]), "c: d\n  e: f");
    assert_eq!(s(r.get("z").unwrap()), "|\n  t");
}

#[test]
fn multibyte_text_gets_byte_spans() {
    let text = "é: ü\nname: wörld # ç\nx: \"ß\"\n";
    let (map, docs, _) = load(text);
    let r = root(&docs, 0);
    assert_eq!(map.slice(r.get("name").unwrap().span), "wörld");
    assert_eq!(map.slice(r.get("x").unwrap().span), "\"ß\"");
    assert_eq!(map.slice(r.entry("é").unwrap().1.span), "ü");
}

#[test]
fn multi_document_streams() {
    let text = "a: 1\n---\n---\n# only a comment\n---\nb: 2\n...\n--- |\n  root\n---\n- x\n";
    let (map, docs, diags) = load(text);
    assert!(diags.is_empty(), "{diags:?}");
    let roots: Vec<bool> = docs.iter().map(|d| d.root.is_some()).collect();
    assert_eq!(roots, [true, false, false, true, true, true]);
    assert_eq!(
        docs.iter().map(|d| d.index).collect::<Vec<_>>(),
        [0, 1, 2, 3, 4, 5]
    );
    assert_eq!(map.slice(docs[0].span), "a: 1");
    assert_eq!(map.slice(docs[3].span), "---\nb: 2");
    assert_eq!(root(&docs, 4).as_str(), Some("root\n"));
    assert_eq!(map.slice(docs[5].span), "---\n- x");
}

#[test]
fn kubernetes_scalar_resolution() {
    let text = "a: yes\nb: 0644\nc: 0x1F\nd: 1.5\ne: ~\nf: '0644'\ng: 2024-01-01\nh: !!int \"12\"\non: 1\nj: |\n  yes\nk: -3\nl: .inf\n";
    let (_, docs, _) = load(text);
    let r = root(&docs, 0);
    assert_eq!(r.get("a").unwrap().value, Value::Bool(true));
    assert_eq!(r.get("b").unwrap().value, Value::Int(420));
    assert_eq!(r.get("c").unwrap().value, Value::Int(31));
    assert_eq!(r.get("d").unwrap().value, Value::Float(1.5));
    assert!(r.get("e").unwrap().is_null());
    assert_eq!(r.get("f").unwrap().as_str(), Some("0644"));
    assert_eq!(r.get("g").unwrap().as_str(), Some("2024-01-01"));
    assert_eq!(r.get("h").unwrap().value, Value::Int(12));
    assert_eq!(r.get("j").unwrap().as_str(), Some("yes\n"));
    assert_eq!(r.get("k").unwrap().value, Value::Int(-3));
    assert_eq!(r.get("l").unwrap().value, Value::Float(f64::INFINITY));
    // `on:` is the boolean key true, which JSON spells "true".
    let (k, _) = &r.as_map().unwrap()[8];
    assert_eq!(k.value, Value::Bool(true));
    assert_eq!(r.to_json()["true"], serde_json::json!(1));
}

#[test]
fn merge_keys_explicit_keys_win() {
    let text = "base: &b {p: 1, q: 2}\nother: &o {q: 3, r: 4}\nm:\n  p: 9\n  <<: [*b, *o]\nnn:\n  <<: *b\n  q: 5\n";
    let (map, docs, diags) = load(text);
    assert!(diags.is_empty(), "{diags:?}");
    let r = root(&docs, 0);
    let m = r.get("m").unwrap();
    assert_eq!(m.to_json(), serde_json::json!({"p": 9, "q": 2, "r": 4}));
    assert_eq!(
        r.get("nn").unwrap().to_json(),
        serde_json::json!({"p": 1, "q": 5})
    );
    assert_eq!(map.slice(m.get("q").unwrap().site()), "*b");
}

#[test]
fn bad_merge_value_is_reported() {
    let (_, _, diags) = load("m:\n  <<: 3\n  a: 1\n");
    assert_eq!(ids(&diags), ["yaml/syntax"]);
}

#[test]
fn duplicate_key_fails_and_keeps_the_last() {
    let (map, docs, diags) = load(DUPLICATE_KEY.failing);
    assert_eq!(ids(&diags), ["yaml/duplicate-key"]);
    let d = &diags[0];
    assert_eq!(d.message, "duplicate key \"name\" in this map");
    assert_eq!(map.locate(d.primary.as_ref().unwrap().span).line, 5);
    assert_eq!(map.locate(d.secondary[0].span).line, 4);
    assert_eq!(
        root(&docs, 0).path(&["metadata", "name"]).unwrap().as_str(),
        Some("other")
    );
    assert_eq!(
        root(&docs, 0)
            .get("metadata")
            .unwrap()
            .as_map()
            .unwrap()
            .len(),
        1
    );
    let (_, _, diags) = load(DUPLICATE_KEY.passing);
    assert!(diags.is_empty());
}

#[test]
fn duplicate_keys_in_large_maps() {
    let mut text: String = (0..40).map(|i| format!("k{i}: {i}\n")).collect();
    text.push_str("k7: again\n");
    let (map, docs, diags) = load(&text);
    assert_eq!(ids(&diags), ["yaml/duplicate-key"]);
    assert_eq!(map.locate(diags[0].secondary[0].span).line, 8);
    assert_eq!(root(&docs, 0).get("k7").unwrap().as_str(), Some("again"));
    assert_eq!(root(&docs, 0).as_map().unwrap().len(), 40);
}

#[test]
fn ambiguous_scalars_warn() {
    let (map, _, diags) = load(AMBIGUOUS_SCALAR.failing);
    assert_eq!(
        ids(&diags),
        ["yaml/ambiguous-scalar", "yaml/ambiguous-scalar"]
    );
    assert_eq!(
        diags[0].message,
        "`yes` is read as the boolean true by Kubernetes (YAML 1.1), not as the text \"yes\""
    );
    assert_eq!(map.locate(diags[0].primary.as_ref().unwrap().span).line, 6);
    assert_eq!(
        diags[1].message,
        "`1.10` is read as the number 1.1 by Kubernetes (YAML 1.1), not as the text \"1.10\""
    );
    let (_, _, diags) = load(AMBIGUOUS_SCALAR.passing);
    assert!(diags.is_empty());
    let (_, _, diags) = load("on: x\nperm: 0644\nok: true\nnum: 10\nf: 1.5\ndefaultMode: 0644\n");
    assert_eq!(
        diags[0].help.as_deref(),
        Some("quote the key (\"on\":) so it stays the text \"on\"")
    );
    let messages: Vec<&str> = diags.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "key `on` is read as the boolean true by Kubernetes (YAML 1.1), so the key becomes \"true\"",
            "`0644` is read as the octal number 420 by Kubernetes (YAML 1.1), not as the text \"0644\"",
        ]
    );
}

#[test]
fn syntax_errors_resynchronise_at_the_next_document() {
    let text = "a: 1\n---\nb: [1, 2\nc: 3\n---\nd: 4\n---\ne:\n\tf: 5\n---\ng: 6\n";
    let (map, docs, diags) = load(text);
    assert_eq!(ids(&diags), ["yaml/syntax", "yaml/syntax"]);
    let roots: Vec<Option<serde_json::Value>> = docs
        .iter()
        .map(|d| d.root.as_ref().map(Node::to_json))
        .collect();
    assert_eq!(
        roots,
        [
            Some(serde_json::json!({"a": 1})),
            None,
            Some(serde_json::json!({"d": 4})),
            None,
            Some(serde_json::json!({"g": 6}))
        ]
    );
    let d = root(&docs, 4).get("g").unwrap();
    assert_eq!((map.locate(d.span).line, map.slice(d.span)), (11, "6"));
    let tab = &diags[1];
    assert_eq!(map.locate(tab.primary.as_ref().unwrap().span).line, 9);
    assert!(tab.help.as_deref().unwrap().contains("tabs"), "{tab:?}");
}

#[test]
fn syntax_rule_examples() {
    let (map, _, diags) = load(SYNTAX.failing);
    assert_eq!(ids(&diags), ["yaml/syntax"]);
    assert_eq!(map.locate(diags[0].primary.as_ref().unwrap().span).line, 5);
    assert!(diags[0].help.is_some());
    let (_, docs, diags) = load(SYNTAX.passing);
    assert!(diags.is_empty());
    assert!(docs[0].root.is_some());
}

#[test]
fn syntax_help_guesses() {
    let help = |t: &str| {
        let (_, _, diags) = load(t);
        assert_eq!(ids(&diags), ["yaml/syntax"], "{t}");
        diags[0].help.clone().unwrap_or_default()
    };
    assert!(help("a: \"abc\nb: 2\n").contains("quote"));
    assert!(help("a: [1, 2\nb: 2\n").contains("flow"));
    assert!(help("a:\n  b: 1\n c: 2\n").contains("indent"));
    assert!(help("a: b: c\n").contains("quoted"));
}

#[test]
fn billion_laughs_stops_fast() {
    // Bounded by node count, not time: the expansion stops at the limit before cloning.
    let (map, docs, diags) = load(ALIAS_LIMIT.failing);
    assert_eq!(ids(&diags), ["yaml/alias-limit"]);
    assert!(
        diags[0].message.contains("1000000 nodes"),
        "{}",
        diags[0].message
    );
    assert_eq!(map.locate(diags[0].primary.as_ref().unwrap().span).line, 6);
    assert!(docs[0].root.is_none());
    // A small limit stops before anything large is cloned.
    let small = Limits {
        max_nodes: 1000,
        ..Limits::default()
    };
    let (_, _, diags) = load_with(ALIAS_LIMIT.failing, &small);
    assert_eq!(ids(&diags), ["yaml/alias-limit"]);
    let (_, _, diags) = load(ALIAS_LIMIT.passing);
    assert!(diags.is_empty());
}

#[test]
fn deep_nesting_ends_in_a_diagnostic() {
    for text in [
        "[".repeat(100_000),
        "- ".repeat(100_000) + "x",
        "{a: ".repeat(100_000),
    ] {
        let (_, docs, diags) = load(&text);
        assert_eq!(ids(&diags), ["yaml/too-deep"]);
        assert!(
            diags[0].message.contains("256 levels"),
            "{}",
            diags[0].message
        );
        assert!(docs[0].root.is_none());
    }
    let nested: String = (0..1000)
        .map(|i| format!("{}a:\n", " ".repeat(i)))
        .collect();
    let (_, _, diags) = load(&nested);
    assert!(ids(&diags).contains(&"yaml/too-deep"));
    let (_, _, diags) = load(TOO_DEEP.failing);
    assert_eq!(ids(&diags), ["yaml/too-deep"]);
    let (_, _, diags) = load(TOO_DEEP.passing);
    assert!(diags.is_empty());
}

#[test]
fn too_deep_with_a_smaller_limit() {
    let limits = Limits {
        max_depth: 3,
        ..Limits::default()
    };
    let (map, _, diags) = load_with("a:\n  b:\n    c:\n      d: 1\n", &limits);
    assert_eq!(ids(&diags), ["yaml/too-deep"]);
    assert_eq!(map.locate(diags[0].primary.as_ref().unwrap().span).line, 4);
    let (_, _, diags) = load_with("a:\n  b:\n    c: 1\n", &limits);
    assert!(diags.is_empty());
}

#[test]
fn documents_over_the_size_limit_are_skipped() {
    let limits = Limits {
        max_document_bytes: 20,
        ..Limits::default()
    };
    let text = "a: 1\n---\nbig: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n---\nc: 3\n";
    let (map, docs, diags) = load_with(text, &limits);
    assert_eq!(ids(&diags), ["yaml/document-too-large"]);
    assert!(diags[0].message.contains("over the limit of 20 bytes"));
    assert_eq!(map.locate(diags[0].primary.as_ref().unwrap().span).line, 2);
    assert_eq!(
        docs.iter().map(|d| d.root.is_some()).collect::<Vec<_>>(),
        [true, false, true]
    );
}

#[test]
fn objects_parse_end_to_end() {
    let text = "---\n# Source: chart/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: web\n---\n# Source: chart/templates/empty.yaml\n---\napiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata: {name: svc}\n";
    let mut map = SourceMap::new();
    let f = map.add("t.yaml", text, SourceKind::Manifest);
    let (objects, diags) = crate::object::parse(&map, &[f], &Limits::default());
    assert!(diags.is_empty(), "{diags:?}");
    let names: Vec<(&str, &str)> = objects
        .iter()
        .map(|o| (o.kind.as_str(), o.name.as_str()))
        .collect();
    assert_eq!(names, [("ConfigMap", "settings"), ("Service", "svc")]);
    assert_eq!(objects[0].namespace.as_deref(), Some("web"));
    assert_eq!(map.locate(objects[0].span).line, 1);
    assert_eq!(map.locate(objects[0].name_span()).line, 6);
    assert_eq!(map.locate(objects[1].span).line, 14);
}

#[test]
fn collection_keys_are_errors() {
    let (map, _, diags) = load("metadata:\n  name: etcd-{{cell}}\n  labels:\n    cell: {{cell}}\n");
    assert_eq!(ids(&diags), ["yaml/syntax"]);
    assert_eq!(
        diags[0].message,
        "a map key must be a string, a number or a boolean, not a map"
    );
    assert_eq!(map.locate(diags[0].primary.as_ref().unwrap().span).line, 4);
    assert!(diags[0].help.as_deref().unwrap().contains("template"));
}

#[test]
fn nested_aliases_expand_with_the_outer_alias_site() {
    let text = "a: &a {x: 1}\nb: &b {w: *a, s: &s text}\nc: *b\nd: *s\ne: [*a, *a]\n";
    let (map, docs, diags) = load(text);
    assert!(diags.is_empty(), "{diags:?}");
    let r = root(&docs, 0);
    assert_eq!(
        r.get("c").unwrap().to_json(),
        serde_json::json!({"w": {"x": 1}, "s": "text"})
    );
    assert_eq!(map.slice(r.path(&["c", "w", "x"]).unwrap().site()), "*b");
    assert_eq!(map.slice(r.path(&["b", "w", "x"]).unwrap().site()), "*a");
    assert_eq!(map.slice(r.path(&["b", "w", "x"]).unwrap().span), "1");
    assert_eq!(map.slice(r.get("d").unwrap().site()), "*s");
    assert_eq!(
        r.get("e").unwrap().to_json(),
        serde_json::json!([{"x": 1}, {"x": 1}])
    );
    assert_eq!(map.slice(docs[0].span), text.trim_end());
}

#[test]
fn block_scalar_headers_in_odd_places() {
    let text = "k:\n- |\n  one\n- >-\n  two\n  # not a comment\nh:\n  # comment with | and >\n  |-\n  three\nc: | # trailing > comment\n  four\n\n# after\nlast: x\n";
    let (map, docs, diags) = load(text);
    assert!(diags.is_empty(), "{diags:?}");
    let r = root(&docs, 0);
    let k = r.get("k").unwrap().as_seq().unwrap();
    assert_eq!(map.slice(k[0].span), "|\n  one");
    assert_eq!(map.slice(k[1].span), ">-\n  two\n  # not a comment");
    assert_eq!(map.slice(r.get("h").unwrap().span), "|-\n  three");
    assert_eq!(
        map.slice(r.get("c").unwrap().span),
        "| # trailing > comment\n  four"
    );
    assert_eq!(r.get("c").unwrap().as_str(), Some("four\n"));
}

#[test]
fn crlf_and_byte_order_mark() {
    let text = "\u{feff}a: 1\r\nb: |\r\n  x\r\n---\r\nc: é\r\n";
    let (map, docs, diags) = load(text);
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(map.slice(root(&docs, 0).get("a").unwrap().span), "1");
    assert_eq!(map.slice(root(&docs, 0).get("b").unwrap().span), "|\r\n  x");
    assert_eq!(root(&docs, 0).get("b").unwrap().as_str(), Some("x\n"));
    assert_eq!(map.slice(root(&docs, 1).get("c").unwrap().span), "é");
    assert_eq!(map.locate(root(&docs, 1).get("c").unwrap().span).line, 5);
}

#[test]
fn alias_to_a_collection_as_key_is_an_error() {
    let (_, _, diags) = load("a: &a [1]\n*a : x\n");
    assert_eq!(ids(&diags), ["yaml/syntax"]);
    assert!(
        diags[0].message.ends_with("not an alias to a map or list"),
        "{}",
        diags[0].message
    );
}

/// Every object of a run is a tree of these, all alive until the end of the run: on CRD-heavy
/// input the node structs alone are a third of the peak memory (issue 19). A field that makes
/// them larger should be a decision, not an accident.
#[test]
fn a_node_takes_32_bytes_and_a_map_entry_64() {
    assert_eq!(std::mem::size_of::<Node>(), 32);
    assert_eq!(std::mem::size_of::<(Node, Node)>(), 64);
}
