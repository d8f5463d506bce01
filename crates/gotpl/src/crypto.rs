//! Sprig's certificate, key and hashing-password functions (`genCA`, `genSignedCert`, …),
//! deterministic for a run seed.

use crate::func::Func;

pub const FUNCS: &[Func] = &[];
