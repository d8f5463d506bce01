//! Which apiVersion/kind pairs a Kubernetes version serves, which it removed, and which are
//! deprecated: the embedded schemas for 1.25+, and the migration guide's table (apiserver-rules.md
//! §8) for removals before them and for what replaces what.

use std::collections::BTreeSet;

use super::store;
use crate::version::KubeVersion;

pub struct Removal {
    pub group_version: &'static str,
    /// Kinds concerned; empty = every kind of the group version.
    pub kinds: &'static [&'static str],
    pub deprecated_in: u32,
    pub removed_in: u32,
    pub replacement: &'static str,
    /// What changed besides the apiVersion.
    pub changes: &'static str,
}

const WORKLOADS: &[&str] = &["DaemonSet", "Deployment", "ReplicaSet", "StatefulSet"];

pub const REMOVALS: &[Removal] = &[
    Removal {
        group_version: "extensions/v1beta1",
        kinds: &["NetworkPolicy"],
        deprecated_in: 9,
        removed_in: 16,
        replacement: "networking.k8s.io/v1",
        changes: "",
    },
    Removal {
        group_version: "extensions/v1beta1",
        kinds: &["DaemonSet", "Deployment", "ReplicaSet"],
        deprecated_in: 9,
        removed_in: 16,
        replacement: "apps/v1",
        changes: "spec.selector is now required and immutable",
    },
    Removal {
        group_version: "admissionregistration.k8s.io/v1alpha1",
        kinds: &["InitializerConfiguration"],
        deprecated_in: 12,
        removed_in: 14,
        replacement: "",
        changes: "initializers were removed: use a mutating admission webhook (MutatingWebhookConfiguration)",
    },
    Removal {
        group_version: "extensions/v1beta1",
        kinds: &["PodSecurityPolicy"],
        deprecated_in: 11,
        removed_in: 16,
        replacement: "policy/v1beta1",
        changes: "",
    },
    Removal {
        group_version: "apps/v1beta1",
        kinds: WORKLOADS,
        deprecated_in: 9,
        removed_in: 16,
        replacement: "apps/v1",
        changes: "spec.selector is now required and immutable",
    },
    Removal {
        group_version: "apps/v1beta2",
        kinds: WORKLOADS,
        deprecated_in: 9,
        removed_in: 16,
        replacement: "apps/v1",
        changes: "spec.selector is now required and immutable",
    },
    Removal {
        group_version: "extensions/v1beta1",
        kinds: &["Ingress"],
        deprecated_in: 14,
        removed_in: 22,
        replacement: "networking.k8s.io/v1",
        changes: INGRESS_CHANGES,
    },
    Removal {
        group_version: "networking.k8s.io/v1beta1",
        kinds: &["Ingress", "IngressClass"],
        deprecated_in: 19,
        removed_in: 22,
        replacement: "networking.k8s.io/v1",
        changes: INGRESS_CHANGES,
    },
    Removal {
        group_version: "admissionregistration.k8s.io/v1beta1",
        kinds: &[
            "MutatingWebhookConfiguration",
            "ValidatingWebhookConfiguration",
        ],
        deprecated_in: 16,
        removed_in: 22,
        replacement: "admissionregistration.k8s.io/v1",
        changes: "webhooks[*].failurePolicy defaults to Fail, sideEffects and admissionReviewVersions are required",
    },
    Removal {
        group_version: "apiextensions.k8s.io/v1beta1",
        kinds: &["CustomResourceDefinition"],
        deprecated_in: 16,
        removed_in: 22,
        replacement: "apiextensions.k8s.io/v1",
        changes: "spec.scope is required, each version needs schema.openAPIV3Schema, spec.validation/version move into spec.versions[*]",
    },
    Removal {
        group_version: "apiregistration.k8s.io/v1beta1",
        kinds: &["APIService"],
        deprecated_in: 19,
        removed_in: 22,
        replacement: "apiregistration.k8s.io/v1",
        changes: "",
    },
    Removal {
        group_version: "authentication.k8s.io/v1beta1",
        kinds: &["TokenReview"],
        deprecated_in: 19,
        removed_in: 22,
        replacement: "authentication.k8s.io/v1",
        changes: "",
    },
    Removal {
        group_version: "authorization.k8s.io/v1beta1",
        kinds: &[],
        deprecated_in: 19,
        removed_in: 22,
        replacement: "authorization.k8s.io/v1",
        changes: "spec.group was renamed spec.groups",
    },
    Removal {
        group_version: "certificates.k8s.io/v1beta1",
        kinds: &["CertificateSigningRequest"],
        deprecated_in: 19,
        removed_in: 22,
        replacement: "certificates.k8s.io/v1",
        changes: "spec.signerName is required",
    },
    Removal {
        group_version: "coordination.k8s.io/v1beta1",
        kinds: &["Lease"],
        deprecated_in: 19,
        removed_in: 22,
        replacement: "coordination.k8s.io/v1",
        changes: "",
    },
    Removal {
        group_version: "rbac.authorization.k8s.io/v1beta1",
        kinds: &[],
        deprecated_in: 17,
        removed_in: 22,
        replacement: "rbac.authorization.k8s.io/v1",
        changes: "",
    },
    Removal {
        group_version: "rbac.authorization.k8s.io/v1alpha1",
        kinds: &[],
        deprecated_in: 17,
        removed_in: 22,
        replacement: "rbac.authorization.k8s.io/v1",
        changes: "",
    },
    Removal {
        group_version: "scheduling.k8s.io/v1beta1",
        kinds: &["PriorityClass"],
        deprecated_in: 14,
        removed_in: 22,
        replacement: "scheduling.k8s.io/v1",
        changes: "",
    },
    Removal {
        group_version: "scheduling.k8s.io/v1alpha1",
        kinds: &["PriorityClass"],
        deprecated_in: 14,
        removed_in: 22,
        replacement: "scheduling.k8s.io/v1",
        changes: "",
    },
    Removal {
        group_version: "storage.k8s.io/v1beta1",
        kinds: &["CSIDriver", "CSINode", "StorageClass", "VolumeAttachment"],
        deprecated_in: 19,
        removed_in: 22,
        replacement: "storage.k8s.io/v1",
        changes: "",
    },
    Removal {
        group_version: "batch/v1beta1",
        kinds: &["CronJob"],
        deprecated_in: 21,
        removed_in: 25,
        replacement: "batch/v1",
        changes: "",
    },
    Removal {
        group_version: "batch/v2alpha1",
        kinds: &["CronJob"],
        deprecated_in: 8,
        removed_in: 21,
        replacement: "batch/v1",
        changes: "",
    },
    Removal {
        group_version: "discovery.k8s.io/v1beta1",
        kinds: &["EndpointSlice"],
        deprecated_in: 21,
        removed_in: 25,
        replacement: "discovery.k8s.io/v1",
        changes: "endpoints[*].topology[\"kubernetes.io/hostname\"] becomes nodeName; topology becomes deprecatedTopology",
    },
    Removal {
        group_version: "events.k8s.io/v1beta1",
        kinds: &["Event"],
        deprecated_in: 19,
        removed_in: 25,
        replacement: "events.k8s.io/v1",
        changes: "type is limited to Normal and Warning; involvedObject is renamed regarding",
    },
    Removal {
        group_version: "autoscaling/v2beta1",
        kinds: &["HorizontalPodAutoscaler"],
        deprecated_in: 22,
        removed_in: 25,
        replacement: "autoscaling/v2",
        changes: "targetAverageUtilization becomes target.averageUtilization with target.type: Utilization",
    },
    Removal {
        group_version: "policy/v1beta1",
        kinds: &["PodDisruptionBudget"],
        deprecated_in: 21,
        removed_in: 25,
        replacement: "policy/v1",
        changes: "an empty spec.selector selects every pod in the namespace (it selected none)",
    },
    Removal {
        group_version: "policy/v1beta1",
        kinds: &["PodSecurityPolicy"],
        deprecated_in: 21,
        removed_in: 25,
        replacement: "",
        changes: "PodSecurityPolicy has no replacement kind: use Pod Security Admission (namespace labels)",
    },
    Removal {
        group_version: "node.k8s.io/v1beta1",
        kinds: &["RuntimeClass"],
        deprecated_in: 20,
        removed_in: 25,
        replacement: "node.k8s.io/v1",
        changes: "",
    },
    Removal {
        group_version: "autoscaling/v2beta2",
        kinds: &["HorizontalPodAutoscaler"],
        deprecated_in: 23,
        removed_in: 26,
        replacement: "autoscaling/v2",
        changes: "",
    },
    Removal {
        group_version: "flowcontrol.apiserver.k8s.io/v1beta1",
        kinds: &["FlowSchema", "PriorityLevelConfiguration"],
        deprecated_in: 23,
        removed_in: 26,
        replacement: "flowcontrol.apiserver.k8s.io/v1",
        changes: "",
    },
    Removal {
        group_version: "storage.k8s.io/v1beta1",
        kinds: &["CSIStorageCapacity"],
        deprecated_in: 24,
        removed_in: 27,
        replacement: "storage.k8s.io/v1",
        changes: "",
    },
    Removal {
        group_version: "flowcontrol.apiserver.k8s.io/v1beta2",
        kinds: &["FlowSchema", "PriorityLevelConfiguration"],
        deprecated_in: 26,
        removed_in: 29,
        replacement: "flowcontrol.apiserver.k8s.io/v1",
        changes: "",
    },
    Removal {
        group_version: "flowcontrol.apiserver.k8s.io/v1beta3",
        kinds: &["FlowSchema", "PriorityLevelConfiguration"],
        deprecated_in: 29,
        removed_in: 32,
        replacement: "flowcontrol.apiserver.k8s.io/v1",
        changes: "",
    },
];

