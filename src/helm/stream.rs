//! What `helm template` prints for rendered files (Helm v4.2: pkg/release/v1/util SplitManifests,
//! SortManifests, kind_sorter; pkg/action renderResources; pkg/cmd/template.go):
//!
//! - each file's text is split into documents at `---` (the separator eats the whitespace
//!   around it; a document keeps its other trailing whitespace), documents that are only
//!   whitespace are dropped;
//! - a document whose `metadata.annotations` has `helm.sh/hook` is a hook (one naming an unknown
//!   hook event is dropped, as Helm skips it); the others are manifests;
//! - manifests, then hooks, each sorted by kind in Helm's install order (stable: files by path,
//!   documents in file order), unknown kinds last by name;
//! - every document printed as `---\n# Source: PATH\nDOC\n`, the manifests' block trimmed.

use rayon::prelude::*;

use crate::object::install_order_key;
use crate::source::{SourceKind, SourceMap};
use crate::yaml::{self, Node};

/// The hook events Helm knows (`release.HookEvent`).
const HOOK_EVENTS: &[&str] = &[
    "pre-install",
    "post-install",
    "pre-delete",
    "post-delete",
    "pre-upgrade",
    "post-upgrade",
    "pre-rollback",
    "post-rollback",
    "test",
    "test-success",
];

pub const HOOK_ANNOTATION: &str = "helm.sh/hook";

/// One document of the output.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Document {
    /// The template it came from (`chart/templates/x.yaml`).
    pub source: String,
    pub kind: String,
    pub content: String,
    /// `helm.sh/hook` events, when the document is a hook.
    pub hook: Option<String>,
}

/// The whitespace of Helm's separator regex (`[\t\n\f\r ]`).
fn is_sep_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0C | b'\r' | b' ')
}

/// The matches of Helm's separator regex `(?:\A|[\t\n\f\r ]*\n)---[\t\n\f\r ]*` in `body`,
/// leftmost first and not overlapping, as `regexp.Split` finds them. By hand: compiling the
/// regex cost a small chart's render 0.5M instructions. A match other than at the start holds
/// the first `\n---` after the previous match, extended back over the whitespace before it (no
/// earlier start can match: the `-` after that newline is not whitespace) and forward over the
/// whitespace after it (the quantifiers are greedy).
fn separators(body: &str) -> Vec<(usize, usize)> {
    let bytes = body.as_bytes();
    let skip_space = |mut at: usize| {
        while bytes.get(at).copied().is_some_and(is_sep_space) {
            at += 1;
        }
        at
    };
    let mut found = Vec::new();
    let mut at = 0;
    if bytes.starts_with(b"---") {
        at = skip_space(3);
        found.push((0, at));
    }
    while let Some(newline) = body.get(at..).and_then(|rest| rest.find("\n---")) {
        let newline = at + newline;
        let mut start = newline;
        while start > at && bytes.get(start - 1).copied().is_some_and(is_sep_space) {
            start -= 1;
        }
        let end = skip_space(newline + 4);
        found.push((start, end));
        at = end;
    }
    found
}

fn trim_go_space_start(s: &str) -> &str {
    s.trim_start_matches(|c: char| c.is_whitespace())
}

/// Helm's `SplitManifests`: the documents of one rendered file, in order.
pub fn split(text: &str) -> Vec<String> {
    split_ranges(text)
        .into_iter()
        .filter_map(|(start, end)| text.get(start..end))
        .map(str::to_string)
        .collect()
}

/// The byte ranges of [`split`]'s documents in `text`: what Helm prints and installs of each,
/// so `lint CHART` parses exactly those (the separator eats the whitespace before it, even the
/// whitespace-only last line of a block scalar, which would otherwise be content).
pub fn split_ranges(text: &str) -> Vec<(usize, usize)> {
    let offset = text.len() - trim_go_space_start(text).len();
    let body = text.get(offset..).unwrap_or("");
    let mut pieces = Vec::new();
    let mut at = 0;
    for (start, end) in separators(body) {
        pieces.push((at, start));
        at = end;
    }
    pieces.push((at, body.len()));
    pieces
        .into_iter()
        .filter_map(|(start, end)| {
            let piece = body.get(start..end)?;
            if piece.trim().is_empty() {
                return None;
            }
            let lead = piece.len() - trim_go_space_start(piece).len();
            Some((offset + start + lead, offset + end))
        })
        .collect()
}

