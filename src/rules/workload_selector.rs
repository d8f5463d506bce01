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

#[cfg(test)]
mod tests {
    use crate::rules::tests::check;

    fn messages(yaml: &str) -> Vec<String> {
        check(yaml)
            .of("rules/workload-selector")
            .iter()
            .map(|d| d.message.clone())
            .collect()
    }

    /// A ReplicationController's selector is a plain map, not a LabelSelector.
    fn replication_controller(label: &str) -> String {
        format!(
            "apiVersion: v1\nkind: ReplicationController\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  template:\n    metadata:\n      labels:\n        app: {label}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n"
        )
    }

    fn job(manual_selector: &str, label: &str) -> String {
        format!(
            "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\nspec:\n{manual_selector}  selector:\n    matchLabels:\n      app: migrate\n  template:\n    metadata:\n      labels:\n        app: {label}\n    spec:\n      restartPolicy: Never\n      containers:\n        - name: migrate\n          image: busybox:1.36\n"
        )
    }

    #[test]
    fn replication_controller_selector_is_a_map() {
        assert!(messages(&replication_controller("web")).is_empty());
        assert_eq!(
            messages(&replication_controller("wbe")),
            vec![
                "ReplicationController \"web\" is invalid: spec.template.metadata.labels: Invalid value: {\"app\":\"wbe\"}: `selector` does not match template `labels`"
                    .to_string()
            ]
        );
    }

    /// Only a Job with `manualSelector: true` carries its own selector; otherwise the Job
    /// controller generates it and a stray selector is not compared.
    #[test]
    fn job_selector_counts_only_with_manual_selector() {
        assert_eq!(
            messages(&job("  manualSelector: true\n", "migrat")),
            vec![
                "Job \"migrate\" is invalid: spec.template.metadata.labels: Invalid value: {\"app\":\"migrat\"}: `selector` does not match template `labels`"
                    .to_string()
            ]
        );
        assert!(messages(&job("  manualSelector: true\n", "migrate")).is_empty());
        assert!(messages(&job("  manualSelector: false\n", "migrat")).is_empty());
        assert!(messages(&job("", "migrat")).is_empty());
    }

    /// A `kind` "web" with `selector` (a flow map) and pod labels `labels` (a flow map).
    fn workload(kind: &str, selector: &str, labels: &str) -> String {
        format!(
            "apiVersion: apps/v1\nkind: {kind}\nmetadata:\n  name: web\nspec:\n  serviceName: web\n  selector: {selector}\n  template:\n    metadata:\n      labels: {labels}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n"
        )
    }

    /// (message, secondary labels) of each finding.
    fn findings(yaml: &str) -> Vec<(String, Vec<String>)> {
        check(yaml)
            .of("rules/workload-selector")
            .iter()
            .map(|d| {
                (
                    d.message.clone(),
                    d.secondary.iter().map(|l| l.message.clone()).collect(),
                )
            })
            .collect()
    }

    #[test]
    fn every_workload_kind_compares_its_selector() {
        for kind in ["Deployment", "ReplicaSet", "StatefulSet", "DaemonSet"] {
            assert_eq!(
                findings(&workload(
                    kind,
                    "{matchLabels: {app: web}}",
                    "{app: web, tier: fe}"
                )),
                vec![],
                "{kind}"
            );
            assert_eq!(
                findings(&workload(kind, "{matchLabels: {app: web}}", "{app: wbe}")),
                vec![(
                    format!(
                        "{kind} \"web\" is invalid: spec.template.metadata.labels: Invalid value: {{\"app\":\"wbe\"}}: `selector` does not match template `labels`"
                    ),
                    vec!["the pod template has app: wbe".to_string()]
                )],
                "{kind}"
            );
        }
        // A kind without a selector of its own is not compared.
        let pod_template = workload("Deployment", "{matchLabels: {app: web}}", "{app: wbe}")
            .replace("kind: Deployment", "kind: PodTemplate");
        assert_eq!(findings(&pod_template), vec![]);
    }

    #[test]
    fn expressions_and_a_missing_label() {
        let sel = |expr: &str| format!("{{matchExpressions: [{expr}]}}");
        for (expr, labels) in [
            (
                "{key: tier, operator: In, values: [fe, be]}",
                "{app: web, tier: be}",
            ),
            ("{key: tier, operator: NotIn, values: [db]}", "{app: web}"),
            ("{key: app, operator: Exists}", "{app: web}"),
            ("{key: tier, operator: DoesNotExist}", "{app: web}"),
        ] {
            assert_eq!(
                findings(&workload("Deployment", &sel(expr), labels)),
                vec![],
                "{expr}"
            );
        }
        // The requirement that fails is the one pointed at, and the label it lacks is named.
        let (message, labels) = findings(&workload(
            "Deployment",
            "{matchLabels: {app: web}, matchExpressions: [{key: tier, operator: Exists}]}",
            "{app: web}",
        ))
        .pop()
        .unwrap();
        assert!(
            message.starts_with("Deployment \"web\" is invalid"),
            "{message}"
        );
        assert_eq!(
            labels,
            vec!["the pod template has no label tier".to_string()]
        );
        // An empty selector is the API server's business (it refuses it), not this rule's.
        assert_eq!(
            findings(&workload("Deployment", "{}", "{app: web}")),
            vec![]
        );
    }
}
