//! Pod spec checks (`pkg/apis/core/validation/validation.go` ValidatePodSpec), run on bare Pods
//! and on every pod template.

use crate::cluster::defaults::VOLUME_SOURCES;
use crate::cluster::field::{Errors, FieldPath, render};
use crate::cluster::names;
use crate::cluster::quantity;
use crate::yaml::Node;
use std::collections::{BTreeMap, BTreeSet};

/// What owns the pod spec: decides which restartPolicy values are allowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Owner {
    Pod,
    /// Deployment, ReplicaSet, DaemonSet, StatefulSet, ReplicationController.
    Replicated,
    Job,
}

const STANDARD_CONTAINER_RESOURCES: &[&str] = &["cpu", "memory", "ephemeral-storage"];

fn s<'a>(n: &'a Node, key: &str) -> Option<&'a str> {
    n.get(key).and_then(Node::as_str)
}

fn seq<'a>(n: &'a Node, key: &str) -> &'a [Node] {
    n.get(key).and_then(Node::as_seq).unwrap_or(&[])
}

fn one_of(e: &mut Errors, path: &FieldPath, node: Option<&Node>, allowed: &[&str]) {
    if let Some(n) = node
        && let Some(v) = n.as_str()
        && !allowed.contains(&v)
    {
        e.unsupported(path, n, allowed);
    }
}

pub fn pod_spec(spec: &Node, path: &FieldPath, owner: Owner, e: &mut Errors) {
    pod_spec_with_claims(spec, path, owner, &[], e);
}

/// A StatefulSet's volumeClaimTemplates are volumes of its pods too.
pub fn pod_spec_with_claims(
    spec: &Node,
    path: &FieldPath,
    owner: Owner,
    claims: &[String],
    e: &mut Errors,
) {
    let mut volumes = volumes(spec, &path.key("volumes"), e);
    volumes.extend(claims.iter().cloned());
    let containers = seq(spec, "containers");
    if containers.is_empty() {
        e.required(&path.key("containers"), "");
    }
    let mut names = BTreeSet::new();
    let mut host_ports: BTreeMap<String, ()> = BTreeMap::new();
    let mut container_ports: BTreeMap<(i64, String), FieldPath> = BTreeMap::new();
    for (list, init) in [("initContainers", true), ("containers", false)] {
        for (i, c) in seq(spec, list).iter().enumerate() {
            let cp = path.key(list).index(i);
            container(c, &cp, init, &volumes, &mut names, e);
            for (j, p) in seq(c, "ports").iter().enumerate() {
                let pp = cp.key("ports").index(j);
                let proto = s(p, "protocol").unwrap_or("TCP").to_string();
                if let Some(hp) = p.get("hostPort").and_then(Node::as_i64).filter(|h| *h != 0) {
                    let key = format!("{proto}/{}/{hp}", s(p, "hostIP").unwrap_or(""));
                    if host_ports.insert(key.clone(), ()).is_some() {
                        e.duplicate(&pp.key("hostPort"), crate::cluster::field::quote(&key));
                    }
                }
                if !init && let Some(port) = p.get("containerPort").and_then(Node::as_i64) {
                    if let Some(first) = container_ports.get(&(port, proto.clone())) {
                        e.warn(&pp, format!("duplicate port definition with {first}"));
                    } else {
                        container_ports.insert((port, proto), pp.clone());
                    }
                }
            }
        }
    }
    let restart = spec.get("restartPolicy");
    let rp = path.key("restartPolicy");
    match owner {
        Owner::Pod => one_of(e, &rp, restart, &["Always", "OnFailure", "Never"]),
        Owner::Replicated => match restart.filter(|r| r.as_str().is_some()) {
            Some(r) if r.as_str() != Some("Always") => e.unsupported(&rp, r, &["Always"]),
            _ => {}
        },
        Owner::Job => match restart.filter(|r| r.as_str().is_some()) {
            Some(r) if !matches!(r.as_str(), Some("OnFailure" | "Never")) => {
                e.required(&rp, "valid values: \"OnFailure\", \"Never\"")
            }
            None => e.required(&rp, "valid values: \"OnFailure\", \"Never\""),
            _ => {}
        },
    }
    if owner == Owner::Replicated
        && let Some(ads) = spec.get("activeDeadlineSeconds").filter(|n| !n.is_null())
    {
        e.invalid_node(
            &path.key("activeDeadlineSeconds"),
            ads,
            "activeDeadlineSeconds in ReplicaSet is not Supported",
        );
    }
    if let Some(ads) = spec.get("activeDeadlineSeconds").and_then(Node::as_i64)
        && !(1..=2_147_483_647).contains(&ads)
    {
        e.invalid(
            &path.key("activeDeadlineSeconds"),
            ads.to_string(),
            "must be between 1 and 2147483647, inclusive",
        );
    }
    let dns = spec.get("dnsPolicy");
    one_of(
        e,
        &path.key("dnsPolicy"),
        dns,
        &["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"],
    );
    if dns.and_then(Node::as_str) == Some("None")
        && spec
            .path(&["dnsConfig", "nameservers"])
            .and_then(Node::as_seq)
            .is_none_or(<[Node]>::is_empty)
    {
        e.required(
            &path.key("dnsConfig"),
            "must provide `dnsConfig` when `dnsPolicy` is None",
        );
    }
    for key in ["hostname", "subdomain"] {
        e.check_str(&path.key(key), spec.get(key), names::dns1123_label);
    }
    for key in ["serviceAccountName", "nodeName", "priorityClassName"] {
        e.check_str(
            &path.key(key),
            spec.get(key).filter(|n| n.as_str() != Some("")),
            names::dns1123_subdomain,
        );
    }
    tolerations(spec, &path.key("tolerations"), e);
}

