//! The cluster stage: dry-run apply of the objects to an in-memory model of the API server, the
//! controllers and the scheduler. Entry point: [`apply`].

use crate::check::CheckContext;
use crate::diag::{Diagnostic, Rule};

pub const RULES: &[&Rule] = &[];

/// The cluster after the apply: every object with defaults applied, plus what the controllers
/// and the scheduler made of them.
#[derive(Debug, Default)]
pub struct ClusterState {}

pub fn apply(ctx: &CheckContext) -> (ClusterState, Vec<Diagnostic>) {
    let _ = ctx;
    (ClusterState::default(), Vec::new())
}
