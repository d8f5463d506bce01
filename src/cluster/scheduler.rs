//! The scheduler's filters (NodeUnschedulable, TaintToleration, NodeAffinity, NodePorts,
//! NodeResourcesFit, in the default plugin order) and a least-allocated choice among the nodes
//! that pass. An unschedulable pod gets the scheduler's `0/N nodes are available: ...` text.

use super::field::FieldPath;
use super::profile::{NodeSpec, Taint};
use super::quantity;
use super::selector;
use super::state::JsonAt;
use super::state::{ClusterState, SpecView};
use crate::catalog::cluster::UNSCHEDULABLE;
use crate::check::CheckContext;
use crate::diag::{Diagnostic, Severity};
use kforge_gotpl::track::FxBuild;
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// What the scheduler counts for a pod: requests, and zero requests counted as 100m / 200Mi
/// for scoring (`schedutil.GetNonzeroRequests`).
#[derive(Clone, Copy, Debug, Default)]
struct Requests {
    cpu: i128,
    memory: i128,
}

fn container_requests(c: &Value) -> Requests {
    let requests = c.get("resources").and_then(|r| r.get("requests"));
    let q = |k: &str| {
        requests
            .and_then(|r| r.get(k))
            .and_then(quantity::of_json)
            .unwrap_or(0)
    };
    Requests {
        cpu: q("cpu"),
        memory: q("memory"),
    }
}

fn pod_requests(spec: SpecView) -> Requests {
    let list = |k: &str| {
        spec.get(k)
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    };
    let mut sum = Requests::default();
    for c in list("containers") {
        let r = container_requests(c);
        sum.cpu += r.cpu;
        sum.memory += r.memory;
    }
    // Sidecar init containers (restartPolicy Always) run alongside; others run before.
    let mut init_max = Requests::default();
    for c in list("initContainers") {
        let r = container_requests(c);
        if c.get("restartPolicy").and_then(Value::as_str) == Some("Always") {
            sum.cpu += r.cpu;
            sum.memory += r.memory;
        } else {
            init_max.cpu = init_max.cpu.max(r.cpu);
            init_max.memory = init_max.memory.max(r.memory);
        }
    }
    Requests {
        cpu: sum.cpu.max(init_max.cpu),
        memory: sum.memory.max(init_max.memory),
    }
}

fn host_ports(spec: SpecView) -> Vec<(String, String, i64)> {
    let mut out = Vec::new();
    for list in ["containers", "initContainers"] {
        for c in spec
            .get(list)
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[])
        {
            for p in c
                .get("ports")
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or(&[])
            {
                if let Some(hp) = p.get("hostPort").and_then(Value::as_i64).filter(|h| *h > 0) {
                    let proto = p
                        .get("protocol")
                        .and_then(Value::as_str)
                        .unwrap_or("TCP")
                        .to_string();
                    let ip = p
                        .get("hostIP")
                        .and_then(Value::as_str)
                        .unwrap_or("0.0.0.0")
                        .to_string();
                    out.push((proto, ip, hp));
                }
            }
        }
    }
    out
}

fn tolerates(tolerations: &[Value], taint: &Taint) -> bool {
    tolerations.iter().any(|t| {
        let key = t.get("key").and_then(Value::as_str).unwrap_or("");
        let op = t.get("operator").and_then(Value::as_str).unwrap_or("Equal");
        let effect = t.get("effect").and_then(Value::as_str).unwrap_or("");
        let value = t.get("value").and_then(Value::as_str).unwrap_or("");
        (effect.is_empty() || effect == taint.effect)
            && (key.is_empty() || key == taint.key)
            && match op {
                "Exists" => true,
                _ => value == taint.value,
            }
    })
}

fn untolerated_taint<'a>(spec: SpecView, node: &'a NodeSpec) -> Option<&'a Taint> {
    let tolerations = spec
        .get("tolerations")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    node.taints
        .iter()
        .filter(|t| t.effect == "NoSchedule" || t.effect == "NoExecute")
        .find(|t| !tolerates(tolerations, t))
}

fn node_labels(node: &NodeSpec) -> Map<String, Value> {
    node.labels
        .iter()
        .map(|(k, v)| (k.clone(), json!(v)))
        .collect()
}

