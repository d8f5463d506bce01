//! The apply: namespaces, CRDs, updates and immutable fields, allocation conflicts, and the
//! issue's "done when" scenarios.

use crate::cluster_support;
use cluster_support::{sim, sim_files, sim_with};
use kforge::cluster::Profile;
use kforge::version::KubeVersion;

/// The Widget CRD the CLI tests lint with (`kforge lint --crd`), and a Widget.
const WIDGET_CRD: &str = include_str!("fixtures/cli/widget-crd.yaml");
const WIDGET: &str = "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n";

#[test]
fn missing_namespace_fails_like_the_admission_plugin() {
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: shop\n";
    let s = sim_with(text, KubeVersion::NEWEST, true);
    let d = s.only();
    assert_eq!(d.rule.id, "cluster/namespace-not-found");
    assert_eq!(
        d.message,
        "error when creating ConfigMap \"settings\": namespaces \"shop\" not found"
    );
    assert_eq!(s.line(d), 5);
    // Namespace applied earlier in the run (install order puts it first even when written last).
    sim(&format!(
        "{text}---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n"
    ))
    .clean();
}

#[test]
fn create_namespace_creates_the_release_namespace_only() {
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n";
    let mut s = sim_files(&[("a.yaml", text)], &Profile::default(), false);
    assert!(s.diags.is_empty());
    let mut profile = Profile::default();
    profile.namespaces.retain(|n| n != "default");
    // Open world: Helm installs only into a namespace that exists, so the release namespace is
    // assumed without a finding.
    sim_files(&[("a.yaml", text)], &profile, false).clean();
    // A profile from a file is a closed world: it lacks the release namespace.
    profile.from_file = true;
    s = sim_files(&[("a.yaml", text)], &profile, false);
    assert_eq!(
        s.only().message,
        "error when creating ConfigMap \"settings\": namespaces \"default\" not found"
    );
    sim_files(&[("a.yaml", text)], &profile, true).clean();
}

#[test]
fn custom_resources_need_their_crd() {
    let cr = WIDGET;
    let s = sim(cr);
    let d = s.only();
    assert_eq!(d.rule.id, "cluster/no-crd");
    assert_eq!(
        d.message,
        "resource mapping not found for Widget \"w\": no matches for kind \"Widget\" in version \"example.com/v1\""
    );
    assert!(
        d.help
            .as_deref()
            .unwrap_or("")
            .starts_with("ensure CRDs are installed first")
    );
    assert_eq!(s.line(d), 1);
    let crd = WIDGET_CRD;
    sim(&format!("{cr}---\n{crd}")).clean();
    // With the built-in profile the CRD may be installed in the real cluster: a warning.
    assert_eq!(d.severity, kforge::diag::Severity::Warning);
    // A CRD serving another version does not help.
    let s = sim(&format!(
        "{cr}---\n{}",
        crd.replace("- name: v1\n", "- name: v2\n")
    ));
    assert_eq!(s.only().rule.id, "cluster/no-crd");
}

#[test]
fn cluster_scoped_objects_with_a_namespace_get_a_warning() {
    let text = "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: reader\n  namespace: default\nrules: []\n";
    let s = sim(text);
    let d = s.only();
    assert_eq!(d.rule.id, "cluster/namespace-cleared");
    assert_eq!(s.line(d), 5);
    assert!(
        s.state
            .get("rbac.authorization.k8s.io", "ClusterRole", "", "reader")
            .is_some()
    );
    sim(&text.replace("  namespace: default\n", "")).clean();
}

#[test]
fn same_object_twice_is_an_update_and_last_wins() {
    let a = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  k: one\n";
    let s = sim(&format!("{a}---\n{}", a.replace("one", "two")));
    s.clean();
    let c = s.state.get("", "ConfigMap", "default", "c").unwrap();
    assert_eq!(c.body(&s.objects)["data"]["k"], "two");
}

