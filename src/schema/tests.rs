//! Failing and passing examples of every schema rule, asserting rule id, message and line.

use crate::source::SourceKind;
use crate::yaml::Limits;

/// Objects of a manifest added to `sources` as one file, parsed by the real loader.
fn load_objects(sources: &mut SourceMap, name: &str, text: &str) -> Vec<Object> {
    let file = sources.add(name, text.to_string(), SourceKind::Manifest);
    let (objects, diags) = crate::object::parse(sources, &[file], &Limits::default());
    assert!(diags.iter().all(|d| !d.is_error()), "{diags:#?}");
    objects
}

/// The root node of a YAML file (values).
fn yaml_root(sources: &SourceMap, file: crate::source::FileId) -> crate::yaml::Node {
    let (docs, _) = crate::yaml::parse_stream(sources, file, &Limits::default());
    docs.into_iter().find_map(|d| d.root).expect("a document")
}
use crate::check::CheckContext;
use crate::config::Config;
use crate::diag::{Diagnostic, Severity};
use crate::object::Object;
use crate::source::SourceMap;
use crate::version::KubeVersion;

struct Run {
    sources: SourceMap,
    diags: Vec<Diagnostic>,
}

impl Run {
    fn lines(&self, rule: &str) -> Vec<u32> {
        self.diags
            .iter()
            .filter(|d| d.rule.id == rule)
            .filter_map(|d| d.primary.as_ref())
            .map(|l| self.sources.locate(l.span).line)
            .collect()
    }

    fn only(&self, rule: &str) -> &Diagnostic {
        let found: Vec<&Diagnostic> = self.diags.iter().filter(|d| d.rule.id == rule).collect();
        assert_eq!(found.len(), 1, "expected one {rule}, got {:#?}", self.diags);
        found[0]
    }

    fn assert_clean(&self) {
        let shown: Vec<String> = self
            .diags
            .iter()
            .map(|d| format!("{}: {}", d.rule.id, d.message))
            .collect();
        assert!(
            self.diags.is_empty(),
            "expected no findings, got {shown:#?}"
        );
    }
}

fn run_at(minor: u32, yaml: &str) -> Run {
    run_with(minor, yaml, "", false)
}

fn run(yaml: &str) -> Run {
    run_at(33, yaml)
}

fn run_with(minor: u32, yaml: &str, extra: &str, strict: bool) -> Run {
    let mut sources = SourceMap::new();
    let objects: Vec<Object> = load_objects(&mut sources, "test.yaml", yaml);
    let extra_crds = if extra.is_empty() {
        Vec::new()
    } else {
        load_objects(&mut sources, "crds.yaml", extra)
    };
    let config = Config::default();
    let diags = {
        let ctx = CheckContext {
            kube_version: KubeVersion {
                major: 1,
                minor,
                patch: 0,
            },
            strict,
            extra_crds: &extra_crds,
            ..CheckContext::new(&sources, &objects, &config)
        };
        super::check(&ctx)
    };
    Run { sources, diags }
}

const DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: app
          image: nginx
          ports:
            - containerPort: 80
          env:
            - name: DEBUG
              value: \"yes\"
          resources:
            limits:
              memory: 512Mi
              cpu: 500m
";

#[test]
fn a_valid_deployment_passes_at_every_version() {
    for minor in 25..=37 {
        run_at(minor, DEPLOYMENT).assert_clean();
    }
}

#[test]
fn unknown_field_points_at_the_key_with_did_you_mean() {
    let r = run(&DEPLOYMENT.replace("  replicas: 2", "  replica: 2"));
    let d = r.only("schema/unknown-field");
    assert_eq!(d.message, "unknown field \"spec.replica\"");
    assert_eq!(d.help.as_deref(), Some("did you mean `replicas`?"));
    assert_eq!(
        d.primary.as_ref().unwrap().message,
        "not a field of DeploymentSpec"
    );
    assert_eq!(r.lines("schema/unknown-field"), vec![6]);
    let loc = r.sources.locate(d.primary.as_ref().unwrap().span);
    assert_eq!((loc.column, loc.end_column), (3, 10));
}

#[test]
fn unknown_field_deep_in_a_list() {
    let r = run(&DEPLOYMENT.replace(
        "          image: nginx",
        "          imagePullPolcy: Always\n          image: nginx",
    ));
    let d = r.only("schema/unknown-field");
    assert_eq!(
        d.message,
        "unknown field \"spec.template.spec.containers[0].imagePullPolcy\""
    );
    assert_eq!(d.help.as_deref(), Some("did you mean `imagePullPolicy`?"));
    assert_eq!(r.lines("schema/unknown-field"), vec![17]);
}

#[test]
fn integer_in_configmap_data_is_a_type_error() {
    let r = run(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  retries: 3\n  mode: \"fast\"\n",
    );
    let d = r.only("schema/type");
    assert_eq!(d.message, "data.retries: expected a string, got integer 3");
    assert_eq!(d.help.as_deref(), Some("quote it: \"3\""));
    assert_eq!(r.lines("schema/type"), vec![6]);
    run("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  retries: \"3\"\n")
        .assert_clean();
}

