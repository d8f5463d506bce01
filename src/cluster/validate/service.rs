//! Service checks (`ValidateService`). Allocation (clusterIP, nodePort) is in `allocators`.

use crate::cluster::field::{Errors, FieldPath, quote, render};
use crate::cluster::names;
use crate::yaml::Node;
use std::collections::BTreeSet;

const TYPES: &[&str] = &["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"];

pub fn service(root: &Node, e: &mut Errors) {
    let sp = FieldPath::of("spec");
    let Some(spec) = root.get("spec") else {
        e.required(&sp.key("ports"), "");
        return;
    };
    let ty = spec
        .get("type")
        .and_then(Node::as_str)
        .filter(|t| !t.is_empty())
        .unwrap_or("ClusterIP");
    if let Some(t) = spec.get("type")
        && !TYPES.contains(&ty)
    {
        e.unsupported(&sp.key("type"), t, TYPES);
        return;
    }
    let cluster_ip = spec.get("clusterIP").and_then(Node::as_str).unwrap_or("");
    let headless = cluster_ip == "None";
    let ports = spec.get("ports").and_then(Node::as_seq).unwrap_or(&[]);
    if ports.is_empty() && !headless && ty != "ExternalName" {
        e.required(&sp.key("ports"), "");
    }
    check_ports(ports, &sp, ty, e);
    if headless
        && matches!(ty, "NodePort" | "LoadBalancer")
        && let Some(n) = spec.get("clusterIP")
    {
        e.invalid_node(
            &sp.key("clusterIP"),
            n,
            format!("may not be set to 'None' for {ty} services"),
        );
    }
    cluster_ips(spec, &sp, cluster_ip, e);
    fields_of_other_types(spec, &sp, ty, e);
    traffic(spec, &sp, ty, e);
    if let Some(sel) = spec.get("selector") {
        crate::cluster::validate::meta::labels(Some(sel), &sp.key("selector"), e);
    }
}

/// `spec.ports`: names, protocols, port numbers, target ports and node ports, each unique where
/// the API server wants it.
fn check_ports(ports: &[Node], sp: &FieldPath, ty: &str, e: &mut Errors) {
    let mut names_seen = BTreeSet::new();
    let mut port_proto = BTreeSet::new();
    let mut node_ports = BTreeSet::new();
    for (i, p) in ports.iter().enumerate() {
        let pp = sp.key("ports").index(i);
        match p
            .get("name")
            .filter(|n| n.as_str().is_some_and(|s| !s.is_empty()))
        {
            Some(n) => {
                let name = n.as_str().unwrap_or_default();
                e.check(&pp.key("name"), n, names::dns1123_label(name));
                if !names_seen.insert(name.to_string()) {
                    e.duplicate(&pp.key("name"), render(n));
                }
            }
            None if ports.len() > 1 => e.required(&pp.key("name"), ""),
            None => {}
        }
        let proto = p.get("protocol").and_then(Node::as_str).unwrap_or("TCP");
        if let Some(pn) = p.get("protocol")
            && !["TCP", "UDP", "SCTP"].contains(&proto)
        {
            e.unsupported(&pp.key("protocol"), pn, &["SCTP", "TCP", "UDP"]);
        }
        match p.get("port") {
            None => e.required(&pp.key("port"), ""),
            Some(n) => {
                if let Some(v) = n.as_i64() {
                    if !(1..=65535).contains(&v) {
                        e.invalid_node(&pp.key("port"), n, names::PORT_NUMBER_MSG);
                    } else if !port_proto.insert((v, proto.to_string())) {
                        e.duplicate(
                            &pp,
                            format!("{{\"port\":{v},\"protocol\":{}}}", quote(proto)),
                        );
                    }
                }
            }
        }
        if let Some(tp) = p.get("targetPort") {
            match (tp.as_i64(), tp.as_str()) {
                (Some(v), _) if !(0..=65535).contains(&v) => {
                    e.invalid_node(&pp.key("targetPort"), tp, names::PORT_NUMBER_MSG)
                }
                (_, Some(s)) if !s.is_empty() && s.parse::<i64>().is_err() => {
                    e.check(&pp.key("targetPort"), tp, names::iana_svc_name(s))
                }
                _ => {}
            }
        }
        if let Some(np) = p
            .get("nodePort")
            .filter(|n| n.as_i64().is_some_and(|v| v != 0))
        {
            if ty == "ClusterIP" {
                e.forbidden(
                    &pp.key("nodePort"),
                    "may not be used when `type` is 'ClusterIP'",
                );
            } else if let Some(v) = np.as_i64()
                && !node_ports.insert((v, proto.to_string()))
            {
                e.duplicate(&pp.key("nodePort"), v.to_string());
            }
        }
    }
}

