//! No function over `MAX_LINES` lines without a reason (issue 17): a long function is a list of
//! steps that want names. The scan is textual (comments, strings and character literals skipped,
//! braces matched from each `fn`), over the non-test code of src/ and crates/*/src/; test code
//! (`tests.rs`, `mod tests` blocks) is exempt, where a long table of cases reads best in one place.
//! A function that stays long is listed in `ALLOWED` with why.
//!
//! `cargo test --test it function_length:: -- --nocapture` prints every function over the limit.

use std::path::{Path, PathBuf};

use crate::common;

const MAX_LINES: usize = 120;

/// (file, function, why it stays one function). The lines are not recorded: growing further is
/// allowed, the reason is what is checked.
const ALLOWED: &[(&str, &str, &str)] = &[
    // The Go ports keep the shape of their Go originals, one function for one Go function, so
    // that they can be read side by side with the Go source and kept in step with it.
    (
        "crates/gotpl/src/date/layout.rs",
        "next_std_chunk",
        "Go's time.nextStdChunk: one switch over the layout's bytes, a case per layout element",
    ),
    (
        "crates/gotpl/src/date/layout.rs",
        "format",
        "Go's Time.appendFormat: one match over the layout elements, a short arm for each",
    ),
    (
        "crates/gotpl/src/date/layout.rs",
        "parse",
        "Go's time.parse: one match over the layout elements sharing the parsed fields, then \
         Go's validation of the whole date in the same order",
    ),
    (
        "crates/gotpl/src/encode/emitter.rs",
        "analyze",
        "go-yaml's yaml_emitter_analyze_scalar: one pass over the characters setting the flags \
         that decide the scalar style",
    ),
    (
        "crates/gotpl/src/encode/json_decode.rs",
        "decode",
        "encoding/json's scanner as one loop with an explicit stack (no recursion on hostile \
         nesting): a match over the next token",
    ),
    (
        "crates/gotpl/src/fmt/mod.rs",
        "do_printf",
        "Go's fmt.(*pp).doPrintf: one state machine over the format (flags, argument index, \
         width, precision, verb)",
    ),
    (
        "crates/gotpl/src/sprig/regex.rs",
        "translate",
        "Go regexp syntax to the regex crate's: one loop with a match over the pattern's tokens \
         sharing the group and repetition state",
    ),
];

#[derive(Debug)]
struct Function {
    file: String,
    name: String,
    line: usize,
    lines: usize,
}

#[test]
fn no_function_is_over_the_limit_without_a_reason() {
    let repo = common::repo();
    let mut roots = vec![repo.join("src")];
    for entry in std::fs::read_dir(repo.join("crates")).unwrap() {
        roots.push(entry.unwrap().path().join("src"));
    }
    let mut files = Vec::new();
    for root in &roots {
        rust_files(root, &mut files);
    }
    files.sort();
    let test_files = test_module_files(&files);
    let mut long = Vec::new();
    for path in files.iter().filter(|p| !test_files.contains(p)) {
        let rel = path
            .strip_prefix(&repo)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let text = std::fs::read_to_string(path).unwrap();
        long.extend(
            functions(&text)
                .into_iter()
                .filter(|f| f.lines > MAX_LINES)
                .map(|mut f| {
                    f.file = rel.clone();
                    f
                }),
        );
    }
    for f in &long {
        println!("{}:{} {} {} lines", f.file, f.line, f.name, f.lines);
    }
    let unexplained: Vec<String> = long
        .iter()
        .filter(|f| {
            !ALLOWED
                .iter()
                .any(|(file, name, _)| *file == f.file && *name == f.name)
        })
        .map(|f| format!("{}:{} {} ({} lines)", f.file, f.line, f.name, f.lines))
        .collect();
    assert!(
        unexplained.is_empty(),
        "functions over {MAX_LINES} lines: split them into named steps, or add them to ALLOWED \
         in tests/function_length.rs with the reason:\n{}",
        unexplained.join("\n")
    );
    let stale: Vec<_> = ALLOWED
        .iter()
        .filter(|(file, name, _)| !long.iter().any(|f| f.file == *file && f.name == *name))
        .collect();
    assert!(
        stale.is_empty(),
        "ALLOWED entries no longer over the limit: {stale:?}"
    );
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n != "tests") {
                rust_files(&path, out);
            }
        } else if path.extension().is_some_and(|e| e == "rs")
            && path.file_name().is_some_and(|n| n != "tests.rs")
        {
            out.push(path);
        }
    }
}

