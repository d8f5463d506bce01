//! CustomResourceDefinitions of the run (and `--crd`): their served versions and schemas.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use super::model::Schema;
use crate::object::Object;
use crate::yaml::Node;

pub struct CrdVersion<'a> {
    /// `None`: the version has no schema (v1beta1 without validation): anything goes.
    source: Option<&'a Node>,
    /// Compiled on first use: CRDs are large (operator CRDs run to megabytes) and most runs
    /// have few of their resources.
    compiled: OnceLock<Option<Schema>>,
    pub crd: &'a Object,
}

impl CrdVersion<'_> {
    pub fn schema(&self) -> Option<&Schema> {
        self.compiled
            .get_or_init(|| self.source.map(compile))
            .as_ref()
    }
}

/// (group, kind) → version name → what validates it.
#[derive(Default)]
pub struct Crds<'a> {
    pub by_kind: BTreeMap<(String, String), BTreeMap<String, CrdVersion<'a>>>,
}

impl<'a> Crds<'a> {
    pub fn collect(objects: impl Iterator<Item = &'a Object>) -> Crds<'a> {
        let mut crds = Crds::default();
        for o in objects {
            if !o.is_crd() {
                continue;
            }
            let Some(spec) = o.root.get("spec") else {
                continue;
            };
            let (Some(group), Some(kind)) = (
                spec.get("group").and_then(Node::as_str),
                spec.path(&["names", "kind"]).and_then(Node::as_str),
            ) else {
                continue;
            };
            let entry = crds
                .by_kind
                .entry((group.to_string(), kind.to_string()))
                .or_default();
            // v1beta1 could give one schema for every version.
            let shared = spec.path(&["validation", "openAPIV3Schema"]);
            if let Some(v) = spec.get("version").and_then(Node::as_str) {
                entry.insert(
                    v.to_string(),
                    CrdVersion {
                        source: shared,
                        compiled: OnceLock::new(),
                        crd: o,
                    },
                );
            }
            for v in spec.get("versions").and_then(Node::as_seq).unwrap_or(&[]) {
                let Some(name) = v.get("name").and_then(Node::as_str) else {
                    continue;
                };
                if v.get("served").and_then(Node::as_bool) == Some(false) {
                    continue;
                }
                let source = v.path(&["schema", "openAPIV3Schema"]).or(shared);
                let version = CrdVersion {
                    source,
                    compiled: OnceLock::new(),
                    crd: o,
                };
                entry.insert(name.to_string(), version);
            }
        }
        crds
    }

    pub fn get(&self, group: &str, kind: &str) -> Option<&BTreeMap<String, CrdVersion<'a>>> {
        self.by_kind.get(&(group.to_string(), kind.to_string()))
    }
}

fn compile(node: &Node) -> Schema {
    Schema::compile(node, &|_| None, true)
}