#[test]
fn immutable_fields_fail_the_update() {
    let secret = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ntype: Opaque\n";
    let s = sim(&format!(
        "{secret}---\n{}",
        secret.replace(
            "Opaque",
            "kubernetes.io/basic-auth\nstringData:\n  username: u"
        )
    ));
    let d = s.only();
    assert_eq!(d.rule.id, "cluster/immutable-field");
    assert_eq!(
        d.message,
        "The Secret \"s\" is invalid: type: Invalid value: \"kubernetes.io/basic-auth\": field is immutable"
    );
    assert_eq!(s.line(d), 11);
    assert_eq!(d.secondary.len(), 1);

    let deploy = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web, tier: x}\n    spec:\n      containers: [{name: web, image: nginx:1.27}]\n";
    let s = sim(&format!(
        "{deploy}---\n{}",
        deploy.replace(
            "matchLabels: {app: web}",
            "matchLabels: {app: web, tier: x}"
        )
    ));
    assert_eq!(
        s.only().message,
        "The Deployment \"web\" is invalid: spec.selector: Invalid value: {\"matchLabels\":{\"app\":\"web\",\"tier\":\"x\"}}: field is immutable"
    );
    // Changing the template is allowed.
    sim(&format!(
        "{deploy}---\n{}",
        deploy.replace("nginx:1.27", "nginx:1.28")
    ))
    .clean();

    let rb = "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: b\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: a}\nsubjects: [{kind: ServiceAccount, name: sa}]\n";
    let s = sim(&format!("{rb}---\n{}", rb.replace("name: a}", "name: b}")));
    assert!(s.only().message.ends_with("cannot change roleRef"));

    let cm =
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\nimmutable: true\ndata: {k: one}\n";
    let s = sim(&format!("{cm}---\n{}", cm.replace("one", "two")));
    assert_eq!(
        s.only().message,
        "The ConfigMap \"c\" is invalid: data: Forbidden: field is immutable when `immutable` is set"
    );

    let sts = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\nspec:\n  serviceName: db\n  selector:\n    matchLabels: {app: db}\n  template:\n    metadata:\n      labels: {app: db}\n    spec:\n      containers: [{name: db, image: postgres:16}]\n";
    let s = sim(&format!(
        "{sts}---\n{}",
        sts.replace("serviceName: db", "serviceName: db2")
    ));
    assert!(
        s.only().message.contains(
            "spec: Forbidden: updates to statefulset spec for fields other than 'replicas'"
        )
    );
    sim(&format!(
        "{sts}---\n{}",
        sts.replace(
            "spec:\n  serviceName",
            "spec:\n  replicas: 3\n  serviceName"
        )
    ))
    .clean();
}

fn node_port_service(name: &str, port: u16) -> String {
    format!(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\nspec:\n  type: NodePort\n  selector: {{app: {name}}}\n  ports:\n    - port: 80\n      nodePort: {port}\n"
    )
}

#[test]
fn two_manifest_sets_asking_for_the_same_node_port_give_one_conflict() {
    let a = node_port_service("shop", 30000);
    let b = node_port_service("blog", 30000);
    let s = sim_files(
        &[("shop.yaml", &a), ("blog.yaml", &b)],
        &Profile::default(),
        false,
    );
    let d = s.only();
    assert_eq!(d.rule.id, "cluster/nodeport-conflict");
    assert_eq!(
        d.message,
        "The Service \"blog\" is invalid: spec.ports[0].nodePort: Invalid value: 30000: provided port is already allocated"
    );
    assert_eq!(
        s.sources.locate(d.primary.as_ref().unwrap().span).path,
        "blog.yaml"
    );
    assert_eq!(s.line(d), 10);
    assert_eq!(s.sources.locate(d.secondary[0].span).path, "shop.yaml");
    assert!(s.state.get("", "Service", "default", "blog").is_none());
    sim_files(
        &[
            ("shop.yaml", &a),
            ("blog.yaml", &node_port_service("blog", 30001)),
        ],
        &Profile::default(),
        false,
    )
    .clean();
}

#[test]
fn node_port_out_of_range() {
    let s = sim(&node_port_service("web", 8080));
    let d = s.only();
    assert_eq!(d.rule.id, "cluster/nodeport-range");
    assert_eq!(
        d.message,
        "The Service \"web\" is invalid: spec.ports[0].nodePort: Invalid value: 8080: provided port is not in the valid range. The range of valid ports is 30000-32767"
    );
}

#[test]
fn node_ports_are_auto_allocated_until_the_range_is_full() {
    let svc = |n: &str| {
        format!(
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: {n}\nspec:\n  type: NodePort\n  ports: [{{port: 80}}]\n"
        )
    };
    let profile = Profile {
        node_port_range: kforge::cluster::PortRange::parse("30000-30001").unwrap(),
        ..Profile::default()
    };
    let text = [svc("a"), svc("b"), svc("c")].join("---\n");
    let s = sim_files(&[("s.yaml", &text)], &profile, false);
    assert_eq!(s.only().rule.id, "cluster/nodeport-range");
    assert!(s.only().message.ends_with("range is full"));
    let a = s.state.get("", "Service", "default", "a").unwrap();
    assert!(a.json["spec"]["ports"][0]["nodePort"].as_i64().is_some());
}

