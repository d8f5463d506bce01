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