const INGRESS_CHANGES: &str = "spec.backend is renamed spec.defaultBackend; backend.serviceName/servicePort become \
     backend.service.name and backend.service.port.number (or .name); every path needs pathType \
     (Prefix, Exact or ImplementationSpecific)";

pub fn removal(group_version: &str, kind: &str) -> Option<&'static Removal> {
    REMOVALS.iter().find(|r| {
        r.group_version == group_version && (r.kinds.is_empty() || r.kinds.contains(&kind))
    })
}

/// Where a group/version/kind stands at the target version.
pub enum Status {
    Served,
    /// Served, but gone from `removed_in` (a known later version).
    Deprecated {
        removed_in: u32,
        replacement: String,
        changes: &'static str,
    },
    Removed {
        removed_in: u32,
        replacement: String,
        changes: &'static str,
    },
    /// Only newer versions serve it.
    NotYet {
        since: u32,
    },
    /// No embedded version nor the table knows it.
    Unknown,
}

pub fn status(version: KubeVersion, group: &str, api_version: &str, kind: &str) -> Status {
    let v = api_version
        .rsplit_once('/')
        .map(|(_, v)| v)
        .unwrap_or(api_version);
    let served = store::served_minors(group, v, kind);
    let table = removal(api_version, kind);
    let replacement = |table: Option<&Removal>| -> String {
        match table {
            Some(r) => r.replacement.to_string(),
            None => preferred_version(version, group, kind).unwrap_or_default(),
        }
    };
    let changes = table.map(|r| r.changes).unwrap_or("");
    if served.contains(&version.minor) {
        if let Some(r) =
            table.filter(|r| r.removed_in > version.minor && r.deprecated_in <= version.minor)
        {
            return Status::Deprecated {
                removed_in: r.removed_in,
                replacement: replacement(Some(r)),
                changes,
            };
        }
        let gone = served
            .iter()
            .max()
            .map(|m| m + 1)
            .filter(|m| *m <= crate::version::NEWEST_MINOR);
        if let Some(removed_in) = gone {
            return Status::Deprecated {
                removed_in,
                replacement: replacement(table),
                changes,
            };
        }
        return Status::Served;
    }
    if let Some(r) = table.filter(|r| r.removed_in <= version.minor) {
        return Status::Removed {
            removed_in: r.removed_in,
            replacement: replacement(Some(r)),
            changes,
        };
    }
    if let Some(last) = served.iter().filter(|m| **m < version.minor).max() {
        return Status::Removed {
            removed_in: last + 1,
            replacement: replacement(table),
            changes,
        };
    }
    if let Some(first) = served.iter().min() {
        return Status::NotYet { since: *first };
    }
    Status::Unknown
}

