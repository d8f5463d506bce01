//! networking.k8s.io: Ingress and NetworkPolicy.

use crate::cluster::field::{Errors, FieldPath};
use crate::cluster::names;
use crate::yaml::Node;

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
            ingress_path(p, &hp.key("paths").index(j), e);
        }
    }
    ingress_tls(spec, &sp, e);
}

/// One path of an Ingress rule: its type, its form, its backend.
fn ingress_path(p: &Node, pp: &FieldPath, e: &mut Errors) {
    let ty = p.get("pathType").and_then(Node::as_str);
    match (ty, p.get("pathType")) {
        (None, _) => e.required(&pp.key("pathType"), "pathType must be specified"),
        (Some(t), Some(n)) if !matches!(t, "Exact" | "Prefix" | "ImplementationSpecific") => e
            .unsupported(
                &pp.key("pathType"),
                n,
                &["Exact", "ImplementationSpecific", "Prefix"],
            ),
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
                    e.invalid_node(&pp.key("path"), pn, format!("must not contain '{bad}'"));
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

/// The hosts and secret of each `spec.tls` entry.
fn ingress_tls(spec: &Node, sp: &FieldPath, e: &mut Errors) {
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

/// NetworkPolicy (networking validation: `ValidateNetworkPolicySpec`).
pub fn network_policy(root: &Node, e: &mut Errors) {
    let sp = FieldPath::of("spec");
    let Some(spec) = root.get("spec") else { return };
    if let Some(s) = spec.get("podSelector") {
        super::meta::label_selector(s, &sp.key("podSelector"), e);
    }
    for (direction, peers_key) in [("ingress", "from"), ("egress", "to")] {
        for (i, rule) in items(spec.get(direction)).iter().enumerate() {
            let rp = sp.key(direction).index(i);
            for (j, port) in items(rule.get("ports")).iter().enumerate() {
                network_policy_port(port, &rp.key("ports").index(j), e);
            }
            for (j, peer) in items(rule.get(peers_key)).iter().enumerate() {
                network_policy_peer(peer, &rp.key(peers_key).index(j), e);
            }
        }
    }
    let types = items(spec.get("policyTypes"));
    let tp = sp.key("policyTypes");
    if types.len() > 2 {
        if let Some(n) = spec.get("policyTypes") {
            e.invalid_node(&tp, n, "may not specify more than two policyTypes");
        }
        return;
    }
    for (i, t) in types.iter().enumerate() {
        if !matches!(t.as_str(), Some("Ingress" | "Egress")) {
            e.unsupported(&tp.index(i), t, &["Ingress", "Egress"]);
        }
    }
}

fn items(node: Option<&Node>) -> &[Node] {
    node.and_then(Node::as_seq).unwrap_or(&[])
}

fn network_policy_port(port: &Node, path: &FieldPath, e: &mut Errors) {
    if let Some(p) = port.get("protocol")
        && !matches!(p.as_str(), Some("TCP" | "UDP" | "SCTP"))
    {
        e.unsupported(&path.key("protocol"), p, &["SCTP", "TCP", "UDP"]);
    }
    let number = port.get("port").filter(|n| !n.is_null());
    let end = port.get("endPort").filter(|n| !n.is_null());
    match number.map(|n| (n, n.as_i64())) {
        Some((n, Some(v))) => {
            if !(1..=65535).contains(&v) {
                e.invalid_node(&path.key("port"), n, names::PORT_NUMBER_MSG);
            }
            if let Some(end_node) = end
                && let Some(end_value) = end_node.as_i64()
            {
                if end_value < v {
                    e.invalid_node(
                        &path.key("endPort"),
                        n,
                        "must be greater than or equal to `port`",
                    );
                }
                if !(1..=65535).contains(&end_value) {
                    e.invalid_node(&path.key("endPort"), end_node, names::PORT_NUMBER_MSG);
                }
            }
        }
        Some((n, None)) => {
            if let Some(end_node) = end {
                e.invalid_node(
                    &path.key("endPort"),
                    end_node,
                    "may not be specified when `port` is non-numeric",
                );
            }
            e.check_str(&path.key("port"), Some(n), names::iana_svc_name);
        }
        None => {
            if let Some(end_node) = end {
                e.invalid_node(
                    &path.key("endPort"),
                    end_node,
                    "may not be specified when `port` is not specified",
                );
            }
        }
    }
}

fn network_policy_peer(peer: &Node, path: &FieldPath, e: &mut Errors) {
    let mut peers = 0;
    for key in ["podSelector", "namespaceSelector"] {
        if let Some(s) = peer.get(key).filter(|n| !n.is_null()) {
            peers += 1;
            super::meta::label_selector(s, &path.key(key), e);
        }
    }
    let ip_block = peer.get("ipBlock").filter(|n| !n.is_null());
    if let Some(b) = ip_block {
        peers += 1;
        self::ip_block(b, &path.key("ipBlock"), e);
    }
    if peers == 0 {
        e.required(path, "must specify a peer");
    } else if peers > 1 && ip_block.is_some() {
        e.forbidden(path, "may not specify both ipBlock and another peer");
    }
}

const CIDR_MSG: &str = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)";

fn ip_block(block: &Node, path: &FieldPath, e: &mut Errors) {
    let cp = path.key("cidr");
    let Some(cidr_node) = block
        .get("cidr")
        .filter(|n| n.as_str().is_some_and(|s| !s.is_empty()))
    else {
        e.required(&cp, "");
        return;
    };
    let cidr = cidr_node.as_str().and_then(Cidr::parse);
    if cidr.is_none() {
        e.invalid_node(&cp, cidr_node, CIDR_MSG);
    }
    for (i, except_node) in items(block.get("except")).iter().enumerate() {
        let ep = path.key("except").index(i);
        let Some(except) = except_node.as_str().and_then(Cidr::parse) else {
            e.invalid_node(&ep, except_node, CIDR_MSG);
            continue;
        };
        if let Some(outer) = cidr
            && !outer.strictly_contains(&except)
        {
            e.invalid_node(&ep, except_node, "must be a strict subset of `cidr`");
        }
    }
}

/// An IPv4 or IPv6 network, its address masked to its prefix as Go's `net.ParseCIDR` gives it.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Cidr {
    v6: bool,
    network: u128,
    prefix: u32,
}

impl Cidr {
    fn parse(text: &str) -> Option<Cidr> {
        let (ip, prefix) = text.split_once('/')?;
        if prefix.is_empty() || !prefix.bytes().all(|b| b.is_ascii_digit()) || prefix.len() > 3 {
            return None;
        }
        let prefix: u32 = prefix.parse().ok()?;
        let (v6, bits, address) = match ip.parse::<std::net::IpAddr>().ok()? {
            std::net::IpAddr::V4(a) => (false, 32, u128::from(u32::from(a))),
            std::net::IpAddr::V6(a) => (true, 128, u128::from(a)),
        };
        if prefix > bits {
            return None;
        }
        let host_bits = bits - prefix;
        let network = address
            .checked_shr(host_bits)
            .unwrap_or(0)
            .checked_shl(host_bits)
            .unwrap_or(0);
        Some(Cidr {
            v6,
            network,
            prefix,
        })
    }

    /// `inner` lies inside this network and is smaller than it.
    fn strictly_contains(&self, inner: &Cidr) -> bool {
        let bits = if self.v6 { 128 } else { 32 };
        let host_bits = bits - self.prefix;
        self.v6 == inner.v6
            && inner.prefix > self.prefix
            && inner.network.checked_shr(host_bits).unwrap_or(0)
                == self.network.checked_shr(host_bits).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::Cidr;

    #[test]
    fn cidrs_parse_and_nest_as_in_go() {
        let c = |s: &str| Cidr::parse(s).unwrap_or_else(|| panic!("{s}"));
        assert_eq!(c("10.1.2.3/8"), c("10.0.0.0/8"));
        assert!(c("10.0.0.0/8").strictly_contains(&c("10.1.0.0/16")));
        assert!(!c("10.0.0.0/8").strictly_contains(&c("10.0.0.0/8")));
        assert!(!c("10.0.0.0/16").strictly_contains(&c("10.1.0.0/24")));
        assert!(!c("10.0.0.0/8").strictly_contains(&c("::/64")));
        assert!(c("2001:db8::/32").strictly_contains(&c("2001:db8:1::/48")));
        assert!(c("0.0.0.0/0").strictly_contains(&c("169.254.169.254/32")));
        for bad in [
            "10.0.0.0",
            "10.0.0.0/33",
            "10.0.0/8",
            "10.0.0.0/",
            "::/129",
            "x/8",
            "10.0.0.0/+8",
        ] {
            assert_eq!(Cidr::parse(bad), None, "{bad}");
        }
    }
}
