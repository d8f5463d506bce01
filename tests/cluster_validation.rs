//! API-server validation: each check fails with the API server's message at the offending
//! field, and passes when fixed.

use crate::cluster_support;
use cluster_support::{expect_one, sim};

const INVALID: &str = "cluster/invalid";

#[test]
fn service_port_names_are_required_with_several_ports() {
    let text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n    - name: http\n      port: 80\n    - port: 443\n";
    expect_one(
        text,
        INVALID,
        "The Service \"web\" is invalid: spec.ports[1].name: Required value",
        9,
    );
    sim(&text.replace("    - port: 443", "    - name: https\n      port: 443")).clean();
}

#[test]
fn service_names_are_dns1035_labels() {
    let s = sim(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: 1web\nspec:\n  ports: [{port: 80}]\n",
    );
    let d = s.only();
    assert!(d.message.starts_with("The Service \"1web\" is invalid: metadata.name: Invalid value: \"1web\": a DNS-1035 label"), "{}", d.message);
    assert_eq!(s.line(d), 4);
}

#[test]
fn service_ports_are_required_unless_headless() {
    expect_one(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector: {app: web}\n",
        INVALID,
        "The Service \"web\" is invalid: spec.ports: Required value",
        5,
    );
    sim("apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  clusterIP: None\n  selector: {app: web}\n").clean();
}

#[test]
fn node_port_is_forbidden_on_cluster_ip_services() {
    let text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n    - port: 80\n      nodePort: 30080\n";
    expect_one(
        text,
        INVALID,
        "The Service \"web\" is invalid: spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'",
        8,
    );
    sim(&text.replace("spec:\n", "spec:\n  type: NodePort\n")).clean();
}

#[test]
fn headless_node_port_service_is_invalid() {
    let text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: NodePort\n  clusterIP: None\n  ports: [{port: 80}]\n";
    expect_one(
        text,
        INVALID,
        "The Service \"web\" is invalid: spec.clusterIP: Invalid value: \"None\": may not be set to 'None' for NodePort services",
        7,
    );
}

#[test]
fn external_name_services_need_a_name() {
    let text =
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: db\nspec:\n  type: ExternalName\n";
    expect_one(
        text,
        INVALID,
        "The Service \"db\" is invalid: spec.externalName: Required value",
        5,
    );
    sim(&format!("{text}  externalName: db.example.com\n")).clean();
}

const DEPLOY: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
          ports:
            - name: http
              containerPort: 80
";

#[test]
fn a_valid_deployment_is_clean() {
    sim(DEPLOY).clean();
}

#[test]
fn selector_must_match_template_labels() {
    let s = sim(&DEPLOY.replace("labels: {app: web}", "labels: {app: webb}"));
    let d = s.only();
    assert_eq!(
        d.message,
        "The Deployment \"web\" is invalid: spec.template.metadata.labels: Invalid value: {\"app\":\"webb\"}: `selector` does not match template `labels`"
    );
    assert_eq!(s.line(d), 10);
}

#[test]
fn selector_is_required() {
    let s = sim(&DEPLOY.replace("  selector:\n    matchLabels: {app: web}\n", ""));
    assert_eq!(
        s.only().message,
        "The Deployment \"web\" is invalid: spec.selector: Required value"
    );
}

#[test]
fn container_names_must_be_unique() {
    let text = DEPLOY.replace(
        "              containerPort: 80\n",
        "              containerPort: 80\n        - name: web\n          image: busybox:1.36\n",
    );
    expect_one(
        &text,
        INVALID,
        "The Deployment \"web\" is invalid: spec.template.spec.containers[1].name: Duplicate value: \"web\"",
        18,
    );
}

#[test]
fn container_image_is_required() {
    let text = DEPLOY.replace("          image: nginx:1.27\n", "");
    expect_one(
        &text,
        INVALID,
        "The Deployment \"web\" is invalid: spec.template.spec.containers[0].image: Required value",
        13,
    );
}

#[test]
fn container_port_names_are_iana_names() {
    let s = sim(&DEPLOY.replace("name: http", "name: http-endpoint-main"));
    let d = s.only();
    assert_eq!(
        d.message,
        "The Deployment \"web\" is invalid: spec.template.spec.containers[0].ports[0].name: Invalid value: \"http-endpoint-main\": must be no more than 15 characters"
    );
    assert_eq!(s.line(d), 16);
}

