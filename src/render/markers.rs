//! Origin tracking by invisible markers (see `../shared/reference/dependencies.md`).
//!
//! Before compiling the "marked" copy of a template, a marker made of Unicode space characters
//! (U+2000–U+200A) that encodes (template file, line) is inserted at every line start that lies
//! outside a tag. Jinja's whitespace control (`{%- -%}`, `trim`) removes these markers exactly like
//! the spaces they are made of, so after rendering, stripping the markers gives the same text as
//! the plain render, and the markers left in the output say which template line produced each
//! rendered line. The caller checks that equality and falls back to per-file attribution when a
//! filter saw the markers and changed the output.

use crate::source::{FileId, LineOrigin, OriginMap};

/// Opens, separates and closes a marker; U+2000..=U+2009 are the decimal digits.
const SEP: char = '\u{200A}';
const DIGIT0: u32 = 0x2000;

/// Whether `c` is one of the characters markers are made of.
pub fn is_marker_char(c: char) -> bool {
    ('\u{2000}'..='\u{200A}').contains(&c)
}

fn push_digits(out: &mut String, mut n: u32) {
    let mut digits = [0u8; 10];
    let mut len = 0;
    loop {
        if let Some(slot) = digits.get_mut(len) {
            *slot = (n % 10) as u8;
        }
        len += 1;
        n /= 10;
        if n == 0 || len == digits.len() {
            break;
        }
    }
    for d in digits.iter().take(len).rev() {
        out.push(char::from_u32(DIGIT0 + u32::from(*d)).unwrap_or(SEP));
    }
}

/// The marker for a template line (0-based).
pub fn marker(file: FileId, line: u32) -> String {
    let mut s = String::with_capacity(24);
    s.push(SEP);
    push_digits(&mut s, file.0);
    s.push(SEP);
    push_digits(&mut s, line);
    s.push(SEP);
    s
}

/// Inserts a marker at every line start of `source` that is outside a tag. Where whitespace
/// control would trim that marker away together with the indentation, a second marker is placed
/// behind an empty expression that the trim cannot cross: a `{{-` opening a line becomes
/// `{{- "" }}MARKER{{`, and the first text after a `-%}` / `-}}` / `-#}` gets `{{ "" }}MARKER`.
pub fn insert(source: &str, file: FileId) -> String {
    let bytes = source.as_bytes();
    let mut out = String::with_capacity(source.len() + source.len() / 4);
    let mut pos = 0usize;
    let mut line = 0u32;
    let mut at_line_start = true;
    let mut in_raw = false;
    // A tag ending in `-}}`, `-%}` or `-#}` trims the whitespace after it, markers included.
    let mut pending_trim = false;
    while pos < bytes.len() {
        if at_line_start {
            at_line_start = false;
            out.push_str(&marker(file, line));
            if !in_raw {
                // `{{-` opening the line (after indentation): keep a marker for the expression.
                let indent = bytes
                    .get(pos..)
                    .unwrap_or(&[])
                    .iter()
                    .take_while(|b| **b == b' ' || **b == b'\t')
                    .count();
                let after = pos + indent;
                if bytes.get(after..after + 3) == Some(b"{{-")
                    && bytes
                        .get(after + 3)
                        .is_some_and(|b| b.is_ascii_whitespace())
                {
                    out.push_str(source.get(pos..after).unwrap_or(""));
                    out.push_str("{{- \"\" }}");
                    out.push_str(&marker(file, line));
                    out.push_str("{{");
                    pos = after + 3;
                    let end = scan_tag_body(source, pos, b"}}");
                    let body = source.get(pos..end).unwrap_or("");
                    line += count_newlines(body);
                    out.push_str(body);
                    pending_trim = body.ends_with("-}}");
                    pos = end;
                    continue;
                }
                let next = bytes.get(after).copied();
                // Block tags and comments print nothing a marker could attribute.
                let opens_tag = bytes
                    .get(after..after + 2)
                    .is_some_and(|t| t == b"{%" || t == b"{#")
                    || bytes.get(after..after + 3) == Some(b"{{-");
                if pending_trim && !opens_tag && !matches!(next, None | Some(b'\n' | b'\r')) {
                    pending_trim = false;
                    out.push_str(source.get(pos..after).unwrap_or(""));
                    out.push_str("{{ \"\" }}");
                    out.push_str(&marker(file, line));
                    pos = after;
                    continue;
                }
            }
        }
        let Some(&b) = bytes.get(pos) else { break };
        if b == b'\n' {
            out.push('\n');
            pos += 1;
            line += 1;
            at_line_start = true;
            continue;
        }
        if in_raw {
            if let Some(end) = match_basic_tag(source, pos, "endraw") {
                out.push_str(source.get(pos..end).unwrap_or(""));
                pos = end;
                in_raw = false;
                continue;
            }
        } else if b == b'{' {
            let next = bytes.get(pos + 1).copied();
            let end = match next {
                Some(b'#') => Some(find_or_end(source, pos + 2, "#}")),
                Some(b'%') => {
                    if let Some(end) = match_basic_tag(source, pos, "raw") {
                        in_raw = true;
                        Some(end)
                    } else {
                        Some(scan_tag_body(source, pos + 2, b"%}"))
                    }
                }
                Some(b'{') => Some(scan_tag_body(source, pos + 2, b"}}")),
                _ => None,
            };
            if let Some(end) = end {
                let tag = source.get(pos..end).unwrap_or("");
                line += count_newlines(tag);
                out.push_str(tag);
                pending_trim = tag.ends_with("-}}") || tag.ends_with("-%}") || tag.ends_with("-#}");
                pos = end;
                continue;
            }
        }
        // Copy up to the next byte of interest in one go.
        let run = bytes
            .get(pos + 1..)
            .unwrap_or(&[])
            .iter()
            .position(|c| *c == b'\n' || *c == b'{')
            .map_or(bytes.len(), |i| pos + 1 + i);
        let text = source.get(pos..run).unwrap_or("");
        if !text.trim().is_empty() {
            pending_trim = false;
        }
        out.push_str(text);
        pos = run;
    }
    out
}

