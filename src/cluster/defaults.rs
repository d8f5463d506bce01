//! Defaulting as the API server does it on create (`pkg/apis/*/v1/defaults.go` and the
//! registry strategies), applied to the JSON of an object before it is stored.

use base64::Engine;
use serde_json::{Map, Value, json};

fn set(m: &mut Map<String, Value>, key: &str, value: Value) {
    // Go's zero value: an empty string is unset too.
    if m.get(key)
        .is_none_or(|v| v.is_null() || v.as_str() == Some(""))
    {
        m.insert(key.to_string(), value);
    }
}

fn obj<'a>(m: &'a mut Map<String, Value>, key: &str) -> &'a mut Map<String, Value> {
    let v = m.entry(key.to_string()).or_insert(Value::Null);
    if !v.is_object() {
        *v = Value::Object(Map::new());
    }
    match v {
        Value::Object(o) => o,
        _ => unreachable!("just replaced by an object"),
    }
}

fn each_obj(m: &mut Map<String, Value>, key: &str, mut f: impl FnMut(&mut Map<String, Value>)) {
    if let Some(Value::Array(items)) = m.get_mut(key) {
        for item in items.iter_mut() {
            if let Value::Object(o) = item {
                f(o);
            }
        }
    }
}

fn child<'a>(m: &'a mut Map<String, Value>, path: &[&str]) -> Option<&'a mut Map<String, Value>> {
    let mut cur = m;
    for key in path {
        cur = cur.get_mut(*key)?.as_object_mut()?;
    }
    Some(cur)
}

/// Defaults `object` (the whole document) in place for its group and kind.
pub fn apply(group: &str, kind: &str, object: &mut Value) {
    let Some(root) = object.as_object_mut() else {
        return;
    };
    match (group, kind) {
        ("", "Pod") => {
            if let Some(spec) = child(root, &["spec"]) {
                pod_spec(spec, true);
            }
        }
        ("", "Service") => service(obj(root, "spec")),
        ("", "Secret") => secret(root),
        ("", "Namespace") => namespace(root),
        ("", "PersistentVolumeClaim") | ("", "PersistentVolume") => {
            let spec = obj(root, "spec");
            set(spec, "volumeMode", json!("Filesystem"));
            if kind == "PersistentVolume" {
                set(spec, "persistentVolumeReclaimPolicy", json!("Retain"));
            }
        }
        ("", "ReplicationController") | ("apps", "ReplicaSet") => {
            let spec = obj(root, "spec");
            set(spec, "replicas", json!(1));
            template(spec);
        }
        ("apps", "Deployment") => deployment(root),
        ("apps", "DaemonSet") => daemon_set(root),
        ("apps", "StatefulSet") => stateful_set(root),
        ("batch", "Job") => job(root),
        ("batch", "CronJob") => cron_job(root),
        ("networking.k8s.io", "NetworkPolicy") => network_policy(root),
        ("rbac.authorization.k8s.io", "RoleBinding" | "ClusterRoleBinding") => role_binding(root),
        _ => {}
    }
}

/// The namespace's own name as its `kubernetes.io/metadata.name` label.
fn namespace(root: &mut Map<String, Value>) {
    let name = root
        .get("metadata")
        .and_then(|m| m.get("name"))
        .cloned()
        .unwrap_or(Value::Null);
    let labels = obj(obj(root, "metadata"), "labels");
    labels.insert("kubernetes.io/metadata.name".to_string(), name);
}

fn deployment(root: &mut Map<String, Value>) {
    let spec = obj(root, "spec");
    set(spec, "replicas", json!(1));
    set(spec, "revisionHistoryLimit", json!(10));
    set(spec, "progressDeadlineSeconds", json!(600));
    let strategy = obj(spec, "strategy");
    set(strategy, "type", json!("RollingUpdate"));
    if strategy.get("type").and_then(Value::as_str) == Some("RollingUpdate") {
        let ru = obj(strategy, "rollingUpdate");
        set(ru, "maxSurge", json!("25%"));
        set(ru, "maxUnavailable", json!("25%"));
    }
    template(spec);
}

fn daemon_set(root: &mut Map<String, Value>) {
    let spec = obj(root, "spec");
    set(spec, "revisionHistoryLimit", json!(10));
    let strategy = obj(spec, "updateStrategy");
    set(strategy, "type", json!("RollingUpdate"));
    if strategy.get("type").and_then(Value::as_str) == Some("RollingUpdate") {
        let ru = obj(strategy, "rollingUpdate");
        set(ru, "maxUnavailable", json!(1));
        set(ru, "maxSurge", json!(0));
    }
    template(spec);
}

