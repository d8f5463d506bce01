//! `rules/workload-selector`: a workload's selector does not select its own pod template.
//!
//! ## How it is checked
//! Checks that the `spec.selector` of a Deployment, ReplicaSet, StatefulSet or DaemonSet (and
//! of a Job with `manualSelector: true`, and a ReplicationController's map selector) matches the
//! labels of its own pod template, `matchLabels` and `matchExpressions` alike.
//!
//! What the rule is, why it matters and its examples: [`WORKLOAD_SELECTOR`] in `src/catalog/rules.rs`
//! (`kforge rules rules/workload-selector`).

use super::index::Index;
use super::selector::Selector;
use crate::catalog::rules::WORKLOAD_SELECTOR;
use crate::diag::Diagnostic;
use crate::yaml::Node;

pub fn check(ix: &Index, out: &mut Vec<Diagnostic>) {
    for t in &ix.templates {
        let owner = t.owner;
        let spec = owner.root.get("spec");
        let selector = match owner.kind.as_str() {
            "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet" => spec
                .and_then(|s| s.get("selector"))
                .map(Selector::from_label_selector),
            "Job"
                if spec
                    .and_then(|s| s.get("manualSelector"))
                    .and_then(Node::as_bool)
                    == Some(true) =>
            {
                spec.and_then(|s| s.get("selector"))
                    .map(Selector::from_label_selector)
            }
            "ReplicationController" => spec.and_then(|s| s.get("selector")).map(Selector::from_map),
            _ => None,
        };
        let Some(selector) = selector else { continue };
        if selector.is_empty() || selector.matches(&t.labels) {
            continue;
        }
        let Some(failed) = selector.requirements.iter().find(|r| !r.matches(&t.labels)) else {
            continue;
        };
        let labels_json: Vec<String> = t
            .labels
            .iter()
            .map(|l| format!("{:?}:{:?}", l.key, l.value))
            .collect();
        let mut d = Diagnostic::new(
            &WORKLOAD_SELECTOR,
            format!(
                "{} \"{}\" is invalid: spec.template.metadata.labels: Invalid value: {{{}}}: `selector` does not match template `labels`",
                owner.kind,
                owner.name,
                labels_json.join(",")
            ),
        )
        .at(failed.site, format!("selector requires {}", failed.describe()))
        .with_object(owner.object_ref());
        d = match t.label(failed.key) {
            Some(l) => d.with_label(
                l.value_node.site(),
                format!("the pod template has {}: {}", l.key, l.value),
            ),
            None => d.with_label(
                t.labels_site(),
                format!("the pod template has no label {}", failed.key),
            ),
        };
        out.push(d.with_help("make every selector requirement hold for spec.template.metadata.labels (the selector is immutable once created)"));
    }
}
