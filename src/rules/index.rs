//! One pass over the run that every rule shares: objects by kind/namespace/name, pod templates
//! with their labels and containers. Built once per run; rules are lookups into it.

use crate::check::CheckContext;
use crate::object::{self, Object};
use crate::yaml::Node;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Kinds whose objects carry a pod template, and where it sits.
const TEMPLATE_PATHS: &[(&str, &[&str])] = &[
    ("Deployment", &["spec", "template"]),
    ("ReplicaSet", &["spec", "template"]),
    ("StatefulSet", &["spec", "template"]),
    ("DaemonSet", &["spec", "template"]),
    ("Job", &["spec", "template"]),
    ("ReplicationController", &["spec", "template"]),
    ("CronJob", &["spec", "jobTemplate", "spec", "template"]),
    ("Pod", &[]),
];

/// One label of a pod template or object: key and value as text, with the nodes to point at.
#[derive(Clone, Debug)]
pub struct LabelEntry<'a> {
    pub key: &'a str,
    pub value: String,
    pub value_node: &'a Node,
}

/// A container port: number and/or name as written.
#[derive(Clone, Debug)]
pub struct ContainerPort<'a> {
    pub number: Option<i64>,
    pub name: Option<&'a str>,
    /// The `containerPort` value node (else the port item).
    pub number_node: &'a Node,
    pub name_node: Option<&'a Node>,
}

#[derive(Clone, Debug)]
pub struct Container<'a> {
    pub name: &'a str,
    pub node: &'a Node,
    /// `initContainers` (sidecars included) rather than `containers`.
    pub init: bool,
    pub ports: Vec<ContainerPort<'a>>,
}

impl<'a> Container<'a> {
    /// Where to point for the container as a whole: its `name` value, else the item.
    pub fn site(&self) -> crate::source::Span {
        self.node
            .get("name")
            .map(Node::site)
            .unwrap_or(self.node.site())
    }
}

/// A pod template of a workload (or a bare Pod).
#[derive(Clone, Debug)]
pub struct PodTemplate<'a> {
    pub owner: &'a Object,
    /// Resolved namespace of the owner.
    pub namespace: &'a str,
    pub labels: Vec<LabelEntry<'a>>,
    /// `metadata.labels` of the template, when present (to point at).
    pub labels_node: Option<&'a Node>,
    /// The pod spec.
    pub spec: &'a Node,
    pub containers: Vec<Container<'a>>,
}

impl<'a> PodTemplate<'a> {
    pub fn label(&self, key: &str) -> Option<&LabelEntry<'a>> {
        self.labels.iter().find(|l| l.key == key)
    }

    /// Where to point for "these are the template's labels".
    pub fn labels_site(&self) -> crate::source::Span {
        self.labels_node
            .map(Node::site)
            .unwrap_or(self.owner.name_span())
    }

    /// Every container that runs for the life of the pod (regular containers; init containers
    /// only matter for named ports when they are sidecars, which we treat alike).
    pub fn all_containers(&self) -> impl Iterator<Item = &Container<'a>> {
        self.containers.iter()
    }

    /// `Deployment "web"` for messages.
    pub fn owner_name(&self) -> String {
        format!("{} \"{}\"", self.owner.kind, self.owner.name)
    }
}

/// What [`Index::get`] finds an object by: kind, resolved namespace, name.
type ObjectKey<'a> = (&'a str, &'a str, &'a str);

