//! Plain manifests: files given as they are, and streams written by `helm template` whose
//! `# Source: chart/templates/x.yaml` comments say which template produced the documents after
//! them.
//!
//! A stream with Source comments is split into one source file per Source section, named by the
//! path in the comment (a section opens where Helm writes one: a `# Source:` line right after a
//! `---` line, or on the first line), so findings name the template. A section's text starts on the line after
//! its `# Source:` comment and ends before the `---` that opens the next section. Its lines are
//! the template's rendered output as Helm produced it, not lines of the template source, which
//! kforge does not have here: reports name the section and its line in the message, and point
//! at the stream's own line (see [`SourceKind::Section`]).

use std::path::Path;
use std::sync::Arc;

use crate::source::{FileId, SourceKind, SourceMap, StreamPlace};

const SOURCE_PREFIX: &str = "# Source: ";

/// Adds `text` to the source map as one or more manifest files. Text before the first Source
/// comment (when it holds more than separators and comments) keeps `display_name`.
pub fn add_manifest_text(display_name: &str, text: &str, sources: &mut SourceMap) -> Vec<FileId> {
    add_manifest(display_name, &Arc::from(text), None, sources)
}

/// [`add_manifest_text`] for the whole text of the regular file at `path`: the source map may
/// drop the texts once parsed and read them again from the file (issue 19).
/// The sections of the stream share `text` ([`SourceMap::add_section_of`]) rather than each
/// holding a copy.
pub fn add_manifest_file(
    display_name: &str,
    text: &Arc<str>,
    path: &Path,
    sources: &mut SourceMap,
) -> Vec<FileId> {
    add_manifest(display_name, text, Some(Arc::from(path)), sources)
}

fn add_manifest(
    display_name: &str,
    shared: &Arc<str>,
    path: Option<Arc<Path>>,
    sources: &mut SourceMap,
) -> Vec<FileId> {
    let text: &str = shared;
    let back = |sources: &mut SourceMap, id: FileId, offset: usize| {
        if let Some(path) = &path {
            sources.set_backing(id, path.clone(), offset as u64);
        }
        id
    };
    let sections = split_sources(text);
    if sections.is_empty() {
        let id = sources.add(display_name, shared.clone(), SourceKind::Manifest);
        return vec![back(sources, id, 0)];
    }
    let mut files = Vec::new();
    if let Some(first) = sections.first() {
        let head = text.get(..first.separator_start).unwrap_or("");
        if has_content(head) {
            let id = sources.add(display_name, head, SourceKind::Manifest);
            files.push(back(sources, id, 0));
        }
    }
    // Lines are counted from the previous section on: counting from the start each time was
    // quadratic in the sections of a long stream.
    let (mut counted_to, mut first_line) = (0, 0u32);
    for (i, section) in sections.iter().enumerate() {
        let end = sections
            .get(i + 1)
            .map_or(text.len(), |next| next.separator_start);
        let body = section.body_start..end.max(section.body_start);
        if let Some(between) = text.get(counted_to..section.body_start) {
            first_line += between.matches('\n').count() as u32;
            counted_to = section.body_start;
        }
        let id = sources.add_section_of(
            section.name.clone(),
            shared,
            body,
            StreamPlace {
                name: display_name.to_string(),
                first_line,
            },
        );
        files.push(back(sources, id, section.body_start));
    }
    files
}

struct Section {
    name: String,
    /// Where the section's own `---` line begins (or its Source line when it has none): the
    /// previous section ends here.
    separator_start: usize,
    /// First byte after the Source comment line.
    body_start: usize,
}

fn split_sources(text: &str) -> Vec<Section> {
    let mut sections = Vec::new();
    let mut offset = 0;
    // Start of the last `---` line seen, while only blank lines followed it.
    let mut last_separator: Option<usize> = None;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        // Helm writes `---` then `# Source:`; a Source comment elsewhere is the template's own
        // text (bitnami CRD templates carry `# Source: https://...` lines).
        let opens_section = last_separator.is_some() || start == 0;
        if let Some(name) = content.strip_prefix(SOURCE_PREFIX)
            && opens_section
        {
            let name = name.trim();
            if !name.is_empty() {
                sections.push(Section {
                    name: name.to_string(),
                    separator_start: last_separator.unwrap_or(start),
                    body_start: offset,
                });
                last_separator = None;
                continue;
            }
        }
        // Cheap tests first: most lines of a large stream (CRD descriptions) are neither.
        if content.starts_with("---") && content.trim_end() == "---" {
            last_separator = Some(start);
        } else if last_separator.is_some() && !content.trim().is_empty() {
            last_separator = None;
        }
    }
    sections
}

/// Whether text holds anything but blank lines, comments and document separators.
fn has_content(text: &str) -> bool {
    text.lines().any(|l| {
        let t = l.trim();
        !(t.is_empty() || t.starts_with('#') || t == "---" || t == "...")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helm_template_output_splits_by_source() {
        let stream = "---\n# Source: web/templates/svc.yaml\napiVersion: v1\nkind: Service\n---\n# Source: web/templates/deploy.yaml\napiVersion: apps/v1\nkind: Deployment\n---\napiVersion: apps/v1\nkind: Deployment\n";
        let mut sources = SourceMap::new();
        let files = add_manifest_text("<stdin>", stream, &mut sources);
        let names: Vec<&str> = files.iter().map(|f| sources.name(*f)).collect();
        assert_eq!(
            names,
            ["web/templates/svc.yaml", "web/templates/deploy.yaml"]
        );
        assert_eq!(sources.text(files[0]), "apiVersion: v1\nkind: Service\n");
        // A `---` not followed by a Source comment stays inside the section.
        assert_eq!(
            sources.text(files[1]),
            "apiVersion: apps/v1\nkind: Deployment\n---\napiVersion: apps/v1\nkind: Deployment\n"
        );
    }

    #[test]
    fn source_comments_inside_a_template_do_not_split() {
        let stream = "---\r\n# Source: c/templates/crd.yaml\r\n# Source: https://example.com/crd.yaml\r\nkind: CustomResourceDefinition\r\n---\r\n# Source: c/templates/b.yaml\r\nkind: B\r\n";
        let mut sources = SourceMap::new();
        let files = add_manifest_text("<stdin>", stream, &mut sources);
        let names: Vec<&str> = files.iter().map(|f| sources.name(*f)).collect();
        assert_eq!(names, ["c/templates/crd.yaml", "c/templates/b.yaml"]);
        assert_eq!(
            sources.text(files[0]),
            "# Source: https://example.com/crd.yaml\r\nkind: CustomResourceDefinition\r\n"
        );
    }

    #[test]
    fn text_without_source_comments_is_one_file() {
        let mut sources = SourceMap::new();
        let files = add_manifest_text("app.yaml", "kind: A\n---\nkind: B\n", &mut sources);
        assert_eq!(files.len(), 1);
        assert_eq!(sources.name(files[0]), "app.yaml");
    }

    #[test]
    fn content_before_the_first_source_keeps_the_input_name() {
        let mut sources = SourceMap::new();
        let files = add_manifest_text(
            "<stdin>",
            "kind: A\n---\n# Source: c/templates/b.yaml\nkind: B\n",
            &mut sources,
        );
        let names: Vec<&str> = files.iter().map(|f| sources.name(*f)).collect();
        assert_eq!(names, ["<stdin>", "c/templates/b.yaml"]);
        assert_eq!(sources.text(files[0]), "kind: A\n");
    }
}
