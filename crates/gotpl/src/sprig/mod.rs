//! Sprig v3's functions (Masterminds/sprig functions.go), one module per family.

use crate::func::Func;

/// Every Sprig table, in the order they are registered (a later name overrides an earlier one).
pub const TABLES: &[&[Func]] = &[];
