//! The apply loop: objects in Helm's install order, each one through namespace and CRD
//! lookup, validation, defaulting, immutable-field checks on update, and allocation.

use super::allocators::{Cidr, Holder, IpAllocator, IpError, PortAllocator, PortError};
use super::field::{ErrorType, FieldError, FieldPath};
use super::profile::Profile;
use super::state::JsonAt;
use super::state::{ClusterState, Key, Origin, Stored, keeps_body};
use super::{defaults, immutable, validate};
use crate::catalog::cluster::*;
use crate::check::CheckContext;
use crate::diag::Diagnostic;
use crate::object::{self, Object};
use crate::source::Span;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

/// A kind served by a CustomResourceDefinition.
#[derive(Clone, Debug)]
struct Crd {
    group: String,
    kind: String,
    served: Vec<String>,
    namespaced: bool,
    span: Option<Span>,
}

fn crd_of(o: &Object) -> Option<Crd> {
    if !o.is_crd() {
        return None;
    }
    let spec = o.root.get("spec")?;
    let s = |p: &[&str]| {
        spec.path(p)
            .and_then(crate::yaml::Node::as_str)
            .map(str::to_string)
    };
    let mut served: Vec<String> = spec
        .get("versions")
        .and_then(crate::yaml::Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .filter(|v| v.get("served").and_then(crate::yaml::Node::as_bool) != Some(false))
        .filter_map(|v| {
            v.get("name")
                .and_then(crate::yaml::Node::as_str)
                .map(str::to_string)
        })
        .collect();
    served.extend(s(&["version"]));
    Some(Crd {
        group: s(&["group"])?,
        kind: s(&["names", "kind"])?,
        served,
        namespaced: s(&["scope"]).as_deref() != Some("Cluster"),
        span: real_span(o),
    })
}

/// Built-in profile objects have no place in a file.
fn real_span(o: &Object) -> Option<Span> {
    (!o.span.is_empty()).then(|| o.name_span())
}

/// `o` as the API server stores it in `namespace` (empty for a cluster-scoped kind, whose
/// `metadata.namespace` is cleared): defaults applied, before any allocation.
pub(super) fn stored_json(o: &Object, namespace: &str) -> Value {
    let mut json = o.root.to_json();
    defaults::apply(o.group(), &o.kind, &mut json);
    if let Some(m) = json.get_mut("metadata").and_then(Value::as_object_mut) {
        if namespace.is_empty() {
            m.remove("namespace");
        } else {
            m.insert("namespace".to_string(), json!(namespace));
        }
    }
    json
}

fn what(kind: &str, name: &str) -> String {
    format!("{kind} \"{name}\"")
}

/// What applying an object of a built-in kind starts with, found before the objects are
/// applied one by one and on every core, since neither depends on what was applied before:
/// the API server's validation of its fields, and the body stored when it passes (for a kind
/// stored with its body).
struct Prepared {
    errors: super::field::Errors,
    /// Boxed: the vector of every object's `Prepared` is made at once and dropped after the
    /// apply, and an inline `Value` made each entry ~110 bytes, not ~40 (issue 19: ~20 of its
    /// ~33 page faults on the rendered corpus); a body moves into the state once applied.
    body: Option<Box<Value>>,
    /// The scope both were found for.
    namespaced: bool,
}

pub struct Applier<'a> {
    ctx: &'a CheckContext<'a>,
    pub state: ClusterState,
    ips: IpAllocator,
    ports: PortAllocator,
    namespaces: BTreeSet<String>,
    crds: Vec<Crd>,
    /// Namespaces the run uses but neither it nor the profile creates: the objects (indexes
    /// into the run) that go into each.
    missing_namespaces: BTreeMap<String, Vec<usize>>,
    /// `(apiVersion, kind)` no CRD serves: the index of its one finding in `diags` and how many
    /// more objects of the run have that kind.
    missing_kinds: BTreeMap<(String, String), (usize, usize)>,
    pub diags: Vec<Diagnostic>,
    /// The profile describes the target cluster (a file) or --strict: what the profile lacks
    /// is certainly missing. With the built-in profile it may exist in the real cluster.
    closed_world: bool,
}

