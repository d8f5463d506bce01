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

#[cfg(test)]
mod tests {
    use crate::rules::tests::check;

    /// A NetworkPolicy with `pod_selector` (a flow map) beside a Deployment of pods app: web.
    fn policy(pod_selector: &str) -> String {
        format!(
            "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: np\nspec:\n  podSelector: {pod_selector}\n  policyTypes: [Ingress]\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n"
        )
    }

    fn messages(yaml: &str) -> Vec<String> {
        check(yaml)
            .of("rules/networkpolicy-selects-nothing")
            .iter()
            .map(|d| d.message.clone())
            .collect()
    }

    #[test]
    fn a_policy_selecting_no_pod_and_its_near_misses() {
        // An empty podSelector selects every pod of the namespace.
        for selector in [
            "{}",
            "{matchLabels: {app: web}}",
            "{matchExpressions: [{key: app, operator: In, values: [web]}]}",
        ] {
            assert_eq!(
                messages(&policy(selector)),
                Vec::<String>::new(),
                "{selector}"
            );
        }
        assert_eq!(
            messages(&policy("{matchLabels: {app: wbe}}")),
            vec![
                "NetworkPolicy \"np\" selects no pods: no pod template in namespace \"default\" has app: wbe"
            ]
        );
    }
}