fn volumes(spec: &Node, path: &FieldPath, e: &mut Errors) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    for (i, v) in seq(spec, "volumes").iter().enumerate() {
        let vp = path.index(i);
        match v.get("name").and_then(Node::as_str) {
            None | Some("") => e.required(&vp.key("name"), ""),
            Some(name) => {
                if let Some(n) = v.get("name") {
                    e.check(&vp.key("name"), n, names::dns1123_label(name));
                }
                if !seen.insert(name.to_string())
                    && let Some(n) = v.get("name")
                {
                    e.duplicate(&vp.key("name"), render(n));
                }
            }
        }
        let sources: Vec<&str> = v
            .entries()
            .filter(|(k, _, val)| VOLUME_SOURCES.contains(k) && !val.is_null())
            .map(|(k, _, _)| k)
            .collect();
        if sources.len() > 1
            && let Some(second) = sources.get(1)
        {
            e.forbidden(&vp.key(second), "may not specify more than 1 volume type");
        }
        for src in ["secret", "configMap", "downwardAPI", "projected"] {
            if let Some(mode) = v.path(&[src, "defaultMode"]).and_then(Node::as_i64)
                && !(0..=0o777).contains(&mode)
            {
                e.invalid(
                    &vp.key(src).key("defaultMode"),
                    mode.to_string(),
                    "must be a number between 0 and 0777 (octal), both inclusive",
                );
            }
        }
    }
    seen
}

fn container(
    c: &Node,
    cp: &FieldPath,
    init: bool,
    volumes: &BTreeSet<String>,
    names: &mut BTreeSet<String>,
    e: &mut Errors,
) {
    match c.get("name") {
        Some(n) if n.as_str().is_some_and(|s| !s.is_empty()) => {
            let name = n.as_str().unwrap_or_default();
            e.check(&cp.key("name"), n, names::dns1123_label(name));
            if !names.insert(name.to_string()) {
                e.duplicate(&cp.key("name"), render(n));
            }
        }
        _ => e.required(&cp.key("name"), ""),
    }
    if c.get("image")
        .and_then(Node::as_str)
        .is_none_or(|i| i.trim().is_empty())
    {
        e.required(&cp.key("image"), "");
    }
    ports(c, &cp.key("ports"), e);
    env(c, cp, e);
    mounts(c, &cp.key("volumeMounts"), volumes, e);
    resources(c, &cp.key("resources"), e);
    let always_init = init && s(c, "restartPolicy") == Some("Always");
    for probe in ["livenessProbe", "readinessProbe", "startupProbe"] {
        let Some(p) = c.get(probe).filter(|p| !p.is_null()) else {
            continue;
        };
        let pp = cp.key(probe);
        if init && !always_init {
            e.forbidden(
                &pp,
                "may not be set for init containers without restartPolicy=Always",
            );
            continue;
        }
        let handlers = ["exec", "httpGet", "tcpSocket", "grpc"]
            .iter()
            .filter(|h| p.get(h).is_some_and(|n| !n.is_null()))
            .count();
        if handlers == 0 {
            e.required(&pp, "must specify a handler type");
        } else if handlers > 1 {
            e.forbidden(&pp, "may not specify more than 1 handler type");
        }
        if probe != "readinessProbe"
            && let Some(st) = p.get("successThreshold")
            && st.as_i64().is_some_and(|v| v != 1)
        {
            e.invalid_node(&pp.key("successThreshold"), st, "must be 1");
        }
        if probe == "readinessProbe"
            && p.get("terminationGracePeriodSeconds")
                .is_some_and(|n| !n.is_null())
        {
            e.invalid_node(
                &pp.key("terminationGracePeriodSeconds"),
                p.get("terminationGracePeriodSeconds").unwrap_or(p),
                "must not be set for readinessProbes",
            );
        }
    }
    one_of(
        e,
        &cp.key("imagePullPolicy"),
        c.get("imagePullPolicy"),
        &["Always", "IfNotPresent", "Never"],
    );
    one_of(
        e,
        &cp.key("terminationMessagePolicy"),
        c.get("terminationMessagePolicy"),
        &["File", "FallbackToLogsOnError"],
    );
    if let Some(rp) = c.get("restartPolicy").filter(|n| !n.is_null()) {
        if !init {
            e.forbidden(
                &cp.key("restartPolicy"),
                "may not be set for non-init containers",
            );
        } else if rp.as_str() != Some("Always") {
            e.unsupported(&cp.key("restartPolicy"), rp, &["Always"]);
        }
    }
}

