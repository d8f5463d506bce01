//! Issue 18: real install manifests from many projects. Each test is one class of the issue,
//! with the exact finding (or its absence) on a minimal fixture.

mod cluster_support;
mod common;
use cluster_support::{sim, sim_with};
use common::{kforge, run};
use kforge::version::KubeVersion;

const DEPLOYMENT_IN_MONITORING: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: monitoring\nspec:\n  replicas: -1\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: monitoring\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\n";

/// Class "blind spot": in the open world a namespace the run does not create is assumed once,
/// and the objects in it still get the API server's validation.
#[test]
fn objects_in_an_assumed_namespace_are_still_validated() {
    let s = sim(DEPLOYMENT_IN_MONITORING);
    assert_eq!(
        s.messages(),
        [
            "cluster/invalid: The Deployment \"web\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0",
            "cluster/namespace-not-found: namespaces \"monitoring\" not found: assumed to exist for 2 objects of the run",
        ]
    );
    let ns = &s.diags[1];
    assert_eq!(ns.severity, kforge::diag::Severity::Warning);
    assert_eq!(s.line(ns), 5);
    // The ConfigMap in the assumed namespace is in the cluster; so is the one in the release
    // namespace.
    assert!(
        s.state
            .objects
            .keys()
            .any(|k| k.kind == "ConfigMap" && k.namespace == "monitoring" && k.name == "settings")
    );
}

/// In a closed world (`--strict`, `--cluster FILE`) the create fails: one error per namespace,
/// nothing in it is applied (so no validation finding follows).
#[test]
fn a_closed_world_stops_at_a_missing_namespace_once() {
    let s = sim_with(DEPLOYMENT_IN_MONITORING, KubeVersion::NEWEST, true);
    let d = s.only();
    assert_eq!(
        d.message,
        "error when creating Deployment \"web\": namespaces \"monitoring\" not found"
    );
    assert_eq!(
        d.notes,
        ["2 objects of the run go into namespace \"monitoring\" and fail the same way"]
    );
    assert_eq!(d.severity, kforge::diag::Severity::Error);
}

/// Class "typed lists": any `*List` with `items`, in any group, is unpacked and its items are
/// validated and applied.
#[test]
fn typed_lists_are_unpacked() {
    let text = "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleList\nitems:\n  - apiVersion: rbac.authorization.k8s.io/v1\n    kind: Role\n    metadata: {name: reader}\n    rules: []\n---\napiVersion: apps/v1\nkind: DeploymentList\nitems:\n  - apiVersion: apps/v1\n    kind: Deployment\n    metadata: {name: web}\n    spec:\n      replicas: -1\n      selector: {matchLabels: {app: web}}\n      template:\n        metadata: {labels: {app: web}}\n        spec:\n          containers: [{name: web, image: nginx}]\n";
    let s = sim(text);
    let objects: Vec<String> = s
        .objects
        .iter()
        .map(|o| format!("{} {}", o.kind, o.name))
        .collect();
    assert_eq!(objects, ["Role reader", "Deployment web"]);
    assert_eq!(
        s.messages(),
        [
            "cluster/invalid: The Deployment \"web\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0"
        ]
    );
    assert_eq!(s.line(&s.diags[0]), 16);
}

/// Class "no-crd": one finding per kind without a CRD, counting the other objects of that kind.
#[test]
fn no_crd_once_per_kind() {
    let text = "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: a}\n---\napiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: b}\n---\napiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: c}\n---\napiVersion: monitoring.coreos.com/v1\nkind: PodMonitor\nmetadata: {name: d}\n";
    let s = sim(text);
    assert_eq!(
        s.messages(),
        [
            "cluster/no-crd: resource mapping not found for PodMonitor \"d\": no matches for kind \"PodMonitor\" in version \"monitoring.coreos.com/v1\"",
            "cluster/no-crd: resource mapping not found for ServiceMonitor \"a\": no matches for kind \"ServiceMonitor\" in version \"monitoring.coreos.com/v1\"",
        ]
    );
    assert_eq!(
        s.diags[1].notes.last().map(String::as_str),
        Some(
            "2 more objects of kind ServiceMonitor (monitoring.coreos.com/v1) in the run fail the same way"
        )
    );
}

