//! What the engine covers, checked against the lists it must cover (issue 13):
//! - every function the bitnami charts call, every key of Sprig v3.3.0's `genericMap` but `env`
//!   and `expandenv` (which Helm removes), every function Helm v4.2.3 adds and every Go builtin is
//!   registered (fixtures written by `scripts/gen-gotpl-coverage-fixtures`);
//! - every registered function is called by at least one golden case (`tests/golden/*.txt`),
//!   so its output was compared with Helm's;
//! - every template construct of the issue appears in at least one golden case.
//!
//! `cargo test -p kforge-gotpl --test coverage -- --nocapture` prints the counts.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use kforge_gotpl::exec::{EXEC_FUNCS, is_func};
use kforge_gotpl::funcs;

/// Go's text/template builtins (src/text/template/funcs.go, `builtins`).
const GO_BUILTINS: &[&str] = &[
    "and", "call", "html", "index", "slice", "js", "len", "not", "or", "print", "printf",
    "println", "urlquery", "eq", "ge", "gt", "le", "lt", "ne",
];

/// Sprig functions Helm deletes from its function map: a template calling them must not parse.
const REMOVED_BY_HELM: &[&str] = &["env", "expandenv"];

fn fixture(name: &str) -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/coverage")
        .join(name);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect()
}

/// Every registered name: the function table and the executor's own.
fn registered() -> BTreeSet<String> {
    funcs::table()
        .keys()
        .copied()
        .chain(EXEC_FUNCS.iter().copied())
        .map(String::from)
        .collect()
}

/// The `template` and `helpers` sections of every golden case, keyed by `file:case`.
fn golden_templates() -> BTreeMap<String, String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("golden dir")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    let mut out = BTreeMap::new();
    for path in files {
        let text = std::fs::read_to_string(&path).expect("read golden file");
        let file = path.file_name().and_then(|f| f.to_str()).unwrap_or("?");
        let (mut case, mut keep) = (String::new(), false);
        for line in text.lines() {
            if let Some(name) = line.strip_prefix("#### case: ") {
                case = format!("{file}:{}", name.trim());
                keep = false;
            } else if let Some(section) = line.strip_prefix("#### ") {
                keep = matches!(section.trim(), "template" | "helpers");
            } else if keep {
                let body: &mut String = out.entry(case.clone()).or_default();
                body.push_str(line);
                body.push('\n');
            }
        }
    }
    out
}

/// The actions of a template text (`{{ … }}`, trim markers and comments included), as written.
fn actions(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        // A comment may contain `}}`: it ends at `*/}}` (or `*/ -}}`).
        let end = if after.trim_start_matches(['-', ' ']).starts_with("/*") {
            after
                .find("*/")
                .map(|c| c + after[c..].find("}}").unwrap_or(0))
        } else {
            let mut in_str = None;
            let mut found = None;
            let bytes = after.as_bytes();
            let mut i = 0;
            while i + 1 < bytes.len() {
                let b = bytes[i];
                match in_str {
                    Some(q) if b == b'\\' && q != b'`' => i += 1,
                    Some(q) if b == q => in_str = None,
                    Some(_) => {}
                    None if b == b'"' || b == b'`' || b == b'\'' => in_str = Some(b),
                    None if b == b'}' && bytes[i + 1] == b'}' => {
                        found = Some(i);
                        break;
                    }
                    None => {}
                }
                i += 1;
            }
            found
        };
        let Some(end) = end else { break };
        out.push(&rest[start..start + 2 + end + 2]);
        rest = &rest[start + 2 + end + 2..];
    }
    out
}

/// The action's code: markers, comments and string literals removed.
fn code(action: &str) -> String {
    let inner = action
        .trim_start_matches("{{")
        .trim_end_matches("}}")
        .trim_start_matches('-')
        .trim_end_matches('-')
        .trim();
    if inner.starts_with("/*") {
        return String::new();
    }
    let mut out = String::new();
    let mut in_str: Option<char> = None;
    let mut escaped = false;
    for c in inner.chars() {
        match in_str {
            Some(q) => {
                if escaped {
                    escaped = false;
                } else if c == '\\' && q != '`' {
                    escaped = true;
                } else if c == q {
                    in_str = None;
                    out.push_str("\"\"");
                }
            }
            None if c == '"' || c == '`' || c == '\'' => in_str = Some(c),
            None => out.push(c),
        }
    }
    out
}

/// Identifiers in function position: not a field (`.x`), a variable (`$x`) or a keyword.
fn called_names(code: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let chars: Vec<char> = code.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            let prev = start.checked_sub(1).map(|p| chars[p]);
            if !matches!(prev, Some('.' | '$')) && !prev.is_some_and(|p| p.is_ascii_digit()) {
                out.insert(chars[start..i].iter().collect());
            }
        } else {
            i += 1;
        }
    }
    out
}

