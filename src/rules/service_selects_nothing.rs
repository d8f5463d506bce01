//! `rules/service-selects-nothing`: a Service's selector matches no pod template in its
//! namespace.
//!
//! ## How it is checked
//! Compares each Service selector with the pod templates (Deployment, StatefulSet, DaemonSet,
//! ReplicaSet, Job, CronJob, Pod) of the Service's namespace. It is an error only with evidence
//! of a mistake, and then the did-you-mean names the label to fix:
//! - a template matches every label but one, and that label's value is a near miss of the
//!   template's (a small edit, a swapped pair of letters, another case, a missing prefix such as
//!   `web` for `shop-web`);
//! - a selector key is a near miss of a key the template carries with the same value
//!   (`app.kubernetes.io/instnace`).
//!
//! Everything else is a warning, and never suggests another application's labels:
//! - no template in the namespace has the selector's app identity (charts that render their
//!   workload only once a value is set, or pods from outside the run): "selects nothing in this
//!   run";
//! - the selector matches a template except for keys no template sets (labels added at run
//!   time by the application): a warning naming those keys;
//! - the run creates no pod in that namespace: nothing outside the release namespace (system
//!   pods in `kube-system`), a warning in it;
//! - the run contains a custom resource an operator turns into pods (a prometheus-operator
//!   `Alertmanager`): a warning that says why;
//! - a template of another namespace matches: a warning labelling both.
//!
//! Labels that controllers add to their pods (`pod-template-hash`,
//! `statefulset.kubernetes.io/pod-name`, `job-name`, ...) match the pods of those controllers.
//! When a template of the run failed to render, the finding comes after that error and says it
//! may follow from it.
//!
//! Services without a selector (manual Endpoints/EndpointSlices) are never flagged.
//!
//! What the rule is, why it matters and its examples: [`SERVICE_SELECTS_NOTHING`] in `src/catalog/rules.rs`
//! (`kforge rules rules/service-selects-nothing`).

use super::index::{Index, LabelEntry, PodTemplate};
use super::selector::{self, Miss, Requirement, Selector};
use crate::catalog::rules::SERVICE_SELECTS_NOTHING;
use crate::diag::{Diagnostic, Rule, Severity};
use crate::object::Object;
use crate::yaml::Node;

/// The selector of a Service that selects pods, or `None` (no selector, empty, ExternalName).
pub fn service_selector(svc: &Object) -> Option<Selector<'_>> {
    let spec = svc.root.get("spec")?;
    if spec.get("type").and_then(Node::as_str) == Some("ExternalName") {
        return None;
    }
    let s = Selector::from_map(spec.get("selector")?);
    (!s.is_empty()).then_some(s)
}

pub fn check(ix: &Index, out: &mut Vec<Diagnostic>) {
    for svc in ix.of_kind("Service") {
        let Some(sel) = service_selector(svc) else {
            continue;
        };
        let ns = ix.ns(svc);
        if !selector::selected(ix, ns, &sel).is_empty() {
            continue;
        }
        if let Some(d) = selects_nothing(ix, svc, ns, &sel, &SERVICE_SELECTS_NOTHING) {
            out.push(d.with_object(svc.object_ref()));
        }
    }
}

/// The finding for an object (`Service "web"`, `PodDisruptionBudget "web"`, ...) whose selector
/// selects no template of `ns`, shaped by why; shared with the budget and policy rules, which
/// pass their own rule (their default severities decide how loud a plain miss is).
pub fn selects_nothing(
    ix: &Index,
    obj: &Object,
    ns: &str,
    sel: &Selector,
    rule: &'static Rule,
) -> Option<Diagnostic> {
    let what = format!("{} \"{}\"", obj.kind, obj.name);
    // A template in another namespace that matches: objects only select pods of their own
    // namespace, a common slip when a chart sets namespaces explicitly.
    let elsewhere = ix.first_template_outside(ns, |t| sel.matches_template(t));
    let no_templates = ix.templates_in(ns).next().is_none();
    let finding = selects_nothing_here(ix, ns, sel, rule, no_templates, elsewhere, &what)?;
    Some(match elsewhere {
        Some(t) if !no_templates => finding.with_label(
            t.labels_site(),
            format!(
                "{} in namespace \"{}\" matches, but only pods of namespace \"{ns}\" are selected",
                t.owner_name(),
                t.namespace
            ),
        ),
        _ => finding,
    })
}

