//! Core-group checks besides pods and Services: ConfigMap, Secret, PersistentVolumeClaim.

use crate::cluster::field::{Errors, FieldPath, quote, render};
use crate::cluster::names;
use crate::cluster::quantity;
use crate::yaml::Node;
use base64::Engine;

/// `MaxSecretSize`, also the ConfigMap limit.
const MAX_DATA_BYTES: usize = 1 << 20;

fn data_keys(root: &Node, field: &str, e: &mut Errors) -> usize {
    let mut size = 0;
    let dp = FieldPath::of(field);
    for (k, key_node, v) in root
        .get(field)
        .map(|n| n.entries().collect::<Vec<_>>())
        .unwrap_or_default()
    {
        let from = e.len();
        e.check(&dp, key_node, names::config_key(k));
        e.point_since(from, key_node.site());
        size += v.scalar_text().map(|t| t.len()).unwrap_or(0);
    }
    size
}

pub fn config_map(root: &Node, e: &mut Errors) {
    let mut size = data_keys(root, "data", e);
    size += data_keys(root, "binaryData", e);
    if let (Some(data), Some(bin)) = (root.get("data"), root.get("binaryData")) {
        for (k, key_node, _) in data.entries() {
            if bin.get(k).is_some() {
                let from = e.len();
                e.invalid(
                    &FieldPath::of("data"),
                    quote(k),
                    "duplicate of key present in binaryData",
                );
                e.point_since(from, key_node.site());
            }
        }
    }
    if size > MAX_DATA_BYTES {
        e.too_long(&FieldPath::root(), MAX_DATA_BYTES);
    }
}

/// The bytes of a Secret key: `data` is base64, `stringData` is plain (merged over data).
fn secret_value(root: &Node, key: &str) -> Option<Vec<u8>> {
    if let Some(v) = root.path(&["stringData", key]) {
        return Some(v.scalar_text().unwrap_or_default().into_bytes());
    }
    let v = root.path(&["data", key])?;
    let text = v.scalar_text().unwrap_or_default();
    Some(
        base64::engine::general_purpose::STANDARD
            .decode(text.trim())
            .unwrap_or_default(),
    )
}

fn has_key(root: &Node, key: &str) -> bool {
    root.path(&["stringData", key]).is_some() || root.path(&["data", key]).is_some()
}

pub fn secret(root: &Node, e: &mut Errors) {
    let mut size = data_keys(root, "data", e);
    size += data_keys(root, "stringData", e);
    let dp = FieldPath::of("data");
    if size > MAX_DATA_BYTES {
        e.too_long(&dp, MAX_DATA_BYTES);
    }
    let ty = root.get("type").and_then(Node::as_str).unwrap_or("Opaque");
    match ty {
        "kubernetes.io/tls" => {
            for key in ["tls.crt", "tls.key"] {
                if !has_key(root, key) {
                    e.required(&dp.map_key(key), "");
                }
            }
        }
        "kubernetes.io/dockerconfigjson" | "kubernetes.io/dockercfg" => {
            let key = if ty == "kubernetes.io/dockercfg" {
                ".dockercfg"
            } else {
                ".dockerconfigjson"
            };
            match secret_value(root, key) {
                None => e.required(&dp.map_key(key), ""),
                Some(bytes) => {
                    if let Err(err) = serde_json::from_slice::<serde_json::Value>(&bytes) {
                        e.invalid(
                            &dp.map_key(key),
                            "\"<secret contents redacted>\"",
                            err.to_string(),
                        );
                    }
                }
            }
        }
        "kubernetes.io/basic-auth" if !has_key(root, "username") && !has_key(root, "password") => {
            e.required(&dp.map_key("username"), "");
            e.required(&dp.map_key("password"), "");
        }
        "kubernetes.io/ssh-auth"
            if secret_value(root, "ssh-privatekey").is_none_or(|b| b.is_empty()) =>
        {
            e.required(&dp.map_key("ssh-privatekey"), "");
        }
        "kubernetes.io/service-account-token"
            if root
                .path(&[
                    "metadata",
                    "annotations",
                    "kubernetes.io/service-account.name",
                ])
                .is_none() =>
        {
            e.required(
                &FieldPath::of("metadata.annotations")
                    .map_key("kubernetes.io/service-account.name"),
                "",
            );
        }
        _ => {}
    }
}

const ACCESS_MODES: &[&str] = &[
    "ReadOnlyMany",
    "ReadWriteMany",
    "ReadWriteOnce",
    "ReadWriteOncePod",
];

/// PVC spec (also volumeClaimTemplates).
pub fn pvc_spec(spec: &Node, sp: &FieldPath, _template: bool, e: &mut Errors) {
    let modes = spec
        .get("accessModes")
        .and_then(Node::as_seq)
        .unwrap_or(&[]);
    if modes.is_empty() && spec.get("dataSourceRef").is_none() {
        e.required(&sp.key("accessModes"), "at least 1 access mode is required");
    }
    for (i, m) in modes.iter().enumerate() {
        if m.as_str().is_some_and(|v| !ACCESS_MODES.contains(&v)) {
            e.unsupported(&sp.key("accessModes").index(i), m, ACCESS_MODES);
        }
    }
    if modes.len() > 1 && modes.iter().any(|m| m.as_str() == Some("ReadWriteOncePod")) {
        e.forbidden(
            &sp.key("accessModes"),
            "may not use ReadWriteOncePod with other access modes",
        );
    }
    let storage_path = sp.key("resources").key("requests").map_key("storage");
    match spec.path(&["resources", "requests", "storage"]) {
        None => {
            let from = e.len();
            e.required(&sp.key("resources").map_key("storage"), "");
            if let Some(r) = spec.get("resources") {
                e.point_since(from, r.site());
            }
        }
        Some(q) => {
            if quantity::of_node(q).is_some_and(|v| v <= 0) {
                e.invalid(&storage_path, render(q), "must be greater than zero");
            }
        }
    }
    e.check_str(
        &sp.key("storageClassName"),
        spec.get("storageClassName")
            .filter(|n| n.as_str() != Some("")),
        names::dns1123_subdomain,
    );
    if let Some(m) = spec.get("volumeMode")
        && !matches!(m.as_str(), Some("Filesystem" | "Block"))
    {
        e.unsupported(&sp.key("volumeMode"), m, &["Block", "Filesystem"]);
    }
}

pub fn pvc(root: &Node, e: &mut Errors) {
    let sp = FieldPath::of("spec");
    match root.get("spec") {
        Some(spec) => pvc_spec(spec, &sp, false, e),
        None => e.required(&sp.key("accessModes"), "at least 1 access mode is required"),
    }
}
