//! Every rule fires on its failing example and stays quiet on its passing one; the mistakes of
//! issue 4 each give exactly one clear error, at the right lines.

use super::RULES;
use crate::check::CheckContext;
use crate::config::Config;
use crate::diag::{Diagnostic, Severity};
use crate::object;
use crate::source::{SourceKind, SourceMap, Span};

pub(crate) struct Checked {
    pub sources: SourceMap,
    pub diags: Vec<Diagnostic>,
}

impl Checked {
    pub fn line(&self, span: Span) -> u32 {
        self.sources.locate(span).line
    }

    pub fn of(&self, rule: &str) -> Vec<&Diagnostic> {
        self.diags.iter().filter(|d| d.rule.id == rule).collect()
    }

    pub fn errors(&self) -> Vec<&Diagnostic> {
        self.diags
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .collect()
    }

    /// (primary line, secondary lines) of a finding.
    pub fn lines(&self, d: &Diagnostic) -> (u32, Vec<u32>) {
        let primary = d.primary.as_ref().map(|l| self.line(l.span)).unwrap_or(0);
        (
            primary,
            d.secondary.iter().map(|l| self.line(l.span)).collect(),
        )
    }
}

pub(crate) fn check_with(yaml: &str, config: &Config, strict: bool) -> Checked {
    let (sources, objects) = parse(yaml);
    let diags = super::check(&context(&sources, &objects, config, strict));
    Checked { sources, diags }
}

/// [`check`] with another release namespace than `default`.
pub(crate) fn check_in(yaml: &str, release_namespace: &str) -> Checked {
    let (sources, objects) = parse(yaml);
    let config = Config::default();
    let diags = super::check(&CheckContext {
        release_namespace,
        ..CheckContext::new(&sources, &objects, &config)
    });
    Checked { sources, diags }
}

fn parse(yaml: &str) -> (SourceMap, Vec<object::Object>) {
    let mut sources = SourceMap::new();
    let file = sources.add("test.yaml", yaml, SourceKind::Manifest);
    let (objects, parse_diags) = object::parse(&sources, &[file], &Default::default());
    assert!(
        parse_diags.iter().all(|d| !d.is_error()),
        "example does not parse: {parse_diags:?}"
    );
    assert!(!objects.is_empty(), "example has no objects");
    (sources, objects)
}

/// The context of a test run: release namespace `default`, the newest Kubernetes version.
fn context<'a>(
    sources: &'a SourceMap,
    objects: &'a [object::Object],
    config: &'a Config,
    strict: bool,
) -> CheckContext<'a> {
    CheckContext {
        strict,
        ..CheckContext::new(sources, objects, config)
    }
}

pub(crate) fn check(yaml: &str) -> Checked {
    check_with(yaml, &Config::default(), false)
}

pub(crate) fn all_enabled() -> Config {
    Config {
        enable: RULES.iter().map(|r| r.id.to_string()).collect(),
        ..Config::default()
    }
}

/// The one finding of a manifest set that should produce exactly one error.
fn only_error(yaml: &str) -> (Checked, Diagnostic) {
    let c = check(yaml);
    let errors = c.errors();
    assert_eq!(
        errors.len(),
        1,
        "expected exactly one error, got {:#?}",
        errors
    );
    let d = errors
        .first()
        .map(|d| (*d).clone())
        .unwrap_or_else(|| unreachable!());
    (c, d)
}

const DEPLOYMENT_8081: &str = "apiVersion: apps/v1
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
              name: web
";

#[test]
fn service_selector_typo_is_one_error_labelling_both_objects() {
    let yaml = format!(
        "{DEPLOYMENT_8081}---
apiVersion: v1
kind: Service
metadata:
  name: mongo-express-service
spec:
  selector:
    app: mongoexpress
  ports:
    - port: 8081
"
    );
    let (c, d) = only_error(&yaml);
    assert_eq!(d.rule.id, "rules/service-selects-nothing");
    assert_eq!(
        d.message,
        "Service \"mongo-express-service\" selects no pods: no pod template in namespace \"default\" has app: mongoexpress"
    );
    // Selector value at line 27, the Deployment's template label at line 12.
    assert_eq!(c.lines(&d), (27, vec![12]));
    assert!(
        d.help
            .as_deref()
            .unwrap_or("")
            .contains("app: mongo-express")
    );
}

