//! `.kforge.yaml`: rule selection, severity overrides, objects assumed to exist, NodePort range.

use crate::diag::Severity;
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
        }
    }
}
