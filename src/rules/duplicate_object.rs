//! `rules/duplicate-object`: two objects with the same group, kind, namespace and name.
//!
//! ## What it does
//! Compares every object of the run by API group, kind, resolved namespace (empty means the
//! release namespace) and name.
//!
//! ## Why is this bad?
//! Only one object can have that identity: Helm refuses the release, and `kubectl apply` lets
//! the later document silently overwrite the earlier one.
//!
//! ## Example
//! Two ConfigMaps named `settings` in the same namespace.
//!
//! ## Use instead
//! Distinct names, or one object.

use super::index::Index;
use crate::diag::{Diagnostic, Rule, Severity};
use crate::object::Object;
use std::collections::BTreeMap;

pub static DUPLICATE_OBJECT: Rule = Rule {
    id: "rules/duplicate-object",
    severity: Severity::Error,
    default_enabled: true,
    summary: "Two objects have the same group, kind, namespace and name",
    rationale: "An object is identified by group, kind, namespace and name. Helm refuses a release \
                with two of the same identity, and kubectl apply silently keeps only the last one.",
    failing: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: \"1\"\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  b: \"2\"\n",
    passing: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: \"1\"\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings-b\ndata:\n  b: \"2\"\n",
};

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
