//! Small edits on value trees (maps as ordered key/value lists), shared by the `--set` parser and
//! the mergers.

use crate::source::Span;
use crate::yaml::{Node, ThinVec, Value};

pub fn empty_map(span: Span) -> Node {
    Node::new(Value::Map(ThinVec::new()), span)
}

pub fn str_node(s: impl Into<String>, span: Span) -> Node {
    Node::new(Value::Str(s.into().into()), span)
}

pub fn is_map(node: &Node) -> bool {
    matches!(node.value, Value::Map(_))
}

/// Index of the entry with string key `key` (the last one, as lookups do).
pub fn position(entries: &[(Node, Node)], key: &str) -> Option<usize> {
    entries.iter().rposition(|(k, _)| k.as_str() == Some(key))
}

/// Sets `key` to `value`, keeping the key's place when it exists.
pub fn set(entries: &mut ThinVec<(Node, Node)>, key: Node, value: Node) {
    let Some(name) = key.as_str().map(str::to_string) else {
        return;
    };
    match position(entries, &name) {
        Some(i) => {
            if let Some(slot) = entries.get_mut(i) {
                *slot = (key, value);
            }
        }
        None => entries.push((key, value)),
    }
}

pub fn remove(entries: &mut ThinVec<(Node, Node)>, key: &str) {
    entries.retain(|(k, _)| k.as_str() != Some(key));
}

/// Helm's `mergeMaps`, used between `-f` files: maps merge deeply, anything else replaces
/// (a `null` too: it is kept so that coalescing with the chart's defaults deletes the key).
pub fn merge_maps(base: &mut Node, overlay: Node) {
    let Value::Map(over) = overlay.value else {
        *base = overlay;
        return;
    };
    let Value::Map(entries) = &mut base.value else {
        *base = Node {
            value: Value::Map(over),
            ..overlay
        };
        return;
    };
    for (k, v) in over {
        let Some(name) = k.as_str() else { continue };
        match position(entries, name).and_then(|i| entries.get_mut(i)) {
            Some((_, existing)) if is_map(existing) && is_map(&v) => merge_maps(existing, v),
            _ => set(entries, k, v),
        }
    }
}

/// Helm's `coalesceTablesFullKey`: fills `dst` (higher precedence) from `src` (defaults). With
/// `delete_nulls` (coalescing), the defaults' nulls are dropped first (`cleanNilValues`) and a
/// null in `dst` over a key that `src` sets removes the key; a null in `dst` that no default
/// sets stays. Without (merging), nulls are kept on both sides.
pub fn coalesce_tables(dst: &mut Node, src: &Node, delete_nulls: bool) {
    let Value::Map(src_entries) = &src.value else {
        return;
    };
    let Value::Map(dst_entries) = &mut dst.value else {
        return;
    };
    for (k, sv) in src_entries {
        let Some(name) = k.as_str() else { continue };
        if delete_nulls && sv.is_null() {
            continue;
        }
        match position(dst_entries, name) {
            None if delete_nulls => dst_entries.push((k.clone(), without_nulls(sv))),
            None => dst_entries.push((k.clone(), sv.clone())),
            Some(i) => {
                let Some((_, dv)) = dst_entries.get_mut(i) else {
                    continue;
                };
                if dv.is_null() {
                    if delete_nulls {
                        remove(dst_entries, name);
                    }
                } else if is_map(dv) && is_map(sv) {
                    coalesce_tables(dv, sv, delete_nulls);
                }
                // Otherwise the higher-precedence value stays (a table over a scalar, or the
                // reverse, is only a warning in Helm).
            }
        }
    }
}

/// A copy of a default value with the null entries of its maps removed, at every depth.
pub fn without_nulls(node: &Node) -> Node {
    let Value::Map(entries) = &node.value else {
        return node.clone();
    };
    Node {
        value: Value::Map(
            entries
                .iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), without_nulls(v)))
                .collect(),
        ),
        ..node.clone()
    }
}

/// [`without_nulls`] of a value that is not needed afterwards: the nulls removed in place.
pub fn drop_nulls(mut node: Node) -> Node {
    let mut stack = vec![&mut node];
    while let Some(node) = stack.pop() {
        if let Value::Map(entries) = &mut node.value {
            entries.retain(|(_, v)| !v.is_null());
            stack.extend(entries.iter_mut().map(|(_, v)| v));
        }
    }
    node
}

/// Follows a dotted path of map keys (Helm's `PathValue`).
pub fn path_value<'a>(root: &'a Node, path: &str) -> Option<&'a Node> {
    path.split('.').try_fold(root, |node, key| node.get(key))
}
