//! `rules/pdb-selects-nothing`: a PodDisruptionBudget's selector matches no pod template.
//!
//! ## What it does
//! Compares `spec.selector` of each PodDisruptionBudget with the pod templates of its namespace,
//! explaining a miss the way `rules/service-selects-nothing` does (typo, run-time labels, pods
//! made by an operator, namespaces where the run makes no pods).
//!
//! ## Why is this bad?
//! A budget that selects nothing protects nothing: a node drain evicts every replica at once.
//!
//! ## Example
//! ```yaml
//! selector: {matchLabels: {app: wbe}}   # the pods have app: web
//! ```
//!
//! ## Use instead
//! ```yaml
//! selector: {matchLabels: {app: web}}
//! ```

use super::index::Index;
use super::selector::{self, Selector};
use super::service_selects_nothing::selects_nothing;
use crate::diag::{Diagnostic, Rule, Severity};

pub static PDB_SELECTS_NOTHING: Rule = Rule {
    id: "rules/pdb-selects-nothing",
    severity: Severity::Warning,
    default_enabled: true,
    summary: "A PodDisruptionBudget's selector matches no pod template in its namespace",
    rationale: "A disruption budget only protects the pods it selects. One that selects nothing \
                lets a node drain or cluster upgrade evict every replica at once; the mistake is \
                silent until then.",
    failing: "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: web\nspec:\n  minAvailable: 1\n  selector:\n    matchLabels:\n      app: wbe\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n",
    passing: "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: web\nspec:\n  minAvailable: 1\n  selector:\n    matchLabels:\n      app: web\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n",
};

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
