//! What `kforge simulate` prints: a `kubectl get all -o wide`-like table, YAML of every object
//! with defaults applied, and JSON for machines.

use super::state::JsonAt;
use super::state::{ClusterState, Origin, Stored};
use crate::object::Object;
use serde_json::{Value, json};

fn text(v: &Value, ptr: &str) -> String {
    match v.pointer(ptr) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

fn table(rows: Vec<Vec<String>>) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..cols)
        .map(|c| {
            rows.iter()
                .map(|r| r.get(c).map(|s| s.chars().count()).unwrap_or(0))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for r in rows {
        let mut line = String::new();
        for (i, cell) in r.iter().enumerate() {
            let w = widths.get(i).copied().unwrap_or(0);
            if i + 1 == r.len() {
                line.push_str(cell);
            } else {
                line.push_str(&format!("{cell:<w$}   "));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// No load balancer exists offline: `<pending>` as kubectl shows before one is provisioned.
fn external_ip(s: &Stored) -> String {
    match s.json.at(&["spec", "type"]).and_then(Value::as_str) {
        Some("LoadBalancer") => "<pending>".to_string(),
        Some("ExternalName") => text(&s.json, "/spec/externalName"),
        _ => match s
            .json
            .at(&["spec", "externalIPs"])
            .and_then(Value::as_array)
        {
            Some(ips) if !ips.is_empty() => ips
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(","),
            _ => "<none>".to_string(),
        },
    }
}

fn or_none(s: String) -> String {
    if s.is_empty() {
        "<none>".to_string()
    } else {
        s
    }
}

impl ClusterState {
    fn visible(&self) -> impl Iterator<Item = &Stored> {
        self.objects
            .values()
            .filter(|o| o.origin != Origin::Profile || o.key.kind == "Service")
    }

    /// Like `kubectl get all -A -o wide`: pods (node or why Pending), Services (ClusterIP,
    /// ports with NodePorts, endpoints), workloads, PVCs.
    pub fn table(&self) -> String {
        let mut sections = Vec::new();
        sections.extend(self.pods_table());
        sections.extend(self.services_table());
        self.workload_tables(&mut sections);
        sections.extend(self.claims_table());
        sections.join("\n")
    }

    /// Pods: readiness, phase, IP, node, and why a Pending one waits.
    fn pods_table(&self) -> Option<String> {
        let pods: Vec<&Stored> = self.visible().filter(|o| o.key.kind == "Pod").collect();
        if pods.is_empty() {
            return None;
        }
        let mut rows = vec![
            [
                "NAMESPACE",
                "NAME",
                "READY",
                "STATUS",
                "IP",
                "NODE",
                "REASON",
            ]
            .map(String::from)
            .to_vec(),
        ];
        for p in pods {
            let n = p
                .pod_spec()
                .get("containers")
                .and_then(Value::as_array)
                .map(Vec::len)
                .unwrap_or(0);
            let phase = text(&p.json, "/status/phase");
            let ready = if phase == "Running" { n } else { 0 };
            rows.push(vec![
                p.key.namespace.clone(),
                format!("pod/{}", p.key.name),
                format!("{ready}/{n}"),
                phase,
                or_none(text(&p.json, "/status/podIP")),
                or_none(
                    p.pod_spec()
                        .get("nodeName")
                        .map(|n| text(n, ""))
                        .unwrap_or_default(),
                ),
                text(&p.json, "/status/conditions/0/message"),
            ]);
        }
        Some(table(rows))
    }

    /// Services: type, addresses, ports with their NodePorts, endpoints.
    fn services_table(&self) -> Option<String> {
        let services: Vec<&Stored> = self
            .visible()
            .filter(|o| o.key.kind == "Service" && o.key.group.is_empty())
            .collect();
        if services.is_empty() {
            return None;
        }
        let mut rows = vec![
            [
                "NAMESPACE",
                "NAME",
                "TYPE",
                "CLUSTER-IP",
                "EXTERNAL-IP",
                "PORT(S)",
                "ENDPOINTS",
            ]
            .map(String::from)
            .to_vec(),
        ];
        for s in services {
            let ports: Vec<String> = s
                .spec()
                .get("ports")
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or(&[])
                .iter()
                .map(|p| {
                    let proto = p.get("protocol").and_then(Value::as_str).unwrap_or("TCP");
                    match p.get("nodePort").and_then(Value::as_i64) {
                        Some(np) => format!("{}:{np}/{proto}", text(p, "/port")),
                        None => format!("{}/{proto}", text(p, "/port")),
                    }
                })
                .collect();
            let eps = self.get("", "Endpoints", &s.key.namespace, &s.key.name);
            let endpoints: Vec<String> = eps
                .and_then(|e| e.json.get("subsets").and_then(Value::as_array))
                .map(Vec::as_slice)
                .unwrap_or(&[])
                .iter()
                .flat_map(|sub| {
                    let port = text(sub, "/ports/0/port");
                    sub.get("addresses")
                        .and_then(Value::as_array)
                        .cloned()
                        .unwrap_or_default()
                        .into_iter()
                        .map(move |a| format!("{}:{port}", text(&a, "/ip")))
                })
                .collect();
            let ep_text = if s.spec().get("selector").is_none() {
                "<no selector>".to_string()
            } else {
                or_none(endpoints.join(","))
            };
            rows.push(vec![
                s.key.namespace.clone(),
                format!("service/{}", s.key.name),
                text(&s.json, "/spec/type"),
                or_none(text(&s.json, "/spec/clusterIP")),
                external_ip(s),
                or_none(ports.join(",")),
                ep_text,
            ]);
        }
        Some(table(rows))
    }

    /// One table per workload kind: pods running of those it owns, and how many it wants.
    fn workload_tables(&self, sections: &mut Vec<String>) {
        for (group, kind, short) in [
            ("apps", "Deployment", "deployment.apps"),
            ("apps", "ReplicaSet", "replicaset.apps"),
            ("apps", "StatefulSet", "statefulset.apps"),
            ("apps", "DaemonSet", "daemonset.apps"),
            ("batch", "Job", "job.batch"),
            ("batch", "CronJob", "cronjob.batch"),
        ] {
            let objs: Vec<&Stored> = self
                .visible()
                .filter(|o| o.key.group == group && o.key.kind == kind)
                .collect();
            if objs.is_empty() {
                continue;
            }
            let mut rows = vec![
                ["NAMESPACE", "NAME", "READY", "DESIRED"]
                    .map(String::from)
                    .to_vec(),
            ];
            for o in objs {
                let mine: Vec<&Stored> = self.pods_of(o);
                let running = mine
                    .iter()
                    .filter(|p| text(&p.json, "/status/phase") == "Running")
                    .count();
                let desired = match kind {
                    "CronJob" => text(&o.json, "/spec/schedule"),
                    "DaemonSet" | "Job" => mine.len().to_string(),
                    _ => text(&o.json, "/spec/replicas"),
                };
                rows.push(vec![
                    o.key.namespace.clone(),
                    format!("{short}/{}", o.key.name),
                    format!("{running}/{}", mine.len()),
                    desired,
                ]);
            }
            sections.push(table(rows));
        }
    }

    /// PersistentVolumeClaims: phase, class, capacity, and why a Pending one waits.
    fn claims_table(&self) -> Option<String> {
        let pvcs: Vec<&Stored> = self
            .visible()
            .filter(|o| o.key.kind == "PersistentVolumeClaim")
            .collect();
        if pvcs.is_empty() {
            return None;
        }
        let mut rows = vec![
            [
                "NAMESPACE",
                "NAME",
                "STATUS",
                "STORAGECLASS",
                "CAPACITY",
                "REASON",
            ]
            .map(String::from)
            .to_vec(),
        ];
        for c in pvcs {
            rows.push(vec![
                c.key.namespace.clone(),
                format!("persistentvolumeclaim/{}", c.key.name),
                text(&c.json, "/status/phase"),
                or_none(text(&c.json, "/spec/storageClassName")),
                text(&c.json, "/spec/resources/requests/storage"),
                text(&c.json, "/status/message"),
            ]);
        }
        Some(table(rows))
    }

    /// Pods owned by a workload (directly, through a ReplicaSet, or through a Job).
    pub fn pods_of(&self, owner: &Stored) -> Vec<&Stored> {
        let owned_by = |o: &Stored, kind: &str, name: &str| {
            o.key.namespace == owner.key.namespace
                && o.json
                    .at(&["metadata", "ownerReferences", "0", "kind"])
                    .and_then(Value::as_str)
                    == Some(kind)
                && o.json
                    .at(&["metadata", "ownerReferences", "0", "name"])
                    .and_then(Value::as_str)
                    == Some(name)
        };
        let mut owners = vec![(owner.key.kind.clone(), owner.key.name.clone())];
        for o in self.objects.values() {
            if matches!(o.key.kind.as_str(), "ReplicaSet" | "Job")
                && owned_by(o, &owner.key.kind, &owner.key.name)
            {
                owners.push((o.key.kind.clone(), o.key.name.clone()));
            }
        }
        self.objects
            .values()
            .filter(|p| p.key.kind == "Pod" && owners.iter().any(|(k, n)| owned_by(p, k, n)))
            .collect()
    }

    /// Every object of the run and what the controllers made, with defaults: a JSON List.
    /// `objects` are the run's (what the state was applied from).
    pub fn to_json(&self, objects: &[Object]) -> Value {
        let items: Vec<Value> = self
            .visible()
            .map(|o| o.body(objects).into_owned())
            .collect();
        let nodes: Vec<Value> = self
            .nodes
            .iter()
            .map(|n| {
                json!({"name": n.name, "labels": n.labels, "taints": n.taints.iter().map(|t| json!({"key": t.key, "value": t.value, "effect": t.effect})).collect::<Vec<_>>(),
                    "allocatable": {"cpu": super::quantity::format_milli(n.cpu_milli, false), "memory": super::quantity::format_milli(n.memory_milli, true), "pods": n.pods}})
            })
            .collect();
        json!({"apiVersion": "v1", "kind": "List", "items": items, "nodes": nodes})
    }

    /// The objects as a multi-document YAML stream. `objects` are the run's.
    pub fn to_yaml(&self, objects: &[Object]) -> String {
        let mut out = String::new();
        for o in self.visible() {
            out.push_str("---\n");
            let yaml = crate::yaml::emit(&o.body(objects));
            out.push_str(&yaml);
            if !yaml.ends_with('\n') {
                out.push('\n');
            }
        }
        out
    }
}
