//! `rules/*`: checks across objects that no schema can express. Each check is in
//! `src/rules/<name>.rs` (the hygiene family shares `src/rules/hygiene.rs`).

use super::example;
use crate::diag::{Rule, Severity};

pub static WORKLOAD_SELECTOR: Rule = Rule {
    id: "rules/workload-selector",
    severity: Severity::Error,
    default_enabled: true,
    summary: "A workload's selector does not match the labels of its own pod template",
    rationale: "The API server rejects a Deployment, ReplicaSet, StatefulSet, DaemonSet or \
                manual-selector Job whose selector does not select its pod template: \
                `selector` does not match template `labels`.",
    failing: example(
        r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: wbe
    spec:
      containers:
        - name: web
          image: nginx:1.27
"#,
    ),
    passing: example(
        r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: nginx:1.27
"#,
    ),
};

pub static SERVICE_SELECTS_NOTHING: Rule = Rule {
    id: "rules/service-selects-nothing",
    severity: Severity::Error,
    default_enabled: true,
    summary: "A Service's selector matches no pod template in its namespace",
    rationale: "A Service whose selector matches no pod gets no endpoints, so every connection \
                to it fails. A selector whose keys all appear on a pod template but with another \
                value is almost always a typo. Selectors that need labels set at run time, pods \
                outside the run's namespaces and pods made by operators are reported as warnings \
                at most.",
    failing: example(
        r#"
apiVersion: v1
kind: Service
metadata:
  name: mongo-express-service
spec:
  selector:
    app: mongoexpress
  ports:
    - port: 8081
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: mongo-express
spec:
  selector:
    matchLabels:
      app: mongo-express
  template:
    metadata:
      labels:
        app: mongo-express
    spec:
      containers:
        - name: mongo-express
          image: mongo-express:1.0
          ports:
            - containerPort: 8081
"#,
    ),
    passing: example(
        r#"
apiVersion: v1
kind: Service
metadata:
  name: mongo-express-service
spec:
  selector:
    app: mongo-express
  ports:
    - port: 8081
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: mongo-express
spec:
  selector:
    matchLabels:
      app: mongo-express
  template:
    metadata:
      labels:
        app: mongo-express
    spec:
      containers:
        - name: mongo-express
          image: mongo-express:1.0
          ports:
            - containerPort: 8081
"#,
    ),
};

pub static SERVICE_TARGET_PORT: Rule = Rule {
    id: "rules/service-target-port",
    severity: Severity::Error,
    default_enabled: true,
    summary: "A Service's targetPort is not a port of the containers it selects",
    rationale: "A Service forwards each port to its targetPort on the selected pods. A number no \
                container exposes sends traffic nowhere; a name that no container port carries \
                leaves the pod out of the endpoints. A name missing from only some selected \
                templates, or from all of them while the Service's other ports work (a port the \
                chart declares only in some configurations), is a warning.",
    failing: example(
        r#"
apiVersion: v1
kind: Service
metadata:
  name: mongo-express-service
spec:
  selector:
    app: mongo-express
  ports:
    - port: 8081
      targetPort: 8080
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: mongo-express
spec:
  selector:
    matchLabels:
      app: mongo-express
  template:
    metadata:
      labels:
        app: mongo-express
    spec:
      containers:
        - name: mongo-express
          image: mongo-express:1.0
          ports:
            - containerPort: 8081
"#,
    ),
    passing: example(
        r#"
apiVersion: v1
kind: Service
metadata:
  name: mongo-express-service
spec:
  selector:
    app: mongo-express
  ports:
    - port: 8081
      targetPort: 8081
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: mongo-express
spec:
  selector:
    matchLabels:
      app: mongo-express
  template:
    metadata:
      labels:
        app: mongo-express
    spec:
      containers:
        - name: mongo-express
          image: mongo-express:1.0
          ports:
            - containerPort: 8081
"#,
    ),
};

pub static NODEPORT: Rule = Rule {
    id: "rules/nodeport",
    severity: Severity::Error,
    default_enabled: true,
    summary: "A nodePort outside the NodePort range, on a Service type without node ports, or used twice",
    rationale: "The API server allocates node ports from a fixed range (30000-32767 by default), \
                forbids them on ClusterIP and ExternalName Services, and refuses a port already \
                allocated to another Service for the same protocol.",
    failing: example(
        r#"
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: NodePort
  ports:
    - port: 80
      nodePort: 80
"#,
    ),
    passing: example(
        r#"
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: NodePort
  ports:
    - port: 80
      nodePort: 30080
"#,
    ),
};