#[test]
fn numeric_target_port_not_exposed_is_one_error() {
    let yaml = format!(
        "{DEPLOYMENT_8081}---
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
"
    );
    let (c, d) = only_error(&yaml);
    assert_eq!(d.rule.id, "rules/service-target-port");
    assert_eq!(
        d.message,
        "Service \"mongo-express-service\" sends port 8081 to targetPort 8080, which no selected container exposes"
    );
    assert_eq!(c.lines(&d), (30, vec![18]));
    assert_eq!(
        d.primary.as_ref().map(|l| l.message.as_str()),
        Some("no container of Deployment \"mongo-express\" listens on 8080")
    );
    assert_eq!(
        d.secondary.first().map(|l| l.message.as_str()),
        Some("container \"mongo-express\" exposes 8081")
    );
    assert!(
        d.help
            .as_deref()
            .unwrap_or("")
            .starts_with("set targetPort to 8081")
    );
}

#[test]
fn named_target_port_not_named_is_one_error() {
    let yaml = format!(
        "{DEPLOYMENT_8081}---
apiVersion: v1
kind: Service
metadata:
  name: mongo-express-service
spec:
  selector:
    app: mongo-express
  ports:
    - port: 8081
      targetPort: http
"
    );
    let (c, d) = only_error(&yaml);
    assert_eq!(d.rule.id, "rules/service-target-port");
    assert_eq!(
        d.message,
        "Service \"mongo-express-service\" sends port 8081 to targetPort \"http\", which no container of Deployment \"mongo-express\" names"
    );
    assert_eq!(c.lines(&d), (30, vec![19]));
    assert!(d.help.as_deref().unwrap_or("").contains("\"web\""));
}

#[test]
fn target_port_defaulted_to_port_and_matching_names_pass() {
    for target in ["", "      targetPort: web\n", "      targetPort: 8081\n"] {
        let yaml = format!(
            "{DEPLOYMENT_8081}---\napiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  selector:\n    app: mongo-express\n  ports:\n    - port: 8081\n{target}"
        );
        assert!(
            check(&yaml).diags.is_empty(),
            "{target}: {:?}",
            check(&yaml).diags
        );
    }
}

#[test]
fn nodeport_80_is_one_error() {
    let yaml = "apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: NodePort
  ports:
    - port: 80
      nodePort: 80
";
    let (c, d) = only_error(yaml);
    assert_eq!(d.rule.id, "rules/nodeport");
    assert!(d.message.contains(
        "provided port is not in the valid range. The range of valid ports is 30000-32767"
    ));
    assert_eq!(c.lines(&d).0, 9);
}

#[test]
fn nodeport_on_cluster_ip_and_twice_in_the_run() {
    let yaml = "apiVersion: v1
kind: Service
metadata:
  name: a
spec:
  ports:
    - port: 80
      nodePort: 30080
---
apiVersion: v1
kind: Service
metadata:
  name: b
spec:
  type: NodePort
  ports:
    - port: 80
      nodePort: 30081
---
apiVersion: v1
kind: Service
metadata:
  name: c
spec:
  type: LoadBalancer
  ports:
    - port: 80
      nodePort: 30081
";
    let c = check(yaml);
    let found = c.of("rules/nodeport");
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(found.iter().any(|d| {
        d.message
            .contains("may not be used when `type` is 'ClusterIP'")
            && c.lines(d).0 == 8
    }));
    let dup: Vec<_> = found
        .iter()
        .filter(|d| d.message.contains("already allocated"))
        .map(|d| c.lines(d))
        .collect();
    assert_eq!(dup, vec![(28, vec![18])]);
    let narrow = Config {
        node_port_range: (30000, 30080),
        ..Config::default()
    };
    assert!(
        check_with(yaml, &narrow, false)
            .of("rules/nodeport")
            .iter()
            .any(|d| d.message.contains("30000-30080"))
    );
}

#[test]
fn secret_key_missing_is_one_error() {
    let c = check(super::MISSING_REFERENCE.failing);
    let errors = c.errors();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    let d = errors.first().copied().unwrap_or_else(|| unreachable!());
    assert_eq!(
        d.message,
        "Pod \"app\" refers to key \"pasword\" of Secret \"db\", which has no such key"
    );
    assert_eq!(c.lines(d), (21, vec![4]));
    assert!(
        d.help
            .as_deref()
            .unwrap_or("")
            .contains("did you mean \"password\"")
    );
}

