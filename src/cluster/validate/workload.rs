//! Workload checks (apps and batch validation): selectors against template labels, counts,
//! rollout strategies, Job restart policies, CronJob schedules.

use super::cron;
use super::pod::{Owner, pod_spec_with_claims};
use crate::cluster::field::{Errors, FieldPath, quote, render};
use crate::cluster::selector;
use crate::yaml::Node;

fn non_negative(spec: &Node, sp: &FieldPath, keys: &[&str], e: &mut Errors) {
    for key in keys {
        if let Some(n) = spec.get(key)
            && n.as_i64().is_some_and(|v| v < 0)
        {
            e.invalid_node(&sp.key(key), n, "must be greater than or equal to 0");
        }
    }
}

/// Template metadata and spec of a pod template at `tp` (`spec.template`).
fn template(spec: &Node, tp: &FieldPath, owner: Owner, e: &mut Errors) {
    template_with_claims(spec, tp, owner, &[], e);
}

fn template_with_claims(
    spec: &Node,
    tp: &FieldPath,
    owner: Owner,
    claims: &[String],
    e: &mut Errors,
) {
    let Some(t) = spec.get("template") else {
        e.required(tp, "");
        return;
    };
    super::meta::labels(
        t.path(&["metadata", "labels"]),
        &tp.key("metadata").key("labels"),
        e,
    );
    super::meta::annotations(
        t.path(&["metadata", "annotations"]),
        &tp.key("metadata").key("annotations"),
        e,
    );
    match t.get("spec") {
        Some(ps) => pod_spec_with_claims(ps, &tp.key("spec"), owner, claims, e),
        None => e.required(&tp.key("spec").key("containers"), ""),
    }
}

/// `selector` required, non-empty and matching the template labels.
fn selector_matches_template(
    spec: &Node,
    sp: &FieldPath,
    what: &str,
    required: bool,
    e: &mut Errors,
) {
    let sel = spec.get("selector").filter(|n| !n.is_null());
    let labels = spec.path(&["template", "metadata", "labels"]);
    // The labels' map itself, not a copy of it (a second transient copy per workload).
    let labels_json = match labels.map(Node::to_json) {
        Some(serde_json::Value::Object(map)) => map,
        _ => serde_json::Map::new(),
    };
    match sel {
        None if required => e.required(&sp.key("selector"), ""),
        None => {}
        Some(s) => {
            let j = s.to_json();
            let empty = j.as_object().is_none_or(|m| {
                m.get("matchLabels")
                    .and_then(|v| v.as_object())
                    .is_none_or(|x| x.is_empty())
                    && m.get("matchExpressions")
                        .and_then(|v| v.as_array())
                        .is_none_or(|x| x.is_empty())
            });
            if empty {
                e.invalid_node(
                    &sp.key("selector"),
                    s,
                    format!("empty selector is invalid for {what}"),
                );
                return;
            }
            let before = e.len();
            super::meta::label_selector(s, &sp.key("selector"), e);
            // Invalid requirements leave the API server no selector to test the labels with.
            if e.len() == before && !selector::label_selector_matches(&j, &labels_json) {
                let tp = sp.key("template").key("metadata").key("labels");
                let value = labels.map(render).unwrap_or_else(|| "null".to_string());
                e.invalid(&tp, value, "`selector` does not match template `labels`");
            }
        }
    }
}

fn int_or_percent(node: &Node) -> Option<(i64, bool)> {
    match (node.as_i64(), node.as_str()) {
        (Some(v), _) => Some((v, false)),
        (_, Some(s)) => s
            .strip_suffix('%')
            .and_then(|p| p.parse().ok())
            .map(|v| (v, true)),
        _ => None,
    }
}

fn check_int_or_percent(node: &Node, path: &FieldPath, e: &mut Errors) {
    if let Some(s) = node.as_str()
        && int_or_percent(node).is_none()
    {
        let _ = s;
        e.invalid_node(path, node, "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')");
    } else if let Some((v, _)) = int_or_percent(node)
        && v < 0
    {
        e.invalid_node(path, node, "must be greater than or equal to 0");
    }
}