#[derive(Clone, Copy, PartialEq)]
enum Block {
    If,
    With,
    Range,
    Define,
}

/// The constructs of issue 13 a template text uses.
fn constructs(text: &str) -> BTreeSet<&'static str> {
    let mut found = BTreeSet::new();
    let mut stack: Vec<Block> = Vec::new();
    let word = |c: &str, w: &str| {
        c == w || c.starts_with(&format!("{w} ")) || c.starts_with(&format!("{w}\n"))
    };
    for action in actions(text) {
        if action.starts_with("{{-") {
            found.insert("trim-left");
        }
        if action.ends_with("-}}") {
            found.insert("trim-right");
        }
        let inner = action
            .trim_start_matches("{{")
            .trim_start_matches('-')
            .trim_start();
        if inner.starts_with("/*") {
            found.insert("comment");
            if action.starts_with("{{-") {
                found.insert("comment-trimmed");
            }
            continue;
        }
        let c = code(action);
        let c = c.trim();
        if word(c, "if") {
            stack.push(Block::If);
            found.insert("if");
        } else if word(c, "with") {
            stack.push(Block::With);
            found.insert("with");
        } else if word(c, "range") {
            stack.push(Block::Range);
            found.insert("range");
            let pipe = c.trim_start_matches("range").trim();
            let (vars, expr) = match pipe.split_once(":=") {
                Some((v, e)) => (v.trim(), e.trim()),
                None => ("", pipe),
            };
            if vars.contains(',') {
                found.insert("range-key-value");
            }
            if expr.parse::<i64>().is_ok() {
                found.insert("range-int");
            }
            let first = expr.trim_start_matches('(').split_whitespace().next();
            if matches!(first, Some("list" | "until" | "splitList" | "tuple")) {
                found.insert("range-list");
            }
            if matches!(first, Some("dict")) {
                found.insert("range-map");
            }
        } else if word(c, "define") {
            stack.push(Block::Define);
            found.insert("define");
        } else if word(c, "block") {
            stack.push(Block::Define);
            found.insert("block");
        } else if word(c, "template") {
            found.insert("template");
        } else if word(c, "end") {
            stack.pop();
        } else if word(c, "else") {
            let rest = c.trim_start_matches("else").trim();
            match (stack.last(), rest) {
                (Some(Block::If), "") => found.insert("if-else"),
                (Some(Block::If), r) if word(r, "if") => found.insert("else-if"),
                (Some(Block::With), "") => found.insert("with-else"),
                (Some(Block::With), r) if word(r, "with") => found.insert("else-with"),
                (Some(Block::Range), "") => found.insert("range-else"),
                _ => false,
            };
        } else if c == "break" && stack.contains(&Block::Range) {
            found.insert("range-break");
        } else if c == "continue" && stack.contains(&Block::Range) {
            found.insert("range-continue");
        }
        if !word(c, "range") {
            if c.contains(":=") {
                found.insert("var-declare");
            } else if c.starts_with('$') && c.contains(" = ") {
                found.insert("var-assign");
            }
        }
        if has_paren_pipeline(c) {
            found.insert("paren-pipeline");
        }
        // A field of a parenthesised result (Go's ChainNode) and a field chain three deep.
        if c.contains(").") {
            found.insert("chain-on-paren");
        }
        if c.split(|ch: char| ch.is_whitespace() || ch == '(')
            .any(|t| t.starts_with('.') && t.matches('.').count() >= 3)
        {
            found.insert("field-chain");
        }
        if [
            ".Capabilities.APIVersions.Has ",
            ".Files.Get ",
            ".Files.Glob ",
        ]
        .iter()
        .any(|m| c.contains(m))
        {
            found.insert("method-call");
        }
        let names = called_names(c);
        for f in ["include", "tpl"] {
            if names.contains(f) {
                found.insert(f);
            }
        }
    }
    found
}

/// A parenthesised expression holding a pipe: `(x | f)`.
fn has_paren_pipeline(code: &str) -> bool {
    let mut depth_pipes: Vec<bool> = Vec::new();
    for ch in code.chars() {
        match ch {
            '(' => depth_pipes.push(false),
            '|' => {
                if let Some(top) = depth_pipes.last_mut() {
                    *top = true;
                }
            }
            // The guard pops for every `)`; a `)` closing no pipe falls through to `_`.
            ')' if depth_pipes.pop() == Some(true) => return true,
            _ => {}
        }
    }
    false
}

