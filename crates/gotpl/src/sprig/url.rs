//! Sprig's `urlParse` and `urlJoin` (Go's net/url), and `getHostByName`.

use crate::func::Func;

pub const FUNCS: &[Func] = &[];
