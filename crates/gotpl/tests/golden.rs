//! Renders every golden case (`tests/golden/*.txt`, recorded from Helm v4 by
//! `scripts/record-gotpl-goldens`) with kforge's engine and compares bytes. All mismatches are
//! reported together. `KFORGE_GOLDEN_FILTER=substring` keeps the cases whose `file:name` contains
//! it; `KFORGE_GOLDEN_DIR=DIR` reads the cases from DIR instead.

use std::collections::BTreeMap;
use std::path::Path;
use std::rc::Rc;

use kforge_gotpl::Value;
use kforge_gotpl::exec::{ExecEnv, Templates};
use kforge_gotpl::value::Object;

const CASE: &str = "#### case: ";
const HEADER: &str = "#### ";

struct Case {
    file: String,
    name: String,
    sections: BTreeMap<String, String>,
}

/// The format of tests/golden/README.md: a section is the text between its header and the next
/// header, minus exactly one final newline.
fn parse_cases(file: &str, text: &str) -> Vec<Case> {
    let mut cases: Vec<Case> = Vec::new();
    let mut section: Option<String> = None;
    let mut lines: Vec<&str> = Vec::new();
    fn close(cases: &mut [Case], section: &mut Option<String>, lines: &mut Vec<&str>) {
        if let (Some(case), Some(s)) = (cases.last_mut(), section.take()) {
            case.sections.insert(s, lines.join("\n"));
        }
        lines.clear();
    }
    let body = text.strip_suffix('\n').unwrap_or(text);
    for line in body.split('\n') {
        if let Some(name) = line.strip_prefix(CASE) {
            close(&mut cases, &mut section, &mut lines);
            cases.push(Case {
                file: file.to_string(),
                name: name.trim().to_string(),
                sections: BTreeMap::new(),
            });
        } else if let Some(s) = line.strip_prefix(HEADER)
            && !cases.is_empty()
        {
            close(&mut cases, &mut section, &mut lines);
            section = Some(s.trim().to_string());
        } else if section.is_some() {
            lines.push(line);
        }
    }
    close(&mut cases, &mut section, &mut lines);
    cases
}

/// Helm decodes values from JSON: every number is a float64.
fn from_json(j: &serde_json::Value) -> Value {
    match j {
        serde_json::Value::Null => Value::Nil,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => Value::Float(n.as_f64().unwrap_or(0.0)),
        serde_json::Value::String(s) => Value::str(s),
        serde_json::Value::Array(a) => Value::list(a.iter().map(from_json).collect()),
        serde_json::Value::Object(o) => {
            Value::map(o.iter().map(|(k, v)| (k.clone(), from_json(v))).collect())
        }
    }
}

fn map(entries: &[(&str, Value)]) -> Value {
    Value::map(
        entries
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
    )
}

#[derive(Debug)]
struct KubeVersion;

impl Object for KubeVersion {
    fn type_name(&self) -> &str {
        "common.KubeVersion"
    }
    fn field(&self, name: &str) -> Option<Value> {
        Some(Value::str(match name {
            "Version" | "GitVersion" => "v1.36.0",
            "Major" => "1",
            "Minor" => "36",
            _ => return None,
        }))
    }
    fn call(&self, _: &str, _: &[Value]) -> Option<Result<Value, String>> {
        None
    }
    fn has_method(&self, _: &str) -> bool {
        false
    }
    fn go_string(&self) -> String {
        "v1.36.0".into()
    }
    fn to_json(&self) -> Value {
        map(&[("Version", Value::str("v1.36.0"))])
    }
}

#[derive(Debug)]
struct VersionSet(Vec<&'static str>);

impl Object for VersionSet {
    fn type_name(&self) -> &str {
        "common.VersionSet"
    }
    fn field(&self, _: &str) -> Option<Value> {
        None
    }
    fn call(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
        if name != "Has" {
            return None;
        }
        let want = args.first().and_then(Value::as_str).unwrap_or("");
        Some(Ok(Value::Bool(self.0.contains(&want))))
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
}

#[derive(Debug)]
struct Capabilities;

impl Object for Capabilities {
    fn type_name(&self) -> &str {
        "*common.Capabilities"
    }
    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "KubeVersion" => Some(Value::Object(Rc::new(KubeVersion))),
            "APIVersions" => Some(Value::Object(Rc::new(VersionSet(vec![
                "v1",
                "apps/v1",
                "batch/v1",
                "networking.k8s.io/v1",
                "policy/v1",
                "rbac.authorization.k8s.io/v1",
                "autoscaling/v2",
            ])))),
            _ => None,
        }
    }
    fn call(&self, _: &str, _: &[Value]) -> Option<Result<Value, String>> {
        None
    }
    fn has_method(&self, _: &str) -> bool {
        false
    }
    fn go_string(&self) -> String {
        "&{v1.36.0}".into()
    }
    fn to_json(&self) -> Value {
        Value::empty_map()
    }
}

/// Helm's `.Files` of the case chart: no files besides Chart.yaml, values.yaml and templates,
/// which Helm leaves out.
#[derive(Debug)]
struct Files;

