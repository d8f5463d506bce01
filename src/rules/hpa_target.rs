//! `rules/hpa-target`: a HorizontalPodAutoscaler scales an object the run does not create.
//!
//! ## How it is checked
//! Looks up `spec.scaleTargetRef` (kind and name) in the autoscaler's namespace. A missing target
//! is a warning (it may already exist; an error with `--strict`). A resource metric on CPU or
//! memory `Utilization` whose target's containers set no request for it is a warning too.
//!
//! What the rule is, why it matters and its examples: [`HPA_TARGET`] in `src/catalog/rules.rs`
//! (`kforge rules rules/hpa-target`).

use super::index::Index;
use crate::catalog::rules::HPA_TARGET;
use crate::diag::{Diagnostic, did_you_mean};
use crate::yaml::Node;

pub fn check(ix: &Index, out: &mut Vec<Diagnostic>) {
    for hpa in ix.of_kind("HorizontalPodAutoscaler") {
        let Some(target) = hpa.root.path(&["spec", "scaleTargetRef"]) else {
            continue;
        };
        let (Some(kind), Some(name_node)) = (
            target.get("kind").and_then(Node::as_str),
            target.get("name"),
        ) else {
            continue;
        };
        let Some(name) = name_node.as_str() else {
            continue;
        };
        let ns = ix.ns(hpa);
        let Some(obj) = ix.get(kind, ns, name) else {
            if ix.ctx.config.assumes(kind, Some(ns), name) {
                continue;
            }
            let others: Vec<&str> = ix
                .of_kind(kind)
                .filter(|o| ix.ns(o) == ns)
                .map(|o| o.name.as_str())
                .collect();
            let help = match did_you_mean(name, others.iter().copied()) {
                Some(n) => format!("did you mean {kind} \"{n}\"?"),
                None => format!(
                    "point scaleTargetRef at a {kind} of the run, or list it under assume-exists in .kforge.yaml"
                ),
            };
            out.push(
                Diagnostic::new(
                    &HPA_TARGET,
                    format!(
                        "HorizontalPodAutoscaler \"{}\" scales {kind} \"{name}\", which the run does not create",
                        hpa.name
                    ),
                )
                .with_severity(super::may_pre_exist(ix.ctx))
                .at(name_node.site(), format!("no {kind} \"{name}\" in namespace \"{ns}\""))
                .with_object(hpa.object_ref())
                .with_note("the target may already exist in the cluster")
                .with_help(help),
            );
            continue;
        };
        let Some(t) = ix.templates.iter().find(|t| std::ptr::eq(t.owner, obj)) else {
            continue;
        };
        for metric in hpa
            .root
            .path(&["spec", "metrics"])
            .and_then(Node::as_seq)
            .unwrap_or(&[])
        {
            let Some(res) = metric.get("resource") else {
                continue;
            };
            let Some(resource) = res.get("name").and_then(Node::as_str) else {
                continue;
            };
            let utilization = res.path(&["target", "type"]).and_then(Node::as_str)
                == Some("Utilization")
                || res.get("targetAverageUtilization").is_some();
            if !utilization {
                continue;
            }
            let lacking: Vec<&str> = t
                .containers
                .iter()
                .filter(|c| !c.init)
                .filter(|c| c.node.path(&["resources", "requests", resource]).is_none())
                .map(|c| c.name)
                .collect();
            if lacking.is_empty() {
                continue;
            }
            let site = res.get("name").map(Node::site).unwrap_or(res.site());
            let mut d = Diagnostic::new(
                &HPA_TARGET,
                format!(
                    "HorizontalPodAutoscaler \"{}\" scales on {resource} utilization, but container \"{}\" of {} requests no {resource}",
                    hpa.name,
                    lacking.join("\", \""),
                    t.owner_name()
                ),
            )
            .at(site, format!("utilization is measured against the {resource} request"))
            .with_object(hpa.object_ref());
            for c in t.containers.iter().filter(|c| lacking.contains(&c.name)) {
                d = d.with_label(
                    c.site(),
                    format!(
                        "container \"{}\" has no resources.requests.{resource}",
                        c.name
                    ),
                );
            }
            out.push(d.with_help(format!(
                "set resources.requests.{resource} on every container of {}",
                t.owner_name()
            )));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::tests::check;

    /// A Deployment "web" with an init container and an app container `requests` (a flow map,
    /// or empty for none), and an HPA on `target` with `metric` (a flow map).
    fn scaled(target: &str, requests: &str, metric: &str) -> String {
        let resources = if requests.is_empty() {
            String::new()
        } else {
            format!("          resources: {{requests: {requests}}}\n")
        };
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      initContainers:\n        - name: init\n          image: busybox:1.36\n      containers:\n        - name: web\n          image: nginx:1.27\n{resources}---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\nspec:\n  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n    name: {target}\n  minReplicas: 1\n  maxReplicas: 3\n  metrics:\n    - type: Resource\n      resource: {metric}\n"
        )
    }

    fn findings(yaml: &str) -> Vec<(String, String)> {
        check(yaml)
            .of("rules/hpa-target")
            .iter()
            .map(|d| (d.message.clone(), d.help.clone().unwrap_or_default()))
            .collect()
    }

    const CPU: &str = "{name: cpu, target: {type: Utilization, averageUtilization: 80}}";

    #[test]
    fn utilization_needs_the_request_on_every_app_container() {
        assert_eq!(
            findings(&scaled("web", "", CPU)),
            vec![(
                "HorizontalPodAutoscaler \"web\" scales on cpu utilization, but container \"web\" of Deployment \"web\" requests no cpu".to_string(),
                "set resources.requests.cpu on every container of Deployment \"web\"".to_string()
            )]
        );
        // The init container needs no request; a request of the other resource does not count.
        assert_eq!(findings(&scaled("web", "{cpu: 100m}", CPU)), vec![]);
        assert_eq!(findings(&scaled("web", "{memory: 64Mi}", CPU)).len(), 1);
        // The autoscaling/v2beta1 spelling is utilization too.
        assert_eq!(
            findings(&scaled(
                "web",
                "",
                "{name: cpu, targetAverageUtilization: 80}"
            ))
            .len(),
            1
        );
        // Other target types are not measured against the request.
        for metric in [
            "{name: cpu, target: {type: AverageValue, averageValue: 500m}}",
            "{name: cpu}",
        ] {
            assert_eq!(findings(&scaled("web", "", metric)), vec![], "{metric}");
        }
    }

    #[test]
    fn the_target_must_be_in_the_run() {
        assert_eq!(
            findings(&scaled("webb", "{cpu: 100m}", CPU)),
            vec![(
                "HorizontalPodAutoscaler \"web\" scales Deployment \"webb\", which the run does not create".to_string(),
                "did you mean Deployment \"web\"?".to_string()
            )]
        );
        assert_eq!(
            findings(&scaled("api-server", "{cpu: 100m}", CPU)),
            vec![(
                "HorizontalPodAutoscaler \"web\" scales Deployment \"api-server\", which the run does not create".to_string(),
                "point scaleTargetRef at a Deployment of the run, or list it under assume-exists in .kforge.yaml".to_string()
            )]
        );
    }
}
