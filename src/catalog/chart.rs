//! `chart/*`: a chart's metadata (Chart.yaml), its dependencies and its templates folder.

use super::example;
use crate::diag::{Rule, Severity};

pub static MISSING_CHART_YAML: Rule = Rule {
    id: "chart/missing-chart-yaml",
    severity: Severity::Error,
    default_enabled: true,
    summary: "A chart archive or a folder under charts/ has no Chart.yaml",
    rationale: "Helm refuses to load a chart without Chart.yaml (`Chart.yaml file is missing`), so installing it fails.",
    failing: "charts/redis/values.yaml   # but no charts/redis/Chart.yaml",
    passing: example(
        r#"
charts/redis/Chart.yaml
charts/redis/values.yaml"#,
    ),
};

pub static INVALID_CHART_YAML: Rule = Rule {
    id: "chart/invalid-chart-yaml",
    severity: Severity::Error,
    default_enabled: true,
    summary: "Chart.yaml is not a YAML map",
    rationale: "Helm reads Chart.yaml into its chart metadata; anything but a map of fields fails to load.",
    failing: example(
        r#"
- name: web
- version: 1.0.0
"#,
    ),
    passing: example(
        r#"
apiVersion: v2
name: web
version: 1.0.0
"#,
    ),
};

pub static MISSING_FIELD: Rule = Rule {
    id: "chart/missing-field",
    severity: Severity::Error,
    default_enabled: true,
    summary: "Chart.yaml lacks a required field (apiVersion, name or version)",
    rationale: "Helm rejects the chart: `chart.metadata.name is required`, `chart.metadata.version is required`, `chart.metadata.apiVersion is required`.",
    failing: example(
        r#"
apiVersion: v2
name: web
"#,
    ),
    passing: example(
        r#"
apiVersion: v2
name: web
version: 1.0.0
"#,
    ),
};

pub static INVALID_VERSION: Rule = Rule {
    id: "chart/invalid-version",
    severity: Severity::Error,
    default_enabled: true,
    summary: "The chart version is not a SemVer 2 version",
    rationale: "Helm, chart repositories and dependency resolution order charts by SemVer 2; a version Helm cannot parse makes install and packaging fail.",
    failing: example(
        r#"
apiVersion: v2
name: web
version: one
"#,
    ),
    passing: example(
        r#"
apiVersion: v2
name: web
version: 1.0.0
"#,
    ),
};

pub static INVALID_API_VERSION: Rule = Rule {
    id: "chart/invalid-api-version",
    severity: Severity::Error,
    default_enabled: true,
    summary: "Chart.yaml apiVersion is neither v1 nor v2",
    rationale: "Helm 3 loads charts of apiVersion v1 (Helm 2 era) and v2 only and refuses any other.",
    failing: example(
        r#"
apiVersion: v3
name: web
version: 1.0.0
"#,
    ),
    passing: example(
        r#"
apiVersion: v2
name: web
version: 1.0.0
"#,
    ),
};

pub static INVALID_TYPE: Rule = Rule {
    id: "chart/invalid-type",
    severity: Severity::Error,
    default_enabled: true,
    summary: "Chart type is neither application nor library",
    rationale: "Helm rejects the chart: `chart.metadata.type must be application or library`.",
    failing: example(
        r#"
apiVersion: v2
name: web
version: 1.0.0
type: app
"#,
    ),
    passing: example(
        r#"
apiVersion: v2
name: web
version: 1.0.0
type: application
"#,
    ),
};

pub static INVALID_NAME: Rule = Rule {
    id: "chart/invalid-name",
    severity: Severity::Error,
    default_enabled: true,
    summary: "The chart name is not a valid chart name",
    rationale: "Helm rejects names that are paths (`.`, `..`, anything with `/`). Names outside lower-case letters, digits and dashes load, but break repository indexes, OCI references and the `<name>-<version>.tgz` file name convention (a warning).",
    failing: example(
        r#"
apiVersion: v2
name: ../web
version: 1.0.0
"#,
    ),
    passing: example(
        r#"
apiVersion: v2
name: web
version: 1.0.0
"#,
    ),
};

