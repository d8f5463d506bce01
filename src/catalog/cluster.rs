//! `cluster/*`: what the API server and the controllers of the in-memory cluster refuse or
//! warn about. One mechanism (the API-server model) serves several rules; each rule names a family
//! of failures a real `kubectl apply` or the controllers would hit.

use super::example;
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
    failing: example(
        r#"
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports:
    - port: 80
    - port: 443
"#,
    ),
    passing: example(
        r#"
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports:
    - name: http
      port: 80
    - name: https
      port: 443
"#,
    ),
};

pub static API_WARNING: Rule = Rule {
    id: "cluster/api-warning",
    severity: Severity::Warning,
    default_enabled: true,
    summary: "The API server accepts the object but returns a warning",
    rationale: "Some mistakes are accepted with a `Warning:` header (for example two containers \
                declaring the same port), which kubectl prints and CI logs usually hide.",
    failing: example(
        r#"
apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
    - name: a
      image: nginx:1.27
      ports: [{containerPort: 80}]
    - name: b
      image: nginx:1.27
      ports: [{containerPort: 80}]
"#,
    ),
    passing: example(
        r#"
apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
    - name: a
      image: nginx:1.27
      ports: [{containerPort: 80}]
"#,
    ),
};

pub static NAMESPACE_NOT_FOUND: Rule = Rule {
    id: "cluster/namespace-not-found",
    severity: Severity::Error,
    default_enabled: true,
    summary: "The object's namespace does not exist when it is applied",
    rationale: "The NamespaceLifecycle admission plugin rejects objects in a namespace that does \
                not exist (`namespaces \"x\" not found`). The namespace must be in the cluster \
                profile, created earlier in the same apply, or created with --create-namespace.",
    failing: example(
        r#"
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: shop
"#,
    ),
    passing: example(
        r#"
apiVersion: v1
kind: Namespace
metadata:
  name: shop
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: shop
"#,
    ),
};

pub static NO_CRD: Rule = Rule {
    id: "cluster/no-crd",
    severity: Severity::Error,
    default_enabled: true,
    summary: "A custom resource is applied without its CustomResourceDefinition",
    rationale: "kubectl maps every kind to a resource through API discovery; a kind no installed \
                CRD serves fails with `no matches for kind \"X\" in version \"g/v\"` and `ensure \
                CRDs are installed first`.",
    failing: example(
        r#"
apiVersion: example.com/v1
kind: Widget
metadata:
  name: w
"#,
    ),
    passing: example(
        r#"
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  versions: [{name: v1, served: true, storage: true}]
---
apiVersion: example.com/v1
kind: Widget
metadata:
  name: w
"#,
    ),
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
    failing: example(
        r#"
apiVersion: v1
kind: Secret
metadata:
  name: s
type: Opaque
---
apiVersion: v1
kind: Secret
metadata:
  name: s
type: kubernetes.io/basic-auth
stringData:
  username: u
"#,
    ),
    passing: example(
        r#"
apiVersion: v1
kind: Secret
metadata:
  name: s
type: Opaque
"#,
    ),
};

pub static NAMESPACE_CLEARED: Rule = Rule {
    id: "cluster/namespace-cleared",
    severity: Severity::Warning,
    default_enabled: true,
    summary: "A cluster-scoped object has a namespace, which the API server drops",
    rationale: "The API server silently clears metadata.namespace on cluster-scoped kinds. The \
                field suggests a scoping that does not exist (a ClusterRole is never limited to \
                the namespace written on it).",
    failing: example(
        r#"
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: reader
  namespace: default
rules: []
"#,
    ),
    passing: example(
        r#"
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: reader
rules: []
"#,
    ),
};

