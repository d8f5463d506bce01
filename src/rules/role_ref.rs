//! `rules/role-ref`: a RoleBinding or ClusterRoleBinding refers to a role the run does not
//! create.
//!
//! ## What it does
//! Looks up `roleRef` (a ClusterRole, or a Role in the binding's namespace). Built-in
//! ClusterRoles (`view`, `edit`, `admin`, `cluster-admin` and every `system:*` role) and the
//! control plane's Roles in `kube-system` (`extension-apiserver-authentication-reader`,
//! `system:*`) are always present. A missing role is a warning: it may already exist (an error with `--strict`).
//!
//! ## Why is this bad?
//! A binding to a missing role grants nothing, so the subjects are denied at run time.
//!
//! ## Example
//! ```yaml
//! roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}   # no Role reader
//! ```
//!
//! ## Use instead
//! A Role `reader` in the same namespace as the binding, or a built-in ClusterRole.

use super::index::Index;
use crate::diag::{Diagnostic, Rule, Severity, did_you_mean};
use crate::yaml::Node;

pub static ROLE_REF: Rule = Rule {
    id: "rules/role-ref",
    severity: Severity::Warning,
    default_enabled: true,
    summary: "A role binding refers to a Role or ClusterRole the run does not create",
    rationale: "A binding to a role that does not exist grants nothing: the service account is \
                denied at run time and the application fails with 403 errors. Built-in \
                ClusterRoles always exist; other roles may exist outside the run, hence a warning.",
    failing: "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: reader\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: Role\n  name: reader\nsubjects:\n  - kind: ServiceAccount\n    name: app\n",
    passing: "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: reader\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: view\nsubjects:\n  - kind: ServiceAccount\n    name: app\n",
};

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
