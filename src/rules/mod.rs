//! The rules stage: checks across objects that no schema can express. Entry point: [`check`].
//!
//! Each rule lives in its own file with its [`Rule`] metadata (id, severity, summary,
//! rationale, failing and passing examples) and its check; the run is indexed once
//! ([`index::Index`]: objects by kind/namespace/name, pod templates with labels and containers)
//! and every check is a pass over that index.

mod duplicate_object;
mod hpa_target;
mod hygiene;
mod index;
mod ingress_backend;
mod missing_reference;
mod namespace;
mod networkpolicy_selects_nothing;
mod nodeport;
mod pdb_selects_nothing;
mod probe_port;
mod role_ref;
mod selector;
mod service_selects_nothing;
mod service_target_port;
mod statefulset_service;
mod workload_selector;

pub use duplicate_object::DUPLICATE_OBJECT;
pub use hpa_target::HPA_TARGET;
pub use hygiene::{
    HOST_NETWORK, HOST_PATH, IMAGE_TAG, PRIVILEGED, READINESS_PROBE, RESOURCES, RUN_AS_NON_ROOT,
};
pub use ingress_backend::INGRESS_BACKEND;
pub use missing_reference::MISSING_REFERENCE;
pub use namespace::NAMESPACE;
pub use networkpolicy_selects_nothing::NETWORKPOLICY_SELECTS_NOTHING;
pub use nodeport::NODEPORT;
pub use pdb_selects_nothing::PDB_SELECTS_NOTHING;
pub use probe_port::PROBE_PORT;
pub use role_ref::ROLE_REF;
pub use service_selects_nothing::SERVICE_SELECTS_NOTHING;
pub use service_target_port::SERVICE_TARGET_PORT;
pub use statefulset_service::STATEFULSET_SERVICE;
pub use workload_selector::WORKLOAD_SELECTOR;

use crate::check::CheckContext;
use crate::diag::{Diagnostic, Rule, Severity};
use index::Index;

pub const RULES: &[&Rule] = &[
    &WORKLOAD_SELECTOR,
    &SERVICE_SELECTS_NOTHING,
    &SERVICE_TARGET_PORT,
    &NODEPORT,
    &INGRESS_BACKEND,
    &MISSING_REFERENCE,
    &PROBE_PORT,
    &HPA_TARGET,
    &PDB_SELECTS_NOTHING,
    &NETWORKPOLICY_SELECTS_NOTHING,
    &STATEFULSET_SERVICE,
    &ROLE_REF,
    &DUPLICATE_OBJECT,
    &NAMESPACE,
    &IMAGE_TAG,
    &RESOURCES,
    &READINESS_PROBE,
    &PRIVILEGED,
    &RUN_AS_NON_ROOT,
    &HOST_PATH,
    &HOST_NETWORK,
];

type CheckFn = fn(&Index, &mut Vec<Diagnostic>);

/// The cross-object rules with their checks (the hygiene family runs its own table).
const CHECKS: &[(&Rule, CheckFn)] = &[
    (&WORKLOAD_SELECTOR, workload_selector::check),
    (&SERVICE_SELECTS_NOTHING, service_selects_nothing::check),
    (&SERVICE_TARGET_PORT, service_target_port::check),
    (&NODEPORT, nodeport::check),
    (&INGRESS_BACKEND, ingress_backend::check),
    (&MISSING_REFERENCE, missing_reference::check),
    (&PROBE_PORT, probe_port::check),
    (&HPA_TARGET, hpa_target::check),
    (&PDB_SELECTS_NOTHING, pdb_selects_nothing::check),
    (
        &NETWORKPOLICY_SELECTS_NOTHING,
        networkpolicy_selects_nothing::check,
    ),
    (&STATEFULSET_SERVICE, statefulset_service::check),
    (&ROLE_REF, role_ref::check),
    (&DUPLICATE_OBJECT, duplicate_object::check),
    (&NAMESPACE, namespace::check),
];

/// Runs every enabled rule over the run. Findings come back unsuppressed and with default
/// severities: `config::apply` applies the project's overrides and suppressions afterwards.
pub fn check(ctx: &CheckContext) -> Vec<Diagnostic> {
    let ix = Index::build(ctx);
    let mut out = Vec::new();
    for (rule, check) in CHECKS {
        if ctx.config.is_enabled(rule) {
            check(&ix, &mut out);
        }
    }
    hygiene::check(&ix, &mut out);
    out
}

/// Severity of "the run does not create X": X may exist in the cluster already, so a warning,
/// unless `--strict` (or `strict: true` in the config) closes the world.
pub(crate) fn may_pre_exist(ctx: &CheckContext) -> Severity {
    if ctx.strict || ctx.config.strict {
        Severity::Error
    } else {
        Severity::Warning
    }
}

#[cfg(test)]
mod tests;
