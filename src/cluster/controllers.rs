//! What the controllers make of the applied objects: Deployment → ReplicaSet → Pods,
//! StatefulSet → ordered Pods and PVCs, DaemonSet → a Pod per eligible node, Job and CronJob →
//! Pods, PVC binding. Names are deterministic: hashes of the template stand in for the
//! random suffixes.

use super::field::FieldPath;
use super::profile::NodeSpec;
use super::scheduler;
use super::state::JsonAt;
use super::state::{ClusterState, Key, Origin, Stored};
use super::state::{SpecView, keeps_body};
use crate::catalog::cluster::PVC_UNBOUND;
use crate::check::CheckContext;
use crate::diag::{Diagnostic, Severity};
use crate::object::Object;
use kforge_gotpl::track::FxBuild;
use rayon::prelude::*;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Arc;

/// The alphabet Kubernetes uses for generated suffixes (`rand.SafeEncodeString`).
const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

/// A stable suffix of `len` characters derived from `seed`.
pub fn suffix(seed: &str, len: usize) -> String {
    encode_suffix(&Sha256::digest(seed.as_bytes()), len)
}

/// [`suffix`] of a template's compact JSON text, hashed as it is written rather than built as
/// a string first (a pod template's text is kilobytes).
fn template_suffix(template: &Value, len: usize) -> String {
    // The serializer writes a few bytes at a time (a quote, a key, a colon): each `update` of
    // the hasher costs more than copying them, so they are gathered into blocks first (the
    // digest is the same; this was a fifth of the hashing's instructions).
    let mut w = std::io::BufWriter::with_capacity(4096, Hashing(Sha256::new()));
    // Writing into a hasher cannot fail, and `Value` always serializes.
    let _ = serde_json::to_writer(&mut w, template);
    match w.into_inner() {
        Ok(Hashing(hasher)) => encode_suffix(&hasher.finalize(), len),
        Err(_) => String::new(),
    }
}

/// A hasher as a writer, for [`template_suffix`].
struct Hashing(Sha256);

