//! Turns saphyr's error messages into diagnostics with a guess at the cause.

use crate::catalog::yaml::SYNTAX;
use crate::diag::Diagnostic;
use crate::source::Span;

/// `chunk` is the text parsed, starting at file offset `base`; `at` is the error position.
pub(crate) fn diagnose(info: &str, at: Span, chunk: &str, base: usize) -> Diagnostic {
    let offset = (at.start as usize).saturating_sub(base).min(chunk.len());
    let before = chunk.get(..offset).unwrap_or("");
    let line_start = before.rfind('\n').map_or(0, |p| p + 1);
    let line_end = chunk
        .get(offset..)
        .and_then(|r| r.find('\n'))
        .map_or(chunk.len(), |p| offset + p);
    let line = chunk.get(line_start..line_end).unwrap_or("");
    let diag = Diagnostic::new(&SYNTAX, info).at(at, label(info));
    match help(info, line, before) {
        Some(h) => diag.with_help(h),
        None => diag,
    }
}

fn label(info: &str) -> &'static str {
    if info.contains("tab") {
        "tab here"
    } else if info.contains("end of stream") || info.contains("unexpected eof") {
        "input ends here"
    } else {
        "here"
    }
}

fn help(info: &str, line: &str, before: &str) -> Option<String> {
    let indent = line
        .get(..line.len() - line.trim_start_matches([' ', '\t']).len())
        .unwrap_or("");
    if line.contains("{{") || line.contains("{%") {
        return Some("this line holds an unrendered template expression: render the chart first, or check the template".into());
    }
    if info.contains("tab") || indent.contains('\t') {
        return Some("YAML does not allow tabs for indentation: indent with spaces".into());
    }
    if info.contains("quoted scalar") || unclosed_quote(before) {
        return Some("a quoted string is not closed: check for a missing closing quote".into());
    }
    if info.contains("flow sequence")
        || info.contains("','")
        || info.contains("flow mapping")
        || unclosed_flow(before)
    {
        return Some(
            "a flow collection ([...] or {...}) is not closed, or an item lacks its comma".into(),
        );
    }
    if info.contains("mapping values are not allowed") {
        return Some("a value that contains \": \" must be quoted; otherwise check the indentation of this line".into());
    }
    if info.contains("did not find expected key")
        || info.contains("did not find expected '-'")
        || info.contains("invalid indentation")
        || info.contains("could not find expected ':'")
    {
        return Some(
            "this line is indented differently from the lines around it: check the indentation"
                .into(),
        );
    }
    if info.contains("anchor") || info.contains("alias") {
        return Some(
            "define the anchor (&name) before the alias (*name), in the same document".into(),
        );
    }
    None
}

/// Whether the last line with content before the error opened a quote it did not close.
fn unclosed_quote(before: &str) -> bool {
    let last = before
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("");
    let value = last
        .split_once(": ")
        .map_or(last.trim_start_matches([' ', '-']), |(_, v)| v)
        .trim();
    (value.starts_with('"') && (value.len() == 1 || !value.ends_with('"')))
        || (value.starts_with('\'') && (value.len() == 1 || !value.ends_with('\'')))
}

/// Whether the document so far opened more `[`/`{` than it closed (quotes and comments ignored).
fn unclosed_flow(before: &str) -> bool {
    let mut depth: i64 = 0;
    for line in before.lines() {
        let mut quote: Option<char> = None;
        let mut prev = ' ';
        for c in line.chars() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') if prev == ' ' || prev == '[' || prev == '{' || prev == ',' => {
                    quote = Some(c)
                }
                (None, '#') if prev == ' ' => break,
                (None, '[' | '{') => depth += 1,
                (None, ']' | '}') => depth -= 1,
                _ => {}
            }
            prev = c;
        }
    }
    depth > 0
}