fn stateful_set(root: &mut Map<String, Value>) {
    let spec = obj(root, "spec");
    set(spec, "replicas", json!(1));
    set(spec, "revisionHistoryLimit", json!(10));
    set(spec, "podManagementPolicy", json!("OrderedReady"));
    let strategy = obj(spec, "updateStrategy");
    set(strategy, "type", json!("RollingUpdate"));
    if strategy.get("type").and_then(Value::as_str) == Some("RollingUpdate") {
        set(obj(strategy, "rollingUpdate"), "partition", json!(0));
    }
    let retention = obj(spec, "persistentVolumeClaimRetentionPolicy");
    set(retention, "whenDeleted", json!("Retain"));
    set(retention, "whenScaled", json!("Retain"));
    each_obj(spec, "volumeClaimTemplates", |t| {
        set(obj(t, "spec"), "volumeMode", json!("Filesystem"))
    });
    template(spec);
}

/// A Job takes its template's labels when it has none of its own.
fn job(root: &mut Map<String, Value>) {
    let name = root
        .get("metadata")
        .and_then(|m| m.get("name"))
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let template_labels = root
        .get("spec")
        .and_then(|s| s.get("template"))
        .and_then(|t| t.get("metadata"))
        .and_then(|m| m.get("labels"))
        .cloned();
    let meta = obj(root, "metadata");
    if meta
        .get("labels")
        .and_then(Value::as_object)
        .is_none_or(Map::is_empty)
        && let Some(l) = template_labels
    {
        meta.insert("labels".to_string(), l);
    }
    let spec = obj(root, "spec");
    job_spec(spec, &name);
}

fn cron_job(root: &mut Map<String, Value>) {
    let spec = obj(root, "spec");
    set(spec, "concurrencyPolicy", json!("Allow"));
    set(spec, "suspend", json!(false));
    set(spec, "successfulJobsHistoryLimit", json!(3));
    set(spec, "failedJobsHistoryLimit", json!(1));
    if let Some(js) = child(spec, &["jobTemplate", "spec"]) {
        job_spec_fields(js);
        template(js);
    }
}

/// `policyTypes` from the rules present; ports default to TCP.
fn network_policy(root: &mut Map<String, Value>) {
    let spec = obj(root, "spec");
    if spec.get("policyTypes").is_none_or(Value::is_null) {
        let mut types = vec![json!("Ingress")];
        if spec
            .get("egress")
            .and_then(Value::as_array)
            .is_some_and(|e| !e.is_empty())
        {
            types.push(json!("Egress"));
        }
        spec.insert("policyTypes".to_string(), Value::Array(types));
    }
    for dir in ["ingress", "egress"] {
        each_obj(spec, dir, |rule| {
            each_obj(rule, "ports", |p| set(p, "protocol", json!("TCP")))
        });
    }
}

/// The RBAC API group on the role reference and on User and Group subjects.
fn role_binding(root: &mut Map<String, Value>) {
    set(
        obj(root, "roleRef"),
        "apiGroup",
        json!("rbac.authorization.k8s.io"),
    );
    each_obj(root, "subjects", |s| {
        if matches!(
            s.get("kind").and_then(Value::as_str),
            Some("User" | "Group")
        ) {
            set(s, "apiGroup", json!("rbac.authorization.k8s.io"));
        }
    });
}

fn job_spec_fields(spec: &mut Map<String, Value>) {
    if spec.get("completions").is_none_or(Value::is_null)
        && spec.get("parallelism").is_none_or(Value::is_null)
    {
        spec.insert("completions".to_string(), json!(1));
    }
    set(spec, "parallelism", json!(1));
    set(spec, "backoffLimit", json!(6));
    set(spec, "completionMode", json!("NonIndexed"));
    set(spec, "suspend", json!(false));
}

fn job_spec(spec: &mut Map<String, Value>, name: &str) {
    job_spec_fields(spec);
    let manual = spec
        .get("manualSelector")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    if !manual {
        // generateSelector: the uid is unknown offline; the job name stands in for it.
        let uid = format!("{name}-uid");
        let sel = obj(obj(spec, "selector"), "matchLabels");
        sel.insert("batch.kubernetes.io/controller-uid".to_string(), json!(uid));
        let labels = obj(obj(obj(spec, "template"), "metadata"), "labels");
        labels.insert("batch.kubernetes.io/controller-uid".to_string(), json!(uid));
        labels.insert("controller-uid".to_string(), json!(uid));
        labels.insert("batch.kubernetes.io/job-name".to_string(), json!(name));
        labels.insert("job-name".to_string(), json!(name));
    }
    template(spec);
}

