//! `rules/service-target-port`: a Service sends traffic to a port no selected container has.
//!
//! ## How it is checked
//! For each port of a Service whose selector matches pod templates of the run, resolves the
//! `targetPort` (a number, a port name, or defaulted to `port`) against the containers of
//! every selected template. A named targetPort must be the name of a container port in every
//! selected template; a numeric one must be a declared `containerPort` when the selected
//! containers declare their ports at all.
//!
//! A name that resolves in some selected templates but not others (Jobs sharing the labels,
//! optional components) is a warning, and is not reported when only Job or CronJob pods lack
//! it. A name that resolves nowhere is an error when it looks like a typo (a close port name
//! exists, or no other port of the Service reaches a pod), else a warning: charts often declare
//! a container port only in some configurations (TLS, several replicas).
//!
//! What the rule is, why it matters and its examples: [`SERVICE_TARGET_PORT`] in `src/catalog/rules.rs`
//! (`kforge rules rules/service-target-port`).

use super::index::{ContainerPort, Index, PodTemplate};
use super::selector;
use super::service_selects_nothing::service_selector;
use crate::catalog::rules::SERVICE_TARGET_PORT;
use crate::diag::{Diagnostic, Severity, did_you_mean};
use crate::object::Object;
use crate::source::Span;
use crate::yaml::{Node, Value};

/// Most secondary labels shown for the ports that do exist.
const MAX_PORT_LABELS: usize = 4;

pub fn check(ix: &Index, out: &mut Vec<Diagnostic>) {
    for svc in ix.of_kind("Service") {
        let Some(sel) = service_selector(svc) else {
            continue;
        };
        let templates = selector::selected(ix, ix.ns(svc), &sel);
        if templates.is_empty() {
            continue;
        }
        let ports = svc
            .root
            .path(&["spec", "ports"])
            .and_then(Node::as_seq)
            .unwrap_or(&[]);
        // Whether some port of the Service reaches a named container port: when one does, a
        // name that resolves nowhere is more likely a port the chart only declares in some
        // configurations (TLS, several replicas) than a typo.
        let named_resolves = |name: &str| {
            templates.iter().any(|t| {
                t.all_containers()
                    .any(|c| c.ports.iter().any(|p| p.name == Some(name)))
            })
        };
        let reachable = ports
            .iter()
            .filter_map(|p| p.get("targetPort").and_then(Node::as_str))
            .filter(|name| named_resolves(name))
            .count();
        for port in ports {
            let Some(port_node) = port.get("port") else {
                continue;
            };
            let Some(number) = port_node.as_i64() else {
                continue;
            };
            match port.get("targetPort") {
                None => check_number(svc, number, number, port_node.site(), true, &templates, out),
                Some(t) => match &t.value {
                    Value::Int(n) => {
                        check_number(svc, number, *n, t.site(), false, &templates, out)
                    }
                    Value::Str(name) => {
                        check_name(svc, number, name, t.site(), &templates, reachable > 0, out)
                    }
                    _ => {}
                },
            }
        }
    }
}

fn owners(templates: &[&PodTemplate]) -> String {
    let names: Vec<String> = templates.iter().map(|t| t.owner_name()).collect();
    names.join(", ")
}

fn check_number(
    svc: &Object,
    port: i64,
    target: i64,
    site: Span,
    defaulted: bool,
    templates: &[&PodTemplate],
    out: &mut Vec<Diagnostic>,
) {
    let declared: Vec<(&str, &ContainerPort)> = templates
        .iter()
        .flat_map(|t| t.all_containers())
        .flat_map(|c| c.ports.iter().map(move |p| (c.name, p)))
        .collect();
    // Containers need not declare the ports they listen on; with nothing declared there is
    // nothing to compare with.
    if declared.is_empty() || declared.iter().any(|(_, p)| p.number == Some(target)) {
        return;
    }
    let how = if defaulted {
        "defaults targetPort to port"
    } else {
        "sends port"
    };
    let message = if defaulted {
        format!(
            "Service \"{}\" {how} {port}, which no selected container exposes",
            svc.name
        )
    } else {
        format!(
            "Service \"{}\" sends port {port} to targetPort {target}, which no selected container exposes",
            svc.name
        )
    };
    let mut d = Diagnostic::new(&SERVICE_TARGET_PORT, message)
        .at(
            site,
            format!("no container of {} listens on {target}", owners(templates)),
        )
        .with_object(svc.object_ref());
    for (container, p) in declared.iter().take(MAX_PORT_LABELS) {
        if let Some(n) = p.number {
            d = d.with_label(
                p.number_node.site(),
                format!("container \"{container}\" exposes {n}"),
            );
        }
    }
    let mut numbers: Vec<i64> = declared.iter().filter_map(|(_, p)| p.number).collect();
    numbers.dedup();
    let help = match (
        numbers.as_slice(),
        declared.iter().find_map(|(_, p)| p.name),
    ) {
        ([only], Some(name)) => format!("set targetPort to {only} or to its name \"{name}\""),
        ([only], None) => {
            format!(
                "set targetPort to {only}, or name the container port (name: http) and target it by name"
            )
        }
        _ => {
            let list: Vec<String> = numbers.iter().map(i64::to_string).collect();
            format!(
                "set targetPort to the port the application listens on ({})",
                list.join(", ")
            )
        }
    };
    out.push(d.with_help(help));
}