#[test]
fn quoted_replicas_is_a_type_error() {
    let r = run(&DEPLOYMENT.replace("  replicas: 2", "  replicas: \"3\""));
    let d = r.only("schema/type");
    assert_eq!(
        d.message,
        "spec.replicas: expected an integer, got string \"3\""
    );
    assert_eq!(d.help.as_deref(), Some("remove the quotes: 3"));
    assert_eq!(r.lines("schema/type"), vec![6]);
}

#[test]
fn unquoted_yes_in_env_value_is_a_boolean() {
    let r = run(&DEPLOYMENT.replace("value: \"yes\"", "value: yes"));
    let d = r.only("schema/type");
    assert_eq!(
        d.message,
        "spec.template.spec.containers[0].env[0].value: expected a string, got boolean yes"
    );
    assert_eq!(
        d.help.as_deref(),
        Some("quote it: \"yes\" (YAML 1.1 reads it as a boolean)")
    );
    assert_eq!(r.lines("schema/type"), vec![22]);
}

#[test]
fn missing_selector_is_required_at_the_parent_key() {
    let text = DEPLOYMENT.replace("  selector:\n    matchLabels:\n      app: web\n", "");
    let r = run(&text);
    let d = r.only("schema/required");
    assert_eq!(d.message, "spec.selector: Required value");
    assert_eq!(r.lines("schema/required"), vec![5]);
}

#[test]
fn container_without_name_is_required_at_the_item() {
    let r = run(&DEPLOYMENT.replace(
        "        - name: app\n          image: nginx",
        "        - image: nginx",
    ));
    let d = r.only("schema/required");
    assert_eq!(
        d.message,
        "spec.template.spec.containers[0].name: Required value"
    );
    assert_eq!(r.lines("schema/required"), vec![16]);
}

#[test]
fn unsupported_enum_value() {
    let r = run(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: LoadBalancr\n  ports:\n    - port: 80\n",
    );
    let d = r.only("schema/enum");
    assert_eq!(
        d.message,
        "spec.type: Unsupported value: \"LoadBalancr\": supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\""
    );
    assert_eq!(d.help.as_deref(), Some("did you mean \"LoadBalancer\"?"));
    assert_eq!(r.lines("schema/enum"), vec![6]);
    run("apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: LoadBalancer\n  ports:\n    - port: 80\n").assert_clean();
}

#[test]
fn int32_range() {
    let r = run(&DEPLOYMENT.replace("  replicas: 2", "  replicas: 3000000000"));
    assert_eq!(
        r.only("schema/range").message,
        "spec.replicas: 3000000000 does not fit in int32 (-2147483648 to 2147483647)"
    );
    assert_eq!(r.lines("schema/range"), vec![6]);
}

#[test]
fn secret_data_must_be_base64() {
    let r = run(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\ndata:\n  user: YWRtaW4=\n  password: hunter2!\n",
    );
    assert_eq!(
        r.only("schema/base64").message,
        "data.password: illegal base64 data"
    );
    assert_eq!(r.lines("schema/base64"), vec![7]);
    run("apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\ndata:\n  user: YWRtaW4=\nstringData:\n  password: hunter2!\n")
        .assert_clean();
}

#[test]
fn int_or_string_accepts_both_and_null_is_absent() {
    let np = "apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow
spec:
  podSelector: {}
  ingress:
    - ports:
        - port: null
        - port: 8080
        - port: http
          protocol: TCP
";
    run(np).assert_clean();
    let r = run(&np.replace("port: 8080", "port: 80.5"));
    assert_eq!(
        r.only("schema/type").message,
        "spec.ingress[0].ports[1].port: expected an integer or a string, got number 80.5"
    );
    assert_eq!(r.lines("schema/type"), vec![10]);
}

#[test]
fn quantities_must_parse() {
    let r = run(&DEPLOYMENT.replace("memory: 512Mi", "memory: 512mb"));
    let d = r.only("schema/quantity");
    assert!(
        d.message.starts_with(
            "spec.template.spec.containers[0].resources.limits.memory: invalid quantity \"512mb\""
        ),
        "{}",
        d.message
    );
    let help = d.help.as_deref().unwrap_or("");
    assert!(
        help.starts_with("did you mean 512Mi?") && help.contains("Ki, Mi, Gi"),
        "{help}"
    );
    assert_eq!(r.lines("schema/quantity"), vec![25]);
    run(&DEPLOYMENT.replace("memory: 512Mi", "memory: 1")).assert_clean();
}

#[test]
fn duplicate_container_names() {
    let text = DEPLOYMENT.replace(
        "        - name: app\n",
        "        - name: app\n          image: busybox\n        - name: app\n",
    );
    let r = run(&text);
    let d = r.only("schema/duplicate-list-key");
    assert_eq!(d.severity, Severity::Error);
    assert_eq!(
        d.message,
        "spec.template.spec.containers[1]: Duplicate value: name=app"
    );
    assert_eq!(r.lines("schema/duplicate-list-key"), vec![18]);
    assert_eq!(r.sources.locate(d.secondary[0].span).line, 16);
}