pub static INVALID_FIELD: Rule = Rule {
    id: "chart/invalid-field",
    severity: Severity::Error,
    default_enabled: true,
    summary: "A Chart.yaml field has the wrong type",
    rationale: "Helm decodes Chart.yaml into typed fields: a list where a string belongs fails to load, and an unquoted number such as `version: 1.10` is read as 1.1.",
    failing: example(
        r#"
apiVersion: v2
name: web
version: 1.0.0
keywords: web
"#,
    ),
    passing: example(
        r#"
apiVersion: v2
name: web
version: 1.0.0
keywords: [web]
"#,
    ),
};

pub static UNKNOWN_FIELD: Rule = Rule {
    id: "chart/unknown-field",
    severity: Severity::Warning,
    default_enabled: true,
    summary: "Chart.yaml has a field Helm does not know",
    rationale: "Helm ignores unknown Chart.yaml fields silently, so a misspelt field (`appversion`, `dependancies`) has no effect.",
    failing: example(
        r#"
apiVersion: v2
name: web
version: 1.0.0
appversion: 2.0.0
"#,
    ),
    passing: example(
        r#"
apiVersion: v2
name: web
version: 1.0.0
appVersion: 2.0.0
"#,
    ),
};

pub static KUBE_VERSION: Rule = Rule {
    id: "chart/kube-version",
    severity: Severity::Error,
    default_enabled: true,
    summary: "The chart's kubeVersion constraint excludes the target Kubernetes version",
    rationale: "Helm refuses to install or template the chart: `chart requires kubeVersion: ... which is incompatible with Kubernetes ...`.",
    failing: example(
        r#"
apiVersion: v2
name: web
version: 1.0.0
kubeVersion: "<1.20.0"
"#,
    ),
    passing: example(
        r#"
apiVersion: v2
name: web
version: 1.0.0
kubeVersion: ">=1.25.0-0"
"#,
    ),
};

pub static INVALID_KUBE_VERSION: Rule = Rule {
    id: "chart/invalid-kube-version",
    severity: Severity::Error,
    default_enabled: true,
    summary: "The chart's kubeVersion is not a valid version constraint",
    rationale: "Helm cannot parse the constraint and refuses to install the chart.",
    failing: example(
        r#"
apiVersion: v2
name: web
version: 1.0.0
kubeVersion: "at least 1.25"
"#,
    ),
    passing: example(
        r#"
apiVersion: v2
name: web
version: 1.0.0
kubeVersion: ">=1.25.0-0"
"#,
    ),
};

pub static INVALID_DEPENDENCY: Rule = Rule {
    id: "chart/invalid-dependency",
    severity: Severity::Error,
    default_enabled: true,
    summary: "A Chart.yaml dependency is malformed (no name, bad alias, or a name used twice)",
    rationale: "Helm rejects the chart: aliases must match `^[a-zA-Z0-9_-]+$` and no two dependencies may share a name or alias.",
    failing: example(
        r#"
dependencies:
  - name: redis
  - name: redis
"#,
    ),
    passing: example(
        r#"
dependencies:
  - name: redis
  - name: redis
    alias: cache
"#,
    ),
};

pub static MISSING_DEPENDENCY: Rule = Rule {
    id: "chart/missing-dependency",
    severity: Severity::Warning,
    default_enabled: true,
    summary: "A Chart.yaml dependency is not present in charts/",
    rationale: "Helm refuses to install a chart whose dependencies are missing from charts/; `helm dependency build` fetches them, which may happen outside this run, so kforge warns and checks the chart without it.",
    failing: example(
        r#"
dependencies:
  - name: redis
    version: 18.x
    repository: oci://registry-1.docker.io/bitnamicharts
# charts/ is empty"#,
    ),
    passing: example(
        r#"
dependencies:
  - name: redis
    version: 18.x
    repository: oci://registry-1.docker.io/bitnamicharts
# charts/redis-18.1.0.tgz present"#,
    ),
};

