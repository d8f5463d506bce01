//! ObjectMeta checks (`apimachinery/pkg/api/validation/objectmeta.go`): names per kind,
//! namespace, label and annotation syntax, the annotation size limit.

use crate::cluster::field::{Errors, FieldPath};
use crate::cluster::names;
use crate::object::Object;
use crate::yaml::Node;

/// `TotalAnnotationSizeLimitB`.
const ANNOTATIONS_LIMIT: usize = 256 * (1 << 10);

type NameCheck = fn(&str) -> Vec<String>;

/// How the API server validates `metadata.name` for a kind (builtin kinds only).
pub fn name_check(group: &str, kind: &str) -> Option<NameCheck> {
    Some(match (group, kind) {
        ("", "Service") => names::dns1035_label,
        ("", "Namespace") | ("apps", "StatefulSet") => names::dns1123_label,
        ("rbac.authorization.k8s.io", _) => names::path_segment,
        _ if crate::object::builtin_cluster_scoped(group, kind).is_some() => {
            names::dns1123_subdomain
        }
        _ => names::path_segment,
    })
}

pub fn object_meta(obj: &Object, namespaced: bool, e: &mut Errors) {
    let meta = FieldPath::of("metadata");
    let m = obj.root.get("metadata");
    let name = m
        .and_then(|m| m.get("name"))
        .filter(|n| n.as_str().is_some_and(|s| !s.is_empty()));
    let generate = m
        .and_then(|m| m.get("generateName"))
        .filter(|n| n.as_str().is_some_and(|s| !s.is_empty()));
    let check = name_check(obj.group(), &obj.kind);
    match (name, generate) {
        (Some(n), _) => {
            if let (Some(check), Some(s)) = (check, n.as_str()) {
                e.check(&meta.key("name"), n, check(s));
            }
        }
        (None, Some(g)) => {
            if let (Some(check), Some(s)) = (check, g.as_str()) {
                // Prefix mode: a trailing '-' is allowed.
                let base = s.strip_suffix('-').unwrap_or(s);
                e.check(&meta.key("generateName"), g, check(base));
            }
        }
        (None, None) => e.required(&meta.key("name"), "name or generateName is required"),
    }
    if namespaced {
        e.check_str(
            &meta.key("namespace"),
            m.and_then(|m| m.get("namespace"))
                .filter(|n| n.as_str() != Some("")),
            names::dns1123_label,
        );
    }
    if let Some(m) = m {
        labels(m.get("labels"), &meta.key("labels"), e);
        annotations(m.get("annotations"), &meta.key("annotations"), e);
    }
}

/// Label keys and values, each error pointed at the offending key or value.
pub fn labels(node: Option<&Node>, path: &FieldPath, e: &mut Errors) {
    let Some(node) = node else { return };
    let bytes = e.1.label_bytes;
    let word = |msgs: Vec<String>| -> Vec<String> {
        if !bytes {
            return msgs;
        }
        msgs.into_iter()
            .map(|m| m.replace("no more than 63 characters", "no more than 63 bytes"))
            .collect()
    };
    for (k, key_node, value) in node.entries() {
        let from = e.len();
        e.check(path, key_node, word(names::qualified_name(k)));
        e.point_since(from, key_node.site());
        if let Some(v) = value.as_str() {
            let from = e.len();
            e.check(path, value, word(names::label_value(v)));
            e.point_since(from, value.site());
        }
    }
}

pub fn annotations(node: Option<&Node>, path: &FieldPath, e: &mut Errors) {
    let Some(node) = node else { return };
    let mut total = 0usize;
    for (k, key_node, value) in node.entries() {
        let from = e.len();
        e.check(
            path,
            key_node,
            names::qualified_name(&k.to_ascii_lowercase()),
        );
        e.point_since(from, key_node.site());
        total += k.len() + value.scalar_text().map(|v| v.len()).unwrap_or(0);
    }
    if total > ANNOTATIONS_LIMIT {
        e.too_long(path, ANNOTATIONS_LIMIT);
    }
}

/// `metav1.LabelSelector` (`ValidateLabelSelector`): label syntax of matchLabels, and operators
/// and values of matchExpressions.
pub fn label_selector(selector: &Node, path: &FieldPath, e: &mut Errors) {
    labels(selector.get("matchLabels"), &path.key("matchLabels"), e);
    for (i, expr) in selector
        .get("matchExpressions")
        .and_then(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .enumerate()
    {
        let xp = path.key("matchExpressions").index(i);
        let values = expr.get("values").and_then(Node::as_seq).unwrap_or(&[]);
        match expr.get("operator").and_then(Node::as_str) {
            Some("In" | "NotIn") => {
                if values.is_empty() {
                    e.required(
                        &xp.key("values"),
                        "must be specified when `operator` is 'In' or 'NotIn'",
                    );
                }
            }
            Some("Exists" | "DoesNotExist") => {
                if !values.is_empty() {
                    e.forbidden(
                        &xp.key("values"),
                        "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
                    );
                }
            }
            _ => {
                if let Some(op) = expr.get("operator") {
                    e.invalid_node(&xp.key("operator"), op, "not a valid selector operator");
                }
            }
        }
        e.check_str(&xp.key("key"), expr.get("key"), names::qualified_name);
        for (j, v) in values.iter().enumerate() {
            e.check_str(&xp.key("values").index(j), Some(v), names::label_value);
        }
    }
}
