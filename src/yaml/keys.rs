//! What happens to a map's keys when it is complete: duplicates (last wins, as in Kubernetes,
//! reported) and `<<` merge keys (YAML 1.1, honoured by go-yaml v2; explicit keys win).

use std::collections::HashMap;

use super::{Node, ScalarStyle, ThinVec, Value};
use crate::catalog::yaml::{DUPLICATE_KEY, SYNTAX};
use crate::diag::Diagnostic;

/// Below this many entries, comparing every pair is cheaper than hashing.
const SMALL_MAP: usize = 24;

pub(crate) fn is_merge_key(key: &Node) -> bool {
    key.style == ScalarStyle::Plain && key.alias.is_none() && key.as_str() == Some("<<")
}

/// Resolves duplicates and merge keys of a complete map's entries, in place.
pub(crate) fn finish_map(
    entries: &mut Vec<(Node, Node)>,
    merge: bool,
    diags: &mut Vec<Diagnostic>,
) {
    drop_duplicates(entries, diags);
    if merge {
        let merged = apply_merges(std::mem::take(entries), diags);
        *entries = merged;
    }
}

/// Keys equal the way go-yaml compares them: same type and value.
pub(crate) fn same_key(a: &Node, b: &Node) -> bool {
    match (&a.value, &b.value) {
        (Value::Str(x), Value::Str(y)) => x == y,
        (Value::Int(x), Value::Int(y)) => x == y,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Float(x), Value::Float(y)) => x == y,
        (Value::Null, Value::Null) => true,
        _ => false,
    }
}

/// A hashable stand-in for a scalar key.
#[derive(PartialEq, Eq, Hash)]
enum KeyId<'a> {
    Str(&'a str),
    Int(i64),
    Bool(bool),
    Float(u64),
    Null,
}

fn key_id(k: &Node) -> Option<KeyId<'_>> {
    Some(match &k.value {
        Value::Str(s) => KeyId::Str(s),
        Value::Int(i) => KeyId::Int(*i),
        Value::Bool(b) => KeyId::Bool(*b),
        Value::Float(f) if !f.is_nan() => KeyId::Float(f.to_bits()),
        Value::Null => KeyId::Null,
        _ => return None,
    })
}

fn drop_duplicates(entries: &mut Vec<(Node, Node)>, diags: &mut Vec<Diagnostic>) {
    // For each entry, the earlier entry with the same key it replaces.
    let mut replaced: Vec<(usize, usize)> = Vec::new();
    if entries.len() <= SMALL_MAP {
        for (i, (k, _)) in entries.iter().enumerate() {
            if is_merge_key(k) {
                continue;
            }
            let earlier = entries.get(..i).unwrap_or(&[]);
            if let Some(j) = earlier
                .iter()
                .rposition(|(e, _)| !is_merge_key(e) && same_key(e, k))
            {
                replaced.push((i, j));
            }
        }
    } else {
        let mut seen: HashMap<KeyId<'_>, usize> = HashMap::with_capacity(entries.len());
        for (i, (k, _)) in entries.iter().enumerate() {
            if is_merge_key(k) {
                continue;
            }
            let Some(id) = key_id(k) else { continue };
            if let Some(j) = seen.insert(id, i) {
                replaced.push((i, j));
            }
        }
    }
    if replaced.is_empty() {
        return;
    }
    let mut dropped = vec![false; entries.len()];
    for &(i, j) in &replaced {
        if let (Some((second, _)), Some((first, _))) = (entries.get(i), entries.get(j)) {
            diags.push(duplicate(second, first));
        }
        if let Some(d) = dropped.get_mut(j) {
            *d = true;
        }
    }
    let mut i = 0;
    entries.retain(|_| {
        let keep = dropped.get(i) != Some(&true);
        i += 1;
        keep
    });
}

fn duplicate(second: &Node, first: &Node) -> Diagnostic {
    let name = match &second.value {
        Value::Str(s) => s.to_owned_string(),
        _ => second.scalar_text().unwrap_or_else(|| "null".to_string()),
    };
    Diagnostic::new(&DUPLICATE_KEY, format!("duplicate key \"{name}\" in this map"))
        .at(second.site(), "defined again here; this value wins")
        .with_label(first.site(), "first defined here")
        .with_help(
            "remove one of them: the API server's strict field validation (kubectl's default) rejects duplicate \
             fields, and Helm silently keeps only the last value",
        )
}

fn apply_merges(entries: Vec<(Node, Node)>, diags: &mut Vec<Diagnostic>) -> Vec<(Node, Node)> {
    let explicit: Vec<Node> = entries
        .iter()
        .filter(|(k, _)| !is_merge_key(k))
        .map(|(k, _)| key_only(k))
        .collect();
    let mut out: Vec<(Node, Node)> = Vec::with_capacity(entries.len());
    for (k, v) in entries {
        if !is_merge_key(&k) {
            out.push((k, v));
            continue;
        }
        let site = v.site();
        let sources: Vec<ThinVec<(Node, Node)>> = match v.value {
            Value::Map(m) => vec![m],
            Value::Seq(items) => {
                let mut maps = Vec::with_capacity(items.len());
                for item in items {
                    match item.value {
                        Value::Map(m) => maps.push(m),
                        _ => {
                            diags.push(bad_merge(item.site()));
                        }
                    }
                }
                maps
            }
            _ => {
                diags.push(bad_merge(site));
                continue;
            }
        };
        // Earlier maps in a merge list win over later ones; explicit keys win over all.
        for source in sources {
            for (mk, mv) in source {
                let taken = explicit.iter().any(|e| same_key(e, &mk))
                    || out.iter().any(|(o, _)| same_key(o, &mk));
                if !taken {
                    out.push((mk, mv));
                }
            }
        }
    }
    out
}

/// A key without its children, for comparisons (keys are scalars in practice).
fn key_only(k: &Node) -> Node {
    match &k.value {
        Value::Seq(_) | Value::Map(_) => Node::new(Value::Seq(ThinVec::new()), k.span),
        _ => k.clone(),
    }
}

fn bad_merge(at: crate::source::Span) -> Diagnostic {
    Diagnostic::new(
        &SYNTAX,
        "map merge requires a map or a sequence of maps as the value",
    )
    .at(at, "not a map")
    .with_help(
        "`<<:` merges the keys of a map (`<<: *defaults`) or of a list of maps (`<<: [*a, *b]`)",
    )
}
