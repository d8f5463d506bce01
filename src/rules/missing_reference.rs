//! `rules/missing-reference`: a pod refers to a ConfigMap, Secret, PersistentVolumeClaim or
//! ServiceAccount the run does not create, or to a key such an object lacks.
//!
//! ## How it is checked
//! Follows every reference of every pod template: env `valueFrom.configMapKeyRef` and
//! `secretKeyRef`, `envFrom`, `configMap`/`secret`/`projected`/`persistentVolumeClaim` volumes,
//! `imagePullSecrets` and `serviceAccountName`.
//! - The object is not in the run: a warning saying it may already exist (an error with
//!   `--strict`); nothing when the reference is `optional: true` or the object is listed under
//!   `assume-exists`. Objects something in the run produces count as present: cert-manager
//!   `Certificate.spec.secretName`, `ExternalSecret` targets, `SealedSecret`s, Secrets and
//!   ConfigMaps a Job of the namespace names in its command, arguments or env values (hooks that
//!   run `kubectl create secret`), the `default` ServiceAccount and the `kube-root-ca.crt`
//!   ConfigMap of every namespace.
//! - The object is in the run but lacks the key (`data`, `binaryData`, `stringData`): always an
//!   error, except for Secrets whose data a controller fills in
//!   (`kubernetes.io/service-account-token`).
//!
//! What the rule is, why it matters and its examples: [`MISSING_REFERENCE`] in `src/catalog/rules.rs`
//! (`kforge rules rules/missing-reference`).

use super::index::{Index, PodTemplate};
use crate::catalog::rules::MISSING_REFERENCE;
use crate::diag::{Diagnostic, Severity, did_you_mean};
use crate::object::Object;
use crate::source::Span;
use crate::yaml::Node;
use std::collections::{BTreeMap, BTreeSet};

/// One reference found in a pod template.
struct Reference<'a> {
    kind: &'static str,
    name: &'a str,
    name_node: &'a Node,
    /// Keys the reference needs (`key`, or `items[].key`).
    keys: Vec<&'a Node>,
    optional: bool,
}

pub fn check(ix: &Index, out: &mut Vec<Diagnostic>) {
    let produced = produced_secrets(ix);
    for t in &ix.templates {
        let mut refs = Vec::new();
        collect(t, &mut refs);
        // One finding per missing object per template, every further use as a label.
        let mut missing: BTreeMap<(&str, &str), (Span, Vec<Span>)> = BTreeMap::new();
        for r in &refs {
            match find(ix, t.namespace, r.kind, r.name) {
                Some(obj) => {
                    if !r.optional {
                        check_keys(obj, r, t, out);
                    }
                }
                None => {
                    if r.optional || present_anyway(ix, &produced, t.namespace, r.kind, r.name) {
                        continue;
                    }
                    let entry = missing
                        .entry((r.kind, r.name))
                        .or_insert((r.name_node.site(), Vec::new()));
                    if entry.0 != r.name_node.site() {
                        entry.1.push(r.name_node.site());
                    }
                }
            }
        }
        for ((kind, name), (site, others)) in missing {
            let mut d = Diagnostic::new(
                &MISSING_REFERENCE,
                format!(
                    "{} refers to {kind} \"{name}\", which the run does not create",
                    t.owner_name()
                ),
            )
            .with_severity(super::may_pre_exist(ix.ctx))
            .at(
                site,
                format!("no {kind} \"{name}\" in namespace \"{}\"", t.namespace),
            )
            .with_object(t.owner.object_ref())
            .with_note(format!(
                "{kind} \"{name}\" may already exist in the cluster; if not, the pod cannot start"
            ));
            for s in others {
                d = d.with_label(s, "also used here");
            }
            let help = match candidates(ix, t.namespace, kind)
                .and_then(|c| did_you_mean(name, c.iter().copied()))
            {
                Some(close) => format!(
                    "did you mean \"{close}\"? Otherwise create {kind} \"{name}\", mark the reference optional: true, or list it under assume-exists in .kforge.yaml"
                ),
                None => format!(
                    "create {kind} \"{name}\" in the run, mark the reference optional: true, or list it under assume-exists in .kforge.yaml"
                ),
            };
            out.push(d.with_help(help));
        }
    }
}

fn find<'a>(ix: &Index<'a>, ns: &str, kind: &str, name: &str) -> Option<&'a Object> {
    ix.get(kind, ns, name)
}

