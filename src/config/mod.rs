//! `.kforge.yaml`: rule selection, severity overrides, objects assumed to exist, NodePort range.
//!
//! Entry points: [`discover`] finds the file, [`load`] reads it, [`apply`] applies it (and
//! the per-object and per-line suppressions) to the findings of a run.
//!
//! # Schema
//!
//! ```yaml
//! rules:
//!   enable: [rules/resources, rules/run-as-non-root]   # rules that are off by default
//!   disable: [rules/image-tag]                         # rules never reported
//!   severity:                                          # per-rule severity: error|warning|info
//!     rules/namespace: error
//! assume-exists:                    # objects the cluster has although the run does not create them
//!   - kind: Secret
//!     name: registry-credentials    # "*" matches every name
//!     namespace: apps               # optional: every namespace when absent
//! assume-namespaces: [monitoring]   # besides default, kube-system, kube-public, kube-node-lease
//! node-port-range: "30000-32767"    # the cluster's --service-node-port-range
//! strict: false                     # closed world: objects missing from the run are errors
//! ignore-values: [podAnnotations.*, "**.extraConfig"]   # values keys never reported as unknown
//!                                   # or without effect (`*` one key, `**` any number of keys)
//! ```
//!
//! Every key is optional. Unknown keys and unknown rule ids are fatal (`config/invalid`), with a
//! did-you-mean. Suppression without the config file:
//! - per object: the annotation `kforge.dev/ignore: rules/image-tag,rules/resources` (or `all`);
//! - per line: a comment line `# kforge-ignore: rules/image-tag` right above the reported line.

mod apply;
mod load;

pub use crate::catalog::config::INVALID;
pub use apply::apply;
pub use load::{CONFIG_FILE, discover, load};

use crate::diag::{Rule, Severity};
use std::collections::BTreeMap;

/// An object the cluster is assumed to have although the run does not create it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AssumedObject {
    pub kind: String,
    /// `None` matches every namespace.
    pub namespace: Option<String>,
    /// `*` matches every name.
    pub name: String,
}

#[derive(Clone, Debug)]
pub struct Config {
    /// Rules switched on beyond the defaults (`--enable`, `rules.enable`).
    pub enable: Vec<String>,
    /// Rules switched off (`--disable`, `rules.disable`).
    pub disable: Vec<String>,
    pub severity: BTreeMap<String, Severity>,
    pub assume_exists: Vec<AssumedObject>,
    /// Namespaces assumed to exist besides default, kube-system, kube-public, kube-node-lease.
    pub assume_namespaces: Vec<String>,
    pub node_port_range: (u16, u16),
    /// `strict: true`: the same as `--strict` (objects missing from the run are errors).
    pub strict: bool,
    /// `ignore-values`: key patterns `values/unknown-key` and `values/no-effect` never report.
    pub ignore_values: Vec<String>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            enable: Vec::new(),
            disable: Vec::new(),
            severity: BTreeMap::new(),
            assume_exists: Vec::new(),
            assume_namespaces: Vec::new(),
            node_port_range: (30000, 32767),
            strict: false,
            ignore_values: Vec::new(),
        }
    }
}

impl Config {
    /// Whether findings of `rule` are reported: not disabled, and on by default or enabled.
    pub fn is_enabled(&self, rule: &Rule) -> bool {
        !self.disable.iter().any(|r| r == rule.id)
            && (rule.default_enabled || self.enable.iter().any(|r| r == rule.id))
    }

    /// Whether `assume-exists` lists an object of `kind` named `name` in `namespace` (`None` for
    /// cluster-scoped kinds).
    pub fn assumes(&self, kind: &str, namespace: Option<&str>, name: &str) -> bool {
        self.assume_exists.iter().any(|a| {
            a.kind == kind
                && (a.name == "*" || a.name == name)
                && match (&a.namespace, namespace) {
                    (None, _) => true,
                    (Some(want), Some(ns)) => want == ns,
                    (Some(_), None) => false,
                }
        })
    }
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn enabling_and_assuming() {
        let mut c = Config::default();
        assert!(c.is_enabled(&crate::rules::IMAGE_TAG));
        assert!(!c.is_enabled(&crate::rules::RESOURCES));
        c.enable.push("rules/resources".into());
        c.disable.push("rules/image-tag".into());
        assert!(c.is_enabled(&crate::rules::RESOURCES));
        assert!(!c.is_enabled(&crate::rules::IMAGE_TAG));
        c.assume_exists.push(AssumedObject {
            kind: "Secret".into(),
            namespace: Some("a".into()),
            name: "*".into(),
        });
        assert!(c.assumes("Secret", Some("a"), "tls"));
        assert!(!c.assumes("Secret", Some("b"), "tls"));
        assert!(!c.assumes("ConfigMap", Some("a"), "tls"));
    }
}

#[cfg(test)]
mod tests;
