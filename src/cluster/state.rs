//! The store: every object of the cluster after the apply, keyed by group, kind, namespace and
//! name, in the order it was created.

use super::profile::NodeSpec;
use crate::object::Object;
use indexmap::IndexSet;
use indexmap::set::MutableValues;
use kforge_gotpl::track::FxBuild;
use serde_json::Value;
use std::borrow::Cow;
use std::sync::Arc;

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
/// scheduler, the endpoints controller, `simulate`'s table). A run object of any other kind
/// (CRDs, ConfigMaps, Secrets, RBAC, custom resources, ...) is stored without its body, which
/// [`Stored::body`] rebuilds from the run object when something prints it: the JSON copies of
/// those were most of the cluster stage's memory (issue 19; on a CRD-heavy run 50 MiB, as much
/// as the YAML trees they copy). The `apps` workloads and ReplicationControllers are read only
/// by their controllers, which rebuild each body in turn; what the table reads of them
/// (`spec.replicas`) stays.
pub fn keeps_body(group: &str, kind: &str) -> bool {
    matches!(
        (group, kind),
        (
            "",
            "Pod" | "Service" | "Endpoints" | "PersistentVolumeClaim" | "PersistentVolume"
        ) | ("batch", "Job" | "CronJob")
            | ("storage.k8s.io", "StorageClass")
    )
}

#[derive(Clone, Debug)]
pub struct Stored {
    pub key: Key,
    pub api_version: String,
    /// The object as the API server would return it: defaults, allocations, status.
    /// For a run object of a kind the model does not read ([`keeps_body`]) `Value::Null` or
    /// the few fields the table reads, and for a ReplicaSet a Deployment made all but its
    /// template: [`Stored::body`] rebuilds the whole.
    pub json: Value,
    pub origin: Origin,
    /// Index (in `CheckContext::objects`) of the run object this is, or was made for.
    pub source: Option<usize>,
    /// For a pod a controller made: what the model reads of the spec its template's pods
    /// share, under `json`'s own `spec` (the fields this pod sets on top of it, such as
    /// `nodeName`). Read the spec with [`Stored::pod_spec`]; [`Stored::body`] makes the whole
    /// shared spec again and joins them.
    pub shared_spec: Option<Arc<Value>>,
}

/// A pod's spec as the scheduler and the endpoints controller read it: the pod's own fields,
/// then those it shares with the other pods of its template.
#[derive(Clone, Copy)]
pub struct SpecView<'a> {
    own: Option<&'a Value>,
    shared: Option<&'a Value>,
    /// A field read as absent (the scheduler tests a DaemonSet pod without its pin).
    hidden: Option<&'static str>,
}

impl<'a> SpecView<'a> {
    pub fn of(own: Option<&'a Value>, shared: Option<&'a Value>) -> SpecView<'a> {
        SpecView {
            own,
            shared,
            hidden: None,
        }
    }

    pub fn get(&self, key: &str) -> Option<&'a Value> {
        if self.hidden == Some(key) {
            return None;
        }
        self.own
            .and_then(|s| s.get(key))
            .or_else(|| self.shared.and_then(|s| s.get(key)))
    }

    /// The items of the list `key`: the shared spec's, then those the pod adds to them (a
    /// StatefulSet pod's claims follow its template's volumes). A list that is not a list
    /// has none.
    pub fn list(&self, key: &str) -> impl Iterator<Item = &'a Value> + use<'a> {
        let items = |s: Option<&'a Value>| {
            s.and_then(|s| s.get(key))
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or(&[])
        };
        let hidden = self.hidden == Some(key);
        let (shared, own) = if hidden {
            (&[][..], &[][..])
        } else {
            (items(self.shared), items(self.own))
        };
        shared.iter().chain(own)
    }

    /// The same spec with `key` absent.
    pub fn without(self, key: &'static str) -> SpecView<'a> {
        SpecView {
            hidden: Some(key),
            ..self
        }
    }
}