impl std::io::Write for Hashing {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.update(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn encode_suffix(digest: &[u8], len: usize) -> String {
    digest
        .iter()
        .take(len)
        .map(|b| {
            ALPHABET
                .get(usize::from(*b) % ALPHABET.len())
                .map(|c| char::from(*c))
                .unwrap_or('b')
        })
        .collect()
}

fn labels_of(template: &Value) -> Map<String, Value> {
    template
        .at(&["metadata", "labels"])
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default()
}

/// A JSON object of `entries`, in order. `json!` would serialize every interpolated `Value`
/// into a copy of itself (`to_value`): for pod specs, most of the controllers' work.
fn object<const N: usize>(entries: [(&str, Value); N]) -> Value {
    Value::Object(
        entries
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    )
}

fn owner_references(kind: &str, name: &str) -> Value {
    json!([{"kind": kind, "name": name, "controller": true}])
}

/// Makes the pods of one template. They share one spec (the template's, with the pod defaults
/// and what the controller adds to all of them), of which the store keeps only the fields the
/// model reads ([`model_spec`]); each pod holds what it sets on top of it
/// (`Stored::shared_spec`), rather than a whole copy per replica (issue 19). [`full_pod_spec`]
/// makes the whole shared spec again when a pod is printed.
struct PodMaker<'a> {
    namespace: &'a str,
    owner_kind: &'a str,
    owner_name: &'a str,
    source: Option<usize>,
    template: &'a Value,
    model: Arc<Value>,
}

/// The spec every pod of `template` starts from: the template's, with the pod defaults and
/// `common` (what the controller adds to all of its pods).
fn template_pod_spec(template: &Value, common: impl FnOnce(&mut Map<String, Value>)) -> Value {
    let mut spec = template
        .get("spec")
        .cloned()
        .unwrap_or_else(|| Value::Object(Map::new()));
    if let Some(s) = spec.as_object_mut() {
        super::defaults::pod_spec(s, true);
        common(s);
    }
    spec
}

/// [`model_spec`] of [`template_pod_spec`], without copying the rest of the template: the
/// defaults and `common` read and write nothing else of what the model keeps but
/// `hostNetwork`.
fn template_model_spec(template: &Value, common: impl FnOnce(&mut Map<String, Value>)) -> Value {
    let mut spec = match template.get("spec") {
        Some(spec) => model_fields(spec, true),
        None => Value::Object(Map::new()),
    };
    match spec.as_object_mut() {
        Some(s) => {
            super::defaults::pod_spec(s, true);
            common(s);
            model_spec(&spec)
        }
        None => spec,
    }
}

/// What the scheduler, the endpoints controller and the table read of a pod spec: placement
/// (node name, tolerations, selector, affinity), claims, and of each container its requests,
/// ports and restart policy.
fn model_spec(spec: &Value) -> Value {
    model_fields(spec, false)
}

fn model_fields(spec: &Value, host_network: bool) -> Value {
    let Some(map) = spec.as_object() else {
        return spec.clone();
    };
    let containers = |list: &Value| -> Value {
        let Some(items) = list.as_array() else {
            return list.clone();
        };
        Value::Array(
            items
                .iter()
                .map(|c| match c.as_object() {
                    Some(c) => Value::Object(
                        c.iter()
                            .filter(|(k, _)| {
                                matches!(k.as_str(), "ports" | "resources" | "restartPolicy")
                            })
                            .map(|(k, v)| (k.clone(), v.clone()))
                            .collect(),
                    ),
                    None => c.clone(),
                })
                .collect(),
        )
    };
    Value::Object(
        map.iter()
            .filter_map(|(k, v)| match k.as_str() {
                "containers" | "initContainers" => Some((k.clone(), containers(v))),
                "nodeName" | "tolerations" | "nodeSelector" => Some((k.clone(), v.clone())),
                "affinity" => required_affinity(v).map(|a| (k.clone(), a)),
                "volumes" => Some((k.clone(), claim_volumes(v))),
                "hostNetwork" if host_network => Some((k.clone(), v.clone())),
                _ => None,
            })
            .collect(),
    )
}

/// What the scheduler reads of an `affinity`: the required node affinity terms, under the same
/// path (`None` when there are none, which reads the same). Pod (anti-)affinity and preferred
/// terms are most of a chart's affinity, and nothing in the model reads them.
fn required_affinity(affinity: &Value) -> Option<Value> {
    const PATH: [&str; 3] = [
        "nodeAffinity",
        "requiredDuringSchedulingIgnoredDuringExecution",
        "nodeSelectorTerms",
    ];
    let terms = affinity.at(&PATH)?.clone();
    Some(PATH.iter().rev().fold(terms, |inner, key| {
        Value::Object(std::iter::once(((*key).to_string(), inner)).collect())
    }))
}

/// What the model reads of a pod's `volumes`: the claims (the scheduler's `claims_of`); the
/// other volumes (config maps, secrets, empty dirs: most of them) are left to the whole spec
/// [`full_pod_spec`] makes again. Not a list: kept as it is (it takes no claims either).
fn claim_volumes(volumes: &Value) -> Value {
    match volumes.as_array() {
        Some(items) => Value::Array(
            items
                .iter()
                .filter(|v| v.get("persistentVolumeClaim").is_some())
                .cloned()
                .collect(),
        ),
        None => volumes.clone(),
    }
}

/// The whole spec a controller's pod shares with the other pods of its template, made again
/// from the run object it was made for (`objects`: the run's), as the controller made it.
pub fn full_pod_spec(pod: &Stored, objects: &[Object]) -> Option<Value> {
    let o = objects.get(pod.source?)?;
    let body = super::apply::stored_json(o, &pod.key.namespace);
    let spec = body.get("spec").unwrap_or(&Value::Null);
    Some(match (o.group(), o.kind.as_str()) {
        ("apps", "DaemonSet") => template_pod_spec(
            spec.get("template").unwrap_or(&Value::Null),
            add_daemon_tolerations,
        ),
        ("batch", "CronJob") => {
            let (_, job_spec) = cron_job_spec(&o.name, spec);
            template_pod_spec(job_spec.get("template").unwrap_or(&Value::Null), |_| {})
        }
        _ => template_pod_spec(spec.get("template").unwrap_or(&Value::Null), |_| {}),
    })
}

impl<'a> PodMaker<'a> {
    /// `common`: what the controller adds to the spec of every pod it makes.
    fn new(
        namespace: &'a str,
        owner: (&'a str, &'a str),
        source: Option<usize>,
        template: &'a Value,
        common: impl FnOnce(&mut Map<String, Value>),
    ) -> PodMaker<'a> {
        PodMaker {
            namespace,
            owner_kind: owner.0,
            owner_name: owner.1,
            source,
            template,
            model: Arc::new(template_model_spec(template, common)),
        }
    }

    /// The spec every pod starts from, as the controllers and the scheduler read it.
    fn spec_view(&self) -> SpecView<'_> {
        SpecView::of(None, Some(&self.model))
    }

    /// A pod: `own` are the spec fields it sets on top of the shared spec, in the order a
    /// controller would set them.
    fn pod(&self, name: &str, extra_labels: &[(&str, String)], own: Vec<(&str, Value)>) -> Stored {
        let mut labels = labels_of(self.template);
        for (k, v) in extra_labels {
            labels.insert((*k).to_string(), Value::String(v.clone()));
        }
        let mut metadata = Map::new();
        metadata.insert("name".to_string(), json!(name));
        metadata.insert("namespace".to_string(), json!(self.namespace));
        metadata.insert("labels".to_string(), Value::Object(labels));
        metadata.insert(
            "ownerReferences".to_string(),
            owner_references(self.owner_kind, self.owner_name),
        );
        if let Some(a) = self.template.at(&["metadata", "annotations"]) {
            metadata.insert("annotations".to_string(), a.clone());
        }
        // A spec that is not a map takes nothing on top (as `insert` into it would not).
        let (spec, shared_spec) = if self.model.is_object() {
            let own: Map<String, Value> =
                own.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
            (Value::Object(own), Some(Arc::clone(&self.model)))
        } else {
            (Value::clone(&self.model), None)
        };
        Stored {
            key: Key::new("", "Pod", self.namespace, name),
            api_version: "v1".to_string(),
            json: object([
                ("apiVersion", json!("v1")),
                ("kind", json!("Pod")),
                ("metadata", Value::Object(metadata)),
                ("spec", spec),
                ("status", json!({"phase": "Pending"})),
            ]),
            origin: Origin::Controller,
            source: self.source,
            shared_spec,
        }
    }
}

