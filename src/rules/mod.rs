//! The rules stage: checks across objects that no schema can express. Entry point: [`check`].
//!
//! Each rule's check lives in its own file (`src/rules/<name>.rs`; the hygiene family shares
//! `hygiene.rs`); its [`Rule`] metadata (id, severity, summary, rationale, failing and passing
//! examples) is in `src/catalog/rules.rs`, like every stage's. The run is indexed once
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

pub use crate::catalog::rules::*;

use crate::check::CheckContext;
use crate::diag::{Diagnostic, Rule, Severity};
use index::Index;

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
