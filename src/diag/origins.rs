//! A finding on a value that a `define` wrote (`targetPort: {{ include "x.port" . }}`) is
//! reported at the `include`, where the line comes from; this adds a label at the define's line,
//! where the value itself is written and probably has to be fixed.

use super::{Diagnostic, Label};
use crate::source::SourceMap;

/// Values longer than this are not quoted in the label.
const MAX_QUOTED: usize = 40;

/// Adds the label to every finding whose primary span is rendered text written by another
/// template line than the one it is reported at, unless a label already points at that line.
pub fn label_value_origins(sources: &SourceMap, diagnostics: &mut [Diagnostic]) {
    for d in diagnostics.iter_mut() {
        let Some(primary) = &d.primary else {
            continue;
        };
        let Some(at) = sources.value_origin(primary.span) else {
            continue;
        };
        let line_of = |span| {
            let loc = sources.locate(span);
            (loc.file, loc.line)
        };
        let here = line_of(at);
        if d.secondary.iter().any(|l| line_of(l.span) == here) {
            continue;
        }
        let value = sources
            .slice(primary.span)
            .lines()
            .next()
            .unwrap_or("")
            .trim();
        let what = if value.chars().count() <= MAX_QUOTED {
            format!("{value:?}")
        } else {
            "the value".to_string()
        };
        let message = match enclosing_define(sources.text(at.file), at.start as usize) {
            Some(name) => format!("{what} comes from define {name:?}"),
            None => format!("{what} is written here"),
        };
        d.secondary.push(Label::new(at, message));
    }
}

/// The name of the last `define` opened before `offset` in a template's text.
fn enclosing_define(text: &str, offset: usize) -> Option<&str> {
    let before = text.get(..offset)?;
    let at = before.rfind("define \"")? + "define \"".len();
    let rest = before.get(at..)?;
    rest.find('"').and_then(|end| rest.get(..end))
}

#[cfg(test)]
mod tests {
    use super::enclosing_define;

    #[test]
    fn finds_the_define_a_position_is_in() {
        let text =
            "{{- define \"a\" -}}\nx\n{{- end }}\n{{- define \"b.port\" -}}\nhttps\n{{- end }}\n";
        assert_eq!(
            enclosing_define(text, text.find("https").unwrap()),
            Some("b.port")
        );
        assert_eq!(enclosing_define(text, text.find('x').unwrap()), Some("a"));
        assert_eq!(enclosing_define(text, 3), None);
    }
}