/// The tag with the most tokens (`{{ }}` and `{% %}`; comments and raw blocks do not count):
/// `(start, end, tokens)`. minijinja's compiler recurses once per operator, so a huge expression
/// must be refused before compiling it.
pub fn largest_tag(source: &str) -> Option<(usize, usize, usize)> {
    let bytes = source.as_bytes();
    let mut pos = 0;
    let mut best: Option<(usize, usize, usize)> = None;
    while let Some(i) = source.get(pos..).and_then(|r| r.find('{')) {
        let start = pos + i;
        let end = match bytes.get(start + 1) {
            Some(b'#') => {
                pos = find_or_end(source, start + 2, "#}");
                continue;
            }
            Some(b'%') => {
                if let Some(raw_end) = match_basic_tag(source, start, "raw") {
                    pos = source
                        .get(raw_end..)
                        .and_then(|r| r.find("endraw"))
                        .map_or(source.len(), |e| raw_end + e);
                    continue;
                }
                scan_tag_body(source, start + 2, b"%}")
            }
            Some(b'{') => scan_tag_body(source, start + 2, b"}}"),
            _ => {
                pos = start + 1;
                continue;
            }
        };
        let tokens = count_tokens(source.get(start..end).unwrap_or(""));
        if best.is_none_or(|(_, _, t)| tokens > t) {
            best = Some((start, end, tokens));
        }
        pos = end.max(start + 1);
    }
    best
}

/// Tokens of a tag, roughly as the lexer sees them: names and numbers, strings, punctuation.
fn count_tokens(tag: &str) -> usize {
    let mut count = 0;
    let mut chars = tag.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_whitespace() {
            continue;
        }
        count += 1;
        if c.is_alphanumeric() || c == '_' {
            while chars
                .peek()
                .is_some_and(|n| n.is_alphanumeric() || *n == '_')
            {
                chars.next();
            }
        } else if c == '"' || c == '\'' {
            let mut escaped = false;
            for n in chars.by_ref() {
                if escaped {
                    escaped = false;
                } else if n == '\\' {
                    escaped = true;
                } else if n == c {
                    break;
                }
            }
        }
    }
    count
}

fn count_newlines(s: &str) -> u32 {
    s.bytes().filter(|b| *b == b'\n').count() as u32
}

fn find_or_end(source: &str, from: usize, needle: &str) -> usize {
    source
        .get(from..)
        .and_then(|rest| rest.find(needle))
        .map_or(source.len(), |i| from + i + needle.len())
}