#[test]
fn container_port_range() {
    let s = sim(&DEPLOY.replace("containerPort: 80", "containerPort: 70000"));
    assert_eq!(
        s.only().message,
        "The Deployment \"web\" is invalid: spec.template.spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive"
    );
}

#[test]
fn duplicate_container_ports_are_a_warning() {
    let text = DEPLOY.replace("              containerPort: 80\n", "              containerPort: 80\n        - name: side\n          image: busybox:1.36\n          ports:\n            - containerPort: 80\n");
    let s = sim(&text);
    let d = s.only();
    assert_eq!(d.rule.id, "cluster/api-warning");
    assert_eq!(
        d.message,
        "Warning: spec.template.spec.containers[1].ports[0]: duplicate port definition with spec.template.spec.containers[0].ports[0]"
    );
}

#[test]
fn env_var_names() {
    let text = DEPLOY.replace("          image: nginx:1.27\n", "          image: nginx:1.27\n          env:\n            - name: 1BAD\n              value: x\n");
    let s = sim(&text);
    let d = s.only();
    assert!(d.message.starts_with("The Deployment \"web\" is invalid: spec.template.spec.containers[0].env[0].name: Invalid value: \"1BAD\": a valid environment variable name"), "{}", d.message);
    assert_eq!(s.line(d), 16);
    sim(&text.replace("1BAD", "GOOD")).clean();
}

#[test]
fn value_from_needs_exactly_one_source() {
    let text = DEPLOY.replace(
        "          image: nginx:1.27\n",
        "          image: nginx:1.27\n          env:\n            - name: A\n              valueFrom:\n                secretKeyRef: {name: s, key: k}\n                configMapKeyRef: {name: c, key: k}\n",
    );
    let s = sim(&text);
    assert_eq!(
        s.only().message,
        "The Deployment \"web\" is invalid: spec.template.spec.containers[0].env[0].valueFrom: Invalid value: \"\": may not have more than one field specified at a time"
    );
    sim(&text.replace("                configMapKeyRef: {name: c, key: k}\n", "")).clean();
}

#[test]
fn volume_mounts_must_name_a_volume() {
    let text = DEPLOY.replace("          image: nginx:1.27\n", "          image: nginx:1.27\n          volumeMounts:\n            - name: data\n              mountPath: /data\n");
    expect_one(
        &text,
        INVALID,
        "The Deployment \"web\" is invalid: spec.template.spec.containers[0].volumeMounts[0].name: Not found: \"data\"",
        16,
    );
    let fixed = format!("{text}      volumes:\n        - name: data\n          emptyDir: {{}}\n");
    sim(&fixed).clean();
}

#[test]
fn mount_paths_are_unique() {
    let text = DEPLOY.replace(
        "          image: nginx:1.27\n",
        "          image: nginx:1.27\n          volumeMounts:\n            - {name: a, mountPath: /data}\n            - {name: b, mountPath: /data}\n",
    ) + "      volumes:\n        - {name: a, emptyDir: {}}\n        - {name: b, emptyDir: {}}\n";
    expect_one(
        &text,
        INVALID,
        "The Deployment \"web\" is invalid: spec.template.spec.containers[0].volumeMounts[1].mountPath: Invalid value: \"/data\": must be unique",
        17,
    );
}

#[test]
fn requests_must_not_exceed_limits() {
    let text = DEPLOY.replace("          image: nginx:1.27\n", "          image: nginx:1.27\n          resources:\n            requests: {cpu: \"2\"}\n            limits: {cpu: \"1\"}\n");
    expect_one(
        &text,
        INVALID,
        "The Deployment \"web\" is invalid: spec.template.spec.containers[0].resources.requests[cpu]: Invalid value: \"2\": must be less than or equal to cpu limit of 1",
        16,
    );
    sim(&text.replace("cpu: \"2\"", "cpu: 500m")).clean();
}

#[test]
fn probes_need_exactly_one_handler() {
    let text = DEPLOY.replace(
        "          image: nginx:1.27\n",
        "          image: nginx:1.27\n          livenessProbe:\n            periodSeconds: 5\n",
    );
    expect_one(
        &text,
        INVALID,
        "The Deployment \"web\" is invalid: spec.template.spec.containers[0].livenessProbe: Required value: must specify a handler type",
        16,
    );
    sim(&text.replace(
        "            periodSeconds: 5\n",
        "            tcpSocket: {port: 80}\n",
    ))
    .clean();
}

#[test]
fn deployments_only_allow_restart_policy_always() {
    let text = DEPLOY.replace(
        "      containers:\n",
        "      restartPolicy: Never\n      containers:\n",
    );
    expect_one(
        &text,
        INVALID,
        "The Deployment \"web\" is invalid: spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\"",
        12,
    );
}

