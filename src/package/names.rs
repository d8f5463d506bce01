//! File names that could change a stream they are printed in.

/// Whether a file name could change a stream it is printed in (`# Source:` comments, the file
/// names `template --output-dir` creates): a control character, or a Unicode line or paragraph
/// separator, which go-yaml (kubectl, Helm) reads as a line break.
pub fn has_control(name: &str) -> bool {
    name.chars()
        .any(|c| c.is_control() || matches!(c, '\u{2028}' | '\u{2029}'))
}

/// The name with its control characters escaped, for messages.
pub fn shown_name(name: &str) -> String {
    name.chars()
        .flat_map(|c| {
            if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') {
                c.escape_default().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect()
}
