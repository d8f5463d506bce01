//! The rule registry: every [`Rule`] of every stage, in one sorted list.

use super::Rule;

/// Every rule kforge can report, sorted by id.
pub fn all() -> Vec<&'static Rule> {
    crate::catalog::all()
}

pub fn find(id: &str) -> Option<&'static Rule> {
    all().into_iter().find(|r| r.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_is_documented_and_unique() {
        let rules = all();
        for w in rules.windows(2) {
            assert_ne!(w[0].id, w[1].id, "duplicate rule id");
        }
        for r in &rules {
            let (stage, name) = r.id.split_once('/').unwrap_or(("", ""));
            assert!(
                !stage.is_empty() && !name.is_empty(),
                "{}: id must be <stage>/<name>",
                r.id
            );
            assert!(
                !r.summary.is_empty() && !r.summary.ends_with('.'),
                "{}: summary",
                r.id
            );
            assert!(!r.rationale.is_empty(), "{}: rationale", r.id);
            assert!(
                !r.failing.is_empty() && !r.passing.is_empty(),
                "{}: examples",
                r.id
            );
            assert_ne!(r.failing, r.passing, "{}: examples must differ", r.id);
        }
    }
}
