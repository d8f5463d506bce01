//! Every values.schema.json of the bitnami corpus (../shared/corpus/helm) against its chart's
//! values: kforge's own validator (src/schema/json_schema) finds nothing on the defaults, as the
//! jsonschema crate it replaced finds nothing, and when leaves of the values are given the wrong
//! type (`--set-json`) both report the same failing values.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::common;
use common::bitnami::{prep, unpacked};
use common::shared;
use kforge::chart::Input;
use kforge::{Options, Run};

/// Most wrong values given to one chart at once (kforge reports up to 50 per schema).
const MUTATIONS: usize = 40;

fn values_json(path: &std::path::Path) -> Value {
    let mut sources = kforge::source::SourceMap::new();
    let text = std::fs::read_to_string(path).unwrap();
    let file = sources.add("values.yaml", text, kforge::source::SourceKind::Values);
    let (docs, _) = kforge::yaml::parse_stream(&sources, file, &kforge::yaml::Limits::default());
    docs.into_iter()
        .find_map(|d| d.root)
        .map_or(Value::Null, |r| r.to_json())
}

/// Scalar leaves down to depth 3 under keys a `--set-json` path can name, with a value of
/// another type: (dotted path, wrong value as JSON).
fn leaves(
    v: &Value,
    prefix: &str,
    depth: usize,
    skip: &BTreeSet<String>,
    out: &mut Vec<(String, Value)>,
) {
    let Value::Object(map) = v else { return };
    for (k, v) in map {
        if k.contains(['.', '[', ']', ',', '=', '\\']) || (depth == 0 && skip.contains(k)) {
            continue;
        }
        let path = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            Value::String(_) => out.push((path, Value::from(12345))),
            Value::Number(_) | Value::Bool(_) => out.push((path, Value::from("abc"))),
            Value::Object(_) if depth < 2 => leaves(v, &path, depth + 1, skip, out),
            _ => {}
        }
    }
}

fn set(v: &mut Value, path: &str, to: Value) {
    let mut node = v;
    let parts: Vec<&str> = path.split('.').collect();
    for p in &parts[..parts.len() - 1] {
        node = node.get_mut(*p).unwrap();
    }
    node[parts[parts.len() - 1]] = to;
}

/// The dotted value paths of kforge's `values/schema` findings on the chart's own schema.
fn kforge_paths(run: &Run, chart: &str) -> BTreeSet<String> {
    let label = format!("fails values.schema.json of chart \"{chart}\"");
    run.diagnostics
        .iter()
        .filter(|d| d.rule.id == "values/schema")
        .filter(|d| d.primary.as_ref().is_some_and(|p| p.message == label))
        .map(|d| d.message.split(": ").next().unwrap().to_string())
        .collect()
}

#[test]
#[ignore = "needs ../shared/corpus/helm"]
fn bitnami_values_schemas_agree_with_the_jsonschema_crate() {
    let corpus = shared().join("corpus/helm");
    let (_tmp, src, work) = unpacked(&corpus);
    let mut names: Vec<String> = std::fs::read_dir(&src)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("values.schema.json").is_file())
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names.len(),
        20,
        "charts with a values.schema.json: {names:?}"
    );
    let mut compared = 0;
    for name in &names {
        let chart = work.join(name);
        prep(&src, name, &chart);
        let schema: Value = serde_json::from_str(
            &std::fs::read_to_string(chart.join("values.schema.json")).unwrap(),
        )
        .unwrap();
        let old = jsonschema::options().build(&schema).unwrap();
        let mut values = values_json(&chart.join("values.yaml"));
        assert_eq!(
            old.iter_errors(&values).count(),
            0,
            "{name}: jsonschema on the defaults"
        );

        let clean = kforge::run(&[Input::Path(chart.clone())], &Options::default());
        let found: Vec<&str> = clean
            .diagnostics
            .iter()
            .filter(|d| d.rule.id.starts_with("values/schema"))
            .map(|d| d.message.as_str())
            .collect();
        assert!(found.is_empty(), "{name}: {found:#?}");

        let subcharts: BTreeSet<String> = std::fs::read_dir(chart.join("charts"))
            .map(|d| {
                d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        let mut skip = subcharts;
        skip.insert("global".into());
        let mut wrong = Vec::new();
        leaves(&values, "", 0, &skip, &mut wrong);
        wrong.truncate(MUTATIONS);
        let mut options = Options::default();
        for (path, to) in &wrong {
            options.values.set_json.push(format!("{path}={to}"));
            set(&mut values, path, to.clone());
        }
        let want: BTreeSet<String> = old
            .iter_errors(&values)
            .map(|e| {
                e.instance_path()
                    .as_str()
                    .trim_start_matches('/')
                    .replace('/', ".")
            })
            .collect();
        let run = kforge::run(&[Input::Path(chart.clone())], &options);
        let got = kforge_paths(&run, name);
        assert_eq!(
            got, want,
            "{name}: values failing the schema, kforge vs jsonschema"
        );
        compared += want.len();
    }
    // The wrong values must have been seen as wrong, or the comparison says nothing.
    assert!(compared > 100, "{compared} failing values compared");
    eprintln!("{} charts, {compared} failing values compared", names.len());
}