impl Stored {
    /// The spec of a pod (for other kinds: `json`'s `spec`).
    pub fn pod_spec(&self) -> SpecView<'_> {
        SpecView::of(self.json.get("spec"), self.shared_spec.as_deref())
    }

    /// The stored object, rebuilt from its run object (one of `objects`, the run's) when it was
    /// stored without its body.
    pub fn body<'a>(&'a self, objects: &[Object]) -> Cow<'a, Value> {
        let source = || self.source.and_then(|i| objects.get(i));
        let stored = |o: &Object| super::apply::stored_json(o, &self.key.namespace);
        match self.origin {
            Origin::Run if !keeps_body(&self.key.group, &self.key.kind) => match source() {
                Some(o) => Cow::Owned(stored(o)),
                None => Cow::Borrowed(&self.json),
            },
            // Made by the Deployment controller: its template is the Deployment's.
            Origin::Controller if self.key.group == "apps" && self.key.kind == "ReplicaSet" => {
                match source() {
                    Some(o) => {
                        let mut json = self.json.clone();
                        if let Some(spec) = json.get_mut("spec").and_then(Value::as_object_mut) {
                            spec.insert(
                                "template".to_string(),
                                super::controllers::replica_set_template(&stored(o)),
                            );
                        }
                        Cow::Owned(json)
                    }
                    None => Cow::Borrowed(&self.json),
                }
            }
            _ => match &self.shared_spec {
                Some(shared) => {
                    let mut json = self.json.clone();
                    let mut spec = super::controllers::full_pod_spec(self, objects)
                        .unwrap_or_else(|| Value::clone(shared));
                    if let (Some(spec), Some(own)) = (
                        spec.as_object_mut(),
                        self.json.get("spec").and_then(Value::as_object),
                    ) {
                        for (k, v) in own {
                            // A pod's own volumes follow its template's ([`SpecView::list`]).
                            if let (true, Some(Value::Array(all)), Some(more)) =
                                (k == "volumes", spec.get_mut(k), v.as_array())
                            {
                                all.extend(more.iter().cloned());
                                continue;
                            }
                            spec.insert(k.clone(), v.clone());
                        }
                    }
                    if let Some(slot) = json.get_mut("spec") {
                        *slot = spec;
                    }
                    Cow::Owned(json)
                }
                None => Cow::Borrowed(&self.json),
            },
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
    pub objects: Objects,
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
        self.objects.insert(stored);
    }
}

/// The stored objects by [`Key`], in the order they were created; storing an object under a
/// key already there replaces it in place (an update). Each object's key is its own
/// `Stored::key`: a map from `Key` to `Stored` held every key twice, four `String`s and their
/// heap blocks each (issue 19: the entries of the rendered corpus's ~1,500 stored objects
/// were ~100 page faults). Hashed with Fx: every controller and the scheduler look keys up
/// here. Whoever changes a stored object keeps its key as it is.
#[derive(Debug, Default)]
pub struct Objects(IndexSet<ByKey, FxBuild>);

/// A stored object as an element of [`Objects`]: hashed and compared by its key alone, so
/// that a `Key` finds it ([`indexmap::Equivalent`]; `Key`'s hash is the same either way).
#[derive(Debug)]
struct ByKey(Stored);

impl std::hash::Hash for ByKey {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.key.hash(state);
    }
}

impl PartialEq for ByKey {
    fn eq(&self, other: &ByKey) -> bool {
        self.0.key == other.0.key
    }
}

impl Eq for ByKey {}

impl indexmap::Equivalent<ByKey> for Key {
    fn equivalent(&self, stored: &ByKey) -> bool {
        *self == stored.0.key
    }
}

impl Objects {
    pub fn get(&self, key: &Key) -> Option<&Stored> {
        self.0.get(key).map(|s| &s.0)
    }

    /// The object stored under `key`, to change anything but its key.
    pub fn get_mut(&mut self, key: &Key) -> Option<&mut Stored> {
        self.0.get_full_mut2(key).map(|(_, s)| &mut s.0)
    }

    pub fn contains_key(&self, key: &Key) -> bool {
        self.0.contains(key)
    }

    /// The `index`-th object stored, to change anything but its key.
    pub fn get_index_mut(&mut self, index: usize) -> Option<&mut Stored> {
        self.0.get_index_mut2(index).map(|s| &mut s.0)
    }

    /// Stores `stored` under its key, in place of the object stored there if any (keeping
    /// that one's position), else after the others.
    pub fn insert(&mut self, stored: Stored) {
        self.0.replace_full(ByKey(stored));
    }

    pub fn values(&self) -> impl ExactSizeIterator<Item = &Stored> + DoubleEndedIterator {
        self.0.iter().map(|s| &s.0)
    }

    /// `(key, object)` pairs, in creation order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&Key, &Stored)> + DoubleEndedIterator {
        self.0.iter().map(|s| (&s.0.key, &s.0))
    }

    pub fn keys(&self) -> impl ExactSizeIterator<Item = &Key> + DoubleEndedIterator {
        self.0.iter().map(|s| &s.0.key)
    }

    pub fn reserve(&mut self, additional: usize) {
        self.0.reserve(additional);
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
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