pub struct Index<'a> {
    pub ctx: &'a CheckContext<'a>,
    /// (kind, resolved namespace or "" for cluster-scoped, name) and the first object of the
    /// run with it, sorted by key: searched by [`Index::get`]. A sorted vector, 56 bytes an
    /// object: a B-tree of vectors of every object was ~130 (issue 19: page faults).
    by_key: Vec<(ObjectKey<'a>, &'a Object)>,
    pub templates: Vec<PodTemplate<'a>>,
    /// Resolved namespace → indices into `templates`.
    templates_by_ns: BTreeMap<&'a str, Vec<usize>>,
    /// Resolved namespace → every label key some template there sets.
    label_keys_by_ns: BTreeMap<&'a str, BTreeSet<&'a str>>,
    /// (resolved namespace, label key) → label value → indices into `templates`, ascending:
    /// selectors look up their candidates instead of testing every template of the namespace
    /// (Services × templates was quadratic).
    templates_by_label: HashMap<(&'a str, &'a str), HashMap<String, Vec<usize>>>,
    /// Custom resources whose kind is cluster-scoped per a CRD of the run (or `--crd`), by
    /// (group, kind): looked up without allocating (every object asks once).
    crd_scopes: BTreeMap<(&'a str, &'a str), bool>,
    /// Custom resources of kinds not known to only configure things (see [`NOT_POD_MAKING`]),
    /// with the namespace each lands in (`None`: cluster-scoped): every selector that selects
    /// nothing looks through them, so they are resolved once, not once per selector.
    custom_resources: Vec<(&'a Object, Option<&'a str>)>,
}

