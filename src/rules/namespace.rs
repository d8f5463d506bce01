//! `rules/namespace`: a namespaced object in a namespace nothing creates.
//!
//! ## How it is checked
//! Every namespaced object lands in its `metadata.namespace` (or the release namespace). That
//! namespace must be created by the run (a `Namespace` object), be the release namespace, be
//! one every cluster has (`default`, `kube-system`, `kube-public`, `kube-node-lease`), or be
//! listed under `assume-namespaces` in `.kforge.yaml`. Otherwise a warning (an error with
//! `--strict`): the namespace may already exist.
//!
//! What the rule is, why it matters and its examples: [`NAMESPACE`] in `src/catalog/rules.rs`
//! (`kforge rules rules/namespace`).

use super::index::Index;
use crate::catalog::rules::NAMESPACE;
use crate::diag::Diagnostic;
use crate::yaml::Node;
use std::collections::{BTreeMap, BTreeSet};

const ALWAYS_THERE: &[&str] = &["default", "kube-system", "kube-public", "kube-node-lease"];

pub fn check(ix: &Index, out: &mut Vec<Diagnostic>) {
    let created: BTreeSet<&str> = ix.of_kind("Namespace").map(|o| o.name.as_str()).collect();
    let config = ix.ctx.config;
    // One finding per namespace, at its first use; later uses are labels.
    let mut missing: BTreeMap<&str, Vec<&crate::object::Object>> = BTreeMap::new();
    for obj in ix.objects() {
        if ix.cluster_scoped(obj) != Some(false) {
            continue;
        }
        let Some(ns) = obj.namespace.as_deref() else {
            continue;
        };
        if ns == ix.ctx.release_namespace
            || ALWAYS_THERE.contains(&ns)
            || created.contains(ns)
            || config.assume_namespaces.iter().any(|n| n == ns)
        {
            continue;
        }
        missing.entry(ns).or_default().push(obj);
    }
    for (ns, objects) in missing {
        let Some(first) = objects.first() else {
            continue;
        };
        let site = |o: &crate::object::Object| {
            o.root
                .path(&["metadata", "namespace"])
                .map(Node::site)
                .unwrap_or(o.name_span())
        };
        let mut d = Diagnostic::new(
            &NAMESPACE,
            format!(
                "{} \"{}\" is in namespace \"{ns}\", which the run does not create",
                first.kind, first.name
            ),
        )
        .with_severity(super::may_pre_exist(ix.ctx))
        .at(
            site(first),
            format!("namespace \"{ns}\" is not created by the run"),
        )
        .with_object(first.object_ref())
        .with_note(format!(
            "the API server refuses it unless namespace \"{ns}\" already exists"
        ));
        if objects.len() > 1 {
            d = d.with_note(format!(
                "{} more objects of the run use namespace \"{ns}\"",
                objects.len() - 1
            ));
        }
        out.push(d.with_help(format!(
            "add a Namespace \"{ns}\" to the run, or list it under assume-namespaces in .kforge.yaml"
        )));
    }
}

#[cfg(test)]
mod tests {
    use crate::config::Config;
    use crate::rules::tests::{check, check_in, check_with};

    fn config_map(name: &str, ns: &str) -> String {
        format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n  namespace: {ns}\n")
    }

    /// A CRD for `Widget` (group example.com) of `scope`, and a Widget in namespace "apps".
    fn widget(scope: &str) -> String {
        format!(
            "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.com\nspec:\n  group: example.com\n  scope: {scope}\n  names:\n    kind: Widget\n    plural: widgets\n  versions:\n    - name: v1\n      served: true\n      storage: true\n      schema:\n        openAPIV3Schema:\n          type: object\n          x-kubernetes-preserve-unknown-fields: true\n---\napiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n  namespace: apps\n"
        )
    }

    /// (message, notes) of each finding.
    fn findings(yaml: &str, config: &Config) -> Vec<(String, Vec<String>)> {
        check_with(yaml, config, false)
            .of("rules/namespace")
            .iter()
            .map(|d| (d.message.clone(), d.notes.clone()))
            .collect()
    }

    const REFUSED: &str = "the API server refuses it unless namespace \"apps\" already exists";

    /// One finding per namespace; the other objects in it are counted in a note, which a lone
    /// object does not get.
    #[test]
    fn later_uses_of_a_namespace_are_counted_once() {
        let first = "ConfigMap \"a\" is in namespace \"apps\", which the run does not create";
        assert_eq!(
            findings(&config_map("a", "apps"), &Config::default()),
            vec![(first.to_string(), vec![REFUSED.to_string()])]
        );
        let two = format!(
            "{}---\n{}",
            config_map("a", "apps"),
            config_map("b", "apps")
        );
        assert_eq!(
            findings(&two, &Config::default()),
            vec![(
                first.to_string(),
                vec![
                    REFUSED.to_string(),
                    "1 more objects of the run use namespace \"apps\"".to_string()
                ]
            )]
        );
    }

    /// The near misses that are fine: the namespace is created by the run, always exists, is
    /// the release namespace or assumed by the config, or the kind has no namespace.
    #[test]
    fn namespaces_that_exist_are_silent() {
        let none = Vec::<(String, Vec<String>)>::new();
        let created = format!(
            "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n---\n{}",
            config_map("a", "apps")
        );
        assert_eq!(findings(&created, &Config::default()), none);
        for ns in ["default", "kube-system", "kube-public", "kube-node-lease"] {
            assert_eq!(
                findings(&config_map("a", ns), &Config::default()),
                none,
                "{ns}"
            );
        }
        let assumed = Config {
            assume_namespaces: vec!["apps".to_string()],
            ..Config::default()
        };
        assert_eq!(findings(&config_map("a", "apps"), &assumed), none);
        // A cluster-scoped kind ignores metadata.namespace.
        let cluster_role = "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: r\n  namespace: apps\nrules: []\n";
        assert_eq!(findings(cluster_role, &Config::default()), none);
    }

    /// A custom resource is namespaced or not as its CRD says.
    #[test]
    fn custom_resources_follow_their_crd_scope() {
        assert_eq!(findings(&widget("Cluster"), &Config::default()), vec![]);
        assert_eq!(
            findings(&widget("Namespaced"), &Config::default()),
            vec![(
                "Widget \"w\" is in namespace \"apps\", which the run does not create".to_string(),
                vec![REFUSED.to_string()]
            )]
        );
        // The release namespace of the tests is "default".
        assert!(
            check(&config_map("a", "default"))
                .of("rules/namespace")
                .is_empty()
        );
    }

    /// The release namespace is created by the install (or exists); another one is not.
    #[test]
    fn the_release_namespace_exists() {
        assert!(
            check_in(&config_map("a", "apps"), "apps")
                .of("rules/namespace")
                .is_empty()
        );
        assert_eq!(
            check_in(&config_map("a", "apps"), "web")
                .of("rules/namespace")
                .len(),
            1
        );
        // Objects without a namespace land in the release namespace.
        assert!(
            check_in(
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n",
                "web"
            )
            .of("rules/namespace")
            .is_empty()
        );
    }
}
