//! `rules/probe-port`: a probe checks a port its container does not have.
//!
//! ## How it is checked
//! For liveness, readiness and startup probes (`httpGet`, `tcpSocket`, `grpc`): a named port
//! must be the name of one of that container's ports (an error). A numeric port is never a
//! finding: `containerPort` is informational, and containers listen on ports they do not declare
//! (ingress-nginx probes an undeclared 10254).
//!
//! What the rule is, why it matters and its examples: [`PROBE_PORT`] in `src/catalog/rules.rs`
//! (`kforge rules rules/probe-port`).

use super::index::Index;
use crate::catalog::rules::PROBE_PORT;
use crate::diag::{Diagnostic, did_you_mean};
use crate::yaml::Value;

pub fn check(ix: &Index, out: &mut Vec<Diagnostic>) {
    for t in &ix.templates {
        for c in &t.containers {
            for probe in ["livenessProbe", "readinessProbe", "startupProbe"] {
                let Some(p) = c.node.get(probe) else { continue };
                for handler in ["httpGet", "tcpSocket", "grpc"] {
                    let Some(port) = p.get(handler).and_then(|h| h.get("port")) else {
                        continue;
                    };
                    if let Value::Str(name) = &port.value {
                        if c.ports.iter().any(|cp| cp.name == Some(name.as_str())) {
                            continue;
                        }
                        let names: Vec<&str> = c.ports.iter().filter_map(|cp| cp.name).collect();
                        let only = if names.len() == 1 {
                            names.first().copied()
                        } else {
                            None
                        };
                        let help = match did_you_mean(name, names.iter().copied()).or(only) {
                            Some(n) => {
                                format!("set the probe's port to \"{n}\", or to a port number")
                            }
                            None => format!(
                                "name the port container \"{}\" listens on \"{name}\", or give the probe a port number",
                                c.name
                            ),
                        };
                        let mut d = Diagnostic::new(
                                &PROBE_PORT,
                                format!("{} of container \"{}\" in {} checks port \"{name}\", which the container does not name", probe, c.name, t.owner_name()),
                            )
                            .at(port.site(), format!("container \"{}\" has no port named \"{name}\"", c.name))
                            .with_object(t.owner.object_ref());
                        for cp in &c.ports {
                            if let (Some(n), Some(node)) = (cp.name, cp.name_node) {
                                d = d.with_label(node.site(), format!("port \"{n}\""));
                            }
                        }
                        out.push(d.with_help(help));
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::tests::check;

    /// A Pod whose one container has `ports` (YAML list items, or nothing) and a readiness probe
    /// on `probe_port`.
    fn pod(ports: &[&str], probe_port: &str) -> String {
        let mut yaml = String::from(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27\n",
        );
        if !ports.is_empty() {
            yaml.push_str("      ports:\n");
            for p in ports {
                yaml.push_str(&format!("        - {p}\n"));
            }
        }
        yaml.push_str(&format!(
            "      readinessProbe:\n        httpGet:\n          path: /\n          port: {probe_port}\n"
        ));
        yaml
    }

    fn helps(yaml: &str) -> Vec<String> {
        check(yaml)
            .of("rules/probe-port")
            .iter()
            .map(|d| d.help.clone().unwrap_or_default())
            .collect()
    }

    #[test]
    fn a_probe_on_a_declared_port_is_silent() {
        let http = "{name: http, containerPort: 8080}";
        assert!(helps(&pod(&[http], "http")).is_empty());
        assert!(helps(&pod(&[http], "8080")).is_empty());
        // A number is not checked (issue 18): the container may listen without declaring it.
        assert!(helps(&pod(&[http], "9000")).is_empty());
        assert!(helps(&pod(&[], "8080")).is_empty());
    }

    #[test]
    fn the_help_names_the_only_named_port() {
        assert_eq!(
            helps(&pod(&["{name: http, containerPort: 8080}"], "metrics")),
            vec!["set the probe's port to \"http\", or to a port number".to_string()]
        );
        // Two names, neither close: no guess.
        assert_eq!(
            helps(&pod(
                &[
                    "{name: http, containerPort: 8080}",
                    "{name: grpc, containerPort: 9090}"
                ],
                "metrics"
            )),
            vec![
                "name the port container \"web\" listens on \"metrics\", or give the probe a port number"
                    .to_string()
            ]
        );
        // Two names, one close: that one.
        assert_eq!(
            helps(&pod(
                &[
                    "{name: http, containerPort: 8080}",
                    "{name: grpc, containerPort: 9090}"
                ],
                "htp"
            )),
            vec!["set the probe's port to \"http\", or to a port number".to_string()]
        );
        // No ports at all: a name cannot resolve.
        assert_eq!(
            helps(&pod(&[], "http")),
            vec![
                "name the port container \"web\" listens on \"http\", or give the probe a port number"
                    .to_string()
            ]
        );
        // An unnamed port does not count as the only name.
        assert_eq!(
            helps(&pod(&["{containerPort: 8080}"], "http")),
            vec![
                "name the port container \"web\" listens on \"http\", or give the probe a port number"
                    .to_string()
            ]
        );
    }
}