impl<'a> Applier<'a> {
    pub fn new(ctx: &'a CheckContext<'a>, profile: &Profile) -> Applier<'a> {
        let mut a = Applier {
            ctx,
            state: ClusterState {
                nodes: profile.nodes.clone(),
                ..ClusterState::default()
            },
            ips: IpAllocator::new(profile.service_cidr),
            ports: PortAllocator::new(profile.node_port_range),
            namespaces: profile.namespaces.iter().cloned().collect(),
            crds: Vec::new(),
            missing_namespaces: BTreeMap::new(),
            missing_kinds: BTreeMap::new(),
            diags: Vec::new(),
            closed_world: profile.from_file || ctx.strict,
        };
        a.crds.extend(ctx.extra_crds.iter().filter_map(crd_of));
        // Labels may point into the profile file only if the run's source map holds it.
        let spans_ok = profile
            .source
            .as_ref()
            .is_some_and(|(id, name)| ctx.sources.name(*id) == name);
        for o in &profile.objects {
            let stripped;
            let o = if spans_ok {
                o
            } else {
                stripped = Object {
                    span: Span::default(),
                    ..o.clone()
                };
                &stripped
            };
            a.crds.extend(crd_of(o));
            let namespaced = a.namespaced(o).unwrap_or(true);
            let ns = if namespaced {
                o.namespace_or("default").to_string()
            } else {
                String::new()
            };
            let mut json = o.root.to_json();
            defaults::apply(o.group(), &o.kind, &mut json);
            if o.kind == "Service" && o.group().is_empty() {
                // Existing Services hold their addresses; conflicts among them are not ours.
                let _ = a.allocate_service(o, &mut json);
            }
            if o.kind == "Namespace" {
                a.namespaces.insert(o.name.clone());
            }
            let key = Key::new(o.group(), &o.kind, &ns, &o.name);
            a.state.insert(Stored {
                key,
                api_version: o.api_version.clone(),
                json,
                origin: Origin::Profile,
                source: None,
                shared_spec: None,
            });
        }
        // Helm installs only into a namespace that exists, so in the open world the release
        // namespace is there; so are the namespaces the configuration assumes.
        if ctx.create_namespace || !a.closed_world {
            a.namespaces.insert(ctx.release_namespace.to_string());
        }
        a.namespaces
            .extend(ctx.config.assume_namespaces.iter().cloned());
        a
    }

    /// `Some(true)` namespaced, `Some(false)` cluster-scoped, `None` unknown kind (no CRD).
    fn namespaced(&self, o: &Object) -> Option<bool> {
        match object::builtin_cluster_scoped(o.group(), &o.kind) {
            Some(cluster) => Some(!cluster),
            None => self.crd_for(o).map(|c| c.namespaced),
        }
    }

    fn crd_for(&self, o: &Object) -> Option<&Crd> {
        self.crds.iter().rev().find(|c| {
            c.group == o.group() && c.kind == o.kind && c.served.iter().any(|v| v == o.version())
        })
    }

    /// Applies every run object in Helm's install order.
    pub fn apply_all(&mut self) {
        // Room for every run object at once: growing the map by doubling copies its entries
        // (a few hundred bytes each) into fresh pages at each step (issue 19: page faults).
        self.state.objects.reserve(self.ctx.objects.len());
        let mut prepared = self.prepare_all();
        let mut order: Vec<(usize, &Object)> = self.ctx.objects.iter().enumerate().collect();
        order.sort_by_key(|(_, o)| object::install_order_key(&o.kind));
        for (at, o) in order {
            let prepared = prepared.get_mut(at).and_then(Option::take);
            self.apply_one(o, prepared);
        }
        self.report_missing_namespaces();
        self.count_missing_kinds();
    }

    /// `cluster/no-crd` is reported once per kind and version; the finding counts the others.
    fn count_missing_kinds(&mut self) {
        for ((api_version, kind), (at, more)) in std::mem::take(&mut self.missing_kinds) {
            if more == 0 {
                continue;
            }
            if let Some(d) = self.diags.get_mut(at) {
                let objects = if more == 1 { "object" } else { "objects" };
                d.notes.push(format!(
                    "{more} more {objects} of kind {kind} ({api_version}) in the run fail the same way"
                ));
            }
        }
    }

    /// One finding per missing namespace, at its first use, counting the objects it affects.
    /// In the open world the objects were applied as if it existed; in a closed world every
    /// one of them failed.
    fn report_missing_namespaces(&mut self) {
        let missing = std::mem::take(&mut self.missing_namespaces);
        for (ns, mut indexes) in missing {
            // The first use in the input, not in install order, is where a reader looks.
            indexes.sort_unstable();
            let objects: Vec<&Object> = indexes
                .iter()
                .filter_map(|&i| self.ctx.objects.get(i))
                .collect();
            let Some(first) = objects.first() else {
                continue;
            };
            let ns_node = first
                .root
                .path(&["metadata", "namespace"])
                .filter(|n| n.as_str().is_some_and(|s| !s.is_empty()));
            let span = ns_node
                .map(crate::yaml::Node::site)
                .unwrap_or_else(|| first.name_span());
            let label = match ns_node {
                Some(_) => format!("namespace \"{ns}\" is not created by the run"),
                None => format!(
                    "no namespace given: {} goes to the release namespace \"{ns}\", which does not exist",
                    what(&first.kind, &first.name)
                ),
            };
            let count = match objects.len() {
                1 => "1 object".to_string(),
                n => format!("{n} objects"),
            };
            let d = if self.closed_world {
                let mut d = Diagnostic::new(
                    &NAMESPACE_NOT_FOUND,
                    format!(
                        "error when creating {}: namespaces \"{ns}\" not found",
                        what(&first.kind, &first.name)
                    ),
                );
                if objects.len() > 1 {
                    d = d.with_note(format!(
                        "{count} of the run go into namespace \"{ns}\" and fail the same way"
                    ));
                }
                d
            } else {
                Diagnostic::new(
                    &NAMESPACE_NOT_FOUND,
                    format!(
                        "namespaces \"{ns}\" not found: assumed to exist for {count} of the run"
                    ),
                )
                .with_severity(crate::diag::Severity::Warning)
                .with_note(format!(
                    "{count} in namespace \"{ns}\" {} validated, defaulted and applied as if it existed; \
                     describe the cluster with --cluster FILE, or use --strict, to make a missing namespace an error",
                    if objects.len() == 1 { "is" } else { "are" }
                ))
            };
            self.diags.push(
                d.at(span, label)
                    .with_help("create the Namespace earlier in the run or in the cluster profile, or pass --create-namespace for the release namespace")
                    .with_object(first.object_ref()),
            );
        }
    }

    /// [`Prepared`] for every object of a built-in kind (by position in the run), on every core.
    fn prepare_all(&self) -> Vec<Option<Prepared>> {
        use rayon::prelude::*;
        let wording = super::field::Wording::for_version(self.ctx.kube_version);
        let release_namespace = self.ctx.release_namespace;
        self.ctx
            .objects
            .par_iter()
            .map(|o| {
                let namespaced = !object::builtin_cluster_scoped(o.group(), &o.kind)?;
                let errors = validate::validate(o, namespaced, wording);
                let refused = errors.0.iter().any(|e| !e.warning);
                let body = (!refused && keeps_body(o.group(), &o.kind)).then(|| {
                    let namespace = if namespaced {
                        o.namespace_or(release_namespace)
                    } else {
                        ""
                    };
                    Box::new(stored_json(o, namespace))
                });
                Some(Prepared {
                    errors,
                    body,
                    namespaced,
                })
            })
            .collect()
    }

    fn apply_one(&mut self, o: &Object, prepared: Option<Prepared>) {
        let Some(namespaced) = self.namespaced(o) else {
            self.no_crd(o);
            return;
        };
        let Some(namespace) = self.target_namespace(o, namespaced) else {
            return;
        };
        let prepared = prepared.filter(|p| p.namespaced == namespaced);
        let (errors, body) = match prepared {
            Some(p) => (p.errors, p.body.map(|b| *b)),
            None => (
                validate::validate(
                    o,
                    namespaced,
                    super::field::Wording::for_version(self.ctx.kube_version),
                ),
                None,
            ),
        };
        if self.report_field_errors(o, &errors) {
            return;
        }
        let key = Key::new(o.group(), &o.kind, &namespace, &o.name);
        let keep = keeps_body(o.group(), &o.kind);
        let mut json = match body {
            Some(json) => json,
            None if keep => stored_json(o, &namespace),
            None => Value::Null,
        };
        let old = self.state.objects.get(&key).cloned();
        if let Some(old) = &old {
            // An update of a kind stored without its body compares rebuilt bodies.
            let errs = if keep {
                immutable::check(o.group(), &o.kind, &old.json, &json)
            } else {
                immutable::check(
                    o.group(),
                    &o.kind,
                    &old.body(self.ctx.objects),
                    &stored_json(o, &namespace),
                )
            };
            if !errs.is_empty() {
                for err in &errs.0 {
                    let mut d = self.field_diagnostic(o, err, &IMMUTABLE_FIELD);
                    if let Some(src) = old.source.and_then(|i| self.ctx.objects.get(i)) {
                        d = d.with_label(
                            src.name_span(),
                            format!("{} first applied here", what(&o.kind, &o.name)),
                        );
                    }
                    self.diags.push(d);
                }
                return;
            }
        }
        if o.kind == "Service" && o.group().is_empty() {
            if let Some(old) = &old {
                carry_allocations(&old.json, &mut json);
                self.release_service(&old.json);
            }
            if let Err(diags) = self.allocate_service(o, &mut json) {
                self.diags.extend(diags);
                if let Some(old) = &old {
                    let mut old_json = old.json.clone();
                    let _ = self.allocate_service(o, &mut old_json);
                }
                return;
            }
        }
        if o.kind == "Namespace" && o.group().is_empty() {
            self.namespaces.insert(o.name.clone());
        }
        self.crds.extend(crd_of(o));
        self.state.insert(Stored {
            key,
            api_version: o.api_version.clone(),
            json,
            origin: Origin::Run,
            source: Some(o.index),
            shared_spec: None,
        });
    }

    /// The namespace the object lands in (empty for cluster-scoped objects, whose
    /// metadata.namespace is cleared with a warning); `None` when it is missing from a closed
    /// world (reported later, once per namespace).
    fn target_namespace(&mut self, o: &Object, namespaced: bool) -> Option<String> {
        let ns_node = o
            .root
            .path(&["metadata", "namespace"])
            .filter(|n| n.as_str().is_some_and(|s| !s.is_empty()));
        let namespace = if namespaced {
            let ns = o.namespace_or(self.ctx.release_namespace).to_string();
            if !self.namespaces.contains(&ns) {
                self.missing_namespaces
                    .entry(ns.clone())
                    .or_default()
                    .push(o.index);
                if self.closed_world {
                    return None;
                }
            }
            ns
        } else {
            if let Some(n) = ns_node {
                self.diags.push(
                    Diagnostic::new(
                        &NAMESPACE_CLEARED,
                        format!(
                            "{} is cluster-scoped: the API server ignores metadata.namespace",
                            what(&o.kind, &o.name)
                        ),
                    )
                    .at(n.site(), "cleared on create")
                    .with_help("remove metadata.namespace from cluster-scoped objects")
                    .with_object(o.object_ref()),
                );
            }
            String::new()
        };
        Some(namespace)
    }

    /// The API server's validation of the object's fields, reported; whether it refuses the
    /// object.
    fn report_field_errors(&mut self, o: &Object, errors: &super::field::Errors) -> bool {
        let mut failed = false;
        // Before v1.34 the API server did not validate a StatefulSet's pod template and claim
        // templates (PRs #131790, #132212): the same mistake surfaced as a controller event.
        let late =
            o.kind == "StatefulSet" && o.group() == "apps" && self.ctx.kube_version.minor < 34;
        for err in &errors.0 {
            failed |= !err.warning;
            let path = err.path.to_string();
            if late
                && (path.starts_with("spec.template.")
                    || path.starts_with("spec.volumeClaimTemplates"))
            {
                let d = self.field_diagnostic(o, err, &INVALID).with_note(format!(
                    "Kubernetes {} accepts the StatefulSet; this fails at pod creation (event `create Pod {}-0 in StatefulSet {} failed`)",
                    self.ctx.kube_version, o.name, o.name
                ));
                self.diags.push(d);
                continue;
            }
            self.report_field_error(o, err, &INVALID);
        }
        failed
    }

    fn no_crd(&mut self, o: &Object) {
        let kind_key = (o.api_version.clone(), o.kind.clone());
        if let Some((_, more)) = self.missing_kinds.get_mut(&kind_key) {
            *more += 1;
            return;
        }
        self.missing_kinds.insert(kind_key, (self.diags.len(), 0));
        let mut d = Diagnostic::new(
            &NO_CRD,
            format!("resource mapping not found for {}: no matches for kind \"{}\" in version \"{}\"", what(&o.kind, &o.name), o.kind, o.api_version),
        )
        .at(o.root.get("apiVersion").map(crate::yaml::Node::site).unwrap_or_else(|| o.name_span()), "no installed CustomResourceDefinition serves this kind and version")
        .with_help("ensure CRDs are installed first: add the CRD to the run (a chart's crds/ directory, --crd) or to the cluster profile")
        .with_object(o.object_ref());
        let other = self
            .crds
            .iter()
            .find(|c| c.group == o.group() && c.kind == o.kind);
        if other.is_none() {
            d = self.open_world(d, "the CustomResourceDefinition");
        }
        if let Some(other) = other {
            let versions = other.served.join(", ");
            d = d.with_note(format!(
                "the CRD for {} serves version(s) {versions}",
                o.kind
            ));
            if let Some(span) = other.span {
                d = d.with_label(span, format!("serves {}/{versions}", other.group));
            }
        }
        self.diags.push(d);
    }

    /// With the built-in profile, something missing from it may still exist in the real
    /// cluster: a warning that says so.
    fn open_world(&self, d: Diagnostic, what: &str) -> Diagnostic {
        if self.closed_world {
            return d;
        }
        d.with_severity(crate::diag::Severity::Warning).with_note(format!(
            "a warning because the built-in cluster profile is assumed and {what} may exist in the real cluster; \
             describe the cluster with --cluster FILE, or use --strict, to make this an error"
        ))
    }

    fn field_diagnostic(
        &self,
        o: &Object,
        err: &FieldError,
        rule: &'static crate::diag::Rule,
    ) -> Diagnostic {
        let span = err
            .span
            .unwrap_or_else(|| err.path.locate(&o.root, o.name_span()));
        let (message, label) = if err.warning {
            (
                format!("Warning: {}: {}", err.path, err.detail),
                "accepted with a warning",
            )
        } else {
            let label = match err.kind {
                ErrorType::Required => "required",
                ErrorType::Invalid => "invalid value",
                ErrorType::Unsupported => "unsupported value",
                ErrorType::Duplicate => "duplicate value",
                ErrorType::NotFound => "not found",
                ErrorType::Forbidden => "forbidden",
                ErrorType::TooLong => "too long",
            };
            (
                format!("The {} \"{}\" is invalid: {err}", o.kind, o.name),
                label,
            )
        };
        Diagnostic::new(rule, message)
            .at(span, label)
            .with_object(o.object_ref())
    }

    fn report_field_error(
        &mut self,
        o: &Object,
        err: &FieldError,
        rule: &'static crate::diag::Rule,
    ) {
        let rule = if err.warning { &API_WARNING } else { rule };
        let d = self.field_diagnostic(o, err, rule);
        self.diags.push(d);
    }

    fn release_service(&mut self, json: &Value) {
        if let Some(ip) = json.at(&["spec", "clusterIP"]).and_then(Value::as_str) {
            self.ips.release(ip);
        }
        for p in json
            .at(&["spec", "ports"])
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[])
        {
            if let Some(np) = p.get("nodePort").and_then(Value::as_i64) {
                self.ports.release(np);
            }
        }
    }

    /// Allocates the clusterIP and nodePorts of a Service, writing them into `json`. On failure
    /// nothing stays allocated.
    fn allocate_service(&mut self, o: &Object, json: &mut Value) -> Result<(), Vec<Diagnostic>> {
        let mut diags = Vec::new();
        let ty = json
            .at(&["spec", "type"])
            .and_then(Value::as_str)
            .unwrap_or("ClusterIP")
            .to_string();
        let got_ip = if ty != "ExternalName" {
            self.allocate_cluster_ip(o, json, &mut diags)
        } else {
            None
        };
        let got_ports = self.allocate_node_ports(o, json, &ty, &mut diags);
        if diags.is_empty() {
            return Ok(());
        }
        if let Some(ip) = got_ip {
            self.ips.release(&ip);
        }
        for p in got_ports {
            self.ports.release(p);
        }
        Err(diags)
    }

    /// The Service's clusterIP: the one it asks for, or the next free one (none for a headless
    /// Service, or when the address cannot be had: `diags` says why).
    fn allocate_cluster_ip(
        &mut self,
        o: &Object,
        json: &mut Value,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<String> {
        let holder = |path: &FieldPath| holder(o, path);
        let mut got_ip: Option<String> = None;
        let cidr: Cidr = self.ips.cidr;
        let ip = json
            .at(&["spec", "clusterIP"])
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let path = FieldPath::of("spec.clusterIP");
        if ip == "None" {
            set_spec(json, "clusterIPs", json!(["None"]));
        } else if ip.is_empty() {
            match self.ips.allocate_next(holder(&path)) {
                Ok(a) => got_ip = Some(a),
                Err(_) => diags.push(
                    Diagnostic::new(&CLUSTERIP_RANGE, format!("Internal error occurred: failed to allocate a serviceIP for {}: range is full", what(&o.kind, &o.name)))
                        .at(o.name_span(), "no free clusterIP")
                        .with_object(o.object_ref()),
                ),
            }
        } else {
            let span = path.locate(&o.root, o.name_span());
            let prefix = format!(
                "The Service \"{}\" is invalid: spec.clusterIPs: Invalid value: [\"{ip}\"]: failed to allocate IP {ip}",
                o.name
            );
            match self.ips.allocate(&ip, holder(&path)) {
                Ok(()) => got_ip = Some(ip.clone()),
                Err(IpError::Taken(h)) => {
                    let mut d = Diagnostic::new(&CLUSTERIP_CONFLICT, format!("{prefix}: provided IP is already allocated"))
                        .at(span, format!("{ip} is already allocated to {}", h.what))
                        .with_help("leave clusterIP empty to get a free address, or pick another one")
                        .with_object(o.object_ref());
                    if let Some(s) = h.span {
                        d = d.with_label(s, format!("{} holds {ip}", h.what));
                    }
                    diags.push(d);
                }
                Err(IpError::NotInRange | IpError::Full) => diags.push(
                    Diagnostic::new(&CLUSTERIP_RANGE, format!("{prefix}: the provided IP ({ip}) is not in the valid range. The range of valid IPs is {cidr}"))
                        .at(span, format!("outside the service CIDR {cidr}"))
                        .with_object(o.object_ref()),
                ),
                Err(IpError::Unparsable) => {
                    // IPv6 or garbage: IPv6 ranges are not modelled; garbage is the schema's.
                }
            }
        }
        if let Some(ip) = &got_ip {
            set_spec(json, "clusterIP", json!(ip));
            set_spec(json, "clusterIPs", json!([ip]));
            set_spec(json, "ipFamilies", json!(["IPv4"]));
            set_spec(json, "ipFamilyPolicy", json!("SingleStack"));
        }
        got_ip
    }

    /// The Service's nodePorts, those it asks for and the next free ones (TCP and UDP entries
    /// with the same port share one), written into `json`; what this call allocated.
    fn allocate_node_ports(
        &mut self,
        o: &Object,
        json: &mut Value,
        ty: &str,
        diags: &mut Vec<Diagnostic>,
    ) -> Vec<i64> {
        let holder = |path: &FieldPath| holder(o, path);
        let mut got_ports: Vec<i64> = Vec::new();
        let wants_node_ports = ty == "NodePort"
            || (ty == "LoadBalancer"
                && json
                    .at(&["spec", "allocateLoadBalancerNodePorts"])
                    .and_then(Value::as_bool)
                    != Some(false));
        let n_ports = json
            .at(&["spec", "ports"])
            .and_then(Value::as_array)
            .map(Vec::len)
            .unwrap_or(0);
        let mut by_port: Vec<(i64, i64)> = Vec::new();
        for i in 0..n_ports {
            let ptr = format!("/spec/ports/{i}");
            let port = json
                .pointer(&format!("{ptr}/port"))
                .and_then(Value::as_i64)
                .unwrap_or(0);
            let explicit = json
                .pointer(&format!("{ptr}/nodePort"))
                .and_then(Value::as_i64)
                .filter(|p| *p != 0);
            let path = FieldPath::of("spec").key("ports").index(i).key("nodePort");
            let shared = by_port.iter().find(|(p, _)| *p == port).map(|(_, np)| *np);
            match explicit {
                Some(np) if ty != "ClusterIP" => {
                    if shared == Some(np) || got_ports.contains(&np) {
                        continue;
                    }
                    let span = path.locate(&o.root, o.name_span());
                    let prefix = format!(
                        "The Service \"{}\" is invalid: {path}: Invalid value: {np}",
                        o.name
                    );
                    match self.ports.allocate(np, holder(&path)) {
                        Ok(()) => {
                            got_ports.push(np);
                            by_port.push((port, np));
                        }
                        Err(PortError::Taken(h)) => {
                            let mut d = Diagnostic::new(&NODEPORT_CONFLICT, format!("{prefix}: provided port is already allocated"))
                                .at(span, format!("nodePort {np} is already allocated to {}", h.what))
                                .with_help("remove nodePort to get a free port, or pick a port no other Service uses")
                                .with_object(o.object_ref());
                            if let Some(s) = h.span {
                                d = d.with_label(s, format!("{} holds nodePort {np}", h.what));
                            } else {
                                d = d.with_note(format!(
                                    "{} in the cluster profile holds nodePort {np}",
                                    h.what
                                ));
                            }
                            diags.push(d);
                        }
                        Err(_) => {
                            let range = self.ports.range;
                            diags.push(
                                Diagnostic::new(&NODEPORT_RANGE, format!("{prefix}: provided port is not in the valid range. The range of valid ports is {range}"))
                                    .at(span, format!("outside the NodePort range {range}"))
                                    .with_help(format!("pick a nodePort in {range} or leave it out to get one allocated"))
                                    .with_object(o.object_ref()),
                            );
                        }
                    }
                }
                None if wants_node_ports => {
                    let np = match shared {
                        Some(np) => np,
                        None => match self.ports.allocate_next(holder(&path)) {
                            Ok(np) => {
                                got_ports.push(np);
                                by_port.push((port, np));
                                np
                            }
                            Err(_) => {
                                diags.push(
                                    Diagnostic::new(&NODEPORT_RANGE, format!("Internal error occurred: failed to allocate a nodePort for {}: range is full", what(&o.kind, &o.name)))
                                        .at(o.root.path(&["spec", "type"]).map(crate::yaml::Node::site).unwrap_or_else(|| o.name_span()), "needs a nodePort")
                                        .with_object(o.object_ref()),
                                );
                                continue;
                            }
                        },
                    };
                    if let Some(p) = json.pointer_mut(&ptr).and_then(Value::as_object_mut) {
                        p.insert("nodePort".to_string(), json!(np));
                    }
                }
                _ => {}
            }
        }
        got_ports
    }
}