#[test]
fn ingress_port_not_on_service_is_one_error() {
    let c = check(super::INGRESS_BACKEND.failing);
    let errors = c.errors();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    let d = errors.first().copied().unwrap_or_else(|| unreachable!());
    assert_eq!(
        d.message,
        "Ingress \"web\" sends traffic to port 80 of Service \"web\", which exposes 8080"
    );
    assert_eq!(c.lines(d), (15, vec![23]));
}

const POD_REFS: &str = "apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  serviceAccountName: app
  imagePullSecrets:
    - name: registry
  containers:
    - name: app
      image: app:1.0
      envFrom:
        - configMapRef:
            name: settings
        - secretRef:
            name: optional-one
            optional: true
      env:
        - name: A
          valueFrom:
            secretKeyRef:
              name: tls
              key: tls.crt
  volumes:
    - name: data
      persistentVolumeClaim:
        claimName: data
    - name: ca
      configMap:
        name: kube-root-ca.crt
";

#[test]
fn objects_missing_from_the_run_are_warnings_unless_strict_or_assumed() {
    let c = check(POD_REFS);
    let found = c.of("rules/missing-reference");
    let mut named: Vec<(String, u32)> = found
        .iter()
        .map(|d| (d.message.clone(), c.lines(d).0))
        .collect();
    named.sort();
    assert_eq!(
        named,
        vec![
            ("Pod \"app\" refers to ConfigMap \"settings\", which the run does not create".to_string(), 14),
            ("Pod \"app\" refers to PersistentVolumeClaim \"data\", which the run does not create".to_string(), 27),
            ("Pod \"app\" refers to Secret \"registry\", which the run does not create".to_string(), 8),
            ("Pod \"app\" refers to Secret \"tls\", which the run does not create".to_string(), 22),
            ("Pod \"app\" refers to ServiceAccount \"app\", which the run does not create".to_string(), 6),
        ]
    );
    assert!(found.iter().all(|d| d.severity == Severity::Warning));
    let strict = check_with(POD_REFS, &Config::default(), true);
    assert_eq!(strict.errors().len(), 5);
    let assumed = Config {
        assume_exists: vec![
            crate::config::AssumedObject {
                kind: "Secret".into(),
                namespace: None,
                name: "*".into(),
            },
            crate::config::AssumedObject {
                kind: "ConfigMap".into(),
                namespace: Some("default".into()),
                name: "settings".into(),
            },
        ],
        ..Config::default()
    };
    assert_eq!(
        check_with(POD_REFS, &assumed, false)
            .of("rules/missing-reference")
            .len(),
        2
    );
}

#[test]
fn secrets_made_by_producers_in_the_run_count_as_present() {
    let yaml = format!(
        "{POD_REFS}---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: tls
spec:
  secretName: tls
---
apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata:
  name: registry
"
    );
    let c = check(&yaml);
    let secrets: Vec<&Diagnostic> = c
        .of("rules/missing-reference")
        .into_iter()
        .filter(|d| d.message.contains("Secret"))
        .collect();
    assert!(secrets.is_empty(), "{secrets:#?}");
}

const VAULT: &str = "apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: vault
spec:
  serviceName: vault-internal
  selector:
    matchLabels:
      app: vault
  template:
    metadata:
      labels:
        app: vault
    spec:
      containers:
        - name: vault
          image: vault:1.18
---
apiVersion: v1
kind: Service
metadata:
  name: vault-internal
spec:
  clusterIP: None
  selector:
    app: vault
---
apiVersion: v1
kind: Service
metadata:
  name: vault-active
spec:
  selector:
    app: vault
    vault-active: \"true\"
";

#[test]
fn selector_with_run_time_label_is_a_warning_naming_the_key() {
    let c = check(VAULT);
    assert!(c.errors().is_empty(), "{:#?}", c.errors());
    let found = c.of("rules/service-selects-nothing");
    assert_eq!(found.len(), 1);
    let d = found.first().copied().unwrap_or_else(|| unreachable!());
    assert_eq!(d.severity, Severity::Warning);
    assert!(d.message.contains("\"vault-active\""), "{}", d.message);
    assert_eq!(c.lines(d), (35, vec![13]));
}

