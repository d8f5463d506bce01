//! `input/*`: reading what the command line names (paths, files, stdin).

use crate::diag::{Rule, Severity};

pub static INPUT_NOT_FOUND: Rule = Rule {
    id: "input/not-found",
    severity: Severity::Fatal,
    default_enabled: true,
    summary: "The path given on the command line does not exist",
    rationale: "kforge cannot check what it cannot read; a typo in the path would otherwise look like a clean run.",
    failing: "kforge lint ./chrat",
    passing: "kforge lint ./chart",
};

pub static INPUT_UNREADABLE: Rule = Rule {
    id: "input/unreadable",
    severity: Severity::Fatal,
    default_enabled: true,
    summary: "A file or directory of the input could not be read",
    rationale: "Permissions, a broken archive or a file larger than the limit keep kforge from reading the input; nothing in it would be checked.",
    failing: "kforge lint ./secret-dir   # mode 000",
    passing: "kforge lint ./chart",
};

pub static INPUT_EMPTY: Rule = Rule {
    id: "input/empty",
    severity: Severity::Fatal,
    default_enabled: true,
    summary: "The input holds nothing kforge can check",
    rationale: "A directory without Chart.yaml and without any .yaml, .yml or .json file has nothing to lint; passing it silently would hide a wrong path.",
    failing: "kforge lint ./docs   # only README.md inside",
    passing: "kforge lint ./manifests   # deployment.yaml inside",
};

pub static INPUT_NOT_TEXT: Rule = Rule {
    id: "input/not-text",
    severity: Severity::Error,
    default_enabled: true,
    summary: "A manifest, template or chart file is not UTF-8 text",
    rationale: "Kubernetes manifests and Helm templates are UTF-8 text; a binary or wrongly encoded file cannot be parsed and is skipped.",
    failing: "templates/logo.yaml   # a PNG renamed to .yaml",
    passing: "templates/deployment.yaml   # UTF-8 YAML",
};

pub static INPUT_CHART_TEMPLATE: Rule = Rule {
    id: "input/chart-template",
    severity: Severity::Fatal,
    default_enabled: true,
    summary: "A chart's template was given as a manifest",
    rationale: "A file under a chart's templates/ is only YAML after rendering with the chart's values; read as a manifest its `{{ }}` expressions are YAML errors that say nothing about the chart.",
    failing: "kforge lint charts-examples/nginx/templates/deployment.yaml",
    passing: "kforge lint charts-examples/nginx",
};

pub const RULES: &[&Rule] = &[
    &INPUT_NOT_FOUND,
    &INPUT_UNREADABLE,
    &INPUT_EMPTY,
    &INPUT_NOT_TEXT,
    &INPUT_CHART_TEMPLATE,
];
