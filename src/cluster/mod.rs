//! The cluster stage: dry-run apply of the objects to an in-memory model of the API server, the
//! controllers and the scheduler. Entry point: [`apply`].
//!
//! Order of work, as in a real cluster: the apply (install order; namespaces and CRDs must
//! exist; API-server validation; defaulting; immutable fields on update; clusterIP and nodePort
//! allocation), then the controllers (workloads → pods, StatefulSet claims, PVC binding), the
//! scheduler (pods → nodes), and the endpoints controller (Services → ready pods).

mod allocators;
mod apply;
mod controllers;
mod defaults;
mod field;
mod immutable;
mod names;
mod output;
mod profile;
mod quantity;
mod scheduler;
pub(crate) mod selector;
mod state;
mod validate;

pub use crate::catalog::cluster::*;
pub use allocators::{Cidr, PortRange};
pub use profile::{NodeSpec, Profile, Taint};
pub use state::{ClusterState, Key, Origin, SpecView, Stored};

use crate::budget::Budgets;
use crate::check::CheckContext;
use crate::diag::Diagnostic;

/// Applies `ctx.objects` to `profile` and runs the controllers and the scheduler, within the
/// default budgets.
pub fn apply(ctx: &CheckContext, profile: &Profile) -> (ClusterState, Vec<Diagnostic>) {
    apply_within(ctx, profile, &Budgets::default())
}

/// [`apply`] within `budgets`: past the pod budget no pod is made, past the work budget the
/// scheduler stops; either ends in a `run/limit` error.
pub fn apply_within(
    ctx: &CheckContext,
    profile: &Profile,
    budgets: &Budgets,
) -> (ClusterState, Vec<Diagnostic>) {
    let (mut state, diags) = check_within(ctx, profile, budgets);
    controllers::endpoints(&mut state);
    (state, diags)
}

/// [`apply_within`] for its findings: the Endpoints controller, which finds nothing and whose
/// objects only the printed cluster shows (`kforge simulate`), does not run (issue 19: a
/// tenth of the stage's instructions and ~100 page faults of the rendered corpus, for objects
/// `kforge lint` never reads).
pub fn check_within(
    ctx: &CheckContext,
    profile: &Profile,
    budgets: &Budgets,
) -> (ClusterState, Vec<Diagnostic>) {
    let mut applier = apply::Applier::new(ctx, profile);
    applier.apply_all();
    let mut state = applier.state;
    let mut diags = applier.diags;
    if let Err(planned) = controllers::expand(&mut state, ctx.objects, budgets.pods as u64) {
        diags.push(crate::budget::exceeded(
            format!("the workloads ask for {planned} pods"),
            budgets.pods,
            "--max-pods",
        ));
        return (state, diags);
    }
    controllers::bind_claims(&mut state, ctx, &mut diags);
    scheduler::schedule(&mut state, ctx, &mut diags, budgets.cluster_work);
    (state, diags)
}
