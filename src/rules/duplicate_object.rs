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
use std::collections::BTreeMap;

pub fn check(ix: &Index, out: &mut Vec<Diagnostic>) {
    let mut seen: BTreeMap<(&str, &str, &str, &str), &Object> = BTreeMap::new();
    for obj in ix.objects() {
        // generateName objects get a fresh name each time.
        if obj.root.path(&["metadata", "name"]).is_none() {
            continue;
        }
        let ns = ix.namespace_of(obj).unwrap_or("");
        match seen.get(&(obj.group(), obj.kind.as_str(), ns, obj.name.as_str())) {
            Some(first) => {
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
            None => {
                seen.insert((obj.group(), obj.kind.as_str(), ns, obj.name.as_str()), obj);
            }
        }
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
