//! The rules of the load stage: reading the input (`input/...`) and chart metadata (`chart/...`).

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

pub static INPUT_KUSTOMIZATION: Rule = Rule {
    id: "input/kustomization",
    severity: Severity::Info,
    default_enabled: true,
    summary: "A folder walk found a kustomization, which kforge does not build",
    rationale: "A kustomization.yaml is kustomize's recipe, not a Kubernetes object, and the patches \
                beside it are fragments of objects. What reaches the cluster is what `kustomize build` \
                writes, so that output is what to check; the kustomization itself is skipped.",
    failing: "kforge lint overlays/prod   # holds kustomization.yaml",
    passing: "kustomize build overlays/prod | kforge lint -",
};

pub static MISSING_CHART_YAML: Rule = Rule {
    id: "chart/missing-chart-yaml",
    severity: Severity::Error,
    default_enabled: true,
    summary: "A chart archive or a folder under charts/ has no Chart.yaml",
    rationale: "Helm refuses to load a chart without Chart.yaml (`Chart.yaml file is missing`), so installing it fails.",
    failing: "charts/redis/values.yaml   # but no charts/redis/Chart.yaml",
    passing: "charts/redis/Chart.yaml\ncharts/redis/values.yaml",
};

pub static INVALID_CHART_YAML: Rule = Rule {
    id: "chart/invalid-chart-yaml",
    severity: Severity::Error,
    default_enabled: true,
    summary: "Chart.yaml is not a YAML map",
    rationale: "Helm reads Chart.yaml into its chart metadata; anything but a map of fields fails to load.",
    failing: "- name: web\n- version: 1.0.0\n",
    passing: "apiVersion: v2\nname: web\nversion: 1.0.0\n",
};

pub static MISSING_FIELD: Rule = Rule {
    id: "chart/missing-field",
    severity: Severity::Error,
    default_enabled: true,
    summary: "Chart.yaml lacks a required field (apiVersion, name or version)",
    rationale: "Helm rejects the chart: `chart.metadata.name is required`, `chart.metadata.version is required`, `chart.metadata.apiVersion is required`.",
    failing: "apiVersion: v2\nname: web\n",
    passing: "apiVersion: v2\nname: web\nversion: 1.0.0\n",
};

pub static INVALID_VERSION: Rule = Rule {
    id: "chart/invalid-version",
    severity: Severity::Error,
    default_enabled: true,
    summary: "The chart version is not a SemVer 2 version",
    rationale: "Helm, chart repositories and dependency resolution order charts by SemVer 2; a version Helm cannot parse makes install and packaging fail.",
    failing: "apiVersion: v2\nname: web\nversion: one\n",
    passing: "apiVersion: v2\nname: web\nversion: 1.0.0\n",
};

pub static INVALID_API_VERSION: Rule = Rule {
    id: "chart/invalid-api-version",
    severity: Severity::Error,
    default_enabled: true,
    summary: "Chart.yaml apiVersion is neither v1 nor v2",
    rationale: "Helm 3 loads charts of apiVersion v1 (Helm 2 era) and v2 only and refuses any other.",
    failing: "apiVersion: v3\nname: web\nversion: 1.0.0\n",
    passing: "apiVersion: v2\nname: web\nversion: 1.0.0\n",
};

pub static INVALID_TYPE: Rule = Rule {
    id: "chart/invalid-type",
    severity: Severity::Error,
    default_enabled: true,
    summary: "Chart type is neither application nor library",
    rationale: "Helm rejects the chart: `chart.metadata.type must be application or library`.",
    failing: "apiVersion: v2\nname: web\nversion: 1.0.0\ntype: app\n",
    passing: "apiVersion: v2\nname: web\nversion: 1.0.0\ntype: application\n",
};

pub static INVALID_NAME: Rule = Rule {
    id: "chart/invalid-name",
    severity: Severity::Error,
    default_enabled: true,
    summary: "The chart name is not a valid chart name",
    rationale: "Helm rejects names that are paths (`.`, `..`, anything with `/`). Names outside lower-case letters, digits and dashes load, but break repository indexes, OCI references and the `<name>-<version>.tgz` file name convention (a warning).",
    failing: "apiVersion: v2\nname: ../web\nversion: 1.0.0\n",
    passing: "apiVersion: v2\nname: web\nversion: 1.0.0\n",
};