fn matches_affinity(spec: SpecView, node: &NodeSpec, labels: &Map<String, Value>) -> bool {
    if let Some(sel) = spec.get("nodeSelector").and_then(Value::as_object)
        && !selector::map_matches(sel, labels)
    {
        return false;
    }
    let terms = required_terms(spec).and_then(Value::as_array);
    match terms {
        Some(terms) => terms
            .iter()
            .any(|t| selector::node_term_matches(t, &node.name, labels)),
        None => true,
    }
}

/// The pod's required node affinity terms.
fn required_terms<'a>(spec: SpecView<'a>) -> Option<&'a Value> {
    spec.get("affinity")?.at(&[
        "nodeAffinity",
        "requiredDuringSchedulingIgnoredDuringExecution",
        "nodeSelectorTerms",
    ])
}

/// Whether the DaemonSet controller would create a pod for `node` (taints, selector, affinity).
pub fn daemon_eligible(spec: SpecView, node: &NodeSpec) -> bool {
    untolerated_taint(spec, node).is_none() && matches_affinity(spec, node, &node_labels(node))
}

#[derive(Default, Clone)]
struct Usage {
    cpu: i128,
    memory: i128,
    pods: i64,
    ports: BTreeSet<(String, String, i64)>,
    ips: u32,
    /// Requests with the non-zero defaults, for scoring only.
    score_cpu: i128,
    score_memory: i128,
}

impl Usage {
    fn add(&mut self, ports: &[(String, String, i64)], req: Requests) {
        self.cpu += req.cpu;
        self.memory += req.memory;
        self.score_cpu += req.cpu.max(NONZERO_CPU);
        self.score_memory += req.memory.max(NONZERO_MEMORY);
        self.pods += 1;
        self.ports.extend(ports.iter().cloned());
        self.ips += 1;
    }
}

fn ports_conflict(used: &BTreeSet<(String, String, i64)>, want: &[(String, String, i64)]) -> bool {
    want.iter().any(|(proto, ip, port)| {
        used.iter().any(|(p2, ip2, port2)| {
            p2 == proto && port2 == port && (ip == ip2 || ip == "0.0.0.0" || ip2 == "0.0.0.0")
        })
    })
}

/// What the filters need of a pod, read once rather than once per node.
struct PodNeeds {
    requests: Requests,
    host_ports: Vec<(String, String, i64)>,
}

impl PodNeeds {
    fn of(spec: SpecView) -> PodNeeds {
        PodNeeds {
            requests: pod_requests(spec),
            host_ports: host_ports(spec),
        }
    }
}

/// A node with its labels as JSON, built once for every pod's affinity test.
struct Candidate<'n> {
    node: &'n NodeSpec,
    labels: Map<String, Value>,
}

/// Why a node rejects the pod in the filters that do not depend on what is already placed
/// (NodeUnschedulable, TaintToleration, NodeAffinity, in that order), if it does.
fn static_reason(spec: SpecView, at: &Candidate) -> Option<String> {
    let node = at.node;
    if node.unschedulable {
        let t = Taint {
            key: "node.kubernetes.io/unschedulable".to_string(),
            value: String::new(),
            effect: "NoSchedule".to_string(),
        };
        let tol = spec
            .get("tolerations")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        if !tolerates(tol, &t) {
            return Some("node(s) were unschedulable".to_string());
        }
    }
    if let Some(t) = untolerated_taint(spec, node) {
        return Some(format!(
            "node(s) had untolerated taint {{{}: {}}}",
            t.key, t.value
        ));
    }
    if !matches_affinity(spec, node, &at.labels) {
        return Some("node(s) didn't match Pod's node affinity/selector".to_string());
    }
    None
}

/// Why a node that passed [`static_reason`] rejects the pod given what it already runs
/// (NodePorts, NodeResourcesFit); empty when the pod fits.
fn dynamic_reasons(needs: &PodNeeds, node: &NodeSpec, usage: &Usage) -> Vec<String> {
    let req = needs.requests;
    if ports_conflict(&usage.ports, &needs.host_ports) {
        return vec!["node(s) didn't have free ports for the requested pod ports".to_string()];
    }
    let mut reasons = Vec::new();
    if usage.pods + 1 > node.pods {
        reasons.push("Too many pods".to_string());
    }
    if req.cpu > 0 && usage.cpu + req.cpu > node.cpu_milli {
        reasons.push("Insufficient cpu".to_string());
    }
    if req.memory > 0 && usage.memory + req.memory > node.memory_milli {
        reasons.push("Insufficient memory".to_string());
    }
    reasons
}

