//! `rules/duplicate-object`: two objects with the same group, kind, namespace and name.
//!
//! ## How it is checked
//! Compares every object of the run by API group, kind, resolved namespace (empty means the
//! release namespace) and name.
//!
//! What the rule is, why it matters and its examples: [`DUPLICATE_OBJECT`] in `src/catalog/rules.rs`
//! (`kforge rules rules/duplicate-object`).

use super::index::Index;
use crate::catalog::rules::DUPLICATE_OBJECT;
use crate::diag::Diagnostic;
use crate::object::Object;
use std::hash::BuildHasher;

/// What makes two objects the same object.
type Key<'a> = (&'a str, &'a str, &'a str, &'a str);

fn key_of<'a>(ix: &Index<'a>, obj: &'a Object) -> Key<'a> {
    let ns = ix.namespace_of(obj).unwrap_or("");
    (obj.group(), obj.kind.as_str(), ns, obj.name.as_str())
}

pub fn check(ix: &Index, out: &mut Vec<Diagnostic>) {
    let objects = ix.objects();
    let key = |obj| key_of(ix, obj);
    let at = |i: usize| objects.get(i).map(key);
    // Each object's key hashed, with its position, sorted: equal keys end up side by side
    // (ties of the hash sorted by the keys themselves), the first object of each run of equal
    // keys first. 16 bytes an object, where a B-tree of the keys took ~100 (issue 19: the
    // tree's nodes were ~30 page faults of the rendered corpus).
    let hasher = kforge_gotpl::track::FxBuild::default();
    let mut hashed: Vec<(u64, usize)> = objects
        .iter()
        .enumerate()
        // generateName objects get a fresh name each time.
        .filter(|(_, obj)| obj.root.path(&["metadata", "name"]).is_some())
        .map(|(i, obj)| (hasher.hash_one(key(obj)), i))
        .collect();
    hashed.sort_unstable_by(|a, b| {
        a.0.cmp(&b.0)
            .then_with(|| at(a.1).cmp(&at(b.1)))
            .then(a.1.cmp(&b.1))
    });
    // (a duplicate, the object first defined with its key), in the run's order.
    let mut twice: Vec<(usize, usize)> = Vec::new();
    let mut first: Option<(u64, usize)> = None;
    for &(hash, i) in &hashed {
        match first {
            Some((h, f)) if h == hash && at(f) == at(i) => twice.push((i, f)),
            _ => first = Some((hash, i)),
        }
    }
    twice.sort_unstable();
    out.reserve(twice.len());
    for (i, f) in twice {
        let (Some(obj), Some(first)) = (objects.get(i), objects.get(f)) else {
            continue;
        };
        let ns = key(obj).2;
        let where_ = if ns.is_empty() {
            String::new()
        } else {
            format!(" in namespace \"{ns}\"")
        };
        out.push(
            Diagnostic::new(
                &DUPLICATE_OBJECT,
                format!("{} \"{}\"{where_} is defined twice", obj.kind, obj.name),
            )
            .at(obj.name_span(), "defined again here")
            .with_label(first.name_span(), "first defined here")
            .with_object(obj.object_ref())
            .with_help("rename one of them, or remove the duplicate"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::tests::check;

    fn messages(yaml: &str) -> Vec<String> {
        check(yaml)
            .of("rules/duplicate-object")
            .iter()
            .map(|d| d.message.clone())
            .collect()
    }

    fn object(api: &str, kind: &str, meta: &str) -> String {
        format!("---\napiVersion: {api}\nkind: {kind}\nmetadata:\n{meta}")
    }

    #[test]
    fn the_same_object_twice_and_its_near_misses() {
        let cm = |meta: &str| object("v1", "ConfigMap", meta);
        // The release namespace ("default") written out or left out is the same place.
        assert_eq!(
            messages(&format!(
                "{}{}",
                cm("  name: a\n"),
                cm("  name: a\n  namespace: default\n")
            )),
            vec!["ConfigMap \"a\" in namespace \"default\" is defined twice"]
        );
        for other in [
            cm("  name: b\n"),
            cm("  name: a\n  namespace: apps\n"),
            object("v1", "Secret", "  name: a\n"),
            cm("  generateName: a\n"),
        ] {
            assert_eq!(
                messages(&format!("{}{other}", cm("  name: a\n"))),
                Vec::<String>::new(),
                "{other}"
            );
        }
        // Two generateName objects are two objects.
        assert_eq!(
            messages(&format!(
                "{}{}",
                cm("  generateName: a-\n"),
                cm("  generateName: a-\n")
            )),
            Vec::<String>::new()
        );
        // A cluster-scoped kind ignores metadata.namespace.
        let role = |ns: &str| {
            object(
                "rbac.authorization.k8s.io/v1",
                "ClusterRole",
                &format!("  name: r\n  namespace: {ns}\n"),
            )
        };
        assert_eq!(
            messages(&format!("{}{}", role("a"), role("b"))),
            vec!["ClusterRole \"r\" is defined twice"]
        );
        // The same kind name in two API groups is two kinds.
        assert_eq!(
            messages(&format!(
                "{}{}",
                object("example.com/v1", "Widget", "  name: w\n"),
                object("other.example/v1", "Widget", "  name: w\n")
            )),
            Vec::<String>::new()
        );
    }
}
