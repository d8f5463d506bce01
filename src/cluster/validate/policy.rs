//! policy: PodDisruptionBudget.

use crate::cluster::field::{Errors, FieldPath};
use crate::yaml::Node;

fn int_or_percent(n: &Node, path: &FieldPath, e: &mut Errors) {
    if let Some(v) = n.as_i64()
        && v < 0
    {
        e.invalid_node(path, n, "must be greater than or equal to 0");
    }
    if let Some(s) = n.as_str() {
        match s.strip_suffix('%').map(str::parse::<i64>) {
            Some(Ok(p)) if p > 100 => e.invalid_node(path, n, "must not be greater than 100%"),
            Some(Ok(_)) => {}
            _ => e.invalid_node(
                path,
                n,
                "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
            ),
        }
    }
}

pub fn pdb(root: &Node, e: &mut Errors) {
    let sp = FieldPath::of("spec");
    let Some(spec) = root.get("spec") else { return };
    let min = spec.get("minAvailable").filter(|n| !n.is_null());
    let max = spec.get("maxUnavailable").filter(|n| !n.is_null());
    if min.is_some() && max.is_some() {
        e.invalid_node(
            &sp,
            spec,
            "minAvailable and maxUnavailable cannot be both set",
        );
    }
    if let Some(m) = min {
        int_or_percent(m, &sp.key("minAvailable"), e);
    }
    if let Some(m) = max {
        int_or_percent(m, &sp.key("maxUnavailable"), e);
    }
    if let Some(s) = spec.get("selector").filter(|n| !n.is_null()) {
        super::meta::label_selector(s, &sp.key("selector"), e);
    }
}
