//! Splits a stream into document chunks at `---` lines, so a syntax error ends only its own
//! document, each document can be size-checked before parsing, and parsing resumes after it.
//! A line starting with `---` followed by a blank or the line end always starts a document in
//! YAML (it cannot be content, not even inside a block or quoted scalar), so the split does not
//! change what the documents mean.

/// Byte ranges `[start, end)` of the chunks of `text`, in order, covering all of it. A chunk
/// starts at a `---` line (or a run of `%` directive lines just before it) or at the start.
pub(crate) fn split(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut starts = vec![0usize];
    // memchr's vectorised search: `str::match_indices` walks a two-way searcher over every
    // byte (1.6% of a lint run's instructions, the split running twice per file).
    for i in memchr::memmem::find_iter(bytes, b"\n---") {
        let line = i + 1;
        if is_marker(bytes, line) {
            starts.push(directives_before(text, line));
        }
    }
    starts.dedup();
    let mut chunks = Vec::with_capacity(starts.len());
    for (n, &s) in starts.iter().enumerate() {
        let e = starts.get(n + 1).copied().unwrap_or(text.len());
        if e > s {
            chunks.push((s, e));
        }
    }
    chunks
}

/// Whether `---` at `at` is a document marker: followed by a blank, a line end or the end.
fn is_marker(bytes: &[u8], at: usize) -> bool {
    bytes.get(at..at + 3) == Some(b"---".as_slice())
        && matches!(bytes.get(at + 3), None | Some(b' ' | b'\t' | b'\r' | b'\n'))
}

/// `%YAML`/`%TAG` lines belong to the document after them: move the split above them.
fn directives_before(text: &str, line_start: usize) -> usize {
    let mut start = line_start;
    let mut cursor = line_start;
    while cursor > 0 {
        let before = text.get(..cursor - 1).unwrap_or("");
        let prev_start = before.rfind('\n').map_or(0, |p| p + 1);
        let prev = text.get(prev_start..cursor - 1).unwrap_or("");
        if prev.starts_with('%') {
            start = prev_start;
        } else if !(prev.trim().is_empty() || prev.starts_with('#')) {
            break;
        }
        cursor = prev_start;
    }
    start
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_at_marker_lines_only() {
        let text = "a: 1\n---\nb: 2\n--- # c\nc: |\n  ---\n---x\n---";
        let chunks = split(text);
        let parts: Vec<&str> = chunks.iter().map(|&(s, e)| &text[s..e]).collect();
        assert_eq!(
            parts,
            [
                "a: 1\n",
                "---\nb: 2\n",
                "--- # c\nc: |\n  ---\n---x\n",
                "---"
            ]
        );
    }

    #[test]
    fn leading_marker_gives_no_empty_chunk() {
        assert_eq!(split("---\na: 1\n"), [(0, 9)]);
        assert_eq!(split(""), Vec::<(usize, usize)>::new());
    }

    #[test]
    fn directives_go_with_the_next_document() {
        let text = "a: 1\n...\n%YAML 1.1\n---\nb: 2\n";
        let chunks = split(text);
        assert_eq!(&text[chunks[1].0..chunks[1].1], "%YAML 1.1\n---\nb: 2\n");
    }
}
