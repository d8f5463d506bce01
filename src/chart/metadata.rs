//! Chart.yaml: its fields, checked at their keys the way Helm's loader and `helm lint` check them.

use super::ChartMetadata;
use super::constraint::Constraint;
use crate::catalog::chart::*;
use crate::diag::{Diagnostic, Severity, did_you_mean};
use crate::source::Span;
use crate::version::KubeVersion;
use crate::yaml::{Node, Value};

const TOP_FIELDS: &[&str] = &[
    "apiVersion",
    "name",
    "version",
    "kubeVersion",
    "description",
    "type",
    "keywords",
    "home",
    "sources",
    "dependencies",
    "maintainers",
    "icon",
    "appVersion",
    "deprecated",
    "annotations",
    // Helm 2 fields that Helm 3 still reads without complaint.
    "engine",
    "tillerVersion",
];
const DEPENDENCY_FIELDS: &[&str] = &[
    "name",
    "version",
    "repository",
    "condition",
    "tags",
    "enabled",
    "import-values",
    "alias",
];
const MAINTAINER_FIELDS: &[&str] = &["name", "email", "url"];

/// One entry of Chart.yaml `dependencies`.
#[derive(Clone, Debug, PartialEq)]
pub struct Dependency {
    pub name: String,
    /// Version constraint (`18.x`, `^1.2.0`); empty when absent.
    pub version: String,
    pub repository: String,
    /// Comma-separated value paths; the first that resolves to a bool decides.
    pub condition: String,
    pub tags: Vec<String>,
    pub alias: Option<String>,
    /// `import-values`: child values copied into the parent's values.
    pub import_values: Vec<ImportValue>,
    /// The dependency's `name:` value in Chart.yaml (or requirements.yaml), for findings.
    pub span: Span,
}

/// One `import-values` entry: the string form `data` means child `exports.data` into the
/// parent's top level (`.`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportValue {
    /// Dotted path in the subchart's values.
    pub child: String,
    /// Dotted path in the parent's values, `.` for the top level.
    pub parent: String,
}

impl Dependency {
    /// The name the subchart goes by in the parent: its alias, else its name.
    pub fn key(&self) -> &str {
        self.alias.as_deref().unwrap_or(&self.name)
    }
}

impl ChartMetadata {
    /// The `dependencies` of Chart.yaml (entries without a name are skipped; they are reported at
    /// load).
    pub fn dependencies(&self) -> Vec<Dependency> {
        let Some(items) = self.tree.get("dependencies").and_then(Node::as_seq) else {
            return Vec::new();
        };
        items.iter().filter_map(dependency_of).collect()
    }
}