#[test]
fn replicas_must_not_be_negative() {
    let text = DEPLOY.replace("spec:\n  selector", "spec:\n  replicas: -1\n  selector");
    expect_one(
        &text,
        INVALID,
        "The Deployment \"web\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0",
        6,
    );
}

#[test]
fn max_surge_and_max_unavailable_not_both_zero() {
    let text = DEPLOY.replace(
        "spec:\n  selector",
        "spec:\n  strategy:\n    rollingUpdate: {maxSurge: 0, maxUnavailable: 0}\n  selector",
    );
    expect_one(
        &text,
        INVALID,
        "The Deployment \"web\" is invalid: spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0",
        7,
    );
    sim(&text.replace("maxSurge: 0", "maxSurge: 1")).clean();
}

#[test]
fn recreate_with_rolling_update_is_forbidden() {
    let text = DEPLOY.replace(
        "spec:\n  selector",
        "spec:\n  strategy:\n    type: Recreate\n    rollingUpdate: {maxSurge: 1}\n  selector",
    );
    expect_one(
        &text,
        INVALID,
        "The Deployment \"web\" is invalid: spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'",
        8,
    );
}

#[test]
fn labels_and_annotations_syntax() {
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  labels:\n    app: \"bad value\"\n";
    let s = sim(text);
    let d = s.only();
    assert!(d.message.starts_with("The ConfigMap \"c\" is invalid: metadata.labels: Invalid value: \"bad value\": a valid label must be"), "{}", d.message);
    assert_eq!(s.line(d), 6);
    let s = sim(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  annotations:\n    a/b/c: x\n",
    );
    assert_eq!(s.line(s.only()), 6);
}

#[test]
fn annotations_are_limited_to_256_kib() {
    let big = "x".repeat(262_145);
    let s = sim(&format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  annotations:\n    note: {big}\n"
    ));
    assert_eq!(
        s.only().message,
        "The ConfigMap \"c\" is invalid: metadata.annotations: Too long: may not be more than 262144 bytes"
    );
}

#[test]
fn cronjob_schedule_and_name() {
    let cron = "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: nightly\nspec:\n  schedule: \"0 3 * * * *\"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: OnFailure\n          containers:\n            - {name: job, image: busybox:1.36}\n";
    expect_one(
        cron,
        INVALID,
        "The CronJob \"nightly\" is invalid: spec.schedule: Invalid value: \"0 3 * * * *\": expected exactly 5 fields, found 6: [0 3 * * * *]",
        6,
    );
    sim(&cron.replace("0 3 * * * *", "0 3 * * *")).clean();
    sim(&cron.replace("0 3 * * * *", "@daily")).clean();
    let long = cron
        .replace("0 3 * * * *", "0 3 * * *")
        .replace("name: nightly", &format!("name: {}", "n".repeat(53)));
    assert!(
        sim(&long)
            .only()
            .message
            .contains("metadata.name: Invalid value: \"nnn")
    );
    let tz = cron.replace("0 3 * * * *\"\n", "0 3 * * *\"\n  timeZone: Mars/Olympus\n");
    expect_one(
        &tz,
        INVALID,
        "The CronJob \"nightly\" is invalid: spec.timeZone: Invalid value: \"Mars/Olympus\": unknown time zone Mars/Olympus",
        7,
    );
    sim(&tz.replace("Mars/Olympus", "Europe/Berlin")).clean();
}

#[test]
fn job_restart_policy_must_be_never_or_on_failure() {
    let job = "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\nspec:\n  template:\n    spec:\n      containers:\n        - {name: job, image: busybox:1.36}\n";
    expect_one(
        job,
        INVALID,
        "The Job \"migrate\" is invalid: spec.template.spec.restartPolicy: Required value: valid values: \"OnFailure\", \"Never\"",
        7,
    );
    sim(&job.replace(
        "    spec:\n      containers",
        "    spec:\n      restartPolicy: Never\n      containers",
    ))
    .clean();
}

