//! Controllers (workloads → pods, claims, endpoints) and the scheduler's reasons.

use crate::cluster_support;
use cluster_support::{sim, sim_files};
use kforge::cluster::{NodeSpec, Profile};

fn deployment(replicas: u32, pod_spec_extra: &str) -> String {
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: {replicas}\n  selector:\n    matchLabels: {{app: web}}\n  template:\n    metadata:\n      labels: {{app: web}}\n    spec:\n{pod_spec_extra}      containers:\n        - name: web\n          image: nginx:1.27\n          ports:\n            - {{name: http, containerPort: 8080}}\n"
    )
}

#[test]
fn deployment_makes_a_replica_set_and_hashed_pods() {
    let s = sim(&deployment(3, ""));
    s.clean();
    let rs: Vec<_> = s.state.of_kind("apps", "ReplicaSet").collect();
    assert_eq!(rs.len(), 1);
    let hash = rs[0].key.name.strip_prefix("web-").unwrap().to_string();
    assert_eq!(hash.len(), 10);
    let pods = s.pods();
    assert_eq!(pods.len(), 3);
    for (name, node) in &pods {
        assert!(name.starts_with(&format!("web-{hash}-")), "{name}");
        assert!(node.starts_with("worker-"));
    }
    let pod = s.state.of_kind("", "Pod").next().unwrap();
    assert_eq!(
        pod.json["metadata"]["labels"]["pod-template-hash"],
        hash.as_str()
    );
    assert_eq!(
        pod.body(&s.objects)["spec"]["containers"][0]["imagePullPolicy"],
        "IfNotPresent"
    );
    // Spread over the three workers, deterministically.
    let mut nodes: Vec<_> = pods.iter().map(|(_, n)| n.clone()).collect();
    nodes.sort();
    assert_eq!(nodes, ["worker-1", "worker-2", "worker-3"]);
    assert_eq!(sim(&deployment(3, "")).pods(), pods);
}

#[test]
fn stateful_set_makes_ordered_pods_and_claims() {
    let text = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\nspec:\n  replicas: 2\n  serviceName: db\n  selector:\n    matchLabels: {app: db}\n  template:\n    metadata:\n      labels: {app: db}\n    spec:\n      containers:\n        - name: db\n          image: postgres:16\n          volumeMounts: [{name: data, mountPath: /var/lib/postgresql}]\n  volumeClaimTemplates:\n    - metadata: {name: data}\n      spec:\n        accessModes: [ReadWriteOnce]\n        resources: {requests: {storage: 1Gi}}\n";
    let s = sim(text);
    s.clean();
    let names: Vec<String> = s.pods().into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["db-0", "db-1"]);
    for claim in ["data-db-0", "data-db-1"] {
        let pvc = s
            .state
            .get("", "PersistentVolumeClaim", "default", claim)
            .unwrap();
        assert_eq!(pvc.json["status"]["phase"], "Bound", "{claim}");
    }
    let pod = s.state.get("", "Pod", "default", "db-1").unwrap();
    assert_eq!(
        pod.json["metadata"]["labels"]["statefulset.kubernetes.io/pod-name"],
        "db-1"
    );
    assert_eq!(pod.json["spec"]["hostname"], "db-1");
    // A class that does not exist leaves the claims Pending: one warning for the template.
    let s = sim(&text.replace(
        "        accessModes",
        "        storageClassName: fast\n        accessModes",
    ));
    let d = s.only();
    assert_eq!(d.rule.id, "cluster/pvc-unbound");
    assert_eq!(
        d.message,
        "PersistentVolumeClaim \"data-db-0\" stays Pending: storageclass.storage.k8s.io \"fast\" not found"
    );
    assert_eq!(s.line(d), 21);
    // Their pods wait for the claims, without a second finding.
    let pod = s.state.get("", "Pod", "default", "db-0").unwrap();
    assert_eq!(pod.json["status"]["phase"], "Pending");
    assert_eq!(
        pod.json["status"]["conditions"][0]["message"],
        "0/4 nodes are available: pod has unbound immediate PersistentVolumeClaims."
    );
}