/// `spec.clusterIPs` against `spec.clusterIP`.
fn cluster_ips(spec: &Node, sp: &FieldPath, cluster_ip: &str, e: &mut Errors) {
    if let Some(ips) = spec.get("clusterIPs").and_then(Node::as_seq) {
        let first = ips.first().and_then(Node::as_str);
        if !cluster_ip.is_empty() && first.is_some_and(|f| f != cluster_ip) {
            e.invalid_node(
                &sp.key("clusterIPs"),
                spec.get("clusterIPs").unwrap_or(spec),
                "first value must match `clusterIP`",
            );
        }
        if ips.iter().skip(1).any(|ip| ip.as_str() == Some("None"))
            || (first == Some("None") && ips.len() > 1)
        {
            e.invalid_node(
                &sp.key("clusterIPs"),
                spec.get("clusterIPs").unwrap_or(spec),
                "'None' must be the first and only value",
            );
        }
        if ips.len() > 2 {
            e.invalid_node(
                &sp.key("clusterIPs"),
                spec.get("clusterIPs").unwrap_or(spec),
                "may only hold up to 2 values",
            );
        }
    }
}

/// What only ExternalName or only LoadBalancer Services may set.
fn fields_of_other_types(spec: &Node, sp: &FieldPath, ty: &str, e: &mut Errors) {
    if ty == "ExternalName" {
        match spec
            .get("externalName")
            .filter(|n| n.as_str().is_some_and(|s| !s.is_empty()))
        {
            None => e.required(&sp.key("externalName"), ""),
            Some(n) => {
                let name = n.as_str().unwrap_or_default();
                e.check(
                    &sp.key("externalName"),
                    n,
                    names::dns1123_subdomain(name.strip_suffix('.').unwrap_or(name)),
                );
            }
        }
        for key in ["clusterIPs", "ipFamilies", "ipFamilyPolicy"] {
            if spec
                .get(key)
                .is_some_and(|n| !n.is_null() && n.as_seq().is_none_or(|s| !s.is_empty()))
            {
                e.forbidden(&sp.key(key), "may not be set for ExternalName services");
            }
        }
    }
    if ty != "LoadBalancer" {
        for key in [
            "loadBalancerSourceRanges",
            "allocateLoadBalancerNodePorts",
            "loadBalancerClass",
        ] {
            if spec
                .get(key)
                .is_some_and(|n| !n.is_null() && n.as_seq().is_none_or(|s| !s.is_empty()))
            {
                e.forbidden(
                    &sp.key(key),
                    "may only be used when `type` is 'LoadBalancer'",
                );
            }
        }
    }
}

/// externalTrafficPolicy and session affinity.
fn traffic(spec: &Node, sp: &FieldPath, ty: &str, e: &mut Errors) {
    let external = matches!(ty, "NodePort" | "LoadBalancer")
        || spec
            .get("externalIPs")
            .and_then(Node::as_seq)
            .is_some_and(|s| !s.is_empty());
    if let Some(etp) = spec
        .get("externalTrafficPolicy")
        .filter(|n| n.as_str().is_some_and(|s| !s.is_empty()))
    {
        if !external {
            e.invalid_node(
                &sp.key("externalTrafficPolicy"),
                etp,
                "may only be set for externally-accessible services",
            );
        } else if !matches!(etp.as_str(), Some("Cluster" | "Local")) {
            e.unsupported(&sp.key("externalTrafficPolicy"), etp, &["Cluster", "Local"]);
        }
    }
    if let Some(sa) = spec.get("sessionAffinity")
        && !matches!(sa.as_str(), Some("None" | "ClientIP"))
    {
        e.unsupported(&sp.key("sessionAffinity"), sa, &["ClientIP", "None"]);
    }
    if let Some(t) = spec.path(&["sessionAffinityConfig", "clientIP", "timeoutSeconds"])
        && let Some(v) = t.as_i64()
        && !(1..=86400).contains(&v)
    {
        e.invalid_node(
            &sp.key("sessionAffinityConfig")
                .key("clientIP")
                .key("timeoutSeconds"),
            t,
            "must be greater than 0 and less than 86400",
        );
    }
}