fn template(spec: &mut Map<String, Value>) {
    if let Some(ps) = child(spec, &["template", "spec"]) {
        pod_spec(ps, false);
    }
}

/// PodSpec defaults; `is_pod` adds the ones only a Pod gets (requests from limits, service links).
pub fn pod_spec(spec: &mut Map<String, Value>, is_pod: bool) {
    set(spec, "restartPolicy", json!("Always"));
    set(spec, "dnsPolicy", json!("ClusterFirst"));
    set(spec, "terminationGracePeriodSeconds", json!(30));
    set(spec, "schedulerName", json!("default-scheduler"));
    set(spec, "securityContext", json!({}));
    if is_pod {
        set(spec, "enableServiceLinks", json!(true));
    }
    let host_network = spec
        .get("hostNetwork")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    for list in ["initContainers", "containers"] {
        each_obj(spec, list, |c| container(c, is_pod, host_network));
    }
    each_obj(spec, "volumes", volume);
}

fn container(c: &mut Map<String, Value>, is_pod: bool, host_network: bool) {
    let image = c.get("image").and_then(Value::as_str).unwrap_or("");
    set(c, "imagePullPolicy", json!(pull_policy(image)));
    set(c, "terminationMessagePath", json!("/dev/termination-log"));
    set(c, "terminationMessagePolicy", json!("File"));
    each_obj(c, "ports", |p| {
        set(p, "protocol", json!("TCP"));
        if is_pod
            && host_network
            && let Some(cp) = p.get("containerPort").cloned()
        {
            set(p, "hostPort", cp);
        }
    });
    for probe in ["livenessProbe", "readinessProbe", "startupProbe"] {
        if let Some(Value::Object(p)) = c.get_mut(probe) {
            set(p, "timeoutSeconds", json!(1));
            set(p, "periodSeconds", json!(10));
            set(p, "successThreshold", json!(1));
            set(p, "failureThreshold", json!(3));
            if let Some(Value::Object(h)) = p.get_mut("httpGet") {
                set(h, "path", json!("/"));
                set(h, "scheme", json!("HTTP"));
            }
        }
    }
    if is_pod && let Some(Value::Object(r)) = c.get_mut("resources") {
        let limits = r
            .get("limits")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        if !limits.is_empty() {
            let requests = obj(r, "requests");
            for (k, v) in limits {
                set(requests, &k, v);
            }
        }
    }
}

/// `Always` for `:latest` or no tag (and no digest), else `IfNotPresent`.
pub fn pull_policy(image: &str) -> &'static str {
    if image.contains('@') {
        return "IfNotPresent";
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.rsplit_once(':') {
        Some((_, "latest")) | None => "Always",
        Some(_) => "IfNotPresent",
    }
}

/// Every volume source field of a pod volume (a volume has exactly one).
pub(crate) const VOLUME_SOURCES: &[&str] = &[
    "hostPath",
    "emptyDir",
    "gcePersistentDisk",
    "awsElasticBlockStore",
    "gitRepo",
    "secret",
    "nfs",
    "iscsi",
    "glusterfs",
    "persistentVolumeClaim",
    "rbd",
    "flexVolume",
    "cinder",
    "cephfs",
    "flocker",
    "downwardAPI",
    "fc",
    "azureFile",
    "configMap",
    "vsphereVolume",
    "quobyte",
    "azureDisk",
    "photonPersistentDisk",
    "projected",
    "portworxVolume",
    "scaleIO",
    "storageos",
    "csi",
    "ephemeral",
    "image",
];

fn volume(v: &mut Map<String, Value>) {
    if !VOLUME_SOURCES
        .iter()
        .any(|s| v.get(*s).is_some_and(|x| !x.is_null()))
    {
        v.insert("emptyDir".to_string(), json!({}));
    }
    for src in ["secret", "configMap", "downwardAPI", "projected"] {
        if let Some(Value::Object(s)) = v.get_mut(src) {
            set(s, "defaultMode", json!(0o644));
        }
    }
    if let Some(Value::Object(h)) = v.get_mut("hostPath") {
        set(h, "type", json!(""));
    }
}

