//! `rules/nodeport`: a nodePort the API server would reject.
//!
//! ## How it is checked
//! Checks every `spec.ports[].nodePort` of the run's Services: it must lie in the cluster's
//! NodePort range (`node-port-range` in `.kforge.yaml`, 30000-32767 by default), may only be set
//! on NodePort and LoadBalancer Services, and the same nodePort and protocol may not be used
//! twice in the run.
//!
//! What the rule is, why it matters and its examples: [`NODEPORT`] in `src/catalog/rules.rs`
//! (`kforge rules rules/nodeport`).

use super::index::Index;
use crate::catalog::rules::NODEPORT;
use crate::diag::Diagnostic;
use crate::object::Object;
use crate::yaml::Node;
use std::collections::BTreeMap;

pub fn check(ix: &Index, out: &mut Vec<Diagnostic>) {
    let (low, high) = ix.ctx.config.node_port_range;
    let mut seen: BTreeMap<(i64, &str), (&Object, &Node)> = BTreeMap::new();
    for svc in ix.of_kind("Service") {
        let Some(spec) = svc.root.get("spec") else {
            continue;
        };
        let svc_type = spec
            .get("type")
            .and_then(Node::as_str)
            .unwrap_or("ClusterIP");
        for (i, port) in spec
            .get("ports")
            .and_then(Node::as_seq)
            .unwrap_or(&[])
            .iter()
            .enumerate()
        {
            let Some(node) = port.get("nodePort") else {
                continue;
            };
            let Some(n) = node.as_i64() else { continue };
            if n == 0 {
                continue;
            }
            let d = Diagnostic::new(&NODEPORT, String::new()).with_object(svc.object_ref());
            if matches!(svc_type, "ClusterIP" | "ExternalName") {
                out.push(Diagnostic {
                    message: format!(
                        "Service \"{}\" is invalid: spec.ports[{i}].nodePort: Forbidden: may not be used when `type` is '{svc_type}'",
                        svc.name
                    ),
                    ..d
                }
                .at(node.site(), format!("a {svc_type} Service has no node ports"))
                .with_help("set type: NodePort (or LoadBalancer), or remove nodePort"));
                continue;
            }
            if n < i64::from(low) || n > i64::from(high) {
                out.push(Diagnostic {
                    message: format!(
                        "Service \"{}\" is invalid: spec.ports[{i}].nodePort: Invalid value: {n}: provided port is not in the valid range. The range of valid ports is {low}-{high}",
                        svc.name
                    ),
                    ..d
                }
                .at(node.site(), format!("{n} is outside {low}-{high}"))
                .with_help(format!("pick a nodePort between {low} and {high}, or leave it out to have one allocated")));
                continue;
            }
            let protocol = port.get("protocol").and_then(Node::as_str).unwrap_or("TCP");
            match seen.get(&(n, protocol)) {
                Some((first, first_node)) => out.push(
                    Diagnostic {
                        message: format!(
                            "Service \"{}\" is invalid: spec.ports[{i}].nodePort: Invalid value: {n}: provided port is already allocated",
                            svc.name
                        ),
                        ..d
                    }
                    .at(node.site(), format!("{protocol} node port {n} is used twice"))
                    .with_label(first_node.site(), format!("Service \"{}\" has it already", first.name))
                    .with_help("give each Service its own nodePort, or leave nodePort out to have one allocated"),
                ),
                None => {
                    seen.insert((n, protocol), (svc, node));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::config::Config;
    use crate::rules::tests::{check, check_with};

    fn service(node_port: i64) -> String {
        format!(
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: NodePort\n  ports:\n    - port: 80\n      nodePort: {node_port}\n"
        )
    }

    fn reported(yaml: &str, config: &Config) -> Vec<String> {
        check_with(yaml, config, false)
            .of("rules/nodeport")
            .iter()
            .map(|d| d.message.clone())
            .collect()
    }

    /// Both ends of the range are in it (the API server's range is inclusive); one step outside
    /// either end is not.
    #[test]
    fn the_range_is_inclusive_at_both_ends() {
        let default = Config::default();
        for port in [30000, 30001, 32766, 32767] {
            assert_eq!(
                reported(&service(port), &default),
                Vec::<String>::new(),
                "{port}"
            );
        }
        for port in [29999, 32768] {
            assert_eq!(
                reported(&service(port), &default),
                vec![format!(
                    "Service \"web\" is invalid: spec.ports[0].nodePort: Invalid value: {port}: provided port is not in the valid range. The range of valid ports is 30000-32767"
                )]
            );
        }
        // A profile's own range moves both ends.
        let narrow = Config {
            node_port_range: (31000, 31000),
            ..Config::default()
        };
        assert!(reported(&service(31000), &narrow).is_empty());
        assert_eq!(reported(&service(30999), &narrow).len(), 1);
        assert_eq!(reported(&service(31001), &narrow).len(), 1);
    }

    /// `nodePort: 0` asks for an allocated port, like leaving it out.
    #[test]
    fn node_port_zero_is_not_a_port() {
        assert!(check(&service(0)).of("rules/nodeport").is_empty());
    }

    /// The same number on another protocol is another allocation.
    #[test]
    fn the_same_port_on_udp_and_tcp_is_not_a_conflict() {
        let yaml = format!(
            "{}---\n{}      protocol: UDP\n",
            service(30080),
            service(30080).replace("name: web", "name: dns")
        );
        assert!(check(&yaml).of("rules/nodeport").is_empty(), "{yaml}");
        let both_tcp = format!(
            "{}---\n{}",
            service(30080),
            service(30080).replace("name: web", "name: dns")
        );
        assert_eq!(check(&both_tcp).of("rules/nodeport").len(), 1);
    }
}
