//! `values/*`: values files, `--set` expressions and the chart's values.schema.json.

use super::example;
use crate::diag::{Rule, Severity};

pub static SET_SYNTAX: Rule = Rule {
    id: "values/set-syntax",
    severity: Severity::Fatal,
    default_enabled: true,
    summary: "A --set, --set-string, --set-json or --set-file expression is malformed",
    rationale: "Helm refuses to run with a malformed expression (`failed parsing --set data`); kforge shows where the expression goes wrong.",
    failing: "--set image.tag",
    passing: "--set image.tag=1.2.3",
};

pub static SET_CONFLICT: Rule = Rule {
    id: "values/set-conflict",
    severity: Severity::Fatal,
    default_enabled: true,
    summary: "A --set path goes through a value that is not a map or list",
    rationale: "Helm stops with `unable to parse key` when `--set a.b=1` meets an `a` that is already a string or number.",
    failing: "--set image=nginx --set image.tag=1.2",
    passing: "--set image.repository=nginx --set image.tag=1.2",
};

pub static FILE_UNREADABLE: Rule = Rule {
    id: "values/file-unreadable",
    severity: Severity::Fatal,
    default_enabled: true,
    summary: "A values file given with -f or --set-file cannot be read",
    rationale: "Helm stops when a values file is missing; rendering without it would check other values than the ones deployed.",
    failing: "-f values-prod.yml   # the file is values-prod.yaml",
    passing: "-f values-prod.yaml",
};

pub static NOT_A_MAP: Rule = Rule {
    id: "values/not-a-map",
    severity: Severity::Fatal,
    default_enabled: true,
    summary: "A values file is not a YAML map",
    rationale: "Helm reads values files into a map of names to values; a list or a scalar at the top fails to load.",
    failing: "- replicas: 2\n",
    passing: "replicas: 2\n",
};

pub static VALUES_SCHEMA: Rule = Rule {
    id: "values/schema",
    severity: Severity::Error,
    default_enabled: true,
    summary: "Values that do not satisfy the chart's values.schema.json",
    rationale: "Helm refuses to install or template a chart whose values fail its schema.",
    failing: example(
        r#"
# values.schema.json requires replicaCount to be an integer
replicaCount: two
"#,
    ),
    passing: example(
        r#"
# values.schema.json requires replicaCount to be an integer
replicaCount: 2
"#,
    ),
};

pub static VALUES_SCHEMA_INVALID: Rule = Rule {
    id: "values/schema-invalid",
    severity: Severity::Error,
    default_enabled: true,
    summary: "A values.schema.json that is not valid JSON or not a valid JSON Schema",
    rationale: "Helm fails on every install when the chart's schema itself cannot be loaded.",
    failing: "{\"type\": \"objekt\"}\n",
    passing: "{\"type\": \"object\"}\n",
};

pub static UNKNOWN_KEY: Rule = Rule {
    id: "values/unknown-key",
    severity: Severity::Error,
    default_enabled: true,
    summary: "A key set with -f or --set that the chart neither defines nor reads",
    rationale: "Helm ignores values nothing reads: `replicaCont: 3` in prod.yaml or `--set image.tga=1.2` \
                deploys the default without a word. kforge records which values the templates read; a key \
                that no template read and that neither the chart's values.yaml (any chart level) nor its \
                values.schema.json defines is a typo or a setting of another chart. Keys under a map whose \
                default is empty (`podAnnotations: {}`) are free-form and never unknown.",
    failing: example(
        r#"
# -f prod.yaml, for a chart whose values.yaml has replicaCount
replicaCont: 3
"#,
    ),
    passing: example(
        r#"
# -f prod.yaml, for a chart whose values.yaml has replicaCount
replicaCount: 3
"#,
    ),
};

pub static NO_EFFECT: Rule = Rule {
    id: "values/no-effect",
    severity: Severity::Warning,
    default_enabled: true,
    summary: "A key set with -f or --set that the chart defines but this render did not read",
    rationale: "A setting the chart knows but that no template read in this configuration changes nothing: \
                usually the feature it belongs to is switched off (`metrics.interval` while \
                `metrics.enabled` is false) or its subchart is disabled. The user believes they configured \
                something that is not deployed. An error with --strict.",
    failing: example(
        r#"
# -f prod.yaml; the chart reads metrics.interval only under `if .Values.metrics.enabled`
metrics:
  interval: 10s
"#,
    ),
    passing: example(
        r#"
# -f prod.yaml; the chart reads metrics.interval only under `if .Values.metrics.enabled`
metrics:
  enabled: true
  interval: 10s
"#,
    ),
};

pub const RULES: &[&Rule] = &[
    &SET_SYNTAX,
    &SET_CONFLICT,
    &FILE_UNREADABLE,
    &NOT_A_MAP,
    &VALUES_SCHEMA,
    &VALUES_SCHEMA_INVALID,
    &UNKNOWN_KEY,
    &NO_EFFECT,
];