#[test]
fn ingress_paths_need_path_type_and_absolute_paths() {
    let ing = "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\nspec:\n  rules:\n    - host: example.com\n      http:\n        paths:\n          - path: /\n            backend:\n              service: {name: web, port: {number: 80}}\n";
    expect_one(
        ing,
        INVALID,
        "The Ingress \"web\" is invalid: spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified",
        10,
    );
    let fixed = ing.replace(
        "          - path: /\n",
        "          - path: /\n            pathType: Prefix\n",
    );
    sim(&fixed).clean();
    expect_one(
        &fixed.replace("path: /", "path: api"),
        INVALID,
        "The Ingress \"web\" is invalid: spec.rules[0].http.paths[0].path: Invalid value: \"api\": must be an absolute path",
        10,
    );
    let s =
        sim("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\nspec: {}\n");
    assert!(
        s.only()
            .message
            .ends_with("either `defaultBackend` or `rules` must be specified")
    );
}

#[test]
fn tls_secrets_need_their_keys() {
    let s = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: tls\ntype: kubernetes.io/tls\ndata:\n  tls.crt: Y2VydA==\n";
    expect_one(
        s,
        INVALID,
        "The Secret \"tls\" is invalid: data[tls.key]: Required value",
        6,
    );
    sim(&format!("{s}  tls.key: a2V5\n")).clean();
}

#[test]
fn docker_config_json_must_be_json() {
    let s = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: pull\ntype: kubernetes.io/dockerconfigjson\nstringData:\n  .dockerconfigjson: \"{not json\"\n";
    let sm = sim(s);
    assert!(sm.only().message.starts_with("The Secret \"pull\" is invalid: data[.dockerconfigjson]: Invalid value: \"<secret contents redacted>\""), "{}", sm.only().message);
    sim(&s.replace("{not json", "{}")).clean();
}

#[test]
fn config_keys_and_size() {
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a/b: x\n";
    let s = sim(text);
    assert!(
        s.only().message.starts_with(
            "The ConfigMap \"c\" is invalid: data: Invalid value: \"a/b\": a valid config key"
        ),
        "{}",
        s.only().message
    );
    assert_eq!(s.line(s.only()), 6);
    let big = "x".repeat(1_048_577);
    assert_eq!(
        sim(&format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  k: {big}\n"
        ))
        .only()
        .message,
        "The ConfigMap \"c\" is invalid: Too long: may not be more than 1048576 bytes"
    );
}

#[test]
fn pvc_needs_access_modes_and_storage() {
    let pvc = "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: data\nspec:\n  resources:\n    requests: {storage: 1Gi}\n";
    expect_one(
        pvc,
        INVALID,
        "The PersistentVolumeClaim \"data\" is invalid: spec.accessModes: Required value: at least 1 access mode is required",
        5,
    );
    sim(&pvc.replace("spec:\n", "spec:\n  accessModes: [ReadWriteOnce]\n")).clean();
    let s = sim(
        "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: data\nspec:\n  accessModes: [ReadWriteOnce]\n  resources: {}\n",
    );
    assert_eq!(
        s.only().message,
        "The PersistentVolumeClaim \"data\" is invalid: spec.resources[storage]: Required value"
    );
}

#[test]
fn rbac_role_ref_and_subjects() {
    let crb = "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: b\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: Role\n  name: r\nsubjects:\n  - kind: ServiceAccount\n    name: sa\n";
    let s = sim(crb);
    assert_eq!(
        s.messages(),
        vec![
            "cluster/invalid: The ClusterRoleBinding \"b\" is invalid: roleRef.kind: Unsupported value: \"Role\": supported values: \"ClusterRole\"".to_string(),
            "cluster/invalid: The ClusterRoleBinding \"b\" is invalid: subjects[0].namespace: Required value".to_string(),
        ]
    );
    sim(&crb
        .replace("kind: Role\n", "kind: ClusterRole\n")
        .replace("    name: sa\n", "    name: sa\n    namespace: default\n"))
    .clean();
}

#[test]
fn job_names_must_fit_a_label() {
    let job = "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: NAME\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers: [{name: m, image: busybox:1.36}]\n";
    let long = "j".repeat(64);
    let s = sim(&job.replace("NAME", &long));
    assert_eq!(
        s.only().message,
        format!(
            "The Job \"{long}\" is invalid: spec.template.labels: Invalid value: \"{long}\": must be no more than 63 characters"
        )
    );
    sim(&job.replace("NAME", "migrate")).clean();
}