#[test]
fn duplicate_ports_default_protocol_to_tcp() {
    let text = DEPLOYMENT.replace("            - containerPort: 80\n", "            - containerPort: 80\n            - containerPort: 80\n              protocol: TCP\n");
    let r = run(&text);
    let d = r.only("schema/duplicate-list-key");
    assert_eq!(
        d.message,
        "spec.template.spec.containers[0].ports[1]: Duplicate value: containerPort=80, protocol=TCP"
    );
    // The API server itself only warns about duplicate container ports.
    assert_eq!(d.severity, Severity::Warning);
    assert_eq!(r.lines("schema/duplicate-list-key"), vec![20]);
    run(&DEPLOYMENT.replace("            - containerPort: 80\n", "            - containerPort: 80\n            - containerPort: 80\n              protocol: UDP\n"))
        .assert_clean();
}

#[test]
fn removed_api_names_replacement_and_changes() {
    let ingress = "apiVersion: extensions/v1beta1
kind: Ingress
metadata:
  name: web
spec:
  rules:
    - http:
        paths:
          - backend:
              serviceName: web
              servicePort: 80
";
    let r = run_at(37, ingress);
    let d = r.only("schema/removed-api");
    assert_eq!(
        d.message,
        "extensions/v1beta1 Ingress is not served by Kubernetes 1.37: removed in 1.22"
    );
    assert_eq!(
        d.help.as_deref(),
        Some("use apiVersion: networking.k8s.io/v1")
    );
    assert!(d.notes[0].contains("service.name") && d.notes[0].contains("pathType"));
    assert_eq!(r.lines("schema/removed-api"), vec![1]);

    let cron = "apiVersion: batch/v1beta1\nkind: CronJob\nmetadata:\n  name: nightly\n";
    let r = run_at(33, cron);
    assert_eq!(
        r.only("schema/removed-api").message,
        "batch/v1beta1 CronJob is not served by Kubernetes 1.33: removed in 1.25"
    );
    let r = run_at(
        30,
        "apiVersion: autoscaling/v2beta2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\n",
    );
    assert_eq!(
        r.only("schema/removed-api").help.as_deref(),
        Some("use apiVersion: autoscaling/v2")
    );
}

#[test]
fn deprecated_api_warns_while_served() {
    let hpa = "apiVersion: autoscaling/v2beta2
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef:
    kind: Deployment
    name: web
  maxReplicas: 3
";
    let r = run_at(25, hpa);
    let d = r.only("schema/deprecated-api");
    assert_eq!(d.severity, Severity::Warning);
    assert_eq!(
        d.message,
        "autoscaling/v2beta2 HorizontalPodAutoscaler is deprecated and no longer served from Kubernetes 1.26"
    );
    assert_eq!(r.lines("schema/deprecated-api"), vec![1]);
    run_at(25, &hpa.replace("v2beta2", "v2")).assert_clean();
}

#[test]
fn unknown_kind_is_a_warning_or_an_error_when_strict() {
    let text = "apiVersion: apps/v1\nkind: Deploymnet\nmetadata:\n  name: web\n";
    let r = run(text);
    let d = r.only("schema/unknown-kind");
    assert_eq!(d.severity, Severity::Warning);
    assert_eq!(d.help.as_deref(), Some("did you mean `Deployment`?"));
    assert_eq!(r.lines("schema/unknown-kind"), vec![2]);
    let r = run_with(33, text, "", true);
    assert_eq!(r.only("schema/unknown-kind").severity, Severity::Error);
    let r = run("apiVersion: apps/v2\nkind: Deployment\nmetadata:\n  name: web\n");
    assert_eq!(
        r.only("schema/unknown-kind").help.as_deref(),
        Some("use apiVersion: apps/v1")
    );
}

/// The Widget CRD up to its `spec` schema's own keys (indented 14 spaces).
macro_rules! widget_crd_head {
    () => {
        "apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names:
    kind: Widget
    plural: widgets
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
"
    };
}

const CRD: &str = concat!(
    widget_crd_head!(),
    "              required:
                - size
              properties:
                size:
                  type: integer
                color:
                  type: string
                  enum:
                    - red
                    - blue
                port:
                  x-kubernetes-int-or-string: true
                extra:
                  type: object
                  x-kubernetes-preserve-unknown-fields: true
"
);

#[test]
fn custom_resources_are_validated_by_the_crd_of_the_run() {
    let cr = "apiVersion: example.com/v1
kind: Widget
metadata:
  name: w
spec:
  size: 3
  color: red
  port: http
  extra:
    anything: goes
";
    let r = run(&format!("{CRD}---\n{cr}"));
    r.assert_clean();
    let bad = cr
        .replace("  size: 3\n", "  sise: 3\n")
        .replace("color: red", "color: green");
    let r = run(&format!("{CRD}---\n{bad}"));
    let base = CRD.lines().count() as u32 + 1;
    assert_eq!(
        r.only("schema/unknown-field").message,
        "unknown field \"spec.sise\""
    );
    assert_eq!(r.lines("schema/unknown-field"), vec![base + 6]);
    assert_eq!(r.lines("schema/required"), vec![base + 5]);
    assert_eq!(r.lines("schema/enum"), vec![base + 7]);
    // Given with --crd instead of in the run.
    run_with(33, cr, CRD, false).assert_clean();
}

