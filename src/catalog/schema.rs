//! `schema/*`: objects checked against the Kubernetes version's schemas and the run's CRDs.

use super::example;
use crate::diag::{Rule, Severity};

/// A complete example for the CRD rules: a Widget CRD whose `spec` has `$properties` (each
/// indented 16 spaces), then a Widget whose `spec` is `$spec` (indented 2).
macro_rules! widget_example {
    ($properties:expr, $spec:expr) => {
        concat!(
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
              properties:
",
            $properties,
            "---
apiVersion: example.com/v1
kind: Widget
metadata:
  name: w
spec:
",
            $spec
        )
    };
}

macro_rules! value_constraint_properties {
    () => {
        "                replicas:
                  type: integer
                  minimum: 1
                  maximum: 10
                size:
                  type: string
                  pattern: '^[0-9]+(Mi|Gi)$'
"
    };
}

macro_rules! list_constraint_properties {
    () => {
        "                zones:
                  type: array
                  maxItems: 3
                  x-kubernetes-list-type: set
                  items:
                    type: string
"
    };
}

pub static UNKNOWN_FIELD: Rule = Rule {
    id: "schema/unknown-field",
    severity: Severity::Error,
    default_enabled: true,
    summary: "A field that the object's schema does not define",
    rationale: "kubectl and the API server decode strictly: an unknown field fails the apply with \
                `strict decoding error: unknown field`, and with lax decoding the value is silently \
                dropped, so a typo such as `replica` leaves the setting at its default.",
    failing: example(
        r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replica: 2
"#,
    ),
    passing: example(
        r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
"#,
    ),
};

pub static TYPE: Rule = Rule {
    id: "schema/type",
    severity: Severity::Error,
    default_enabled: true,
    summary: "A value of the wrong type for its field",
    rationale: "The API server cannot decode a value of the wrong type (`json: cannot unmarshal \
                number into Go struct field … of type string`). YAML makes this easy: `yes`, `on` \
                and `1.0` are not strings unless quoted.",
    failing: example(
        r#"
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  retries: 3
"#,
    ),
    passing: example(
        r#"
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  retries: "3"
"#,
    ),
};

pub static REQUIRED: Rule = Rule {
    id: "schema/required",
    severity: Severity::Error,
    default_enabled: true,
    summary: "A required field is missing",
    rationale: "The API server rejects the object with `Required value`.",
    failing: example(
        r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template: {}
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
    matchLabels: {app: web}
  template: {}
"#,
    ),
};

pub static ENUM: Rule = Rule {
    id: "schema/enum",
    severity: Severity::Error,
    default_enabled: true,
    summary: "A value outside the field's supported values",
    rationale: "The API server rejects the object with `Unsupported value`.",
    failing: example(
        r#"
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: LoadBalancr
  ports:
    - port: 80
"#,
    ),
    passing: example(
        r#"
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: LoadBalancer
  ports:
    - port: 80
"#,
    ),
};

pub static RANGE: Rule = Rule {
    id: "schema/range",
    severity: Severity::Error,
    default_enabled: true,
    summary: "An integer outside the range of its int32 field",
    rationale: "The API server cannot decode a number that does not fit the field's integer type.",
    failing: example(
        r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3000000000
"#,
    ),
    passing: example(
        r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
"#,
    ),
};

pub static BASE64: Rule = Rule {
    id: "schema/base64",
    severity: Severity::Error,
    default_enabled: true,
    summary: "A byte field (Secret data, binaryData) that is not valid base64",
    rationale: "Secret `data` values are base64; plain text fails to decode (`illegal base64 data`). \
                Put plain text in `stringData` instead.",
    failing: example(
        r#"
apiVersion: v1
kind: Secret
metadata:
  name: creds
data:
  password: hunter2!
"#,
    ),
    passing: example(
        r#"
apiVersion: v1
kind: Secret
metadata:
  name: creds
stringData:
  password: hunter2!
"#,
    ),
};

pub static QUANTITY: Rule = Rule {
    id: "schema/quantity",
    severity: Severity::Error,
    default_enabled: true,
    summary: "A resource quantity that does not parse",
    rationale: "Quantities must match `^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$` with a known \
                suffix; `512mb` or `1GB` fail to decode and the apply is rejected.",
    failing: example(
        r#"
apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
    - name: app
      image: nginx
      resources:
        limits:
          memory: 512mb
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
    - name: app
      image: nginx
      resources:
        limits:
          memory: 512Mi
"#,
    ),
};

