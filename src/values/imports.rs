//! Helm's `processImportValues` (pkg/chart/v2/util/dependencies.go), pointer for pointer.
//!
//! Go maps are references, and Helm's import step shares them: an imported table is placed in
//! the import map `b` by reference, so a later import merged into the same place writes into the
//! subchart's own values too (two imports into `imported.both` make the first subchart table gain
//! the second one's keys, and the subchart renders with them). To give the same values, the maps
//! live in an arena here and the Go steps run on indexes into it: `MergeTables` inserts
//! references, copies nothing, and adds `nil`s into its source as Helm's does.

use crate::source::Span;
use crate::yaml::{AliasSite, Node, Value};

/// One import: the child's table at `child` (a dotted path below the dependency's section,
/// itself named `key`), placed at the dotted `parent` path (`.`: the root).
pub struct Import<'a> {
    pub key: &'a str,
    pub child: &'a str,
    pub parent: &'a str,
}

/// `merged` is Helm's `MergeValues(chart, nil)` (the chart's defaults with its subcharts', nulls
/// kept); returns the chart's values after the imports: `MergeTables(deepCopy(cvals), b)`.
pub fn apply(mut merged: Node, imports: &[Import]) -> Node {
    // Most charts import nothing: then the steps below give the values back as they are (the
    // copies through the arena were a twentieth of a bitnami chart's render).
    if imports.is_empty() && as_arena_returns(&mut merged, 0) {
        return merged;
    }
    through_arena(&merged, imports)
}

/// Helm's steps on the arena.
fn through_arena(merged: &Node, imports: &[Import]) -> Node {
    let mut heap = Heap::default();
    let root = heap.alloc(merged);
    let b = heap.new_map(merged.span);
    for import in imports {
        let path: Vec<&str> = std::iter::once(import.key)
            .chain(import.child.split('.'))
            .collect();
        // Helm's `Values.Table`: only a table is imported; a missing path or a scalar is
        // skipped (with a warning in Helm's log).
        let Some(table) = heap.table(root, &path) else {
            continue;
        };
        let src = if import.parent == "." {
            table
        } else {
            // `pathToMap`: fresh maps around the (shared) table.
            import.parent.rsplit('.').fold(table, |inner, key| {
                let span = heap.span(inner);
                let outer = heap.new_map(span);
                heap.insert(
                    outer,
                    Node::new(Value::Str(key.into()), span),
                    Slot::Map(inner),
                );
                outer
            })
        };
        heap.merge_tables(b, src, 0);
    }
    let copy = heap.deep_copy(root, 0);
    heap.merge_tables(copy, b, 0);
    heap.materialize(copy, 0)
}

/// Makes `node` what a round trip through the arena without imports returns, in place: map
/// nodes lose their style and alias site (`materialize` makes new ones). `false` when the
/// round trip would change more (a key repeated or not a scalar, a map deeper than
/// [`MAX_DEPTH`]): then it must run. Lists are values in the arena: their maps are left alone.
fn as_arena_returns(node: &mut Node, depth: usize) -> bool {
    let Value::Map(entries) = &mut node.value else {
        return true;
    };
    if depth > MAX_DEPTH && !entries.is_empty() {
        return false;
    }
    node.style = Node::new(Value::Null, node.span).style;
    node.alias = AliasSite::NONE;
    if !distinct_keys(entries) {
        return false;
    }
    entries
        .iter_mut()
        .all(|(_, v)| as_arena_returns(v, depth + 1))
}

/// Whether every key of a map has a text and no two the same (what `insert` needs to keep
/// them all in place).
fn distinct_keys(entries: &[(Node, Node)]) -> bool {
    // Most maps of values are small: compared pairwise, without building anything.
    if entries.len() <= 16 {
        return entries.iter().enumerate().all(|(i, (k, _))| {
            key_name(k).is_some_and(|name| {
                entries
                    .get(..i)
                    .is_some_and(|before| !before.iter().any(|(b, _)| key_is(b, &name)))
            })
        });
    }
    let Some(mut names) = entries
        .iter()
        .map(|(k, _)| key_name(k))
        .collect::<Option<Vec<_>>>()
    else {
        return false;
    };
    names.sort_unstable();
    !names.windows(2).any(|w| w.first() == w.get(1))
}

/// Deeper than this, a map is cut off: only a self-referencing import could nest so far.
const MAX_DEPTH: usize = 128;