/// Structural defaulting runs before validation: a required field with a default is filled in.
#[test]
fn a_required_field_with_a_default_is_not_missing() {
    let crd = concat!(
        widget_crd_head!(),
        "              required:
                - size
                - replicas
              properties:
                size:
                  type: integer
                replicas:
                  type: integer
                  default: 1
"
    );
    let cr = "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  size: 3\n";
    run(&format!("{crd}---\n{cr}")).assert_clean();
    let r = run(&format!(
        "{crd}---\n{}",
        cr.replace("  size: 3\n", "  other: 3\n")
    ));
    assert_eq!(
        r.only("schema/required").message,
        "spec.size: Required value"
    );
}

#[test]
fn crds_themselves_are_validated() {
    let r = run(&CRD.replace("  scope: Namespaced\n", "  scope: Namespaced\n  scop: x\n"));
    assert_eq!(
        r.only("schema/unknown-field").message,
        "unknown field \"spec.scop\""
    );
    assert_eq!(r.lines("schema/unknown-field"), vec![8]);
}

#[test]
fn custom_resource_without_crd_is_a_warning() {
    let r =
        run("apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata:\n  name: web\n");
    let d = r.only("schema/missing-crd");
    assert_eq!(d.severity, Severity::Warning);
    assert!(
        d.message
            .contains("ServiceMonitor (monitoring.coreos.com/v1)"),
        "{}",
        d.message
    );
    assert_eq!(r.lines("schema/missing-crd"), vec![1]);
}

#[test]
fn api_versions_lists_group_versions_and_kinds() {
    let all = super::api_versions(KubeVersion::NEWEST);
    for want in [
        "v1",
        "v1/Pod",
        "apps/v1",
        "apps/v1/Deployment",
        "networking.k8s.io/v1/Ingress",
        "batch/v1/CronJob",
    ] {
        assert!(all.iter().any(|a| a == want), "{want}");
    }
    assert!(
        !all.iter()
            .any(|a| a.ends_with("List") || a == "batch/v1beta1")
    );
    let old = super::api_versions(KubeVersion {
        major: 1,
        minor: 25,
        patch: 0,
    });
    assert!(old.iter().any(|a| a == "autoscaling/v2beta2"));
}

#[test]
fn explain_a_field() {
    let out = super::explain(KubeVersion::NEWEST, "deployment.spec.strategy", None, false).unwrap();
    assert!(out.starts_with("GROUP:      apps\nKIND:       Deployment\nVERSION:    v1\n\nFIELD: strategy <DeploymentStrategy>\n"), "{out}");
    assert!(
        out.contains("  type\t<string>\n  enum: Recreate, RollingUpdate\n"),
        "{out}"
    );
    let rec = super::explain(KubeVersion::NEWEST, "deployment.spec.strategy", None, true).unwrap();
    assert!(
        rec.contains("  rollingUpdate\t<RollingUpdateDeployment>\n    maxSurge\t<IntOrString>\n"),
        "{rec}"
    );
    let e =
        super::explain(KubeVersion::NEWEST, "deployment.spec.replica", None, false).unwrap_err();
    assert_eq!(e, "field \"replica\" does not exist in Deployment.spec");
    let pods = super::explain(KubeVersion::NEWEST, "pods.spec.containers", None, false).unwrap();
    assert!(pods.contains("FIELD: containers <[]Container>"), "{pods}");
    assert!(pods.contains("  name\t<string> -required-"), "{pods}");
}

mod values {
    use super::yaml_root;
    use crate::chart::{Chart, ChartMetadata, FileTree};
    use crate::source::{SourceKind, SourceMap};
    use crate::yaml::Node;

    fn chart(
        name: &str,
        schema: Option<crate::source::FileId>,
        subcharts: Vec<Chart>,
        file: crate::source::FileId,
    ) -> Chart {
        Chart {
            metadata: ChartMetadata {
                api_version: "v2".into(),
                name: name.into(),
                version: "0.1.0".into(),
                app_version: None,
                description: None,
                kube_version: None,
                chart_type: "application".into(),
                deprecated: false,
                tree: Node::new(crate::yaml::Value::Null, crate::source::Span::default()),
            },
            display_path: name.into(),
            chart_file: file,
            values_file: None,
            schema_file: schema,
            templates: Vec::new(),
            crds: Vec::new(),
            files: FileTree::default(),
            subcharts,
        }
    }