impl<'a> Index<'a> {
    pub fn build(ctx: &'a CheckContext<'a>) -> Index<'a> {
        let mut crd_scopes = BTreeMap::new();
        for crd in ctx.objects.iter().chain(ctx.extra_crds.iter()) {
            if crd.kind != "CustomResourceDefinition" {
                continue;
            }
            let group = crd.root.path(&["spec", "group"]).and_then(Node::as_str);
            let kind = crd
                .root
                .path(&["spec", "names", "kind"])
                .and_then(Node::as_str);
            let scope = crd.root.path(&["spec", "scope"]).and_then(Node::as_str);
            if let (Some(g), Some(k)) = (group, kind) {
                crd_scopes.insert((g, k), scope == Some("Cluster"));
            }
        }
        let mut ix = Index {
            ctx,
            by_key: Vec::with_capacity(ctx.objects.len()),
            templates: Vec::new(),
            templates_by_ns: BTreeMap::new(),
            label_keys_by_ns: BTreeMap::new(),
            templates_by_label: HashMap::new(),
            crd_scopes,
            custom_resources: Vec::new(),
        };
        for obj in ctx.objects {
            let resolved = ix.namespace_of(obj);
            let ns = resolved.unwrap_or("");
            ix.by_key
                .push(((obj.kind.as_str(), ns, obj.name.as_str()), obj));
            if object::builtin_cluster_scoped(obj.group(), &obj.kind).is_none()
                && !NOT_POD_MAKING.contains(&obj.kind.as_str())
            {
                ix.custom_resources.push((obj, resolved));
            }
            if let Some(t) = pod_template(obj, ns) {
                let i = ix.templates.len();
                ix.templates_by_ns.entry(ns).or_default().push(i);
                let keys = ix.label_keys_by_ns.entry(ns).or_default();
                keys.extend(t.labels.iter().map(|l| l.key));
                for (j, l) in t.labels.iter().enumerate() {
                    // A repeated key counts once, with its first value, as `Requirement::matches`
                    // reads it.
                    if t.labels.iter().take(j).any(|earlier| earlier.key == l.key) {
                        continue;
                    }
                    ix.templates_by_label
                        .entry((ns, l.key))
                        .or_default()
                        .entry(l.value.clone())
                        .or_default()
                        .push(i);
                }
                ix.templates.push(t);
            }
        }
        // Equal keys in input order (the objects are one slice: their addresses are their
        // order), the first kept.
        ix.by_key.sort_unstable_by(|a, b| {
            a.0.cmp(&b.0)
                .then(std::ptr::from_ref(a.1).cmp(&std::ptr::from_ref(b.1)))
        });
        ix.by_key.dedup_by(|later, first| later.0 == first.0);
        ix
    }

    /// Whether objects of this kind are cluster-scoped: built-ins from the table, custom
    /// resources from their CRD; `None` when unknown.
    pub fn cluster_scoped(&self, obj: &Object) -> Option<bool> {
        object::builtin_cluster_scoped(obj.group(), &obj.kind).or_else(|| {
            self.crd_scopes
                .get(&(obj.group(), obj.kind.as_str()))
                .copied()
        })
    }

    /// The namespace an object lands in (`None` for cluster-scoped kinds).
    pub fn namespace_of(&self, obj: &'a Object) -> Option<&'a str> {
        match self.cluster_scoped(obj) {
            Some(true) => None,
            _ => Some(obj.namespace_or(self.ctx.release_namespace)),
        }
    }

    /// The resolved namespace of a namespaced object (release namespace when empty).
    pub fn ns(&self, obj: &'a Object) -> &'a str {
        obj.namespace_or(self.ctx.release_namespace)
    }

    /// First object of `kind` named `name` in `namespace` ("" for cluster-scoped kinds).
    pub fn get(&self, kind: &str, namespace: &str, name: &str) -> Option<&'a Object> {
        let at = self
            .by_key
            .binary_search_by(|(key, _)| key.cmp(&(kind, namespace, name)))
            .ok()?;
        self.by_key.get(at).map(|&(_, obj)| obj)
    }

    pub fn objects(&self) -> &'a [Object] {
        self.ctx.objects
    }

    pub fn of_kind<'s>(&'s self, kind: &'s str) -> impl Iterator<Item = &'a Object> + 's {
        self.ctx.objects.iter().filter(move |o| o.kind == kind)
    }

    pub fn templates_in<'s>(
        &'s self,
        namespace: &str,
    ) -> impl Iterator<Item = &'s PodTemplate<'a>> + 's {
        self.templates_by_ns
            .get(namespace)
            .map(Vec::as_slice)
            .unwrap_or(&[])
            .iter()
            .filter_map(|&i| self.templates.get(i))
    }

    /// The first template (in input order) outside `namespace` for which `pred` holds: the
    /// other namespaces' lists only, not every template of the run (a selector of a
    /// namespace with many templates asked that for each miss).
    pub fn first_template_outside(
        &self,
        namespace: &str,
        mut pred: impl FnMut(&PodTemplate<'a>) -> bool,
    ) -> Option<&PodTemplate<'a>> {
        self.templates_by_ns
            .iter()
            .filter(|(ns, _)| **ns != namespace)
            .filter_map(|(_, list)| {
                list.iter()
                    .copied()
                    .find(|&i| self.templates.get(i).is_some_and(&mut pred))
            })
            .min()
            .and_then(|i| self.templates.get(i))
    }

    /// How many templates [`Index::templates_labelled`] gives (a template listed under two of
    /// `values` counts twice): how much a requirement narrows.
    pub fn labelled_count(&self, namespace: &str, key: &str, values: &[String]) -> usize {
        self.templates_by_label
            .get(&(namespace, key))
            .map_or(0, |by_value| {
                values
                    .iter()
                    .filter_map(|v| by_value.get(v.as_str()))
                    .map(Vec::len)
                    .sum()
            })
    }

    /// Templates of `namespace` whose label `key` has one of `values`, in input order.
    pub fn templates_labelled<'s>(
        &'s self,
        namespace: &str,
        key: &str,
        values: &[String],
    ) -> impl Iterator<Item = &'s PodTemplate<'a>> + 's {
        let mut found: Vec<usize> = self
            .templates_by_label
            .get(&(namespace, key))
            .map(|by_value| {
                values
                    .iter()
                    .filter_map(|v| by_value.get(v.as_str()))
                    .flatten()
                    .copied()
                    .collect()
            })
            .unwrap_or_default();
        if values.len() > 1 {
            found.sort_unstable();
            found.dedup();
        }
        found.into_iter().filter_map(|i| self.templates.get(i))
    }

    /// Whether some pod template in `namespace` sets label `key`.
    pub fn key_known_in(&self, namespace: &str, key: &str) -> bool {
        self.label_keys_by_ns
            .get(namespace)
            .is_some_and(|k| k.contains(key))
    }

    /// Custom resources in `namespace` (or cluster-scoped) of kinds that operators may turn
    /// into pods: Services and budgets may then select pods no template of the run makes.
    pub fn pod_making_custom_resources<'s>(
        &'s self,
        namespace: &'s str,
    ) -> impl Iterator<Item = &'a Object> + 's {
        self.custom_resources
            .iter()
            .filter(move |(_, ns)| ns.is_none_or(|ns| ns == namespace))
            .map(|&(o, _)| o)
    }
}