fn service(spec: &mut Map<String, Value>) {
    set(spec, "type", json!("ClusterIP"));
    set(spec, "sessionAffinity", json!("None"));
    if spec.get("sessionAffinity").and_then(Value::as_str) == Some("ClientIP") {
        set(
            obj(obj(spec, "sessionAffinityConfig"), "clientIP"),
            "timeoutSeconds",
            json!(10800),
        );
    }
    let ty = spec
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("ClusterIP")
        .to_string();
    if ty != "ExternalName" {
        set(spec, "internalTrafficPolicy", json!("Cluster"));
    }
    if matches!(ty.as_str(), "NodePort" | "LoadBalancer") {
        set(spec, "externalTrafficPolicy", json!("Cluster"));
    }
    if ty == "LoadBalancer" {
        set(spec, "allocateLoadBalancerNodePorts", json!(true));
    }
    each_obj(spec, "ports", |p| {
        set(p, "protocol", json!("TCP"));
        let empty = match p.get("targetPort") {
            None | Some(Value::Null) => true,
            Some(Value::Number(n)) => n.as_i64() == Some(0),
            Some(Value::String(s)) => s.is_empty(),
            _ => false,
        };
        if empty && let Some(port) = p.get("port").cloned() {
            p.insert("targetPort".to_string(), port);
        }
    });
}

fn secret(root: &mut Map<String, Value>) {
    set(root, "type", json!("Opaque"));
    // stringData is merged into data (base64) and dropped, as the API server does.
    if let Some(Value::Object(sd)) = root.remove("stringData") {
        let data = obj(root, "data");
        for (k, v) in sd {
            let text = match v {
                Value::String(s) => s,
                other => other.to_string(),
            };
            data.insert(
                k,
                json!(base64::engine::general_purpose::STANDARD.encode(text)),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pull_policy_follows_the_tag() {
        assert_eq!(pull_policy("nginx"), "Always");
        assert_eq!(pull_policy("nginx:latest"), "Always");
        assert_eq!(pull_policy("nginx:1.27"), "IfNotPresent");
        assert_eq!(pull_policy("localhost:5000/nginx"), "Always");
        assert_eq!(pull_policy("nginx@sha256:abc"), "IfNotPresent");
    }

    #[test]
    fn deployment_defaults() {
        let mut d = json!({"spec": {"template": {"spec": {"containers": [{"name": "a", "image": "nginx", "ports": [{"containerPort": 80}],
            "readinessProbe": {"httpGet": {"port": 80}}}]}}}});
        apply("apps", "Deployment", &mut d);
        assert_eq!(d["spec"]["replicas"], json!(1));
        assert_eq!(
            d["spec"]["strategy"]["rollingUpdate"]["maxSurge"],
            json!("25%")
        );
        assert_eq!(d["spec"]["revisionHistoryLimit"], json!(10));
        assert_eq!(d["spec"]["progressDeadlineSeconds"], json!(600));
        let c = &d["spec"]["template"]["spec"]["containers"][0];
        assert_eq!(c["imagePullPolicy"], json!("Always"));
        assert_eq!(c["ports"][0]["protocol"], json!("TCP"));
        assert_eq!(c["readinessProbe"]["httpGet"]["path"], json!("/"));
        assert_eq!(c["readinessProbe"]["periodSeconds"], json!(10));
        assert_eq!(
            d["spec"]["template"]["spec"]["restartPolicy"],
            json!("Always")
        );
        assert_eq!(
            d["spec"]["template"]["spec"]["terminationGracePeriodSeconds"],
            json!(30)
        );
    }

    #[test]
    fn service_defaults() {
        let mut s =
            json!({"spec": {"ports": [{"port": 80}, {"port": 443, "targetPort": "https"}]}});
        apply("", "Service", &mut s);
        assert_eq!(s["spec"]["type"], json!("ClusterIP"));
        assert_eq!(s["spec"]["ports"][0]["targetPort"], json!(80));
        assert_eq!(s["spec"]["ports"][1]["targetPort"], json!("https"));
        assert_eq!(s["spec"]["sessionAffinity"], json!("None"));
    }

    #[test]
    fn secret_string_data_is_merged() {
        let mut s = json!({"stringData": {"user": "admin"}});
        apply("", "Secret", &mut s);
        assert_eq!(s["data"]["user"], json!("YWRtaW4="));
        assert_eq!(s["type"], json!("Opaque"));
        assert!(s.get("stringData").is_none());
    }
}