    const SCHEMA: &str = r#"{
  "$schema": "http://json-schema.org/draft-07/schema#",
  "type": "object",
  "required": ["image"],
  "properties": {
    "replicaCount": {"type": "integer", "minimum": 1},
    "image": {"type": "object", "required": ["repository"], "properties": {"repository": {"type": "string"}}}
  }
}"#;

    #[test]
    fn findings_point_at_the_values_line() {
        let mut sources = SourceMap::new();
        let schema = sources.add("web/values.schema.json", SCHEMA, SourceKind::ChartFile);
        let text = "replicaCount: two\nimage:\n  tag: latest\nsub:\n  port: \"80\"\n";
        let values_file = sources.add("web/values.yaml", text, SourceKind::Values);
        let values = yaml_root(&sources, values_file);
        let sub_schema = sources.add(
            "web/charts/sub/values.schema.json",
            r#"{"$schema": "https://json-schema.org/draft/2020-12/schema", "properties": {"port": {"type": "integer"}}}"#,
            SourceKind::ChartFile,
        );
        let sub = chart("sub", Some(sub_schema), Vec::new(), schema);
        let c = chart("web", Some(schema), vec![sub], schema);
        let diags = super::super::check_values(&c, &values, &sources);
        let found: Vec<(String, u32)> = diags
            .iter()
            .map(|d| {
                (
                    d.message.clone(),
                    sources.locate(d.primary.as_ref().unwrap().span).line,
                )
            })
            .collect();
        assert_eq!(
            diags
                .iter()
                .filter(|d| d.rule.id == "values/schema")
                .count(),
            3,
            "{found:#?}"
        );
        assert!(
            found
                .iter()
                .any(|(m, l)| m.starts_with("replicaCount: ") && *l == 1),
            "{found:#?}"
        );
        assert!(
            found
                .iter()
                .any(|(m, l)| m.starts_with("image: ") && m.contains("repository") && *l == 2),
            "{found:#?}"
        );
        assert!(
            found
                .iter()
                .any(|(m, l)| m.starts_with("port: ") && *l == 5),
            "{found:#?}"
        );
    }

    #[test]
    fn valid_values_and_invalid_schemas() {
        let mut sources = SourceMap::new();
        let schema = sources.add("web/values.schema.json", SCHEMA, SourceKind::ChartFile);
        let text = "replicaCount: 2\nimage:\n  repository: nginx\n";
        let values_file = sources.add("web/values.yaml", text, SourceKind::Values);
        let values = yaml_root(&sources, values_file);
        assert!(
            super::super::check_values(
                &chart("web", Some(schema), Vec::new(), schema),
                &values,
                &sources
            )
            .is_empty()
        );

        let broken = sources.add(
            "bad/values.schema.json",
            "{\n  \"type\": \n}",
            SourceKind::ChartFile,
        );
        let diags = super::super::check_values(
            &chart("bad", Some(broken), Vec::new(), broken),
            &values,
            &sources,
        );
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].rule.id, "values/schema-invalid");
        assert_eq!(
            sources.locate(diags[0].primary.as_ref().unwrap().span).line,
            3
        );

        let wrong = sources.add(
            "wrong/values.schema.json",
            "{\"type\": \"objekt\"}",
            SourceKind::ChartFile,
        );
        let diags = super::super::check_values(
            &chart("wrong", Some(wrong), Vec::new(), wrong),
            &values,
            &sources,
        );
        assert_eq!(diags.len(), 1, "{diags:#?}");
        assert_eq!(diags[0].rule.id, "values/schema-invalid");
    }
}

#[test]
fn custom_resource_metadata_is_object_meta() {
    let cr = "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n  lables:\n    app: w\nspec:\n  size: 3\n";
    let r = run(&format!("{CRD}---\n{cr}"));
    let base = CRD.lines().count() as u32 + 1;
    assert_eq!(
        r.only("schema/unknown-field").message,
        "unknown field \"metadata.lables\""
    );
    assert_eq!(r.lines("schema/unknown-field"), vec![base + 5]);
}

#[test]
fn archived_initializer_configuration_is_removed() {
    let r = run_at(
        37,
        "apiVersion: admissionregistration.k8s.io/v1alpha1\nkind: InitializerConfiguration\nmetadata:\n  name: pvlabel.kubernetes.io\n",
    );
    assert_eq!(
        r.only("schema/removed-api").message,
        "admissionregistration.k8s.io/v1alpha1 InitializerConfiguration is not served by Kubernetes 1.37: removed in 1.14"
    );
}

#[test]
fn a_version_outside_the_embedded_range_uses_the_nearest() {
    run_at(40, DEPLOYMENT).assert_clean();
    run_at(20, DEPLOYMENT).assert_clean();
}

#[test]
fn duplicate_service_ports_are_errors() {
    let svc = "apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports:
    - name: http
      port: 80
    - name: http2
      port: 80
";
    let r = run(svc);
    let d = r.only("schema/duplicate-list-key");
    assert_eq!(d.severity, Severity::Error);
    assert_eq!(
        d.message,
        "spec.ports[1]: Duplicate value: port=80, protocol=TCP"
    );
    assert_eq!(r.lines("schema/duplicate-list-key"), vec![10]);
    run(&svc.replace(
        "      port: 80\n    - name: http2\n      port: 80",
        "      port: 80\n    - name: http2\n      port: 81",
    ))
    .assert_clean();
}

#[test]
fn embedded_resources_allow_type_metadata() {
    let crd = CRD.replace(
        "                extra:\n",
        "                template:\n                  type: object\n                  x-kubernetes-embedded-resource: true\n                  properties:\n                    spec:\n                      type: object\n                      properties:\n                        a:\n                          type: string\n                extra:\n",
    );
    let cr = "apiVersion: example.com/v1
kind: Widget
metadata:
  name: w
spec:
  size: 1
  template:
    apiVersion: v1
    kind: Thing
    metadata:
      name: t
    spec:
      a: x
";
    run(&format!("{crd}---\n{cr}")).assert_clean();
    let r = run(&format!(
        "{crd}---\n{}",
        cr.replace("      a: x", "      b: x")
    ));
    assert_eq!(
        r.only("schema/unknown-field").message,
        "unknown field \"spec.template.spec.b\""
    );
}

