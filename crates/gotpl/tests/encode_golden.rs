//! `from_yaml_str` against Helm's own reading of values files: every golden case
//! (`tests/golden/*.txt`) with a `values` section was recorded with the values Helm loaded
//! (`values-json`, after coalescing, which drops null-valued keys) or Helm's error for the file.
//! The full golden runner (`golden.rs`) starts from `values-json`, so this is what checks the
//! YAML reader on those files.

use std::path::Path;

use kforge_gotpl::Value;
use kforge_gotpl::func::FuncEnv;

struct Case {
    name: String,
    values: Option<String>,
    values_json: Option<String>,
    error: Option<String>,
}

fn parse_cases(text: &str) -> Vec<Case> {
    let mut cases: Vec<Case> = Vec::new();
    let mut section: Option<String> = None;
    let mut body: Vec<&str> = Vec::new();
    fn close(cases: &mut [Case], section: &Option<String>, body: &[&str]) {
        let (Some(case), Some(section)) = (cases.last_mut(), section) else {
            return;
        };
        let text = body.join("\n");
        match section.as_str() {
            "values" => case.values = Some(text),
            "values-json" => case.values_json = Some(text),
            "error" => case.error = Some(text),
            _ => {}
        }
    }
    let text = text.strip_suffix('\n').unwrap_or(text);
    for line in text.split('\n') {
        if let Some(name) = line.strip_prefix("#### case: ") {
            close(&mut cases, &section, &body);
            cases.push(Case {
                name: name.trim().to_string(),
                values: None,
                values_json: None,
                error: None,
            });
            section = None;
            body.clear();
        } else if let Some(s) = line.strip_prefix("#### ") {
            close(&mut cases, &section, &body);
            section = Some(s.trim().to_string());
            body.clear();
        } else if section.is_some() {
            body.push(line);
        }
    }
    close(&mut cases, &section, &body);
    cases
}

/// Helm's coalescing drops map keys whose value is null (lists are not coalesced).
fn strip_nulls(v: &Value) {
    if let Value::Map(m) = v {
        m.borrow_mut().retain(|_, item| !item.is_nil());
        for item in m.borrow().values() {
            strip_nulls(item);
        }
    }
}

/// Same tree, numbers compared as numbers (values-json prints floats its own way).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Nil, Value::Nil) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Float(x), Value::Float(y)) => {
            x == y && x.is_sign_negative() == y.is_sign_negative()
        }
        (Value::Str(x), Value::Str(y)) => x == y,
        (Value::List(x), Value::List(y)) => {
            let (x, y) = (x.items.borrow(), y.items.borrow());
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(a, b)| same(a, b))
        }
        (Value::Map(x), Value::Map(y)) => {
            let (x, y) = (x.borrow(), y.borrow());
            x.len() == y.len()
                && x.iter()
                    .zip(y.iter())
                    .all(|((ka, va), (kb, vb))| ka == kb && same(va, vb))
        }
        _ => false,
    }
}

#[test]
fn values_files_read_as_helm_reads_them() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    let decode = kforge_gotpl::funcs::lookup("mustFromJson").unwrap();
    let mut checked = 0;
    let mut failures = Vec::new();
    for path in files {
        let file = path.file_name().unwrap().to_string_lossy().to_string();
        for case in parse_cases(&std::fs::read_to_string(&path).unwrap()) {
            let Some(values) = &case.values else { continue };
            let got = kforge_gotpl::encode::from_yaml_str(values);
            checked += 1;
            match (&got, &case.values_json, &case.error) {
                (Ok(got), Some(json), _) => {
                    strip_nulls(got);
                    let want =
                        (decode.body)(&mut FuncEnv::default(), vec![Value::string(json.clone())])
                            .unwrap();
                    if !same(got, &want) {
                        failures.push(format!("{file} {}: got {got:?}\n  want {json}", case.name));
                    }
                }
                (Err(e), None, Some(want)) if want.contains(e.as_str()) => {}
                _ => failures.push(format!(
                    "{file} {}: got {got:?}, Helm: {:?}",
                    case.name,
                    case.error.as_deref().or(case.values_json.as_deref())
                )),
            }
        }
    }
    eprintln!("{checked} values files compared with Helm's");
    assert!(checked > 0);
    assert!(
        failures.is_empty(),
        "{} differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
