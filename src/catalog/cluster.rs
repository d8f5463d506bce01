//! `cluster/*`: what the API server and the controllers of the in-memory cluster refuse or
//! warn about. One mechanism (the API-server model) serves several rules; each rule names a family
//! of failures a real `kubectl apply` or the controllers would hit.

use crate::diag::{Rule, Severity};

pub static INVALID: Rule = Rule {
    id: "cluster/invalid",
    severity: Severity::Error,
    default_enabled: true,
    summary: "The API server rejects the object as invalid (HTTP 422)",
    rationale: "The API server validates every object on create and update and rejects it with \
                `The <Kind> \"<name>\" is invalid: <field>: <reason>`. kubectl apply stops on that \
                object and nothing of it reaches the cluster. The message names the field path \
                the API server reports.",
    failing: "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n    - port: 80\n    - port: 443\n",
    passing: "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n    - name: http\n      port: 80\n    - name: https\n      port: 443\n",
};

pub static API_WARNING: Rule = Rule {
    id: "cluster/api-warning",
    severity: Severity::Warning,
    default_enabled: true,
    summary: "The API server accepts the object but returns a warning",
    rationale: "Some mistakes are accepted with a `Warning:` header (for example two containers \
                declaring the same port), which kubectl prints and CI logs usually hide.",
    failing: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: a\n      image: nginx:1.27\n      ports: [{containerPort: 80}]\n    - name: b\n      image: nginx:1.27\n      ports: [{containerPort: 80}]\n",
    passing: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: a\n      image: nginx:1.27\n      ports: [{containerPort: 80}]\n",
};

pub static NAMESPACE_NOT_FOUND: Rule = Rule {
    id: "cluster/namespace-not-found",
    severity: Severity::Error,
    default_enabled: true,
    summary: "The object's namespace does not exist when it is applied",
    rationale: "The NamespaceLifecycle admission plugin rejects objects in a namespace that does \
                not exist (`namespaces \"x\" not found`). The namespace must be in the cluster \
                profile, created earlier in the same apply, or created with --create-namespace.",
    failing: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: shop\n",
    passing: "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: shop\n",
};

pub static NO_CRD: Rule = Rule {
    id: "cluster/no-crd",
    severity: Severity::Error,
    default_enabled: true,
    summary: "A custom resource is applied without its CustomResourceDefinition",
    rationale: "kubectl maps every kind to a resource through API discovery; a kind no installed \
                CRD serves fails with `no matches for kind \"X\" in version \"g/v\"` and `ensure \
                CRDs are installed first`.",
    failing: "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n",
    passing: "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.com\nspec:\n  group: example.com\n  names: {kind: Widget, plural: widgets}\n  scope: Namespaced\n  versions: [{name: v1, served: true, storage: true}]\n---\napiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n",
};

pub static IMMUTABLE_FIELD: Rule = Rule {
    id: "cluster/immutable-field",
    severity: Severity::Error,
    default_enabled: true,
    summary: "The same object is applied twice and the second copy changes an immutable field",
    rationale: "Applying an object that already exists is an update. Some fields cannot change \
                after creation (a Deployment's selector, a Service's clusterIP, a Secret's type, \
                a RoleBinding's roleRef, most of a StatefulSet's spec); the update is rejected \
                with `field is immutable`.",
    failing: "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ntype: Opaque\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ntype: kubernetes.io/basic-auth\nstringData:\n  username: u\n",
    passing: "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ntype: Opaque\n",
};

pub static NAMESPACE_CLEARED: Rule = Rule {
    id: "cluster/namespace-cleared",
    severity: Severity::Warning,
    default_enabled: true,
    summary: "A cluster-scoped object has a namespace, which the API server drops",
    rationale: "The API server silently clears metadata.namespace on cluster-scoped kinds. The \
                field suggests a scoping that does not exist (a ClusterRole is never limited to \
                the namespace written on it).",
    failing: "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: reader\n  namespace: default\nrules: []\n",
    passing: "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: reader\nrules: []\n",
};

pub static NODEPORT_CONFLICT: Rule = Rule {
    id: "cluster/nodeport-conflict",
    severity: Severity::Error,
    default_enabled: true,
    summary: "A Service asks for a nodePort another Service already holds",
    rationale: "NodePorts are allocated cluster-wide. An explicit nodePort that is already \
                allocated (by an earlier object of the run or one in the cluster) is rejected with \
                `provided port is already allocated`.",
    failing: "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\nspec:\n  type: NodePort\n  ports: [{port: 80, nodePort: 30000}]\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: b\nspec:\n  type: NodePort\n  ports: [{port: 80, nodePort: 30000}]\n",
    passing: "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\nspec:\n  type: NodePort\n  ports: [{port: 80, nodePort: 30000}]\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: b\nspec:\n  type: NodePort\n  ports: [{port: 80, nodePort: 30001}]\n",
};