/// The static filters' verdict on every node for one pod shape (tolerations, node selector,
/// required node affinity): computed once and shared by every pod of that shape, so the
/// scheduler tries each pod only on the nodes that can take it.
struct ShapeFit {
    /// Per node, why it rejects the shape.
    rejects: Vec<Option<String>>,
    /// The nodes that pass, in profile order.
    passing: Vec<usize>,
    /// How many nodes reject the shape for each reason.
    counts: BTreeMap<String, usize>,
}

impl ShapeFit {
    fn of(spec: SpecView, candidates: &[Candidate]) -> ShapeFit {
        let rejects: Vec<Option<String>> = candidates
            .iter()
            .map(|at| static_reason(spec, at))
            .collect();
        let mut passing = Vec::new();
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for (i, r) in rejects.iter().enumerate() {
            match r {
                Some(r) => *counts.entry(r.clone()).or_default() += 1,
                None => passing.push(i),
            }
        }
        ShapeFit {
            rejects,
            passing,
            counts,
        }
    }
}

/// What the static filters read of a pod, as a key; and the node a DaemonSet pod is pinned to
/// (its whole required affinity is `metadata.name In [node]`), whose key leaves the pin out so
/// every pod of the DaemonSet shares one [`ShapeFit`].
fn shape_key(spec: SpecView) -> (String, Option<String>) {
    let terms = required_terms(spec);
    let pinned = terms.and_then(pinned_node);
    // Serialized straight from the borrowed fields (`json!` would copy each one first).
    let key = serde_json::to_string(&(
        spec.get("tolerations"),
        spec.get("nodeSelector"),
        if pinned.is_some() { None } else { terms },
    ))
    .unwrap_or_default();
    (key, pinned)
}

fn pinned_node(terms: &Value) -> Option<String> {
    let [term] = terms.as_array()?.as_slice() else {
        return None;
    };
    let term = term.as_object()?;
    let [field] = term.get("matchFields")?.as_array()?.as_slice() else {
        return None;
    };
    if term.len() != 1
        || field.get("key").and_then(Value::as_str) != Some("metadata.name")
        || field.get("operator").and_then(Value::as_str) != Some("In")
    {
        return None;
    }
    let [name] = field.get("values")?.as_array()?.as_slice() else {
        return None;
    };
    name.as_str().map(str::to_string)
}

const AFFINITY_MISMATCH: &str = "node(s) didn't match Pod's node affinity/selector";

/// `0/4 nodes are available: 1 node(s) had untolerated taint {…}, 3 Insufficient memory.`
fn fit_error(total: usize, reasons: &BTreeMap<String, usize>) -> String {
    let mut parts: Vec<String> = reasons.iter().map(|(r, n)| format!("{n} {r}")).collect();
    parts.sort();
    format!("0/{total} nodes are available: {}.", parts.join(", "))
}

const NONZERO_CPU: i128 = 100;
const NONZERO_MEMORY: i128 = 200 * (1 << 20) * 1000;

