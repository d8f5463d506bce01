//! Per object: find what validates it (built-in kind of the target version, or a CRD), report
//! removed, deprecated and unknown API versions, then walk it.

use rayon::prelude::*;

use super::apis::{self, Status};
use super::crd::{CrdVersion, Crds};
use super::store;
use super::validate::{Path, Walker};
use crate::catalog::schema::*;
use crate::check::CheckContext;
use crate::diag::{Diagnostic, Severity, did_you_mean};
use crate::object::Object;
use crate::source::Span;
use crate::version::{KubeVersion, NEWEST_MINOR, OLDEST_MINOR};
use crate::yaml::Node;

pub fn check(ctx: &CheckContext) -> Vec<Diagnostic> {
    let crds = Crds::collect(ctx.objects.iter().chain(ctx.extra_crds.iter()));
    let per_object: Vec<Vec<Diagnostic>> = ctx
        .objects
        .par_iter()
        .filter(|o| !o.schema_checked)
        .map(|o| check_object(ctx, &crds, o))
        .collect();
    per_object.into_iter().flatten().collect()
}

pub(super) fn check_object(ctx: &CheckContext, crds: &Crds, o: &Object) -> Vec<Diagnostic> {
    let target = embedded_target(ctx.kube_version);
    let mut diags = Vec::new();
    if o.api_version.is_empty() || o.kind.is_empty() {
        return diags; // object/missing-field reports it.
    }
    let at = o.root.get("apiVersion").map(Node::site).unwrap_or(o.span);
    let (group, version, kind) = (o.group(), o.version(), o.kind.as_str());
    let walker = |defs| Walker {
        defs,
        sources: ctx.sources,
        object: o.object_ref(),
        custom_root: false,
        custom: false,
        diags: Vec::new(),
    };
    let parent = o.root.get("kind").map(Node::site).unwrap_or(o.span);

    let builtin = store::version(target).and_then(|s| s.kind(group, version, kind).map(|d| (s, d)));
    if let Some((schemas, def)) = builtin {
        if let Status::Deprecated {
            removed_in,
            replacement,
            changes,
        } = apis::status(target, group, &o.api_version, kind)
        {
            let mut d = Diagnostic::new(
                &DEPRECATED_API,
                format!(
                    "{} {kind} is deprecated and no longer served from Kubernetes 1.{removed_in}",
                    o.api_version
                ),
            )
            .at(at, format!("removed in 1.{removed_in}"))
            .with_object(o.object_ref());
            d = with_migration(d, &replacement, changes);
            diags.push(d);
        }
        let mut w = walker(Some(schemas));
        let mut path = Path::default();
        w.walk(schemas.def(def), &o.root, &mut path, parent, 0);
        diags.extend(w.diags);
        return diags;
    }
    match apis::status(target, group, &o.api_version, kind) {
        Status::Removed {
            removed_in,
            replacement,
            changes,
        } => {
            let mut d = Diagnostic::new(
                &REMOVED_API,
                format!(
                    "{} {kind} is not served by Kubernetes {}: removed in 1.{removed_in}",
                    o.api_version,
                    short(target)
                ),
            )
            .at(at, format!("removed in 1.{removed_in}"))
            .with_object(o.object_ref());
            d = with_migration(d, &replacement, changes);
            diags.push(d);
            return diags;
        }
        Status::NotYet { since } => {
            diags.push(
                Diagnostic::new(
                    &UNKNOWN_KIND,
                    format!(
                        "{} {kind} is not served by Kubernetes {}: it exists from 1.{since}",
                        o.api_version,
                        short(target)
                    ),
                )
                .at(at, format!("needs Kubernetes 1.{since} or newer"))
                .with_object(o.object_ref())
                .with_severity(strict_severity(ctx)),
            );
            return diags;
        }
        Status::Served | Status::Deprecated { .. } | Status::Unknown => {}
    }
    if let Some(versions) = crds.get(group, kind) {
        let Some(v) = versions.get(version) else {
            diags.push(version_not_served(versions, o, at));
            return diags;
        };
        // `schema::Pruning` dropped this CRD's schemas because no object could be of its kind:
        // an object that is means its scan missed a way of writing `kind` or `apiVersion`.
        debug_assert!(
            !v.crd.schema_checked,
            "{kind} {} was pruned, yet {} is one",
            v.crd.name, o.name
        );
        if let Some(schema) = v.schema() {
            let mut w = walker(store::version(target));
            w.custom_root = true;
            w.custom = true;
            let mut path = Path::default();
            w.walk(schema, &o.root, &mut path, parent, 0);
            diags.extend(w.diags);
        }
        return diags;
    }
    if apis::builtin_groups().contains(group) {
        diags.push(unknown_builtin_kind(ctx, o, at, target));
        return diags;
    }
    diags.push(
        Diagnostic::new(
            &MISSING_CRD,
            format!("no CustomResourceDefinition for {kind} ({}) in the run: it cannot be validated", o.api_version),
        )
        .at(at, "custom resource without a CRD")
        .with_object(o.object_ref())
        .with_help("if the CRD is installed separately (an operator chart), pass it with --crd to validate against it"),
    );
    diags
}