fn candidates<'a>(ix: &Index<'a>, ns: &str, kind: &str) -> Option<Vec<&'a str>> {
    let c: Vec<&str> = ix
        .of_kind(kind)
        .filter(|o| ix.ns(o) == ns)
        .map(|o| o.name.as_str())
        .collect();
    (!c.is_empty()).then_some(c)
}

/// Secrets something in the run will create: cert-manager Certificates, ExternalSecrets,
/// SealedSecrets. `(namespace, name)`.
fn produced_secrets<'a>(ix: &Index<'a>) -> BTreeSet<(&'a str, &'a str)> {
    let mut set = BTreeSet::new();
    for o in ix.objects() {
        let name = match (o.group(), o.kind.as_str()) {
            ("cert-manager.io", "Certificate") => {
                o.root.path(&["spec", "secretName"]).and_then(Node::as_str)
            }
            ("external-secrets.io", "ExternalSecret") => o
                .root
                .path(&["spec", "target", "name"])
                .and_then(Node::as_str)
                .or(Some(o.name.as_str())),
            ("bitnami.com", "SealedSecret") => o
                .root
                .path(&["spec", "template", "metadata", "name"])
                .and_then(Node::as_str)
                .or(Some(o.name.as_str())),
            _ => None,
        };
        if let Some(name) = name {
            set.insert((ix.ns(o), name));
        }
    }
    set
}

/// Whether a Job or CronJob of the namespace names the object in its command, arguments or env
/// values: such Jobs (often Helm hooks running `kubectl create secret …`) create it at run time.
fn job_mentions(ix: &Index, ns: &str, name: &str) -> bool {
    ix.templates_in(ns)
        .filter(|t| matches!(t.owner.kind.as_str(), "Job" | "CronJob"))
        .any(|t| {
            t.containers.iter().any(|c| {
                let strings = ["command", "args"]
                    .iter()
                    .filter_map(|f| c.node.get(f).and_then(Node::as_seq))
                    .flatten()
                    .chain(
                        c.node
                            .get("env")
                            .and_then(Node::as_seq)
                            .unwrap_or(&[])
                            .iter()
                            .filter_map(|e| e.get("value")),
                    )
                    .filter_map(Node::as_str);
                strings.into_iter().any(|text| mentions(text, name))
            })
        })
}

/// `name` occurs in `text` as a whole word (not inside a longer name).
fn mentions(text: &str, name: &str) -> bool {
    let is_name_char = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '.' || c == '_';
    text.match_indices(name).any(|(i, _)| {
        let before = text.get(..i).and_then(|t| t.chars().next_back());
        let after = text.get(i + name.len()..).and_then(|t| t.chars().next());
        !before.is_some_and(is_name_char) && !after.is_some_and(is_name_char)
    })
}

fn present_anyway(
    ix: &Index,
    produced: &BTreeSet<(&str, &str)>,
    ns: &str,
    kind: &str,
    name: &str,
) -> bool {
    match (kind, name) {
        ("ServiceAccount", "default") | ("ConfigMap", "kube-root-ca.crt") => return true,
        _ => {}
    }
    (kind == "Secret" && produced.contains(&(ns, name)))
        || ix.ctx.config.assumes(kind, Some(ns), name)
        || (matches!(kind, "Secret" | "ConfigMap") && job_mentions(ix, ns, name))
}

/// Secret types whose data a controller fills in after creation.
const FILLED_AT_RUN_TIME: &[&str] = &["kubernetes.io/service-account-token"];

