//! The cluster profile: nodes, NodePort range, service CIDR, namespaces and objects that already
//! exist.
//!
//! # File format (`--cluster FILE`, YAML)
//! ```yaml
//! nodes:                          # replaces the built-in nodes when given
//!   - name: worker-1
//!     labels: {topology.kubernetes.io/zone: a}   # kubernetes.io/hostname, os and arch are added
//!     taints:
//!       - {key: dedicated, value: db, effect: NoSchedule}
//!     allocatable: {cpu: "4", memory: 16Gi, pods: 110}
//!     unschedulable: false
//! nodePortRange: 30000-32767      # --service-node-port-range
//! serviceCIDR: 10.96.0.0/12       # --service-cluster-ip-range (IPv4)
//! namespaces: [monitoring]        # added to default, kube-system, kube-public, kube-node-lease
//! objects:                        # objects that already exist (CRDs, StorageClasses, Services…)
//!   - apiVersion: storage.k8s.io/v1
//!     kind: StorageClass
//!     metadata: {name: fast}
//!     provisioner: ebs.csi.aws.com
//! ```
//! Other documents of the file that are Kubernetes objects (for example the `List` printed by
//! `kubectl get -A -o yaml`) are existing objects too: `Node` objects become nodes (labels,
//! `spec.taints`, `status.allocatable`, `spec.unschedulable`) and `Namespace` objects
//! namespaces. Without any node, the built-in nodes are used. The built-in `kubernetes` Service
//! and default StorageClass are kept unless the file has objects with the same names.

use super::allocators::{Cidr, PortRange};
use super::quantity;
use crate::catalog::cluster::PROFILE_INVALID;
use crate::diag::Diagnostic;
use crate::object::Object;
use crate::source::{SourceKind, SourceMap, Span};
use crate::yaml::{self, Node};
use serde_json::json;
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Taint {
    pub key: String,
    pub value: String,
    pub effect: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeSpec {
    pub name: String,
    pub labels: BTreeMap<String, String>,
    pub taints: Vec<Taint>,
    /// Thousandths of a CPU.
    pub cpu_milli: i128,
    /// Thousandths of a byte (quantity milli-units).
    pub memory_milli: i128,
    pub pods: i64,
    pub unschedulable: bool,
}

impl NodeSpec {
    pub fn new(name: &str, cpu: &str, memory: &str, pods: i64) -> NodeSpec {
        let mut labels = BTreeMap::new();
        labels.insert("kubernetes.io/hostname".to_string(), name.to_string());
        labels.insert("kubernetes.io/os".to_string(), "linux".to_string());
        labels.insert("kubernetes.io/arch".to_string(), "amd64".to_string());
        NodeSpec {
            name: name.to_string(),
            labels,
            taints: Vec::new(),
            cpu_milli: quantity::parse_milli(cpu).unwrap_or(0),
            memory_milli: quantity::parse_milli(memory).unwrap_or(0),
            pods,
            unschedulable: false,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Profile {
    pub nodes: Vec<NodeSpec>,
    pub node_port_range: PortRange,
    pub service_cidr: Cidr,
    pub namespaces: Vec<String>,
    /// Objects that exist before the apply.
    pub objects: Vec<Object>,
    /// Whether the objects' spans point into a loaded file (the built-in objects have none).
    pub from_file: bool,
    /// The profile file in the [`SourceMap`] it was loaded into (id and name). Spans of file
    /// objects are used only when the run's source map holds that same file.
    pub source: Option<(crate::source::FileId, String)>,
}

const BUILTIN_NAMESPACES: &[&str] = &["default", "kube-system", "kube-public", "kube-node-lease"];

fn builtin_object(json: serde_json::Value) -> Option<Object> {
    let root = Node::from_json(&json, Span::default());
    let text = |p: &[&str]| root.path(p).and_then(Node::as_str).map(str::to_string);
    Some(Object {
        api_version: text(&["apiVersion"])?,
        kind: text(&["kind"])?,
        name: text(&["metadata", "name"])?,
        namespace: text(&["metadata", "namespace"]),
        span: Span::default(),
        index: 0,
        schema_checked: false,
        root,
    })
}

fn builtin_objects() -> Vec<Object> {
    [
        json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "kubernetes", "namespace": "default",
            "labels": {"component": "apiserver", "provider": "kubernetes"}},
            "spec": {"clusterIP": "10.96.0.1", "ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": 6443}]}}),
        json!({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {"name": "standard",
            "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}},
            "provisioner": "rancher.io/local-path", "reclaimPolicy": "Delete", "volumeBindingMode": "WaitForFirstConsumer"}),
    ]
    .into_iter()
    .filter_map(builtin_object)
    .collect()
}