fn replicas(spec: &Value) -> i64 {
    spec.get("replicas")
        .and_then(Value::as_i64)
        .unwrap_or(1)
        .clamp(0, 10_000)
}

fn job_pod_count(spec: &Value) -> i64 {
    let parallelism = spec.get("parallelism").and_then(Value::as_i64).unwrap_or(1);
    let completions = spec
        .get("completions")
        .and_then(Value::as_i64)
        .unwrap_or(parallelism);
    parallelism.min(completions).clamp(0, 10_000)
}

/// How many pods the controllers would create of a workload at most (a DaemonSet one per
/// node): checked against the run's budget before any is made.
fn planned_pods(w: &Stored, body: &Value, nodes: u64) -> u64 {
    let spec = body.get("spec").unwrap_or(&Value::Null);
    let n = match (w.key.group.as_str(), w.key.kind.as_str()) {
        ("apps", "Deployment" | "ReplicaSet" | "StatefulSet") | ("", "ReplicationController") => {
            replicas(spec)
        }
        ("apps", "DaemonSet") => return nodes,
        ("batch", "Job") => job_pod_count(spec),
        ("batch", "CronJob") => {
            job_pod_count(spec.at(&["jobTemplate", "spec"]).unwrap_or(&Value::Null))
        }
        _ => 0,
    };
    u64::try_from(n).unwrap_or(0)
}

/// The kinds a controller expands into pods.
fn is_workload(w: &Stored) -> bool {
    matches!(
        (w.key.group.as_str(), w.key.kind.as_str()),
        (
            "apps",
            "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet"
        ) | ("", "ReplicationController")
            | ("batch", "Job" | "CronJob")
    )
}

/// What a workload stored without its body ([`super::state::keeps_body`]) keeps for the
/// table: its desired replicas.
fn slim(body: &Value) -> Value {
    match body.at(&["spec", "replicas"]) {
        Some(r) => object([("spec", object([("replicas", r.clone())]))]),
        None => Value::Null,
    }
}

/// Runs the workload controllers over the run's workloads (`objects` are the run's), unless
/// they would make more than `max_pods` pods: then `Err` with how many they ask for, and no
/// pod is made.
///
/// The `apps` workloads are stored without their bodies: each is rebuilt from its run object
/// here, expanded and dropped before the next one on its thread, so that the bodies are never
/// all whole at once (issue 19: holding every rebuilt body at once was ~500 of the rendered
/// corpus's 3,700 page faults; dropped one by one, each reuses the memory of the one before).
/// Each workload expands on its own, in parallel (copying templates into pods is most of this
/// stage's work); what they make is stored in the workloads' order, as one controller after
/// another would. Pods are made while the workloads counted so far plan at most `max_pods`:
/// when all of them plan more, what was made is dropped, so at most `max_pods` pods are ever
/// made.
pub fn expand(state: &mut ClusterState, objects: &[Object], max_pods: u64) -> Result<(), u64> {
    use std::sync::atomic::{AtomicU64, Ordering};
    let nodes = state.nodes.len() as u64;
    let workloads: Vec<(usize, &Stored)> = state
        .objects
        .values()
        .enumerate()
        .filter(|(_, o)| o.origin == Origin::Run && is_workload(o))
        .collect();
    let counted = AtomicU64::new(0);
    let expanded: Vec<Expanded> = workloads
        .into_par_iter()
        .map(|(i, w)| {
            let body = w.body(objects);
            let planned = planned_pods(w, &body, nodes);
            let slim = (!keeps_body(&w.key.group, &w.key.kind)).then(|| slim(&body));
            let before = counted
                .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| {
                    Some(n.saturating_add(planned))
                })
                .unwrap_or(u64::MAX);
            let made = if before.saturating_add(planned) <= max_pods {
                expand_one(w, &body, &state.nodes)
            } else {
                Vec::new()
            };
            Expanded {
                at: i,
                planned,
                slim,
                made,
            }
        })
        .collect();
    let planned = expanded
        .iter()
        .map(|e| e.planned)
        .fold(0u64, u64::saturating_add);
    let mut made = Vec::with_capacity(expanded.len());
    for e in expanded {
        if let (Some(json), Some(w)) = (e.slim, state.objects.get_index_mut(e.at)) {
            w.json = json;
        }
        made.push(e.made);
    }
    if planned > max_pods {
        return Err(planned);
    }
    // One growth for all of them (see `Applier::apply_all`).
    state.objects.reserve(made.iter().map(Vec::len).sum());
    for stored in made.into_iter().flatten() {
        let stored = unique_name(state, stored);
        state.insert(stored);
    }
    Ok(())
}

/// What [`expand`] found for one workload.
struct Expanded {
    /// Its index in the state's objects.
    at: usize,
    /// The pods it asks for.
    planned: u64,
    /// What it keeps of its body, for a kind stored without one.
    slim: Option<Value>,
    /// The objects its controller made (none once the pod budget is spent).
    made: Vec<Stored>,
}

