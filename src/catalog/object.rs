//! `object/*`: YAML documents that cannot be Kubernetes objects.

use super::example;
use crate::diag::{Rule, Severity};

pub static MISSING_FIELD: Rule = Rule {
    id: "object/missing-field",
    severity: Severity::Error,
    default_enabled: true,
    summary: "A document lacks apiVersion, kind or metadata.name",
    rationale: "The API server identifies every object by apiVersion, kind and name; a document \
                without them is rejected by kubectl before anything is sent.",
    failing: example(
        r#"
kind: ConfigMap
metadata:
  name: settings
"#,
    ),
    passing: example(
        r#"
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
"#,
    ),
};

pub static NOT_AN_OBJECT: Rule = Rule {
    id: "object/not-a-map",
    severity: Severity::Error,
    default_enabled: true,
    summary: "A YAML document is not a map, so it cannot be a Kubernetes object",
    rationale: "A manifest document must be a map with apiVersion, kind and metadata. A list or a \
                bare string at the top level usually means a template emitted text where YAML keys \
                were expected.",
    failing: example(
        r#"
- apiVersion: v1
  kind: ConfigMap
"#,
    ),
    passing: example(
        r#"
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
"#,
    ),
};

pub static LIST_RESOURCE_POLICY: Rule = Rule {
    id: "object/list-resource-policy",
    severity: Severity::Error,
    default_enabled: true,
    summary: "An item of a `kind: List` carries helm.sh/resource-policy",
    rationale: "Helm reads `helm.sh/resource-policy: keep` from the top-level objects of a release only: on an item of a List it is ignored, so `helm uninstall` deletes the object the annotation was meant to keep. `helm lint` fails the chart for it. Write the item as an object of its own.",
    failing: example(
        r#"
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ConfigMap
    metadata:
      name: settings
      annotations:
        helm.sh/resource-policy: keep
"#,
    ),
    passing: example(
        r#"
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  annotations:
    helm.sh/resource-policy: keep
"#,
    ),
};

pub const RULES: &[&Rule] = &[&MISSING_FIELD, &NOT_AN_OBJECT, &LIST_RESOURCE_POLICY];
