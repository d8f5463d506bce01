//! Go's predefined template functions (text/template/funcs.go), but `and`/`or`, which the
//! executor evaluates itself because they short-circuit.

use crate::func::Func;

pub const FUNCS: &[Func] = &[];