/// Places every pod of the state in creation order; unschedulable pods stay Pending with the
/// scheduler's message, reported once per workload.
pub fn schedule(
    state: &mut ClusterState,
    ctx: &CheckContext,
    diags: &mut Vec<Diagnostic>,
    work_budget: u64,
) {
    let nodes = state.nodes.clone();
    let candidates: Vec<Candidate> = nodes
        .iter()
        .map(|node| Candidate {
            node,
            labels: node_labels(node),
        })
        .collect();
    // The first node of each name, as a search in profile order would find it.
    let mut by_name: HashMap<&str, usize, FxBuild> = HashMap::default();
    for (i, n) in nodes.iter().enumerate() {
        by_name.entry(n.name.as_str()).or_insert(i);
    }
    let mut usage: Vec<Usage> = vec![Usage::default(); nodes.len()];
    let unbound = place_bound_pods(state, &by_name, &mut usage);
    let mut reported: BTreeMap<Option<usize>, ()> = BTreeMap::new();
    let mut pending_count: BTreeMap<Option<usize>, usize> = BTreeMap::new();
    let mut first_pending: Vec<Pending> = Vec::new();
    let pending_claims = pending_claims(state);
    let mut shapes: HashMap<String, ShapeFit, FxBuild> = HashMap::default();
    let mut work: u64 = 0;
    for index in unbound {
        let Some(pod) = state.objects.get_index_mut(index) else {
            continue;
        };
        // VolumeBinding runs before the node filters: a pod whose claim cannot bind waits.
        // The claim already has its own finding; the pod only shows why it is Pending.
        if claims_of(pod.pod_spec())
            .iter()
            .any(|c| pending_claims.contains(&(pod.key.namespace.clone(), c.clone())))
        {
            let msg = format!(
                "0/{} nodes are available: pod has unbound immediate PersistentVolumeClaims.",
                nodes.len()
            );
            mark_unschedulable(&mut pod.json, &msg);
            continue;
        }
        let spec = pod.pod_spec();
        let needs = PodNeeds::of(spec);
        let req = needs.requests;
        let (shape, pinned) = shape_key(spec);
        let pinned = pinned.and_then(|n| by_name.get(n.as_str()).copied());
        if !shapes.contains_key(&shape) {
            work = work.saturating_add(nodes.len() as u64);
            let unpinned = match pinned {
                Some(_) => spec.without("affinity"),
                None => spec,
            };
            shapes.insert(shape.clone(), ShapeFit::of(unpinned, &candidates));
        }
        let Some(fit) = shapes.get(&shape) else {
            continue;
        };
        // The nodes to try, and the static reasons of the others.
        let (tries, mut reasons) = nodes_to_try(fit, pinned, &candidates, spec);
        work = work.saturating_add(tries.len() as u64);
        if work > work_budget {
            diags.push(crate::budget::exceeded(
                format!(
                    "scheduling the pods onto {} nodes takes more than {work_budget} steps (pods times the nodes each is tried on)",
                    nodes.len()
                ),
                work_budget,
                "--max-cluster-work",
            ));
            return;
        }
        let (best, dynamic) = best_node(tries, &needs, &nodes, &usage);
        match best {
            Some((_, i)) => {
                let (Some(u), Some(node)) = (usage.get_mut(i), nodes.get(i)) else {
                    continue;
                };
                u.add(&needs.host_ports, req);
                if let Some(spec) = pod.json.get_mut("spec").and_then(Value::as_object_mut) {
                    spec.insert("nodeName".to_string(), json!(node.name));
                }
                let ip = format!("10.244.{i}.{}", u.ips + 1);
                mark_running(&mut pod.json, &ip);
            }
            None => {
                let mut all = reasons.take().unwrap_or_else(|| fit.counts.clone());
                for (r, n) in dynamic {
                    *all.entry(r).or_default() += n;
                }
                let reasons = all;
                let msg = fit_error(nodes.len(), &reasons);
                mark_unschedulable(&mut pod.json, &msg);
                *pending_count.entry(pod.source).or_default() += 1;
                if reported.insert(pod.source, ()).is_none() {
                    first_pending.push(Pending {
                        source: pod.source,
                        pod: pod.key.name.clone(),
                        message: msg,
                        reasons,
                    });
                }
            }
        }
    }
    report_pending(first_pending, &pending_count, ctx, diags);
}

/// A pod left Pending: the PodScheduled condition says why.
fn mark_unschedulable(pod: &mut Value, msg: &str) {
    if let Some(m) = pod.as_object_mut() {
        m.insert(
            "status".to_string(),
            json!({"phase": "Pending", "conditions": [{"type": "PodScheduled", "status": "False", "reason": "Unschedulable", "message": msg}]}),
        );
    }
}

/// Places the pods already bound (profile pods, spec.nodeName) on their nodes; the other pods'
/// places in the store, in creation order.
fn place_bound_pods(
    state: &mut ClusterState,
    by_name: &HashMap<&str, usize, FxBuild>,
    usage: &mut [Usage],
) -> Vec<usize> {
    // Pods already bound (profile pods, spec.nodeName) take their place first.
    let mut unbound = Vec::new();
    for index in 0..state.objects.len() {
        let Some(pod) = state.objects.get_index_mut(index) else {
            continue;
        };
        if pod.key.kind != "Pod" || !pod.key.group.is_empty() {
            continue;
        }
        let bound = pod
            .pod_spec()
            .get("nodeName")
            .and_then(Value::as_str)
            .and_then(|n| by_name.get(n).copied());
        match bound {
            Some(i) => {
                if let Some(u) = usage.get_mut(i) {
                    let needs = PodNeeds::of(pod.pod_spec());
                    u.add(&needs.host_ports, needs.requests);
                    let ip = format!("10.244.{i}.{}", u.ips + 1);
                    mark_running(&mut pod.json, &ip);
                }
            }
            None => unbound.push(index),
        }
    }
    unbound
}

