//! Sprig's time functions (`now`, `date`, `toDate`, `duration`, …) on a fixed instant.

use crate::func::Func;

pub const FUNCS: &[Func] = &[];