/// The code with comments, strings and character literals blanked (newlines kept), so that only
/// the braces of the code remain.
fn code_only(text: &str) -> Vec<u8> {
    let b = text.as_bytes();
    let mut out = b.to_vec();
    let mut i = 0;
    let blank = |out: &mut Vec<u8>, from: usize, to: usize| {
        for c in &mut out[from..to] {
            if *c != b'\n' {
                *c = b' ';
            }
        }
    };
    while i < b.len() {
        let rest = &b[i..];
        if rest.starts_with(b"//") {
            let end = rest
                .iter()
                .position(|&c| c == b'\n')
                .map_or(b.len(), |p| i + p);
            blank(&mut out, i, end);
            i = end;
        } else if rest.starts_with(b"/*") {
            let (mut depth, mut j) = (0usize, i);
            while j < b.len() {
                if b[j..].starts_with(b"/*") {
                    depth += 1;
                    j += 2;
                } else if b[j..].starts_with(b"*/") {
                    depth -= 1;
                    j += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    j += 1;
                }
            }
            blank(&mut out, i, j);
            i = j;
        } else if let Some(hashes) = raw_string_start(b, i) {
            // r"…", r#"…"#, br"…": ends at a quote followed by as many hashes.
            let open = b[i..].iter().position(|&c| c == b'"').unwrap() + i;
            let close: Vec<u8> = std::iter::once(b'"')
                .chain(std::iter::repeat_n(b'#', hashes))
                .collect();
            let end = b[open + 1..]
                .windows(close.len())
                .position(|w| w == close.as_slice())
                .map_or(b.len(), |p| open + 1 + p + close.len());
            blank(&mut out, i, end);
            i = end;
        } else if b[i] == b'"' {
            let mut j = i + 1;
            while j < b.len() && b[j] != b'"' {
                j += if b[j] == b'\\' { 2 } else { 1 };
            }
            blank(&mut out, i, (j + 1).min(b.len()));
            i = j + 1;
        } else if b[i] == b'\'' {
            // A character literal ('x', '\n', '\u{7f}', '{'), not a lifetime ('a).
            let end = if rest.get(1) == Some(&b'\\') {
                rest.iter()
                    .skip(2)
                    .position(|&c| c == b'\'')
                    .map(|p| i + 2 + p + 1)
            } else if rest.get(2) == Some(&b'\'') {
                Some(i + 3)
            } else {
                std::str::from_utf8(&rest[1..rest.len().min(6)])
                    .ok()
                    .or_else(|| std::str::from_utf8(&rest[1..rest.len().min(5)]).ok())
                    .and_then(|s| s.chars().next())
                    .filter(|c| !c.is_ascii())
                    .map(|c| i + 1 + c.len_utf8() + 1)
            };
            match end {
                Some(end) => {
                    blank(&mut out, i, end);
                    i = end;
                }
                None => i += 1,
            }
        } else {
            i += 1;
        }
    }
    out
}

/// `r"`, `r#"`, `br"`, `br#"` at `i` (not inside an identifier): the number of hashes.
fn raw_string_start(b: &[u8], i: usize) -> Option<usize> {
    if i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_') {
        return None;
    }
    let mut j = i;
    if b.get(j) == Some(&b'b') {
        j += 1;
    }
    if b.get(j) != Some(&b'r') {
        return None;
    }
    j += 1;
    let hashes = b[j..].iter().take_while(|&&c| c == b'#').count();
    (b.get(j + hashes) == Some(&b'"')).then_some(hashes)
}

