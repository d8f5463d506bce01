//! `rules/statefulset-service`: a StatefulSet's serviceName names no headless Service selecting
//! its pods.
//!
//! ## What it does
//! Looks up `spec.serviceName` in the StatefulSet's namespace: the Service should be in the run
//! (else a warning: it may already exist; an error with `--strict`), headless
//! (`clusterIP: None`) and select the StatefulSet's pods.
//!
//! ## Why is this bad?
//! The governing Service gives each pod its stable DNS name (`web-0.web.ns.svc`). Without it,
//! or when it is not headless or selects other pods, peers cannot find each other by name.
//!
//! ## Example
//! ```yaml
//! serviceName: web-headless   # no such Service
//! ```
//!
//! ## Use instead
//! A headless Service `web-headless` (`clusterIP: None`) selecting the StatefulSet's pods.

use super::index::Index;
use super::service_selects_nothing::service_selector;
use crate::diag::{Diagnostic, Rule, Severity};
use crate::yaml::Node;

pub static STATEFULSET_SERVICE: Rule = Rule {
    id: "rules/statefulset-service",
    severity: Severity::Warning,
    default_enabled: true,
    summary: "A StatefulSet's serviceName names no headless Service selecting its pods",
    rationale: "A StatefulSet's pods get stable DNS names through its governing Service, which \
                must be headless and select them. Clustered databases and brokers find their peers \
                by those names and fail to form a cluster without them.",
    failing: "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\nspec:\n  serviceName: db-headless\n  selector:\n    matchLabels:\n      app: db\n  template:\n    metadata:\n      labels:\n        app: db\n    spec:\n      containers:\n        - name: db\n          image: postgres:17\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: db-headless\nspec:\n  selector:\n    app: db\n  ports:\n    - port: 5432\n",
    passing: "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\nspec:\n  serviceName: db-headless\n  selector:\n    matchLabels:\n      app: db\n  template:\n    metadata:\n      labels:\n        app: db\n    spec:\n      containers:\n        - name: db\n          image: postgres:17\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: db-headless\nspec:\n  clusterIP: None\n  selector:\n    app: db\n  ports:\n    - port: 5432\n",
};

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