/// A generated pod name already taken (five letters of suffix collide within a few thousand
/// pods: 8,000 DaemonSet pods or 10,000 replicas do) is drawn again, as the API server's
/// `generateName` retries: otherwise one pod would silently replace another.
fn unique_name(state: &ClusterState, mut stored: Stored) -> Stored {
    let random_suffix = stored.key.kind == "Pod"
        && stored.key.group.is_empty()
        && stored
            .json
            .at(&["metadata", "ownerReferences"])
            .and_then(Value::as_array)
            .and_then(|o| o.first())
            .and_then(|o| o.get("kind"))
            .and_then(Value::as_str)
            .is_some_and(|k| k != "StatefulSet");
    if !random_suffix || !state.objects.contains_key(&stored.key) {
        return stored;
    }
    let base = stored.key.name.clone();
    let Some((prefix, _)) = base.rsplit_once('-') else {
        return stored;
    };
    for attempt in 1..100 {
        let name = format!("{prefix}-{}", suffix(&format!("{base}#{attempt}"), 5));
        let key = Key::new("", "Pod", &stored.key.namespace, &name);
        if !state.objects.contains_key(&key) {
            if let Some(meta) = stored
                .json
                .get_mut("metadata")
                .and_then(Value::as_object_mut)
            {
                meta.insert("name".to_string(), json!(name));
            }
            stored.key = key;
            return stored;
        }
    }
    stored
}

/// What the controllers make of one workload (`body`: the workload as stored, with defaults),
/// in creation order.
fn expand_one(w: &Stored, body: &Value, nodes: &[NodeSpec]) -> Vec<Stored> {
    let mut out = Vec::new();
    let ns = w.key.namespace.as_str();
    let name = w.key.name.as_str();
    let spec = body.get("spec").unwrap_or(&Value::Null);
    let template = spec.get("template").unwrap_or(&Value::Null);
    match (w.key.group.as_str(), w.key.kind.as_str()) {
        ("apps", "Deployment") => deployment_objects(&mut out, w, spec, template),
        ("apps", "ReplicaSet") | ("", "ReplicationController") => {
            replica_pods(&mut out, w, spec, template)
        }
        ("apps", "StatefulSet") => stateful_set_objects(&mut out, w, spec, template),
        ("apps", "DaemonSet") => daemon_set_pods(&mut out, w, template, nodes),
        ("batch", "Job") => job_pods(&mut out, ns, name, spec, w.source),
        ("batch", "CronJob") => cron_job_objects(&mut out, w, spec),
        _ => {}
    }
    out
}

/// A Deployment's ReplicaSet (named by the template's hash) and its pods.
fn deployment_objects(out: &mut Vec<Stored>, w: &Stored, spec: &Value, template: &Value) {
    let ns = w.key.namespace.as_str();
    let name = w.key.name.as_str();
    let hash = template_suffix(template, 10);
    let rs_name = format!("{name}-{hash}");
    let mut rs_labels = labels_of(template);
    if template
        .at(&["metadata", "labels"])
        .is_some_and(Value::is_object)
    {
        rs_labels.insert("pod-template-hash".to_string(), json!(hash));
    }
    let mut selector = spec
        .get("selector")
        .cloned()
        .unwrap_or_else(|| Value::Object(Map::new()));
    if let Some(ml) = selector
        .get_mut("matchLabels")
        .and_then(Value::as_object_mut)
    {
        ml.insert("pod-template-hash".to_string(), json!(hash));
    }
    let n = replicas(spec);
    out.push(Stored {
        key: Key::new("apps", "ReplicaSet", ns, &rs_name),
        api_version: "apps/v1".to_string(),
        json: object([
            ("apiVersion", json!("apps/v1")),
            ("kind", json!("ReplicaSet")),
            (
                "metadata",
                object([
                    ("name", json!(rs_name)),
                    ("namespace", json!(ns)),
                    ("labels", Value::Object(rs_labels)),
                    ("ownerReferences", owner_references("Deployment", name)),
                ]),
            ),
            (
                "spec",
                // The template is left out: `Stored::body` rebuilds it from the Deployment
                // (`replica_set_template`) when the ReplicaSet is printed.
                object([("replicas", json!(n)), ("selector", selector)]),
            ),
        ]),
        origin: Origin::Controller,
        source: w.source,
        shared_spec: None,
    });
    let maker = PodMaker::new(ns, ("ReplicaSet", &rs_name), w.source, template, |_| {});
    for i in 0..n {
        let pod_name = format!("{rs_name}-{}", suffix(&format!("{rs_name}/{i}"), 5));
        out.push(maker.pod(
            &pod_name,
            &[("pod-template-hash", hash.clone())],
            Vec::new(),
        ));
    }
}

/// The template of the ReplicaSet a Deployment (`deployment`: as stored, with defaults) makes:
/// the Deployment's, labelled with its hash.
pub fn replica_set_template(deployment: &Value) -> Value {
    let mut template = deployment
        .at(&["spec", "template"])
        .cloned()
        .unwrap_or(Value::Null);
    let hash = template_suffix(&template, 10);
    if let Some(l) = template
        .pointer_mut("/metadata/labels")
        .and_then(Value::as_object_mut)
    {
        l.insert("pod-template-hash".to_string(), json!(hash));
    }
    template
}

