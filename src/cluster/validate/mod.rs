//! API-server validation per kind. Each checker collects [`FieldError`]s with the API server's
//! field paths and texts; [`validate`] dispatches on group and kind.

mod autoscaling;
mod core;
mod cron;
pub mod meta;
mod networking;
pub mod pod;
mod policy;
mod rbac;
mod service;
mod workload;

use crate::cluster::field::Errors;
use crate::object::Object;

/// Everything the API server would reject (or warn about) in `obj` on create.
pub fn validate(obj: &Object, namespaced: bool, wording: crate::cluster::field::Wording) -> Errors {
    let mut e = Errors(Vec::new(), wording);
    meta::object_meta(obj, namespaced, &mut e);
    let root = &obj.root;
    match (obj.group(), obj.kind.as_str()) {
        ("", "Pod") => match root.get("spec") {
            Some(spec) => pod::pod_spec(
                spec,
                &crate::cluster::field::FieldPath::of("spec"),
                pod::Owner::Pod,
                &mut e,
            ),
            None => e.required(&crate::cluster::field::FieldPath::of("spec.containers"), ""),
        },
        ("", "Service") => service::service(root, &mut e),
        ("", "ConfigMap") => core::config_map(root, &mut e),
        ("", "Secret") => core::secret(root, &mut e),
        ("", "PersistentVolumeClaim") => core::pvc(root, &mut e),
        ("", "ReplicationController") => {
            workload::replica_set(root, "ReplicationController", &mut e)
        }
        ("apps", "Deployment") => workload::deployment(root, &mut e),
        ("apps", "ReplicaSet") => workload::replica_set(root, "ReplicaSet", &mut e),
        ("apps", "StatefulSet") => workload::stateful_set(root, &mut e),
        ("apps", "DaemonSet") => workload::daemon_set(root, &mut e),
        ("batch", "Job") => workload::job(root, &obj.name, &mut e),
        ("batch", "CronJob") => workload::cron_job(root, &obj.name, &mut e),
        ("networking.k8s.io", "Ingress") => networking::ingress(root, &mut e),
        ("networking.k8s.io", "NetworkPolicy") => networking::network_policy(root, &mut e),
        ("rbac.authorization.k8s.io", "RoleBinding") => rbac::binding(root, false, &mut e),
        ("rbac.authorization.k8s.io", "ClusterRoleBinding") => rbac::binding(root, true, &mut e),
        ("rbac.authorization.k8s.io", "Role") => rbac::role(root, true, &mut e),
        ("rbac.authorization.k8s.io", "ClusterRole") => rbac::role(root, false, &mut e),
        ("autoscaling", "HorizontalPodAutoscaler") => autoscaling::hpa(root, &mut e),
        ("policy", "PodDisruptionBudget") => policy::pdb(root, &mut e),
        _ => {}
    }
    e
}
