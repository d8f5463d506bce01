//! `config/*`: the project configuration file (`.kforge.yaml`).

use super::example;
use crate::diag::{Rule, Severity};

pub static INVALID: Rule = Rule {
    id: "config/invalid",
    severity: Severity::Fatal,
    default_enabled: true,
    summary: "The configuration file cannot be read or has an unknown key, rule or value",
    rationale: "A misspelt key or rule id in .kforge.yaml would otherwise be ignored silently, and \
                the rule the user meant to disable or enable would keep its default.",
    failing: example(
        r#"
rules:
  disable: [rules/image-tags]
"#,
    ),
    passing: example(
        r#"
rules:
  disable: [rules/image-tag]
"#,
    ),
};

pub const RULES: &[&Rule] = &[&INVALID];