/// The pods of a ReplicaSet or a ReplicationController.
fn replica_pods(out: &mut Vec<Stored>, w: &Stored, spec: &Value, template: &Value) {
    let ns = w.key.namespace.as_str();
    let name = w.key.name.as_str();
    let maker = PodMaker::new(ns, (&w.key.kind, name), w.source, template, |_| {});
    for i in 0..replicas(spec) {
        let pod_name = format!("{name}-{}", suffix(&format!("{name}/{i}"), 5));
        out.push(maker.pod(&pod_name, &[], Vec::new()));
    }
}

/// A StatefulSet's pods, numbered, each with its claims from `volumeClaimTemplates`.
fn stateful_set_objects(out: &mut Vec<Stored>, w: &Stored, spec: &Value, template: &Value) {
    let ns = w.key.namespace.as_str();
    let name = w.key.name.as_str();
    let revision = format!("{name}-{}", template_suffix(template, 10));
    let maker = PodMaker::new(ns, ("StatefulSet", name), w.source, template, |_| {});
    let claims = spec
        .get("volumeClaimTemplates")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    let service = spec
        .get("serviceName")
        .and_then(Value::as_str)
        .map(str::to_string);
    for i in 0..replicas(spec) {
        let pod_name = format!("{name}-{i}");
        let mut volumes = Vec::new();
        for (ci, claim) in claims.iter().enumerate() {
            let Some(claim_name) = claim.at(&["metadata", "name"]).and_then(Value::as_str) else {
                continue;
            };
            let pvc_name = format!("{claim_name}-{pod_name}");
            let mut pvc_spec = claim
                .get("spec")
                .cloned()
                .unwrap_or_else(|| Value::Object(Map::new()));
            if let Some(s) = pvc_spec.as_object_mut() {
                s.entry("volumeMode").or_insert(json!("Filesystem"));
            }
            let labels = claim
                .at(&["metadata", "labels"])
                .cloned()
                .unwrap_or_else(|| Value::Object(Map::new()));
            out.push(Stored {
                key: Key::new("", "PersistentVolumeClaim", ns, &pvc_name),
                api_version: "v1".to_string(),
                json: object([
                    ("apiVersion", json!("v1")),
                    ("kind", json!("PersistentVolumeClaim")),
                    (
                        "metadata",
                        object([
                            ("name", json!(pvc_name)),
                            ("namespace", json!(ns)),
                            ("labels", labels),
                            (
                                "annotations",
                                json!({"kforge.dev/volume-claim-template": ci}),
                            ),
                        ]),
                    ),
                    ("spec", pvc_spec),
                    ("status", json!({"phase": "Pending"})),
                ]),
                origin: Origin::Controller,
                source: w.source,
                shared_spec: None,
            });
            volumes.push(
                json!({"name": claim_name, "persistentVolumeClaim": {"claimName": pvc_name}}),
            );
        }
        let labels = [
            ("statefulset.kubernetes.io/pod-name", pod_name.clone()),
            ("apps.kubernetes.io/pod-index", i.to_string()),
            ("controller-revision-hash", revision.clone()),
        ];
        let mut own = vec![("hostname", json!(pod_name))];
        if let Some(svc) = &service {
            own.push(("subdomain", json!(svc)));
        }
        // The claims' volumes after the template's (a `volumes` that is not a list takes none).
        // The pod keeps only its own claims: they follow the shared spec's volumes
        // ([`SpecView::list`], [`Stored::body`]) rather than each pod copying all of them.
        if !volumes.is_empty() {
            match maker.spec_view().get("volumes") {
                None | Some(Value::Array(_)) => own.push(("volumes", Value::Array(volumes))),
                Some(_) => {}
            }
        }
        out.push(maker.pod(&pod_name, &labels, own));
    }
}

/// A DaemonSet's pods: one per node the controller finds eligible, pinned to it.
fn daemon_set_pods(out: &mut Vec<Stored>, w: &Stored, template: &Value, nodes: &[NodeSpec]) {
    let ns = w.key.namespace.as_str();
    let name = w.key.name.as_str();
    let hash = template_suffix(template, 10);
    let maker = PodMaker::new(
        ns,
        ("DaemonSet", name),
        w.source,
        template,
        add_daemon_tolerations,
    );
    for node in nodes {
        // What the controller tests does not depend on the pin it adds.
        if !scheduler::daemon_eligible(maker.spec_view(), node) {
            continue;
        }
        let pod_name = format!("{name}-{}", suffix(&format!("{name}/{}", node.name), 5));
        out.push(maker.pod(
            &pod_name,
            &[("controller-revision-hash", hash.clone())],
            vec![("affinity", node_affinity(&node.name))],
        ));
    }
}