/// A StatefulSet pod's claims follow its template's volumes: in the pod as printed, and for
/// the scheduler, which waits for a claim the template names as for one of its own.
#[test]
fn stateful_set_pods_add_their_claims_to_the_template_volumes() {
    let text = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\nspec:\n  replicas: 2\n  serviceName: db\n  selector:\n    matchLabels: {app: db}\n  template:\n    metadata:\n      labels: {app: db}\n    spec:\n      affinity:\n        podAntiAffinity:\n          preferredDuringSchedulingIgnoredDuringExecution:\n            - weight: 1\n              podAffinityTerm: {topologyKey: kubernetes.io/hostname, labelSelector: {matchLabels: {app: db}}}\n      containers:\n        - name: db\n          image: postgres:16\n      volumes:\n        - name: config\n          configMap: {name: db}\n        - name: shared\n          persistentVolumeClaim: {claimName: SHARED}\n  volumeClaimTemplates:\n    - metadata: {name: data}\n      spec:\n        accessModes: [ReadWriteOnce]\n        resources: {requests: {storage: 1Gi}}\n";
    let claim = "---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: shared\nspec:\n  accessModes: [ReadWriteOnce]\n  resources: {requests: {storage: 1Gi}}\n";
    let s = sim(&format!("{}{claim}", text.replace("SHARED", "shared")));
    s.clean();
    let pod = s.state.get("", "Pod", "default", "db-1").unwrap();
    let body = pod.body(&s.objects);
    assert_eq!(
        body["spec"]["volumes"],
        serde_json::json!([
            {"name": "config", "configMap": {"name": "db", "defaultMode": 420}},
            {"name": "shared", "persistentVolumeClaim": {"claimName": "shared"}},
            {"name": "data", "persistentVolumeClaim": {"claimName": "data-db-1"}},
        ])
    );
    assert_eq!(
        body["spec"]["affinity"]["podAntiAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"]
            [0]["weight"],
        1
    );
    assert_eq!(pod.json["status"]["phase"], "Running");
    // A claim of the template's volumes that cannot bind: every pod waits for it.
    let unbound = claim.replace("spec:\n", "spec:\n  storageClassName: fast\n");
    let s = sim(&format!("{}{unbound}", text.replace("SHARED", "shared")));
    for name in ["db-0", "db-1"] {
        let pod = s.state.get("", "Pod", "default", name).unwrap();
        assert_eq!(
            pod.json["status"]["conditions"][0]["message"],
            "0/4 nodes are available: pod has unbound immediate PersistentVolumeClaims.",
            "{name}"
        );
    }
}

#[test]
fn pvc_binding() {
    let pvc = "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: data\nspec:\n  accessModes: [ReadWriteOnce]\n  resources: {requests: {storage: 1Gi}}\n";
    let s = sim(pvc);
    s.clean();
    assert_eq!(
        s.state
            .get("", "PersistentVolumeClaim", "default", "data")
            .unwrap()
            .json["spec"]["storageClassName"],
        "standard"
    );
    let s = sim(&pvc.replace("spec:\n", "spec:\n  storageClassName: \"\"\n"));
    assert_eq!(
        s.only().message,
        "PersistentVolumeClaim \"data\" stays Pending: no persistent volumes available for this claim and no storage class is set"
    );
    let pv = "apiVersion: v1\nkind: PersistentVolume\nmetadata:\n  name: pv1\nspec:\n  capacity: {storage: 5Gi}\n  accessModes: [ReadWriteOnce]\n  hostPath: {path: /data}\n";
    let s = sim(&format!(
        "{}---\n{pv}",
        pvc.replace("spec:\n", "spec:\n  storageClassName: \"\"\n")
    ));
    s.clean();
    assert_eq!(
        s.state
            .get("", "PersistentVolumeClaim", "default", "data")
            .unwrap()
            .json["spec"]["volumeName"],
        "pv1"
    );
}

const DAEMON: &str = "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: agent\nspec:\n  selector:\n    matchLabels: {app: agent}\n  template:\n    metadata:\n      labels: {app: agent}\n    spec:\n      containers:\n        - {name: agent, image: fluent-bit:3.0}\n";

