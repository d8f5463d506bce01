//! Span-aware YAML loader on saphyr-parser, resolving scalars the way Kubernetes does (go-yaml v2,
//! YAML 1.1 style). Entry point: [`parse_stream`]; [`emit`] writes YAML back.

mod alias;
mod chunks;
mod emit;
mod fast;
mod findings;
mod input;
mod keys;
mod loader;
mod node;
mod positions;
mod resolve;
mod site;
mod syntax_help;
mod text;

pub use crate::catalog::yaml::{
    ALIAS_LIMIT, AMBIGUOUS_SCALAR, DOCUMENT_TOO_LARGE, DUPLICATE_KEY, SYNTAX, TOO_DEEP,
};
pub(crate) use alias::visit_mut;
pub(crate) use chunks::split as document_ranges;
pub use emit::{emit, emit_node};
pub use node::{Node, ScalarStyle, Value};
pub use site::AliasSite;
pub use text::CompactStr;
pub use thin_vec::{ThinVec, thin_vec};

use rayon::prelude::*;

use crate::diag::Diagnostic;
use crate::source::{FileId, SourceMap, Span};

/// Bounds that keep hostile input from exhausting time, stack or memory.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Most nodes one document may expand to, aliases included (billion laughs).
    pub max_nodes: usize,
    /// Deepest nesting of collections.
    pub max_depth: usize,
    /// Largest document in bytes.
    pub max_document_bytes: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_nodes: 1_000_000,
            max_depth: 256,
            max_document_bytes: 16 << 20,
        }
    }
}

/// One document of a stream.
#[derive(Clone, Debug)]
pub struct Document {
    /// `None` for an empty document (only comments, or `---` alone), and for a document that
    /// could not be loaded (a diagnostic says why).
    pub root: Option<Node>,
    /// From the document's first to last byte (the `---` marker included when present).
    pub span: Span,
    /// 0-based position in the stream.
    pub index: usize,
}

/// How many documents [`parse_stream`] would parse at most in `text` (a cheap scan for `---`
/// lines): what run-wide budgets check before parsing.
pub fn document_count(text: &str) -> usize {
    chunks::split(text).len()
}

/// Parses every document of `file`. A syntax error or a limit ends only its own document:
/// loading resumes at the next `---` line.
pub fn parse_stream(
    sources: &SourceMap,
    file: FileId,
    limits: &Limits,
) -> (Vec<Document>, Vec<Diagnostic>) {
    parse_ranges(sources, file, &chunks::split(sources.text(file)), limits)
}

/// [`parse_stream`] over documents the caller has already delimited (byte ranges of the file),
/// for streams whose producer splits documents its own way: a Helm chart's rendered files are
/// parsed as Helm's `SplitManifests` cuts them (`helm::stream::split_ranges`).
pub fn parse_ranges(
    sources: &SourceMap,
    file: FileId,
    chunks: &[(usize, usize)],
    limits: &Limits,
) -> (Vec<Document>, Vec<Diagnostic>) {
    let text = sources.text(file);
    let load = |&(start, end): &(usize, usize)| load_chunk(file, text, start, end, limits);
    // Documents are independent: large streams (`helm template` output) load in parallel; the
    // results are joined in input order, so output does not depend on scheduling.
    let parts: Vec<(Vec<Document>, Vec<Diagnostic>)> =
        if text.len() >= PARALLEL_MIN_BYTES && chunks.len() > 1 {
            chunks.par_iter().map(load).collect()
        } else {
            chunks.iter().map(load).collect()
        };
    let mut docs = Vec::with_capacity(chunks.len());
    let mut diags = Vec::new();
    for (d, g) in parts {
        docs.extend(d);
        diags.extend(g);
    }
    for (i, d) in docs.iter_mut().enumerate() {
        d.index = i;
    }
    (docs, diags)
}

/// Below this, splitting work across threads costs more than it saves.
const PARALLEL_MIN_BYTES: usize = 64 << 10;

fn load_chunk(
    file: FileId,
    text: &str,
    start: usize,
    end: usize,
    limits: &Limits,
) -> (Vec<Document>, Vec<Diagnostic>) {
    let mut docs = Vec::new();
    let mut diags = Vec::new();
    let Some(chunk) = text.get(start..end) else {
        return (docs, diags);
    };
    if chunk.len() > limits.max_document_bytes {
        let first_line = chunk.find('\n').unwrap_or(chunk.len());
        let at = Span::new(file, start, start + first_line);
        diags.push(
            Diagnostic::new(
                &DOCUMENT_TOO_LARGE,
                format!(
                    "this YAML document is {} bytes, over the limit of {} bytes per document",
                    chunk.len(),
                    limits.max_document_bytes
                ),
            )
            .at(at, "document starts here")
            .with_help("split it into several documents, or check that it was generated correctly"),
        );
        docs.push(Document {
            root: None,
            span: Span::new(file, start, end),
            index: 0,
        });
        return (docs, diags);
    }
    // The common shapes load directly; the rest (and every error) through saphyr.
    if fast::load(file, chunk, start, limits, &mut docs, &mut diags).is_err() {
        loader::ChunkLoader::new(file, chunk, start, limits, &mut docs, &mut diags).run();
    }
    (docs, diags)
}

/// A single-document file (values.yaml, Chart.yaml): its first document's root, `None` when it
/// is empty or broken. A second document is ignored, as Helm does.
pub fn parse_single(
    sources: &SourceMap,
    file: FileId,
    limits: &Limits,
) -> (Option<Node>, Vec<Diagnostic>) {
    let (docs, diags) = parse_stream(sources, file, limits);
    (docs.into_iter().next().and_then(|d| d.root), diags)
}

#[cfg(test)]
mod fast_tests;
#[cfg(test)]
mod tests;