/// A custom resource whose CRD is in the run but does not serve its version.
fn version_not_served(
    versions: &std::collections::BTreeMap<String, CrdVersion<'_>>,
    o: &Object,
    at: Span,
) -> Diagnostic {
    let kind = o.kind.as_str();
    let served: Vec<&str> = versions.keys().map(String::as_str).collect();
    let crd = versions.values().next().map(|v| v.crd);
    let mut d = Diagnostic::new(
        &UNKNOWN_KIND,
        format!(
            "no CRD in the run serves {} {kind}: it serves {}",
            o.api_version,
            served.join(", ")
        ),
    )
    .at(at, "version not served")
    .with_object(o.object_ref())
    .with_severity(Severity::Error);
    if let Some(crd) = crd {
        d = d.with_label(
            crd.name_span(),
            format!("CustomResourceDefinition \"{}\"", crd.name),
        );
    }
    d
}

/// An object of a built-in API group whose kind the Kubernetes version does not have.
fn unknown_builtin_kind(
    ctx: &CheckContext,
    o: &Object,
    at: Span,
    target: KubeVersion,
) -> Diagnostic {
    let (group, kind) = (o.group(), o.kind.as_str());
    let kind_at = o.root.get("kind").map(Node::site).unwrap_or(at);
    let mut d = Diagnostic::new(
        &UNKNOWN_KIND,
        format!(
            "Kubernetes {} has no kind {kind} in {}",
            short(target),
            o.api_version
        ),
    )
    .at(kind_at, "unknown kind")
    .with_object(o.object_ref())
    .with_severity(strict_severity(ctx));
    if let Some(served) = apis::preferred_version(target, group, kind) {
        // The kind exists; only the version is wrong (`apps/v2`).
        d = d.with_help(format!("use apiVersion: {served}"));
    } else if let Some(schemas) = store::version(target) {
        let kinds: Vec<&str> = schemas
            .kinds
            .keys()
            .filter(|(g, _, _)| g == group)
            .map(|(_, _, k)| k.as_str())
            .collect();
        if let Some(best) = did_you_mean(kind, kinds) {
            d = d.with_help(format!("did you mean `{best}`?"));
        }
    }
    d
}

/// The CLI refuses versions that are not embedded; should one get here anyway, the nearest
/// embedded version stands in rather than every object being reported as removed.
fn embedded_target(v: KubeVersion) -> KubeVersion {
    let minor = if v.major < 1 {
        OLDEST_MINOR
    } else if v.major > 1 {
        NEWEST_MINOR
    } else {
        v.minor
    };
    KubeVersion {
        major: 1,
        minor: minor.clamp(OLDEST_MINOR, NEWEST_MINOR),
        patch: v.patch,
    }
}

fn strict_severity(ctx: &CheckContext) -> Severity {
    if ctx.strict {
        Severity::Error
    } else {
        Severity::Warning
    }
}

fn short(target: KubeVersion) -> String {
    format!("1.{}", target.minor)
}

fn with_migration(mut d: Diagnostic, replacement: &str, changes: &str) -> Diagnostic {
    if !replacement.is_empty() {
        d = d.with_help(format!("use apiVersion: {replacement}"));
    }
    if !changes.is_empty() {
        d = d.with_note(changes.to_string());
    }
    d
}