/// Kind and hook annotation of a document (Helm's `SimpleHead`); `None` when the document is not
/// YAML Helm could read (Helm then fails the whole render; kforge's parse stage reports it).
pub fn head(content: &str) -> (String, Option<String>) {
    let mut sources = SourceMap::new();
    let file = sources.add("doc", content, SourceKind::Rendered);
    let (docs, _) = yaml::parse_stream(&sources, file, &yaml::Limits::default());
    match docs.into_iter().find_map(|d| d.root) {
        Some(root) => head_of(&root),
        None => (String::new(), None),
    }
}

/// [`head`] of a document already loaded: its root.
pub fn head_of(root: &Node) -> (String, Option<String>) {
    let kind = root
        .get("kind")
        .and_then(Node::scalar_text)
        .unwrap_or_default();
    let hook = root
        .path(&["metadata", "annotations", HOOK_ANNOTATION])
        .and_then(Node::scalar_text);
    (kind, hook)
}

/// Splits rendered files (name, text; in any order) into Helm's ordered manifests and hooks.
pub fn documents<'a>(files: impl IntoIterator<Item = (&'a str, &'a str)>) -> Vec<Document> {
    let mut files: Vec<(&str, &str)> = files.into_iter().collect();
    files.sort_by(|a, b| a.0.cmp(b.0));
    let contents: Vec<(&str, String)> = files
        .into_iter()
        .flat_map(|(source, text)| split(text).into_iter().map(move |c| (source, c)))
        .collect();
    // Reading each document's head is a YAML parse: in parallel, the order kept.
    let heads: Vec<(String, Option<String>)> = contents
        .par_iter()
        .map(|(_, content)| head(content))
        .collect();
    arrange(
        contents
            .into_iter()
            .zip(heads)
            .map(|((source, content), (kind, hook))| Document {
                source: source.to_string(),
                kind,
                content,
                hook,
            })
            .collect(),
    )
}

/// Documents of rendered files (sorted by file name, in file order) in `helm template`'s order:
/// manifests, then hooks, each stably sorted by kind; hooks of an unknown event dropped.
pub fn arrange(docs: Vec<Document>) -> Vec<Document> {
    let mut manifests = Vec::new();
    let mut hooks = Vec::new();
    for doc in docs {
        match &doc.hook {
            None => manifests.push(doc),
            Some(events) => {
                let known = events
                    .split(',')
                    .all(|e| HOOK_EVENTS.contains(&e.trim().to_ascii_lowercase().as_str()));
                if known {
                    hooks.push(doc);
                }
            }
        }
    }
    manifests.sort_by_cached_key(|d| install_order_key(&d.kind));
    hooks.sort_by_cached_key(|d| install_order_key(&d.kind));
    manifests.extend(hooks);
    manifests
}

/// The text `helm template` prints for these documents (manifests first, then hooks).
pub fn to_stream(docs: &[Document]) -> String {
    write_stream(
        docs.iter()
            .map(|d| (d.source.as_str(), d.content.as_str(), d.hook.is_some())),
    )
}

