//! `rules/statefulset-service`: a StatefulSet's serviceName names no headless Service selecting
//! its pods.
//!
//! ## How it is checked
//! Looks up `spec.serviceName` in the StatefulSet's namespace: the Service should be in the run
//! (else a warning: it may already exist; an error with `--strict`), headless
//! (`clusterIP: None`) and select the StatefulSet's pods.
//!
//! What the rule is, why it matters and its examples: [`STATEFULSET_SERVICE`] in `src/catalog/rules.rs`
//! (`kforge rules rules/statefulset-service`).

use super::index::Index;
use super::service_selects_nothing::service_selector;
use crate::catalog::rules::STATEFULSET_SERVICE;
use crate::diag::Diagnostic;
use crate::yaml::Node;

pub fn check(ix: &Index, out: &mut Vec<Diagnostic>) {
    for t in ix
        .templates
        .iter()
        .filter(|t| t.owner.kind == "StatefulSet")
    {
        let sts = t.owner;
        let Some(name_node) = sts.root.path(&["spec", "serviceName"]) else {
            continue;
        };
        let Some(name) = name_node.as_str().filter(|n| !n.is_empty()) else {
            continue;
        };
        let ns = t.namespace;
        let base =
            |msg: String| Diagnostic::new(&STATEFULSET_SERVICE, msg).with_object(sts.object_ref());
        let Some(svc) = ix.get("Service", ns, name) else {
            if ix.ctx.config.assumes("Service", Some(ns), name) {
                continue;
            }
            out.push(
                base(format!(
                    "StatefulSet \"{}\" is governed by Service \"{name}\", which the run does not create",
                    sts.name
                ))
                .with_severity(super::may_pre_exist(ix.ctx))
                .at(name_node.site(), format!("no Service \"{name}\" in namespace \"{ns}\""))
                .with_note("the Service may already exist in the cluster; without it the pods get no stable DNS names")
                .with_help(format!(
                    "add a headless Service \"{name}\" (clusterIP: None) selecting the StatefulSet's pods"
                )),
            );
            continue;
        };
        let cluster_ip = svc.root.path(&["spec", "clusterIP"]);
        if cluster_ip.and_then(Node::as_str) != Some("None") {
            let mut d = base(format!(
                "StatefulSet \"{}\" is governed by Service \"{name}\", which is not headless",
                sts.name
            ))
            .at(
                name_node.site(),
                format!("Service \"{name}\" is not headless"),
            );
            d = match cluster_ip {
                Some(ip) => d.with_label(ip.site(), "a headless Service has clusterIP: None"),
                None => d.with_label(
                    svc.name_span(),
                    format!("Service \"{name}\" has no clusterIP: None"),
                ),
            };
            out.push(d.with_help(format!(
                "set clusterIP: None on Service \"{name}\", or govern the StatefulSet with a headless Service"
            )));
            continue;
        }
        if let Some(sel) = service_selector(svc)
            && !sel.matches_template(t)
        {
            out.push(
                base(format!(
                    "StatefulSet \"{}\" is governed by Service \"{name}\", which does not select its pods",
                    sts.name
                ))
                .at(name_node.site(), format!("Service \"{name}\" selects {}", sel.describe()))
                .with_label(sel.node.site(), "this selector does not match the StatefulSet's pod labels")
                .with_label(t.labels_site(), "the StatefulSet's pod labels")
                .with_help("make the Service's selector a subset of the StatefulSet's pod template labels"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::diag::Severity;
    use crate::rules::tests::check;

    /// A StatefulSet "db" (pods labelled app: db) governed by `service_name`, then `service`.
    fn statefulset(service_name: &str, service: &str) -> String {
        format!(
            "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\nspec:\n  serviceName: {service_name}\n  selector:\n    matchLabels:\n      app: db\n  template:\n    metadata:\n      labels:\n        app: db\n    spec:\n      containers:\n        - name: db\n          image: postgres:17\n{service}"
        )
    }

    fn service(spec: &str) -> String {
        format!(
            "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: db-hl\nspec:\n{spec}  ports:\n    - port: 5432\n"
        )
    }

    fn findings(yaml: &str) -> Vec<(Severity, String, Vec<String>)> {
        check(yaml)
            .of("rules/statefulset-service")
            .iter()
            .map(|d| {
                (
                    d.severity,
                    d.message.clone(),
                    d.secondary.iter().map(|l| l.message.clone()).collect(),
                )
            })
            .collect()
    }

    #[test]
    fn the_governing_service_is_headless_and_selects_the_pods() {
        let headless = "  clusterIP: None\n  selector: {app: db}\n";
        assert_eq!(findings(&statefulset("db-hl", &service(headless))), vec![]);
        // A headless Service without a selector (endpoints managed by hand) is not compared.
        assert_eq!(
            findings(&statefulset("db-hl", &service("  clusterIP: None\n"))),
            vec![]
        );
        // No serviceName to check.
        assert_eq!(findings(&statefulset("''", "")), vec![]);
        assert_eq!(
            findings(&statefulset("db-hl", "")),
            vec![(
                Severity::Warning,
                "StatefulSet \"db\" is governed by Service \"db-hl\", which the run does not create".to_string(),
                vec![]
            )]
        );
        let not_headless =
            "StatefulSet \"db\" is governed by Service \"db-hl\", which is not headless";
        assert_eq!(
            findings(&statefulset(
                "db-hl",
                &service("  clusterIP: 10.96.0.10\n  selector: {app: db}\n")
            )),
            vec![(
                Severity::Warning,
                not_headless.to_string(),
                vec!["a headless Service has clusterIP: None".to_string()]
            )]
        );
        assert_eq!(
            findings(&statefulset("db-hl", &service("  selector: {app: db}\n"))),
            vec![(
                Severity::Warning,
                not_headless.to_string(),
                vec!["Service \"db-hl\" has no clusterIP: None".to_string()]
            )]
        );
        assert_eq!(
            findings(&statefulset("db-hl", &service("  clusterIP: None\n  selector: {app: pg}\n"))),
            vec![(
                Severity::Warning,
                "StatefulSet \"db\" is governed by Service \"db-hl\", which does not select its pods".to_string(),
                vec![
                    "this selector does not match the StatefulSet's pod labels".to_string(),
                    "the StatefulSet's pod labels".to_string()
                ]
            )]
        );
    }
}