pub static INGRESS_BACKEND: Rule = Rule {
    id: "rules/ingress-backend",
    severity: Severity::Error,
    default_enabled: true,
    summary: "An Ingress backend names a Service or a Service port that does not exist",
    rationale: "An Ingress routes to a Service port by number or name. A port the Service does \
                not expose, or a Service that does not exist, makes the ingress controller answer \
                503 for every request on that path.",
    failing: example(
        r#"
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  rules:
    - http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: web
                port:
                  number: 80
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports:
    - port: 8080
"#,
    ),
    passing: example(
        r#"
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  rules:
    - http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: web
                port:
                  number: 8080
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports:
    - port: 8080
"#,
    ),
};

pub static MISSING_REFERENCE: Rule = Rule {
    id: "rules/missing-reference",
    severity: Severity::Error,
    default_enabled: true,
    summary: "A pod refers to a ConfigMap, Secret, claim or ServiceAccount, or a key, that does not exist",
    rationale: "A container whose env or volume refers to a missing ConfigMap or Secret, or to a \
                key they lack, never starts (CreateContainerConfigError); a missing claim or \
                ServiceAccount keeps the pod from being created or scheduled. Objects missing from \
                the run may already exist in the cluster, so those are warnings unless --strict; a \
                key missing from an object that is in the run is always an error.",
    failing: example(
        r#"
apiVersion: v1
kind: Secret
metadata:
  name: db
stringData:
  password: hunter2
---
apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  containers:
    - name: app
      image: app:1.0
      env:
        - name: PASSWORD
          valueFrom:
            secretKeyRef:
              name: db
              key: pasword
"#,
    ),
    passing: example(
        r#"
apiVersion: v1
kind: Secret
metadata:
  name: db
stringData:
  password: hunter2
---
apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  containers:
    - name: app
      image: app:1.0
      env:
        - name: PASSWORD
          valueFrom:
            secretKeyRef:
              name: db
              key: password
"#,
    ),
};

pub static PROBE_PORT: Rule = Rule {
    id: "rules/probe-port",
    severity: Severity::Error,
    default_enabled: true,
    summary: "A probe's port is not a port of its container",
    rationale: "The kubelet resolves a probe's named port among the container's ports; a name \
                that is not there fails the probe every time, so the container is restarted or \
                never ready. A port number is not checked: containerPort is informational and \
                containers listen on ports they do not declare.",
    failing: example(
        r#"
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: web
      image: nginx:1.27
      ports:
        - name: web
          containerPort: 8080
      readinessProbe:
        httpGet:
          path: /
          port: http
"#,
    ),
    passing: example(
        r#"
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: web
      image: nginx:1.27
      ports:
        - name: web
          containerPort: 8080
      readinessProbe:
        httpGet:
          path: /
          port: web
"#,
    ),
};

pub static HPA_TARGET: Rule = Rule {
    id: "rules/hpa-target",
    severity: Severity::Warning,
    default_enabled: true,
    summary: "A HorizontalPodAutoscaler targets an object the run does not create, or one without the requests it measures",
    rationale: "An autoscaler whose scaleTargetRef names no object never scales (FailedGetScale), \
                and a Utilization target on a resource the pods do not request cannot be computed. \
                The target may exist outside the run, so this is a warning unless --strict.",
    failing: example(
        r#"
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: wbe
  minReplicas: 1
  maxReplicas: 3
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: nginx:1.27
"#,
    ),
    passing: example(
        r#"
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: web
  minReplicas: 1
  maxReplicas: 3
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: nginx:1.27
"#,
    ),
};

pub static PDB_SELECTS_NOTHING: Rule = Rule {
    id: "rules/pdb-selects-nothing",
    severity: Severity::Warning,
    default_enabled: true,
    summary: "A PodDisruptionBudget's selector matches no pod template in its namespace",
    rationale: "A disruption budget only protects the pods it selects. One that selects nothing \
                lets a node drain or cluster upgrade evict every replica at once; the mistake is \
                silent until then.",
    failing: example(
        r#"
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
spec:
  minAvailable: 1
  selector:
    matchLabels:
      app: wbe
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: nginx:1.27
"#,
    ),
    passing: example(
        r#"
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
spec:
  minAvailable: 1
  selector:
    matchLabels:
      app: web
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: nginx:1.27
"#,
    ),
};

