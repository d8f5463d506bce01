//! HorizontalPodAutoscaler, PodDisruptionBudget and NetworkPolicy checks (autoscaling, policy
//! and networking validation).

use crate::cluster::field::{Errors, FieldPath};
use crate::cluster::names;
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

fn int_or_percent(n: &Node, path: &FieldPath, e: &mut Errors) {
    if let Some(v) = n.as_i64()
        && v < 0
    {
        e.invalid_node(path, n, "must be greater than or equal to 0");
    }
    if let Some(s) = n.as_str() {
        match s.strip_suffix('%').map(str::parse::<i64>) {
            Some(Ok(p)) if p > 100 => e.invalid_node(path, n, "must not be greater than 100%"),
            Some(Ok(_)) => {}
            _ => e.invalid_node(
                path,
                n,
                "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
            ),
        }
    }
}

pub fn pdb(root: &Node, e: &mut Errors) {
    let sp = FieldPath::of("spec");
    let Some(spec) = root.get("spec") else { return };
    let min = spec.get("minAvailable").filter(|n| !n.is_null());
    let max = spec.get("maxUnavailable").filter(|n| !n.is_null());
    if min.is_some() && max.is_some() {
        e.invalid_node(
            &sp,
            spec,
            "minAvailable and maxUnavailable cannot be both set",
        );
    }
    if let Some(m) = min {
        int_or_percent(m, &sp.key("minAvailable"), e);
    }
    if let Some(m) = max {
        int_or_percent(m, &sp.key("maxUnavailable"), e);
    }
    if let Some(s) = spec.get("selector").filter(|n| !n.is_null()) {
        super::meta::label_selector(s, &sp.key("selector"), e);
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