/// End (exclusive) of a `{{ }}` or `{% %}` tag whose body starts at `from`, following the lexer
/// of minijinja: the closing delimiter (optionally preceded by `-` or `+`) only counts outside
/// string literals and when brackets are balanced.
fn scan_tag_body(source: &str, from: usize, close: &[u8]) -> usize {
    let bytes = source.as_bytes();
    let mut pos = from;
    let mut balance: i64 = 0;
    // `{{-` / `{%-` / `+`: the whitespace-control character belongs to the opening delimiter.
    if matches!(bytes.get(pos), Some(b'-' | b'+')) {
        pos += 1;
    }
    while let Some(&b) = bytes.get(pos) {
        if b.is_ascii_whitespace() {
            pos += 1;
            continue;
        }
        if balance == 0 {
            if bytes.get(pos..pos + close.len()) == Some(close) {
                return pos + close.len();
            }
            if matches!(b, b'-' | b'+') && bytes.get(pos + 1..pos + 1 + close.len()) == Some(close)
            {
                return pos + 1 + close.len();
            }
        }
        match b {
            b'"' | b'\'' => {
                pos += 1;
                let mut escaped = false;
                while let Some(&c) = bytes.get(pos) {
                    pos += 1;
                    if escaped {
                        escaped = false;
                    } else if c == b'\\' {
                        escaped = true;
                    } else if c == b {
                        break;
                    }
                }
            }
            b'(' | b'[' | b'{' => {
                balance += 1;
                pos += 1;
            }
            b')' | b']' | b'}' => {
                balance -= 1;
                pos += 1;
            }
            _ => pos += 1,
        }
    }
    bytes.len()
}

/// `{%[-+]? name [-+]?%}` at `pos` (as minijinja's `skip_basic_tag`): the end of the tag.
fn match_basic_tag(source: &str, pos: usize, name: &str) -> Option<usize> {
    let rest = source.get(pos..)?.strip_prefix("{%")?;
    let rest = rest.strip_prefix(['-', '+']).unwrap_or(rest);
    let rest = rest.trim_start_matches(|c: char| c.is_ascii_whitespace());
    let rest = rest.strip_prefix(name)?;
    let rest = rest.trim_start_matches(|c: char| c.is_ascii_whitespace());
    let rest = rest.strip_prefix(['-', '+']).unwrap_or(rest);
    let rest = rest.strip_prefix("%}")?;
    Some(source.len() - rest.len())
}

/// Parses a marker at the start of `s` (which starts with [`SEP`]): `(file, line, byte length)`.
fn parse_marker(s: &str) -> Option<(u32, u32, usize)> {
    let mut chars = s.char_indices();
    if chars.next()?.1 != SEP {
        return None;
    }
    let mut numbers = [0u32; 2];
    let mut end = 0;
    for slot in &mut numbers {
        let mut digits = 0;
        loop {
            let (i, c) = chars.next()?;
            if c == SEP {
                if digits == 0 {
                    return None;
                }
                end = i + c.len_utf8();
                break;
            }
            let d = u32::from(c).checked_sub(DIGIT0).filter(|d| *d <= 9)?;
            *slot = slot.checked_mul(10)?.checked_add(d)?;
            digits += 1;
        }
    }
    Some((numbers[0], numbers[1], end))
}

/// Removes the markers from a marked render and attributes each output line: the last marker
/// before the line's first visible character (the innermost partial line that produced it), else
/// the last marker seen before (a multi-line value printed by an expression).
pub fn strip(marked: &str) -> (String, OriginMap) {
    let mut text = String::with_capacity(marked.len());
    let mut lines = Vec::new();
    let mut current: Option<LineOrigin> = None;
    let mut line_origin: Option<LineOrigin> = None;
    let mut seen_content = false;
    let mut line_len = 0usize;
    let mut rest = marked;
    while let Some(c) = rest.chars().next() {
        if c == SEP
            && let Some((file, line, len)) = parse_marker(rest)
        {
            let origin = LineOrigin {
                file: FileId(file),
                line,
            };
            current = Some(origin);
            if !seen_content {
                line_origin = Some(origin);
            }
            rest = rest.get(len..).unwrap_or("");
            continue;
        }
        rest = rest.get(c.len_utf8()..).unwrap_or("");
        text.push(c);
        if c == '\n' {
            lines.push(line_origin.or(current));
            line_origin = None;
            seen_content = false;
            line_len = 0;
            continue;
        }
        line_len += 1;
        if !seen_content && !c.is_whitespace() {
            seen_content = true;
            if line_origin.is_none() {
                line_origin = current;
            }
        }
    }
    if line_len > 0 {
        lines.push(line_origin.or(current));
    }
    (
        text,
        OriginMap {
            lines,
            fallback: None,
        },
    )
}