/// Custom resource kinds known to configure something rather than run pods.
const NOT_POD_MAKING: &[&str] = &[
    "ServiceMonitor",
    "PodMonitor",
    "PrometheusRule",
    "Probe",
    "ScrapeConfig",
    "AlertmanagerConfig",
    "Certificate",
    "CertificateRequest",
    "Issuer",
    "ClusterIssuer",
    "ExternalSecret",
    "ClusterExternalSecret",
    "SecretStore",
    "ClusterSecretStore",
    "SealedSecret",
    "IngressRoute",
    "IngressRouteTCP",
    "Middleware",
    "VirtualService",
    "DestinationRule",
    "Gateway",
    "HTTPRoute",
    "GRPCRoute",
    "TCPRoute",
    "TLSRoute",
    "GatewayClass",
    "BackendTLSPolicy",
    "ReferenceGrant",
    "VerticalPodAutoscaler",
    "IPAddressPool",
    "L2Advertisement",
    "BGPPeer",
    "BGPAdvertisement",
    "GrafanaDashboard",
    "GrafanaDatasource",
    "GrafanaFolder",
    "VMServiceScrape",
    "VMPodScrape",
    "VMRule",
];

fn pod_template<'a>(obj: &'a Object, namespace: &'a str) -> Option<PodTemplate<'a>> {
    let (_, path) = TEMPLATE_PATHS.iter().find(|(k, _)| *k == obj.kind)?;
    let template = obj.root.path(path)?;
    let spec = template.get("spec")?;
    let labels_node = template.path(&["metadata", "labels"]);
    let labels = labels_node.map(label_entries).unwrap_or_default();
    let mut containers = Vec::new();
    for (field, init) in [("containers", false), ("initContainers", true)] {
        for c in spec.get(field).and_then(Node::as_seq).unwrap_or(&[]) {
            containers.push(container(c, init));
        }
    }
    Some(PodTemplate {
        owner: obj,
        namespace,
        labels,
        labels_node,
        spec,
        containers,
    })
}

fn container(node: &Node, init: bool) -> Container<'_> {
    let ports = node
        .get("ports")
        .and_then(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .map(|p| {
            let number_node = p.get("containerPort");
            ContainerPort {
                number: number_node.and_then(int_of),
                name: p.get("name").and_then(Node::as_str),
                number_node: number_node.unwrap_or(p),
                name_node: p.get("name"),
            }
        })
        .collect();
    Container {
        name: node.get("name").and_then(Node::as_str).unwrap_or(""),
        node,
        init,
        ports,
    }
}

/// `key: value` pairs of a labels map (values as Kubernetes prints them).
pub fn label_entries(node: &Node) -> Vec<LabelEntry<'_>> {
    node.entries()
        .filter_map(|(key, _, value_node)| {
            let value = if value_node.is_null() {
                String::new()
            } else {
                value_node.scalar_text()?
            };
            Some(LabelEntry {
                key,
                value,
                value_node,
            })
        })
        .collect()
}

/// An integer written as a number or a numeric string.
pub fn int_of(node: &Node) -> Option<i64> {
    node.as_i64()
        .or_else(|| node.as_str().and_then(|s| s.trim().parse().ok()))
}