pub static DUPLICATE_LIST_KEY: Rule = Rule {
    id: "schema/duplicate-list-key",
    severity: Severity::Error,
    default_enabled: true,
    summary: "Two items of a keyed list (containers, ports, env) with the same key",
    rationale: "Lists declared `x-kubernetes-list-type: map` are merged by key; the API server \
                rejects duplicates (`Duplicate value`) and server-side apply cannot merge them.",
    failing: example(
        r#"
apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
    - name: app
      image: a
    - name: app
      image: b
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
    - name: app
      image: a
    - name: sidecar
      image: b
"#,
    ),
};

pub static VALUE_CONSTRAINT: Rule = Rule {
    id: "schema/value-constraint",
    severity: Severity::Error,
    default_enabled: true,
    summary: "A custom resource value outside its CRD's minimum, maximum, multipleOf, length or pattern",
    rationale: "The API server validates custom resources against the CRD's openAPIV3Schema and \
                rejects a number outside `minimum`/`maximum` or not a `multipleOf`, and a string \
                shorter than `minLength`, longer than `maxLength` (counted in characters) or not \
                matching `pattern` (`Invalid value: … in body should …`).",
    failing: widget_example!(
        value_constraint_properties!(),
        "  replicas: 0\n  size: 10GB\n"
    ),
    passing: widget_example!(
        value_constraint_properties!(),
        "  replicas: 1\n  size: 10Gi\n"
    ),
};

pub static LIST_CONSTRAINT: Rule = Rule {
    id: "schema/list-constraint",
    severity: Severity::Error,
    default_enabled: true,
    summary: "A custom resource list or map with too few or too many entries, or a repeated item of a set",
    rationale: "The API server rejects a list outside the CRD's `minItems`/`maxItems`, a map \
                outside `minProperties`/`maxProperties` (`Too many`, `should have at least`), and \
                a repeated item of a list declared `x-kubernetes-list-type: set` (`Duplicate \
                value`).",
    failing: widget_example!(list_constraint_properties!(), "  zones: [a, b, a]\n"),
    passing: widget_example!(list_constraint_properties!(), "  zones: [a, b, c]\n"),
};

pub static REMOVED_API: Rule = Rule {
    id: "schema/removed-api",
    severity: Severity::Error,
    default_enabled: true,
    summary: "An apiVersion that the target Kubernetes version no longer serves",
    rationale: "The API server answers `no matches for kind … in version …`: the object cannot be \
                created at all. Move to the replacement version and adapt the fields that changed.",
    failing: example(
        r#"
apiVersion: batch/v1beta1
kind: CronJob
metadata:
  name: nightly
"#,
    ),
    passing: example(
        r#"
apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly
"#,
    ),
};

pub static DEPRECATED_API: Rule = Rule {
    id: "schema/deprecated-api",
    severity: Severity::Warning,
    default_enabled: true,
    summary: "An apiVersion that is still served but removed in a later Kubernetes version",
    rationale: "The manifest works today and breaks on upgrade; migrating early is cheaper.",
    failing: example(
        r#"
apiVersion: autoscaling/v2beta2
kind: HorizontalPodAutoscaler
metadata:
  name: web
"#,
    ),
    passing: example(
        r#"
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
"#,
    ),
};

pub static UNKNOWN_KIND: Rule = Rule {
    id: "schema/unknown-kind",
    severity: Severity::Warning,
    default_enabled: true,
    summary: "A kind that neither the Kubernetes version nor any CRD defines",
    rationale: "Nothing can validate the object and the API server will answer `no matches for \
                kind`. Often a typo in kind or apiVersion. An error with --strict.",
    failing: example(
        r#"
apiVersion: apps/v1
kind: Deploymnet
metadata:
  name: web
"#,
    ),
    passing: example(
        r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
"#,
    ),
};

pub static MISSING_CRD: Rule = Rule {
    id: "schema/missing-crd",
    severity: Severity::Warning,
    default_enabled: true,
    summary: "A custom resource whose CustomResourceDefinition is not in the run",
    rationale: "The CRD may be installed separately (an operator chart, `--crd`), so this is not \
                certain to fail; but without it the resource cannot be validated, and the apply \
                fails if the CRD is absent from the cluster.",
    failing: example(
        r#"
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: web
"#,
    ),
    passing: example(
        r#"
apiVersion: v1
kind: ConfigMap
metadata:
  name: web
"#,
    ),
};

pub const RULES: &[&Rule] = &[
    &UNKNOWN_FIELD,
    &TYPE,
    &REQUIRED,
    &ENUM,
    &RANGE,
    &BASE64,
    &QUANTITY,
    &DUPLICATE_LIST_KEY,
    &VALUE_CONSTRAINT,
    &LIST_CONSTRAINT,
    &REMOVED_API,
    &DEPRECATED_API,
    &UNKNOWN_KIND,
    &MISSING_CRD,
];