/// The served apiVersion of `kind` in `group` at `version`, preferring GA over beta over alpha.
pub fn preferred_version(version: KubeVersion, group: &str, kind: &str) -> Option<String> {
    let schemas = store::version(version)?;
    let mut versions: Vec<&str> = schemas
        .kinds
        .keys()
        .filter(|(g, _, k)| g == group && k == kind)
        .map(|(_, v, _)| v.as_str())
        .collect();
    versions.sort_by_key(|v| (stability(v), std::cmp::Reverse(v.to_string())));
    versions.first().map(|v| {
        if group.is_empty() {
            v.to_string()
        } else {
            format!("{group}/{v}")
        }
    })
}

fn stability(v: &str) -> u8 {
    if v.contains("alpha") {
        2
    } else if v.contains("beta") {
        1
    } else {
        0
    }
}

/// Groups Kubernetes itself defines (any embedded version or the removal table).
pub fn builtin_groups() -> &'static BTreeSet<String> {
    static GROUPS: std::sync::OnceLock<BTreeSet<String>> = std::sync::OnceLock::new();
    GROUPS.get_or_init(|| {
        let mut groups: BTreeSet<String> =
            store::all_kinds().map(|(g, _, _)| g.to_string()).collect();
        for r in REMOVALS {
            groups.insert(
                r.group_version
                    .rsplit_once('/')
                    .map(|(g, _)| g)
                    .unwrap_or("")
                    .to_string(),
            );
        }
        groups
    })
}