/// The name and the spec (with defaults) of a CronJob's first Job. Pods appear at schedule
/// time; the model creates the first Job.
fn cron_job_spec(name: &str, spec: &Value) -> (String, Value) {
    let job_name = format!(
        "{name}-{}",
        29_000_000 + u32::from_str_radix(&hex8(name), 16).unwrap_or(0) % 1_000_000
    );
    let job_template = spec
        .at(&["jobTemplate", "spec"])
        .cloned()
        .unwrap_or_else(|| Value::Object(Map::new()));
    let mut full = object([
        ("metadata", json!({"name": job_name})),
        ("spec", job_template),
    ]);
    super::defaults::apply("batch", "Job", &mut full);
    let job_spec = full
        .get_mut("spec")
        .map(Value::take)
        .unwrap_or_else(|| Value::Object(Map::new()));
    (job_name, job_spec)
}

/// A CronJob's first Job and its pods.
fn cron_job_objects(out: &mut Vec<Stored>, w: &Stored, spec: &Value) {
    let ns = w.key.namespace.as_str();
    let name = w.key.name.as_str();
    let (job_name, job_spec) = cron_job_spec(name, spec);
    let mut pods = Vec::new();
    job_pods(&mut pods, ns, &job_name, &job_spec, w.source);
    out.push(Stored {
        key: Key::new("batch", "Job", ns, &job_name),
        api_version: "batch/v1".to_string(),
        json: object([
            ("apiVersion", json!("batch/v1")),
            ("kind", json!("Job")),
            (
                "metadata",
                object([
                    ("name", json!(job_name)),
                    ("namespace", json!(ns)),
                    ("ownerReferences", owner_references("CronJob", name)),
                ]),
            ),
            ("spec", job_spec),
        ]),
        origin: Origin::Controller,
        source: w.source,
        shared_spec: None,
    });
    out.extend(pods);
}

/// A stable stand-in for the uid the API server would give the Job, shaped like one.
fn job_uid(ns: &str, name: &str) -> String {
    let h = |part: &str| hex8(&format!("{ns}/{name}/{part}"));
    let (a, b, c) = (h("a"), h("b"), h("c"));
    format!(
        "{a}-{}-{}-{}-{}{}",
        b.get(..4).unwrap_or(""),
        b.get(4..).unwrap_or(""),
        c.get(..4).unwrap_or(""),
        c.get(4..).unwrap_or(""),
        h("d")
    )
}

fn hex8(s: &str) -> String {
    Sha256::digest(s.as_bytes())
        .iter()
        .take(4)
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn job_pods(out: &mut Vec<Stored>, ns: &str, name: &str, spec: &Value, source: Option<usize>) {
    let template = spec.get("template").unwrap_or(&Value::Null);
    let n = job_pod_count(spec);
    let maker = PodMaker::new(ns, ("Job", name), source, template, |_| {});
    // The Job controller labels its pods with the Job's name and uid (Services and
    // NetworkPolicies select them by these).
    let uid = job_uid(ns, name);
    let labels = [
        ("batch.kubernetes.io/controller-uid", uid.clone()),
        ("batch.kubernetes.io/job-name", name.to_string()),
        ("controller-uid", uid),
        ("job-name", name.to_string()),
    ];
    for i in 0..n {
        let pod_name = format!("{name}-{}", suffix(&format!("{name}/{i}"), 5));
        out.push(maker.pod(&pod_name, &labels, Vec::new()));
    }
}

/// The tolerations the DaemonSet controller adds to every pod it creates.
fn add_daemon_tolerations(spec: &mut Map<String, Value>) {
    let host_network = spec
        .get("hostNetwork")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let list = spec.entry("tolerations").or_insert(json!([]));
    let Some(t) = list.as_array_mut() else { return };
    for key in ["not-ready", "unreachable"] {
        t.push(json!({"key": format!("node.kubernetes.io/{key}"), "operator": "Exists", "effect": "NoExecute"}));
    }
    for key in [
        "disk-pressure",
        "memory-pressure",
        "pid-pressure",
        "unschedulable",
    ] {
        t.push(json!({"key": format!("node.kubernetes.io/{key}"), "operator": "Exists", "effect": "NoSchedule"}));
    }
    if host_network {
        t.push(json!({"key": "node.kubernetes.io/network-unavailable", "operator": "Exists", "effect": "NoSchedule"}));
    }
}

/// DaemonSet pods are pinned with node affinity on `metadata.name`, as the controller does.
fn node_affinity(node: &str) -> Value {
    json!({"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
        {"matchFields": [{"key": "metadata.name", "operator": "In", "values": [node]}]}]}}})
}

