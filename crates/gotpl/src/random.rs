//! Sprig's random functions (`randAlphaNum`, `uuidv4`, …) drawing from the run's seeded generator.

use crate::func::Func;

pub const FUNCS: &[Func] = &[];