/// Removes markers from a string (for filters whose result must not depend on them).
pub fn remove(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains(SEP) {
        return std::borrow::Cow::Borrowed(s);
    }
    std::borrow::Cow::Owned(strip(s).0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(map: &OriginMap) -> Vec<Option<u32>> {
        map.lines.iter().map(|o| o.map(|o| o.line)).collect()
    }

    #[test]
    fn marker_round_trips_and_adjacent_markers_parse() {
        let s = format!("{}{}x", marker(FileId(12), 3405), marker(FileId(0), 0));
        let (text, map) = strip(&s);
        assert_eq!(text, "x");
        assert_eq!(
            map.lines,
            vec![Some(LineOrigin {
                file: FileId(0),
                line: 0
            })]
        );
        assert_eq!(
            parse_marker(&marker(FileId(u32::MAX), 7)).map(|m| (m.0, m.1)),
            Some((u32::MAX, 7))
        );
    }

    #[test]
    fn inserts_outside_tags_only() {
        let src = "a: 1\n{{ x(\n  1) }}\n{# c\n d #}\n{% raw %}\n{{ y\n{% endraw %}\nb\n";
        let marked = insert(src, FileId(1));
        assert_eq!(strip(&marked).0, src);
        // Markers sit at lines 0, 1, 3, 5, 6, 7, 8: not inside the multi-line tag and comment.
        let (_, map) = strip(&marked);
        assert_eq!(
            lines(&map),
            vec![
                Some(0),
                Some(1),
                Some(1),
                Some(3),
                Some(3),
                Some(5),
                Some(6),
                Some(7),
                Some(8)
            ]
        );
    }

    #[test]
    fn brackets_and_strings_do_not_close_tags() {
        let src = "{{ {\"a\": {\"b\": \"}}\"}} }}\nx\n";
        let marked = insert(src, FileId(0));
        assert_eq!(marked.matches(SEP).count(), 6, "{marked:?}");
        assert!(marked.contains("\"}}\"}} }}\n\u{200a}"));
    }

    #[test]
    fn text_after_a_right_trimming_tag_keeps_its_line() {
        let src = "{%- import 'h' as h -%}\n\n  a: {{ x }}\n{{ y -}}\n{{ z }}\n";
        let marked = insert(src, FileId(0));
        assert_eq!(marked.matches("{{ \"\" }}").count(), 2, "{marked:?}");
        assert!(
            marked.contains(&format!("  {{{{ \"\" }}}}{}a: ", marker(FileId(0), 2))),
            "{marked:?}"
        );
    }

    #[test]
    fn largest_tag_counts_tokens_not_bytes() {
        let src =
            "{# {{ a + b + c + d }} #}{{ 'a long string literal' }}{% if a and b %}x{% endif %}";
        let (start, end, tokens) = largest_tag(src).unwrap_or_default();
        assert_eq!((&src[start..end], tokens), ("{% if a and b %}", 8));
    }

    #[test]
    fn trimmed_expression_keeps_its_line() {
        let src = "a:\n  {{- x }}\n";
        let marked = insert(src, FileId(0));
        assert!(marked.contains("  {{- \"\" }}\u{200a}"), "{marked:?}");
        assert!(marked.ends_with("{{ x }}\n"));
    }

    #[test]
    fn strip_attributes_lines_to_the_innermost_marker_before_content() {
        let m = |l| marker(FileId(0), l);
        let p = |l| marker(FileId(1), l);
        let s = format!(
            "{}spec:\n  {}- a\n{}    {}b:{}\n  c\n",
            m(0),
            p(5),
            m(2),
            p(7),
            m(3)
        );
        let (text, map) = strip(&s);
        assert_eq!(text, "spec:\n  - a\n    b:\n  c\n");
        let got: Vec<_> = map
            .lines
            .iter()
            .map(|o| o.map(|o| (o.file.0, o.line)))
            .collect();
        assert_eq!(
            got,
            vec![Some((0, 0)), Some((1, 5)), Some((1, 7)), Some((0, 3))]
        );
    }
}