fn ports(c: &Node, path: &FieldPath, e: &mut Errors) {
    let mut names = BTreeSet::new();
    for (i, p) in seq(c, "ports").iter().enumerate() {
        let pp = path.index(i);
        match p.get("containerPort") {
            None => e.required(&pp.key("containerPort"), ""),
            Some(n) => {
                if let Some(v) = n.as_i64()
                    && !(1..=65535).contains(&v)
                {
                    e.invalid_node(&pp.key("containerPort"), n, names::PORT_NUMBER_MSG);
                }
            }
        }
        if let Some(n) = p.get("hostPort")
            && let Some(v) = n.as_i64()
            && v != 0
            && !(1..=65535).contains(&v)
        {
            e.invalid_node(&pp.key("hostPort"), n, names::PORT_NUMBER_MSG);
        }
        if let Some(n) = p.get("name")
            && let Some(name) = n.as_str()
            && !name.is_empty()
        {
            e.check(&pp.key("name"), n, names::iana_svc_name(name));
            if !names.insert(name.to_string()) {
                e.duplicate(&pp.key("name"), render(n));
            }
        }
        one_of(
            e,
            &pp.key("protocol"),
            p.get("protocol"),
            &["SCTP", "TCP", "UDP"],
        );
    }
}

fn env(c: &Node, cp: &FieldPath, e: &mut Errors) {
    for (i, v) in seq(c, "env").iter().enumerate() {
        let vp = cp.key("env").index(i);
        match v.get("name") {
            Some(n) if n.as_str().is_some_and(|s| !s.is_empty()) => e.check(
                &vp.key("name"),
                n,
                names::env_var_name(n.as_str().unwrap_or_default()),
            ),
            _ => e.required(&vp.key("name"), ""),
        }
        let Some(from) = v.get("valueFrom").filter(|f| !f.is_null()) else {
            continue;
        };
        let fp = vp.key("valueFrom");
        let sources = [
            "fieldRef",
            "resourceFieldRef",
            "configMapKeyRef",
            "secretKeyRef",
            "fileKeyRef",
        ]
        .iter()
        .filter(|k| from.get(k).is_some_and(|n| !n.is_null()))
        .count();
        if sources == 0 {
            e.invalid(&fp, "\"\"", "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`");
        } else if sources > 1 {
            e.invalid(
                &fp,
                "\"\"",
                "may not have more than one field specified at a time",
            );
        }
        if v.get("value")
            .and_then(Node::as_str)
            .is_some_and(|s| !s.is_empty())
        {
            e.invalid(
                &fp,
                "\"\"",
                "may not be specified when `value` is not empty",
            );
        }
        for r in ["configMapKeyRef", "secretKeyRef"] {
            if let Some(rn) = from.get(r).filter(|n| !n.is_null()) {
                let rp = fp.key(r);
                match rn.get("key") {
                    Some(k) if k.as_str().is_some_and(|s| !s.is_empty()) => e.check(
                        &rp.key("key"),
                        k,
                        names::config_key(k.as_str().unwrap_or_default()),
                    ),
                    _ => e.required(&rp.key("key"), ""),
                }
            }
        }
    }
    for (i, f) in seq(c, "envFrom").iter().enumerate() {
        let fp = cp.key("envFrom").index(i);
        let n = ["configMapRef", "secretRef"]
            .iter()
            .filter(|k| f.get(k).is_some_and(|n| !n.is_null()))
            .count();
        if n == 0 {
            e.invalid(
                &fp,
                "\"\"",
                "must specify one of: `configMapRef` or `secretRef`",
            );
        } else if n > 1 {
            e.invalid(
                &fp,
                "\"\"",
                "may not have more than one field specified at a time",
            );
        }
        if let Some(p) = f.get("prefix")
            && let Some(ps) = p.as_str()
            && !ps.is_empty()
        {
            e.check(&fp.key("prefix"), p, names::env_var_name(ps));
        }
    }
}

