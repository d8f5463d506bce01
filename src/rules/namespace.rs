//! `rules/namespace`: a namespaced object in a namespace nothing creates.
//!
//! ## What it does
//! Every namespaced object lands in its `metadata.namespace` (or the release namespace). That
//! namespace must be created by the run (a `Namespace` object), be the release namespace, be
//! one every cluster has (`default`, `kube-system`, `kube-public`, `kube-node-lease`), or be
//! listed under `assume-namespaces` in `.kforge.yaml`. Otherwise a warning (an error with
//! `--strict`): the namespace may already exist.
//!
//! ## Why is this bad?
//! The API server refuses objects in a namespace that does not exist: `namespaces "x" not found`.
//!
//! ## Example
//! A ConfigMap in namespace `monitoring` when nothing creates `monitoring`.
//!
//! ## Use instead
//! Add a `Namespace` object, or list the namespace under `assume-namespaces`.

use super::index::Index;
use crate::diag::{Diagnostic, Rule, Severity};
use crate::yaml::Node;
use std::collections::{BTreeMap, BTreeSet};

pub static NAMESPACE: Rule = Rule {
    id: "rules/namespace",
    severity: Severity::Warning,
    default_enabled: true,
    summary: "A namespaced object lands in a namespace neither created by the run nor assumed to exist",
    rationale: "The API server refuses to create an object in a namespace that does not exist \
                (namespaces \"x\" not found). The namespace may exist in the cluster already, so \
                this is a warning unless --strict.",
    failing: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: monitoring\n",
    passing: "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: monitoring\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: monitoring\n",
};

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