/// The claims still Pending, by (namespace, name).
fn pending_claims(state: &ClusterState) -> BTreeSet<(String, String)> {
    state
        .objects
        .values()
        .filter(|o| o.key.kind == "PersistentVolumeClaim" && o.key.group.is_empty())
        .filter(|o| o.json.at(&["status", "phase"]).and_then(Value::as_str) == Some("Pending"))
        .map(|o| (o.key.namespace.clone(), o.key.name.clone()))
        .collect()
}

/// The nodes to try, and the static reasons of the others (`None`: the shape's own counts).
fn nodes_to_try(
    fit: &ShapeFit,
    pinned: Option<usize>,
    candidates: &[Candidate],
    spec: SpecView,
) -> (Vec<usize>, Option<BTreeMap<String, usize>>) {
    match pinned {
        None => (fit.passing.clone(), None),
        Some(p) => {
            // Every other node fails the pin, or an earlier filter as for the unpinned shape.
            let mut counts = fit.counts.clone();
            let p_passes_unpinned = fit.rejects.get(p).is_some_and(Option::is_none);
            if let Some(Some(r)) = fit.rejects.get(p)
                && let Some(n) = counts.get_mut(r)
            {
                *n -= 1;
                if *n == 0 {
                    counts.remove(r);
                }
            }
            let others = fit.passing.len() - usize::from(p_passes_unpinned);
            if others > 0 {
                *counts.entry(AFFINITY_MISMATCH.to_string()).or_default() += others;
            }
            match candidates.get(p).and_then(|at| static_reason(spec, at)) {
                Some(r) => {
                    *counts.entry(r).or_default() += 1;
                    (Vec::new(), Some(counts))
                }
                None => (vec![p], Some(counts)),
            }
        }
    }
}

/// The least allocated node that fits the pod after placing it (with the scheduler's non-zero
/// defaults), and how many of the tried nodes reject it for each reason.
fn best_node(
    tries: Vec<usize>,
    needs: &PodNeeds,
    nodes: &[NodeSpec],
    usage: &[Usage],
) -> (Option<(i128, usize)>, BTreeMap<String, usize>) {
    let req = needs.requests;
    let mut dynamic: BTreeMap<String, usize> = BTreeMap::new();
    let mut best: Option<(i128, usize)> = None;
    for i in tries {
        let (Some(u), Some(node)) = (usage.get(i), nodes.get(i)) else {
            continue;
        };
        let rs = dynamic_reasons(needs, node, u);
        if rs.is_empty() {
            // Least allocated after placing the pod, with the scheduler's non-zero defaults.
            let cpu = (u.score_cpu + req.cpu.max(NONZERO_CPU)) * 1_000_000 / node.cpu_milli.max(1);
            let mem = (u.score_memory + req.memory.max(NONZERO_MEMORY)) * 1_000_000
                / node.memory_milli.max(1);
            let score = cpu + mem;
            if best.is_none_or(|(b, _)| score < b) {
                best = Some((score, i));
            }
        }
        for r in rs {
            *dynamic.entry(r).or_default() += 1;
        }
    }
    (best, dynamic)
}

/// One finding per workload with Pending pods, on the field behind the most common reason.
fn report_pending(
    first_pending: Vec<Pending>,
    pending_count: &BTreeMap<Option<usize>, usize>,
    ctx: &CheckContext,
    diags: &mut Vec<Diagnostic>,
) {
    for p in first_pending {
        let Some(obj) = p.source.and_then(|i| ctx.objects.get(i)) else {
            continue;
        };
        let n = pending_count.get(&p.source).copied().unwrap_or(1);
        let who = match (n, obj.kind.as_str()) {
            (_, "Pod") => format!("pod \"{}\" stays Pending", obj.name),
            (1, _) => format!(
                "pod \"{}\" of {} \"{}\" stays Pending",
                p.pod, obj.kind, obj.name
            ),
            _ => format!("{n} pods of {} \"{}\" stay Pending", obj.kind, obj.name),
        };
        let (span, label) = cause(obj, &p.reasons);
        let mut d = Diagnostic::new(&UNSCHEDULABLE, format!("{who}: {}", p.message))
            .at(span, label)
            .with_help("check tolerations, nodeSelector, node affinity, host ports and resource requests against the cluster's nodes (--cluster FILE describes them)")
            .with_object(obj.object_ref());
        if span != obj.name_span() {
            d = d.with_label(
                obj.name_span(),
                format!("pods of {} \"{}\"", obj.kind, obj.name),
            );
        }
        if ctx.strict {
            d = d.with_severity(Severity::Error);
        }
        diags.push(d);
    }
}

