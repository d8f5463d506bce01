//! `.Capabilities.APIVersions` of a run.
//!
//! `helm template` offers only client-go's built-in group/versions plus `--api-versions`;
//! `helm install` asks the cluster, whose discovery lists `group/version` and
//! `group/version/Kind` for every served API, CRDs included (Helm installs a chart's `crds/`
//! and refreshes discovery before rendering). kforge models the install: the embedded schemas
//! of the target Kubernetes version, the CRDs the run holds (charts' `crds/`, manifest inputs,
//! `--crd` files), then `--api-versions` as given. `Has` is plain membership, as Helm's
//! `VersionSet.Has`, so both the `group/version` and the `group/version/Kind` forms answer.

use std::collections::BTreeSet;

use crate::object::Object;
use crate::version::KubeVersion;
use crate::yaml::Node;

/// The version set: built-ins sorted, then CRD versions not already built in (sorted), then
/// `extra` in the order given (Helm appends `--api-versions` without removing repeats).
pub fn api_versions(kube: KubeVersion, crds: &[&Object], extra: &[String]) -> Vec<String> {
    let mut out = built_in(kube);
    let from_crds: BTreeSet<String> = crds.iter().flat_map(|crd| crd_versions(crd)).collect();
    if !from_crds.is_empty() {
        let known: std::collections::HashSet<&str> = out.iter().map(String::as_str).collect();
        let new: Vec<String> = from_crds
            .into_iter()
            .filter(|v| !known.contains(v.as_str()))
            .collect();
        out.extend(new);
    }
    out.extend(extra.iter().cloned());
    out
}

/// The built-in versions of `kube`, read from the embedded schemas once per process and
/// version (each chart of a long-lived process asked again: ~1,000 lines split and parsed).
fn built_in(kube: KubeVersion) -> Vec<String> {
    static LAST: std::sync::Mutex<Option<(KubeVersion, Vec<String>)>> = std::sync::Mutex::new(None);
    if let Ok(last) = LAST.lock()
        && let Some((k, versions)) = last.as_ref()
        && *k == kube
    {
        return versions.clone();
    }
    let versions = crate::schema::api_versions(kube);
    if let Ok(mut last) = LAST.lock() {
        *last = Some((kube, versions.clone()));
    }
    versions
}

/// `group/version` and `group/version/Kind` for each served version of a CRD object (none for
/// any other object). `v1beta1` CRDs may name one `version` instead of a `versions` list.
pub fn crd_versions(object: &Object) -> Vec<String> {
    if !object.is_crd() {
        return Vec::new();
    }
    let Some(spec) = object.root.get("spec") else {
        return Vec::new();
    };
    let (Some(group), Some(kind)) = (
        spec.get("group").and_then(Node::as_str),
        spec.path(&["names", "kind"]).and_then(Node::as_str),
    ) else {
        return Vec::new();
    };
    let mut versions: Vec<&str> = spec
        .get("versions")
        .and_then(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .filter(|v| v.get("served").and_then(Node::as_bool) != Some(false))
        .filter_map(|v| v.get("name").and_then(Node::as_str))
        .collect();
    if let Some(v) = spec.get("version").and_then(Node::as_str) {
        versions.push(v);
    }
    versions
        .into_iter()
        .filter(|v| !v.is_empty())
        .flat_map(|v| [format!("{group}/{v}"), format!("{group}/{v}/{kind}")])
        .collect()
}

/// Checks one `--api-versions` value as Helm would use it: `group/version` or
/// `group/version/Kind` (the core group is a bare `v1`). Helm takes any string; kforge refuses
/// what could never match, so a typo does not silently change nothing.
pub fn check_flag(value: &str) -> Result<(), String> {
    let parts: Vec<&str> = value.split('/').collect();
    let ok = !value.is_empty()
        && parts.len() <= 3
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        });
    if ok {
        Ok(())
    } else {
        Err(format!(
            "--api-versions {value:?}: expected group/version or group/version/Kind (e.g. monitoring.coreos.com/v1 or monitoring.coreos.com/v1/ServiceMonitor)"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceMap;

    fn objects(text: &str) -> Vec<Object> {
        let mut sources = SourceMap::new();
        let file = sources.add("crds.yaml", text, crate::source::SourceKind::Manifest);
        let (objects, diags) =
            crate::object::parse(&sources, &[file], &crate::yaml::Limits::default());
        assert!(diags.is_empty(), "{diags:?}");
        objects
    }

    const CRD: &str = "apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  versions:
  - {name: v1, served: true, storage: true}
  - {name: v1alpha1, served: false, storage: false}
  - {name: v2, served: true, storage: false}
---
apiVersion: apiextensions.k8s.io/v1beta1
kind: CustomResourceDefinition
metadata: {name: gadgets.old.io}
spec:
  group: old.io
  version: v1beta1
  names: {kind: Gadget, plural: gadgets}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: not-a-crd}
";

    #[test]
    fn served_crd_versions_in_both_forms() {
        let crds = objects(CRD);
        let all: Vec<String> = crds.iter().flat_map(crd_versions).collect();
        assert_eq!(
            all,
            [
                "example.com/v1",
                "example.com/v1/Widget",
                "example.com/v2",
                "example.com/v2/Widget",
                "old.io/v1beta1",
                "old.io/v1beta1/Gadget"
            ]
        );
    }

    #[test]
    fn builtins_then_crds_then_flags_as_given() {
        let crds = objects(CRD);
        let extra = vec!["x.io/v1".to_string(), "apps/v1".to_string()];
        let crds: Vec<&Object> = crds.iter().collect();
        let set = api_versions(KubeVersion::NEWEST, &crds, &extra);
        let builtin = crate::schema::api_versions(KubeVersion::NEWEST);
        assert_eq!(set.get(..builtin.len()), Some(&builtin[..]));
        assert_eq!(
            set.get(builtin.len()..),
            Some(
                &[
                    "example.com/v1",
                    "example.com/v1/Widget",
                    "example.com/v2",
                    "example.com/v2/Widget",
                    "old.io/v1beta1",
                    "old.io/v1beta1/Gadget",
                    "x.io/v1",
                    "apps/v1"
                ]
                .map(String::from)[..]
            )
        );
    }

    #[test]
    fn flag_values_are_group_version_or_with_kind() {
        for ok in ["v1", "apps/v1", "monitoring.coreos.com/v1/ServiceMonitor"] {
            assert_eq!(check_flag(ok), Ok(()), "{ok}");
        }
        for bad in ["", "a//b", "a/b/c/d", "apps/v1 ", "/v1"] {
            assert!(check_flag(bad).is_err(), "{bad:?}");
        }
    }
}