/// A named targetPort must name a container port in every selected template. Missing in some
/// templates (Jobs sharing the labels, optional components): a warning, those pods are left
/// out of the endpoints. Missing in all: an error when it looks like a typo (a close name
/// exists, or no port of the Service reaches anything), else a warning.
fn check_name(
    svc: &Object,
    port: i64,
    name: &str,
    site: Span,
    templates: &[&PodTemplate],
    other_ports_reach: bool,
    out: &mut Vec<Diagnostic>,
) {
    let lacking: Vec<&PodTemplate> = templates
        .iter()
        .copied()
        .filter(|t| {
            !t.all_containers()
                .any(|c| c.ports.iter().any(|p| p.name == Some(name)))
        })
        .collect();
    // Pods of Jobs and CronJobs sharing the Service's labels run to completion; leaving them out
    // of the endpoints is what the user wants, as long as a long-running pod serves the port.
    let batch = |t: &&PodTemplate| matches!(t.owner.kind.as_str(), "Job" | "CronJob");
    let lacking: Vec<&PodTemplate> = if lacking.iter().all(batch) && lacking.len() < templates.len()
    {
        Vec::new()
    } else {
        lacking
    };
    if lacking.is_empty() {
        return;
    }
    let mut d = Diagnostic::new(
        &SERVICE_TARGET_PORT,
        format!(
            "Service \"{}\" sends port {port} to targetPort \"{name}\", which no container of {} names",
            svc.name,
            owners(&lacking)
        ),
    )
    .at(site, format!("no container port is named \"{name}\""))
    .with_object(svc.object_ref());
    let mut names: Vec<&str> = Vec::new();
    let mut shown = 0;
    for c in lacking.iter().flat_map(|t| t.all_containers()) {
        for p in &c.ports {
            let number = p.number.map(|n| n.to_string()).unwrap_or_default();
            if shown < MAX_PORT_LABELS {
                d = match (p.name, p.name_node) {
                    (Some(n), Some(node)) => d.with_label(
                        node.site(),
                        format!("container \"{}\" names port {number} \"{n}\"", c.name),
                    ),
                    _ => d.with_label(
                        p.number_node.site(),
                        format!("container \"{}\" exposes {number} without a name", c.name),
                    ),
                };
                shown += 1;
            }
            names.extend(p.name);
        }
    }
    let close = did_you_mean(name, names.iter().copied());
    let severity = if lacking.len() < templates.len() {
        d = d.with_note(format!(
            "the pods of {} are left out of this port's endpoints; the other selected pods serve it",
            owners(&lacking)
        ));
        Severity::Warning
    } else if close.is_some() || !other_ports_reach {
        Severity::Error
    } else {
        d = d.with_note(
            "no selected pod serves this port; expected if the chart declares the container port only in some configurations",
        );
        Severity::Warning
    };
    d = d.with_severity(severity);
    let only = if names.len() == 1 {
        names.first().copied()
    } else {
        None
    };
    let help = match close.or(only) {
        Some(n) => format!("set targetPort to \"{n}\", or rename the container port to \"{name}\""),
        None => format!(
            "name the container port \"{name}\" (ports: - name: {name}, containerPort: …) or target it by number"
        ),
    };
    out.push(d.with_help(help));
}

#[cfg(test)]
mod tests {
    use crate::diag::Severity;
    use crate::rules::tests::check;

    /// A Service "web" on `target_port` and a Deployment whose container declares `ports`
    /// ports, 8081, 8082, … named p1, p2, ….
    fn manifests(target_port: &str, ports: usize) -> String {
        let mut yaml = format!(
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n    - port: 80\n      targetPort: {target_port}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n          ports:\n"
        );
        for i in 1..=ports {
            yaml.push_str(&format!(
                "            - name: p{i}\n              containerPort: {}\n",
                8080 + i
            ));
        }
        yaml
    }

    fn labels(yaml: &str) -> Vec<Vec<String>> {
        check(yaml)
            .of("rules/service-target-port")
            .iter()
            .map(|d| d.secondary.iter().map(|l| l.message.clone()).collect())
            .collect()
    }

