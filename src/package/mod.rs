//! Chart archives: the byte-reproducible writer (`kforge package`) and the bounded, safe reader
//! used to lint or render a `.tgz` without writing it to disk.

use crate::diag::Rule;

pub const RULES: &[&Rule] = &[];
