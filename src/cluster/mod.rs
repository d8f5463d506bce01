//! The cluster stage: dry-run apply of the objects to an in-memory model of the API server, the
//! controllers and the scheduler. Entry point: [`apply`].

use crate::check::CheckContext;
use crate::diag::{Diagnostic, Rule};

pub const RULES: &[&Rule] = &[];

/// The cluster after the apply: every object with defaults applied, plus what the controllers
/// and the scheduler made of them.
#[derive(Debug, Default)]
pub struct ClusterState {}

/// The cluster the objects are applied to: nodes, NodePort range, service CIDR, what already
/// exists. `Profile::default()` is the built-in profile.
#[derive(Clone, Debug, Default)]
pub struct Profile {}

pub fn apply(ctx: &CheckContext, profile: &Profile) -> (ClusterState, Vec<Diagnostic>) {
    let _ = (ctx, profile);
    (ClusterState::default(), Vec::new())
}