pub static NODEPORT_CONFLICT: Rule = Rule {
    id: "cluster/nodeport-conflict",
    severity: Severity::Error,
    default_enabled: true,
    summary: "A Service asks for a nodePort another Service already holds",
    rationale: "NodePorts are allocated cluster-wide. An explicit nodePort that is already \
                allocated (by an earlier object of the run or one in the cluster) is rejected with \
                `provided port is already allocated`.",
    failing: example(
        r#"
apiVersion: v1
kind: Service
metadata:
  name: a
spec:
  type: NodePort
  ports: [{port: 80, nodePort: 30000}]
---
apiVersion: v1
kind: Service
metadata:
  name: b
spec:
  type: NodePort
  ports: [{port: 80, nodePort: 30000}]
"#,
    ),
    passing: example(
        r#"
apiVersion: v1
kind: Service
metadata:
  name: a
spec:
  type: NodePort
  ports: [{port: 80, nodePort: 30000}]
---
apiVersion: v1
kind: Service
metadata:
  name: b
spec:
  type: NodePort
  ports: [{port: 80, nodePort: 30001}]
"#,
    ),
};

pub static NODEPORT_RANGE: Rule = Rule {
    id: "cluster/nodeport-range",
    severity: Severity::Error,
    default_enabled: true,
    summary: "A nodePort is outside the cluster's NodePort range, or the range is full",
    rationale: "The API server allocates nodePorts from --service-node-port-range (30000-32767 \
                by default) and rejects ports outside it; when every port is taken, allocation \
                fails with `range is full`.",
    failing: example(
        r#"
apiVersion: v1
kind: Service
metadata:
  name: a
spec:
  type: NodePort
  ports: [{port: 80, nodePort: 8080}]
"#,
    ),
    passing: example(
        r#"
apiVersion: v1
kind: Service
metadata:
  name: a
spec:
  type: NodePort
  ports: [{port: 80, nodePort: 30080}]
"#,
    ),
};

pub static CLUSTERIP_CONFLICT: Rule = Rule {
    id: "cluster/clusterip-conflict",
    severity: Severity::Error,
    default_enabled: true,
    summary: "A Service asks for a clusterIP another Service already holds",
    rationale: "ClusterIPs are unique in the cluster; an explicit clusterIP already allocated is \
                rejected with `provided IP is already allocated`.",
    failing: example(
        r#"
apiVersion: v1
kind: Service
metadata:
  name: dns
spec:
  clusterIP: 10.96.0.1
  ports: [{port: 53}]
"#,
    ),
    passing: example(
        r#"
apiVersion: v1
kind: Service
metadata:
  name: dns
spec:
  clusterIP: 10.96.0.10
  ports: [{port: 53}]
"#,
    ),
};

pub static CLUSTERIP_RANGE: Rule = Rule {
    id: "cluster/clusterip-range",
    severity: Severity::Error,
    default_enabled: true,
    summary: "A clusterIP is outside the cluster's service CIDR",
    rationale: "The API server only allocates clusterIPs from --service-cluster-ip-range; an \
                explicit IP outside it is rejected.",
    failing: example(
        r#"
apiVersion: v1
kind: Service
metadata:
  name: dns
spec:
  clusterIP: 192.168.0.10
  ports: [{port: 53}]
"#,
    ),
    passing: example(
        r#"
apiVersion: v1
kind: Service
metadata:
  name: dns
spec:
  clusterIP: 10.96.0.10
  ports: [{port: 53}]
"#,
    ),
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
    failing: example(
        r#"
apiVersion: v1
kind: Pod
metadata:
  name: big
spec:
  containers:
    - name: app
      image: nginx:1.27
      resources:
        requests: {memory: 64Gi}
"#,
    ),
    passing: example(
        r#"
apiVersion: v1
kind: Pod
metadata:
  name: big
spec:
  containers:
    - name: app
      image: nginx:1.27
      resources:
        requests: {memory: 1Gi}
"#,
    ),
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
    failing: example(
        r#"
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
spec:
  storageClassName: fast
  accessModes: [ReadWriteOnce]
  resources:
    requests: {storage: 1Gi}
"#,
    ),
    passing: example(
        r#"
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
spec:
  accessModes: [ReadWriteOnce]
  resources:
    requests: {storage: 1Gi}
"#,
    ),
};

pub static PROFILE_INVALID: Rule = Rule {
    id: "cluster/profile",
    severity: Severity::Fatal,
    default_enabled: true,
    summary: "The cluster profile file cannot be read",
    rationale: "Without a readable profile the simulation has no cluster to apply to.",
    failing: "nodes: 3\n",
    passing: example(
        r#"
nodes:
  - name: worker-1
    allocatable: {cpu: "4", memory: 16Gi, pods: 110}
"#,
    ),
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
