//! Cluster profiles: the documented file format, `kubectl get -A -o yaml` Lists, and every
//! cluster rule's own failing and passing example.

use crate::cluster_support;
use cluster_support::{sim, sim_files, sim_in};
use kforge::cluster::Profile;
use kforge::source::SourceMap;

fn load(text: &str) -> Result<Profile, Vec<String>> {
    load_into(text, &mut SourceMap::new())
}

fn load_into(text: &str, sources: &mut SourceMap) -> Result<Profile, Vec<String>> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cluster.yaml");
    std::fs::write(&path, text).unwrap();
    Profile::load(&path, sources).map_err(|d| d.iter().map(|d| d.message.clone()).collect())
}

#[test]
fn default_profile_matches_the_issue() {
    let p = Profile::default();
    assert_eq!(p.nodes.len(), 4);
    assert_eq!(
        p.nodes[0].taints[0].key,
        "node-role.kubernetes.io/control-plane"
    );
    assert_eq!(p.node_port_range.to_string(), "30000-32767");
    assert_eq!(p.service_cidr.to_string(), "10.96.0.0/12");
    assert!(p.namespaces.iter().any(|n| n == "kube-node-lease"));
    let s = sim("");
    assert_eq!(
        s.state
            .get("", "Service", "default", "kubernetes")
            .unwrap()
            .json["spec"]["clusterIP"],
        "10.96.0.1"
    );
}

#[test]
fn profile_file_format() {
    let mut sources = SourceMap::new();
    let p = load_into(
        "nodes:\n  - name: gpu-1\n    labels: {accelerator: nvidia}\n    taints:\n      - {key: gpu, value: \"true\", effect: NoSchedule}\n    allocatable: {cpu: \"8\", memory: 64Gi, pods: 50}\nnodePortRange: 31000-31999\nserviceCIDR: 10.0.0.0/16\nnamespaces: [monitoring]\nobjects:\n  - apiVersion: v1\n    kind: Service\n    metadata: {name: taken, namespace: default}\n    spec:\n      type: NodePort\n      ports: [{port: 80, nodePort: 31000}]\n",
        &mut sources,
    )
    .unwrap();
    assert_eq!(p.nodes.len(), 1);
    assert_eq!(p.nodes[0].pods, 50);
    assert_eq!(p.nodes[0].labels["accelerator"], "nvidia");
    assert_eq!(p.node_port_range.to_string(), "31000-31999");
    assert!(p.namespaces.iter().any(|n| n == "monitoring"));
    // The profile's Service holds nodePort 31000.
    let svc = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: monitoring\nspec:\n  type: NodePort\n  ports: [{port: 80, nodePort: 31000}]\n";
    let s = sim_in(sources, &[("web.yaml", svc)], &p, false);
    let d = s.only();
    assert_eq!(d.rule.id, "cluster/nodeport-conflict");
    assert_eq!(
        d.secondary.len(),
        1,
        "the profile object is labelled in the profile file"
    );
    assert_eq!(s.sources.locate(d.secondary[0].span).line, 16);
    // Loaded into another source map, the profile's places are not trusted: a note instead.
    let s = sim_files(&[("web.yaml", svc)], &p, false);
    assert!(s.only().secondary.is_empty());
    assert_eq!(
        s.only().notes,
        vec!["Service \"taken\" in the cluster profile holds nodePort 31000".to_string()]
    );
    // A pod must tolerate the gpu taint.
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers: [{name: a, image: nginx:1.27}]\n";
    let s = sim_files(&[("p.yaml", pod)], &p, false);
    assert!(
        s.only()
            .message
            .ends_with("0/1 nodes are available: 1 node(s) had untolerated taint {gpu: true}."),
        "{}",
        s.only().message
    );
}

#[test]
fn kubectl_list_is_existing_objects() {
    let p = load(
        "apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Node\n    metadata: {name: n1, labels: {kubernetes.io/hostname: n1}}\n    status: {allocatable: {cpu: \"2\", memory: 4Gi, pods: \"110\"}}\n  - apiVersion: v1\n    kind: Namespace\n    metadata: {name: shop}\n  - apiVersion: storage.k8s.io/v1\n    kind: StorageClass\n    metadata: {name: fast}\n    provisioner: ebs.csi.aws.com\n",
    )
    .unwrap();
    assert_eq!(p.nodes.len(), 1);
    assert_eq!(p.nodes[0].cpu_milli, 2000);
    assert!(p.namespaces.iter().any(|n| n == "shop"));
    let pvc = "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: data\n  namespace: shop\nspec:\n  storageClassName: fast\n  accessModes: [ReadWriteOnce]\n  resources: {requests: {storage: 1Gi}}\n";
    sim_files(&[("pvc.yaml", pvc)], &p, false).clean();
}

#[test]
fn bad_profiles_are_reported() {
    let errs = load("nodes: 3\nbogus: 1\n").unwrap_err();
    assert_eq!(
        errs,
        vec![
            "`nodes` must be a list of nodes".to_string(),
            "unknown cluster profile field `bogus`".to_string()
        ]
    );
    let errs = load("serviceCIDR: nonsense\n").unwrap_err();
    assert_eq!(errs.len(), 1);
}