pub fn deployment(root: &Node, e: &mut Errors) {
    let sp = FieldPath::of("spec");
    let Some(spec) = root.get("spec") else {
        e.required(&sp.key("selector"), "");
        return;
    };
    non_negative(
        spec,
        &sp,
        &["replicas", "minReadySeconds", "revisionHistoryLimit"],
        e,
    );
    selector_matches_template(spec, &sp, "deployment", true, e);
    template(spec, &sp.key("template"), Owner::Replicated, e);
    let stp = sp.key("strategy");
    if let Some(strategy) = spec.get("strategy") {
        let ty = strategy
            .get("type")
            .and_then(Node::as_str)
            .filter(|t| !t.is_empty())
            .unwrap_or("RollingUpdate");
        if let Some(t) = strategy.get("type")
            && !matches!(ty, "Recreate" | "RollingUpdate")
        {
            e.unsupported(&stp.key("type"), t, &["Recreate", "RollingUpdate"]);
        }
        let ru = strategy.get("rollingUpdate").filter(|n| !n.is_null());
        if ty == "Recreate" && ru.is_some() {
            e.forbidden(
                &stp.key("rollingUpdate"),
                "may not be specified when strategy `type` is 'Recreate'",
            );
        }
        if ty == "RollingUpdate"
            && let Some(ru) = ru
        {
            let rp = stp.key("rollingUpdate");
            let surge = ru.get("maxSurge");
            let unavailable = ru.get("maxUnavailable");
            for (k, n) in [("maxSurge", surge), ("maxUnavailable", unavailable)] {
                if let Some(n) = n {
                    check_int_or_percent(n, &rp.key(k), e);
                }
            }
            let zero = |n: Option<&Node>| n.and_then(int_or_percent).is_some_and(|(v, _)| v == 0);
            if zero(surge) && zero(unavailable) {
                e.invalid(
                    &rp.key("maxUnavailable"),
                    "0",
                    "may not be 0 when `maxSurge` is 0",
                );
            }
            if let Some(u) = unavailable
                && int_or_percent(u).is_some_and(|(v, pct)| pct && v > 100)
            {
                e.invalid_node(
                    &rp.key("maxUnavailable"),
                    u,
                    "must not be greater than 100%",
                );
            }
        }
    }
    if let (Some(pd), Some(mr)) = (
        spec.get("progressDeadlineSeconds").and_then(Node::as_i64),
        spec.get("minReadySeconds").and_then(Node::as_i64),
    ) && pd <= mr
    {
        e.invalid(
            &sp.key("progressDeadlineSeconds"),
            pd.to_string(),
            "must be greater than minReadySeconds",
        );
    }
}

pub fn replica_set(root: &Node, kind: &str, e: &mut Errors) {
    let sp = FieldPath::of("spec");
    let Some(spec) = root.get("spec") else {
        e.required(&sp.key("selector"), "");
        return;
    };
    non_negative(spec, &sp, &["replicas", "minReadySeconds"], e);
    if kind == "ReplicationController" {
        if let Some(sel) = spec.get("selector").filter(|n| !n.is_null()) {
            let labels = spec
                .path(&["template", "metadata", "labels"])
                .map(Node::to_json)
                .and_then(|j| j.as_object().cloned())
                .unwrap_or_default();
            if let Some(m) = sel.to_json().as_object()
                && !selector::map_matches(m, &labels)
            {
                e.invalid(
                    &sp.key("template").key("metadata").key("labels"),
                    "null",
                    "`selector` does not match template `labels`",
                );
            }
        }
    } else {
        selector_matches_template(spec, &sp, "deployment", true, e);
    }
    template(spec, &sp.key("template"), Owner::Replicated, e);
}

