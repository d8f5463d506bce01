//! `rules/role-ref`: a RoleBinding or ClusterRoleBinding refers to a role the run does not
//! create.
//!
//! ## How it is checked
//! Looks up `roleRef` (a ClusterRole, or a Role in the binding's namespace). Built-in
//! ClusterRoles (`view`, `edit`, `admin`, `cluster-admin` and every `system:*` role) and the
//! control plane's Roles in `kube-system` (`extension-apiserver-authentication-reader`,
//! `system:*`) are always present. A missing role is a warning: it may already exist (an error with `--strict`).
//!
//! What the rule is, why it matters and its examples: [`ROLE_REF`] in `src/catalog/rules.rs`
//! (`kforge rules rules/role-ref`).

use super::index::Index;
use crate::catalog::rules::ROLE_REF;
use crate::diag::{Diagnostic, did_you_mean};
use crate::yaml::Node;

const BUILTIN_CLUSTER_ROLES: &[&str] = &["view", "edit", "admin", "cluster-admin"];

/// Roles the control plane creates in its own namespaces (kube-apiserver bootstrap policy).
fn builtin_role(namespace: &str, name: &str) -> bool {
    matches!(namespace, "kube-system" | "kube-public")
        && (name.starts_with("system:") || name == "extension-apiserver-authentication-reader")
}

pub fn check(ix: &Index, out: &mut Vec<Diagnostic>) {
    for binding in ix
        .objects()
        .iter()
        .filter(|o| matches!(o.kind.as_str(), "RoleBinding" | "ClusterRoleBinding"))
    {
        let Some(role_ref) = binding.root.get("roleRef") else {
            continue;
        };
        let (Some(kind), Some(name_node)) = (
            role_ref.get("kind").and_then(Node::as_str),
            role_ref.get("name"),
        ) else {
            continue;
        };
        let Some(name) = name_node.as_str() else {
            continue;
        };
        let ns = match kind {
            "ClusterRole" => {
                if BUILTIN_CLUSTER_ROLES.contains(&name) || name.starts_with("system:") {
                    continue;
                }
                ""
            }
            "Role" => {
                let ns = ix.ns(binding);
                if builtin_role(ns, name) {
                    continue;
                }
                ns
            }
            _ => continue,
        };
        if ix.get(kind, ns, name).is_some()
            || ix
                .ctx
                .config
                .assumes(kind, (!ns.is_empty()).then_some(ns), name)
        {
            continue;
        }
        let others: Vec<&str> = ix
            .of_kind(kind)
            .filter(|o| kind == "ClusterRole" || ix.ns(o) == ns)
            .map(|o| o.name.as_str())
            .collect();
        let where_ = if ns.is_empty() {
            String::new()
        } else {
            format!(" in namespace \"{ns}\"")
        };
        let help = match did_you_mean(name, others.iter().copied()) {
            Some(n) => format!("did you mean {kind} \"{n}\"?"),
            None => format!(
                "create {kind} \"{name}\" in the run, or list it under assume-exists in .kforge.yaml"
            ),
        };
        out.push(
            Diagnostic::new(
                &ROLE_REF,
                format!(
                    "{} \"{}\" binds {kind} \"{name}\", which the run does not create",
                    binding.kind, binding.name
                ),
            )
            .with_severity(super::may_pre_exist(ix.ctx))
            .at(name_node.site(), format!("no {kind} \"{name}\"{where_}"))
            .with_object(binding.object_ref())
            .with_note(
                "the role may already exist in the cluster; if not, the binding grants nothing",
            )
            .with_help(help),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::tests::check;

    /// A `binding` kind in `ns` (none for a ClusterRoleBinding) binding `role` named `name`.
    fn binding(kind: &str, ns: &str, role: &str, name: &str) -> String {
        let ns = if ns.is_empty() {
            String::new()
        } else {
            format!("  namespace: {ns}\n")
        };
        format!(
            "apiVersion: rbac.authorization.k8s.io/v1\nkind: {kind}\nmetadata:\n  name: b\n{ns}roleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: {role}\n  name: {name}\nsubjects:\n  - kind: ServiceAccount\n    name: default\n    namespace: default\n"
        )
    }

    fn role(ns: &str, name: &str) -> String {
        format!(
            "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: {name}\n  namespace: {ns}\nrules: []\n---\n"
        )
    }

    /// (message, help) of each finding.
    fn findings(yaml: &str) -> Vec<(String, String)> {
        check(yaml)
            .of("rules/role-ref")
            .iter()
            .map(|d| (d.message.clone(), d.help.clone().unwrap_or_default()))
            .collect()
    }

    #[test]
    fn builtin_cluster_roles_exist_everywhere() {
        for name in [
            "view",
            "edit",
            "admin",
            "cluster-admin",
            "system:auth-delegator",
        ] {
            assert_eq!(
                findings(&binding("ClusterRoleBinding", "", "ClusterRole", name)),
                vec![],
                "{name}"
            );
            assert_eq!(
                findings(&binding("RoleBinding", "apps", "ClusterRole", name)),
                vec![],
                "{name}"
            );
        }
        assert_eq!(
            findings(&binding("ClusterRoleBinding", "", "ClusterRole", "admins")),
            vec![(
                "ClusterRoleBinding \"b\" binds ClusterRole \"admins\", which the run does not create".to_string(),
                "create ClusterRole \"admins\" in the run, or list it under assume-exists in .kforge.yaml".to_string()
            )]
        );
    }

    /// The control plane's Roles exist in kube-system and kube-public only.
    #[test]
    fn builtin_roles_exist_in_the_control_plane_namespaces_only() {
        for ns in ["kube-system", "kube-public"] {
            for name in [
                "system:controller:bootstrap-signer",
                "extension-apiserver-authentication-reader",
            ] {
                assert_eq!(findings(&binding("RoleBinding", ns, "Role", name)), vec![]);
            }
        }
        assert_eq!(
            findings(&binding(
                "RoleBinding",
                "apps",
                "Role",
                "extension-apiserver-authentication-reader"
            ))
            .len(),
            1
        );
        assert_eq!(
            findings(&binding("RoleBinding", "apps", "Role", "system:x")).len(),
            1
        );
    }

    /// A Role counts in its own namespace only; a close name in that namespace is suggested.
    #[test]
    fn roles_are_looked_up_in_the_binding_namespace() {
        let same = format!(
            "{}{}",
            role("apps", "reader"),
            binding("RoleBinding", "apps", "Role", "reader")
        );
        assert_eq!(findings(&same), vec![]);
        let other = format!(
            "{}{}",
            role("tools", "reader"),
            binding("RoleBinding", "apps", "Role", "reader")
        );
        assert_eq!(
            findings(&other),
            vec![(
                "RoleBinding \"b\" binds Role \"reader\", which the run does not create"
                    .to_string(),
                "create Role \"reader\" in the run, or list it under assume-exists in .kforge.yaml"
                    .to_string()
            )]
        );
        let typo = format!(
            "{}{}",
            role("apps", "reader"),
            binding("RoleBinding", "apps", "Role", "raeder")
        );
        assert_eq!(
            findings(&typo),
            vec![(
                "RoleBinding \"b\" binds Role \"raeder\", which the run does not create"
                    .to_string(),
                "did you mean Role \"reader\"?".to_string()
            )]
        );
    }
}
