//! `rules/networkpolicy-selects-nothing`: a NetworkPolicy's podSelector matches no pod template.
//!
//! ## What it does
//! Compares a non-empty `spec.podSelector` with the pod templates of the policy's namespace,
//! explaining a miss the way `rules/service-selects-nothing` does. An empty podSelector selects
//! every pod of the namespace and is never flagged.
//!
//! ## Why is this bad?
//! A policy that selects no pod isolates nothing: the traffic it was meant to restrict (or
//! allow) is unaffected.
//!
//! ## Example
//! ```yaml
//! podSelector: {matchLabels: {app: wbe}}   # the pods have app: web
//! ```
//!
//! ## Use instead
//! ```yaml
//! podSelector: {matchLabels: {app: web}}
//! ```

use super::index::Index;
use super::selector::{self, Selector};
use super::service_selects_nothing::selects_nothing;
use crate::diag::{Diagnostic, Rule, Severity};

pub static NETWORKPOLICY_SELECTS_NOTHING: Rule = Rule {
    id: "rules/networkpolicy-selects-nothing",
    severity: Severity::Warning,
    default_enabled: true,
    summary: "A NetworkPolicy's podSelector matches no pod template in its namespace",
    rationale: "A NetworkPolicy applies only to the pods its podSelector selects. One that selects \
                nothing leaves the pods it was written for unprotected (or, for allow rules, \
                still blocked by another policy), without any error.",
    failing: "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: web\nspec:\n  podSelector:\n    matchLabels:\n      app: wbe\n  policyTypes:\n    - Ingress\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n",
    passing: "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: web\nspec:\n  podSelector:\n    matchLabels:\n      app: web\n  policyTypes:\n    - Ingress\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n",
};

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
