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

#[cfg(test)]
mod tests {
    use crate::rules::tests::{all_enabled, check_with};

    /// A `kind` (Deployment, Job, …) "web" whose pod spec is `pod` (lines indented for
    /// `spec.template.spec`, i.e. six spaces) and whose one container is `container` (ten
    /// spaces, after `- name: web`).
    fn workload(kind: &str, pod: &str, container: &str) -> String {
        format!(
            "apiVersion: apps/v1\nkind: {kind}\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n{pod}      containers:\n        - name: web\n{container}"
        )
    }

    /// A Deployment with only `container` lines.
    fn deployment(container: &str) -> String {
        workload("Deployment", "", container)
    }

    /// The messages of `rule` on `yaml`, every hygiene rule enabled.
    fn messages(rule: &str, yaml: &str) -> Vec<String> {
        check_with(yaml, &all_enabled(), false)
            .of(rule)
            .iter()
            .map(|d| d.message.clone())
            .collect()
    }

    fn image(image: &str) -> String {
        deployment(&format!("          image: {image}\n"))
    }

    #[test]
    fn image_tag_wants_a_version_or_a_digest() {
        for (img, problem) in [
            ("nginx", "has no tag"),
            ("nginx:latest", "uses the latest tag"),
            ("registry:5000/nginx", "has no tag"),
            ("registry:5000/team/nginx:latest", "uses the latest tag"),
        ] {
            assert_eq!(
                messages("rules/image-tag", &image(img)),
                vec![format!(
                    "image \"{img}\" of container \"web\" in Deployment \"web\" {problem}"
                )]
            );
        }
        for img in [
            "nginx:1.27",
            "nginx:latest-1",
            "registry:5000/nginx:1.27",
            "nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        ] {
            assert!(messages("rules/image-tag", &image(img)).is_empty(), "{img}");
        }
    }

    #[test]
    fn resources_names_what_is_lacking() {
        let resources = |lines: &str| {
            deployment(&format!(
                "          image: nginx:1.27\n          resources:\n{lines}"
            ))
        };
        let all = "            requests: {cpu: 100m, memory: 64Mi}\n            limits: {memory: 128Mi}\n";
        assert!(messages("rules/resources", &resources(all)).is_empty());
        assert_eq!(
            messages(
                "rules/resources",
                &resources(
                    "            requests: {cpu: 100m, memory: 64Mi}\n            limits: {cpu: 1}\n"
                )
            ),
            vec!["container \"web\" in Deployment \"web\" sets no resources.limits.memory"]
        );
        assert_eq!(
            messages("rules/resources", &image("nginx:1.27")),
            vec![
                "container \"web\" in Deployment \"web\" sets no resources.requests.cpu, resources.requests.memory, resources.limits.memory"
            ]
        );
    }

    #[test]
    fn readiness_probe_is_for_long_running_app_containers() {
        let without = "          image: nginx:1.27\n";
        let with =
            "          image: nginx:1.27\n          readinessProbe: {tcpSocket: {port: 80}}\n";
        assert_eq!(
            messages("rules/readiness-probe", &deployment(without)),
            vec!["container \"web\" in Deployment \"web\" has no readiness probe"]
        );
        assert!(messages("rules/readiness-probe", &deployment(with)).is_empty());
        // An init container runs to completion: no probe needed; the app container still is.
        let init = "      initContainers:\n        - name: init\n          image: busybox:1.36\n";
        assert!(messages("rules/readiness-probe", &workload("Deployment", init, with)).is_empty());
        assert_eq!(
            messages(
                "rules/readiness-probe",
                &workload("Deployment", init, without)
            ),
            vec!["container \"web\" in Deployment \"web\" has no readiness probe"]
        );
        let job = format!(
            "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n        - name: web\n{without}"
        );
        assert!(messages("rules/readiness-probe", &job).is_empty());
    }

    #[test]
    fn privileged_only_when_true() {
        let privileged = |v: &str| {
            deployment(&format!(
                "          image: nginx:1.27\n          securityContext:\n            privileged: {v}\n"
            ))
        };
        assert_eq!(
            messages("rules/privileged", &privileged("true")),
            vec!["container \"web\" in Deployment \"web\" runs privileged"]
        );
        assert!(messages("rules/privileged", &privileged("false")).is_empty());
        assert!(messages("rules/privileged", &image("nginx:1.27")).is_empty());
    }

    #[test]
    fn run_as_non_root_takes_the_container_over_the_pod() {
        let case = |pod: &str, container: &str| {
            let pod = if pod.is_empty() {
                String::new()
            } else {
                format!("      securityContext: {{{pod}}}\n")
            };
            let container = if container.is_empty() {
                "          image: nginx:1.27\n".to_string()
            } else {
                format!("          image: nginx:1.27\n          securityContext: {{{container}}}\n")
            };
            messages(
                "rules/run-as-non-root",
                &workload("Deployment", &pod, &container),
            )
            .len()
        };
        assert_eq!(case("", ""), 1);
        assert_eq!(case("runAsNonRoot: true", ""), 0);
        assert_eq!(case("runAsUser: 1000", ""), 0);
        assert_eq!(case("runAsUser: 0", ""), 1);
        assert_eq!(case("", "runAsNonRoot: true"), 0);
        assert_eq!(case("", "runAsUser: 1"), 0);
        assert_eq!(case("runAsNonRoot: true", "runAsNonRoot: false"), 1);
        assert_eq!(case("runAsUser: 0", "runAsNonRoot: true"), 0);
        // runAsNonRoot decides before runAsUser at the same level.
        assert_eq!(case("runAsNonRoot: false, runAsUser: 1000", ""), 1);
        assert_eq!(case("runAsNonRoot: true, runAsUser: 0", ""), 0);
        assert_eq!(
            messages("rules/run-as-non-root", &image("nginx:1.27")),
            vec!["container \"web\" in Deployment \"web\" may run as root"]
        );
    }

    #[test]
    fn host_path_and_host_network() {
        let volumes = |v: &str| {
            workload(
                "Deployment",
                &format!("      volumes:\n        - name: data\n          {v}\n"),
                "          image: nginx:1.27\n",
            )
        };
        assert_eq!(
            messages("rules/host-path", &volumes("hostPath: {path: /var/log}")),
            vec!["volume \"data\" of Deployment \"web\" mounts a path of the host"]
        );
        assert!(messages("rules/host-path", &volumes("emptyDir: {}")).is_empty());
        let network = |v: &str| {
            workload(
                "Deployment",
                &format!("      hostNetwork: {v}\n"),
                "          image: nginx:1.27\n",
            )
        };
        assert_eq!(
            messages("rules/host-network", &network("true")),
            vec!["Deployment \"web\" uses the host's network"]
        );
        assert!(messages("rules/host-network", &network("false")).is_empty());
    }
}
