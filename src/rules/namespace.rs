//! `rules/namespace`: a namespaced object in a namespace nothing creates.
//!
//! ## How it is checked
//! Every namespaced object lands in its `metadata.namespace` (or the release namespace). That
//! namespace must be created by the run (a `Namespace` object), be the release namespace, be
//! one every cluster has (`default`, `kube-system`, `kube-public`, `kube-node-lease`), or be
//! listed under `assume-namespaces` in `.kforge.yaml`. Otherwise a warning (an error with
//! `--strict`): the namespace may already exist.
//!
//! What the rule is, why it matters and its examples: [`NAMESPACE`] in `src/catalog/rules.rs`
//! (`kforge rules rules/namespace`).

use super::index::Index;
use crate::catalog::rules::NAMESPACE;
use crate::diag::Diagnostic;
use crate::yaml::Node;
use std::collections::{BTreeMap, BTreeSet};

const ALWAYS_THERE: &[&str] = &["default", "kube-system", "kube-public", "kube-node-lease"];

pub fn check(ix: &Index, out: &mut Vec<Diagnostic>) {
    let created: BTreeSet<&str> = ix.of_kind("Namespace").map(|o| o.name.as_str()).collect();
    let config = ix.ctx.config;
    // One finding per namespace, at its first use; later uses are labels.
    let mut missing: BTreeMap<&str, Vec<&crate::object::Object>> = BTreeMap::new();
    for obj in ix.objects() {
        if ix.cluster_scoped(obj) != Some(false) {
            continue;
        }
        let Some(ns) = obj.namespace.as_deref() else {
            continue;
        };
        if ns == ix.ctx.release_namespace
            || ALWAYS_THERE.contains(&ns)
            || created.contains(ns)
            || config.assume_namespaces.iter().any(|n| n == ns)
        {
            continue;
        }
        missing.entry(ns).or_default().push(obj);
    }
    for (ns, objects) in missing {
        let Some(first) = objects.first() else {
            continue;
        };
        let site = |o: &crate::object::Object| {
            o.root
                .path(&["metadata", "namespace"])
                .map(Node::site)
                .unwrap_or(o.name_span())
        };
        let mut d = Diagnostic::new(
            &NAMESPACE,
            format!(
                "{} \"{}\" is in namespace \"{ns}\", which the run does not create",
                first.kind, first.name
            ),
        )
        .with_severity(super::may_pre_exist(ix.ctx))
        .at(
            site(first),
            format!("namespace \"{ns}\" is not created by the run"),
        )
        .with_object(first.object_ref())
        .with_note(format!(
            "the API server refuses it unless namespace \"{ns}\" already exists"
        ));
        if objects.len() > 1 {
            d = d.with_note(format!(
                "{} more objects of the run use namespace \"{ns}\"",
                objects.len() - 1
            ));
        }
        out.push(d.with_help(format!(
            "add a Namespace \"{ns}\" to the run, or list it under assume-namespaces in .kforge.yaml"
        )));
    }
}
