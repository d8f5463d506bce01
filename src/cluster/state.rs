//! The store: every object of the cluster after the apply, keyed by group, kind, namespace and
//! name, in the order it was created.

use super::profile::NodeSpec;
use crate::object::Object;
use indexmap::IndexMap;
use kforge_gotpl::track::FxBuild;
use serde_json::Value;
use std::borrow::Cow;

/// Where a stored object came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Origin {
    /// It existed before the apply (cluster profile).
    Profile,
    /// Applied from the run.
    Run,
    /// Made by a controller (ReplicaSets, Pods, PVCs, Jobs, Endpoints).
    Controller,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key {
    pub group: String,
    pub kind: String,
    /// Empty for cluster-scoped objects.
    pub namespace: String,
    pub name: String,
}

impl Key {
    pub fn new(group: &str, kind: &str, namespace: &str, name: &str) -> Key {
        Key {
            group: group.to_string(),
            kind: kind.to_string(),
            namespace: namespace.to_string(),
            name: name.to_string(),
        }
    }
}

/// `value.at(&["spec", "template"])`: `Value::pointer` without its per-call parsing and
/// unescaping of the path (it allocates for every segment, and the model reads paths per pod
/// and per node). A key of an array is an index, as in a JSON pointer.
pub trait JsonAt {
    fn at(&self, keys: &[&str]) -> Option<&Value>;
}

impl JsonAt for Value {
    fn at(&self, keys: &[&str]) -> Option<&Value> {
        keys.iter().try_fold(self, |v, k| match v {
            Value::Array(items) => k.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => v.get(*k),
        })
    }
}

/// Whether the cluster model reads or changes objects of this kind after the apply (the
/// controllers, the scheduler, the endpoints controller, `simulate`'s table). A run object of
/// any other kind (CRDs, ConfigMaps, Secrets, RBAC, custom resources, ...) is stored without
/// its body, which [`Stored::body`] rebuilds from the run object when something prints it: the
/// JSON copies of those were most of the cluster stage's memory (issue 19; on a CRD-heavy run
/// 50 MiB, as much as the YAML trees they copy).
pub fn keeps_body(group: &str, kind: &str) -> bool {
    matches!(
        (group, kind),
        (
            "",
            "Pod"
                | "Service"
                | "Endpoints"
                | "PersistentVolumeClaim"
                | "PersistentVolume"
                | "ReplicationController"
        ) | (
            "apps",
            "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet"
        ) | ("batch", "Job" | "CronJob")
            | ("storage.k8s.io", "StorageClass")
    )
}

#[derive(Clone, Debug)]
pub struct Stored {
    pub key: Key,
    pub api_version: String,
    /// The object as the API server would return it: defaults, allocations, status.
    /// `Value::Null` for a run object of a kind the model does not read ([`keeps_body`]):
    /// [`Stored::body`] rebuilds it.
    pub json: Value,
    pub origin: Origin,
    /// Index (in `CheckContext::objects`) of the run object this is, or was made for.
    pub source: Option<usize>,
}

impl Stored {
    /// The stored object, rebuilt from its run object (one of `objects`, the run's) when it was
    /// stored without its body.
    pub fn body<'a>(&'a self, objects: &[Object]) -> Cow<'a, Value> {
        if !self.json.is_null() || self.origin != Origin::Run {
            return Cow::Borrowed(&self.json);
        }
        match self.source.and_then(|i| objects.get(i)) {
            Some(o) => Cow::Owned(super::apply::stored_json(o, &self.key.namespace)),
            None => Cow::Borrowed(&self.json),
        }
    }

    pub fn labels(&self) -> serde_json::Map<String, Value> {
        self.json
            .at(&["metadata", "labels"])
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default()
    }

    pub fn spec(&self) -> &Value {
        self.json.get("spec").unwrap_or(&Value::Null)
    }
}

/// The cluster after the apply: every object with defaults applied, plus what the controllers
/// and the scheduler made of them.
#[derive(Debug, Default)]
pub struct ClusterState {
    /// Hashed with Fx: every controller and the scheduler look keys up here.
    pub objects: IndexMap<Key, Stored, FxBuild>,
    pub nodes: Vec<NodeSpec>,
}

impl ClusterState {
    pub fn get(&self, group: &str, kind: &str, namespace: &str, name: &str) -> Option<&Stored> {
        self.objects.get(&Key::new(group, kind, namespace, name))
    }

    /// Objects of one kind, in creation order.
    pub fn of_kind<'a>(
        &'a self,
        group: &'a str,
        kind: &'a str,
    ) -> impl Iterator<Item = &'a Stored> + 'a {
        self.objects
            .values()
            .filter(move |o| o.key.group == group && o.key.kind == kind)
    }

    pub fn insert(&mut self, stored: Stored) {
        self.objects.insert(stored.key.clone(), stored);
    }
}

#[cfg(test)]
mod tests {
    use super::JsonAt;
    use serde_json::json;

    #[test]
    fn at_reads_what_a_json_pointer_reads() {
        let v = json!({"metadata": {"ownerReferences": [{"kind": "ReplicaSet"}], "a/b": 1}});
        for (keys, pointer) in [
            (
                &["metadata", "ownerReferences", "0", "kind"][..],
                "/metadata/ownerReferences/0/kind",
            ),
            (
                &["metadata", "ownerReferences", "1"][..],
                "/metadata/ownerReferences/1",
            ),
            (&["metadata", "a/b"][..], "/metadata/a~1b"),
            (&["metadata", "missing", "x"][..], "/metadata/missing/x"),
            (&[][..], ""),
        ] {
            assert_eq!(v.at(keys), v.pointer(pointer), "{pointer}");
        }
    }
}
