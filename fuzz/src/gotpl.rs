//! The Go template engine's fuzz harnesses (`crates/gotpl`): `gotpl_parse` and `gotpl_exec`.
//! Kept apart from `lib.rs` because they need only `kforge-gotpl`: the fuzz targets include this
//! file with `#[path]`, and `crates/gotpl/tests/fuzz_regressions.rs` replays
//! `fuzz/regressions/gotpl_*/` through it in `cargo test -p kforge-gotpl`.
//!
//! A finding is a panic, a stack overflow, a hang past the per-input timeout or a memory blow-up:
//! any text must parse or fail with an error, and any template must render or fail within the
//! limits below.

use std::collections::BTreeMap;

use kforge_gotpl::Value;
use kforge_gotpl::exec::{ExecEnv, Limits, Templates, is_func};

/// The parse name of the template under test, as Helm names a chart's file.
const NAME: &str = "t/templates/case.yaml";

/// Parses the bytes (lossy UTF-8) as one template file.
pub fn gotpl_parse(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let _ = kforge_gotpl::parse::parse(NAME, &text, &is_func);
}

/// `template \0 helpers`: both parsed into one set as Helm does for a chart, then the template
/// executed on small fixed values, with limits small enough that a run ends well within the
/// fuzzer's timeout (the defaults allow minutes of work for a real chart).
pub fn gotpl_exec(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let (template, helpers) = text.split_once('\0').unwrap_or((&text, ""));
    let mut set = Templates::new();
    if set.add_file(NAME, template).is_err() {
        return;
    }
    if !helpers.is_empty() && set.add_file("t/templates/_helpers.tpl", helpers).is_err() {
        return;
    }
    let mut env = ExecEnv::new();
    env.limits = Limits {
        fuel: 2_000_000,
        max_output: 1 << 20,
        ..Limits::default()
    };
    let _ = set.execute(NAME, dot(), &mut env);
}

fn map(entries: Vec<(&str, Value)>) -> Value {
    Value::map(
        entries
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect::<BTreeMap<_, _>>(),
    )
}

/// `.Values` as a values file gives them (numbers are float64), with the shapes templates poke
/// at: nested maps, lists, nil, a string holding a template for `tpl`.
fn dot() -> Value {
    let s = Value::str;
    let values = map(vec![
        ("n", Value::Float(3.0)),
        ("f", Value::Float(2.5)),
        ("big", Value::Float(1e6)),
        ("b", Value::Bool(true)),
        ("s", s("text")),
        ("empty", s("")),
        ("nil", Value::Nil),
        ("t", s("{{ .Values.s }}-{{ include \"x\" . }}")),
        (
            "l",
            Value::list(vec![
                Value::Float(1.0),
                s("x"),
                Value::Nil,
                map(vec![("k", s("v"))]),
            ]),
        ),
        (
            "m",
            map(vec![
                ("a", map(vec![("b", map(vec![("c", s("deep"))]))])),
                ("k", s("v")),
                ("list", Value::list(vec![s("a"), s("b")])),
            ]),
        ),
    ]);
    map(vec![
        ("Values", values),
        (
            "Release",
            map(vec![("Name", s("release")), ("Namespace", s("default"))]),
        ),
        (
            "Chart",
            map(vec![("Name", s("t")), ("Version", s("0.1.0"))]),
        ),
        (
            "Template",
            map(vec![("Name", s(NAME)), ("BasePath", s("t/templates"))]),
        ),
    ])
}