fn builtin_nodes() -> Vec<NodeSpec> {
    let mut cp = NodeSpec::new("control-plane", "4", "16Gi", 110);
    cp.labels.insert(
        "node-role.kubernetes.io/control-plane".to_string(),
        String::new(),
    );
    cp.taints.push(Taint {
        key: "node-role.kubernetes.io/control-plane".to_string(),
        value: String::new(),
        effect: "NoSchedule".to_string(),
    });
    let mut nodes = vec![cp];
    for i in 1..=3 {
        nodes.push(NodeSpec::new(&format!("worker-{i}"), "4", "16Gi", 110));
    }
    nodes
}

impl Default for Profile {
    /// One tainted control-plane node and three workers (4 CPU, 16Gi, 110 pods), the four
    /// standard namespaces, Service `kubernetes` at 10.96.0.1, NodePorts 30000-32767, service
    /// CIDR 10.96.0.0/12 and a default StorageClass `standard`.
    fn default() -> Profile {
        Profile {
            nodes: builtin_nodes(),
            node_port_range: PortRange::DEFAULT,
            service_cidr: Cidr {
                base: u32::from(std::net::Ipv4Addr::new(10, 96, 0, 0)),
                prefix: 12,
            },
            namespaces: BUILTIN_NAMESPACES.iter().map(|s| s.to_string()).collect(),
            objects: builtin_objects(),
            from_file: false,
            source: None,
        }
    }
}

fn bad(span: Span, msg: impl Into<String>, label: &str) -> Diagnostic {
    Diagnostic::new(&PROFILE_INVALID, msg).at(span, label)
}

fn node_from(n: &Node, name_field: &[&str], diags: &mut Vec<Diagnostic>) -> Option<NodeSpec> {
    let Some(name) = n.path(name_field).and_then(Node::as_str) else {
        diags.push(bad(
            n.site(),
            "a node of the cluster profile has no name",
            "name required",
        ));
        return None;
    };
    let alloc = n
        .get("allocatable")
        .or_else(|| n.path(&["status", "allocatable"]));
    let q = |k: &str, default: &str| {
        alloc
            .and_then(|a| a.get(k))
            .and_then(quantity::of_node)
            .or_else(|| quantity::parse_milli(default))
            .unwrap_or(0)
    };
    let mut node = NodeSpec::new(name, "4", "16Gi", 110);
    node.cpu_milli = q("cpu", "4");
    node.memory_milli = q("memory", "16Gi");
    node.pods = i64::try_from(q("pods", "110") / 1000).unwrap_or(110);
    let labels = n.get("labels").or_else(|| n.path(&["metadata", "labels"]));
    for (k, _, v) in labels
        .map(|l| l.entries().collect::<Vec<_>>())
        .unwrap_or_default()
    {
        node.labels
            .insert(k.to_string(), v.scalar_text().unwrap_or_default());
    }
    let taints = n.get("taints").or_else(|| n.path(&["spec", "taints"]));
    for t in taints.and_then(Node::as_seq).unwrap_or(&[]) {
        let s = |k: &str| t.get(k).and_then(Node::scalar_text).unwrap_or_default();
        node.taints.push(Taint {
            key: s("key"),
            value: s("value"),
            effect: s("effect"),
        });
    }
    node.unschedulable = n
        .get("unschedulable")
        .or_else(|| n.path(&["spec", "unschedulable"]))
        .and_then(Node::as_bool)
        .unwrap_or(false);
    Some(node)
}

fn object_from(n: &Node) -> Option<Object> {
    let text = |p: &[&str]| n.path(p).and_then(Node::as_str).map(str::to_string);
    Some(Object {
        api_version: text(&["apiVersion"])?,
        kind: text(&["kind"])?,
        name: text(&["metadata", "name"])?,
        namespace: text(&["metadata", "namespace"]).filter(|s| !s.is_empty()),
        span: n.span,
        index: 0,
        schema_checked: false,
        root: n.clone(),
    })
}

struct Builder {
    nodes: Vec<NodeSpec>,
    namespaces: Vec<String>,
    objects: Vec<Object>,
}

