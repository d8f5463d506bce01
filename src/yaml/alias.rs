//! Alias expansion: an alias to a collection is a placeholder until its document is complete and
//! known to fit the node limit; then it becomes a copy of the anchored tree, every node of which
//! points back at the alias site.

use super::site::AliasSite;
use super::{Node, ScalarStyle, Value};
use crate::source::{FileId, Span};

/// Placeholders live in no file: their span's file is this id, their start the anchor id.
pub(crate) const PLACEHOLDER_FILE: FileId = FileId(u32::MAX);

pub(crate) fn placeholder(anchor: usize, site: Span) -> Node {
    let id = u32::try_from(anchor).unwrap_or(u32::MAX);
    let span = Span {
        file: PLACEHOLDER_FILE,
        start: id,
        end: id,
    };
    Node {
        value: Value::Null,
        span,
        style: ScalarStyle::Plain,
        alias: AliasSite::new(site),
    }
}

pub(crate) fn placeholder_id(n: &Node) -> Option<usize> {
    (n.span.file == PLACEHOLDER_FILE && n.is_null()).then_some(n.span.start as usize)
}

/// Every node of an alias expansion points back at the alias site.
pub(crate) fn mark_alias(node: &mut Node, site: Span) {
    let site = AliasSite::new(site);
    visit_mut(node, |n| n.alias = site);
}

/// Calls `f` on `node` and then on every node below it (including what `f` put there), without
/// recursion: the trees may be as deep as the depth limit allows.
pub(crate) fn visit_mut(node: &mut Node, mut f: impl FnMut(&mut Node)) {
    let mut todo = vec![node];
    while let Some(n) = todo.pop() {
        f(n);
        match &mut n.value {
            Value::Seq(items) => todo.extend(items.iter_mut()),
            Value::Map(entries) => {
                for (k, v) in entries.iter_mut() {
                    todo.push(k);
                    todo.push(v);
                }
            }
            _ => {}
        }
    }
}
