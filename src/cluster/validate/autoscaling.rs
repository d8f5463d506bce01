//! autoscaling: HorizontalPodAutoscaler.

use crate::cluster::field::{Errors, FieldPath};
use crate::yaml::Node;

pub fn hpa(root: &Node, e: &mut Errors) {
    let sp = FieldPath::of("spec");
    let Some(spec) = root.get("spec") else {
        e.required(&sp.key("scaleTargetRef").key("kind"), "");
        return;
    };
    let min = spec.get("minReplicas").filter(|n| !n.is_null());
    if let Some(m) = min
        && m.as_i64().is_some_and(|v| v < 1)
    {
        e.invalid_node(
            &sp.key("minReplicas"),
            m,
            "must be greater than or equal to 1",
        );
    }
    match spec.get("maxReplicas") {
        None => e.invalid(&sp.key("maxReplicas"), "0", "must be greater than 0"),
        Some(max) => {
            let v = max.as_i64().unwrap_or(1);
            if v < 1 {
                e.invalid_node(&sp.key("maxReplicas"), max, "must be greater than 0");
            } else if min.and_then(Node::as_i64).is_some_and(|m| v < m) {
                e.invalid_node(
                    &sp.key("maxReplicas"),
                    max,
                    "must be greater than or equal to `minReplicas`",
                );
            }
        }
    }
    let rp = sp.key("scaleTargetRef");
    for key in ["kind", "name"] {
        if spec
            .path(&["scaleTargetRef", key])
            .and_then(Node::as_str)
            .is_none_or(str::is_empty)
        {
            e.required(&rp.key(key), "");
        }
    }
}
