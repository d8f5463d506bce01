//! Every rule kforge reports, declared in one place: `src/catalog/<prefix>.rs` holds the rules
//! whose id starts with `<prefix>/` (`chart/invalid-version` is in `chart.rs`). A rule is its
//! metadata ([`Rule`]: id, severity, summary, rationale, failing and passing example); the checks
//! that report it live in their stage (`src/chart/`, `src/rules/<name>.rs`, `src/cluster/`, …) and
//! refer to it by its static. [`all`] is the registry `kforge rules`, docs/rules.md, SARIF and the
//! configuration file read.

use crate::diag::Rule;

pub mod chart;
pub mod cluster;
pub mod config;
pub mod input;
pub mod object;
pub mod package;
pub mod render;
pub mod rules;
pub mod run;
pub mod schema;
pub mod values;
pub mod yaml;

/// A multi-line example written as a raw string that opens on its own line, so that it reads
/// as the YAML (or template) it is: `example(r#"` + newline + the text + `"#)`. The newline
/// after the opening quote is not part of the example.
pub const fn example(text: &'static str) -> &'static str {
    match text.as_bytes().split_first() {
        Some((b'\n', rest)) => match std::str::from_utf8(rest) {
            Ok(rest) => rest,
            Err(_) => text,
        },
        _ => text,
    }
}

/// Each catalogue file with its path in the repository and its text, so that [`location`] can
/// say where a rule is declared.
const FILES: &[(&str, &[&Rule], &str)] = &[
    ("chart", chart::RULES, include_str!("chart.rs")),
    ("cluster", cluster::RULES, include_str!("cluster.rs")),
    ("config", config::RULES, include_str!("config.rs")),
    ("input", input::RULES, include_str!("input.rs")),
    ("object", object::RULES, include_str!("object.rs")),
    ("package", package::RULES, include_str!("package.rs")),
    ("render", render::RULES, include_str!("render.rs")),
    ("rules", rules::RULES, include_str!("rules.rs")),
    ("run", run::RULES, include_str!("run.rs")),
    ("schema", schema::RULES, include_str!("schema.rs")),
    ("values", values::RULES, include_str!("values.rs")),
    ("yaml", yaml::RULES, include_str!("yaml.rs")),
];

/// Every rule, sorted by id.
pub fn all() -> Vec<&'static Rule> {
    let mut rules: Vec<&'static Rule> = FILES
        .iter()
        .flat_map(|(_, rules, _)| rules.iter().copied())
        .collect();
    rules.sort_by_key(|r| r.id);
    rules
}

/// Where `rule` is declared: `src/catalog/<prefix>.rs:<line>` (the line of its `id:`).
pub fn location(rule: &Rule) -> Option<String> {
    let (prefix, _) = rule.id.split_once('/')?;
    let (name, rules, text) = FILES.iter().find(|(name, _, _)| *name == prefix)?;
    // The rule itself, not one that merely shares its id (tests build their own).
    rules.iter().find(|r| std::ptr::eq(**r, rule))?;
    let needle = format!("id: \"{}\",", rule.id);
    let line = text.lines().position(|l| l.trim() == needle)? + 1;
    Some(format!("src/catalog/{name}.rs:{line}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The id prefix is the file: a rule declared elsewhere, or listed in another prefix's
    /// `RULES`, would make `kforge rules ID` point to the wrong place.
    #[test]
    fn every_rule_is_declared_in_the_file_of_its_prefix() {
        for (name, rules, _) in FILES {
            for rule in *rules {
                assert_eq!(
                    rule.id.split_once('/').map(|p| p.0),
                    Some(*name),
                    "{}",
                    rule.id
                );
                assert!(
                    location(rule).is_some(),
                    "{}: no `id:` line in src/catalog/{name}.rs",
                    rule.id
                );
            }
        }
    }

    #[test]
    fn a_rule_is_found_at_the_line_of_its_id() {
        assert_eq!(
            location(&chart::INVALID_VERSION).as_deref(),
            Some(
                format!(
                    "src/catalog/chart.rs:{}",
                    1 + include_str!("chart.rs")
                        .lines()
                        .position(|l| l.contains("\"chart/invalid-version\""))
                        .unwrap_or(0)
                )
                .as_str()
            )
        );
    }
}

#[cfg(test)]
mod examples;