/// `kforge lint -` on `text`: each finding as `rule severity line: message`.
fn lint(text: &str, args: &[&str]) -> Vec<String> {
    let out = run(kforge()
        .args(["lint", "-", "--format", "json"])
        .args(args)
        .write_stdin(text));
    let json: serde_json::Value = serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}{}", out.stdout, out.stderr));
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {} {}: {}",
                f["rule"].as_str().unwrap(),
                f["severity"].as_str().unwrap(),
                f["line"],
                f["message"].as_str().unwrap()
            )
        })
        .collect()
}

const STATEFULSET: &str = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: redis}\nspec:\n  serviceName: redis\n  replicas: 2\n  selector: {matchLabels: {app: redis}}\n  template:\n    metadata: {labels: {app: redis}}\n    spec:\n      containers:\n        - name: redis\n          image: redis:7.4\n          ports: [{name: redis, containerPort: 6379}]\n---\napiVersion: v1\nkind: Service\nmetadata: {name: redis}\nspec:\n  clusterIP: None\n  selector: {app: redis}\n  ports: [{port: 6379, targetPort: redis}]\n";

/// Class "controller labels": a Service selecting one StatefulSet pod by
/// `statefulset.kubernetes.io/pod-name` (highly available Redis) selects it; so do selectors
/// on a Deployment's `pod-template-hash` and a Job's `job-name`.
#[test]
fn selectors_on_controller_labels_match_the_controllers_pods() {
    let one_pod = format!(
        "{STATEFULSET}---\napiVersion: v1\nkind: Service\nmetadata: {{name: redis-0}}\nspec:\n  selector:\n    app: redis\n    statefulset.kubernetes.io/pod-name: redis-0\n  ports: [{{port: 6379, targetPort: redis}}]\n"
    );
    assert_eq!(lint(&one_pod, &[]), Vec::<String>::new());
    // The cluster model's StatefulSet controller sets the label: the Service has an endpoint.
    let s = sim(&one_pod);
    let endpoints = s
        .state
        .objects
        .iter()
        .find(|(k, _)| k.kind == "Endpoints" && k.name == "redis-0")
        .map(|(_, v)| v.json.to_string())
        .unwrap_or_default();
    assert!(endpoints.contains("redis-0"), "{endpoints}");
    // A pod name beyond the StatefulSet's name pattern is still a miss (a warning: the label
    // is not on any template).
    let wrong = one_pod.replace("pod-name: redis-0", "pod-name: cache-0");
    assert_eq!(lint(&wrong, &[]).len(), 1, "{:?}", lint(&wrong, &[]));
    let job = "apiVersion: batch/v1\nkind: Job\nmetadata: {name: migrate}\nspec:\n  template:\n    metadata: {labels: {app: shop}}\n    spec:\n      restartPolicy: Never\n      containers: [{name: migrate, image: shop:1.0, ports: [{containerPort: 8080}]}]\n---\napiVersion: v1\nkind: Service\nmetadata: {name: migrate}\nspec:\n  selector: {job-name: migrate, batch.kubernetes.io/job-name: migrate}\n  ports: [{port: 8080}]\n";
    assert_eq!(lint(job, &[]), Vec::<String>::new());
    let s = sim(job);
    let pod = s
        .state
        .objects
        .iter()
        .find(|(k, _)| k.kind == "Pod")
        .map(|(_, v)| v.json["metadata"]["labels"].clone())
        .unwrap_or_default();
    assert_eq!(pod["job-name"], "migrate");
    assert_eq!(pod["batch.kubernetes.io/job-name"], "migrate");
    assert!(pod["batch.kubernetes.io/controller-uid"].is_string());
}

/// Class "probe ports": a numeric probe port no container declares is fine (ingress-nginx
/// probes an undeclared 10254); a named port no container names is an error.
#[test]
fn probe_ports_by_number_are_not_checked() {
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: controller}\nspec:\n  containers:\n    - name: controller\n      image: ingress-nginx/controller:v1.11.2\n      ports: [{name: http, containerPort: 80}]\n      livenessProbe:\n        httpGet: {path: /healthz, port: 10254}\n";
    assert_eq!(lint(pod, &[]), Vec::<String>::new());
    let named = pod.replace("port: 10254", "port: metrics");
    assert_eq!(
        lint(&named, &[]),
        [
            "rules/probe-port error 10: livenessProbe of container \"controller\" in Pod \"controller\" checks port \"metrics\", which the container does not name"
        ]
    );
}