#[derive(Clone)]
enum Slot {
    /// A reference to a map in the arena.
    Map(usize),
    /// Anything else (lists are never merged into, so they are values here).
    Leaf(Node),
}

struct MapData {
    span: Span,
    entries: Vec<(Node, Slot)>,
}

#[derive(Default)]
struct Heap {
    maps: Vec<MapData>,
}

fn key_name(key: &Node) -> Option<std::borrow::Cow<'_, str>> {
    match key.as_str() {
        Some(s) => Some(std::borrow::Cow::Borrowed(s)),
        None => key.scalar_text().map(std::borrow::Cow::Owned),
    }
}

/// Whether `key` names `name` (Go's map key equality on the keys' texts), without building
/// a string for the common string key: lookups compare every key of a map.
fn key_is(key: &Node, name: &str) -> bool {
    match key.as_str() {
        Some(s) => s == name,
        None => key.scalar_text().as_deref() == Some(name),
    }
}

impl Heap {
    fn new_map(&mut self, span: Span) -> usize {
        self.maps.push(MapData {
            span,
            entries: Vec::new(),
        });
        self.maps.len() - 1
    }

    fn span(&self, map: usize) -> Span {
        self.maps.get(map).map_or(Span::default(), |m| m.span)
    }

    fn alloc(&mut self, node: &Node) -> usize {
        let id = self.new_map(node.span);
        if let Value::Map(entries) = &node.value {
            for (k, v) in entries {
                let slot = match v.value {
                    Value::Map(_) => Slot::Map(self.alloc(v)),
                    _ => Slot::Leaf(v.clone()),
                };
                self.insert(id, k.clone(), slot);
            }
        }
        id
    }

    fn entries(&self, map: usize) -> &[(Node, Slot)] {
        self.maps.get(map).map_or(&[], |m| &m.entries)
    }

    fn get(&self, map: usize, key: &str) -> Option<&Slot> {
        self.entries(map)
            .iter()
            .rev()
            .find(|(k, _)| key_is(k, key))
            .map(|(_, s)| s)
    }

    /// Sets `key` (Go's `m[key] = v`): replaced in place when present.
    fn insert(&mut self, map: usize, key: Node, slot: Slot) {
        let Some(m) = self.maps.get_mut(map) else {
            return;
        };
        let found = match key_name(&key) {
            Some(name) => m.entries.iter().rposition(|(k, _)| key_is(k, &name)),
            None => return,
        };
        match found.and_then(|i| m.entries.get_mut(i)) {
            Some(entry) => entry.1 = slot,
            None => m.entries.push((key, slot)),
        }
    }

    fn table(&self, root: usize, path: &[&str]) -> Option<usize> {
        path.iter()
            .try_fold(root, |map, key| match self.get(map, key) {
                Some(Slot::Map(id)) => Some(*id),
                _ => None,
            })
    }

    /// Helm's `coalesceTablesFullKey(dst, src, merge=true)`: `dst` wins; keys only `src` has are
    /// set in `dst` by reference; tables in both merge; a `nil` in `dst` is first written into
    /// `src`.
    fn merge_tables(&mut self, dst: usize, src: usize, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        let nils: Vec<(Node, Slot)> = self
            .entries(dst)
            .iter()
            .filter(|(_, s)| matches!(s, Slot::Leaf(n) if n.is_null()))
            .cloned()
            .collect();
        for (k, s) in nils {
            self.insert(src, k, s);
        }
        let src_entries: Vec<(Node, Slot)> = self.entries(src).to_vec();
        for (k, val) in src_entries {
            let Some(name) = key_name(&k).map(std::borrow::Cow::into_owned) else {
                continue;
            };
            match (self.get(dst, &name).cloned(), val) {
                (None, val) => self.insert(dst, k, val),
                (Some(Slot::Map(d)), Slot::Map(s)) => self.merge_tables(d, s, depth + 1),
                // A table over a scalar or the reverse: Helm keeps `dst` (and warns).
                _ => {}
            }
        }
    }

    fn deep_copy(&mut self, map: usize, depth: usize) -> usize {
        let span = self.span(map);
        let id = self.new_map(span);
        if depth > MAX_DEPTH {
            return id;
        }
        let entries = self.entries(map).to_vec();
        let mut copied = Vec::with_capacity(entries.len());
        for (k, slot) in entries {
            let slot = match slot {
                Slot::Map(inner) => Slot::Map(self.deep_copy(inner, depth + 1)),
                leaf => leaf,
            };
            copied.push((k, slot));
        }
        // The keys of a map here are distinct already (`insert` keeps them so).
        if let Some(m) = self.maps.get_mut(id) {
            m.entries = copied;
        }
        id
    }