#[test]
fn daemon_set_without_toleration_runs_on_the_three_workers() {
    let s = sim(DAEMON);
    s.clean();
    let mut nodes: Vec<String> = s.pods().into_iter().map(|(_, n)| n).collect();
    nodes.sort();
    assert_eq!(nodes, ["worker-1", "worker-2", "worker-3"]);
}

#[test]
fn daemon_set_with_control_plane_toleration_runs_on_all_four() {
    let text = DAEMON.replace(
        "      containers:\n",
        "      tolerations:\n        - {key: node-role.kubernetes.io/control-plane, operator: Exists, effect: NoSchedule}\n      containers:\n",
    );
    let s = sim(&text);
    s.clean();
    let mut nodes: Vec<String> = s.pods().into_iter().map(|(_, n)| n).collect();
    nodes.sort();
    assert_eq!(nodes, ["control-plane", "worker-1", "worker-2", "worker-3"]);
}

#[test]
fn jobs_and_cron_jobs_make_pods() {
    let job = "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\nspec:\n  parallelism: 2\n  completions: 4\n  template:\n    spec:\n      restartPolicy: Never\n      containers: [{name: m, image: busybox:1.36}]\n";
    let s = sim(job);
    s.clean();
    assert_eq!(s.pods().len(), 2);
    let j = s.state.get("batch", "Job", "default", "migrate").unwrap();
    assert_eq!(j.json["spec"]["backoffLimit"], 6);
    assert_eq!(
        j.json["spec"]["template"]["metadata"]["labels"]["job-name"],
        "migrate"
    );
    let cron = "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: nightly\nspec:\n  schedule: \"0 3 * * *\"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: OnFailure\n          containers: [{name: job, image: busybox:1.36}]\n";
    let s = sim(cron);
    s.clean();
    let jobs: Vec<_> = s.state.of_kind("batch", "Job").collect();
    assert_eq!(jobs.len(), 1);
    assert!(jobs[0].key.name.starts_with("nightly-"));
    assert_eq!(s.pods().len(), 1);
}