struct Pending {
    source: Option<usize>,
    pod: String,
    message: String,
    reasons: BTreeMap<String, usize>,
}

/// Where the pod template asks for what no node offers: the field behind the most common
/// reason (requests, nodeSelector or affinity, hostPort, tolerations).
fn cause(
    obj: &crate::object::Object,
    reasons: &BTreeMap<String, usize>,
) -> (crate::source::Span, String) {
    let ps = match obj.kind.as_str() {
        "Pod" => FieldPath::of("spec"),
        "CronJob" => FieldPath::of("spec.jobTemplate.spec.template.spec"),
        _ => FieldPath::of("spec.template.spec"),
    };
    let fallback = obj.name_span();
    let Some(spec_node) = locate_node(&obj.root, &ps) else {
        return (
            fallback,
            "no node of the cluster profile can run this pod".to_string(),
        );
    };
    let mut ranked: Vec<(&String, &usize)> = reasons.iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let Some((top, _)) = ranked.first() else {
        return (
            fallback,
            "no node of the cluster profile can run this pod".to_string(),
        );
    };
    let containers = spec_node
        .get("containers")
        .and_then(crate::yaml::Node::as_seq)
        .unwrap_or(&[]);
    let at = |path: FieldPath| path.locate(&obj.root, fallback);
    if let Some(res) = top.strip_prefix("Insufficient ") {
        for section in ["requests", "limits"] {
            if let Some(i) = containers
                .iter()
                .position(|c| c.path(&["resources", section, res]).is_some())
            {
                let path = ps
                    .key("containers")
                    .index(i)
                    .key("resources")
                    .key(section)
                    .key(res);
                return (
                    at(path),
                    format!("requests more {res} than any node has free"),
                );
            }
        }
    }
    if top.contains("node affinity/selector") {
        let key = if spec_node.get("nodeSelector").is_some() {
            "nodeSelector"
        } else {
            "affinity"
        };
        return (at(ps.key(key)), "no node has matching labels".to_string());
    }
    if top.contains("free ports") {
        for (i, c) in containers.iter().enumerate() {
            let ports = c
                .get("ports")
                .and_then(crate::yaml::Node::as_seq)
                .unwrap_or(&[]);
            if let Some(j) = ports.iter().position(|p| p.get("hostPort").is_some()) {
                return (
                    at(ps
                        .key("containers")
                        .index(i)
                        .key("ports")
                        .index(j)
                        .key("hostPort")),
                    "this host port is taken on every node".to_string(),
                );
            }
        }
    }
    if top.contains("untolerated taint") {
        return (
            at(ps.key("tolerations")),
            format!(
                "no toleration for {}",
                top.trim_start_matches("node(s) had untolerated taint ")
            ),
        );
    }
    (
        fallback,
        "no node of the cluster profile can run this pod".to_string(),
    )
}

fn locate_node<'a>(root: &'a crate::yaml::Node, path: &FieldPath) -> Option<&'a crate::yaml::Node> {
    let text = path.to_string();
    let keys: Vec<&str> = text.split('.').collect();
    root.path(&keys)
}

fn claims_of(spec: SpecView) -> Vec<String> {
    spec.list("volumes")
        .filter_map(|v| {
            v.at(&["persistentVolumeClaim", "claimName"])
                .and_then(Value::as_str)
                .map(str::to_string)
        })
        .collect()
}

fn mark_running(pod: &mut Value, ip: &str) {
    if let Some(m) = pod.as_object_mut() {
        m.insert("status".to_string(), json!({"phase": "Running", "podIP": ip, "conditions": [{"type": "Ready", "status": "True"}]}));
    }
}