/// The value constraints of CRD schemas (`minimum`, `pattern`, `maxItems`, ...) in custom
/// resources: the API server's messages, at the value's line.
mod constraints {
    use super::{Run, run};

    const WIDGET_CRD: &str = concat!(widget_crd_head!(), "              properties:\n");

    /// A Widget CRD whose `spec` has `properties` (indented 16 spaces) and a Widget whose
    /// `spec` is `spec` (indented 2). Also returns the line of the Widget's `spec:`: the first
    /// field of `spec` is on the next line.
    fn widget(properties: &str, spec: &str) -> (Run, u32) {
        let crd = format!("{WIDGET_CRD}{properties}");
        let base = crd.lines().count() as u32 + 6;
        let text = format!(
            "{crd}---\napiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n{spec}"
        );
        (run(&text), base)
    }

    fn messages(r: &Run, rule: &str) -> Vec<String> {
        r.diags
            .iter()
            .filter(|d| d.rule.id == rule)
            .map(|d| d.message.clone())
            .collect()
    }

    const VALUE: &str = "schema/value-constraint";
    const LIST: &str = "schema/list-constraint";

    const NUMBERS: &str = "                replicas:
                  type: integer
                  minimum: 1
                  maximum: 10
                ratio:
                  type: number
                  minimum: 0
                  exclusiveMinimum: true
                  maximum: 1
                  exclusiveMaximum: true
                step:
                  type: number
                  multipleOf: 0.1
                port:
                  type: integer
                  multipleOf: 5
                  maximum: 1000000
";

    #[test]
    fn minimum_inclusive_and_exclusive() {
        let (r, base) = widget(NUMBERS, "  replicas: 0\n  ratio: 0\n");
        assert_eq!(
            messages(&r, VALUE),
            [
                "spec.replicas: Invalid value: 0: spec.replicas in body should be greater than or equal to 1",
                "spec.ratio: Invalid value: 0: spec.ratio in body should be greater than 0",
            ]
        );
        assert_eq!(r.lines(VALUE), [base + 1, base + 2]);
        let d = &r.diags[0];
        let loc = r.sources.locate(d.primary.as_ref().unwrap().span);
        assert_eq!((loc.column, loc.end_column), (13, 14));
        widget(NUMBERS, "  replicas: 1\n  ratio: 0.001\n")
            .0
            .assert_clean();
    }

    #[test]
    fn maximum_inclusive_and_exclusive() {
        let (r, base) = widget(NUMBERS, "  replicas: 11\n  ratio: 1.0\n  port: 1000005\n");
        assert_eq!(
            messages(&r, VALUE),
            [
                "spec.replicas: Invalid value: 11: spec.replicas in body should be less than or equal to 10",
                "spec.ratio: Invalid value: 1: spec.ratio in body should be less than 1",
                "spec.port: Invalid value: 1000005: spec.port in body should be less than or equal to 1e+06",
            ]
        );
        assert_eq!(r.lines(VALUE), [base + 1, base + 2, base + 3]);
        widget(NUMBERS, "  replicas: 10\n  ratio: 0.999\n  port: 1000000\n")
            .0
            .assert_clean();
    }

    #[test]
    fn multiple_of() {
        let (r, base) = widget(NUMBERS, "  step: 0.25\n  port: 81\n");
        assert_eq!(
            messages(&r, VALUE),
            [
                "spec.step: Invalid value: 0.25: spec.step in body should be a multiple of 0.1",
                "spec.port: Invalid value: 81: spec.port in body should be a multiple of 5",
            ]
        );
        assert_eq!(r.lines(VALUE), [base + 1, base + 2]);
        // 0.3 / 0.1 is 2.9999999999999996 in floating point: still a multiple.
        widget(NUMBERS, "  step: 0.3\n  port: 80\n")
            .0
            .assert_clean();
    }

    const STRINGS: &str = "                name:
                  type: string
                  minLength: 3
                  maxLength: 5
                  pattern: '^[a-zé]+$'
                digits:
                  type: string
                  pattern: '^\\d+$'
";

    #[test]
    fn min_length() {
        let (r, base) = widget(STRINGS, "  name: ab\n");
        let d = r.only(VALUE);
        assert_eq!(
            d.message,
            "spec.name: Invalid value: \"ab\": spec.name in body should be at least 3 chars long"
        );
        assert_eq!(r.lines(VALUE), [base + 1]);
        widget(STRINGS, "  name: abc\n").0.assert_clean();
    }

    #[test]
    fn max_length_counts_characters_not_bytes() {
        let (r, base) = widget(STRINGS, "  name: abcdef\n");
        assert_eq!(
            r.only(VALUE).message,
            "spec.name: Too long: may not be longer than 5"
        );
        assert_eq!(r.lines(VALUE), [base + 1]);
        // Five characters, ten bytes.
        widget(STRINGS, "  name: ééééé\n").0.assert_clean();
    }