#[test]
fn endpoints_resolve_named_target_ports() {
    let svc = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector: {app: web}\n  ports:\n    - {name: http, port: 80, targetPort: http}\n";
    let s = sim(&format!("{}---\n{svc}", deployment(2, "")));
    s.clean();
    let eps = s.state.get("", "Endpoints", "default", "web").unwrap();
    assert_eq!(eps.json["subsets"][0]["ports"][0]["port"], 8080);
    assert_eq!(
        eps.json["subsets"][0]["addresses"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    // A name no container port has: no endpoints for that port.
    let s = sim(&format!(
        "{}---\n{}",
        deployment(2, ""),
        svc.replace("targetPort: http", "targetPort: web")
    ));
    assert_eq!(
        s.state.get("", "Endpoints", "default", "web").unwrap().json["subsets"],
        serde_json::json!([])
    );
}

fn unschedulable_message(text: &str, profile: &Profile) -> String {
    let s = sim_files(&[("p.yaml", text)], profile, false);
    let d = s.only();
    assert_eq!(d.rule.id, "cluster/unschedulable");
    d.message.clone()
}

#[test]
fn scheduler_insufficient_memory() {
    let text = deployment(1, "").replace(
        "          image: nginx:1.27\n",
        "          image: nginx:1.27\n          resources: {requests: {memory: 64Gi}}\n",
    );
    let s = sim(&text);
    let d = s.only();
    assert!(d.message.starts_with("pod \"web-"), "{}", d.message);
    assert!(
        d.message.ends_with("stays Pending: 0/4 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 3 Insufficient memory."),
        "{}",
        d.message
    );
    assert_eq!(s.line(d), 16, "points at the memory request");
    assert_eq!(s.sources.locate(d.secondary[0].span).line, 4);
}

#[test]
fn scheduler_insufficient_cpu_counts_replicas() {
    let text = deployment(4, "").replace(
        "          image: nginx:1.27\n",
        "          image: nginx:1.27\n          resources: {requests: {cpu: \"3\"}}\n",
    );
    let msg = unschedulable_message(&text, &Profile::default());
    assert!(
        msg.starts_with("1 pods of Deployment \"web\"") || msg.starts_with("pod \"web-"),
        "{msg}"
    );
    assert!(msg.ends_with("0/4 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 3 Insufficient cpu."), "{msg}");
}

#[test]
fn scheduler_node_selector() {
    let text = deployment(1, "      nodeSelector: {disktype: ssd}\n");
    let msg = unschedulable_message(&text, &Profile::default());
    assert!(msg.ends_with("0/4 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 3 node(s) didn't match Pod's node affinity/selector."), "{msg}");
    sim(&deployment(
        1,
        "      nodeSelector: {kubernetes.io/os: linux}\n",
    ))
    .clean();
}

#[test]
fn scheduler_required_node_affinity() {
    let affinity = "      affinity:\n        nodeAffinity:\n          requiredDuringSchedulingIgnoredDuringExecution:\n            nodeSelectorTerms:\n              - matchExpressions:\n                  - {key: topology.kubernetes.io/zone, operator: In, values: [eu-1a]}\n";
    let msg = unschedulable_message(&deployment(1, affinity), &Profile::default());
    assert!(
        msg.ends_with("3 node(s) didn't match Pod's node affinity/selector."),
        "{msg}"
    );
}

#[test]
fn scheduler_host_port_conflicts() {
    let text =
        deployment(4, "").replace("containerPort: 8080}", "containerPort: 8080, hostPort: 80}");
    let msg = unschedulable_message(&text, &Profile::default());
    assert!(msg.ends_with("0/4 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 3 node(s) didn't have free ports for the requested pod ports."), "{msg}");
}

#[test]
fn scheduler_pod_count_and_cordoned_nodes() {
    let mut profile = Profile {
        nodes: vec![NodeSpec::new("small", "4", "16Gi", 1)],
        ..Profile::default()
    };
    let msg = unschedulable_message(&deployment(2, ""), &profile);
    assert!(
        msg.ends_with("0/1 nodes are available: 1 Too many pods."),
        "{msg}"
    );
    let mut cordoned = NodeSpec::new("old", "4", "16Gi", 110);
    cordoned.unschedulable = true;
    profile.nodes = vec![cordoned];
    let msg = unschedulable_message(&deployment(1, ""), &profile);
    assert!(
        msg.ends_with("0/1 nodes are available: 1 node(s) were unschedulable."),
        "{msg}"
    );
}

#[test]
fn simulate_output_is_deterministic() {
    let text = format!("{}---\n{DAEMON}", deployment(2, ""));
    let a = sim(&text);
    let b = sim(&text);
    assert_eq!(a.state.table(), b.state.table());
    assert_eq!(a.state.to_yaml(&a.objects), b.state.to_yaml(&b.objects));
    assert_eq!(a.state.to_json(&a.objects), b.state.to_json(&b.objects));
    let table = a.state.table();
    assert!(table.contains("deployment.apps/web"), "{table}");
    assert!(table.contains("daemonset.apps/agent"), "{table}");
    assert!(table.contains("Running"), "{table}");
}

#[test]
fn strict_makes_scheduling_findings_errors() {
    let text = deployment(1, "      nodeSelector: {disktype: ssd}\n");
    let s = cluster_support::sim_with(&text, kforge::version::KubeVersion::NEWEST, true);
    assert_eq!(s.only().severity, kforge::diag::Severity::Error);
    assert_eq!(sim(&text).only().severity, kforge::diag::Severity::Warning);
}

#[test]
fn stateful_set_template_errors_on_older_targets_fail_at_pod_creation() {
    let sts = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\nspec:\n  selector:\n    matchLabels: {app: db}\n  template:\n    metadata:\n      labels: {app: db}\n    spec:\n      containers: [{name: db}]\n";
    let old = cluster_support::sim_with(
        sts,
        kforge::version::KubeVersion::parse("1.30").unwrap(),
        false,
    );
    let d = old.only();
    assert_eq!(
        d.message,
        "The StatefulSet \"db\" is invalid: spec.template.spec.containers[0].image: Required value"
    );
    assert!(
        d.notes[0].contains("fails at pod creation"),
        "{:?}",
        d.notes
    );
    assert!(sim(sts).only().notes.is_empty());
}