pub static NETWORKPOLICY_SELECTS_NOTHING: Rule = Rule {
    id: "rules/networkpolicy-selects-nothing",
    severity: Severity::Warning,
    default_enabled: true,
    summary: "A NetworkPolicy's podSelector matches no pod template in its namespace",
    rationale: "A NetworkPolicy applies only to the pods its podSelector selects. One that selects \
                nothing leaves the pods it was written for unprotected (or, for allow rules, \
                still blocked by another policy), without any error.",
    failing: example(
        r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: web
spec:
  podSelector:
    matchLabels:
      app: wbe
  policyTypes:
    - Ingress
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: nginx:1.27
"#,
    ),
    passing: example(
        r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: web
spec:
  podSelector:
    matchLabels:
      app: web
  policyTypes:
    - Ingress
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: nginx:1.27
"#,
    ),
};

pub static STATEFULSET_SERVICE: Rule = Rule {
    id: "rules/statefulset-service",
    severity: Severity::Warning,
    default_enabled: true,
    summary: "A StatefulSet's serviceName names no headless Service selecting its pods",
    rationale: "A StatefulSet's pods get stable DNS names through its governing Service, which \
                must be headless and select them. Clustered databases and brokers find their peers \
                by those names and fail to form a cluster without them.",
    failing: example(
        r#"
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  serviceName: db-headless
  selector:
    matchLabels:
      app: db
  template:
    metadata:
      labels:
        app: db
    spec:
      containers:
        - name: db
          image: postgres:17
---
apiVersion: v1
kind: Service
metadata:
  name: db-headless
spec:
  selector:
    app: db
  ports:
    - port: 5432
"#,
    ),
    passing: example(
        r#"
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  serviceName: db-headless
  selector:
    matchLabels:
      app: db
  template:
    metadata:
      labels:
        app: db
    spec:
      containers:
        - name: db
          image: postgres:17
---
apiVersion: v1
kind: Service
metadata:
  name: db-headless
spec:
  clusterIP: None
  selector:
    app: db
  ports:
    - port: 5432
"#,
    ),
};

pub static ROLE_REF: Rule = Rule {
    id: "rules/role-ref",
    severity: Severity::Warning,
    default_enabled: true,
    summary: "A role binding refers to a Role or ClusterRole the run does not create",
    rationale: "A binding to a role that does not exist grants nothing: the service account is \
                denied at run time and the application fails with 403 errors. Built-in \
                ClusterRoles always exist; other roles may exist outside the run, hence a warning.",
    failing: example(
        r#"
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: reader
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: reader
subjects:
  - kind: ServiceAccount
    name: app
"#,
    ),
    passing: example(
        r#"
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: reader
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: view
subjects:
  - kind: ServiceAccount
    name: app
"#,
    ),
};

pub static DUPLICATE_OBJECT: Rule = Rule {
    id: "rules/duplicate-object",
    severity: Severity::Error,
    default_enabled: true,
    summary: "Two objects have the same group, kind, namespace and name",
    rationale: "An object is identified by group, kind, namespace and name. Helm refuses a release \
                with two of the same identity, and kubectl apply silently keeps only the last one.",
    failing: example(
        r#"
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  a: "1"
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  b: "2"
"#,
    ),
    passing: example(
        r#"
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  a: "1"
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings-b
data:
  b: "2"
"#,
    ),
};

pub static NAMESPACE: Rule = Rule {
    id: "rules/namespace",
    severity: Severity::Warning,
    default_enabled: true,
    summary: "A namespaced object lands in a namespace neither created by the run nor assumed to exist",
    rationale: "The API server refuses to create an object in a namespace that does not exist \
                (namespaces \"x\" not found). The namespace may exist in the cluster already, so \
                this is a warning unless --strict.",
    failing: example(
        r#"
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: monitoring
"#,
    ),
    passing: example(
        r#"
apiVersion: v1
kind: Namespace
metadata:
  name: monitoring
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: monitoring
"#,
    ),
};

pub static IMAGE_TAG: Rule = Rule {
    id: "rules/image-tag",
    severity: Severity::Warning,
    default_enabled: true,
    summary: "A container image has no tag or uses the latest tag",
    rationale: "An untagged or latest image changes under the same manifest: two pods of one \
                Deployment can run different code, and a rollback does not roll back.",
    failing: example(
        r#"
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: web
      image: nginx:latest
"#,
    ),
    passing: example(
        r#"
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: web
      image: nginx:1.27.3
"#,
    ),
};