/// Binds PVCs to a StorageClass (dynamic provisioning) or a matching PersistentVolume.
pub fn bind_claims(state: &mut ClusterState, ctx: &CheckContext, diags: &mut Vec<Diagnostic>) {
    let classes: Vec<(String, bool)> = state
        .of_kind("storage.k8s.io", "StorageClass")
        .map(|c| {
            let default = c
                .json
                .pointer("/metadata/annotations/storageclass.kubernetes.io~1is-default-class")
                .and_then(Value::as_str)
                == Some("true");
            (c.key.name.clone(), default)
        })
        .collect();
    let default_class = classes.iter().find(|(_, d)| *d).map(|(n, _)| n.clone());
    let mut volumes: Vec<(String, Value)> = state
        .of_kind("", "PersistentVolume")
        .map(|p| (p.key.name.clone(), p.json.clone()))
        .collect();
    let claims: Vec<Key> = state
        .objects
        .values()
        .filter(|o| {
            o.key.kind == "PersistentVolumeClaim"
                && o.key.group.is_empty()
                && o.origin != Origin::Profile
        })
        .map(|o| o.key.clone())
        .collect();
    let mut reported: Vec<(Option<usize>, String)> = Vec::new();
    for key in claims {
        let Some(claim) = state.objects.get(&key) else {
            continue;
        };
        let class = claim
            .json
            .at(&["spec", "storageClassName"])
            .and_then(Value::as_str)
            .map(str::to_string);
        let outcome = claim_outcome(
            class.as_deref(),
            &classes,
            &default_class,
            &mut volumes,
            &claim.json,
        );
        let source = claim.source;
        let template_index = claim
            .json
            .pointer("/metadata/annotations/kforge.dev~1volume-claim-template")
            .and_then(Value::as_u64);
        let Some(claim) = state.objects.get_mut(&key) else {
            continue;
        };
        match outcome {
            Ok(volume) => {
                let class_name = class.clone().or(default_class.clone());
                mark_bound(&mut claim.json, &key, volume, class_name);
            }
            Err(reason) => {
                if let Some(m) = claim.json.as_object_mut() {
                    m.insert(
                        "status".to_string(),
                        json!({"phase": "Pending", "message": reason}),
                    );
                }
                if reported.contains(&(source, reason.clone())) {
                    continue;
                }
                reported.push((source, reason.clone()));
                let Some(obj) = source.and_then(|i| ctx.objects.get(i)) else {
                    continue;
                };
                let path = match template_index {
                    Some(i) => FieldPath::of("spec")
                        .key("volumeClaimTemplates")
                        .index(i as usize)
                        .key("spec")
                        .key("storageClassName"),
                    None => FieldPath::of("spec.storageClassName"),
                };
                let mut d = Diagnostic::new(&PVC_UNBOUND, format!("PersistentVolumeClaim \"{}\" stays Pending: {reason}", key.name))
                    .at(path.locate(&obj.root, obj.name_span()), "no StorageClass or PersistentVolume in the cluster profile can serve this claim")
                    .with_help("create the StorageClass or a matching PersistentVolume, or describe them in the cluster profile")
                    .with_object(obj.object_ref());
                if ctx.strict {
                    d = d.with_severity(Severity::Error);
                }
                diags.push(d);
            }
        }
    }
}

/// Which volume binds the claim (`Ok(None)`: its class provisions one), or why none can.
fn claim_outcome(
    class: Option<&str>,
    classes: &[(String, bool)],
    default_class: &Option<String>,
    volumes: &mut Vec<(String, Value)>,
    claim: &Value,
) -> Result<Option<String>, String> {
    match class {
        Some("") => match volumes.iter().position(|(_, pv)| pv_fits(pv, claim)) {
            Some(i) => Ok(Some(volumes.remove(i).0)),
            None => Err(
                "no persistent volumes available for this claim and no storage class is set"
                    .to_string(),
            ),
        },
        Some(c) => {
            if classes.iter().any(|(n, _)| n == c) {
                Ok(None)
            } else {
                Err(format!("storageclass.storage.k8s.io \"{c}\" not found"))
            }
        }
        None => match default_class {
            Some(_) => Ok(None),
            None => match volumes.iter().position(|(_, pv)| pv_fits(pv, claim)) {
                Some(i) => Ok(Some(volumes.remove(i).0)),
                None => Err(
                    "no persistent volumes available for this claim and no storage class is set"
                        .to_string(),
                ),
            },
        },
    }
}

/// A bound claim: its volume, or the one its class provisions (named after the claim).
fn mark_bound(claim: &mut Value, key: &Key, volume: Option<String>, class_name: Option<String>) {
    if let Some(m) = claim.as_object_mut() {
        m.insert("status".to_string(), json!({"phase": "Bound"}));
    }
    if let Some(spec) = claim.get_mut("spec").and_then(Value::as_object_mut) {
        if let Some(v) = volume {
            spec.insert("volumeName".to_string(), json!(v));
        } else if let Some(c) = class_name {
            spec.entry("storageClassName").or_insert(json!(c));
            spec.insert(
                "volumeName".to_string(),
                json!(format!(
                    "pvc-{}",
                    super::controllers::hex8(&format!("{}/{}", key.namespace, key.name))
                )),
            );
        }
    }
}

fn pv_fits(pv: &Value, claim: &Value) -> bool {
    let class = pv
        .at(&["spec", "storageClassName"])
        .and_then(Value::as_str)
        .unwrap_or("");
    let want = claim
        .at(&["spec", "resources", "requests", "storage"])
        .and_then(super::quantity::of_json)
        .unwrap_or(0);
    let have = pv
        .at(&["spec", "capacity", "storage"])
        .and_then(super::quantity::of_json)
        .unwrap_or(0);
    let modes = |v: &Value| -> Vec<String> {
        v.at(&["spec", "accessModes"])
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|m| m.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let pv_modes = modes(pv);
    class.is_empty()
        && have >= want
        && modes(claim).iter().all(|m| pv_modes.contains(m))
        && pv.at(&["spec", "claimRef"]).is_none()
}

/// A pod as the endpoints controller sees it: labels, and IP and node once scheduled.
type PodView<'a> = (
    &'a Stored,
    &'a Map<String, Value>,
    Option<(&'a str, &'a str)>,
);

