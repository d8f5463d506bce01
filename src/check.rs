//! What every check stage (schema, rules, cluster) receives.

use crate::config::Config;
use crate::diag::Diagnostic;
use crate::object::Object;
use crate::source::SourceMap;
use crate::version::KubeVersion;

pub struct CheckContext<'a> {
    pub sources: &'a SourceMap,
    /// Every object of the run, in input order.
    pub objects: &'a [Object],
    pub kube_version: KubeVersion,
    /// Where objects without `metadata.namespace` land.
    pub release_namespace: &'a str,
    pub config: &'a Config,
    /// `--strict`: warnings that depend on a closed world become errors where a rule says so.
    pub strict: bool,
    /// CustomResourceDefinitions given with `--crd`: they validate custom resources of the run but
    /// are not themselves part of it.
    pub extra_crds: &'a [Object],
    /// `--create-namespace`: the release namespace is created before anything is applied.
    pub create_namespace: bool,
}

impl<'a> CheckContext<'a> {
    /// A context with the defaults of a plain run: the newest Kubernetes version, release
    /// namespace `default`, not strict, no `--crd`, no `--create-namespace`.
    pub fn new(sources: &'a SourceMap, objects: &'a [Object], config: &'a Config) -> Self {
        CheckContext {
            sources,
            objects,
            kube_version: KubeVersion::NEWEST,
            release_namespace: "default",
            config,
            strict: false,
            extra_crds: &[],
            create_namespace: false,
        }
    }
}

/// Rules whose findings say something is missing from the run (no pod selected, no object
/// referred to, no CRD or namespace): an object lost to an earlier error may be the reason.
const ABOUT_SOMETHING_MISSING: &[&str] = &[
    "rules/service-selects-nothing",
    "rules/pdb-selects-nothing",
    "rules/networkpolicy-selects-nothing",
    "rules/service-target-port",
    "rules/statefulset-service",
    "rules/missing-reference",
    "rules/role-ref",
    "rules/hpa-target",
    "rules/ingress-backend",
    "schema/missing-crd",
    "cluster/no-crd",
    "cluster/namespace-not-found",
    "cluster/pvc-unbound",
];

/// One mistake, one finding: when a template failed to render (or a document failed to parse),
/// the objects it would have made are missing from the run, and the findings about something
/// missing may only follow from that error. Such findings are moved after every finding of the
/// run (so after their possible cause) and say so in a note. `diagnostics` are one run's,
/// sorted by location.
pub fn follow_lost_objects(sources: &SourceMap, diagnostics: &mut Vec<Diagnostic>) {
    let mut lost: Vec<String> = Vec::new();
    for d in diagnostics.iter() {
        let loses_objects = d.rule.id.starts_with("render/") || d.rule.id == "yaml/syntax";
        if !(loses_objects && d.is_error()) {
            continue;
        }
        if let Some(l) = &d.primary {
            let path = sources.locate(l.span).path;
            if !lost.contains(&path) {
                lost.push(path);
            }
        }
    }
    if lost.is_empty() {
        return;
    }
    let note = match lost.as_slice() {
        [one] => format!(
            "{one} failed to render or parse (error above): objects it makes are missing from this run, which may be why"
        ),
        many => format!(
            "{} failed to render or parse (errors above): objects they make are missing from this run, which may be why",
            many.join(", ")
        ),
    };
    let (follow, mut rest): (Vec<Diagnostic>, Vec<Diagnostic>) = diagnostics
        .drain(..)
        .partition(|d| ABOUT_SOMETHING_MISSING.contains(&d.rule.id));
    rest.extend(follow.into_iter().map(|d| d.with_note(note.clone())));
    *diagnostics = rest;
}