#[test]
fn cluster_ip_conflicts_and_range() {
    let svc = |ip: &str| {
        format!(
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: dns\nspec:\n  clusterIP: {ip}\n  ports: [{{port: 53}}]\n"
        )
    };
    let s = sim(&svc("10.96.0.1"));
    let d = s.only();
    assert_eq!(d.rule.id, "cluster/clusterip-conflict");
    assert_eq!(
        d.message,
        "The Service \"dns\" is invalid: spec.clusterIPs: Invalid value: [\"10.96.0.1\"]: failed to allocate IP 10.96.0.1: provided IP is already allocated"
    );
    assert_eq!(s.line(d), 6);
    let s = sim(&svc("192.168.0.10"));
    assert_eq!(s.only().rule.id, "cluster/clusterip-range");
    assert!(s.only().message.ends_with("the provided IP (192.168.0.10) is not in the valid range. The range of valid IPs is 10.96.0.0/12"));
    let s = sim(&svc("10.96.0.10"));
    s.clean();
    assert_eq!(
        s.state.get("", "Service", "default", "dns").unwrap().json["spec"]["clusterIP"],
        "10.96.0.10"
    );
}

#[test]
fn mongo_express_runs_on_the_workers() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/cluster/mongo-express.yaml"
    ))
    .unwrap();
    let s = sim(&text);
    s.clean();
    let pods = s.pods();
    assert_eq!(pods.len(), 2, "{pods:?}");
    for (name, node) in &pods {
        assert!(node.starts_with("worker-"), "{name} on {node}");
    }
    for svc in ["mongodb-service", "mongo-express-service"] {
        let eps = s.state.get("", "Endpoints", "default", svc).unwrap();
        assert_eq!(
            eps.json["subsets"][0]["addresses"].as_array().map(Vec::len),
            Some(1),
            "{svc}"
        );
    }
    let express = s
        .state
        .get("", "Service", "default", "mongo-express-service")
        .unwrap();
    assert_eq!(express.json["spec"]["ports"][0]["nodePort"], 30000);
    let table = s.state.table();
    insta::assert_snapshot!("mongo_express_table", table);
    assert!(table.contains("8081:30000/TCP"), "{table}");
    assert!(table.contains("service/mongodb-service"), "{table}");
    assert!(
        s.state
            .to_yaml(&s.objects)
            .contains("imagePullPolicy: IfNotPresent")
    );
}

#[test]
fn a_profile_file_makes_missing_crds_and_namespaces_errors() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cluster.yaml");
    std::fs::write(&path, "namespaces: [apps]\n").unwrap();
    let mut sources = kforge::source::SourceMap::new();
    let profile = Profile::load(&path, &mut sources).unwrap();
    let text = &format!(
        "{WIDGET}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: shop\n"
    );
    let s = sim_files(&[("a.yaml", text)], &profile, false);
    assert_eq!(s.errors().len(), 2, "{:#?}", s.messages());
    let s = sim(text);
    assert!(s.errors().is_empty());
    assert_eq!(s.diags.len(), 2);
}

#[test]
fn simulate_yaml_shows_defaults() {
    let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx\n          readinessProbe:\n            httpGet: {port: 80}\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector: {app: web}\n  ports: [{port: 80}]\n";
    let s = sim(text);
    s.clean();
    let yaml = s.state.to_yaml(&s.objects);
    let deployment = yaml
        .split("---\n")
        .find(|d| d.contains("kind: Deployment"))
        .unwrap();
    // Not a snapshot: the shared YAML emitter may format differently; the defaults must be there.
    for line in [
        "imagePullPolicy: Always",
        "progressDeadlineSeconds: 600",
        "revisionHistoryLimit: 10",
        "terminationGracePeriodSeconds: 30",
        "periodSeconds: 10",
        "dnsPolicy: ClusterFirst",
    ] {
        assert!(
            deployment.contains(line),
            "{line} missing from\n{deployment}"
        );
    }
    let json = s.state.to_json(&s.objects);
    assert_eq!(json["kind"], "List");
    assert!(
        json["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["kind"] == "Endpoints")
    );
}

#[test]
fn kinds_the_model_does_not_read_are_stored_without_a_copy_and_printed_in_full() {
    let text = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  k: v\n";
    let s = sim(text);
    s.clean();
    let stored = s.state.get("", "Secret", "default", "s").unwrap();
    // No JSON copy of the body is held (issue 19: memory)...
    assert!(stored.json.is_null());
    // ...and what simulate prints is rebuilt from the run object, defaults and namespace included.
    let body = stored.body(&s.objects);
    assert_eq!(body["type"], "Opaque");
    assert_eq!(body["metadata"]["namespace"], "default");
    let yaml = s.state.to_yaml(&s.objects);
    assert!(
        yaml.ends_with("---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  namespace: default\ntype: Opaque\ndata:\n  k: dg==\n"),
        "{yaml}"
    );
}