pub static NODEPORT_RANGE: Rule = Rule {
    id: "cluster/nodeport-range",
    severity: Severity::Error,
    default_enabled: true,
    summary: "A nodePort is outside the cluster's NodePort range, or the range is full",
    rationale: "The API server allocates nodePorts from --service-node-port-range (30000-32767 \
                by default) and rejects ports outside it; when every port is taken, allocation \
                fails with `range is full`.",
    failing: "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\nspec:\n  type: NodePort\n  ports: [{port: 80, nodePort: 8080}]\n",
    passing: "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\nspec:\n  type: NodePort\n  ports: [{port: 80, nodePort: 30080}]\n",
};

pub static CLUSTERIP_CONFLICT: Rule = Rule {
    id: "cluster/clusterip-conflict",
    severity: Severity::Error,
    default_enabled: true,
    summary: "A Service asks for a clusterIP another Service already holds",
    rationale: "ClusterIPs are unique in the cluster; an explicit clusterIP already allocated is \
                rejected with `provided IP is already allocated`.",
    failing: "apiVersion: v1\nkind: Service\nmetadata:\n  name: dns\nspec:\n  clusterIP: 10.96.0.1\n  ports: [{port: 53}]\n",
    passing: "apiVersion: v1\nkind: Service\nmetadata:\n  name: dns\nspec:\n  clusterIP: 10.96.0.10\n  ports: [{port: 53}]\n",
};

pub static CLUSTERIP_RANGE: Rule = Rule {
    id: "cluster/clusterip-range",
    severity: Severity::Error,
    default_enabled: true,
    summary: "A clusterIP is outside the cluster's service CIDR",
    rationale: "The API server only allocates clusterIPs from --service-cluster-ip-range; an \
                explicit IP outside it is rejected.",
    failing: "apiVersion: v1\nkind: Service\nmetadata:\n  name: dns\nspec:\n  clusterIP: 192.168.0.10\n  ports: [{port: 53}]\n",
    passing: "apiVersion: v1\nkind: Service\nmetadata:\n  name: dns\nspec:\n  clusterIP: 10.96.0.10\n  ports: [{port: 53}]\n",
};

pub static UNSCHEDULABLE: Rule = Rule {
    id: "cluster/unschedulable",
    severity: Severity::Warning,
    default_enabled: true,
    summary: "A pod fits on none of the cluster profile's nodes and stays Pending",
    rationale: "The scheduler places a pod only on a node whose taints it tolerates, whose labels \
                match its nodeSelector and required node affinity, with free host ports and enough \
                allocatable cpu, memory and pod slots. Otherwise the pod stays Pending with \
                `0/N nodes are available: ...`. This is a warning because the real cluster may \
                have other nodes than the profile; --strict makes it an error.",
    failing: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: big\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      resources:\n        requests: {memory: 64Gi}\n",
    passing: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: big\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      resources:\n        requests: {memory: 1Gi}\n",
};

pub static PVC_UNBOUND: Rule = Rule {
    id: "cluster/pvc-unbound",
    severity: Severity::Warning,
    default_enabled: true,
    summary: "A PersistentVolumeClaim has no StorageClass or PersistentVolume to bind to",
    rationale: "A claim binds when a StorageClass can provision it (its storageClassName, or the \
                default class when unset) or a matching PersistentVolume exists. Otherwise it \
                stays Pending and so do the pods that mount it. A warning, since the class may \
                exist in the real cluster; --strict makes it an error.",
    failing: "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: data\nspec:\n  storageClassName: fast\n  accessModes: [ReadWriteOnce]\n  resources:\n    requests: {storage: 1Gi}\n",
    passing: "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: data\nspec:\n  accessModes: [ReadWriteOnce]\n  resources:\n    requests: {storage: 1Gi}\n",
};

pub static PROFILE_INVALID: Rule = Rule {
    id: "cluster/profile",
    severity: Severity::Fatal,
    default_enabled: true,
    summary: "The cluster profile file cannot be read",
    rationale: "Without a readable profile the simulation has no cluster to apply to.",
    failing: "nodes: 3\n",
    passing: "nodes:\n  - name: worker-1\n    allocatable: {cpu: \"4\", memory: 16Gi, pods: 110}\n",
};

pub const RULES: &[&Rule] = &[
    &INVALID,
    &API_WARNING,
    &NAMESPACE_NOT_FOUND,
    &NO_CRD,
    &IMMUTABLE_FIELD,
    &NAMESPACE_CLEARED,
    &NODEPORT_CONFLICT,
    &NODEPORT_RANGE,
    &CLUSTERIP_CONFLICT,
    &CLUSTERIP_RANGE,
    &UNSCHEDULABLE,
    &PVC_UNBOUND,
    &PROFILE_INVALID,
];