fn selects_nothing_here(
    ix: &Index,
    ns: &str,
    sel: &Selector,
    rule: &'static Rule,
    no_templates: bool,
    elsewhere: Option<&PodTemplate>,
    what: &str,
) -> Option<Diagnostic> {
    if no_templates {
        return no_templates_here(ix, ns, sel, rule, elsewhere, what);
    }
    if let Some(d) = operator_warning(ix, ns, sel, rule, what) {
        return Some(d);
    }
    // Explained only now: it compares the selector with every template of the namespace,
    // and a run with an operator's custom resources never needs it (issue 19: most misses
    // of the bitnami corpus, and quadratic on a corpus of many releases in one namespace).
    match selector::explain(ix, ns, sel) {
        Miss::NoTemplates => None,
        Miss::Typo {
            template,
            differing,
        } => typo(rule, what, ns, sel, template, differing),
        Miss::ExtraKeys { template, keys } => extra_keys(rule, what, ns, sel, template, keys),
        Miss::OnlyUnknownKeys { keys } => Some(
            Diagnostic::new(
                rule,
                format!(
                    "{what} selects on {}, which no pod template in namespace \"{ns}\" sets",
                    quoted(&keys)
                ),
            )
            .with_severity(Severity::Warning)
            .at(sel.node.site(), format!("selects {}", sel.describe()))
            .with_note("the pods may be created outside the run, or get these labels at run time")
            .with_help("check the selector against the labels of the pods it should select"),
        ),
        // Nothing in the run carries this selector's identity: the workload may be rendered
        // only once some values are set, or come from elsewhere. Pointing at the closest
        // template would suggest another application's labels.
        Miss::Unrelated => Some(nothing_in_this_run(rule, what, ns, sel)),
    }
}

/// The run makes no pod in the selector's namespace.
fn no_templates_here(
    ix: &Index,
    ns: &str,
    sel: &Selector,
    rule: &'static Rule,
    elsewhere: Option<&PodTemplate>,
    what: &str,
) -> Option<Diagnostic> {
    // The run makes no pod there. Outside the release namespace (system pods in
    // kube-system) there is nothing to compare with; in it, say so once per object, as a
    // warning: the chart may need values to render its workload.
    let Some(t) = elsewhere else {
        if ns != ix.ctx.release_namespace {
            return None;
        }
        if let Some(d) = operator_warning(ix, ns, sel, rule, what) {
            return Some(d);
        }
        return Some(
            Diagnostic::new(rule, format!("{what} selects pods, but the run creates no pod in namespace \"{ns}\""))
                .with_severity(Severity::Warning)
                .at(sel.node.site(), format!("selects {}", sel.describe()))
                .with_note("the pods may come from outside the run; or the chart renders its workload only when some values are set")
                .with_help("check that something creates pods with these labels in this namespace"),
        );
    };
    Some(
        Diagnostic::new(rule, format!("{what} selects pods of namespace \"{ns}\", but the run makes the matching pods in namespace \"{}\"", t.namespace))
            .with_severity(Severity::Warning)
            .at(sel.node.site(), format!("selects {} in namespace \"{ns}\"", sel.describe()))
            .with_label(t.labels_site(), format!("{} in namespace \"{}\" has these labels", t.owner_name(), t.namespace))
            .with_note(format!("matching pods may exist in namespace \"{ns}\" outside the run; if not, this selects nothing"))
            .with_help(format!("put {} and {} in the same namespace", what, t.owner_name())),
    )
}