#[test]
fn services_of_namespaces_without_workloads_and_operator_pods_are_not_errors() {
    let yaml = "apiVersion: v1
kind: Service
metadata:
  name: coredns
  namespace: kube-system
spec:
  selector:
    k8s-app: kube-dns
  ports:
    - port: 53
---
apiVersion: monitoring.coreos.com/v1
kind: Alertmanager
metadata:
  name: release-alertmanager
spec:
  replicas: 1
---
apiVersion: v1
kind: Service
metadata:
  name: release-alertmanager
spec:
  selector:
    app.kubernetes.io/name: alertmanager
    alertmanager: release-alertmanager
  ports:
    - port: 9093
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: operator
spec:
  selector:
    matchLabels:
      app.kubernetes.io/name: operator
  template:
    metadata:
      labels:
        app.kubernetes.io/name: operator
    spec:
      containers:
        - name: operator
          image: operator:1.0
";
    let c = check(yaml);
    assert!(c.errors().is_empty(), "{:#?}", c.errors());
    let found = c.of("rules/service-selects-nothing");
    assert_eq!(found.len(), 1, "{found:#?}");
    let d = found.first().copied().unwrap_or_else(|| unreachable!());
    assert_eq!(d.severity, Severity::Warning);
    assert!(
        d.message.contains("Alertmanager \"release-alertmanager\""),
        "{}",
        d.message
    );
    assert_eq!(c.lines(d), (25, vec![15]));
}

#[test]
fn selector_less_services_are_never_flagged() {
    let yaml = "apiVersion: v1\nkind: Service\nmetadata:\n  name: external\nspec:\n  ports:\n    - port: 80\n";
    assert!(check(yaml).diags.is_empty());
}

#[test]
fn workload_selector_points_at_selector_and_template_label() {
    let c = check(super::WORKLOAD_SELECTOR.failing);
    let found = c.of("rules/workload-selector");
    let d = found.first().copied().unwrap_or_else(|| unreachable!());
    assert!(
        d.message
            .ends_with("`selector` does not match template `labels`"),
        "{}",
        d.message
    );
    assert_eq!(c.lines(d), (8, vec![12]));
}

#[test]
fn probe_port_names_and_numbers() {
    let c = check(super::PROBE_PORT.failing);
    let d = c
        .of("rules/probe-port")
        .first()
        .copied()
        .cloned()
        .unwrap_or_else(|| unreachable!());
    assert_eq!(d.severity, Severity::Error);
    assert_eq!(c.lines(&d), (15, vec![10]));
    let numeric = super::PROBE_PORT
        .passing
        .replace("port: web\n", "port: 9000\n");
    // Issue 18: a numeric port the container does not declare is not a finding.
    let n = check(&numeric);
    assert!(n.of("rules/probe-port").is_empty());
}

#[test]
fn every_rule_points_at_the_keys_involved() {
    // (rule, primary line, secondary lines) of the first finding on each rule's failing example.
    let cases: &[(&super::Rule, u32, &[u32])] = &[
        (&super::WORKLOAD_SELECTOR, 8, &[12]),
        (&super::SERVICE_SELECTS_NOTHING, 7, &[22]),
        (&super::SERVICE_TARGET_PORT, 10, &[29]),
        (&super::NODEPORT, 9, &[]),
        (&super::INGRESS_BACKEND, 15, &[23]),
        (&super::MISSING_REFERENCE, 21, &[4]),
        (&super::PROBE_PORT, 15, &[10]),
        (&super::PDB_SELECTS_NOTHING, 9, &[22]),
        (&super::NETWORKPOLICY_SELECTS_NOTHING, 8, &[23]),
        (&super::HPA_TARGET, 9, &[]),
        (&super::STATEFULSET_SERVICE, 6, &[22]),
        (&super::ROLE_REF, 8, &[]),
        (&super::DUPLICATE_OBJECT, 11, &[4]),
        (&super::NAMESPACE, 5, &[]),
        (&super::IMAGE_TAG, 8, &[]),
        (&super::RESOURCES, 7, &[]),
        (&super::READINESS_PROBE, 7, &[]),
        (&super::PRIVILEGED, 10, &[]),
        (&super::RUN_AS_NON_ROOT, 7, &[]),
        (&super::HOST_PATH, 11, &[]),
        (&super::HOST_NETWORK, 6, &[]),
    ];
    for rule in RULES {
        assert!(
            cases.iter().any(|(r, _, _)| r.id == rule.id),
            "{}: no line assertion",
            rule.id
        );
    }
    for (rule, primary, secondary) in cases {
        let c = check_with(rule.failing, &all_enabled(), false);
        let found = c.of(rule.id);
        let d = found
            .first()
            .copied()
            .unwrap_or_else(|| panic!("{} does not fire", rule.id));
        assert_eq!(
            c.lines(d),
            (*primary, secondary.to_vec()),
            "{}: {}",
            rule.id,
            d.message
        );
    }
}

