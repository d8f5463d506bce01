//! `rules/ingress-backend`: an Ingress backend that names a Service or port the run lacks.
//!
//! ## How it is checked
//! For every backend of an Ingress (`defaultBackend` and every rule path; `serviceName` and
//! `servicePort` in the old v1beta1 form) looks the Service up in the Ingress's namespace and
//! checks that the port number or name is a port of that Service. A Service absent from the run
//! is a warning (it may already exist; an error with `--strict` unless assumed to exist in
//! `.kforge.yaml`); an `ingressClassName` naming no IngressClass of the run is a warning.
//!
//! What the rule is, why it matters and its examples: [`INGRESS_BACKEND`] in `src/catalog/rules.rs`
//! (`kforge rules rules/ingress-backend`).

use super::index::Index;
use crate::catalog::rules::INGRESS_BACKEND;
use crate::diag::{Diagnostic, Severity};
use crate::object::Object;
use crate::yaml::{Node, Value};

/// A backend: the Service name node and the port node (number or name).
struct Backend<'a> {
    name: &'a Node,
    port: Option<&'a Node>,
}

fn backend(node: &Node) -> Option<Backend<'_>> {
    if let Some(svc) = node.get("service") {
        let port = svc
            .get("port")
            .and_then(|p| p.get("number").or_else(|| p.get("name")));
        return Some(Backend {
            name: svc.get("name")?,
            port,
        });
    }
    Some(Backend {
        name: node.get("serviceName")?,
        port: node.get("servicePort"),
    })
}

pub fn check(ix: &Index, out: &mut Vec<Diagnostic>) {
    for ing in ix.of_kind("Ingress") {
        let Some(spec) = ing.root.get("spec") else {
            continue;
        };
        let ns = ix.ns(ing);
        let mut backends = Vec::new();
        backends.extend(
            spec.get("defaultBackend")
                .or_else(|| spec.get("backend"))
                .and_then(backend),
        );
        for rule in spec.get("rules").and_then(Node::as_seq).unwrap_or(&[]) {
            for path in rule
                .path(&["http", "paths"])
                .and_then(Node::as_seq)
                .unwrap_or(&[])
            {
                backends.extend(path.get("backend").and_then(backend));
            }
        }
        for b in backends {
            check_backend(ix, ing, ns, &b, out);
        }
        if let Some(class) = spec.get("ingressClassName")
            && let Some(name) = class.as_str()
            && ix.get("IngressClass", "", name).is_none()
            && !ix.ctx.config.assumes("IngressClass", None, name)
        {
            out.push(
                Diagnostic::new(&INGRESS_BACKEND, format!("Ingress \"{}\" uses IngressClass \"{name}\", which the run does not create", ing.name))
                    .with_severity(Severity::Warning)
                    .at(class.site(), format!("no IngressClass \"{name}\" in the run"))
                    .with_object(ing.object_ref())
                    .with_note("the class is usually installed with the ingress controller; without it no controller serves this Ingress")
                    .with_help(format!("check that the cluster's ingress controller provides class \"{name}\", or list it under assume-exists in .kforge.yaml")),
            );
        }
    }
}

fn check_backend(ix: &Index, ing: &Object, ns: &str, b: &Backend, out: &mut Vec<Diagnostic>) {
    let Some(name) = b.name.as_str() else { return };
    let Some(svc) = ix.get("Service", ns, name) else {
        if ix.ctx.config.assumes("Service", Some(ns), name) {
            return;
        }
        out.push(
            Diagnostic::new(
                &INGRESS_BACKEND,
                format!("Ingress \"{}\" routes to Service \"{name}\", which the run does not create", ing.name),
            )
            .with_severity(super::may_pre_exist(ix.ctx))
            .at(b.name.site(), format!("no Service \"{name}\" in namespace \"{ns}\""))
            .with_object(ing.object_ref())
            .with_note("the Service may already exist in the cluster")
            .with_help("create the Service in the same namespace, or list it under assume-exists in .kforge.yaml"),
        );
        return;
    };
    let Some(port) = b.port else { return };
    let ports = svc
        .root
        .path(&["spec", "ports"])
        .and_then(Node::as_seq)
        .unwrap_or(&[]);
    let found = match &port.value {
        Value::Int(n) => ports
            .iter()
            .any(|p| p.get("port").and_then(Node::as_i64) == Some(*n)),
        Value::Str(s) => ports
            .iter()
            .any(|p| p.get("name").and_then(Node::as_str) == Some(s.as_str())),
        _ => true,
    };
    if found {
        return;
    }
    let shown = port.scalar_text().unwrap_or_default();
    let what = if port.as_i64().is_some() {
        format!("port {shown}")
    } else {
        format!("port \"{shown}\"")
    };
    let exposed: Vec<String> = ports
        .iter()
        .filter_map(|p| {
            let n = p.get("port").and_then(Node::scalar_text)?;
            Some(match p.get("name").and_then(Node::as_str) {
                Some(name) => format!("{n} ({name})"),
                None => n,
            })
        })
        .collect();
    let mut d = Diagnostic::new(
        &INGRESS_BACKEND,
        format!(
            "Ingress \"{}\" sends traffic to {what} of Service \"{name}\", which exposes {}",
            ing.name,
            if exposed.is_empty() {
                "no ports".to_string()
            } else {
                exposed.join(", ")
            }
        ),
    )
    .at(port.site(), format!("Service \"{name}\" has no {what}"))
    .with_object(ing.object_ref());
    for p in ports {
        if let Some(n) = p.get("port") {
            d = d.with_label(
                n.site(),
                format!(
                    "Service \"{name}\" exposes {}",
                    n.scalar_text().unwrap_or_default()
                ),
            );
        }
    }
    let help = match exposed.as_slice() {
        [only] => format!("use port {only} of Service \"{name}\""),
        _ => format!("use one of the ports Service \"{name}\" exposes"),
    };
    out.push(d.with_help(help));
}