fn check_keys(obj: &Object, r: &Reference, t: &PodTemplate, out: &mut Vec<Diagnostic>) {
    if obj.kind == "Secret"
        && obj
            .root
            .get("type")
            .and_then(Node::as_str)
            .is_some_and(|ty| FILLED_AT_RUN_TIME.contains(&ty))
    {
        return;
    }
    let fields: &[&str] = if obj.kind == "Secret" {
        &["data", "stringData"]
    } else {
        &["data", "binaryData"]
    };
    let present: Vec<&str> = fields
        .iter()
        .filter_map(|f| obj.root.get(f))
        .flat_map(|m| m.entries().map(|(k, _, _)| k))
        .collect();
    for key_node in &r.keys {
        let Some(key) = key_node.as_str() else {
            continue;
        };
        if present.contains(&key) {
            continue;
        }
        let listed = if present.is_empty() {
            "no keys".to_string()
        } else {
            let q: Vec<String> = present.iter().map(|k| format!("\"{k}\"")).collect();
            format!("keys {}", q.join(", "))
        };
        let help = match did_you_mean(key, present.iter().copied()) {
            Some(close) => {
                format!(
                    "did you mean \"{close}\"? Otherwise add \"{key}\" to {} \"{}\"",
                    obj.kind, obj.name
                )
            }
            None => format!(
                "add \"{key}\" to {} \"{}\", or refer to one of its keys",
                obj.kind, obj.name
            ),
        };
        out.push(
            Diagnostic::new(
                &MISSING_REFERENCE,
                format!(
                    "{} refers to key \"{key}\" of {} \"{}\", which has no such key",
                    t.owner_name(),
                    obj.kind,
                    obj.name
                ),
            )
            .with_severity(Severity::Error)
            .at(
                key_node.site(),
                format!("{} \"{}\" has no key \"{key}\"", obj.kind, obj.name),
            )
            .with_label(
                obj.name_span(),
                format!("{} \"{}\" has {listed}", obj.kind, obj.name),
            )
            .with_object(t.owner.object_ref())
            .with_help(help),
        );
    }
}

fn is_optional(node: &Node) -> bool {
    node.get("optional").and_then(Node::as_bool) == Some(true)
}

fn reference<'a>(
    kind: &'static str,
    node: &'a Node,
    name_field: &str,
    keys: Vec<&'a Node>,
) -> Option<Reference<'a>> {
    let name_node = node.get(name_field)?;
    let name = name_node.as_str().filter(|n| !n.is_empty())?;
    Some(Reference {
        kind,
        name,
        name_node,
        keys,
        optional: is_optional(node),
    })
}

fn item_keys(node: &Node) -> Vec<&Node> {
    node.get("items")
        .and_then(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .filter_map(|i| i.get("key"))
        .collect()
}

fn collect<'a>(t: &PodTemplate<'a>, refs: &mut Vec<Reference<'a>>) {
    for c in &t.containers {
        for env in c.node.get("env").and_then(Node::as_seq).unwrap_or(&[]) {
            let Some(from) = env.get("valueFrom") else {
                continue;
            };
            for (field, kind) in [("configMapKeyRef", "ConfigMap"), ("secretKeyRef", "Secret")] {
                if let Some(r) = from.get(field) {
                    refs.extend(reference(
                        kind,
                        r,
                        "name",
                        r.get("key").into_iter().collect(),
                    ));
                }
            }
        }
        for env in c.node.get("envFrom").and_then(Node::as_seq).unwrap_or(&[]) {
            for (field, kind) in [("configMapRef", "ConfigMap"), ("secretRef", "Secret")] {
                if let Some(r) = env.get(field) {
                    refs.extend(reference(kind, r, "name", Vec::new()));
                }
            }
        }
    }
    for v in t.spec.get("volumes").and_then(Node::as_seq).unwrap_or(&[]) {
        if let Some(cm) = v.get("configMap") {
            refs.extend(reference("ConfigMap", cm, "name", item_keys(cm)));
        }
        if let Some(s) = v.get("secret") {
            refs.extend(reference("Secret", s, "secretName", item_keys(s)));
        }
        if let Some(pvc) = v.get("persistentVolumeClaim") {
            refs.extend(reference(
                "PersistentVolumeClaim",
                pvc,
                "claimName",
                Vec::new(),
            ));
        }
        for src in v
            .path(&["projected", "sources"])
            .and_then(Node::as_seq)
            .unwrap_or(&[])
        {
            if let Some(cm) = src.get("configMap") {
                refs.extend(reference("ConfigMap", cm, "name", item_keys(cm)));
            }
            if let Some(s) = src.get("secret") {
                refs.extend(reference("Secret", s, "name", item_keys(s)));
            }
        }
    }
    for s in t
        .spec
        .get("imagePullSecrets")
        .and_then(Node::as_seq)
        .unwrap_or(&[])
    {
        refs.extend(reference("Secret", s, "name", Vec::new()));
    }
    let sa = if t.spec.get("serviceAccountName").is_some() {
        "serviceAccountName"
    } else {
        "serviceAccount"
    };
    refs.extend(reference("ServiceAccount", t.spec, sa, Vec::new()));
}

#[cfg(test)]
mod tests {
    use super::mentions;
    use crate::rules::tests::check;