/// Who holds an address or a port: the object, and the field that asked when it is in a file.
fn holder(o: &Object, path: &FieldPath) -> Holder {
    let has_span = !o.span.is_empty();
    Holder {
        what: what(&o.kind, &o.name),
        span: has_span.then(|| path.locate(&o.root, o.name_span())),
    }
}

fn set_spec(json: &mut Value, key: &str, value: Value) {
    if let Some(spec) = json.get_mut("spec").and_then(Value::as_object_mut) {
        spec.insert(key.to_string(), value);
    }
}

/// `patchAllocatedValues`: an update that leaves out clusterIP or nodePorts keeps the old ones.
fn carry_allocations(old: &Value, new: &mut Value) {
    let new_ip = new
        .at(&["spec", "clusterIP"])
        .and_then(Value::as_str)
        .unwrap_or("");
    if new_ip.is_empty()
        && let Some(ip) = old.at(&["spec", "clusterIP"]).cloned()
    {
        set_spec(new, "clusterIP", ip);
    }
    let old_ports: Vec<(i64, String, i64)> = old
        .at(&["spec", "ports"])
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
        .iter()
        .filter_map(|p| {
            Some((
                p.get("port")?.as_i64()?,
                p.get("protocol")
                    .and_then(Value::as_str)
                    .unwrap_or("TCP")
                    .to_string(),
                p.get("nodePort")?.as_i64()?,
            ))
        })
        .collect();
    if let Some(ports) = new.pointer_mut("/spec/ports").and_then(Value::as_array_mut) {
        for p in ports.iter_mut() {
            let Some(m) = p.as_object_mut() else { continue };
            if m.get("nodePort")
                .and_then(Value::as_i64)
                .is_some_and(|n| n != 0)
            {
                continue;
            }
            let port = m.get("port").and_then(Value::as_i64).unwrap_or(0);
            let proto = m
                .get("protocol")
                .and_then(Value::as_str)
                .unwrap_or("TCP")
                .to_string();
            if let Some((_, _, np)) = old_ports
                .iter()
                .find(|(p, pr, _)| *p == port && *pr == proto)
            {
                m.insert("nodePort".to_string(), json!(np));
            }
        }
    }
}