/// Every `fn` item with a body outside test code: its name, first line and length in lines (from
/// the `fn` line to the closing brace's).
fn functions(text: &str) -> Vec<Function> {
    let code = code_only(text);
    let newlines: Vec<usize> = (0..code.len()).filter(|&i| code[i] == b'\n').collect();
    let line_of = |at: usize| newlines.partition_point(|&n| n < at) + 1;
    let skip_tests = test_module_spans(&code);
    let mut found = Vec::new();
    let mut i = 0;
    while let Some(p) = find_word(&code, i, b"fn") {
        i = p + 2;
        if skip_tests.iter().any(|&(from, to)| p >= from && p < to) {
            continue;
        }
        let name: String = code[i..]
            .iter()
            .skip_while(|c| c.is_ascii_whitespace())
            .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
            .map(|&c| c as char)
            .collect();
        if name.is_empty() {
            continue; // `fn(` types
        }
        // The body opens at the first `{` outside parentheses, brackets and angle brackets of
        // the signature; a `;` first means a declaration without a body.
        let Some(open) = body_start(&code, i) else {
            continue;
        };
        let Some(close) = matching_brace(&code, open) else {
            continue;
        };
        found.push(Function {
            file: String::new(),
            name,
            line: line_of(p),
            lines: line_of(close) - line_of(p) + 1,
        });
    }
    found
}

fn find_word(code: &[u8], from: usize, word: &[u8]) -> Option<usize> {
    let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    (from..code.len().saturating_sub(word.len() - 1)).find(|&p| {
        code[p..].starts_with(word)
            && (p == 0 || !ident(code[p - 1]))
            && code.get(p + word.len()).is_none_or(|&c| !ident(c))
    })
}

fn body_start(code: &[u8], from: usize) -> Option<usize> {
    let mut depth = 0i32;
    for (k, &c) in code.iter().enumerate().skip(from) {
        match c {
            b'(' | b'[' => depth += 1,
            b')' | b']' => depth -= 1,
            b'{' if depth == 0 => return Some(k),
            b';' if depth == 0 => return None,
            _ => {}
        }
    }
    None
}

fn matching_brace(code: &[u8], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (k, &c) in code.iter().enumerate().skip(open) {
        match c {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(k);
                }
            }
            _ => {}
        }
    }
    None
}

/// The files of modules declared under `#[cfg(test)]` (`#[cfg(test)] mod examples;`).
fn test_module_files(files: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for path in files {
        let code = code_only(&std::fs::read_to_string(path).unwrap());
        let dir = match path.file_name().and_then(|n| n.to_str()) {
            Some("mod.rs" | "lib.rs" | "main.rs") => path.parent().unwrap().to_path_buf(),
            _ => path.with_extension(""),
        };
        let mut i = 0;
        while let Some(p) = find_word(&code, i, b"cfg") {
            i = p + 3;
            let rest: String = code[i..]
                .iter()
                .take(200)
                .map(|&c| c as char)
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            let Some(decl) = rest.strip_prefix("(test)] mod ") else {
                continue;
            };
            let Some((name, _)) = decl.split_once(';') else {
                continue;
            };
            out.push(dir.join(format!("{name}.rs")));
            out.push(dir.join(name).join("mod.rs"));
        }
    }
    out
}

/// The spans of the items under `#[cfg(test)]` (a `mod tests { … }`, a test-only helper).
fn test_module_spans(code: &[u8]) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut i = 0;
    while let Some(p) = find_word(code, i, b"cfg") {
        i = p + 3;
        let rest: Vec<u8> = code[i..]
            .iter()
            .copied()
            .filter(|c| !c.is_ascii_whitespace())
            .take(7)
            .collect();
        if rest != b"(test)]" {
            continue;
        }
        let Some(attribute_end) = code[i..].iter().position(|&c| c == b']') else {
            continue;
        };
        let Some(open) = body_start(code, i + attribute_end + 1) else {
            continue;
        };
        if let Some(close) = matching_brace(code, open) {
            spans.push((i, close));
        }
    }
    spans
}
