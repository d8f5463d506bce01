//! Fields an update may not change (`ValidateUpdate` of each kind's strategy), compared between
//! the stored (defaulted) object and the new one.

use super::field::{Errors, FieldPath};
use serde_json::Value;

fn at<'a>(v: &'a Value, path: &str) -> &'a Value {
    v.pointer(path).unwrap_or(&Value::Null)
}

fn json_text(v: &Value) -> String {
    match v {
        Value::String(s) => super::field::quote(s),
        other => other.to_string(),
    }
}

fn immutable(old: &Value, new: &Value, pointer: &str, path: &str, e: &mut Errors) {
    let (o, n) = (at(old, pointer), at(new, pointer));
    if o != n {
        e.invalid(&FieldPath::of(path), json_text(n), "field is immutable");
    }
}

/// Errors for an update of `old` to `new` (both defaulted).
pub fn check(group: &str, kind: &str, old: &Value, new: &Value) -> Errors {
    let mut e = Errors::default();
    match (group, kind) {
        ("apps", "Deployment" | "ReplicaSet" | "DaemonSet") => {
            immutable(old, new, "/spec/selector", "spec.selector", &mut e)
        }
        ("apps", "StatefulSet") => {
            const MUTABLE: &[&str] = &[
                "replicas",
                "ordinals",
                "template",
                "updateStrategy",
                "persistentVolumeClaimRetentionPolicy",
                "minReadySeconds",
            ];
            let strip = |v: &Value| {
                let mut m = v
                    .get("spec")
                    .and_then(Value::as_object)
                    .cloned()
                    .unwrap_or_default();
                m.retain(|k, _| !MUTABLE.contains(&k.as_str()));
                m
            };
            if strip(old) != strip(new) {
                e.forbidden(
                    &FieldPath::of("spec"),
                    "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
                );
            }
        }
        ("batch", "Job") => {
            immutable(old, new, "/spec/selector", "spec.selector", &mut e);
            immutable(old, new, "/spec/template", "spec.template", &mut e);
            if at(new, "/spec/completionMode") != &Value::String("Indexed".into()) {
                immutable(old, new, "/spec/completions", "spec.completions", &mut e);
            }
            immutable(
                old,
                new,
                "/spec/completionMode",
                "spec.completionMode",
                &mut e,
            );
        }
        ("", "Service") => {
            let (o, n) = (at(old, "/spec/clusterIP"), at(new, "/spec/clusterIP"));
            // Leaving the field out keeps the allocated value; only a different value fails.
            if n.as_str().is_some_and(|s| !s.is_empty()) && o != n {
                e.invalid(
                    &FieldPath::of("spec.clusterIPs").index(0),
                    json_text(n),
                    "may not change once set",
                );
            }
        }
        ("", "Secret" | "ConfigMap") => {
            if kind == "Secret" {
                immutable(old, new, "/type", "type", &mut e);
            }
            if at(old, "/immutable") == &Value::Bool(true) {
                for field in ["data", "binaryData", "immutable"] {
                    let p = format!("/{field}");
                    if at(old, &p) != at(new, &p) {
                        e.forbidden(
                            &FieldPath::of(field),
                            "field is immutable when `immutable` is set",
                        );
                    }
                }
            }
        }
        ("rbac.authorization.k8s.io", "RoleBinding" | "ClusterRoleBinding")
            if at(old, "/roleRef") != at(new, "/roleRef") =>
        {
            e.invalid(
                &FieldPath::of("roleRef"),
                json_text(at(new, "/roleRef")),
                "cannot change roleRef",
            );
        }
        ("", "PersistentVolumeClaim") => {
            let strip = |v: &Value| {
                let mut s = v.get("spec").cloned().unwrap_or(Value::Null);
                if let Some(r) = s
                    .pointer_mut("/resources/requests")
                    .and_then(Value::as_object_mut)
                {
                    r.remove("storage");
                }
                s
            };
            if strip(old) != strip(new) {
                e.forbidden(&FieldPath::of("spec"), "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims");
            }
        }
        _ => {}
    }
    e
}
