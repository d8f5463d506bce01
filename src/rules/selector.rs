//! Label selectors (Service map selectors and `LabelSelector`s) and why one selects nothing.
//! Shared by every rule that compares a selector with pod templates.

use super::index::{Index, LabelEntry, PodTemplate};
use crate::source::Span;
use crate::yaml::Node;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Equals,
    In,
    NotIn,
    Exists,
    DoesNotExist,
}

/// One requirement of a selector.
#[derive(Clone, Debug)]
pub struct Requirement<'a> {
    pub key: &'a str,
    pub op: Op,
    pub values: Vec<String>,
    /// Where to point: the value of a `key: value` pair, else the expression item.
    pub site: Span,
}

impl Requirement<'_> {
    pub fn matches(&self, labels: &[LabelEntry]) -> bool {
        let value = labels
            .iter()
            .find(|l| l.key == self.key)
            .map(|l| l.value.as_str());
        match self.op {
            Op::Equals | Op::In => value.is_some_and(|v| self.values.iter().any(|w| w == v)),
            Op::NotIn => value.is_none_or(|v| !self.values.iter().any(|w| w == v)),
            Op::Exists => value.is_some(),
            Op::DoesNotExist => value.is_none(),
        }
    }

    /// Like [`Requirement::matches`] on the labels of the pods the template's controller makes:
    /// a key the template does not set but its controller adds (`pod-template-hash`,
    /// `statefulset.kubernetes.io/pod-name`, `job-name`, ...) matches the values that controller
    /// would give it.
    pub fn matches_template(&self, t: &PodTemplate) -> bool {
        if t.label(self.key).is_some() {
            return self.matches(&t.labels);
        }
        let Some(fits) = controller_label(self.key, t) else {
            return self.matches(&t.labels);
        };
        match self.op {
            Op::Equals | Op::In => self.values.iter().any(|v| fits(v, &t.owner.name)),
            Op::Exists | Op::NotIn => true,
            Op::DoesNotExist => false,
        }
    }

    /// `app: web`, `tier in (a, b)`, … for messages.
    pub fn describe(&self) -> String {
        match self.op {
            Op::Equals => format!(
                "{}: {}",
                self.key,
                self.values.first().map(String::as_str).unwrap_or("")
            ),
            Op::In => format!("{} in ({})", self.key, self.values.join(", ")),
            Op::NotIn => format!("{} notin ({})", self.key, self.values.join(", ")),
            Op::Exists => self.key.to_string(),
            Op::DoesNotExist => format!("!{}", self.key),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Selector<'a> {
    pub requirements: Vec<Requirement<'a>>,
    /// The selector node (to point at when it is not about one requirement).
    pub node: &'a Node,
}

impl<'a> Selector<'a> {
    /// A Service or ReplicationController selector: a plain `key: value` map.
    pub fn from_map(node: &'a Node) -> Selector<'a> {
        let requirements = node
            .entries()
            .map(|(key, _, v)| Requirement {
                key,
                op: Op::Equals,
                values: vec![if v.is_null() {
                    String::new()
                } else {
                    v.scalar_text().unwrap_or_default()
                }],
                site: v.site(),
            })
            .collect();
        Selector { requirements, node }
    }

    /// A `LabelSelector` (`matchLabels` and `matchExpressions`).
    pub fn from_label_selector(node: &'a Node) -> Selector<'a> {
        let mut s = node
            .get("matchLabels")
            .map(Selector::from_map)
            .unwrap_or(Selector {
                requirements: Vec::new(),
                node,
            });
        s.node = node;
        for e in node
            .get("matchExpressions")
            .and_then(Node::as_seq)
            .unwrap_or(&[])
        {
            let Some(key) = e.get("key").and_then(Node::as_str) else {
                continue;
            };
            let op = match e.get("operator").and_then(Node::as_str) {
                Some("In") => Op::In,
                Some("NotIn") => Op::NotIn,
                Some("Exists") => Op::Exists,
                Some("DoesNotExist") => Op::DoesNotExist,
                _ => continue,
            };
            let values = e
                .get("values")
                .and_then(Node::as_seq)
                .unwrap_or(&[])
                .iter()
                .filter_map(Node::scalar_text)
                .collect();
            s.requirements.push(Requirement {
                key,
                op,
                values,
                site: e.site(),
            });
        }
        s
    }

    pub fn is_empty(&self) -> bool {
        self.requirements.is_empty()
    }

    pub fn matches(&self, labels: &[LabelEntry]) -> bool {
        self.requirements.iter().all(|r| r.matches(labels))
    }

    /// Whether the selector selects the pods made from `t`, labels their controller adds
    /// included.
    pub fn matches_template(&self, t: &PodTemplate) -> bool {
        self.requirements.iter().all(|r| r.matches_template(t))
    }

    /// `{app: web, tier: db}` for messages.
    pub fn describe(&self) -> String {
        let parts: Vec<String> = self
            .requirements
            .iter()
            .map(Requirement::describe)
            .collect();
        format!("{{{}}}", parts.join(", "))
    }
}

/// Why a selector selects no pod template of its namespace.
#[derive(Debug)]
pub enum Miss<'s, 'a> {
    /// The run makes no pod in that namespace: the pods, if any, come from elsewhere.
    NoTemplates,
    /// Every key of the selector is set by this template, but values differ: a typo.
    Typo {
        template: &'s PodTemplate<'a>,
        differing: Vec<(&'s Requirement<'a>, &'s LabelEntry<'a>)>,
    },
    /// The selector matches this template except for keys no template of the namespace sets
    /// (run-time or controller-added labels).
    ExtraKeys {
        template: &'s PodTemplate<'a>,
        keys: Vec<&'a str>,
    },
    /// Only keys no template sets.
    OnlyUnknownKeys { keys: Vec<&'a str> },
    /// Nothing close: no template carries the selector's identity.
    Unrelated,
}

/// Whether a value fits a label a controller adds (given the owner's name).
type Fits = fn(&str, &str) -> bool;

fn any_value(_: &str, _: &str) -> bool {
    true
}

fn ordinal(v: &str) -> bool {
    !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit())
}

/// `<statefulset>-<ordinal>`.
fn pod_name(v: &str, owner: &str) -> bool {
    v.strip_prefix(owner)
        .and_then(|r| r.strip_prefix('-'))
        .is_some_and(ordinal)
}

fn pod_index(v: &str, _: &str) -> bool {
    ordinal(v)
}

fn own_name(v: &str, owner: &str) -> bool {
    v == owner
}

/// `<cronjob>-<scheduled time>`: the Jobs a CronJob makes.
fn job_of_cronjob(v: &str, owner: &str) -> bool {
    v.strip_prefix(owner)
        .and_then(|r| r.strip_prefix('-'))
        .is_some_and(ordinal)
}

/// Labels controllers add to the pods they make: (key, owner kind, which values fit).
const CONTROLLER_LABELS: &[(&str, &str, Fits)] = &[
    (
        "statefulset.kubernetes.io/pod-name",
        "StatefulSet",
        pod_name,
    ),
    ("apps.kubernetes.io/pod-index", "StatefulSet", pod_index),
    ("controller-revision-hash", "StatefulSet", any_value),
    ("controller-revision-hash", "DaemonSet", any_value),
    ("pod-template-generation", "DaemonSet", any_value),
    ("pod-template-hash", "Deployment", any_value),
    ("batch.kubernetes.io/job-name", "Job", own_name),
    ("job-name", "Job", own_name),
    ("batch.kubernetes.io/job-name", "CronJob", job_of_cronjob),
    ("job-name", "CronJob", job_of_cronjob),
    ("batch.kubernetes.io/controller-uid", "Job", any_value),
    ("controller-uid", "Job", any_value),
    ("batch.kubernetes.io/controller-uid", "CronJob", any_value),
    ("controller-uid", "CronJob", any_value),
];

/// Whether `key` is a label the controller of `t` adds, and which values fit.
fn controller_label(key: &str, t: &PodTemplate) -> Option<Fits> {
    CONTROLLER_LABELS
        .iter()
        .find(|(k, kind, _)| *k == key && *kind == t.owner.kind)
        .map(|(_, _, fits)| *fits)
}

/// Whether `key` is a label some controller adds to its pods.
pub fn is_controller_label(key: &str) -> bool {
    CONTROLLER_LABELS.iter().any(|(k, _, _)| *k == key)
}

/// Templates of `namespace` the selector selects.
pub fn selected<'s, 'a>(
    ix: &'s Index<'a>,
    namespace: &str,
    selector: &Selector,
) -> Vec<&'s PodTemplate<'a>> {
    // The equality requirement that leaves the fewest candidates narrows them through the label
    // index (`app.kubernetes.io/instance: release` is on every template of a release; its
    // `name` or `component` label is on a few); the whole selector then decides.
    // Controller-added labels are on no template, so they cannot narrow.
    match selector
        .requirements
        .iter()
        .filter(|r| matches!(r.op, Op::Equals | Op::In) && !is_controller_label(r.key))
        .min_by_key(|r| ix.labelled_count(namespace, r.key, &r.values))
    {
        Some(r) => ix
            .templates_labelled(namespace, r.key, &r.values)
            .filter(|t| selector.matches_template(t))
            .collect(),
        None => ix
            .templates_in(namespace)
            .filter(|t| selector.matches_template(t))
            .collect(),
    }
}

/// A typo candidate: (differences, spelling distance, template, the differing pairs).
type Candidate<'s, 'a> = (
    usize,
    usize,
    &'s PodTemplate<'a>,
    Vec<(&'s Requirement<'a>, &'s LabelEntry<'a>)>,
);

/// Explains an empty selection (call only when [`selected`] is empty).
pub fn explain<'s, 'a>(
    ix: &'s Index<'a>,
    namespace: &str,
    selector: &'s Selector<'a>,
) -> Miss<'s, 'a> {
    let templates: Vec<&PodTemplate> = ix.templates_in(namespace).collect();
    if templates.is_empty() {
        return Miss::NoTemplates;
    }
    let (known, unknown): (Vec<&Requirement>, Vec<&Requirement>) =
        selector.requirements.iter().partition(|r| {
            ix.key_known_in(namespace, r.key) || !matches!(r.op, Op::Equals | Op::In | Op::Exists)
        });
    let unknown_keys: Vec<&'a str> = unknown.iter().map(|r| r.key).collect();
    if known.is_empty() {
        return Miss::OnlyUnknownKeys { keys: unknown_keys };
    }
    if !unknown.is_empty()
        && let Some(t) = templates
            .iter()
            .find(|t| known.iter().all(|r| r.matches_template(t)))
    {
        return Miss::ExtraKeys {
            template: t,
            keys: unknown_keys,
        };
    }
    // A typo: the template sets every known key, and only values differ. Prefer the template
    // with the fewest differences, then the closest spelling.
    let mut best: Option<Candidate> = None;
    // Every template of the namespace is a candidate for every empty selector, and most label
    // values repeat across them (a chart's name, component): each pair is spelt out once.
    let mut spelled: std::collections::HashMap<(&str, &str), usize, kforge_gotpl::track::FxBuild> =
        Default::default();
    let mut differing = Vec::new();
    for t in &templates {
        differing.clear();
        let mut all_keys = true;
        for r in &known {
            match t.label(r.key) {
                Some(l) if !r.matches(std::slice::from_ref(l)) => differing.push((*r, l)),
                Some(_) => {}
                None => all_keys = false,
            }
        }
        if !all_keys || differing.is_empty() {
            continue;
        }
        // More differences than the best so far can never win: skip the spelling.
        if best
            .as_ref()
            .is_some_and(|(n, _, _, _)| differing.len() > *n)
        {
            continue;
        }
        let distance = differing
            .iter()
            .map(|(r, l)| {
                r.values
                    .iter()
                    .map(|v| {
                        *spelled
                            .entry((v, &l.value))
                            .or_insert_with(|| crate::diag::edit_distance(v, &l.value))
                    })
                    .min()
                    .unwrap_or(usize::MAX / 4)
            })
            .fold(0, usize::saturating_add);
        let key = (differing.len(), distance);
        if best.as_ref().is_none_or(|(n, d, _, _)| key < (*n, *d)) {
            best = Some((key.0, key.1, t, differing.clone()));
        }
    }
    if let Some((_, _, template, differing)) = best {
        return Miss::Typo {
            template,
            differing,
        };
    }
    Miss::Unrelated
}

/// The cluster model evaluates the same selectors on the JSON of applied objects
/// (`cluster/selector.rs`); a selector the rules stage calls empty the cluster must see as
/// selecting nothing too, or the two stages would tell the user different things.
#[cfg(test)]
mod agreement {
    use super::Selector;
    use crate::cluster::selector::{label_selector_matches, map_matches};
    use crate::rules::index::label_entries;
    use crate::source::{SourceKind, SourceMap};
    use crate::yaml::{self, Node};

    fn node(text: &str) -> Node {
        let mut sources = SourceMap::new();
        let file = sources.add("t.yaml", text, SourceKind::Manifest);
        let (docs, diags) = yaml::parse_stream(&sources, file, &yaml::Limits::default());
        assert!(diags.is_empty(), "{text}: {diags:?}");
        docs.into_iter()
            .next()
            .and_then(|d| d.root)
            .unwrap_or_else(|| panic!("{text}: no document"))
    }

    const LABELS: &str = "{app: web, tier: db, env: prod}";

    /// (LabelSelector, labels, selects). Only valid selectors: the API server rejects an unknown
    /// operator or an In without values before anything selects (cluster/validate/meta.rs).
    const LABEL_SELECTORS: &[(&str, &str, bool)] = &[
        ("{}", LABELS, true),
        ("{matchLabels: {}}", LABELS, true),
        ("{matchLabels: {app: web}}", LABELS, true),
        ("{matchLabels: {app: web, tier: db}}", LABELS, true),
        ("{matchLabels: {app: wbe}}", LABELS, false),
        ("{matchLabels: {app: web, tier: cache}}", LABELS, false),
        ("{matchLabels: {missing: x}}", LABELS, false),
        ("{matchLabels: {app: ''}}", "{app: ''}", true),
        ("{matchLabels: {app: ''}}", "{}", false),
        ("{matchLabels: {app: web}}", "{}", false),
        (
            "{matchExpressions: [{key: app, operator: In, values: [web, api]}]}",
            LABELS,
            true,
        ),
        (
            "{matchExpressions: [{key: app, operator: In, values: [api]}]}",
            LABELS,
            false,
        ),
        (
            "{matchExpressions: [{key: nope, operator: In, values: [x]}]}",
            LABELS,
            false,
        ),
        (
            "{matchExpressions: [{key: app, operator: NotIn, values: [api]}]}",
            LABELS,
            true,
        ),
        (
            "{matchExpressions: [{key: app, operator: NotIn, values: [web]}]}",
            LABELS,
            false,
        ),
        (
            "{matchExpressions: [{key: nope, operator: NotIn, values: [x]}]}",
            LABELS,
            true,
        ),
        (
            "{matchExpressions: [{key: tier, operator: Exists}]}",
            LABELS,
            true,
        ),
        (
            "{matchExpressions: [{key: nope, operator: Exists}]}",
            LABELS,
            false,
        ),
        (
            "{matchExpressions: [{key: nope, operator: DoesNotExist}]}",
            LABELS,
            true,
        ),
        (
            "{matchExpressions: [{key: tier, operator: DoesNotExist}]}",
            LABELS,
            false,
        ),
        (
            "{matchLabels: {app: web}, matchExpressions: [{key: env, operator: In, values: [prod]}]}",
            LABELS,
            true,
        ),
        (
            "{matchLabels: {app: web}, matchExpressions: [{key: env, operator: In, values: [dev]}]}",
            LABELS,
            false,
        ),
        (
            "{matchLabels: {app: api}, matchExpressions: [{key: env, operator: Exists}]}",
            LABELS,
            false,
        ),
        (
            "{matchExpressions: [{key: app, operator: Exists}, {key: tier, operator: NotIn, values: [db]}]}",
            LABELS,
            false,
        ),
    ];

    /// (Service or ReplicationController selector, labels, selects).
    const MAP_SELECTORS: &[(&str, &str, bool)] = &[
        ("{}", LABELS, true),
        ("{app: web}", LABELS, true),
        ("{app: web, env: prod}", LABELS, true),
        ("{app: web, env: dev}", LABELS, false),
        ("{app: Web}", LABELS, false),
        ("{other: web}", LABELS, false),
        ("{app: web}", "{}", false),
        ("{app: ''}", "{app: ''}", true),
    ];

    #[test]
    fn label_selectors_agree_with_the_cluster_evaluator() {
        for (selector, labels, selects) in LABEL_SELECTORS {
            let (sel, labels) = (node(selector), node(labels));
            let in_rules = Selector::from_label_selector(&sel).matches(&label_entries(&labels));
            let json = labels.to_json();
            let in_cluster = label_selector_matches(&sel.to_json(), json.as_object().unwrap());
            assert_eq!(
                (in_rules, in_cluster),
                (*selects, *selects),
                "{selector} on {labels:?}"
            );
        }
    }

    #[test]
    fn map_selectors_agree_with_the_cluster_evaluator() {
        for (selector, labels, selects) in MAP_SELECTORS {
            let (sel, labels) = (node(selector), node(labels));
            let in_rules = Selector::from_map(&sel).matches(&label_entries(&labels));
            let (sel_json, json) = (sel.to_json(), labels.to_json());
            let in_cluster = map_matches(sel_json.as_object().unwrap(), json.as_object().unwrap());
            assert_eq!(
                (in_rules, in_cluster),
                (*selects, *selects),
                "{selector} on {labels:?}"
            );
        }
    }
}

/// Labels controllers add to their pods select those pods, with the values that controller
/// gives them and no others.
#[cfg(test)]
mod controller_labels {
    use crate::rules::tests::check;

    /// One workload of each kind whose controller adds labels, each with `app: <name>`.
    fn workloads() -> String {
        let template = |name: &str| {
            format!(
                "  template:\n    metadata:\n      labels:\n        app: {name}\n    spec:\n      restartPolicy: Never\n      containers:\n        - name: c\n          image: busybox:1.36\n"
            )
        };
        let selector = |name: &str| format!("  selector:\n    matchLabels:\n      app: {name}\n");
        let mut yaml = String::new();
        for (kind, name) in [
            ("StatefulSet", "db"),
            ("Deployment", "web"),
            ("DaemonSet", "agent"),
        ] {
            yaml.push_str(&format!(
                "---\napiVersion: apps/v1\nkind: {kind}\nmetadata:\n  name: {name}\nspec:\n  serviceName: {name}\n{}{}",
                selector(name),
                template(name)
            ));
        }
        yaml.push_str(&format!(
            "---\napiVersion: batch/v1\nkind: Job\nmetadata:\n  name: once\nspec:\n{}",
            template("once")
        ));
        yaml.push_str(&format!(
            "---\napiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: nightly\nspec:\n  schedule: '@daily'\n  jobTemplate:\n    spec:\n{}",
            template("nightly")
                .lines()
                .map(|l| format!("    {l}\n"))
                .collect::<String>()
        ));
        yaml
    }

    /// Whether a Service with this map selector selects a pod of [`workloads`].
    fn service_selects(selector: &str) -> bool {
        let yaml = format!(
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  selector: {selector}\n  ports:\n    - port: 80\n{}",
            workloads()
        );
        check(&yaml).of("rules/service-selects-nothing").is_empty()
    }

    /// Whether a PodDisruptionBudget with this LabelSelector selects a pod of [`workloads`].
    fn budget_selects(selector: &str) -> bool {
        let yaml = format!(
            "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: b\nspec:\n  minAvailable: 1\n  selector: {selector}\n{}",
            workloads()
        );
        check(&yaml).of("rules/pdb-selects-nothing").is_empty()
    }

    #[test]
    fn controller_labels_select_their_controllers_pods() {
        for (selector, selects) in [
            ("{app: db, statefulset.kubernetes.io/pod-name: db-0}", true),
            ("{app: db, statefulset.kubernetes.io/pod-name: db-12}", true),
            ("{app: db, statefulset.kubernetes.io/pod-name: db-x}", false),
            ("{app: db, statefulset.kubernetes.io/pod-name: db-}", false),
            ("{app: db, statefulset.kubernetes.io/pod-name: db0}", false),
            (
                "{app: db, statefulset.kubernetes.io/pod-name: web-0}",
                false,
            ),
            ("{app: db, apps.kubernetes.io/pod-index: '3'}", true),
            ("{app: db, apps.kubernetes.io/pod-index: x}", false),
            ("{app: db, controller-revision-hash: abc}", true),
            ("{app: agent, controller-revision-hash: abc}", true),
            ("{app: agent, pod-template-generation: '1'}", true),
            ("{app: web, pod-template-hash: abc}", true),
            ("{app: web, controller-revision-hash: abc}", false),
            ("{app: db, pod-template-hash: abc}", false),
            ("{app: once, job-name: once}", true),
            ("{app: once, batch.kubernetes.io/job-name: once}", true),
            ("{app: once, job-name: other}", false),
            ("{app: once, controller-uid: x}", true),
            ("{app: nightly, job-name: nightly-28000000}", true),
            (
                "{app: nightly, batch.kubernetes.io/job-name: nightly-1}",
                true,
            ),
            ("{app: nightly, job-name: nightly}", false),
            ("{app: nightly, job-name: nightly-x}", false),
            (
                "{app: nightly, batch.kubernetes.io/controller-uid: x}",
                true,
            ),
            // Only a controller label: it cannot narrow by the label index, every template
            // is tried.
            ("{pod-template-hash: abc}", true),
            ("{job-name: once}", true),
            ("{job-name: nobody}", false),
        ] {
            assert_eq!(service_selects(selector), selects, "{selector}");
        }
    }

    /// In a LabelSelector, a key the controller adds exists (Exists, NotIn hold) and fits the
    /// controller's values (In); DoesNotExist fails.
    #[test]
    fn expressions_on_controller_labels() {
        let expr = |key: &str, op: &str, values: &str| {
            format!(
                "{{matchLabels: {{app: web}}, matchExpressions: [{{key: {key}, operator: {op}{values}}}]}}"
            )
        };
        for (selector, selects) in [
            (expr("pod-template-hash", "Exists", ""), true),
            (expr("pod-template-hash", "NotIn", ", values: [x]"), true),
            (expr("pod-template-hash", "In", ", values: [x]"), true),
            (expr("pod-template-hash", "DoesNotExist", ""), false),
            // Not a label the Deployment's controller adds: decided on the template's labels.
            (expr("job-name", "Exists", ""), false),
            (expr("job-name", "DoesNotExist", ""), true),
            (expr("app", "In", ", values: [api, web]"), true),
            (expr("app", "NotIn", ", values: [web]"), false),
        ] {
            assert_eq!(budget_selects(&selector), selects, "{selector}");
        }
    }
}
