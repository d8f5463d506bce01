//! The rules stage: checks across objects that no schema can express. Entry point: [`check`].

use crate::check::CheckContext;
use crate::diag::{Diagnostic, Rule};

pub const RULES: &[&Rule] = &[];

pub fn check(ctx: &CheckContext) -> Vec<Diagnostic> {
    let _ = ctx;
    Vec::new()
}