impl Object for Files {
    fn type_name(&self) -> &str {
        "engine.files"
    }
    fn field(&self, _: &str) -> Option<Value> {
        None
    }
    fn call(&self, name: &str, _: &[Value]) -> Option<Result<Value, String>> {
        Some(Ok(match name {
            "Get" | "AsConfig" | "AsSecrets" => Value::str(""),
            "GetBytes" => Value::Bytes(Rc::from(Vec::new().into_boxed_slice())),
            "Lines" => Value::str_list(vec![]),
            "Glob" => Value::Object(Rc::new(Files)),
            _ => return None,
        }))
    }
    fn has_method(&self, name: &str) -> bool {
        matches!(
            name,
            "Get" | "GetBytes" | "Lines" | "Glob" | "AsConfig" | "AsSecrets"
        )
    }
    fn go_string(&self) -> String {
        "map[]".into()
    }
    fn to_json(&self) -> Value {
        Value::empty_map()
    }
}

fn dot(values: Value) -> Value {
    let s = Value::str;
    map(&[
        ("Values", values),
        (
            "Release",
            map(&[
                ("Name", s("release")),
                ("Namespace", s("default")),
                ("IsInstall", Value::Bool(true)),
                ("IsUpgrade", Value::Bool(false)),
                ("Revision", Value::Int(1)),
                ("Service", s("Helm")),
            ]),
        ),
        (
            "Chart",
            map(&[
                ("APIVersion", s("v2")),
                ("Annotations", Value::empty_map()),
                ("AppVersion", s("1.0.0")),
                ("Condition", s("")),
                ("Dependencies", Value::list(vec![])),
                ("Deprecated", Value::Bool(false)),
                ("Description", s("")),
                ("Home", s("")),
                ("Icon", s("")),
                ("IsRoot", Value::Bool(true)),
                ("Keywords", Value::str_list(vec![])),
                ("KubeVersion", s("")),
                ("Maintainers", Value::list(vec![])),
                ("Name", s("t")),
                ("Sources", Value::str_list(vec![])),
                ("Tags", s("")),
                ("Type", s("")),
                ("Version", s("0.1.0")),
            ]),
        ),
        (
            "Template",
            map(&[
                ("Name", s("t/templates/case.yaml")),
                ("BasePath", s("t/templates")),
            ]),
        ),
        ("Capabilities", Value::Object(Rc::new(Capabilities))),
        ("Files", Value::Object(Rc::new(Files))),
    ])
}

/// Helm's `cleanupParseError`: `parse error at (LOCATION): LAST MESSAGE`.
fn helm_parse_error(e: &kforge_gotpl::parse::ParseError) -> String {
    let msg = e.to_string();
    let tokens: Vec<&str> = msg.split(": ").collect();
    match (tokens.get(1), tokens.last()) {
        (Some(loc), Some(last)) if tokens.len() > 1 => format!("parse error at ({loc}): {last}"),
        _ => format!("parse error in ({}): {msg}", e.parse_name),
    }
}

/// What kforge renders for a case: `Ok(output)` or `Err(Helm's error text)`.
fn render(case: &Case) -> Result<String, String> {
    let mut set = Templates::new();
    // Helm parses files deepest first, then in reverse name order: case.yaml before
    // _helpers.tpl, so a define in _helpers.tpl wins.
    let template = case.sections.get("template").map_or("", String::as_str);
    set.add_file("t/templates/case.yaml", template)
        .map_err(|e| helm_parse_error(&e))?;
    if let Some(h) = case.sections.get("helpers") {
        set.add_file("t/templates/_helpers.tpl", h)
            .map_err(|e| helm_parse_error(&e))?;
    }
    let values = match case.sections.get("values-json") {
        Some(j) => from_json(&serde_json::from_str(j).map_err(|e| format!("values-json: {e}"))?),
        None => Value::empty_map(),
    };
    let mut env = ExecEnv::new();
    set.execute("t/templates/case.yaml", dot(values), &mut env)
        .map(|o| o.text)
        .map_err(|e| e.helm_message())
}

#[test]
fn golden_cases_render_as_helm_renders_them() {
    // `scripts/gotpl-differential` points this at its generated cases.
    let dir = match std::env::var_os("KFORGE_GOLDEN_DIR") {
        Some(d) => std::path::PathBuf::from(d),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden"),
    };
    let filter = std::env::var("KFORGE_GOLDEN_FILTER").unwrap_or_default();
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("golden dir")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    let mut failures = Vec::new();
    let mut checked = 0;
    for path in files {
        let text = std::fs::read_to_string(&path).expect("read golden file");
        let file = path
            .file_name()
            .and_then(|f| f.to_str())
            .unwrap_or("?")
            .to_string();
        for case in parse_cases(&file, &text) {
            let id = format!("{}:{}", case.file, case.name);
            if !id.contains(&filter) {
                continue;
            }
            checked += 1;
            let expected = match (case.sections.get("output"), case.sections.get("error")) {
                (Some(o), None) => Ok(o.clone()),
                (None, Some(e)) => Err(e.clone()),
                _ => {
                    failures.push(format!(
                        "{id}: needs exactly one of `output` or `error` (record it)"
                    ));
                    continue;
                }
            };
            let got = render(&case);
            if got != expected {
                failures.push(format!(
                    "{id}\n  expected: {expected:?}\n  got:      {got:?}"
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} golden cases differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