/// [`to_stream`] of (source, content, is a hook) in order.
pub fn write_stream<'a>(docs: impl Iterator<Item = (&'a str, &'a str, bool)> + Clone) -> String {
    let size: usize = docs
        .clone()
        .map(|(source, content, _)| source.len() + content.len() + 16)
        .sum();
    let mut manifest = String::with_capacity(size + 1);
    let mut hooks = String::new();
    for (source, content, hook) in docs {
        let out = if hook { &mut hooks } else { &mut manifest };
        out.push_str("---\n# Source: ");
        out.push_str(source);
        out.push('\n');
        out.push_str(content);
        out.push('\n');
    }
    // The manifests' block trimmed (in place: it is most of the output), then the hooks.
    let end = manifest.trim_end().len();
    manifest.truncate(end);
    let start = manifest.len() - manifest.trim_start().len();
    manifest.drain(..start);
    manifest.push('\n');
    manifest.push_str(&hooks);
    manifest
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_like_helm_v4() {
        // Observed with Helm v4.2.3 (install --dry-run=client): the separator takes the
        // whitespace around it, so `---\n\n\n---` leaves a document starting with `---`.
        assert_eq!(
            split("\n\n  \napiVersion: v1\nkind: Bar\n---\n\n\n---\nkind: Baz\n  \n---"),
            vec!["apiVersion: v1\nkind: Bar", "---\nkind: Baz"]
        );
        assert_eq!(
            split("apiVersion: v1\nkind: Foo\n\n\n"),
            vec!["apiVersion: v1\nkind: Foo\n\n\n"]
        );
        // `---` glued to text still splits (Helm's regex needs no line end after it).
        let text = " \na: |-\n  x\n  \n---b: 1\n";
        assert_eq!(split(text), vec!["a: |-\n  x", "b: 1\n"]);
        assert_eq!(split_ranges(text), vec![(2, 11), (18, 23)]);
    }

    /// The hand-written separator finds what Helm's regex finds (Go's RE2 and Rust's regex
    /// agree on leftmost-first matching of this expression), on every string of up to 7 bytes
    /// over the bytes that matter, and on longer ones.
    #[test]
    fn separators_match_helms_regex() {
        let re = regex::Regex::new(r"(?:\A|[\t\n\x0C\r ]*\n)---[\t\n\x0C\r ]*").unwrap();
        let alphabet = [b'-', b'\n', b' ', b'a', b'\t', b'\r'];
        let check = |text: &str| {
            let want: Vec<(usize, usize)> =
                re.find_iter(text).map(|m| (m.start(), m.end())).collect();
            assert_eq!(separators(text), want, "{text:?}");
        };
        let mut count = 0;
        for len in 0..=7u32 {
            for mut n in 0..alphabet.len().pow(len) {
                let mut bytes = Vec::new();
                for _ in 0..len {
                    bytes.push(alphabet[n % alphabet.len()]);
                    n /= alphabet.len();
                }
                check(std::str::from_utf8(&bytes).unwrap());
                count += 1;
            }
        }
        assert!(count > 300_000);
        check("a: 1\n  \n---\n\n---  \nb: 2\n\t---x\n---\n\x0c\n---");
        check("---\n--- \n---\n");
    }

    #[test]
    fn orders_by_kind_with_hooks_last_as_helm_template() {
        let a = "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n\n---   \n# only a comment\n---\napiVersion: batch/v1\nkind: Job\nmetadata:\n  name: j\n  annotations:\n    helm.sh/hook: post-install\n";
        let b = "\napiVersion: v1\nkind: Secret\nmetadata:\n  name: x\n  annotations:\n    helm.sh/hook: pre-install\n---\nkind: Foo\napiVersion: x/v1\n";
        let docs = documents([("h/templates/b.yaml", b), ("h/templates/a.yaml", a)]);
        // The manifest part is what Helm v4.2.3 produced for these files; hooks follow it.
        assert_eq!(
            to_stream(&docs),
            "---\n# Source: h/templates/a.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n---\n# Source: h/templates/a.yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: s\n---\n# Source: h/templates/a.yaml\n# only a comment\n---\n# Source: h/templates/b.yaml\nkind: Foo\napiVersion: x/v1\n\
             ---\n# Source: h/templates/b.yaml\napiVersion: v1\nkind: Secret\nmetadata:\n  name: x\n  annotations:\n    helm.sh/hook: pre-install\n\
             ---\n# Source: h/templates/a.yaml\napiVersion: batch/v1\nkind: Job\nmetadata:\n  name: j\n  annotations:\n    helm.sh/hook: post-install\n\n"
        );
    }

    #[test]
    fn unknown_hook_events_are_dropped() {
        let docs = documents([(
            "h/templates/a.yaml",
            "kind: Job\nmetadata:\n  annotations:\n    helm.sh/hook: pre-instal\n",
        )]);
        assert!(docs.is_empty());
    }
}