    /// A Deployment "web" whose pod spec has `pod` (six-space lines) and whose container has
    /// `container` (ten-space lines).
    fn deployment(pod: &str, container: &str) -> String {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n{pod}      containers:\n        - name: web\n          image: nginx:1.27\n{container}"
        )
    }

    fn messages(yaml: &str) -> Vec<String> {
        check(yaml)
            .of("rules/missing-reference")
            .iter()
            .map(|d| d.message.clone())
            .collect()
    }

    /// Every place a pod refers to an object: each one alone is followed, and `optional: true`
    /// (where the API has it) silences it.
    #[test]
    fn every_kind_of_reference_is_followed() {
        let cases: &[(&str, &str, &str, &str)] = &[
            (
                "",
                "          env:\n            - name: A\n              valueFrom:\n                configMapKeyRef: {name: cm, key: k",
                "ConfigMap",
                "cm",
            ),
            (
                "",
                "          env:\n            - name: A\n              valueFrom:\n                secretKeyRef: {name: s, key: k",
                "Secret",
                "s",
            ),
            (
                "",
                "          envFrom:\n            - configMapRef: {name: cm",
                "ConfigMap",
                "cm",
            ),
            (
                "",
                "          envFrom:\n            - secretRef: {name: s",
                "Secret",
                "s",
            ),
            (
                "      volumes:\n        - name: v\n          configMap: {name: cm",
                "",
                "ConfigMap",
                "cm",
            ),
            (
                "      volumes:\n        - name: v\n          secret: {secretName: s",
                "",
                "Secret",
                "s",
            ),
            (
                "      volumes:\n        - name: v\n          projected:\n            sources:\n              - configMap: {name: cm",
                "",
                "ConfigMap",
                "cm",
            ),
            (
                "      volumes:\n        - name: v\n          projected:\n            sources:\n              - secret: {name: s",
                "",
                "Secret",
                "s",
            ),
        ];
        for (pod, container, kind, name) in cases {
            let close = |extra: &str| -> (String, String) {
                let end = format!("{extra}}}\n");
                if pod.is_empty() {
                    (String::new(), format!("{container}{end}"))
                } else {
                    (format!("{pod}{end}"), (*container).to_string())
                }
            };
            let (p, c) = close("");
            assert_eq!(
                messages(&deployment(&p, &c)),
                vec![format!(
                    "Deployment \"web\" refers to {kind} \"{name}\", which the run does not create"
                )],
                "{pod}{container}"
            );
            let (p, c) = close(", optional: true");
            assert_eq!(
                messages(&deployment(&p, &c)),
                Vec::<String>::new(),
                "{pod}{container}"
            );
        }
        for (pod, kind, name) in [
            (
                "      volumes:\n        - name: v\n          persistentVolumeClaim: {claimName: data}\n",
                "PersistentVolumeClaim",
                "data",
            ),
            (
                "      imagePullSecrets:\n        - name: registry\n",
                "Secret",
                "registry",
            ),
            (
                "      serviceAccountName: runner\n",
                "ServiceAccount",
                "runner",
            ),
            ("      serviceAccount: runner\n", "ServiceAccount", "runner"),
        ] {
            assert_eq!(
                messages(&deployment(pod, "")),
                vec![format!(
                    "Deployment \"web\" refers to {kind} \"{name}\", which the run does not create"
                )],
                "{pod}"
            );
        }
        // Every namespace has these two.
        assert!(messages(&deployment("      serviceAccountName: default\n", "")).is_empty());
        assert!(
            messages(&deployment(
                "      volumes:\n        - name: v\n          configMap: {name: kube-root-ca.crt}\n",
                ""
            ))
            .is_empty()
        );
    }

    /// A whole word: not inside a longer name (letters, digits, `-`, `.`, `_` continue a name).
    #[test]
    fn mentions_are_whole_names() {
        for (text, found) in [
            ("web-tls", true),
            ("kubectl create secret tls web-tls --cert=c", true),
            ("'web-tls'", true),
            ("name=web-tls", true),
            ("web-tls/cert", true),
            ("web-tls-2", false),
            ("my-web-tls", false),
            ("x.web-tls", false),
            ("web-tls.x", false),
            ("web-tls_x", false),
            ("_web-tls", false),
            ("web-tls0", false),
            ("aweb-tls", false),
            ("web-tls-2 web-tls", true),
            ("web-tl", false),
        ] {
            assert_eq!(mentions(text, "web-tls"), found, "{text}");
        }
    }
}