fn mounts(c: &Node, path: &FieldPath, volumes: &BTreeSet<String>, e: &mut Errors) {
    let mut paths = BTreeSet::new();
    for (i, m) in seq(c, "volumeMounts").iter().enumerate() {
        let mp = path.index(i);
        match m.get("name") {
            Some(n) if n.as_str().is_some_and(|s| !s.is_empty()) => {
                if !volumes.contains(n.as_str().unwrap_or_default()) {
                    e.not_found(&mp.key("name"), render(n));
                }
            }
            _ => e.required(&mp.key("name"), ""),
        }
        match m.get("mountPath") {
            Some(n) if n.as_str().is_some_and(|s| !s.is_empty()) => {
                if !paths.insert(n.as_str().unwrap_or_default().to_string()) {
                    e.invalid_node(&mp.key("mountPath"), n, "must be unique");
                }
            }
            _ => e.required(&mp.key("mountPath"), ""),
        }
        if let Some(sp) = m.get("subPath")
            && let Some(sub) = sp.as_str()
            && !sub.is_empty()
        {
            if sub.starts_with('/') {
                e.invalid_node(&mp.key("subPath"), sp, "must be a relative path");
            }
            if sub.split('/').any(|seg| seg == "..") {
                e.invalid_node(&mp.key("subPath"), sp, "must not contain '..'");
            }
            if m.get("subPathExpr")
                .and_then(Node::as_str)
                .is_some_and(|s| !s.is_empty())
            {
                e.invalid_node(
                    &mp.key("subPathExpr"),
                    sp,
                    "subPathExpr and subPath are mutually exclusive",
                );
            }
        }
    }
}

fn resources(c: &Node, path: &FieldPath, e: &mut Errors) {
    let Some(r) = c.get("resources") else { return };
    for section in ["limits", "requests"] {
        for (name, key, _) in r
            .get(section)
            .map(|n| n.entries().collect::<Vec<_>>())
            .unwrap_or_default()
        {
            let standard =
                STANDARD_CONTAINER_RESOURCES.contains(&name) || name.starts_with("hugepages-");
            let extended = name.contains('/')
                && !name.starts_with("kubernetes.io/")
                && !name.starts_with("requests.");
            if !standard && !extended {
                e.invalid_node(
                    &path.key(section).map_key(name),
                    key,
                    "must be a standard resource for containers",
                );
            }
        }
    }
    let Some(requests) = r.get("requests") else {
        return;
    };
    for (name, _, req) in requests.entries() {
        let Some(lim) = r.path(&["limits", name]) else {
            continue;
        };
        let (Some(rq), Some(lq)) = (quantity::of_node(req), quantity::of_node(lim)) else {
            continue;
        };
        if rq > lq {
            let lim_text = lim.scalar_text().unwrap_or_default();
            e.invalid(
                &path.key("requests").map_key(name),
                render(req),
                format!("must be less than or equal to {name} limit of {lim_text}"),
            );
        }
    }
}

fn tolerations(spec: &Node, path: &FieldPath, e: &mut Errors) {
    for (i, t) in seq(spec, "tolerations").iter().enumerate() {
        let tp = path.index(i);
        let key = s(t, "key").unwrap_or("");
        let op = s(t, "operator").unwrap_or("Equal");
        if key.is_empty() && op != "Exists" {
            e.invalid(&tp.key("operator"), crate::cluster::field::quote(op), "operator must be Exists when `key` is empty, which means \"match all values and all keys\"");
        }
        if t.get("tolerationSeconds").is_some_and(|n| !n.is_null())
            && s(t, "effect").is_some_and(|ef| ef != "NoExecute")
        {
            e.invalid(
                &tp.key("effect"),
                crate::cluster::field::quote(s(t, "effect").unwrap_or("")),
                "effect must be 'NoExecute' when `tolerationSeconds` is set",
            );
        }
        if op == "Exists" && s(t, "value").is_some_and(|v| !v.is_empty()) {
            e.invalid(
                &tp.key("operator"),
                crate::cluster::field::quote(op),
                "value must be empty when `operator` is 'Exists'",
            );
        }
        if !matches!(op, "Exists" | "Equal")
            && let Some(n) = t.get("operator")
        {
            e.unsupported(&tp.key("operator"), n, &["Equal", "Exists"]);
        }
        if let Some(ef) = t.get("effect")
            && ef.as_str().is_some_and(|v| !v.is_empty())
        {
            one_of(
                e,
                &tp.key("effect"),
                Some(ef),
                &["NoSchedule", "PreferNoSchedule", "NoExecute"],
            );
        }
    }
}