/// One label of a template differs from the selector's, maybe slightly (a typo).
fn typo(
    rule: &'static Rule,
    what: &str,
    ns: &str,
    sel: &Selector,
    template: &PodTemplate,
    differing: Vec<(&Requirement, &LabelEntry)>,
) -> Option<Diagnostic> {
    // Evidence of a mistake: one label differs, and only slightly. Otherwise the
    // template is another application's (same release, other name): no suggestion.
    let near =
        matches!(differing.as_slice(), [(r, l)] if r.values.iter().any(|v| near_miss(v, &l.value)));
    if !near {
        return Some(nothing_in_this_run(rule, what, ns, sel));
    }
    let (first_req, _) = differing.first()?;
    let mut d = Diagnostic::new(
        rule,
        format!(
            "{what} selects no pods: no pod template in namespace \"{ns}\" has {}",
            first_req.describe()
        ),
    )
    .with_severity(rule.severity)
    .at(
        first_req.site,
        format!("no pod template has {}", first_req.describe()),
    );
    for (r, l) in &differing {
        d = d.with_label(
            l.value_node.site(),
            format!("{} has {}: {}", template.owner_name(), r.key, l.value),
        );
    }
    let fixes: Vec<String> = differing
        .iter()
        .map(|(_, l)| format!("{}: {}", l.key, l.value))
        .collect();
    Some(d.with_help(format!(
        "did you mean {}? Make the selector and the labels of {} agree",
        fixes.join(", "),
        template.owner_name()
    )))
}

/// A template matches but for keys no template sets: a misspelt key, or run-time labels.
fn extra_keys(
    rule: &'static Rule,
    what: &str,
    ns: &str,
    sel: &Selector,
    template: &PodTemplate,
    keys: Vec<&str>,
) -> Option<Diagnostic> {
    // A misspelt key (`app.kubernetes.io/instnace`) whose value the template carries
    // under the right key is a mistake, not a run-time label.
    if let [key] = keys.as_slice()
        && let Some(r) = sel.requirements.iter().find(|r| r.key == *key)
        && let Some(l) = template.labels.iter().find(|l| {
            near_miss(key, l.key)
                && sel.requirements.iter().all(|o| o.key != l.key)
                && r.values.iter().any(|v| v == &l.value)
        })
    {
        return Some(
            Diagnostic::new(
                rule,
                format!(
                    "{what} selects no pods: no pod template in namespace \"{ns}\" has the label key \"{key}\""
                ),
            )
            .with_severity(rule.severity)
            .at(r.site, format!("no pod template sets {key}"))
            .with_label(
                l.value_node.site(),
                format!("{} has {}: {}", template.owner_name(), l.key, l.value),
            )
            .with_help(format!(
                "did you mean {}: {}? Make the selector and the labels of {} agree",
                l.key,
                l.value,
                template.owner_name()
            )),
        );
    }
    let first = sel.requirements.iter().find(|r| keys.contains(&r.key))?;
    Some(
        Diagnostic::new(
            rule,
            format!(
                "{what} selects pods only when they carry {}, which no pod template in namespace \"{ns}\" sets",
                quoted(&keys)
            ),
        )
        .with_severity(Severity::Warning)
        .at(first.site, format!("no pod template sets {}", first.key))
        .with_label(template.labels_site(), format!("{} matches the rest of the selector", template.owner_name()))
        .with_note("labels set at run time (by the application, or controllers such as pod-template-hash) make this work; a misspelt key does not")
        .with_help(format!("if {} is not added at run time, remove it from the selector", quoted(&keys))),
    )
}

fn nothing_in_this_run(rule: &'static Rule, what: &str, ns: &str, sel: &Selector) -> Diagnostic {
    Diagnostic::new(
        rule,
        format!("{what} selects nothing in this run: no pod template in namespace \"{ns}\" has {}", sel.describe()),
    )
    .with_severity(Severity::Warning)
    .at(sel.node.site(), format!("selects {}", sel.describe()))
    .with_note("the pods may come from outside the run, or the chart renders its workload only when some values are set")
    .with_help("check the selector against the labels of the pods it should select")
}