pub static LOCK_OUT_OF_SYNC: Rule = Rule {
    id: "chart/lock-out-of-sync",
    severity: Severity::Warning,
    default_enabled: true,
    summary: "Chart.lock does not match the dependencies in Chart.yaml",
    rationale: "The lock's digest is Helm's hash of Chart.yaml's dependencies and the locked ones; when a dependency was added, removed or changed without `helm dependency update`, `helm dependency build` refuses the lock (`the lock file (Chart.lock) is out of sync with the dependencies file`), so a pipeline that vendors from the lock fails, and what is vendored may not be what Chart.yaml asks for.",
    failing: example(
        r#"
# file: Chart.yaml
apiVersion: v2
name: web
version: 1.0.0
dependencies:
  - name: common
    version: 2.31.x   # was 2.x.x when the lock was written
    repository: oci://registry-1.docker.io/bitnamicharts
# file: Chart.lock
dependencies:
- name: common
  repository: oci://registry-1.docker.io/bitnamicharts
  version: 2.31.4
digest: sha256:2d3ac560b149aaf583ce2c70b6bbd15f35da59a8e5c23d6a240df3534ea5f39b
generated: "2025-08-13T18:17:23.415861424Z"
# file: charts/common/Chart.yaml
apiVersion: v2
name: common
version: 2.31.4
type: library
"#,
    ),
    passing: example(
        r#"
# file: Chart.yaml
apiVersion: v2
name: web
version: 1.0.0
dependencies:
  - name: common
    version: 2.x.x
    repository: oci://registry-1.docker.io/bitnamicharts
# file: Chart.lock
dependencies:
- name: common
  repository: oci://registry-1.docker.io/bitnamicharts
  version: 2.31.4
digest: sha256:2d3ac560b149aaf583ce2c70b6bbd15f35da59a8e5c23d6a240df3534ea5f39b
generated: "2025-08-13T18:17:23.415861424Z"
# file: charts/common/Chart.yaml
apiVersion: v2
name: common
version: 2.31.4
type: library
"#,
    ),
};

pub static LOCK_VERSION_MISMATCH: Rule = Rule {
    id: "chart/lock-version-mismatch",
    severity: Severity::Warning,
    default_enabled: true,
    summary: "A chart vendored in charts/ is not the version Chart.lock pins",
    rationale: "Helm renders whatever charts/ holds, but `helm dependency build` would replace it with the locked version: the chart checked here is not the one a clean build installs, and the lock or charts/ is stale.",
    failing: example(
        r#"
# file: Chart.yaml
apiVersion: v2
name: web
version: 1.0.0
dependencies:
  - name: common
    version: 2.x.x
    repository: oci://registry-1.docker.io/bitnamicharts
# file: Chart.lock
dependencies:
- name: common
  repository: oci://registry-1.docker.io/bitnamicharts
  version: 2.31.4
digest: sha256:2d3ac560b149aaf583ce2c70b6bbd15f35da59a8e5c23d6a240df3534ea5f39b
generated: "2025-08-13T18:17:23.415861424Z"
# file: charts/common/Chart.yaml
apiVersion: v2
name: common
version: 2.30.0
type: library
"#,
    ),
    passing: example(
        r#"
# file: Chart.yaml
apiVersion: v2
name: web
version: 1.0.0
dependencies:
  - name: common
    version: 2.x.x
    repository: oci://registry-1.docker.io/bitnamicharts
# file: Chart.lock
dependencies:
- name: common
  repository: oci://registry-1.docker.io/bitnamicharts
  version: 2.31.4
digest: sha256:2d3ac560b149aaf583ce2c70b6bbd15f35da59a8e5c23d6a240df3534ea5f39b
generated: "2025-08-13T18:17:23.415861424Z"
# file: charts/common/Chart.yaml
apiVersion: v2
name: common
version: 2.31.4
type: library
"#,
    ),
};

pub static UNDECLARED_DEPENDENCY: Rule = Rule {
    id: "chart/undeclared-dependency",
    severity: Severity::Warning,
    default_enabled: true,
    summary: "A chart in charts/ is not declared in Chart.yaml's dependencies",
    rationale: "Helm renders every chart it finds in charts/, declared or not, but `helm lint` fails the chart (`chart metadata is missing these dependencies`), and an undeclared subchart escapes what the declaration controls: its version is never checked, and no `condition`, `tags`, `alias` or `import-values` can apply to it. Usually it is a leftover of a removed dependency, or a rename.",
    failing: example(
        r#"
# file: Chart.yaml
apiVersion: v2
name: web
version: 1.0.0
# file: charts/cache/Chart.yaml
apiVersion: v2
name: cache
version: 1.0.0
type: library
"#,
    ),
    passing: example(
        r#"
# file: Chart.yaml
apiVersion: v2
name: web
version: 1.0.0
dependencies:
  - name: cache
    version: 1.0.0
# file: charts/cache/Chart.yaml
apiVersion: v2
name: cache
version: 1.0.0
type: library
"#,
    ),
};