const CONSTRUCTS: &[&str] = &[
    "if",
    "else-if",
    "if-else",
    "with",
    "else-with",
    "with-else",
    "range",
    "range-list",
    "range-map",
    "range-int",
    "range-key-value",
    "range-break",
    "range-continue",
    "range-else",
    "define",
    "template",
    "block",
    "include",
    "tpl",
    "var-declare",
    "var-assign",
    "trim-left",
    "trim-right",
    "comment",
    "comment-trimmed",
    "paren-pipeline",
    "chain-on-paren",
    "field-chain",
    "method-call",
];

#[test]
fn every_listed_function_is_registered() {
    let registered = registered();
    let mut missing = Vec::new();
    let bitnami = fixture("bitnami-functions.txt");
    let sprig = fixture("sprig-v3.3.0-funcs.txt");
    let helm = fixture("helm-v4.2.3-funcs.txt");
    for (list, names) in [
        ("bitnami", &bitnami),
        ("sprig v3.3.0", &sprig),
        ("helm v4.2.3", &helm),
    ] {
        for name in names.iter() {
            let removed = REMOVED_BY_HELM.contains(&name.as_str());
            if removed == is_func(name) {
                missing.push(format!(
                    "{list}: {name} {}",
                    if removed {
                        "must be unknown"
                    } else {
                        "is not registered"
                    }
                ));
            }
        }
    }
    for name in GO_BUILTINS {
        if !is_func(name) {
            missing.push(format!("go builtin: {name} is not registered"));
        }
    }
    let count = |names: &[String]| names.iter().filter(|n| is_func(n)).count();
    eprintln!(
        "functions registered: {} in all; bitnami {}/{}; sprig v3.3.0 {}/{} ({} removed by Helm); \
         helm v4.2.3 {}/{}; go builtins {}/{}",
        registered.len(),
        count(&bitnami),
        bitnami.len(),
        count(&sprig),
        sprig.len(),
        REMOVED_BY_HELM.len(),
        count(&helm),
        helm.len(),
        GO_BUILTINS.iter().filter(|n| is_func(n)).count(),
        GO_BUILTINS.len()
    );
    assert!(missing.is_empty(), "{}", missing.join("\n"));
    // The lists are what they claim to be (a broken fixture script would make the checks empty).
    assert_eq!((bitnami.len(), sprig.len(), helm.len()), (123, 211, 16));
}

#[test]
fn every_registered_function_has_a_golden_case() {
    let mut called = BTreeSet::new();
    for text in golden_templates().values() {
        for action in actions(text) {
            called.extend(called_names(&code(action)));
        }
    }
    let uncovered: Vec<String> = registered()
        .into_iter()
        .filter(|n| !called.contains(n))
        .collect();
    assert!(
        uncovered.is_empty(),
        "{} registered functions are called by no golden case: {}",
        uncovered.len(),
        uncovered.join(" ")
    );
}

#[test]
fn every_construct_has_a_golden_case() {
    let mut seen = BTreeSet::new();
    for text in golden_templates().values() {
        seen.extend(constructs(text));
    }
    let missing: Vec<&str> = CONSTRUCTS
        .iter()
        .copied()
        .filter(|c| !seen.contains(c))
        .collect();
    assert!(
        missing.is_empty(),
        "constructs in no golden case: {}",
        missing.join(" ")
    );
}

#[test]
fn the_scanner_finds_what_it_claims() {
    let t = "{{- /* c */ -}}{{ if .a }}{{ else if .b }}{{ else }}{{ end }}\
             {{ with .a }}{{ else with .b }}{{ else }}{{ end }}\
             {{ range $k, $v := dict \"a\" 1 }}{{ break }}{{ end }}\
             {{ range 3 }}{{ continue }}{{ else }}{{ end }}{{ range list 1 }}{{ end }}\
             {{ define \"x\" }}{{ end }}{{ template \"x\" }}{{ block \"y\" . }}{{ end }}\
             {{ $x := include \"x\" . }}{{ $x = tpl \"}}\" . }}{{ (.a | quote).b }}\
             {{ .Capabilities.APIVersions.Has \"v1\" -}}";
    let found = constructs(t);
    let missing: Vec<&str> = CONSTRUCTS
        .iter()
        .copied()
        .filter(|c| !found.contains(c))
        .collect();
    assert!(missing.is_empty(), "{missing:?}");
    assert_eq!(
        constructs("{{ .a }}{{ if .b }}{{ end }}")
            .into_iter()
            .collect::<Vec<_>>(),
        ["if"]
    );
    let names = called_names(&code(
        "{{ printf \"%s include\" (.x.quote) $tpl | nindent 2 }}",
    ));
    assert_eq!(names.into_iter().collect::<Vec<_>>(), ["nindent", "printf"]);
}