#[cfg(test)]
mod tests {
    use crate::rules::tests::check;

    /// A Service "web" with `ports` (flow-map items) and an Ingress whose `spec` lines follow.
    fn ingress(ports: &[&str], spec: &str) -> String {
        let mut yaml = String::from(
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector: {app: web}\n  ports:\n",
        );
        for p in ports {
            yaml.push_str(&format!("    - {p}\n"));
        }
        yaml.push_str(&format!(
            "---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: ing\nspec:\n{spec}"
        ));
        yaml
    }

    /// A rule routing / to `backend` (a flow map).
    fn routed(backend: &str) -> String {
        format!(
            "  rules:\n    - http:\n        paths:\n          - path: /\n            pathType: Prefix\n            backend: {backend}\n"
        )
    }

    fn findings(yaml: &str) -> Vec<(String, String)> {
        check(yaml)
            .of("rules/ingress-backend")
            .iter()
            .map(|d| (d.message.clone(), d.help.clone().unwrap_or_default()))
            .collect()
    }

    #[test]
    fn ports_by_number_and_by_name() {
        let one = ["{name: http, port: 80}"];
        for backend in [
            "{service: {name: web, port: {number: 80}}}",
            "{service: {name: web, port: {name: http}}}",
            "{service: {name: web}}",
            "{serviceName: web, servicePort: 80}",
            "{serviceName: web, servicePort: http}",
        ] {
            assert_eq!(
                findings(&ingress(&one, &routed(backend))),
                vec![],
                "{backend}"
            );
        }
        assert_eq!(
            findings(&ingress(&one, &routed("{service: {name: web, port: {number: 8080}}}"))),
            vec![(
                "Ingress \"ing\" sends traffic to port 8080 of Service \"web\", which exposes 80 (http)".to_string(),
                "use port 80 (http) of Service \"web\"".to_string()
            )]
        );
        assert_eq!(
            findings(&ingress(&one, &routed("{serviceName: web, servicePort: https}"))),
            vec![(
                "Ingress \"ing\" sends traffic to port \"https\" of Service \"web\", which exposes 80 (http)".to_string(),
                "use port 80 (http) of Service \"web\"".to_string()
            )]
        );
        // A name is not a number: port 80 is not named "80".
        assert_eq!(
            findings(&ingress(&["{port: 80}", "{port: 443}"], &routed("{service: {name: web, port: {name: http}}}"))),
            vec![(
                "Ingress \"ing\" sends traffic to port \"http\" of Service \"web\", which exposes 80, 443".to_string(),
                "use one of the ports Service \"web\" exposes".to_string()
            )]
        );
    }

    /// The default backend (and its v1beta1 spelling) is checked like a rule's.
    #[test]
    fn the_default_backend_is_checked() {
        let one = ["{name: http, port: 80}"];
        for key in ["defaultBackend", "backend"] {
            assert_eq!(
                findings(&ingress(
                    &one,
                    &format!("  {key}: {{service: {{name: web, port: {{number: 80}}}}}}\n")
                )),
                vec![],
                "{key}"
            );
            assert_eq!(
                findings(&ingress(&one, &format!("  {key}: {{service: {{name: api, port: {{number: 80}}}}}}\n"))),
                vec![(
                    "Ingress \"ing\" routes to Service \"api\", which the run does not create".to_string(),
                    "create the Service in the same namespace, or list it under assume-exists in .kforge.yaml".to_string()
                )],
                "{key}"
            );
        }
    }

    #[test]
    fn an_ingress_class_must_be_in_the_run() {
        let class = "  ingressClassName: nginx\n";
        let spec = format!(
            "{class}{}",
            routed("{service: {name: web, port: {number: 80}}}")
        );
        assert_eq!(
            findings(&ingress(&["{port: 80}"], &spec))
                .into_iter()
                .map(|(m, _)| m)
                .collect::<Vec<_>>(),
            vec!["Ingress \"ing\" uses IngressClass \"nginx\", which the run does not create"]
        );
        let with_class = format!(
            "{}---\napiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata:\n  name: nginx\nspec:\n  controller: k8s.io/ingress-nginx\n",
            ingress(&["{port: 80}"], &spec)
        );
        assert_eq!(findings(&with_class), vec![]);
    }
}