#[test]
fn hygiene_rules_are_off_unless_enabled() {
    let c = check(super::RESOURCES.failing);
    assert!(c.of("rules/resources").is_empty());
    assert!(c.of("rules/run-as-non-root").is_empty());
}

#[test]
fn role_ref_accepts_builtin_cluster_roles() {
    let yaml = "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: a\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: system:auth-delegator\n";
    assert!(check(yaml).of("rules/role-ref").is_empty());
}

#[test]
fn service_account_token_secrets_get_their_keys_at_run_time() {
    let yaml = "apiVersion: v1
kind: Secret
metadata:
  name: token
  annotations:
    kubernetes.io/service-account.name: default
type: kubernetes.io/service-account-token
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
        - name: TOKEN
          valueFrom:
            secretKeyRef:
              name: token
              key: token
";
    assert!(check(yaml).diags.is_empty(), "{:#?}", check(yaml).diags);
}

#[test]
fn optional_references_and_config_map_keys() {
    let yaml = "apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  a: \"1\"
binaryData:
  b: AA==
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
        - name: A
          valueFrom:
            configMapKeyRef:
              name: settings
              key: b
        - name: C
          valueFrom:
            configMapKeyRef:
              name: settings
              key: c
              optional: true
  volumes:
    - name: cfg
      configMap:
        name: settings
        items:
          - key: a
            path: a
          - key: z
            path: z
";
    let c = check(yaml);
    let found = c.of("rules/missing-reference");
    assert_eq!(found.len(), 1, "{found:#?}");
    let d = found.first().copied().unwrap_or_else(|| unreachable!());
    assert_eq!(d.severity, Severity::Error);
    assert_eq!(
        d.message,
        "Pod \"app\" refers to key \"z\" of ConfigMap \"settings\", which has no such key"
    );
    assert_eq!(c.lines(d), (37, vec![4]));
}

#[test]
fn a_service_in_another_namespace_than_its_pods_is_explained() {
    let yaml = format!(
        "{DEPLOYMENT_8081}---
apiVersion: v1
kind: Service
metadata:
  name: mongo-express-service
  namespace: tools
spec:
  selector:
    app: mongo-express
  ports:
    - port: 8081
"
    );
    let c = check(&yaml);
    let found = c.of("rules/service-selects-nothing");
    assert_eq!(found.len(), 1, "{found:#?}");
    let d = found.first().copied().unwrap_or_else(|| unreachable!());
    assert_eq!(d.severity, Severity::Warning);
    assert_eq!(
        d.message,
        "Service \"mongo-express-service\" selects pods of namespace \"tools\", but the run makes the matching pods in namespace \"default\""
    );
    assert_eq!(c.lines(d), (28, vec![12]));
}

const CRONJOB_SAME_LABELS: &str = "---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: archive
spec:
  schedule: \"@hourly\"
  jobTemplate:
    spec:
      template:
        metadata:
          labels:
            app: mongo-express
        spec:
          restartPolicy: OnFailure
          containers:
            - name: archive
              image: mongo-express:1.0
";

#[test]
fn named_target_ports_missing_only_from_batch_pods_are_fine() {
    // matomo: the CronJobs share the web Deployment's labels, so the Service selects them too.
    let yaml = format!(
        "{DEPLOYMENT_8081}{CRONJOB_SAME_LABELS}---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: mongo-express
  ports:
    - port: 80
      targetPort: web
"
    );
    assert!(check(&yaml).of("rules/service-target-port").is_empty());
}

#[test]
fn named_target_ports_declared_only_in_some_configurations_are_warnings() {
    // cassandra, zookeeper: the headless Service lists a TLS or peer port that the container
    // only declares when TLS or several replicas are configured.
    let yaml = format!(
        "{DEPLOYMENT_8081}---
apiVersion: v1
kind: Service
metadata:
  name: headless
spec:
  clusterIP: None
  selector:
    app: mongo-express
  ports:
    - port: 8081
      targetPort: web
    - port: 7001
      targetPort: tls
"
    );
    let c = check(&yaml);
    let found = c.of("rules/service-target-port");
    assert_eq!(found.len(), 1, "{found:#?}");
    let d = found.first().copied().unwrap_or_else(|| unreachable!());
    assert_eq!(d.severity, Severity::Warning);
    assert_eq!(c.lines(d), (33, vec![19]));
}