/// Whether two spellings are one slip apart: case, a small edit, or a missing prefix
/// (`web` for `release-web`, `name` for `app.kubernetes.io/name`).
fn near_miss(a: &str, b: &str) -> bool {
    if a == b {
        return false;
    }
    if a.eq_ignore_ascii_case(b) {
        return true;
    }
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if !short.is_empty()
        && long
            .strip_suffix(short)
            .is_some_and(|p| p.ends_with(['-', '/', '.', '_']))
    {
        return true;
    }
    let d = crate::diag::edit_distance(a, b);
    transposed(a, b) || (d <= 2 && d * 4 <= short.chars().count())
}

/// Two adjacent characters swapped (`wbe` for `web`).
fn transposed(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len() != b.len() {
        return false;
    }
    let diff: Vec<usize> = (0..a.len()).filter(|&i| a.get(i) != b.get(i)).collect();
    matches!(diff.as_slice(), [i, j] if *j == i + 1 && a.get(*i) == b.get(*j) && a.get(*j) == b.get(*i))
}

/// The warning for an object whose pods an operator may create from a custom resource of the
/// run, if the run has such a resource.
fn operator_warning(
    ix: &Index,
    ns: &str,
    sel: &Selector,
    rule: &'static Rule,
    what: &str,
) -> Option<Diagnostic> {
    let cr = operator_resource(ix, ns, sel)?;
    Some(
            Diagnostic::new(
                rule,
                format!(
                    "{what} selects no pod template of the run; its pods may be created by an operator from {} \"{}\"",
                    cr.kind, cr.name
                ),
            )
            .with_severity(Severity::Warning)
            .at(sel.node.site(), format!("selects {}", sel.describe()))
            .with_label(
                cr.name_span(),
                format!("{} \"{}\" is a custom resource; its operator may create the pods", cr.kind, cr.name),
            )
            .with_help("if no operator creates these pods, fix the selector; otherwise suppress this warning"),
        )
}

/// A custom resource of the run that may explain the miss, preferring one the selector names.
fn operator_resource<'a>(ix: &Index<'a>, ns: &str, sel: &Selector) -> Option<&'a Object> {
    let mut candidates = ix.pod_making_custom_resources(ns).peekable();
    let first = *candidates.peek()?;
    let named = candidates.find(|o| {
        sel.requirements.iter().any(|r| {
            r.values
                .iter()
                .any(|v| v == &o.name || v.eq_ignore_ascii_case(&o.kind))
        })
    });
    Some(named.unwrap_or(first))
}

fn quoted(keys: &[&str]) -> String {
    let q: Vec<String> = keys.iter().map(|k| format!("\"{k}\"")).collect();
    q.join(", ")
}

#[cfg(test)]
mod tests {
    use super::{near_miss, transposed};
    use crate::diag::Severity;
    use crate::rules::tests::check;

    /// A Service "s" with `selector` (a flow map), then a Deployment per (name, labels).
    fn service(selector: &str, deployments: &[(&str, &str)]) -> String {
        let mut yaml = format!(
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  selector: {selector}\n  ports:\n    - port: 80\n"
        );
        for (name, labels) in deployments {
            yaml.push_str(&format!(
                "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\nspec:\n  selector:\n    matchLabels: {labels}\n  template:\n    metadata:\n      labels: {labels}\n    spec:\n      containers:\n        - name: c\n          image: nginx:1.27\n"
            ));
        }
        yaml
    }

    /// (severity, message, secondary labels, help) of each finding.
    fn findings(yaml: &str) -> Vec<(Severity, String, Vec<String>, String)> {
        check(yaml)
            .of("rules/service-selects-nothing")
            .iter()
            .map(|d| {
                (
                    d.severity,
                    d.message.clone(),
                    d.secondary.iter().map(|l| l.message.clone()).collect(),
                    d.help.clone().unwrap_or_default(),
                )
            })
            .collect()
    }

    const WEB: (&str, &str) = (
        "web",
        "{app.kubernetes.io/name: web, app.kubernetes.io/instance: rel}",
    );