    #[test]
    fn pattern() {
        let (r, base) = widget(STRINGS, "  name: Abc\n");
        assert_eq!(
            r.only(VALUE).message,
            "spec.name: Invalid value: \"Abc\": spec.name in body should match '^[a-zé]+$'"
        );
        assert_eq!(r.lines(VALUE), [base + 1]);
        widget(STRINGS, "  name: abc\n  digits: \"0123\"\n")
            .0
            .assert_clean();
    }

    #[test]
    fn pattern_perl_classes_are_ascii_as_in_go() {
        // Go's `\d` does not match Arabic-Indic digits.
        let (r, base) = widget(STRINGS, "  digits: \"١٢\"\n");
        assert_eq!(
            r.only(VALUE).message,
            "spec.digits: Invalid value: \"١٢\": spec.digits in body should match '^\\d+$'"
        );
        assert_eq!(r.lines(VALUE), [base + 1]);
    }

    #[test]
    fn a_pattern_that_does_not_compile_checks_nothing() {
        for pattern in ["'^[a-z'", "'(?=lookahead)x'", "'a{99999}{99999}'", "'\\'"] {
            let props = format!(
                "                name:\n                  type: string\n                  pattern: {pattern}\n"
            );
            widget(&props, "  name: anything\n").0.assert_clean();
        }
    }

    #[test]
    fn null_values_are_not_checked() {
        let props = format!(
            "{NUMBERS}{STRINGS}                zones:
                  type: array
                  minItems: 1
                  x-kubernetes-list-type: set
                  items:
                    type: string
                labels:
                  type: object
                  maxProperties: 1
                  minProperties: 1
                  additionalProperties:
                    type: string
"
        );
        widget(
            &props,
            "  replicas: null\n  ratio: ~\n  name: null\n  zones: null\n  labels:\n    a: x\n    b: null\n",
        )
        .0
        .assert_clean();
    }

    #[test]
    fn int_or_string_checks_the_constraints_of_its_value_kind() {
        let props = "                port:
                  x-kubernetes-int-or-string: true
                  maximum: 65535
                  pattern: '^[a-z]+$'
";
        let (r, base) = widget(props, "  port: 70000\n");
        assert_eq!(
            r.only(VALUE).message,
            "spec.port: Invalid value: 70000: spec.port in body should be less than or equal to 65535"
        );
        assert_eq!(r.lines(VALUE), [base + 1]);
        let (r, _) = widget(props, "  port: HTTP\n");
        assert!(r.only(VALUE).message.ends_with("should match '^[a-z]+$'"));
        widget(props, "  port: 8080\n").0.assert_clean();
        widget(props, "  port: http\n").0.assert_clean();
    }

    const LISTS: &str = "                zones:
                  type: array
                  minItems: 1
                  maxItems: 3
                  items:
                    type: string
                primary:
                  type: array
                  maxItems: 1
                  items:
                    type: string
                tags:
                  type: array
                  x-kubernetes-list-type: set
                  items:
                    type: string
                rules:
                  type: array
                  uniqueItems: true
                  items:
                    type: object
                    x-kubernetes-preserve-unknown-fields: true
                labels:
                  type: object
                  minProperties: 1
                  maxProperties: 2
                  additionalProperties:
                    type: string
";

    #[test]
    fn min_items() {
        let (r, base) = widget(LISTS, "  zones: []\n");
        assert_eq!(
            r.only(LIST).message,
            "spec.zones: Invalid value: 0: spec.zones in body should have at least 1 items"
        );
        assert_eq!(r.lines(LIST), [base + 1]);
        widget(LISTS, "  zones: [a]\n").0.assert_clean();
    }

    #[test]
    fn max_items_points_at_the_first_item_too_many() {
        let (r, base) = widget(
            LISTS,
            "  zones:\n    - a\n    - b\n    - c\n    - d\n    - e\n  primary: [a, b]\n",
        );
        assert_eq!(
            messages(&r, LIST),
            [
                "spec.zones: Too many: 5: must have at most 3 items",
                "spec.primary: Too many: 2: must have at most 1 item",
            ]
        );
        assert_eq!(r.lines(LIST), [base + 5, base + 7]);
        widget(
            LISTS,
            "  zones:\n    - a\n    - b\n    - c\n  primary: [a]\n",
        )
        .0
        .assert_clean();
    }

    #[test]
    fn list_type_set_reports_each_repeated_value_once() {
        let (r, base) = widget(
            LISTS,
            "  tags:\n    - a\n    - b\n    - a\n    - a\n    - b\n    - c\n",
        );
        assert_eq!(
            messages(&r, LIST),
            [
                "spec.tags[2]: Duplicate value: \"a\"",
                "spec.tags[4]: Duplicate value: \"b\"",
            ]
        );
        assert_eq!(r.lines(LIST), [base + 4, base + 6]);
        let first = &r.diags[0].secondary[0];
        assert_eq!(r.sources.locate(first.span).line, base + 2);
        widget(LISTS, "  tags: [a, b, c]\n").0.assert_clean();
    }

