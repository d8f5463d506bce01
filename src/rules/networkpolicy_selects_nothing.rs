//! `rules/networkpolicy-selects-nothing`: a NetworkPolicy's podSelector matches no pod template.
//!
//! ## How it is checked
//! Compares a non-empty `spec.podSelector` with the pod templates of the policy's namespace,
//! explaining a miss the way `rules/service-selects-nothing` does. An empty podSelector selects
//! every pod of the namespace and is never flagged.
//!
//! What the rule is, why it matters and its examples: [`NETWORKPOLICY_SELECTS_NOTHING`] in `src/catalog/rules.rs`
//! (`kforge rules rules/networkpolicy-selects-nothing`).

use super::index::Index;
use super::selector::{self, Selector};
use super::service_selects_nothing::selects_nothing;
use crate::catalog::rules::NETWORKPOLICY_SELECTS_NOTHING;
use crate::diag::Diagnostic;

pub fn check(ix: &Index, out: &mut Vec<Diagnostic>) {
    for np in ix.of_kind("NetworkPolicy") {
        let Some(node) = np.root.path(&["spec", "podSelector"]) else {
            continue;
        };
        let sel = Selector::from_label_selector(node);
        let ns = ix.ns(np);
        if sel.is_empty() || !selector::selected(ix, ns, &sel).is_empty() {
            continue;
        }
        if let Some(d) = selects_nothing(ix, np, ns, &sel, &NETWORKPOLICY_SELECTS_NOTHING) {
            out.push(d.with_object(np.object_ref()));
        }
    }
}