#[test]
fn basic_auth_and_ssh_auth_secrets() {
    let s =
        sim("apiVersion: v1\nkind: Secret\nmetadata:\n  name: b\ntype: kubernetes.io/basic-auth\n");
    assert_eq!(s.diags.len(), 2, "{:?}", s.messages());
    sim("apiVersion: v1\nkind: Secret\nmetadata:\n  name: b\ntype: kubernetes.io/basic-auth\nstringData: {password: p}\n").clean();
    let s = sim(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: k\ntype: kubernetes.io/ssh-auth\nstringData: {ssh-privatekey: \"\"}\n",
    );
    assert_eq!(
        s.only().message,
        "The Secret \"k\" is invalid: data[ssh-privatekey]: Required value"
    );
}

#[test]
fn service_port_names_and_node_ports_are_unique() {
    let text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: NodePort\n  ports:\n    - {name: http, port: 80, nodePort: 30080}\n    - {name: http, port: 81, nodePort: 30080}\n";
    let s = sim(text);
    assert_eq!(
        s.messages(),
        vec![
            "cluster/invalid: The Service \"web\" is invalid: spec.ports[1].name: Duplicate value: \"http\"".to_string(),
            "cluster/invalid: The Service \"web\" is invalid: spec.ports[1].nodePort: Duplicate value: 30080".to_string(),
        ]
    );
    // TCP and UDP on the same port share one nodePort.
    let shared = "apiVersion: v1\nkind: Service\nmetadata:\n  name: dns\nspec:\n  type: NodePort\n  ports:\n    - {name: dns, port: 53, protocol: UDP}\n    - {name: dns-tcp, port: 53, protocol: TCP}\n";
    let s = sim(shared);
    s.clean();
    let svc = s.state.get("", "Service", "default", "dns").unwrap();
    assert_eq!(
        svc.json["spec"]["ports"][0]["nodePort"],
        svc.json["spec"]["ports"][1]["nodePort"]
    );
}

#[test]
fn stateful_set_policies() {
    let sts = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\nspec:\n  podManagementPolicy: Sometimes\n  selector:\n    matchLabels: {app: db}\n  template:\n    metadata:\n      labels: {app: db}\n    spec:\n      containers: [{name: db, image: postgres:16}]\n";
    expect_one(
        sts,
        INVALID,
        "The StatefulSet \"db\" is invalid: spec.podManagementPolicy: Unsupported value: \"Sometimes\": supported values: \"OrderedReady\", \"Parallel\"",
        6,
    );
    sim(&sts.replace("Sometimes", "Parallel")).clean();
    // Empty values are defaulted before validation (seen in real charts).
    sim(&sts.replace("Sometimes", "\"\"")).clean();
}

#[test]
fn daemon_set_rolling_update() {
    let ds = "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: agent\nspec:\n  updateStrategy:\n    rollingUpdate: {maxUnavailable: 0}\n  selector:\n    matchLabels: {app: agent}\n  template:\n    metadata:\n      labels: {app: agent}\n    spec:\n      containers: [{name: a, image: fluent-bit:3.0}]\n";
    expect_one(
        ds,
        INVALID,
        "The DaemonSet \"agent\" is invalid: spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: 0: cannot be 0 when maxSurge is 0",
        7,
    );
    sim(&ds.replace("maxUnavailable: 0", "maxUnavailable: 1")).clean();
}

#[test]
fn hpa_and_pdb() {
    let hpa = "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  minReplicas: 5\n  maxReplicas: 2\n";
    expect_one(
        hpa,
        INVALID,
        "The HorizontalPodAutoscaler \"web\" is invalid: spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`",
        8,
    );
    sim(&hpa.replace("maxReplicas: 2", "maxReplicas: 10")).clean();
    let pdb = "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: web\nspec:\n  minAvailable: 1\n  maxUnavailable: 1\n  selector:\n    matchLabels: {app: web}\n";
    let s = sim(pdb);
    assert!(
        s.only()
            .message
            .ends_with("minAvailable and maxUnavailable cannot be both set")
    );
    sim(&pdb.replace("  maxUnavailable: 1\n", "")).clean();
    let s = sim(&pdb
        .replace("  maxUnavailable: 1\n", "")
        .replace("minAvailable: 1", "minAvailable: 120%"));
    assert!(s.only().message.ends_with("must not be greater than 100%"));
}

#[test]
fn generate_name_without_name() {
    let s = sim("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  generateName: Settings-\n");
    assert!(
        s.only()
            .message
            .contains("metadata.generateName: Invalid value: \"Settings-\""),
        "{}",
        s.only().message
    );
}

#[test]
fn length_messages_follow_the_target_version() {
    let text = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  labels:\n    app: {}\n",
        "a".repeat(64)
    );
    // kforge targets the newest version by default: v1.35+ says bytes.
    assert!(
        sim(&text)
            .only()
            .message
            .ends_with("must be no more than 63 bytes"),
        "{}",
        sim(&text).only().message
    );
}