pub static INVALID_FIELD: Rule = Rule {
    id: "chart/invalid-field",
    severity: Severity::Error,
    default_enabled: true,
    summary: "A Chart.yaml field has the wrong type",
    rationale: "Helm decodes Chart.yaml into typed fields: a list where a string belongs fails to load, and an unquoted number such as `version: 1.10` is read as 1.1.",
    failing: "apiVersion: v2\nname: web\nversion: 1.0.0\nkeywords: web\n",
    passing: "apiVersion: v2\nname: web\nversion: 1.0.0\nkeywords: [web]\n",
};

pub static UNKNOWN_FIELD: Rule = Rule {
    id: "chart/unknown-field",
    severity: Severity::Warning,
    default_enabled: true,
    summary: "Chart.yaml has a field Helm does not know",
    rationale: "Helm ignores unknown Chart.yaml fields silently, so a misspelt field (`appversion`, `dependancies`) has no effect.",
    failing: "apiVersion: v2\nname: web\nversion: 1.0.0\nappversion: 2.0.0\n",
    passing: "apiVersion: v2\nname: web\nversion: 1.0.0\nappVersion: 2.0.0\n",
};

pub static KUBE_VERSION: Rule = Rule {
    id: "chart/kube-version",
    severity: Severity::Error,
    default_enabled: true,
    summary: "The chart's kubeVersion constraint excludes the target Kubernetes version",
    rationale: "Helm refuses to install or template the chart: `chart requires kubeVersion: ... which is incompatible with Kubernetes ...`.",
    failing: "apiVersion: v2\nname: web\nversion: 1.0.0\nkubeVersion: \"<1.20.0\"\n",
    passing: "apiVersion: v2\nname: web\nversion: 1.0.0\nkubeVersion: \">=1.25.0-0\"\n",
};

pub static INVALID_KUBE_VERSION: Rule = Rule {
    id: "chart/invalid-kube-version",
    severity: Severity::Error,
    default_enabled: true,
    summary: "The chart's kubeVersion is not a valid version constraint",
    rationale: "Helm cannot parse the constraint and refuses to install the chart.",
    failing: "apiVersion: v2\nname: web\nversion: 1.0.0\nkubeVersion: \"at least 1.25\"\n",
    passing: "apiVersion: v2\nname: web\nversion: 1.0.0\nkubeVersion: \">=1.25.0-0\"\n",
};

pub static INVALID_DEPENDENCY: Rule = Rule {
    id: "chart/invalid-dependency",
    severity: Severity::Error,
    default_enabled: true,
    summary: "A Chart.yaml dependency is malformed (no name, bad alias, or a name used twice)",
    rationale: "Helm rejects the chart: aliases must match `^[a-zA-Z0-9_-]+$` and no two dependencies may share a name or alias.",
    failing: "dependencies:\n  - name: redis\n  - name: redis\n",
    passing: "dependencies:\n  - name: redis\n  - name: redis\n    alias: cache\n",
};

pub static MISSING_DEPENDENCY: Rule = Rule {
    id: "chart/missing-dependency",
    severity: Severity::Warning,
    default_enabled: true,
    summary: "A Chart.yaml dependency is not present in charts/",
    rationale: "Helm refuses to install a chart whose dependencies are missing from charts/; `helm dependency build` fetches them, which may happen outside this run, so kforge warns and checks the chart without it.",
    failing: "dependencies:\n  - name: redis\n    version: 18.x\n    repository: oci://registry-1.docker.io/bitnamicharts\n# charts/ is empty",
    passing: "dependencies:\n  - name: redis\n    version: 18.x\n    repository: oci://registry-1.docker.io/bitnamicharts\n# charts/redis-18.1.0.tgz present",
};

pub static NO_TEMPLATES: Rule = Rule {
    id: "chart/no-templates",
    severity: Severity::Error,
    default_enabled: true,
    summary: "An application chart has no templates that render and no subcharts",
    rationale: "Installing it creates nothing; usually the templates/ folder is missing or misnamed (`template/`), or the chart holds only partials (`_helpers.tpl`) and should be `type: library`.",
    failing: "web/Chart.yaml\nweb/template/deployment.yaml",
    passing: "web/Chart.yaml\nweb/templates/deployment.yaml",
};

pub static DEPRECATED: Rule = Rule {
    id: "chart/deprecated",
    severity: Severity::Warning,
    default_enabled: true,
    summary: "The chart is marked deprecated",
    rationale: "Helm prints `WARNING: This chart is deprecated` on install: a deprecated chart gets no fixes, and its Chart.yaml description usually names the replacement.",
    failing: "apiVersion: v2\nname: web\nversion: 1.0.0\ndeprecated: true\n",
    passing: "apiVersion: v2\nname: web\nversion: 1.0.0\n",
};