#[test]
fn named_target_ports_missing_from_some_long_running_pods_are_warnings() {
    let other = DEPLOYMENT_8081
        .replace("name: mongo-express\nspec", "name: other\nspec")
        .replace("name: web\n", "name: admin\n");
    let yaml = format!(
        "{DEPLOYMENT_8081}---\n{other}---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: mongo-express
  ports:
    - port: 80
      targetPort: web
"
    );
    let c = check(&yaml);
    let found = c.of("rules/service-target-port");
    assert_eq!(found.len(), 1, "{found:#?}");
    let d = found.first().copied().unwrap_or_else(|| unreachable!());
    assert_eq!(d.severity, Severity::Warning);
    assert!(
        d.message
            .contains("which no container of Deployment \"other\" names"),
        "{}",
        d.message
    );
}

#[test]
fn secrets_a_job_creates_count_as_present() {
    let yaml = "apiVersion: batch/v1
kind: Job
metadata:
  name: make-certs
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: kubectl
          image: bitnami/kubectl:1.31
          command: [sh, -c]
          args:
            - kubectl create secret tls web-tls --cert=/tmp/c --key=/tmp/k
---
apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  containers:
    - name: app
      image: app:1.0
  volumes:
    - name: tls
      secret:
        secretName: web-tls
    - name: other
      secret:
        secretName: web
";
    let c = check(yaml);
    let found: Vec<&str> = c
        .of("rules/missing-reference")
        .iter()
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(
        found,
        vec!["Pod \"app\" refers to Secret \"web\", which the run does not create"]
    );
}

#[test]
fn a_chart_that_renders_no_workload_gets_a_warning_in_its_namespace_only() {
    // neo4j with default values: the Service and NetworkPolicy render, the StatefulSet does not.
    let service = "apiVersion: v1
kind: Service
metadata:
  name: release-neo4j
spec:
  selector:
    app.kubernetes.io/name: neo4j
  ports:
    - port: 7474
";
    let c = check(service);
    let found = c.of("rules/service-selects-nothing");
    assert_eq!(found.len(), 1);
    let d = found.first().copied().unwrap_or_else(|| unreachable!());
    assert_eq!(d.severity, Severity::Warning);
    assert_eq!(
        d.message,
        "Service \"release-neo4j\" selects pods, but the run creates no pod in namespace \"default\""
    );
    assert_eq!(c.lines(d), (7, vec![]));
    let elsewhere = service.replace(
        "  name: release-neo4j\n",
        "  name: release-neo4j\n  namespace: db\n",
    );
    assert!(
        check(&elsewhere)
            .of("rules/service-selects-nothing")
            .is_empty()
    );
}

