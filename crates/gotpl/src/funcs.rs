//! The function table: Go's builtins, then Sprig, then Helm's own, a later definition of a name
//! overriding an earlier one as in Helm's `funcMap` (Helm replaces Sprig's `toJson`). Helm removes
//! Sprig's `env` and `expandenv`: they are not here, so templates that call them fail to parse.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::func::Func;

fn tables() -> impl Iterator<Item = &'static [Func]> {
    std::iter::once(crate::builtins::FUNCS)
        .chain(crate::sprig::TABLES.iter().copied())
        .chain([
            crate::random::FUNCS,
            crate::date::FUNCS,
            crate::crypto::FUNCS,
            crate::encode::FUNCS,
        ])
}

/// Every function by name. Hashed with Fx rather than SipHash: the parser checks every name it
/// meets and the executor looks up every call, and SipHash was most of the cost of both.
pub fn table() -> &'static HashMap<&'static str, Func, crate::track::FxBuild> {
    static TABLE: OnceLock<HashMap<&'static str, Func, crate::track::FxBuild>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut map = HashMap::default();
        for table in tables() {
            for f in table {
                map.insert(f.name, *f);
            }
        }
        map
    })
}

/// The function called `name`, if any.
pub fn lookup(name: &str) -> Option<&'static Func> {
    table().get(name)
}