/// Every served `group/version` and `group/version/Kind` (Helm's `.Capabilities.APIVersions`).
/// From the store's API-versions section, so `kforge template` inflates neither a version index
/// (that was a third of a small chart's run) nor the header (3.4M instructions, a tenth of a
/// small chart's render).
pub fn api_versions(version: KubeVersion) -> Vec<String> {
    if !version.is_embedded() {
        return Vec::new();
    }
    store::api_versions_at(version.minor)
}

#[cfg(test)]
fn collect_api_versions<'a>(
    kinds: impl Iterator<Item = (&'a str, &'a str, &'a str)>,
) -> Vec<String> {
    let mut out = BTreeSet::new();
    for (g, v, k) in kinds {
        if k.ends_with("List") {
            continue;
        }
        let gv = if g.is_empty() {
            v.to_string()
        } else {
            format!("{g}/{v}")
        };
        out.insert(format!("{gv}/{k}"));
        out.insert(gv);
    }
    out.into_iter().collect()
}

#[cfg(test)]
mod api_versions_tests {
    use super::*;

    /// The API-versions section gives the same list as each version's index.
    #[test]
    fn api_versions_from_their_section_match_the_index() {
        for version in KubeVersion::embedded() {
            let Some(schemas) = store::version(version) else {
                continue;
            };
            let from_index = collect_api_versions(
                schemas
                    .kinds
                    .keys()
                    .map(|(g, v, k)| (g.as_str(), v.as_str(), k.as_str())),
            );
            assert!(from_index.len() > 50, "{version:?}: {}", from_index.len());
            assert_eq!(api_versions(version), from_index, "{version:?}");
        }
    }
}
