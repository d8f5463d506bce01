//! The parse stage: rendered or plain YAML files → Kubernetes objects with spans.
//! Entry point: [`parse`].

pub use crate::catalog::object::{LIST_RESOURCE_POLICY, MISSING_FIELD, NOT_AN_OBJECT};
use crate::diag::{Diagnostic, ObjectRef};
use crate::source::{FileId, SourceKind, SourceMap, Span};
use crate::yaml::{self, Node};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};

/// One Kubernetes object of the run.
#[derive(Clone, Debug)]
pub struct Object {
    /// The whole document tree (a map).
    pub root: Node,
    /// The document's span in its (rendered or manifest) file.
    pub span: Span,
    pub api_version: String,
    pub kind: String,
    pub name: String,
    /// `metadata.namespace` as written; `None` when absent or empty.
    pub namespace: Option<String>,
    /// Position in the run, in input order; stable across runs.
    pub index: usize,
    /// Validated against its schema while the run was parsed (a CRD whose schemas no object
    /// of the run can use, which were then dropped: [`crate::schema::Pruning`]); the schema
    /// stage leaves it alone.
    pub schema_checked: bool,
}

impl Object {
    /// Whether this is a CustomResourceDefinition (of `apiextensions.k8s.io`, any version).
    pub fn is_crd(&self) -> bool {
        self.kind == "CustomResourceDefinition" && self.group() == "apiextensions.k8s.io"
    }

    /// API group (`""` for the core group).
    pub fn group(&self) -> &str {
        match self.api_version.rsplit_once('/') {
            Some((g, _)) => g,
            None => "",
        }
    }

    pub fn version(&self) -> &str {
        match self.api_version.rsplit_once('/') {
            Some((_, v)) => v,
            None => &self.api_version,
        }
    }

    pub fn file(&self) -> FileId {
        self.span.file
    }

    /// The namespace the object lands in: its own, or the release namespace.
    pub fn namespace_or<'a>(&'a self, release_namespace: &'a str) -> &'a str {
        self.namespace.as_deref().unwrap_or(release_namespace)
    }

    pub fn object_ref(&self) -> ObjectRef {
        ObjectRef {
            api_version: self.api_version.clone(),
            kind: self.kind.clone(),
            namespace: self.namespace.clone(),
            name: self.name.clone(),
        }
    }

    pub fn metadata(&self) -> Option<&Node> {
        self.root.get("metadata")
    }