#[test]
fn odd_shapes_do_not_panic() {
    let yaml = "apiVersion: v1
kind: Service
metadata:
  name: s
spec:
  type: [NodePort]
  selector: [app, web]
  ports: {port: 80}
---
apiVersion: v1
kind: Service
metadata:
  name: t
spec:
  selector:
    app: web
    tier: null
  ports:
    - port: \"80\"
      targetPort: [1]
      nodePort: -1
    - {}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: [app]
    matchExpressions:
      - {key: app, operator: Bogus}
      - {operator: In}
  template:
    metadata:
      labels: {app: web, n: 1, b: true}
    spec:
      containers:
        - name: web
          ports: [{containerPort: http}, 8080, {name: 7}]
          env: [{valueFrom: {secretKeyRef: {name: 1, key: [a]}}}, null]
          readinessProbe: {httpGet: {port: [1]}}
        - just-a-string
      volumes: [{configMap: {name: null, items: [{key: 1}]}}, {projected: {sources: [null]}}]
      imagePullSecrets: [a, {name: {}}]
      serviceAccountName: [x]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: i
spec:
  defaultBackend: {service: {name: t, port: {number: \"x\"}}}
  rules: [{http: {paths: [{backend: {}}]}}, null]
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: h
spec:
  scaleTargetRef: {kind: Deployment, name: web}
  metrics: [{resource: {name: cpu, target: {type: Utilization}}}, {resource: null}]
";
    let c = check_with(yaml, &all_enabled(), true);
    assert!(c.diags.iter().all(|d| d.primary.is_some()));
}

/// `selector::selected` looks candidates up by label; it must select exactly what testing the
/// whole selector against every template of the namespace selects, in the same order.
#[test]
fn indexed_selection_equals_testing_every_template() {
    use super::index::Index;
    use super::selector::{self, Selector};
    let pod = |name: &str, ns: &str, labels: &str| {
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n  namespace: {ns}\n  labels: {labels}\nspec:\n  containers:\n    - name: c\n      image: x\n---\n"
        )
    };
    let mut yaml = String::new();
    yaml += &pod("a", "default", "{app: web, tier: front}");
    yaml += &pod("b", "default", "{app: api, tier: back}");
    yaml += &pod("c", "other", "{app: web}");
    yaml += &pod("d", "default", "{app: web, tier: back, \"\": x}");
    yaml += &pod("e", "default", "{app: \"\"}");
    let selectors = "\
apiVersion: test.kforge.dev/v1\nkind: Selectors\nmetadata: {name: s}\nitems:\n\
- {matchLabels: {app: web}}\n\
- {matchLabels: {app: web, tier: back}}\n\
- {matchExpressions: [{key: app, operator: In, values: [api, web]}]}\n\
- {matchExpressions: [{key: app, operator: NotIn, values: [web]}]}\n\
- {matchExpressions: [{key: tier, operator: Exists}]}\n\
- {matchExpressions: [{key: tier, operator: DoesNotExist}]}\n\
- {matchLabels: {app: \"\"}}\n\
- {matchLabels: {app: nothing}}\n";
    let mut sources = SourceMap::new();
    let file = sources.add("test.yaml", yaml.as_str(), SourceKind::Manifest);
    let sel_file = sources.add("selectors.yaml", selectors, SourceKind::Manifest);
    let (objects, _) = object::parse(&sources, &[file], &Default::default());
    let (selector_list, _) = object::parse(&sources, &[sel_file], &Default::default());
    let config = Config::default();
    let ctx = context(&sources, &objects, &config, false);
    let ix = Index::build(&ctx);
    let items = selector_list
        .first()
        .and_then(|l| l.root.get("items"))
        .expect("selector list");
    let mut checked = 0;
    for node in items.as_seq().unwrap_or(&[]) {
        let sel = Selector::from_label_selector(node);
        for ns in ["default", "other", "none"] {
            let names = |ts: Vec<&super::index::PodTemplate>| -> Vec<String> {
                ts.iter().map(|t| t.owner.name.clone()).collect()
            };
            let indexed = names(selector::selected(&ix, ns, &sel));
            let every = names(
                ix.templates_in(ns)
                    .filter(|t| sel.matches(&t.labels))
                    .collect(),
            );
            assert_eq!(indexed, every, "{} in {ns}", sel.describe());
            checked += usize::from(!every.is_empty());
        }
    }
    assert!(
        checked >= 7,
        "the selectors select too little to test anything"
    );
}

fn deployment(name: &str, app: &str, tier: &str) -> String {
    format!(
        "apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
spec:
  selector:
    matchLabels:
      app: {app}
      tier: {tier}
  template:
    metadata:
      labels:
        app: {app}
        tier: {tier}
    spec:
      containers:
        - name: main
          image: shop:1.0
---
"
    )
}

/// Of every pod template in the namespace, the suggestion names the one with the fewest
/// differing labels, then the closest spelling, then the first in the run.
#[test]
fn a_selector_typo_suggests_the_closest_template_first_in_the_run_on_a_tie() {
    let yaml = [
        deployment("far", "shop-backend", "web"),
        deployment("two-differences", "shop-frontnd", "api"),
        deployment("closest", "shop-frontend", "web"),
        deployment("closest-again", "shop-frontend", "web"),
        deployment("farther", "shop-frontends", "web"),
    ]
    .concat()
        + "apiVersion: v1
kind: Service
metadata:
  name: shop
spec:
  selector:
    app: shop-frontnd
    tier: web
  ports:
    - port: 80
";
    let (_, d) = only_error(&yaml);
    assert_eq!(d.rule.id, "rules/service-selects-nothing");
    assert_eq!(
        d.help.as_deref(),
        Some(
            "did you mean app: shop-frontend? Make the selector and the labels of Deployment \"closest\" agree"
        )
    );
}
