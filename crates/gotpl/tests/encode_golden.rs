//! Checks the encoders against Helm's recorded output (`tests/golden/encode-*.txt`) without the
//! executor: cases whose template is only text and `{{ F ARG | G | … }}` actions over
//! `.Values.path` or string literals are evaluated by calling the functions directly, with the
//! case's values file read by `from_yaml_str`. Other cases are left to the full golden runner.

use std::path::Path;

use kforge_gotpl::Value;
use kforge_gotpl::func::FuncEnv;

struct Case {
    name: String,
    template: String,
    values: Option<String>,
    output: Option<String>,
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
            "template" => case.template = text,
            "values" => case.values = Some(text),
            "output" => case.output = Some(text),
            "error" => case.error = Some(text),
            _ => {}
        }
    }
    for line in text.split('\n') {
        if let Some(name) = line.strip_prefix("#### case: ") {
            close(&mut cases, &section, &body);
            cases.push(Case {
                name: name.trim().to_string(),
                template: String::new(),
                values: None,
                output: None,
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
    if text.ends_with('\n') && body.last() == Some(&"") {
        body.pop();
    }
    close(&mut cases, &section, &body);
    cases
}

fn call(name: &str, args: Vec<Value>) -> Result<Value, String> {
    let f = kforge_gotpl::funcs::lookup(name).ok_or_else(|| format!("no function {name}"))?;
    (f.body)(&mut FuncEnv::default(), args)
}

fn go_unquote(lit: &str) -> Option<String> {
    let inner = lit.strip_prefix('"')?.strip_suffix('"')?;
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            '"' => out.push('"'),
            '\\' => out.push('\\'),
            _ => return None,
        }
    }
    Some(out)
}

fn operand(arg: &str, values: &Value) -> Option<Value> {
    if arg.starts_with('"') {
        return go_unquote(arg).map(Value::string);
    }
    let path = arg.strip_prefix(".Values")?;
    let mut v = values.clone();
    for key in path.split('.').filter(|k| !k.is_empty()) {
        v = match &v {
            Value::Map(m) => m.borrow().get(key).cloned().unwrap_or(Value::Nil),
            _ => return None,
        };
    }
    Some(v)
}

enum Outcome {
    Text(String),
    Error(String),
}

/// Evaluates one action; `None` when it is outside what this runner understands.
fn action(src: &str, values: &Value) -> Option<Outcome> {
    let mut piped: Option<Value> = None;
    for stage in src.split(" | ") {
        let stage = stage.trim();
        let (name, arg) = match stage.split_once(' ') {
            Some((n, a)) => (n, Some(a.trim())),
            None => (stage, None),
        };
        if !name.chars().all(|c| c.is_ascii_alphanumeric()) {
            return None;
        }
        let mut args = Vec::new();
        if let Some(a) = arg {
            args.push(operand(a, values)?);
        }
        args.extend(piped.take());
        kforge_gotpl::funcs::lookup(name)?;
        match call(name, args) {
            Ok(v) => piped = Some(v),
            Err(e) => return Some(Outcome::Error(format!("error calling {name}: {e}"))),
        }
    }
    match piped? {
        Value::Str(s) => Some(Outcome::Text(s.to_string())),
        _ => None,
    }
}

fn evaluate(template: &str, values: &Value) -> Option<Outcome> {
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(rest.get(..start)?);
        let after = rest.get(start + 2..)?;
        let end = after.find("}}")?;
        let inner = after.get(..end)?.trim();
        if inner.starts_with('-') || inner.ends_with('-') {
            return None;
        }
        match action(inner, values)? {
            Outcome::Text(t) => out.push_str(&t),
            e @ Outcome::Error(_) => return Some(e),
        }
        rest = after.get(end + 2..)?;
    }
    out.push_str(rest);
    Some(Outcome::Text(out))
}

#[test]
fn encode_goldens_by_direct_calls() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let mut checked = 0;
    let mut failures = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("encode-") && n.ends_with(".txt"))
        })
        .collect();
    files.sort();
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        for case in parse_cases(&text) {
            // The values file read the way Helm reads it (what `from_yaml_str` is for); `values-json`
            // cannot be used, it lost what JSON cannot say (the sign of -0).
            let values = match &case.values {
                Some(y) => match kforge_gotpl::encode::from_yaml_str(y) {
                    Ok(v) => v,
                    Err(e) => {
                        checked += 1;
                        if !case.error.as_deref().is_some_and(|want| want.contains(&e)) {
                            failures.push(format!("{}: values failed: {e}", case.name));
                        }
                        continue;
                    }
                },
                None => Value::empty_map(),
            };
            let Some(got) = evaluate(&case.template, &values) else {
                continue;
            };
            checked += 1;
            let file = path.file_name().unwrap().to_string_lossy();
            match (got, &case.output, &case.error) {
                (Outcome::Text(t), Some(want), _) if &t == want => {}
                (Outcome::Error(e), _, Some(want)) if want.contains(&e) => {}
                (Outcome::Text(t), _, _) => failures.push(format!(
                    "{file} {}: got\n{t}\n--- want\n{}\n{}",
                    case.name,
                    case.output.as_deref().unwrap_or("<error>"),
                    case.error.as_deref().unwrap_or("")
                )),
                (Outcome::Error(e), _, _) => failures.push(format!(
                    "{file} {}: got error {e}\n--- want\n{}{}",
                    case.name,
                    case.output.as_deref().unwrap_or(""),
                    case.error.as_deref().unwrap_or("")
                )),
            }
        }
    }
    eprintln!("{checked} golden cases evaluated by direct calls");
    assert!(checked > 0, "no golden case could be evaluated");
    assert!(
        failures.is_empty(),
        "{} of {checked} cases differ:\n{}",
        failures.len(),
        failures.join("\n=====\n")
    );
}