    /// `metadata.labels` / `metadata.annotations` as (key, value) pairs of strings.
    pub fn string_map(&self, field: &str) -> Vec<(&str, &str)> {
        self.metadata()
            .and_then(|m| m.get(field))
            .map(|m| {
                m.entries()
                    .filter_map(|(k, _, v)| v.as_str().map(|v| (k, v)))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Span to point at for the object as a whole: `metadata.name`'s value, else `kind`, else
    /// the document.
    pub fn name_span(&self) -> Span {
        self.root
            .path(&["metadata", "name"])
            .or_else(|| self.root.get("kind"))
            .map(Node::site)
            .unwrap_or(self.span)
    }
}

/// Objects and findings of one file, as [`parse`] makes them.
pub type Parsed = (Vec<Object>, Vec<Diagnostic>);

/// Parses `files` (in order) into objects. A list kind (`v1 List`, `RoleList`, any `*List` with
/// `items`) is expanded into its items. Empty documents are skipped silently, as kubectl does.
pub fn parse(
    sources: &SourceMap,
    files: &[FileId],
    limits: &yaml::Limits,
) -> (Vec<Object>, Vec<Diagnostic>) {
    parse_reusing(sources, files, limits, HashMap::new())
}

/// [`parse`], taking files already parsed by [`parse_each`] from `done` rather than parsing them
/// again (a run's CRDs are read before rendering, for `.Capabilities.APIVersions`; CRD files are
/// the largest a run has).
pub fn parse_reusing(
    sources: &SourceMap,
    files: &[FileId],
    limits: &yaml::Limits,
    mut done: HashMap<FileId, Parsed>,
) -> (Vec<Object>, Vec<Diagnostic>) {
    // A file named twice is taken from `done` once and parsed for its other mentions.
    let mut unused: HashSet<FileId> = done.keys().copied().collect();
    let todo: Vec<FileId> = files
        .iter()
        .copied()
        .filter(|f| !unused.remove(f))
        .collect();
    let fresh = parse_each(sources, &todo, limits);
    // Sized once: grown by doubling, the vector was copied into fresh pages at each step
    // (issue 19: page faults).
    let room = |parsed: &Parsed| parsed.0.len();
    let capacity = done.values().map(room).sum::<usize>() + fresh.iter().map(room).sum::<usize>();
    let mut fresh = fresh.into_iter();
    let mut objects = Vec::with_capacity(capacity);
    let mut diags = Vec::new();
    for file in files {
        let Some((o, d)) = done.remove(file).or_else(|| fresh.next()) else {
            break;
        };
        objects.extend(o);
        diags.extend(d);
    }
    for (i, o) in objects.iter_mut().enumerate() {
        o.index = i;
    }
    (objects, diags)
}

/// Each file of `files` parsed on its own, in order.
pub fn parse_each(sources: &SourceMap, files: &[FileId], limits: &yaml::Limits) -> Vec<Parsed> {
    // Files are independent: they load on both cores, and the results are joined in input
    // order, so objects, indexes and diagnostics do not depend on scheduling.
    let one = |&file: &FileId| {
        let mut objects = Vec::new();
        // A chart's rendered file is read as Helm splits it before printing or installing it,
        // so `lint CHART` checks the documents `kforge template` prints.
        let (docs, mut diags) = match sources.get(file).map(|f| f.kind) {
            Some(SourceKind::Rendered) => {
                let ranges = crate::helm::stream::split_ranges(sources.text(file));
                yaml::parse_ranges(sources, file, &ranges, limits)
            }
            _ => yaml::parse_stream(sources, file, limits),
        };
        for doc in docs {
            let Some(root) = doc.root else { continue };
            collect(root, doc.span, &mut objects, &mut diags);
        }
        (objects, diags)
    };
    if files.len() > 1 {
        files.par_iter().map(one).collect()
    } else {
        files.iter().map(one).collect()
    }
}

fn collect(root: Node, span: Span, objects: &mut Vec<Object>, diags: &mut Vec<Diagnostic>) {
    if root.as_map().is_none() {
        diags.push(
            Diagnostic::new(
                &NOT_AN_OBJECT,
                format!(
                    "this document is {}, not a Kubernetes object",
                    article(root.type_name())
                ),
            )
            .at(
                root.site(),
                "expected a map with apiVersion, kind and metadata",
            ),
        );
        return;
    }
    let text = |key: &[&str]| root.path(key).and_then(Node::as_str).map(str::to_owned);
    let api_version = text(&["apiVersion"]);
    let kind = text(&["kind"]);
    // kubectl applies the items of any object with `items` (`meta.IsListType`): `v1 List`,
    // `rbac.authorization.k8s.io/v1 RoleList`, `apps/v1 DeploymentList`, ...
    if kind.as_deref().is_some_and(|k| k.ends_with("List"))
        && let Some(items) = root.get("items").and_then(Node::as_seq)
    {
        if kind.as_deref() == Some("List") {
            resource_policy_in_items(items, diags);
        }
        for item in items {
            collect(item.clone(), item.span, objects, diags);
        }
        return;
    }
    let name = text(&["metadata", "name"]).filter(|n| !n.is_empty());
    let missing: Vec<&str> = [
        ("apiVersion", api_version.is_none()),
        ("kind", kind.is_none()),
        (
            "metadata.name",
            name.is_none() && root.path(&["metadata", "generateName"]).is_none(),
        ),
    ]
    .into_iter()
    .filter_map(|(f, m)| m.then_some(f))
    .collect();
    if !missing.is_empty() {
        let what = match (&kind, &name) {
            (Some(k), Some(n)) => format!("{k} \"{n}\""),
            (Some(k), None) => format!("this {k}"),
            _ => "this document".to_string(),
        };
        // Point at the metadata key when only the name is missing, else at the first key.
        let at = root
            .entry("metadata")
            .filter(|_| missing == ["metadata.name"])
            .map(|(k, _)| k.site())
            .or_else(|| root.as_map().and_then(|m| m.first()).map(|(k, _)| k.site()))
            .unwrap_or(root.site());
        diags.push(
            Diagnostic::new(
                &MISSING_FIELD,
                format!("{what} has no {}", missing.join(", no ")),
            )
            .at(at, format!("{} required", missing.join(", ")))
            .with_help("every Kubernetes object needs apiVersion, kind and metadata.name"),
        );
        return;
    }
    let namespace = text(&["metadata", "namespace"]).filter(|n| !n.is_empty());
    objects.push(Object {
        api_version: api_version.unwrap_or_default(),
        kind: kind.unwrap_or_default(),
        name: name
            .or_else(|| text(&["metadata", "generateName"]))
            .unwrap_or_default(),
        namespace,
        root,
        span,
        index: 0,
        schema_checked: false,
    });
}

/// helm lint's `validateListAnnotations`: Helm's resource policy is read from a release's
/// objects, never from the items of a `v1 List`.
fn resource_policy_in_items(items: &[Node], diags: &mut Vec<Diagnostic>) {
    for item in items {
        let Some((key, _)) = item
            .path(&["metadata", "annotations"])
            .and_then(|a| a.entry("helm.sh/resource-policy"))
        else {
            continue;
        };
        let name = item
            .path(&["metadata", "name"])
            .and_then(Node::as_str)
            .unwrap_or("");
        diags.push(
            Diagnostic::new(
                &LIST_RESOURCE_POLICY,
                format!("helm.sh/resource-policy on {name:?}, an item of a List, is ignored: helm uninstall deletes it"),
            )
            .at(key.site(), "ignored on a List item")
            .with_help("write the item as an object of its own (a document after `---`), where Helm reads the annotation"),
        );
    }
}

fn article(type_name: &str) -> String {
    match type_name {
        "array" | "integer" | "object" => format!("an {type_name}"),
        "null" => "empty".to_string(),
        _ => format!("a {type_name}"),
    }
}

/// Helm's install order (`releaseutil.InstallOrder`): kinds not listed come after, by kind name.
const INSTALL_ORDER: &[&str] = &[
    "PriorityClass",
    "Namespace",
    "NetworkPolicy",
    "ResourceQuota",
    "LimitRange",
    "PodSecurityPolicy",
    "PodDisruptionBudget",
    "ServiceAccount",
    "Secret",
    "SecretList",
    "ConfigMap",
    "StorageClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleList",
    "ClusterRoleBinding",
    "ClusterRoleBindingList",
    "Role",
    "RoleList",
    "RoleBinding",
    "RoleBindingList",
    "Service",
    "DaemonSet",
    "Pod",
    "ReplicationController",
    "ReplicaSet",
    "Deployment",
    "HorizontalPodAutoscaler",
    "StatefulSet",
    "Job",
    "CronJob",
    "IngressClass",
    "Ingress",
    "APIService",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
];

/// Sort key placing `kind` in Helm's install order (stable sort by this key keeps input order
/// within a kind).
pub fn install_order_key(kind: &str) -> (usize, String) {
    match INSTALL_ORDER.iter().position(|k| *k == kind) {
        Some(i) => (i, String::new()),
        None => (INSTALL_ORDER.len(), kind.to_string()),
    }
}

/// Built-in kinds that are not namespaced. Custom resources take their scope from their CRD.
const CLUSTER_SCOPED: &[(&str, &str)] = &[
    ("", "Namespace"),
    ("", "Node"),
    ("", "PersistentVolume"),
    ("", "ComponentStatus"),
    ("rbac.authorization.k8s.io", "ClusterRole"),
    ("rbac.authorization.k8s.io", "ClusterRoleBinding"),
    ("apiextensions.k8s.io", "CustomResourceDefinition"),
    ("apiregistration.k8s.io", "APIService"),
    ("storage.k8s.io", "StorageClass"),
    ("storage.k8s.io", "CSIDriver"),
    ("storage.k8s.io", "CSINode"),
    ("storage.k8s.io", "VolumeAttachment"),
    ("storage.k8s.io", "VolumeAttributesClass"),
    ("networking.k8s.io", "IngressClass"),
    ("networking.k8s.io", "IPAddress"),
    ("networking.k8s.io", "ServiceCIDR"),
    ("scheduling.k8s.io", "PriorityClass"),
    ("node.k8s.io", "RuntimeClass"),
    ("policy", "PodSecurityPolicy"),
    (
        "admissionregistration.k8s.io",
        "MutatingWebhookConfiguration",
    ),
    (
        "admissionregistration.k8s.io",
        "ValidatingWebhookConfiguration",
    ),
    ("admissionregistration.k8s.io", "ValidatingAdmissionPolicy"),
    (
        "admissionregistration.k8s.io",
        "ValidatingAdmissionPolicyBinding",
    ),
    ("admissionregistration.k8s.io", "MutatingAdmissionPolicy"),
    (
        "admissionregistration.k8s.io",
        "MutatingAdmissionPolicyBinding",
    ),
    ("certificates.k8s.io", "CertificateSigningRequest"),
    ("certificates.k8s.io", "ClusterTrustBundle"),
    ("flowcontrol.apiserver.k8s.io", "FlowSchema"),
    ("flowcontrol.apiserver.k8s.io", "PriorityLevelConfiguration"),
    ("authentication.k8s.io", "TokenReview"),
    ("authentication.k8s.io", "SelfSubjectReview"),
    ("authorization.k8s.io", "SubjectAccessReview"),
    ("authorization.k8s.io", "SelfSubjectAccessReview"),
    ("authorization.k8s.io", "SelfSubjectRulesReview"),
    ("resource.k8s.io", "DeviceClass"),
    ("resource.k8s.io", "ResourceSlice"),
    ("internal.apiserver.k8s.io", "StorageVersion"),
    ("storagemigration.k8s.io", "StorageVersionMigration"),
];

/// Whether a built-in kind is cluster-scoped. `None` when the kind is not built in (a custom
/// resource: ask its CRD).
pub fn builtin_cluster_scoped(group: &str, kind: &str) -> Option<bool> {
    if CLUSTER_SCOPED
        .iter()
        .any(|(g, k)| *g == group && *k == kind)
    {
        return Some(true);
    }
    let builtin_group = group.is_empty() || !group.contains('.') || group.ends_with(".k8s.io");
    builtin_group.then_some(false)
}