/// A NetworkPolicy that passes every check below; each case breaks one thing.
const NETWORK_POLICY: &str = "apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: web
spec:
  podSelector:
    matchLabels: {app: web}
  policyTypes: [Ingress, Egress]
  ingress:
    - from:
        - podSelector:
            matchExpressions:
              - {key: role, operator: In, values: [frontend]}
        - ipBlock:
            cidr: 10.0.0.0/8
            except: [10.1.0.0/16]
      ports:
        - {protocol: TCP, port: 8080, endPort: 8090}
        - {port: http}
  egress:
    - to:
        - namespaceSelector: {}
      ports:
        - {protocol: UDP, port: 53}
";

#[test]
fn network_policies() {
    sim(NETWORK_POLICY).clean();
    let invalid = |what: &str| format!("The NetworkPolicy \"web\" is invalid: {what}");
    let cases = [
        (
            "cidr: 10.0.0.0/8",
            "cidr: 10.0.0.0/33",
            "spec.ingress[0].from[1].ipBlock.cidr: Invalid value: \"10.0.0.0/33\": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)",
            15,
        ),
        (
            "except: [10.1.0.0/16]",
            "except: [192.168.0.0/16]",
            "spec.ingress[0].from[1].ipBlock.except[0]: Invalid value: \"192.168.0.0/16\": must be a strict subset of `cidr`",
            16,
        ),
        (
            "        - ipBlock:\n",
            "        - namespaceSelector: {}\n          ipBlock:\n",
            "spec.ingress[0].from[1]: Forbidden: may not specify both ipBlock and another peer",
            14,
        ),
        (
            "        - namespaceSelector: {}\n",
            "        - {}\n",
            "spec.egress[0].to[0]: Required value: must specify a peer",
            22,
        ),
        (
            "endPort: 8090",
            "endPort: 8000",
            "spec.ingress[0].ports[0].endPort: Invalid value: 8080: must be greater than or equal to `port`",
            18,
        ),
        (
            "{port: http}",
            "{port: http, endPort: 9000}",
            "spec.ingress[0].ports[1].endPort: Invalid value: 9000: may not be specified when `port` is non-numeric",
            19,
        ),
        (
            "protocol: UDP",
            "protocol: ICMP",
            "spec.egress[0].ports[0].protocol: Unsupported value: \"ICMP\": supported values: \"SCTP\", \"TCP\", \"UDP\"",
            24,
        ),
        (
            "port: 53}",
            "port: 70000}",
            "spec.egress[0].ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive",
            24,
        ),
        (
            "operator: In, values: [frontend]",
            "operator: In, values: []",
            "spec.ingress[0].from[0].podSelector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
            13,
        ),
        (
            "operator: In, values: [frontend]",
            "operator: Equals, values: [frontend]",
            "spec.ingress[0].from[0].podSelector.matchExpressions[0].operator: Invalid value: \"Equals\": not a valid selector operator",
            13,
        ),
        (
            "policyTypes: [Ingress, Egress]",
            "policyTypes: [Ingress, Outgoing]",
            "spec.policyTypes[1]: Unsupported value: \"Outgoing\": supported values: \"Ingress\", \"Egress\"",
            8,
        ),
    ];
    for (from, to, message, line) in cases {
        assert!(NETWORK_POLICY.contains(from), "{from}");
        expect_one(
            &NETWORK_POLICY.replacen(from, to, 1),
            INVALID,
            &invalid(message),
            line,
        );
    }
}

#[test]
fn pod_disruption_budget_selectors_are_label_selectors() {
    let pdb = "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: web\nspec:\n  minAvailable: 1\n  selector:\n    matchExpressions:\n      - {key: app, operator: Exists, values: [web]}\n";
    expect_one(
        pdb,
        INVALID,
        "The PodDisruptionBudget \"web\" is invalid: spec.selector.matchExpressions[0].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
        9,
    );
    sim(&pdb.replace(", values: [web]", "")).clean();
}

#[test]
fn workload_selectors_are_label_selectors() {
    let deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchExpressions:\n      - {key: app, operator: Equal, values: [web]}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers: [{name: web, image: nginx:1.27}]\n";
    expect_one(
        deployment,
        INVALID,
        "The Deployment \"web\" is invalid: spec.selector.matchExpressions[0].operator: Invalid value: \"Equal\": not a valid selector operator",
        8,
    );
    sim(&deployment.replace("operator: Equal", "operator: In")).clean();
}
