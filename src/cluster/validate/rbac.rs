//! rbac.authorization.k8s.io: Role, ClusterRole, RoleBinding, ClusterRoleBinding.

use crate::cluster::field::{Errors, FieldPath};
use crate::cluster::names;
use crate::yaml::Node;

const RBAC_GROUP: &str = "rbac.authorization.k8s.io";

pub fn binding(root: &Node, cluster: bool, e: &mut Errors) {
    let rp = FieldPath::of("roleRef");
    match root.get("roleRef") {
        None => e.required(&rp.key("name"), ""),
        Some(r) => {
            if let Some(g) = r.get("apiGroup")
                && g.as_str().is_some_and(|v| v != RBAC_GROUP && !v.is_empty())
            {
                e.unsupported(&rp.key("apiGroup"), g, &[RBAC_GROUP]);
            }
            let allowed: &[&str] = if cluster {
                &["ClusterRole"]
            } else {
                &["ClusterRole", "Role"]
            };
            match r.get("kind") {
                Some(k) if k.as_str().is_some_and(|v| !allowed.contains(&v)) => {
                    e.unsupported(&rp.key("kind"), k, allowed)
                }
                None => e.required(&rp.key("kind"), ""),
                _ => {}
            }
            match r
                .get("name")
                .filter(|n| n.as_str().is_some_and(|s| !s.is_empty()))
            {
                None => e.required(&rp.key("name"), ""),
                Some(n) => e.check(
                    &rp.key("name"),
                    n,
                    names::path_segment(n.as_str().unwrap_or_default()),
                ),
            }
        }
    }
    for (i, s) in root
        .get("subjects")
        .and_then(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .enumerate()
    {
        let sp = FieldPath::of("subjects").index(i);
        let kind = s.get("kind").and_then(Node::as_str).unwrap_or("");
        let group = s.get("apiGroup").and_then(Node::as_str).unwrap_or("");
        if s.get("name")
            .and_then(Node::as_str)
            .is_none_or(str::is_empty)
        {
            e.required(&sp.key("name"), "");
        }
        match kind {
            "ServiceAccount" => {
                if let Some(g) = s.get("apiGroup").filter(|_| !group.is_empty()) {
                    e.unsupported(&sp.key("apiGroup"), g, &[""]);
                }
                if cluster
                    && s.get("namespace")
                        .and_then(Node::as_str)
                        .is_none_or(str::is_empty)
                {
                    e.required(&sp.key("namespace"), "");
                }
            }
            "User" | "Group" => {
                if let Some(g) = s
                    .get("apiGroup")
                    .filter(|_| !group.is_empty() && group != RBAC_GROUP)
                {
                    e.unsupported(&sp.key("apiGroup"), g, &[RBAC_GROUP]);
                }
            }
            _ => match s.get("kind") {
                Some(k) => e.unsupported(&sp.key("kind"), k, &["ServiceAccount", "User", "Group"]),
                None => e.required(&sp.key("kind"), ""),
            },
        }
    }
}

pub fn role(root: &Node, namespaced: bool, e: &mut Errors) {
    for (i, r) in root
        .get("rules")
        .and_then(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .enumerate()
    {
        let rp = FieldPath::of("rules").index(i);
        if r.get("verbs")
            .and_then(Node::as_seq)
            .is_none_or(<[Node]>::is_empty)
        {
            e.required(&rp.key("verbs"), "verbs must contain at least one value");
        }
        if namespaced
            && r.get("nonResourceURLs")
                .and_then(Node::as_seq)
                .is_some_and(|s| !s.is_empty())
        {
            e.invalid(
                &rp.key("nonResourceURLs"),
                "null",
                "namespaced rules cannot apply to non-resource URLs",
            );
        }
    }
}