pub fn stateful_set(root: &Node, e: &mut Errors) {
    let sp = FieldPath::of("spec");
    let Some(spec) = root.get("spec") else {
        e.required(&sp.key("selector"), "");
        return;
    };
    non_negative(
        spec,
        &sp,
        &["replicas", "minReadySeconds", "revisionHistoryLimit"],
        e,
    );
    selector_matches_template(spec, &sp, "statefulset", true, e);
    if let Some(p) = spec.get("podManagementPolicy")
        && !matches!(p.as_str(), Some("OrderedReady" | "Parallel"))
    {
        e.unsupported(
            &sp.key("podManagementPolicy"),
            p,
            &["OrderedReady", "Parallel"],
        );
    }
    if let Some(us) = spec.get("updateStrategy") {
        let up = sp.key("updateStrategy");
        let ty = us
            .get("type")
            .and_then(Node::as_str)
            .filter(|t| !t.is_empty())
            .unwrap_or("RollingUpdate");
        if let Some(t) = us.get("type")
            && !matches!(ty, "RollingUpdate" | "OnDelete")
        {
            e.unsupported(&up.key("type"), t, &["OnDelete", "RollingUpdate"]);
        }
        if ty == "OnDelete" && us.get("rollingUpdate").is_some_and(|n| !n.is_null()) {
            e.invalid(
                &up.key("rollingUpdate"),
                "null",
                "only allowed for updateStrategy 'RollingUpdate'",
            );
        }
        if let Some(p) = us.path(&["rollingUpdate", "partition"])
            && p.as_i64().is_some_and(|v| v < 0)
        {
            e.invalid_node(
                &up.key("rollingUpdate").key("partition"),
                p,
                "must be greater than or equal to 0",
            );
        }
    }
    if let Some(n) = spec.get("serviceName")
        && let Some(s) = n.as_str()
        && !s.is_empty()
    {
        e.check(
            &sp.key("serviceName"),
            n,
            crate::cluster::names::dns1123_label(s),
        );
    }
    let claims: Vec<String> = spec
        .get("volumeClaimTemplates")
        .and_then(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .filter_map(|c| {
            c.path(&["metadata", "name"])
                .and_then(Node::as_str)
                .map(str::to_string)
        })
        .collect();
    template_with_claims(spec, &sp.key("template"), Owner::Replicated, &claims, e);
    for (i, vct) in spec
        .get("volumeClaimTemplates")
        .and_then(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .enumerate()
    {
        let vp = sp.key("volumeClaimTemplates").index(i);
        if let Some(s) = vct.get("spec") {
            super::core::pvc_spec(s, &vp.key("spec"), true, e);
        }
    }
}

pub fn daemon_set(root: &Node, e: &mut Errors) {
    let sp = FieldPath::of("spec");
    let Some(spec) = root.get("spec") else {
        e.required(&sp.key("selector"), "");
        return;
    };
    non_negative(spec, &sp, &["minReadySeconds", "revisionHistoryLimit"], e);
    selector_matches_template(spec, &sp, "daemonset", true, e);
    if let Some(ru) = spec
        .path(&["updateStrategy", "rollingUpdate"])
        .filter(|n| !n.is_null())
    {
        let rp = sp.key("updateStrategy").key("rollingUpdate");
        let val = |k: &str| ru.get(k).and_then(int_or_percent).map(|(v, _)| v);
        let surge = val("maxSurge").unwrap_or(0);
        let unavailable = val("maxUnavailable").unwrap_or(1);
        if surge == 0 && unavailable == 0 {
            e.invalid(
                &rp.key("maxUnavailable"),
                "0",
                "cannot be 0 when maxSurge is 0",
            );
        } else if surge != 0 && unavailable != 0 && ru.get("maxUnavailable").is_some() {
            e.invalid(
                &rp.key("maxSurge"),
                surge.to_string(),
                "may not be set when maxUnavailable is non-zero",
            );
        }
    }
    template(spec, &sp.key("template"), Owner::Replicated, e);
}

/// Job spec at `sp` (`spec`, or `spec.jobTemplate.spec` in a CronJob).
fn job_spec(spec: &Node, sp: &FieldPath, in_cron: bool, e: &mut Errors) {
    non_negative(
        spec,
        sp,
        &[
            "parallelism",
            "completions",
            "backoffLimit",
            "ttlSecondsAfterFinished",
        ],
        e,
    );
    if let Some(ads) = spec.get("activeDeadlineSeconds")
        && ads.as_i64().is_some_and(|v| v <= 0)
    {
        e.invalid_node(
            &sp.key("activeDeadlineSeconds"),
            ads,
            "must be greater than or equal to 0",
        );
    }
    let manual = spec
        .get("manualSelector")
        .and_then(Node::as_bool)
        .unwrap_or(false);
    if let Some(sel) = spec.get("selector").filter(|n| !n.is_null()) {
        if in_cron {
            e.invalid_node(
                &sp.key("selector"),
                sel,
                "`selector` will be auto-generated",
            );
        } else if !manual {
            // Without manualSelector the server adds its own controller-uid; a selector that
            // already carries one (copied from another Job) can never equal it.
            let uid_keys = ["controller-uid", "batch.kubernetes.io/controller-uid"];
            if uid_keys
                .iter()
                .any(|k| sel.path(&["matchLabels", k]).is_some())
            {
                e.invalid_node(&sp.key("selector"), sel, "`selector` not auto-generated");
            }
        } else {
            selector_matches_template(spec, sp, "job", true, e);
        }
    }
    if in_cron
        && let Some(m) = spec
            .get("manualSelector")
            .filter(|n| n.as_bool() == Some(true))
    {
        e.unsupported(&sp.key("manualSelector"), m, &["nil", "false"]);
    }
    if spec.path(&["completionMode"]).and_then(Node::as_str) == Some("Indexed")
        && spec.get("completions").is_none_or(Node::is_null)
    {
        e.required(&sp.key("completions"), "when completion mode is Indexed");
    }
    template(spec, &sp.key("template"), Owner::Job, e);
}

pub fn job(root: &Node, name: &str, e: &mut Errors) {
    let sp = FieldPath::of("spec");
    // The name is copied into the `job-name` label of the template.
    if name.len() > 63 {
        e.invalid(
            &sp.key("template").key("labels"),
            quote(name),
            "must be no more than 63 characters",
        );
    }
    match root.get("spec") {
        Some(spec) => job_spec(spec, &sp, false, e),
        None => e.required(&sp.key("template"), ""),
    }
}

pub fn cron_job(root: &Node, name: &str, e: &mut Errors) {
    let sp = FieldPath::of("spec");
    if name.len() > 52 {
        e.invalid(
            &FieldPath::of("metadata.name"),
            quote(name),
            "must be no more than 52 characters",
        );
    }
    let Some(spec) = root.get("spec") else {
        e.required(&sp.key("schedule"), "");
        return;
    };
    match spec
        .get("schedule")
        .filter(|n| n.as_str().is_some_and(|s| !s.is_empty()))
    {
        None => e.required(&sp.key("schedule"), ""),
        Some(s) => {
            let text = s.as_str().unwrap_or_default();
            if text.contains("TZ") {
                e.invalid_node(
                    &sp.key("schedule"),
                    s,
                    "cannot use TZ or CRON_TZ in schedule, use timeZone field instead",
                );
            } else if let Err(msg) = cron::parse_schedule(text) {
                e.invalid_node(&sp.key("schedule"), s, msg);
            }
        }
    }
    if let Some(tz) = spec.get("timeZone")
        && let Some(t) = tz.as_str()
        && let Err(msg) = cron::check_time_zone(t)
    {
        e.invalid_node(&sp.key("timeZone"), tz, msg);
    }
    if let Some(p) = spec.get("concurrencyPolicy")
        && !matches!(p.as_str(), Some("Allow" | "Forbid" | "Replace"))
    {
        e.unsupported(
            &sp.key("concurrencyPolicy"),
            p,
            &["Allow", "Forbid", "Replace"],
        );
    }
    non_negative(
        spec,
        &sp,
        &[
            "successfulJobsHistoryLimit",
            "failedJobsHistoryLimit",
            "startingDeadlineSeconds",
        ],
        e,
    );
    let jp = sp.key("jobTemplate").key("spec");
    match spec.path(&["jobTemplate", "spec"]) {
        Some(js) => job_spec(js, &jp, true, e),
        None => e.required(&jp.key("template"), ""),
    }
}