pub static RESOURCES: Rule = Rule {
    id: "rules/resources",
    severity: Severity::Warning,
    default_enabled: false,
    summary: "A container sets no CPU or memory request, or no memory limit",
    rationale: "Without requests the scheduler packs pods blindly and they are evicted first under \
                pressure; without a memory limit one leaking container can starve its node.",
    failing: example(
        r#"
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: web
      image: nginx:1.27
"#,
    ),
    passing: example(
        r#"
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: web
      image: nginx:1.27
      resources:
        requests:
          cpu: 100m
          memory: 64Mi
        limits:
          memory: 128Mi
"#,
    ),
};

pub static READINESS_PROBE: Rule = Rule {
    id: "rules/readiness-probe",
    severity: Severity::Warning,
    default_enabled: false,
    summary: "A long-running container has no readiness probe",
    rationale: "Without a readiness probe a pod receives traffic as soon as its process starts, \
                before it can serve, and keeps receiving it when it stops being able to.",
    failing: example(
        r#"
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: web
      image: nginx:1.27
"#,
    ),
    passing: example(
        r#"
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: web
      image: nginx:1.27
      readinessProbe:
        tcpSocket:
          port: 80
"#,
    ),
};

pub static PRIVILEGED: Rule = Rule {
    id: "rules/privileged",
    severity: Severity::Warning,
    default_enabled: false,
    summary: "A container runs privileged",
    rationale: "A privileged container has every capability and the host's devices: a compromise \
                of the container is a compromise of the node.",
    failing: example(
        r#"
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: web
      image: nginx:1.27
      securityContext:
        privileged: true
"#,
    ),
    passing: example(
        r#"
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: web
      image: nginx:1.27
      securityContext:
        privileged: false
"#,
    ),
};

pub static RUN_AS_NON_ROOT: Rule = Rule {
    id: "rules/run-as-non-root",
    severity: Severity::Warning,
    default_enabled: false,
    summary: "A container may run as root: neither runAsNonRoot nor a non-zero runAsUser is set",
    rationale: "Processes running as root inside a container are one kernel bug away from root on \
                the node; runAsNonRoot makes the kubelet refuse images that would run as root.",
    failing: example(
        r#"
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: web
      image: nginx:1.27
"#,
    ),
    passing: example(
        r#"
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  securityContext:
    runAsNonRoot: true
  containers:
    - name: web
      image: nginx:1.27
"#,
    ),
};

pub static HOST_PATH: Rule = Rule {
    id: "rules/host-path",
    severity: Severity::Warning,
    default_enabled: false,
    summary: "A pod mounts a hostPath volume",
    rationale: "A hostPath volume ties the pod to one node's file system and exposes the host to \
                the container; it is rarely needed outside node agents.",
    failing: example(
        r#"
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: web
      image: nginx:1.27
  volumes:
    - name: data
      hostPath:
        path: /var/data
"#,
    ),
    passing: example(
        r#"
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: web
      image: nginx:1.27
  volumes:
    - name: data
      emptyDir: {}
"#,
    ),
};

pub static HOST_NETWORK: Rule = Rule {
    id: "rules/host-network",
    severity: Severity::Warning,
    default_enabled: false,
    summary: "A pod uses the host's network namespace",
    rationale: "With hostNetwork the pod shares the node's network stack: its ports collide with \
                the node's and network policies no longer isolate it.",
    failing: example(
        r#"
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  hostNetwork: true
  containers:
    - name: web
      image: nginx:1.27
"#,
    ),
    passing: example(
        r#"
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  hostNetwork: false
  containers:
    - name: web
      image: nginx:1.27
"#,
    ),
};

pub const RULES: &[&Rule] = &[
    &WORKLOAD_SELECTOR,
    &SERVICE_SELECTS_NOTHING,
    &SERVICE_TARGET_PORT,
    &NODEPORT,
    &INGRESS_BACKEND,
    &MISSING_REFERENCE,
    &PROBE_PORT,
    &HPA_TARGET,
    &PDB_SELECTS_NOTHING,
    &NETWORKPOLICY_SELECTS_NOTHING,
    &STATEFULSET_SERVICE,
    &ROLE_REF,
    &DUPLICATE_OBJECT,
    &NAMESPACE,
    &IMAGE_TAG,
    &RESOURCES,
    &READINESS_PROBE,
    &PRIVILEGED,
    &RUN_AS_NON_ROOT,
    &HOST_PATH,
    &HOST_NETWORK,
];