    fn materialize(&self, map: usize, depth: usize) -> Node {
        let entries = if depth > MAX_DEPTH {
            Vec::new()
        } else {
            self.entries(map)
                .iter()
                .map(|(k, slot)| {
                    let v = match slot {
                        Slot::Map(inner) => self.materialize(*inner, depth + 1),
                        Slot::Leaf(n) => n.clone(),
                    };
                    (k.clone(), v)
                })
                .collect()
        };
        Node::new(Value::Map(entries.into()), self.span(map))
    }
}

#[cfg(test)]
mod tests {
    use super::{Import, apply, through_arena};
    use crate::source::Span;
    use crate::yaml::Node;
    use serde_json::json;

    fn run(merged: serde_json::Value, imports: &[(&str, &str, &str)]) -> serde_json::Value {
        let imports: Vec<Import> = imports
            .iter()
            .map(|(key, child, parent)| Import { key, child, parent })
            .collect();
        apply(Node::from_json(&merged, Span::default()), &imports).to_json()
    }

    /// Without imports the values come back as the arena would return them, without the trip.
    #[test]
    fn without_imports_the_values_are_what_the_arena_returns() {
        let plain = Node::from_json(&chart(), Span::default());
        assert_eq!(apply(plain.clone(), &[]), through_arena(&plain, &[]));
        // A repeated key (two YAML 1.1 spellings of one boolean key): the arena keeps one.
        let mut repeated = plain.clone();
        if let crate::yaml::Value::Map(entries) = &mut repeated.value
            && let Some(first) = entries.first().cloned()
        {
            entries.push(first);
        }
        let once = through_arena(&repeated, &[]);
        assert_eq!(apply(repeated, &[]), once);
        assert_eq!(once.to_json(), chart());
        // Large maps are checked another way: the same answers.
        let wide: serde_json::Map<String, serde_json::Value> =
            (0..40).map(|i| (format!("k{i}"), json!(i))).collect();
        let wide = Node::from_json(&serde_json::Value::Object(wide), Span::default());
        assert_eq!(apply(wide.clone(), &[]), through_arena(&wide, &[]));
        let mut wide_repeated = wide;
        if let crate::yaml::Value::Map(entries) = &mut wide_repeated.value
            && let Some(first) = entries.first().cloned()
        {
            entries.push(first);
        }
        let once = through_arena(&wide_repeated, &[]);
        assert_eq!(apply(wide_repeated, &[]), once);
    }

    fn chart() -> serde_json::Value {
        json!({"a": 0, "sub": {"exports": {"data": {"a": 1, "b": 2}}, "port": 80}})
    }

    #[test]
    fn a_table_is_imported_at_its_parent_and_the_chart_wins() {
        // At the root: keys the chart has stay (a: 0), the others arrive (b: 2).
        assert_eq!(
            run(chart(), &[("sub", "exports.data", ".")]),
            json!({"a": 0, "sub": {"exports": {"data": {"a": 1, "b": 2}}, "port": 80}, "b": 2})
        );
        // Under a dotted parent, fresh maps around it.
        assert_eq!(
            run(chart(), &[("sub", "exports.data", "p.q")]),
            json!({"a": 0, "sub": {"exports": {"data": {"a": 1, "b": 2}}, "port": 80}, "p": {"q": {"a": 1, "b": 2}}})
        );
        // A missing path and a scalar are not tables: nothing is imported.
        for child in ["exports.nothing", "port"] {
            assert_eq!(run(chart(), &[("sub", child, "p")]), chart(), "{child}");
        }
    }

    /// Go maps are shared: two tables imported into one place merge into the first subchart's
    /// own table, which gains the second one's keys (as Helm renders it).
    #[test]
    fn two_imports_into_one_place_share_the_first_table() {
        let merged = json!({"one": {"t": {"x": 1}}, "two": {"t": {"y": 2}}});
        assert_eq!(
            run(merged, &[("one", "t", "both"), ("two", "t", "both")]),
            json!({"one": {"t": {"x": 1, "y": 2}}, "two": {"t": {"y": 2}}, "both": {"x": 1, "y": 2}})
        );
    }
}