fn dependency_of(node: &Node) -> Option<Dependency> {
    let text = |key: &str| {
        node.get(key)
            .and_then(Node::scalar_text)
            .unwrap_or_default()
    };
    let name_node = node.get("name")?;
    let name = name_node.scalar_text()?;
    let tags = node
        .get("tags")
        .and_then(Node::as_seq)
        .map(|t| t.iter().filter_map(Node::scalar_text).collect())
        .unwrap_or_default();
    let alias = node
        .get("alias")
        .and_then(Node::scalar_text)
        .filter(|a| !a.is_empty());
    let import_values = node
        .get("import-values")
        .and_then(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .filter_map(|iv| match iv.as_str() {
            Some(s) => Some(ImportValue {
                child: format!("exports.{s}"),
                parent: ".".into(),
            }),
            None => Some(ImportValue {
                child: iv.get("child")?.scalar_text()?,
                parent: iv.get("parent")?.scalar_text()?,
            }),
        })
        .collect();
    Some(Dependency {
        name,
        import_values,
        version: text("version"),
        repository: text("repository"),
        condition: text("condition"),
        tags,
        alias,
        span: name_node.span,
    })
}

/// What validation needs besides the tree.
pub struct Check {
    /// Check `kubeVersion` against this (top-level chart only, as Helm does).
    pub kube_version: Option<KubeVersion>,
}

/// Reads and checks Chart.yaml. Always returns metadata (with empty strings for missing fields) so
/// the rest of the chart is still checked.
pub fn read(root: &Node, check: &Check, diags: &mut Vec<Diagnostic>) -> ChartMetadata {
    let file_start = Span {
        end: root.span.start,
        ..root.span
    };
    for (key, key_node, _) in root.entries() {
        if !TOP_FIELDS.contains(&key) {
            diags.push(unknown_field(key, key_node, TOP_FIELDS, "Chart.yaml"));
        }
    }
    let api_version = required_string(root, "apiVersion", file_start, diags);
    if let (Some(v), Some(node)) = (&api_version, root.get("apiVersion"))
        && v != "v1"
        && v != "v2"
    {
        diags.push(
            Diagnostic::new(
                &INVALID_API_VERSION,
                format!("Chart.yaml apiVersion {v:?} is not supported"),
            )
            .at(node.span, "Helm 3 knows v1 and v2")
            .with_help("use `apiVersion: v2` (charts for Helm 3)"),
        );
    }
    if api_version.as_deref() == Some("v1") {
        check_v1_only_fields(root, diags);
    }
    let name = required_string(root, "name", file_start, diags);
    if let (Some(n), Some(node)) = (&name, root.get("name")) {
        check_name(n, node, diags);
    }
    let version = required_string(root, "version", file_start, diags);
    // A non-string version is already reported as the wrong type.
    if let (Some(v), Some(node)) = (&version, root.get("version"))
        && node.as_str().is_some()
    {
        check_version(v, node, diags);
    }
    let chart_type = optional_string(root, "type", diags).unwrap_or_default();
    if let Some(node) = root.get("type")
        && !matches!(chart_type.as_str(), "" | "application" | "library")
    {
        let mut d = Diagnostic::new(
            &INVALID_TYPE,
            format!("chart type {chart_type:?} must be application or library"),
        )
        .at(node.span, "not a chart type");
        if let Some(s) = did_you_mean(&chart_type, ["application", "library"]) {
            d = d.with_help(format!("did you mean `{s}`?"));
        }
        diags.push(d);
    }
    let kube_version = optional_string(root, "kubeVersion", diags);
    if let (Some(c), Some(node)) = (&kube_version, root.get("kubeVersion")) {
        check_kube_version(c, node, check, diags);
    }
    for key in ["appVersion", "description", "home", "icon"] {
        optional_string(root, key, diags);
    }
    let app_version = root.get("appVersion").and_then(Node::scalar_text);
    let description = root.get("description").and_then(Node::scalar_text);
    for key in ["keywords", "sources"] {
        string_list(root, key, diags);
    }
    let deprecated = match root.get("deprecated") {
        None => false,
        Some(node) => match node.value {
            Value::Bool(true) => {
                let d = Diagnostic::new(&DEPRECATED, "this chart is deprecated")
                    .at(node.span, "deprecated: true");
                diags.push(match root.get("description").and_then(Node::as_str) {
                    Some(text) => d.with_note(format!("description: {text}")),
                    None => d,
                });
                true
            }
            Value::Bool(b) => b,
            Value::Null => false,
            _ => {
                diags.push(wrong_type("deprecated", node, "true or false"));
                false
            }
        },
    };
    check_annotations(root, diags);
    check_maintainers(root, diags);
    check_urls(root, diags);
    check_dependencies(root, diags);
    ChartMetadata {
        api_version: api_version.unwrap_or_default(),
        name: name.unwrap_or_default(),
        version: version.unwrap_or_default(),
        app_version,
        description,
        kube_version,
        chart_type: if chart_type.is_empty() {
            "application".to_string()
        } else {
            chart_type
        },
        deprecated,
        tree: root.clone(),
    }
}

/// `type` and `dependencies` came with apiVersion v2; `helm lint` rejects them in v1 charts
/// (v1 lists dependencies in requirements.yaml, which the loader splices in with their own spans).
fn check_v1_only_fields(root: &Node, diags: &mut Vec<Diagnostic>) {
    for key in ["type", "dependencies"] {
        let Some((key_node, _)) = root.entry(key) else {
            continue;
        };
        if key_node.span.file != root.span.file {
            continue;
        }
        let fix = if key == "type" {
            "set `apiVersion: v2`, or remove `type`"
        } else {
            "set `apiVersion: v2`, or move the dependencies to requirements.yaml"
        };
        diags.push(
            Diagnostic::new(
                &INVALID_FIELD,
                format!("{key} is not valid in a Chart.yaml with apiVersion v1; it is valid in apiVersion v2"),
            )
            .at(key_node.span, "needs apiVersion: v2")
            .with_help(fix),
        );
    }
}

fn unknown_field(key: &str, key_node: &Node, known: &[&str], place: &str) -> Diagnostic {
    let mut d = Diagnostic::new(&UNKNOWN_FIELD, format!("unknown field {key:?} in {place}"))
        .at(key_node.span, "Helm ignores this field");
    if let Some(s) = did_you_mean(key, known.iter().copied()) {
        d = d.with_help(format!("did you mean `{s}`?"));
    }
    d
}

fn wrong_type(key: &str, node: &Node, wanted: &str) -> Diagnostic {
    let d = Diagnostic::new(
        &INVALID_FIELD,
        format!(
            "Chart.yaml field {key:?} must be {wanted}, not {}",
            node.type_name()
        ),
    )
    .at(node.span, format!("expected {wanted}"));
    match node.value {
        Value::Int(_) | Value::Float(_) | Value::Bool(_) if wanted == "a string" => {
            d.with_help(format!(
                "quote it: `{key}: \"{}\"` (YAML reads an unquoted 1.10 as the number 1.1)",
                node.scalar_text().unwrap_or_default()
            ))
        }
        _ => d,
    }
}

/// A string field that may be absent; other scalar types and collections are reported.
fn optional_string(root: &Node, key: &str, diags: &mut Vec<Diagnostic>) -> Option<String> {
    let node = root.get(key)?;
    match &node.value {
        Value::Str(s) => Some(s.to_owned_string()),
        Value::Null => None,
        _ => {
            diags.push(wrong_type(key, node, "a string"));
            node.scalar_text()
        }
    }
}

fn required_string(
    root: &Node,
    key: &str,
    file_start: Span,
    diags: &mut Vec<Diagnostic>,
) -> Option<String> {
    let value = optional_string(root, key, diags).filter(|s| !s.trim().is_empty());
    if value.is_none() {
        let example = match key {
            "apiVersion" => "apiVersion: v2",
            "name" => "name: mychart",
            _ => "version: 0.1.0",
        };
        let (span, label) = match root.entry(key) {
            Some((k, _)) => (k.span, "empty"),
            None => (file_start, "Chart.yaml starts here"),
        };
        diags.push(
            Diagnostic::new(
                &MISSING_FIELD,
                format!("Chart.yaml has no {key}; Helm requires it"),
            )
            .at(span, label)
            .with_help(format!("add `{example}`")),
        );
    }
    value
}

/// Helm's own rule is only "not a path"; the lower-case convention is a warning.
fn check_name(name: &str, node: &Node, diags: &mut Vec<Diagnostic>) {
    if name == "." || name == ".." || name.contains('/') || name.contains('\\') {
        diags.push(
            Diagnostic::new(
                &INVALID_NAME,
                format!("chart name {name:?} is invalid: Helm rejects names that are paths"),
            )
            .at(node.span, "not a chart name")
            .with_help("use lower-case letters, digits and dashes, e.g. `name: my-app`"),
        );
        return;
    }
    if !is_conventional_name(name) {
        diags.push(
            Diagnostic::new(
                &INVALID_NAME,
                format!("chart name {name:?} should be lower-case letters, digits and dashes"),
            )
            .with_severity(Severity::Warning)
            .at(node.span, "not a conventional chart name")
            .with_help(format!("use `name: {}`", conventional_name(name))),
        );
    }
}

/// `^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`, Helm's documented convention.
fn is_conventional_name(name: &str) -> bool {
    let ok_chars = name
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    ok_chars && !name.starts_with('-') && !name.ends_with('-') && !name.is_empty()
}

fn conventional_name(name: &str) -> String {
    let mapped: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    mapped.trim_matches('-').to_string()
}

fn check_version(version: &str, node: &Node, diags: &mut Vec<Diagnostic>) {
    if semver::Version::parse(version).is_ok() {
        return;
    }
    // Masterminds (and so Helm) also accepts `v1.2.3`, `1.2` and `1`; tools that want strict
    // SemVer 2 (OCI registries, other package managers) do not.
    let lax = version.strip_prefix('v').unwrap_or(version);
    let parts: Vec<&str> = lax
        .split(['-', '+'])
        .next()
        .unwrap_or("")
        .split('.')
        .collect();
    let lax_ok = (1..=3).contains(&parts.len())
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    let fixed = {
        let mut p: Vec<&str> = parts.clone();
        while p.len() < 3 {
            p.push("0");
        }
        p.join(".")
    };
    let d = Diagnostic::new(
        &INVALID_VERSION,
        format!("chart version {version:?} is not a SemVer 2 version"),
    )
    .at(node.span, "expected MAJOR.MINOR.PATCH");
    diags.push(if lax_ok {
        d.with_severity(Severity::Warning)
            .with_note(
                "Helm accepts it, but repositories and tools that expect strict SemVer 2 do not",
            )
            .with_help(format!("write `version: {fixed}`"))
    } else {
        d.with_help("write a version such as `version: 1.0.0` (pre-releases: `1.0.0-rc.1`)")
    });
}

fn check_kube_version(constraint: &str, node: &Node, check: &Check, diags: &mut Vec<Diagnostic>) {
    let parsed = match Constraint::parse(constraint) {
        Ok(c) => c,
        Err(e) => {
            diags.push(
                Diagnostic::new(&INVALID_KUBE_VERSION, format!("kubeVersion {constraint:?} is not a valid constraint: {e}"))
                    .at(node.span, "Helm cannot parse this")
                    .with_help("write comparators such as `>=1.25.0-0 <1.38.0-0`, joined by spaces (and) or `||` (or)"),
            );
            return;
        }
    };
    let Some(target) = check.kube_version else {
        return;
    };
    let v = semver::Version::new(
        u64::from(target.major),
        u64::from(target.minor),
        u64::from(target.patch),
    );
    if !parsed.matches(&v) {
        diags.push(
            Diagnostic::new(
                &KUBE_VERSION,
                format!("chart requires kubeVersion: {constraint} which is incompatible with Kubernetes v{target}"),
            )
            .at(node.span, format!("excludes v{target}"))
            .with_help("choose a matching --kube-version, or widen the constraint (write `-0` on bounds, e.g. `>=1.25.0-0`, so GKE/EKS pre-release versions match)"),
        );
    }
}

fn string_list(root: &Node, key: &str, diags: &mut Vec<Diagnostic>) {
    let Some(node) = root.get(key) else { return };
    match &node.value {
        Value::Null => {}
        Value::Seq(items) => {
            for item in items {
                if !matches!(item.value, Value::Str(_)) {
                    diags.push(wrong_type(key, item, "a string"));
                }
            }
        }
        _ => diags.push(wrong_type(key, node, "a list of strings")),
    }
}

fn check_annotations(root: &Node, diags: &mut Vec<Diagnostic>) {
    let Some(node) = root.get("annotations") else {
        return;
    };
    match &node.value {
        Value::Null => {}
        Value::Map(_) => {
            for (key, _, value) in node.entries() {
                if !matches!(value.value, Value::Str(_)) {
                    diags.push(wrong_type(&format!("annotations.{key}"), value, "a string"));
                }
            }
        }
        _ => diags.push(wrong_type("annotations", node, "a map of strings")),
    }
}

fn check_maintainers(root: &Node, diags: &mut Vec<Diagnostic>) {
    let Some(node) = root.get("maintainers") else {
        return;
    };
    let items = match &node.value {
        Value::Null => return,
        Value::Seq(items) => items,
        _ => return diags.push(wrong_type("maintainers", node, "a list of maintainers")),
    };
    for item in items {
        if !matches!(item.value, Value::Map(_)) {
            diags.push(wrong_type(
                "maintainers",
                item,
                "a map with name, email and url",
            ));
            continue;
        }
        for (key, key_node, _) in item.entries() {
            if !MAINTAINER_FIELDS.contains(&key) {
                diags.push(unknown_field(
                    key,
                    key_node,
                    MAINTAINER_FIELDS,
                    "a Chart.yaml maintainer",
                ));
            }
        }
        for key in MAINTAINER_FIELDS {
            optional_string(item, key, diags);
        }
        let name = item.get("name").and_then(Node::as_str).unwrap_or_default();
        if name.trim().is_empty() {
            diags.push(
                Diagnostic::new(
                    &MISSING_FIELD,
                    "Chart.yaml maintainer has no name; Helm requires one",
                )
                .at(item.span, "this maintainer")
                .with_help("add `name: …` to the entry"),
            );
        }
        if let Some(email) = item.get("email")
            && let Some(text) = email.as_str()
            && !text.is_empty()
            && !is_email(text)
        {
            diags.push(malformed(
                "maintainer email",
                email,
                text,
                "an email address",
            ));
        }
        if let Some(url) = item.get("url")
            && let Some(text) = url.as_str()
            && !text.is_empty()
            && !is_url(text)
        {
            diags.push(malformed("maintainer url", url, text, "a URL"));
        }
    }
}

/// `sources` and `icon` must be absolute URLs with a scheme (Go's `url.ParseRequestURI` plus a
/// scheme, which is what `helm lint` asks of them); an empty source counts as malformed too.
fn check_urls(root: &Node, diags: &mut Vec<Diagnostic>) {
    if let Some(Value::Seq(items)) = root.get("sources").map(|n| &n.value) {
        for item in items {
            if let Some(text) = item.as_str()
                && !is_request_url(text)
            {
                diags.push(malformed("source", item, text, "an absolute URL"));
            }
        }
    }
    if let Some(icon) = root.get("icon")
        && let Some(text) = icon.as_str()
        && !text.is_empty()
        && !is_request_url(text)
    {
        diags.push(malformed("icon", icon, text, "an absolute URL"));
    }
}

fn malformed(what: &str, node: &Node, text: &str, wanted: &str) -> Diagnostic {
    Diagnostic::new(
        &INVALID_FIELD,
        format!("Chart.yaml {what} {text:?} is not {wanted}"),
    )
    .at(node.span, format!("expected {wanted}"))
    .with_note("`helm lint` rejects the chart for it")
}

/// The shape govalidator's IsEmail accepts, closely enough: one `@`, a local part, and a dotted
/// domain, nothing blank.
fn is_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && domain.split('.').all(|label| !label.is_empty())
        && !text.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// govalidator's IsURL: the scheme is optional but there must be a host, and no blanks.
fn is_url(text: &str) -> bool {
    if text.len() <= 3
        || text.starts_with('.')
        || text.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return false;
    }
    let rest = match text.split_once("://") {
        Some((scheme, rest)) if is_scheme(scheme) => rest,
        Some(_) => return false,
        None => text,
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = host.rsplit('@').next().unwrap_or_default();
    let host = host.split(':').next().unwrap_or_default();
    !host.is_empty() && !host.starts_with('.') && (host.contains('.') || host == "localhost")
}

/// govalidator's IsRequestURL: `scheme:` then something, with no blanks.
fn is_request_url(text: &str) -> bool {
    match text.split_once(':') {
        Some((scheme, rest)) => {
            is_scheme(scheme)
                && !rest.is_empty()
                && !text.chars().any(|c| c.is_whitespace() || c.is_control())
        }
        None => false,
    }
}

fn is_scheme(scheme: &str) -> bool {
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

fn check_dependencies(root: &Node, diags: &mut Vec<Diagnostic>) {
    let Some(node) = root.get("dependencies") else {
        return;
    };
    let items = match &node.value {
        Value::Null => return,
        Value::Seq(items) => items,
        _ => return diags.push(wrong_type("dependencies", node, "a list of dependencies")),
    };
    let mut seen: Vec<(String, Span)> = Vec::new();
    for item in items {
        if !matches!(item.value, Value::Map(_)) {
            diags.push(wrong_type(
                "dependencies",
                item,
                "a map with name, version and repository",
            ));
            continue;
        }
        for (key, key_node, _) in item.entries() {
            if !DEPENDENCY_FIELDS.contains(&key) {
                diags.push(unknown_field(
                    key,
                    key_node,
                    DEPENDENCY_FIELDS,
                    "a Chart.yaml dependency",
                ));
            }
        }
        for key in ["name", "version", "repository", "condition", "alias"] {
            optional_string(item, key, diags);
        }
        let name = item.get("name").and_then(Node::as_str).unwrap_or("");
        if name.is_empty() {
            diags.push(
                Diagnostic::new(&INVALID_DEPENDENCY, "a Chart.yaml dependency has no name")
                    .at(item.span, "no `name:`")
                    .with_help("name the chart this dependency refers to: `- name: redis`"),
            );
            continue;
        }
        let mut key = name;
        if let Some(alias_node) = item.get("alias") {
            let alias = alias_node.as_str().unwrap_or("");
            if !alias.is_empty() {
                if !alias
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
                {
                    diags.push(
                        Diagnostic::new(
                            &INVALID_DEPENDENCY,
                            format!("dependency alias {alias:?} is invalid"),
                        )
                        .at(
                            alias_node.span,
                            "only letters, digits, `-` and `_` are allowed",
                        )
                        .with_help(format!("use `alias: {}`", conventional_name(alias))),
                    );
                }
                key = alias;
            }
        }
        let here = item
            .get("alias")
            .filter(|a| a.as_str().is_some_and(|a| !a.is_empty()))
            .or(item.get("name"))
            .map_or(item.span, |n| n.span);
        if let Some((_, first)) = seen.iter().find(|(k, _)| k == key) {
            diags.push(
                Diagnostic::new(
                    &INVALID_DEPENDENCY,
                    format!("more than one dependency with name or alias {key:?}"),
                )
                .at(here, "used again here")
                .with_label(*first, "first used here")
                .with_help(
                    "give one of them an `alias:` so each subchart has its own values section",
                ),
            );
        } else {
            seen.push((key.to_string(), here));
        }
        if let Some(tags) = item.get("tags")
            && !matches!(tags.value, Value::Seq(_) | Value::Null)
        {
            diags.push(wrong_type("tags", tags, "a list of strings"));
        }
        if let Some(enabled) = item.get("enabled")
            && !matches!(enabled.value, Value::Bool(_) | Value::Null)
        {
            diags.push(wrong_type("enabled", enabled, "true or false"));
        }
    }
}

/// helm lint's recommendations for the chart it lints (not its subcharts): an icon
/// (`validateChartIconPresence`) and a values file (`validateValuesFileExistence`), each at
/// Chart.yaml's start.
pub fn check_recommended(chart: &super::Chart, diags: &mut Vec<Diagnostic>) {
    let at = Span::new(chart.chart_file, 0, 0);
    let icon = chart.metadata.tree.get("icon").and_then(Node::scalar_text);
    if icon.is_none_or(|i| i.is_empty()) {
        diags.push(
            Diagnostic::new(&MISSING_ICON, "Chart.yaml has no icon")
                .at(at, "no `icon:` here")
                .with_help(
                    "add `icon: https://…/logo.svg` (an absolute URL); chart repositories show it",
                ),
        );
    }
    if chart.values_file.is_none() {
        diags.push(
            Diagnostic::new(
                &MISSING_VALUES,
                format!("{} has no values.yaml", chart.display_path),
            )
            .at(at, "this chart")
            .with_help("add values.yaml with the settings users may change, each with a comment"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ids(chart_yaml: serde_json::Value, kube: Option<&str>) -> Vec<(&'static str, Severity)> {
        let root = Node::from_json(&chart_yaml, Span::default());
        let check = Check {
            kube_version: kube.and_then(KubeVersion::parse),
        };
        let mut diags = Vec::new();
        read(&root, &check, &mut diags);
        diags.iter().map(|d| (d.rule.id, d.severity)).collect()
    }

    #[test]
    fn a_valid_chart_has_no_findings() {
        let chart = json!({
            "apiVersion": "v2", "name": "web", "version": "1.0.0-rc.1+build.5", "type": "application",
            "kubeVersion": ">=1.25.0-0 <1.38.0-0", "keywords": ["a"], "deprecated": false,
            "annotations": {"a": "b"}, "maintainers": [{"name": "n", "email": "n@example.com", "url": "example.com/n"}],
            "sources": ["https://example.com/src"], "icon": "data:image/png;base64,AA==",
            "dependencies": [{"name": "redis", "version": "18.x", "alias": "cache_1", "tags": ["x"], "enabled": true}]
        });
        assert_eq!(ids(chart, Some("1.30")), []);
    }

    #[test]
    fn each_problem_has_its_rule() {
        use Severity::*;
        let base = || json!({"apiVersion": "v2", "name": "web", "version": "1.0.0"});
        let with = |k: &str, v: serde_json::Value| {
            let mut c = base();
            c[k] = v;
            c
        };
        let table: Vec<(serde_json::Value, Vec<(&str, Severity)>)> = vec![
            (json!({}), vec![("chart/missing-field", Error); 3]),
            (
                with("version", json!("v1.2")),
                vec![("chart/invalid-version", Warning)],
            ),
            (
                with("version", json!("1.2.3.4")),
                vec![("chart/invalid-version", Error)],
            ),
            (
                with("version", json!(1.5)),
                vec![("chart/invalid-field", Error)],
            ),
            (
                with("name", json!("My_Chart")),
                vec![("chart/invalid-name", Warning)],
            ),
            (
                with("name", json!("..")),
                vec![("chart/invalid-name", Error)],
            ),
            (
                with("type", json!("app")),
                vec![("chart/invalid-type", Error)],
            ),
            (
                with("apiVersion", json!("v3")),
                vec![("chart/invalid-api-version", Error)],
            ),
            (
                with("kubeVersion", json!(">= 1.40")),
                vec![("chart/kube-version", Error)],
            ),
            (
                with("kubeVersion", json!("1.2.3.4")),
                vec![("chart/invalid-kube-version", Error)],
            ),
            (
                with("dependancies", json!([])),
                vec![("chart/unknown-field", Warning)],
            ),
            (
                with("maintainers", json!([{"name": "n", "mail": "m"}])),
                vec![("chart/unknown-field", Warning)],
            ),
            (
                with("maintainers", json!([{"email": "ann@example.com"}])),
                vec![("chart/missing-field", Error)],
            ),
            (
                with(
                    "maintainers",
                    json!([{"name": "n", "email": "not-an-email"}]),
                ),
                vec![("chart/invalid-field", Error)],
            ),
            (
                with("maintainers", json!([{"name": "n", "url": "not a url"}])),
                vec![("chart/invalid-field", Error)],
            ),
            (
                with("sources", json!(["example.com/src", ""])),
                vec![("chart/invalid-field", Error); 2],
            ),
            (
                with("icon", json!("icon.png")),
                vec![("chart/invalid-field", Error)],
            ),
            (
                with("dependencies", json!([{"name": "a"}, {"name": "a"}])),
                vec![("chart/invalid-dependency", Error)],
            ),
            (
                with("dependencies", json!([{"name": "a", "alias": "x.y"}])),
                vec![("chart/invalid-dependency", Error)],
            ),
        ];
        for (chart, want) in table {
            assert_eq!(ids(chart.clone(), Some("1.37")), want, "{chart}");
        }
    }

    #[test]
    fn unknown_fields_suggest_the_known_one() {
        let root = Node::from_json(
            &json!({"apiVersion": "v2", "name": "web", "version": "1.0.0", "appversion": "1"}),
            Span::default(),
        );
        let mut diags = Vec::new();
        read(&root, &Check { kube_version: None }, &mut diags);
        assert_eq!(diags[0].help.as_deref(), Some("did you mean `appVersion`?"));
    }

    #[test]
    fn dependencies_and_import_values_are_read() {
        let root = Node::from_json(
            &json!({"dependencies": [{"name": "redis", "alias": "cache", "condition": "cache.enabled,x.y", "tags": ["a"],
                "import-values": ["data", {"child": "c.d", "parent": "p"}]}, {"version": "1"}]}),
            Span::default(),
        );
        let md = ChartMetadata {
            api_version: String::new(),
            name: String::new(),
            version: String::new(),
            app_version: None,
            description: None,
            kube_version: None,
            chart_type: String::new(),
            deprecated: false,
            tree: root,
        };
        let deps = md.dependencies();
        assert_eq!(deps.len(), 1);
        assert_eq!(deps[0].key(), "cache");
        assert_eq!(
            deps[0].import_values,
            [
                ImportValue {
                    child: "exports.data".into(),
                    parent: ".".into()
                },
                ImportValue {
                    child: "c.d".into(),
                    parent: "p".into()
                }
            ]
        );
    }
}
