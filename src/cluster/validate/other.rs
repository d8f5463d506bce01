//! Ingress, ConfigMap, Secret, PersistentVolumeClaim and RBAC checks.

use crate::cluster::field::{Errors, FieldPath, quote, render};
use crate::cluster::names;
use crate::cluster::quantity;
use crate::yaml::Node;
use base64::Engine;

/// `MaxSecretSize`, also the ConfigMap limit.
const MAX_DATA_BYTES: usize = 1 << 20;

pub fn ingress(root: &Node, e: &mut Errors) {
    let sp = FieldPath::of("spec");
    let Some(spec) = root.get("spec") else {
        e.invalid(
            &sp,
            "null",
            "either `defaultBackend` or `rules` must be specified",
        );
        return;
    };
    let rules = spec.get("rules").and_then(Node::as_seq).unwrap_or(&[]);
    let default_backend = spec.get("defaultBackend").filter(|n| !n.is_null());
    if rules.is_empty() && default_backend.is_none() {
        e.invalid_node(
            &sp,
            spec,
            "either `defaultBackend` or `rules` must be specified",
        );
    }
    if let Some(b) = default_backend {
        backend(b, &sp.key("defaultBackend"), e);
    }
    if let Some(c) = spec.get("ingressClassName")
        && let Some(class) = c.as_str()
    {
        e.check(
            &sp.key("ingressClassName"),
            c,
            names::dns1123_subdomain(class),
        );
        let annotation = root.path(&["metadata", "annotations", "kubernetes.io/ingress.class"]);
        if let Some(a) = annotation
            && a.as_str().is_some_and(|v| v != class)
        {
            e.invalid_node(
                &FieldPath::of("metadata.annotations").map_key("kubernetes.io/ingress.class"),
                a,
                "must match `ingressClassName` when both are specified",
            );
        }
    }
    for (i, rule) in rules.iter().enumerate() {
        let rp = sp.key("rules").index(i);
        if let Some(h) = rule.get("host")
            && let Some(host) = h.as_str()
            && !host.is_empty()
        {
            host_name(h, host, &rp.key("host"), e);
        }
        let Some(http) = rule.get("http").filter(|n| !n.is_null()) else {
            continue;
        };
        let hp = rp.key("http");
        let paths = http.get("paths").and_then(Node::as_seq).unwrap_or(&[]);
        if paths.is_empty() {
            e.required(&hp.key("paths"), "");
        }
        for (j, p) in paths.iter().enumerate() {
            let pp = hp.key("paths").index(j);
            let ty = p.get("pathType").and_then(Node::as_str);
            match (ty, p.get("pathType")) {
                (None, _) => e.required(&pp.key("pathType"), "pathType must be specified"),
                (Some(t), Some(n))
                    if !matches!(t, "Exact" | "Prefix" | "ImplementationSpecific") =>
                {
                    e.unsupported(
                        &pp.key("pathType"),
                        n,
                        &["Exact", "ImplementationSpecific", "Prefix"],
                    )
                }
                _ => {}
            }
            let path_node = p.get("path");
            let path = path_node.and_then(Node::as_str).unwrap_or("");
            let needs_abs = matches!(ty, Some("Exact" | "Prefix")) || !path.is_empty();
            if let Some(pn) = path_node.or(p.get("pathType")) {
                if needs_abs && !path.starts_with('/') {
                    e.invalid_node(&pp.key("path"), pn, "must be an absolute path");
                }
                if matches!(ty, Some("Exact" | "Prefix")) {
                    for bad in ["//", "/./", "/../", "%2f", "%2F"] {
                        if path.contains(bad) {
                            e.invalid_node(
                                &pp.key("path"),
                                pn,
                                format!("must not contain '{bad}'"),
                            );
                        }
                    }
                    for bad in ["/..", "/."] {
                        if path.ends_with(bad) {
                            e.invalid_node(&pp.key("path"), pn, format!("cannot end with '{bad}'"));
                        }
                    }
                }
            }
            match p.get("backend") {
                Some(b) => backend(b, &pp.key("backend"), e),
                None => e.required(&pp.key("backend"), ""),
            }
        }
    }
    for (i, tls) in spec
        .get("tls")
        .and_then(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .enumerate()
    {
        let tp = sp.key("tls").index(i);
        for (j, h) in tls
            .get("hosts")
            .and_then(Node::as_seq)
            .unwrap_or(&[])
            .iter()
            .enumerate()
        {
            if let Some(host) = h.as_str() {
                host_name(h, host, &tp.key("hosts").index(j), e);
            }
        }
        e.check_str(
            &tp.key("secretName"),
            tls.get("secretName").filter(|n| n.as_str() != Some("")),
            names::dns1123_subdomain,
        );
    }
}

fn host_name(node: &Node, host: &str, path: &FieldPath, e: &mut Errors) {
    if host.parse::<std::net::IpAddr>().is_ok() {
        e.invalid_node(path, node, "must be a DNS name, not an IP address");
        return;
    }
    let base = host.strip_prefix("*.").unwrap_or(host);
    e.check(path, node, names::dns1123_subdomain(base));
}

fn backend(b: &Node, path: &FieldPath, e: &mut Errors) {
    let service = b.get("service").filter(|n| !n.is_null());
    let resource = b.get("resource").filter(|n| !n.is_null());
    match (service, resource) {
        (Some(_), Some(_)) => {
            e.invalid_node(path, b, "cannot set both resource and service backends")
        }
        (None, None) => e.invalid_node(path, b, "resource or service backend is required"),
        _ => {}
    }
    let Some(svc) = service else { return };
    let sp = path.key("service");
    match svc
        .get("name")
        .filter(|n| n.as_str().is_some_and(|s| !s.is_empty()))
    {
        None => e.required(&sp.key("name"), ""),
        Some(n) => e.check(
            &sp.key("name"),
            n,
            names::dns1035_label(n.as_str().unwrap_or_default()),
        ),
    }
    let port = svc.get("port");
    let name = port
        .and_then(|p| p.get("name"))
        .and_then(Node::as_str)
        .filter(|s| !s.is_empty());
    let number = port
        .and_then(|p| p.get("number"))
        .and_then(Node::as_i64)
        .filter(|n| *n != 0);
    let pp = sp.key("port");
    match (name, number) {
        (Some(_), Some(_)) => e.invalid(&pp, "null", "cannot set both port name & port number"),
        (None, None) => e.invalid(&pp, "null", "port name or number is required"),
        (Some(n), None) => {
            if let Some(node) = port.and_then(|p| p.get("name")) {
                e.check(&pp.key("name"), node, names::iana_svc_name(n));
            }
        }
        (None, Some(v)) => {
            if !(1..=65535).contains(&v) {
                e.invalid(&pp.key("number"), v.to_string(), names::PORT_NUMBER_MSG);
            }
        }
    }
}

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

const RBAC_GROUP: &str = "rbac.authorization.k8s.io";

pub fn binding(root: &Node, cluster: bool, e: &mut Errors) {
    let rp = FieldPath::of("roleRef");
    match root.get("roleRef") {
        None => e.required(&rp.key("name"), ""),
        Some(r) => {
            if let Some(g) = r.get("apiGroup")
                && g.as_str().is_some_and(|v| v != RBAC_GROUP && !v.is_empty())
            {
                e.unsupported(&rp.key("apiGroup"), g, &[RBAC_GROUP]);
            }
            let allowed: &[&str] = if cluster {
                &["ClusterRole"]
            } else {
                &["ClusterRole", "Role"]
            };
            match r.get("kind") {
                Some(k) if k.as_str().is_some_and(|v| !allowed.contains(&v)) => {
                    e.unsupported(&rp.key("kind"), k, allowed)
                }
                None => e.required(&rp.key("kind"), ""),
                _ => {}
            }
            match r
                .get("name")
                .filter(|n| n.as_str().is_some_and(|s| !s.is_empty()))
            {
                None => e.required(&rp.key("name"), ""),
                Some(n) => e.check(
                    &rp.key("name"),
                    n,
                    names::path_segment(n.as_str().unwrap_or_default()),
                ),
            }
        }
    }
    for (i, s) in root
        .get("subjects")
        .and_then(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .enumerate()
    {
        let sp = FieldPath::of("subjects").index(i);
        let kind = s.get("kind").and_then(Node::as_str).unwrap_or("");
        let group = s.get("apiGroup").and_then(Node::as_str).unwrap_or("");
        if s.get("name")
            .and_then(Node::as_str)
            .is_none_or(str::is_empty)
        {
            e.required(&sp.key("name"), "");
        }
        match kind {
            "ServiceAccount" => {
                if let Some(g) = s.get("apiGroup").filter(|_| !group.is_empty()) {
                    e.unsupported(&sp.key("apiGroup"), g, &[""]);
                }
                if cluster
                    && s.get("namespace")
                        .and_then(Node::as_str)
                        .is_none_or(str::is_empty)
                {
                    e.required(&sp.key("namespace"), "");
                }
            }
            "User" | "Group" => {
                if let Some(g) = s
                    .get("apiGroup")
                    .filter(|_| !group.is_empty() && group != RBAC_GROUP)
                {
                    e.unsupported(&sp.key("apiGroup"), g, &[RBAC_GROUP]);
                }
            }
            _ => match s.get("kind") {
                Some(k) => e.unsupported(&sp.key("kind"), k, &["ServiceAccount", "User", "Group"]),
                None => e.required(&sp.key("kind"), ""),
            },
        }
    }
}

pub fn role(root: &Node, namespaced: bool, e: &mut Errors) {
    for (i, r) in root
        .get("rules")
        .and_then(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .enumerate()
    {
        let rp = FieldPath::of("rules").index(i);
        if r.get("verbs")
            .and_then(Node::as_seq)
            .is_none_or(<[Node]>::is_empty)
        {
            e.required(&rp.key("verbs"), "verbs must contain at least one value");
        }
        if namespaced
            && r.get("nonResourceURLs")
                .and_then(Node::as_seq)
                .is_some_and(|s| !s.is_empty())
        {
            e.invalid(
                &rp.key("nonResourceURLs"),
                "null",
                "namespaced rules cannot apply to non-resource URLs",
            );
        }
    }
}
