//! Hygiene rules users of kube-linter and kube-score expect: warnings about pod templates that
//! work but are fragile or insecure. Only `rules/image-tag` is on by default; enable the others
//! in `.kforge.yaml` (`rules: {enable: [...]}`) or with `--enable`.
//!
//! As in kube-linter, the metadata ([`Rule`] statics, in `src/catalog/rules.rs`) is kept apart
//! from the check logic: one table maps each rule to a function over a pod template, so every
//! rule runs through the same loop and reports the same way.
//!
//! ## What they check
//! - `rules/image-tag`: an image without a tag, or tagged `latest`.
//! - `rules/resources`: a container without CPU and memory requests and a memory limit.
//! - `rules/readiness-probe`: a long-running container without a readiness probe.
//! - `rules/privileged`: a container running privileged.
//! - `rules/run-as-non-root`: a pod whose containers may run as root.
//! - `rules/host-path`: a hostPath volume.
//! - `rules/host-network`: a pod on the host's network.

use super::index::{Index, PodTemplate};
use crate::catalog::rules::{
    HOST_NETWORK, HOST_PATH, IMAGE_TAG, PRIVILEGED, READINESS_PROBE, RESOURCES, RUN_AS_NON_ROOT,
};
use crate::diag::{Diagnostic, Rule};
use crate::source::Span;
use crate::yaml::Node;

/// One finding of a hygiene check, before it becomes a [`Diagnostic`].
struct Finding {
    site: Span,
    message: String,
    label: String,
    help: &'static str,
}

type Check = fn(&PodTemplate) -> Vec<Finding>;

/// Every hygiene rule with its check.
const CHECKS: &[(&Rule, Check)] = &[
    (&IMAGE_TAG, image_tag),
    (&RESOURCES, resources),
    (&READINESS_PROBE, readiness_probe),
    (&PRIVILEGED, privileged),
    (&RUN_AS_NON_ROOT, run_as_non_root),
    (&HOST_PATH, host_path),
    (&HOST_NETWORK, host_network),
];

pub fn check(ix: &Index, out: &mut Vec<Diagnostic>) {
    for (rule, check) in CHECKS {
        if !ix.ctx.config.is_enabled(rule) {
            continue;
        }
        for t in &ix.templates {
            for f in check(t) {
                out.push(
                    Diagnostic::new(rule, f.message)
                        .at(f.site, f.label)
                        .with_object(t.owner.object_ref())
                        .with_help(f.help),
                );
            }
        }
    }
}

fn image_tag(t: &PodTemplate) -> Vec<Finding> {
    let mut found = Vec::new();
    for c in &t.containers {
        let Some(node) = c.node.get("image") else {
            continue;
        };
        let Some(image) = node.as_str() else { continue };
        if image.contains('@') {
            continue;
        }
        // The tag follows the last ':' after the last '/' (a registry may have a port).
        let last = image.rsplit('/').next().unwrap_or(image);
        let tag = last.rsplit_once(':').map(|(_, t)| t);
        let problem = match tag {
            None => "has no tag",
            Some("latest") => "uses the latest tag",
            Some(_) => continue,
        };
        found.push(Finding {
            site: node.site(),
            message: format!(
                "image \"{image}\" of container \"{}\" in {} {problem}",
                c.name,
                t.owner_name()
            ),
            label: "not pinned to a version".to_string(),
            help: "pin the image to a version tag or a digest (image@sha256:…)",
        });
    }
    found
}

fn resources(t: &PodTemplate) -> Vec<Finding> {
    let mut found = Vec::new();
    for c in &t.containers {
        let res = c.node.get("resources");
        let has = |path: &[&str]| res.and_then(|r| r.path(path)).is_some();
        let mut lacking = Vec::new();
        for (path, what) in [
            (&["requests", "cpu"][..], "requests.cpu"),
            (&["requests", "memory"][..], "requests.memory"),
            (&["limits", "memory"][..], "limits.memory"),
        ] {
            if !has(path) {
                lacking.push(what);
            }
        }
        if lacking.is_empty() {
            continue;
        }
        found.push(Finding {
            site: res.map(Node::site).unwrap_or(c.site()),
            message: format!(
                "container \"{}\" in {} sets no resources.{}",
                c.name,
                t.owner_name(),
                lacking.join(", resources.")
            ),
            label: format!("no {}", lacking.join(", ")),
            help: "set resources.requests (cpu, memory) and resources.limits.memory",
        });
    }
    found
}

fn readiness_probe(t: &PodTemplate) -> Vec<Finding> {
    if matches!(t.owner.kind.as_str(), "Job" | "CronJob") {
        return Vec::new();
    }
    t.containers
        .iter()
        .filter(|c| !c.init && c.node.get("readinessProbe").is_none())
        .map(|c| Finding {
            site: c.site(),
            message: format!(
                "container \"{}\" in {} has no readiness probe",
                c.name,
                t.owner_name()
            ),
            label: "no readinessProbe".to_string(),
            help: "add a readinessProbe so the pod only receives traffic when it can serve",
        })
        .collect()
}

fn privileged(t: &PodTemplate) -> Vec<Finding> {
    t.containers
        .iter()
        .filter_map(|c| {
            let node = c.node.path(&["securityContext", "privileged"])?;
            (node.as_bool() == Some(true)).then(|| Finding {
                site: node.site(),
                message: format!(
                    "container \"{}\" in {} runs privileged",
                    c.name,
                    t.owner_name()
                ),
                label: "privileged: true".to_string(),
                help: "drop privileged and grant only the capabilities the container needs",
            })
        })
        .collect()
}

fn non_root(ctx: Option<&Node>) -> Option<bool> {
    let ctx = ctx?;
    if let Some(b) = ctx.get("runAsNonRoot").and_then(Node::as_bool) {
        return Some(b);
    }
    ctx.get("runAsUser").and_then(Node::as_i64).map(|u| u != 0)
}

fn run_as_non_root(t: &PodTemplate) -> Vec<Finding> {
    let pod = non_root(t.spec.get("securityContext"));
    t.containers
        .iter()
        .filter(|c| non_root(c.node.get("securityContext")).or(pod) != Some(true))
        .map(|c| Finding {
            site: c.site(),
            message: format!("container \"{}\" in {} may run as root", c.name, t.owner_name()),
            label: "neither runAsNonRoot nor a non-zero runAsUser applies".to_string(),
            help: "set securityContext.runAsNonRoot: true (pod or container) and a non-zero runAsUser",
        })
        .collect()
}

fn host_path(t: &PodTemplate) -> Vec<Finding> {
    t.spec
        .get("volumes")
        .and_then(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .filter_map(|v| {
            let (key, _) = v.entry("hostPath")?;
            let name = v.get("name").and_then(Node::as_str).unwrap_or("");
            Some(Finding {
                site: key.site(),
                message: format!(
                    "volume \"{name}\" of {} mounts a path of the host",
                    t.owner_name()
                ),
                label: "hostPath volume".to_string(),
                help: "use an emptyDir, a ConfigMap or a PersistentVolumeClaim instead",
            })
        })
        .collect()
}

fn host_network(t: &PodTemplate) -> Vec<Finding> {
    match t.spec.get("hostNetwork") {
        Some(n) if n.as_bool() == Some(true) => vec![Finding {
            site: n.site(),
            message: format!("{} uses the host's network", t.owner_name()),
            label: "hostNetwork: true".to_string(),
            help: "remove hostNetwork unless the pod is a node agent that needs it",
        }],
        _ => Vec::new(),
    }
}