    /// A misspelt key whose value the template carries under the right key is an error naming
    /// that key; with another value, or a key nowhere near, it may be a run-time label (a
    /// warning).
    #[test]
    fn a_misspelt_label_key_and_run_time_keys() {
        assert_eq!(
            findings(&service(
                "{app.kubernetes.io/name: web, app.kubernetes.io/instnace: rel}",
                &[WEB]
            )),
            vec![(
                Severity::Error,
                "Service \"s\" selects no pods: no pod template in namespace \"default\" has the label key \"app.kubernetes.io/instnace\"".to_string(),
                vec!["Deployment \"web\" has app.kubernetes.io/instance: rel".to_string()],
                "did you mean app.kubernetes.io/instance: rel? Make the selector and the labels of Deployment \"web\" agree".to_string()
            )]
        );
        let run_time = |selector: &str| findings(&service(selector, &[WEB]));
        let expected = |key: &str| {
            vec![(
                Severity::Warning,
                format!(
                    "Service \"s\" selects pods only when they carry \"{key}\", which no pod template in namespace \"default\" sets"
                ),
                vec!["Deployment \"web\" matches the rest of the selector".to_string()],
                format!("if \"{key}\" is not added at run time, remove it from the selector"),
            )]
        };
        assert_eq!(
            run_time("{app.kubernetes.io/name: web, app.kubernetes.io/instnace: other}"),
            expected("app.kubernetes.io/instnace")
        );
        assert_eq!(
            run_time("{app.kubernetes.io/name: web, role: primary}"),
            expected("role")
        );
    }

    /// Two templates equally close to a typo: the first in the run is the one suggested.
    #[test]
    fn a_tie_between_templates_suggests_the_first() {
        let found = findings(&service(
            "{app: wbe}",
            &[("one", "{app: web}"), ("two", "{app: web}")],
        ));
        assert_eq!(
            found
                .iter()
                .map(|(s, m, l, _)| (*s, m.as_str(), l.clone()))
                .collect::<Vec<_>>(),
            vec![(
                Severity::Error,
                "Service \"s\" selects no pods: no pod template in namespace \"default\" has app: wbe",
                vec!["Deployment \"one\" has app: web".to_string()]
            )]
        );
        // Fewer differences win over order.
        let found = findings(&service(
            "{app: wbe, tier: fe}",
            &[
                ("one", "{app: web, tier: be}"),
                ("two", "{app: web, tier: fe}"),
            ],
        ));
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].2,
            vec!["Deployment \"two\" has app: web".to_string()]
        );
    }

    /// One slip apart: case, a missing prefix ending in a separator, a swap, or at most two
    /// edits when the shorter spelling has at least four characters per edit.
    #[test]
    fn near_misses_and_what_is_too_far() {
        for (a, b, near) in [
            ("web", "web", false),
            ("Web", "web", true),
            ("web", "release-web", true),
            ("release-web", "web", true),
            ("name", "app.kubernetes.io/name", true),
            ("web", "my_web", true),
            ("web", "v1.web", true),
            ("web", "myweb", false),
            ("", "x", false),
            ("", "-", false),
            ("wbe", "web", true),
            // One edit needs four characters, two edits eight.
            ("abcd", "abce", true),
            ("abc", "abd", false),
            ("abcdefgh", "abcdefxy", true),
            ("abcdefg", "abcdexy", false),
            ("abcdefghijkl", "abcdefghixyz", false),
        ] {
            assert_eq!(near_miss(a, b), near, "{a} / {b}");
        }
    }

    #[test]
    fn transposed_is_one_swap_of_neighbours() {
        for (a, b, swapped) in [
            ("ab", "ba", true),
            ("abc", "acb", true),
            ("abc", "bca", false),
            ("abcd", "badc", false),
            ("abc", "cba", false),
            ("ab", "ab", false),
            ("abc", "ab", false),
            ("ab", "abc", false),
            ("aab", "aba", true),
        ] {
            assert_eq!(transposed(a, b), swapped, "{a} / {b}");
        }
    }
}
