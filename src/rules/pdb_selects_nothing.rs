//! `rules/pdb-selects-nothing`: a PodDisruptionBudget's selector matches no pod template.
//!
//! ## How it is checked
//! Compares `spec.selector` of each PodDisruptionBudget with the pod templates of its namespace,
//! explaining a miss the way `rules/service-selects-nothing` does (typo, run-time labels, pods
//! made by an operator, namespaces where the run makes no pods).
//!
//! What the rule is, why it matters and its examples: [`PDB_SELECTS_NOTHING`] in `src/catalog/rules.rs`
//! (`kforge rules rules/pdb-selects-nothing`).

use super::index::Index;
use super::selector::{self, Selector};
use super::service_selects_nothing::selects_nothing;
use crate::catalog::rules::PDB_SELECTS_NOTHING;
use crate::diag::Diagnostic;

pub fn check(ix: &Index, out: &mut Vec<Diagnostic>) {
    for pdb in ix.of_kind("PodDisruptionBudget") {
        let Some(node) = pdb.root.path(&["spec", "selector"]) else {
            continue;
        };
        let sel = Selector::from_label_selector(node);
        let ns = ix.ns(pdb);
        if sel.is_empty() || !selector::selected(ix, ns, &sel).is_empty() {
            continue;
        }
        if let Some(d) = selects_nothing(ix, pdb, ns, &sel, &PDB_SELECTS_NOTHING) {
            out.push(d.with_object(pdb.object_ref()));
        }
    }
}
