//! Sprig's `semver` and `semverCompare` (Masterminds/semver v3.5.0).

use crate::func::Func;

pub const FUNCS: &[Func] = &[];