pub static TEMPLATE_EXTENSION: Rule = Rule {
    id: "chart/template-extension",
    severity: Severity::Warning,
    default_enabled: true,
    summary: "A file under templates/ has an extension Helm's lint refuses",
    rationale: "Helm renders every file under templates/, but `helm lint` fails the chart unless each one ends in .yaml, .yml, .tpl or .txt: a JSON manifest is fine YAML and should be named .yaml, and a file that is not a template (a README, a script) does not belong in templates/, where it is rendered as one.",
    failing: example(
        r#"
# file: Chart.yaml
apiVersion: v2
name: web
version: 1.0.0
# file: templates/extra.json
{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "extra"}}
"#,
    ),
    passing: example(
        r#"
# file: Chart.yaml
apiVersion: v2
name: web
version: 1.0.0
# file: templates/extra.yaml
{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "extra"}}
"#,
    ),
};

pub static NO_TEMPLATES: Rule = Rule {
    id: "chart/no-templates",
    severity: Severity::Error,
    default_enabled: true,
    summary: "An application chart has no templates that render and no subcharts",
    rationale: "Installing it creates nothing; usually the templates/ folder is missing or misnamed (`template/`), or the chart holds only partials (`_helpers.tpl`) and should be `type: library`.",
    failing: example(
        r#"
web/Chart.yaml
web/template/deployment.yaml"#,
    ),
    passing: example(
        r#"
web/Chart.yaml
web/templates/deployment.yaml"#,
    ),
};

pub static DEPRECATED: Rule = Rule {
    id: "chart/deprecated",
    severity: Severity::Warning,
    default_enabled: true,
    summary: "The chart is marked deprecated",
    rationale: "Helm prints `WARNING: This chart is deprecated` on install: a deprecated chart gets no fixes, and its Chart.yaml description usually names the replacement.",
    failing: example(
        r#"
apiVersion: v2
name: web
version: 1.0.0
deprecated: true
"#,
    ),
    passing: example(
        r#"
apiVersion: v2
name: web
version: 1.0.0
"#,
    ),
};

pub static MISSING_ICON: Rule = Rule {
    id: "chart/missing-icon",
    severity: Severity::Info,
    default_enabled: false,
    summary: "Chart.yaml has no icon",
    rationale: "`helm lint` recommends one (`icon is recommended`, INFO): chart repositories and hubs (Artifact Hub, Rancher, the Helm repo index) show the icon beside the chart and a placeholder without it. Nothing breaks; off by default.",
    failing: example(
        r#"
apiVersion: v2
name: web
version: 1.0.0
"#,
    ),
    passing: example(
        r#"
apiVersion: v2
name: web
version: 1.0.0
icon: https://example.com/web.svg
"#,
    ),
};

pub static MISSING_VALUES: Rule = Rule {
    id: "chart/missing-values",
    severity: Severity::Info,
    default_enabled: false,
    summary: "The chart has no values.yaml",
    rationale: "`helm lint` notes it (`values.yaml: file does not exist`, INFO): the values file is where a chart documents what users may set, and `helm show values` prints nothing without it. A chart without settings works as it is; off by default.",
    failing: example(
        r#"
web/Chart.yaml
web/templates/configmap.yaml"#,
    ),
    passing: example(
        r#"
web/Chart.yaml
web/values.yaml
web/templates/configmap.yaml"#,
    ),
};

pub const RULES: &[&Rule] = &[
    &MISSING_CHART_YAML,
    &INVALID_CHART_YAML,
    &MISSING_FIELD,
    &INVALID_VERSION,
    &INVALID_API_VERSION,
    &INVALID_TYPE,
    &INVALID_NAME,
    &INVALID_FIELD,
    &UNKNOWN_FIELD,
    &KUBE_VERSION,
    &INVALID_KUBE_VERSION,
    &INVALID_DEPENDENCY,
    &MISSING_DEPENDENCY,
    &LOCK_OUT_OF_SYNC,
    &LOCK_VERSION_MISMATCH,
    &UNDECLARED_DEPENDENCY,
    &TEMPLATE_EXTENSION,
    &NO_TEMPLATES,
    &DEPRECATED,
    &MISSING_ICON,
    &MISSING_VALUES,
];