    #[test]
    fn unique_items_compares_whole_values() {
        let (r, base) = widget(
            LISTS,
            "  rules:\n    - {port: 80, host: a}\n    - {host: a, port: 80.0}\n    - {host: a, port: 81}\n",
        );
        assert_eq!(
            r.only(LIST).message,
            "spec.rules[1]: Duplicate value: {\"host\":\"a\",\"port\":80}"
        );
        assert_eq!(r.lines(LIST), [base + 3]);
        widget(LISTS, "  rules:\n    - {port: 80}\n    - {port: \"80\"}\n")
            .0
            .assert_clean();
    }

    #[test]
    fn min_and_max_properties() {
        let (r, base) = widget(LISTS, "  labels: {}\n");
        assert_eq!(
            r.only(LIST).message,
            "spec.labels: Invalid value: 0: spec.labels in body should have at least 1 properties"
        );
        assert_eq!(r.lines(LIST), [base + 1]);
        // The API server words maxProperties like maxItems.
        let (r, base) = widget(LISTS, "  labels:\n    a: x\n    b: w\n    c: z\n");
        assert_eq!(
            r.only(LIST).message,
            "spec.labels: Too many: 3: must have at most 2 items"
        );
        assert_eq!(r.lines(LIST), [base + 4]);
        widget(LISTS, "  labels:\n    a: x\n    b: w\n")
            .0
            .assert_clean();
    }

    /// controller-gen writes `metadata: {type: object}`: the resource still gets ObjectMeta, and
    /// only the constraints on name and generateName are taken from the schema.
    #[test]
    fn declared_metadata_is_object_meta_with_name_constraints() {
        let crd = WIDGET_CRD.replace(
            "            spec:\n",
            "            metadata:
              type: object
              properties:
                name:
                  type: string
                  maxLength: 8
                  pattern: '^[a-z-]+$'
            spec:\n",
        );
        let cr = "---
apiVersion: example.com/v1
kind: Widget
metadata:
  name: w
  namespace: default
  labels:
    app: w
spec: {}
";
        let props = "                size:\n                  type: integer\n";
        run(&format!("{crd}{props}{cr}")).assert_clean();
        let r = run(&format!(
            "{crd}{props}{}",
            cr.replace("name: w\n", "name: widget-number-1\n")
        ));
        let base = format!("{crd}{props}").lines().count() as u32;
        assert_eq!(
            messages(&r, VALUE),
            [
                "metadata.name: Too long: may not be longer than 8",
                "metadata.name: Invalid value: \"widget-number-1\": metadata.name in body should match '^[a-z-]+$'",
            ]
        );
        assert_eq!(r.lines(VALUE), [base + 5, base + 5]);
        // ObjectMeta is still what validates the rest.
        let r = run(&format!(
            "{crd}{props}{}",
            cr.replace("  labels:", "  lables:")
        ));
        assert_eq!(
            r.only("schema/unknown-field").message,
            "unknown field \"metadata.lables\""
        );
    }

    #[test]
    fn built_in_sets_are_left_to_the_api_server() {
        // ObjectMeta.finalizers is a list-type set; the API server accepts duplicates.
        super::run("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  finalizers: [a, a]\n")
            .assert_clean();
    }
}

/// A CRD schema compiled from its YAML tree is the schema compiled from the tree's JSON form,
/// keys written as numbers or booleans, keys whose JSON forms collide (the later value wins
/// in JSON), floats that are not finite (null in JSON) and merge keys included.
#[test]
fn compile_from_the_tree_is_compile_from_its_json() {
    let text = r##"
type: object
required: ["1", "true", b, c, d]
x-kubernetes-preserve-unknown-fields: false
properties:
  1: {type: string, default: x}
  "true": {type: integer}
  true: {type: boolean, minimum: 3, exclusiveMinimum: true}
  "2": {type: string}
  2: {type: [string, "null", 7], enum: [a, 1, 2.5, null, {k: [v]}]}
  a: {type: number, multipleOf: .nan, maximum: .inf, maxLength: 3.0, minItems: -2}
  b: {type: string, default: .nan, pattern: '\d+\w', x-kubernetes-list-type: set}
  c: {type: string, default: null}
  d: &d {type: array, items: {type: object, additionalProperties: {type: string}}}
  e: {<<: *d, x-kubernetes-list-type: map, x-kubernetes-list-map-keys: [name, 3]}
  f: {type: object, additionalProperties: true, properties: {g: {$ref: "#/definitions/x"}}}
  h: {type: object, additionalProperties: false, minProperties: 1, maxProperties: 2.5}
  i: {type: object, additionalProperties: yes, format: int32}
  ? [k]
  : {type: string}
  ~: {type: integer, uniqueItems: true, format: byte}
  0x1F: {format: int64, minLength: 1e3}
"##;
    let mut sources = SourceMap::default();
    let file = sources.add("schema.yaml", text.to_string(), SourceKind::Manifest);
    let node = yaml_root(&sources, file);
    let resolve = |name: &str| Some(name.len() as u32);
    for structural in [true, false] {
        let from_tree = super::model::Schema::compile(&node, &resolve, structural);
        let from_json = super::model::Schema::compile(&node.to_json(), &resolve, structural);
        assert_eq!(format!("{from_tree:#?}"), format!("{from_json:#?}"));
        assert_eq!(from_tree.properties.len(), 14, "{from_tree:#?}");
    }
}
