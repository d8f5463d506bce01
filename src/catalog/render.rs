//! `render/*`: every way a template can fail to render, and the choice of template engine.

use super::example;
use crate::diag::{Rule, Severity};

pub static SYNTAX: Rule = Rule {
    id: "render/syntax",
    severity: Severity::Error,
    default_enabled: true,
    summary: "A template is not valid Jinja syntax",
    rationale: "A template that does not parse renders nothing: every object it should produce is missing \
                from the release. The error points at the token where the parser gave up.",
    failing: example(
        r#"
kind: ConfigMap
data:
  a: {{ values.a }
"#,
    ),
    passing: example(
        r#"
kind: ConfigMap
data:
  a: {{ values.a }}
"#,
    ),
};

pub static UNDEFINED: Rule = Rule {
    id: "render/undefined",
    severity: Severity::Error,
    default_enabled: true,
    summary: "A template prints or iterates a value that is not defined",
    rationale: "A misspelt or missing value would silently render as an empty string and produce a \
                manifest that means something else. Testing a missing key in `if` is allowed; printing, \
                iterating or reading an attribute of it is not.",
    failing: "image: {{ values.image.tagg }}\n",
    passing: "image: {{ values.image.tag }}\n",
};

pub static ERROR: Rule = Rule {
    id: "render/error",
    severity: Severity::Error,
    default_enabled: true,
    summary: "A template fails while rendering",
    rationale: "A runtime error (a wrong type, an unknown filter, a missing partial) stops the template: \
                none of its objects are produced.",
    failing: "replicas: {{ values.replicas + \"x\" }}\n",
    passing: "replicas: {{ values.replicas }}\n",
};

pub static REQUIRED: Rule = Rule {
    id: "render/required",
    severity: Severity::Error,
    default_enabled: true,
    summary: "A value the chart marks as required is missing or empty",
    rationale: "The chart author declared with `required` that the chart cannot work without this value; \
                Helm refuses to install it.",
    failing: "password: {{ required(values.password, \"set values.password\") }}\n",
    passing: "password: {{ required(values.password | default(\"changeme\"), \"set values.password\") }}\n",
};

pub static FAIL: Rule = Rule {
    id: "render/fail",
    severity: Severity::Error,
    default_enabled: true,
    summary: "A template called fail",
    rationale: "The chart author rejects this combination of values with `fail`; Helm refuses to install it.",
    failing: "{% if values.replicas > 1 and not values.persistence %}{{ fail(\"replicas need persistence\") }}{% endif %}\n",
    passing: "{% if values.replicas > 1 and not values.persistence %}{% endif %}\n",
};

pub static LIMIT: Rule = Rule {
    id: "render/limit",
    severity: Severity::Error,
    default_enabled: true,
    summary: "A template exceeds a rendering limit (work, recursion, output size, memory)",
    rationale: "kforge bounds the work, the recursion depth and the output size of every template so that \
                hostile or runaway templates end with an error instead of a hang or an exhausted machine.",
    failing: "{% for i in range(1000000000) %}x{% endfor %}\n",
    passing: "{% for i in range(3) %}x{% endfor %}\n",
};

pub static UNDECLARED_JINJA: Rule = Rule {
    id: "render/undeclared-engine",
    severity: Severity::Warning,
    default_enabled: true,
    summary: "A kforge Jinja chart does not declare its engine in Chart.yaml",
    rationale: "Charts are read as Helm charts (Go templates) unless Chart.yaml says otherwise. A Jinja \
                chart without the declaration is recognised only because its templates are not valid Go \
                templates; the declaration makes that explicit and keeps Go-template errors from being \
                mistaken for Jinja.",
    failing: example(
        r#"
apiVersion: v2
name: web
version: 1.0.0
# templates/cm.yaml: name: {{ release.name }}
"#,
    ),
    passing: example(
        r#"
apiVersion: v2
name: web
version: 1.0.0
annotations:
  kforge.dev/engine: jinja
"#,
    ),
};

pub static UNKNOWN_ENGINE: Rule = Rule {
    id: "render/unknown-engine",
    severity: Severity::Error,
    default_enabled: true,
    summary: "Chart.yaml names a template engine kforge does not know",
    rationale: "The `kforge.dev/engine` annotation chooses how templates are read: `helm` (Go templates) \
                or `jinja`. Any other value is a typo; the chart is read as a Helm chart.",
    failing: example(
        r#"
apiVersion: v2
name: web
version: 1.0.0
annotations:
  kforge.dev/engine: jinga
"#,
    ),
    passing: example(
        r#"
apiVersion: v2
name: web
version: 1.0.0
annotations:
  kforge.dev/engine: jinja
"#,
    ),
};

pub static LOOKUP: Rule = Rule {
    id: "render/lookup",
    severity: Severity::Info,
    default_enabled: true,
    summary: "A template calls lookup, which finds nothing without a cluster",
    rationale: "`lookup` reads live objects from the cluster at install time; kforge, like `helm template` and `helm lint`, has no cluster, so every lookup returns an empty map and the template takes its no-object branch (a generated password instead of the stored one, a default instead of what runs). What kforge checks is the chart as a first install would render it; an upgrade can render differently.",
    failing: example(
        r#"
# file: Chart.yaml
apiVersion: v2
name: web
version: 1.0.0
# file: templates/settings.yaml
{{- $old := lookup "v1" "ConfigMap" .Release.Namespace "web-settings" }}
apiVersion: v1
kind: ConfigMap
metadata:
  name: web-settings
data:
  mode: {{ if $old }}{{ $old.data.mode }}{{ else }}fresh{{ end }}
"#,
    ),
    passing: example(
        r#"
# file: Chart.yaml
apiVersion: v2
name: web
version: 1.0.0
# file: templates/settings.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: web-settings
data:
  mode: {{ .Values.mode | default "fresh" }}
"#,
    ),
};

pub const RULES: &[&Rule] = &[
    &SYNTAX,
    &UNDEFINED,
    &ERROR,
    &REQUIRED,
    &FAIL,
    &LIMIT,
    &UNDECLARED_JINJA,
    &UNKNOWN_ENGINE,
    &LOOKUP,
];