impl Builder {
    fn object(&mut self, n: &Node, diags: &mut Vec<Diagnostic>) {
        let kind = n.get("kind").and_then(Node::as_str).unwrap_or("");
        if kind.ends_with("List")
            && let Some(items) = n.get("items").and_then(Node::as_seq)
        {
            for item in items {
                self.object(item, diags);
            }
            return;
        }
        match kind {
            "Node" => self
                .nodes
                .extend(node_from(n, &["metadata", "name"], diags)),
            "Namespace" => self.namespaces.extend(
                n.path(&["metadata", "name"])
                    .and_then(Node::as_str)
                    .map(str::to_string),
            ),
            _ => match object_from(n) {
                Some(o) => self.objects.push(o),
                None => diags.push(bad(
                    n.site(),
                    "an object of the cluster profile lacks apiVersion, kind or metadata.name",
                    "not a Kubernetes object",
                )),
            },
        }
    }
}

impl Profile {
    /// Reads a profile file (format above). Problems are `cluster/profile` findings.
    pub fn load(path: &Path, sources: &mut SourceMap) -> Result<Profile, Vec<Diagnostic>> {
        let text = crate::source::read_text_limited(path, crate::source::MAX_INPUT_BYTES).map_err(
            |e| {
                vec![Diagnostic::new(
                    &PROFILE_INVALID,
                    format!("cannot read cluster profile {}: {e}", path.display()),
                )]
            },
        )?;
        let file = sources.add(path.display().to_string(), text, SourceKind::Manifest);
        let (docs, mut diags) = yaml::parse_stream(sources, file, &yaml::Limits::default());
        let mut profile = Profile::default();
        let mut b = Builder {
            nodes: Vec::new(),
            namespaces: Vec::new(),
            objects: Vec::new(),
        };
        for doc in docs {
            let Some(root) = doc.root else { continue };
            if root.get("kind").is_some() {
                b.object(&root, &mut diags);
                continue;
            }
            if root.as_map().is_none() {
                diags.push(bad(root.site(), "the cluster profile must be a map (nodes, nodePortRange, serviceCIDR, namespaces, objects)", "expected a map"));
                continue;
            }
            for (key, key_node, value) in root.entries() {
                match key {
                    "nodes" => match value.as_seq() {
                        Some(items) => {
                            for n in items {
                                b.nodes.extend(node_from(n, &["name"], &mut diags));
                            }
                        }
                        None => diags.push(bad(
                            value.site(),
                            "`nodes` must be a list of nodes",
                            "expected a list",
                        )),
                    },
                    "nodePortRange" => {
                        match value.scalar_text().as_deref().and_then(PortRange::parse) {
                            Some(r) => profile.node_port_range = r,
                            None => diags.push(bad(
                                value.site(),
                                "`nodePortRange` must look like 30000-32767",
                                "not a port range",
                            )),
                        }
                    }
                    "serviceCIDR" => match value.as_str().and_then(Cidr::parse) {
                        Some(c) => profile.service_cidr = c,
                        None => diags.push(bad(
                            value.site(),
                            "`serviceCIDR` must be an IPv4 CIDR such as 10.96.0.0/12",
                            "not an IPv4 CIDR",
                        )),
                    },
                    "namespaces" => {
                        for ns in value.as_seq().unwrap_or(&[]) {
                            b.namespaces.extend(ns.as_str().map(str::to_string));
                        }
                    }
                    "objects" => {
                        for o in value.as_seq().unwrap_or(&[]) {
                            b.object(o, &mut diags);
                        }
                    }
                    other => diags.push(bad(
                        key_node.site(),
                        format!("unknown cluster profile field `{other}`"),
                        "expected nodes, nodePortRange, serviceCIDR, namespaces or objects",
                    )),
                }
            }
        }
        if diags.iter().any(|d| d.is_error()) {
            return Err(diags);
        }
        if !b.nodes.is_empty() {
            profile.nodes = b.nodes;
        }
        for ns in b.namespaces {
            if !profile.namespaces.contains(&ns) {
                profile.namespaces.push(ns);
            }
        }
        profile.objects.retain(|builtin| {
            !b.objects.iter().any(|o| {
                o.kind == builtin.kind && o.name == builtin.name && o.namespace == builtin.namespace
            })
        });
        // Built-ins first (they have no span); file objects after.
        profile.objects.extend(b.objects);
        profile.from_file = true;
        profile.source = Some((file, sources.name(file).to_string()));
        Ok(profile)
    }
}