    /// At most four of the ports that do exist are labelled: three show three, four show four,
    /// five show the first four.
    #[test]
    fn at_most_four_existing_ports_are_labelled() {
        let exposes = |n: usize| -> Vec<String> {
            (1..=n)
                .map(|i| format!("container \"web\" exposes {}", 8080 + i))
                .collect()
        };
        let names = |n: usize| -> Vec<String> {
            (1..=n)
                .map(|i| format!("container \"web\" names port {} \"p{i}\"", 8080 + i))
                .collect()
        };
        for (ports, shown) in [(3, 3), (4, 4), (5, 4)] {
            assert_eq!(
                labels(&manifests("9999", ports)),
                vec![exposes(shown)],
                "{ports}"
            );
            assert_eq!(
                labels(&manifests("nope", ports)),
                vec![names(shown)],
                "{ports}"
            );
        }
    }

    /// The near miss that is correct: the target is one of the declared ports, by number or name.
    #[test]
    fn a_target_among_the_declared_ports_is_silent() {
        for target in ["8081", "8085", "p1", "p5"] {
            assert_eq!(
                labels(&manifests(target, 5)),
                Vec::<Vec<String>>::new(),
                "{target}"
            );
        }
    }

    /// A Service "web" with `ports` (YAML list items) selecting app: web, then `pods`.
    fn service(ports: &[&str], pods: &str) -> String {
        let mut yaml = String::from(
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n",
        );
        for p in ports {
            yaml.push_str(&format!("    - {p}\n"));
        }
        yaml.push_str("---\n");
        yaml.push_str(pods);
        yaml
    }

    /// (severity, message) of each finding.
    fn severities(yaml: &str) -> Vec<(Severity, String)> {
        check(yaml)
            .of("rules/service-target-port")
            .iter()
            .map(|d| (d.severity, d.message.clone()))
            .collect()
    }

    /// Containers that declare no ports at all: nothing to compare a number with.
    #[test]
    fn numbers_are_not_checked_when_no_port_is_declared() {
        assert!(labels(&manifests("9999", 0)).is_empty());
        let no_ports = manifests("1", 0);
        let no_ports = no_ports.split("---\n").nth(1).unwrap();
        assert!(labels(&service(&["{port: 9999}"], no_ports)).is_empty());
        // With a port declared, the defaulted targetPort is compared.
        let one_port = manifests("1", 1);
        let one_port = one_port.split("---\n").nth(1).unwrap();
        assert_eq!(
            severities(&service(&["{port: 9999}"], one_port)),
            vec![(
                Severity::Error,
                "Service \"web\" defaults targetPort to port 9999, which no selected container exposes".to_string()
            )]
        );
    }

    /// A name that resolves nowhere is an error when it looks like a typo (a close name) or
    /// when no other port of the Service reaches a pod; else a warning (a port the chart only
    /// declares in some configurations).
    #[test]
    fn a_name_missing_everywhere_is_an_error_unless_another_port_reaches() {
        let pods = manifests("1", 1);
        let pods = pods.split("---\n").nth(1).unwrap();
        let msg = |name: &str| {
            format!(
                "Service \"web\" sends port 80 to targetPort \"{name}\", which no container of Deployment \"web\" names"
            )
        };
        assert_eq!(
            severities(&service(&["{port: 80, targetPort: p2}"], pods)),
            vec![(Severity::Error, msg("p2"))]
        );
        assert_eq!(
            severities(&service(&["{port: 80, targetPort: metrics}"], pods)),
            vec![(Severity::Error, msg("metrics"))]
        );
        assert_eq!(
            severities(&service(
                &[
                    "{port: 80, targetPort: metrics}",
                    "{port: 81, targetPort: p1}"
                ],
                pods
            )),
            vec![(Severity::Warning, msg("metrics"))]
        );
        // A close name is an error even when another port reaches.
        assert_eq!(
            severities(&service(
                &["{port: 80, targetPort: p2}", "{port: 81, targetPort: p1}"],
                pods
            )),
            vec![(Severity::Error, msg("p2"))]
        );
    }

    /// Batch pods lacking the name are excused only when a long-running pod serves it: a Job
    /// alone is reported.
    #[test]
    fn batch_pods_alone_are_not_excused() {
        let job = "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: once\nspec:\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      restartPolicy: Never\n      containers:\n        - name: once\n          image: busybox:1.36\n          ports:\n            - name: p1\n              containerPort: 8081\n";
        assert_eq!(
            severities(&service(&["{port: 80, targetPort: http}"], job)),
            vec![(
                Severity::Error,
                "Service \"web\" sends port 80 to targetPort \"http\", which no container of Job \"once\" names".to_string()
            )]
        );
        let deployment = manifests("1", 1).replace("name: p1", "name: http");
        let deployment = deployment.split("---\n").nth(1).unwrap();
        let both = service(
            &["{port: 80, targetPort: http}"],
            &format!("{deployment}---\n{job}"),
        );
        assert_eq!(severities(&both), vec![]);
    }
}