/// Endpoints of every Service with a selector: ready (scheduled) pods × resolved target ports.
pub fn endpoints(state: &mut ClusterState) {
    // Every pod once: its labels, and its IP and node when it is scheduled. Then an index from
    // (namespace, label, value) to those pods in creation order, so a Service only tests the pods
    // that carry one of its selector's pairs instead of every pod of the cluster.
    let no_labels = Map::new();
    let pods: Vec<PodView> = state
        .of_kind("", "Pod")
        .map(|pod| {
            let labels = pod
                .json
                .at(&["metadata", "labels"])
                .and_then(Value::as_object)
                .unwrap_or(&no_labels);
            let ip = pod.json.at(&["status", "podIP"]).and_then(Value::as_str);
            let node = pod.pod_spec().get("nodeName").and_then(Value::as_str);
            (pod, labels, ip.zip(node))
        })
        .collect();
    let mut by_label: HashMap<(&str, &str, &str), Vec<usize>, FxBuild> = HashMap::default();
    for (i, (pod, labels, _)) in pods.iter().enumerate() {
        for (k, v) in labels.iter() {
            if let Some(v) = v.as_str() {
                by_label
                    .entry((pod.key.namespace.as_str(), k.as_str(), v))
                    .or_default()
                    .push(i);
            }
        }
    }
    let mut made = Vec::new();
    for svc in state
        .of_kind("", "Service")
        .filter(|s| s.origin != Origin::Profile || s.spec().get("selector").is_some())
    {
        let Some(selector) = svc.spec().get("selector").and_then(Value::as_object) else {
            continue;
        };
        let Some((key, value)) = selector.iter().next() else {
            continue; // an empty selector selects nothing
        };
        let in_namespace: Vec<usize>;
        let candidates = match value {
            Value::String(value) => by_label
                .get(&(svc.key.namespace.as_str(), key.as_str(), value.as_str()))
                .map(Vec::as_slice)
                .unwrap_or(&[]),
            // Not a string: not indexed (rare); test every pod of the namespace.
            _ => {
                in_namespace = (0..pods.len())
                    .filter(|&i| {
                        pods.get(i)
                            .is_some_and(|(p, _, _)| p.key.namespace == svc.key.namespace)
                    })
                    .collect();
                &in_namespace
            }
        };
        // Selected pods that are scheduled and have an IP, in creation order.
        let ready: Vec<(&Stored, &str, &str)> = candidates
            .iter()
            .filter_map(|&i| pods.get(i))
            .filter(|(_, labels, _)| super::selector::map_matches(selector, labels))
            .filter_map(|(pod, _, placed)| placed.map(|(ip, node)| (*pod, ip, node)))
            .collect();
        let mut subsets = Vec::new();
        for port in svc
            .spec()
            .get("ports")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[])
        {
            let mut addresses = Vec::new();
            let mut number = None;
            for (pod, ip, node) in &ready {
                let Some(target) = resolve_target_port(port, pod.pod_spec()) else {
                    continue;
                };
                number = Some(target);
                addresses.push(json!({"ip": ip, "nodeName": node, "targetRef": {"kind": "Pod", "name": pod.key.name, "namespace": pod.key.namespace}}));
            }
            if let Some(n) = number {
                let mut p = json!({"port": n, "protocol": port.get("protocol").cloned().unwrap_or(json!("TCP"))});
                if let (Some(name), Some(m)) = (port.get("name"), p.as_object_mut()) {
                    m.insert("name".to_string(), name.clone());
                }
                subsets.push(json!({"addresses": addresses, "ports": [p]}));
            }
        }
        let name = svc.key.name.clone();
        let ns = svc.key.namespace.clone();
        made.push(Stored {
            key: Key::new("", "Endpoints", &ns, &name),
            api_version: "v1".to_string(),
            json: json!({"apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": name, "namespace": ns}, "subsets": subsets}),
            origin: Origin::Controller,
            source: svc.source,
            shared_spec: None,
        });
    }
    // Inserted after the scan, in Service order: Endpoints are neither Services nor Pods, so
    // the scan above could not have seen them.
    state.objects.reserve(made.len());
    for stored in made {
        state.insert(stored);
    }
}

/// A Service port's targetPort on one pod: a number as is, a name through the pod's ports.
pub fn resolve_target_port(port: &Value, pod: SpecView) -> Option<i64> {
    match port.get("targetPort") {
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(s)) => match s.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => pod
                .get("containers")
                .and_then(Value::as_array)?
                .iter()
                .flat_map(|c| {
                    c.get("ports")
                        .and_then(Value::as_array)
                        .map(Vec::as_slice)
                        .unwrap_or(&[])
                })
                .find(|p| p.get("name").and_then(Value::as_str) == Some(s))
                .and_then(|p| p.get("containerPort").and_then(Value::as_i64)),
        },
        _ => port.get("port").and_then(Value::as_i64),
    }
}
